"""An attacker for disclosure tests: published figures as linear constraints, solved by linear programming.

Each unknown (a count shown as ``<5`` or ``x``) is a variable with the bounds its label gives; every
relation a reader could assume between published figures (a route's total equals the sum of its
sector cells; a leg's count equals the sum of the routes through it; …) is an equation. For every
unknown the attacker minimises and maximises it subject to all equations; when the integer range
left is a single value, that count is disclosed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog


@dataclass
class Attacker:
    """Unknown counts with bounds, known counts, and equations between them."""

    lower: dict[str, float] = field(default_factory=dict)
    upper: dict[str, float] = field(default_factory=dict)
    known: dict[str, int] = field(default_factory=dict)
    equations: list[tuple[dict[str, float], float, str]] = field(default_factory=list)

    def unknown(self, name: str, lo: float, hi: float | None) -> None:
        """A suppressed count in [lo, hi] (``hi=None``: unbounded above)."""
        self.lower[name] = lo
        self.upper[name] = math.inf if hi is None else hi

    def value(self, name: str, count: int) -> None:
        """A published count."""
        self.known[name] = count

    def equation(self, terms: dict[str, float], total: float | str, why: str) -> None:
        """``sum(coef * name) == total`` where names may be known or unknown; ``total`` a number or a name."""
        terms = dict(terms)
        if isinstance(total, str):
            terms[total] = terms.get(total, 0.0) - 1.0
            total = 0.0
        self.equations.append((terms, float(total), why))

    def _system(self, groups: set[str] | None) -> tuple[list[str], np.ndarray, np.ndarray] | None:
        names = sorted(self.lower)
        index = {n: i for i, n in enumerate(names)}
        rows, rhs = [], []
        for terms, total, why in self.equations:
            if groups is not None and why not in groups:
                continue
            row = np.zeros(len(names))
            constant = 0.0
            for name, coef in terms.items():
                if name in index:
                    row[index[name]] += coef
                elif name in self.known:
                    constant += coef * self.known[name]
                else:
                    return None  # an equation about a figure nobody published: not usable
            if not row.any():
                continue
            rows.append(row)
            rhs.append(total - constant)
        if not rows:
            return names, np.zeros((0, len(names))), np.zeros(0)
        return names, np.array(rows), np.array(rhs)

    def consistent(self, groups: set[str] | None = None) -> bool:
        """Whether the equations (of the given groups) can all hold: a wrong guess about a rule is not."""
        system = self._system(groups)
        if system is None:
            return False
        names, a_eq, b_eq = system
        bounds = [(self.lower[n], None if math.isinf(self.upper[n]) else self.upper[n]) for n in names]
        if not len(a_eq):
            return True
        res = linprog(np.zeros(len(names)), A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        return bool(res.status == 0)

    def disclosed(self, groups: set[str] | None = None) -> dict[str, int]:
        """Unknowns whose integer range, given the equations, holds a single value."""
        system = self._system(groups)
        if system is None:
            return {}
        names, a_eq, b_eq = system
        if not len(a_eq):
            return {n: int(self.lower[n]) for n in names if self.lower[n] == self.upper[n]}
        bounds = [(self.lower[n], None if math.isinf(self.upper[n]) else self.upper[n]) for n in names]
        out: dict[str, int] = {}
        for i, name in enumerate(names):
            c = np.zeros(len(names))
            c[i] = 1.0
            low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if low.status != 0 or high.status != 0:
                continue  # infeasible: these equations are not how the figures were made
            lo, hi = math.ceil(low.fun - 1e-7), math.floor(-high.fun + 1e-7)
            if lo == hi:
                out[name] = lo
        return out
