import pandas as pd
import pytest

from routemap.aggregate import Aggregates
from routemap.disclosure import PRIMARY, PUBLISHED, ROUTES_CSV_COLUMNS, SECONDARY, _intervals, protect_row, publish
from routemap.places import Place


def _agg(routes: dict[str, int], cells: dict[str, dict[str, int]] | None = None) -> Aggregates:
    rows = [
        {
            "route": k,
            "label": k,
            "origin": k.split(" > ")[0],
            "transit": "",
            "destination": k.split(" > ")[-1],
            "n_stops": len(k.split(" > ")),
            "persons": v,
            "records": v,
        }
        for k, v in routes.items()
    ]
    frame = pd.DataFrame(rows).sort_values(["persons", "label"], ascending=[False, True]).reset_index(drop=True)
    long = [{"route": r, "value": v, "persons": n} for r, values in (cells or {}).items() for v, n in values.items()]
    breakdown = pd.DataFrame(long, columns=["route", "value", "persons"])
    names = {s for k in routes for s in k.split(" > ")}
    places = {n: Place(n, n, "country", n, "", float(i), float(i)) for i, n in enumerate(sorted(names))}
    stops = {k: tuple(k.split(" > ")) for k in routes}
    return Aggregates(routes=frame, breakdowns={"sector": breakdown}, stops=stops, places=places, years=(2020, 2021))


def test_small_routes_are_shown_as_less_than_and_not_drawn():
    pub = publish(_agg({"A > X": 40, "B > X": 10, "C > X": 10, "D > X": 4, "E > X": 1}), min_count=5)
    table = pub.route_table()
    assert tuple(table.columns) == ROUTES_CSV_COLUMNS
    assert table["persons"].tolist() == ["40", "10", "10", "<5", "<5"]
    assert table["rank"].tolist() == ["1", "2", "2", "4", "4"]  # ties share a rank; hidden ones are unordered
    assert table["share"].tolist() == ["66.7", "16.7", "16.7", "", ""]  # of the 60 persons on published routes
    assert set(pub.legs()["from_id"]) == {"A", "B", "C"}
    assert pub.stats["routes_suppressed"] == 2


def test_threshold_is_configurable():
    assert publish(_agg({"A > X": 10, "B > X": 3}), min_count=3).route_table()["persons"].tolist() == ["10", "3"]
    assert publish(_agg({"A > X": 10, "B > X": 3}), min_count=11).route_table()["persons"].tolist() == ["<11", "<11"]


def _protect(counts: dict[str, int], margin: int, secondary: bool = True) -> list[str] | None:
    return protect_row(list(counts.values()), list(counts), margin=margin, min_count=5, secondary=secondary)


def test_a_lone_suppressed_cell_gets_a_complement():
    counts = {"plantation": 20, "fishing": 9, "domestic_work": 3}
    status = _protect(counts, 32)
    assert status == [PUBLISHED, SECONDARY, PRIMARY]
    lo_hi = _intervals(list(counts.values()), status, 32, 5)
    assert all(lo < hi for lo, hi in lo_hi.values())


def test_two_small_cells_that_pin_each_other_are_protected():
    # 1 + 1 = 2 would pin both (each is at least 1); 4 + 4 = 8 would pin both (each at most 4)
    for small in ({"a": 1, "b": 1}, {"a": 4, "b": 4}):
        counts = {"big": 30, **small}
        margin = sum(counts.values())
        unprotected = _protect(counts, margin, secondary=False)
        assert any(lo == hi for lo, hi in _intervals(list(counts.values()), unprotected, margin, 5).values())
        status = _protect(counts, margin)
        assert status.count(SECONDARY) == 1
        assert all(lo < hi for lo, hi in _intervals(list(counts.values()), status, margin, 5).values())


def test_a_row_that_cannot_be_protected_is_withheld():
    # 4 + 4 with a margin of 8: even with both hidden, each must be 4
    assert _protect({"a": 4, "b": 4}, 8) is None


@pytest.mark.parametrize("secondary", [True, False])
def test_breakdowns_cover_published_routes_only(secondary):
    agg = _agg(
        {"A > X": 12, "B > X": 3},
        {"A > X": {"plantation": 9, "fishing": 3}, "B > X": {"plantation": 3}},
    )
    pub = publish(agg, min_count=5, secondary=secondary)
    table = pub.breakdown("sector")
    assert set(table["route"]) == {"A > X"}
    shown = dict(zip(table["value"], table["shown"], strict=True))
    if secondary:
        assert shown == {"fishing": "<5", "plantation": "x"}  # 12 - 9 would give the 3 away
        assert pub.cells("sector").empty
    else:
        assert shown == {"fishing": "<5", "plantation": "9"}
    assert "3" not in table["shown"].tolist()


def test_route_details_only_from_published_cells():
    agg = _agg({"A > X": 30}, {"A > X": {"plantation": 20, "fishing": 10}})
    agg.breakdowns["sex"] = pd.DataFrame(
        {"route": ["A > X"] * 3, "value": ["female", "male", "unknown"], "persons": [12, 13, 5]}
    )
    agg.breakdowns["age_group"] = pd.DataFrame(
        {"route": ["A > X"] * 2, "value": ["child", "adult"], "persons": [2, 28]}
    )
    details = publish(agg, min_count=5).route_details().set_index("route")
    assert details.loc["A > X", "pct_women"] == pytest.approx(48.0)  # 12 of the 25 whose sex is known
    assert pd.isna(details.loc["A > X", "pct_children"])  # children < 5: not published
    assert details.loc["A > X", "top_sector"] == "plantation"


def test_a_share_that_would_reveal_a_suppressed_cell_is_not_published():
    agg = _agg({"A > X": 30}, {"A > X": {"plantation": 30}})
    # unknown sex 3 is suppressed, so female (the smallest published cell) is hidden too
    agg.breakdowns["sex"] = pd.DataFrame(
        {"route": ["A > X"] * 3, "value": ["female", "male", "unknown"], "persons": [12, 15, 3]}
    )
    agg.breakdowns["age_group"] = pd.DataFrame({"route": ["A > X"], "value": ["adult"], "persons": [30]})
    pub = publish(agg, min_count=5)
    shown = dict(zip(pub.breakdown("sex")["value"], pub.breakdown("sex")["shown"], strict=True))
    assert shown == {"female": "x", "male": "15", "unknown": "<5"}
    details = pub.route_details().set_index("route")
    assert pd.isna(details.loc["A > X", "pct_women"])
    assert details.loc["A > X", "pct_children"] == 0.0
