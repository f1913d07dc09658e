"""A small linear-feasibility helper over HiGHS (highspy), for the audit across releases."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterator
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
        # the systems are small (hundreds of rows) and many: presolve costs more than it saves (measured
        # at 1M records: the feasibility checks of a release take 0.16 s without it, 0.26 s with it)
        solver.setOptionValue("presolve", "off")
        # no worker threads: the audit forks (routemap._parallel.split), and a forked child would wait
        # for ever on a thread it does not have; the systems are solved serially anyway
        solver.setOptionValue("threads", 1)
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
        # names are a dict's keys, so columns are distinct: no merging, only zero coefficients dropped
        cols: list[int] = []
        vals: list[float] = []
        index, lower, upper = self.index, self.lower, self.upper
        for name, coef in terms.items():
            if coef == 0.0:
                continue
            column = index.get(name)
            if column is None:  # :meth:`var` inline (millions of calls at 1M records)
                column = index[name] = len(lower)
                lower.append(0.0)
                upper.append(INF)
            cols.append(column)
            vals.append(coef)
        if not cols:
            if lo > 1e-9 or hi < -1e-9:  # 0 must lie in [lo, hi]
                self.rows.append(([], [], lo, hi))
            return
        self.rows.append((cols, vals, lo, hi))

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

    def pinned(self, quantities: list[dict[Any, float]], *, k: int) -> list[int | None]:
        """For each quantity, the value from 1 to ``k - 1`` (in size) it is pinned to, or ``None``.

        As :meth:`extents`, but a quantity seen at 0, or at ``k`` or more in size, can only be pinned
        there (outside the values that matter), so it needs no solve of its own.

        Raises
        ------
        ValueError
            When no point is feasible.
        """

        def settles(values: np.ndarray) -> np.ndarray:
            return np.isclose(values, 0.0, atol=1e-7) | (np.abs(values) >= k - 1e-7)

        out: list[int | None] = []
        for low, high in self.extents(quantities, safe=settles):
            if math.isinf(low) or math.isinf(high):
                out.append(None)
                continue
            lo, hi = math.ceil(low - 1e-7), math.floor(high + 1e-7)
            out.append(lo if lo == hi and 1 <= abs(lo) < k else None)
        return out

    def extents(
        self,
        quantities: list[dict[Any, float]],
        *,
        rounds: int = 6,
        seed: int = 0,
        safe: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> list[tuple[float, float]]:
        """:meth:`extent` of many quantities, with far fewer solves than two per quantity.

        The model is passed to the solver once; only the objective changes. First a few solves with
        random combinations of the quantities as objective give points of the feasible set; a
        quantity seen at two values at least 1 apart already spans two integers, and its bounds are
        returned as those seen (inner bounds: the true extent is at least as wide). Every other
        quantity is minimised and maximised on its own, so its bounds are exact. ``safe`` marks values
        that settle a quantity at once (it then gets the bounds seen, too).

        Raises
        ------
        ValueError
            When no point is feasible.
        """
        if not quantities:
            return []
        q = self._matrix(quantities)
        model = self._model()
        if model is None:
            raise ValueError("the system has no feasible point")
        n = len(self.lower)
        solver = _solver()
        solver.clearModel()
        solver.passModel(model)
        everything = np.arange(n, dtype=np.int32)

        def solve(cost: np.ndarray) -> tuple[str, float, np.ndarray | None]:
            solver.changeColsCost(n, everything, cost.astype(float))
            solver.run()
            status = solver.modelStatusToString(solver.getModelStatus())
            if status != "Optimal":
                return status, 0.0, None
            return status, float(solver.getInfo().objective_function_value), np.array(solver.getSolution().col_value)

        _, _, point = solve(np.zeros(n))
        if point is None:
            raise ValueError("the system has no feasible point")
        seen_lo = seen_hi = q @ point
        settled = np.zeros(len(quantities), dtype=bool) if safe is None else safe(seen_lo)
        rng = np.random.default_rng(seed)

        def still_open() -> np.ndarray:
            return np.asarray(~settled & (np.floor(seen_hi + 1e-7) - np.ceil(seen_lo - 1e-7) < 1))

        for _ in range(rounds):
            open_ = still_open()
            if not open_.any():
                break
            weights = np.where(open_, rng.choice([-1.0, 1.0], size=len(quantities)), 0.0)
            for sense in (1.0, -1.0):
                _, _, point = solve(sense * q.transposed_dot(weights))
                if point is not None:
                    values = q @ point
                    seen_lo, seen_hi = np.minimum(seen_lo, values), np.maximum(seen_hi, values)
                    if safe is not None:
                        settled = settled | safe(values)
        open_ = still_open()
        out = [(float(a), float(b)) for a, b in zip(seen_lo, seen_hi, strict=True)]
        for j in np.flatnonzero(open_).tolist():
            row = q.dense_row(j)
            bounds = []
            for sense in (1.0, -1.0):
                status, value, _ = solve(sense * row)
                bounds.append(-sense * INF if status == "Unbounded" else sense * value)
            out[j] = (bounds[0], bounds[1])
        return out

    def _matrix(self, quantities: list[dict[Any, float]]) -> _Rows:
        """The quantities as sparse rows over the system's columns (a variable no row uses: 0 up)."""
        for terms in quantities:
            for name in terms:
                self.var(name)
        rows, cols, vals = [], [], []
        for i, terms in enumerate(quantities):
            for name, coef in terms.items():
                rows.append(i)
                cols.append(self.index[name])
                vals.append(coef)
        return _Rows(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(vals, dtype=float),
            (len(quantities), len(self.lower)),
        )

    def infeasible_parts(self, parts: list[tuple[int, int]]) -> list[bool] | None:
        """Which parts of a system made of independent parts (no variable shared) have no feasible point.

        ``parts`` are ranges ``[start, end)`` of rows, one per part. One solve: every row gets a slack
        of either sign, their total is minimised, and a part is infeasible exactly when its rows need
        slack (the parts are apart, so the least total is each part's least on its own). ``None``
        when a variable's bounds already conflict (the caller then asks part by part).
        """
        import highspy

        if any(lo > hi for lo, hi in zip(self.lower, self.upper, strict=True)):
            return None
        n, m = len(self.lower), len(self.rows)
        if m == 0:
            return [False] * len(parts)
        lp = highspy.HighsLp()
        lp.num_col_ = n + 2 * m
        lp.num_row_ = m
        lp.col_cost_ = np.concatenate([np.zeros(n), np.ones(2 * m)])
        upper = [highspy.kHighsInf if u == INF else u for u in self.upper]
        lp.col_lower_ = np.concatenate([np.array(self.lower, dtype=float), np.zeros(2 * m)])
        lp.col_upper_ = np.concatenate([np.array(upper, dtype=float), np.full(2 * m, highspy.kHighsInf)])
        lp.row_lower_ = np.array([-highspy.kHighsInf if r[2] == -INF else r[2] for r in self.rows], dtype=float)
        lp.row_upper_ = np.array([highspy.kHighsInf if r[3] == INF else r[3] for r in self.rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.cumsum([0, *(len(r[0]) + 2 for r in self.rows)]).astype(np.int32)
        lp.a_matrix_.index_ = np.array(
            [c for i, r in enumerate(self.rows) for c in (*r[0], n + 2 * i, n + 2 * i + 1)], dtype=np.int32
        )
        lp.a_matrix_.value_ = np.array([v for r in self.rows for v in (*r[1], 1.0, -1.0)], dtype=float)
        solver = _solver()
        solver.clearModel()
        solver.passModel(lp)
        solver.run()
        if solver.modelStatusToString(solver.getModelStatus()) != "Optimal":
            return None
        slack = np.array(solver.getSolution().col_value)[n:].reshape(m, 2).sum(axis=1)
        # any slack at all marks a part: a part wrongly marked is only looked at more closely
        return [bool(slack[start:end].sum() > 1e-9) for start, end in parts]

    def _model(self) -> Any:
        """The system as a HiGHS model (``None`` when a bound or an empty row already rules every point out)."""
        import highspy

        if any(not cols and (lo > 1e-9 or hi < -1e-9) for cols, _, lo, hi in self.rows):
            return None
        if any(lo > hi for lo, hi in zip(self.lower, self.upper, strict=True)):
            return None
        rows = [r for r in self.rows if r[0]]
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.lower)
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.zeros(len(self.lower))
        lp.col_lower_ = np.array(self.lower, dtype=float)
        lp.col_upper_ = np.array([highspy.kHighsInf if u == INF else u for u in self.upper], dtype=float)
        lp.row_lower_ = np.array([-highspy.kHighsInf if r[2] == -INF else r[2] for r in rows], dtype=float)
        lp.row_upper_ = np.array([highspy.kHighsInf if r[3] == INF else r[3] for r in rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.cumsum([0, *(len(r[0]) for r in rows)]).astype(np.int32)
        lp.a_matrix_.index_ = np.array([c for r in rows for c in r[0]], dtype=np.int32)
        lp.a_matrix_.value_ = np.array([v for r in rows for v in r[1]], dtype=float)
        return lp

    def _solve(self, terms: dict[Any, float], sense: float) -> tuple[bool, float]:
        """Solve with objective ``sense * sum(coef * x)`` (minimised); (feasible, optimum)."""
        cost = np.zeros(len(self.lower))
        for name, coef in terms.items():
            cost[self.var(name)] += sense * coef
        if not self.lower:
            ok = not any(not cols and (lo > 1e-9 or hi < -1e-9) for cols, _, lo, hi in self.rows)
            return ok, 0.0
        lp = self._model()
        if lp is None:
            return False, 0.0
        lp.col_cost_ = cost
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


@dataclass(frozen=True)
class _Rows:
    """A sparse matrix by its entries (row, column, value): the few products :meth:`System.extents` needs."""

    row: np.ndarray
    col: np.ndarray
    val: np.ndarray
    shape: tuple[int, int]

    def __matmul__(self, point: np.ndarray) -> np.ndarray:
        """Each row times a point."""
        return np.bincount(self.row, weights=self.val * point[self.col], minlength=self.shape[0])

    def transposed_dot(self, weights: np.ndarray) -> np.ndarray:
        """The rows weighted and summed (a vector over the columns)."""
        return np.bincount(self.col, weights=self.val * weights[self.row], minlength=self.shape[1])

    def dense_row(self, j: int) -> np.ndarray:
        """One row as a dense vector (entries of the same column add up)."""
        out = np.zeros(self.shape[1])
        at = self.row == j
        np.add.at(out, self.col[at], self.val[at])
        return out
