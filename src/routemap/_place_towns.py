"""Towns known only locally: read for a partner of their own country, never for a bare string from elsewhere.

The towns are built into the index by :mod:`routemap._gazetteer_towns`. Also the settlement nearest a
record's own point, which names a stop no source knows.
"""

from __future__ import annotations

import lzma
import pickle
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz.distance import OSA

from routemap._countries import country_iso2
from routemap._gazetteer import (
    TIER_ALIAS,
    TIER_ALTERNATE,
    TIER_CODE,
    TIER_LOCAL,
    TIER_NAME,
    Index,
    Place,
    PlaceTable,
    fold_name,
    km_between,
)
from routemap._place_fuzzy import GIVEN_NAME_TOWN_POPULATION
from routemap._place_reading import (
    LARGEST_OF_NAME,
    Resolution,
    _strip_admin_words,
    unit_country,
    unit_names_country,
)

#: Countries whose addresses end with a state's or province's postal abbreviation ("El Paso, TX"; "Madurai, TN";
#: "Boa Vista - RR"; "Mardan, KP"; "Novellara (RE)", Reggio Emilia's sigla).
#: A town of this many people, ten times as large as every other of its name in its country, is what the name means.
DOMINANT_TOWN_POPULATION = 100_000
#: A subdivision code written with dots.
_DOTTED_CODE = re.compile(r"(?:[A-Z]\.){2,3}|[A-Z]\.[A-Z]")
#: The continents (UN M49 regions) a partner's country and a coded country are compared by.
_CONTINENTS = frozenset({"region:africa", "region:americas", "region:asia", "region:europe", "region:oceania"})
_POSTAL = ("US", "CA", "AU", "IN", "BR", "PK", "IT")
#: A foreign place this large (or a capital, a state's own name, a country) is never set aside for a local town.
_PROMINENT_POPULATION = 1_000_000


class TownTable(dict[str, Place]):
    """The local towns by place id (``town:<ISO3>-<id>``), each country's read on first use."""

    def __init__(self, blobs: Mapping[str, bytes]) -> None:
        super().__init__()
        self._blobs = blobs
        self._names: dict[str, dict[str, list[str]]] = {}

    def named(self, key: str, iso3: str) -> list[str]:
        """Ids of the towns of a country with this folded name."""
        return self._country(iso3).get(key, [])

    def _country(self, iso3: str) -> dict[str, list[str]]:
        found = self._names.get(iso3)
        if found is None:
            found = self._names[iso3] = {}
            blob = self._blobs.get(iso3)
            for key, towns in (pickle.loads(lzma.decompress(blob)) if blob else {}).items():
                ids = []
                for town_id, name, admin1, lon, lat in towns:
                    pid = f"town:{iso3}-{town_id}"
                    dict.__setitem__(self, pid, Place(pid, name, "place", iso3, admin1, lon, lat, 0))
                    ids.append(pid)
                found[key] = ids
        return found

    def _read(self, place_id: object) -> bool:
        if isinstance(place_id, str) and place_id.startswith("town:") and len(place_id) > 9:
            self._country(place_id[5:8])
        return dict.__contains__(self, place_id)

    def __missing__(self, place_id: str) -> Place:
        if self._read(place_id):
            return dict.__getitem__(self, place_id)
        raise KeyError(place_id)

    def __contains__(self, place_id: object) -> bool:
        return dict.__contains__(self, place_id) or self._read(place_id)

    def get(self, place_id: str, default: Any = None) -> Any:
        return dict.__getitem__(self, place_id) if place_id in self else default


#: A typo of a town of the partner's own country is read from this length up, one edit from its name.
LOCAL_TYPO_LENGTH = 6

#: How near a known settlement a record's own point must be to name a stop no source knows (km).
SNAP_KM = 10.0


#: Entries of one name in one state this close are one town (two sources' entries of it).
SAME_TOWN_KM = 20.0


class _TownReading:
    """What :class:`routemap.places.Gazetteer` reads only in a partner's context: its own towns and codes.

    A mixin: the gazetteer sets the attributes.
    """

    _index: Index
    _places: Mapping[str, Place]
    _towns: TownTable
    _settlements: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None
    _by_country: dict[str, dict[str, dict[str, list[str]]]]
    _ranked: dict[str, list[tuple[float, int, tuple[str, ...]]]]
    _pending: set[str] | None
    _touched: bool

    if TYPE_CHECKING:

        def _candidates(self, key: str) -> list[tuple[str, int]]: ...

        def _choose(self, cands: list[tuple[str, int]], *, default_country: str | None) -> Any: ...

        def _rank(self, keys: Iterable[str]) -> None: ...

        def describe(self, place_id: str) -> str: ...

    def _weak_part(self, place_id: str, tier: int, keys: list[str], default_country: str | None) -> bool:
        """Whether a part read as a town's other spelling, unlike its name, and not at home, places a string.

        "Songkhone dist, Savan": 'Savan' is an other name of Charlotte Amalie, too weak to place what
        is left out, and "Felda Nasaruddin, Bota" ('Bota' for Botou, China) as weak; "Kec. Peusangan,
        Bireuen" (Bireun) and "Poipet, B.Meanchey" (Paoy Paet) are not.
        """
        place = self._places[place_id]
        if tier < TIER_ALTERNATE or place.level != "place" or place.country == default_country:
            return False
        name = fold_name(place.name)
        return max((OSA.normalized_similarity(k, name) for k in keys), default=0.0) < 0.7

    def _town_candidates(
        self, key: str, cands: list[tuple[str, int]], *, default_country: str | None, within: Place | None
    ) -> list[tuple[str, int]]:
        """Local towns a name may mean: in the partner's default country, or in the place it is written with.

        Only where the index has no place of that name there and every place it has elsewhere is a
        minor foreign one (a town or state, no capital, under :data:`_PROMINENT_POPULATION`): a
        Nepali partner's "Salyan" is the Nepali district, not Azerbaijan's; "Dubai" stays Dubai.
        """
        country = within.country if within is not None and within.level in ("country", "admin1") else default_country
        if not country or any(tier < TIER_CODE or not self._minor_foreign(pid, country) for pid, tier in cands):
            return []  # the project's own places (tier below the codes') win over every other source
        if key in self._index.common_words or key in self._index.given_names:
            return []  # a village named like a word or a person ("Kilang", "Ladang", "Siti") is not read alone
        ids = self._towns.named(key, country)
        if within is not None and within.level == "admin1":
            ids = [pid for pid in ids if self._towns[pid].admin1 == within.id]
        return [(pid, TIER_LOCAL) for pid in ids]

    def _local_names(self, key: str, country: str, *, alternate: bool = False) -> list[str]:
        """The towns and states of a country named this: by a name (no code), or also an alternate spelling."""
        last = TIER_ALTERNATE if alternate else TIER_ALTERNATE - 1
        found = [
            pid
            for pid, tier in self._candidates(key)
            if TIER_CODE < tier <= last
            and self._places[pid].country == country
            and self._places[pid].level in ("place", "admin1")
        ]
        return found + (self._towns.named(key, country) if alternate else [])

    def _local_name(self, key: str, country: str) -> bool:
        """Whether a town or state of the country is named exactly this."""
        return bool(self._local_names(key, country))

    def _one_town(self, kept: list[tuple[str, int]]) -> tuple[str, int] | None:
        """The town several entries of one name are, when they lie within :data:`SAME_TOWN_KM` in one state.

        Two sources' entries of one town ("Phú Quốc" and "Phu Quoc", 8 km apart): the more populous one.
        """
        places = [self._places[pid] for pid, _ in kept]
        first = places[0]
        if first.level != "place" or not first.admin1 or any(tier > TIER_ALIAS for _, tier in kept):
            return None  # by names only: another spelling may be a word or a given name ("Rohima")
        for place in places[1:]:
            if place.level != "place" or place.admin1 != first.admin1:
                return None
            if km_between(first.lon, first.lat, place.lon, place.lat) > SAME_TOWN_KM:
                return None
        return max(kept, key=lambda c: (self._places[c[0]].population, -c[1], c[0]))

    def _home_not_code(self, text: str, key: str, country: str | None) -> bool:
        """Whether a name not in capitals is a town of the partner's country rather than a code.

        "Ye" from a Myanmar partner is its town in Mon State, not Yemen's code; "YE" stays the code.
        """
        return bool(country) and not text.isupper() and self._local_name(key, str(country))

    def _local_typo(self, raw: str, key: str, country: str | None) -> Resolution | None:
        """A typo of a town or state of the partner's own country: one edit from its name, no other there as close.

        "Seremben" from a Malaysian partner is Seremban, "Kurunagala" from a Sri Lankan one Kurunegala.
        Only strings of :data:`LOCAL_TYPO_LENGTH` letters or more that are no given name or ordinary
        word, with the same first letter, and when one place alone is that close.
        """
        letters = key.replace(" ", "")
        index = self._index
        if not country or len(letters) < LOCAL_TYPO_LENGTH or not letters.isalpha():
            return None
        if key in index.given_names or key in index.common_words or key in index.not_places:
            return None
        if key not in self._ranked:  # the names of every country, region, state and city of 500,000
            if self._pending is not None:
                self._pending.add(key)
                self._touched = True
                return None  # resolve_many ranks it with the others and asks again
            self._rank([key])
        abroad = (
            edits <= 1 and any(self._places[q].country != country for q in pids) for _, edits, pids in self._ranked[key]
        )
        if any(abroad):
            return None  # as close to a place abroad: "Serawak" from an Indonesian partner is no Serawai
        names = self._country_names(country)
        near = [n for n in names.get(key[0], ()) if abs(len(n) - len(key)) <= 1 and OSA.distance(key, n) <= 1]
        found = list(dict.fromkeys(pid for n in near for pid in names[key[0]][n]))
        if not found or len({n for n in near}) != 1:
            return None
        # one name, of a town and the district or state it heads ("Colombo"): settled as the name alone is
        pid = self._choose([(p, TIER_NAME) for p in found], default_country=country).place_id
        if not pid:
            return None
        note = f"read as {self._places[pid].name}: one edit from its name, in the partner's country"
        return Resolution(raw, pid, "fuzzy", score=round(100.0 * (1 - 1 / max(len(key), 1)), 1), note=note)

    def _country_names(self, country: str) -> dict[str, dict[str, list[str]]]:
        """A country's towns and states by first letter and folded name (made on first use)."""
        found = self._by_country.get(country)
        if found is None:
            found = self._by_country[country] = {}
            table = self._index.places
            rows = (
                table.named_rows()
                if isinstance(table, PlaceTable)
                else ((pid, p.name, p.level, p.country) for pid, p in table.items())
            )
            for pid, name, level, owner in rows:
                if owner == country and level in ("place", "admin1"):
                    key = fold_name(str(name))
                    if key:
                        found.setdefault(key[0], {}).setdefault(key, []).append(str(pid))
            for key, ids in self._towns._country(country).items():
                if key:
                    found.setdefault(key[0], {}).setdefault(key, []).extend(ids)
        return found

    def _apart_abroad(
        self, raw: str, key: str, place_id: str, tier: int, *, default_country: str | None
    ) -> Resolution | None:
        """Ambiguous: a foreign town's alternate spelling that, written as one word, names a place at home.

        "Kota Baru" from an Indonesian partner is Kotabaru as much as Malaysia's Kota Bharu.
        """
        place = self._places[place_id] if place_id else None
        if (
            place is None
            or tier != TIER_ALTERNATE
            or not default_country
            or place.country == default_country
            or " " not in key
        ):
            return None
        local = self._local_names(key.replace(" ", ""), default_country, alternate=True)
        if not local:
            return None
        return Resolution(
            raw,
            "",
            "ambiguous",
            candidates=(place_id, *local[:3]),
            note="a town abroad, and written as one word a place of the partner's country; write it with its country",
        )

    def _local_instead(self, kept: list[tuple[str, int]], cands: list[tuple[str, int]], country: str) -> bool:
        """Whether a partner's own place of a name wins over the minor foreign one of a higher level.

        "La Union" from a Filipino partner is the Philippine province, not El Salvador's department; "Georgia"
        from an American partner is its state, by the state's own name, not the country.
        """
        local = [(pid, tier) for pid, tier in cands if self._places[pid].country == country]
        if local and all(self._places[pid].level == "country" for pid, _ in kept):
            return any(self._places[pid].level == "admin1" and tier <= TIER_NAME for pid, tier in local)
        return bool(local) and all(tier >= TIER_CODE and self._minor_foreign(pid, country) for pid, tier in kept)

    def _home_over_minor(
        self, firm: list[tuple[str, int]], weak: list[tuple[str, int]], country: str
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]] | None:
        """A partner's own place by an other spelling, over minor places abroad by their names.

        ``(strong, listed)`` groups holding only the places of the partner's country, or ``None``.
        """
        home = [c for c in weak if self._places[c[0]].country == country]
        if not home or not firm or not self._local_instead(firm, home, country):  # as a local town wins
            return None
        return home, []

    def _partner_code(self, raw: str, text: str, country: str) -> Resolution | None:
        """A subdivision code of the partner's country written alone ("TN" from an Indian partner).

        Where it is also a country's code ("TN", Tunisia; "PA", Panama, from a Brazilian partner's Pará), the
        partner's own state: the partner says the column holds places of its country. Where it is also a name
        of a place abroad ("JB", Jawa Barat's code and Johor Bahru), both are candidates: ambiguous.
        """
        code = text.strip()
        dotted = _DOTTED_CODE.fullmatch(code) is not None  # "W.A.", "B.C.": a code, not the town "Wa"
        code = code.replace(".", "") if dotted else code
        iso2 = country_iso2(country)
        if not iso2 or not (1 < len(code) <= 3 and code.isalnum() and code.isupper()):
            return None
        found = [pid for pid, tier in self._index.keys.get(fold_name(f"{iso2}-{code}"), []) if tier == TIER_CODE]
        if not found:
            return self._far_code(text, code, country)
        written = self._index.keys.get(fold_name(code), [])
        # "JB" from an Indonesian partner: Jawa Barat's code, and what Batam and Johor call Johor Bahru
        known = [pid for pid, tier in written if tier == TIER_ALIAS and self._places[pid].country != country]
        if known and not dotted:
            note = "a code of a subdivision, and a name of a place abroad"
            return Resolution(text, "", "ambiguous", candidates=(found[0], *known), note=note)
        return Resolution(text, found[0], "code", note="a subdivision code of the partner's country")

    def _great_inside(self, key: str, unit: Place) -> bool:
        """Whether a unit below a state holds a capital or a city of a million of its name ("Roma", "Napoli")."""
        if not unit.id.startswith("sub:"):
            return False
        return any(
            (pid in self._index.capitals or self._places[pid].population >= GIVEN_NAME_TOWN_POPULATION)
            and self._places[pid].admin1 == unit.admin1
            and self._places[pid].country == unit.country
            for pid, _ in self._candidates(key)
            if pid != unit.id
        )

    def _dominant_town(self, key: str, candidates: tuple[str, ...]) -> str:
        """Towns of one name: the one ten times as large as any other, if any.

        Zhuhai (2.2 million) over a town of 40,000 of the name; across countries, a city of 300,000 beside
        towns a tenth its size ("Belfast": not South Africa's). Not the country of several of like size:
        the sources know only some towns ("Mirpur": Pakistan's, and a part of Dhaka no source names), and
        a word may name towns of one country ("frontera": Mexico's).
        """
        towns = sorted((self._places[pid] for pid in candidates), key=lambda p: -p.population)
        abroad = len({t.country for t in towns}) > 1
        if abroad and dict(self._candidates(key)).get(towns[0].id, TIER_ALTERNATE) > TIER_ALIAS:
            return ""  # by its name, not by one of its other spellings ("Kalana", a Malian town, is no Köln)
        least = 3 * DOMINANT_TOWN_POPULATION if abroad else DOMINANT_TOWN_POPULATION
        if towns[0].population >= least and towns[0].population >= 10 * towns[1].population and towns[0].country:
            return towns[0].id
        return ""

    def _largest_note(self, place_id: str, candidates: tuple[str, ...]) -> str:
        others = sorted(self.describe(pid) for pid in candidates if pid != place_id)
        return f"{LARGEST_OF_NAME}: {'; '.join(others[:3])}"

    def _far_code(self, text: str, code: str, country: str) -> Resolution | None:
        """Ambiguous: a two-letter code, alone in a partner's own column, of a country of another continent.

        "TJ" from a Mexican partner is Tijuana as Mexicans write it, not Tajikistan; "NA" from an Indian one
        is "not applicable", not Namibia; "AD" from an Emirati one, Abu Dhabi. "HK" from a Filipino partner
        stays Hong Kong.
        """
        if len(code) != 2:
            return None
        coded = [pid for pid, tier in self._index.keys.get(fold_name(code), []) if tier == TIER_CODE]
        if len(coded) != 1 or not coded[0].startswith("country:"):
            return None
        continents = [m for r, m in self._index.region_members.items() if r in _CONTINENTS and country in m]
        if not continents or any(self._places[coded[0]].country in m for m in continents):
            return None
        note = "a code of a country of another continent, in a column of the partner's own places"
        return Resolution(text, "", "ambiguous", candidates=(coded[0],), note=note)

    def _postal_candidates(self, part: str, countries: set[str] | None) -> list[tuple[str, int]]:
        """The states a part after a comma may name by its postal code ("TX", "CA", "ON", "NSW").

        Only of ``countries``, those another part of the string has places in: a bare "NS" after a
        name of Malaysia is no Nova Scotia ("PD, NS": Port Dickson, Negeri Sembilan); ``None``: of any.
        """
        code = part.strip().replace(".", "")  # "N.S.", "Ont."
        if not (code.isascii() and code.isalpha() and code.isupper() and 2 <= len(code) <= 3):
            return []
        keys = self._index.keys
        found = [(pid, t) for cc in _POSTAL for pid, t in keys.get(fold_name(f"{cc}-{code}"), []) if t == TIER_CODE]
        return [(pid, t) for pid, t in found if countries is None or self._places[pid].country in countries]

    def _spelt_out(self, place_id: str, country: str | None) -> bool:
        """Whether a name written in pieces may be read as this place: a country, region or state, or a home town."""
        place = self._places[place_id]
        return place.level in ("country", "region", "admin1") or place.country == country

    def _home_typo(self, raw: str, key: str, country: str | None) -> Resolution | None:
        """A typo of a home town, written alone or with its unit word ("Hopong Tsp.": Hopang township)."""
        bare = _strip_admin_words(key)
        return self._local_typo(raw, key, country) or (self._local_typo(raw, bare, country) if bare != key else None)

    def _by_unit(self, raw: str, key: str, default_country: str | None = None) -> Resolution | None:
        """A name no source has, led or followed by a unit word of one country: counted in that country.

        "Kab. Kendal", "huyện Quỳnh Lưu", "Loilem Tsp": a regency, district or township the word places in
        Indonesia, Vietnam or Myanmar; "Pulau Ketam" from a Malaysian partner, an island the Malay word places in
        the partner's country. Read as ``partial``, so that ``routemap places`` still lists it.
        """
        country = unit_country(key, default_country)
        bare = _strip_admin_words(key)
        if country is None or not unit_names_country(key) or len(bare.replace(" ", "")) < 3:
            return None
        if bare in self._index.not_places or f"country:{country}" not in self._places:
            return None
        name = self._places[f"country:{country}"].name
        return Resolution(raw, f"country:{country}", "partial", note=f"not found in {name}, whose unit word it bears")

    def _minor_foreign(self, place_id: str, country: str) -> bool:
        place = self._places[place_id]
        return (
            place.country != country
            and place.level in ("place", "admin1")
            and place_id not in self._index.capitals
            and place.population < _PROMINENT_POPULATION
        )

    def nearest_settlement(self, lon: float, lat: float, *, max_km: float = SNAP_KM) -> tuple[str, float] | None:
        """The town or project place nearest a point, when it is close and clearly in one country.

        Used only to name a stop whose written name no source knows from the record's own
        coordinates; the stop is then that settlement, drawn at the settlement's point, so a
        case's coordinates are never published. ``None`` when no settlement lies within
        ``max_km``, or when one of another country lies within twice the distance of the nearest
        (near a border the nearest town may be on the wrong side).

        Returns
        -------
        tuple
            (place id, distance in km) of the settlement.
        """
        if self._settlements is None:
            ids = [pid for pid, p in self._places.items() if p.level == "place" and p.country]
            self._settlements = (
                ids,
                np.radians(np.array([self._places[i].lon for i in ids], dtype=float)),
                np.radians(np.array([self._places[i].lat for i in ids], dtype=float)),
                np.array([self._places[i].country for i in ids], dtype=object),
            )
        ids, lons, lats, countries = self._settlements
        if not ids:
            return None
        x, y = np.radians(lon), np.radians(lat)
        # haversine distance in km
        a = np.sin((lats - y) / 2) ** 2 + np.cos(y) * np.cos(lats) * np.sin((lons - x) / 2) ** 2
        km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        best = int(np.argmin(km))
        if km[best] > max_km:
            return None
        others = km[countries != countries[best]]
        if len(others) and others.min() < 2 * max(km[best], 1.0):
            return None
        return ids[best], float(km[best])
