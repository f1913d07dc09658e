"""Optional accelerators: whether pyarrow (``routemap[fast]``) is installed, told without importing it."""

from __future__ import annotations

import functools
import importlib.util


@functools.cache
def have_pyarrow() -> bool:
    """Whether pyarrow can be imported (pandas then holds text as Arrow strings, and routemap reads with Arrow).

    ``False`` also where it is blocked (``sys.modules["pyarrow"] = None``), as pandas then sees it.
    """
    try:
        return importlib.util.find_spec("pyarrow") is not None
    except (ImportError, ValueError):  # blocked, or a broken installation
        return False
