"""Write report.html: the map, every table, the methods and a rounded data-quality summary on one page."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from routemap._safe import esc
from routemap.render.tables import Table, format_cell

#: Data-quality counts are rounded to a multiple of this (an exact count of rows, with the published
#: route counts, could pin a suppressed count).
QUALITY_ROUNDING = 10
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
    "routemap.gpkg": "GIS layers routes, legs, places (GeoPackage)",
    "routes.geojson": "published routes (GeoJSON)",
}


def rounded(n: int, *, base: int = QUALITY_ROUNDING) -> str:
    """A count as published in the data-quality section: ``0``, ``fewer than 10`` or ``about 1,950``."""
    if n <= 0:
        return "0"
    if n < base:
        return f"fewer than {base}"
    return f"about {(n + base // 2) // base * base:,}"


@dataclass(frozen=True, slots=True)
class DataQuality:
    """Totals over all contributions, already rounded: the only data-quality figures published.

    Build it with :func:`data_quality`; nothing per partner or per file ever enters it.
    """

    rows_read: str
    accepted: str
    rejected: str
    merged: str
    places_resolved: str
    rounding: int = QUALITY_ROUNDING


def data_quality(totals: Mapping[str, int], place_report: pd.DataFrame) -> DataQuality:
    """Round the build's totals and work out the share of distinct place names resolved.

    Parameters
    ----------
    totals
        The build's totals (``rows_read``, ``accepted``, ``rejected``, ``merged``); private.
    place_report
        The private place report: one row per distinct place string, ``place_id`` empty when unresolved.

    Notes
    -----
    The share is rounded down to a whole percent, so 100% means every name resolved.
    """
    n = len(place_report)
    if n:
        resolved = int(place_report["place_id"].astype(str).ne("").sum())
        share = f"{math.floor(100 * resolved / n)}%"
    else:
        share = "no place names"
    return DataQuality(
        rows_read=rounded(int(totals.get("rows_read", 0))),
        accepted=rounded(int(totals.get("accepted", 0))),
        rejected=rounded(int(totals.get("rejected", 0))),
        merged=rounded(int(totals.get("merged", 0))),
        places_resolved=share,
    )


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
    unit
        What the counts count (``persons``, ``detected victims``): every figure's label should say it.
    source
        Who to credit for the data (a line under the figures), or ``""``.
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
    unit: str = "persons"
    source: str = ""


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def summary_lines(meta: ReportMeta) -> list[str]:
    """The lines under the title shared by report.html, routes.md and the workbook's notes sheet."""
    when = " · ".join(
        p
        for p in (
            meta.period,
            f"data as of {meta.as_of}" if meta.as_of else "",
            f"{meta.organisations} contributing organisation{'s' if meta.organisations != 1 else ''}",
        )
        if p
    )
    lines = [
        when,
        f"{_n(meta.routes_published, 'route')} published with {_n(meta.published_persons, 'person')}; "
        f"routes with fewer than {meta.min_count} persons are not listed and are left out of every other figure.",
        f"In breakdowns, {meta.label} marks a count below {meta.min_count} (possibly none) and x a count hidden as "
        "well, so that no small count can be worked out by subtraction.",
    ]
    if meta.partner_names:
        lines.append("Contributing organisations: " + ", ".join(meta.partner_names) + ".")
    return lines


def _methods(meta: ReportMeta, quality: DataQuality) -> str:
    focus = (
        f" Stops inside {esc(meta.focus_name)}, the focus country, are kept at state level (“Indonesia → Sabah”)."
        if meta.focus_name
        else ""
    )
    k, label = meta.min_count, esc(meta.label)
    small_note = (
        f" <strong>This report publishes counts from {k} persons up, below routemap's default of 5, because the "
        "project chose to (allow_small_counts).</strong>"
        if k < 5
        else ""
    )
    return f"""
<h3>Records and persons</h3>
<p>A <dfn>record</dfn> is one row of a contributing organisation's file: where a journey began, the places it
passed, where the person was exploited (or taken), the year, and what happened. A record may stand for several
persons when the organisation counted them together; every figure here counts <em>persons</em>, not records.</p>
<h3>Routes and levels</h3>
<p>A <dfn>route</dfn> is the ordered list of distinct stops of a record: origin, transit points, destination.
Every stop is generalised to one level — here: {esc(LEVEL_TEXT.get(meta.level, meta.level))} — and repeated
consecutive stops collapse into one.{focus} A <dfn>leg</dfn> is a pair of consecutive stops; the map draws each
leg with the persons of all published routes through it. Place names are matched offline against ISO 3166,
GeoNames and the project's own place list; a record whose places cannot all be recognised is counted in the data
quality figures below but is on no route.</p>
<h3>De-duplication</h3>
<p>Organisations may know the same person. When they share a pseudonymous person key (a keyed hash of an
identifier such as a passport number, made with a key the organisations share; it never holds a name), the person
is counted once, keeping the record with the most route detail.</p>
<h3>Small counts (disclosure control)</h3>
<p>A route with fewer than {k} persons is not listed and not drawn, and it is left out of every other figure:
shares, places, legs and breakdowns are sums over published routes only, and a share is a share of the
{meta.published_persons:,} persons on published routes. In the breakdowns by sector, exploitation, sex, age group
and year every value has its column, and in a route's row every count below {k} — zero included — is shown as
{label}. Because the route's total is published, a row with any {label} cell also hides one more cell, shown as
<strong>x</strong> (unknown if it is not small, else other, else the largest). So nothing published, alone or set
against other figures, shows that any {label} cell holds even one person. A column with no published count is
left out of the table. Percentages of women and children and the top sector are shown only when the published
counts prove them.{small_note}</p>
<h3>Data quality</h3>
<p>Totals over all contributions, each rounded to the nearest {quality.rounding} on its own (so they need not
add up): an exact count of rows, set against the published route counts, could reveal a small count. Figures per
organisation or per file stay in the project's private build record.</p>
<table class="dq">
<tr><th scope="row">Rows read</th><td>{esc(quality.rows_read)}</td></tr>
<tr><th scope="row">Rows accepted</th><td>{esc(quality.accepted)}</td></tr>
<tr><th scope="row">Rows rejected (missing or invalid year, origin, destination or count)</th>
<td>{esc(quality.rejected)}</td></tr>
<tr><th scope="row">Rows merged as the same person known to another organisation</th>
<td>{esc(quality.merged)}</td></tr>
<tr><th scope="row">Distinct place names recognised (rounded down)</th><td>{esc(quality.places_resolved)}</td></tr>
</table>"""


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
iframe{width:100%;height:36rem;border:1px solid #bbb;border-radius:4px}
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
footer{color:#666;font-size:.85rem;margin-top:3rem}
@media print{iframe,nav{display:none}.print-map{display:block}thead th{position:static}}
"""


def render_report(
    tables: Sequence[Table],
    path: Path,
    *,
    meta: ReportMeta,
    quality: DataQuality,
    map_file: str = "map.html",
    static_map: str | None = None,
    downloads: Sequence[str] = (),
) -> None:
    """Write report.html: title, period and as-of date, the map (an iframe), the tables, methods, data quality.

    The page has no script (its Content-Security-Policy forbids any) and loads nothing from outside;
    every string is escaped.

    Parameters
    ----------
    tables
        The tables, in order.
    path
        Output file.
    meta
        What the report says about the build.
    quality
        Rounded data-quality totals.
    map_file
        The interactive map beside the report, shown in an iframe.
    static_map
        The PNG map beside the report, printed instead of the iframe (``None``: none).
    downloads
        Files beside the report to link to (known names only).
    """
    lines = summary_lines(meta)
    contents = [("map", "Map"), *((t.key, t.title) for t in tables), ("methods", "Methods and data quality")]
    nav = "".join(f'<li><a href="#{esc(key)}">{esc(title)}</a></li>' for key, title in contents)
    links = "".join(
        f'<li><a href="{esc(name)}">{esc(name)}</a>: {esc(DOWNLOADS[name])}</li>'
        for name in downloads
        if name in DOWNLOADS
    )
    printed = (
        f'<img class="print-map" src="{esc(static_map)}" alt="Map of the most frequent routes">' if static_map else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="routemap {esc(meta.version)}">
<title>{esc(meta.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<header>
<h1>{esc(meta.title)}</h1>
{"".join(f'<p class="sub">{esc(line)}</p>' for line in lines)}
</header>
<nav aria-label="Contents"><ul>{nav}</ul></nav>
<section id="map">
<h2>Map</h2>
<iframe src="{esc(map_file)}" title="Interactive map of the published routes"></iframe>
{printed}
<p class="note"><a href="{esc(map_file)}">Open the map on its own page</a>.</p>
{f"<h3>Downloads</h3><ul>{links}</ul>" if links else ""}
</section>
{"".join(table_html(t) for t in tables)}
<section id="methods">
<h2>Methods and data quality</h2>
{_methods(meta, quality)}
</section>
<footer>Made with routemap {esc(meta.version)}. Counts are of persons; small counts are suppressed as described
above.</footer>
</main>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")
