import pandas as pd

from routemap.disclosure import ROUTES_CSV_COLUMNS, publish_routes


def _routes(counts: dict[str, int]) -> pd.DataFrame:
    rows = [
        {
            "route": k,
            "label": k,
            "origin": k.split(" > ")[0],
            "transit": "",
            "destination": k.split(" > ")[-1],
            "persons": v,
        }
        for k, v in counts.items()
    ]
    return pd.DataFrame(rows).sort_values(["persons", "label"], ascending=[False, True]).reset_index(drop=True)


def test_small_counts_are_shown_as_less_than_and_not_published():
    pub = publish_routes(_routes({"A > X": 40, "B > X": 10, "C > X": 10, "D > X": 4, "E > X": 1}), min_count=5)
    assert tuple(pub.table.columns) == ROUTES_CSV_COLUMNS
    assert pub.table["persons"].tolist() == ["40", "10", "10", "<5", "<5"]
    assert pub.table["rank"].tolist() == ["1", "2", "2", "4", "4"]  # ties share a rank; hidden ones are unordered
    assert pub.table["share"].tolist()[3:] == ["", ""]
    assert pub.published["route"].tolist() == ["A > X", "B > X", "C > X"]
    assert pub.suppressed == 2


def test_threshold_is_configurable():
    pub = publish_routes(_routes({"A > X": 10, "B > X": 3}), min_count=3)
    assert pub.table["persons"].tolist() == ["10", "3"]
    pub = publish_routes(_routes({"A > X": 10, "B > X": 3}), min_count=11)
    assert pub.table["persons"].tolist() == ["<11", "<11"]
