"""Read a sheet of a workbook (xlsx, xlsm, xls, ods) into text cells, numbered as the spreadsheet numbers rows.

python-calamine reads every format at many times openpyxl's speed, but holds a sheet as a dense
grid from its first to its last used cell: one cell in column XFD on every row of a small file
would take gigabytes. The extent of an xlsx sheet is read from its XML first; a sheet too large
for the grid is read with openpyxl instead, only up to the last header's column.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from routemap._errors import ReadError
from routemap.readers.table import HEADER_SEARCH_ROWS, ReadOptions, find_header
from routemap.schema import fold

#: Why a workbook that cannot be opened is not read, and what to do.
DAMAGED = (
    "cannot be read as a workbook: it is damaged, or not the kind of file its content starts like; "
    "open it in Excel or LibreOffice and save it again as .xlsx"
)
#: Largest grid (rows x columns, from the first to the last used cell) read with python-calamine.
MAX_GRID_CELLS = 20_000_000

Rows = list[tuple[int, list[str]]]


def cell_text(value: Any) -> str:
    """A workbook cell as the text a partner sees: whole floats without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def workbook_rows(
    path: Path, options: ReadOptions, *, data: bytes, expected: tuple[str, ...] = ()
) -> tuple[Rows, str, list[str]]:
    """Every row of the chosen sheet as (row number, cell texts), the sheet's name, and warnings.

    Parameters
    ----------
    path
        The file, for messages.
    options
        Reader options (``sheet``, ``header_row``).
    data
        The file's bytes; the format (xlsx, xls, ods) is read from them, not from the name.
    expected
        Headers the profile maps: a sheet too wide for the fast reader is read up to the header's width.

    Raises
    ------
    ReadError
        When the workbook is empty, damaged, or has no such sheet.
    """
    import python_calamine as calamine

    if not data:
        raise ReadError(path, "the file is empty; save the workbook again from Excel")
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except Exception:  # calamine raises its own types and ValueError on damaged parts
        raise ReadError(path, DAMAGED) from None
    sheet_name = choose_sheet(path, names, options.sheet)
    if data.startswith(b"PK\x03\x04"):
        extent = xlsx_extent(data, sheet_name)
        if extent is not None and extent[0] * extent[1] > MAX_GRID_CELLS:
            return _bounded_rows(path, options, sheet_name, expected, extent)
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
        start = sheet.start[1] if sheet.start else 0
        pad = [""] * start  # the grid begins at the first used column; rows begin at the first row
        rows = [(n, pad + [cell_text(v) for v in values]) for n, values in enumerate(sheet.iter_rows(), start=1)]
    except Exception as exc:
        raise ReadError(
            path, f"the workbook is damaged ({type(exc).__name__}: {exc}); open it in Excel and save it again"
        ) from None
    finally:
        workbook.close()
    return rows, sheet_name, []


def choose_sheet(path: Path, names: list[str], wanted: str | int | None) -> str:
    """The sheet ``[read] sheet`` names (a name, folded if need be, or a number from 1), else the first."""
    if not names:
        raise ReadError(path, "the workbook has no sheets; open it in Excel and save it again")
    shown = ", ".join(repr(n) for n in names)
    if wanted is None:
        return names[0]
    if isinstance(wanted, int):
        if not 1 <= wanted <= len(names):
            raise ReadError(
                path, f"there is no sheet number {wanted}; sheets are: {shown}; fix [read] sheet in partner.toml"
            )
        return names[wanted - 1]
    matches = [n for n in names if n == wanted] or [n for n in names if fold(n) == fold(str(wanted))]
    if not matches:
        raise ReadError(path, f"there is no sheet {wanted!r}; sheets are: {shown}; fix [read] sheet in partner.toml")
    return matches[0]


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A cell reference with a column of two or three letters (AA..XFD): the wide ones.
_WIDE_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{2,3})\d+"')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


def _column_number(letters: bytes | str) -> int:
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_extent(data: bytes, sheet_name: str) -> tuple[int, int] | None:
    """Rows and columns from A1 to the last used cell of an xlsx sheet, read from its XML; ``None`` if unknown."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
            rid = next((s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet_name), None)
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            xml = archive.read(member)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError):
        return None
    columns = max((_column_number(m) for m in set(_WIDE_REF.findall(xml))), default=26)
    last_row = xml.rfind(b"<row")
    rows = max((int(m) for m in _ROW_NUMBER.findall(xml[last_row:])), default=0) if last_row >= 0 else 0
    if dimension := _DIMENSION.search(xml[:4096]):
        columns = max(columns, _column_number(dimension.group(1)))
        rows = max(rows, int(dimension.group(2)))
    return rows, columns


def _bounded_rows(
    path: Path, options: ReadOptions, sheet_name: str, expected: tuple[str, ...], extent: tuple[int, int]
) -> tuple[Rows, str, list[str]]:
    """Read a sheet too large for the grid with openpyxl, only up to the header's last column."""
    head = _openpyxl_rows(path, sheet_name, max_row=max(HEADER_SEARCH_ROWS, options.header_row or 0))
    if options.header_row is None:
        start = find_header(head, expected)
    else:
        start = next((i for i, (n, _) in enumerate(head) if n == options.header_row), 0)
    header = head[start][1] if head else []
    width = max((i + 1 for i, cell in enumerate(header) if cell.strip()), default=1)
    rows = _openpyxl_rows(path, sheet_name, max_col=width)
    warning = (
        f"the sheet's cells reach column {_column_letters(extent[1])} (row {extent[0]:,}) but its header ends at "
        f"column {_column_letters(width)}; only columns A-{_column_letters(width)} were read. Delete the columns "
        "to the right of the header, or save the sheet again"
    )
    return rows, sheet_name, [warning]


def _openpyxl_rows(path: Path, sheet_name: str, *, max_row: int | None = None, max_col: int | None = None) -> Rows:
    """Rows of a sheet with openpyxl's streaming reader, each at most ``max_col`` cells wide."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
        raise ReadError(
            path, f"not a readable workbook ({type(exc).__name__}); open it in Excel and save it again"
        ) from None
    try:
        worksheet = workbook[sheet_name]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some programs store a wrong used range; read every row there is
        values = worksheet.iter_rows(values_only=True, max_row=max_row, max_col=max_col)
        return [(number, [cell_text(v) for v in row]) for number, row in enumerate(values, start=1)]
    except Exception as exc:
        raise ReadError(
            path, f"the workbook is damaged ({type(exc).__name__}: {exc}); open it in Excel and save it again"
        ) from None
    finally:
        workbook.close()
