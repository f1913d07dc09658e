"""Disclosure control: the one gate between exact private aggregates and every published figure.

Rules (README "Privacy" explains them for readers):

1. **Primary suppression.** A route with fewer than ``min_count`` persons is listed with its count
   shown as ``<k`` and is never drawn or counted anywhere else. In a breakdown (route x sector,
   year, sex, …) a cell below ``min_count`` is shown as ``<k``.
2. **Derived figures are sums of published figures.** Legs, places, origins, destinations, map
   layers and the share column are computed from published counts only, so they carry no
   information about suppressed ones. In particular ``share`` is a route's share of the persons on
   all *published* routes: a share of a total that contained suppressed counts would pin that total.
3. **Complementary suppression in breakdowns.** A published route's total is the margin of each of
   its breakdown rows, so one suppressed cell would be that total minus the others. In every row
   the attacker's feasible interval of each suppressed cell is computed from the margin and the
   bounds the labels give (``<k``: 1..k-1; ``x``: at least k); while some suppressed cell is pinned
   to a single value, the smallest published cell of the row is suppressed too (shown as ``x``). A
   row that cannot be protected even with every cell suppressed is withheld from that breakdown.
4. Breakdowns and map layers cover published routes only; a suppressed route has no breakdown.
5. Percentages of women and children and the top sector of a route are published only when every
   cell they depend on is published (or, for the top sector, when no suppressed cell could exceed it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from routemap.aggregate import Aggregates, legs_gdf, places_gdf, routes_gdf

log = logging.getLogger(__name__)

ROUTES_CSV_COLUMNS: tuple[str, ...] = ("rank", "route", "origin", "transit", "destination", "persons", "share")
PUBLISHED, PRIMARY, SECONDARY = "published", "primary", "secondary"
#: How a complementary-suppressed cell is shown (its count is at least min_count).
SECONDARY_LABEL = "x"


def suppressed_label(min_count: int) -> str:
    """How a suppressed count is shown: ``<5`` for a threshold of 5."""
    return f"<{min_count}"


def _intervals(counts: list[int], status: list[str], margin: int, k: int) -> dict[int, tuple[int, int]]:
    """Feasible interval of every suppressed cell of one row, as an attacker can work it out.

    Parameters
    ----------
    counts, status
        The row's cells (exact persons) and their statuses.
    margin
        The row total, which is published elsewhere.
    k
        The threshold. A ``<k`` cell lies in 1..k-1, an ``x`` cell in k..margin.
    """
    hidden = [i for i, s in enumerate(status) if s != PUBLISHED]
    remainder = margin - sum(c for c, s in zip(counts, status, strict=True) if s == PUBLISHED)
    lower = {i: (1 if status[i] == PRIMARY else k) for i in hidden}
    upper = {i: (k - 1 if status[i] == PRIMARY else remainder) for i in hidden}
    sum_lower, sum_upper = sum(lower.values()), sum(upper.values())
    return {
        i: (max(lower[i], remainder - (sum_upper - upper[i])), min(upper[i], remainder - (sum_lower - lower[i])))
        for i in hidden
    }


def protect_row(
    counts: list[int], values: list[str], *, margin: int, min_count: int, secondary: bool = True
) -> list[str] | None:
    """Statuses for the cells of one breakdown row whose total (``margin``) is published.

    Cells below ``min_count`` are primary-suppressed. While the interval an attacker can infer
    for some suppressed cell holds a single value, the smallest published cell (ties: by value)
    is suppressed too. Returns ``None`` when the row cannot be protected and must be withheld.
    """
    status = [PRIMARY if c < min_count else PUBLISHED for c in counts]
    if not secondary or PRIMARY not in status:
        return status
    order = sorted(range(len(counts)), key=lambda i: (counts[i], values[i]))
    while True:
        if all(lo < hi for lo, hi in _intervals(counts, status, margin, min_count).values()):
            return status
        candidates = [i for i in order if status[i] == PUBLISHED]
        if not candidates:
            return None
        status[candidates[0]] = SECONDARY


@dataclass(slots=True)
class Publication:
    """Publishable views of one build's aggregates: every published figure comes from here.

    Build it with :func:`publish`. Exact counts of suppressed cells stay inside; the methods return
    only what may be shown.
    """

    min_count: int
    _agg: Aggregates
    _routes: pd.DataFrame
    _breakdowns: dict[str, pd.DataFrame]
    secondary: bool = True
    stats: dict[str, int] = field(default_factory=dict)

    # ------------------------------------------------------------------ routes
    @property
    def label(self) -> str:
        """How a primary-suppressed count is shown (``<5``)."""
        return suppressed_label(self.min_count)

    def published_routes(self) -> pd.DataFrame:
        """Published routes with exact persons: route, label, origin, transit, destination, n_stops, persons.

        The number of records behind each route stays private.
        """
        ok = self._routes["status"] == PUBLISHED
        # the number of rows behind a route is not published: it tells group cases apart
        return self._routes.loc[ok].drop(columns=["status", "records"], errors="ignore").reset_index(drop=True)

    @property
    def published_persons(self) -> int:
        """Persons on published routes: the denominator of every share."""
        return int(self.published_routes()["persons"].sum())

    @property
    def stops(self) -> dict[str, tuple[str, ...]]:
        """Route key -> stop ids (for published routes only)."""
        keys = set(self.published_routes()["route"])
        return {k: v for k, v in self._agg.stops.items() if k in keys}

    @property
    def places_by_id(self) -> dict[str, object]:
        """Stop id -> place, for the stops of published routes."""
        used = {s for stops in self.stops.values() for s in stops}
        return {k: v for k, v in self._agg.places.items() if k in used}

    @property
    def years(self) -> tuple[int, int] | None:
        """First and last year of the records behind the published routes."""
        cells = self.cells("year")
        if cells.empty:
            return None
        years = sorted(int(v) for v in cells["value"].unique())
        return years[0], years[-1]

    def route_table(self) -> pd.DataFrame:
        """The routes.csv table: counts as text, suppressed routes as ``<k`` after the published ones.

        Published routes are ranked by persons (ties share a rank); suppressed ones share the
        next rank and are ordered by name, so their order reveals nothing.
        """
        published = self.published_routes()
        hidden = self._routes.loc[self._routes["status"] != PUBLISHED].sort_values("label", kind="stable")
        total = self.published_persons
        ranks = published["persons"].rank(method="min", ascending=False).astype(int)
        shares = (100.0 * published["persons"] / total).round(1) if total else published["persons"] * 0.0
        shown = pd.DataFrame(
            {
                "rank": ranks.astype(str),
                "route": published["label"],
                "origin": published["origin"],
                "transit": published["transit"],
                "destination": published["destination"],
                "persons": published["persons"].astype(str),
                "share": shares.map(lambda v: f"{v:.1f}"),
            }
        )
        hidden_rows = pd.DataFrame(
            {
                "rank": [str(len(published) + 1)] * len(hidden),
                "route": hidden["label"].tolist(),
                "origin": hidden["origin"].tolist(),
                "transit": hidden["transit"].tolist(),
                "destination": hidden["destination"].tolist(),
                "persons": [self.label] * len(hidden),
                "share": [""] * len(hidden),
            }
        )
        return pd.concat([shown, hidden_rows], ignore_index=True)[list(ROUTES_CSV_COLUMNS)]

    # ------------------------------------------------------------------ breakdowns
    def breakdown(self, dimension: str) -> pd.DataFrame:
        """Long table for published routes: route, label, value, shown (``12``, ``<5`` or ``x``), status.

        Withheld rows are absent. Exact counts of suppressed cells are not included.
        """
        cells = self._breakdowns[dimension]
        labels = self._routes.set_index("route")["label"]
        shown = cells["persons"].astype(str).where(cells["status"] == PUBLISHED, "")
        shown = shown.mask(cells["status"] == PRIMARY, self.label).mask(cells["status"] == SECONDARY, SECONDARY_LABEL)
        return pd.DataFrame(
            {
                "route": cells["route"],
                "label": cells["route"].map(labels),
                "value": cells["value"],
                "shown": shown,
                "status": cells["status"],
            }
        ).reset_index(drop=True)

    def cells(self, dimension: str, value: str | None = None) -> pd.DataFrame:
        """Published cells (exact persons) of a breakdown: route, value, persons; optionally one value."""
        cells = self._breakdowns[dimension]
        cells = cells.loc[cells["status"] == PUBLISHED, ["route", "value", "persons"]]
        if value is not None:
            cells = cells.loc[cells["value"] == str(value)]
        return cells.reset_index(drop=True)

    def dimension_values(self, dimension: str) -> list[str]:
        """Values of a dimension that have at least one published cell, sorted."""
        return sorted(self.cells(dimension)["value"].unique().tolist())

    def route_details(self) -> pd.DataFrame:
        """Per published route: pct_women, pct_children (one decimal, or NaN) and top_sector ('' when not safe)."""
        routes = self.published_routes()[["route"]].copy()
        routes["pct_women"] = routes["route"].map(self._share("sex", ("female",), ("female", "male", "other")))
        routes["pct_children"] = routes["route"].map(self._share("age_group", ("child",), ("child", "adult")))
        top = self._top("sector")
        # a plain lookup: map() + fillna("") warns (pandas 3) when no route has a top sector
        routes["top_sector"] = [top.get(str(r), "") for r in routes["route"]]
        return routes

    def _share(self, dimension: str, numerator: tuple[str, ...], known: tuple[str, ...]) -> dict[str, float]:
        """Share of ``numerator`` values among ``known`` ones, for rows whose known cells are all published."""
        cells = self._breakdowns[dimension]
        cells = cells.loc[cells["value"].isin(known)]
        if cells.empty:
            return {}
        grouped = cells.assign(
            hidden=cells["status"] != PUBLISHED,
            hit=cells["persons"].where(cells["value"].isin(numerator), 0),
        ).groupby("route", sort=True)
        table = grouped.agg(hidden=("hidden", "any"), hit=("hit", "sum"), known=("persons", "sum"))
        table = table.loc[~table["hidden"] & (table["known"] > 0)]
        shares = (100.0 * table["hit"] / table["known"]).round(1)
        return {str(k): float(v) for k, v in shares.items()}

    def _top(self, dimension: str) -> dict[str, str]:
        """Top value per row, when no suppressed cell could exceed it and there is no tie."""
        cells = self._breakdowns[dimension]
        cells = cells.loc[cells["value"] != "unknown"]
        if cells.empty:
            return {}
        flags = (
            cells.assign(secondary=cells["status"] == SECONDARY, primary=cells["status"] == PRIMARY)
            .groupby("route", sort=True)[["secondary", "primary"]]
            .any()
        )
        shown = cells.loc[cells["status"] == PUBLISHED].sort_values(
            ["route", "persons", "value"], ascending=[True, False, True], kind="stable"
        )
        first = shown.drop_duplicates("route", keep="first").set_index("route")
        second = shown.loc[shown.duplicated("route", keep="first")].drop_duplicates("route").set_index("route")
        runner_up = dict(zip(second.index.astype(str), second["persons"].astype(int), strict=True))
        secondary = dict(zip(flags.index.astype(str), flags["secondary"], strict=True))
        primary = dict(zip(flags.index.astype(str), flags["primary"], strict=True))
        out: dict[str, str] = {}
        for route, best, value in zip(
            first.index.astype(str), first["persons"].astype(int), first["value"], strict=True
        ):
            # a suppressed cell could exceed it unless it is primary (< k) and best >= k
            if secondary[route] or (best < self.min_count and primary[route]):
                continue
            if runner_up.get(route) == best:
                continue  # a tie has no top
            out[route] = str(value)
        return out

    # ------------------------------------------------------------------ geometry
    def _layer_routes(self, dimension: str | None, value: str | None) -> pd.DataFrame:
        if dimension is None:
            return self.published_routes()[["route", "persons"]]
        return self.cells(dimension, value)[["route", "persons"]]

    def legs(self, dimension: str | None = None, value: str | None = None) -> gpd.GeoDataFrame:
        """Legs with persons summed over published routes (or published cells of one dimension value)."""
        return legs_gdf(self._layer_routes(dimension, value), self._agg.stops, self._agg.places)

    def places(self, dimension: str | None = None, value: str | None = None) -> gpd.GeoDataFrame:
        """Places with persons starting, passing and ending there, over published routes (or cells)."""
        return places_gdf(self._layer_routes(dimension, value), self._agg.stops, self._agg.places)

    def routes_layer(self) -> gpd.GeoDataFrame:
        """Published routes as lines (EPSG:4326) with persons and share."""
        routes = self.published_routes()
        total = self.published_persons
        routes["share"] = (100.0 * routes["persons"] / total).round(1) if total else 0.0
        return routes_gdf(routes, self._agg.stops, self._agg.places)


def publish(aggregates: Aggregates, *, min_count: int, secondary: bool = True) -> Publication:
    """Apply disclosure control to exact aggregates.

    Parameters
    ----------
    aggregates
        Exact counts from :func:`routemap.aggregate.aggregate`.
    min_count
        Smallest publishable count.
    secondary
        Complementary suppression in breakdowns (on in every build; off only to show in tests
        that the protection is needed).
    """
    routes = aggregates.routes.copy()
    routes["status"] = [PUBLISHED if p >= min_count else PRIMARY for p in routes["persons"]]
    published = routes.loc[routes["status"] == PUBLISHED].set_index("route")["persons"]
    stats = {
        "routes": len(routes),
        "routes_published": int((routes["status"] == PUBLISHED).sum()),
        "routes_suppressed": int((routes["status"] != PUBLISHED).sum()),
        "cells_primary": 0,
        "cells_secondary": 0,
        "rows_withheld": 0,
    }
    breakdowns: dict[str, pd.DataFrame] = {}
    for dim, cells in aggregates.breakdowns.items():
        cells = cells.loc[cells["route"].isin(published.index)].sort_values(["route", "value"], kind="stable")
        routes_col = cells["route"].tolist()
        values_col = cells["value"].astype(str).tolist()
        counts_col = [int(c) for c in cells["persons"]]
        statuses: list[str | None] = []
        start = 0
        while start < len(routes_col):
            end = start
            while end < len(routes_col) and routes_col[end] == routes_col[start]:
                end += 1
            row = protect_row(
                counts_col[start:end],
                values_col[start:end],
                margin=int(published[routes_col[start]]),
                min_count=min_count,
                secondary=secondary,
            )
            if row is None:
                stats["rows_withheld"] += 1
                statuses.extend([None] * (end - start))
            else:
                statuses.extend(row)
            start = end
        kept = cells.assign(status=pd.Series(statuses, index=cells.index, dtype=object))
        kept = kept.loc[kept["status"].notna()].reset_index(drop=True)
        stats["cells_primary"] += int((kept["status"] == PRIMARY).sum())
        stats["cells_secondary"] += int((kept["status"] == SECONDARY).sum())
        breakdowns[dim] = kept
    log.info(
        "disclosure: %d of %d routes published; %d primary and %d secondary cells suppressed in breakdowns",
        stats["routes_published"],
        stats["routes"],
        stats["cells_primary"],
        stats["cells_secondary"],
    )
    return Publication(
        min_count=min_count, _agg=aggregates, _routes=routes, _breakdowns=breakdowns, secondary=secondary, stats=stats
    )
