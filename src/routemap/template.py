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
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

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
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as wb:
        data = wb.add_worksheet(text("sheet_data", lang))  # the first sheet: the one a partner fills in
        dictionary = wb.add_worksheet(text("sheet_dictionary", lang))
        _fill_data_sheet(wb, data, lang)
        _add_dropdowns(wb, data, lang)
        _add_dictionary(wb, dictionary, lang)


def _fill_data_sheet(wb: Workbook, data: Worksheet, lang: str) -> None:
    """Write the data sheet's header: one column per field, required ones shaded, each explained.

    Parameters
    ----------
    wb
        The workbook (formats belong to it).
    data
        The workbook's first sheet.
    lang
        The template's language.
    """
    header = wb.add_format({"bold": True})
    required = wb.add_format({"bold": True, "bg_color": "#FFF2CC", "pattern": 1})
    for col, f in enumerate(FIELDS):
        label = header_label(f.name, lang)
        data.write_string(0, col, label, required if f.required else header)
        data.write_comment(0, col, description(f.name, lang), {"author": "routemap"})
        data.set_column(col, col, max(12, min(40, len(label) + 4)))
    data.freeze_panes(1, 0)


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
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    lists = wb.add_worksheet(text("sheet_lists", lang))
    lists.hide()
    column_of = {f.name: i for i, f in enumerate(FIELDS)}
    for i, (name, vocabulary) in enumerate(VOCABULARIES.items()):
        lists.write_string(0, i, name)
        for number, value in enumerate(vocabulary, start=1):
            lists.write_string(number, i, value_label(name, value, lang))
        # a defined name, because Excel 2007 does not let a dropdown point at another sheet directly
        first = xl_rowcol_to_cell(1, i, row_abs=True, col_abs=True)
        last = xl_rowcol_to_cell(len(vocabulary), i, row_abs=True, col_abs=True)
        wb.define_name(f"routemap_{name}", f"={quote_sheetname(lists.name)}!{first}:{last}")
        several = name in MULTI_VALUE_FIELDS
        data.data_validation(
            1,
            column_of[name],
            TEMPLATE_ROWS,
            column_of[name],
            {
                "validate": "list",
                "source": f"=routemap_{name}",
                # several values separated by ';' are allowed: Excel warns but accepts them
                "error_type": "warning" if several else "stop",
                "error_title": text("pick_title", lang),
                "error_message": text("pick_message", lang) + (f" ({text('several', lang)})" if several else ""),
            },
        )
    year, persons = column_of["year"], column_of["persons"]
    data.data_validation(
        1,
        year,
        TEMPLATE_ROWS,
        year,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": MIN_YEAR,  # the same lower bound as the readers
            "maximum": "=YEAR(TODAY())",
            "error_message": text("year_message", lang),
        },
    )
    data.data_validation(
        1,
        persons,
        TEMPLATE_ROWS,
        persons,
        {"validate": "integer", "criteria": ">=", "value": 1, "error_message": text("persons_message", lang)},
    )


def _add_dictionary(wb: Workbook, dictionary: Worksheet, lang: str) -> None:
    """Fill the data dictionary, the second sheet: an introduction, then one row per field.

    Parameters
    ----------
    wb
        The workbook (formats belong to it).
    dictionary
        The workbook's second sheet.
    lang
        The template's language.
    """
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    bold = wb.add_format({"text_wrap": True, "valign": "top", "bold": True})
    dictionary.merge_range(0, 0, 0, 4, text("intro", lang), wrap)
    dictionary.set_row(0, 60)
    for r, row in enumerate(dictionary_rows(lang), start=2):
        for c, value in enumerate(row):
            dictionary.write_string(r, c, value, bold if r == 2 else wrap)
    for col, width in enumerate((30, 26, 10, 60, 60)):
        dictionary.set_column(col, col, width)
