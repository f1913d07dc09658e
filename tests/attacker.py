"""Attackers for disclosure tests: one that knows the algorithm and one that solves linear programs.

``published_csvs`` runs routemap's own publication step (the disclosure gate, then every CSV table
as the build writes it) on a table of exact counts and returns the files' bytes: the algorithm-aware
attacker runs it on every alternative table and keeps those whose files are byte-identical.

``witness`` builds, from a table and what was published of it, the alternative the README promises:
every ``<5`` cell of every breakdown row set to 0 and its persons moved into the row's ``x`` cell.

``Attacker`` writes published figures as linear constraints (with the bounds and implications of the
rule) and minimises and maximises each unknown by linear programming.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from routemap.aggregate import ROUTE_COLUMNS, Aggregates
from routemap.disclosure import HIDDEN_LABEL, publish
from routemap.places import Place
from routemap.render.tables import breakdown_table, build_tables, top_routes_table, write_csv, write_table_csv

K = 5

#: {route key (stops joined by " > "): {dimension: {value: persons}}}
Table = Mapping[str, Mapping[str, Mapping[str, int]]]


def aggregates_of(table: Table, *, dimensions: tuple[str, ...] = ("sector", "sex", "year")) -> Aggregates:
    """Exact aggregates of routes given by their breakdowns (each dimension adds up to the route)."""
    rows, cells, places, stops = [], {d: [] for d in dimensions}, {}, {}
    years: list[int] = []
    for key, dims in table.items():
        names = key.split(" > ")
        total = sum(next(iter(dims.values())).values())
        domestic = names[0] == names[-1]
        rows.append((key, key, names[0], " > ".join(names[1:-1]), names[-1], len(names), total, total, domestic))
        stops[key] = tuple(f"country:{n}" for n in names)
        for n in names:
            places[f"country:{n}"] = Place(f"country:{n}", n, "country", n, "", float(len(places)), 0.0)
        for dim in dimensions:
            split = dims.get(dim, {"2020" if dim == "year" else "unknown": total})
            assert sum(split.values()) == total, (key, dim)
            cells[dim] += [(key, str(v), int(n)) for v, n in split.items() if n]
            if dim == "year":
                years += [int(v) for v, n in split.items() if n]
    routes = pd.DataFrame(rows, columns=list(ROUTE_COLUMNS))
    routes = routes.sort_values(["persons", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)
    breakdowns = {d: pd.DataFrame(c, columns=["route", "value", "persons"]) for d, c in cells.items()}
    return Aggregates(routes, breakdowns, stops, places, (min(years), max(years)) if years else None)


def published_csvs(
    table: Table,
    *,
    min_count: int = K,
    dimensions: tuple[str, ...] = ("sector", "sex", "year"),
    only: tuple[str, ...] | None = None,
) -> dict[str, bytes]:
    """Every CSV a build writes for this table (routes.csv and each table), as bytes.

    ``only`` names the files wanted (by default all): a quick first comparison on the files a
    change can touch, before the full one.
    """
    pub = publish(aggregates_of(table, dimensions=dimensions), min_count=min_count)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        if only is None:
            write_csv(pub.route_table(), out / "routes.csv")
            tables = build_tables(pub)
        else:
            tables = [top_routes_table(pub)] if "top_routes.csv" in only else []
            tables += [breakdown_table(pub, d) for d in dimensions if f"routes_by_{d}.csv" in only]
        for t in tables:
            write_table_csv(t, out / f"{t.key}.csv")
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def witness(table: Table, *, min_count: int = K, dimensions: tuple[str, ...] = ("sector", "sex", "year")) -> dict:
    """The alternative table the README promises: small cells emptied into each row's ``x`` cell.

    Worked out from what was published (the labels of each row) and the exact table only: the
    publication step is not asked what it would do.
    """
    pub = publish(aggregates_of(table, dimensions=dimensions), min_count=min_count)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for key, dims in table.items():
        out[key] = {}
        for dim, split in dims.items():
            if key not in set(pub.published_routes()["route"]):
                out[key][dim] = dict(split)
                continue
            shown = pub.breakdown(dim)
            shown = dict(
                zip(shown.loc[shown["route"] == key, "value"], shown.loc[shown["route"] == key, "shown"], strict=True)
            )
            hidden = [v for v, s in shown.items() if s == HIDDEN_LABEL]
            moved = {v: 0 if shown.get(v) == pub.label else n for v, n in split.items()}
            if hidden:
                x = hidden[0]
                moved[x] = moved.get(x, 0) + sum(n for v, n in split.items() if shown.get(v) == pub.label)
            out[key][dim] = {v: n for v, n in moved.items() if n}
    return out


@dataclass
class Attacker:
    """Unknown counts with bounds, known counts, and linear relations between them."""

    lower: dict[str, float] = field(default_factory=dict)
    upper: dict[str, float] = field(default_factory=dict)
    known: dict[str, int] = field(default_factory=dict)
    equations: list[tuple[dict[str, float], float, str]] = field(default_factory=list)
    inequalities: list[tuple[dict[str, float], float, str]] = field(default_factory=list)

    def unknown(self, name: str, lo: float, hi: float | None) -> None:
        """A hidden count in [lo, hi] (``hi=None``: unbounded above)."""
        self.lower[name] = lo
        self.upper[name] = math.inf if hi is None else hi

    def value(self, name: str, count: int) -> None:
        """A published count."""
        self.known[name] = count

    def equation(self, terms: dict[str, float], total: float | str, why: str) -> None:
        """``sum(coef * name) == total``; ``total`` a number or a name."""
        terms = dict(terms)
        if isinstance(total, str):
            terms[total] = terms.get(total, 0.0) - 1.0
            total = 0.0
        self.equations.append((terms, float(total), why))

    def at_least(self, terms: dict[str, float], bound: float, why: str) -> None:
        """``sum(coef * name) >= bound`` (an implication of the rule, for example)."""
        self.inequalities.append((terms, float(bound), why))

    def _rows(self, rows: list[tuple[dict[str, float], float, str]], index: dict[str, int]) -> tuple[list, list]:
        a, b = [], []
        for terms, total, _ in rows:
            row = np.zeros(len(index))
            constant = 0.0
            for name, coef in terms.items():
                if name in index:
                    row[index[name]] += coef
                else:
                    constant += coef * self.known[name]
            if row.any():
                a.append(row)
                b.append(total - constant)
        return a, b

    def _components(self) -> list[list[str]]:
        """Unknowns that share a relation, grouped: each group is solved on its own (same answers, faster)."""
        parent = {n: n for n in self.lower}

        def find(n: str) -> str:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        for terms, _, _ in [*self.equations, *self.inequalities]:
            names = [n for n in terms if n in parent]
            for other in names[1:]:
                parent[find(other)] = find(names[0])
        groups: dict[str, list[str]] = {}
        for n in sorted(self.lower):
            groups.setdefault(find(n), []).append(n)
        return list(groups.values())

    def ranges(self) -> dict[str, tuple[int, int]]:
        """The integer range left for every unknown, given everything written down."""
        out: dict[str, tuple[int, int]] = {}
        for names in self._components():
            index = {n: i for i, n in enumerate(names)}
            mine = set(names)
            eqs = [r for r in self.equations if mine & r[0].keys()]
            ges = [r for r in self.inequalities if mine & r[0].keys()]
            a_eq, b_eq = self._rows(eqs, index)
            a_ge, b_ge = self._rows(ges, index)
            bounds = [(self.lower[n], None if math.isinf(self.upper[n]) else self.upper[n]) for n in names]
            kwargs = {
                "A_eq": np.array(a_eq) if a_eq else None,
                "b_eq": np.array(b_eq) if b_eq else None,
                "A_ub": -np.array(a_ge) if a_ge else None,
                "b_ub": -np.array(b_ge) if b_ge else None,
                "bounds": bounds,
                "method": "highs",
            }
            for i, name in enumerate(names):
                c = np.zeros(len(names))
                c[i] = 1.0
                low = linprog(c, **kwargs)
                high = linprog(-c, **kwargs)
                assert low.status == 0 and high.status != 2, f"the constraints are inconsistent ({name})"
                hi = math.inf if high.status == 3 else math.floor(-high.fun + 1e-7)
                out[name] = (math.ceil(low.fun - 1e-7), hi)  # type: ignore[assignment]
        return out


def with_cells(table: Table, updates: Mapping[tuple[str, str], Mapping[str, int]]) -> dict:
    """A copy of a table with some (route, dimension) splits replaced."""
    out = {k: {d: dict(s) for d, s in dims.items()} for k, dims in table.items()}
    for (key, dim), split in updates.items():
        out[key][dim] = dict(split)
    return out


__all__ = ["Attacker", "K", "aggregates_of", "published_csvs", "replace", "with_cells", "witness"]


# ---------------------------------------------------------------------------------------------- releases
@dataclass
class ReleaseAttacker:
    """A reader who sees every release of a project and knows how their routes relate.

    Unknowns are the persons of every atom (origin, transit, state, year, sex) in every data
    version; each release's published figures are equations over the atoms of its version (or of the
    version a held route repeats: the private register is given to this reader, which only makes it
    stronger); ``<k`` cells lie in 0..k-1 and ``x`` cells are at least 0; a later version holds at
    least what an earlier one did (cases are only added). Each count is minimised and maximised.
    """

    atoms: list[tuple[str, ...]]
    versions: list[str] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)

    def col(self, version: str, atom: tuple[str, ...]) -> int:
        return self.versions.index(version) * len(self.atoms) + self.atoms.index(atom)

    def version(self, name: str) -> None:
        if name in self.versions:
            return
        self.versions.append(name)
        if len(self.versions) > 1:  # only additions
            before = self.versions[-2]
            for atom in self.atoms:
                self.rows.append(({self.col(name, atom): 1.0, self.col(before, atom): -1.0}, 0.0, math.inf))

    def terms(self, version: str, atoms: list[tuple[str, ...]]) -> dict[int, float]:
        return {self.col(version, a): 1.0 for a in atoms}

    def relation(self, terms: dict[int, float], low: float, high: float) -> None:
        self.rows.append((terms, low, high))

    def _matrices(self) -> dict:
        if getattr(self, "_cache", None) and self._cache[0] == len(self.rows):
            return self._cache[1]
        from scipy.sparse import csr_matrix

        n = len(self.versions) * len(self.atoms)
        eq, ub = ([], [], []), ([], [], [])
        eq_b, ub_b = [], []
        for row, lo, hi in self.rows:
            if lo == hi:
                for col, v in row.items():
                    eq[0].append(len(eq_b))
                    eq[1].append(col)
                    eq[2].append(v)
                eq_b.append(lo)
                continue
            for sign, bound in ((1.0, hi), (-1.0, -lo)):
                if bound < math.inf:
                    for col, v in row.items():
                        ub[0].append(len(ub_b))
                        ub[1].append(col)
                        ub[2].append(sign * v)
                    ub_b.append(bound)
        kwargs = {
            "A_eq": csr_matrix((eq[2], (eq[0], eq[1])), shape=(len(eq_b), n)) if eq_b else None,
            "b_eq": np.array(eq_b) if eq_b else None,
            "A_ub": csr_matrix((ub[2], (ub[0], ub[1])), shape=(len(ub_b), n)) if ub_b else None,
            "b_ub": np.array(ub_b) if ub_b else None,
            "bounds": (0, None),
            "method": "highs",
        }
        self._cache = (len(self.rows), kwargs)
        return kwargs

    def extent(self, terms: dict[int, float]) -> tuple[int, int]:
        kwargs = self._matrices()
        n = len(self.versions) * len(self.atoms)
        c = np.zeros(n)
        for col, v in terms.items():
            c[col] += v
        low = linprog(c, **kwargs)
        high = linprog(-c, **kwargs)
        assert low.status == 0, "what was published contradicts itself"
        return math.ceil(low.fun - 1e-7), (math.floor(-high.fun + 1e-7) if high.status == 0 else 10**9)
