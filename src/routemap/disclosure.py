"""Disclosure control: decide which aggregate figures may be published, and how they are shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

log = logging.getLogger(__name__)

ROUTES_CSV_COLUMNS: tuple[str, ...] = ("rank", "route", "origin", "transit", "destination", "persons", "share")


def suppressed_label(min_count: int) -> str:
    """How a suppressed count is shown: ``<5`` for a threshold of 5."""
    return f"<{min_count}"


@dataclass(slots=True)
class PublishedRoutes:
    """The routes table as published, and which routes passed disclosure control.

    Parameters
    ----------
    table
        Columns :data:`ROUTES_CSV_COLUMNS`, counts as text (suppressed ones as ``<k``).
    published
        Route rows (``route``, ``persons`` …) whose counts may be drawn and shown.
    suppressed
        Number of routes whose count is below the threshold.
    """

    table: pd.DataFrame
    published: pd.DataFrame
    suppressed: int


def publish_routes(routes: pd.DataFrame, *, min_count: int) -> PublishedRoutes:
    """Apply primary suppression to the route-frequency table.

    Routes with fewer than ``min_count`` persons are listed with their count shown as ``<k``, no
    share, and a shared rank after all published routes (their order reveals nothing); they are
    never drawn.

    Parameters
    ----------
    routes
        Exact route counts from :func:`routemap.aggregate.route_table` (sorted by persons).
    min_count
        Smallest publishable count.
    """
    label = suppressed_label(min_count)
    total = int(routes["persons"].sum())
    ok = routes["persons"] >= min_count
    published = routes.loc[ok].reset_index(drop=True)
    hidden = routes.loc[~ok].sort_values("label", kind="stable").reset_index(drop=True)
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
            "route": hidden["label"],
            "origin": hidden["origin"],
            "transit": hidden["transit"],
            "destination": hidden["destination"],
            "persons": [label] * len(hidden),
            "share": [""] * len(hidden),
        }
    )
    table = pd.concat([shown, hidden_rows], ignore_index=True)[list(ROUTES_CSV_COLUMNS)]
    log.info("routes: %d published, %d suppressed (< %d persons)", len(published), len(hidden), min_count)
    return PublishedRoutes(table=table, published=published, suppressed=len(hidden))
