"""Releases that remember: a new build is published together with every earlier release of the project.

A release can be safe alone and unsafe beside the last one: the same data at country level and at
state level, a period against a longer one, this quarter against the last. Every build therefore
starts from the release register (:mod:`routemap.releases`) and applies three rules, each decided
by published figures and a remainder that counts zero as small — so that what they do never tells a
reader more than the figures themselves:

1. **Updates** (the same cut, newer data): a route is revised only when its total changed by at least
   ``min_count`` and every cell published before and now changed by 0 or at least ``min_count``;
   otherwise it keeps the figures it was last published with. A route kept so looks exactly as if
   its data had not changed.
2. **Coarser or longer cuts**: a route that contains routes published before (country level after
   state level, 2018-2019 after 2018) is published only when it adds at least ``min_count`` persons to
   them, and then without breakdown rows (whose differences would show the added persons' split). A
   route an earlier release of a shorter period left out never hides its year row's extra cell in
   that period's years while they are small (:class:`routemap.releases.LeftOut`; applied as the build
   is published).
3. **Finer cuts** (state level after country level, a shorter period, same data): the routes that
   make up a route published before are a breakdown of it, protected as one: routes below
   ``min_count`` are not listed (as always) and one more is hidden — the one whose state is not
   known, if it is not small, else the largest — and the others are published without breakdown
   rows (the earlier route's rows already split its persons). When every part is small, one is
   held back all the same (the one whose state is not known, else the largest): nothing more is
   listed, and a reader cannot tell it from a large part held back. A shorter period of a route is
   published (without rows) only where the earlier route's year row published every year of it. A
   route held back so stays held back at every later update of its cut.

Then every release and the new build are audited together: each figure is written as a linear
relation over the exact counts of each data version, and the build goes ahead only when a solution
exists in which every small hidden count of every release is 0 (the same promise a single release
keeps). When none exists, the build is refused with the release and the route that conflict.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from routemap._errors import DisclosureError
from routemap._figures import ShownFigures, figures_of
from routemap._lp import System
from routemap._parallel import split
from routemap._release_lp import ReleaseSystems, SetsBy, _in_period, _Index
from routemap.disclosure import (
    Breakdown,
    Publication,
    assemble,
    column_strings,
)
from routemap.places import Gazetteer
from routemap.releases import Atoms, Cut, Register, Release, counts_at, period_inside, shrunk
from routemap.routes import generalise_stops

log = logging.getLogger(__name__)

#: Variables of the systems the audit solves at once: groups of fine routes are put together up to
#: about this many (fewer, larger solves; HiGHS is slower on one very large system than on a few).
CHUNK = 1_000
#: The same for the pinning checks, whose solves ask many objectives of one model (measured: 300 beats
#: 1,000 by about 15% there, while 1,000 beats 300 for the feasibility checks).
PIN_CHUNK = 300


@dataclass
class LinkReport:
    """What the register changed in a build (private: for the analyst's summary and build.json)."""

    held: dict[str, int] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    no_rows: list[str] = field(default_factory=list)
    audited: int = 0
    releases: int = 0

    def lines(self) -> list[str]:
        """One line per kind of change, for the build's summary."""
        out = []
        if self.held:
            out.append(
                f"{len(self.held)} route(s) whose data changed keep the figures of an earlier release: the change is "
                "below the minimum count, or revising them would show a small change (see `routemap releases`)"
            )
        if self.hidden:
            out.append(f"{len(self.hidden)} route(s) held back so that an earlier release's figures stay protected")
        if self.no_rows:
            out.append(f"{len(self.no_rows)} route(s) published without breakdowns: they contain earlier routes")
        return out


class Linker(ReleaseSystems):
    """Relates the routes of every release through the exact counts (atoms) of their data versions.

    Parameters
    ----------
    register
        The project's release register.
    gazetteer
        To generalise a fine route to any cut.
    atoms
        The current build's atoms.
    cut
        The current build's cut.
    """

    def __init__(
        self, register: Register, gazetteer: Gazetteer, *, atoms: Atoms, cut: Cut, version: str | None = None
    ) -> None:
        self.register = register
        self.gazetteer = gazetteer
        self.atoms = atoms
        self.cut = cut
        # ``version``: what to call counts known to be no version of the register's (hashed later)
        self.version = atoms.version if version is None else version
        self._stops: dict[tuple[str, str | None], dict[str, str]] = {}  # (level, focus) -> stop -> stop
        self._key_memo: dict[tuple[str, str, str | None], str] = {}  # (fine, level, focus) -> key
        self._parts_memo: dict[tuple[Cut, str], dict[str, list[str]]] = {}
        self._indexes: dict[str, _Index] = {}
        self._shrinking: dict[tuple[str, str], set[str]] = {}
        # routes and held-back routes of each release's figures (the figures kept alive beside them)
        self._shown: dict[tuple[int, str], tuple[dict[str, Any], set[str]]] = {}
        self._latest: Release | None = None  # the latest release of this cut, if any
        self._groups_memo: tuple[Any, list[set[str]]] | None = None
        # (release, dimension) -> route -> its cells as shown, and as numbers
        self._held_memo: dict[tuple[int, str], dict[str, tuple[list[str], list[int]]]] = {}

    # ------------------------------------------------------------------ fine routes and cuts
    def key(self, fine: str, cut: Cut) -> str:
        """The route key a fine route becomes in a cut (stops generalised, repeats collapsed)."""
        memo = (fine, cut.level, cut.focus)  # one lookup: asked 100,000 times a build
        found = self._key_memo.get(memo)
        if found is None:
            # thousands of fine routes share a few hundred stops: each is generalised once
            stops = self._stops.setdefault((cut.level, cut.focus), {})
            out = generalise_stops(fine.split(" > "), self.gazetteer, level=cut.level, focus=cut.focus, memo=stops)
            found = self._key_memo[memo] = " > ".join(out)
        return found

    def _index_of(self, version: str) -> _Index:
        """Years and values of each fine route in a data version (made once: every group asks)."""
        found = self._indexes.get(version)
        if found is None:
            atoms = self._atoms_of(version)
            years = SetsBy(atoms.totals["fine"], atoms.totals["year"])
            by_value = {dim: SetsBy(cells["fine"], cells["value"]) for dim, cells in atoms.cells.items()}
            found = self._indexes[version] = _Index(years, by_value)
        return found

    def _shrunk(self, before: str, after: str) -> set[str]:
        """Fine routes some count of which is smaller in ``after`` than in ``before`` (made once per pair)."""
        found = self._shrinking.get((before, after))
        if found is None:
            found = shrunk(self._atoms_of(before), self._atoms_of(after))
            self._shrinking[(before, after)] = found
        return found

    def _atoms_of(self, version: str) -> Atoms:
        return self.atoms if version == self.version else self.register.atoms(version)

    def parts(self, cut: Cut, version: str) -> dict[str, list[str]]:
        """Route key -> the fine routes it is made of in a cut of a data version (those with data in its period)."""
        totals = self._atoms_of(version).totals
        codes = totals["fine"].cat.codes.to_numpy()
        if cut.period is not None:
            codes = codes[totals["year"].between(*cut.period).to_numpy()]
        names = totals["fine"].cat.categories
        out: dict[str, list[str]] = defaultdict(list)
        for fine in names[np.unique(codes)].tolist():  # each fine route once, in order
            out[self.key(str(fine), cut)].append(str(fine))
        return out

    # ------------------------------------------------------------------ the rules
    def protect(self, pub: Publication, *, exact: dict[str, int]) -> tuple[Publication, LinkReport, dict[str, Any]]:
        """Apply the rules of the module docstring, then audit every release with this build.

        Parameters
        ----------
        pub
            The build's publication, as if it were the first release.
        exact
            Every route key of the current cut -> its exact persons (private; small routes included).

        Returns
        -------
        publication, report, figures
            The publication to write, what changed, and its figures for the register.

        Raises
        ------
        DisclosureError
            When no set of counts with every small hidden count at 0 fits every release and this one.
        """
        report = LinkReport(releases=len(self.register))
        if not len(self.register):
            return pub, report, figures_of(pub)
        same = [r for r in self.register if r.cut == self.cut]
        latest = self._latest = same[-1] if same else None
        base = ShownFigures.of(pub)
        if latest is not None and latest.data == self.version and latest.figures == base.figures():
            return pub, report, latest.figures  # a rebuild: nothing new is published
        routes = base.routes
        held, held_small, updated = self._revisions(base, latest, exact)
        hidden: dict[str, Any] = {}
        no_rows: set[str] = set()
        others = [r for r in self.register if r.cut != self.cut]
        if others:
            self._coarser(others, routes, exact, hidden, no_rows, held)
            self._finer(others, routes, exact, hidden, held, no_rows)
        # the figures each audit sees are made without the publication's frames, which are made once, after
        shown = base.planned(latest, held=held, hidden=hidden, no_rows=no_rows, held_small=held_small)
        if latest is not None and self._as_latest(latest, shown):  # the latest release again: nothing new
            return self._apply(pub, latest, held, hidden, no_rows), report, latest.figures
        rechecked: set[str] | None = None  # the first audit sees every group; later ones what changed
        while True:
            conflicts = self.audit(pub, held=held, hidden=hidden, only=rechecked, figures=shown)
            report.audited += 1
            if not conflicts:
                break
            touched = {self.key(f, self.cut) for _, _, fines in conflicts for f in fines}
            movable = (touched & updated) - set(held)
            if not movable:
                raise self._refusal(*conflicts[0][:2])
            for key in movable:  # a revision the audit refuses is not made: the route keeps its figures
                held[key] = int(latest.figures["held"].get(key, latest.id)) if latest else 0
            shown = base.planned(latest, held=held, hidden=hidden, no_rows=no_rows, held_small=held_small)
            rechecked = touched  # every group that conflicted (and so every group that changed)
        before = latest.figures["routes"] if latest else {}  # routes whose data changed (kept ones: unchanged)
        report.held = {key: src for key, src in held.items() if key in before and exact.get(key, 0) != before[key]}
        report.hidden = sorted(hidden)
        report.no_rows = sorted(no_rows)
        candidate = self._apply(pub, latest, held, hidden, no_rows)
        published = figures_of(candidate, held=held, hidden=hidden, held_small=held_small)
        if published != shown:  # what is written must be what was audited, figure for figure
            raise DisclosureError(
                "the figures this build would publish differ from those the audit across releases checked, so "
                "nothing was written. This is a bug in routemap: please report it. Meanwhile build this cut into "
                "a separate project"
            )
        return candidate, report, published

    def _refusal(self, release: Release, key: str) -> DisclosureError:
        """The error of a build no rule can protect beside ``release`` (route ``key`` is where it fails)."""
        k, earlier = self.cut.min_count, release.cut.min_count
        figures = release.figures
        counts = [*figures["routes"].values()]
        counts += [shown for rows in figures["rows"].values() for cells in rows.values() for _, shown in cells]
        raised = earlier < k and any(str(n).isdigit() and earlier <= int(n) < k for n in counts)
        why = (
            f"release {release.id} published counts from {earlier} to {k - 1} that this build's minimum of {k} "
            f"would hide, and a published count cannot be taken back (route {self._label(key)})"
            if raised
            else f"this build would let a reader work out a count below {k} on route {self._label(key)}"
        )
        keep = f"keep the minimum of {earlier}" if raised else "keep the earlier cut"
        return DisclosureError(
            f"published beside release {release.id} ({release.cut.describe()}, {release.created}), {why}; nothing "
            f"was written. Build this cut into a separate project, or {keep}; if release {release.id} was never "
            f"actually published, forget it: routemap releases --forget {release.id}"
        )

    def _revisions(
        self, base: ShownFigures, latest: Release | None, exact: dict[str, int]
    ) -> tuple[dict[str, int], set[str], set[str]]:
        """Rule 1: routes of the latest release of this cut kept at its figures (held), and those revised.

        Returns held (route -> the release whose figures it repeats), those of them held because the
        total changed by less than k (see :func:`figures_of`), and the routes published with new figures.
        """
        held: dict[str, int] = {}
        held_small: set[str] = set()
        updated: set[str] = set()
        if latest is None:
            return held, held_small, updated
        k, routes = self.cut.min_count, base.routes
        rows = {dim: {route: dict(cells) for route, cells in by_route.items()} for dim, by_route in base.rows.items()}
        for key in sorted(set(latest.figures["routes"]) | set(latest.figures["hidden"]) | set(latest.figures["held"])):
            before = latest.figures["routes"].get(key)
            if key in latest.figures["hidden"]:
                held[key] = latest.id
                continue
            if before is None:  # held back before, and held since: it stays held back
                held[key] = int(latest.figures["held"][key])
                continue
            change = exact.get(key, 0) - int(before)
            if abs(change) < k or (key in routes and _small_change(latest.figures, rows, key, k)):
                held[key] = int(latest.figures["held"].get(key, latest.id))
                if abs(change) < k:
                    held_small.add(key)
            elif key in routes:
                updated.add(key)
        return held, held_small, updated

    def _as_latest(self, latest: Release, shown: dict[str, Any]) -> bool:
        """Whether a build publishes, figure for figure, what the latest release of its cut did from the same data.

        It then tells a reader nothing new, whatever it holds or hides and why: it is published as
        that release again, with no audit (which, shortcuts off, could refuse what was published).
        """
        same = latest.data == self.version
        return same and (shown["routes"], shown["rows"]) == (latest.figures["routes"], latest.figures["rows"])

    def _parts(self, release: Release) -> dict[str, list[str]]:
        memo = (release.cut, release.data)
        if memo not in self._parts_memo:
            self._parts_memo[memo] = self.parts(release.cut, release.data)
        return self._parts_memo[memo]

    def _coarser(
        self,
        others: list[Release],
        routes: dict[str, int],
        exact: dict[str, int],
        hidden: dict[str, Any],
        no_rows: set[str],
        held: dict[str, int],
    ) -> None:
        """Rule 2: routes that contain routes published before (in another cut)."""
        inside: dict[str, list[int]] = {}
        inside_keys: dict[str, list[list[Any]]] = {}
        for release in reversed(others):  # parts from the latest release that has any
            found: dict[str, list[int]] = defaultdict(list)
            found_keys: dict[str, list[list[Any]]] = defaultdict(list)
            for other_key, target in self._contained(release):
                total = release.figures["routes"].get(other_key)
                if total is None:
                    continue
                found[target].append(int(total))
                found_keys[target].append([release.id, other_key])
            for target, totals in found.items():
                if target not in inside:
                    inside[target], inside_keys[target] = totals, found_keys[target]
        k = self.cut.min_count
        for key in sorted(routes):
            if key in held or key not in inside:
                continue
            if exact[key] - sum(inside[key]) < k:
                hidden[key] = {"why": "contains", "parts": inside_keys[key]}
            else:
                no_rows.add(key)

    def _contained(self, release: Release) -> list[tuple[str, str]]:
        """(route of an earlier release, route of this build that wholly contains it), column-wise.

        Contains: its fine routes all become that one route in this cut, and each of its counts (fine
        route and year) lies in this cut's period with at least as many persons in this build's data.
        """
        totals = self._atoms_of(release.data).totals
        if release.cut.period is not None:
            totals = totals.loc[totals["year"].between(*release.cut.period).to_numpy()]
        now = self.atoms.totals
        later = counts_at(totals, now, ["fine", "year"])
        period = self.cut.period
        years = totals["year"].to_numpy()
        in_period = (years >= period[0]) & (years <= period[1]) if period is not None else True
        ok = in_period & (later >= totals["persons"].to_numpy())
        # routes of each cut by fine route (each fine route generalised once), then by row through its code
        fines = [str(f) for f in totals["fine"].cat.categories]
        codes = totals["fine"].cat.codes.to_numpy()
        theirs, their_keys = pd.factorize(np.asarray([self.key(f, release.cut) for f in fines], dtype=object))
        mine, my_keys = pd.factorize(np.asarray([self.key(f, self.cut) for f in fines], dtype=object))
        key, target = theirs[codes], mine[codes]
        pairs = np.unique(key.astype(np.int64) * max(1, len(my_keys)) + target)
        targets = np.bincount(pairs // max(1, len(my_keys)), minlength=len(their_keys))
        failed = np.bincount(key[~ok], minlength=len(their_keys))
        first = np.full(len(their_keys), -1, dtype=np.int64)
        first[key[::-1]] = target[::-1]  # the first row's target of each route (later writes win)
        whole = np.flatnonzero((targets == 1) & (failed == 0))
        return [(str(their_keys[i]), str(my_keys[first[i]])) for i in whole.tolist()]

    def _finer(
        self,
        others: list[Release],
        routes: dict[str, int],
        exact: dict[str, int],
        hidden: dict[str, Any],
        held: dict[str, int],
        no_rows: set[str],
    ) -> None:
        """Rule 3: routes that make up a route published before, from the same data.

        A finer level or focus splits an earlier route into routes that are a breakdown of it: one of
        them is held back (the part whose state is not known if it is not small, else the largest).
        A shorter period of the same cut is published only where the earlier route's year row
        published every year of it (then its total is known already), and without breakdown rows.
        """
        k = self.cut.min_count
        current: dict[str, list[str]] = {}
        fine_to_key: dict[str, str] = {}
        for release in others:
            if release.data != self.version:
                continue
            if not current:  # (made only where a release of the same data asks)
                current = self.parts(self.cut, self.version)
                fine_to_key = {fine: key for key, fines in current.items() for fine in fines}
            same_place = (release.cut.level, release.cut.focus) == (self.cut.level, self.cut.focus)
            narrower = period_inside(self.cut.period, release.cut.period) and self.cut.period != release.cut.period
            if same_place and narrower:
                years = release.figures["rows"].get("year", {})
                # every earlier route, listed now or not: being left out must not depend on the count;
                # a route held back before stays held back (its part would show what it holds)
                for key in sorted(set(release.figures["routes"]) | set(release.figures["hidden"])):
                    if key in held or key in hidden:
                        continue
                    shown = dict(years.get(key, []))
                    period = self.cut.period
                    assert period is not None
                    covered = key not in release.figures["no_rows"] and all(
                        shown.get(str(y), "").isdigit() for y in _years_with_data(period)
                    )
                    if covered:
                        no_rows.add(key)
                    else:
                        hidden[key] = {"why": "period", "parts": [[release.id, key]]}
                continue
            if release.cut.period != self.cut.period or same_place:
                continue  # other mixes are left to the audit
            for coarse, fines in self._parts(release).items():
                if coarse not in release.figures["routes"] or coarse in release.figures["held"]:
                    continue  # a held route's figures are of older data: the audit relates them
                children = {fine_to_key.get(fine, "") for fine in fines}
                children.discard("")
                if children == {coarse}:
                    continue  # the same route in both cuts: nothing is split
                covered = all(all(self.key(f, release.cut) == coarse for f in current[c]) for c in children)
                big = [c for c in children if exact.get(c, 0) >= k]
                if not covered:
                    continue
                # the part whose state (or town) is not known keeps the coarse route's own stops; when every part
                # is small, one is held back all the same (nothing is listed either way): a reader cannot tell it
                # from a large one, so the earlier route's persons may all be in it and every other part hold none
                pool = big or sorted(children)
                not_known = [c for c in pool if c == coarse]
                chosen = not_known[0] if not_known else max(sorted(pool), key=lambda c: exact.get(c, 0))
                if chosen not in held:  # ("small parts": it is not known to hold at least min_count)
                    hidden[chosen] = {"why": "part" if big else "small parts", "parts": [[release.id, coarse]]}
                # the earlier route's breakdown rows already split it: its parts' rows would split it again
                no_rows.update(c for c in children if c != chosen)

    def _apply(
        self,
        pub: Publication,
        latest: Release | None,
        held: dict[str, int],
        hidden: dict[str, Any],
        no_rows: set[str],
    ) -> Publication:
        """The publication with routes kept at earlier figures, held back, or without rows."""
        rows = pub.route_rows.set_index("route")
        keep = [r for r in rows.index if r not in hidden and r not in held]
        frames = [rows.loc[keep].reset_index()]
        stops = dict(pub.stops)
        places = dict(pub.places_by_id)
        if latest is not None:
            figures = latest.figures
            kept = [key for key in sorted(held) if key in figures["routes"]]  # held back before: stays out
            present = [key for key in kept if key in rows.index]
            if present:
                frames.append(rows.loc[present].reset_index())
            absent = [{"route": key, **self._describe(key)} for key in kept if key not in rows.index]
            if absent:
                frames.append(pd.DataFrame(absent))
            for key in kept:
                stops.setdefault(key, tuple(key.split(" > ")))
                for pid in stops[key]:
                    if pid not in places:  # (setdefault would look every stop up)
                        places[pid] = self.gazetteer.place(pid)
        route_rows = pd.concat(frames, ignore_index=True)[list(pub.route_rows.columns)]
        if latest is not None and held:  # a held route shows the persons it was published with
            earlier = route_rows["route"].map(latest.figures["routes"])
            is_held = route_rows["route"].isin(list(held)).to_numpy()
            route_rows.loc[is_held, "persons"] = earlier[is_held]
        route_rows["persons"] = route_rows["persons"].astype(np.int64)
        route_rows = route_rows.sort_values(["persons", "label"], ascending=[False, True], kind="stable")
        listed = set(route_rows["route"])
        breakdowns = {}
        for dim, breakdown in pub.breakdowns.items():
            cells = breakdown.cells
            cells = cells.loc[cells["route"].isin(listed - set(held) - no_rows)]
            if latest is not None and dim in latest.figures["rows"]:
                keys = [key for key in sorted(held) if key in listed and key not in latest.figures["no_rows"]]
                if keys:
                    memo = self._held_memo.setdefault((latest.id, dim), {})  # a second _apply repeats most
                    copies = _held_cells(keys, breakdown.columns, latest.figures["rows"][dim], pub.label, memo)
                    cells = pd.concat([cells, copies], ignore_index=True)
            at = pd.Index(route_rows["route"]).get_indexer(cells["route"])  # cells in the order of the routes
            cells = cells.take(np.argsort(at, kind="stable")).reset_index(drop=True)
            breakdowns[dim] = Breakdown(dim, breakdown.columns, cells)
        stats = dict(pub.stats)
        stats.update(routes_published=len(route_rows), routes_held=len([h for h in held if h in listed]))
        stats["routes_not_listed"] = max(0, stats.get("routes", 0) - len(route_rows))
        stats["routes_held_back"] = len(hidden)
        return assemble(
            min_count=pub.min_count,
            route_rows=route_rows,
            breakdowns=breakdowns,
            stops=stops,
            places=places,
            stats=stats,
        )

    def _describe(self, key: str) -> dict[str, Any]:
        names = [self.gazetteer.place(s).name for s in key.split(" > ")]
        return {
            "label": " > ".join(names),
            "origin": names[0],
            "transit": " > ".join(names[1:-1]),
            "destination": names[-1],
            "n_stops": len(names),
        }

    def _label(self, key: str) -> str:
        try:
            return " > ".join(self.gazetteer.place(s).name for s in key.split(" > "))
        except KeyError:
            return key

    # ------------------------------------------------------------------ the audit
    def audit(
        self,
        pub: Publication,
        *,
        held: dict[str, int],
        hidden: dict[str, Any],
        held_small: set[str] | None = None,
        only: set[str] | None = None,
        figures: dict[str, Any] | None = None,
    ) -> list[tuple[Release, str, set[str]]]:
        """Releases and routes of this build for which no all-small-counts-zero solution exists.

        The figures of every release and of this build are written over the atoms of their data
        versions (persons by fine route and year, and by fine route, year and value); a solution
        must give every published figure its value, every ``<k`` cell and every unlisted route 0, and
        every hidden cell what choosing it implies. It is solved per group of fine routes that some
        release joins, so the cost follows the routes, not the records. ``figures``: the build's
        figures (:func:`figures_of` of the other arguments), when already made.
        """
        if figures is None:
            figures = figures_of(pub, held=held, hidden=hidden, held_small=held_small)
        current = Release(0, "now", "", self.version, self.cut, {}, figures)
        releases = [*self.register, current]
        checks: list[tuple[set[str], list[Release], bool]] = []
        for fines in self._groups(releases):
            if only is not None and not any(self.key(f, self.cut) in only for f in fines):
                continue  # its figures did not change since the last audit, which found it safe
            involved = self._involved(releases, fines)
            if len({(r.cut, r.data) for r in involved}) < 2 and current not in involved:
                continue
            if len(involved) < 2 or self._repeats(current, involved, fines):
                continue
            checks.append((fines, involved, len({r.data for r in involved}) > 1))
        # groups solved together in systems of about CHUNK variables (their variables are apart): few
        # solves of small programs; a chunk with no solution is looked at group by group
        suspects = [check for check in checks if check[2]]
        chunks = list(self._chunks(releases, [c for c in checks if not c[2]]))
        for chunk, bad in zip(chunks, split(lambda part: self._witness(releases, part), chunks), strict=True):
            suspects += [c for c, b in zip(chunk, bad, strict=True) if b]
        # every small count may be 0 together: safe; otherwise, or when cases were added between
        # releases (whose counts the zero solution does not cover), no count may be pinned
        try:
            pinned = self._pinned_groups(releases, [fines for fines, _, _ in suspects])
        except ValueError:  # no point fits what every release published: refuse, never guess
            raise DisclosureError(
                "the audit across releases could not fit this build's figures together with the register's "
                f"({len(self.register)} releases), so it cannot tell whether publishing is safe; nothing was "
                "written. This is a bug in routemap: please report it. Meanwhile build this cut into a separate "
                "project, or forget releases that were never published (routemap releases --forget ID)"
            ) from None
        conflicts: list[tuple[Release, str, set[str]]] = []
        for fines, involved, _ in suspects:
            if not pinned.get(frozenset(fines)):
                continue
            key = next((self.key(f, self.cut) for f in sorted(fines)), "")
            # name the earlier release that conflicts: the latest one whose pair with this build fails alone
            culprit = involved[0] if involved[0] is not current else involved[-1]
            for release in reversed(involved):
                if release is current:
                    continue
                try:
                    if self._pinned([release, current], fines):
                        culprit = release
                        break
                except ValueError:  # only to name the release: the refusal stands either way
                    continue
            conflicts.append((culprit, key, fines))
        return conflicts

    def _witness(self, releases: list[Release], chunks: Sequence[list[Any]]) -> list[list[bool]]:
        """For each chunk of checks, which of its groups have no solution with every small count 0."""
        out = []
        for chunk in chunks:
            witness = System()
            parts = []
            for fines, _, _ in chunk:
                start = len(witness.rows)
                self._system(releases, fines, into=witness)
                parts.append((start, len(witness.rows)))
            if witness.feasible():
                out.append([False] * len(chunk))
                continue
            bad = witness.infeasible_parts(parts)  # one solve tells which groups of the chunk fail
            if bad is None:
                bad = [not self._system(releases, c[0])[0].feasible() for c in chunk]
            out.append(bad)
        return out

    def _chunks(self, releases: list[Release], checks: list[Any], *, size: int | None = None) -> Iterator[list[Any]]:
        """Checks (each led by its group of fine routes) in runs of about ``size`` (:data:`CHUNK`) variables."""
        limit = size or CHUNK
        chunk: list[Any] = []
        total = 0
        for check in checks:
            chunk.append(check)
            total += self._size(releases, check[0])
            if total >= limit:
                yield chunk
                chunk, total = [], 0
        if chunk:
            yield chunk

    def _size(self, releases: list[Release], fines: set[str]) -> int:
        """About how many variables a group's system has (totals and cells of each fine route and year)."""
        total = 0
        for version in {r.data for r in releases}:
            index = self._index_of(version)
            total += sum(index.width(f) for f in fines)
        return total

    def _pinned_groups(self, releases: list[Release], groups: list[set[str]]) -> dict[frozenset[str], list[str]]:
        """:meth:`_pinned` of many groups of fine routes, solved together in chunks (their variables are apart)."""
        out: dict[frozenset[str], list[str]] = defaultdict(list)
        chunks = list(self._chunks(releases, [(fines,) for fines in groups], size=PIN_CHUNK))
        for chunk, found in zip(chunks, split(lambda part: self._pinned_chunks(releases, part), chunks), strict=True):
            for i, name in found:
                out[frozenset(chunk[i][0])].append(name)
        return out

    def _pinned_chunks(self, releases: list[Release], chunks: Sequence[list[Any]]) -> list[list[tuple[int, str]]]:
        """For each chunk of groups, the pinned counts: (the group's place in the chunk, the count's name)."""
        k = self.cut.min_count
        out = []
        for chunk in chunks:
            system = System()
            named: list[tuple[int, str, dict[Any, float]]] = []
            for i, (fines,) in enumerate(chunk):
                _, quantities = self._system(releases, fines, witness=False, into=system)
                named += [(i, name, terms) for name, terms in quantities]
            pinned = system.pinned([t for _, _, t in named], k=k) if named else []
            out.append([(i, name) for (i, name, _), value in zip(named, pinned, strict=True) if value is not None])
        return out

    def _pinned(self, releases: list[Release], fines: set[str]) -> list[str]:
        """Hidden counts a reader can pin to one value from 1 to k - 1, knowing every release.

        Used when no solution keeps every small count at 0: the reader may then rule out some
        zeros, but must still not learn any small count exactly.
        """
        return self._pinned_groups(releases, [fines]).get(frozenset(fines), [])

    def _groups(self, releases: list[Release]) -> list[set[str]]:
        """Fine routes joined by some release's route (union-find over every cut; made once per build)."""
        memo = (frozenset(r.data for r in releases), frozenset(r.cut for r in releases))
        if self._groups_memo is not None and self._groups_memo[0] == memo:
            return self._groups_memo[1]
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        versions = {r.data for r in releases}
        fines = sorted(
            {f for v in versions for f in column_strings(self._atoms_of(v).totals["fine"].drop_duplicates())}
        )
        for fine in fines:
            find(fine)
        for cut in {r.cut for r in releases}:
            by_key: dict[str, str] = {}
            for fine in fines:
                key = self.key(fine, cut)
                if key in by_key:
                    parent[find(fine)] = find(by_key[key])
                else:
                    by_key[key] = fine
        groups: dict[str, set[str]] = defaultdict(set)
        for fine in fines:
            groups[find(fine)].add(fine)
        self._groups_memo = (memo, list(groups.values()))
        return self._groups_memo[1]

    def _involved(self, releases: list[Release], fines: set[str]) -> list[Release]:
        out = []
        for release in releases:
            figures = release.figures
            memo = (id(figures), "shown")
            shown = self._shown.get(memo)
            if shown is None:
                shown = self._shown[memo] = (figures, set(figures["routes"]) | set(figures["hidden"]))
            if any(self.key(f, release.cut) in shown[1] for f in fines) or self._silent_on(release, fines):
                out.append(release)
        return out

    def _silent_on(self, release: Release, fines: set[str]) -> bool:
        """Whether a release that lists none of these routes still tells of them.

        So when any of them holds persons in its data version within its period: it left each out as
        below its minimum, and a reader knows that beside the figures of other releases (a year left out
        at state level, and the same route's year hidden beside a small one in a longer period, pin it).
        """
        years = self._index_of(release.data).years
        return any(_in_period(y, release.cut.period) for f in fines for y in years.get(f))


def _years_with_data(period: tuple[int, int]) -> list[int]:
    """The years of a period that an earlier year row must have published.

    A year holding no record would need no cell, but which years hold records is not published, so
    every year of the period must be covered.
    """
    return list(range(period[0], period[1] + 1))


def _small_change(before: dict[str, Any], now: dict[str, dict[str, dict[str, str]]], key: str, k: int) -> bool:
    """Whether a cell published before and now changed by 1 to k - 1 (a revision would show it)."""
    for dim, by_route in before["rows"].items():
        if dim not in now or key in before["no_rows"]:
            continue
        old = {v: s for v, s in by_route.get(key, [])}
        new = now[dim].get(key, {})
        for value, text in old.items():
            if text.isdigit() and new.get(value, "").isdigit() and 0 < abs(int(new[value]) - int(text)) < k:
                return True
    return False


def _held_cells(
    keys: list[str],
    columns: tuple[str, ...],
    rows: dict[str, list[list[str]]],
    label: str,
    memo: dict[str, tuple[list[str], list[int]]],
) -> pd.DataFrame:
    """The breakdown cells of routes kept at an earlier release's figures, in one frame (``memo``: by route).

    Columns are made from each route's name once, taken per cell.
    """
    texts: list[str] = []
    numbers: list[int] = []  # each cell's count, -1 where it is not a number
    for key in keys:
        found = memo.get(key)
        if found is None:
            shown = dict(rows.get(key, []))
            cell_texts = [shown.get(col, label) for col in columns]
            found = memo[key] = (cell_texts, [int(s) if s.isdigit() else -1 for s in cell_texts])
        texts += found[0]
        numbers += found[1]
    persons = np.asarray(numbers, dtype=np.int64).reshape(-1)
    return pd.DataFrame(
        {
            "route": np.repeat(np.asarray(keys, dtype=object), len(columns)),
            "value": np.tile(np.asarray(list(columns), dtype=object), len(keys)),
            "shown": np.asarray(texts, dtype=object),
            "persons": pd.arrays.IntegerArray(np.maximum(persons, 0), persons < 0),
        }
    )
