"""Write the blank contribution template (xlsx with dropdowns, or csv) and its data dictionary, in en, ms or id."""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from routemap._errors import ConfigError
from routemap.records import MIN_YEAR
from routemap.schema import (
    FIELDS,
    LANGUAGES,
    MULTI_VALUE_FIELDS,
    VOCABULARIES,
    description,
    header_label,
    text,
    value_label,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("xlsx", "csv")
#: Rows of the data sheet that get dropdowns and checks (Excel applies them as rows are filled).
TEMPLATE_ROWS = 5000
#: Suffix of the data dictionary written beside a CSV template (partner folders skip such files).
DICTIONARY_SUFFIX = ".dictionary.csv"


def default_name(*, fmt: str, lang: str) -> str:
    """The file name used when no ``-o`` is given, e.g. ``routemap-template-ms.xlsx``."""
    return f"routemap-template-{lang}.{fmt}"


def dictionary_rows(lang: str) -> list[list[str]]:
    """The data dictionary: a header row, then one row per column of the template.

    Parameters
    ----------
    lang
        ``en``, ``ms`` or ``id``.
    """
    rows = [
        [
            text("column", lang),
            text("field", lang),
            text("required", lang),
            text("meaning", lang),
            text("allowed", lang),
        ]
    ]
    for f in FIELDS:
        allowed = ""
        if f.name in VOCABULARIES:
            allowed = "; ".join(value_label(f.name, v, lang) for v in VOCABULARIES[f.name])
            if f.name in MULTI_VALUE_FIELDS:
                allowed += f" ({text('several', lang)})"
        rows.append(
            [
                header_label(f.name, lang),
                f.name,
                text("yes" if f.required else "no", lang),
                description(f.name, lang),
                allowed,
            ]
        )
    return rows


def write_template(path: Path | str, *, fmt: str = "xlsx", lang: str = "en", overwrite: bool = False) -> list[Path]:
    """Write a blank contribution template.

    Parameters
    ----------
    path
        The template file. A CSV template also gets ``<name>.dictionary.csv`` beside it.
    fmt
        ``xlsx`` (a data sheet with dropdowns and checks, a dictionary sheet) or ``csv``.
    lang
        Language of headers, dictionary and dropdown labels: ``en``, ``ms`` or ``id``.
    overwrite
        Replace existing files instead of refusing.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ConfigError
        For an unknown format or language, or when a file exists and ``overwrite`` is false.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        raise ConfigError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    target = Path(path)
    targets = [target] if fmt == "xlsx" else [target, target.with_name(target.stem + DICTIONARY_SUFFIX)]
    existing = [p for p in targets if p.exists()]
    if existing and not overwrite:
        raise ConfigError(
            f"{existing[0]} already exists (it may hold your data); choose another name with -o, or add --force"
        )
    if fmt == "xlsx":
        _write_xlsx(target, lang)
    else:
        _write_csv(target, targets[1], lang)
    log.info("wrote %s", ", ".join(str(p) for p in targets))
    return targets


def _write_csv(path: Path, dictionary: Path, lang: str) -> None:
    # UTF-8 with a byte-order mark, so that Excel shows Malay and Indonesian letters right
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerow([header_label(f.name, lang) for f in FIELDS])
    with dictionary.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([text("intro", lang)])
        writer.writerow([])
        writer.writerows(dictionary_rows(lang))


def _write_xlsx(path: Path, lang: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    data = wb.worksheets[0]
    _fill_data_sheet(data, lang)
    _add_dropdowns(wb, data, lang)
    _add_dictionary(wb, lang)
    wb.active = 0
    wb.save(path)


def _fill_data_sheet(data: Worksheet, lang: str) -> None:
    """Name the data sheet and write its header: one column per field, required ones shaded, each explained.

    Parameters
    ----------
    data
        The workbook's first sheet.
    lang
        The template's language.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    data.title = text("sheet_data", lang)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for col, f in enumerate(FIELDS, start=1):
        label = header_label(f.name, lang)
        cell = data.cell(row=1, column=col, value=label)
        cell.font = Font(bold=True)
        if f.required:
            cell.fill = required_fill
        cell.comment = Comment(description(f.name, lang), "routemap")
        data.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(label) + 4))
    data.freeze_panes = "A2"


def _add_dropdowns(wb: Workbook, data: Worksheet, lang: str) -> None:
    """Add the hidden sheet of vocabularies, a dropdown per coded field, and checks of year and persons.

    Parameters
    ----------
    wb
        The workbook.
    data
        The data sheet the checks apply to (its first :data:`TEMPLATE_ROWS` rows).
    lang
        The template's language.
    """
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = wb.create_sheet(text("sheet_lists", lang))
    lists.sheet_state = "hidden"
    column_of = {f.name: get_column_letter(i) for i, f in enumerate(FIELDS, start=1)}
    last = TEMPLATE_ROWS + 1
    for i, (name, vocabulary) in enumerate(VOCABULARIES.items(), start=1):
        letter = get_column_letter(i)
        lists.cell(row=1, column=i, value=name)
        for number, value in enumerate(vocabulary, start=2):
            lists.cell(row=number, column=i, value=value_label(name, value, lang))
        # a defined name, because Excel 2007 does not let a dropdown point at another sheet directly
        range_name = f"routemap_{name}"
        ref = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(vocabulary) + 1}"
        wb.defined_names[range_name] = DefinedName(range_name, attr_text=ref)
        several = name in MULTI_VALUE_FIELDS
        check = DataValidation(
            type="list",
            formula1=range_name,
            allow_blank=True,
            showErrorMessage=True,
            # several values separated by ';' are allowed: Excel warns but accepts them
            errorStyle="warning" if several else "stop",
            errorTitle=text("pick_title", lang),
            error=text("pick_message", lang) + (f" ({text('several', lang)})" if several else ""),
        )
        check.add(f"{column_of[name]}2:{column_of[name]}{last}")
        data.add_data_validation(check)
    year = DataValidation(
        type="whole",
        operator="between",
        formula1=str(MIN_YEAR),  # the same lower bound as the readers
        formula2="YEAR(TODAY())",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        error=text("year_message", lang),
    )
    year.add(f"{column_of['year']}2:{column_of['year']}{last}")
    persons = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="1",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        error=text("persons_message", lang),
    )
    persons.add(f"{column_of['persons']}2:{column_of['persons']}{last}")
    data.add_data_validation(year)
    data.add_data_validation(persons)


def _add_dictionary(wb: Workbook, lang: str) -> None:
    """Add the data dictionary as the second sheet: an introduction, then one row per field.

    Parameters
    ----------
    wb
        The workbook.
    lang
        The template's language.
    """
    from openpyxl.styles import Alignment, Font

    dictionary = wb.create_sheet(text("sheet_dictionary", lang), index=1)
    dictionary.cell(row=1, column=1, value=text("intro", lang)).alignment = Alignment(wrap_text=True, vertical="top")
    dictionary.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    dictionary.row_dimensions[1].height = 60
    for r, row in enumerate(dictionary_rows(lang), start=3):
        for c, value in enumerate(row, start=1):
            cell = dictionary.cell(row=r, column=c, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 3:
                cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (30, 26, 10, 60, 60), strict=True):
        dictionary.column_dimensions[letter].width = width
