"""Build the route-frequency tables from a Publication; write them as CSV and Markdown, and place tables as text."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from routemap._safe import safe_cell
from routemap.disclosure import Publication, column_strings
from routemap.render.words import dimension_text, integer, unit_text, value_text, word
from routemap.schema import VOCABULARIES

#: A table cell: a published count (int), a share (float), a label such as ``<5`` or ``x`` (str), or nothing.
Cell = int | float | str | None
#: Column kinds: how a cell is formatted (rank and count: whole numbers; share and pct: one decimal).
KINDS: tuple[str, ...] = ("rank", "text", "count", "share", "pct")

#: Breakdown dimensions published as tables, with their titles.
BREAKDOWN_TABLES: dict[str, str] = {
    "sector": "sector",
    "exploitation": "type of exploitation",
    "sex": "sex",
    "age_group": "age group",
    "year": "year",
}
LEVEL_NAMES: dict[str, str] = {
    "region": "region",
    "country": "country",
    "admin1": "state / province",
    "place": "place",
}
STATE_NOT_KNOWN = "state not known"
TOTAL_LABEL = "Total of published cells"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    key
        Machine name, the header of the CSV file.
    header
        Header shown to people (XLSX, Markdown, HTML).
    kind
        One of :data:`KINDS`.
    """

    key: str
    header: str
    kind: str = "text"


@dataclass(frozen=True, slots=True)
class Table:
    """A publishable table: every count in it comes from the disclosure gate.

    Parameters
    ----------
    key
        File stem (``origins`` -> ``origins.csv``) and anchor in the report.
    title
        Heading; ``sheet`` is its XLSX sheet name (at most 31 characters).
    columns, rows
        The header and the cells; a suppressed count is the text ``<5`` or ``x``.
    note
        What the table counts, in one or two sentences.
    total
        Optional footer row (sums of published cells only), shown in XLSX, Markdown and HTML but
        not written to CSV, so a CSV holds data rows only.
    """

    key: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str
    total: tuple[Cell, ...] | None = None

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the columns' keys (cells as they are, no formatting)."""
        return pd.DataFrame(list(self.rows), columns=[c.key for c in self.columns], dtype=object)


def humanise(value: str) -> str:
    """A vocabulary value as people read it: ``domestic_work`` -> ``domestic work``."""
    return str(value).replace("_", " ")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _value(dimension: str, value: str, lang: str) -> str:
    """A value as a column header or cell: routemap's English (``domestic work``) or the label table's words."""
    return humanise(value) if lang == "en" else value_text(dimension, value, lang)


def _level(level: str, lang: str) -> str:
    return LEVEL_NAMES.get(level, level) if lang == "en" else word(f"level_{level}", lang)


def _field(dimension: str, lang: str) -> str:
    """A dimension's name inside a sentence: "type of exploitation" (en), the template's header otherwise."""
    if lang == "en":
        return BREAKDOWN_TABLES.get(dimension, humanise(dimension))
    return dimension_text(dimension, lang).lower()


def format_cell(value: Cell, kind: str, *, thousands: bool = False) -> str:
    """A cell as text: counts as whole numbers, shares with one decimal, nothing as ``""``.

    Parameters
    ----------
    value
        The cell.
    kind
        The column kind (see :data:`KINDS`).
    thousands
        Group thousands with commas (for reading, not for CSV).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if kind == "pct":  # whole per cent (see disclosure: shares are proven by published figures)
        return f"{round(float(value))}"
    if kind == "share":
        return f"{float(value):,.1f}" if thousands else f"{float(value):.1f}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if thousands and isinstance(value, int) else str(value)


def _num(value: object) -> float | None:
    """A float, or ``None`` for a missing value."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _default_name(pub: Publication) -> Callable[[str], str]:
    places = pub.places_by_id

    def name(place_id: str) -> str:
        place = places.get(place_id)
        return str(getattr(place, "name", "")) if place is not None else place_id.split(":", 1)[-1]

    return name


def _ranks(values: pd.Series) -> list[int]:
    return [int(r) for r in values.rank(method="min", ascending=False)]


def route_frame(pub: Publication, *, lang: str = "en") -> pd.DataFrame:
    """Every published route with its rank, share and the disclosure-safe details.

    Columns: ``route_key``, ``rank``, ``route``, ``origin``, ``transit``, ``destination``, ``persons``
    (int), ``share`` (float), ``pct_women``, ``pct_children`` (float or ``None``) and ``top_sector``.
    """
    table = pub.route_table()
    published = pub.published_routes()
    details = {str(d["route"]): d for d in pub.route_details().to_dict("records")}
    keys = published["route"].astype(str).tolist()
    frame = pd.DataFrame(
        {
            "route_key": keys,
            "rank": table["rank"].astype(int).tolist(),
            "route": table["route"].tolist(),
            "origin": table["origin"].tolist(),
            "transit": table["transit"].tolist(),
            "destination": table["destination"].tolist(),
            "persons": [int(p) for p in table["persons"]],
            "share": [float(s) for s in table["share"]],
        },
        dtype=object,
    )
    frame["pct_women"] = [_num(details[k]["pct_women"]) for k in keys]
    frame["pct_children"] = [_num(details[k]["pct_children"]) for k in keys]
    frame["top_sector"] = [
        _value("sector", str(details[k]["top_sector"]), lang) if details[k]["top_sector"] else "" for k in keys
    ]
    return frame


def top_routes_table(pub: Publication, *, lang: str = "en", unit: str | None = None) -> Table:
    """Every published route, ranked, as in routes.csv, with % women, % children and top sector where shown."""
    frame = route_frame(pub, lang=lang)
    units = unit_text(unit, lang)
    columns = (
        Column("rank", word("col_rank", lang), "rank"),
        Column("route", word("col_route", lang)),
        Column("origin", word("col_origin", lang)),
        Column("transit", word("col_transit", lang)),
        Column("destination", word("col_destination", lang)),
        Column("persons", _cap(units), "count"),
        Column("share", word("col_share", lang), "share"),
        Column("pct_women", word("col_women", lang), "pct"),
        Column("pct_children", word("col_children", lang), "pct"),
        Column("top_sector", word("col_top_sector", lang)),
    )
    rows = tuple(tuple(row) for row in frame[[c.key for c in columns]].itertuples(index=False, name=None))
    note = _cap(
        word(
            "note_top_routes",
            lang,
            unit=units,
            total=integer(pub.published_persons, lang),
            k=pub.min_count,
            label=pub.label,
        )
    )
    title = word("table_top_routes", lang)
    return Table("top_routes", title, title, columns, rows, note)


def _places_table(
    pub: Publication,
    name: Callable[[str], str],
    *,
    column: str,
    key: str,
    title: str,
    what: str,
    lang: str = "en",
    unit: str | None = None,
) -> Table:
    places = pub.places()
    places = places.loc[places[column] > 0].sort_values([column, "name"], ascending=[False, True], kind="stable")
    total = pub.published_persons
    ranks = _ranks(places[column])
    rows = []
    for rank, row in zip(ranks, places.itertuples(index=False), strict=True):
        persons = int(getattr(row, column))
        rows.append(
            (
                rank,
                str(row.name),
                _level(str(row.level), lang),
                name(f"country:{row.country}") if row.country and row.level != "country" else "",
                persons,
                round(100.0 * persons / total, 1) if total else None,
            )
        )
    units = unit_text(unit, lang)
    columns = (
        Column("rank", word("col_rank", lang), "rank"),
        Column("place", word("col_place", lang)),
        Column("level", word("col_level", lang)),
        Column("country", word("col_country", lang)),
        Column(column, _cap(f"{units} {what}"), "count"),
        Column("share", word("col_share", lang), "share"),
    )
    note = _cap(word("note_places", lang, unit=units, what=what, total=integer(total, lang)))
    return Table(key, title, title, columns, tuple(rows), note)


def places_tables(
    pub: Publication, *, name: Callable[[str], str] | None = None, lang: str = "en", unit: str | None = None
) -> list[Table]:
    """Top origins, transit points and destinations (persons starting, passing, ending there)."""
    name = name or _default_name(pub)
    return [
        _places_table(
            pub,
            name,
            column=column,
            key=key,
            title=word(f"table_{key}", lang),
            what=word(what, lang),
            lang=lang,
            unit=unit,
        )
        for column, key, what in (
            ("persons_start", "origins", "chart_starting"),
            ("persons_pass", "transit_points", "chart_passing"),
            ("persons_end", "destinations", "chart_ending"),
        )
    ]


def states_table(
    pub: Publication,
    *,
    focus: str,
    name: Callable[[str], str] | None = None,
    lang: str = "en",
    unit: str | None = None,
) -> Table:
    """Destinations inside the focus country by state (admin-1), summed over published routes.

    Parameters
    ----------
    pub
        The publication.
    focus
        ISO 3166-1 alpha-3 code of the focus country.
    name
        Place id -> display name (for states and the country).
    """
    name = name or _default_name(pub)
    by_id = pub.places_by_id
    places = pub.places()
    inside = places.loc[(places["country"] == focus) & (places["persons_end"] > 0)]
    sums: dict[str, int] = {}
    for row in inside.itertuples(index=False):
        if row.level == "admin1":
            state = str(row.name)
        elif row.level == "place" and getattr(by_id.get(str(row.place_id)), "admin1", ""):
            state = name(str(by_id[str(row.place_id)].admin1))
        else:
            state = STATE_NOT_KNOWN if lang == "en" else word("state_not_known", lang)
        sums[state] = sums.get(state, 0) + int(row.persons_end)
    unknown = STATE_NOT_KNOWN if lang == "en" else word("state_not_known", lang)
    ordered = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0] == unknown, kv[0]))
    total = sum(sums.values())
    ranks = _ranks(pd.Series([v for _, v in ordered], dtype="int64"))
    rows = tuple(
        (rank, state, persons, round(100.0 * persons / total, 1) if total else None)
        for rank, (state, persons) in zip(ranks, ordered, strict=True)
    )
    country = name(f"country:{focus}")
    units = unit_text(unit, lang)
    columns = (
        Column("rank", word("col_rank", lang), "rank"),
        Column("state", word("col_state", lang)),
        Column("persons_ending", _cap(f"{units} {word('chart_ending', lang)}"), "count"),
        Column("share", word("col_share", lang), "share"),
    )
    note = _cap(word("note_states", lang, unit=units, country=country, total=integer(total, lang)))
    title = word("table_states", lang, country=country)
    sheet = "Destinations by state" if lang == "en" else title[:31]
    return Table("destinations_by_state", title, sheet, columns, rows, note)


def _value_order(dimension: str, values: Sequence[str]) -> list[str]:
    vocabulary = VOCABULARIES.get(dimension, ())
    known = [v for v in vocabulary if v in values]
    rest = sorted(v for v in values if v not in vocabulary)
    if dimension == "year":
        return sorted(values, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
    unknown = [v for v in known if v == "unknown"]
    return [v for v in known if v != "unknown"] + rest + unknown


def breakdown_table(
    pub: Publication,
    dimension: str,
    *,
    ranks: dict[str, int] | None = None,
    lang: str = "en",
    unit: str | None = None,
) -> Table:
    """Published routes by the values of one dimension, one column per value (wide).

    A cell is the published count, ``<5`` (fewer than the minimum count, zero included) or ``x``
    (hidden as well, so that no ``<5`` cell can be worked out from the route's total). A column
    with no published count in any row (only ``<5`` cells) is left out: it would show nothing. The
    footer sums the published cells of each column.
    """
    long = pub.breakdown(dimension)
    routes = pub.published_routes()
    labels = dict(zip(routes["route"].astype(str), routes["label"].astype(str), strict=True))
    persons = {str(k): int(p) for k, p in zip(routes["route"], routes["persons"], strict=True)}
    if ranks is None:
        frame = route_frame(pub)
        ranks = dict(zip(frame["route_key"], frame["rank"], strict=True))
    route_col, value_col, shown_col = (column_strings(long[c]) for c in ("route", "value", "shown"))
    shown = {(r, v): s for r, v, s in zip(route_col, value_col, shown_col, strict=True)}
    with_rows = set(route_col)
    persons = {k: n for k, n in persons.items() if k in with_rows}  # a route may be published without rows
    columns_all = list(pub.columns(dimension))
    values = [v for v in columns_all if any(shown.get((k, v)) != pub.label for k in persons)]
    if dimension != "year":  # unknown last, as readers expect it
        values = [v for v in values if v != "unknown"] + [v for v in values if v == "unknown"]
    keys = sorted(persons, key=lambda k: (ranks[k], labels[k]))
    rows = []
    for key in keys:
        row: list[Cell] = [ranks[key], labels[key], persons[key]]
        for value in values:
            text = shown[(key, value)]
            row.append(int(text) if text.isdigit() else text)
        rows.append(tuple(row))
    total: list[Cell] = [None, word("total_published", lang), sum(persons[k] for k in keys)]
    total += [sum(int(shown[(k, v)]) for k in keys if shown[(k, v)].isdigit()) for v in values]
    units = unit_text(unit, lang)
    columns = (
        Column("rank", word("col_rank", lang), "rank"),
        Column("route", word("col_route", lang)),
        Column("persons", _cap(units), "count"),
        *(Column(str(v), _value(dimension, v, lang), "count") for v in values),
    )
    about = _field(dimension, lang)
    note = _cap(word("note_breakdown", lang, unit=units, field=about, label=pub.label, k=pub.min_count))
    without = len(routes) - len(keys)
    if without:
        note += " " + _cap(word("note_no_rows", lang, n=without))
    left_out = [_value(dimension, v, lang) for v in columns_all if v not in values]
    if dimension == "year":  # which years are left out would tell the span of the data: say it in general
        note += " " + _cap(word("note_years_left_out", lang))
    elif left_out:
        note += " " + _cap(word("note_columns_left_out", lang, values=", ".join(left_out)))
    title = word("table_by", lang, field=about)
    sheet = (f"By {about}" if lang == "en" else title)[:31]
    return Table(f"routes_by_{dimension}", title, sheet, columns, tuple(rows), note, total=tuple(total))


def build_tables(
    pub: Publication,
    *,
    focus: str | None = None,
    name: Callable[[str], str] | None = None,
    lang: str = "en",
    unit: str | None = None,
) -> list[Table]:
    """Every table of a build, in the order they are published.

    Parameters
    ----------
    pub
        The publication (the only source of figures).
    focus
        ISO 3166-1 alpha-3 code of the focus country; adds destinations by state.
    name
        Place id -> display name (default: names of the places on published routes).
    lang, unit
        Language of titles, headers and notes (en, ms, id), and what counts are of (default persons).
    """
    name = name or _default_name(pub)
    frame = route_frame(pub)
    ranks = {k: int(r) for k, r in zip(frame["route_key"], frame["rank"], strict=True) if k}
    tables = [top_routes_table(pub, lang=lang, unit=unit), *places_tables(pub, name=name, lang=lang, unit=unit)]
    if focus:
        tables.append(states_table(pub, focus=focus, name=name, lang=lang, unit=unit))
    dims = [dim for dim in BREAKDOWN_TABLES if dim in pub.breakdowns]
    tables.extend(breakdown_table(pub, dim, ranks=ranks, lang=lang, unit=unit) for dim in dims)
    return tables


# ---------------------------------------------------------------------------------------------- CSV


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


def write_table_csv(table: Table, path: Path) -> None:
    """Write one :class:`Table` as CSV (headers are the columns' keys; no footer row)."""
    kinds = [c.kind for c in table.columns]
    text = pd.DataFrame(
        [[format_cell(v, k) for v, k in zip(row, kinds, strict=True)] for row in table.rows],
        columns=[c.key for c in table.columns],
        dtype=object,
    )
    write_csv(text, path)


# ----------------------------------------------------------------------------------------- Markdown

#: Backslash escapes (CommonMark: any ASCII punctuation) for what could start markup, a link, a
#: table cell or raw HTML (``\\<`` can never open a tag; ``\\&`` never starts an entity).
_MD_SPECIAL = str.maketrans(
    {
        **{c: "\\" + c for c in "\\`*_[]|#~<&!"},
        "\n": " ",
        "\r": " ",
        "\t": " ",
    }
)


def md_escape(text: object) -> str:
    """Text that Markdown shows as it is: no emphasis, links, images, table breaks or raw HTML."""
    return str(text).translate(_MD_SPECIAL)


def markdown_table(table: Table) -> str:
    """One table as a GitHub-flavoured Markdown table (numbers right-aligned, footer in bold)."""
    kinds = [c.kind for c in table.columns]
    lines = [
        "| " + " | ".join(md_escape(c.header) for c in table.columns) + " |",
        "|" + "|".join("---:" if k != "text" else "---" for k in kinds) + "|",
    ]
    for row in table.rows:
        cells = [md_escape(format_cell(v, k, thousands=True)) for v, k in zip(row, kinds, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    if table.total is not None:
        cells = [md_escape(format_cell(v, k, thousands=True)) for v, k in zip(table.total, kinds, strict=True)]
        lines.append("| " + " | ".join(f"**{c}**" if c else "" for c in cells) + " |")
    return "\n".join(lines)


def write_markdown(tables: Sequence[Table], path: Path, *, title: str, lines: Sequence[str] = ()) -> None:
    """Write every table to one Markdown file for briefs: a title, a few lines, then each table.

    Parameters
    ----------
    tables
        The tables.
    path
        Output file (UTF-8).
    title
        First heading.
    lines
        Paragraphs under the title (period, as-of date, how suppression is shown); escaped here.
    """
    parts = [f"# {md_escape(title)}", *(md_escape(line) for line in lines)]
    for table in tables:
        parts += [f"## {md_escape(table.title)}", md_escape(table.note), markdown_table(table)]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


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
