"""Escaping for every string that leaves the pipeline: HTML text, embedded JSON, spreadsheet cells."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from routemap._optional import have_pyarrow

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
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
            out[name] = _safe_arrow(column)  # Arrow's string kernels, where pyarrow is installed
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out[name] = _safe_distinct(column)
    return out


def _safe_arrow(column: pd.Series) -> pd.Series:
    text = column.astype(str).where(column.notna(), "")
    starts = text.str.startswith(FORMULA_PREFIXES).to_numpy(dtype=bool)
    if starts.any():  # the number test only where a cell starts like a formula (few do)
        risky = np.zeros(len(text), dtype=bool)
        risky[starts] = ~text[starts].str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool)
        text = text.where(~risky, "'" + text)
    return text


def _safe_distinct(column: pd.Series) -> pd.Series:
    """Each distinct cell tested once, in Python (a column of a million cells holds a few hundred places)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [str(u) for u in uniques]
    for i, text in enumerate(texts):
        if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER_RE.fullmatch(text):
            texts[i] = "'" + text
    cells = np.asarray([*texts, ""], dtype=object)[codes]  # code -1 (a missing cell) takes ""
    return pd.Series(cells, index=column.index, dtype=object)


#: Rows made formula-safe and written at a time by :func:`write_table_fast`.
CHUNK_ROWS = 250_000


def write_table_fast(frame: pd.DataFrame, path: Path, *, chunk: int = CHUNK_ROWS) -> None:
    """Write a large table as formula-safe UTF-8 CSV, ``chunk`` rows at a time.

    For the private row-level records, which can hold millions of rows: they are made safe and
    written a chunk at a time, so that no second copy of the whole table is ever held (at 5M
    records a copy took 0.8 GB). With pyarrow installed its writer writes them (a million rows in
    0.2 s, every text cell quoted); otherwise pandas' writer, with flags written ``true`` and
    ``false`` as pyarrow writes them: the same cells either way.
    """
    if have_pyarrow():
        _write_arrow(frame, path, chunk=chunk)
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, max(len(frame), 1), chunk):
            part = safe_frame(frame.iloc[start : start + chunk])
            for name in part.columns:  # true and false as pyarrow writes them (pandas: True, False)
                if pd.api.types.is_bool_dtype(part[name].dtype):
                    flags = part[name]
                    part[name] = np.where(flags.fillna(False).to_numpy(dtype=bool), "true", "false")
                    part.loc[flags.isna().to_numpy(), name] = ""
            part.to_csv(out, index=False, header=start == 0, lineterminator="\n")


def _write_arrow(frame: pd.DataFrame, path: Path, *, chunk: int) -> None:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    writer: pacsv.CSVWriter | None = None
    schema: pa.Schema | None = None
    try:
        for start in range(0, max(len(frame), 1), chunk):
            table = pa.Table.from_pandas(safe_frame(frame.iloc[start : start + chunk]), preserve_index=False)
            if writer is None or schema is None:
                schema = table.schema
                writer = pacsv.CSVWriter(str(path), schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
            writer.write_table(table.cast(schema))
    finally:
        if writer is not None:
            writer.close()


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
