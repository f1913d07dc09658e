"""The audit across releases as linear relations: every release's figures over the atoms of its data."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from routemap._lp import System
from routemap.disclosure import HIDDEN_LABEL, HIDE_FIRST, column_strings, dimension_columns, suppressed_label
from routemap.releases import Cut, LeftOut, Register, Release

#: Breakdowns the register keeps (the published tables).
DIMENSIONS: tuple[str, ...] = ("sector", "exploitation", "sex", "age_group", "year")


class SetsBy:
    """Each key's set of values in a table of (key, value) rows, made for a key when first asked.

    The rows are coded and their distinct pairs sorted once (no loop per row); a build that audits
    a few routes of a data version's ten thousand then makes a few sets, not every one.
    """

    def __init__(self, keys: pd.Series, values: pd.Series) -> None:
        key_codes, key_uniques = pd.factorize(keys)
        value_codes, value_uniques = pd.factorize(values)
        n = max(1, len(value_uniques))
        coded = key_codes.astype(np.int64) * n + value_codes
        if len(key_uniques) * n <= 4 * len(coded) + 1024:  # distinct pairs by presence, in order: no sort
            pairs = np.flatnonzero(np.bincount(coded, minlength=len(key_uniques) * n))
        else:
            pairs = np.unique(coded)  # sorted by key, then value
        self._bounds = np.searchsorted(pairs // n, np.arange(len(key_uniques) + 1)).tolist()
        named = pd.Series(value_uniques)
        values_text = named.tolist() if pd.api.types.is_integer_dtype(named) else column_strings(named)
        self._of_pairs = [values_text[i] for i in (pairs % n).tolist()]
        self._code = {key: i for i, key in enumerate(column_strings(pd.Series(key_uniques)))}
        self._sets: dict[str, set[Any]] = {}

    def get(self, key: str) -> set[Any]:
        """The values of ``key`` (empty when it has none)."""
        found = self._sets.get(key)
        if found is None:
            i = self._code.get(key)
            found = set() if i is None else set(self._of_pairs[self._bounds[i] : self._bounds[i + 1]])
            self._sets[key] = found
        return found

    def count(self, key: str) -> int:
        """How many values ``key`` has."""
        i = self._code.get(key)
        return 0 if i is None else self._bounds[i + 1] - self._bounds[i]

    def counts(self) -> dict[str, int]:
        """How many values each key has (every key at once)."""
        sizes = np.diff(np.asarray(self._bounds, dtype=np.int64)).tolist()
        return {key: sizes[i] for key, i in self._code.items()}


@dataclass
class _Index:
    """Years of each fine route, and values of each (dimension, fine route), in one data version."""

    years: SetsBy
    #: Dimension -> its values by fine route.
    by_value: dict[str, SetsBy]

    def values(self, dimension: str, fine: str) -> set[str]:
        """The values a fine route takes in a dimension."""
        found = self.by_value.get(dimension)
        return set() if found is None else found.get(fine)

    def width(self, fine: str) -> int:
        """About how many variables a fine route brings to a system (its years, plus its values); 1 if none."""
        return self.widths.get(fine, 0) or 1

    @functools.cached_property
    def widths(self) -> dict[str, int]:
        """:meth:`width` of every fine route with data (made once: every group asks)."""
        out = self.years.counts()
        for values in self.by_value.values():
            for fine, n in values.counts().items():
                out[fine] = out.get(fine, 0) + n
        return out


class ReleaseSystems:
    """The linear systems of :class:`routemap.linkage.Linker` (which supplies the lookups below)."""

    register: Register
    #: The cut of the build being audited.
    cut: Cut
    #: The latest release of the build's cut, if any (set by the Linker before it audits).
    _latest: Release | None
    #: Sets made once per release's figures (kept beside the figures, so their ids stay theirs).
    _shown: dict[tuple[int, str], tuple[dict[str, Any], set[str]]]
    #: Merge what no figure tells apart (:meth:`_space`) and skip what an earlier audit covers. Off
    #: only in the test that checks the shortcuts change no answer.
    reduce: bool = True

    def key(self, fine: str, cut: Cut) -> str:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _index_of(self, version: str) -> _Index:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _shrunk(self, before: str, after: str) -> set[str]:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _label(self, key: str) -> str:  # pragma: no cover - Linker's
        raise NotImplementedError

    def _repeats(self, current: Release, involved: list[Release], fines: set[str]) -> bool:
        """Whether, on a group of routes, this build repeats the latest release of its cut.

        So when every other release involved is of that release's data, and every route of the group
        is published now exactly as then, or held at figures of that data. The audit that release
        passed then covers this build: any counts that fit the earlier releases fit this one too,
        with this data version's counts set equal to that version's, so every hidden count of this
        build can take every value its twin could, and every count added between the versions can be
        0 — nothing is pinned that was not pinned before.
        """
        latest = self._latest
        if latest is None or current not in involved or not self.reduce:
            return False
        if any(r.data != latest.data for r in involved if r is not current):
            return False
        by_id = {r.id: r for r in involved}
        now, before = current.figures, latest.figures
        for key in {self.key(f, self.cut) for f in fines}:
            if key in now["held"]:
                source = by_id.get(int(now["held"][key]))
                if source is None and int(now["held"][key]) == latest.id:
                    source = latest
                if source is None or source.data != latest.data:
                    return False
            elif key in before["held"] or self._figure(now, key) != self._figure(before, key):
                return False
        return True

    def _figure(self, figures: dict[str, Any], key: str) -> tuple[Any, ...]:
        """Everything a release's figures say of one route, to compare two releases."""
        rows = {dim: sorted(map(tuple, by_route.get(key, []))) for dim, by_route in figures["rows"].items()}
        return figures["routes"].get(key), figures["hidden"].get(key), key in self._no_rows(figures), rows

    def _no_rows(self, figures: dict[str, Any]) -> set[str]:
        """A release's routes published without breakdown rows, as a set (made once per figures)."""
        memo = (id(figures), "no_rows")
        found = self._shown.get(memo)
        if found is None:
            found = self._shown[memo] = (figures, set(figures["no_rows"]))
        return found[1]

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
        space = self._space(releases, fines, versions)
        t, c = space.t, space.c
        for v in versions:  # each dimension's cells add up to the totals of the same routes and years
            for f in space.fines:
                for y in space.years:
                    system.var(t(v, f, y))
                for s, seg in enumerate(space.segments):
                    for dim, vals in space.values.items():
                        terms: dict[Any, float] = {c(v, dim, f, s, val): 1.0 for val in vals}
                        for y in seg:
                            terms[t(v, f, y)] = -1.0
                        system.equal(terms, 0.0)
        for a, b in itertools.pairwise(versions):  # additions only, where the data only grew
            if not fines & self._shrunk(a, b):
                for f in space.fines:
                    for y in space.years:
                        system.at_least({t(b, f, y): 1.0, t(a, f, y): -1.0}, 0.0)
                    for s in range(len(space.segments)):
                        for dim, vals in space.values.items():
                            for val in vals:
                                system.at_least({c(b, dim, f, s, val): 1.0, c(a, dim, f, s, val): -1.0}, 0.0)
        quantities: list[tuple[str, dict[Any, float]]] = []
        for release in releases:
            self._release_rows(system, release, space, witness=witness, quantities=quantities)
        if not witness:
            quantities.extend(self._unlisted_parts(releases, space))
            quantities.extend(self._additions(releases, space, versions))
        return system, quantities

    def _space(self, releases: list[Release], fines: set[str], versions: list[str]) -> _Space:
        """The variables of one group, merged where no figure can tell them apart.

        Fine routes that every release's cut makes the same route are one variable (a class): every
        relation sums them together, and any solution over classes is one over fine routes (put each
        class's persons on one of its routes). The cells of a dimension are kept by run of years that
        every release's period takes or leaves whole (a segment), the totals by year: given totals by
        year and cells by segment that agree, cells by year exist (a transportation problem with equal
        sums), also when one version must only add to another (split the additions the same way).
        Both shrink the systems several-fold and change no answer.

        Where no cell is related to another release's (see :meth:`_cells_apart`), the cells are left
        out altogether: the only release that publishes rows then fixes the total each row splits,
        and its rows, being its own, can be split with every small count 0 (so it was published).
        """
        # every cut of the register too: a route held back as containing routes of a release that is
        # not among ``releases`` (a pair looked at alone) sums fine routes by that release's cut
        cuts = list(dict.fromkeys(r.cut for r in [*releases, *self.register]))
        classes: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for f in sorted(fines):
            classes[tuple(self.key(f, cut) for cut in cuts) if self.reduce else (f,)].append(f)
        years: set[int] = set()
        values: dict[str, set[str]] = {dim: set() for dim in DIMENSIONS if dim != "year"}
        if self.reduce and self._cells_apart(releases, fines, versions):
            values = {}
        for v in versions:
            index = self._index_of(v)
            for f in fines:
                years |= index.years.get(f)
                for dim in values:
                    values[dim] |= index.values(dim, f)
        for release in releases:
            keys = {self.key(f, release.cut) for f in fines}
            for dim, by_route in release.figures["rows"].items():
                if dim in values:
                    for key in keys & by_route.keys():
                        values[dim] |= {v for v, _ in by_route[key]}
        segments: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for y in sorted(years):
            segments[tuple(_in_period(y, cut.period) for cut in cuts) if self.reduce else (y,)].append(y)
        return _Space(sorted(m[0] for m in classes.values()), sorted(years), values, list(segments.values()))

    def _cells_apart(self, releases: list[Release], fines: set[str], versions: list[str]) -> bool:
        """Whether no relation ties a group's cells of one release to those of another.

        So when no version only adds to another on the group (those relations are cell by cell) and
        in each data version at most one release publishes breakdown rows (other than by year, which
        are totals) for the group's routes. That release's own total then fixes what each of its rows
        splits, so its cells are a system of their own which single-release disclosure made safe.
        """
        for a, b in itertools.pairwise(versions):
            if not fines & self._shrunk(a, b):
                return False
        with_rows: set[str] = set()
        for release in releases:
            figures = release.figures
            if not any(dim != "year" for dim in figures["rows"]):
                continue
            no_rows = self._no_rows(figures)
            for key in {self.key(f, release.cut) for f in fines}:
                if key in figures["routes"] and key not in figures["held"] and key not in no_rows:
                    if release.data in with_rows:
                        return False
                    with_rows.add(release.data)
                    break
        return True

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
            name = "" if witness else f"release {release.id}: {self._label(key)}"  # names are for the pinning
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
                continue  # "period", "small parts": held back whatever it holds
            if key not in figures["routes"]:
                system.add(total, *small)  # not listed: may hold nobody
                quantities.append((f"{name} (not listed)", total))
                continue
            system.equal(total, int(figures["routes"][key]))
            if key in figures["no_rows"]:
                continue
            barred = frozenset(str(y) for y in self._left_out(release).years(key))
            for dim, by_route in figures["rows"].items():
                if dim != "year" and dim not in space.values:
                    continue  # cells apart from every other release's (see _cells_apart)
                shown = dict(by_route.get(key, []))
                bar = barred if dim == "year" else frozenset()
                self._row(system, space, v, dim, fs, in_period, shown, k, small, name, quantities, bar, cut.period)

    def _left_out(self, release: Release) -> LeftOut:
        """The years earlier releases left routes out in, as ``release`` was built (see :class:`LeftOut`)."""
        memo = self.__dict__.setdefault("_left_out_memo", {})
        found = memo.get(release.id)
        if found is None:
            earlier = [r for r in self.register if not release.id or r.id < release.id]
            found = memo[release.id] = LeftOut.of(earlier, release.cut)
        return found

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
        barred: frozenset[str] = frozenset(),
        period: tuple[int, int] | None = None,
    ) -> None:
        """One published breakdown row, with what choosing its hidden cell implies.

        ``barred``: cells that could not be the hidden one while small (years an earlier release left the
        route out in): the hidden cell says nothing of those shown ``<k``.
        """
        published = {val: int(s) for val, s in shown.items() if s.isdigit()}
        if dim == "year":
            cells = {str(y): {space.t(v, f, y): 1.0 for f in fs} for y in in_period}
        else:
            segments = [i for i, seg in enumerate(space.segments) if seg[0] in in_period]
            cells = {val: {space.c(v, dim, f, i, val): 1.0 for f in fs for i in segments} for val in space.values[dim]}
        order = _column_order(dim, [*cells, *shown])
        # barred cells shown <k are passed over; a hidden barred cell is not small, unless every cell is barred
        # (then the rule as if none were: it is the largest, small or not)
        hidden = [val for val, text in shown.items() if text == HIDDEN_LABEL]
        passed = frozenset(val for val in barred if val not in shown)
        # the row's columns as protect_rows saw them: every year of a period, years with no count included
        columns = set(cells) | ({str(y) for y in range(period[0], period[1] + 1)} if period else set())
        if columns <= passed | set(hidden) and set(hidden) <= barred:
            barred = passed = frozenset()
        for val, terms in cells.items():
            text = shown.get(val, suppressed_label(k))
            if text.isdigit():
                system.equal(terms, int(text))
            elif text == HIDDEN_LABEL:
                quantities.append((f"{name}, {dim} {val} (x)", terms))
                if published or _ranked_before(val, order) or val in barred:
                    system.at_least(terms, k)  # chosen among cells that are not small: the row has one
                if val in HIDE_FIRST:
                    continue
                # the largest: at least every cell after it, more than every cell before it
                for other, other_terms in cells.items():
                    if other == val or other in HIDE_FIRST or other in passed:
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
    """The variables of one group (see :meth:`ReleaseSystems._space`).

    ``fines``: one fine route per class; ``years``: the years with data; ``values``: the values each
    dimension takes; ``segments``: the years, in runs that no release's period splits.
    """

    fines: list[str]
    years: list[int]
    values: dict[str, set[str]]
    segments: list[list[int]]

    @staticmethod
    def t(v: str, f: str, y: int) -> tuple[Any, ...]:
        return ("t", v, f, y)

    @staticmethod
    def c(v: str, dim: str, f: str, segment: int, val: str) -> tuple[Any, ...]:
        return ("c", v, dim, f, segment, val)


def _ranked_before(value: str, order: dict[str, int]) -> bool:
    """Whether a column the rule hides first in a row of small cells (``unknown``, then ``other``) precedes ``value``.

    A row of small cells only hides that column; a row that hides ``value`` instead has a cell that
    is not small, and its hidden cell is one of those: at least k, even with nothing else published.
    """
    rank = HIDE_FIRST.index(value) if value in HIDE_FIRST else len(HIDE_FIRST)
    return any(column in order for column in HIDE_FIRST[:rank])


def _column_order(dimension: str, values: Iterable[str]) -> dict[str, int]:
    """Position of each value among a breakdown's fixed columns (see disclosure.dimension_columns)."""
    return {v: i for i, v in enumerate(dimension_columns(dimension, sorted(set(values))))}


def _in_period(year: int, period: tuple[int, int] | None) -> bool:
    return period is None or period[0] <= int(year) <= period[1]
