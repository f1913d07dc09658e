"""The canonical record: field names, required fields and controlled vocabularies shared by every stage."""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import re
import unicodedata
from dataclasses import dataclass

#: Fields whose value is a place string (resolved by :mod:`routemap.places`).
#: Columns of the GIS layers of legs and of places (aggregate makes them; render.gis writes them).
LEG_COLUMNS: tuple[str, ...] = ("from_id", "to_id", "from_name", "to_name", "persons", "routes")
PLACE_COLUMNS: tuple[str, ...] = (
    "place_id",
    "name",
    "level",
    "country",
    "persons",
    "persons_start",
    "persons_pass",
    "persons_end",
    "role",
)

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


#: Canonical fields in template order, with whether a row needs them.
_FIELD_SPECS: tuple[tuple[str, bool], ...] = (
    ("record_id", False),
    ("person_key", False),
    ("year", True),
    ("origin", True),
    ("transit", False),
    ("destination", True),
    ("intended_destination", False),
    ("persons", False),
    ("sex", False),
    ("age_group", False),
    ("age", False),
    ("sector", False),
    ("exploitation", False),
    ("recruitment", False),
    ("transport", False),
    ("origin_lon", False),
    ("origin_lat", False),
    ("destination_lon", False),
    ("destination_lat", False),
    ("intended_destination_lon", False),
    ("intended_destination_lat", False),
)

#: Languages of the template, its dictionary and its vocabulary labels.
LANGUAGES: tuple[str, ...] = ("en", "ms", "id")


@dataclass(frozen=True, slots=True)
class Labels:
    """The contents of ``data/labels.csv`` and ``data/words.csv``: every label in every language.

    Parameters
    ----------
    headers
        Field -> language -> header labels (the first is shown, all are accepted).
    descriptions
        Field -> language -> meaning, for the data dictionary.
    values
        (field, vocabulary value) -> language -> labels (the first is shown, all are accepted).
    texts
        Key -> language -> words of the template itself (sheet names, dictionary columns, notes).
    """

    headers: dict[str, dict[str, tuple[str, ...]]]
    descriptions: dict[str, dict[str, str]]
    values: dict[tuple[str, str], dict[str, tuple[str, ...]]]
    texts: dict[str, dict[str, str]]


#: The label tables, read as one: the template's (labels.csv) and the published outputs' words (words.csv).
LABEL_FILES: tuple[str, ...] = ("labels.csv", "words.csv")


def _label_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in LABEL_FILES:
        text = importlib.resources.files("routemap").joinpath("data", name).read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        rows.extend(csv.DictReader(io.StringIO("\n".join(lines))))
    return rows


@functools.cache
def labels() -> Labels:
    """Read the label tables shipped in ``routemap/data/`` (:data:`LABEL_FILES`, once per process)."""
    headers: dict[str, dict[str, tuple[str, ...]]] = {}
    descriptions: dict[str, dict[str, str]] = {}
    values: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    texts: dict[str, dict[str, str]] = {}
    for row in _label_rows():
        if None in row or None in row.values():  # a cell with an unquoted comma shifts the rest of its row
            raise ValueError(
                f"a label table's row {row['kind']},{row['field']},{row['value']} has a cell with an "
                "unquoted comma; put that cell in double quotes"
            )
        by_lang = {lang: row[lang].strip() for lang in LANGUAGES}
        split = {lang: tuple(p.strip() for p in cell.split(" | ") if p.strip()) for lang, cell in by_lang.items()}
        if row["kind"] == "header":
            headers[row["field"]] = split
        elif row["kind"] == "description":
            descriptions[row["field"]] = by_lang
        elif row["kind"] == "value":
            values[(row["field"], row["value"])] = split
        else:
            texts[row["field"]] = by_lang
    return Labels(headers=headers, descriptions=descriptions, values=values, texts=texts)


def label_words() -> list[str]:
    """Every header, value label and text of the label tables, in every language (published on purpose)."""
    table = labels()
    words = [w for by_lang in table.headers.values() for names in by_lang.values() for w in names]
    words += [w for by_lang in table.values.values() for names in by_lang.values() for w in names]
    words += [w for by_lang in table.texts.values() for w in by_lang.values()]
    return words


def header_label(field: str, lang: str) -> str:
    """The header a template in ``lang`` shows for a canonical field."""
    return labels().headers[field][lang][0]


def header_aliases(field: str) -> tuple[str, ...]:
    """Every header accepted for a canonical field without a profile: its name, then its labels in every language."""
    names = [field] + [label for lang in LANGUAGES for label in labels().headers[field][lang]]
    return tuple(dict.fromkeys(names))


def value_label(field: str, value: str, lang: str) -> str:
    """The label a template in ``lang`` shows for a vocabulary value."""
    return labels().values[(field, value)][lang][0]


def header_language(field: str, header: str) -> str | None:
    """The language whose template labels ``header`` for ``field`` (``None``: the canonical name or another)."""
    key = fold(header)
    for lang in LANGUAGES:
        if any(fold(label) == key for label in labels().headers[field][lang]) and key != fold(field):
            return lang
    return None


def text(key: str, lang: str) -> str:
    """A word or sentence of the template itself, in ``lang``."""
    return labels().texts[key][lang]


def description(field: str, lang: str) -> str:
    """The meaning of a canonical field, in ``lang``."""
    return labels().descriptions[field][lang]


FIELDS: tuple[Field, ...] = tuple(Field(name, required, description(name, "en")) for name, required in _FIELD_SPECS)

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
    return SYNONYMS.get(field, {}).get(folded) or _label_values().get(field, {}).get(folded)


@functools.cache
def _label_values() -> dict[str, dict[str, str]]:
    """Field -> folded label (any language) -> vocabulary value."""
    out: dict[str, dict[str, str]] = {}
    for (field, value), by_lang in labels().values.items():
        for names in by_lang.values():
            for name in names:
                out.setdefault(field, {})[fold(name)] = value
    return out
