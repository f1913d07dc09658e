"""Disclosure control: the one gate between exact private aggregates and every published figure.

The rules (README "Privacy" explains them for readers; the attacker knows all of them):

1. **Routes.** A route with at least ``min_count`` persons is published with its exact count. A
   route with fewer is not listed anywhere: its existence is not published either, so a reader can
   never rule out that a hidden route has no person at all.
2. **Breakdown rows** (a published route by sector, sex, year, …) have fixed columns: every value
   of the vocabulary (every year of the period for ``year``), zero included. In a row where any
   column holds fewer than ``min_count`` persons — zero included — every such cell is shown as
   ``<5`` and one more cell is hidden, shown as ``x``: ``unknown`` if it is not small, else ``other``,
   else the largest other cell (ties: column order); a row of small cells only hides ``unknown``, else
   ``other``, else its largest. A row with no small cell is published in full. A year row never hides
   a small cell of a year in which an earlier release left its route out (``left_out``; see
   :class:`routemap.releases.LeftOut`): the rule is applied to its other years.
   Because zeros look like small counts and the hidden cell takes any value, moving every small
   count of a row into its ``x`` cell gives an input that publishes byte-identical outputs: whatever
   a reader combines, every ``<5`` cell may be 0, and no hidden count can be pinned (tests/attacker.py
   checks this by running the rule on every alternative input).
3. **Derived figures are functions of published figures only**: legs, places, map layers, shares,
   the share of women and children and a route's top sector. A figure that needs a hidden cell is
   left blank; the decision to leave it blank reads published figures only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from routemap._errors import DisclosureError
from routemap.aggregate import DOMESTIC_MARK, Aggregates, legs_gdf, places_gdf, routes_gdf
from routemap.places import Place
from routemap.schema import VOCABULARIES

if TYPE_CHECKING:  # geometry is made by aggregate's layer functions, when asked for
    import geopandas as gpd

log = logging.getLogger(__name__)

ROUTES_CSV_COLUMNS: tuple[str, ...] = ("rank", "route", "origin", "transit", "destination", "persons", "share")
#: Statuses of a breakdown cell: published, small (shown ``<5``: 0 to min_count - 1) or hidden (``x``).
PUBLISHED, SMALL, HIDDEN = "published", "small", "hidden"
#: How the one extra hidden cell of a row is shown (any size: hidden so that small cells stay unknown).
HIDDEN_LABEL = "x"
#: Columns hidden first when a row needs its extra hidden cell: the least informative ones.
HIDE_FIRST: tuple[str, ...] = ("unknown", "other")
#: The year breakdown's first column: the earliest year a record may have (the readers' ``MIN_YEAR``). The
#: columns must not depend on which years happen to hold records (rule 2), so they start here.
FIRST_YEAR = 1950
#: Dimensions whose share is published per route: (dimension, numerator value, denominator values).
SHARES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pct_women": ("sex", "female", ("female", "male")),
    "pct_children": ("age_group", "child", ("child", "adult")),
}


def suppressed_label(min_count: int) -> str:
    """How a small count is shown: ``<5`` for a threshold of 5 (it means 0 to 4)."""
    return f"<{min_count}"


def dimension_columns(dimension: str, values: Sequence[str], year_span: tuple[int, int] | None = None) -> list[str]:
    """The fixed columns of a breakdown: the whole vocabulary (or every year of the span), then any other value.

    The columns never depend on which cells happen to be filled, so a row's zeros are cells like
    any other (rule 2 of the module docstring).
    """
    present = [str(v) for v in values]
    if dimension == "year":
        years = {int(v) for v in present if v.lstrip("-").isdigit()}
        if year_span is not None:
            years |= set(range(year_span[0], year_span[1] + 1))
        return [str(y) for y in sorted(years)]
    vocabulary = list(VOCABULARIES.get(dimension, ()))
    return vocabulary + sorted(set(present) - set(vocabulary))


def protect_rows(
    counts: np.ndarray, columns: Sequence[str], *, min_count: int, barred: np.ndarray | None = None
) -> np.ndarray:
    """Statuses of every cell of many breakdown rows (one row per route, one column per value).

    Parameters
    ----------
    counts
        Exact persons, shape (rows, columns); each row adds up to its route's published total.
    columns
        The column values, in their fixed order.
    min_count
        Smallest count published.
    barred
        Cells that may not be the extra hidden one while they are small (same shape; see
        :class:`routemap.releases.LeftOut`): the rule is applied to the other cells of the row, unless
        every cell of it is barred and small.

    Returns
    -------
    numpy.ndarray
        Object array of the same shape holding :data:`PUBLISHED`, :data:`SMALL` or :data:`HIDDEN`.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.ndim != 2:  # a flat list of rows (a matrix of no rows or no columns is kept as it is)
        counts = counts.reshape(-1, len(columns))
    small = counts < min_count
    status = np.where(small, SMALL, PUBLISHED).astype(object)
    needs = small.any(axis=1)
    if not needs.any():
        return status
    # priority of each column for the extra hidden cell: unknown, other, then the largest count
    first = np.array([HIDE_FIRST.index(c) if c in HIDE_FIRST else len(HIDE_FIRST) for c in columns])
    rows = np.flatnonzero(needs)
    sub, sub_small = counts[rows], small[rows]
    # cells that are not small come first (in a row of small cells only, all of them); among them
    # unknown, other, then larger counts; argmin keeps the first column among ties
    m = int(sub.max(initial=0)) + 2
    # a barred cell is passed over while it is small (a cell an earlier release's data left small but that
    # is no longer small may be hidden: it does not stand for the earlier count)
    bar = np.zeros_like(sub_small) if barred is None else np.asarray(barred, dtype=bool).reshape(counts.shape)[rows]
    bar &= sub_small
    bar &= ~bar.all(axis=1, keepdims=True)  # (a row whose every cell is barred: the rule as if none were)
    demoted = sub_small & ~(sub_small | bar).all(axis=1, keepdims=True)
    regular = first[None, :] == len(HIDE_FIRST)
    score = bar * (8 * m) + demoted * (4 * m) + first[None, :] * m + np.where(regular, m - 1 - sub, 0)
    chosen = np.argmin(score, axis=1)
    status[rows, chosen] = HIDDEN
    return status


def protect_row(counts: Sequence[int], columns: Sequence[str], *, min_count: int) -> list[str]:
    """Statuses of one breakdown row's cells (see :func:`protect_rows`)."""
    return [str(s) for s in protect_rows(np.array([list(counts)]), columns, min_count=min_count)[0]]


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One published breakdown: published routes by the values of a dimension.

    Parameters
    ----------
    dimension
        sector, sex, year, …
    columns
        Every value of the dimension, in order (fixed: they do not depend on the data).
    cells
        Long table ``route, value, shown, persons``: ``shown`` is the text a table prints
        (``12``, ``<5`` or ``x``); ``persons`` is the count of a published cell and missing (NA)
        for every other cell, so no hidden count is held anywhere in a publication.
    """

    dimension: str
    columns: tuple[str, ...]
    cells: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Publication:
    """Everything a build may publish, and nothing else: every output is written from one of these.

    Build it with :func:`publish`. It holds the published routes with their exact counts, each
    breakdown's published cells and labels, the routes' stops and places, and details derived from
    published cells; it holds no count of a route or cell that did not pass the gate.
    """

    min_count: int
    route_rows: pd.DataFrame
    breakdowns: dict[str, Breakdown]
    stops: dict[str, tuple[str, ...]]
    places_by_id: dict[str, Place]
    details: pd.DataFrame
    stats: dict[str, int] = field(default_factory=dict)

    _writer: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_closed(self)

    def __getstate__(self) -> list[Any]:
        """Pickled without its writer (and the project behind it): a copy draws, it never writes."""
        return [None if f.name == "_writer" else getattr(self, f.name) for f in fields(self)]

    def _repr_html_(self) -> str:
        """How a notebook shows a publication: its size and top routes (escaped)."""
        table = self.route_table().head(15).to_html(index=False, escape=True)
        return f"<p>{len(self.route_rows)} published routes, {self.published_persons:,} persons</p>{table}"

    @property
    def routes(self) -> gpd.GeoDataFrame:
        """Published routes as lines (EPSG:4326): label, stops, persons, share, and the proven details."""
        layer = self.routes_layer()
        return layer.merge(self.details, on="route", how="left")

    def map(self, **options: Any) -> Any:
        """The interactive map (a ``folium.Map``) drawn from these figures only.

        ``options`` are those of :func:`routemap.render.map.build_map` (title, subtitle, by, tiles, …).
        """
        from routemap.render.map import build_map

        return build_map(self, **options)

    def write(self, out_dir: str | Path, *, formats: str | Sequence[str] | None = None) -> list[str]:
        """Write every output of this publication into a folder, through the build's leak check.

        Only a publication made by a project (``project.publish()`` or :func:`routemap.build`) can
        be written: writing needs the project's private material for the leak check and records the
        release in the project's register. Returns the files written.
        """
        if self._writer is None:
            raise DisclosureError(
                "this publication was not made by a project, so it cannot be checked for leaks; "
                "make it with routemap.open_project(path).publish()"
            )
        return list(self._writer(Path(out_dir), formats))

    # ------------------------------------------------------------------ routes
    @property
    def label(self) -> str:
        """How a small count is shown (``<5``)."""
        return suppressed_label(self.min_count)

    def published_routes(self) -> pd.DataFrame:
        """Published routes with their persons: route, label, origin, transit, destination, n_stops, persons."""
        return self.route_rows.copy()

    @property
    def published_persons(self) -> int:
        """Persons on published routes: the denominator of every share."""
        return int(self.route_rows["persons"].sum())

    @property
    def years(self) -> tuple[int, int] | None:
        """First and last year with a published count in the year breakdown (``None`` without one)."""
        if "year" not in self.breakdowns:
            return None
        cells = self.cells("year")
        if cells.empty:
            return None
        years = sorted(int(v) for v in cells["value"].unique())
        return years[0], years[-1]

    def route_table(self) -> pd.DataFrame:
        """The routes.csv table: published routes ranked by persons (ties share a rank), with their share.

        Routes below the minimum count are not listed (see the module docstring).
        """
        published = self.route_rows
        total = self.published_persons
        ranks = published["persons"].rank(method="min", ascending=False).astype(int)
        shares = (100.0 * published["persons"] / total).round(1) if total else published["persons"] * 0.0
        return pd.DataFrame(
            {
                "rank": ranks.astype(str),
                "route": published["label"],
                "origin": published["origin"],
                "transit": published["transit"],
                "destination": published["destination"],
                "persons": published["persons"].astype(str),
                "share": shares.map(lambda v: f"{v:.1f}"),
            }
        )[list(ROUTES_CSV_COLUMNS)].reset_index(drop=True)

    # ------------------------------------------------------------------ breakdowns
    def columns(self, dimension: str) -> tuple[str, ...]:
        """The fixed columns of a breakdown."""
        return self.breakdowns[dimension].columns

    def breakdown(self, dimension: str) -> pd.DataFrame:
        """Long table for published routes: route, label, value, shown (``12``, ``<5`` or ``x``), status."""
        cells = self.breakdowns[dimension].cells
        labels = self.route_rows.set_index("route")["label"]
        status = np.where(
            cells["shown"] == self.label, SMALL, np.where(cells["shown"] == HIDDEN_LABEL, HIDDEN, PUBLISHED)
        )
        return pd.DataFrame(
            {
                "route": cells["route"],
                "label": cells["route"].map(labels),
                "value": cells["value"],
                "shown": cells["shown"],
                "status": status,
            }
        ).reset_index(drop=True)

    def cells(self, dimension: str, value: str | None = None) -> pd.DataFrame:
        """Published cells with a count above zero: route, value, persons; optionally of one value."""
        cells = self.breakdowns[dimension].cells
        cells = cells.loc[cells["persons"].notna() & (cells["persons"] > 0), ["route", "value", "persons"]]
        if value is not None:
            cells = cells.loc[cells["value"] == str(value)]
        return cells.astype({"persons": "int64"}).reset_index(drop=True)

    def dimension_values(self, dimension: str) -> list[str]:
        """Values of a dimension with at least one published count, in column order."""
        present = set(self.cells(dimension)["value"])
        return [v for v in self.columns(dimension) if v in present]

    def route_details(self) -> pd.DataFrame:
        """Per published route: pct_women, pct_children (whole per cent, or NaN) and top_sector ('' when not shown)."""
        return self.details.copy()

    # ------------------------------------------------------------------ geometry
    def _layer_routes(self, dimension: str | None, value: str | None, routes: Sequence[str] | None) -> pd.DataFrame:
        frame = self.route_rows if dimension is None else self.cells(dimension, value)
        if routes is not None:
            frame = frame.loc[frame["route"].isin(list(routes))]
        return frame[["route", "persons"]]

    def legs(
        self, dimension: str | None = None, value: str | None = None, *, routes: Sequence[str] | None = None
    ) -> gpd.GeoDataFrame:
        """Legs with persons summed over published routes (or published cells of one dimension value).

        ``routes`` keeps only some published routes (by key), e.g. the top routes of a static map.
        """
        return legs_gdf(self._layer_routes(dimension, value, routes), self.stops, self.places_by_id)

    def places(
        self, dimension: str | None = None, value: str | None = None, *, routes: Sequence[str] | None = None
    ) -> gpd.GeoDataFrame:
        """Places with persons starting, passing and ending there, over published routes (or cells)."""
        return places_gdf(self._layer_routes(dimension, value, routes), self.stops, self.places_by_id)

    def routes_layer(self) -> gpd.GeoDataFrame:
        """Published routes as lines (EPSG:4326) with persons and share."""
        routes = self.published_routes()
        total = self.published_persons
        routes["share"] = (100.0 * routes["persons"] / total).round(1) if total else 0.0
        return routes_gdf(routes, self.stops, self.places_by_id)


# ---------------------------------------------------------------------------------------- the gate


def _breakdown(
    cells: pd.DataFrame,
    dimension: str,
    published: pd.Series,
    *,
    min_count: int,
    year_span: tuple[int, int] | None,
    complements: bool,
    left_out: Callable[[str], Collection[int]] | None = None,
) -> tuple[Breakdown, dict[str, int]]:
    """Apply rule 2 to one dimension's exact cells (long: route, value, persons) of published routes.

    ``left_out``: for the year rows, the years in which an earlier release left a route out (their
    cells are never its hidden one while small; see :class:`routemap.releases.LeftOut`).
    """
    cells = cells.loc[cells["route"].isin(published.index)]
    columns = dimension_columns(dimension, cells["value"].astype(str).unique().tolist(), year_span)
    routes = published.index.tolist()
    matrix = np.zeros((len(routes), len(columns)), dtype=np.int64)
    if len(cells):
        r = pd.Index(routes).get_indexer(pd.Index(cells["route"]))
        c = pd.Index(columns).get_indexer(pd.Index(cells["value"].astype(str)))
        np.add.at(matrix, (r, c), cells["persons"].to_numpy(dtype=np.int64))
    if (matrix.sum(axis=1) != published.to_numpy()).any():  # pragma: no cover - a broken invariant
        raise AssertionError(f"{dimension} cells do not add up to their routes' totals")
    barred = None
    if left_out is not None and dimension == "year":
        barred = np.zeros(matrix.shape, dtype=bool)
        for i, route in enumerate(routes):
            years = {str(y) for y in left_out(str(route))}
            if years:
                barred[i] = [c in years for c in columns]
    if complements:
        status = protect_rows(matrix, columns, min_count=min_count, barred=barred)
    else:  # only to show, in tests, what the extra hidden cell is for
        status = np.where(matrix < min_count, SMALL, PUBLISHED).astype(object)
    label = suppressed_label(min_count)
    shown = np.where(status == SMALL, label, np.where(status == HIDDEN, HIDDEN_LABEL, matrix.astype(str)))
    long = pd.DataFrame(
        {
            "route": np.repeat(np.asarray(routes, dtype=object), len(columns)),
            "value": np.tile(np.asarray(columns, dtype=object), len(routes)),
            "shown": shown.ravel().astype(object),
            "persons": pd.array(np.where(status == PUBLISHED, matrix, 0).ravel(), dtype="Int64"),
        }
    )
    long.loc[(status != PUBLISHED).ravel(), "persons"] = pd.NA
    stats = {
        "cells_small": int((status == SMALL).sum()),
        "cells_hidden": int((status == HIDDEN).sum()),
        "rows_in_full": int((status == PUBLISHED).all(axis=1).sum()),
    }
    return Breakdown(dimension, tuple(columns), long), stats


@dataclass(frozen=True, slots=True)
class _Row:
    """One published breakdown row as a reader sees it: its cells' texts in column order and its total."""

    columns: tuple[str, ...]
    shown: dict[str, str]
    total: int
    min_count: int

    @property
    def published(self) -> dict[str, int]:
        return {v: int(s) for v, s in self.shown.items() if s.isdigit()}

    def bounds(self, value: str) -> tuple[int, int]:
        """The least and most a cell can hold, given the published figures and the rule that made them.

        A ``<k`` cell holds 0 to k - 1. The ``x`` cell holds the row's hidden persons (its total
        minus its published cells) less what the ``<k`` cells hold; the rule adds what choosing it
        implies: it is not small unless every cell is, and, when it is neither ``unknown`` nor
        ``other``, it is at least every published cell after it and more than every one before it.
        """
        text = self.shown[value]
        if text.isdigit():
            return int(text), int(text)
        k = self.min_count
        if text != HIDDEN_LABEL:
            return 0, k - 1
        published = self.published
        hidden = self.total - sum(published.values())
        smalls = sum(1 for s in self.shown.values() if s == suppressed_label(k))
        low = max(0, hidden - smalls * (k - 1))
        if published:
            low = max(low, k)
        if value not in HIDE_FIRST:
            at = self.columns.index(value)
            for i, column in enumerate(self.columns):
                if column in published and column not in HIDE_FIRST:
                    low = max(low, published[column] + (1 if i < at else 0))
        return min(low, hidden), hidden


def _rows(breakdown: Breakdown | None, totals: pd.Series, *, min_count: int) -> dict[str, _Row]:
    if breakdown is None:
        return {}
    cells = breakdown.cells
    by_route: dict[str, dict[str, str]] = {}
    for route, value, shown in zip(*(column_strings(cells[c]) for c in ("route", "value", "shown")), strict=True):
        by_route.setdefault(route, {})[value] = shown
    persons = dict(zip(column_strings(totals.index.to_series()), totals.tolist(), strict=True))
    return {route: _Row(breakdown.columns, shown, int(persons[route]), min_count) for route, shown in by_route.items()}


def column_strings(column: pd.Series) -> list[str]:
    """A column as a list of Python strings (far faster than iterating an Arrow-backed column)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and not column.isna().any():  # each category made once
        names = np.asarray([str(c) for c in column.cat.categories.tolist()], dtype=object)
        return names[column.cat.codes.to_numpy()].tolist()
    return [str(x) for x in column.astype(str).tolist()]


def _share(rows: dict[str, _Row], numerator: str, known: tuple[str, ...]) -> dict[str, float]:
    """A value's share (whole per cent) among known values, where published figures alone fix it.

    Every cell is replaced by the range published figures (and the rule) allow for it; the share is
    given when its lowest and highest possible values round to the same whole per cent. It is
    therefore a function of published figures and cannot narrow a hidden cell.
    """
    out: dict[str, float] = {}
    for route, row in rows.items():
        if any(v not in row.shown for v in known):
            continue
        num = row.bounds(numerator)
        rest = [row.bounds(v) for v in known if v != numerator]
        rest_lo, rest_hi = sum(r[0] for r in rest), sum(r[1] for r in rest)
        if num[0] + rest_lo <= 0:
            continue
        low = 100.0 * num[0] / (num[0] + rest_hi) if num[0] + rest_hi else 0.0
        high = 100.0 * num[1] / (num[1] + rest_lo) if num[1] + rest_lo else 100.0
        if _whole(low) == _whole(high):
            out[route] = float(_whole(low))
    return out


def _whole(percent: float) -> int:
    """Round half up to a whole per cent (not to even: 12.5 -> 13)."""
    return int(np.floor(percent + 0.5 + 1e-9))


def _top(rows: dict[str, _Row]) -> dict[str, str]:
    """The value with most persons per row, where published figures (and the rule) prove it (no ties).

    ``unknown`` is never a top value. A value is the top when its least possible count exceeds the
    most any other value could hold.
    """
    out: dict[str, str] = {}
    for route, row in rows.items():
        ranges = {v: row.bounds(v) for v in row.columns if v != "unknown"}
        for value, (low, _) in ranges.items():
            if low > 0 and all(low > high for other, (_, high) in ranges.items() if other != value):
                out[route] = value
                break
    return out


def partner_names(partners: Sequence[tuple[str, str]], contributing: set[str], *, show: bool) -> list[str]:
    """Names of contributing organisations that may be published: none unless ``show_partners = true``.

    Parameters
    ----------
    partners
        (folder, name) of every partner; a partner without a ``name`` in its profile has none to show.
    contributing
        Folders that contributed accepted records.
    show
        The project's ``show_partners`` setting.

    Only names a profile sets are shown (never folder names as such), and only when at least two
    organisations contributed: with one, every figure would be that organisation's own. Names are
    never shown next to figures of their own (no per-partner breakdown exists).
    """
    if not show or len(contributing) < 2:
        return []
    names = {name.strip() for folder, name in partners if folder in contributing and name and name.strip()}
    return sorted(names, key=str.casefold)


def publish(
    aggregates: Aggregates,
    *,
    min_count: int,
    year_span: tuple[int, int] | None = None,
    left_out: Callable[[str], Collection[int]] | None = None,
) -> Publication:
    """Apply disclosure control to exact aggregates (rules in the module docstring).

    Parameters
    ----------
    aggregates
        Exact counts from :func:`routemap.aggregate.aggregate`.
    min_count
        Smallest publishable count.
    year_span
        First and last year of the period the build covers: the year breakdown has one column per
        year of it (default: from :data:`FIRST_YEAR` to the latest year of a routable record, so
        that the columns never depend on which early years hold records).
    left_out
        Route key -> the years in which an earlier release left it out: a year row does not hide its
        extra cell there while it is small (:class:`routemap.releases.LeftOut`).
    """
    return _publish(aggregates, min_count=min_count, year_span=year_span, left_out=left_out)


def _publish(
    aggregates: Aggregates,
    *,
    min_count: int,
    year_span: tuple[int, int] | None = None,
    complements: bool = True,
    left_out: Callable[[str], Collection[int]] | None = None,
) -> Publication:
    """:func:`publish`, with a switch tests use to show why the extra hidden cell is needed."""
    routes = aggregates.routes
    ok = routes["persons"] >= min_count
    published = routes.loc[ok].drop(columns=["records"], errors="ignore").reset_index(drop=True)
    totals = published.set_index("route")["persons"]
    span = year_span or (aggregates.years and (FIRST_YEAR, max(FIRST_YEAR, aggregates.years[1])))
    stats = {
        "routes": len(routes),
        "routes_published": int(ok.sum()),
        "routes_not_listed": int((~ok).sum()),
        "cells_small": 0,
        "cells_hidden": 0,
        "rows_in_full": 0,
    }
    breakdowns: dict[str, Breakdown] = {}
    for dim, cells in aggregates.breakdowns.items():
        breakdowns[dim], counts = _breakdown(
            cells, dim, totals, min_count=min_count, year_span=span, complements=complements, left_out=left_out
        )
        for key, value in counts.items():
            stats[key] += value
    log.info(
        "disclosure: %d of %d routes published; %d small and %d hidden cells in breakdowns",
        stats["routes_published"],
        stats["routes"],
        stats["cells_small"],
        stats["cells_hidden"],
    )
    return assemble(
        min_count=min_count,
        route_rows=published,
        breakdowns=breakdowns,
        stops=aggregates.stops,
        places=aggregates.places,
        stats=stats,
    )


def _check_closed(pub: Publication) -> None:
    """Refuse a publication holding a string that is not from the closed set every output is written from.

    Route keys are made of the ids of the publication's places, route names of those places' names
    (gazetteer entries: never a partner's raw string), breakdown values come from the vocabularies
    (or are years), shown cells are numbers or the two marks, and the top sector is a sector. A free
    text value cannot reach an output through a publication: it would stop here, before any file
    is written.

    Raises
    ------
    DisclosureError
        Naming the value and where it was met (a bug in routemap: please report it).
    """
    problems: list[str] = []
    names = {pid: place.name for pid, place in pub.places_by_id.items()}
    for row in pub.route_rows[["route", "label", "origin", "transit", "destination"]].itertuples(index=False):
        ids = pub.stops.get(str(row.route), ())
        if not ids or any(i not in names for i in ids):
            problems.append(f"route {row.route!r} is not made of published place ids")
            continue
        stop_names = [names[i] for i in ids]
        expected = (" > ".join(stop_names), stop_names[0], " > ".join(stop_names[1:-1]), stop_names[-1])
        label = str(row.label).removesuffix(DOMESTIC_MARK)
        if (label, row.origin, row.transit, row.destination) != expected:
            problems.append(f"route {row.route!r} is named {row.label!r}, not by its places' names")
    marks = {suppressed_label(pub.min_count), HIDDEN_LABEL}
    for dim, breakdown in pub.breakdowns.items():
        vocabulary = set(VOCABULARIES.get(dim, ()))
        for value in breakdown.columns:
            if not (value in vocabulary or (dim == "year" and value.isdigit())):
                problems.append(f"breakdown {dim} has the column {value!r}, which is not one of its values")
        shown = pd.unique(breakdown.cells["shown"].astype(str))
        problems += [f"breakdown {dim} shows {v!r}" for v in shown if not (v.isdigit() or v in marks)]
    sectors = set(VOCABULARIES["sector"]) | {""}
    problems += [f"top sector {v!r}" for v in pd.unique(pub.details["top_sector"].astype(str)) if v not in sectors]
    if problems:
        raise DisclosureError(
            "internal error: a publication would hold strings that are not from routemap's closed set "
            f"({'; '.join(problems[:5])}); nothing was written. This is a bug in routemap: please report it"
        )


def assemble(
    *,
    min_count: int,
    route_rows: pd.DataFrame,
    breakdowns: dict[str, Breakdown],
    stops: dict[str, tuple[str, ...]],
    places: dict[str, Place],
    stats: dict[str, int],
) -> Publication:
    """A publication from published routes and breakdown cells, with the details they prove.

    Used by :func:`publish` and by :mod:`routemap.linkage`, which changes what an earlier release
    requires (a route kept at its earlier figures, a route or its rows held back) before the
    details are worked out from the final cells. Stops and places are kept for published routes only.
    """
    totals = route_rows.set_index("route")["persons"]
    with_rows = {dim: b for dim, b in breakdowns.items()}
    details = pd.DataFrame({"route": route_rows["route"]})
    for column, (dim, numerator, known) in SHARES.items():
        shares = _share(_rows(with_rows.get(dim), totals, min_count=min_count), numerator, known)
        details[column] = [shares.get(str(r), np.nan) for r in details["route"]]
    top = _top(_rows(with_rows.get("sector"), totals, min_count=min_count))
    details["top_sector"] = [top.get(str(r), "") for r in details["route"]]
    keys = set(route_rows["route"])
    kept_stops = {k: v for k, v in stops.items() if k in keys}
    used = {s for route_stops in kept_stops.values() for s in route_stops}
    return Publication(
        min_count=min_count,
        route_rows=route_rows.reset_index(drop=True),
        breakdowns=breakdowns,
        stops=kept_stops,
        places_by_id={k: v for k, v in places.items() if k in used},
        details=details,
        stats=stats,
    )


# ---------------------------------------------------------------------------------------------- data quality
#: Data-quality counts are rounded to a multiple of this (an exact count of rows, with the published
#: route counts, could pin a suppressed count).
QUALITY_ROUNDING = 10


@dataclass(frozen=True, slots=True)
class Rounded:
    """A private count as it may be published: 0, "fewer than ``base``", or rounded to the nearest ``base``."""

    value: int
    fewer: bool = False
    base: int = QUALITY_ROUNDING


def round_count(n: int, *, base: int = QUALITY_ROUNDING) -> Rounded:
    """The published form of a private count (halves round up: 1,945 is about 1,950)."""
    if n <= 0:
        return Rounded(0, base=base)
    if n < base:
        return Rounded(base, fewer=True, base=base)
    return Rounded((n + base // 2) // base * base, base=base)


@dataclass(frozen=True, slots=True)
class DataQuality:
    """Totals over all contributions, already rounded: the only data-quality figures published.

    Build it with :func:`data_quality`; nothing per partner or per file ever enters it.
    ``places_resolved`` is the whole percent of distinct place names resolved (``None``: no names).
    """

    rows_read: Rounded
    accepted: Rounded
    rejected: Rounded
    merged: Rounded
    places_resolved: int | None
    rounding: int = QUALITY_ROUNDING


def data_quality(totals: dict[str, int], place_report: pd.DataFrame) -> DataQuality:
    """Round the build's totals and work out the share of distinct place names resolved.

    Parameters
    ----------
    totals
        The build's totals (``rows_read``, ``accepted``, ``rejected``, ``merged``); private.
    place_report
        The private place report: one row per distinct place string, ``place_id`` empty when unresolved.

    Notes
    -----
    The share is rounded down to a whole percent, so 100% means every name resolved.
    """
    n = len(place_report)
    share = None
    if n:
        resolved = int(place_report["place_id"].astype(str).ne("").sum())
        share = 100 * resolved // n
    return DataQuality(
        rows_read=round_count(int(totals.get("rows_read", 0))),
        accepted=round_count(int(totals.get("accepted", 0))),
        rejected=round_count(int(totals.get("rejected", 0))),
        merged=round_count(int(totals.get("merged", 0))),
        places_resolved=share,
    )
