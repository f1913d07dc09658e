"""Charts, flows, comparison, destinations, languages, size and print of report.html (issue 18)."""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from routemap._errors import ConfigError
from routemap.disclosure import DataQuality, Rounded
from routemap.pipeline import build
from routemap.render.charts import sankey_layout
from routemap.render.report import ReportInputs, ReportMeta, render_report
from routemap.render.static import render_static_map
from routemap.render.tables import breakdown_table, places_tables, top_routes_table
from test_map import _page_data, _strings, _synthetic_publication
from test_report import load_report, needs_browser

#: English of routemap's own that must not be in an ms or id report (written here, not read from the table).
REPORT_ENGLISH = (
    "persons",
    "Top routes",
    "Origins",
    "Transit points",
    "Destinations",
    "Routes by",
    "Share (%)",
    "Rank",
    "At a glance",
    "Flows",
    "Where journeys end",
    "Methods",
    "Data quality",
    "Records and",
    "De-duplication",
    "Small counts",
    "Rows read",
    "contributing organisation",
    "data as of",
    "published",
    "suppressed",
    "fewer than",
    "Made with",
    "Open the map",
    "Downloads",
    "other routes",
    "starting here",
    "ending here",
    "Change between",
    "Growing",
    "Shrinking",
    "Total of published",
    "route table",
)


class _Text(html.parser.HTMLParser):
    """The text a reader sees (no style, no attribute values except titles and alt texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "\n".join(parser.parts)


def _chart_values(page: str) -> list[float]:
    """Every figure a chart or the flow diagram draws (its data-value)."""
    return [float(v) for v in re.findall(r'data-value="([-\d.]+)"', page)]


@pytest.fixture
def planted(make_project) -> Path:
    """Suppressed cells planted where a chart could show them.

    Every other sector and year of a route is 0, shown <5, so each row also hides its largest cell.
    Nepal > Malaysia (13): agriculture 10 (hidden) and fishing 3 (<5); 2021: 10 (hidden), 2022: 3 (<5).
    Myanmar > Malaysia (18): construction 12 in 2021 (hidden), domestic work 6 in 2022 (published).
    Vietnam > Malaysia: 3 persons -> the route is not published.
    """
    rows = "year,origin,transit,destination,persons,sector\n"
    rows += "2021,Nepal,,Malaysia,10,agriculture\n2022,Nepal,,Malaysia,3,fishing\n"
    rows += "2021,Myanmar,,Malaysia,12,construction\n2022,Myanmar,,Malaysia,6,domestic_work\n"
    rows += "2022,Vietnam,,Malaysia,3,fishing\n"
    return make_project({"p": {"a.csv": rows}}, settings='level = "country"\ntitle = "Planted"\n')


def test_no_chart_encodes_a_suppressed_cell(planted: Path):
    build(planted, formats="html,png")
    page = (planted / "output" / "report.html").read_text(encoding="utf-8")
    values = _chart_values(page)
    # published figures only: places 13 and 18 (origins), 31 (destination), the sector and year cells of 6,
    # flows 13 and 18 and their nodes
    assert set(values) <= {13, 18, 31, 6}, sorted(set(values))
    assert 3 not in values and 10 not in values and 12 not in values
    charts = re.findall(r'<figure class="chart".*?</figure>', page, flags=re.S)
    assert len(charts) >= 5
    sectors = next(c for c in charts if 'id="chart-sector"' in c)
    assert "Domestic work" in sectors
    assert "Fishing" not in sectors and "Agriculture" not in sectors and "Construction" not in sectors
    years = [c for c in charts if 'id="chart-years"' in c]
    assert all(c.count("<circle") <= 1 for c in years)  # one published year cell: hidden years are gaps, not zeros
    assert "Vietnam" not in page.split('<section id="top_routes">')[0]  # a suppressed route is in no chart
    flows = (planted / "output" / "flows.svg").read_text(encoding="utf-8")
    assert set(_chart_values(flows)) <= {13, 18, 31} and (planted / "output" / "flows.png").stat().st_size > 5_000


def test_fields_with_no_known_value_are_left_out_with_a_line(planted: Path):
    build(planted, formats="html")
    page = (planted / "output" / "report.html").read_text(encoding="utf-8")
    assert 'id="routes_by_sector"' in page and 'id="routes_by_year"' in page
    for dim in ("sex", "age_group", "exploitation"):
        assert f'id="routes_by_{dim}"' not in page
    assert "Left out: Routes by type of exploitation, Routes by sex, Routes by age group." in page
    assert "a keyed hash of an identifier, which never holds a name" in page  # the method note reads


def test_periods_are_compared_from_published_year_cells(make_project):
    # Nepal > Malaysia: 2021 10 (hidden: the largest), 2022 3 (<5), 2023 6; Myanmar > Malaysia: 2022 6, 2023 9
    # (hidden); Cambodia > Thailand: 2022 7 (hidden), 2023 5. A period with a hidden or <5 cell has no sum.
    rows = "year,origin,transit,destination,persons\n"
    rows += "2021,Nepal,,Malaysia,10\n2022,Nepal,,Malaysia,3\n2023,Nepal,,Malaysia,6\n"
    rows += "2022,Myanmar,,Malaysia,6\n2023,Myanmar,,Malaysia,9\n2022,Cambodia,,Thailand,7\n2023,Cambodia,,Thailand,5\n"
    project = make_project({"p": {"a.csv": rows}}, settings='level = "country"\ncompare = "2023"\n')
    build(project, formats="html")
    page = (project / "output" / "report.html").read_text(encoding="utf-8")
    section = page.split('<section id="compare">')[1].split("</section>")[0]
    table = section.split("<tbody>")[1].split("</tbody>")[0]
    rows_shown = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in table.split("</tr>") if "<td" in r]
    assert rows_shown == [
        ["Cambodia &gt; Thailand", "", "5", ""],
        ["Myanmar &gt; Malaysia", "6", "", ""],
        ["Nepal &gt; Malaysia", "", "6", ""],
    ]  # no route has both periods published: no change is shown
    assert '<th scope="col" class="n">2022</th>' in section and "2023</th>" in section


def test_compare_setting_is_checked(make_project):
    project = make_project({"p": {"a.csv": "year,origin,destination\n2021,Nepal,Malaysia\n"}})
    with pytest.raises(ConfigError, match="the first period must end before the second begins"):
        build(project, compare="2023,2022")
    with pytest.raises(ConfigError, match="is not one or two periods"):
        build(project, compare="2021,2022,2023")


def test_sample_report_is_small_and_has_charts_and_flows(sample_project: Path):
    build(sample_project, formats="html,png")
    out = sample_project / "output"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) < 300_000
    assert page.count('<figure class="chart"') >= 6 and '<figure class="chart flows">' in page
    assert "<script" not in page and "script-src 'none'" in page
    assert (out / "flows.svg").read_text(encoding="utf-8").startswith("<?xml")
    for section in ("charts", "flows", "destinations", "top_routes", "methods"):
        assert f'<section id="{section}">' in page
    # a destination section per focus state: Sabah first, by persons ending there
    assert re.search(r"<h3>Sabah: [\d,]+ persons</h3>", page)


def test_a_1000_route_report_stays_under_400_kb(tmp_path: Path):
    pub = _synthetic_publication(4000)  # 1,000 routes of five stops
    assert len(pub.published_routes()) == 1000
    tables = [
        top_routes_table(pub),
        *places_tables(pub),
        *(breakdown_table(pub, dim) for dim in ("sector", "sex", "age_group")),
    ]
    meta = ReportMeta(
        title="Many routes",
        period="",
        as_of=None,
        organisations=2,
        level="place",
        focus_name=None,
        min_count=5,
        label="<5",
        routes_published=1000,
        published_persons=pub.published_persons,
        version="test",
    )
    quality = DataQuality(Rounded(10), Rounded(10), Rounded(0), Rounded(0), 100)
    flows = sankey_layout(pub, lang="en")
    assert flows is not None and flows.shown >= 12 and flows.shown + flows.rest == 1000  # ties with the 12th too
    inputs = ReportInputs(pub=pub)
    render_report(tables, tmp_path / "report.html", meta=meta, quality=quality, inputs=inputs)
    size = (tmp_path / "report.html").stat().st_size
    assert size < 400_000, size


@pytest.mark.parametrize("lang", ["ms", "id"])
def test_ms_and_id_reports_have_no_english_of_routemaps_own(sample_project: Path, lang: str):
    (sample_project / "routemap.toml").write_text(
        f'language = "{lang}"\nfocus = "MY"\nas_of = "2025-06-30"\ncompare = "2023"\n', encoding="utf-8"
    )
    build(sample_project, formats="csv,xlsx,html,png")
    out = sample_project / "output"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    seen = _text(page)
    # file names are names, not words: they stay as they are
    seen = re.sub(r"\b[\w.]+\.(?:csv|xlsx|md|png|svg|pdf|html|gpkg|geojson)\b", "", seen)
    for english in REPORT_ENGLISH:
        assert english not in seen, (lang, english)
    title = {"ms": "Laluan migrasi dan pemerdagangan orang", "id": "Rute migrasi dan perdagangan orang"}[lang]
    assert f"<h1>{title}</h1>" in page  # the default title in the report's language
    number = {"ms": "2,117", "id": "2.117"}[lang]
    assert number in seen


def test_pdf_needs_a_browser_and_says_how_to_get_one(sample_project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ConfigError, match=r"report.pdf needs Chromium, which is not installed: install it"):
        build(sample_project, formats="html,pdf")


@needs_browser
@pytest.mark.skipif(shutil.which("pdftoppm") is None and not shutil.which("chromium"), reason="needs poppler-utils")
def test_pdf_prints_the_map_image_and_no_row_is_cut(sample_project: Path, tmp_path: Path):
    build(sample_project, formats="csv,html,png,pdf")
    pdf = sample_project / "output" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout)[1]
    )
    assert pages >= 5
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", pdf, tmp_path / "page"], check=True)
    assert sorted(p.name for p in tmp_path.glob("page-*.png")) == ["page-01.png", "page-02.png"]
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
    assert re.search(r"^\s*1\s+\d+\s+image\s+1500\s+1200\b", images, flags=re.M), images  # map.png on page 1
    # every row of the top-routes table is printed whole, on one page
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    page_of = {}
    for number, page in enumerate(text.split("\f"), start=1):
        for line in page.splitlines():
            match = re.match(r"\s*(\d+)\s+(\S.*?\S)\s{2,}", line)
            if match:
                page_of.setdefault(match.group(2), set()).add(number)
    with (sample_project / "output" / "routes.csv").open(encoding="utf-8-sig") as fh:
        routes = [line.split(",")[1] for line in fh.read().splitlines()[1:26]]
    for route in routes:
        assert route.replace(" > ", " > ") in text, route
    page = (sample_project / "output" / "report.html").read_text(encoding="utf-8")
    assert "tr,figure,svg,.dest>div{break-inside:avoid}" in page and "thead{display:table-header-group}" in page


@needs_browser
def test_sample_report_renders_charts_without_errors(sample_project: Path, artifacts: Path):
    build(sample_project, formats="csv,xlsx,html,png")
    facts, report = load_report(sample_project / "output", artifacts, "sample-report-charts.png")
    assert report.console_errors == [] and report.page_errors == []  # type: ignore[attr-defined]
    assert report.failed_requests == [] and facts["scripts"] == 0


def test_a_wrapped_title_pushes_the_subtitle_and_map_down(tmp_path: Path):
    pub = _synthetic_publication(40)
    long = "A title for a map of migration routes long enough that it certainly wraps onto a second line here"
    boxes = render_static_map(pub, tmp_path / "map.png", title=long, subtitle="2018–2024 · data as of 2025-06-30")
    assert boxes["title_bottom"] >= boxes["subtitle_top"]  # pixel rows count from the bottom
    assert boxes["subtitle_bottom"] >= boxes["axes_top"]


def test_unit_and_source_appear_in_headers_and_captions(planted: Path):
    toml = planted / "routemap.toml"
    toml.write_text(toml.read_text() + 'unit = "detected victims"\nsource = "Shelter network, 2024"\n')
    build(planted, formats="html")
    page = (planted / "output" / "report.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "Counts are of detected victims." in text and "Source: Shelter network, 2024" in text
    assert "Detected victims starting here, summed over published routes only." in text
    assert '<th scope="col" class="n">Detected victims</th>' in page
    data = _page_data((planted / "output" / "map.html").read_text(encoding="utf-8"))
    words = "\n".join(_strings({k: v for k, v in data.items() if k not in ("places", "routes")}))
    assert "detected victims" in words and "persons" not in words
