"""Country codes shared by every stage: an ISO 3166-1 alpha-3 code from a code or an English name."""

from __future__ import annotations

import pycountry

from routemap._errors import ConfigError

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
    country = None
    if len(text) == 2:
        country = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3:
        country = pycountry.countries.get(alpha_3=text.upper())
    if country is None:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    if country is None:
        raise ConfigError(f"{value!r} is not a country; use an ISO 3166-1 code such as 'MY' or 'IDN'")
    return str(country.alpha_3)
