"""Parse cells as written into years, counts and points, vectorised over a column's distinct values."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: A WKT point, optionally with an SRID prefix and a Z/M value: ``POINT (lon lat)``.
_WKT_POINT = re.compile(
    rf"^(?:SRID=\d+;)?POINT\s*(?:Z|M|ZM)?\s*\(\s*({_NUMBER})\s+({_NUMBER})(?:\s+{_NUMBER}){{0,2}}\s*\)$",
    re.IGNORECASE,
)
#: Two numbers separated by a comma, a semicolon or spaces, optionally in brackets: ``3.14, 101.69``.
_PAIR_POINT = re.compile(rf"^[(\[]?\s*({_NUMBER})\s*(?:[,;]\s*|\s+)({_NUMBER})\s*[)\]]?$")

_YEAR_IN_TEXT = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


def by_value(series: pd.Series, fn: Callable[[pd.Series], pd.Series], *, missing: Any = None) -> pd.Series:
    """Apply a vectorised ``fn`` to the distinct values of ``series`` only, then spread the result back.

    Columns such as year, persons, sector or place hold few distinct values among many rows: the
    cost then grows with the distinct values, not the rows. A missing cell (NaN, None) gets ``missing``.
    """
    codes, uniques = pd.factorize(series, sort=False)
    result = fn(pd.Series(uniques, dtype=object)).to_numpy()
    if (codes < 0).any():  # a missing cell's code is -1: it takes the value put last
        result = np.append(result, np.array([missing], dtype=object if missing is None else None))
    values = result[codes]
    # object stays object: letting pandas infer "str" would copy every cell into an arrow array
    return pd.Series(values, index=series.index, dtype=object if values.dtype == object else None)


def parse_years(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (year as float, NaN when unparseable) and a mask of values that are not years."""
    year = by_value(series, _parse_year_values).astype("float64")
    return year, year.isna()


def _parse_year_values(series: pd.Series) -> pd.Series:
    text = series.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    whole = numeric.where(np.isclose(numeric.fillna(0.5) % 1, 0))
    from_text = text.str.extract(_YEAR_IN_TEXT, expand=False)
    from_text_num = pd.to_numeric(from_text, errors="coerce")
    # a bare number must be a year; a date-like text ("2023-05-01", "01/05/2023") gives its year
    return whole.where(whole.notna(), from_text_num.where(text.str.contains(r"[-/.]", regex=True)))


def parse_points(cells: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Longitude, latitude (NaN where a cell is empty) and a mask of filled cells that are not a point."""
    text = cells.astype(str).str.strip()
    pattern = _WKT_POINT if fmt == "wkt" else _PAIR_POINT
    parts = text.str.extract(pattern)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    lon, lat = (second, first) if fmt == "lat,lon" else (first, second)
    empty = text.eq("") | text.str.fullmatch(r"(?i)POINT\s*EMPTY")
    unreadable = ~empty & (lon.isna() | lat.isna())
    keep = ~empty & ~unreadable
    return lon.where(keep), lat.where(keep), unreadable


def point_message(value: str, *, stop: str, fmt: str) -> str:
    """Why a ``[points]`` cell was not read, and how it should be written."""
    example = {"wkt": "POINT (101.69 3.14)", "lat,lon": "3.14, 101.69", "lon,lat": "101.69, 3.14"}[fmt]
    return (
        f"{value!r} is not a point in the format of [points] {stop} (format = {fmt!r}, e.g. {example!r}) with "
        "longitude -180..180 and latitude -90..90; correct the cell, or the format if lat and lon are swapped"
    )
