"""Resolve place strings offline against the gazetteer, once per distinct string, explainably."""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from routemap._countries import country_iso3
from routemap._display import display_names
from routemap._errors import ConfigError
from routemap._gazetteer import (
    TIER_ALIAS,
    TIER_ALTERNATE,
    TIER_CODE,
    TIER_LOCAL,
    TIER_NAME,
    TIER_WORLD,
    Index,
    Place,
    PlaceTable,
    fold_name,
    load_index,
)
from routemap._place_files import read_user_aliases, read_user_places
from routemap._place_files import resolve_renames as resolve_renames
from routemap._place_fuzzy import FUZZY_LEAD, FUZZY_SCORE, GIVEN_NAME_TOWN_POPULATION, _FuzzyReading
from routemap._place_fuzzy import FUZZY_MIN_LENGTH as FUZZY_MIN_LENGTH
from routemap._place_fuzzy import FUZZY_SHORT_LEAD as FUZZY_SHORT_LEAD
from routemap._place_fuzzy import FUZZY_SHORT_LENGTH as FUZZY_SHORT_LENGTH
from routemap._place_fuzzy import LOCAL_WORD_TOWN_POPULATION as LOCAL_WORD_TOWN_POPULATION
from routemap._place_fuzzy import SUGGEST_SCORE as SUGGEST_SCORE
from routemap._place_parts import _LEVEL_RANK, _PartsReading
from routemap._place_reading import (
    _APOSTROPHES,
    _HYPHENATED_PARTS,
    _INVERTED,
    _LETTER,
    _PARTS,
    _SUBDIVISION_CODE,
    _TRAILING_BRACKET,
    _WITHIN,
    Resolution,
    _may_be_code,
    _not_a_plural,
    _variants,
    accented,
    address_variants,
    border_word,
    names_a_person,
    states_a_unit,
    text_is_abbreviation,
    unit_country,
    unit_fits,
)
from routemap._place_towns import SNAP_KM as SNAP_KM
from routemap._place_towns import TownTable, _TownReading

log = logging.getLogger(__name__)

__all__ = ["FUZZY_LEAD", "FUZZY_SCORE", "Gazetteer", "Place", "Resolution", "country_iso3"]

#: A town's alternate spelling this short or shorter is not read alone (geonames' "Bun" for Boone).
SHORT_ALTERNATE = 3

TIER_USER = -1
_METHOD_BY_TIER = {
    TIER_USER: "user",
    TIER_CODE: "code",
    TIER_NAME: "exact",
    TIER_ALIAS: "alias",
    TIER_WORLD: "listed",
    TIER_ALTERNATE: "alternate",
    TIER_LOCAL: "local",
}
#: Tolerance, in degrees, when deciding whether explicit coordinates agree with a named place.
_SAME_POINT = 1e-9


#: A town of another country this large stands beside a state of its name (neither wins by level).
RIVAL_TOWN_POPULATION = 100_000
#: A region named by a point of the compass alone ("Eastern Region", "Northern Province", "Central"): regions of
#: many countries bear it, so it is read only in the partner's own country.
_COMPASS = re.compile(
    r"^(?:(?:north|south|east|west)(?:ern)?(?: (?:north|south|east|west)(?:ern)?)?|central|centre|center)"
    r"(?: (?:region|province|state|division|district|zone|area))?$"
)
RIVAL_NOTE = "the name of a state and of a large town of another country: write it with its country"
COMPASS_NOTE = "a compass point's name, which regions of many countries bear: write it with its country"
#: Country codes that are far more often a word in a spreadsheet: "NA" (not available), "PRT" (Malay and
#: Indonesian for a domestic worker, pembantu or pekerja rumah tangga). The country's only from its own partner
#: or by data/aliases.csv.
NOT_AVAILABLE = "most often 'not available'; Namibia's code only from a Namibian partner or by data/aliases.csv"
CODE_WORDS = {
    "NA": ("NAM", NOT_AVAILABLE),
    "PRT": ("PRT", "most often a domestic worker (Malay, Indonesian); Portugal's code only from a Portuguese partner"),
}


@dataclass(slots=True)
class _Choice:
    place_id: str = ""
    candidates: tuple[str, ...] = ()
    tier: int = TIER_ALTERNATE
    by_default: bool = False
    set_aside: tuple[str, ...] = field(default_factory=tuple)
    capital: bool = False
    key: str = ""


class Gazetteer(_FuzzyReading, _TownReading, _PartsReading):
    """Places and the names that lead to them, with the project's own places on top.

    Parameters
    ----------
    index
        The compiled index (see :func:`routemap._gazetteer.load_index`).
    user_places
        Places from the project's ``data/places.csv``; their names win over every other source.
    """

    def __init__(self, index: Index, user_places: Iterable[tuple[Place, list[str]]] = ()) -> None:
        self._index = index
        self._user_places: dict[str, Place] = {}
        self._towns = TownTable(index.towns)
        self._places: Mapping[str, Place] = ChainMap(self._user_places, index.places, self._towns)  # type: ignore[arg-type]
        self._user_keys: dict[str, list[tuple[str, int]]] = {}
        for place, names in user_places:
            self._user_places[place.id] = place
            for name in names:
                key = fold_name(name)
                if key:
                    self._user_keys.setdefault(key, [])
                    if (place.id, TIER_USER) not in self._user_keys[key]:
                        self._user_keys[key].append((place.id, TIER_USER))
        self._user_not_places: set[str] = set()
        self._fuzzy_names: list[str] | None = None
        self._fuzzy_pids: list[tuple[str, ...]] = []
        self._ranked: dict[str, list[tuple[float, int, tuple[str, ...]]]] = {}
        self._pending: set[str] | None = None
        self._touched = False
        self._sorted: list[str] | None = None  # the index's names in order (see _names_starting)
        self._settlements: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None = None
        self._by_country: dict[str, dict[str, dict[str, list[str]]]] = {}  # see _country_names
        members = index.region_members
        # a region lies in another when all its members do ("Western Africa, Africa")
        self._largest_town: dict[str, int] | None = None  # admin-1 id -> its largest town's people (see _rivals)
        self._region_children = {
            outer: frozenset(r for r, m in members.items() if r != outer and m and m <= outer_members)
            for outer, outer_members in members.items()
        }

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, *, project_dir: Path | None = None) -> Gazetteer:
        """Load the compiled index and, when present, the project's ``data/places.csv`` and ``data/aliases.csv``.

        Parameters
        ----------
        project_dir
            Project folder; ``data/places.csv`` and ``data/aliases.csv`` inside it are read when they exist.
        """
        index = load_index()
        user: list[tuple[Place, list[str]]] = []
        if project_dir is not None:
            path = project_dir / "data" / "places.csv"
            if path.exists():
                user = read_user_places(path, index)
        gazetteer = cls(index, user)
        if project_dir is not None:
            path = project_dir / "data" / "aliases.csv"
            if path.exists():
                gazetteer.add_aliases(read_user_aliases(path, gazetteer))
        return gazetteer

    def with_display_names(
        self,
        *,
        focus: str | None,
        local: bool = True,
        rename: Mapping[str, str] | None = None,
        language: str = "en",
    ) -> Gazetteer:
        """A view of the gazetteer whose places carry the names a map should show.

        Parameters
        ----------
        focus
            ISO3 of the focus country: its places are shown by the names it uses itself
            (Melaka, not Malacca, on a map of Malaysia; ``corrections.csv`` field ``local_name``).
        local
            ``False`` keeps the English names everywhere.
        rename
            Place id -> display name, for any place (``[rename]`` in routemap.toml); wins over all.
        language
            The outputs' language: countries, territories and regions take their names in it
            (Kemboja, Filipina in Malay); the focus country's own names and ``rename`` win over these.

        Returns
        -------
        Gazetteer
            ``self`` when no name changes, else a view sharing everything but the names.
        """
        renamed: dict[str, Place] = {}
        for place_id, name in display_names(language).items():
            place = self._places.get(place_id)
            if place is not None:
                renamed[place_id] = replace(place, name=name)
        if focus and local:
            for place_id, name in self._index.local_names.items():
                place = self._places.get(place_id)
                if place is not None and place.country == focus:
                    renamed[place_id] = replace(place, name=name)
        for place_id, name in (rename or {}).items():
            renamed[place_id] = replace(self.place(place_id), name=name)
        if not renamed:
            return self
        view = copy.copy(self)
        view._places = ChainMap(renamed, self._user_places, self._index.places, self._towns)  # type: ignore[arg-type]
        return view

    def add_aliases(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Attach the project's own spellings to places the gazetteer knows (``data/aliases.csv``).

        Parameters
        ----------
        aliases
            ``(alias, place id)`` pairs, or ``(alias, "none")`` for a word that names no place. An
            alias wins over every other source, as the project's own places do; no place is made.
        """
        for alias, place_id in aliases:
            key = fold_name(alias)
            if not key:
                continue
            if place_id == "none":
                self._user_not_places.add(key)
                continue
            entries = self._user_keys.setdefault(key, [])
            if (place_id, TIER_USER) not in entries:
                entries.append((place_id, TIER_USER))
        self._fuzzy_names = None
        self._ranked.clear()

    # ------------------------------------------------------------------ lookups
    def place(self, place_id: str) -> Place:
        """Return the place with this id (coordinates ids ``coord:lon,lat`` are made on demand)."""
        found = self._places.get(place_id)
        if found is not None:
            return found
        if place_id.startswith("coord:"):
            lon, lat = (float(v) for v in place_id[6:].split(","))
            return Place(place_id, f"{lat:.4f}, {lon:.4f}", "place", "", "", lon, lat)
        raise KeyError(place_id)

    def __contains__(self, place_id: str) -> bool:
        return place_id in self._places

    @property
    def region_members(self) -> dict[str, frozenset[str]]:
        """ISO3 members of each region place id."""
        return self._index.region_members

    def is_given_name(self, text: str) -> bool:
        """Whether a string starts with a given name ("Siti Aminah", "Jordan"), as a person's name would."""
        words = fold_name(text).split()
        return bool(words) and words[0] in self._index.given_names

    def _candidates(self, key: str) -> list[tuple[str, int]]:
        return self._user_keys.get(key) or self._index.keys.get(key, [])

    def named_exactly(self, text: str) -> set[str]:
        """Ids of the places this exact name (folded, no fuzzy matching) leads to: a cheap "is it a place name"."""
        return {place_id for place_id, _ in self._candidates(fold_name(text))}

    # ------------------------------------------------------------------ resolution
    def resolve_many(self, raws: Iterable[str], *, default_country: str | None = None) -> dict[str, Resolution]:
        """Resolve each distinct string once; names that need fuzzy matching are scored together.

        Parameters
        ----------
        raws
            Strings as written; duplicates are resolved once.
        default_country
            The partner's default country (ISO 3166-1 alpha-2 or alpha-3), used only to settle a tie.

        Returns
        -------
        dict
            Raw string to :class:`Resolution`, the same as :meth:`resolve` gives one by one.
        """
        out: dict[str, Resolution] = {}
        again: list[str] = []
        self._pending = set()
        try:
            for raw in dict.fromkeys(raws):
                self._touched = False
                out[raw] = self.resolve(raw, default_country=default_country)
                if self._touched:
                    again.append(raw)
            pending = self._pending
        finally:
            self._pending = None
        self._rank(sorted(pending))
        for raw in again:
            out[raw] = self.resolve(raw, default_country=default_country)
        return out

    def resolve(self, raw: str, *, default_country: str | None = None) -> Resolution:
        """Resolve one string (see :class:`Resolution` for the methods and the README for the rules).

        ``default_country`` (alpha-2 or alpha-3) settles a tie between places of several countries.
        """
        default_country = _alpha3(default_country) if default_country else None
        text = " ".join(str(raw).split())
        if not text:
            return Resolution(raw, "", "empty")
        if not _LETTER.search(text):
            return Resolution(raw, "", "not_a_place", note="no letters: a code for a missing value, not a place")
        iso3, why = CODE_WORDS.get(text.upper(), ("", ""))
        if iso3 and default_country != iso3 and text.lower() not in self._user_keys:
            return Resolution(raw, "", "ambiguous", candidates=(f"country:{iso3}",), note=why)
        if _SUBDIVISION_CODE.match(text):
            hits = [c for c in self._index.keys.get(fold_name(text), []) if c[1] == TIER_CODE]
            if hits:
                return Resolution(raw, hits[0][0], "code")
        local = self._partner_code(raw, text, default_country) if default_country else None
        return local or self._resolve_text(raw, text, default_country=default_country)

    def _resolve_text(self, raw: str, text: str, *, default_country: str | None) -> Resolution:
        text = _with_department(text)
        key = fold_name(text.replace("&", " and "))
        default_country = unit_country(key) or default_country  # "Hlaingbwe Tsp": Myanmar's, whoever wrote it
        if key in self._user_not_places and key not in self._user_keys:
            return Resolution(raw, "", "not_a_place", note="data/aliases.csv says it names no place")
        if not key or (key in self._index.not_places and key not in self._user_keys and not accented(text, key)):
            return Resolution(raw, "", "not_a_place")
        codes = _may_be_code(text) and not self._home_not_code(text, key, default_country)
        whole = self._resolve_key(key, default_country=default_country, codes=codes)
        if whole.place_id or whole.candidates:
            return self._read_whole(raw, key, whole, default_country)
        if names_a_person(key) and not any(c in text for c in ",;"):  # "Mr Tan, Johor": Johor
            # "Khun Somchai farm": a farm named after its owner, no town
            return Resolution(raw, "", "not_a_place", note="a person: a title before a name")
        read = self._read_variants(raw, key, text, default_country=default_country)
        if read is not None:
            return read
        if "&" in text:  # "B&H" as written, not "B and H"
            written = self._resolve_key(fold_name(text), default_country=default_country, codes=False)
            if written.place_id and written.tier < TIER_ALTERNATE:
                return self._settle(raw, fold_name(text), written, default_country=default_country)
        inverted = _INVERTED.match(text)
        if inverted:  # "Congo, Democratic Republic of the": the UN's inverted form
            upright = f"{inverted['tail']} {inverted['head']}"
            turned = self._resolve_text(raw, upright, default_country=default_country)
            if turned.resolved:
                return replace(turned, note="; ".join(n for n in (f"read as {fold_name(upright)!r}", turned.note) if n))
        qualified = _TRAILING_BRACKET.match(text)
        if qualified and qualified["rest"].strip() and self._is_qualifier(qualified["inside"]):
            inner = self._resolve_text(raw, qualified["rest"], default_country=default_country)
            if inner.method not in ("unresolved",):
                aside = f"'({qualified['inside'].strip()})' set aside as a qualifier"
                return replace(inner, note="; ".join(n for n in (inner.note, aside) if n))
        together = self._written_together(raw, text, key, default_country=default_country)  # "Kinston NC"
        together = together or self._crossing(raw, text, default_country=default_country)  # "Mae Sot / Myawaddy"
        if together is not None:
            return together
        if "/" in text:
            either = self._resolve_alternatives(raw, text, default_country=default_country)
            if either is not None:
                return either
        parts = [p.strip() for p in _PARTS.split(text) if p.strip()]
        structured = None
        if len(parts) > 1:
            structured = self._resolve_parts(raw, parts, default_country=default_country)
        if "-" in text and (structured is None or structured.method != "context"):
            pieces = [p.strip() for p in _HYPHENATED_PARTS.split(text) if p.strip()]
            if len(pieces) > len(parts):
                hyphenated = self._resolve_parts(raw, pieces, default_country=default_country)
                if hyphenated is not None and hyphenated.method == "context":
                    return hyphenated
        if structured is not None:
            return structured
        within = _WITHIN.match(text)
        if within:  # "Kurdistan Region of Iraq": a part of a place, read as both parts
            found = self._resolve_parts(raw, [within["part"], within["whole"]], default_country=default_country)
            if found is not None and found.method == "context":
                return found
        halves = self._two_names(key, default_country=default_country)
        if halves is not None:  # "PRC China", "Selangor MY": two names of one place, or one in the other
            return self._finish(raw, halves, note="both parts name it")
        # "B. Meanchey", "K. Thom": a first word written as its initial; "Maesot", "Kualalumpur": a name of
        # several words written as one; "Ma-lai-xi-a", "In-đô-nê-xi-a": a name written syllable by syllable
        joined = self._initialled(key, default_country) or self._spaced(key)
        if joined or (" " in key and all(len(t) <= 3 for t in key.split())):
            syllables, joined = not joined, joined or key.replace(" ", "")
            again = self._resolve_key(joined, default_country=default_country, codes=False)
            if again.place_id and (not syllables or self._spelt_out(again.place_id, default_country)):  # "ko ro"
                return self._settle(raw, joined, again, default_country=default_country, note=f"read as {joined!r}")
        typo = self._fuzzy(raw, key, default_country)
        if typo.resolved:
            return typo
        local = self._home_typo(raw, key, default_country)
        by_unit = self._by_unit(raw, key, default_country) if typo.method == "unresolved" else None
        arabic = self._arabic_spelling(raw, key, default_country) if typo.method == "unresolved" else None
        home = self._home_reading(raw, key, text, default_country) if typo.method == "unresolved" else None
        letters = self._arabic_letters(raw, key, default_country) if typo.method == "unresolved" else None
        return local or by_unit or arabic or home or letters or typo

    def _read_variants(self, raw: str, key: str, text: str, *, default_country: str | None) -> Resolution | None:
        """A reading of the whole string in another form: a plural, a demonym, unquoted, with a unit word."""
        abbreviation = text_is_abbreviation(text)  # "H.K.": its letters may be a code
        # _variants holds an address without its numbers; a string alone is read without its street word too
        streets = [v for v in address_variants(key) if v not in address_variants(key, streets=False)]
        readings = [*_variants(key), *((v, False) for v in streets)]
        unquoted = fold_name(_APOSTROPHES.sub("", text))
        if unquoted != key:  # "People's" is also written "Peoples", never "People S"
            readings = [(unquoted, False), *_variants(unquoted), *readings]
        for variant, plural in readings:
            if plural and _not_a_plural(self._index.common_words.get(key, "")):
                continue  # "Polis" is Malay for police, not the people of "Poli"
            if variant == f"{key} islands" and key in self._index.common_words:
                continue  # "Cook" (the trade) is no Cook Islands; "Cayman" is the Cayman Islands
            if variant in self._index.not_places:
                if variant in address_variants(key):
                    continue  # "Camp 15": a camp's number, not the word alone
                return Resolution(raw, "", "not_a_place", note=f"read as {variant!r}")
            again = self._resolve_key(variant, default_country=default_country, codes=abbreviation)
            again = self._region_named(key, variant, again, default_country=default_country)
            if again.place_id and border_word(key) and self._places[again.place_id].level in ("country", "region"):
                continue  # "Thai border", "Iraq border": where two countries meet, no place in one
            if again.place_id and self._places[again.place_id].level not in ("country", "region"):
                if plural:
                    continue  # "Xs" is read as the people of a country or region, never as a town
                place_id = again.place_id  # a governorate below a region is a unit: "Erbil Governorate"
                if self._places[place_id].level == "place" and states_a_unit(key, variant) and place_id[:4] != "sub:":
                    continue  # "Wa State" names Myanmar's Wa region, not Wa, a town in Ghana
            if again.place_id and not unit_fits(key, self._places[again.place_id].country):
                continue  # "Kab. Bone" names a regency of Indonesia, whatever "Bone" names elsewhere
            if again.tier == TIER_ALTERNATE and key.endswith(" island"):
                continue  # "Tanna Island", Vanuatu's, is no Thāne by one of its other spellings
            if not again.place_id and again.candidates:  # "Pulau Flores": Indonesia's, not Uruguay's Flores
                fits = [pid for pid in again.candidates if unit_fits(key, self._places[pid].country)]
                if not fits:
                    continue
                if len(fits) < len(again.candidates):
                    tiers = dict(self._candidates(variant))
                    again = self._choose(
                        [(p, tiers.get(p, TIER_ALTERNATE)) for p in fits], default_country=default_country
                    )
            if again.place_id or again.candidates:
                return self._settle(raw, variant, again, default_country=default_country, note=f"read as {variant!r}")
        return None

    def _settle(
        self, raw: str, key: str, choice: _Choice, *, default_country: str | None, note: str = ""
    ) -> Resolution:
        """Finish a reading of a whole string, unless it is a person's name or a town's odd spelling.

        A common given name alone is not read as a town (a column of names mapped as places by
        mistake must not draw routes), unless the town is a capital, a city of a million or more,
        or lies in the partner's default country; it is then reported ``ambiguous``. A town's
        alternate spelling gives way to a typo of a country or state it is close to ("Jaimaica").
        """
        place = self._places[choice.place_id] if choice.place_id else None
        # a town, or a state (a state is read when its name is common in its own country's languages)
        small = place is not None and place.level in ("place", "admin1")
        abbreviation = text_is_abbreviation(raw)
        # an abbreviation is read as written, but not as a small town's short alternate spelling ('LD' is no Lod)
        coded = abbreviation and (
            choice.tier != TIER_ALTERNATE or place is None or place.population >= GIVEN_NAME_TOWN_POPULATION
        )
        apart = self._apart_abroad(raw, key, choice.place_id, choice.tier, default_country=default_country)
        if apart is not None:
            return apart
        # "Kab. Bone": a regency; "Pulau Flores": the Indonesian island, whatever 'flores' means in Spanish
        said = place is not None and unit_country(fold_name(raw), place.country) == place.country
        if place is not None and small and choice.tier != TIER_USER and not coded and not said:
            what = self._person_or_word(key, place, own_name=place.level == "admin1" and choice.tier <= TIER_NAME)
            if not what and choice.tier == TIER_ALTERNATE:  # never a town's alternate spelling, in any language
                if key in self._index.given_names:
                    what = "a given name"
                elif key in self._index.common_words and not self._own_word(key, place.country, big=place.population):
                    what = "an ordinary word"  # not "Langkawi", common in Malay text as the island's name
                elif (
                    len(key) <= SHORT_ALTERNATE and place.level == "place" and key.isascii() and not accented(raw, key)
                ):
                    what = "a short alternate spelling of a town"  # "Bun" is no Boone, North Carolina
            if what and not (
                choice.tier < TIER_ALTERNATE
                and (
                    choice.place_id in self._index.capitals
                    or place.population >= GIVEN_NAME_TOWN_POPULATION
                    or self._great_inside(key, place)  # "Roma": Rome's province, holding the capital
                    or (default_country and place.country == default_country)
                )
            ):
                country = self._places["country:" + place.country].name if place.country else ""
                return Resolution(
                    raw,
                    "",
                    "ambiguous",
                    candidates=(choice.place_id,),
                    note=(
                        f"also {what}; if the column holds places, write it with its country "
                        f"('{place.name}, {country}') or add it to data/aliases.csv"
                    ),
                )
            # a minor town's alternate spelling gives way to a country's typo; a capital's, a city's of a million
            # or a home town's does not ("Wawa": Warsaw to a Polish partner; "Kolonia": Cologne, in Polish)
            big = choice.place_id in self._index.capitals or place.population >= GIVEN_NAME_TOWN_POPULATION
            if choice.tier == TIER_ALTERNATE and not big and place.country != default_country:
                typo = self._fuzzy(raw, key, default_country)
                if typo.resolved and self._places[typo.place_id].country != place.country:
                    also = f"also an alternate spelling of {self.describe(choice.place_id)}"
                    return replace(typo, note=f"{typo.note}; {also}")
        return self._finish(raw, choice, note=note)

    def _read_whole(self, raw: str, key: str, whole: _Choice, default_country: str | None) -> Resolution:
        """A string whose whole key names places: settled, unless a state's or a compass name's rule says otherwise."""
        name = key.rpartition(" ")[0]  # "Northern Region" from a Ghanaian partner: Ghana's, not Malawi's
        if (
            whole.place_id
            and default_country
            and states_a_unit(key, name)
            and self._minor_foreign(whole.place_id, default_country)
        ):
            home = self._resolve_key(name, default_country=default_country)
            if home.place_id and self._places[home.place_id].country == default_country:
                return self._settle(raw, name, home, default_country=default_country, note=f"read as {name!r}")
        rivals = self._rivals(key, whole, default_country) if whole.place_id else ()
        if rivals:
            return Resolution(raw, "", "ambiguous", candidates=(whole.place_id, *rivals), note=RIVAL_NOTE)
        if whole.place_id and _COMPASS.match(key) and self._places[whole.place_id].country != default_country:
            # "Eastern Region" from a Ugandan partner: Uganda's, which no source names so, not Iceland's
            return Resolution(raw, "", "ambiguous", candidates=(whole.place_id,), note=COMPASS_NOTE)
        return self._settle(raw, key, whole, default_country=default_country)

    def _rivals(self, key: str, whole: _Choice, default_country: str | None) -> tuple[str, ...]:
        """Large towns of another country that bear the name of the state a name was read as.

        "Boa Vista" is an island of Cabo Verde and Roraima's capital of 400,000; "San-Pédro" a port of
        Côte d'Ivoire larger than any town of Paraguay's department. A state wins over towns of its name by
        level; a town of another country of :data:`RIVAL_TOWN_POPULATION` or more, and larger than every town
        of the state, is as likely meant ("Bali" stays Indonesia's: Denpasar is larger than India's Bally).
        """
        state = self._places[whole.place_id]
        if state.level != "admin1" or whole.by_default or state.country == default_country:
            return ()
        towns = [
            self._places[pid]
            for pid, tier in self._candidates(key)
            if tier <= TIER_ALIAS  # by its name, not by one of its alternate spellings ("Delhi")
            and self._places[pid].level == "place"
            and self._places[pid].country not in (state.country, "")
            and self._places[pid].population >= RIVAL_TOWN_POPULATION
        ]
        if not towns:
            return ()
        if self._largest_town is None:  # (made once) each state's largest town stands for its size
            places = self._index.places
            if isinstance(places, PlaceTable):
                self._largest_town = places.largest_in_admin1()
            else:  # (an index built here and not yet stored as columns)
                self._largest_town = PlaceTable(places.values()).largest_in_admin1()
        least = self._largest_town.get(state.id, 0)
        return tuple(t.id for t in towns if t.population > least)  # not India's Bally beside Bali, with Denpasar

    def _is_qualifier(self, inside: str) -> bool:
        key = fold_name(inside)
        return not key or key in self._index.qualifiers

    def _resolve_key(
        self, key: str, *, default_country: str | None, within: Place | None = None, codes: bool = True
    ) -> _Choice:
        cands = self._candidates(key)
        if not codes and key in self._index.code_only:
            cands = [c for c in cands if c[1] != TIER_CODE]
        towns = self._town_candidates(key, cands, default_country=default_country, within=within)
        if towns:  # a partner's own village or district, which the index of larger towns lacks
            cands, default_country = towns, self._places[towns[0][0]].country
        strong = [c for c in cands if c[1] <= TIER_ALIAS]
        listed = [c for c in cands if c[1] == TIER_WORLD]
        weak = [c for c in cands if c[1] > TIER_WORLD]
        if default_country and within is None:  # "Saida" from a Lebanese partner: Sidon, not Algeria's Saïda
            strong, listed = self._home_over_minor(strong + listed, weak, default_country) or (strong, listed)
        for group in (strong, listed, weak):
            if within is not None:
                group = [c for c in group if self._inside(c[0], within)]
            if group:
                choice = self._choose(group, default_country=default_country, equal=key in self._index.equal_keys)
                choice.key = key
                return choice
        return _Choice()

    def _choose(self, cands: list[tuple[str, int]], *, default_country: str | None, equal: bool = False) -> _Choice:
        """Settle the places a name could mean by the rules (README "Places"), or report them all."""
        set_aside: tuple[str, ...] = ()
        if equal:  # a name that means several places equally: no level wins
            kept = list(dict.fromkeys(cands))
        else:
            best_rank = min(_LEVEL_RANK[self._places[pid].level] for pid, _ in cands)
            kept = [(pid, tier) for pid, tier in cands if _LEVEL_RANK[self._places[pid].level] == best_rank]
            kept_ids = [pid for pid, _ in kept]
            set_aside = tuple(pid for pid, _ in cands if pid not in kept_ids and not self._nested_in_any(pid, kept_ids))
            if len(kept) > 1:
                kept = self._city_over_region(self._collapse_nested(kept), cands)
        if len(kept) == 1 and not (default_country and self._local_instead(kept, cands, default_country)):
            return _Choice(kept[0][0], tier=kept[0][1], set_aside=set_aside)
        top = min(tier for _, tier in kept)
        if top == TIER_USER:
            kept = [c for c in kept if c[1] == TIER_USER]
            if len(kept) == 1:
                return _Choice(kept[0][0], tier=TIER_USER, set_aside=set_aside)
        if default_country:
            found = self._by_default(kept, cands, default_country)
            if found is not None:
                chosen = self._places[found.place_id]  # what lies in the unit chosen is no other place
                return replace(found, set_aside=tuple(p for p in set_aside if not self._inside(p, chosen)))
        town = None if equal else self._one_town(kept)
        if town is not None:
            return _Choice(town[0], tier=town[1], set_aside=set_aside)
        capitals = [] if equal else [c for c in kept if c[0] in self._index.capitals]  # (equal: no capital wins)
        if len(capitals) == 1 and all(self._places[pid].level == "place" for pid, _ in kept):
            others = tuple(pid for pid, _ in kept if pid != capitals[0][0])
            return _Choice(capitals[0][0], tier=capitals[0][1], set_aside=set_aside + others, capital=True)
        return _Choice(candidates=tuple(sorted({pid for pid, _ in kept})), set_aside=set_aside)

    def _by_default(
        self, kept: list[tuple[str, int]], cands: list[tuple[str, int]], default_country: str
    ) -> _Choice | None:
        """The place a partner means in its default country: the one there, or the unit holding all there.

        The places of the name's best level come first; when none of them is in the default
        country, a smaller place there is the partner's ("Padang Besar", "San Jose" from a Thai or
        a Filipino partner). Several of the name in that country give the smallest unit holding
        them all (three San Joses of the Philippines: the Philippines).
        """
        for pool in (kept, cands):
            local = [c for c in pool if self._places[c[0]].country == default_country]
            if len(local) == 1:
                return _Choice(local[0][0], tier=local[0][1], by_default=True)
            common = self._common_unit([pid for pid, _ in local]) if local else ""
            if common:
                return _Choice(common, tier=min(tier for _, tier in local), by_default=True)
        return None

    def _resolve_alternatives(self, raw: str, text: str, *, default_country: str | None) -> Resolution | None:
        """Resolve "A / B" (the writer was not sure which): the one place they share, if any."""
        pieces = [p.strip() for p in text.split("/") if p.strip()]
        if len(pieces) < 2:
            return None
        found = [self._resolve_text(raw, p, default_country=default_country) for p in pieces]
        if not all(r.resolved for r in found):
            return None
        ids = sorted({r.place_id for r in found})
        if len(ids) == 1:
            return Resolution(raw, ids[0], "context", note="the alternatives name the same place")
        common = self._common_unit(ids)
        if common:
            names = " or ".join(self._places[i].name for i in ids)
            return Resolution(raw, common, "context", note=f"{names}: both lie in {self.describe(common)}")
        return Resolution(
            raw, "", "ambiguous", candidates=tuple(ids), note="the alternatives lie in different countries"
        )

    def _finish(self, raw: str, choice: _Choice, *, note: str = "") -> Resolution:
        if not choice.place_id:
            # several states or provinces of the name in one country (Vientiane: the prefecture and the
            # province): the country is known. Not towns: "Columbia", several US towns, is Colombia misspelt
            levels = {self._places[pid].level for pid in choice.candidates}
            common = self._common_unit(list(choice.candidates)) if levels == {"admin1"} else ""
            equal = choice.key in self._index.equal_keys  # "Eastleigh": a Nairobi estate or Hampshire's town alike
            largest = self._dominant_town(choice.key, choice.candidates) if levels == {"place"} and not equal else ""
            if largest:
                return Resolution(raw, largest, "context", note=self._largest_note(largest, choice.candidates))
            if common:
                both = "; ".join(sorted(self.describe(pid) for pid in choice.candidates)[:3])
                return Resolution(raw, common, "context", note=f"{both}: all in {self.describe(common)}")
            return Resolution(raw, "", "ambiguous", candidates=choice.candidates, note=note)
        method = "default_country" if choice.by_default else _METHOD_BY_TIER[choice.tier]
        notes = [note] if note else []
        alias_note = self._index.notes.get((choice.key, choice.place_id), "")
        if alias_note and method != "exact":
            notes.append(alias_note)
        if choice.capital:
            notes.append(f"the capital of {self._places['country:' + self._places[choice.place_id].country].name}")
        if choice.set_aside:
            names = sorted({self.describe(pid) for pid in choice.set_aside})
            notes.append("also the name of: " + "; ".join(names[:3]) + (" …" if len(names) > 3 else ""))
        return Resolution(raw, choice.place_id, method, note="; ".join(notes))

    # ------------------------------------------------------------------ levels
    def describe(self, place_id: str) -> str:
        """A human label: ``"Sabah (admin1, Malaysia)"``."""
        place = self.place(place_id)
        country = self._places.get(f"country:{place.country}")
        where = f", {country.name}" if country is not None and place.level != "country" else ""
        kind = "city" if place.id.startswith("city:") else place.level
        return f"{place.name} ({kind}{where})"

    def generalise(self, place_id: str, *, level: str, focus: str | None = None) -> str:
        """Return the place id a stop becomes at a level.

        Parameters
        ----------
        place_id
            A resolved place.
        level
            ``country``, ``admin1`` or ``place``.
        focus
            ISO3 of the focus country: its stops stay at admin-1 level (or place level when
            ``level`` is ``place``); all other stops use ``level``.
        """
        place = self.place(place_id)
        if place.level == "region" or not place.country:
            return place.id
        effective = level
        if focus and place.country == focus and level == "country":
            effective = "admin1"
        if effective == "place" or place.level == "country":
            return place.id
        if effective == "admin1":
            if place.level == "admin1":
                return place.id
            if place.admin1:
                return place.admin1
        return f"country:{place.country}"

    def with_point(self, place_id: str, lon: float, lat: float) -> Place:
        """A copy of a place at explicit coordinates (from ``<stop>_lon``/``<stop>_lat``)."""
        place = self.place(place_id)
        if abs(place.lon - lon) < _SAME_POINT and abs(place.lat - lat) < _SAME_POINT:
            return place
        return replace(place, lon=lon, lat=lat)


#: France's overseas départements by their numbers ("Saint-Pierre (974)" is Réunion's, not Saint Pierre and Miquelon).
_OVERSEAS_DEPARTMENTS = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "French Guiana",
    "974": "Réunion",
    "976": "Mayotte",
}


def _with_department(text: str) -> str:
    """A commune by its overseas département's number, as French writes it: "Saint-Pierre (974)" is Réunion's."""
    found = _TRAILING_BRACKET.match(text)
    if found and found["inside"].strip() in _OVERSEAS_DEPARTMENTS and found["rest"].strip():
        return f"{found['rest']}, {_OVERSEAS_DEPARTMENTS[found['inside'].strip()]}"
    return text


@functools.lru_cache(maxsize=64)
def _alpha3(code: str) -> str:
    """A default country as the alpha-3 code places carry ("MY" and "MYS" alike), through :func:`country_iso3`."""
    try:
        return country_iso3(code)
    except ConfigError:
        raise ConfigError(
            f"default country {code!r} is not an ISO 3166-1 code; use one such as 'MY' or 'MYS'"
        ) from None
