"""Spot columns that look like personal data (names, documents, contacts) by their header or content."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from routemap.schema import fold

#: What a header says, matched as whole words of the folded header (see :func:`routemap.schema.fold`).
_HEADER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "date of birth",
        re.compile(r"\b(?:date of birth|dob|birth ?date|birthday|tarikh lahir|tanggal lahir|tgl lahir|ttl)\b"),
    ),
    ("passport number", re.compile(r"\b(?:passport|pasport|paspor|passeport)\b")),
    (
        "identity card number (IC/NRIC/KTP/NIK)",
        re.compile(
            r"\b(?:ic|nric|mykad|mykid|kad pengenalan|no kp|ktp|nik|e ktp|national id|id card|identity card|"
            r"identity number|id number|kitas|ssn)\b"
        ),
    ),
    ("phone number", re.compile(r"\b(?:phone|telephone|tel|telefon|telepon|mobile|handphone|hp|whatsapp|no hp)\b")),
    ("e-mail address", re.compile(r"\b(?:e ?mail|e mel|emel|surel)\b")),
    ("address", re.compile(r"\b(?:address|alamat|domicile|domisili|residence)\b")),
    ("name", re.compile(r"\b(?:name|names|nama|surname|first name|last name|full name|fullname|given name)\b")),
)

#: Content that gives personal data away wherever it appears in a cell; one cell is enough. The third part
#: names what every match holds ("@", a digit "0-9", or one of ":#"): :func:`content_kind` skips a pattern
#: whose text lacks it (tests/test_pii.py checks each pattern against it).
_TELLTALE: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # tried only where a run of such letters starts: from inside a long run (a 200,000-letter notes cell) each
    # start would read the rest of the run again, for a scan quadratic in the cell's length
    ("e-mail addresses", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]*[A-Za-z]"), "@"),
    ("identity card numbers (NRIC)", re.compile(r"(?<!\d)\d{6}-\d{2}-\d{4}(?!\d)"), "0-9"),
    ("identity card numbers (NIK)", re.compile(r"(?<![\d-])\d{16}(?![\d-])"), "0-9"),
    ("phone numbers", re.compile(r"\+\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,3}(?!\d)"), "0-9"),
    # a local number as written in the region: 012-345 6789, 03-1234 5678, 0812-3456-7890, 081 234 5678
    ("phone numbers", re.compile(r"(?<![\w-])0\d{1,3}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w-])"), "0-9"),
    (
        "passport numbers",
        re.compile(
            r"\b(?:passport|pasport|paspor)\s*(?:no\.?|number|nombor|nomor)?\s*[:#]?\s*[A-Za-z]{1,2}\s?\d{6,8}\b",
            re.IGNORECASE,
        ),
        "0-9",
    ),
    (
        "labelled personal details, such as 'Nama:'",
        re.compile(
            r"\b(?:nama|name|passport|paspor|pasport|nric|ktp|nik|no\.? ?ic|dob|tel|phone|telefon|telepon|alamat|"
            r"address)\s*[:#]",
            re.IGNORECASE,
        ),
        ":#",
    ),
)
#: Any digit, as the patterns' \d reads one (Unicode decimal digits: ٣ and ৩ too).
_DIGIT = re.compile(r"\d")

#: Whole-cell shapes of identifiers; a column is flagged when most of its filled cells have one.
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("identity card numbers (NIK)", re.compile(r"\d{16}")),
    ("identity card numbers (NRIC)", re.compile(r"\d{12}")),
    ("passport numbers", re.compile(r"[A-Za-z]{1,2}\d{6,8}")),
    ("phone numbers", re.compile(r"(?:\+|00|0)\d[\d\s().-]{7,16}")),
)

#: Cells of a column looked at: every cell up to this many rows, else this many spread over the whole
#: column (one phone number in a notes cell of a small file is found wherever it is).
SAMPLE = 20_000
#: Joins a column's distinct cells into one text that each pattern scans once. No pattern matches it
#: (none has ``.`` or a negated class), so a match never spans two cells, and ``\b``, ``(?<!\d)`` and
#: ``(?![\w-])`` read it as they read the start or end of a cell.
_SEP = "\x00"
#: Each whole-cell shape as a match between two separators: one match per cell that fullmatches.
_WHOLE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(f"(?<={_SEP})(?:{pattern.pattern})(?={_SEP})", pattern.flags)) for kind, pattern in _SHAPES
)


def header_kind(header: str) -> str | None:
    """What kind of personal data a header names, or ``None``.

    Parameters
    ----------
    header
        A column header as written, in English, Malay or Indonesian.
    """
    folded = fold(header)
    for kind, pattern in _HEADER_PATTERNS:
        if pattern.search(folded):
            return kind
    return None


def content_kind(values: pd.Series) -> str | None:
    """What kind of personal data a column's cells hold, or ``None``.

    The distinct cells of the column (or of a sample spread over it) are joined into one text, and
    each pattern scans that text once: a regular expression over 20,000 cells costs a few
    milliseconds instead of 20,000 calls.

    Parameters
    ----------
    values
        The column's cells as text.
    """
    if len(values) > SAMPLE:  # spread over the whole column: the first rows alone miss a late notes cell
        values = values.iloc[np.linspace(0, len(values) - 1, SAMPLE).astype(np.int64)]
    cells = [text for text in map(str.strip, map(str, pd.unique(values.to_numpy()))) if text]
    if not cells:
        return None
    text = _SEP + _SEP.join(cells) + _SEP
    if text.count(_SEP) != len(cells) + 1:  # a cell holds the separator: \x01 reads as it does
        text = _SEP + _SEP.join(cell.replace(_SEP, "\x01") for cell in cells) + _SEP
    # every pattern needs a digit, an '@', or a ':' or '#' (the labels): a text without them is not scanned
    # with it, so that columns of places, sectors and words cost three searches of the text, not eleven
    digits = _DIGIT.search(text) is not None
    marks = {"@": "@" in text, ":#": ":" in text or "#" in text, "0-9": digits}
    for kind, pattern, needs in _TELLTALE:
        if marks[needs] and pattern.search(text):
            return kind
    for kind, pattern in _WHOLE if digits else ():
        if len(pattern.findall(text)) >= 0.5 * len(cells):
            return kind
    return None
