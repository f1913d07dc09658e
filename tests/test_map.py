"""The map page: escaped, light, deterministic, and drawn as published in a real browser."""

from __future__ import annotations

import csv
import itertools
import os
import shutil
from pathlib import Path

import pytest

from browser_harness import browser_page, install_routes, serve
from routemap.pipeline import build

XSS_PLACE = "<img src=x onerror=alert(1)>"
XSS_TITLE = "Routes <script>alert(2)</script> & more"

needs_browser = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("ROUTEMAP_REQUIRE_BROWSER"),
    reason="Chromium is not installed here (scripts/test installs it, sets ROUTEMAP_REQUIRE_BROWSER and never skips)",
)


@pytest.fixture
def xss_project(make_project) -> Path:
    rows = "year,origin,transit,destination,persons\n"
    rows += f"2020,Myanmar,Hidden Village,Penang,7\n2021,Nepal,,Johor,5\n2021,{XSS_PLACE},,Johor,6\n"
    rows = rows.replace("Hidden Village", "Kampung Rahsia")
    return make_project(
        {"p": {"a.csv": rows}},
        settings=f'title = "{XSS_TITLE}"\nlevel = "place"\n',
        places_csv=f'name,aliases,level,country,lon,lat\n"{XSS_PLACE}",,place,MY,101.5,3.1\n'
        "Kampung Rahsia,,place,TH,100.5,6.9\n",
    )


def test_every_label_is_escaped_and_no_unused_assets(xss_project: Path):
    build(xss_project)
    page = (xss_project / "output" / "map.html").read_text(encoding="utf-8")
    assert XSS_PLACE not in page and "<script>alert(2)" not in page
    assert "\\u003cimg" not in page  # no raw tag even inside the embedded JSON
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page  # escaped text in the tooltip data
    assert "Routes &lt;script&gt;alert(2)&lt;/script&gt; &amp; more" in page
    for unused in ("jquery", "bootstrap", "awesome-markers", "fontawesome"):
        assert unused not in page.lower(), unused


def _published_places(out: Path) -> set[str]:
    with (out / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if not r["persons"].startswith("<")]
    return {stop for r in rows for stop in r["route"].split(" > ")}


def _published(out: Path) -> dict[str, int]:
    with (out / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if not r["persons"].startswith("<")]
    legs, places = set(), set()
    for r in rows:
        stops = r["route"].split(" > ")
        places.update(stops)
        legs.update(itertools.pairwise(stops))
    return {"legs": len(legs), "places": len(places)}


def _load(out: Path, artifacts: Path, shot: str):  # type: ignore[no-untyped-def]
    with serve(out) as base, browser_page() as (page, report):
        install_routes(page, report, base)
        page.goto(f"{base}/map.html", wait_until="load")
        page.wait_for_function("window.routemap !== undefined", timeout=10_000)
        drawn = page.evaluate("window.routemap")
        map_id = page.evaluate("document.querySelector('.folium-map').id")
        # hover the biggest place not covered by a panel: its tooltip must appear
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
        page.wait_for_selector(".leaflet-tooltip", timeout=5_000)
        tooltip = page.inner_text(".leaflet-tooltip")
        counted = page.evaluate(
            """(id) => { let legs = 0, places = 0; window[id].eachLayer(l => {
                 if (l.options && l.options.routemap === 'leg') legs++;
                 if (l.options && l.options.routemap === 'place') places++; });
               return {legs: legs, places: places}; }""",
            map_id,
        )
        page.screenshot(path=str(artifacts / shot))
    return drawn, counted, tooltip, report


@needs_browser
def test_sample_map_in_chromium(sample_project: Path, artifacts: Path):
    result = build(sample_project)
    out = result.out_dir
    drawn, counted, tooltip, report = _load(out, artifacts, "sample-map.png")
    expected = _published(out)
    assert drawn == expected == counted
    name, *counts = tooltip.splitlines()
    assert name in _published_places(out)
    assert counts and all(c.split()[0].replace(",", "").isdigit() for c in counts)
    assert report.console_errors == [] and report.page_errors == []
    assert report.failed_requests == []
    assert report.dialogs == []
    assert (artifacts / "sample-map.png").stat().st_size > 10_000


@needs_browser
def test_markup_in_labels_runs_nothing(xss_project: Path, artifacts: Path):
    build(xss_project)
    drawn, counted, tooltip, report = _load(xss_project / "output", artifacts, "xss-map.png")
    assert report.dialogs == []
    assert report.page_errors == [] and report.console_errors == []
    # Myanmar > Kampung Rahsia > Penang, Nepal > Johor, <img …> > Johor
    assert drawn == counted == {"legs": 4, "places": 6}
    assert tooltip.splitlines()[0] in {"Myanmar", "Kampung Rahsia", "Penang", "Nepal", "Johor", XSS_PLACE}
