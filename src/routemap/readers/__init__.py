"""Readers: a partner's file (CSV, XLSX) as text cells, with the row number a spreadsheet shows."""

from __future__ import annotations

from pathlib import Path

from routemap.readers.csv import read_csv
from routemap.readers.table import (
    DELIMITERS,
    ENCODINGS,
    HEADER_SEARCH_ROWS,
    KeepRows,
    RawTable,
    ReadOptions,
    find_header,
    read_bytes,
    rows_to_table,
)
from routemap.readers.xlsx import workbook_rows

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "HEADER_SEARCH_ROWS",
    "KeepRows",
    "RawTable",
    "ReadOptions",
    "find_header",
    "read_bytes",
    "read_table",
]

#: Names of files that are workbooks.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_table(
    path: Path,
    options: ReadOptions,
    *,
    expected: tuple[str, ...] = (),
    data: bytes | None = None,
    keep: KeepRows | None = None,
) -> RawTable:
    """Read a CSV file or a sheet of a workbook (xlsx, xlsm, xls, ods) into text cells.

    What the file is comes from its content: CSV text saved with a workbook's name is read as
    CSV, and a workbook named ``.csv`` as a workbook, each with a warning to rename it.

    Parameters
    ----------
    path
        The file.
    options
        Reader options; ``header_row`` ``None`` finds the header among the first rows.
    expected
        Headers the profile maps, used to find the header row.
    data
        The file's bytes, when they are read already.
    keep
        Rows to keep: a large CSV is filtered as it is read (``RawTable.dropped``); other files are
        returned whole (``dropped`` is ``None``) for the caller to filter.

    Raises
    ------
    ReadError
        When the file is empty, binary, corrupt, has no data rows, or names a sheet that does not exist.
    """
    data = read_bytes(path) if data is None else data
    kind = _content_kind(data)
    named_workbook = path.suffix.lower() in WORKBOOK_SUFFIXES
    if kind == "text":
        table = read_csv(path, options, expected=expected, data=data, keep=keep)
        if named_workbook:
            table.warnings.insert(
                0, f"this is text (CSV), not a {path.suffix} workbook; read as CSV. Rename it to .csv"
            )
        return table
    rows, sheet, warnings = workbook_rows(path, options, data=data, expected=expected)
    if not named_workbook:
        warnings.insert(0, f"this is a workbook ({kind}), not text; read as a workbook. Rename it to .{kind}")
    table = rows_to_table(path, rows, options, expected, sheet=sheet, strict_width=False)
    table.warnings = warnings
    return table


def _content_kind(data: bytes) -> str:
    """``xlsx``, ``ods`` or ``xls`` for a workbook's bytes; ``text`` for anything else (CSV, or not text at all)."""
    if data.startswith(b"PK\x03\x04"):
        return "ods" if b"application/vnd.oasis.opendocument.spreadsheet" in data[:200] else "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "text"
