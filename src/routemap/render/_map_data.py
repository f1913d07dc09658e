"""Build the interactive map's data (layers, legs, places, legend) from published figures only."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from routemap._safe import esc
from routemap.disclosure import Publication
from routemap.render import basemap
from routemap.render._map_scales import (
    MAX_RADIUS,
    MIN_RADIUS,
    _lower_first,
    _nice_floor,
    _number,
    _upper_first,
    _value_order,
    class_widths,
    place_radius,
    seam_longitude,
    width_breaks,
    wrap_longitude,
)
from routemap.render.words import LOCALES, dimension_text, integer, unit_text, value_text, word

if TYPE_CHECKING:
    from routemap._gazetteer import Place

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
    place_rows = _place_rows(all_places, place_objs, focus=focus, west=west)
    ctx = _context(pub, published_routes=published["route"], place_ids=all_places["place_id"], lang=lang)
    layers = [_all_routes_layer(ctx, published[["route", "persons"]])]
    notes: list[str] = []
    switchable = [0]
    if by is not None and by != "year":
        notes.append(_add_value_layers(ctx, layers, switchable, by))
    year_items: list[list[Any]] = []
    all_years = _years(pub) if (years or by == "year") else []
    if len(all_years) > 1:
        year_items = _add_year_layers(ctx, layers, all_years, unit=text.unit)
        notes.append(word("map_year_note", lang, k=pub.min_count))
    vmax_leg = int(all_legs["persons"].max()) if len(all_legs) else pub.min_count
    vmax_place = int(all_places["persons"].max()) if len(all_places) else 0
    data = _page_data(
        ctx,
        text,
        place_rows=place_rows,
        paths=[[ctx.index[s] for s in ctx.stops[r]] for r in published["route"]],
        layers=layers,
        switchable=switchable,
        year_items=year_items,
        vmax_leg=vmax_leg,
        vmax_place=vmax_place,
    )
    if outlines:
        _add_outlines(data, place_rows, place_objs, focus=focus, west=west, lang=lang)
    data["legendHtml"] = _legend_html(data, vmax_place=vmax_place, min_count=pub.min_count, text=text, notes=notes)
    return data


def _place_rows(
    all_places: pd.DataFrame, place_objs: dict[str, Place], *, focus: str | None, west: float
) -> list[list[Any]]:
    """The page's places: latitude, longitude (wrapped from the seam), escaped name and label priority.

    Parameters
    ----------
    all_places
        The published places (with their points), in the order the page refers to them by index.
    place_objs
        Every published place by id.
    focus
        ISO3 of the focus country: its states (or places) get labels too.
    west
        The map's western edge (longitudes are wrapped from it).

    Returns
    -------
    list
        One row per place.
    """
    priority = _label_priority(all_places, place_objs, focus)
    place_rows: list[list[Any]] = []
    for pid, point in zip(all_places["place_id"], all_places.geometry, strict=True):
        place = place_objs[pid]
        place_rows.append(
            [round(point.y, 4), round(wrap_longitude(point.x, west), 4), esc(place.name), priority.get(str(pid), 0)]
        )
    return place_rows


def _all_routes_layer(ctx: _Context, routes: pd.DataFrame) -> dict[str, Any]:
    """The first layer: every published route, with each leg's top sector and shares where published.

    Parameters
    ----------
    ctx
        The map's shared published inputs.
    routes
        Every published route (``route``, ``persons``).

    Returns
    -------
    dict
        The layer (see :func:`_layer`).
    """
    pub, lang = ctx.pub, ctx.lang
    sex, age = _cells_by_route(pub, "sex"), _cells_by_route(pub, "age_group")
    return _layer(
        ctx,
        name=f'{esc(word("map_all_routes", lang))} <span class="rm-n">({integer(pub.published_persons, lang)})</span>',
        value="",
        routes=routes,
        dimension=None,
        value_key=None,
        share=True,
        leg_details=lambda found: _leg_details(found, ctx.details, sex, age, lang),
    )


def _context(pub: Publication, *, published_routes: pd.Series, place_ids: pd.Series, lang: str) -> _Context:
    """The inputs every layer of one map shares, with an empty route table.

    Parameters
    ----------
    pub
        The disclosure gate's output.
    published_routes
        The published routes, in the order the page lists them.
    place_ids
        The published places, in the order the page refers to them by index.
    lang
        The map's language.

    Returns
    -------
    _Context
        The shared inputs; layers fill its route table as they refer to routes.
    """
    return _Context(
        pub=pub,
        stops=pub.stops,
        order={r: i for i, r in enumerate(published_routes)},
        index={pid: i for i, pid in enumerate(place_ids)},
        names={pid: esc(place.name) for pid, place in pub.places_by_id.items()},
        details=_route_details(pub),
        routes=[],
        refs={},
        lang=lang,
    )


def _add_value_layers(ctx: _Context, layers: list[dict[str, Any]], switchable: list[int], by: str) -> str:
    """Add one switchable layer per published value of a dimension, each from that value's published cells.

    Parameters
    ----------
    ctx
        The map's shared published inputs.
    layers
        The map's layers so far; the new ones are appended.
    switchable
        Indices of the layers the reader may switch between; the new ones are appended.
    by
        The dimension (not ``year``: years have their own control).

    Returns
    -------
    str
        The note the legend gives about these layers.
    """
    pub, lang = ctx.pub, ctx.lang
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
    return word("map_layer_note", lang, dimension=_lower_first(dim_label), k=pub.min_count)


def _add_year_layers(
    ctx: _Context, layers: list[dict[str, Any]], all_years: list[str], *, unit: str | None
) -> list[list[Any]]:
    """Add one layer per year with published cells, for the year control.

    Parameters
    ----------
    ctx
        The map's shared published inputs.
    layers
        The map's layers so far; the year layers are appended.
    all_years
        The years of the control, first to last.
    unit
        What counts are of (``None``: persons), for the note of a year with nothing published.

    Returns
    -------
    list
        Per year: escaped year, index of its layer (-1 when nothing of it is published) and an
        escaped note.
    """
    pub, lang = ctx.pub, ctx.lang
    year_items: list[list[Any]] = []
    year_label = esc(dimension_text("year", lang))
    for year in all_years:
        # only the year's published cells: a count below min_count (or hidden with it) is never drawn
        cells = pub.cells("year", year)
        if cells.empty:
            suppressed = word("map_year_suppressed", lang, year=year, k=pub.min_count, unit=unit_text(unit, lang))
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
    return year_items


def _page_data(
    ctx: _Context,
    text: MapText,
    *,
    place_rows: list[list[Any]],
    paths: list[list[int]],
    layers: list[dict[str, Any]],
    switchable: list[int],
    year_items: list[list[Any]],
    vmax_leg: int,
    vmax_place: int,
) -> dict[str, Any]:
    """The page's data but the legend and basemap: places, layers, scales, colours, words and panels.

    Parameters
    ----------
    ctx
        The map's shared published inputs (its route table is complete once every layer is built).
    text
        Title, subtitle, language and unit of the map.
    place_rows, paths
        The page's places (lat, lon, escaped name, label priority) and every route's stops.
    layers, switchable, year_items
        The layers, the indices of those the reader switches between, and the year control.
    vmax_leg, vmax_place
        The biggest published count on a leg and at a place (they set the scales).

    Returns
    -------
    dict
        The page's data.
    """
    pub, lang = ctx.pub, ctx.lang
    breaks = width_breaks(vmax_leg, min_count=pub.min_count)
    opacities = list(CLASS_OPACITY[-len(breaks) :]) if len(breaks) > 1 else [LEG_OPACITY]
    return {
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


def _add_outlines(
    data: dict[str, Any],
    place_rows: list[list[Any]],
    place_objs: Mapping[str, Place],
    *,
    focus: str | None,
    west: float,
    lang: str,
) -> None:
    """Add the offline basemap: Natural Earth outlines cut to the places' extent, with their credit.

    Parameters
    ----------
    data
        The page's data; ``outlines``, ``basemap`` and the attribution are set in it.
    place_rows
        The page's places (lat, lon first).
    place_objs
        Every published place by id.
    focus
        ISO3 of the focus country: its state lines are drawn.
    west
        The map's western edge (longitudes are wrapped from it).
    lang
        The map's language.
    """
    points = [(row[1], row[0]) for row in place_rows]
    # state lines where the routes are drawn at state level (the focus country's, as a rule)
    states = {focus} if focus else set()
    states |= {p.country for p in place_objs.values() if p.level == "admin1" and p.country}
    data["outlines"] = basemap.page_outlines(basemap.extent_of(points), admin1_countries=states, west=west)
    data["basemap"] = BASEMAP_COLOURS
    data["attributionHtml"] = esc(word("map_outlines_credit", lang)) + " | " + data["attributionHtml"]
