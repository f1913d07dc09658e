"""Route-frequency tables: every cell checked against counts made here from the rows written."""

from __future__ import annotations

import csv
import itertools
import math
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from routemap.pipeline import build
from routemap.render.tables import md_escape

K = 5
# stop names as written -> the stop a route shows (focus MY: Malaysian stops by state, others by country)
STOPS = {
    "Indonesia": "Indonesia",
    "Myanmar": "Myanmar",
    "Nepal": "Nepal",
    "Thailand": "Thailand",
    "Sabah": "Sabah",
    "Penang": "Penang",
    "Johor": "Johor",
    "Selangor": "Selangor",
    "Kedah": "Kedah",
}
JOURNEYS = [
    ("Indonesia", "", "Sabah"),
    ("Indonesia", "Johor", "Selangor"),
    ("Myanmar", "Thailand", "Penang"),
    ("Myanmar", "Thailand", "Kedah"),
    ("Nepal", "", "Selangor"),
    ("Nepal", "", "Johor"),
    ("Indonesia", "", "Kedah"),
]
VALUES = {
    "sex": ["female", "male", "unknown"],
    "age_group": ["adult", "child", "unknown"],
    "sector": ["domestic_work", "plantation", "construction", "fishing", "unknown"],
    "exploitation": ["forced_labour", "domestic_servitude", "debt_bondage"],
    "year": ["2019", "2020", "2021", "2022"],
}
HEADER = ["year", "origin", "transit", "destination", "persons", "sex", "age_group", "sector", "exploitation"]


def _rows() -> list[dict[str, str]]:
    rng = random.Random(6)
    rows = []
    for i, (origin, transit, destination) in enumerate(JOURNEYS):
        for _ in range([400, 25, 18, 9, 7, 3, 12][i]):
            row = {"origin": origin, "transit": transit, "destination": destination, "persons": "1"}
            for dim, values in VALUES.items():
                weights = [8, 3, 1, 1, 1][: len(values)]
                row[dim] = rng.choices(values, weights=weights)[0]
            rows.append(row)
    return rows


def _label(row: dict[str, str]) -> str:
    stops = [STOPS[row["origin"]], *([STOPS[row["transit"]]] if row["transit"] else []), STOPS[row["destination"]]]
    return " > ".join(s for i, s in enumerate(stops) if i == 0 or s != stops[i - 1])


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _rows()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]]) -> Path:
    project = tmp_path_factory.mktemp("tables")
    folder = project / "data" / "contributions" / "p"
    folder.mkdir(parents=True)
    with (folder / "a.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    (project / "routemap.toml").write_text(f'focus = "MY"\nmin_count = {K}\n', encoding="utf-8")
    build(project, formats="csv,md")
    return project / "output"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_files_start_with_a_bom_and_top_routes_agree_with_routes_csv(out: Path):
    for path in out.glob("*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name
    routes = _read(out / "routes.csv")
    top = _read(out / "top_routes.csv")
    assert [{k: r[k] for k in routes[0]} for r in top] == routes
    assert list(top[0]) == [*routes[0], "pct_women", "pct_children", "top_sector"]


def test_route_counts_and_details_match_the_rows(out: Path, rows: list[dict[str, str]]):
    persons = Counter(_label(r) for r in rows)
    top = {r["route"]: r for r in _read(out / "top_routes.csv")}
    # routes below the minimum count are not listed at all
    assert set(top) == {label for label, n in persons.items() if n >= K}
    assert any(n < K for n in persons.values())
    assert any(r["pct_women"] for r in top.values()) and any(r["top_sector"] for r in top.values())
    by_sex = {r["route"]: r for r in _read(out / "routes_by_sex.csv")}
    for label, shown in top.items():
        n = persons[label]
        assert shown["persons"] == str(n)
        mine = [r for r in rows if _label(r) == label]
        sexes = Counter(r["sex"] for r in mine)
        cells = by_sex[label]
        known = sexes["female"] + sexes["male"]
        if (cells.get("female", "").isdigit() and cells.get("male", "").isdigit()) or shown["pct_women"]:
            assert shown["pct_women"] == str(math.floor(100 * sexes["female"] / known + 0.5))
        if shown["top_sector"]:
            sectors = Counter(r["sector"] for r in mine if r["sector"] != "unknown")
            assert shown["top_sector"] == sectors.most_common(1)[0][0].replace("_", " ")


def test_places_are_sums_over_published_routes_only(out: Path):
    published = _read(out / "routes.csv")
    assert all(r["persons"].isdigit() and int(r["persons"]) >= K for r in published)
    total = sum(int(r["persons"]) for r in published)
    start: Counter[str] = Counter()
    passing: Counter[str] = Counter()
    end: Counter[str] = Counter()
    for r in published:
        stops = r["route"].split(" > ")
        start[stops[0]] += int(r["persons"])
        end[stops[-1]] += int(r["persons"])
        for s in set(stops[1:-1]) - {stops[0], stops[-1]}:
            passing[s] += int(r["persons"])
    for name, column, expected in (
        ("origins", "persons_start", start),
        ("transit_points", "persons_pass", passing),
        ("destinations", "persons_end", end),
    ):
        table = _read(out / f"{name}.csv")
        assert {r["place"]: int(r[column]) for r in table} == dict(expected), name
        for r in table:
            assert r["share"] == f"{100 * int(r[column]) / total:.1f}"
        assert [int(r[column]) for r in table] == sorted((int(r[column]) for r in table), reverse=True)
    states = _read(out / "destinations_by_state.csv")
    in_malaysia = {k: v for k, v in end.items() if k in {"Sabah", "Penang", "Johor", "Selangor", "Kedah"}}
    assert {r["state"]: int(r["persons_ending"]) for r in states} == in_malaysia
    assert sum(float(r["share"]) for r in states) == pytest.approx(100, abs=0.3)


VOCABULARY = {
    "sex": ["female", "male", "other", "unknown"],
    "age_group": ["child", "adult", "unknown"],
    "sector": [
        "domestic_work", "agriculture", "plantation", "fishing", "construction", "manufacturing",
        "hospitality", "sex_industry", "begging", "other", "unknown",
    ],
    "exploitation": [
        "forced_labour", "sexual_exploitation", "domestic_servitude", "debt_bondage", "forced_marriage",
        "forced_criminality", "other", "unknown",
    ],
    "year": [str(y) for y in range(1950, 2023)],  # from 1950 to the latest year of a record (README)
}  # fmt: skip


def _expected_hidden(counts: Counter[str], columns: list[str]) -> str | None:
    """The one extra hidden cell of a row, as the README states the rule: none when no count is below K
    (zero included); else unknown if it is not small, else other, else the largest (first column on a tie)."""
    small = [c for c in columns if counts[c] < K]
    if not small:
        return None
    big = [c for c in columns if counts[c] >= K] or columns
    for first in ("unknown", "other"):
        if first in big:
            return first
    return max(big, key=lambda c: (counts[c], -columns.index(c)))


@pytest.mark.parametrize("dimension", list(VALUES))
def test_breakdown_cells_match_the_rows_and_hide_small_counts(out: Path, rows: list[dict[str, str]], dimension: str):
    truth: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        truth[_label(r)][r[dimension]] += 1
    table = _read(out / f"routes_by_{dimension}.csv")
    assert table, dimension
    values = [c for c in table[0] if c not in ("rank", "route", "persons")]
    columns = VOCABULARY[dimension]
    assert set(values) <= set(columns)
    kinds = Counter()
    for row in table:
        counts = truth[row["route"]]
        assert int(row["persons"]) == sum(counts.values()) >= K
        hidden = _expected_hidden(counts, columns)
        for value in columns:
            real = counts[value]
            cell = row.get(value, "<5")  # a column left out shows nothing but <5 cells
            if value == hidden:
                assert cell == "x", (row, value)
            elif real < K:
                assert cell == "<5", (row, value)  # zero included: a small count and none look the same
            else:
                assert cell == str(real), (row, value)
            kinds[cell if cell in ("<5", "x") else "n"] += 1
        assert [row[v] for v in values].count("x") == (1 if hidden else 0)
    left_out = [c for c in columns if c not in values]
    for value in left_out:  # a column is left out only when every cell of it is small
        assert all(
            truth[row["route"]][value] < K and _expected_hidden(truth[row["route"]], columns) != value for row in table
        )
    assert kinds["n"] > 0 and kinds["x"] > 0


def test_markdown_renders_as_the_tables_with_suppression_marks(out: Path):
    text = (out / "routes.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<table>") == len(list(out.glob("*.csv"))) - 1  # every table but routes.csv itself
    assert '">&lt;5</td>' in html and '">x</td>' in html
    assert "<strong>Total of published cells</strong>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        '=HYPERLINK("http://x","y")',
        "[click](javascript:alert(1))",
        "![x](http://x/y.png)",
        "a | b",
        "*bold* _it_ `code` &amp; <b>",
        "back\\slash",
    ],
)
def test_md_escape_shows_text_as_written(text: str):
    md = MarkdownIt("commonmark").enable("table")
    html = md.render(f"| h |\n|---|\n| {md_escape(text)} |\n")
    assert "<img" not in html and "<a " not in html and "<b>" not in html and "<em>" not in html
    assert "<code>" not in html and "<strong>" not in html
    cell = html.split("<td>")[1].split("</td>")[0]
    assert cell == text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_breakdown_footers_add_up_published_cells_only(out: Path):
    text = (out / "routes.md").read_text(encoding="utf-8")
    for block in text.split("\n## ")[1:]:
        lines = [line for line in block.splitlines() if line.startswith("| ")]
        if not lines[-1].startswith("|  | **Total"):
            continue
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        body = [[c.strip() for c in line.strip("|").split("|")] for line in lines[1:-1]]
        footer = [c.strip().strip("*") for c in lines[-1].strip("|").split("|")]
        for col in range(2, len(header)):
            cells = [row[col].replace(",", "") for row in body]
            assert int(footer[col].replace(",", "")) == sum(int(c) for c in cells if c.isdigit()), (header, col)


def test_rank_ties_share_a_rank(out: Path):
    published = _read(out / "routes.csv")
    for a, b in itertools.pairwise(published):
        assert (int(a["rank"]) == int(b["rank"])) == (a["persons"] == b["persons"])
