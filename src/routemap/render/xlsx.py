"""Write the route-frequency tables to one Excel workbook, byte-identical for the same tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from routemap._safe import safe_cell
from routemap.render.tables import Cell, Table, format_cell
from routemap.render.words import word

NUMBER_FORMATS: dict[str, str] = {"rank": "0", "count": "#,##0", "share": "0.0", "pct": "0"}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F4F6F")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="000000"))
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Zip entry time of every part (the earliest a zip file can hold), so the bytes never depend on the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _text(value: str) -> str:
    """Text that openpyxl stores as text and a spreadsheet never runs as a formula."""
    return str(safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)))


def _put(ws: Worksheet, row: int, col: int, value: Cell, kind: str) -> None:
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
        if kind != "text":
            cell.alignment = RIGHT  # "<5" and "x" line up with the numbers
        return
    cell.value = value
    cell.number_format = NUMBER_FORMATS.get(kind, "General")


def _sheet(ws: Worksheet, table: Table) -> None:
    kinds = [c.kind for c in table.columns]
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=1, column=col, value=_text(column.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="right" if column.kind != "text" else "left", vertical="top")
    for r, row in enumerate(table.rows, start=2):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
            _put(ws, r, col, value, kind)
    last = len(table.rows) + 1
    if table.total is not None:
        last += 1
        for col, (value, kind) in enumerate(zip(table.total, kinds, strict=True), start=1):
            _put(ws, last, col, value, kind)
            ws.cell(row=last, column=col).font = TOTAL_FONT
            ws.cell(row=last, column=col).border = TOTAL_BORDER
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    for col, column in enumerate(table.columns, start=1):
        texts = [format_cell(row[col - 1], column.kind, thousands=True) for row in table.rows]
        if table.total is not None:
            texts.append(format_cell(table.total[col - 1], column.kind, thousands=True))
        width = max([len(column.header), *(len(t) for t in texts)]) + 2
        ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))


def _notes(ws: Worksheet, tables: Sequence[Table], lines: Sequence[str], *, lang: str) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    r = 1
    for line in lines:
        ws.cell(row=r, column=1, value=_text(line)).alignment = WRAP
        r += 1
    r += 1
    header = ws.cell(row=r, column=1, value=word("xlsx_sheet", lang))
    header.font, header.fill = HEADER_FONT, HEADER_FILL
    header = ws.cell(row=r, column=2, value=word("xlsx_what", lang))
    header.font, header.fill = HEADER_FONT, HEADER_FILL
    for table in tables:
        r += 1
        ws.cell(row=r, column=1, value=_text(table.sheet)).alignment = WRAP
        ws.cell(row=r, column=2, value=_text(f"{table.title}. {table.note}")).alignment = WRAP


def _repack(data: bytes) -> bytes:
    """The same zip with every entry dated :data:`ZIP_TIME`, in the same order (deterministic)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_xlsx(
    tables: Sequence[Table],
    path: Path,
    *,
    title: str,
    lines: Sequence[str] = (),
    date: dt.date | None = None,
    lang: str = "en",
) -> None:
    """Write one sheet per table (styled, frozen header, number formats, widths) and a notes sheet.

    Parameters
    ----------
    tables
        The tables, each on a sheet named by its ``sheet``.
    path
        Output file.
    title
        Workbook title (document properties and the notes sheet).
    lines
        Lines for the notes sheet (period, as-of date, how suppression is shown).
    date
        Creation and modification date stored in the document properties (the build's as-of date);
        without one a fixed date is stored, so the same tables always give the same bytes.
    lang
        Language of the notes sheet's name and headers.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        _sheet(wb.create_sheet(table.sheet[:31]), table)
    _notes(wb.create_sheet(word("xlsx_notes", lang)), tables, [title, *lines], lang=lang)
    stamp = dt.datetime.combine(date or dt.date(2000, 1, 1), dt.time())
    wb.properties.creator = "routemap"
    wb.properties.lastModifiedBy = "routemap"
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", title)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() would stamp the current time as "modified"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    path.write_bytes(_repack(buffer.getvalue()))
