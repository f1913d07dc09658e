"""report.html, and hostile place names in every format: escaped, formula-safe, inert in a real browser."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyogrio
import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from browser_harness import browser_page, install_routes, needs_browser_mark, serve
from routemap._safe import FORMULA_PREFIXES
from routemap.pipeline import build
from routemap.render.report import rounded

REPO = Path(__file__).resolve().parents[1]
XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
MATH = "Kampung $x$ Test"
TITLE = "Routes <script>alert(2)</script> & =1+1"

needs_browser = needs_browser_mark()


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose place names (from data/places.csv) are markup, a formula and mathtext."""
    project = tmp_path_factory.mktemp("hostile")
    folder = project / "data" / "contributions" / "shelter-folder"
    folder.mkdir(parents=True)
    rows = ["year,origin,transit,destination,persons,sex,sector"]
    rows += [
        "2020,Myanmar,Kampung Rahsia,Penang,7,female,domestic_work",
        "2021,Nepal,,Johor,5,male,construction",
        f"2021,{_quote(XSS)},,Johor,6,female,plantation",
        f"2022,{_quote(FORMULA)},,Sabah,8,male,plantation",
        f"2022,{_quote(FORMULA)},,Sabah,1,female,fishing",
        "2022,Vietnam,,Sabah,3,male,fishing",
        f"2023,{MATH},,Kedah,9,female,{_quote('-sector')}",
    ]
    (folder / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "partner.toml").write_text('name = "Shelter <b>One</b>"\n', encoding="utf-8")
    # a second organisation (its one row is not routable): names are shown only when two or more contributed
    second = project / "data" / "contributions" / "second-folder"
    second.mkdir(parents=True)
    (second / "b.csv").write_text("year,origin,destination\n2021,Qwertyland,Johor\n", encoding="utf-8")
    (project / "data" / "places.csv").write_text(
        "name,aliases,level,country,lon,lat\n"
        f"{_quote(XSS)},,place,MY,101.5,3.1\n{_quote(FORMULA)},,place,ID,110.5,-7.1\n"
        f"Kampung Rahsia,,place,TH,100.5,6.9\n{MATH},,place,KH,104.9,11.5\n",
        encoding="utf-8",
    )
    (project / "routemap.toml").write_text(
        f'title = {json.dumps(TITLE)}\nlevel = "place"\nfocus = "MY"\nshow_partners = true\n', encoding="utf-8"
    )
    build(project)
    return project


def _cells(out: Path) -> list[str]:
    cells = []
    for path in out.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    return cells


def test_formula_injection_is_neutralised_in_csv_and_xlsx(hostile: Path):
    out = hostile / "output"
    cells = _cells(out)
    assert f"'{FORMULA}" in cells and f"'{FORMULA} > Sabah" in cells
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    wb = load_workbook(out / "routes.xlsx")
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), (ws.title, cell.value)
                    seen.append(cell.value)
    assert f"'{FORMULA}" in seen and f"'{FORMULA} > Sabah" in seen
    assert "'=1+1" not in seen and all("=1+1" not in v or v.startswith("Routes") for v in seen)


def test_markup_is_escaped_in_html_and_markdown(hostile: Path):
    out = hostile / "output"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert XSS not in page and "<script" not in page and "<b>One" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Routes &lt;script&gt;alert(2)&lt;/script&gt; &amp; =1+1" in page
    assert "Shelter &lt;b&gt;One&lt;/b&gt;" in page  # show_partners = true: the name, escaped
    assert "shelter-folder" not in page  # folder names never
    html = MarkdownIt("commonmark").enable("table").render((out / "routes.md").read_text(encoding="utf-8"))
    assert "<img" not in html and "<script" not in html and "<a " not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_gis_layers_keep_names_as_data(hostile: Path):
    out = hostile / "output"
    places = pyogrio.read_dataframe(out / "routemap.gpkg", layer="places")
    assert {XSS, FORMULA, MATH} <= set(places["name"])  # text attributes: stored as written, run nowhere
    features = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    assert f"{FORMULA} > Sabah" in {f["properties"]["route"] for f in features}
    assert "Vietnam > Sabah" not in {f["properties"]["route"] for f in features}  # 3 persons: suppressed


def test_rounded_counts():
    assert [rounded(n) for n in (0, 1, 9, 10, 14, 15, 1944, 1945, 1947)] == [
        "0",
        "fewer than 10",
        "fewer than 10",
        "about 10",
        "about 10",
        "about 20",
        "about 1,940",
        "about 1,950",
        "about 1,950",
    ]


def load_report(out: Path, artifacts: Path, shot: str) -> tuple[dict, object]:
    with serve(out) as base, browser_page(1200, 900) as (page, report):
        install_routes(page, report, base)
        page.goto(f"{base}/report.html", wait_until="load")
        frame = page.frame_locator("iframe")
        frame.locator(".folium-map").wait_for(timeout=10_000)
        inner = next(f for f in page.frames if f.url.endswith("/map.html"))
        inner.wait_for_function("window.routemap !== undefined", timeout=10_000)
        facts = {
            "tables": page.evaluate("document.querySelectorAll('table').length"),
            "drawn": inner.evaluate("window.routemap"),
            "scripts": page.evaluate("document.scripts.length"),
            "title": page.title(),
            "quality": page.inner_text("table.dq"),
        }
        page.screenshot(path=str(artifacts / shot), full_page=True)
    return facts, report


@needs_browser
def test_hostile_names_run_nothing_in_the_report(hostile: Path, artifacts: Path):
    facts, report = load_report(hostile / "output", artifacts, "hostile-report.png")
    assert report.dialogs == []  # type: ignore[attr-defined]
    assert report.console_errors == [] and report.page_errors == []  # type: ignore[attr-defined]
    assert facts["scripts"] == 0 and facts["title"] == TITLE
