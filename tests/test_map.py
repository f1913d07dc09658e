"""The map page: escaped, light, deterministic, filterable, embeddable, and drawn as published in a real browser."""

from __future__ import annotations

import base64
import csv
import hashlib
import html.parser
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from browser_harness import NODE_MODULES as REPO_NODE
from browser_harness import browser_page, install_routes, needs_browser_mark, refuse_outside, serve
from routemap.aggregate import ROUTE_COLUMNS, Aggregates
from routemap.cli import main
from routemap.disclosure import publish
from routemap.pipeline import build
from routemap.places import Place
from routemap.render.map import (
    MapText,
    render_map,
    seam_longitude,
    width_breaks,
    width_of,
    wrap_longitude,
)

XSS_PLACE = "<img src=x onerror=alert(1)>"
XSS_TITLE = "Routes <script>alert(2)</script> & more"
XSS_PARTNER = '<b onmouseover="alert(3)">Shelter</b>'
# The focus country of the sample is Malaysia: its states and federal territories, written by hand.
MY_STATES = {
    "Johor",
    "Kedah",
    "Kelantan",
    "Melaka",  # Malaysia's own name for Malacca: the sample's focus is Malaysia
    "Negeri Sembilan",
    "Pahang",
    "Penang",
    "Perak",
    "Perlis",
    "Sabah",
    "Sarawak",
    "Selangor",
    "Terengganu",
    "Kuala Lumpur",
    "Labuan",
    "Putrajaya",
}

needs_browser = needs_browser_mark()


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture
def xss_project(make_project) -> Path:
    rows = "year,origin,transit,destination,persons\n"
    rows += f"2020,Myanmar,Kampung Rahsia,Penang,7\n2021,Nepal,,Johor,5\n2021,{XSS_PLACE},,Johor,6\n"
    project = make_project(
        # a second partner: names are shown only when at least two organisations contributed
        {"p": {"a.csv": rows}, "q": {"b.csv": "year,origin,destination\n2021,Nepal,Johor\n"}},
        settings=f'title = "{XSS_TITLE}"\nlevel = "place"\nshow_partners = true\n',
        places_csv=f'name,aliases,level,country,lon,lat\n"{XSS_PLACE}",,place,MY,101.5,3.1\n'
        "Kampung Rahsia,,place,TH,100.5,6.9\n",
    )
    (project / "data" / "contributions" / "p" / "partner.toml").write_text(f"name = '{XSS_PARTNER}'\n")
    return project


@pytest.fixture
def sector_project(make_project) -> Path:
    """Routes whose sector layers can be worked out by hand (min_count 5, country level).

    Every other sector of a route is 0, shown <5, so each row also hides its largest cell:
    Nepal > Malaysia: agriculture 10 (hidden), construction 6 (published).
    Myanmar > Thailand > Malaysia: agriculture 8 (hidden), fishing 2 (<5): in no sector layer.
    Cambodia > Thailand: construction 7 (hidden): in no sector layer.
    Vietnam > Malaysia: 3 persons -> the route itself is not published.
    """
    rows = "year,origin,transit,destination,persons,sector\n"
    rows += "2021,Nepal,,Malaysia,10,agriculture\n2022,Nepal,,Malaysia,6,construction\n"
    rows += "2021,Myanmar,Thailand,Malaysia,8,agriculture\n2022,Myanmar,Thailand,Malaysia,2,fishing\n"
    rows += "2023,Cambodia,,Thailand,7,construction\n2023,Vietnam,,Malaysia,3,agriculture\n"
    return make_project({"p": {"a.csv": rows}}, settings='level = "country"\ntitle = "Sectors"\n')


# ---------------------------------------------------------------------------------------------- helpers
def _routes_csv(out: Path) -> list[dict[str, str]]:
    with (out / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if not r["persons"].startswith("<")]


def _published(out: Path) -> dict[str, int]:
    rows = _routes_csv(out)
    legs, places = set(), set()
    for r in rows:
        stops = r["route"].split(" > ")
        places.update(stops)
        legs.update(itertools.pairwise(stops))
    return {"legs": len(legs), "places": len(places)}


def _leg_persons(out: Path) -> Counter[tuple[str, str]]:
    """Persons per leg, summed over the published routes of routes.csv."""
    legs: Counter[tuple[str, str]] = Counter()
    for r in _routes_csv(out):
        for pair in itertools.pairwise(r["route"].split(" > ")):
            legs[pair] += int(r["persons"])
    return legs


def _page_data(page_html: str) -> dict[str, Any]:
    found = re.search(r"window\.routemapFlows\(map_[0-9a-f]+, (\{.*\})\);", page_html)
    assert found, "no map data in the page"
    return json.loads(found.group(1))


MAP_ID = "document.querySelector('.folium-map').id"
COUNT_DRAWN = """(id) => { let legs = 0, places = 0; window[id].eachLayer(l => {
    if (l.options && l.options.routemap === 'leg') legs++;
    if (l.options && l.options.routemap === 'place') places++; });
  return {legs: legs, places: places}; }"""
DRAWN_LEGS = """(id) => { const out = []; window[id].eachLayer(l => {
    if (l.options && l.options.routemap === 'leg') out.push([l.options.leg[2], l.options.weight]); });
  return out; }"""


def _open(page, base: str, name: str = "map.html") -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/{name}", wait_until="load")
    page.wait_for_function("window.routemap !== undefined", timeout=10_000)
    return str(page.evaluate(MAP_ID))


def _hover_biggest_place(page, map_id: str) -> str:  # type: ignore[no-untyped-def]
    """Hover the biggest place not covered by a panel; return its tooltip text."""
    point = page.evaluate(
        """(id) => { const m = window[id]; const r = document.getElementById(id).getBoundingClientRect();
          let best = null, at = null;
          m.eachLayer(l => { if (!(l.options && l.options.routemap === 'place')) return;
            const p = m.latLngToContainerPoint(l.getLatLng());
            const x = p.x + r.left, y = p.y + r.top, el = document.elementFromPoint(x, y);
            if (el && el.tagName === 'CANVAS' && (!best || l.options.radius > best.options.radius)) {
              best = l; at = [x, y]; } });
          return at; }""",
        map_id,
    )
    assert point is not None, "every place is hidden under a panel"
    page.mouse.move(point[0] - 3, point[1] - 3)
    page.mouse.move(point[0], point[1], steps=4)
    page.wait_for_selector(".routemap-tip", timeout=5_000)
    return str(page.inner_text(".routemap-tip"))


def _hover_place(page, map_id: str, name: str) -> str:  # type: ignore[no-untyped-def]
    """Hover the place whose tooltip starts with ``name`` (tried at each place in turn)."""
    points = page.evaluate(
        """(id) => { const m = window[id]; const r = document.getElementById(id).getBoundingClientRect();
          const out = []; m.eachLayer(l => { if (l.options && l.options.routemap === 'place') {
            const p = m.latLngToContainerPoint(l.getLatLng()); out.push([p.x + r.left, p.y + r.top]); } });
          return out; }""",
        map_id,
    )
    for x, y in points:
        page.mouse.move(x - 4, y - 4)
        page.mouse.move(x, y, steps=3)
        if page.locator(".routemap-tip").count():
            text = str(page.inner_text(".routemap-tip"))
            if text.splitlines()[0] == name:
                return text
    raise AssertionError(f"no place tooltip shows {name!r}")


def _hover_leg(page, map_id: str, persons: int) -> str:  # type: ignore[no-untyped-def]
    """Hover along the leg drawn with ``persons`` until its own tooltip shows; return the text."""
    points = page.evaluate(
        """([id, n]) => { const m = window[id]; const r = document.getElementById(id).getBoundingClientRect();
          let pts = []; m.eachLayer(l => { if (l.options && l.options.routemap === 'leg' && l.options.leg[2] === n) {
            const ll = l.getLatLngs();
            pts = [0.3, 0.45, 0.2, 0.75, 0.85, 0.15].map(f => {
              const p = m.latLngToContainerPoint(ll[Math.floor(f * (ll.length - 1))]);
              return [p.x + r.left, p.y + r.top]; });
          } }); return pts; }""",
        [map_id, persons],
    )
    assert points, f"no leg with {persons} persons is drawn"
    for x, y in points:
        page.mouse.move(x - 6, y - 6)
        page.mouse.move(x, y, steps=3)
        if page.locator(".routemap-tip").count():
            text = str(page.inner_text(".routemap-tip"))
            if f": {persons:,} persons" in text.splitlines()[0]:
                return text
    raise AssertionError(f"the tooltip of the leg with {persons} persons never showed")


def _legend_classes(page) -> list[tuple[int, int | None, float]]:  # type: ignore[no-untyped-def]
    """(low, high, width) of each leg class, read from the legend as a reader would."""
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('.routemap-legend .rm-row')).filter(r =>
             r.querySelector('path[stroke-width]')).map(r => [r.innerText.trim(),
             parseFloat(r.querySelector('path[stroke-width]').getAttribute('stroke-width'))])"""
    )
    classes = []
    for label, width in rows:
        numbers = [int(n.replace(",", "")) for n in re.findall(r"[\d,]+", label)]
        classes.append((numbers[0], numbers[1] if len(numbers) > 1 else None, width))
    return classes


# ---------------------------------------------------------------------------------------------- page content
def test_every_label_is_escaped_and_no_unused_assets(xss_project: Path):
    build(xss_project)
    page = (xss_project / "output" / "map.html").read_text(encoding="utf-8")
    assert XSS_PLACE not in page and "<script>alert(2)" not in page and "<b onmouseover" not in page
    assert "\\u003cimg" not in page and "\\u003cb onmouseover" not in page  # no raw tag even inside the JSON
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page  # escaped text in the place table
    assert "<title>Routes &lt;script&gt;alert(2)&lt;/script&gt; &amp; more</title>" in page
    data = _page_data(page)
    assert data["titleHtml"] == (
        "<h1>Routes &lt;script&gt;alert(2)&lt;/script&gt; &amp; more</h1>"
        "<p>2 contributing organisations: &lt;b onmouseover=&quot;alert(3)&quot;&gt;Shelter&lt;/b&gt;</p>"
    )
    for unused in ("jquery", "bootstrap", "awesome-markers", "fontawesome"):
        assert unused not in page.lower(), unused
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
    ]


def test_partner_names_stay_out_unless_allowed(xss_project: Path):
    toml = xss_project / "routemap.toml"
    toml.write_text(toml.read_text().replace("show_partners = true", "show_partners = false"))
    build(xss_project)
    page = (xss_project / "output" / "map.html").read_text(encoding="utf-8")
    assert "Shelter" not in page
    assert "2 contributing organisations\\u003c/p\\u003e" in page


def test_page_is_compact_and_the_same_for_the_same_inputs(sector_project: Path, tmp_path: Path):
    build(sector_project, by="sector", out_dir=tmp_path / "a")
    build(sector_project, by="sector", out_dir=tmp_path / "b")
    first = (tmp_path / "a" / "map.html").read_bytes()
    assert first == (tmp_path / "b" / "map.html").read_bytes()
    data = _page_data(first.decode("utf-8"))
    # places once, in a shared table; coordinates to 4 decimals; no geometry per leg (arcs are drawn in the page)
    for lat, lon, *_ in data["places"]:
        assert round(lat, 4) == lat and round(lon, 4) == lon
    for layer in data["layers"]:
        for leg in layer["legs"]:
            assert all(not isinstance(v, dict) for v in leg)
    assert '"color"' not in json.dumps(data["layers"])  # no style per feature


def _synthetic_publication(n_legs: int):  # type: ignore[no-untyped-def]
    """Published routes of five stops over places with long names: 1,000 legs from 250 routes."""
    places = {
        f"p{i}": Place(
            f"p{i}", f"Place with a rather long name number {i:04d}", "place", "MYS", "", 90 + i % 40, i // 40
        )
        for i in range(5 * (n_legs // 4))
    }
    stops, rows, sector, sex, age = {}, [], [], [], []
    for r in range(n_legs // 4):
        route = tuple(f"p{5 * r + k}" for k in range(5))
        key = " > ".join(route)
        stops[key] = route
        persons = 20 + r % 50
        names = [places[s].name for s in route]
        rows.append((key, " > ".join(names), names[0], " > ".join(names[1:-1]), names[-1], 5, persons, persons, False))
        sector += [(key, "construction", persons - 8), (key, "fishing", 8)]
        sex += [(key, "female", persons - 10), (key, "male", 10)]
        age += [(key, "adult", persons - 5), (key, "child", 5)]
    cells = {
        name: pd.DataFrame(values, columns=["route", "value", "persons"])
        for name, values in (("sector", sector), ("sex", sex), ("age_group", age))
    }
    routes = pd.DataFrame(rows, columns=list(ROUTE_COLUMNS)).sort_values("persons", ascending=False, kind="stable")
    aggregates = Aggregates(routes.reset_index(drop=True), cells, stops, places, None)
    return publish(aggregates, min_count=5)


def test_a_1000_leg_map_is_under_600_kb(tmp_path: Path):
    pub = _synthetic_publication(1000)
    text = MapText(title="Many legs", subtitle="synthetic", note="Routes with fewer than 5 persons are not shown.")
    drawn = render_map(pub, tmp_path / "map.html", text=text, by="sector")
    assert drawn["legs"] == 1000
    size = (tmp_path / "map.html").stat().st_size
    assert size < 600_000, size
    data = _page_data((tmp_path / "map.html").read_text(encoding="utf-8"))
    # tooltips carry the details published figures prove: the biggest route has 69 persons, of whom 59 are
    # women and 5 children; sex and age rows each hide their largest cell (other/unknown are 0: small), so the
    # shares are ranges (83.6-85.5 %, 7.2-7.7 %) and left out, while construction is proven the top sector
    leg = data["layers"][0]["legs"][0]
    assert leg[2] == 69 and leg[5] == ["construction", None, None]


def test_width_classes_are_round_numbers_from_min_count():
    assert width_breaks(571, min_count=5) == [5, 25, 50, 100, 500]
    assert width_breaks(30, min_count=5) == [5, 10, 25]
    assert width_breaks(7, min_count=5) == [5]
    assert width_breaks(100_000, min_count=10) == [10, 100, 1000, 10000, 100000]
    breaks = [5, 25, 50, 100, 500]
    assert [width_of(n, breaks) for n in (5, 24, 25, 499, 500, 9999)] == [1.5, 1.5, 4.0, 9.0, 11.5, 11.5]


def test_routes_over_the_pacific_are_drawn_in_one_piece():
    # Fiji (178 E) to Samoa (172 W): the map window moves so the leg does not cross its edge
    lons = [178.4, -171.8, 151.2]
    west = seam_longitude(lons, [(178.4, -171.8), (151.2, 178.4)])
    wrapped = [wrap_longitude(x, west) for x in lons]
    assert wrapped == pytest.approx([178.4, 188.2, 151.2])
    # routes into Malaysia stay where they are
    lons = [101.7, 116.1, 90.4, 84.1]
    west = seam_longitude(lons, [(90.4, 101.7), (84.1, 116.1)])
    assert [wrap_longitude(x, west) for x in lons] == pytest.approx(lons)


def test_leg_details_pool_only_published_cells(make_project):
    # Nepal > Thailand > Malaysia: 5 women, 10 men, 5 of unknown sex; Nepal > Thailand: 6 women, 5 men,
    # 5 unknown. Each sex row hides unknown (other is 0, shown <5), so women and men are published.
    # On the leg Nepal > Thailand: 11 women of 26 women and men = 42 %. Sectors: construction and 5 in
    # agriculture; construction is hidden (the largest), but the rule proves it is more than agriculture.
    rows = "year,origin,transit,destination,persons,sex,sector\n"
    rows += "2021,Nepal,Thailand,Malaysia,5,female,agriculture\n2021,Nepal,Thailand,Malaysia,10,male,construction\n"
    rows += "2021,Nepal,Thailand,Malaysia,5,,construction\n2021,Nepal,,Thailand,5,,agriculture\n"
    rows += "2021,Nepal,,Thailand,6,female,construction\n2021,Nepal,,Thailand,5,male,construction\n"
    project = make_project({"p": {"a.csv": rows}}, settings='level = "country"\n')
    build(project)
    data = _page_data((project / "output" / "map.html").read_text(encoding="utf-8"))
    names = [p[2] for p in data["places"]]
    legs = {(names[leg[0]], names[leg[1]]): leg for leg in data["layers"][0]["legs"]}
    assert legs[("Nepal", "Thailand")][2] == 36
    assert legs[("Nepal", "Thailand")][5] == ["construction", 42.0, None]
    assert legs[("Thailand", "Malaysia")][5] == ["construction", 33.0, None]


def test_leg_details_are_left_out_when_a_route_on_the_leg_hides_them(make_project):
    # Nepal > Thailand > Vietnam: 6 women, 5 men, other and unknown 0 (shown <5) -> the largest, women, is
    # hidden, so the leg Nepal > Thailand shows no share of women; fishing is still the proven top of each route.
    rows = "year,origin,transit,destination,persons,sex,sector\n"
    rows += "2021,Nepal,,Thailand,6,female,fishing\n2021,Nepal,,Thailand,5,male,agriculture\n"
    rows += "2021,Nepal,,Thailand,5,,fishing\n"
    rows += "2021,Nepal,Thailand,Vietnam,6,female,fishing\n2021,Nepal,Thailand,Vietnam,5,male,agriculture\n"
    project = make_project({"p": {"a.csv": rows}}, settings='level = "country"\n')
    build(project)
    data = _page_data((project / "output" / "map.html").read_text(encoding="utf-8"))
    names = [p[2] for p in data["places"]]
    legs = {(names[leg[0]], names[leg[1]]): leg for leg in data["layers"][0]["legs"]}
    assert legs[("Nepal", "Thailand")][5] == ["fishing", None, None]


def test_map_data_uses_only_the_publication(sector_project: Path):
    build(sector_project)
    data = _page_data((sector_project / "output" / "map.html").read_text(encoding="utf-8"))
    names = {p[2] for p in data["places"]}
    assert "Vietnam" not in names  # its only route has 3 persons
    assert data["total"] == 33


# ---------------------------------------------------------------------------------------------- CLI options
def test_tiles_option(sector_project: Path, tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(sector_project), "--out", str(tmp_path / "n"), "--tiles", "none", "-q"])
    assert result.exit_code == 0, result.output
    assert "L.tileLayer" not in (tmp_path / "n" / "map.html").read_text()
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    result = runner.invoke(main, ["build", str(sector_project), "--out", str(tmp_path / "u"), "--tiles", url, "-q"])
    assert result.exit_code == 0, result.output
    assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in (tmp_path / "u" / "map.html").read_text()
    result = runner.invoke(main, ["build", str(sector_project), "--tiles", "Nowhere Maps"])
    assert result.exit_code == 2
    assert result.output.startswith("error: tiles 'Nowhere Maps' is not a known tile provider;")
    result = runner.invoke(main, ["build", str(sector_project), "--tiles", "javascript:{z}{x}{y}"])
    assert result.exit_code == 2
    assert "error: tiles 'javascript:{z}{x}{y}' is not an http(s) URL template" in result.output


def test_years_restrict_the_period(sector_project: Path, tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "y"
    result = runner.invoke(main, ["build", str(sector_project), "--out", str(out), "--years", "2022-2023"])
    assert result.exit_code == 0, result.output
    # 2022: Nepal > Malaysia 6, Myanmar > Thailand > Malaysia 2; 2023: Cambodia > Thailand 7, Vietnam > Malaysia 3
    assert {r["route"]: r["persons"] for r in _routes_csv(out)} == {"Cambodia > Thailand": "7", "Nepal > Malaysia": "6"}
    data = _page_data((out / "map.html").read_text(encoding="utf-8"))
    assert "<p>2022–2023 · 1 contributing organisation</p>" in data["titleHtml"]
    record = json.loads((sector_project / ".routemap" / "build.json").read_text())
    assert record["totals"]["outside_years"] == 2
    assert record["settings"]["years"] == "2022-2023"


@pytest.mark.parametrize(
    ("years", "message"),
    [
        (
            "2023-2019",
            "error: years '2023-2019' in the command line starts after it ends; "
            "write the earlier year first: 2019-2023",
        ),
        (
            "19-23",
            "error: years '19-23' in the command line is not a period; write the first and last year as 2019-2023",
        ),
        (
            "2030-2031",
            "error: no accepted record is from 2030–2031; the records cover 2021–2023; choose --years inside",
        ),
    ],
)
def test_bad_years_are_clear_errors(sector_project: Path, years: str, message: str):
    result = CliRunner().invoke(main, ["build", str(sector_project), "--years", years])
    assert result.exit_code == 2
    assert result.output.startswith(message), result.output


def test_by_must_be_a_dimension(sector_project: Path):
    result = CliRunner().invoke(main, ["build", str(sector_project), "--by", "partner"])
    assert result.exit_code == 2 and "Invalid value for '--by'" in result.output
    (sector_project / "routemap.toml").write_text('by = "age"\n')
    result = CliRunner().invoke(main, ["build", str(sector_project)])
    assert result.exit_code == 2
    assert "by 'age' in" in result.output and "is not one of sector, year, exploitation, sex" in result.output


class _Iframes(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.found.append(dict(attrs))


def test_embed_prints_an_escaped_responsive_iframe(xss_project: Path):
    build(xss_project)
    map_html = xss_project / "output" / "map.html"
    url = 'https://example.org/maps/map.html?a=1&b="2"'
    result = CliRunner().invoke(main, ["embed", str(map_html), "--url", url])
    assert result.exit_code == 0, result.output
    snippet = result.output.strip()
    assert "<script>" not in snippet and '"2"' not in snippet
    parser = _Iframes()
    parser.feed(snippet)
    (frame,) = parser.found
    assert frame["src"] == url
    assert frame["title"] == XSS_TITLE  # shown as text: the parser unescapes what the page would show
    assert frame["sandbox"] == "allow-scripts allow-popups allow-popups-to-escape-sandbox"
    assert "width:100%" in str(frame["style"]) and frame["loading"] == "lazy"
    result = CliRunner().invoke(
        main, ["embed", str(map_html), "--url", "m.html", "--title", "Routes", "--height", "600px"]
    )
    assert 'title="Routes"' in result.output and "height:600px" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "javascript:alert(1)"], "error: --url 'javascript:alert(1)' is not an http(s) address"),
        (["--url", "java\tscript:alert(1)"], "error: --url 'java\\tscript:alert(1)' is not an http(s) address"),
        (["--url", " \x01javascript:alert(1)"], "error: --url ' \\x01javascript:alert(1)' is not an http(s)"),
        (["--url", "https://e.org/m.html", "--height", "tall"], "error: --height 'tall' is not a CSS length"),
    ],
)
def test_embed_refuses_unsafe_input(xss_project: Path, args: list[str], message: str):
    build(xss_project)
    result = CliRunner().invoke(main, ["embed", str(xss_project / "output" / "map.html"), *args])
    assert result.exit_code == 2 and result.output.startswith(message), result.output


def test_embed_names_a_missing_map(tmp_path: Path):
    result = CliRunner().invoke(main, ["embed", str(tmp_path / "map.html"), "--url", "https://e.org/m.html"])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {str(tmp_path / 'map.html')!r} does not exist; build the map first")


# ---------------------------------------------------------------------------------------------- in Chromium
@needs_browser
def test_sample_map_in_chromium(sample_project: Path, artifacts: Path):
    result = build(sample_project)
    out = result.out_dir
    legs = _leg_persons(out)
    total = sum(int(r["persons"]) for r in _routes_csv(out))
    (a, b), biggest = legs.most_common(1)[0]
    with serve(out) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        map_id = _open(page, base)
        drawn = page.evaluate("window.routemap")
        counted = page.evaluate(COUNT_DRAWN, map_id)
        place_tip = _hover_biggest_place(page, map_id)
        leg_tip = _hover_leg(page, map_id, biggest)
        classes = _legend_classes(page)
        drawn_legs = page.evaluate(DRAWN_LEGS, map_id)
        attribution = page.inner_text(".leaflet-control-attribution")
        page.screenshot(path=str(artifacts / "sample-map.png"))
    expected = _published(out)
    assert {"legs": drawn["legs"], "places": drawn["places"]} == expected == counted
    # the place tooltip: a published place, then persons starting / passing / ending, then its top routes
    name, *lines = place_tip.splitlines()
    assert name in {s for r in _routes_csv(out) for s in r["route"].split(" > ")}
    counts = lines[: lines.index("Top routes")]
    assert counts and all(re.fullmatch(r"[\d,]+ (persons start here|pass through|end here)", c) for c in counts)
    # the leg tooltip: "A → B: n persons (share of all published persons)"
    assert leg_tip.splitlines()[0] == f"{a} → {b}: {biggest:,} persons ({100 * biggest / total:.1f}%)"
    # every leg is drawn with the width the legend gives its persons, and the legs are those of routes.csv
    assert sorted(n for n, _ in drawn_legs) == sorted(legs.values())
    for persons, weight in drawn_legs:
        (width,) = [w for lo, hi, w in classes if persons >= lo and (hi is None or persons <= hi)]
        assert weight == width
    assert "CARTO" in attribution and "contributing organisations" in attribution
    assert report.console_errors == [] and report.page_errors == []
    assert report.failed_requests == []
    assert report.dialogs == []
    assert (artifacts / "sample-map.png").stat().st_size > 10_000


@needs_browser
def test_markup_in_labels_runs_nothing(xss_project: Path, artifacts: Path):
    build(xss_project)
    out = xss_project / "output"
    with serve(out) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        map_id = _open(page, base)
        drawn = page.evaluate("window.routemap")
        counted = page.evaluate(COUNT_DRAWN, map_id)
        tip = _hover_place(page, map_id, XSS_PLACE)
        title = page.inner_text(".routemap-title")
        page.screenshot(path=str(artifacts / "xss-map.png"))
    assert report.dialogs == []
    assert report.page_errors == [] and report.console_errors == []
    # Myanmar > Kampung Rahsia > Penang, Nepal > Johor, <img …> > Johor
    assert {"legs": drawn["legs"], "places": drawn["places"]} == counted == {"legs": 4, "places": 6}
    assert tip.splitlines()[:2] == [XSS_PLACE, "6 persons start here"]
    assert title.splitlines()[0] == XSS_TITLE
    assert XSS_PARTNER in title


@needs_browser
def test_layers_by_sector_from_the_cli(sector_project: Path, artifacts: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(sector_project), "--by", "sector", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "map draws 4 legs and 5 places in 2 layers" in result.output
    with serve(out) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        map_id = _open(page, base)
        layers = page.evaluate("window.routemap.layers")
        labels = page.locator(".leaflet-control-layers-base label")
        shown = [labels.nth(i).inner_text().strip() for i in range(labels.count())]
        counts = {}
        for i, text in enumerate(shown):
            labels.nth(i).click()
            counts[text] = page.evaluate(COUNT_DRAWN, map_id)
        labels.nth(1).click()
        tip = _hover_leg(page, map_id, 6)
        page.screenshot(path=str(artifacts / "sector-layers.png"))
    assert shown == ["All routes (33)", "Sector: Construction (6)"]
    assert counts == {
        "All routes (33)": {"legs": 4, "places": 5},
        "Sector: Construction (6)": {"legs": 1, "places": 2},  # Nepal > Malaysia's published 6
    }
    # no year control: every route's largest year is hidden (its other years are <5, zeros included), so only
    # Nepal > Malaysia's 6 in 2022 is a published year cell, and one year needs no control
    assert [(x["legs"], x["places"], x["persons"]) for x in layers] == [(4, 5, 33), (1, 2, 6)]
    assert tip.splitlines()[:2] == ["Nepal → Malaysia: 6 persons", "Sector: Construction"]
    assert report.console_errors == [] and report.page_errors == [] and report.failed_requests == []


@needs_browser
def test_focus_view_labels_the_states_from_the_cli(sample_project: Path, artifacts: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(sample_project), "--focus", "MY", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    states = {s for r in _routes_csv(out) for s in r["route"].split(" > ")} & MY_STATES
    assert len(states) >= 8
    with serve(out) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        map_id = _open(page, base)
        labels = page.evaluate(
            """() => Array.from(document.querySelectorAll('.routemap-label')).map(e =>
                 [e.textContent, e.style.visibility !== 'hidden'])"""
        )
        page_boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('.routemap-label')).filter(e =>
                 e.style.visibility !== 'hidden').map(e => { const b = e.getBoundingClientRect();
                 return [b.left, b.top, b.right, b.bottom]; })"""
        )
        inside = page.evaluate(
            """(id) => { const m = window[id], b = m.getBounds(); let all = true;
                 m.eachLayer(l => { if (l.options && l.options.routemap === 'place') {
                   all = all && b.contains(l.getLatLng()); } });
                 return all; }""",
            map_id,
        )
        page.mouse.move(5, 400)
        page.screenshot(path=str(artifacts / "focus-map.png"))
    # every state on a published route, and the six biggest places of each role (from the published tables)
    biggest = set()
    for table, column in (
        ("origins", "persons_start"),
        ("destinations", "persons_end"),
        ("transit_points", "persons_pass"),
    ):
        with (out / f"{table}.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = sorted(csv.DictReader(fh), key=lambda r: (-int(r[column]), r["place"]))
        biggest |= {r["place"] for r in rows[:6]}
    assert {name for name, _ in labels} == states | biggest
    assert sum(visible for _, visible in labels) >= 12  # overlapping labels move or hide, the rest stay
    boxes = page_boxes
    for i, a in enumerate(boxes):  # no two labels shown overlap
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert inside, "the view does not fit the routes"
    assert report.console_errors == [] and report.page_errors == []


@needs_browser
def test_map_works_inside_a_sandboxed_iframe(xss_project: Path, artifacts: Path):
    build(xss_project)
    out = xss_project / "output"
    snippet = CliRunner().invoke(main, ["embed", str(out / "map.html"), "--url", "map.html"]).output
    (out / "host.html").write_text(
        f"<!doctype html><html><head><title>Host</title></head><body><h1>Our report</h1>{snippet}<p>After the map</p>"
        "</body></html>",
        encoding="utf-8",
    )
    with serve(out) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        page.goto(f"{base}/host.html", wait_until="load")
        element = page.query_selector("iframe")
        assert element is not None
        frame = element.content_frame()
        assert frame is not None
        frame.wait_for_function("window.routemap !== undefined", timeout=10_000)
        drawn = frame.evaluate("window.routemap")
        wheel = frame.evaluate(f"window[{MAP_ID}].scrollWheelZoom.enabled()")
        host_title = page.evaluate("document.title")
        page.screenshot(path=str(artifacts / "iframe-map.png"))
    assert (drawn["legs"], drawn["places"]) == (4, 6)
    assert wheel is False  # the host page keeps the scroll wheel until the reader clicks the map
    assert host_title == "Host"
    assert report.dialogs == [] and report.console_errors == [] and report.page_errors == []
    assert report.failed_requests == []


# ---------------------------------------------------------------------------------------------- issue 17
OUTSIDE_JS = """() => performance.getEntriesByType('resource').map(e => e.name)
  .filter(u => !u.startsWith(location.origin) && !u.startsWith('data:'))"""
#: English of routemap's own that must not be on an ms or id map (written here, not taken from the label table).
MAP_ENGLISH = (
    "persons",
    "Legend",
    "start here",
    "pass through",
    "end here",
    "Top routes",
    "Routes on this leg",
    "All routes",
    "All years",
    "contributing organisation",
    "Routes with fewer",
    "Shares are of",
    "Click or tap",
    "journeys",
    "Origin",
    "Destination",
    "Several",
    "Zoom in",
    "Zoom out",
    "Data: contributing",
    "Play the years",
    "A year shows",
    "data as of",
    "within",
    "mostly",
    "women",
    "children",
    "Outlines",
    "public domain",
)


@pytest.fixture
def years_project(make_project) -> Path:
    """Per-year cells worked out by hand (min_count 5, country level).

    Every other year of a route is 0, shown <5, so each year row also hides its largest year.
    Nepal > Malaysia: 2021 10 (hidden), 2022 3 (<5), 2023 6 (drawn). Myanmar > Malaysia: 2021 6 (drawn),
    2022 7 (hidden). Cambodia > Thailand: 2022 9 (hidden), 2023 2 (<5). Cambodia alone (a domestic route):
    2021 5 (drawn), 2022 8 (hidden). So 2021: Myanmar > Malaysia 6, within Cambodia 5; 2022: nothing;
    2023: Nepal > Malaysia 6.
    """
    rows = "year,origin,transit,destination,persons\n"
    rows += "2021,Nepal,,Malaysia,10\n2022,Nepal,,Malaysia,3\n2023,Nepal,,Malaysia,6\n"
    rows += "2021,Myanmar,,Malaysia,6\n2022,Myanmar,,Malaysia,7\n"
    rows += "2022,Cambodia,,Thailand,9\n2023,Cambodia,,Thailand,2\n"
    rows += "2021,Cambodia,,Cambodia,5\n2022,Cambodia,,Cambodia,8\n"
    return make_project({"p": {"a.csv": rows}}, settings='level = "country"\ntitle = "Years"\n')


def _year_layers(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Year -> figures drawn in its layer: legs 'A > B', rings 'within A', and route figures in tooltips."""
    names = [p[2] for p in data["places"]]
    out: dict[str, dict[str, int]] = {}
    for year, index, _ in data["years"]:
        if index < 0:
            out[year] = {}
            continue
        layer = data["layers"][index]
        found = {f"{names[leg[0]]} > {names[leg[1]]}": leg[2] for leg in layer["legs"]}
        found |= {f"within {names[ring[0]]}": ring[1] for ring in layer["rings"]}
        out[year] = found
    return out


def _all_numbers(layer: dict[str, Any]) -> list[int]:
    """Every count a layer carries: legs, places (and their start/pass/end/within), rings, route figures."""
    numbers = []
    for leg in layer["legs"]:
        numbers += [leg[2], *(p for _, p in leg[3])]
    for place in layer["places"]:
        numbers += [n for n in (place[1], place[2], place[3], place[4], place[8]) if n]
        numbers += [p for _, p in place[6]]
    for ring in layer["rings"]:
        numbers += [ring[1], *(p for _, p in ring[2])]
    return numbers


def test_no_per_year_figure_below_the_minimum_reaches_the_page(years_project: Path):
    build(years_project)
    data = _page_data((years_project / "output" / "map.html").read_text(encoding="utf-8"))
    assert _year_layers(data) == {
        "2021": {"Myanmar > Malaysia": 6, "within Cambodia": 5},
        "2022": {},
        "2023": {"Nepal > Malaysia": 6},
    }
    assert data["years"][1][1] == -1 and "2022: no route has 5 or more persons that year" in data["years"][1][2]
    for _, index, _ in data["years"]:
        if index >= 0:
            numbers = _all_numbers(data["layers"][index])
            assert numbers and min(numbers) >= 5
            # the hidden cells of the year breakdown appear nowhere: 10, 3; 7; 9, 2; 8
            assert not {10, 3, 7, 9, 2, 8} & set(numbers), numbers


def test_one_stop_routes_are_rings_written_within(years_project: Path):
    build(years_project, years="2021-2022")
    data = _page_data((years_project / "output" / "map.html").read_text(encoding="utf-8"))
    names = [p[2] for p in data["places"]]
    rings = {names[r[0]]: r[1] for r in data["layers"][0]["rings"]}
    assert rings == {"Cambodia": 13}
    cambodia = next(p for p in data["layers"][0]["places"] if names[p[0]] == "Cambodia")
    # 9 start in Cambodia for Thailand, 13 stay within it: the place does not count them as starting
    assert (cambodia[2], cambodia[8]) == (9, 13)
    assert data["routes"][data["layers"][0]["rings"][0][2][0][0]][0] == "within Cambodia"


def _strings(value: Any) -> list[str]:
    """Every string value (not key) inside nested lists and dicts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_map_words_follow_the_language(sample_project: Path, tmp_path: Path):
    for lang in ("ms", "id"):
        build(sample_project, language=lang, out_dir=tmp_path / lang, formats="png")
        page = (tmp_path / lang / "map.html").read_text(encoding="utf-8")
        data = _page_data(page)
        assert f'<html lang="{lang}">' in page
        shown = "\n".join(_strings({k: v for k, v in data.items() if k not in ("places", "routes", "titleHtml")}))
        shown += data["titleHtml"].split("</h1>")[1]  # the project's own title is the project's words
        for english in MAP_ENGLISH:
            assert english not in shown, (lang, english)


def test_default_map_pins_leaflet_with_integrity_hashes(sample_project: Path):
    build(sample_project, formats="png")
    page = (sample_project / "output" / "map.html").read_text(encoding="utf-8")
    leaflet = REPO_NODE / "leaflet" / "dist"
    for name, tag in (("leaflet.js", "script"), ("leaflet.css", "link")):
        digest = base64.b64encode(hashlib.sha384((leaflet / name).read_bytes()).digest()).decode()
        found = re.search(rf'<{tag} [^>]*integrity="sha384-{re.escape(digest)}" crossorigin="anonymous"', page)
        assert found, name
    assert 'src="map.png"' in page  # the fallback's picture


def test_self_contained_map_is_small_and_names_its_sources(sample_project: Path):
    build(sample_project, offline=True, formats="png")
    page = (sample_project / "output" / "map.html").read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) < 400_000
    assert not re.findall(r'<(?:script|link|img)[^>]* (?:src|href)="https?://', page)
    assert "Leaflet 1.9.3" in page and "sourceMappingURL" not in page
    data = _page_data(page)
    assert data["outlines"]["land"] and data["outlines"]["borders"] and data["outlines"]["admin1"]
    assert "Natural Earth" in data["attributionHtml"]
    record = json.loads((sample_project / ".routemap" / "build.json").read_text())
    assert record["settings"]["map"] == "self-contained"


@needs_browser
def test_self_contained_map_draws_offline_with_no_other_host(sample_project: Path, artifacts: Path):
    result = build(sample_project, offline=True, formats="csv,png")
    out = result.out_dir
    with serve(out) as base, browser_page() as (page, report):
        refuse_outside(page, report, base)
        map_id = _open(page, base)
        drawn = page.evaluate("window.routemap")
        counted = page.evaluate(COUNT_DRAWN, map_id)
        outlines = page.evaluate(
            """(id) => { let n = 0; window[id].eachLayer(l => { if (l.options && l.options.renderer &&
                 l.options.renderer.options.pane === 'routemap-base') n++; }); return n; }""",
            map_id,
        )
        labels = page.evaluate("window.routemap.labels()")
        legend = page.inner_text(".routemap-legend")
        outside = page.evaluate(OUTSIDE_JS)
        fallback = page.locator("#routemap-fallback").count()
        page.screenshot(path=str(artifacts / "offline-map.png"))
    assert report.failed_requests == [] and outside == []
    assert report.console_errors == [] and report.page_errors == []
    assert {"legs": drawn["legs"], "places": drawn["places"]} == _published(out) == counted
    assert outlines == 4  # world, land, state lines, borders
    assert sum(shown for _, shown in labels) >= 10
    assert "Legend" in legend and fallback == 0


@needs_browser
def test_default_map_with_the_cdn_refused_shows_the_fallback(sample_project: Path, artifacts: Path):
    result = build(sample_project, formats="png")
    with serve(result.out_dir) as base, browser_page(900, 600) as (page, report):
        refuse_outside(page, report, base)
        page.goto(f"{base}/map.html", wait_until="load")
        fallback = page.locator("#routemap-fallback")
        visible = fallback.is_visible()
        text = fallback.inner_text()
        image = page.evaluate("document.querySelector('#routemap-fallback img').naturalWidth")
        page.screenshot(path=str(artifacts / "fallback-map.png"))
    assert visible and image == 1500
    assert text.splitlines()[0] == "Routes into Malaysia: what pooled case data shows (synthetic sample)"
    assert "The interactive map could not start here" in text
    assert [u.split("/")[-1] for u in report.failed_requests] == ["leaflet.js", "leaflet.css"]


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


BOX_JS = """(sel) => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent !== null &&
  getComputedStyle(e).display !== 'none').map(e => { const b = e.getBoundingClientRect();
  return [b.left, b.top, b.right, b.bottom]; })"""


@needs_browser
def test_small_screen_legend_closed_labels_readable_tap_shows_figures(sample_project: Path, artifacts: Path):
    result = build(sample_project, offline=True, formats="csv")
    with serve(result.out_dir) as base, browser_page(390, 844, touch=True) as (page, report):
        refuse_outside(page, report, base)
        map_id = _open(page, base)
        legend_open = page.evaluate("document.querySelector('.routemap-legend details').open")
        sizes = page.evaluate(
            """() => Array.from(document.querySelectorAll('.routemap-label')).filter(e =>
                 e.style.visibility !== 'hidden').map(e => parseFloat(getComputedStyle(e).fontSize))"""
        )
        point = page.evaluate(
            """(id) => { const m = window[id], r = document.getElementById(id).getBoundingClientRect();
                 let best = null, at = null; m.eachLayer(l => { if (l.options && l.options.routemap === 'place') {
                   const p = m.latLngToContainerPoint(l.getLatLng()), x = p.x + r.left, y = p.y + r.top;
                   const el = document.elementFromPoint(x, y);
                   if (el && el.tagName === 'CANVAS' && (!best || l.options.radius > best.options.radius)) {
                     best = l; at = [x, y]; } } }); return at; }""",
            map_id,
        )
        page.touchscreen.tap(point[0], point[1])
        page.wait_for_selector(".routemap-tip", timeout=5_000)
        tip = page.inner_text(".routemap-tip")
        boxes = {
            name: page.evaluate(BOX_JS, sel)
            for name, sel in (
                ("attribution", ".leaflet-control-attribution"),
                ("scale", ".leaflet-control-scale"),
                ("legend", ".routemap-legend"),
                ("years", ".routemap-years"),
                ("title", ".routemap-title"),
                ("zoom", ".leaflet-control-zoom"),
            )
        }
        page.screenshot(path=str(artifacts / "phone-map.png"))
    assert legend_open is False
    assert len(sizes) >= 6 and min(sizes) >= 11
    # the biggest place of the sample: its name, then what hover shows (persons ending there), then its routes
    lines = tip.splitlines()[1:]
    assert any(re.fullmatch(r"[\d,]+ (persons start here|pass through|end here)", line) for line in lines)
    assert "Top routes" in lines
    flat = [(n, b) for n, found in boxes.items() for b in found]
    for i, (n1, b1) in enumerate(flat):
        for n2, b2 in flat[i + 1 :]:
            assert not _overlap(b1, b2), (n1, n2, b1, b2)
    assert report.console_errors == [] and report.page_errors == [] and report.failed_requests == []


@needs_browser
def test_year_control_redraws_published_years(years_project: Path, artifacts: Path):
    result = build(years_project, formats="csv")
    with serve(result.out_dir) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        map_id = _open(page, base)
        buttons = page.locator(".routemap-years button.rm-year")
        shown = [buttons.nth(i).inner_text() for i in range(buttons.count())]
        disabled = [buttons.nth(i).is_disabled() for i in range(buttons.count())]
        counts = {"All years": page.evaluate(COUNT_DRAWN, map_id)}
        legs = {}
        for year in ("2021", "2023"):
            page.locator(".routemap-years button.rm-year", has_text=year).click()
            counts[year] = page.evaluate(COUNT_DRAWN, map_id)
            legs[year] = sorted(n for n, _ in page.evaluate(DRAWN_LEGS, map_id))
        page.locator(".routemap-years button.rm-play").click()
        page.wait_for_timeout(200)
        playing = page.evaluate("window.routemap.current()")
        page.screenshot(path=str(artifacts / "years-map.png"))
    assert shown == ["All years", "2021", "2022", "2023"] and disabled == [False, False, True, False]
    assert counts["All years"] == {"legs": 3, "places": 5}
    assert legs == {"2021": [6], "2023": [6]}
    assert counts["2021"] == {"legs": 1, "places": 3}  # Myanmar, Malaysia, and Cambodia with its ring
    assert playing > 0
    assert report.console_errors == [] and report.page_errors == []


@needs_browser
def test_ms_and_id_maps_have_no_english_of_routemaps_own(sample_project: Path, tmp_path: Path, artifacts: Path):
    for lang in ("ms", "id"):
        result = build(sample_project, language=lang, offline=True, out_dir=tmp_path / lang, formats="csv")
        legs = _leg_persons(result.out_dir)
        (_, _), biggest = legs.most_common(1)[0]
        with serve(result.out_dir) as base, browser_page() as (page, report):
            refuse_outside(page, report, base)
            map_id = _open(page, base)
            texts = [page.inner_text("body")]
            texts.append(_hover_biggest_place(page, map_id))
            texts.append(_hover_leg_any(page, map_id, biggest))
            texts += page.evaluate(
                "Array.from(document.querySelectorAll('[title],[aria-label]')).map(e => "
                "(e.title || '') + ' ' + (e.getAttribute('aria-label') || ''))"
            )
            page.screenshot(path=str(artifacts / f"map-{lang}.png"))
        title = "Routes into Malaysia: what pooled case data shows (synthetic sample)"  # the project's own
        seen = "\n".join(texts).replace(title, "")
        for english in MAP_ENGLISH:
            assert english not in seen, (lang, english)
        assert report.console_errors == [] and report.page_errors == []


def _hover_leg_any(page, map_id: str, persons: int) -> str:  # type: ignore[no-untyped-def]
    """Hover the leg drawn with ``persons`` (in any language) and return its tooltip text."""
    points = page.evaluate(
        """([id, n]) => { const m = window[id]; const r = document.getElementById(id).getBoundingClientRect();
          let pts = []; m.eachLayer(l => { if (l.options && l.options.routemap === 'leg' && l.options.leg[2] === n) {
            const ll = l.getLatLngs();
            pts = [0.3, 0.45, 0.2, 0.75].map(f => {
              const p = m.latLngToContainerPoint(ll[Math.floor(f * (ll.length - 1))]);
              return [p.x + r.left, p.y + r.top]; }); } }); return pts; }""",
        [map_id, persons],
    )
    for x, y in points:
        page.mouse.move(x - 6, y - 6)
        page.mouse.move(x, y, steps=3)
        if page.locator(".routemap-tip").count():
            return str(page.inner_text(".routemap-tip"))
    raise AssertionError(f"no tooltip for the leg of {persons}")


@pytest.fixture
def world_project(make_project) -> Path:
    """Routes around the world: whatever the map's edge, some leg crosses it; Norway > Alaska climbs to the pole."""
    rows = "year,origin,transit,destination,persons\n"
    rows += "2021,Japan,,United States,20\n2021,United States,,United Kingdom,15\n2021,United Kingdom,,Japan,12\n"
    rows += "2021,Fiji,,Samoa,9\n2021,Norway,,Alaska,8\n2021,Brazil,,New Zealand,7\n"
    return make_project({"p": {"a.csv": rows}}, settings='level = "place"\ntitle = "World"\n')


@needs_browser
def test_world_scale_legs_reach_their_circles(world_project: Path, artifacts: Path):
    result = build(world_project, offline=True, formats="csv")
    with serve(result.out_dir) as base, browser_page() as (page, report):
        refuse_outside(page, report, base)
        map_id = _open(page, base)
        ends = page.evaluate(
            """(id) => { const out = []; window[id].eachLayer(l => { if (l.options && l.options.routemap === 'leg') {
                 const ll = l.getLatLngs(); out.push([l.options.leg[0], l.options.leg[1], ll[0].lat, ll[0].lng,
                   ll[ll.length - 1].lat, ll[ll.length - 1].lng, Math.max(...ll.map(p => Math.abs(p.lat)))]); } });
                 return out; }""",
            map_id,
        )
        circles = page.evaluate(
            """(id) => { const out = {}; window[id].eachLayer(l => { if (l.options && l.options.routemap === 'place') {
                 const c = l.getLatLng(); out[l.options.place[0]] = [c.lat, c.lng]; } }); return out; }""",
            map_id,
        )
        inside = page.evaluate(
            """(id) => { const m = window[id], b = m.getBounds(); let all = true; m.eachLayer(l => {
                 if (l.options && l.options.routemap === 'place') { all = all && b.contains(l.getLatLng()); } });
                 return [all, m.getZoom()]; }""",
            map_id,
        )
        page.screenshot(path=str(artifacts / "world-map.png"))
    data = _page_data((result.out_dir / "map.html").read_text(encoding="utf-8"))
    names = [p[2] for p in data["places"]]
    lat_of = {i: p[0] for i, p in enumerate(data["places"])}
    # every leg starts at its origin's circle, and some copy of it ends at its destination's circle
    reached = set()
    for a, b, lat0, lng0, lat1, lng1, top in ends:
        if abs(lat1 - circles[str(b)][0]) < 0.01 and abs(lng1 - circles[str(b)][1]) < 0.01:
            reached.add((a, b))
        if abs(lat0 - circles[str(a)][0]) < 0.01 and abs(lng0 - circles[str(a)][1]) < 0.01:
            reached.add((a, "start"))
        # no arc climbs far past both of its ends towards a pole
        assert top <= max(abs(lat_of[a]), abs(lat_of[b])) + 25, (names[a], names[b], top)
    assert {(a, b) for a, b, *_ in ends} <= reached
    assert {(a, "start") for a, _, *_ in ends} <= reached
    assert inside[0] and inside[1] >= 1
    assert report.console_errors == [] and report.page_errors == []


@needs_browser
def test_a_click_on_a_place_shows_only_its_routes(sample_project: Path, artifacts: Path):
    result = build(sample_project, offline=True, formats="csv")
    routes = _routes_csv(result.out_dir)
    with serve(result.out_dir) as base, browser_page() as (page, report):
        refuse_outside(page, report, base)
        map_id = _open(page, base)
        point = page.evaluate(
            """(id) => { const m = window[id], r = document.getElementById(id).getBoundingClientRect(); let at = null;
                 m.eachLayer(l => { if (l.options && l.options.routemap === 'place') { const p =
                   m.latLngToContainerPoint(l.getLatLng()), x = p.x + r.left, y = p.y + r.top,
                   el = document.elementFromPoint(x, y);
                   if (!at && el && el.tagName === 'CANVAS' && l.options.radius > 6) { at = [x, y]; } } });
                 return at; }""",
            map_id,
        )
        page.mouse.click(point[0], point[1])
        chosen = page.evaluate("window.routemap.selected()")
        strong = page.evaluate(
            """(id) => { const out = []; window[id].eachLayer(l => { if (l.options && l.options.routemap === 'leg' &&
                 l.options.opacity > 0.1) { out.push(l.options.leg[0] + '>' + l.options.leg[1]); } }); return out; }""",
            map_id,
        )
        note = page.inner_text(".routemap-filter")
        page.screenshot(path=str(artifacts / "one-place-map.png"))
        page.locator(".routemap-filter button").click()
        after = page.evaluate("window.routemap.selected()")
    data = _page_data((result.out_dir / "map.html").read_text(encoding="utf-8"))
    names = [p[2] for p in data["places"]]
    place = names[chosen]
    expected = set()
    for r in routes:
        stops = r["route"].split(" > ")
        if place in stops:
            expected |= {f"{names.index(a)}>{names.index(b)}" for a, b in itertools.pairwise(stops)}
    assert set(strong) == expected and expected
    assert note.startswith(f"Only the routes through {place}.")
    assert after is None
    assert report.console_errors == [] and report.page_errors == []


def test_template_syntax_in_names_is_text(make_project):
    # folium reads a macro's output as a template again: "{{ 7*7 }}" must reach the page as written
    rows = "year,origin,transit,destination,persons\n2021,Kampung {{ 7*7 }},,Johor,6\n"
    project = make_project(
        {"p": {"a.csv": rows}},
        settings='title = "{{ 6*7 }} {% if true %}routes{% endif %}"\nlevel = "place"\n',
        places_csv='name,aliases,level,country,lon,lat\n"Kampung {{ 7*7 }}",,place,MY,101.5,3.1\n',
    )
    build(project, formats="csv")
    page = (project / "output" / "map.html").read_text(encoding="utf-8")
    data = _page_data(page)
    assert "Kampung {{ 7*7 }}" in [p[2] for p in data["places"]]
    assert "<h1>{{ 6*7 }} {% if true %}routes{% endif %}</h1>" in data["titleHtml"]
    assert "49" not in page and ">42 routes" not in page
