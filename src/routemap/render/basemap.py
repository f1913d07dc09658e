"""The offline basemap of a self-contained map.html: Natural Earth outlines cut to the map's extent, as compact text."""

from __future__ import annotations

import functools
import importlib.resources
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import GeometryType

#: Natural Earth 1:10m land, country borders and admin-1 lines, simplified (scripts/make_outlines.py).
OUTLINES_FILE = "outlines.npz"
OUTLINES_CREDIT = "Outlines: Natural Earth (public domain)"
#: Detail of the world drawn around the extent (degrees): enough to recognise continents when zoomed out.
WORLD_TOLERANCE = 0.6
WORLD_MIN_AREA = 2.0
#: The extent is drawn at about this many simplification steps across its width.
STEPS_ACROSS = 900
MIN_TOLERANCE = 0.02
LAT_LIMIT = 84.0


@dataclass(frozen=True, slots=True)
class Outlines:
    """Vectors of land polygons, country border lines and admin-1 lines (lon/lat)."""

    land: np.ndarray
    borders: np.ndarray
    admin1: np.ndarray
    admin1_country: np.ndarray


def _lines(xy: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    coords = xy.astype("f8") / 100.0
    return shapely.from_ragged_array(GeometryType.LINESTRING, coords, (offsets.astype("i8"),))


@functools.cache
def load_outlines() -> Outlines:
    """Read the outlines routemap ships (once per process)."""
    raw = importlib.resources.files("routemap").joinpath("data", OUTLINES_FILE).read_bytes()
    with np.load(io.BytesIO(raw)) as data:
        land_rings = _lines(data["land_xy"], data["land_offsets"])
        land = shapely.polygons(shapely.linearrings(shapely.get_coordinates(land_rings), indices=_ring_index(data)))
        countries = [str(c) for c in data["countries"]]
        admin_country = np.array([countries[i] for i in data["admin1_country"]], dtype=object)
        return Outlines(
            land=land,
            borders=_lines(data["border_xy"], data["border_offsets"]),
            admin1=_lines(data["admin1_xy"], data["admin1_offsets"]),
            admin1_country=admin_country,
        )


def _ring_index(data: np.lib.npyio.NpzFile) -> np.ndarray:
    offsets = data["land_offsets"]
    return np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))


# ---------------------------------------------------------------------------------------------- encoding
def encode(coords: np.ndarray) -> str:
    """Encode a line as text: Google's polyline algorithm on hundredths of a degree, longitude first.

    Parameters
    ----------
    coords
        ``(n, 2)`` lon/lat pairs.
    """
    ints = np.round(np.asarray(coords) * 100).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    out: list[str] = []
    for value in deltas.tolist():
        v = ~(value << 1) if value < 0 else value << 1
        while v >= 0x20:
            out.append(chr((0x20 | (v & 0x1F)) + 63))
            v >>= 5
        out.append(chr(v + 63))
    return "".join(out)


def decode(text: str) -> list[tuple[float, float]]:
    """The lon/lat pairs of :func:`encode`'s text (for tests and readers of the page)."""
    values: list[int] = []
    shift = result = 0
    for ch in text:
        b = ord(ch) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    xs = np.cumsum(values[0::2]) / 100.0
    ys = np.cumsum(values[1::2]) / 100.0
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


# ---------------------------------------------------------------------------------------------- cutting
def _parts(geoms: Iterable[shapely.Geometry]) -> list[np.ndarray]:
    out = []
    for geom in geoms:
        for part in shapely.get_parts(geom):
            if part.is_empty:
                continue
            if part.geom_type == "Polygon":
                out.append(np.asarray(part.exterior.coords))
            elif part.geom_type == "LineString":
                out.append(np.asarray(part.coords))
    return [p for p in out if len(p) >= 2]


def _cut(
    geoms: np.ndarray, box: tuple[float, float, float, float], *, tolerance: float, min_area: float = 0.0
) -> list[np.ndarray]:
    """Parts of ``geoms`` inside ``box`` (which may reach past ±180: copies of the world are cut too)."""
    x0, y0, x1, y1 = box
    out: list[np.ndarray] = []
    for shift in (-360.0, 0.0, 360.0):
        lo, hi = max(x0 - shift, -180.0), min(x1 - shift, 180.0)
        if lo >= hi:
            continue
        hits = geoms[shapely.intersects(geoms, shapely.box(lo, y0, hi, y1))]
        if not len(hits):
            continue
        clipped = shapely.clip_by_rect(hits, lo, y0, hi, y1)
        simple = shapely.simplify(clipped, tolerance)
        if min_area:
            simple = simple[shapely.area(simple) >= min_area]
        for part in _parts(simple):
            out.append(part + np.array([shift, 0.0]))
    return out


def extent_of(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The box the basemap draws in detail: the places' box with a wide margin (lon may pass ±180).

    Parameters
    ----------
    points
        ``(lon, lat)`` of the places, longitudes already in the map's window.
    """
    if not points:
        return (60.0, -20.0, 160.0, 40.0)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    mx, my = max(12.0, 0.6 * width), max(10.0, 0.6 * height)
    return (
        min(xs) - mx,
        max(-LAT_LIMIT, min(ys) - my),
        max(xs) + mx,
        min(LAT_LIMIT, max(ys) + my),
    )


def page_outlines(
    extent: tuple[float, float, float, float], *, admin1_countries: Iterable[str] = (), west: float = -180.0
) -> dict[str, list[str]]:
    """Outlines for one page: land, country borders and the admin-1 lines of some countries, encoded.

    The extent is drawn with detail to suit its width; the rest of the world (one copy, from ``west``)
    coarsely, so a reader who zooms out still sees where things are.

    Parameters
    ----------
    extent
        ``(west, south, east, north)`` in degrees; longitudes may pass ±180.
    admin1_countries
        ISO 3166-1 alpha-3 codes whose state / province lines are drawn (inside the extent).
    west
        Western edge of the map's longitude window.

    Returns
    -------
    dict
        ``world`` (coarse land rings), ``land`` (rings), ``borders`` and ``admin1`` (lines), each a
        list of :func:`encode` strings.
    """
    outlines = load_outlines()
    x0, _, x1, _ = extent
    tolerance = max(MIN_TOLERANCE, (x1 - x0) / STEPS_ACROSS)
    min_area = (2 * tolerance) ** 2
    world_box = (west, -LAT_LIMIT, west + 360.0, LAT_LIMIT)
    wanted = sorted(set(admin1_countries))
    admin = outlines.admin1[np.isin(outlines.admin1_country, wanted)] if wanted else outlines.admin1[:0]
    # state lines are what a focus map is read by: twice the detail of the coast
    fine = max(MIN_TOLERANCE, tolerance / 2)
    return {
        "world": [
            encode(p) for p in _cut(outlines.land, world_box, tolerance=WORLD_TOLERANCE, min_area=WORLD_MIN_AREA)
        ],
        "land": [encode(p) for p in _cut(outlines.land, extent, tolerance=tolerance, min_area=min_area)],
        "borders": [encode(p) for p in _cut(outlines.borders, extent, tolerance=tolerance) if _long(p, tolerance)],
        "admin1": [encode(p) for p in _cut(admin, extent, tolerance=fine) if _long(p, fine)],
    }


def _long(part: np.ndarray, tolerance: float) -> bool:
    """Whether a line is long enough to see at the tolerance it was simplified to."""
    steps = np.diff(part, axis=0)
    return float(np.hypot(steps[:, 0], steps[:, 1]).sum()) >= 2 * tolerance
