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


def test_build_raises_the_threshold_while_it_runs_and_restores_it(
    default_threshold, sample_project, tmp_path, gazetteer, monkeypatch
):
    import routemap.pipeline as pipeline

    seen: list[tuple[int, int, int]] = []
    real = pipeline.open_project

    def open_project(*args, **kwargs):  # the first stage of every build
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "open_project", open_project)
    pipeline.build(sample_project, out_dir=tmp_path / "out", formats="csv", gazetteer=gazetteer)
    assert seen and seen[0][0] == THRESHOLD
    assert gc.get_threshold() == (700, 10, 10)
