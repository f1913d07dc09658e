"""A small linear-feasibility helper over HiGHS (highspy), for the audit across releases."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

INF = float("inf")


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on the C level when its first solver is made: keep it off the terminal."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_SOLVER = None


def _solver():  # type: ignore[no-untyped-def]
    global _SOLVER
    if _SOLVER is None:
        import highspy

        with _quiet_stdout():
            solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        _SOLVER = solver
    return _SOLVER


@dataclass
class System:
    """Variables with bounds and linear rows ``lo <= sum(coef * x) <= hi``, built up by name."""

    index: dict[object, int] = field(default_factory=dict)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[tuple[list[int], list[float], float, float]] = field(default_factory=list)

    def var(self, name: object, lo: float = 0.0, hi: float = INF) -> int:
        """The column of a variable, made on first use (bounds of later calls tighten it)."""
        at = self.index.get(name)
        if at is None:
            at = self.index[name] = len(self.lower)
            self.lower.append(lo)
            self.upper.append(hi)
        else:
            self.lower[at] = max(self.lower[at], lo)
            self.upper[at] = min(self.upper[at], hi)
        return at

    def add(self, terms: dict[Any, float], lo: float, hi: float) -> None:
        """A row over named variables (each made if new, at 0..inf)."""
        merged: dict[int, float] = {}
        for name, coef in terms.items():
            column = self.var(name)
            merged[column] = merged.get(column, 0.0) + coef
        cols = [c for c, v in merged.items() if v != 0.0]
        if not cols:
            if lo > 1e-9 or hi < -1e-9:  # 0 must lie in [lo, hi]
                self.rows.append(([], [], lo, hi))
            return
        self.rows.append((cols, [merged[c] for c in cols], lo, hi))

    def equal(self, terms: dict[Any, float], value: float) -> None:
        self.add(terms, value, value)

    def at_least(self, terms: dict[Any, float], value: float) -> None:
        self.add(terms, value, INF)

    def feasible(self) -> bool:
        """Whether some point satisfies every bound and row (a linear program with no objective)."""
        return self._solve({}, 1.0)[0]

    def extent(self, terms: dict[Any, float]) -> tuple[float, float]:
        """The least and greatest value of ``sum(coef * x)`` over every feasible point.

        Raises
        ------
        ValueError
            When no point is feasible.
        """
        ok, low = self._solve(terms, 1.0)
        if not ok:
            raise ValueError("the system has no feasible point")
        _, high = self._solve(terms, -1.0)
        return low, -high

    def _solve(self, terms: dict[Any, float], sense: float) -> tuple[bool, float]:
        """Solve with objective ``sense * sum(coef * x)`` (minimised); (feasible, optimum)."""
        if any(not cols and (lo > 1e-9 or hi < -1e-9) for cols, _, lo, hi in self.rows):
            return False, 0.0
        if any(lo > hi for lo, hi in zip(self.lower, self.upper, strict=True)):
            return False, 0.0
        cost = np.zeros(len(self.lower))
        for name, coef in terms.items():
            cost[self.var(name)] += sense * coef
        if not self.lower:
            return True, 0.0
        import highspy

        rows = [r for r in self.rows if r[0]]
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.lower)
        lp.num_row_ = len(rows)
        lp.col_cost_ = cost
        lp.col_lower_ = np.array(self.lower, dtype=float)
        lp.col_upper_ = np.array([highspy.kHighsInf if u == INF else u for u in self.upper], dtype=float)
        lp.row_lower_ = np.array([-highspy.kHighsInf if r[2] == -INF else r[2] for r in rows], dtype=float)
        lp.row_upper_ = np.array([highspy.kHighsInf if r[3] == INF else r[3] for r in rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.cumsum([0, *(len(r[0]) for r in rows)]).astype(np.int32)
        lp.a_matrix_.index_ = np.array([c for r in rows for c in r[0]], dtype=np.int32)
        lp.a_matrix_.value_ = np.array([v for r in rows for v in r[1]], dtype=float)
        solver = _solver()
        solver.clearModel()
        solver.passModel(lp)
        solver.run()
        status = solver.modelStatusToString(solver.getModelStatus())
        if status == "Unbounded":
            return True, -INF
        if status != "Optimal":
            return False, 0.0
        return True, float(solver.getInfo().objective_function_value)
