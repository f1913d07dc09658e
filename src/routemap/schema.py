"""The canonical record: field names, required fields and controlled vocabularies shared by every stage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Fields whose value is a place string (resolved by :mod:`routemap.places`).
PLACE_FIELDS: tuple[str, ...] = ("origin", "transit", "destination", "intended_destination")

#: Stops that may carry explicit coordinates as ``<stop>_lon`` / ``<stop>_lat``.
COORD_STOPS: tuple[str, ...] = ("origin", "destination", "intended_destination")

#: Controlled vocabularies; the last value of each is the fallback for "not known".
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male", "other", "unknown"),
    "age_group": ("child", "adult", "unknown"),
    "sector": (
        "domestic_work",
        "agriculture",
        "plantation",
        "fishing",
        "construction",
        "manufacturing",
        "hospitality",
        "sex_industry",
        "begging",
        "other",
        "unknown",
    ),
    "exploitation": (
        "forced_labour",
        "sexual_exploitation",
        "domestic_servitude",
        "debt_bondage",
        "forced_marriage",
        "forced_criminality",
        "other",
        "unknown",
    ),
    "recruitment": ("agency", "family_or_friend", "online", "self", "other", "unknown"),
    "transport": ("air", "sea", "land", "mixed", "unknown"),
}

#: Fields that may hold several vocabulary values separated by ``;``.
MULTI_VALUE_FIELDS: frozenset[str] = frozenset({"sector", "exploitation"})

#: English synonyms accepted for vocabulary values without a [values] table in the profile.
SYNONYMS: dict[str, dict[str, str]] = {
    "sex": {
        "f": "female",
        "woman": "female",
        "women": "female",
        "girl": "female",
        "m": "male",
        "man": "male",
        "men": "male",
        "boy": "male",
        "transgender": "other",
        "non binary": "other",
        "": "unknown",
        "not known": "unknown",
    },
    "age_group": {
        "minor": "child",
        "children": "child",
        "under 18": "child",
        "adults": "adult",
        "18 and over": "adult",
        "": "unknown",
    },
    "sector": {
        "domestic work": "domestic_work",
        "domestic worker": "domestic_work",
        "domestic": "domestic_work",
        "farm": "agriculture",
        "farming": "agriculture",
        "palm oil": "plantation",
        "fisheries": "fishing",
        "fishery": "fishing",
        "factory": "manufacturing",
        "hotel": "hospitality",
        "restaurant": "hospitality",
        "sex work": "sex_industry",
        "": "unknown",
    },
    "exploitation": {
        "forced labor": "forced_labour",
        "labour": "forced_labour",
        "labor": "forced_labour",
        "sexual": "sexual_exploitation",
        "servitude": "domestic_servitude",
        "debt bondage": "debt_bondage",
        "": "unknown",
    },
    "recruitment": {
        "recruitment agency": "agency",
        "agent": "agency",
        "family": "family_or_friend",
        "friend": "family_or_friend",
        "internet": "online",
        "social media": "online",
        "": "unknown",
    },
    "transport": {"plane": "air", "boat": "sea", "ship": "sea", "road": "land", "bus": "land", "": "unknown"},
}


@dataclass(frozen=True, slots=True)
class Field:
    """One canonical field of the contribution template.

    Parameters
    ----------
    name
        Canonical column name.
    required
        Whether a row without it is rejected.
    description
        Plain-language meaning, used by the template's dictionary and by ``validate``.
    """

    name: str
    required: bool
    description: str


FIELDS: tuple[Field, ...] = (
    Field("record_id", False, "Your own reference for the case; used only to report problems, never published."),
    Field("person_key", False, "Pseudonymous key made by `routemap pseudonymise`; lets duplicates be counted once."),
    Field("year", True, "Year of recruitment or, failing that, of registration (1950 to this year)."),
    Field("origin", True, "Where the journey began: 'Country', 'City, Country', 'State, Country' or an ISO code."),
    Field("transit", False, "Places passed through, in order, separated by ';' or '>'."),
    Field("destination", True, "Place of exploitation, or where the person was taken."),
    Field("intended_destination", False, "Where the person was promised to go."),
    Field("persons", False, "How many people the row stands for (a whole number, 1 if empty)."),
    Field("sex", False, "female, male, other or unknown."),
    Field("age_group", False, "child (under 18 at recruitment), adult or unknown."),
    Field("age", False, "Age in years at recruitment; fills age_group when that is empty."),
    Field("sector", False, "Sector of work; several separated by ';'."),
    Field("exploitation", False, "Type of exploitation; several separated by ';'."),
    Field("recruitment", False, "How the person was recruited."),
    Field("transport", False, "Main means of transport."),
    Field("origin_lon", False, "Longitude of the origin (WGS84), overriding the place name."),
    Field("origin_lat", False, "Latitude of the origin (WGS84), overriding the place name."),
    Field("destination_lon", False, "Longitude of the destination (WGS84), overriding the place name."),
    Field("destination_lat", False, "Latitude of the destination (WGS84), overriding the place name."),
    Field("intended_destination_lon", False, "Longitude of the intended destination (WGS84)."),
    Field("intended_destination_lat", False, "Latitude of the intended destination (WGS84)."),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

#: Dimensions carried from records to aggregates (breakdowns, filters, leg details).
DIMENSIONS: tuple[str, ...] = ("year", "sex", "age_group", "sector", "exploitation", "recruitment", "transport")

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Fold a label for matching: strip accents, lower-case, punctuation to space, collapse spaces.

    Parameters
    ----------
    text
        Any label written by a partner.

    Returns
    -------
    str
        The folded form, e.g. ``"  Pembantu-Rumah "`` -> ``"pembantu rumah"``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = stripped.casefold().replace("_", " ")
    return _SPACE.sub(" ", _PUNCT.sub(" ", lowered)).strip()


def canonical_vocab_value(field: str, value: str) -> str | None:
    """Map a written value onto the field's vocabulary, or ``None`` when it is outside it.

    Parameters
    ----------
    field
        A key of :data:`VOCABULARIES`.
    value
        The value as written (already passed through the profile's [values] table).

    Returns
    -------
    str or None
        The canonical vocabulary value, or ``None`` when the value is not recognised.
    """
    folded = fold(value)
    vocabulary = VOCABULARIES[field]
    for item in vocabulary:
        if folded == fold(item):
            return item
    return SYNONYMS.get(field, {}).get(folded)
