import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString

from routemap.aggregate import MAX_POINTS, geodesic_line, legs_gdf, places_gdf
from routemap.places import Place


def test_geodesic_follows_the_ellipsoid():
    line = geodesic_line(101.69, 3.14, 90.41, 23.81)  # Kuala Lumpur -> Dhaka
    assert isinstance(line, LineString)
    assert 3 <= len(line.coords) <= MAX_POINTS + 2
    geod = Geod(ellps="WGS84")
    # every vertex lies on the geodesic: the two partial distances add up to the whole
    total = geod.inv(101.69, 3.14, 90.41, 23.81)[2]
    for x, y in line.coords[1:-1]:
        a = geod.inv(101.69, 3.14, x, y)[2]
        b = geod.inv(x, y, 90.41, 23.81)[2]
        assert a + b == pytest.approx(total, rel=1e-5)


def test_antimeridian_split():
    line = geodesic_line(178.0, -18.0, -150.0, -17.5)  # Fiji -> Tahiti
    assert isinstance(line, MultiLineString)
    first, second = line.geoms
    assert first.coords[-1][0] == 180.0 and second.coords[0][0] == -180.0
    assert first.coords[-1][1] == pytest.approx(second.coords[0][1])
    assert all(-180 <= x <= 180 for part in line.geoms for x, _ in part.coords)


def _places():
    return {
        "a": Place("a", "A", "country", "AAA", "", 100.0, 10.0),
        "b": Place("b", "B", "country", "BBB", "", 101.0, 11.0),
        "c": Place("c", "C", "country", "CCC", "", 102.0, 12.0),
    }


def test_legs_sum_persons_of_routes_through_them():
    routes = pd.DataFrame({"route": ["a > b > c", "a > b", "c > b"], "persons": [7, 5, 9]})
    stops = {"a > b > c": ("a", "b", "c"), "a > b": ("a", "b"), "c > b": ("c", "b")}
    legs = legs_gdf(routes, stops, _places()).set_index(["from_id", "to_id"])
    assert legs.loc[("a", "b"), "persons"] == 12
    assert legs.loc[("b", "c"), "persons"] == 7
    assert legs.loc[("c", "b"), "persons"] == 9  # the opposite direction is its own leg
    assert legs.crs.to_epsg() == 4326


def test_places_count_start_pass_end_and_role():
    routes = pd.DataFrame({"route": ["a > b > c", "a > b", "c > b"], "persons": [7, 5, 9]})
    stops = {"a > b > c": ("a", "b", "c"), "a > b": ("a", "b"), "c > b": ("c", "b")}
    places = places_gdf(routes, stops, _places()).set_index("place_id")
    assert places.loc["a", ["persons", "persons_start", "persons_pass", "persons_end"]].tolist() == [12, 12, 0, 0]
    assert places.loc["b", ["persons", "persons_start", "persons_pass", "persons_end"]].tolist() == [21, 0, 7, 14]
    assert places.loc["c", ["persons", "persons_start", "persons_pass", "persons_end"]].tolist() == [16, 9, 0, 7]
    assert places.loc["a", "role"] == "origin"
    assert places.loc["b", "role"] == "several"


def test_a_route_of_one_place_starts_and_ends_there():
    routes = pd.DataFrame({"route": ["a", "a > b"], "persons": [30, 4]})  # a domestic route: origin = destination
    places = places_gdf(routes, {"a": ("a",), "a > b": ("a", "b")}, _places()).set_index("place_id")
    assert places.loc["a", ["persons", "persons_start", "persons_pass", "persons_end"]].tolist() == [34, 34, 0, 30]
    assert places.loc["a", "role"] == "several"
