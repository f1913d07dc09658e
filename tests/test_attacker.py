"""An attacker reads every published output of a build made to be hard and tries to recover suppressed counts.

The fixture (country level, min_count 5) has suppressed routes that share legs, places and a map
layer with published ones, breakdown rows with a single small cell, two small cells that would pin
each other, and a row that cannot be protected at all. The attacker collects every figure from
routes.csv, the breakdown, place and state tables, the map's embedded data (all layers) and the
GeoPackage, writes down every relation a reader could assume — a route's cells add up to its total;
a leg, a place or a layer counts *every* route through it, suppressed ones included — and solves for
each suppressed count by linear programming, with and without each group of relations. No
suppressed count may come out pinned to its true value. With complementary suppression switched off,
the same attacker must succeed: that is what the protection is for.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path

import pyogrio
import pytest

from attacker import Attacker
from routemap.pipeline import build

K = 5
DIMENSIONS = ("sector", "sex", "year")

# route (countries, in order) -> persons with (sector, sex, year), written out one row per person
ROUTES: dict[tuple[str, ...], list[tuple[str, str, int]]] = {
    # one small sector cell (fishing 3): 30 - 20 - 7 would give it away
    ("Indonesia", "Malaysia"): [("plantation", "female", 2021)] * 14
    + [("plantation", "male", 2021)] * 4
    + [("plantation", "male", 2022)] * 2
    + [("domestic_work", "male", 2022)] * 7
    + [("fishing", "male", 2022)] * 3,
    # manufacturing 4 below 5, construction 8 is its complement
    ("Myanmar", "Thailand", "Malaysia"): [("construction", "male", 2021)] * 8 + [("manufacturing", "male", 2022)] * 4,
    ("Myanmar", "Thailand"): [("fishing", "male", 2021)] * 6,
    # suppressed routes sharing the Thailand -> Malaysia leg, Malaysia, and the construction layer
    ("Cambodia", "Thailand", "Malaysia"): [("construction", "male", 2021)] * 3,
    ("Vietnam", "Malaysia"): [("hospitality", "female", 2022)] * 2,
    # two small cells (2 + 2) with published manufacturing 5: each could be 1..3, not pinned
    ("Nepal", "Malaysia"): [("manufacturing", "male", 2021)] * 5
    + [("construction", "male", 2021)] * 2
    + [("hospitality", "male", 2022)] * 2,
    # one woman among 8: female 1 is primary, male 7 must be hidden too
    ("Bangladesh", "Malaysia"): [("construction", "female", 2022)] + [("construction", "male", 2022)] * 7,
    # 4 + 4 = 8: even hiding both leaves each at exactly 4, so the sector row is withheld
    ("Laos", "Thailand", "Malaysia"): [("hospitality", "female", 2021)] * 4 + [("sex_industry", "female", 2021)] * 4,
}


def _truth() -> tuple[dict[str, int], dict[tuple[str, str, str], int]]:
    routes = {" > ".join(stops): len(people) for stops, people in ROUTES.items()}
    cells: dict[tuple[str, str, str], int] = Counter()
    for stops, people in ROUTES.items():
        for sector, sex, year in people:
            cells[(" > ".join(stops), "sector", sector)] += 1
            cells[(" > ".join(stops), "sex", sex)] += 1
            cells[(" > ".join(stops), "year", str(year))] += 1
    return routes, dict(cells)


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "hard" / "data" / "contributions" / "p"
    folder.mkdir(parents=True)
    lines = ["year,origin,transit,destination,sex,sector"]
    for stops, people in ROUTES.items():
        for sector, sex, year in people:
            lines.append(f"{year},{stops[0]},{' > '.join(stops[1:-1])},{stops[-1]},{sex},{sector}")
    (folder / "cases.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "hard" / "routemap.toml").write_text(f'level = "country"\nmin_count = {K}\nby = "sector"\n')
    return tmp_path / "hard"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _map_data(out: Path) -> dict:
    page = (out / "map.html").read_text(encoding="utf-8")
    start = page.index("window.routemapFlows(")
    payload = page[page.index(", ", start) + 2 : page.index(");\n", start)]
    return json.loads(payload)


def read_outputs(out: Path) -> Attacker:
    """Turn every published figure into unknowns, values and equations (by group)."""
    a = Attacker()
    routes = _csv(out / "routes.csv")
    stops = {r["route"]: r["route"].split(" > ") for r in routes}
    for r in routes:
        if r["persons"].startswith("<"):
            a.unknown(f"route|{r['route']}", 1, K - 1)
        else:
            a.value(f"route|{r['route']}", int(r["persons"]))
    values: dict[str, set[str]] = defaultdict(set)
    for dim in DIMENSIONS:
        rows = _csv(out / f"routes_by_{dim}.csv")
        columns = [c for c in rows[0] if c not in ("rank", "route", "persons")] if rows else []
        values[dim].update(columns)
        listed = set()
        for row in rows:
            route = row["route"]
            listed.add(route)
            for value in columns:
                name, shown = f"cell|{route}|{dim}|{value}", row[value]
                if shown.startswith("<"):
                    a.unknown(name, 1, K - 1)
                elif shown == "x":
                    a.unknown(name, K, None)
                else:
                    a.value(name, int(shown))
            a.equation({f"cell|{route}|{dim}|{v}": 1.0 for v in columns}, f"route|{route}", f"margins {dim}")
        # a route missing from a breakdown (suppressed, or its row withheld) still has cells that add up
        for route in stops:
            if route in listed:
                continue
            upper = K - 1 if f"route|{route}" in a.lower else None
            for value in columns:
                a.unknown(f"cell|{route}|{dim}|{value}", 0, upper)
            a.equation({f"cell|{route}|{dim}|{v}": 1.0 for v in columns}, f"route|{route}", f"margins {dim}")

    def through(leg: tuple[str, str]) -> list[str]:
        return [r for r, s in stops.items() if leg in itertools.pairwise(s)]

    # tables of places, read as if they counted every route, suppressed ones too
    for table, column, where in (
        ("origins", "persons_start", lambda s, p: s[0] == p),
        ("destinations", "persons_end", lambda s, p: s[-1] == p and len(s) > 1),
        ("transit_points", "persons_pass", lambda s, p: p in s[1:-1]),
    ):
        shown = {row["place"]: int(row[column]) for row in _csv(out / f"{table}.csv")}
        for place in {p for s in stops.values() for p in s}:
            terms = {f"route|{r}": 1.0 for r, s in stops.items() if where(s, place)}
            if terms:
                a.equation(terms, shown.get(place, 0), f"{table} count every route")

    # the map's embedded data: every layer's legs and places, read the same way
    data = _map_data(out)
    names = [p[2] for p in data["places"]]
    for layer in data["layers"]:
        value = layer["value"].split(": ", 1)[-1].lower().replace(" ", "_") if layer["value"] else ""
        drawn = {(names[leg[0]], names[leg[1]]): leg[2] for leg in layer["legs"]}
        all_legs = {leg for s in stops.values() for leg in itertools.pairwise(s)}
        for leg in all_legs:
            key = "route|{}" if not value else "cell|{}|sector|" + value
            terms = {key.format(r): 1.0 for r in through(leg) if value == "" or value in values["sector"]}
            if terms:
                group = "map legs count every route" if not value else "map layers count every cell"
                a.equation(terms, drawn.get(leg, 0), group)
    # the GeoPackage's legs, as a GIS user would read them
    legs = pyogrio.read_dataframe(out / "routemap.gpkg", layer="legs")
    gis = {(r.from_name, r.to_name): int(r.persons) for r in legs.itertuples()}
    for leg in {leg for s in stops.values() for leg in itertools.pairwise(s)}:
        a.equation({f"route|{r}": 1.0 for r in through(leg)}, gis.get(leg, 0), "gpkg legs count every route")
    return a


def _leaks(a: Attacker, truth_routes: dict[str, int], truth_cells: dict[tuple[str, str, str], int]) -> set[str]:
    groups = {why for _, _, why in a.equations}
    margins = {g for g in groups if g.startswith("margins")}
    assumptions = sorted(groups - margins)
    found: set[str] = set()
    trials = [margins, *({g} | margins for g in assumptions), groups, *({g} for g in margins)]
    for trial in trials:
        for name, value in a.disclosed(trial).items():
            kind, route, *rest = name.split("|")
            true = truth_routes[route] if kind == "route" else truth_cells.get((route, rest[0], rest[1]), 0)
            if value == true:
                found.add(f"{name} = {value} (from {', '.join(sorted(trial))})")
    return found


@pytest.mark.parametrize("secondary", [True, False])
def test_no_suppressed_count_can_be_recovered(tmp_path: Path, secondary: bool):
    project = _project(tmp_path)
    result = build(project, secondary_suppression=secondary)
    out = result.out_dir
    truth_routes, truth_cells = _truth()
    a = read_outputs(out)
    # the fixture does what it claims: suppressed routes and cells, and a withheld row
    assert {n.split("|")[1] for n in a.lower if n.startswith("route|")} == {
        "Cambodia > Thailand > Malaysia",
        "Vietnam > Malaysia",
    }
    leaks = _leaks(a, truth_routes, truth_cells)
    if secondary:
        assert result.totals["routes_suppressed"] == 2
        assert leaks == set(), "\n".join(sorted(leaks))
    else:  # without complementary suppression the margins give small cells away
        assert any("cell|Indonesia > Malaysia|sector|fishing = 3" in leak for leak in leaks), leaks
        assert any("cell|Bangladesh > Malaysia|sex|female = 1" in leak for leak in leaks), leaks


def test_the_attacker_reads_what_was_published(tmp_path: Path):
    """Sanity: every published figure the attacker uses agrees with the truth."""
    project = _project(tmp_path)
    out = build(project).out_dir
    truth_routes, truth_cells = _truth()
    a = read_outputs(out)
    for name, value in a.known.items():
        kind, route, *rest = name.split("|")
        if kind == "route":
            assert value == truth_routes[route], name
        else:
            assert value == truth_cells.get((route, rest[0], rest[1]), 0), name
    for terms, total, why in a.equations:
        if why.startswith("margins") or not all(n in a.known for n in terms):
            continue
        # a relation among published figures only holds exactly: the attacker reads them right
        assert sum(coef * a.known[n] for n, coef in terms.items()) == total, (why, terms)


def test_the_sample_project_gives_nothing_away(sample_project: Path):
    result = build(sample_project, by="sector")
    a = read_outputs(result.out_dir)
    hidden = [n for n in a.lower]
    assert len(hidden) > 20  # suppressed routes and cells the attacker works on
    groups = {why for _, _, why in a.equations}
    for trial in (groups, {g for g in groups if g.startswith("margins")}):
        # the sample's truth is not at hand here: no hidden count may be pinned at all
        assert a.disclosed(trial) == {}
