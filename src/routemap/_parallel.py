"""Run one part of a build in a forked child process beside the rest (the renderers that draw with matplotlib)."""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: How long the parent waits for a child before it kills it and does the work itself (seconds).
TIMEOUT = 600.0


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


def fork(task: Callable[[], None]) -> Child | None:
    """Start ``task`` in a forked child, or ``None`` where forking is not possible or not wanted.

    Not on one core, where there is nothing to gain, nor without ``os.fork`` (Windows), nor when
    ``ROUTEMAP_PARALLEL=0``, nor inside a Jupyter kernel (its output goes through threads a forked
    child does not have). The child inherits the build's memory (nothing is pickled on the way in)
    and sends back ``ok`` or the exception it met.
    """
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or os.environ.get("ROUTEMAP_PARALLEL") == "0":
        return None
    if "ipykernel" in sys.modules:
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the task, report, and leave without running the parent's exit handlers
        os.close(read)
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
    os.close(write)
    return Child(pid, read, task)
