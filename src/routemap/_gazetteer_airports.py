"""Build-time: airports as partners write them ("KWI airport"), named after the place each serves (airportsdata)."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from routemap._gazetteer import TIER_ALIAS, TIER_ALTERNATE, Place, _package_dir, fold_name, km_between

#: An airport serves the town of its "city" field in its country, else the nearest town this close.
NEAREST_KM = 40.0
#: How partners write an airport by its IATA code.
FORMS = ("{code} airport", "{code} international airport", "{code} intl airport", "{code} intl")


class _Names(Protocol):
    places: dict[str, Place]
    keys: dict[str, dict[str, int]]

    def name(self, text: str, place_id: str, tier: int) -> None: ...


def add_airports(b: _Names, iso2_to_iso3: Mapping[str, str]) -> set[str]:
    """Name the place each airport with an IATA code serves by ``<code> airport`` (and the like) and by its name.

    The place is the town or state of the airport's city field in its country (the most populous of
    that name), else the nearest town within :data:`NEAREST_KM`; an airport with neither is left out. A
    name the index already has keeps its places: "TIA airport" is Kathmandu's Tribhuvan International
    Airport to Nepali partners (an alias), whatever IATA's TIA (Tirana) says. Returns the keys added: no
    typo is read as one of them.
    """
    towns: dict[str, list[Place]] = defaultdict(list)
    for place in b.places.values():
        if place.level == "place" and place.id.startswith("city:"):
            towns[place.country].append(place)
    path = _package_dir("airportsdata") / "airports.csv"
    found: dict[str, dict[str, int]] = defaultdict(dict)  # key -> the places airports of that name serve
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, country = row["iata"].strip(), iso2_to_iso3.get(row["country"], "")
            if len(code) != 3 or not country:
                continue
            target = _served(b, country, row["city"]) or _nearest(towns[country], float(row["lon"]), float(row["lat"]))
            if not target:
                continue
            for text, tier in [
                *((form.format(code=code), TIER_ALIAS) for form in FORMS),
                *((name, TIER_ALTERNATE) for name in short_names(row["name"], row["city"])),
            ]:
                key = fold_name(text)
                if key not in b.keys:  # (an airport's own names first: codes are unique, names are not)
                    found[key].setdefault(target, tier)
    for key, targets in found.items():  # "El Dorado Airport": Bogotá's and Argentina's Eldorado's, both
        for target, tier in targets.items():
            b.name(key, target, tier)
    return set(found)


def short_names(name: str, city: str) -> list[str]:
    """An airport's name as written, without "International", and without its city's name before it.

    "Addis Ababa Bole International Airport" is written "Bole airport", "Beirut Rafic Hariri
    International Airport" "Rafic Hariri Airport".
    """
    names = [part.strip() for part in name.split(" / ")]  # "Dhaka / Hazrat Shahjalal International Airport"
    out = list(names)
    folded_city = fold_name(city)
    for full in names:
        plain = re.sub(r"\s+International(?=\s+Airport$)", "", full)
        out.append(plain)
        for text in (full, plain):
            words = text.split()
            for n in range(1, len(words) - 1):  # the city's name, then at least one word before "Airport"
                if fold_name(" ".join(words[:n])) == folded_city and len(words) - n >= 2:
                    rest = " ".join(words[n:])
                    if fold_name(rest) not in ("airport", "international airport"):
                        out.append(rest)
        # as a traveller writes it: "London Heathrow", "Moscow Sheremetyevo", "Istanbul Sabiha Gökçen"
        bare = re.sub(r"\s+(?:International\s+)?Airport$", "", plain)
        if bare != plain and fold_name(bare) != folded_city and len(bare.split()) >= 2:
            out.append(bare)
        if bare != plain and not fold_name(bare).startswith(folded_city):
            out.append(f"{city} {bare}")
        # its own name alone, after its city's ("Amsterdam Airport Schiphol", "Stockholm-Arlanda Airport")
        own = re.fullmatch(rf"{re.escape(city)}(?:\s+Airport\s+|-)(?P<own>[^\W\d_]{{5,}})(?:\s+Airport)?", full)
        if city and own:
            out.append(own["own"])
    return list(dict.fromkeys(out))


def _served(b: _Names, country: str, city: str) -> str:
    """The town (else state) of a country named as the airport's city field, the most populous first."""
    found = [b.places[pid] for pid in b.keys.get(fold_name(city), {}) if pid in b.places]
    mine = [p for p in found if p.country == country and p.level in ("place", "admin1")]
    if not mine:
        return ""
    return max(mine, key=lambda p: (p.level == "place", p.population)).id


def _nearest(towns: list[Place], lon: float, lat: float) -> str:
    best, best_km = "", NEAREST_KM
    for town in towns:
        km = km_between(lon, lat, town.lon, town.lat)
        if km <= best_km:
            best, best_km = town.id, km
    return best
