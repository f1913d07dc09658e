"""Run one part of a build in a forked child process beside the rest (the renderers; half of the audit's solves)."""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: How long the parent waits for a child before it kills it and does the work itself (seconds).
TIMEOUT = 600.0
#: Pipe ends only the parent may hold open: the write end of a :class:`Warm` child's task pipe, whose
#: closing tells that child its task is whole. A child forked later closes them at once; holding a
#: copy, it kept the drawing process waiting until it ended (5 s of a 1M build, behind records.csv).
_PARENT_ONLY: set[int] = set()


def _close_parent_only() -> None:
    """In a newly forked child: close the pipe ends only the parent may hold (see :data:`_PARENT_ONLY`)."""
    for fd in _PARENT_ONLY:
        with contextlib.suppress(OSError):
            os.close(fd)
    _PARENT_ONLY.clear()


@dataclass
class Child:
    """A forked child running a task: :meth:`join` waits for it and re-raises what it raised."""

    pid: int
    pipe: int
    task: Callable[[], None]

    def join(self, *, timeout: float = TIMEOUT) -> None:
        """Wait for the task; when the child died or hung, run the task here instead (same result, slower).

        Raises
        ------
        Exception
            Whatever the task raised in the child.
        """
        data = b""
        ready, _, _ = select.select([self.pipe], [], [], timeout)
        if ready:
            while chunk := os.read(self.pipe, 65536):
                data += chunk
        else:
            log.warning("a rendering process did not finish in %.0f s; rendering here instead", timeout)
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)
        if data == b"ok":
            return
        if data:
            raise pickle.loads(data)
        self.task()  # the child died without a word (killed, out of memory): do it here

    def stop(self) -> None:
        """Kill the child and wait for it (the parent met an error and will not use its work)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)


def _can_fork() -> bool:
    """Whether to fork at all.

    Not on one core, where there is nothing to gain, nor without ``os.fork`` (Windows), nor when
    ``ROUTEMAP_PARALLEL=0``, nor inside a Jupyter kernel (its output goes through threads a forked
    child does not have), nor while other threads run (a web application calling :func:`routemap.build`
    from a worker thread): a lock one of them holds at the fork, such as the import lock, would be held
    in the child for ever, and the child's task would wait out :data:`TIMEOUT`.
    """
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or os.environ.get("ROUTEMAP_PARALLEL") == "0":
        return False
    return "ipykernel" not in sys.modules and threading.active_count() == 1


def _serve(task: Callable[[], None], write: int) -> None:
    """In the child: do the task, report ``ok`` or what it raised, and leave without the parent's exit handlers."""
    try:
        task()
        message = b"ok"
    except BaseException as exc:  # the parent re-raises it
        try:
            message = pickle.dumps(exc)
        except Exception:  # an exception that does not pickle: its text
            message = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
    try:
        while message:
            message = message[os.write(write, message) :]
    finally:
        os._exit(0)


def fork(task: Callable[[], None]) -> Child | None:
    """Start ``task`` in a forked child, or ``None`` where forking is not possible or not wanted.

    See :func:`_can_fork`. The child inherits the build's memory (nothing is pickled on the way in)
    and sends back ``ok`` or the exception it met.
    """
    if not _can_fork():
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        _close_parent_only()
        os.close(read)
        _serve(task, write)
    os.close(write)
    return Child(pid, read, task)


@dataclass
class Warm:
    """A child forked early, which gets ready (imports) while the build runs, then does one task sent to it.

    What it must import (matplotlib: 0.4 s) is then off the build's path; the task goes to it
    pickled, as it was made long after the fork.
    """

    pid: int
    tasks: int
    replies: int

    def run(self, task: Callable[[], None]) -> Child | None:
        """Hand ``task`` to the child; ``None`` (and the child stopped) when the task does not pickle."""
        try:
            message = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # what fails to pickle raises one of several types
            log.debug("the rendering task does not pickle (%s); forking afresh", exc)
            self.stop()
            return None
        try:
            while message:
                message = message[os.write(self.tasks, message) :]
        except OSError:  # the child is gone
            self.stop()
            return None
        _PARENT_ONLY.discard(self.tasks)
        os.close(self.tasks)
        self.tasks = -1
        child, self.pid = Child(self.pid, self.replies, task), 0  # the child is the Child's to join now
        return child

    def stop(self) -> None:
        """Stop the child if no task went to it (harmless when one did)."""
        if not self.pid:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _PARENT_ONLY.discard(self.tasks)
        for fd in (self.tasks, self.replies):
            if fd >= 0:
                os.close(fd)
        os.waitpid(self.pid, 0)
        self.pid = 0


def prepare(warm_up: Callable[[], None]) -> Warm | None:
    """Fork a :class:`Warm` child that runs ``warm_up`` and then waits for its task (``None``: see :func:`_can_fork`).

    A child whose parent never sends a task (the build failed first, or the parent died) sees its
    pipe close and leaves.
    """
    if not _can_fork():
        return None
    task_read, task_write = os.pipe()
    reply_read, reply_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        _close_parent_only()
        os.close(task_write)
        os.close(reply_read)
        # the task is read while the child warms up: a parent whose task outgrows the pipe's buffer
        # would otherwise wait for the whole warm-up (0.75 s of a 100k build) before it went on
        received: list[bytes] = []
        reader = threading.Thread(target=lambda: received.append(_read_all(task_read)), daemon=True)
        reader.start()
        try:
            warm_up()
        except Exception:  # the task will meet the same error and report it
            log.debug("warming up the rendering process failed", exc_info=True)
        reader.join()
        data = received[0] if received else b""
        if not data:
            os._exit(0)
        _serve(lambda: pickle.loads(data)(), reply_write)
    os.close(task_read)
    os.close(reply_write)
    _PARENT_ONLY.add(task_write)
    return Warm(pid, task_write, reply_read)


def _read_all(fd: int) -> bytes:
    """Everything written to a pipe until its writer closes it."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def split(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, least: int = 8) -> list[R]:
    """``work(items)``, with every other item done by a forked child meanwhile; results in the order of ``items``.

    For work that is many independent pieces of pure computation over the parent's memory (the
    audit's linear programs): the child inherits it all, and only its results are pickled back.
    ``work`` must return one result per item and change nothing the parent relies on (what it
    changes in the child is lost). Serial below ``least`` items, where a fork (tens of milliseconds
    for a large build) costs more than it saves, and where :func:`_can_fork` says no; and when the
    child dies or sends nothing it can read, the parent does the child's half itself.
    """
    if len(items) < least:
        return work(items)
    mine, theirs = items[0::2], items[1::2]
    pending = background(lambda: work(theirs))
    if pending is None:
        return work(items)
    try:
        done = work(mine)
    except BaseException:
        pending.stop()
        raise
    other = pending.result()  # (its half done here when the child sent none)
    if not isinstance(other, list) or len(other) != len(theirs):
        log.debug("the audit's second process sent a wrong result; doing its half here")
        other = work(theirs)
    return [done[i // 2] if i % 2 == 0 else other[i // 2] for i in range(len(items))]


@dataclass
class Pending(Generic[R]):
    """Work running in a forked child (:func:`background`); :meth:`result` waits for what it returned."""

    pid: int
    pipe: int
    work: Callable[[], R]

    def result(self) -> R:
        """What the work returned in the child; done here instead when the child died, hung or failed."""
        data = b""
        while select.select([self.pipe], [], [], TIMEOUT)[0] and (chunk := os.read(self.pipe, 1 << 20)):
            data += chunk
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)
        try:
            done = pickle.loads(data) if data else None
        except Exception:
            done = None
        if not isinstance(done, tuple) or len(done) != 1:  # (result,) from a child that finished
            log.debug("a background process sent no result; doing its work here")
            return self.work()
        return done[0]

    def stop(self) -> None:
        """Kill the child and wait for it (the parent met an error and will not use its work)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)


def background(work: Callable[[], R]) -> Pending[R] | None:
    """Start ``work`` in a forked child that sends its result back pickled (``None``: see :func:`_can_fork`).

    For work on the parent's memory that the parent needs only later, and that the other core can
    do meanwhile (the release register's hash and file of a new data version, while the build renders).
    """
    if not _can_fork():
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        _close_parent_only()
        os.close(read)
        try:
            message = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            message = b""
        try:
            while message:
                message = message[os.write(write, message) :]
        finally:
            os._exit(0)
    os.close(write)
    return Pending(pid, read, work)
