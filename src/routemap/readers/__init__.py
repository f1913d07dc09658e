"""Readers: a partner's file (CSV, XLSX) as text cells, with the row number a spreadsheet shows."""

from __future__ import annotations

from pathlib import Path

from routemap._errors import ReadError
from routemap.readers.csv import read_csv
from routemap.readers.table import (
    DELIMITERS,
    ENCODINGS,
    HEADER_SEARCH_ROWS,
    RawTable,
    ReadOptions,
    find_header,
    read_bytes,
    rows_to_table,
)
from routemap.readers.xlsx import xlsx_rows

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "HEADER_SEARCH_ROWS",
    "RawTable",
    "ReadOptions",
    "find_header",
    "read_bytes",
    "read_table",
]

#: What to tell a partner who sends a spreadsheet routemap does not read.
_OTHER_FORMATS = {
    ".xls": "this is an old Excel (.xls) workbook; open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8",
    ".ods": "this is an OpenDocument spreadsheet; save it as .xlsx (Excel Workbook) or CSV UTF-8",
}


def read_table(path: Path, options: ReadOptions, *, expected: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV or XLSX file into text cells.

    Parameters
    ----------
    path
        The file.
    options
        Reader options; ``header_row`` ``None`` finds the header among the first rows.
    expected
        Headers the profile maps, used to find the header row.

    Raises
    ------
    ReadError
        When the file is empty, binary, corrupt, has no data rows, or names a sheet that does not exist.
    """
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        raise ReadError(path, _OTHER_FORMATS[suffix])
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet = xlsx_rows(path, options)
        return rows_to_table(path, rows, options, expected, sheet=sheet, strict_width=False)
    return read_csv(path, options, expected=expected)
