"""Aggregate routed records into GeoDataFrames of routes, legs and places (exact, private counts)."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pyproj import Geod

from routemap.places import Place
from routemap.routes import Routed
from routemap.schema import LEG_COLUMNS, PLACE_COLUMNS

if TYPE_CHECKING:  # geopandas and shapely are imported where geometry is made
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

CRS = "EPSG:4326"
_GEOD = Geod(ellps="WGS84")
#: Spacing of vertices along a geodesic, in metres, and the most vertices a leg gets.
STEP_M = 150_000.0
MAX_POINTS = 48
ROUND = 4  # decimals: about 11 m at the equator

ROUTE_COLUMNS = (
    "route",
    "label",
    "origin",
    "transit",
    "destination",
    "n_stops",
    "persons",
    "records",
    "domestic",
)
#: How a route that starts and ends in one country is marked in its label, so every table says so.
DOMESTIC_MARK = " (domestic)"


@lru_cache(maxsize=65536)
def geodesic_line(lon1: float, lat1: float, lon2: float, lat2: float) -> BaseGeometry:
    """The geodesic between two points as a line, split where it crosses the antimeridian.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        End points in degrees (WGS84).

    Returns
    -------
    LineString or MultiLineString
        Vertices every ~150 km (at most 48), rounded to 4 decimals; two parts when the line
        crosses longitude ±180, each ending on the antimeridian.
    """
    from shapely.geometry import LineString, MultiLineString

    _, _, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    n = int(min(MAX_POINTS, max(0, dist // STEP_M - 1)))
    inner = _GEOD.npts(lon1, lat1, lon2, lat2, n) if n else []
    pts = [(lon1, lat1), *inner, (lon2, lat2)]
    parts: list[list[tuple[float, float]]] = [[pts[0]]]
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if abs(x1 - x0) > 180:
            # crossing: move x1 by 360 to interpolate the latitude at the antimeridian
            edge = 180.0 if x0 > 0 else -180.0
            x1_shift = x1 + 360 if x0 > 0 else x1 - 360
            t = (edge - x0) / (x1_shift - x0)
            y_edge = y0 + t * (y1 - y0)
            parts[-1].append((edge, y_edge))
            parts.append([(-edge, y_edge)])
        parts[-1].append((x1, y1))
    lines = [[(round(x, ROUND), round(y, ROUND)) for x, y in part] for part in parts]
    lines = [line for line in lines if len(line) >= 2]
    if len(lines) == 1:
        return LineString(lines[0])
    return MultiLineString(lines)


def _leg_geometry(a: Place, b: Place) -> BaseGeometry:
    return geodesic_line(a.lon, a.lat, b.lon, b.lat)


def route_table(
    routed: Routed, *, routable: pd.DataFrame | None = None, route_codes: tuple[np.ndarray, Any] | None = None
) -> pd.DataFrame:
    """Persons and records per route (exact), with stop names; one row per route key.

    Rows are sorted by persons (descending) then label, so ranks are deterministic.
    """
    rec = routed.records.loc[routed.records["routable"]] if routable is None else routable
    codes, keys = route_codes if route_codes is not None else pd.factorize(rec["route"], sort=True)
    persons = np.bincount(codes, weights=rec["persons"].to_numpy(), minlength=len(keys))
    counts = np.bincount(codes, minlength=len(keys))
    rows = []
    for key, total, n in zip(keys, persons, counts, strict=True):
        stops = routed.routes[str(key)]
        names = [routed.places[s].name for s in stops]
        first, last = routed.places[stops[0]], routed.places[stops[-1]]
        domestic = bool(first.country) and first.country == last.country
        rows.append(
            {
                "route": key,
                "label": " > ".join(names) + (DOMESTIC_MARK if domestic else ""),
                "origin": names[0],
                "transit": " > ".join(names[1:-1]),
                "destination": names[-1],
                "n_stops": len(stops),
                "persons": int(total),
                "records": int(n),
                "domestic": domestic,
            }
        )
    frame = pd.DataFrame(rows, columns=list(ROUTE_COLUMNS))
    return frame.sort_values(["persons", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)


def breakdown(
    routed: Routed,
    dimension: str,
    *,
    routable: pd.DataFrame | None = None,
    route_codes: tuple[np.ndarray, Any] | None = None,
) -> pd.DataFrame:
    """Persons per route and value of one dimension (long format: route, value, persons), sorted.

    ``routable`` (the routable records) and ``route_codes`` (their factorised route column) may be
    passed when they are already at hand.
    """
    rec = routed.records.loc[routed.records["routable"]] if routable is None else routable
    route_codes_, routes = route_codes if route_codes is not None else pd.factorize(rec["route"], sort=True)
    value_codes, raw_values = pd.factorize(rec[dimension], sort=True)
    values = np.array([str(v) for v in raw_values], dtype=object)
    # one bincount over (route, value) pairs instead of a groupby on two text columns
    width = max(len(values), 1)
    sums = np.bincount(route_codes_ * width + value_codes, weights=rec["persons"].to_numpy(), minlength=0)
    cells = np.flatnonzero(sums)
    return pd.DataFrame(
        {
            "route": np.asarray(routes, dtype=object)[cells // width],
            "value": np.asarray(values, dtype=object)[cells % width],
            "persons": sums[cells].astype(np.int64),
        }
    )


def routes_gdf(
    routes: pd.DataFrame, stops_of: dict[str, tuple[str, ...]], places: dict[str, Place]
) -> gpd.GeoDataFrame:
    """Routes as a GeoDataFrame: each route's legs as one (multi)line, or a point for a one-stop route."""
    import geopandas as gpd
    from shapely.geometry import LineString, MultiLineString, Point

    geoms: list[BaseGeometry | None] = []
    for key in routes["route"]:
        stops = stops_of[key]
        parts: list[LineString] = []
        for a, b in itertools.pairwise(stops):
            geom = _leg_geometry(places[a], places[b])
            parts.extend(geom.geoms if isinstance(geom, MultiLineString) else [geom])
        if parts:
            geoms.append(MultiLineString(parts))
        else:  # a route inside one place (origin and destination generalise to the same stop)
            place = places[stops[0]]
            geoms.append(Point(round(place.lon, ROUND), round(place.lat, ROUND)))
    return gpd.GeoDataFrame(routes.copy(), geometry=geoms, crs=CRS)


def legs_gdf(routes: pd.DataFrame, stops_of: dict[str, tuple[str, ...]], places: dict[str, Place]) -> gpd.GeoDataFrame:
    """Legs (consecutive stop pairs) with the persons of every given route that uses them.

    Parameters
    ----------
    routes
        Route rows with ``route`` and ``persons`` (pass only published routes for a public map).
    stops_of
        Route key -> stops.
    places
        Place id -> place.
    """
    import geopandas as gpd

    flows: dict[tuple[str, str], list[int]] = {}
    for key, persons in zip(routes["route"], routes["persons"], strict=True):
        stops = stops_of[key]
        for a, b in itertools.pairwise(stops):
            entry = flows.setdefault((a, b), [0, 0])
            entry[0] += int(persons)
            entry[1] += 1
    rows = [
        {
            "from_id": a,
            "to_id": b,
            "from_name": places[a].name,
            "to_name": places[b].name,
            "persons": p,
            "routes": r,
        }
        for (a, b), (p, r) in flows.items()
    ]
    frame = pd.DataFrame(rows, columns=list(LEG_COLUMNS))
    frame = frame.sort_values(["persons", "from_name", "to_name"], ascending=[False, True, True], kind="stable")
    frame = frame.reset_index(drop=True)
    geoms = [_leg_geometry(places[a], places[b]) for a, b in zip(frame["from_id"], frame["to_id"], strict=True)]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=CRS)


def places_gdf(
    routes: pd.DataFrame, stops_of: dict[str, tuple[str, ...]], places: dict[str, Place]
) -> gpd.GeoDataFrame:
    """Places on the given routes with persons starting, passing and ending there.

    ``persons`` counts each person once per place (a route that passes a place twice counts once).
    ``role`` is origin, transit, destination or several.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    acc: dict[str, list[int]] = {}
    for key, persons in zip(routes["route"], routes["persons"], strict=True):
        stops = stops_of[key]
        p = int(persons)
        for pid in set(stops):
            acc.setdefault(pid, [0, 0, 0, 0])[0] += p
        acc.setdefault(stops[0], [0, 0, 0, 0])[1] += p
        for pid in set(stops[1:-1]) - {stops[0], stops[-1]}:
            acc[pid][2] += p
        acc[stops[-1]][3] += p  # a route of one stop (origin and destination one place) ends where it starts
    rows = []
    for pid, (total, start, passing, end) in acc.items():
        place = places[pid]
        roles = [name for name, n in (("origin", start), ("transit", passing), ("destination", end)) if n]
        rows.append(
            {
                "place_id": pid,
                "name": place.name,
                "level": place.level,
                "country": place.country,
                "persons": total,
                "persons_start": start,
                "persons_pass": passing,
                "persons_end": end,
                "role": roles[0] if len(roles) == 1 else "several",
            }
        )
    frame = pd.DataFrame(rows, columns=list(PLACE_COLUMNS))
    frame = frame.sort_values(["persons", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    geoms = [Point(round(places[p].lon, ROUND), round(places[p].lat, ROUND)) for p in frame["place_id"]]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=CRS)


@dataclass(slots=True)
class Aggregates:
    """Exact, private aggregates of one build: never written anywhere as they are.

    Parameters
    ----------
    routes
        One row per route (see :func:`route_table`), exact persons.
    breakdowns
        Dimension -> long table ``route, value, persons`` (every record has one value per
        dimension, ``unknown`` included, so each route's cells add up to its persons).
    stops
        Route key -> ordered stop ids.
    places
        Stop id -> :class:`Place`.
    years
        Earliest and latest year among routable records (``None`` when there are none).
    """

    routes: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame]
    stops: dict[str, tuple[str, ...]]
    places: dict[str, Place]
    years: tuple[int, int] | None


#: Dimensions broken down per route (tables, map layers, tooltips).
BREAKDOWN_DIMENSIONS: tuple[str, ...] = (
    "sector",
    "exploitation",
    "sex",
    "age_group",
    "year",
    "recruitment",
    "transport",
)


def aggregate(routed: Routed) -> Aggregates:
    """Count persons per route and per route and dimension value (exact; private)."""
    columns = ["route", "persons", "year", *(d for d in BREAKDOWN_DIMENSIONS if d != "year")]
    rec = routed.records.loc[routed.records["routable"].to_numpy(), columns]  # only what is counted
    codes = pd.factorize(rec["route"], sort=True)
    routes = route_table(routed, routable=rec, route_codes=codes)
    breakdowns = {dim: breakdown(routed, dim, routable=rec, route_codes=codes) for dim in BREAKDOWN_DIMENSIONS}
    years = (int(rec["year"].min()), int(rec["year"].max())) if len(rec) else None
    return Aggregates(routes=routes, breakdowns=breakdowns, stops=routed.routes, places=routed.places, years=years)
