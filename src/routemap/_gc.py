"""Fewer garbage collections while a command allocates millions of short-lived objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: Allocations between collections of the youngest generation while a build runs (Python's default
#: is 700). routemap's objects are short-lived and acyclic (strings, tuples, small dicts), so at the
#: default most collections find nothing, yet every tenth of a tenth walks the whole heap: 0.4 s of
#: a 5 s build at 1M records, against 0.06 s at this threshold (benchmarks/RESULTS.md).
THRESHOLD = 50_000


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block, and put them back after (calls may nest)."""
    before = gc.get_threshold()
    if before[0] >= THRESHOLD or before[0] == 0:  # already raised (a nested call), or switched off
        yield
        return
    gc.set_threshold(THRESHOLD, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*before)
