"""Country codes shared by every stage: an ISO 3166-1 alpha-3 code from a code or an English name."""

from __future__ import annotations

import csv
import functools
import importlib.resources

from routemap._errors import ConfigError

#: ISO 3166-1 as pycountry ships it (the iso-codes project), written by scripts/make_index.py: pycountry
#: is then needed only to build the place index, not at run time (its import alone took 15 ms).
ISO3166_FILE = "iso3166.csv"
_FIELDS = ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name")

#: Countries outside ISO 3166-1 that routemap counts as countries, with the user-assigned codes
#: their statistics use: Kosovo (XK / XKX, as the European Commission, the IMF and CTDC write it).
EXTRA_COUNTRIES = {"XK": "XKX"}


def country_iso3(value: str) -> str:
    """Return the ISO 3166-1 alpha-3 code for an alpha-2 or alpha-3 code or an English name.

    Kosovo, outside ISO 3166-1, answers its user-assigned code ``XKX`` (from ``XK``, ``XKX`` or its name).

    Raises
    ------
    ConfigError
        When the value names no country.
    """
    text = value.strip()
    extra = {**EXTRA_COUNTRIES, **{v: v for v in EXTRA_COUNTRIES.values()}, "KOSOVO": "XKX"}
    if text.upper() in extra:
        return extra[text.upper()]
    found = _lookup().get(text.lower())
    if found is None:
        raise ConfigError(f"{value!r} is not a country; use an ISO 3166-1 code such as 'MY' or 'IDN'")
    return found


def country_iso2(iso3: str) -> str:
    """The ISO 3166-1 alpha-2 code of an alpha-3 code (``XK`` for Kosovo's ``XKX``), or ``""``."""
    return _alpha2_of().get(iso3.upper(), "")


def is_alpha2(code: str) -> bool:
    """Whether a text is an ISO 3166-1 alpha-2 code (in capitals or not)."""
    return code.upper() in _alpha2()


@functools.cache
def _rows() -> list[dict[str, str]]:
    text = importlib.resources.files("routemap").joinpath("data", ISO3166_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@functools.cache
def _alpha2() -> frozenset[str]:
    return frozenset(row["alpha_2"] for row in _rows())


@functools.cache
def _alpha2_of() -> dict[str, str]:
    return {**{row["alpha_3"]: row["alpha_2"] for row in _rows()}, **{a3: a2 for a2, a3 in EXTRA_COUNTRIES.items()}}


@functools.cache
def _lookup() -> dict[str, str]:
    """Every code and name of a country, in lower case -> its alpha-3 code (as pycountry's ``lookup``)."""
    out: dict[str, str] = {}
    for field in _FIELDS:  # codes first: a code wins over a name written the same way
        for row in _rows():
            if row[field]:
                out.setdefault(row[field].lower(), row["alpha_3"])
    return out
