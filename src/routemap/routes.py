"""Turn records' place strings into routes: resolve stops, generalise to a level, collapse repeats."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from routemap.places import SNAP_KM, Gazetteer, Place, Resolution

log = logging.getLogger(__name__)

STOP_FIELDS: tuple[str, ...] = ("origin", "transit", "destination")
PLACE_REPORT_COLUMNS: tuple[str, ...] = (
    "raw",
    "place_id",
    "name",
    "level",
    "country_iso3",
    "lon",
    "lat",
    "method",
    "rows",
    "default_country",
    "candidates",
    "suggestions",
    "note",
    "coordinate_rows",
)
#: Stops whose ``<stop>_lon``/``<stop>_lat`` columns place a record (see :func:`build_routes`).
COORDINATE_STOPS: tuple[str, ...] = ("origin", "destination")


@dataclass(slots=True)
class Routed:
    """Records with their route, and the route definitions.

    Parameters
    ----------
    records
        The input records plus ``route`` (route key, empty when not routable) and ``routable``.
    routes
        Route key -> ordered tuple of place ids (generalised, consecutive repeats collapsed).
    places
        Every place id used by a route -> :class:`Place` (with explicit coordinates applied).
    resolutions
        (raw string, default country) -> :class:`Resolution`.
    """

    records: pd.DataFrame
    routes: dict[str, tuple[str, ...]]
    places: dict[str, Place]
    resolutions: dict[tuple[str, str], Resolution]


def split_transit(value: str) -> list[str]:
    """Split a normalised transit cell (``"A > B"``) into stops."""
    return [p for p in value.split(" > ") if p] if value else []


def resolve_records(
    records: pd.DataFrame, gazetteer: Gazetteer, *, default_countries: dict[str, str | None]
) -> dict[tuple[str, str], Resolution]:
    """Resolve every distinct (place string, partner default country) once.

    Parameters
    ----------
    records
        Canonical records.
    gazetteer
        The gazetteer.
    default_countries
        Partner id -> ISO3 of its default country (or ``None``).
    """
    wanted: set[tuple[str, str]] = set()
    for partner, group in records.groupby("partner", sort=True):
        dc = default_countries.get(str(partner)) or ""
        strings: set[str] = set()
        for column in ("origin", "destination", "intended_destination"):
            strings.update(group[column].unique())
        for cell in group["transit"].unique():
            strings.update(split_transit(cell))
        wanted.update((s, dc) for s in strings if s)
    out: dict[tuple[str, str], Resolution] = {}
    for country in sorted({dc for _, dc in wanted}):
        mine = sorted(raw for raw, d in wanted if d == country)
        for raw, res in gazetteer.resolve_many(mine, default_country=country or None).items():
            out[(raw, country)] = res
    for suspect in name_columns(records, gazetteer, out, default_countries=default_countries):
        log.warning("%s", suspect.message)
        for key in suspect.strings:
            res = out[key]
            if res.resolved:
                out[key] = replace(res, place_id="", method="ambiguous", candidates=(res.place_id,), note=suspect.note)
    out = dict(sorted(out.items()))
    log.info("resolved %d distinct place strings", len(out))
    return out


#: A column is read as people's names when at least this many of its distinct values ...
NAME_COLUMN_MIN = 3
#: ... and at least this share of them are given names that name no country, region or state.
NAME_COLUMN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class NameColumn:
    """A place column of one partner that holds people's names (mapped as a place by mistake).

    Parameters
    ----------
    partner
        The partner id.
    column
        The canonical field (origin, transit, destination, intended_destination).
    names, values
        How many distinct values are given names, of how many.
    examples
        A few of those names, for the message.
    strings
        ``(raw, default country)`` of the column's values that are given names: not placed, even
        those that also name a country ("Jordan", "Georgia").
    """

    partner: str
    column: str
    names: int
    values: int
    examples: tuple[str, ...]
    strings: frozenset[tuple[str, str]]

    @property
    def note(self) -> str:
        """The note each of its strings gets in the place report."""
        return (
            f"a given name in column {self.column!r} of partner {self.partner!r}, which holds people's names "
            f"({self.names} of {self.values} values); check [columns] in its partner.toml"
        )

    @property
    def message(self) -> str:
        """A warning for the analyst."""
        return (
            f"partner {self.partner!r}: column {self.column!r} looks like people's names, not places "
            f"({self.names} of {self.values} distinct values are given names: {', '.join(self.examples)}); "
            f"its given names are not placed; check [columns] in the partner's partner.toml"
        )


def name_columns(
    records: pd.DataFrame,
    gazetteer: Gazetteer,
    resolutions: dict[tuple[str, str], Resolution],
    *,
    default_countries: dict[str, str | None],
) -> list[NameColumn]:
    """Find place columns that hold people's names: a profile that mapped a name column by mistake.

    A value counts as a name when its first word is a given name and, as a whole, it names no
    country, region or state (so "Jordan" in a column of countries does not count, and the
    column's countries are never at stake). A column is a name column when at least
    :data:`NAME_COLUMN_MIN` of its distinct values, and :data:`NAME_COLUMN_SHARE` of them, are names.
    """
    out: list[NameColumn] = []
    for partner, group in records.groupby("partner", sort=True):
        dc = default_countries.get(str(partner)) or ""
        for column in ("origin", "destination", "intended_destination", "transit"):
            values: set[str] = set()
            for cell in group[column].unique():
                values.update(split_transit(cell) if column == "transit" else [cell])
            values.discard("")
            names = []
            given = []
            for raw in sorted(values):
                if not gazetteer.is_given_name(raw):
                    continue
                given.append(raw)
                res = resolutions.get((raw, dc))
                level = gazetteer.place(res.place_id).level if res is not None and res.resolved else ""
                if level not in ("country", "region", "admin1"):
                    names.append(raw)
            if len(names) >= NAME_COLUMN_MIN and len(names) >= NAME_COLUMN_SHARE * len(values):
                out.append(
                    NameColumn(
                        str(partner),
                        column,
                        len(names),
                        len(values),
                        tuple(names[:4]),
                        frozenset((raw, dc) for raw in given),
                    )
                )
    return out


def build_routes(
    records: pd.DataFrame,
    gazetteer: Gazetteer,
    resolutions: dict[tuple[str, str], Resolution],
    *,
    default_countries: dict[str, str | None],
    level: str,
    focus: str | None = None,
) -> Routed:
    """Give every record its route at a level.

    Work is done once per distinct combination of stops and coordinates, not once per row.

    Parameters
    ----------
    records
        Canonical records.
    gazetteer
        The gazetteer.
    resolutions
        From :func:`resolve_records`.
    default_countries
        Partner id -> ISO3 of its default country.
    level
        ``country``, ``admin1`` or ``place``.
    focus
        ISO3 of the focus country, kept at admin-1 (or place) level.
    """
    frame = records.copy(deep=False)  # new columns only: the records' own columns are not copied
    dc = _default_country_column(frame["partner"], default_countries)
    places: dict[str, Place] = {}
    memo: dict[tuple[str, str, float | None, float | None], str] = {}

    def stop(raw: object, country: object, lon: float = np.nan, lat: float = np.nan) -> str:
        # a stop seen before (same string, default country, point) is not worked out again; NaN is
        # never equal to itself, so a missing coordinate is keyed as None
        key = (str(raw), str(country), None if np.isnan(lon) else lon, None if np.isnan(lat) else lat)
        pid = memo.get(key)
        if pid is None:
            pid = memo[key] = _stop(*key[:2], lon, lat, gazetteer, resolutions, level=level, focus=focus, places=places)
        return pid

    # each part of a route is placed once per distinct (string, default country, point): a few hundred
    ends = []
    for end in ("origin", "destination"):
        lon, lat = frame[f"{end}_lon"].astype("float64"), frame[f"{end}_lat"].astype("float64")
        codes, first = _distinct([frame[end], dc, lon, lat])
        at = [c.iloc[first].to_numpy() for c in (frame[end], dc, lon, lat)]
        ends.append((codes, [stop(*values) for values in zip(*at, strict=True)]))
    codes, first = _distinct([frame["transit"], dc])
    written, countries = frame["transit"].iloc[first].to_numpy(), dc.iloc[first].to_numpy()
    transits = [tuple(stop(t, c) for t in split_transit(str(w))) for w, c in zip(written, countries, strict=True)]
    # then each route once per distinct (origin, transits, destination) as placed: a few thousand
    parts = []
    for part_codes, found in (ends[0], (codes, transits), ends[1]):
        number: dict[object, int] = {}  # a pid, or a tuple of them: numbered as placed
        found_codes = np.array([number.setdefault(v, len(number)) for v in found], dtype=np.int32)
        parts.append((found_codes[part_codes] if len(found) else part_codes, list(number)))
    combo_codes, first = _distinct([pd.Series(c) for c, _ in parts])
    route_of_combo = np.empty(len(first), dtype=object)
    routes: dict[str, tuple[str, ...]] = {}
    for combo, row in enumerate(first):
        origin, transit, destination = (values[c[row]] for c, values in parts)
        stops = [origin, *transit, destination]
        if not all(stops):
            route_of_combo[combo] = ""
            continue
        collapsed = tuple(s for i, s in enumerate(stops) if i == 0 or s != stops[i - 1])
        route_of_combo[combo] = key = " > ".join(collapsed)
        routes[key] = collapsed
    # a categorical column: a million rows share a few thousand route keys (no per-row strings)
    route_codes, route_keys = pd.factorize(route_of_combo, sort=True)
    frame["route"] = pd.Categorical.from_codes(
        route_codes[combo_codes] if len(first) else np.array([], dtype=np.int64),
        categories=pd.Index(list(route_keys), dtype=object),
    )
    frame["routable"] = (frame["route"] != "").to_numpy(dtype=bool)
    # by id: the order records came in is no part of what is published
    places = {pid: places[pid] for pid in sorted(places)}
    return Routed(records=frame, routes=routes, places=places, resolutions=resolutions)


def _distinct(columns: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """A code per row for its combination of the columns' values, and the first row of each combination.

    Codes are numbered in order of first appearance.
    """
    n = len(columns[0])
    codes = np.zeros(n, dtype=np.int64)
    for column in columns:
        if column.dtype.kind == "f" and column.isna().all():
            continue  # no coordinates given in this column: nothing to tell combinations apart
        column_codes, uniques = pd.factorize(column, use_na_sentinel=False)
        codes = pd.factorize(codes * (len(uniques) + 1) + column_codes)[0].astype(np.int64)
    first = pd.Series(codes).drop_duplicates().index.to_numpy() if n else np.array([], dtype=np.int64)
    return codes.astype(np.int32), first  # (fewer combinations than rows)


def _default_country_column(partner: pd.Series, default_countries: dict[str, str | None]) -> pd.Series:
    """Each record's partner's default country (``""``: none), as a categorical over the few partners."""
    partner_codes, partners = pd.factorize(partner)
    of_partner = [default_countries.get(str(p)) or "" for p in partners]
    countries = sorted(set(of_partner) | {""})
    to_country = np.array([countries.index(c) for c in of_partner] + [0], dtype=np.int64)  # -1: no partner
    column = pd.Series(pd.Categorical.from_codes(to_country[partner_codes], categories=pd.Index(countries)))
    column.index = partner.index
    return column


def generalise_stops(
    stops: Iterable[str],
    gazetteer: Gazetteer,
    *,
    level: str,
    focus: str | None,
    memo: dict[str, str] | None = None,
) -> tuple[str, ...]:
    """A route's stops at a level: each generalised, consecutive repeats collapsed (as routing does).

    ``memo`` (stop -> generalised stop, for this level and focus) is read and filled when given.
    """
    out: list[str] = []
    for stop in stops:
        pid = memo.get(stop) if memo is not None else None
        if pid is None:
            pid = gazetteer.generalise(stop, level=level, focus=focus)
            if memo is not None:
                memo[stop] = pid
        if not out or out[-1] != pid:
            out.append(pid)
    return tuple(out)


def generalise_routes(fine: Routed, gazetteer: Gazetteer, *, level: str, focus: str | None = None) -> Routed:
    """The routes of :func:`build_routes` at ``level`` and ``focus``, made from its routes at place level.

    Every stop of a fine route (``level="place"``, no focus) is generalised and repeats collapse, the
    same steps :func:`build_routes` takes per stop, so the result equals routing the records again
    at that level; the work follows the distinct fine routes, not the records.
    """
    if level == "place" and focus is None:
        return fine
    column = fine.records["route"]
    categories = [str(c) for c in column.cat.categories]
    keys = []
    routes: dict[str, tuple[str, ...]] = {}
    memo: dict[str, str] = {}  # a few hundred places among ten thousand routes' stops
    for fine_key in categories:
        if not fine_key:
            keys.append("")
            continue
        collapsed = generalise_stops(fine_key.split(" > "), gazetteer, level=level, focus=focus, memo=memo)
        key = " > ".join(collapsed)
        routes[key] = collapsed
        keys.append(key)
    new_codes, new_keys = pd.factorize(np.asarray(keys, dtype=object), sort=True)
    codes = column.cat.codes.to_numpy()
    frame = fine.records.copy(deep=False)
    frame["route"] = pd.Categorical.from_codes(
        new_codes[codes] if len(categories) else np.array([], dtype=np.int64),
        categories=pd.Index(list(new_keys), dtype=object),
    )
    frame["routable"] = (frame["route"] != "").to_numpy(dtype=bool)
    ids = {gazetteer.generalise(pid, level=level, focus=focus) for pid in fine.places}
    places = {pid: gazetteer.place(pid) for pid in sorted(ids)}
    return Routed(records=frame, routes=routes, places=places, resolutions=fine.resolutions)


def _stop(
    raw: str,
    dc: str,
    lon: float,
    lat: float,
    gazetteer: Gazetteer,
    resolutions: dict[tuple[str, str], Resolution],
    *,
    level: str,
    focus: str | None,
    places: dict[str, Place],
) -> str:
    """The place id one written stop becomes at the level ("" when it places nothing).

    A record's own coordinates never become a published point: a stop whose name resolves is
    that place, generalised to the level and drawn at the place's own point; a stop whose name no
    source knows is named after the settlement its point lies near (see
    :meth:`Gazetteer.nearest_settlement`), or places nothing.
    """
    res = resolutions.get((raw, dc))
    has_point = not (np.isnan(lon) or np.isnan(lat))
    if res is not None and res.resolved:
        found: str = res.place_id
    elif has_point:
        near = gazetteer.nearest_settlement(lon, lat)
        if near is None:
            return ""
        found = near[0]
    else:
        return ""
    pid = gazetteer.generalise(found, level=level, focus=focus)
    places.setdefault(pid, gazetteer.place(pid))
    return pid


def alias_suggestions(resolutions: dict[tuple[str, str], Resolution]) -> list[tuple[str, str]]:
    """Lines for a project's ``data/aliases.csv``: each string that places no record and its likeliest place.

    The place is the first candidate of an ambiguous string or the closest suggestion for an
    unresolved one, as a place id; empty when there is none (the analyst fills it in).
    """
    out: dict[str, str] = {}
    for (raw, _), res in sorted(resolutions.items()):
        if res.method not in ("unresolved", "ambiguous") or raw in out:
            continue
        out[raw] = (res.candidates or res.suggestion_ids or ("",))[0]
    return list(out.items())


def place_report(
    records: pd.DataFrame,
    gazetteer: Gazetteer,
    resolutions: dict[tuple[str, str], Resolution],
    *,
    default_countries: dict[str, str | None],
) -> pd.DataFrame:
    """One row per distinct raw string (and default country) with how it resolved and its row count.

    A string no source knows whose every row gives its own coordinates (``origin_lon``/``origin_lat``
    or ``destination_lon``/``destination_lat``) is placed there: its method is ``coordinates``.
    ``coordinate_rows`` counts the rows that give coordinates for the string.

    This is private material (it holds raw strings): it is written to ``.routemap/places.csv`` only.
    """
    dc = _default_country_column(records["partner"], default_countries)
    rows = _string_rows(records, dc)
    with_point, points = _own_points(records, dc)
    out = []
    for (raw, country), res in sorted(resolutions.items()):
        n, n_point = rows.get((raw, country), 0), with_point.get((raw, country), 0)
        place_id, method, note = res.place_id, res.method, res.note
        if not res.resolved and n_point:
            near = (gazetteer.nearest_settlement(x, y) for x, y in sorted(points[(raw, country)]))
            snapped = {found[0] if found else "" for found in near}
            names = sorted(gazetteer.describe(s) for s in snapped if s)
            if len(snapped) == 1 and "" not in snapped:
                place_id, method = next(iter(snapped)), "coordinates"
            note = "; ".join(
                s
                for s in (
                    note,
                    f"{n_point} of {n} rows give their own coordinates",
                    f"placed at the settlement within {SNAP_KM:g} km: {', '.join(names)}"
                    if names
                    else f"no settlement within {SNAP_KM:g} km of their points (clearly in one country)",
                )
                if s
            )
        elif n_point:
            note = "; ".join(
                s for s in (note, f"{n_point} row(s) give their own coordinates (not used: the name places it)") if s
            )
        place = gazetteer.place(place_id) if place_id else None
        out.append(
            {
                "raw": raw,
                "place_id": place_id,
                "name": place.name if place else "",
                "level": place.level if place else "",
                "country_iso3": place.country if place else "",
                "lon": round(place.lon, 4) if place else None,
                "lat": round(place.lat, 4) if place else None,
                "method": method,
                "rows": n,
                "default_country": country,
                "candidates": " | ".join(gazetteer.describe(c) for c in res.candidates),
                "suggestions": " | ".join(res.suggestions),
                "note": note,
                "coordinate_rows": n_point,
            }
        )
    return pd.DataFrame(out, columns=list(PLACE_REPORT_COLUMNS))


def _string_rows(records: pd.DataFrame, dc: pd.Series) -> Counter[tuple[str, str]]:
    """Rows per distinct raw stop string and default country, over every stop column (transit split).

    Parameters
    ----------
    records
        The records.
    dc
        Each record's partner's default country (``""``: none).

    Returns
    -------
    Counter
        (raw string, default country) -> rows that write it.
    """
    rows: Counter[tuple[str, str]] = Counter()
    # counted by codes per distinct (cell, default country): the cost follows distinct values, and no
    # column of strings is made (at 5M records a string copy per column took 2 s and 0.5 GB)
    dc_codes, countries = pd.factorize(dc)
    width = max(len(countries), 1)
    for column in ("origin", "destination", "intended_destination", "transit"):
        codes, cells = pd.factorize(records[column])
        seen = codes >= 0
        pairs = np.bincount(codes[seen].astype(np.int64) * width + dc_codes[seen], minlength=0)
        for key in np.flatnonzero(pairs).tolist():
            cell, country = str(cells[key // width]), str(countries[key % width])
            for raw in split_transit(cell) if column == "transit" else [cell]:
                if raw:
                    rows[(raw, country)] += int(pairs[key])
    return rows


def _own_points(
    records: pd.DataFrame, dc: pd.Series
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[tuple[float, float]]]]:
    """The rows that give a stop its own coordinates, and those points, per raw string and default country.

    Parameters
    ----------
    records
        The records (``<stop>_lon``/``<stop>_lat`` columns where given).
    dc
        Each record's partner's default country (``""``: none).

    Returns
    -------
    tuple
        (raw string, default country) -> rows with coordinates, and -> the distinct points (rounded
        to 4 decimals).
    """
    with_point: Counter[tuple[str, str]] = Counter()
    points: dict[tuple[str, str], set[tuple[float, float]]] = {}
    for stop in COORDINATE_STOPS:
        lon, lat = records.get(f"{stop}_lon"), records.get(f"{stop}_lat")
        if lon is None or lat is None:
            continue
        has = (lon.notna() & lat.notna()).to_numpy(dtype=bool)
        if not has.any():  # most files give no coordinates: no column of strings for them
            continue
        located = pd.DataFrame(
            {"raw": records[stop][has].astype(str), "dc": dc[has], "lon": lon[has].round(4), "lat": lat[has].round(4)}
        )
        counted = located.value_counts(sort=False)
        for (raw, country, x, y), n in zip(counted.index.tolist(), counted.tolist(), strict=True):
            with_point[(raw, country)] += int(n)
            points.setdefault((raw, country), set()).add((float(x), float(y)))
    return with_point, points
