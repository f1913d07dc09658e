"""The audit across releases as linear relations: every release's figures over the atoms of its data."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from routemap._lp import System
from routemap.disclosure import HIDDEN_LABEL, HIDE_FIRST, dimension_columns, suppressed_label
from routemap.releases import Cut, Register, Release

#: Breakdowns the register keeps (the published tables).
DIMENSIONS: tuple[str, ...] = ("sector", "exploitation", "sex", "age_group", "year")


@dataclass(frozen=True)
class _Index:
    """Years of each fine route, and values of each (dimension, fine route), in one data version."""

    years: dict[str, set[int]]
    values: dict[tuple[str, str], set[str]]
    #: About how many variables each fine route brings to a system (years times values, plus totals).
    width: dict[str, int]


class ReleaseSystems:
    """The linear systems of :class:`routemap.linkage.Linker` (which supplies the lookups below)."""

    register: Register

    def key(self, fine: str, cut: Cut) -> str:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _index_of(self, version: str) -> _Index:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _shrunk(self, before: str, after: str) -> set[str]:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _label(self, key: str) -> str:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _system(
        self, releases: list[Release], fines: set[str], *, witness: bool = True, into: System | None = None
    ) -> tuple[System, list[tuple[str, dict[Any, float]]]]:
        """The linear system of the module docstring for one group of fine routes.

        With ``witness``, every small hidden count is 0 (the promise of a single release); without,
        each lies in 0..k-1 (what a reader knows), and the hidden counts are returned as well, named,
        to be minimised and maximised one by one. ``into`` adds the relations to a system of other
        groups (whose variables are apart).
        """
        system = System() if into is None else into
        first: dict[str, int] = {}
        for i, release in enumerate(releases):
            first.setdefault(release.data, i)
        versions = sorted(first, key=first.__getitem__)
        years: set[int] = set()
        values: dict[str, set[str]] = {dim: set() for dim in DIMENSIONS if dim != "year"}
        for v in versions:
            index = self._index_of(v)
            for f in fines:
                years |= index.years.get(f, set())
                for dim in values:
                    values[dim] |= index.values.get((dim, f), set())
        for release in releases:
            keys = {self.key(f, release.cut) for f in fines}
            for dim, by_route in release.figures["rows"].items():
                if dim in values:
                    for key in keys & by_route.keys():
                        values[dim] |= {v for v, _ in by_route[key]}
        space = _Space(sorted(fines), sorted(years), values)
        for v in versions:  # each dimension's cells add up to the totals of the same fine route and year
            for f in space.fines:
                for y in years:
                    system.var(space.t(v, f, y))
                    for dim, vals in values.items():
                        terms: dict[Any, float] = {space.c(v, dim, f, y, val): 1.0 for val in vals}
                        terms[space.t(v, f, y)] = -1.0
                        system.equal(terms, 0.0)
        for a, b in itertools.pairwise(versions):  # additions only, where the data only grew
            if not fines & self._shrunk(a, b):
                for f in space.fines:
                    for y in years:
                        system.at_least({space.t(b, f, y): 1.0, space.t(a, f, y): -1.0}, 0.0)
                        for dim, vals in values.items():
                            for val in vals:
                                system.at_least(
                                    {space.c(b, dim, f, y, val): 1.0, space.c(a, dim, f, y, val): -1.0}, 0.0
                                )
        quantities: list[tuple[str, dict[Any, float]]] = []
        for release in releases:
            self._release_rows(system, release, space, witness=witness, quantities=quantities)
        if not witness:
            quantities.extend(self._unlisted_parts(releases, space))
            quantities.extend(self._additions(releases, space, versions))
        return system, quantities

    def _additions(
        self, releases: list[Release], space: _Space, versions: list[str]
    ) -> list[tuple[str, dict[Any, float]]]:
        """The persons added to a route of any release between any two data versions: counts of new cases."""
        out = []
        seen: set[tuple[Cut, str]] = set()
        for release in releases:
            members: dict[str, list[str]] = defaultdict(list)
            for f in space.fines:
                members[self.key(f, release.cut)].append(f)
            years = [y for y in space.years if _in_period(y, release.cut.period)]
            for key, fs in members.items():
                if (release.cut, key) in seen:  # listed or not: what was added to a route left out counts too
                    continue
                seen.add((release.cut, key))
                for a, b in itertools.combinations(versions, 2):
                    terms: dict[Any, float] = {}
                    for f in fs:
                        for y in years:
                            terms[space.t(b, f, y)] = 1.0
                            terms[space.t(a, f, y)] = -1.0
                    out.append((f"{self._label(key)} ({release.cut.describe()}), persons added", terms))
        return out

    def _unlisted_parts(self, releases: list[Release], space: _Space) -> list[tuple[str, dict[Any, float]]]:
        """Within each route one release published, the persons on routes another release left out, together.

        (Country-level Pakistan > Malaysia 16 beside state-level Pakistan > Johor 13 would put 3 on
        the states left out: each of them may be small and unpinned, but not their sum.)
        """
        out = []
        for first, second in itertools.permutations(releases, 2):
            if first.data != second.data:
                continue
            # a route counts as shown only with a total of this data version (held ones repeat an older one)
            shown = set(second.figures["routes"]) - set(second.figures["held"])
            left_out = {f for f in space.fines if self.key(f, second.cut) not in shown}
            years = [y for y in space.years if _in_period(y, first.cut.period) and _in_period(y, second.cut.period)]
            members: dict[str, list[str]] = defaultdict(list)
            for f in space.fines:
                members[self.key(f, first.cut)].append(f)
            for key, fs in members.items():
                if key not in first.figures["routes"]:
                    continue
                terms = {space.t(first.data, f, y): 1.0 for f in fs if f in left_out for y in years}
                if terms:
                    name = f"release {first.id}: {self._label(key)}, routes left out by release {second.id}"
                    out.append((name, terms))
        return out

    def _release_rows(
        self,
        system: System,
        release: Release,
        space: _Space,
        *,
        witness: bool,
        quantities: list[tuple[str, dict[Any, float]]],
    ) -> None:
        """One release's figures as relations (see :meth:`_system`)."""
        cut, v, figures = release.cut, release.data, release.figures
        k = cut.min_count
        small = (0.0, 0.0) if witness else (0.0, float(k - 1))
        in_period = [y for y in space.years if _in_period(y, cut.period)]
        members: dict[str, list[str]] = defaultdict(list)
        for f in space.fines:
            members[self.key(f, cut)].append(f)
        held = figures["held"]
        by_id = {r.id: r for r in self.register}
        for key, fs in members.items():
            total = {space.t(v, f, y): 1.0 for f in fs for y in in_period}
            name = f"release {release.id}: {self._label(key)}"
            if key in held:  # could be unchanged since the release whose figures it repeats
                source = by_id.get(int(held[key]))
                if source is not None and source.data != v:
                    change = dict(total)
                    for f in fs:
                        for y in in_period:
                            change[space.t(source.data, f, y)] = change.get(space.t(source.data, f, y), 0.0) - 1.0
                    if witness:
                        for f in fs:
                            for y in in_period:
                                system.equal({space.t(v, f, y): 1.0, space.t(source.data, f, y): -1.0}, 0.0)
                    else:
                        # a reader may take the change as small only where that was why it was held:
                        # a hold for another reason (a cell's small change, a refused revision) says less
                        if key in figures.get("held_small", ()):
                            system.add(change, -(k - 1), k - 1)
                        quantities.append((f"{name} (change since release {source.id})", change))
                continue
            if key in figures["hidden"]:
                why = figures["hidden"][key]
                if why["why"] == "part":  # the one part hidden to protect the rest: at least k
                    system.at_least(total, k)
                elif why["why"] == "contains":  # adds fewer than k persons to the parts it contains
                    rest = dict(total)
                    for release_id, part in why["parts"]:
                        source = by_id.get(int(release_id))
                        if source is None:
                            continue
                        for f in space.fines:
                            if self.key(f, source.cut) == part:
                                for y in space.years:
                                    if _in_period(y, source.cut.period):
                                        name_t = space.t(source.data, f, y)
                                        rest[name_t] = rest.get(name_t, 0.0) - 1.0
                    system.add(rest, *small)
                    quantities.append((f"{name} (added to earlier routes)", rest))
                continue  # "period": held back whatever it holds
            if key not in figures["routes"]:
                system.add(total, *small)  # not listed: may hold nobody
                quantities.append((f"{name} (not listed)", total))
                continue
            system.equal(total, int(figures["routes"][key]))
            if key in figures["no_rows"]:
                continue
            for dim, by_route in figures["rows"].items():
                self._row(system, space, v, dim, fs, in_period, dict(by_route.get(key, [])), k, small, name, quantities)

    def _row(
        self,
        system: System,
        space: _Space,
        v: str,
        dim: str,
        fs: list[str],
        in_period: list[int],
        shown: dict[str, str],
        k: int,
        small: tuple[float, float],
        name: str,
        quantities: list[tuple[str, dict[Any, float]]],
    ) -> None:
        """One published breakdown row, with what choosing its hidden cell implies."""
        published = {val: int(s) for val, s in shown.items() if s.isdigit()}
        if dim == "year":
            cells = {str(y): {space.t(v, f, y): 1.0 for f in fs} for y in in_period}
        else:
            cells = {val: {space.c(v, dim, f, y, val): 1.0 for f in fs for y in in_period} for val in space.values[dim]}
        order = _column_order(dim, [*cells, *shown])
        for val, terms in cells.items():
            text = shown.get(val, suppressed_label(k))
            if text.isdigit():
                system.equal(terms, int(text))
            elif text == HIDDEN_LABEL:
                quantities.append((f"{name}, {dim} {val} (x)", terms))
                if published:
                    system.at_least(terms, k)
                if val in HIDE_FIRST:
                    continue
                # the largest: at least every cell after it, more than every cell before it
                for other, other_terms in cells.items():
                    if other == val or other in HIDE_FIRST:
                        continue
                    step = 1 if order[other] < order[val] else 0
                    if other in published:
                        system.at_least(terms, published[other] + step)
                    elif not published:  # a row of small cells: x is the largest of them
                        diff = dict(terms)
                        for t_name, coef in other_terms.items():
                            diff[t_name] = diff.get(t_name, 0.0) - coef
                        system.at_least(diff, step)
            else:
                system.add(terms, *small)
                quantities.append((f"{name}, {dim} {val}", terms))
        for val in set(shown) - set(cells):  # a published value with no variable: only 0 fits it
            text = shown[val]
            if text.isdigit() and int(text) > 0:
                system.equal({}, 1.0)


@dataclass(frozen=True)
class _Space:
    """The variables of one group: fine routes, years, and the values each dimension takes."""

    fines: list[str]
    years: list[int]
    values: dict[str, set[str]]

    @staticmethod
    def t(v: str, f: str, y: int) -> tuple[Any, ...]:
        return ("t", v, f, y)

    @staticmethod
    def c(v: str, dim: str, f: str, y: int, val: str) -> tuple[Any, ...]:
        return ("c", v, dim, f, y, val)


def _column_order(dimension: str, values: Iterable[str]) -> dict[str, int]:
    """Position of each value among a breakdown's fixed columns (see disclosure.dimension_columns)."""
    return {v: i for i, v in enumerate(dimension_columns(dimension, sorted(set(values))))}


def _in_period(year: int, period: tuple[int, int] | None) -> bool:
    return period is None or period[0] <= int(year) <= period[1]
