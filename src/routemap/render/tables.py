"""Write route-frequency tables as CSV (UTF-8 with BOM, formula-safe) and place tables as text."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from routemap._safe import safe_cell


def write_csv(table: pd.DataFrame, path: Path) -> None:
    r"""Write a table as CSV that Excel opens correctly and cannot execute.

    UTF-8 with a byte-order mark (so Excel shows non-ASCII names right), ``\\n`` line ends,
    minimal quoting, and every text cell passed through :func:`routemap._safe.safe_cell`.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([safe_cell(str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            writer.writerow([safe_cell(_blank(v)) for v in row])


def _blank(value: object) -> object:
    """A missing value (None or NaN) as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


#: Columns of the text place table: (heading, report column, widest text shown).
_PLACE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("raw string", "raw", 40),
    ("place", "name", 32),
    ("level", "level", 7),
    ("country", "country_iso3", 7),
    ("method", "method", 15),
)


def format_place_table(table: pd.DataFrame) -> str:
    """Render a place table as aligned text for a terminal.

    One line per row of ``table`` (the columns of :data:`routemap.routes.PLACE_REPORT_COLUMNS`):
    raw string, place, level, country, method and rows; below it, indented, what explains it
    (candidates of an ambiguous string, suggestions for an unresolved one, notes).
    """
    if table.empty:
        return "(no place strings)"
    cells: list[list[str]] = []
    details: list[str] = []
    for row in table.to_dict("records"):
        line = [_cut(str(row[col] or "-"), width) for _, col, width in _PLACE_COLUMNS]
        cells.append([*line, str(row["rows"])])
        extra = []
        if row["candidates"]:
            extra.append(f"could be: {row['candidates']}")
        if row["suggestions"]:
            extra.append(f"did you mean: {row['suggestions']}")
        if row["note"]:
            extra.append(str(row["note"]))
        if row["method"] in ("default_country", "ambiguous") and row["default_country"]:
            extra.append(f"partner default country: {row['default_country']}")
        details.append("; ".join(extra))
    headings = [h for h, _, _ in _PLACE_COLUMNS] + ["rows"]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headings)]

    def fmt(line: list[str]) -> str:
        left = "  ".join(c.ljust(w) for c, w in zip(line[:-1], widths[:-1], strict=True))
        return f"{left}  {line[-1].rjust(widths[-1])}"

    out = [fmt(headings)]
    for line, detail in zip(cells, details, strict=True):
        out.append(fmt(line))
        if detail:
            out.append(f"    {detail}")
    return "\n".join(out)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
