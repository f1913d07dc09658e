"""Read a sheet of an Excel workbook into text cells, numbered as Excel numbers rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from routemap._errors import ReadError
from routemap.readers.table import ReadOptions
from routemap.schema import fold


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


def xlsx_rows(path: Path, options: ReadOptions) -> tuple[list[tuple[int, list[str]]], str]:
    """Every row of the chosen sheet as (Excel row number, cell texts), and the sheet's name.

    Raises
    ------
    ReadError
        When the workbook is empty, damaged, or has no such sheet.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if path.stat().st_size == 0:
        raise ReadError(path, "the file is empty; save the workbook again from Excel")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(
            path, f"not a readable .xlsx workbook ({type(exc).__name__}); open it in Excel and save it again"
        ) from None
    try:
        names = workbook.sheetnames
        if not names:
            raise ReadError(path, "the workbook has no sheets; open it in Excel and save it again")
        if options.sheet is None:
            sheet_name = names[0]
        elif isinstance(options.sheet, int):
            if not 1 <= options.sheet <= len(names):
                raise ReadError(
                    path,
                    f"there is no sheet number {options.sheet}; sheets are: {', '.join(repr(n) for n in names)}; "
                    "fix [read] sheet in partner.toml",
                )
            sheet_name = names[options.sheet - 1]
        else:
            matches = [n for n in names if n == options.sheet] or [
                n for n in names if fold(n) == fold(str(options.sheet))
            ]
            if not matches:
                raise ReadError(
                    path,
                    f"there is no sheet {options.sheet!r}; sheets are: {', '.join(repr(n) for n in names)}; "
                    "fix [read] sheet in partner.toml",
                )
            sheet_name = matches[0]
        worksheet = workbook[sheet_name]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some programs store a wrong used range; read every row there is
        rows = [
            (number, [cell_text(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
        raise ReadError(
            path, f"the workbook is damaged ({type(exc).__name__}: {exc}); open it in Excel and save it again"
        ) from None
    finally:
        workbook.close()
    return rows, sheet_name
