"""Render the interactive map: curved flows and places from published figures, drawn on one canvas layer."""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import folium
import pandas as pd
import xyzservices
from branca.element import Element, MacroElement
from folium.template import Template

from routemap._errors import ConfigError
from routemap._safe import esc, script_json
from routemap.disclosure import Publication
from routemap.places import Place
from routemap.render import basemap
from routemap.render.words import LOCALES, dimension_text, integer, unit_text, value_text, word

LEAFLET_VERSION = "1.9.3"
LEAFLET_JS = ("leaflet", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css")
#: Leaflet as shipped in routemap's wheel (BSD-2-Clause, licence beside it), the same files as on the CDN.
VENDOR = Path(__file__).resolve().parent / "vendor"
#: How map.html gets Leaflet: from the CDN with SRI hashes, or inlined with an offline basemap.
MAP_MODES: tuple[str, ...] = ("cdn", "self-contained")

#: Place roles in the order the page refers to them by index, with their colours (ColorBrewer Dark2).
ROLES: tuple[tuple[str, str], ...] = (
    ("origin", "#1b9e77"),
    ("transit", "#7570b3"),
    ("destination", "#d95f02"),
    ("several", "#555555"),
)
ROLE_COLOURS: dict[str, str] = dict(ROLES)
LEG_COLOUR = "#c0392b"
LEG_OPACITY = 0.7
#: Minor legs fade: the opacity of each width class, thinnest first (the last class keeps LEG_OPACITY+).
CLASS_OPACITY: tuple[float, ...] = (0.4, 0.55, 0.65, 0.75, 0.8)
#: Leg widths: at most this many classes on a 1-2.5-5 series, class i drawn ``1.5 + 2.5 * i`` pixels wide.
MAX_CLASSES = 5
MIN_RADIUS, MAX_RADIUS = 3.0, 20.0
#: Routes listed in a tooltip (the biggest first).
TOP_ROUTES = 3
#: Places with a permanent label: the biggest of each role (origin, transit, destination).
LABELS_PER_ROLE = 6
FOCUS_LEVELS: frozenset[str] = frozenset({"admin1", "place"})
#: Colours of the offline basemap: water, land, coast, country borders, state lines.
BASEMAP_COLOURS: dict[str, str] = {
    "water": "#dde6ec",
    "land": "#f5f4f0",
    "coast": "#b9c3c9",
    "border": "#a9a9a9",
    "admin1": "#c4c4c4",
}
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
.routemap-years{display:flex;flex-wrap:wrap;gap:3px;align-items:center;max-width:min(30rem,80vw)}
.routemap-years button{font:12px system-ui,sans-serif;padding:2px 6px;border:1px solid #999;border-radius:3px;
 background:#fff;color:#222;cursor:pointer;min-height:24px}
.routemap-years button[aria-pressed=true]{background:#2f4f6f;color:#fff;border-color:#2f4f6f}
.routemap-years button:disabled{color:#999;border-style:dashed;cursor:not-allowed}
.routemap-filter button{font:12px system-ui,sans-serif;margin-left:4px}
.leaflet-tooltip.routemap-tip{white-space:normal;width:max-content;max-width:min(24rem,80vw)}
.leaflet-tooltip.routemap-label{background:none;border:0;box-shadow:none;padding:0 2px;color:#222;
 font:600 11px system-ui,sans-serif;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.leaflet-tooltip.routemap-label:before{display:none}
.leaflet-control-layers label span.rm-n{color:#666}
.leaflet-bottom.leaflet-right .leaflet-control-attribution{max-width:calc(100vw - 150px)}
@media (max-width:480px){.routemap-panel{font-size:12px;max-width:70vw;padding:4px 7px}
 .routemap-panel h1{font-size:14px}.routemap-title p{font-size:11px}
 .leaflet-control-scale{display:none}.leaflet-control-attribution{font-size:10px}
 .leaflet-bottom.leaflet-right .leaflet-control-attribution{max-width:calc(100vw - 20px)}}
</style>"""
#: Shown until the map's script has drawn the map: what a reader sees when Leaflet cannot load.
_FALLBACK_CSS = (
    "position:fixed;inset:0;z-index:10000;overflow:auto;background:#fff;color:#222;padding:12px 16px;"
    'font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif'
)


@functools.cache
def _sri(name: str) -> str:
    """The Subresource Integrity hash of a vendored Leaflet file (the CDN serves the same bytes)."""
    digest = hashlib.sha384((VENDOR / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


@functools.cache
def _inline_leaflet() -> tuple[str, str]:
    """Leaflet's script and stylesheet for inlining: no source-map comment, images as data URIs."""
    js = (VENDOR / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    if "</script" in js.lower():  # pragma: no cover - the pinned file has none
        raise ValueError("leaflet.js must not contain '</script'")
    css = (VENDOR / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        name = match.group(1)
        path = VENDOR / name
        if not path.is_file():  # marker icons: routemap draws no markers
            return "none"
        return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"url\(images/([\w.-]+)\)", data_uri, css)
    return js, css


@dataclass(frozen=True, slots=True)
class MapText:
    """Text around the map; every field is escaped when rendered."""

    title: str
    subtitle: str
    note: str
    attribution: str | None = None
    language: str = "en"
    #: What counts are of ("detected victims"); ``None``: persons, in the map's language.
    unit: str | None = None

    @property
    def credit(self) -> str:
        """The data credit of the attribution line (the project's own, or routemap's words)."""
        return self.attribution if self.attribution is not None else word("map_attribution", self.language)


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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    lang: str

    def ref(self, route: str) -> int:
        """Index of a route in the page's route table, adding it when first referred to."""
        if route not in self.refs:
            self.refs[route] = len(self.routes)
            sector = self.details["top_sector"][route]
            stops = self.stops[route]
            if len(stops) == 1:
                label = esc(word("map_within", self.lang, place=self.names[stops[0]]))
            else:
                label = " \u2192 ".join(self.names[s] for s in stops)
            self.routes.append(
                [
                    label,
                    esc(_lower_first(value_text("sector", sector, self.lang))) if sector else "",
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
    lang: str,
) -> list[Any] | None:
    """Top sector and shares of women and children of a leg, only where every route on it publishes them.

    A sector that is the (strict, safe) top sector of every route on the leg is the leg's top sector
    too; the shares pool published cells of routes whose share is itself published, so nothing here
    depends on a suppressed count.
    """
    sectors = {details["top_sector"][r] for r in routes}
    sector = (
        esc(_lower_first(value_text("sector", sectors.pop(), lang))) if len(sectors) == 1 and "" not in sectors else ""
    )
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
    tops: bool = True,
) -> dict[str, Any]:
    """One layer: legs, places and rings (journeys within one place), every figure a published one.

    ``tops``: list the biggest routes in each tooltip (year layers leave them out to keep the page light).
    """
    top = TOP_ROUTES if tops else 0
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
            [[ctx.ref(r), p] for r, p in on[:top]],
            len(on) if tops else 0,
        ]
        extra = leg_details([r for r, _ in on]) if leg_details else None
        if extra is not None:
            item.append(extra)
        leg_items.append(item)
    # a route of one stop (citizens exploited in their own country) is drawn as a ring at its place
    within: dict[str, list[tuple[str, int]]] = {}
    for route, persons in zip(routes["route"], routes["persons"], strict=True):
        stops = ctx.stops[route]
        if len(stops) == 1:
            within.setdefault(stops[0], []).append((route, int(persons)))
    role_index = {role: i for i, (role, _) in enumerate(ROLES)}
    place_items: list[list[Any]] = []
    for row in places.itertuples(index=False):
        at = at_place[row.place_id]
        inside = sum(p for _, p in within.get(row.place_id, []))
        starts, passes, ends = int(row.persons_start) - inside, int(row.persons_pass), int(row.persons_end)
        roles = [r for r, n in (("origin", starts), ("transit", passes), ("destination", ends)) if n]
        role = roles[0] if len(roles) == 1 else "several"
        place_items.append(
            [
                ctx.index[row.place_id],
                int(row.persons),
                starts,
                passes,
                ends,
                role_index[role],
                [[ctx.ref(r), p] for r, p in at[:top]],
                len(at) if tops else 0,
                inside,
            ]
        )
    rings = [
        [ctx.index[pid], sum(p for _, p in found), [[ctx.ref(r), p] for r, p in found[:top]]]
        for pid, found in sorted(within.items(), key=lambda kv: ctx.index[kv[0]])
    ]
    return {
        "name": name,
        "value": value,
        "share": share,
        "persons": int(routes["persons"].sum()),
        "legs": leg_items,
        "places": place_items,
        "rings": rings,
    }


def _label_priority(places: pd.DataFrame, place_objs: dict[str, Place], focus: str | None) -> dict[str, int]:
    """Which places get a permanent label, and in which order they claim space (1 first).

    The biggest places of every role (origin, transit, destination) come first, taken in turn so
    that each role gets its share; then the states (or places) of the focus country.
    """
    ranked: list[list[str]] = []
    for column in ("persons_start", "persons_end", "persons_pass"):
        top = places.loc[places[column] > 0].sort_values([column, "name"], ascending=[False, True], kind="stable")
        ranked.append([str(p) for p in top["place_id"].head(LABELS_PER_ROLE)])
    order: dict[str, int] = {}
    for i in range(LABELS_PER_ROLE):
        for role in ranked:
            if i < len(role) and role[i] not in order:
                order[role[i]] = len(order) + 1
    if focus:
        for pid in places["place_id"]:
            place = place_objs[str(pid)]
            if place.country == focus and place.level in FOCUS_LEVELS and str(pid) not in order:
                order[str(pid)] = len(order) + 1
    return order


def _legend_html(data: dict[str, Any], *, vmax_place: int, min_count: int, text: MapText, notes: list[str]) -> str:
    lang = text.language
    rows = [f"<details open><summary>{esc(word('map_legend', lang))}</summary>"]
    breaks: list[int] = data["breaks"]
    first = data["layers"][0]
    if any(layer["legs"] for layer in data["layers"]):
        heading = _upper_first(word("map_legend_legs", lang, unit=unit_text(text.unit, lang)))
        rows.append(f'<div class="rm-h">{esc(heading)}</div>')
        widths = class_widths(len(breaks))
        for i, (low, width) in enumerate(zip(breaks, widths, strict=True)):
            label = (
                f"{integer(low, lang)}+"
                if i == len(breaks) - 1
                else f"{integer(low, lang)}–{integer(breaks[i + 1] - 1, lang)}"
            )
            h = int(width + 10)
            y = h / 2
            opacity = data["opacities"][i]
            rows.append(
                f'<div class="rm-row"><svg width="44" height="{h}" aria-hidden="true" opacity="{opacity:g}">'
                f'<path d="M2 {y:g}H30" stroke="{LEG_COLOUR}" stroke-width="{width:g}" stroke-linecap="round"/>'
                f'<path d="M28 {y - 4 - width / 2:g}L42 {y:g}L28 {y + 4 + width / 2:g}Z" fill="{LEG_COLOUR}"/>'
                f"</svg>{esc(label)}</div>"
            )
    if any(layer["rings"] for layer in data["layers"]):
        rows.append(
            f'<div class="rm-row"><svg width="22" height="22" aria-hidden="true"><circle cx="11" cy="11" r="8" '
            f'fill="none" stroke="{LEG_COLOUR}" stroke-width="3" opacity="{LEG_OPACITY}"/></svg>'
            f"{esc(word('map_legend_ring', lang))}</div>"
        )
    if first["places"]:
        heading = _upper_first(word("map_legend_places", lang, unit=unit_text(text.unit, lang)))
        rows.append(f'<div class="rm-h">{esc(heading)}</div>')
        # every place has at least min_count persons (each published route does)
        samples = [
            v for v in sorted({_nice_floor(vmax_place), _nice_floor(vmax_place / 10)}, reverse=True) if v >= min_count
        ]
        for value in samples:
            r = place_radius(value, vmax_place)
            size = int(2 * r + 4)
            rows.append(
                f'<div class="rm-row"><svg width="{size}" height="{size}" aria-hidden="true"><circle cx="{size / 2:g}" '
                f'cy="{size / 2:g}" r="{r:.1f}" fill="#bbb" stroke="#666"/></svg>{esc(integer(value, lang))}</div>'
            )
        used = {place[5] for layer in data["layers"] for place in layer["places"]}
        for i, (role, colour) in enumerate(ROLES):
            if i not in used:
                continue
            rows.append(
                f'<div class="rm-row"><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="6" '
                f'fill="{colour}"/></svg>{esc(word("map_role_" + role, lang))}</div>'
            )
        rows.append(f"<p>{esc(word('map_click_hint', lang))}</p>")
    rows.append(f"<p>{esc(text.note)}</p>")
    rows.extend(f"<p>{esc(note)}</p>" for note in notes if note)
    if data["total"]:
        shares = word("map_shares_of", lang, n=integer(data["total"], lang), unit=unit_text(text.unit, lang))
        rows.append(f"<p>{esc(shares)}</p>")
    rows.append("</details>")
    return "".join(rows)


def _words(text: MapText) -> dict[str, str]:
    """The words the page's script puts into tooltips and controls, escaped, with ``{n}``-style fields."""
    lang = text.language
    unit = unit_text(text.unit, lang)
    keys = (
        "map_pass_through",
        "map_end_here",
        "map_within",
        "map_top_routes",
        "map_routes_on_leg",
        "map_more_routes",
        "map_more_route",
        "map_mostly",
        "map_pct_women",
        "map_pct_children",
        "map_all_years",
        "map_play",
        "map_pause",
        "map_showing_place",
        "map_show_all",
        "map_zoom_in",
        "map_zoom_out",
    )
    out = {key[4:]: esc(word(key, lang)) for key in keys}
    out["start_here"] = esc(word("map_start_here", lang, n="{n}", unit=unit))
    out["unit"] = esc(unit)
    return out


def _years(pub: Publication) -> list[str]:
    """Years from the first to the last with a published count (those between without one included).

    The span comes from published counts only: which years hold records at all is not published.
    """
    span = pub.years
    if span is None:
        return []
    return [str(y) for y in range(span[0], span[1] + 1)]


def map_data(
    pub: Publication,
    *,
    text: MapText,
    by: str | None = None,
    focus: str | None = None,
    years: bool = True,
    outlines: bool = False,
) -> dict[str, Any]:
    """Everything the page draws, as compact JSON-ready data built from published figures only.

    Parameters
    ----------
    pub
        The disclosure gate's output; every figure comes from it.
    text
        Title, subtitle, notes, language and unit (escaped here).
    by
        A dimension (sector, year, exploitation, sex): one extra layer per value, each from the
        published breakdown cells of that value.
    focus
        ISO 3166-1 alpha-3 code of the focus country: its states (or places) get permanent labels,
        and, on an offline basemap, their outlines.
    years
        Add a year control when the records span more than one year: one layer per year, drawn
        from the published year cells (``pub.cells("year", year)``) only.
    outlines
        Add the offline basemap (Natural Earth outlines cut to the routes' extent).

    Returns
    -------
    dict
        ``places`` (lat, lon, escaped name, label priority), ``routes`` (escaped label, top sector,
        % women, % children), ``paths`` (stops of every published route), ``layers`` (legs, places
        and rings per layer), ``years``, scales, words and escaped panels.
    """
    lang = text.language
    published = pub.published_routes()
    all_places = pub.places()
    all_legs = pub.legs()
    place_objs = pub.places_by_id
    lon_of = dict(zip(all_places["place_id"], all_places.geometry.x, strict=True))
    west = seam_longitude(
        list(lon_of.values()),
        [(lon_of[a], lon_of[b]) for a, b in zip(all_legs["from_id"], all_legs["to_id"], strict=True)],
    )
    priority = _label_priority(all_places, place_objs, focus)
    place_rows: list[list[Any]] = []
    for pid, point in zip(all_places["place_id"], all_places.geometry, strict=True):
        place = place_objs[pid]
        place_rows.append(
            [round(point.y, 4), round(wrap_longitude(point.x, west), 4), esc(place.name), priority.get(str(pid), 0)]
        )
    ctx = _Context(
        pub=pub,
        stops=pub.stops,
        order={r: i for i, r in enumerate(published["route"])},
        index={pid: i for i, pid in enumerate(all_places["place_id"])},
        names={pid: esc(place.name) for pid, place in place_objs.items()},
        details=_route_details(pub),
        routes=[],
        refs={},
        lang=lang,
    )
    sex, age = _cells_by_route(pub, "sex"), _cells_by_route(pub, "age_group")
    layers = [
        _layer(
            ctx,
            name=f'{esc(word("map_all_routes", lang))} <span class="rm-n">({integer(pub.published_persons, lang)})'
            "</span>",
            value="",
            routes=published[["route", "persons"]],
            dimension=None,
            value_key=None,
            share=True,
            leg_details=lambda routes: _leg_details(routes, ctx.details, sex, age, lang),
        )
    ]
    notes: list[str] = []
    switchable = [0]
    if by is not None and by != "year":
        dim_label = dimension_text(by, lang)
        for value in sorted(pub.dimension_values(by), key=_value_order):
            cells = pub.cells(by, value)
            shown = f"{esc(dim_label)}: {esc(value_text(by, value, lang))}"
            switchable.append(len(layers))
            layers.append(
                _layer(
                    ctx,
                    name=f'{shown} <span class="rm-n">({integer(int(cells["persons"].sum()), lang)})</span>',
                    value=shown,
                    routes=cells[["route", "persons"]],
                    dimension=by,
                    value_key=value,
                    share=False,
                    leg_details=None,
                )
            )
        notes.append(word("map_layer_note", lang, dimension=_lower_first(dim_label), k=pub.min_count))
    year_items: list[list[Any]] = []
    all_years = _years(pub) if (years or by == "year") else []
    if len(all_years) > 1:
        year_label = esc(dimension_text("year", lang))
        for year in all_years:
            # only the year's published cells: a count below min_count (or hidden with it) is never drawn
            cells = pub.cells("year", year)
            if cells.empty:
                suppressed = word(
                    "map_year_suppressed", lang, year=year, k=pub.min_count, unit=unit_text(text.unit, lang)
                )
                year_items.append([esc(year), -1, esc(suppressed)])
                continue
            year_items.append([esc(year), len(layers), ""])
            layers.append(
                _layer(
                    ctx,
                    name=f"{year_label}: {esc(year)}",
                    value=f"{year_label}: {esc(year)}",
                    routes=cells[["route", "persons"]],
                    dimension="year",
                    value_key=year,
                    share=False,
                    leg_details=None,
                    tops=False,
                )
            )
        notes.append(word("map_year_note", lang, k=pub.min_count))
    vmax_leg = int(all_legs["persons"].max()) if len(all_legs) else pub.min_count
    vmax_place = int(all_places["persons"].max()) if len(all_places) else 0
    breaks = width_breaks(vmax_leg, min_count=pub.min_count)
    opacities = list(CLASS_OPACITY[-len(breaks) :]) if len(breaks) > 1 else [LEG_OPACITY]
    paths = [[ctx.index[s] for s in ctx.stops[r]] for r in published["route"]]
    data: dict[str, Any] = {
        "places": place_rows,
        "routes": ctx.routes,
        "paths": paths,
        "layers": layers,
        "switchable": switchable,
        "years": year_items,
        "total": pub.published_persons,
        "breaks": breaks,
        "widths": class_widths(len(breaks)),
        "opacities": opacities,
        "rMin": MIN_RADIUS,
        "rMax": MAX_RADIUS,
        "rMaxPersons": max(vmax_place, 1),
        "roles": [list(r) for r in ROLES],
        "legColour": LEG_COLOUR,
        "legOpacity": LEG_OPACITY,
        "locale": LOCALES[lang],
        "words": _words(text),
        "titleHtml": f"<h1>{esc(text.title)}</h1><p>{esc(text.subtitle)}</p>",
        "attributionHtml": esc(text.credit),
    }
    if outlines:
        points = [(row[1], row[0]) for row in place_rows]
        # state lines where the routes are drawn at state level (the focus country's, as a rule)
        states = {focus} if focus else set()
        states |= {p.country for p in place_objs.values() if p.level == "admin1" and p.country}
        data["outlines"] = basemap.page_outlines(basemap.extent_of(points), admin1_countries=states, west=west)
        data["basemap"] = BASEMAP_COLOURS
        data["attributionHtml"] = esc(word("map_outlines_credit", lang)) + " | " + data["attributionHtml"]
    data["legendHtml"] = _legend_html(data, vmax_place=vmax_place, min_count=pub.min_count, text=text, notes=notes)
    return data


# ---------------------------------------------------------------------------------------------- page
class _Raw(Element):
    """Text put into the page as it is.

    folium wraps what a macro renders in a new template, so text with ``{{`` in it (a place name, an
    encoded outline) would be read as a Jinja expression; a variable's value is never read again.
    """

    _template = Template("{{ this.content }}")

    def __init__(self, content: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.content = content


class FlowLayer(MacroElement):
    """Legs and places from compact JSON, drawn by :file:`flowmap.js` with one canvas renderer."""

    _template = Template("")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "FlowLayer"
        self.css = _CSS
        self.js = _JS
        self.data_json = script_json(data)
        if "</script" in self.js.lower():
            raise ValueError("flowmap.js must not contain '</script'")

    def render(self, **kwargs: Any) -> str:
        """Put the style into the page's head and the script (with its data) after the map's own."""
        figure = self.get_root()
        parent = cast("Element", self._parent)
        figure.header.add_child(_Raw(self.css), name="routemap_css")  # type: ignore[attr-defined]
        script = f"{self.js}\nwindow.routemapFlows({parent.get_name()}, {self.data_json});\n"
        figure.script.add_child(_Raw(script), name=self.get_name())  # type: ignore[attr-defined]
        return ""


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


def _leaflet_assets(*, offline: bool) -> str:
    """Leaflet for the page's head: inlined, or from the CDN with integrity hashes."""
    if offline:
        js, css = _inline_leaflet()
        return f"<style>{css}</style>\n<script>{js}</script>"
    return (
        f'<script src="{LEAFLET_JS[1]}" integrity="{_sri("leaflet.js")}" crossorigin="anonymous"></script>\n'
        f'<link rel="stylesheet" href="{LEAFLET_CSS[1]}" integrity="{_sri("leaflet.css")}" crossorigin="anonymous"/>'
    )


def _fallback_html(text: MapText, image: str | None) -> str:
    lang = text.language
    picture = (
        f'<img src="{esc(image)}" alt="{esc(word("map_image_alt", lang))}" style="max-width:100%;height:auto">'
        if image
        else ""
    )
    return (
        f'<div id="routemap-fallback" role="alert" style="{_FALLBACK_CSS}">'
        f'<h1 style="font-size:1.3rem;margin:0 0 .2rem">{esc(text.title)}</h1>'
        f'<p style="margin:0 0 .4rem;color:#444">{esc(text.subtitle)}</p>'
        f'<p style="margin:0 0 .6rem">{esc(word("map_fallback", lang))}</p>{picture}</div>'
    )


def build_map(
    pub: Publication,
    *,
    text: MapText | None = None,
    by: str | None = None,
    focus: str | None = None,
    tiles: str = "CartoDB positron",
    tiles_api_key: str | None = None,
    offline: bool = False,
    years: bool = True,
    fallback_image: str | None = None,
) -> folium.Map:
    """The interactive map of a publication as a ``folium.Map`` (see :func:`render_map` for the options)."""
    text = text or MapText(title="Routes", subtitle="", note="")
    # quarter zoom steps let the view fit the routes closely, from a phone to a world map
    fmap = folium.Map(
        location=None, zoom_start=3, tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.25, zoom_delta=0.5
    )
    # only Leaflet, added below with its integrity hash (folium's defaults add jQuery, Bootstrap, fonts)
    fmap.default_js = []
    fmap.default_css = []
    layer = None if offline else tile_layer(tiles, api_key=tiles_api_key)
    if layer is not None:
        layer.add_to(fmap)
    data = map_data(pub, text=text, by=by, focus=focus, years=years, outlines=layer is None)
    FlowLayer(data).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(  # type: ignore[attr-defined]
        folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'), name="viewport"
    )
    root.header.add_child(_Raw(_leaflet_assets(offline=offline)), name="leaflet")  # type: ignore[attr-defined]
    root.html.add_child(_Raw(_fallback_html(text, fallback_image)), name="fallback")  # type: ignore[attr-defined]
    root.title = esc(text.title)  # type: ignore[attr-defined]
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
    offline: bool = False,
    years: bool = True,
    fallback_image: str | None = None,
) -> dict[str, int]:
    """Write ``map.html`` from a publication.

    Parameters
    ----------
    pub
        Published figures (:func:`routemap.disclosure.publish`); nothing else reaches the page.
    path
        Output file.
    text
        Title, subtitle, notes, language and unit (escaped here).
    by
        Add one layer per value of this dimension (sector, year, exploitation or sex).
    focus
        ISO 3166-1 alpha-3 code of the focus country, whose states are labelled.
    tiles
        A tile provider name (xyzservices, e.g. ``"CartoDB positron"``), a URL template, or ``"none"``.
        A self-contained map uses no tiles.
    tiles_api_key
        Key for providers that need one (filled into the URL).
    offline
        Self-contained: Leaflet inlined from routemap's own copy and an offline basemap of outlines,
        so the page asks no other host for anything. Outlines are drawn too when ``tiles`` is ``"none"``.
    years
        Add a year control when the published routes span more than one year.
    fallback_image
        A picture beside the page (``map.png``) shown, with the title and the reason, when Leaflet
        cannot load.

    Returns
    -------
    dict
        Counts drawn in the first layer (all routes): ``legs``, ``places``; ``layers`` in the layer
        switcher (1 without ``by``) and ``years`` with a layer of their own in the year control.
    """
    fmap = build_map(
        pub,
        text=text,
        by=by,
        focus=focus,
        tiles=tiles,
        tiles_api_key=tiles_api_key,
        offline=offline,
        years=years,
        fallback_image=fallback_image,
    )
    data = fmap._routemap_data  # type: ignore[attr-defined]
    root = fmap.get_root()
    _stable_ids(root)
    html = root.render()
    html = html.replace("<html>", f'<html lang="{esc(text.language)}">', 1)
    path.write_text(html, encoding="utf-8")
    first = data["layers"][0]
    return {
        "legs": len(first["legs"]),
        "places": len(first["places"]),
        "layers": len(data["switchable"]),
        "years": sum(1 for item in data["years"] if item[1] > 0),
    }
