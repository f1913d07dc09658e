"""Draw the top published routes as a static PNG map for print briefs (matplotlib, no tiles)."""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patheffects import withStroke
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox
from shapely.geometry import LineString, MultiLineString

from routemap.disclosure import Publication
from routemap.render.words import integer, word

log = logging.getLogger(__name__)

#: A4 is 210 mm wide; the figure is 190 mm (7.5 in) at 200 dpi, so 8 pt text prints at 8 pt.
WIDTH_IN, DPI = 7.5, 200
TOP_ROUTES = 20
LEG_COLOUR = "#c0392b"
ROLE_COLOURS: dict[str, str] = {
    "origin": "#1b9e77",
    "transit": "#7570b3",
    "destination": "#d95f02",
    "several": "#555555",
}
LAND, BORDER, WATER = "#ecebe6", "#a8a8a8", "#ffffff"
MIN_WIDTH, MAX_WIDTH = 0.8, 9.0  # points
MIN_SIZE, MAX_SIZE = 12.0, 380.0  # marker area, points squared
#: How much the shipped outlines are simplified (degrees) for a view wider than about 12 degrees ("l")
#: or a world view ("c"); "i" draws them as shipped (Natural Earth 1:10m at 0.02 degrees).
SIMPLIFY = {"c": 0.2, "l": 0.04, "i": 0.0}


@dataclass(frozen=True, slots=True)
class Outlines:
    """Land polygons (exterior rings) and country border lines in lon/lat."""

    land: list[np.ndarray]
    borders: list[np.ndarray]


@functools.lru_cache(maxsize=4)
def load_outlines(resolution: str = "l") -> Outlines:
    """Coastlines (as land polygons) and country borders from the Natural Earth outlines routemap ships.

    The same outlines as the self-contained map.html (``data/outlines.npz``, public domain): no
    other package, nothing downloaded.

    Parameters
    ----------
    resolution
        ``c`` (crude), ``l`` (low) or ``i`` (intermediate): how much they are simplified (:data:`SIMPLIFY`).
    """
    from routemap.render import basemap

    shapes = basemap.load_outlines()
    tolerance = SIMPLIFY.get(resolution, 0.0)
    rings = shapely.get_exterior_ring(shapes.land)
    borders = shapes.borders
    if tolerance:  # drawn, not measured: a ring that crosses itself by less than a pixel does no harm
        rings = shapely.simplify(rings, tolerance, preserve_topology=False)  # 0.007 s, against 0.07 s
        borders = shapely.simplify(borders, tolerance, preserve_topology=False)
    return Outlines(land=_coordinates(rings, least=4), borders=_coordinates(borders, least=2))


def _coordinates(geometries: np.ndarray, *, least: int) -> list[np.ndarray]:
    """Each geometry's coordinates as an ``(n, 2)`` array (those with fewer than ``least`` points left out)."""
    coords, index = shapely.get_coordinates(geometries, return_index=True)
    cuts = np.flatnonzero(np.diff(index)) + 1
    return [part for part in np.split(coords, cuts) if len(part) >= least]


def _mpl_text(text: str) -> str:
    """Text matplotlib draws as it is (a ``$`` would otherwise start mathematical notation)."""
    return text.replace("$", r"\$")


def _parts(geom: LineString | MultiLineString) -> list[np.ndarray]:
    lines = geom.geoms if isinstance(geom, MultiLineString) else [geom]
    return [np.asarray(line.coords) for line in lines]


def _scale(value: float, vmax: float, lo: float, hi: float) -> float:
    return lo if vmax <= 0 else lo + (hi - lo) * math.sqrt(max(value, 0.0) / vmax)


#: Where a label may go around its circle: (dx, dy, horizontal alignment, vertical alignment).
_LABEL_SLOTS: tuple[tuple[float, float, str, str], ...] = (
    (1, 0.6, "left", "bottom"),
    (1, -0.6, "left", "top"),
    (-1, 0.6, "right", "bottom"),
    (-1, -0.6, "right", "top"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
    (1.2, 0, "left", "center"),
    (-1.2, 0, "right", "center"),
)


def _overlap(a: Bbox, boxes: list[Bbox]) -> float:
    total = 0.0
    for b in boxes:
        w = min(a.x1, b.x1) - max(a.x0, b.x0)
        h = min(a.y1, b.y1) - max(a.y0, b.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def _label_places(fig: Figure, ax: Axes, places: gpd.GeoDataFrame, sizes: list[float]) -> None:
    """Name every place, biggest first, in the first spot around it that hides no circle or label.

    When every spot near a place is taken, the label goes further out with a thin leader line.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    px = fig.dpi / 72.0
    taken: list[Bbox] = []
    for row, size in zip(places.itertuples(index=False), sizes, strict=True):
        x, y = ax.transData.transform((row.geometry.x, row.geometry.y))
        r = math.sqrt(size) / 2 * px
        taken.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    frame = ax.get_window_extent(renderer)
    halo = [withStroke(linewidth=2.2, foreground="white")]
    for row, size in zip(places.itertuples(index=False), sizes, strict=True):
        radius = math.sqrt(size) / 2 + 2  # points
        best: tuple[float, Annotation, Bbox] | None = None
        for reach in (1.0, 2.2, 3.6):
            for dx, dy, ha, va in _LABEL_SLOTS:
                label = ax.annotate(
                    _mpl_text(str(row.name)),
                    (row.geometry.x, row.geometry.y),
                    xytext=(dx * radius * reach, dy * radius * reach),
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    fontsize=7.5,
                    color="#222222",
                    path_effects=halo,
                    zorder=5,
                    arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.5} if reach > 1 else None,
                )
                box = label.get_window_extent(renderer).expanded(1.04, 1.1)
                outside = box.width * box.height - _overlap(box, [frame])
                cost = _overlap(box, taken) + 4 * outside + reach  # prefer near spots when all else is equal
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, label, box)
                else:
                    label.remove()
            if best is not None and best[0] <= reach:
                break
        if best is not None:
            taken.append(best[2])


def render_static_map(
    pub: Publication,
    path: Path,
    *,
    title: str,
    subtitle: str = "",
    note: str = "",
    top: int = TOP_ROUTES,
    outlines: bool = True,
    lang: str = "en",
    unit: str = "persons",
) -> dict[str, int]:
    """Write a PNG of the ``top`` most frequent published routes, legible at A4 width.

    Legs carry the persons of the drawn routes through them (line width on a square-root scale),
    places are circles sized by persons and coloured by role, and every place is named.

    Parameters
    ----------
    pub
        The publication: only published routes are drawn.
    path
        Output PNG.
    title, subtitle, note
        Text above and below the map.
    top
        How many routes to draw (routes tied with the last one are drawn too).
    outlines
        Draw coastlines and borders (Natural Earth, shipped with routemap).

    Returns
    -------
    dict
        Counts drawn: routes, legs, places, and outline parts (0 without outlines).
    """
    routes = pub.published_routes()
    if len(routes) > top:
        # routes tied with the last one are drawn too, so the choice never depends on their names
        routes = routes.loc[routes["persons"] >= int(routes["persons"].iloc[top - 1])]
    legs = pub.legs(routes=routes["route"].tolist())
    places = pub.places(routes=routes["route"].tolist())

    fig = Figure(figsize=(WIDTH_IN, WIDTH_IN * 0.8), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.13, 0.96, 0.74))
    ax.set_facecolor(WATER)
    x0, x1, y0, y1 = _set_view(ax, legs, places)
    drawn_outlines = 0
    shapes = load_outlines(("c" if (x1 - x0) > 90 else "l") if (x1 - x0) > 12 else "i") if outlines else None
    if shapes is not None:
        drawn_outlines = _draw_outlines(ax, shapes, (x0, x1, y0, y1))
    vmax, sizes = _draw_routes(ax, legs, places)
    _label_places(fig, ax, places, sizes)

    heading, sub = _add_heading(fig, title, subtitle)
    _add_legend(ax, places, vmax=vmax, min_count=pub.min_count, lang=lang, unit=unit)
    n = integer(len(routes), lang)
    shown = (
        word("static_top_routes", lang, n=n)
        if len(routes) < len(pub.published_routes())
        else word("static_all_routes", lang, n=n)
    )
    foot = " ".join(part for part in (shown, note) if part)
    credit = word("static_outlines" if shapes is not None else "static_no_outlines", lang)
    fig.text(0.02, 0.105, _mpl_text(foot), fontsize=7.5, color="#333333", va="top", wrap=True)
    fig.text(0.02, 0.03, _mpl_text(credit), fontsize=6.5, color="#666666", va="bottom")
    boxes = _fit_map(fig, ax, heading, sub)
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    return {
        "routes": len(routes),
        "legs": len(legs),
        "places": len(places),
        "outlines": drawn_outlines,
        # pixel rows (from the bottom) of the text blocks, for checks that nothing overlaps
        **{f"{name}_bottom": round(box.y0) for name, box in boxes.items()},
        **{f"{name}_top": round(box.y1) for name, box in boxes.items()},
    }


def _set_view(ax: Axes, legs: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """Frame the drawn legs and places, padded and widened to the axes' shape, on an equal-area aspect.

    Parameters
    ----------
    ax
        The map's axes (limits, aspect, ticks and spines are set on it).
    legs, places
        What is drawn (a default view of South and East Asia when nothing is).

    Returns
    -------
    tuple of float
        The view's west, east, south and north edges.
    """
    if len(legs) or len(places):
        minx, miny, maxx, maxy = (
            np.array(
                [
                    *([legs.total_bounds] if len(legs) else []),
                    *([places.total_bounds] if len(places) else []),
                ]
            )
            .reshape(-1, 4)
            .T
        )
        x0, y0, x1, y1 = float(minx.min()), float(miny.min()), float(maxx.max()), float(maxy.max())
    else:
        x0, y0, x1, y1 = 60.0, -15.0, 140.0, 35.0
    pad = max(x1 - x0, y1 - y0, 4.0) * 0.08
    x0, x1, y0, y1 = x0 - pad, x1 + pad, max(y0 - pad, -85.0), min(y1 + pad, 85.0)
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    # widen the view to the axes' shape so the outlines fill the frame
    box_w, box_h = 0.96 * WIDTH_IN, 0.74 * WIDTH_IN * 0.8
    want = box_w / box_h  # width / height on paper
    span_x, span_y = x1 - x0, (y1 - y0) * aspect
    if span_x / span_y < want:
        extra = (span_y * want - span_x) / 2
        x0, x1 = x0 - extra, x1 + extra
    else:
        extra = (span_x / want - span_y) / aspect / 2
        y0, y1 = max(y0 - extra, -85.0), min(y1 + extra, 85.0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#888888")
    return x0, x1, y0, y1


def _draw_outlines(ax: Axes, shapes: Outlines, view: tuple[float, float, float, float]) -> int:
    """Draw the land and borders that reach into the view.

    Parameters
    ----------
    ax
        The map's axes.
    shapes
        Coastlines (as land polygons) and borders.
    view
        West, east, south and north edges of the view.

    Returns
    -------
    int
        How many outline parts were drawn.
    """
    x0, x1, y0, y1 = view
    land = [p for p in shapes.land if p[:, 0].max() >= x0 and p[:, 0].min() <= x1 and p[:, 1].max() >= y0]
    land = [p for p in land if p[:, 1].min() <= y1]
    borders = [p for p in shapes.borders if p[:, 0].max() >= x0 and p[:, 0].min() <= x1]
    borders = [p for p in borders if p[:, 1].max() >= y0 and p[:, 1].min() <= y1]
    ax.add_collection(PolyCollection(land, facecolors=LAND, edgecolors=BORDER, linewidths=0.3, zorder=1))
    ax.add_collection(LineCollection(borders, colors=BORDER, linewidths=0.4, zorder=2))
    return len(land) + len(borders)


def _draw_routes(ax: Axes, legs: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> tuple[float, list[float]]:
    """Draw the legs (width by persons, thick on top) and the places (size by persons, colour by role).

    Parameters
    ----------
    ax
        The map's axes.
    legs, places
        The legs and places of the drawn routes.

    Returns
    -------
    tuple
        Persons on the biggest leg (0 without legs), and each place's marker size.
    """
    vmax = float(legs["persons"].max()) if len(legs) else 0.0
    order = legs.sort_values("persons", kind="stable")  # thick lines on top
    for row in order.itertuples(index=False):
        width = _scale(float(row.persons), vmax, MIN_WIDTH, MAX_WIDTH)
        for part in _parts(row.geometry):
            ax.plot(
                part[:, 0], part[:, 1], color=LEG_COLOUR, linewidth=width, alpha=0.75, solid_capstyle="round", zorder=3
            )
    pmax = float(places["persons"].max()) if len(places) else 0.0
    sizes = [_scale(float(p), pmax, MIN_SIZE, MAX_SIZE) for p in places["persons"]]
    for row, size in zip(places.itertuples(index=False), sizes, strict=True):
        colour = ROLE_COLOURS.get(str(row.role), ROLE_COLOURS["several"])
        ax.scatter([row.geometry.x], [row.geometry.y], s=size, c=colour, edgecolors="white", linewidths=0.6, zorder=4)
    return vmax, sizes


def _add_legend(
    ax: Axes, places: gpd.GeoDataFrame, *, vmax: float, min_count: int, lang: str = "en", unit: str = "persons"
) -> None:
    """Add the legend: example leg widths (none below the threshold) and the roles of the drawn places.

    Parameters
    ----------
    ax
        The map's axes.
    places
        The drawn places.
    vmax
        Persons on the biggest drawn leg (0: no widths shown).
    min_count
        The publication's threshold.
    lang, unit
        The outputs' language and what the counts count.
    """
    handles = []
    if vmax > 0:
        # example widths, none below the threshold (a legend value is not a count, but must not look like one)
        samples = {int(vmax), round(vmax / 4), round(vmax / 16)}
        for value in sorted((v for v in samples if v >= min_count), reverse=True):
            width = _scale(value, vmax, MIN_WIDTH, MAX_WIDTH)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=LEG_COLOUR,
                    linewidth=width,
                    alpha=0.75,
                    label=word("static_leg_value", lang, n=integer(value, lang), unit=unit),
                )
            )
    for role, colour in ROLE_COLOURS.items():
        if len(places) and (places["role"] == role).any():
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markersize=7,
                    markerfacecolor=colour,
                    markeredgecolor="white",
                    label=word(f"static_role_{role}", lang),
                )
            )
    if handles:
        ax.legend(
            handles=handles,
            loc="lower left",
            fontsize=7,
            framealpha=0.9,
            title=_first_upper(word("static_legend_title", lang, unit=unit)),
            title_fontsize=7,
        )


def _add_heading(fig: Figure, title: str, subtitle: str) -> tuple[Text, Text | None]:
    """Write the title and, below it, the subtitle (pushed down when the title wraps to two lines).

    Parameters
    ----------
    fig
        The figure.
    title, subtitle
        The text (no subtitle when empty).

    Returns
    -------
    tuple
        The title's and the subtitle's text artists (``None`` without a subtitle).
    """
    heading = fig.text(0.02, 0.965, _mpl_text(title), fontsize=12, fontweight="bold", va="top", wrap=True)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    # a title that wraps to two lines pushes the subtitle down instead of covering it
    title_bottom = heading.get_window_extent(renderer).y0 / fig.bbox.height
    sub_top = min(0.915, title_bottom - 0.012)
    sub = None
    if subtitle:
        sub = fig.text(0.02, sub_top, _mpl_text(subtitle), fontsize=8.5, color="#333333", va="top")
    return heading, sub


def _fit_map(fig: Figure, ax: Axes, heading: Text, sub: Text | None) -> dict[str, Bbox]:
    """Shrink the map below the text above it when they would overlap, and measure the blocks.

    Parameters
    ----------
    fig
        The figure.
    ax
        The map's axes.
    heading, sub
        The title and the subtitle (``None``: none).

    Returns
    -------
    dict
        Window extents (pixels) of the title, the axes and the subtitle, by name.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    lowest = (sub if sub is not None else heading).get_window_extent(renderer).y0 / fig.bbox.height
    if lowest - 0.01 < 0.87:  # the text runs into the map: the map gives way
        ax.set_position((0.02, 0.13, 0.96, lowest - 0.01 - 0.13))
    boxes = {"title": heading.get_window_extent(renderer), "axes": ax.get_window_extent(renderer)}
    if sub is not None:
        boxes["subtitle"] = sub.get_window_extent(renderer)
    return boxes


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
