"""The audit's linear-programming helper: many extents at once agree with one extent at a time."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routemap._lp import System


def test_a_table_with_a_published_margin_pins_what_it_should():
    # a + b = 7, a = 3 published: b is pinned to 4; c (no row) is free from 0 up
    system = System()
    system.equal({"a": 1, "b": 1}, 7)
    system.equal({"a": 1}, 3)
    (lo_b, hi_b), (lo_c, hi_c) = system.extents([{"b": 1}, {"c": 1}])
    assert (lo_b, hi_b) == (4, 4)
    assert lo_c == 0 and math.isinf(hi_c)


@st.composite
def systems(draw):
    n = draw(st.integers(2, 6))
    truth = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    system = System()
    for i in range(n):
        system.var(i, 0, draw(st.sampled_from([9, float("inf")])))
    for _ in range(draw(st.integers(1, 5))):  # sums of some cells, published exactly or as a range
        cells = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
        total = sum(truth[c] for c in cells)
        if draw(st.booleans()):
            system.equal(dict.fromkeys(cells, 1.0), total)
        else:
            system.add(dict.fromkeys(cells, 1.0), max(0, total - 2), total + 2)
    quantities = draw(
        st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True), min_size=1, max_size=6)
    )
    return system, [dict.fromkeys(q, 1.0) for q in quantities]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems())
def test_extents_decide_pinning_exactly_as_single_extents(case):
    system, quantities = case
    many = system.extents(quantities)
    for terms, (low, high) in zip(quantities, many, strict=True):
        exact_low, exact_high = system.extent(terms)
        # inner bounds, never outside the exact ones
        assert low >= exact_low - 1e-6 and high <= exact_high + 1e-6
        assert _pinned(exact_low, exact_high) == _pinned(low, high)


def _pinned(low: float, high: float) -> bool:
    if math.isinf(low) or math.isinf(high):
        return False
    return math.ceil(low - 1e-7) == math.floor(high + 1e-7)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems(), st.integers(2, 6))
def test_pinned_finds_exactly_the_small_values_single_extents_pin(case, k):
    system, quantities = case
    for terms, value in zip(quantities, system.pinned(quantities, k=k), strict=True):
        low, high = system.extent(terms)
        exact = math.ceil(low - 1e-7) if _pinned(low, high) else None
        assert value == (exact if exact is not None and 1 <= abs(exact) < k else None)


@st.composite
def parted_systems(draw):
    """Several small systems side by side (variables apart), some with rows no point satisfies."""
    parts = []
    for p in range(draw(st.integers(1, 5))):
        n = draw(st.integers(1, 4))
        rows = []
        for _ in range(draw(st.integers(0, 4))):
            cells = draw(st.lists(st.integers(0, n - 1), min_size=0, max_size=n, unique=True))
            lo = draw(st.integers(0, 12))
            rows.append(([(p, c) for c in cells], lo, lo + draw(st.sampled_from([0, 0, 2, math.inf]))))
        parts.append(rows)
    return parts


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parted_systems(), st.integers(0, 3))
def test_one_elastic_solve_tells_which_parts_are_infeasible(parts, zeros):
    combined, ranges, alone = System(), [], []
    for rows in parts:
        own = System()
        start = len(combined.rows)
        for cells, lo, hi in rows:
            for system in (combined, own):
                if cells and cells[0][1] < zeros:  # some variables pinned to 0, as small hidden cells are
                    system.add({cells[0]: 1.0}, 0.0, 0.0)
                system.add(dict.fromkeys(cells, 1.0), lo, hi)
        ranges.append((start, len(combined.rows)))
        alone.append(not own.feasible())
    assert combined.infeasible_parts(ranges) == alone


def test_the_audit_needs_no_scipy():
    """scipy is a test dependency only: the solver path a new data version takes must run without it."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['scipy'] = None\n"  # any import of scipy now fails
        "from routemap._lp import System\n"
        "s = System(); s.equal({'a': 1, 'b': 1}, 7); s.equal({'a': 1}, 3); s.add({'c': 1, 'b': 1}, 4, 9)\n"
        "print(s.extents([{'b': 1}, {'c': 1}, {'a': 1, 'c': 1}]), s.pinned([{'b': 1}], k=5))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[(4.0, 4.0), (0.0, 5.0), (3.0, 8.0)] [4]"
