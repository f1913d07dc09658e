"""Rendering in a forked child: the same files, errors come back, a dead child's work is done anyway."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from routemap import _parallel
from routemap.errors import ConfigError
from routemap.pipeline import build
from routemap.places import Gazetteer


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return Gazetteer.load()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_build_drawn_in_a_child_equals_one_drawn_in_one_process(
    sample_project: Path, tmp_path: Path, places: Gazetteer, monkeypatch: pytest.MonkeyPatch
):
    probe = _parallel.fork(lambda: None)
    if probe is None:
        pytest.skip("no fork here (one core or no os.fork): nothing to compare")
    probe.join()
    apart = build(sample_project, out_dir=tmp_path / "apart", gazetteer=places)
    monkeypatch.setenv("ROUTEMAP_PARALLEL", "0")
    build(sample_project, out_dir=tmp_path / "together", gazetteer=places)
    assert {"map.png", "report.html", "routes.xlsx"} <= set(apart.outputs)
    assert _files(tmp_path / "apart") == _files(tmp_path / "together")


def _fails() -> None:
    raise ConfigError("no such tiles 'nowhere'")


def test_what_the_child_raises_the_parent_raises():
    child = _parallel.fork(_fails)
    if child is None:
        pytest.skip("no fork here")
    with pytest.raises(ConfigError, match="no such tiles 'nowhere'"):
        child.join()


def _redone_by_the_parent(tmp_path: Path, misbehave: Callable[[], None], **join: float) -> str:
    """Fork a task that misbehaves in the child (and only there); join it; what the task wrote."""
    marker = tmp_path / "done"

    def task() -> None:
        if os.environ.get("ROUTEMAP_TEST_IN_PARENT") != "1":
            misbehave()
        marker.write_text("done", encoding="utf-8")

    child = _parallel.fork(task)
    if child is None:
        pytest.skip("no fork here")
    os.environ["ROUTEMAP_TEST_IN_PARENT"] = "1"
    try:
        child.join(**join)
    finally:
        del os.environ["ROUTEMAP_TEST_IN_PARENT"]
    return marker.read_text(encoding="utf-8")


def test_a_child_that_dies_has_its_work_done_by_the_parent(tmp_path: Path):
    # the child dies before doing anything
    assert _redone_by_the_parent(tmp_path, lambda: os.kill(os.getpid(), signal.SIGKILL)) == "done"


def test_a_child_that_hangs_is_stopped_and_its_work_done_here(tmp_path: Path):
    assert _redone_by_the_parent(tmp_path, signal.pause, timeout=0.5) == "done"  # hangs until killed


def test_no_child_when_asked_not_to(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROUTEMAP_PARALLEL", "0")
    assert _parallel.fork(lambda: None) is None


def test_a_child_can_be_stopped():
    child = _parallel.fork(signal.pause)
    if child is None:
        pytest.skip("no fork here")
    child.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, 0)  # reaped: nothing is left behind


def test_no_child_inside_a_jupyter_kernel(monkeypatch: pytest.MonkeyPatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert _parallel.fork(lambda: None) is None
