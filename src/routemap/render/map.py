"""Render the interactive map: curved flows and places from published figures, drawn on one canvas layer."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import xyzservices
from branca.element import Element, MacroElement
from folium.template import Template

from routemap._errors import ConfigError
from routemap._safe import esc, script_json
from routemap.disclosure import Publication

LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")

#: Place roles in the order the page refers to them by index, with their colours (ColorBrewer Dark2).
ROLES: tuple[tuple[str, str], ...] = (
    ("origin", "#1b9e77"),
    ("transit", "#7570b3"),
    ("destination", "#d95f02"),
    ("several", "#555555"),
)
ROLE_COLOURS: dict[str, str] = dict(ROLES)
ROLE_TEXT: dict[str, str] = {
    "origin": "journeys start here",
    "transit": "journeys pass through",
    "destination": "journeys end here",
    "several": "more than one of these",
}
LEG_COLOUR = "#c0392b"
LEG_OPACITY = 0.7
#: Leg widths: at most this many classes on a 1-2.5-5 series, class i drawn ``1.5 + 2.5 * i`` pixels wide.
MAX_CLASSES = 5
MIN_RADIUS, MAX_RADIUS = 3.0, 20.0
#: Routes listed in a tooltip (the biggest first).
TOP_ROUTES = 3
DIMENSION_LABELS: dict[str, str] = {"sector": "Sector", "year": "Year", "exploitation": "Exploitation", "sex": "Sex"}
FOCUS_LEVELS: frozenset[str] = frozenset({"admin1", "place"})
_JS = (Path(__file__).resolve().parent / "flowmap.js").read_text(encoding="utf-8")

_CSS = """<style>
.routemap-panel{background:rgba(255,255,255,.93);padding:6px 10px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:min(22rem,62vw);color:#222;
 font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.routemap-panel h1{font-size:16px;margin:0 0 2px}
.routemap-panel p{margin:3px 0;color:#333}
.routemap-legend summary{cursor:pointer;font-weight:600}
.routemap-legend .rm-h{font-weight:600;margin-top:6px}
.routemap-legend .rm-row{display:flex;align-items:center;gap:6px;margin:2px 0}
.routemap-legend svg{flex:none}
.leaflet-tooltip.routemap-tip{white-space:normal;width:max-content;max-width:min(24rem,80vw)}
.leaflet-tooltip.routemap-label{background:none;border:0;box-shadow:none;padding:0 0 0 2px;color:#333;
 font:600 11px system-ui,sans-serif;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.leaflet-tooltip.routemap-label:before{display:none}
.leaflet-control-layers label span.rm-n{color:#666}
@media (max-width:480px){.routemap-panel{font-size:12px;max-width:70vw}.routemap-panel h1{font-size:14px}
 .leaflet-control-scale{display:none}.leaflet-control-attribution{font-size:10px}}
</style>"""


@dataclass(frozen=True, slots=True)
class MapText:
    """Text around the map; every field is escaped when rendered."""

    title: str
    subtitle: str
    note: str
    attribution: str = "Data: contributing organisations (pooled, aggregated, small counts suppressed)"


def tile_layer(tiles: str, *, api_key: str | None = None) -> folium.TileLayer | None:
    """A tile layer for a provider name or URL template, without any lookup over the network.

    Raises
    ------
    ConfigError
        When the name is not a known provider and not an http(s) URL template.
    """
    name = tiles.strip()
    if name.lower() == "none":
        return None
    if "{z}" in name and "{x}" in name and "{y}" in name:
        if not name.lower().startswith(("https://", "http://", "//")):
            raise ConfigError(
                f"tiles {tiles!r} is not an http(s) URL template; write it as https://host/{{z}}/{{x}}/{{y}}.png"
            )
        host = name.split("/")[2] if "//" in name else "tile server"
        return folium.TileLayer(tiles=name, attr=esc(host), name="basemap", control=False)
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise ConfigError(
            f"tiles {tiles!r} is not a known tile provider; use a name such as 'CartoDB positron' or "
            "'OpenStreetMap Mapnik', a URL template with {z}/{x}/{y}, or 'none'"
        ) from None
    with warnings.catch_warnings():
        # xyzservices warns that CARTO now wants a key; without one the URL carries no key parameter
        # and the setting `tiles_api_key` in routemap.toml adds it
        warnings.simplefilter("ignore", UserWarning)
        if api_key:
            provider = provider.copy()
            provider["apikey"] = api_key
        url = provider.build_url(fill_subdomain=False, scale_factor="{r}")
    url = url.replace("?key=<insert your API key here>", "").replace("<insert your API key here>", "")
    return folium.TileLayer(
        tiles=url,
        attr=provider.get("html_attribution", provider.get("attribution", "")),
        name="basemap",
        control=False,
        max_zoom=int(provider.get("max_zoom", 19)),
        subdomains=provider.get("subdomains", "abc"),
    )


# ---------------------------------------------------------------------------------------------- scales
def _nice_series(limit: int) -> list[int]:
    """1, 5, 10, 25, 50, 100, 250, … up to ``limit`` (whole numbers of the 1-2.5-5 series)."""
    out: list[int] = []
    power = 1
    while power <= limit:
        for mantissa in (1.0, 2.5, 5.0):
            value = mantissa * power
            if value.is_integer() and value <= limit:
                out.append(int(value))
        power *= 10
    return out


def width_breaks(vmax: int, *, min_count: int) -> list[int]:
    """Lower bounds of the leg-width classes: ``min_count`` then round numbers up to ``vmax``.

    At most :data:`MAX_CLASSES` classes, spread evenly over the 1-2.5-5 series so each class spans
    roughly the same ratio; every published leg has at least ``min_count`` persons.

    Parameters
    ----------
    vmax
        Persons on the biggest leg.
    min_count
        Smallest published count (the lower bound of the first class).
    """
    candidates = [min_count, *(v for v in _nice_series(vmax) if v > min_count)]
    if len(candidates) <= MAX_CLASSES:
        return candidates
    last = len(candidates) - 1
    picked = sorted({round(i * last / (MAX_CLASSES - 1)) for i in range(MAX_CLASSES)})
    return [candidates[i] for i in picked]


def class_widths(n: int) -> list[float]:
    """Line widths in pixels of ``n`` classes: 1.5, 4, 6.5, 9, 11.5."""
    return [1.5 + 2.5 * i for i in range(n)]


def width_of(persons: int, breaks: Sequence[int]) -> float:
    """The width a leg of ``persons`` is drawn with (the same rule as the page's script)."""
    index = max(i for i, low in enumerate(breaks) if persons >= low or i == 0)
    return class_widths(len(breaks))[index]


def place_radius(persons: float, vmax: float) -> float:
    """Circle radius in pixels: area proportional to persons, at least :data:`MIN_RADIUS`."""
    return max(MIN_RADIUS, MAX_RADIUS * math.sqrt(persons / vmax)) if vmax > 0 else MIN_RADIUS


def _nice_floor(value: float) -> int:
    """The largest number of the 1-2.5-5 series not above ``value`` (at least 1)."""
    series = _nice_series(max(1, int(value)))
    return series[-1] if series else 1


# ---------------------------------------------------------------------------------------------- geometry
def _norm(lon: float) -> float:
    return ((lon + 180.0) % 360.0) - 180.0


def _crosses(a: float, b: float, west: float) -> bool:
    """Whether the short way in longitude from ``a`` to ``b`` passes the meridian ``west``."""
    delta = ((b - a + 180.0) % 360.0) - 180.0
    if delta >= 0:
        return 0.0 < (west - a) % 360.0 < delta
    return 0.0 < (a - west) % 360.0 < -delta


def seam_longitude(lons: Sequence[float], legs: Sequence[tuple[float, float]]) -> float:
    """The western edge of the longitude window the map is drawn in.

    Leaflet draws a line whose longitudes run past ±180 into the next copy of the world, away from
    its end point's circle. The edge is the antimeridian unless legs cross it and the middle of a
    wide gap between places is crossed by fewer legs (routes over the Pacific).

    Parameters
    ----------
    lons
        Longitudes of the places.
    legs
        ``(from_lon, to_lon)`` of every leg.
    """
    xs = sorted({_norm(x) for x in lons})
    if not xs:
        return -180.0
    gaps = [((xs[i + 1] if i + 1 < len(xs) else xs[0] + 360.0) - x, x) for i, x in enumerate(xs)]
    gaps.sort(key=lambda g: (-g[0], g[1]))
    candidates = [-180.0] + [_norm(x + width / 2) for width, x in gaps[:8]]

    def crossings(west: float) -> int:
        return sum(_crosses(a, b, west) for a, b in legs)

    return min(candidates, key=lambda w: (crossings(w), candidates.index(w)))


def wrap_longitude(lon: float, west: float) -> float:
    """``lon`` moved by whole turns into ``[west, west + 360)``."""
    return west + (lon - west) % 360.0


# ---------------------------------------------------------------------------------------------- data
def humanise(value: str) -> str:
    """A vocabulary value as text: ``domestic_work`` -> ``Domestic work``."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _value_order(value: str) -> tuple[bool, bool, str]:
    return value in ("other", "unknown"), value == "unknown", value


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass(slots=True)
class _Context:
    """Published inputs shared by every layer of one map."""

    pub: Publication
    stops: dict[str, tuple[str, ...]]
    order: dict[str, int]
    index: dict[str, int]
    names: dict[str, str]
    details: dict[str, dict[str, Any]]
    routes: list[list[Any]]
    refs: dict[str, int]

    def ref(self, route: str) -> int:
        """Index of a route in the page's route table, adding it when first referred to."""
        if route not in self.refs:
            self.refs[route] = len(self.routes)
            sector = self.details["top_sector"][route]
            label = " \u2192 ".join(self.names[s] for s in self.stops[route])
            self.routes.append(
                [
                    label,
                    esc(humanise(sector).lower()) if sector else "",
                    self.details["pct_women"][route],
                    self.details["pct_children"][route],
                ]
            )
        return self.refs[route]

    def through(self, routes: pd.DataFrame) -> tuple[dict[tuple[str, str], list[tuple[str, int]]], dict[str, Any]]:
        """Routes (with their persons in this layer) on each leg and at each place, biggest first."""
        on_leg: dict[tuple[str, str], dict[str, int]] = {}
        at_place: dict[str, dict[str, int]] = {}
        for route, persons in zip(routes["route"], routes["persons"], strict=True):
            stops = self.stops[route]
            for pair in itertools.pairwise(stops):
                on_leg.setdefault(pair, {})[route] = int(persons)
            for pid in stops:
                at_place.setdefault(pid, {})[route] = int(persons)

        def ordered(found: dict[str, int]) -> list[tuple[str, int]]:
            return sorted(found.items(), key=lambda kv: (-kv[1], self.order[kv[0]]))

        return {k: ordered(v) for k, v in on_leg.items()}, {k: ordered(v) for k, v in at_place.items()}


def _pooled_share(
    routes: list[str], cells: dict[str, dict[str, int]], numerator: tuple[str, ...], known: tuple[str, ...]
) -> float | None:
    """Share (whole per cent) over several routes, only when every cell it adds up is published."""
    if any(v not in cells.get(r, {}) for r in routes for v in known):
        return None
    denominator = sum(cells[r][v] for r in routes for v in known)
    if denominator == 0:
        return None
    count = sum(cells[r][v] for r in routes for v in numerator)
    return float(math.floor(100.0 * count / denominator + 0.5))


def _leg_details(
    routes: list[str],
    details: dict[str, dict[str, Any]],
    sex: dict[str, dict[str, int]],
    age: dict[str, dict[str, int]],
) -> list[Any] | None:
    """Top sector and shares of women and children of a leg, only where every route on it publishes them.

    A sector that is the (strict, safe) top sector of every route on the leg is the leg's top sector
    too; the shares pool published cells of routes whose share is itself published, so nothing here
    depends on a suppressed count.
    """
    sectors = {details["top_sector"][r] for r in routes}
    sector = esc(humanise(sectors.pop()).lower()) if len(sectors) == 1 and "" not in sectors else ""
    women = children = None
    if all(details["pct_women"][r] is not None for r in routes):
        women = _pooled_share(routes, sex, ("female",), ("female", "male"))
    if all(details["pct_children"][r] is not None for r in routes):
        children = _pooled_share(routes, age, ("child",), ("child", "adult"))
    if not sector and women is None and children is None:
        return None
    return [sector, women, children]


def _route_details(pub: Publication) -> dict[str, dict[str, Any]]:
    """The disclosure gate's per-route details as plain dicts (``None`` where nothing is published)."""
    frame = pub.route_details()
    return {
        "top_sector": dict(zip(frame["route"], frame["top_sector"].fillna(""), strict=True)),
        "pct_women": {r: _number(v) for r, v in zip(frame["route"], frame["pct_women"], strict=True)},
        "pct_children": {r: _number(v) for r, v in zip(frame["route"], frame["pct_children"], strict=True)},
    }


def _cells_by_route(pub: Publication, dimension: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for route, value, persons in pub.cells(dimension).itertuples(index=False):
        out.setdefault(str(route), {})[str(value)] = int(persons)
    return out


def _layer(
    ctx: _Context,
    *,
    name: str,
    value: str,
    routes: pd.DataFrame,
    dimension: str | None,
    value_key: str | None,
    share: bool,
    leg_details: Callable[[list[str]], list[Any] | None] | None,
) -> dict[str, Any]:
    legs = ctx.pub.legs(dimension, value_key)
    places = ctx.pub.places(dimension, value_key)
    on_leg, at_place = ctx.through(routes)
    leg_items: list[list[Any]] = []
    for from_id, to_id, persons in zip(legs["from_id"], legs["to_id"], legs["persons"], strict=True):
        on = on_leg[(from_id, to_id)]
        item: list[Any] = [
            ctx.index[from_id],
            ctx.index[to_id],
            int(persons),
            [[ctx.ref(r), p] for r, p in on[:TOP_ROUTES]],
            len(on),
        ]
        extra = leg_details([r for r, _ in on]) if leg_details else None
        if extra is not None:
            item.append(extra)
        leg_items.append(item)
    role_index = {role: i for i, (role, _) in enumerate(ROLES)}
    place_items: list[list[Any]] = []
    for row in places.itertuples(index=False):
        at = at_place[row.place_id]
        place_items.append(
            [
                ctx.index[row.place_id],
                int(row.persons),
                int(row.persons_start),
                int(row.persons_pass),
                int(row.persons_end),
                role_index.get(row.role, role_index["several"]),
                [[ctx.ref(r), p] for r, p in at[:TOP_ROUTES]],
                len(at),
            ]
        )
    return {
        "name": name,
        "value": value,
        "share": share,
        "persons": int(routes["persons"].sum()),
        "legs": leg_items,
        "places": place_items,
    }


def _legend_html(data: dict[str, Any], *, vmax_place: int, min_count: int, text: MapText, layer_note: str) -> str:
    rows = ["<details open><summary>Legend</summary>"]
    breaks: list[int] = data["breaks"]
    if data["layers"][0]["legs"]:
        rows.append('<div class="rm-h">Persons on a leg (arrow: direction of travel)</div>')
        widths = class_widths(len(breaks))
        for i, (low, width) in enumerate(zip(breaks, widths, strict=True)):
            label = f"{low:,}+" if i == len(breaks) - 1 else f"{low:,}–{breaks[i + 1] - 1:,}"
            h = int(width + 10)
            y = h / 2
            rows.append(
                f'<div class="rm-row"><svg width="44" height="{h}" aria-hidden="true">'
                f'<path d="M2 {y:g}H30" stroke="{LEG_COLOUR}" stroke-width="{width:g}" stroke-linecap="round"/>'
                f'<path d="M28 {y - 4 - width / 2:g}L42 {y:g}L28 {y + 4 + width / 2:g}Z" fill="{LEG_COLOUR}"/>'
                f"</svg>{esc(label)}</div>"
            )
    if data["layers"][0]["places"]:
        rows.append('<div class="rm-h">Persons at a place (circle area)</div>')
        # every place has at least min_count persons (each published route does)
        samples = [
            v for v in sorted({_nice_floor(vmax_place), _nice_floor(vmax_place / 10)}, reverse=True) if v >= min_count
        ]
        for value in samples:
            r = place_radius(value, vmax_place)
            size = int(2 * r + 4)
            rows.append(
                f'<div class="rm-row"><svg width="{size}" height="{size}" aria-hidden="true"><circle cx="{size / 2:g}" '
                f'cy="{size / 2:g}" r="{r:.1f}" fill="#bbb" stroke="#666"/></svg>{value:,}</div>'
            )
        used = {place[5] for layer in data["layers"] for place in layer["places"]}
        for i, (role, colour) in enumerate(ROLES):
            if i not in used:
                continue
            rows.append(
                f'<div class="rm-row"><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="6" '
                f'fill="{colour}"/></svg>{esc(humanise(role))}: {esc(ROLE_TEXT[role])}</div>'
            )
    rows.append(f"<p>{esc(text.note)}</p>")
    if layer_note:
        rows.append(f"<p>{esc(layer_note)}</p>")
    if data["total"]:
        rows.append(f"<p>Shares are of the {data['total']:,} persons on the routes shown.</p>")
    rows.append("</details>")
    return "".join(rows)


def map_data(pub: Publication, *, text: MapText, by: str | None = None, focus: str | None = None) -> dict[str, Any]:
    """Everything the page draws, as compact JSON-ready data built from published figures only.

    Parameters
    ----------
    pub
        The disclosure gate's output; every figure comes from it.
    text
        Title, subtitle and notes (escaped here).
    by
        A dimension (sector, year, exploitation, sex): one extra layer per value, each from the
        published breakdown cells of that value.
    focus
        ISO 3166-1 alpha-3 code of the focus country: its states (or places) get permanent labels.

    Returns
    -------
    dict
        ``places`` (lat, lon, escaped name, label flag), ``routes`` (escaped label, top sector,
        % women, % children), ``layers`` (legs and places per layer), scales and escaped panels.
    """
    published = pub.published_routes()
    all_places = pub.places()
    all_legs = pub.legs()
    place_objs = pub.places_by_id
    lon_of = dict(zip(all_places["place_id"], all_places.geometry.x, strict=True))
    west = seam_longitude(
        list(lon_of.values()),
        [(lon_of[a], lon_of[b]) for a, b in zip(all_legs["from_id"], all_legs["to_id"], strict=True)],
    )
    place_rows: list[list[Any]] = []
    for pid, point in zip(all_places["place_id"], all_places.geometry, strict=True):
        place = place_objs[pid]
        label = int(bool(focus) and place.country == focus and place.level in FOCUS_LEVELS)
        place_rows.append([round(point.y, 4), round(wrap_longitude(point.x, west), 4), esc(place.name), label])
    ctx = _Context(
        pub=pub,
        stops=pub.stops,
        order={r: i for i, r in enumerate(published["route"])},
        index={pid: i for i, pid in enumerate(all_places["place_id"])},
        names={pid: esc(place.name) for pid, place in place_objs.items()},
        details=_route_details(pub),
        routes=[],
        refs={},
    )
    sex, age = _cells_by_route(pub, "sex"), _cells_by_route(pub, "age_group")
    layers = [
        _layer(
            ctx,
            name=f'All routes <span class="rm-n">({pub.published_persons:,})</span>',
            value="",
            routes=published[["route", "persons"]],
            dimension=None,
            value_key=None,
            share=True,
            leg_details=lambda routes: _leg_details(routes, ctx.details, sex, age),
        )
    ]
    layer_note = ""
    if by is not None:
        dim_label = DIMENSION_LABELS.get(by, humanise(by))
        for value in sorted(pub.dimension_values(by), key=_value_order):
            cells = pub.cells(by, value)
            shown = f"{esc(dim_label)}: {esc(humanise(value))}"
            layers.append(
                _layer(
                    ctx,
                    name=f'{shown} <span class="rm-n">({int(cells["persons"].sum()):,})</span>',
                    value=shown,
                    routes=cells[["route", "persons"]],
                    dimension=by,
                    value_key=value,
                    share=False,
                    leg_details=None,
                )
            )
        layer_note = (
            f"A {dim_label.lower()} layer draws only counts of {pub.min_count} or more (and leaves out some "
            "that would reveal smaller ones), so layers may add up to less than all routes."
        )
    vmax_leg = int(all_legs["persons"].max()) if len(all_legs) else pub.min_count
    vmax_place = int(all_places["persons"].max()) if len(all_places) else 0
    breaks = width_breaks(vmax_leg, min_count=pub.min_count)
    data: dict[str, Any] = {
        "places": place_rows,
        "routes": ctx.routes,
        "layers": layers,
        "total": pub.published_persons,
        "breaks": breaks,
        "widths": class_widths(len(breaks)),
        "rMin": MIN_RADIUS,
        "rMax": MAX_RADIUS,
        "rMaxPersons": max(vmax_place, 1),
        "roles": [list(r) for r in ROLES],
        "legColour": LEG_COLOUR,
        "legOpacity": LEG_OPACITY,
        "titleHtml": f"<h1>{esc(text.title)}</h1><p>{esc(text.subtitle)}</p>",
        "attributionHtml": esc(text.attribution),
    }
    data["legendHtml"] = _legend_html(
        data, vmax_place=vmax_place, min_count=pub.min_count, text=text, layer_note=layer_note
    )
    return data


# ---------------------------------------------------------------------------------------------- page
class FlowLayer(MacroElement):
    """Legs and places from compact JSON, drawn by :file:`flowmap.js` with one canvas renderer."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
{{ this.css }}
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.js }}
window.routemapFlows({{ this._parent.get_name() }}, {{ this.data_json }});
{% endmacro %}
"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "FlowLayer"
        self.css = _CSS
        self.js = _JS
        self.data_json = script_json(data)
        if "</script" in self.js.lower():
            raise ValueError("flowmap.js must not contain '</script'")


def _stable_ids(root: Element) -> None:
    """Give every element a sequential id so the same inputs write a byte-identical page.

    folium names elements with random hex ids; rendering uses whatever ``_id`` holds then.
    """
    counter = itertools.count(1)
    stack = [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{next(counter):032x}"
        stack.extend(element._children.values())
        for part in ("header", "html", "script"):
            child = getattr(element, part, None)
            if isinstance(child, Element):
                stack.append(child)


def build_map(
    pub: Publication,
    *,
    text: MapText | None = None,
    by: str | None = None,
    focus: str | None = None,
    tiles: str = "CartoDB positron",
    tiles_api_key: str | None = None,
) -> folium.Map:
    """The interactive map of a publication as a ``folium.Map`` (see :func:`render_map`)."""
    text = text or MapText(
        title="Routes", subtitle="", note=f"Routes with fewer than {pub.min_count} persons are not shown."
    )
    # half zoom steps let the view fit the routes closely on small screens
    fmap = folium.Map(location=None, zoom_start=3, tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.5)
    # only the assets the map uses: Leaflet itself (folium's defaults add jQuery, Bootstrap, fonts)
    fmap.default_js = [LEAFLET_JS]
    fmap.default_css = [LEAFLET_CSS]
    layer = tile_layer(tiles, api_key=tiles_api_key)
    if layer is not None:
        layer.add_to(fmap)
    data = map_data(pub, text=text, by=by, focus=focus)
    FlowLayer(data).add_to(fmap)
    fmap.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'), name="viewport"
    )
    fmap.get_root().title = esc(text.title)  # type: ignore[attr-defined]
    fmap._routemap_data = data  # type: ignore[attr-defined]  # what render_map reports as drawn
    return fmap


def render_map(
    pub: Publication,
    path: Path,
    *,
    text: MapText,
    by: str | None = None,
    focus: str | None = None,
    tiles: str = "CartoDB positron",
    tiles_api_key: str | None = None,
) -> dict[str, int]:
    """Write ``map.html`` from a publication.

    Parameters
    ----------
    pub
        Published figures (:func:`routemap.disclosure.publish`); nothing else reaches the page.
    path
        Output file.
    text
        Title, subtitle and notes (escaped here).
    by
        Add one layer per value of this dimension (sector, year, exploitation or sex).
    focus
        ISO 3166-1 alpha-3 code of the focus country, whose states are labelled.
    tiles
        A tile provider name (xyzservices, e.g. ``"CartoDB positron"``), a URL template, or ``"none"``.
    tiles_api_key
        Key for providers that need one (filled into the URL).

    Returns
    -------
    dict
        Counts drawn in the first layer (all routes): ``legs``, ``places``, and ``layers`` in the page.
    """
    fmap = build_map(pub, text=text, by=by, focus=focus, tiles=tiles, tiles_api_key=tiles_api_key)
    data = fmap._routemap_data  # type: ignore[attr-defined]
    _stable_ids(fmap.get_root())
    html = fmap.get_root().render()
    path.write_text(html, encoding="utf-8")
    first = data["layers"][0]
    return {"legs": len(first["legs"]), "places": len(first["places"]), "layers": len(data["layers"])}
