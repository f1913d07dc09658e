"""Accuracy of the gazetteer on hand-labelled real-world spellings (tests/data/places_truth.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from routemap.places import Gazetteer, Resolution

TRUTH = Path(__file__).resolve().parent / "data" / "places_truth.csv"
#: The accuracy the gazetteer must reach on the labelled set: every line (it was tuned to them).
MIN_ACCURACY = 1.0


@dataclass(frozen=True)
class Case:
    raw: str
    expected: str
    default_country: str
    source: str


def read_truth() -> list[Case]:
    with TRUTH.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return [Case(r["raw"], r["expected"], r["default_country"], r["source"]) for r in rows]


def judge(g: Gazetteer, case: Case, res: Resolution) -> bool:
    """Whether a resolution matches the label (see the header of places_truth.csv)."""
    if case.expected == "none":
        return not res.resolved
    if case.expected == "ambiguous":
        return res.method == "ambiguous"
    if not res.resolved:
        return False
    if case.expected.startswith("region:"):
        return res.place_id == case.expected
    if "-" in case.expected:  # an ISO 3166-2 code: the place is the unit or lies in it
        place = g.place(res.place_id)
        return f"admin1:{case.expected}" in (place.id, place.admin1)
    return res.place_id == f"country:{case.expected}"


def describe(g: Gazetteer, res: Resolution) -> str:
    if res.resolved:
        return f"{g.describe(res.place_id)} [{res.method}]"
    return f"{res.method} {' | '.join(res.candidates or res.suggestions)}".strip()


def test_truth_set_is_large_and_labelled():
    cases = read_truth()
    assert len(cases) >= 400
    assert len({(c.raw, c.default_country) for c in cases}) == len(cases), "duplicate lines"
    assert {c.source for c in cases} >= {"iom", "ctdc", "un", "iso", "tip"}


def test_accuracy_on_the_truth_set(gazetteer: Gazetteer, capsys: pytest.CaptureFixture[str]):
    cases = read_truth()
    wrong: list[str] = []
    placed_regions: list[str] = []
    for case in cases:
        res = gazetteer.resolve(case.raw, default_country=case.default_country or None)
        if not judge(gazetteer, case, res):
            wrong.append(
                f"{case.raw!r} (default {case.default_country or '-'}): expected {case.expected}, got "
                f"{describe(gazetteer, res)}"
            )
        # a region or a non-place must never be counted as a country (or anything inside one)
        not_a_country = case.expected == "none" or case.expected.startswith("region:")
        if not_a_country and res.resolved and gazetteer.place(res.place_id).country:
            placed_regions.append(f"{case.raw!r}: {case.expected} resolved to {describe(gazetteer, res)}")
    accuracy = 1 - len(wrong) / len(cases)
    with capsys.disabled():
        print(f"\nplaces_truth.csv: {len(cases) - len(wrong)} of {len(cases)} correct ({accuracy:.1%})")
        for line in wrong:
            print(f"  wrong: {line}")
    assert not placed_regions, "regions or non-places resolved to a country:\n" + "\n".join(placed_regions)
    assert accuracy >= MIN_ACCURACY, "\n".join(wrong)
