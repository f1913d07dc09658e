import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routemap._pii import content_kind


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("hubungi kakak 012-345 6789", "phone numbers"),
        ("call her sister on 03-1234 5678 after 6", "phone numbers"),
        ("telp 0812-3456-7890 (suami)", "phone numbers"),
        ("no hp 081 234 5678", "phone numbers"),
        ("WA +62 812 3456 7890", "phone numbers"),
        ("NIK 3201234567890001 di KTP lama", "identity card numbers (NIK)"),
        ("IC 880101-14-5678", "identity card numbers (NRIC)"),
        ("paspor no A1234567 ditahan majikan", "passport numbers"),
        ("passport number: AB 1234567 kept by the agent", "passport numbers"),
    ],
)
def test_personal_data_in_one_notes_cell_is_found_wherever_it_is(cell, kind):
    notes = ["dibawa dengan bas", "", "kerja 12 jam sehari", "gaji tidak dibayar 2023-05-01"] * 1250
    notes[3001] = cell  # far below the first rows
    assert content_kind(pd.Series(notes)) == kind


@pytest.mark.parametrize(
    "cells",
    [
        ["2023-05-01", "01/05/2023", "2021", "12 jam", "RM 1,200"],
        ["Jalan 12, Taman Maju", "Lot 4-3-12", "Kampung 7", "Wisma 2020-2023"],
        ["Myanmar", "Johor Bahru", "Sabah", "Negeri Sembilan"],
        ["1", "12", "250", "3000", "45000"],
        ["case 2023-0001-1234", "ref 0001/2023", "KES-2023-0045"],
    ],
)
def test_ordinary_notes_are_not_taken_for_personal_data(cells):
    assert content_kind(pd.Series(cells * 100)) is None


def _cell_by_cell(cells: list[str]) -> str | None:
    """The scan as first written: every filled cell searched alone (the reference for the joined scan)."""
    import routemap._pii as pii

    filled = [c.strip() for c in dict.fromkeys(str(c) for c in cells) if c.strip()]
    for kind, pattern, _ in pii._TELLTALE:
        if any(pattern.search(c) for c in filled):
            return kind
    for kind, pattern in pii._SHAPES:
        if filled and sum(1 for c in filled if pattern.fullmatch(c)) >= 0.5 * len(filled):
            return kind
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    *("", " ", "Nama: Siti", "A1234567", "+60 12-345 6789", "880101-14-5566", "Johor", "nan"),
                    *("0812\x00345", "012", "0812", "345 6789", "3456", "7890", "880101", "-14-5566", "a@b", ".com"),
                ]
            ),
            st.text(alphabet="AB0123456789 :-+@.\n\x00", max_size=14),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_joined_scan_answers_as_a_scan_of_each_cell(cells):
    # a match must never span two cells, nor a separator inside a cell split one
    assert content_kind(pd.Series(cells, dtype="str")) == _cell_by_cell(cells)


@given(st.text(alphabet="ab.+-@_ \x00x9", max_size=40))
def test_the_e_mail_pattern_finds_what_an_unanchored_one_finds(text: str):
    """It is tried only where a run of local-part letters starts (linear on a 200,000-letter cell), same answers."""
    import re

    from routemap._pii import _TELLTALE

    [anchored] = [pattern for kind, pattern, _ in _TELLTALE if kind == "e-mail addresses"]
    unanchored = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*[A-Za-z]")
    assert bool(anchored.search(text)) == bool(unanchored.search(text))


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="aeinmoprstANP0123456789٣ :#@.+-()\n", max_size=40),
        st.sampled_from(["Nama: Siti", "tel# 5", "paspor no A1234567", "x@y.co", "+60 12-345 6789", "012 345 6789"]),
    )
)
def test_every_match_of_a_pattern_holds_what_the_scan_looks_for_first(text: str):
    """content_kind skips a pattern on a text without its character: no match may lack it."""
    import routemap._pii as pii

    for _, pattern, needs in pii._TELLTALE:
        for match in pattern.finditer(text):
            found = match.group(0)
            held = {"@": "@" in found, ":#": ":" in found or "#" in found, "0-9": bool(pii._DIGIT.search(found))}
            assert held[needs], (pattern.pattern, found)
    for _, pattern in pii._WHOLE:
        for match in pattern.finditer(f"\x00{text}\x00"):
            assert pii._DIGIT.search(match.group(0)), (pattern.pattern, match.group(0))
