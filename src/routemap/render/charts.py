"""Charts of the report as server-side SVG (no script), and the flow diagram as SVG and PNG, from published figures.

Every number a chart draws comes from :class:`routemap.disclosure.Publication`'s published views: places
summed over published routes, published breakdown cells (``pub.cells``). A suppressed cell is never a bar,
a point or a zero: a line breaks where its count is not published. Each mark carries its figure as
``data-value`` so tests (and readers of the SVG) can check what is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from routemap._safe import esc
from routemap.disclosure import Publication
from routemap.render.words import decimal, integer, word

FONT = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif"'
BAR_COLOUR = "#2f6f8f"
ROLE_COLOURS = {"origin": "#1b9e77", "transit": "#7570b3", "destination": "#d95f02", "other": "#9a9a9a"}
#: Line colours of the per-year chart (ColorBrewer Dark2).
SERIES_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
TOP_BARS = 10
TOP_SERIES = 5
SANKEY_TOP = 12


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, the figure it draws and the text written beside it."""

    label: str
    value: float
    text: str


def _figure(svg: str, *, title: str, caption: str, key: str) -> str:
    return (
        f'<figure class="chart" id="{esc(key)}"><figcaption><strong>{esc(title)}</strong>'
        f"<br><span>{esc(caption)}</span></figcaption>{svg}</figure>"
    )


def bar_chart(bars: Sequence[Bar], *, title: str, caption: str, key: str, colour: str = BAR_COLOUR) -> str:
    """A horizontal bar chart as an HTML ``<figure>`` holding an inline SVG (labels and values escaped)."""
    if not bars:
        return ""
    width, label_w, row, top = 640, 190, 22, 6
    plot = width - label_w - 90
    vmax = max(b.value for b in bars) or 1
    height = top + row * len(bars) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{esc(title)}" {FONT} font-size="12">'
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        w = max(1.0, plot * bar.value / vmax)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" fill="#222">{esc(_cut(bar.label, 30))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{colour}" '
            f'data-value="{bar.value:g}"><title>{esc(bar.label)}: {esc(bar.text)}</title></rect>'
            f'<text x="{label_w + w + 5:.1f}" y="{y + 14}" fill="#333">{esc(bar.text)}</text>'
        )
    parts.append("</svg>")
    return _figure("".join(parts), title=title, caption=caption, key=key)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def line_chart(
    series: Sequence[tuple[str, Sequence[int | None]]],
    labels: Sequence[str],
    *,
    title: str,
    caption: str,
    key: str,
    lang: str,
) -> str:
    """Lines over years; ``None`` is a gap (a count that is not published), never a zero."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not series or not values or len(labels) < 2:
        return ""
    width, height, left, right, top, bottom = 640, 240, 48, 16, 10, 26
    pw, ph = width - left - right, height - top - bottom
    vmax = _nice_max(max(values))

    def x(i: int) -> float:
        return left + pw * i / (len(labels) - 1)

    def y(v: float) -> float:
        return top + ph * (1 - v / vmax)

    legend_h = 18 * len(series) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + legend_h}" width="100%" role="img" '
        f'aria-label="{esc(title)}" {FONT} font-size="11">'
    ]
    for f in (0, 0.5, 1):
        gy = y(vmax * f)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="#555">{esc(integer(vmax * f, lang))}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" fill="#555">{esc(label)}</text>')
    for k, (name, vs) in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        runs: list[list[tuple[int, int]]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((i, v))
        for run in runs:
            if len(run) > 1:
                d = " ".join(f"{'M' if j == 0 else 'L'}{x(i):.1f} {y(v):.1f}" for j, (i, v) in enumerate(run))
                parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(vs):
            if v is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}" data-value="{v}">'
                    f"<title>{esc(name)}, {esc(labels[i])}: {esc(integer(v, lang))}</title></circle>"
                )
        ly = height + 14 + 18 * k
        parts.append(
            f'<rect x="{left}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{left + 20}" y="{ly - 4}" fill="#222">{esc(_cut(name, 80))}</text>'
        )
    parts.append("</svg>")
    return _figure("".join(parts), title=title, caption=caption, key=key)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------------------------------- figures
def place_bars(pub: Publication, column: str, *, lang: str, top: int = TOP_BARS) -> list[Bar]:
    """The places with most persons starting (``persons_start``) or ending (``persons_end``) there."""
    places = pub.places()
    places = places.loc[places[column] > 0].sort_values([column, "name"], ascending=[False, True], kind="stable")
    return [Bar(str(n), int(v), integer(int(v), lang)) for n, v in zip(places["name"], places[column], strict=True)][
        :top
    ]


def state_bars(rows: Sequence[tuple[object, ...]], *, lang: str, top: int = TOP_BARS) -> list[Bar]:
    """Bars from the rows of the destinations-by-state table (rank, state, persons, share)."""
    return [Bar(str(r[1]), int(r[2]), integer(int(r[2]), lang)) for r in rows[:top]]  # type: ignore[call-overload]


def share_bars(pub: Publication, dimension: str, *, lang: str, label: Callable[[str], str]) -> tuple[list[Bar], int]:
    """Shares of the known values of a dimension, over published cells only, and their total.

    ``unknown`` is left out; a value whose every cell is suppressed does not appear.
    """
    try:
        cells = pub.cells(dimension)
    except KeyError:  # a publication made without this breakdown
        return [], 0
    cells = cells.loc[cells["value"] != "unknown"]
    sums = cells.groupby("value", sort=True)["persons"].sum()
    total = int(sums.sum())
    if total == 0:
        return [], 0
    ordered = sorted(sums.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    bars = [
        Bar(label(str(v)), int(n), f"{decimal(100.0 * int(n) / total, lang)}% ({integer(int(n), lang)})")
        for v, n in ordered
    ]
    return bars, total


def year_series(pub: Publication, *, top: int = TOP_SERIES) -> tuple[list[str], list[tuple[str, list[int | None]]]]:
    """Persons per year of the biggest published routes: published cells, ``None`` where a cell is hidden.

    A year with no cell for a route is 0 (no person that year); a year whose cell is suppressed or
    hidden is ``None``.
    """
    try:
        long = pub.breakdown("year")
    except KeyError:
        return [], []
    span = pub.years  # from the first to the last year with a published count: the data's span is not published
    years = [str(y) for y in range(span[0], span[1] + 1)] if span else []
    routes = pub.published_routes().head(top)
    published = {(str(r), str(v)): int(p) for r, v, p in pub.cells("year").itertuples(index=False)}
    hidden = {
        (str(r), str(v)) for r, v, s in long[["route", "value", "status"]].itertuples(index=False) if s != "published"
    }
    series = []
    for key, label in zip(routes["route"], routes["label"], strict=True):
        present = set(long.loc[long["route"] == key, "value"].astype(str))
        if not present:
            continue  # the route's year breakdown is withheld
        values: list[int | None] = []
        for year in years:
            if (str(key), year) in hidden:
                values.append(None)
            else:
                values.append(published.get((str(key), year), 0))
        series.append((str(label), values))
    return years, series


# ---------------------------------------------------------------------------------------------- sankey
@dataclass(slots=True)
class _Node:
    name: str
    column: int
    role: str
    value: int = 0
    y: float = 0.0
    h: float = 0.0
    out_at: float = 0.0
    in_at: float = 0.0


@dataclass(slots=True)
class _Link:
    source: int
    target: int
    value: int
    label: str
    path: list[tuple[str, list[float]]] = field(default_factory=list)


@dataclass(slots=True)
class Sankey:
    """A laid-out flow diagram: nodes in three columns (origin, transit, destination) and bands between them."""

    nodes: list[_Node]
    links: list[_Link]
    width: float
    height: float
    shown: int
    rest: int
    rest_persons: int


SANKEY_W, SANKEY_H, COLUMN_X, NODE_W, GAP = 760.0, 430.0, (170.0, 375.0, 580.0), 12.0, 8.0


def sankey_layout(pub: Publication, *, lang: str, top: int = SANKEY_TOP) -> Sankey | None:
    """Lay out the ``top`` biggest published routes (ties kept) and the rest as one "other routes" band."""
    routes = pub.published_routes()
    if routes.empty:
        return None
    if len(routes) > top:
        cut = int(routes["persons"].iloc[top - 1])
        head, tail = routes.loc[routes["persons"] >= cut], routes.loc[routes["persons"] < cut]
    else:
        head, tail = routes, routes.iloc[:0]
    stops = pub.stops
    names = {pid: str(getattr(place, "name", pid)) for pid, place in pub.places_by_id.items()}
    nodes: list[_Node] = []
    index: dict[tuple[int, str], int] = {}

    def node(column: int, name: str, role: str) -> int:
        key = (column, name)
        if key not in index:
            index[key] = len(nodes)
            nodes.append(_Node(name, column, role))
        return index[key]

    flows: dict[tuple[int, int], int] = {}
    for key, persons in zip(head["route"], head["persons"], strict=True):
        s = stops[key]
        a = node(0, names[s[0]], "origin")
        b = node(2, names[s[-1]], "destination")
        if len(s) > 2:
            t = node(1, " > ".join(names[x] for x in s[1:-1]), "transit")
            flows[(a, t)] = flows.get((a, t), 0) + int(persons)
            flows[(t, b)] = flows.get((t, b), 0) + int(persons)
        else:
            flows[(a, b)] = flows.get((a, b), 0) + int(persons)
    rest_persons = int(tail["persons"].sum())
    if len(tail):
        other = word("report_other_routes", lang)
        a, b = node(0, other, "other"), node(2, other, "other")
        flows[(a, b)] = rest_persons
    links = [_Link(a, b, v, "") for (a, b), v in flows.items()]
    for link in links:
        nodes[link.source].value += 0 if nodes[link.source].column == 1 else link.value
        nodes[link.target].value += link.value
    totals = [sum(n.value for n in nodes if n.column == c) for c in range(3)]
    counts = [sum(1 for n in nodes if n.column == c) for c in range(3)]
    scale = min((SANKEY_H - GAP * max(counts[c] - 1, 0)) / totals[c] for c in range(3) if totals[c])
    for c in range(3):
        members = sorted(
            (i for i, n in enumerate(nodes) if n.column == c),
            key=lambda i: (nodes[i].role == "other", -nodes[i].value, nodes[i].name),
        )
        y = 0.0
        for i in members:
            nodes[i].y, nodes[i].h = y, nodes[i].value * scale
            nodes[i].out_at = nodes[i].in_at = y
            y += nodes[i].h + GAP
    height = max(max((n.y + n.h for n in nodes), default=0.0), 40.0)
    for link in sorted(links, key=lambda lk: (nodes[lk.source].y, nodes[lk.target].y)):
        src, dst = nodes[link.source], nodes[link.target]
        w = link.value * scale
        x0 = COLUMN_X[src.column] + NODE_W
        y0 = src.out_at
        src.out_at += w
        link.path = [("y0", [x0, y0, w])]
        link.label = f"{src.name} → {dst.name}"
    for dst_index in range(len(nodes)):
        incoming = sorted((lk for lk in links if lk.target == dst_index), key=lambda lk: nodes[lk.source].y)
        for link in incoming:
            w = link.value * scale
            link.path.append(("y1", [COLUMN_X[nodes[dst_index].column], nodes[dst_index].in_at, w]))
            nodes[dst_index].in_at += w
    return Sankey(nodes, links, SANKEY_W, height, len(head), len(tail), rest_persons)


def _band(link: _Link) -> tuple[float, float, float, float, float]:
    (_, (x0, y0, w)), (_, (x1, y1, _w)) = link.path
    return x0, y0, x1, y1, w


def sankey_svg(layout: Sankey, *, lang: str, title: str, standalone: bool = False) -> str:
    """The flow diagram as SVG: bands coloured by origin role, nodes with names and figures (escaped)."""
    pad = 8
    width, height = layout.width, layout.height + 2 * pad
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if standalone else ""
    parts = [
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:.1f}" width="100%" role="img" '
        f'aria-label="{esc(title)}" {FONT} font-size="11"><title>{esc(title)}</title><g transform="translate(0 {pad})">'
    ]
    for link in layout.links:
        x0, y0, x1, y1, w = _band(link)
        xm = (x0 + x1) / 2
        colour = ROLE_COLOURS.get(layout.nodes[link.source].role, ROLE_COLOURS["other"])
        d = (
            f"M{x0:.1f} {y0:.1f}C{xm:.1f} {y0:.1f} {xm:.1f} {y1:.1f} {x1:.1f} {y1:.1f}"
            f"L{x1:.1f} {y1 + w:.1f}C{xm:.1f} {y1 + w:.1f} {xm:.1f} {y0 + w:.1f} {x0:.1f} {y0 + w:.1f}Z"
        )
        parts.append(
            f'<path d="{d}" fill="{colour}" fill-opacity="0.35" data-value="{link.value}">'
            f"<title>{esc(link.label)}: {esc(integer(link.value, lang))}</title></path>"
        )
    for n in layout.nodes:
        x = COLUMN_X[n.column]
        colour = ROLE_COLOURS.get(n.role, ROLE_COLOURS["other"])
        parts.append(
            f'<rect x="{x:g}" y="{n.y:.1f}" width="{NODE_W:g}" height="{max(n.h, 1):.1f}" fill="{colour}" '
            f'data-value="{n.value}"/>'
        )
        text = f"{_cut(n.name, 26)} {integer(n.value, lang)}"
        if n.column == 0:
            parts.append(
                f'<text x="{x - 5:g}" y="{n.y + n.h / 2 + 4:.1f}" text-anchor="end" fill="#222">{esc(text)}</text>'
            )
        else:
            parts.append(f'<text x="{x + NODE_W + 5:g}" y="{n.y + n.h / 2 + 4:.1f}" fill="#222">{esc(text)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def sankey_png(layout: Sankey, path: Path, *, lang: str, title: str) -> None:
    """The same flow diagram as a PNG (matplotlib, 200 dpi), for print and slides."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # only when a PNG is written
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    pad = 8
    width, height = layout.width, layout.height + 2 * pad + 30
    fig = Figure(figsize=(width / 100, height / 100), dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    ax.text(8, 18, title, fontsize=9, fontweight="bold", va="center")
    off = 30 + pad
    for link in layout.links:
        x0, y0, x1, y1, w = _band(link)
        y0, y1 = y0 + off, y1 + off
        xm = (x0 + x1) / 2
        verts = [
            (x0, y0),
            (xm, y0),
            (xm, y1),
            (x1, y1),
            (x1, y1 + w),
            (xm, y1 + w),
            (xm, y0 + w),
            (x0, y0 + w),
            (x0, y0),
        ]
        codes = [MplPath.MOVETO, *[MplPath.CURVE4] * 3, MplPath.LINETO, *[MplPath.CURVE4] * 3, MplPath.CLOSEPOLY]
        colour = ROLE_COLOURS.get(layout.nodes[link.source].role, ROLE_COLOURS["other"])
        ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour, alpha=0.35, edgecolor="none"))
    for n in layout.nodes:
        x = COLUMN_X[n.column]
        colour = ROLE_COLOURS.get(n.role, ROLE_COLOURS["other"])
        ax.add_patch(Rectangle((x, n.y + off), NODE_W, max(n.h, 1), facecolor=colour, edgecolor="none"))
        text = f"{_cut(n.name, 26)} {integer(n.value, lang)}".replace("$", r"\$")
        if n.column == 0:
            ax.text(x - 5, n.y + off + n.h / 2, text, fontsize=6.5, ha="right", va="center")
        else:
            ax.text(x + NODE_W + 5, n.y + off + n.h / 2, text, fontsize=6.5, ha="left", va="center")
    fig.savefig(path, format="png", dpi=200, metadata={"Software": None})
