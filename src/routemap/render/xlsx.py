"""Write the route-frequency tables to one Excel workbook (XlsxWriter), byte-identical for the same tables."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from routemap._safe import safe_cell
from routemap.render.tables import Cell, Table, format_cell
from routemap.render.words import word

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

NUMBER_FORMATS: dict[str, str] = {"rank": "0", "count": "#,##0", "share": "0.0", "pct": "0"}
HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#2F4F6F", "pattern": 1, "valign": "top"}
TOTAL = {"bold": True, "top": 1, "top_color": "#000000"}
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Zip entry time of every part (the earliest a zip file can hold), so the bytes never depend on the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Characters an xlsx file cannot hold (XML 1.0 control characters but tab, line feed, carriage return).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _text(value: str) -> str:
    """Text a spreadsheet shows as it is and never runs as a formula."""
    return str(safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)))


class _Formats:
    """The workbook's cell formats, made once each (XlsxWriter keeps one per combination)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self._made: dict[tuple[str, bool, bool], Format] = {}

    def get(self, kind: str, *, text: bool = False, total: bool = False) -> Format:
        """The format of a cell of a column ``kind``: a text cell of a number column is right-aligned."""
        key = (kind, text, total)
        if key not in self._made:
            spec: dict[str, object] = dict(TOTAL) if total else {}
            if text:
                if kind != "text":
                    spec["align"] = "right"  # "<5" and "x" line up with the numbers
            elif kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[kind]
            self._made[key] = self.book.add_format(spec)
        return self._made[key]


def _put(ws: Worksheet, formats: _Formats, row: int, col: int, value: Cell, kind: str, *, total: bool = False) -> None:
    if value is None or (isinstance(value, float) and value != value):
        if total:
            ws.write_blank(row, col, None, formats.get(kind, total=True))
        return
    if isinstance(value, str):
        ws.write_string(row, col, _text(value), formats.get(kind, text=True, total=total))
        return
    ws.write_number(row, col, value, formats.get(kind, total=total))


def _sheet(ws: Worksheet, formats: _Formats, table: Table) -> None:
    kinds = [c.kind for c in table.columns]
    book = formats.book
    for col, column in enumerate(table.columns):
        header = book.add_format({**HEADER, "align": "right" if column.kind != "text" else "left"})
        ws.write_string(0, col, _text(column.header), header)
    for r, row in enumerate(table.rows, start=1):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            _put(ws, formats, r, col, value, kind)
    if table.total is not None:
        last = len(table.rows) + 1
        for col, (value, kind) in enumerate(zip(table.total, kinds, strict=True)):
            _put(ws, formats, last, col, value, kind, total=True)
    ws.freeze_panes(1, 0)
    if table.rows:
        ws.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    for col, column in enumerate(table.columns):
        texts = [format_cell(row[col], column.kind, thousands=True) for row in table.rows]
        if table.total is not None:
            texts.append(format_cell(table.total[col], column.kind, thousands=True))
        width = max([len(column.header), *(len(t) for t in texts)]) + 2
        ws.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, width)))


def _notes(ws: Worksheet, book: Workbook, tables: Sequence[Table], lines: Sequence[str], *, lang: str) -> None:
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    header = book.add_format({**HEADER, "align": "left"})
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 100)
    r = 0
    for line in lines:
        ws.write_string(r, 0, _text(line), wrap)
        r += 1
    r += 1
    ws.write_string(r, 0, word("xlsx_sheet", lang), header)
    ws.write_string(r, 1, word("xlsx_what", lang), header)
    for table in tables:
        r += 1
        ws.write_string(r, 0, _text(table.sheet), wrap)
        ws.write_string(r, 1, _text(f"{table.title}. {table.note}"), wrap)


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
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    formats = _Formats(book)
    for table in tables:
        _sheet(book.add_worksheet(table.sheet[:31]), formats, table)
    _notes(book.add_worksheet(word("xlsx_notes", lang)), book, tables, [title, *lines], lang=lang)
    stamp = dt.datetime.combine(date or dt.date(2000, 1, 1), dt.time())
    book.set_properties({"title": ILLEGAL_CHARACTERS_RE.sub("", title), "author": "routemap", "created": stamp})
    book.close()
    path.write_bytes(_repack(buffer.getvalue()))
