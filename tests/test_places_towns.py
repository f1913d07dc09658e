"""Towns known only locally: read for a partner of their own country, never for a bare string from elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

from routemap._gazetteer import TIER_NAME, Place, load_index
from routemap._gazetteer_towns import build_towns
from routemap._place_towns import TownTable
from routemap.places import Gazetteer


def test_a_partners_own_village_is_read_and_a_bare_string_is_not(gazetteer: Gazetteer):
    # Umphang, a district of Tak on the Myanmar border: too small for the index of larger towns
    local = gazetteer.resolve("Umphang", default_country="TH")
    assert local.method == "local" and local.place_id.startswith("town:THA-")
    assert gazetteer.place(local.place_id).admin1 == "admin1:TH-63"
    assert not gazetteer.resolve("Umphang").resolved
    assert not gazetteer.resolve("Umphang", default_country="MY").resolved
    # Salyan, a district of Nepal, is also a district of Azerbaijan: the partner's country settles it
    assert gazetteer.place(gazetteer.resolve("Salyan", default_country="NP").place_id).country == "NPL"
    assert gazetteer.place(gazetteer.resolve("Salyan").place_id).country == "AZE"


def test_a_prominent_or_national_place_abroad_is_never_set_aside(gazetteer: Gazetteer):
    for raw, partner, country in [("Dubai", "NP", "ARE"), ("Johor", "ID", "MYS"), ("Jordan", "PH", "JOR")]:
        assert gazetteer.place(gazetteer.resolve(raw, default_country=partner).place_id).country == country, raw


def test_a_partners_own_place_wins_over_a_minor_foreign_one_of_a_higher_level(gazetteer: Gazetteer):
    # La Union: a province of the Philippines and a department of El Salvador
    assert gazetteer.place(gazetteer.resolve("La Union", default_country="PH").place_id).country == "PHL"
    assert gazetteer.place(gazetteer.resolve("La Union").place_id).country == "SLV"


def test_a_local_town_named_like_a_person_is_not_read_alone(gazetteer: Gazetteer):
    # "Akbar" is a municipality of Basilan in countrystatecity's Philippine towns, and a common given name
    assert not gazetteer.resolve("Akbar", default_country="PH").resolved


def test_town_ids_are_read_back_by_a_new_gazetteer_and_generalise(gazetteer: Gazetteer):
    place_id = gazetteer.resolve("Umphang", default_country="TH").place_id
    fresh = Gazetteer(load_index())  # another process reading the register's or places.csv's ids
    assert place_id in fresh._places
    assert fresh.place(place_id).name == "Umphang"
    assert fresh.generalise(place_id, level="admin1") == "admin1:TH-63"
    assert fresh.generalise(place_id, level="country") == "country:THA"
    assert "town:THA-0" not in fresh._places and fresh._places.get("town:THA-0") is None


def test_towns_are_built_from_countrystatecitys_files_where_the_index_lacks_the_name(tmp_path: Path):
    def city(i: int, name: str) -> dict[str, object]:
        return {"id": i, "name": name, "latitude": "16.0", "longitude": "98.8", "state_code": "63"}

    folder = tmp_path / "by-country" / "TH" / "states" / "63"
    folder.mkdir(parents=True)
    towns = [city(1, "Umphang"), city(2, "Mae Sot"), city(3, "Ko"), city(4, "Tha Song Yang"), city(5, "Umphang")]
    (folder / "cities.json").write_text(json.dumps(towns), encoding="utf-8")
    places = {
        "admin1:TH-63": Place("admin1:TH-63", "Tak", "admin1", "THA", "", 99.0, 16.9, 0),
        "city:1": Place("city:1", "Mae Sot", "place", "THA", "admin1:TH-63", 98.6, 16.7, 100_000),
        "city:2": Place("city:2", "Tha Song Yang", "place", "MMR", "", 98.0, 17.0, 1_000),
    }
    keys = {"mae sot": [("city:1", TIER_NAME)], "tha song yang": [("city:2", TIER_NAME)]}
    blobs = build_towns(tmp_path, {"TH": "THA"}, {"TH-63": "TH-63"}, keys, places)
    table = TownTable(blobs)
    # Mae Sot is in the index already; "Ko" is too short; a name the index gives only abroad is kept;
    # two towns of one name are both kept
    assert table.named("mae sot", "THA") == [] and table.named("ko", "THA") == []
    assert table.named("tha song yang", "THA") == ["town:THA-4"]
    assert table.named("umphang", "THA") == ["town:THA-1", "town:THA-5"]
    assert table["town:THA-1"].admin1 == "admin1:TH-63" and table.named("umphang", "MYS") == []


def test_the_projects_own_place_wins_over_a_local_town(tmp_path: Path):
    # a project names "Umphang" as a place of its own in Myanmar: a Thai partner's "Umphang" is still it
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "places.csv").write_text(
        "name,aliases,level,country,lon,lat\nUmphang,,place,MM,97.9,16.0\n", encoding="utf-8"
    )
    project = Gazetteer.load(project_dir=tmp_path)
    res = project.resolve("Umphang", default_country="TH")
    assert res.method == "user" and project.place(res.place_id).country == "MMR"


def test_geonames_small_towns_are_local_towns_and_parts_of_a_string_may_be_one(gazetteer: Gazetteer):
    # Meru, the glove-factory town of Klang, for a Malaysian partner; Kenya's county otherwise
    assert gazetteer.place(gazetteer.resolve("Meru", default_country="MY").place_id).country == "MYS"
    assert gazetteer.place(gazetteer.resolve("Meru").place_id).country == "KEN"
    factory = gazetteer.resolve("Kilang sarung tangan, Meru", default_country="MY")
    assert gazetteer.place(factory.place_id).country == "MYS"
    # Kalidawir, a village of Tulungagung, East Java: only geonames' towns of 500 or more name it
    res = gazetteer.resolve("Kalidawir", default_country="ID")
    assert res.method == "local" and res.place_id.startswith("town:IDN-g")
    assert not gazetteer.resolve("Kalidawir").resolved
    # a village named like a word or a person is not read alone
    for word, partner in [("Siti", "ID"), ("Kebun", "ID")]:
        assert not gazetteer.resolve(word, default_country=partner).resolved, word
