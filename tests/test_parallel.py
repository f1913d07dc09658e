"""Rendering in a forked child: the same files, errors come back, a dead child's work is done anyway."""

from __future__ import annotations

import os
import signal
import time
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


@pytest.mark.parametrize("html_apart", [500, 0])  # report.html here (the sample's 52 routes), or in the child
def test_a_build_drawn_in_a_child_equals_one_drawn_in_one_process(
    sample_project: Path, tmp_path: Path, places: Gazetteer, monkeypatch: pytest.MonkeyPatch, html_apart: int
):
    probe = _parallel.fork(lambda: None)
    if probe is None:
        pytest.skip("no fork here (one core or no os.fork): nothing to compare")
    probe.join()
    monkeypatch.setattr("routemap.pipeline.HTML_APART", html_apart)
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


# ---------------------------------------------------------------- a child forked early (Warm)
_WARMED: list[int] = []


def _warm() -> None:
    _WARMED.append(os.getpid())


def _note_pid(path: Path) -> None:
    """The task: which process ran it, and whether that process had warmed up first."""
    path.write_text(f"{os.getpid()} {[os.getpid()] == _WARMED}", encoding="utf-8")


def test_a_warm_child_runs_the_task_sent_after_its_warm_up(tmp_path: Path):
    import functools

    warm = _parallel.prepare(_warm)
    if warm is None:
        pytest.skip("no fork here")
    pid = warm.pid
    child = warm.run(functools.partial(_note_pid, tmp_path / "ran"))
    assert child is not None
    child.join()
    ran_in, warmed = (tmp_path / "ran").read_text(encoding="utf-8").split()
    assert int(ran_in) == pid != os.getpid() and warmed == "True"
    assert _WARMED == []  # the warm-up ran in the child only
    warm.stop()  # harmless once the task went
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


_GO: list[bool] = []


def _wait_for_go(go: Path) -> None:
    """A warm-up that lasts until the parent says go (at most 10 s): as long as importing matplotlib, or longer."""
    for _ in range(1000):
        if go.exists():
            _GO.append(True)
            return
        time.sleep(0.01)
    _GO.append(False)


def _report_go(out: Path, payload: bytes) -> None:
    out.write_text(f"{_GO == [True]} {len(payload)}", encoding="utf-8")


def test_a_large_task_is_taken_while_the_child_still_warms_up(tmp_path: Path):
    # the parent hands over a task larger than a pipe holds and goes on at once: it does not wait for
    # the warm-up (which here lasts until the parent, back from run(), says go)
    import functools

    warm = _parallel.prepare(functools.partial(_wait_for_go, tmp_path / "go"))
    if warm is None:
        pytest.skip("no fork here")
    child = warm.run(functools.partial(_report_go, tmp_path / "out", b"x" * (4 << 20)))
    (tmp_path / "go").touch()
    assert child is not None
    child.join()
    assert (tmp_path / "out").read_text(encoding="utf-8") == f"True {4 << 20}"


def test_what_a_warm_child_raises_the_parent_raises():
    warm = _parallel.prepare(_warm)
    if warm is None:
        pytest.skip("no fork here")
    child = warm.run(_fails)
    assert child is not None
    with pytest.raises(ConfigError, match="no such tiles 'nowhere'"):
        child.join()


def test_a_task_that_does_not_pickle_is_left_to_the_caller():
    warm = _parallel.prepare(_warm)
    if warm is None:
        pytest.skip("no fork here")
    pid = warm.pid
    assert warm.run(lambda: None) is None  # a lambda does not pickle
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # stopped and reaped


def test_a_warm_child_with_no_task_leaves_when_its_pipe_closes():
    warm = _parallel.prepare(_warm)
    if warm is None:
        pytest.skip("no fork here")
    os.close(warm.tasks)  # as when the parent dies
    _, status = os.waitpid(warm.pid, 0)
    os.close(warm.replies)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_build_that_fails_before_drawing_leaves_no_child(
    sample_project: Path, places: Gazetteer, monkeypatch: pytest.MonkeyPatch
):
    made: list[int] = []
    real = _parallel.prepare

    def prepare(warm_up: Callable[[], None]) -> _parallel.Warm | None:
        warm = real(warm_up)
        made.extend([warm.pid] if warm is not None else [])
        return warm

    monkeypatch.setattr("routemap.pipeline.prepare", prepare)
    with pytest.raises(ConfigError, match="1900"):
        build(sample_project, gazetteer=places, years="1900-1901")
    if not made:
        pytest.skip("no fork here")
    with pytest.raises(ChildProcessError):
        os.waitpid(made[0], os.WNOHANG)  # stopped and reaped when the build failed


def test_no_child_while_other_threads_run():
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert _parallel.fork(lambda: None) is None
        assert _parallel.prepare(lambda: None) is None
    finally:
        stop.set()
        worker.join()


# ---------------------------------------------------------------- work split with a child (the audit)
def _square_with_pid(items: list[int]) -> list[tuple[int, int]]:
    return [(i * i, os.getpid()) for i in items]


def test_split_work_equals_serial_work_in_order_and_half_of_it_ran_in_a_child():
    if _parallel.fork(lambda: None) is None:
        pytest.skip("no fork here")
    items = list(range(21))
    out = _parallel.split(_square_with_pid, items)
    assert [v for v, _ in out] == [i * i for i in items]
    pids = {pid for _, pid in out}
    assert os.getpid() in pids and len(pids) == 2  # every other item was done elsewhere
    assert {pid for i, (_, pid) in enumerate(out) if i % 2 == 1} == pids - {os.getpid()}


def test_split_stays_in_one_process_below_its_least_and_without_fork(monkeypatch: pytest.MonkeyPatch):
    assert {pid for _, pid in _parallel.split(_square_with_pid, [1, 2, 3])} == {os.getpid()}
    monkeypatch.setenv("ROUTEMAP_PARALLEL", "0")
    assert {pid for _, pid in _parallel.split(_square_with_pid, list(range(20)))} == {os.getpid()}


def test_split_redoes_the_half_of_a_child_that_died_and_raises_what_the_parent_meets():
    parent = os.getpid()

    def dies_in_the_child(items: list[int]) -> list[int]:
        if os.getpid() != parent:
            os._exit(3)  # no result sent
        return [i + 1 for i in items]

    assert _parallel.split(dies_in_the_child, list(range(10))) == list(range(1, 11))

    def wrong_length(items: list[int]) -> list[int]:
        return [] if os.getpid() != parent else [i for i in items]

    assert _parallel.split(wrong_length, list(range(10))) == list(range(10))

    def fails(items: list[int]) -> list[int]:
        raise ConfigError("no such column 'x'")

    with pytest.raises(ConfigError, match="no such column 'x'"):
        _parallel.split(fails, list(range(10)))
