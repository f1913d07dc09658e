from pathlib import Path

import pandas as pd

from routemap.contributions import canonical_profile, read_contribution
from routemap.places import Gazetteer
from routemap.routes import build_routes, place_report, resolve_records


def records_from(tmp_path: Path, text: str, partner: str = "p") -> pd.DataFrame:
    path = tmp_path / f"{partner}.csv"
    path.write_text(text, encoding="utf-8")
    return read_contribution(path, canonical_profile(partner), current_year=2025).records


def route_names(gazetteer: Gazetteer, routed, key: str) -> list[str]:
    return [gazetteer.place(p).name if not p.startswith("coord:") else p for p in routed.routes[key]]


def test_consecutive_stops_collapse_after_generalising(tmp_path, gazetteer: Gazetteer):
    rec = records_from(tmp_path, "year,origin,transit,destination\n2020,Batam,Johor Bahru,Sabah\n")
    res = resolve_records(rec, gazetteer, default_countries={})
    country = build_routes(rec, gazetteer, res, default_countries={}, level="country")
    key = country.records.loc[0, "route"]
    assert route_names(gazetteer, country, key) == ["Indonesia", "Malaysia"]
    admin1 = build_routes(rec, gazetteer, res, default_countries={}, level="admin1")
    assert route_names(gazetteer, admin1, admin1.records.loc[0, "route"]) == ["Kepulauan Riau", "Johor", "Sabah"]
    focus = build_routes(rec, gazetteer, res, default_countries={}, level="country", focus="MYS")
    assert route_names(gazetteer, focus, focus.records.loc[0, "route"]) == ["Indonesia", "Johor", "Sabah"]


def test_a_record_with_an_unresolved_stop_is_accepted_but_not_routable(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,transit,destination\n2020,Myanmar,Kampung Tersembunyi,Penang\n2020,Myanmar,Thailand,Penang\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    routed = build_routes(rec, gazetteer, res, default_countries={}, level="country")
    assert list(routed.records["routable"]) == [False, True]
    assert len(routed.routes) == 1


def test_domestic_route_has_one_stop(tmp_path, gazetteer: Gazetteer):
    rec = records_from(tmp_path, "year,origin,destination\n2020,KH,Phnom Penh\n")
    res = resolve_records(rec, gazetteer, default_countries={})
    routed = build_routes(rec, gazetteer, res, default_countries={}, level="country")
    assert route_names(gazetteer, routed, routed.records.loc[0, "route"]) == ["Cambodia"]


def test_explicit_coordinates_place_an_unnamed_stop(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,destination,destination_lon,destination_lat\n2020,Myanmar,Somewhere unknown,100.5,13.75\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    routed = build_routes(rec, gazetteer, res, default_countries={}, level="country")
    stops = routed.routes[routed.records.loc[0, "route"]]
    assert stops[-1] == "coord:100.5000,13.7500"
    assert routed.places[stops[-1]].lon == 100.5


def test_place_report_counts_rows_per_string(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,transit,destination\n2020,Burma,Bangkok,Penang\n2021,Burma,,Penang\n2021,Qwertyland,,Penang\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    report = place_report(rec, gazetteer, res, default_countries={}).set_index("raw")
    assert report.loc["Burma", "rows"] == 2
    assert report.loc["Burma", "method"] == "alias"
    assert report.loc["Penang", "rows"] == 3
    assert report.loc["Bangkok", "rows"] == 1
    assert report.loc["Qwertyland", "place_id"] == "" and report.loc["Qwertyland", "method"] == "unresolved"


def test_place_report_says_when_coordinates_place_a_string(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,destination,destination_lon,destination_lat\n"
        "2020,Myanmar,Somewhere unknown,100.5,13.75\n"
        "2020,Myanmar,Bangkok,100.52,13.74\n"
        "2021,Myanmar,Bangkok,,\n"
        "2021,Myanmar,Kampung X,,\n"
        "2021,Myanmar,Kampung X,101.0,3.0\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    report = place_report(rec, gazetteer, res, default_countries={}).set_index("raw")
    somewhere = report.loc["Somewhere unknown"]
    assert (somewhere["method"], somewhere["place_id"], somewhere["coordinate_rows"]) == (
        "coordinates",
        "coord:100.5000,13.7500",
        1,
    )
    assert (somewhere["lon"], somewhere["lat"]) == (100.5, 13.75)
    assert report.loc["Bangkok", "method"] == "exact" and report.loc["Bangkok", "coordinate_rows"] == 1
    assert "1 row(s) give their own coordinates" in report.loc["Bangkok", "note"]
    assert report.loc["Kampung X", "method"] == "unresolved"
    assert "1 of 2 rows placed by their own coordinates" in report.loc["Kampung X", "note"]
    assert report.loc["Myanmar", "coordinate_rows"] == 0


def test_a_region_with_its_own_point_stays_a_region_until_place_level(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,destination,destination_lon,destination_lat\n"
        "2020,Sub-Saharan Africa (P),Mediterranean,14.3336,27.0663\n2020,Eritrea,Libya,14.44,27.02\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    for level in ("country", "admin1"):
        routed = build_routes(rec, gazetteer, res, default_countries={}, level=level)
        first, second = (routed.routes[k] for k in routed.records["route"])
        assert first == ("region:sub-saharan-africa", "region:mediterranean")  # never drawn as a country
        assert second == ("country:ERI", "country:LBY")
    routed = build_routes(rec, gazetteer, res, default_countries={}, level="place")
    first, second = (routed.routes[k] for k in routed.records["route"])
    assert first == ("region:sub-saharan-africa", "region:mediterranean@14.3336,27.0663")
    point = routed.places[first[1]]
    assert (point.name, point.level, point.country, point.lon, point.lat) == (
        "Mediterranean at 27.0663, 14.3336",
        "place",
        "",
        14.3336,
        27.0663,
    )
    assert routed.places[second[1]].name == "Libya at 27.0200, 14.4400"
    assert routed.places[second[1]].country == "LBY"
