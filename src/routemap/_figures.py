"""A publication's figures as the release register keeps them, and as a build will publish them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from routemap._release_lp import DIMENSIONS
from routemap.disclosure import column_strings

if TYPE_CHECKING:
    from routemap.disclosure import Publication
    from routemap.releases import Release


@dataclass(frozen=True)
class ShownFigures:
    """What a publication shows, by route: totals, breakdown cells not shown as ``<k``, routes with cells.

    Made once from a publication's frames; :meth:`figures` gives :func:`figures_of`, and
    :meth:`planned` the figures of the publication :meth:`routemap.linkage.Linker._apply` would make
    from it, without making its frames (the audit asks for them again for every set of held routes).
    """

    routes: dict[str, int]
    #: Dimension -> route -> [[value, shown], …] for every cell not shown as ``<k``, in the frame's order.
    rows: dict[str, dict[str, list[list[str]]]]
    #: Dimension -> routes with any cell (``<k`` ones too).
    with_cells: dict[str, set[str]]
    #: Dimension -> its columns.
    columns: dict[str, tuple[str, ...]]
    label: str
    #: (release, dimension, route) -> the cells a route held at that release's figures shows (made once).
    _held: dict[tuple[int, str, str], list[list[str]]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, pub: Publication) -> ShownFigures:
        """The figures of a publication's frames."""
        label = pub.label
        routes = {str(k): int(v) for k, v in zip(pub.route_rows["route"], pub.route_rows["persons"], strict=True)}
        rows: dict[str, dict[str, list[list[str]]]] = {}
        with_cells: dict[str, set[str]] = {}
        columns: dict[str, tuple[str, ...]] = {}
        for dim in DIMENSIONS:
            if dim not in pub.breakdowns:
                continue
            breakdown = pub.breakdowns[dim]
            cells = breakdown.cells
            columns[dim] = tuple(breakdown.columns)
            with_cells[dim] = set(column_strings(cells["route"].drop_duplicates()))
            cells = cells.loc[(cells["shown"].astype(str) != label).to_numpy()]
            by_route = rows[dim] = {}
            texts = (column_strings(cells[c]) for c in ("route", "value", "shown"))
            for route, value, shown in zip(*texts, strict=True):
                by_route.setdefault(route, []).append([value, shown])
        return cls(routes, rows, with_cells, columns, label)

    def figures(
        self,
        *,
        held: dict[str, int] | None = None,
        hidden: dict[str, Any] | None = None,
        held_small: set[str] | None = None,
        routes: dict[str, int] | None = None,
        rows: dict[str, dict[str, list[list[str]]]] | None = None,
        with_cells: set[str] | None = None,
    ) -> dict[str, Any]:
        """The register's form (see :func:`figures_of`); ``routes``, ``rows``, ``with_cells``: other than these."""
        routes = self.routes if routes is None else routes
        if with_cells is None:
            with_cells = set().union(*self.with_cells.values())
        out = {
            "routes": routes,
            "rows": self.rows if rows is None else rows,
            "no_rows": sorted(set(routes) - with_cells),
            "hidden": dict(sorted((hidden or {}).items())),
            "held": dict(sorted((held or {}).items())),
        }
        small = sorted((held_small or set()) & set(held or {}))
        if small:
            out["held_small"] = small
        return out

    def planned(
        self,
        latest: Release | None,
        *,
        held: dict[str, int],
        hidden: dict[str, Any],
        no_rows: set[str],
        held_small: set[str],
    ) -> dict[str, Any]:
        """The figures of this publication with routes held at the latest release's figures, hidden, or without rows.

        Mirrors :meth:`routemap.linkage.Linker._apply` then :func:`figures_of` (a build checks the two
        agree before it publishes): a held route listed before shows that release's total and cells.
        """
        routes = {r: n for r, n in self.routes.items() if r not in hidden and r not in held}
        if latest is not None:
            for key in sorted(held):
                if key in latest.figures["routes"]:
                    routes[key] = int(latest.figures["routes"][key])
        own = {r for r in routes if r not in held and r not in no_rows}
        rows: dict[str, dict[str, list[list[str]]]] = {}
        with_cells: set[str] = set()
        for dim, columns in self.columns.items():
            rows[dim] = {r: cells for r, cells in self.rows[dim].items() if r in own}
            with_cells |= own & self.with_cells[dim]
            if latest is None or dim not in latest.figures["rows"] or not columns:
                continue
            earlier = latest.figures["rows"][dim]
            for key in sorted(held):
                if key in routes and key not in latest.figures["no_rows"]:
                    with_cells.add(key)
                    cells = self._held.get((latest.id, dim, key))
                    if cells is None:
                        shown = dict(earlier.get(key, []))
                        cells = [[c, shown[c]] for c in columns if shown.get(c, self.label) != self.label]
                        self._held[(latest.id, dim, key)] = cells
                    if cells:
                        rows[dim][key] = cells
        return self.figures(
            held=held, hidden=hidden, held_small=held_small, routes=routes, rows=rows, with_cells=with_cells
        )


def figures_of(
    pub: Publication,
    *,
    held: dict[str, int] | None = None,
    hidden: dict[str, Any] | None = None,
    held_small: set[str] | None = None,
) -> dict[str, Any]:
    """A publication's figures as the register keeps them.

    ``routes``: route key -> persons; ``rows``: dimension -> route key -> [[value, shown], …] for
    every cell not shown as ``<k`` (a value not listed was ``<k``); ``no_rows``: published routes
    without breakdown rows; ``hidden``: routes kept out to protect an earlier release, with why
    (``part``: one part of an earlier route, at least ``min_count``; ``small parts``: one part of an earlier
    route all of whose parts are small, held back all the same; ``contains``: it contains routes
    published before, listed as [release, route], and adds fewer than ``min_count`` persons to them;
    ``period``: a shorter period of an earlier route whose years were not all published); ``held``:
    routes that repeat an earlier release's figures (route key -> that release); ``held_small``
    (only when there are any): those of them held because their total changed by less than
    ``min_count`` — the one reason a reader may take as known (others: a cell changed by a small
    amount, the audit refused the revision, the route was held back before).
    """
    return ShownFigures.of(pub).figures(held=held, hidden=hidden, held_small=held_small)
