"""Read the year a cell gives, in the forms published tables and case files write dates and years."""

from __future__ import annotations

import datetime as dt
import re

#: Month names and short forms in English, Malay and Indonesian -> month number.
MONTHS: dict[str, int] = {
    **{
        m: i
        for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
    },
    **{
        m: i
        for i, m in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            1,
        )
    },
    "sept": 9,
    # Malay and Indonesian
    "januari": 1,
    "februari": 2,
    "mac": 3,
    "maret": 3,
    "mei": 5,
    "juni": 6,
    "julai": 7,
    "juli": 7,
    "ogos": 8,
    "ogo": 8,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "agustus": 8,
    "okt": 10,
    "oktober": 10,
    "dis": 12,
    "des": 12,
    "disember": 12,
    "desember": 12,
}
#: How a span of two years (``2023/24``, ``2019-2020``) is read: ``first`` or ``last`` year; ``None`` refuses.
YEAR_SPANS: tuple[str, ...] = ("first", "last")

_YEAR = r"(1[89]\d\d|2\d\d\d)"
_SEP = r"\s*[-/.]\s*"
_WHOLE = re.compile(rf"{_YEAR}(?:\.0+)?")
_SPAN = re.compile(rf"{_YEAR}\s*[-/\u2013]\s*(\d{{2}}|\d{{4}})")
_ISO_DATE = re.compile(rf"{_YEAR}{_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?:[t ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?")
_DMY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}{_YEAR}")
_YEAR_MONTH = re.compile(rf"{_YEAR}\s*-\s*(\d{{1,2}})")  # 2009-01 (ISO); 2023.5 is a decimal, 2023/24 a span
_MONTH_YEAR = re.compile(rf"(\d{{1,2}})\s*[-/]\s*{_YEAR}")
_WORDS = re.compile(r"[a-z]+\.?")


class YearSpanError(ValueError):
    """A cell names two consecutive years (a fiscal or school year) and the profile did not say which."""


def read_year(text: str, *, span: str | None = None) -> int | None:
    """The year a cell gives, or ``None`` when it gives none.

    Read: a year (``2023``, ``2023.0``); a date (``2023-05-01``, ``01/05/2023``, ``1.5.2023``, a
    date and time); a month (``2009-01``, ``01/2009``, ``2009 Jan``, ``Jan-2009``, ``Januari 2009``,
    ``1 Ogos 2009``); and, when ``span`` says which, a span of two consecutive years (``2023/24``,
    ``2019-2020``). Not read: ``2023.5``, ``2023-13-45``, ``13/2009``, a period of several years.

    Raises
    ------
    YearSpanError
        For two consecutive years when ``span`` is ``None``.
    """
    value = text.strip().lower()
    if not value:
        return None
    if (m := _WHOLE.fullmatch(value)) is not None:
        return int(m.group(1))
    if (m := _ISO_DATE.fullmatch(value)) is not None:
        return _dated(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _DMY.fullmatch(value)) is not None:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return year if _valid(year, b, a) or _valid(year, a, b) else None  # day/month or month/day
    if (m := _YEAR_MONTH.fullmatch(value)) is not None and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1))
    if (m := _SPAN.fullmatch(value)) is not None:
        return _span(value, int(m.group(1)), m.group(2), span)
    if (m := _MONTH_YEAR.fullmatch(value)) is not None:
        return int(m.group(2)) if 1 <= int(m.group(1)) <= 12 else None
    return _in_words(value)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _dated(year: int, month: int, day: int) -> int | None:
    return year if _valid(year, month, day) else None


def _span(value: str, first: int, second_text: str, span: str | None) -> int | None:
    """``2023/24`` or ``2019-2020``: two consecutive years, read as the profile says."""
    second = int(second_text) if len(second_text) == 4 else (first // 100) * 100 + int(second_text)
    if len(second_text) == 2 and second < first:
        second += 100  # 1999/00
    if second != first + 1:
        return None  # a period of several years, or two unrelated numbers: not one year
    if span is None:
        raise YearSpanError(value)
    return first if span == "first" else second


def _in_words(value: str) -> int | None:
    """A month written in words with a year, and perhaps a day: ``2009 Jan``, ``Jan-2009``, ``1 Ogos 2009``."""
    parts = [p for p in re.split(r"[\s,/-]+", value) if p]
    years = [p for p in parts if re.fullmatch(_YEAR, p)]
    words = [p.rstrip(".") for p in parts if _WORDS.fullmatch(p)]
    numbers = [p for p in parts if p.isdigit() and not re.fullmatch(_YEAR, p)]
    if len(years) != 1 or len(words) != 1 or len(parts) != 1 + len(words) + len(numbers) or len(numbers) > 1:
        return None
    month = MONTHS.get(words[0])
    if month is None:
        return None
    year = int(years[0])
    if numbers and not _valid(year, month, int(numbers[0])):
        return None
    return year
