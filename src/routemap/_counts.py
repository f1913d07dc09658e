"""Read a count as published tables write it: ``1,094``, ``1 094``, ``1.094``, and ``<5`` suppressed at source."""

from __future__ import annotations

import re

#: Thousands separators a profile may name (``thousands``); spaces are always read as one.
THOUSANDS: tuple[str, ...] = (",", ".", " ", "none")
#: A count a publisher suppressed: ``<5``, ``< 3``.
_BELOW = re.compile(r"<\s*\d+")
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")

#: What a count cell was: a number, suppressed at source, or neither.
NUMBER, SUPPRESSED, NOT_A_NUMBER = "number", "suppressed", "not a number"


def read_count(text: str, *, thousands: str = ",", suppressed: frozenset[str] = frozenset()) -> tuple[str, float]:
    """What a filled count cell holds, and its value (NaN unless a number).

    Parameters
    ----------
    text
        The cell, stripped and not empty.
    thousands
        The thousands separator of the file (``,`` ``.`` or a space; ``none``): digits grouped by
        three with it are one number (``1,094``, ``752,753``; with ``.``: ``1.094``).
    suppressed
        Cells that mean "suppressed at source" besides ``<n`` (which always does).
    """
    if text in suppressed or _BELOW.fullmatch(text):
        return SUPPRESSED, float("nan")
    separators = "".join(s for s in (thousands,) if s not in ("none", " "))
    value = _SPACES.sub(" ", text)
    grouped = rf"\d{{1,3}}(?:[ {re.escape(separators)}]\d{{3}})+" if separators else r"\d{1,3}(?: \d{3})+"
    if re.fullmatch(grouped, value):
        value = re.sub(rf"[ {re.escape(separators)}]", "", value)
    try:
        number = float(value)
    except ValueError:
        return NOT_A_NUMBER, float("nan")
    return NUMBER, number
