"""Read a sheet of a workbook (xlsx, xlsm, xls, ods) into text cells, numbered as the spreadsheet numbers rows.

python-calamine reads every format at many times openpyxl's speed, but holds a sheet as a dense
grid from its first to its last used cell: one cell in column XFD on every row of a small file
would take gigabytes. The extent of an xlsx sheet is read from its XML first; a sheet too large
for the grid is read from a copy of the workbook that keeps only the cells up to the header's last column.
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
            workbook.close()
            return _bounded_rows(path, options, sheet_name, expected, extent, data=data)
    return _sheet_rows(path, workbook, sheet_name), sheet_name, []


def _sheet_rows(path: Path, workbook: Any, sheet_name: str) -> Rows:
    """Every row of a sheet of an open python-calamine workbook, which it closes."""
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
        start = sheet.start[1] if sheet.start else 0
        pad = [""] * start  # the grid begins at the first used column; rows begin at the first row
        return [(n, pad + [cell_text(v) for v in values]) for n, values in enumerate(sheet.iter_rows(), start=1)]
    except Exception as exc:
        raise ReadError(
            path, f"the workbook is damaged ({type(exc).__name__}: {exc}); open it in Excel and save it again"
        ) from None
    finally:
        workbook.close()


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


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The archive member holding a sheet's XML, found through the workbook's relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    rid = next((s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet_name), None)
    target = targets.get(rid, "")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def xlsx_extent(data: bytes, sheet_name: str) -> tuple[int, int] | None:
    """Rows and columns from A1 to the last used cell of an xlsx sheet, read from its XML; ``None`` if unknown."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(_sheet_member(archive, sheet_name))
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
    path: Path,
    options: ReadOptions,
    sheet_name: str,
    expected: tuple[str, ...],
    extent: tuple[int, int],
    *,
    data: bytes,
) -> tuple[Rows, str, list[str]]:
    """Read a sheet too large for the grid only up to the header's last column."""
    head = _trimmed_rows(path, data, sheet_name, max_row=max(HEADER_SEARCH_ROWS, options.header_row or 0))
    if options.header_row is None:
        start = find_header(head, expected)
    else:
        start = next((i for i, (n, _) in enumerate(head) if n == options.header_row), 0)
    header = head[start][1] if head else []
    width = max((i + 1 for i, cell in enumerate(header) if cell.strip()), default=1)
    rows = _trimmed_rows(path, data, sheet_name, max_col=width)
    warning = (
        f"the sheet's cells reach column {_column_letters(extent[1])} (row {extent[0]:,}) but its header ends at "
        f"column {_column_letters(width)}; only columns A-{_column_letters(width)} were read. Delete the columns "
        "to the right of the header, or save the sheet again"
    )
    return rows, sheet_name, [warning]


#: A cell element, empty or with its content (a cell holds no cell), and the letters of its column.
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})\d+"[^>]*?(?:/>|>.*?</(?:\w+:)?c>)', re.DOTALL)
_DIMENSION_ELEMENT = re.compile(rb"<(?:\w+:)?dimension\b[^>]*>")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")


def _trim_sheet(xml: bytes, *, max_row: int | None, max_col: int | None) -> bytes:
    """A sheet's XML without its rows after ``max_row``, its cells right of ``max_col`` and its stated extent."""
    xml = _DIMENSION_ELEMENT.sub(b"", xml, count=1)  # optional; a reader may size its grid by it
    if max_row is not None:
        after = next((m.start() for m in _ROW_NUMBER.finditer(xml) if int(m.group(1)) > max_row), None)
        end = _SHEET_DATA_END.search(xml, after or 0)
        if after is not None and end is not None:
            xml = xml[:after] + xml[end.start() :]
    if max_col is not None:
        xml = _CELL.sub(lambda m: b"" if _column_number(m.group(1)) > max_col else m.group(0), xml)
    return xml


def _trimmed_rows(
    path: Path, data: bytes, sheet_name: str, *, max_row: int | None = None, max_col: int | None = None
) -> Rows:
    """Rows of an xlsx sheet as python-calamine reads a copy of the workbook trimmed to ``max_row`` x ``max_col``."""
    import python_calamine as calamine

    try:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            member = _sheet_member(archive, sheet_name)
            for info in archive.infolist():
                body = archive.read(info)
                if info.filename == member:
                    body = _trim_sheet(body, max_row=max_row, max_col=max_col)
                copy.writestr(info.filename, body)
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    except Exception:  # zipfile, ElementTree and calamine raise their own types on damaged parts
        raise ReadError(path, DAMAGED) from None
    return _sheet_rows(path, workbook, sheet_name)
