"""Scales and coordinates of the interactive map: leg width classes, place radii, the antimeridian seam."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

#: Leg widths: at most this many classes on a 1-2.5-5 series, class i drawn ``1.5 + 2.5 * i`` pixels wide.
MAX_CLASSES = 5
MIN_RADIUS, MAX_RADIUS = 3.0, 20.0


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
