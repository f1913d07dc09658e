"""Every output format of the sample build, read back with its own reader and compared with routes.csv."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from collections import Counter
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image

from routemap._outdir import MANIFEST
from routemap.cli import main
from routemap.disclosure import data_quality, round_count
from routemap.pipeline import FORMATS, OUTPUT_FILES, build
from routemap.render.report import rounded
from routemap.render.xlsx import ZIP_TIME
from test_report import load_report, needs_browser

#: What a build writes without --formats: everything but report.pdf (which needs a browser).
DEFAULT_FILES = tuple(n for n in OUTPUT_FILES if n != "report.pdf")

REPO = Path(__file__).resolve().parents[1]
REQUIRE = bool(os.environ.get("ROUTEMAP_REQUIRE_BROWSER"))


def _copy_sample(root: Path) -> Path:
    project = root / "sample"
    project.mkdir()
    shutil.copy(REPO / "routemap.toml", project / "routemap.toml")
    shutil.copytree(REPO / "data", project / "data")
    return project


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _copy_sample(tmp_path_factory.mktemp("outputs"))
    return build(project).out_dir


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _published(out: Path) -> list[dict[str, str]]:
    return [r for r in _csv(out / "routes.csv") if not r["persons"].startswith("<")]


class _Tables(HTMLParser):
    """Collect the text of every table cell, per table (id of the enclosing section)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables.setdefault(self.section, []).append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _output_names(out: Path) -> set[str]:
    """The files of an output folder, without routemap's list of them (.routemap-outputs)."""
    return {p.name for p in out.iterdir() if p.name != MANIFEST}


def test_every_format_is_written(sample_out: Path):
    names = _output_names(sample_out)
    assert names == set(DEFAULT_FILES)  # the sample has a focus country, so destinations_by_state too
    for name in names:
        assert (sample_out / name).stat().st_size > 100, name


def _same(value: object, text: str) -> bool:
    """An XLSX value equals a CSV cell: numbers as numbers, text as text, empty as None."""
    if value is None:
        return text == ""
    if isinstance(value, int | float):
        return float(value) == float(text)
    return value == text


def test_xlsx_sheets_agree_with_the_csv_tables(sample_out: Path):
    wb = load_workbook(sample_out / "routes.xlsx")
    assert wb.sheetnames[-1] == "Notes"
    top = wb["Top routes"]
    assert top.freeze_panes == "A2"
    assert top["A1"].font.b and top["A1"].fill.fgColor.rgb.endswith("2F4F6F")
    routes = _csv(sample_out / "routes.csv")
    rows = list(top.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(routes)
    for row, r in zip(rows, routes, strict=True):
        rank, route, origin, transit, destination, persons, share, *_ = row
        assert str(rank) == r["rank"] and route == r["route"]
        assert (origin, transit or "", destination) == (r["origin"], r["transit"], r["destination"])
        assert str(persons) == r["persons"]
        assert _same(share, r["share"])
    persons_cell = top["F2"]
    assert persons_cell.number_format == "#,##0" and top["G2"].number_format == "0.0"
    assert top.column_dimensions["B"].width > top.column_dimensions["A"].width
    # every other sheet holds the same cells as its CSV file (numbers as numbers, <5 and x as text)
    for name, sheet in (("origins", "Origins"), ("routes_by_sector", "By sector"), ("routes_by_year", "By year")):
        table = _csv(sample_out / f"{name}.csv")
        ws = wb[sheet]
        values = list(ws.iter_rows(min_row=2, max_row=len(table) + 1, values_only=True))
        for row, r in zip(values, table, strict=True):
            assert all(_same(v, t) for v, t in zip(row, r.values(), strict=True)), (name, row)
        if name.startswith("routes_by"):
            footer = next(ws.iter_rows(min_row=len(table) + 2, max_row=len(table) + 2, values_only=True))
            assert footer[1] == "Total of published cells"
            for col, value in enumerate(footer[3:], start=3):
                assert value == sum(v[col] for v in values if isinstance(v[col], int))


def test_xlsx_carries_no_clock(sample_out: Path):
    with zipfile.ZipFile(sample_out / "routes.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {ZIP_TIME}
        core = z.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core) == ["2025-06-30T00:00:00Z"] * 2


def test_markdown_and_report_tables_agree_with_routes_csv(sample_out: Path):
    routes = _csv(sample_out / "routes.csv")
    md = (sample_out / "routes.md").read_text(encoding="utf-8")
    block = md.split("## Top routes")[1].split("\n## ")[0]
    lines = [line for line in block.splitlines() if line.startswith("| ")][1:]
    md_rows = [[c.strip().replace("\\", "") for c in line.strip().strip("|").split("|")] for line in lines]
    parser = _Tables()
    parser.feed((sample_out / "report.html").read_text(encoding="utf-8"))
    html_rows = parser.tables["top_routes"][1:]
    assert len(routes) > 25  # the report shows the first 25 routes, the other formats all of them
    for shown, expected in ((md_rows, routes), (html_rows, routes[:25])):
        assert len(shown) == len(expected)
        for row, r in zip(shown, expected, strict=True):
            persons = f"{int(r['persons']):,}" if r["persons"].isdigit() else r["persons"]
            assert row[:7] == [r["rank"], r["route"], r["origin"], r["transit"], r["destination"], persons, r["share"]]
    # every CSV table is in the report, cell for cell (numbers with thousands separators)
    for path in sample_out.glob("*.csv"):
        if path.name == "routes.csv":
            continue
        table = _csv(path)[:25]
        shown = parser.tables[path.stem][1 : len(table) + 1]
        for row, r in zip(shown, table, strict=True):
            assert [c.replace(",", "") for c in row] == list(r.values()), path.name


def _gpkg_routes(out: Path) -> dict[str, int]:
    routes = pyogrio.read_dataframe(out / "routemap.gpkg", layer="routes")
    return dict(zip(routes["route"], routes["persons"].astype(int), strict=True))


def test_geopackage_layers_hold_published_figures_only(sample_out: Path):
    path = sample_out / "routemap.gpkg"
    layers = {str(name): str(kind) for name, kind in pyogrio.list_layers(path)}
    assert layers == {"routes": "MultiLineString", "legs": "MultiLineString", "places": "Point"}
    published = _published(sample_out)
    assert _gpkg_routes(sample_out) == {r["route"]: int(r["persons"]) for r in published}
    routes = pyogrio.read_dataframe(path, layer="routes")
    assert routes.crs.to_epsg() == 4326
    assert "records" not in routes.columns  # exact record counts per route are not published
    by_route = {r["route"]: r for r in published}
    for row in routes.itertuples():
        assert f"{row.share:.1f}" == by_route[row.route]["share"] and str(row.rank) == by_route[row.route]["rank"]
    legs: Counter[tuple[str, str]] = Counter()
    for r in published:
        for a, b in pairwise(r["route"].split(" > ")):
            legs[(a, b)] += int(r["persons"])
    leg_layer = pyogrio.read_dataframe(path, layer="legs")
    pairs = zip(leg_layer["from_name"], leg_layer["to_name"], strict=True)
    assert dict(zip(pairs, leg_layer["persons"], strict=True)) == dict(legs)
    places = pyogrio.read_dataframe(path, layer="places")
    starts: Counter[str] = Counter()
    for r in published:
        starts[r["route"].split(" > ")[0]] += int(r["persons"])
    assert {n: s for n, s in zip(places["name"], places["persons_start"], strict=True) if s} == dict(starts)
    assert places.crs.to_epsg() == 4326 and leg_layer.crs.to_epsg() == 4326


@pytest.mark.skipif(
    shutil.which("ogrinfo") is None and not REQUIRE,
    reason="GDAL's ogrinfo is not installed (apt-get install gdal-bin; scripts/test installs it and never skips)",
)
def test_ogrinfo_lists_the_three_layers_and_their_counts(sample_out: Path):
    ogrinfo = shutil.which("ogrinfo")
    assert ogrinfo, "ogrinfo is required here (ROUTEMAP_REQUIRE_BROWSER is set): apt-get install gdal-bin"
    path = str(sample_out / "routemap.gpkg")
    listing = subprocess.run([ogrinfo, "-ro", "-q", path], capture_output=True, text=True, check=True, timeout=60)
    assert re.findall(r"^\d+: (\w+) \(([^)]+)\)$", listing.stdout, flags=re.M) == [
        ("routes", "Multi Line String"),
        ("legs", "Multi Line String"),
        ("places", "Point"),
    ]
    assert "Warning" not in listing.stderr, listing.stderr
    published = _published(sample_out)
    detail = subprocess.run(
        [ogrinfo, "-ro", "-al", "-geom=NO", path, "routes"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert f"Feature Count: {len(published)}" in detail
    assert 'EPSG",4326' in detail.replace(" ", "") or 'ID["EPSG",4326]' in detail
    names = re.findall(r"^\s+route \(String\) = (.*)$", detail, flags=re.M)
    persons = [int(v) for v in re.findall(r"^\s+persons \(Integer64\) = (\d+)$", detail, flags=re.M)]
    assert dict(zip(names, persons, strict=True)) == {r["route"]: int(r["persons"]) for r in published}


def test_geojson_agrees_with_routes_csv(sample_out: Path):
    data = json.loads((sample_out / "routes.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data  # RFC 7946: WGS84 lon/lat, no crs member
    published = _published(sample_out)
    got = [(f["properties"]["route"], f["properties"]["persons"], f["properties"]["share"]) for f in data["features"]]
    assert got == [(r["route"], int(r["persons"]), float(r["share"])) for r in published]
    frame = pyogrio.read_dataframe(sample_out / "routes.geojson")
    assert frame.crs.to_epsg() == 4326 and len(frame) == len(published)
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_static_map_is_a4_legible_and_draws_the_top_routes(sample_out: Path):
    with Image.open(sample_out / "map.png") as im:
        assert im.format == "PNG" and im.size == (1500, 1200)
        assert im.info.get("dpi", (200, 200))[0] == pytest.approx(200, abs=1)
        colours = len(im.convert("RGB").getcolors(maxcolors=1 << 24) or [])
    assert colours > 50  # outlines, lines, circles and text, not a blank canvas


def test_same_inputs_give_byte_identical_outputs_in_every_format(sample_out: Path, tmp_path: Path):
    a, b = sample_out, tmp_path / "b"
    time.sleep(1.0)  # a clock that leaked into a file would now show
    build(sample_out.parent, out_dir=b)
    assert _output_names(a) == set(DEFAULT_FILES)
    for name in DEFAULT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_formats_option_writes_only_what_is_asked_and_removes_stale_files(make_project, tmp_path: Path):
    rows = "year,origin,transit,destination,persons\n2020,Myanmar,Thailand,Penang,7\n2021,Nepal,,Johor,3\n"
    project = make_project({"p": {"a.csv": rows}}, settings='focus = "MY"\n')
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(project), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert _output_names(out) == set(DEFAULT_FILES)  # destinations by state too: focus MY
    result = runner.invoke(main, ["build", str(project), "--out", str(out), "-q", "--formats", "gpkg, PNG"])
    assert result.exit_code == 0, result.output
    assert _output_names(out) == {"map.html", "routemap.gpkg", "map.png", "flows.svg", "flows.png"}
    result = runner.invoke(main, ["build", str(project), "--out", str(out), "--formats", "csv,svg"])
    assert result.exit_code == 2
    assert (
        "Invalid value for '--formats': unknown output format 'svg'; choose from "
        "csv, xlsx, md, html, gpkg, geojson, png, pdf (comma-separated, e.g. csv,xlsx; map.html is always written)"
    ) in result.output
    assert _output_names(out) == {"map.html", "routemap.gpkg", "map.png", "flows.svg", "flows.png"}  # untouched
    result = runner.invoke(main, ["build", "-h"])
    assert "--formats LIST" in result.output and result.exit_code == 0
    assert FORMATS == ("csv", "xlsx", "md", "html", "gpkg", "geojson", "png", "pdf")


def test_data_quality_is_rounded_totals_only(sample_out: Path):
    project = sample_out.parent
    page = (sample_out / "report.html").read_text(encoding="utf-8")
    record = json.loads((project / ".routemap" / "build.json").read_text(encoding="utf-8"))
    totals = record["totals"]
    quality_table = page.split('<table class="dq">')[1].split("</table>")[0]
    for key in ("rows_read", "accepted", "rejected", "merged", "routable", "routable_persons", "persons"):
        exact = totals[key]
        exact_shown = rf"(?<!about )\b({exact}|{exact:,})\b"  # "about 1,980" may equal it by chance
        assert not re.search(exact_shown, quality_table), key
        if exact >= 1000:  # large enough not to be a table cell by chance: nowhere on the page
            assert not re.search(exact_shown, page), key
    assert "about 1,980" in quality_table and "about 1,950" in quality_table and "fewer than 10" in quality_table
    with (project / ".routemap" / "places.csv").open(encoding="utf-8", newline="") as fh:
        report = list(csv.DictReader(fh))
    share = 100 * sum(1 for r in report if r["place_id"]) // len(report)
    assert f"<td>{share}%</td>" in page
    for partner in ("pusat-sokongan-pekerja", "jaringan-buruh-migran", "migrant-worker-legal-aid", "Pusat Sokongan"):
        assert partner not in page  # show_partners is false in the sample
    for file in record["files"]:
        assert Path(file["file"]).name not in page
    quality = data_quality(totals, pd.read_csv(project / ".routemap" / "places.csv", dtype=str, keep_default_na=False))
    assert quality.accepted == round_count(totals["accepted"])
    assert rounded(totals["accepted"]) in quality_table


@needs_browser
def test_sample_report_renders_without_errors(sample_out: Path, artifacts: Path):
    facts, report = load_report(sample_out, artifacts, "sample-report.png")
    assert report.console_errors == [] and report.page_errors == []  # type: ignore[attr-defined]
    assert report.failed_requests == [] and report.dialogs == []  # type: ignore[attr-defined]
    assert facts["scripts"] == 0
    assert facts["tables"] == 11  # ten tables and the data-quality table
    assert facts["drawn"]["legs"] > 0 and "about 1,950" in facts["quality"]


def test_nothing_published_still_gives_typed_empty_layers(make_project):
    rows = "year,origin,transit,destination,persons\n2020,Myanmar,Thailand,Penang,7\n2021,Nepal,,Johor,3\n"
    project = make_project({"p": {"a.csv": rows}})
    out = build(project, min_count=100).out_dir
    layers = {str(n): (str(k), 0) for n, k in pyogrio.list_layers(out / "routemap.gpkg")}
    assert layers == {"routes": ("MultiLineString", 0), "legs": ("MultiLineString", 0), "places": ("Point", 0)}
    for name in layers:
        assert len(pyogrio.read_dataframe(out / "routemap.gpkg", layer=name)) == 0
    assert json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"] == []
    assert _csv(out / "routes.csv") == []  # routes below the minimum are not listed
    assert _csv(out / "routes_by_sector.csv") == [] and _csv(out / "origins.csv") == []
    assert (out / "map.png").stat().st_size > 10_000 and "No published" in (out / "report.html").read_text()
