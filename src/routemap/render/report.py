"""Write report.html: charts, flows, change over time, destinations, top tables and methods, in en, ms or id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from routemap._safe import esc
from routemap.disclosure import DataQuality, Publication, Rounded, round_count
from routemap.render import charts
from routemap.render._report_compare import _cap, _signed, compare_table
from routemap.render._report_compare import period_counts as period_counts
from routemap.render.tables import Table, format_cell
from routemap.render.words import dimension_text, integer, unit_text, value_text, word

#: Rows of each route-level table shown in the report (every row is in the CSV and Excel files).
REPORT_ROWS = 25
#: Destinations with a section of their own: the focus country's states, or the top destinations.
DESTINATION_SECTIONS = 5
LEVEL_TEXT: dict[str, str] = {
    "country": "country",
    "admin1": "state or province (admin-1)",
    "place": "place (town, city or a place the project defines)",
}
DOWNLOADS: dict[str, str] = {
    "routes.csv": "route table (CSV)",
    "top_routes.csv": "top routes with details (CSV)",
    "routes.xlsx": "all tables (Excel)",
    "routes.md": "all tables (Markdown)",
    "map.png": "static map (PNG)",
    "flows.svg": "flow diagram (SVG)",
    "flows.png": "flow diagram (PNG)",
    "report.pdf": "this report (PDF)",
    "routemap.gpkg": "GIS layers routes, legs, places (GeoPackage)",
    "routes.geojson": "published routes (GeoJSON)",
}
#: Breakdowns drawn as share charts.
SHARE_CHARTS: tuple[str, ...] = ("sector", "exploitation")


def count_text(count: Rounded, *, lang: str = "en") -> str:
    """A rounded count in words: ``0``, ``fewer than 10`` or ``about 1,950``."""
    if count.fewer:
        return word("quality_fewer", lang, n=count.value)
    if count.value == 0:
        return "0"
    return word("quality_about", lang, n=integer(count.value, lang))


def rounded(n: int, *, lang: str = "en") -> str:
    """A private count as the data-quality section publishes it (:func:`routemap.disclosure.round_count`)."""
    return count_text(round_count(n), lang=lang)


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report says about the build besides the tables; every figure in it is publishable.

    Parameters
    ----------
    title
        Report title.
    period
        First and last year of the published records (``"2018–2024"``), or ``""``.
    as_of
        Date the data stands for, or ``None``.
    organisations
        How many organisations contributed accepted rows.
    partner_names
        Names to list (only when routemap.toml sets ``show_partners = true``; never folder names).
    level, focus_name
        The route level and the focus country's name (``None`` without one).
    min_count, label
        The threshold and how a suppressed count is shown (``<5``).
    routes_published, published_persons
        Routes published (with at least ``min_count`` persons) and the persons on them.
    version
        routemap's version.
    language, unit, source
        Language of the words (en, ms, id), what counts are of (``None``: persons) and the source
        credit line (``None``: none).
    """

    title: str
    period: str
    as_of: str | None
    organisations: int
    level: str
    focus_name: str | None
    min_count: int
    label: str
    routes_published: int
    published_persons: int
    version: str
    partner_names: tuple[str, ...] = field(default_factory=tuple)
    language: str = "en"
    unit: str | None = None
    source: str | None = None

    @property
    def units(self) -> str:
        """The unit as written in sentences: the project's own, or "persons" in the report's language."""
        return unit_text(self.unit, self.language)


def _routes(n: int, lang: str) -> str:
    return word("report_route_one", lang) if n == 1 else word("report_route_count", lang, n=integer(n, lang))


def summary_lines(meta: ReportMeta) -> list[str]:
    """The lines under the title shared by report.html, routes.md and the workbook's notes sheet."""
    lang = meta.language
    orgs = (
        word("organisations_one", lang)
        if meta.organisations == 1
        else word("organisations_many", lang, n=meta.organisations)
    )
    when = " · ".join(
        p for p in (meta.period, word("data_as_of", lang, date=meta.as_of) if meta.as_of else "", orgs) if p
    )
    routes = word(
        "report_routes_line",
        lang,
        published=_routes(meta.routes_published, lang),
        persons=integer(meta.published_persons, lang),
        unit=meta.units,
        k=meta.min_count,
    )
    lines = [when, routes, word("report_cells_line", lang, label=meta.label, k=meta.min_count)]
    if meta.partner_names:
        lines.append(word("report_partners", lang, names=", ".join(meta.partner_names)))
    if meta.unit:
        lines.append(word("report_counts_of", lang, unit=meta.unit))
    if meta.source:
        lines.append(word("report_source", lang, source=meta.source))
    return lines


def _methods(meta: ReportMeta, quality: DataQuality) -> str:
    lang, unit = meta.language, meta.units
    focus = " " + word("methods_focus", lang, country=meta.focus_name) if meta.focus_name else ""
    level = word(f"level_{meta.level}", lang) if meta.level in LEVEL_TEXT else meta.level
    small = word(
        "methods_small",
        lang,
        k=meta.min_count,
        unit=unit,
        label=meta.label,
        total=integer(meta.published_persons, lang),
    )
    if meta.min_count < 5:  # allow_small_counts: say so
        small += " " + word("methods_small_counts", lang, k=meta.min_count, unit=unit)
    places = word("quality_no_places", lang) if quality.places_resolved is None else f"{quality.places_resolved}%"
    rows = [
        ("quality_read", count_text(quality.rows_read, lang=lang)),
        ("quality_accepted", count_text(quality.accepted, lang=lang)),
        ("quality_rejected", count_text(quality.rejected, lang=lang)),
        ("quality_merged", count_text(quality.merged, lang=lang)),
        ("quality_places", places),
    ]
    table = "".join(f'<tr><th scope="row">{esc(word(k, lang))}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    return (
        f"<h3>{esc(_cap(word('methods_records_h', lang, unit=unit)))}</h3>"
        f"<p>{esc(word('methods_records', lang, unit=unit))}</p>"
        f"<h3>{esc(word('methods_routes_h', lang))}</h3>"
        f"<p>{esc(word('methods_routes', lang, level=level, focus=focus))}</p>"
        f"<h3>{esc(word('methods_dedup_h', lang))}</h3><p>{esc(word('methods_dedup', lang))}</p>"
        f"<h3>{esc(word('methods_small_h', lang))}</h3><p>{esc(small)}</p>"
        f"<h3>{esc(word('methods_quality_h', lang))}</h3>"
        f"<p>{esc(word('methods_quality', lang, rounding=quality.rounding))}</p>"
        f'<table class="dq">{table}</table>'
    )


def table_html(table: Table) -> str:
    """One table as an HTML ``<table>`` (every cell escaped; numbers right-aligned; footer in ``<tfoot>``)."""
    kinds = [c.kind for c in table.columns]

    def cls(kind: str) -> str:
        return ' class="n"' if kind != "text" else ""

    head = "".join(f'<th scope="col"{cls(c.kind)}>{esc(c.header)}</th>' for c in table.columns)
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{cls(k)}>{esc(format_cell(v, k, thousands=True))}</td>" for v, k in zip(row, kinds, strict=True))
        + "</tr>"
        for row in table.rows
    )
    foot = ""
    if table.total is not None:
        cells = "".join(
            f"<td{cls(k)}>{esc(format_cell(v, k, thousands=True))}</td>"
            for v, k in zip(table.total, kinds, strict=True)
        )
        foot = f"<tfoot><tr>{cells}</tr></tfoot>"
    empty = "" if table.rows else f'<p class="empty">No published {esc(table.title.lower())}.</p>'
    return (
        f'<section id="{esc(table.key)}"><h2>{esc(table.title)}</h2><p class="note">{esc(table.note)}</p>{empty}'
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody>{foot}</table></div>'
        "</section>"
    )


def _head_table(table: Table, rows: int, *, lang: str, files: str) -> str:
    """A table with its first ``rows`` rows, and a line saying where every row is."""
    if len(table.rows) <= rows:
        return table_html(table)
    short = Table(table.key, table.title, table.sheet, table.columns, table.rows[:rows], table.note, table.total)
    line = word("report_top_of", lang, n=rows, total=integer(len(table.rows), lang), files=files)
    return table_html(short).replace("</section>", f'<p class="note more">{esc(line)}</p></section>')


#: The page runs no script at all, embeds no plugin, and cannot be re-based or post a form.
CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
STYLE = """
:root{color-scheme:light}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1d;background:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0 .25rem}
h2{font-size:1.25rem;margin:2rem 0 .25rem}
h3{font-size:1rem;margin:1.2rem 0 .2rem}
.sub{color:#444;margin:.1rem 0}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none;margin:.75rem 0}
iframe{width:100%;height:36rem;border:1px solid #bbb;border-radius:4px;background:#eee center/contain no-repeat}
.print-map{display:none;max-width:100%}
.note{color:#444;margin:.2rem 0 .5rem;max-width:60rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
thead th{background:#2f4f6f;color:#fff;position:sticky;top:0}
tbody tr:nth-child(even){background:#f5f7f9}
tfoot td{font-weight:bold;border-top:2px solid #333}
.n{text-align:right}
table.dq th{font-weight:normal;background:none;color:inherit}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:1rem 2rem}
figure.chart{margin:.5rem 0 1rem}
figure.chart figcaption{font-size:.9rem;color:#333;margin-bottom:.3rem}
figure.chart svg{max-width:40rem;height:auto;display:block}
figure.flows svg{max-width:48rem;height:auto}
.dest{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));gap:.5rem 2rem}
footer{color:#666;font-size:.85rem;margin-top:3rem}
@page{size:A4;margin:15mm 14mm 18mm;@bottom-center{content:counter(page) " / " counter(pages);
 font:9pt system-ui,sans-serif;color:#555}}
@media print{body{font-size:10pt}main{max-width:none;padding:0}iframe,nav,.screen{display:none}
 .print-map{display:block;width:100%}section{break-before:page}#map,#flows{break-before:auto}
 h2,h3,figcaption{break-after:avoid}thead{display:table-header-group}tfoot{display:table-footer-group}
 tr,figure,svg,.dest>div{break-inside:avoid}thead th{position:static}.scroll{overflow:visible}
 a{color:inherit;text-decoration:none}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 table{font-size:8.5pt}th,td{padding:.15rem .4rem}}
"""


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """What the report draws besides the tables: the publication and the choices of the build.

    Parameters
    ----------
    pub
        The publication: the only source of every chart's figures.
    focus
        ISO 3166-1 alpha-3 code of the focus country (its states get destination sections).
    compare
        The two periods the report compares (first and last year of each), or ``None``.
    flows_svg
        The flow diagram already drawn (``None``: none).
    """

    pub: Publication
    focus: str | None = None
    compare: tuple[tuple[int, int], tuple[int, int]] | None = None
    flows_svg: str | None = None


def _label(dimension: str, lang: str) -> Callable[[str], str]:
    return lambda value: value_text(dimension, value, lang) if lang != "en" else value.replace("_", " ").capitalize()


def known_fields(pub: Publication, dimensions: Sequence[str]) -> tuple[list[str], list[str]]:
    """Dimensions where published routes show a known value (a count or an ``x``), and those with none.

    Decided from what is published: a column of ``<5`` cells only shows nothing (it may hold no one).
    """
    kept: list[str] = []
    left: list[str] = []
    for dim in dimensions:
        try:
            cells = pub.breakdown(dim)
        except KeyError:
            cells = None
        shown = set() if cells is None else set(cells.loc[cells["status"] != "small", "value"].astype(str))
        (kept if shown - {"unknown"} else left).append(dim)
    return kept, left


def _charts(inputs: ReportInputs, tables: Sequence[Table], meta: ReportMeta) -> list[str]:
    pub, lang, unit = inputs.pub, meta.language, meta.units
    out = []
    out.append(
        charts.bar_chart(
            charts.place_bars(pub, "persons_start", lang=lang),
            title=word("chart_origins", lang),
            caption=_cap(word("chart_places_note", lang, unit=unit, what=word("chart_starting", lang))),
            key="chart-origins",
            colour=charts.ROLE_COLOURS["origin"],
        )
    )
    states = next((t for t in tables if t.key == "destinations_by_state"), None)
    if states is not None and states.rows:
        bars = charts.state_bars(states.rows, lang=lang)
        title = word("chart_states", lang, country=meta.focus_name or "")
    else:
        bars = charts.place_bars(pub, "persons_end", lang=lang)
        title = word("chart_destinations", lang)
    out.append(
        charts.bar_chart(
            bars,
            title=title,
            caption=_cap(word("chart_places_note", lang, unit=unit, what=word("chart_ending", lang))),
            key="chart-destinations",
            colour=charts.ROLE_COLOURS["destination"],
        )
    )
    years, series = charts.year_series(pub)
    out.append(
        charts.line_chart(
            series,
            years,
            title=_cap(word("chart_years", lang, unit=unit)),
            caption=word("chart_years_note", lang, k=pub.min_count),
            key="chart-years",
            lang=lang,
        )
    )
    for dim in SHARE_CHARTS:
        bars, total = charts.share_bars(pub, dim, lang=lang, label=_label(dim, lang))
        field_name = (
            dimension_text(dim, lang) if lang != "en" else {"sector": "Sector", "exploitation": "Exploitation"}[dim]
        )
        out.append(
            charts.bar_chart(
                bars,
                title=field_name,
                caption=word(
                    "chart_share_of",
                    lang,
                    field=field_name,
                    field_lower=field_name.lower(),
                    n=integer(total, lang),
                    unit=unit,
                ),
                key=f"chart-{dim}",
            )
        )
    return [c for c in out if c]


def _compare_section(inputs: ReportInputs, meta: ReportMeta) -> str:
    if inputs.compare is None:
        return ""
    lang = meta.language
    table = compare_table(inputs.pub, inputs.compare, lang=lang, unit=meta.units)
    changed = [r for r in table.rows if r[3] not in (None, 0)]
    grew = sorted((r for r in changed if r[3] > 0), key=lambda r: (-r[3], r[0]))[:8]  # type: ignore[operator]
    shrank = sorted((r for r in changed if r[3] < 0), key=lambda r: (r[3], r[0]))[:8]  # type: ignore[operator]
    figures = []
    for key, title, rows, colour in (
        ("chart-grew", word("report_grew", lang), grew, "#1b9e77"),
        ("chart-shrank", word("report_shrank", lang), shrank, "#d95f02"),
    ):
        bars = [charts.Bar(str(r[0]), abs(int(r[3])), _signed(int(r[3]), lang)) for r in rows]  # type: ignore[arg-type]
        figures.append(charts.bar_chart(bars, title=title, caption=table.note, key=key, colour=colour))
    shown = Table(
        table.key,
        table.title,
        table.sheet,
        table.columns,
        tuple((r[0], r[1], r[2], _signed(int(r[3]), lang) if r[3] is not None else None) for r in table.rows),
        table.note,
    )
    body = _head_table(shown, REPORT_ROWS, lang=lang, files="routes_by_year.csv")
    return body.replace("</h2>", f'</h2><div class="charts">{"".join(figures)}</div>', 1)


def _destination_sections(inputs: ReportInputs, meta: ReportMeta) -> str:
    """Per focus state (or top destination): persons by origin, by sector and by year, from published figures."""
    pub, lang, unit = inputs.pub, meta.language, meta.units
    places = pub.places()
    ending = places.loc[places["persons_end"] > 0]
    if inputs.focus:
        inside = ending.loc[(ending["country"] == inputs.focus) & (ending["level"] != "country")]
        if len(inside):
            ending = inside
    ending = ending.sort_values(["persons_end", "name"], ascending=[False, True], kind="stable").head(
        DESTINATION_SECTIONS
    )
    if ending.empty:
        return ""
    routes = pub.published_routes()
    stops = pub.stops
    names = {pid: str(getattr(p, "name", pid)) for pid, p in pub.places_by_id.items()}
    blocks: list[str] = []
    for pid, place_name, persons in zip(ending["place_id"], ending["name"], ending["persons_end"], strict=True):
        keys = [str(k) for k in routes["route"] if stops[k][-1] == pid and len(stops[k]) > 1]
        here = routes.loc[routes["route"].astype(str).isin(keys)]
        by_origin: dict[str, int] = {}
        for key, n in zip(here["route"], here["persons"], strict=True):
            origin = names[stops[key][0]]
            by_origin[origin] = by_origin.get(origin, 0) + int(n)
        bars = [
            charts.Bar(o, n, integer(n, lang)) for o, n in sorted(by_origin.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:8]
        parts = [
            charts.bar_chart(
                bars,
                title=word("report_by_origin", lang),
                caption=_cap(word("report_destination_note", lang, unit=unit, place=str(place_name))),
                key=f"dest-{len(blocks)}-origin",
                colour=charts.ROLE_COLOURS["origin"],
            )
        ]
        for dim in ("sector", "year"):
            try:
                cells = pub.cells(dim)
            except KeyError:
                continue
            cells = cells.loc[cells["route"].astype(str).isin(keys) & (cells["value"] != "unknown")]
            sums = cells.groupby("value")["persons"].sum()
            if sums.empty:
                continue
            order = sorted(sums.items(), key=(lambda kv: str(kv[0])) if dim == "year" else (lambda kv: (-kv[1], kv[0])))
            label = _label(dim, lang)
            dim_bars = [
                charts.Bar(str(v) if dim == "year" else label(str(v)), int(n), integer(int(n), lang)) for v, n in order
            ]
            dim_name = dimension_text(dim, lang).lower() if lang != "en" else dim
            parts.append(
                charts.bar_chart(
                    dim_bars,
                    title=word("report_by_field", lang, field=dim_name),
                    caption=word("chart_years_note", lang, k=pub.min_count) if dim == "year" else "",
                    key=f"dest-{len(blocks)}-{dim}",
                )
            )
        heading = f"{esc(str(place_name))}: {esc(integer(int(persons), lang))} {esc(unit)}"
        blocks.append(f"<div><h3>{heading}</h3>{''.join(parts)}</div>")
    title = word("report_destination_section", lang)
    return f'<section id="destinations"><h2>{esc(title)}</h2><div class="dest">{"".join(blocks)}</div></section>'


def render_report(
    tables: Sequence[Table],
    path: Path,
    *,
    meta: ReportMeta,
    quality: DataQuality,
    inputs: ReportInputs | None = None,
    map_file: str = "map.html",
    static_map: str | None = None,
    downloads: Sequence[str] = (),
    printing: bool = False,
) -> None:
    """Write report.html: title, charts, flows, change, destinations, top tables, methods and data quality.

    The page has no script (its Content-Security-Policy forbids any) and loads nothing from outside;
    every string is escaped. Charts are inline SVG drawn from the publication's published figures.

    Parameters
    ----------
    tables
        The tables, in order (each shows its first :data:`REPORT_ROWS` rows; breakdowns of fields
        with no known value are left out, with a line saying so).
    path
        Output file.
    meta
        What the report says about the build (language, unit and source included).
    quality
        Rounded data-quality totals.
    inputs
        The publication and build choices the charts, flows, comparison and destination sections
        need (``None``: tables only).
    map_file
        The interactive map beside the report, shown in an iframe.
    static_map
        The PNG map beside the report, printed instead of the iframe (``None``: none).
    downloads
        Files beside the report to link to (known names only).
    printing
        For the PDF: no iframe at all (a printed page would load the map for nothing).
    """
    lang = meta.language
    lines = summary_lines(meta)
    kept_tables, left_out = _kept_tables(tables, inputs)
    sections: list[tuple[str, str]] = [("map", word("report_map", lang))]
    chart_html = flows_html = compare_html = dest_html = ""
    if inputs is not None:
        chart_html, flows_html, compare_html, dest_html = _input_sections(inputs, tables, meta, sections)
    sections += [(t.key, t.title) for t in kept_tables]
    sections.append(("methods", word("report_methods", lang)))
    nav = "".join(f'<li><a href="#{esc(key)}">{esc(title)}</a></li>' for key, title in sections)
    map_section = _map_section(lang, map_file=map_file, static_map=static_map, downloads=downloads, printing=printing)
    credit = _credit(meta)
    page = f"""{_html_head(meta)}
<body>
<main>
<header>
<h1>{esc(meta.title)}</h1>
{"".join(f'<p class="sub">{esc(line)}</p>' for line in lines)}
</header>
<nav aria-label="{esc(word("report_contents", lang))}"><ul>{nav}</ul></nav>
{map_section}
{chart_html}
{flows_html}
{compare_html}
{dest_html}
{_tables_html(kept_tables, left_out, lang=lang, downloads=downloads)}
<section id="methods">
<h2>{esc(word("report_methods", lang))}</h2>
{_methods(meta, quality)}
</section>
<footer>{esc(credit)}</footer>
</main>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def _kept_tables(tables: Sequence[Table], inputs: ReportInputs | None) -> tuple[list[Table], list[str]]:
    """The tables the report shows, and the titles of breakdowns left out for having no known value.

    Parameters
    ----------
    tables
        The tables, in order.
    inputs
        The publication (``None``: every table is kept).

    Returns
    -------
    tuple
        The kept tables, in order, and the titles of those left out.
    """
    if inputs is None:
        return list(tables), []
    dims = [t.key.removeprefix("routes_by_") for t in tables if t.key.startswith("routes_by_")]
    _, empty = known_fields(inputs.pub, dims)
    kept = [t for t in tables if t.key.removeprefix("routes_by_") not in empty]
    left_out = [t.title for t in tables if t.key.removeprefix("routes_by_") in empty]
    return kept, left_out


def _input_sections(
    inputs: ReportInputs, tables: Sequence[Table], meta: ReportMeta, sections: list[tuple[str, str]]
) -> tuple[str, str, str, str]:
    """The sections drawn from the publication: charts, flows, change over time and destinations.

    Parameters
    ----------
    inputs
        The publication and build choices.
    tables
        The report's tables (some charts draw from them).
    meta
        What the report says about the build.
    sections
        The contents list (anchor, title); each section written is appended to it.

    Returns
    -------
    tuple of str
        The HTML of the charts, flows, comparison and destination sections (``""`` for any left out).
    """
    lang = meta.language
    chart_html = flows_html = ""
    figures = _charts(inputs, tables, meta)
    if figures:
        chart_html = (
            f'<section id="charts"><h2>{esc(word("report_charts", lang))}</h2>'
            f'<div class="charts">{"".join(figures)}</div></section>'
        )
        sections.append(("charts", word("report_charts", lang)))
    if inputs.flows_svg:
        flows_html = (
            f'<section id="flows"><h2>{esc(word("report_flows", lang))}</h2>'
            f'<figure class="chart flows">{inputs.flows_svg}</figure></section>'
        )
        sections.append(("flows", word("report_flows", lang)))
    compare_html = _compare_section(inputs, meta)
    if compare_html:
        sections.append(("compare", word("report_compare", lang)))
    dest_html = _destination_sections(inputs, meta)
    if dest_html:
        sections.append(("destinations", word("report_destination_section", lang)))
    return chart_html, flows_html, compare_html, dest_html


def _tables_html(tables: Sequence[Table], left_out: Sequence[str], *, lang: str, downloads: Sequence[str]) -> str:
    """The report's tables, each cut to its first rows, and the line naming the breakdowns left out.

    Parameters
    ----------
    tables
        The tables shown, in order.
    left_out
        Titles of the breakdowns left out for having no known value.
    lang
        The report's language.
    downloads
        Files beside the report: a cut table points to routes.csv or routes.xlsx for the rest.

    Returns
    -------
    str
        The tables' HTML and, on the next line, the note (empty when nothing was left out).
    """
    files = ", ".join(n for n in ("routes.csv", "routes.xlsx") if n in downloads) or "routes.csv"
    route_tables = "".join(
        _head_table(t, REPORT_ROWS, lang=lang, files=files)
        if not t.key.startswith("destinations_by")
        else table_html(t)
        for t in tables
    )
    omitted = (
        f'<p class="note">{esc(word("report_left_out", lang, fields=", ".join(left_out)))}</p>' if left_out else ""
    )
    return f"{route_tables}\n{omitted}"


def _html_head(meta: ReportMeta) -> str:
    """The page's doctype, ``<html>`` and ``<head>``: charset, Content-Security-Policy, title and style."""
    return f"""<!DOCTYPE html>
<html lang="{esc(meta.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="routemap {esc(meta.version)}">
<title>{esc(meta.title)}</title>
<style>{STYLE}</style>
</head>"""


def _map_section(lang: str, *, map_file: str, static_map: str | None, downloads: Sequence[str], printing: bool) -> str:
    """The map section: the interactive map's frame, the printed map and the download links.

    Parameters
    ----------
    lang
        The report's language.
    map_file
        The interactive map beside the report.
    static_map
        The PNG map beside the report (``None``: none).
    downloads
        Files beside the report to link to (known names only).
    printing
        For the PDF: no frame, and the printed map shown.

    Returns
    -------
    str
        The section's HTML.
    """
    links = "".join(
        f'<li><a href="{esc(name)}">{esc(name)}</a>: {esc(word("download_" + name, lang))}</li>'
        for name in downloads
        if name in DOWNLOADS
    )
    alt = word("map_image_alt", lang)
    printed = f'<img class="print-map" src="{esc(static_map)}" alt="{esc(alt)}">' if static_map else ""
    # the static map behind the frame: what a reader sees where the frame cannot draw
    backdrop = f' style="background-image:url({esc(static_map)})"' if static_map else ""
    frame = (
        ""
        if printing
        else f'<iframe src="{esc(map_file)}" title="{esc(word("map_frame_title", lang))}"{backdrop}></iframe>'
        f'<p class="note screen"><a href="{esc(map_file)}">{esc(word("report_open_map", lang))}</a>.</p>'
    )
    if printing and static_map:
        printed = printed.replace('class="print-map"', 'class="print-map" style="display:block"')
    return f"""<section id="map">
<h2>{esc(word("report_map", lang))}</h2>
{frame}
{printed}
{f'<h3 class="screen">{esc(word("report_downloads", lang))}</h3><ul class="screen">{links}</ul>' if links else ""}
</section>"""


def _credit(meta: ReportMeta) -> str:
    """The report's footer: the routemap version, what the counts are of and the data's source."""
    lang = meta.language
    return " ".join(
        p
        for p in (
            word("report_made_with", lang, version=meta.version),
            word("report_counts_of", lang, unit=meta.units),
            word("report_source", lang, source=meta.source) if meta.source else "",
        )
        if p
    )
