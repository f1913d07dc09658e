"""Tests for routemap._gc: thresholds raised inside a command and put back after."""

from __future__ import annotations

import gc

import pytest

from routemap._gc import THRESHOLD, few_collections


@pytest.fixture
def default_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after(default_threshold):
    with few_collections():
        assert gc.get_threshold()[0] == THRESHOLD
        with few_collections():  # nested: left as it is, and not restored early
            assert gc.get_threshold()[0] == THRESHOLD
        assert gc.get_threshold()[0] == THRESHOLD
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_after_an_error(default_threshold):
    with pytest.raises(RuntimeError), few_collections():
        raise RuntimeError("a build that failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_switched_off_collector_stays_off(default_threshold):
    gc.set_threshold(0)
    with few_collections():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_build_leaves_the_threshold_as_it_found_it(default_threshold, sample_project, tmp_path, gazetteer):
    from routemap.pipeline import build

    seen: list[int] = []
    done: list[bool] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and not done:
            seen.append(gc.get_threshold()[0])

    gc.callbacks.append(note)
    try:
        build(sample_project, out_dir=tmp_path / "out", formats="csv", gazetteer=gazetteer)
        done.append(True)
    finally:
        gc.callbacks.remove(note)
    assert gc.get_threshold() == (700, 10, 10)
    # the one collection that may run at the default is the one due as the default comes back
    during = seen[:-1] if seen and seen[-1] != THRESHOLD else seen
    assert during and set(during) == {THRESHOLD}, "collections ran at the default threshold during the build"
