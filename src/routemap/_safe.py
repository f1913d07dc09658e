"""Escaping for every string that leaves the pipeline: HTML text, embedded JSON, spreadsheet cells."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Cell prefixes a spreadsheet may execute as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: A plain number (``-1``, ``+2.5``, ``-3e4``): a spreadsheet reads it as a number, never as a formula.
_PLAIN_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def esc(text: object) -> str:
    """HTML-escape any value for text or attribute context (quotes included)."""
    return html.escape(str(text), quote=True)


def safe_cell(value: Any) -> Any:
    """Neutralise a spreadsheet cell that could run as a formula by prefixing an apostrophe.

    Numbers pass through unchanged, written as text too (``-1``); other text starting with
    ``= + - @``, a tab or a carriage return gets a leading ``'`` so Excel and LibreOffice show it as text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table with every text cell passed through :func:`safe_cell`, column by column."""
    out = frame.copy(deep=False)  # columns are replaced, never changed in place
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            text = column.astype(str).where(column.notna(), "")
            starts = text.str.startswith(FORMULA_PREFIXES).to_numpy(dtype=bool)
            if starts.any():  # the number test only where a cell starts like a formula (few do)
                risky = np.zeros(len(text), dtype=bool)
                risky[starts] = ~text[starts].str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool)
                text = text.where(~risky, "'" + text)
            out[name] = text
    return out


#: Rows made formula-safe and written at a time by :func:`write_table_fast`.
CHUNK_ROWS = 250_000


def write_table_fast(frame: pd.DataFrame, path: Path, *, chunk: int = CHUNK_ROWS) -> None:
    """Write a large table as :func:`write_table` does, ``chunk`` rows at a time (the same bytes).

    For the private row-level records, which can hold millions of rows: they are made safe and
    written a chunk at a time, so that no second copy of the whole table is ever held (at 5M
    records a copy took 0.8 GB).
    """
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, max(len(frame), 1), chunk):
            part = safe_frame(frame.iloc[start : start + chunk])
            part.to_csv(out, index=False, header=start == 0, lineterminator="\n")


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as formula-safe UTF-8 CSV with minimal quoting (no byte-order mark)."""
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no line separators)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
