from pathlib import Path

import pandas as pd
import pytest

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


def test_explicit_coordinates_name_an_unnamed_stop_after_the_settlement_they_lie_near(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,destination,destination_lon,destination_lat\n"
        "2020,Myanmar,Somewhere unknown,100.5,13.75\n"  # 0.5 km from Bangkok's centre
        "2020,Myanmar,Somewhere at sea,95.0,10.0\n",  # no settlement within 10 km
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    for level, last in (("country", "country:THA"), ("admin1", None), ("place", "city:1609350")):
        routed = build_routes(rec, gazetteer, res, default_countries={}, level=level)
        stops = routed.routes[routed.records.loc[0, "route"]]
        if last:
            assert stops[-1] == last
        place = routed.places[stops[-1]]
        assert place.country == "THA"
        # drawn at the gazetteer's point, never at the record's own
        assert (round(place.lon, 4), round(place.lat, 4)) != (100.5, 13.75)
        assert not routed.records.loc[1, "routable"]
        assert all(not pid.startswith("coord:") and "@" not in pid for pid in routed.places)


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
        "2021,Myanmar,Kampung X,95.0,10.0\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    report = place_report(rec, gazetteer, res, default_countries={}).set_index("raw")
    somewhere = report.loc["Somewhere unknown"]
    assert (somewhere["method"], somewhere["name"], somewhere["coordinate_rows"]) == ("coordinates", "Bangkok", 1)
    assert "placed at the settlement within 10 km: Bangkok (city, Thailand)" in somewhere["note"]
    assert report.loc["Bangkok", "method"] == "exact" and report.loc["Bangkok", "coordinate_rows"] == 1
    assert "1 row(s) give their own coordinates (not used: the name places it)" in report.loc["Bangkok", "note"]
    assert report.loc["Kampung X", "method"] == "unresolved"
    assert "no settlement within 10 km" in report.loc["Kampung X", "note"]
    assert report.loc["Myanmar", "coordinate_rows"] == 0


def test_a_named_stop_with_its_own_point_is_the_named_place_at_every_level(tmp_path, gazetteer: Gazetteer):
    rec = records_from(
        tmp_path,
        "year,origin,destination,destination_lon,destination_lat\n"
        "2020,Sub-Saharan Africa (P),Mediterranean,14.3336,27.0663\n2020,Eritrea,Libya,14.44,27.02\n",
    )
    res = resolve_records(rec, gazetteer, default_countries={})
    for level in ("country", "admin1", "place"):
        routed = build_routes(rec, gazetteer, res, default_countries={}, level=level)
        first, second = (routed.routes[k] for k in routed.records["route"])
        assert first == ("region:sub-saharan-africa", "region:mediterranean")  # never drawn as a country
        assert second == ("country:ERI", "country:LBY")
        # the point is the region's or country's own, not the record's
        assert (routed.places[first[1]].lon, routed.places[first[1]].lat) != (14.3336, 27.0663)


@pytest.mark.parametrize("level", ["country", "admin1", "place"])
@pytest.mark.parametrize("focus", [None, "MYS", "IDN"])
def test_routes_generalised_from_place_level_equal_routing_again(sample_project, level, focus):
    from routemap.project import open_project
    from routemap.routes import generalise_routes

    project = open_project(sample_project)
    contributions, resolutions, gazetteer = project.read(), project.resolve(), project.gazetteer
    kwargs = {"default_countries": contributions.default_countries}
    fine = build_routes(contributions.records, gazetteer, resolutions, level="place", focus=None, **kwargs)
    direct = build_routes(contributions.records, gazetteer, resolutions, level=level, focus=focus, **kwargs)
    derived = generalise_routes(fine, gazetteer, level=level, focus=focus)
    assert derived.records["route"].astype(str).tolist() == direct.records["route"].astype(str).tolist()
    assert derived.routes == direct.routes and set(derived.places) == set(direct.places)
    assert derived.records["routable"].tolist() == direct.records["routable"].tolist()


def test_place_report_rows_per_string_and_default_country_match_a_plain_count():
    # counted by codes (no string column per row): the same as counting each record's cells one by one
    import random
    from collections import Counter

    from routemap.routes import _string_rows, split_transit

    rng = random.Random(5)
    names = ["Dhaka", "Johor", "Kuala Lumpur", "", "Sylhet", "Penang"]
    n = 300
    records = pd.DataFrame(
        {
            "partner": [rng.choice(["a", "b", "c"]) for _ in range(n)],
            "origin": pd.Series([rng.choice(names) for _ in range(n)], dtype="str"),
            "destination": pd.Series([rng.choice(names) for _ in range(n)], dtype="str"),
            "intended_destination": [""] * n,
            "transit": [" > ".join(rng.sample(names[:3], rng.randint(0, 2))) for _ in range(n)],
        }
    )
    dc = records["partner"].map({"a": "BGD", "b": "MYS", "c": ""})
    plain: Counter[tuple[str, str]] = Counter()
    for _, row in records.iterrows():
        country = dc[_]
        for column in ("origin", "destination", "intended_destination"):
            if row[column]:
                plain[(row[column], country)] += 1
        for raw in split_transit(row["transit"]):
            if raw:
                plain[(raw, country)] += 1
    assert _string_rows(records, dc) == plain
