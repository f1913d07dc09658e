"""The leak check on real cases: ordinary words build, planted private values are refused in every format.

The first half replays the cases that were refused on real data (issue 13), with the real words:
each builds, exit 0, and publishes what it should. The second half plants each kind of private
value into each kind of output, as a renderer bug would, and checks the build refuses with a
message naming the output, the file, the column and the line the value was read from.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routemap import pipeline
from routemap._errors import DisclosureError
from routemap.audit import published_values
from routemap.cli import main
from routemap.places import Gazetteer
from routemap.schema import VOCABULARIES, label_words
from routemap.template import write_template


def _rows(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _build(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", str(project), *args])
    return result.exit_code, result.output


def _values(out: Path) -> set[str]:
    return {v.strip() for p in sorted(out.iterdir()) if p.is_file() for v in published_values(p)}


def _routes(out: Path) -> list[dict[str, str]]:
    with (out / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


PROFILE = '[columns]\nyear = "Year"\norigin = "Origin"\ndestination = "Destination"\npersons = "Persons"\n'


def test_a_one_word_unplaced_origin_beside_a_published_region(make_project):
    # TIP-report directionality data: "Western" names no place; "Western Europe" is a published region
    rows = [
        [2022, "Western Europe", "Malaysia", 7],
        [2022, "Western", "Malaysia", 2],
        [2022, "Indonesia", "Malaysia", 9],
    ]
    project = make_project(
        {"tip": {"a.csv": _rows(["Year", "Origin", "Destination", "Persons"], rows), "partner.toml": PROFILE}}
    )
    code, output = _build(project)
    assert code == 0, output
    labels = {r["route"] for r in _routes(project / "output")}
    assert any("Western Europe" in label for label in labels)
    assert "Western" not in _values(project / "output")  # the unplaced string itself is nowhere


def test_unmapped_total_and_counts_columns_of_a_published_table(make_project):
    # UNODC GLOTIP: columns the profile does not map hold "Total" and "Counts" on every row
    header = ["Year", "Origin", "Destination", "Persons", "Sex", "Indicator", "Unit of measurement"]
    rows = [[2021, "Indonesia", "Malaysia", 12, "Total", "Detected victims", "Counts"]] * 3
    rows += [[2021, "Philippines", "Malaysia", 6, "Total", "Detected victims", "Counts"]]
    project = make_project({"unodc": {"a.csv": _rows(header, rows), "partner.toml": PROFILE}})
    code, output = _build(project)
    assert code == 0, output
    values = _values(project / "output")
    words = {w for v in values for w in re.findall(r"\w+", v.casefold())}
    assert "total" in words  # the same word the outputs use: no secret, no refusal


def test_an_unmapped_country_of_work_with_the_focus_country(make_project):
    header = ["Year", "Origin", "Destination", "Persons", "country_of_work"]
    rows = [[2023, "Indonesia", "Johor", 3, "Malaysia"]] * 3 + [[2023, "Myanmar", "Penang", 5, "Malaysia"]]
    project = make_project({"p": {"a.csv": _rows(header, rows), "partner.toml": PROFILE}})
    code, output = _build(project, "--focus", "MY", "--level", "admin1")
    assert code == 0, output
    assert {r["destination"] for r in _routes(project / "output")} == {"Johor", "Penang"}


def test_role_words_in_an_unmapped_column_and_several_as_an_origin(make_project):
    header = ["Year", "Origin", "Destination", "Persons", "identified_at"]
    rows = [[2023, "Indonesia", "Malaysia", 3, "Transit"], [2023, "Indonesia", "Malaysia", 4, "Destination"]]
    rows += [[2023, "Several", "Malaysia", 2, "Origin"], [2023, "Bangladesh", "Malaysia", 6, "Destination"]]
    project = make_project({"p": {"a.csv": _rows(header, rows), "partner.toml": PROFILE}})
    code, output = _build(project)
    assert code == 0, output
    assert {r["origin"] for r in _routes(project / "output")} == {"Indonesia", "Bangladesh"}


@pytest.mark.parametrize(
    ("folders", "names"),
    [(("tenaganita", "caram"), ("Tenaganita", "CARAM Asia")), (("hostel", "north"), ("Hostel Aid Society", "North"))],
)
def test_show_partners_names_them_whatever_the_folders_are_called(make_project, folders, names):
    header = ["Year", "Origin", "Destination", "Persons"]
    partners = {
        folder: {
            "a.csv": _rows(header, [[2023, "Indonesia", "Malaysia", 4], [2023, "Nepal", "Malaysia", 5]]),
            "partner.toml": f'name = "{name}"\n' + PROFILE,
        }
        for folder, name in zip(folders, names, strict=True)
    }
    project = make_project(partners, settings="show_partners = true\n")
    code, output = _build(project)
    assert code == 0, output
    report = "\n".join(published_values(project / "output" / "report.html"))
    for name in names:
        assert name in report


def test_show_partners_with_one_partner_says_why_no_name_is_shown(make_project):
    header = ["Year", "Origin", "Destination", "Persons"]
    profile = 'name = "Tenaganita"\n' + PROFILE
    project = make_project(
        {"tenaganita": {"a.csv": _rows(header, [[2023, "Indonesia", "Malaysia", 6]]), "partner.toml": profile}},
        settings="show_partners = true\n",
    )
    code, output = _build(project)
    assert code == 0, output
    assert "only 1 organisation contributed records, so no name is shown" in output
    assert "Tenaganita" not in "\n".join(_values(project / "output"))


@pytest.mark.parametrize("lang", ["ms", "id"])
def test_a_filled_template_without_partner_toml_builds(make_project, tmp_path, lang):
    # a place that is only on a route below 5 persons must not trip the check: template columns are mapped
    template = tmp_path / f"t-{lang}.csv"
    write_template(template, fmt="csv", lang=lang)
    header = next(csv.reader(template.open(encoding="utf-8-sig")))
    rows = []
    for i in range(9):
        row = [""] * len(header)
        row[0], row[2], row[7] = f"REF-{lang}-{i:05d}", "2023", "1"
        row[3], row[5] = ("Indonesia", "Johor") if i < 7 else ("Lombok Tengah", "Kuching")
        rows.append(row)
    project = make_project({"p": {"cases.csv": _rows(header, rows)}})
    validated = CliRunner().invoke(main, ["validate", str(project / "data" / "contributions" / "p")])
    assert validated.exit_code == 0 and "will not publish" not in validated.output, validated.output
    code, output = _build(project)
    assert code == 0, output
    assert [r["origin"] for r in _routes(project / "output")] == ["Indonesia"]
    assert not {"Lombok Tengah", "Kuching"} & _values(project / "output")


# ------------------------------------------------------------------ planted canaries are refused


CANARY_HEADER = ["Case no", "Person", "Year", "Origin", "Transit", "Destination", "Persons", "Notes"]
CANARY_PROFILE = (
    'name = "Rumah Selamat Example Shelter"\n[columns]\nrecord_id = "Case no"\nperson_key = "Person"\n'
    'year = "Year"\norigin = "Origin"\ntransit = "Transit"\ndestination = "Destination"\npersons = "Persons"\n'
)
#: (kind, value, file, column, line) of every planted private value.
PLANTED = [
    ("unmapped column", "waited three weeks at the agent", "shelter-kl/cases.csv", "Notes", 3),
    ("record_id", "CASE-2023-0042", "shelter-kl/cases.csv", "Case no", 2),
    ("person_key", "pk-7f3a9c21", "shelter-kl/cases.csv", "Person", 4),
    ("unresolved place", "Kampung Tiada Dalam Peta", "shelter-kl/cases.csv", "Transit", 5),
    ("partner name", "Rumah Selamat Example Shelter", "shelter-kl/partner.toml", "name", 0),
    ("partner folder", "shelter-kl", "shelter-kl/", "", 0),
    ("file name", "cases.csv", "shelter-kl/cases.csv", "", 0),
]


@pytest.fixture
def canary_project(make_project) -> Path:
    rows = [
        ["CASE-2023-0042", "pk-1", 2022, "Indonesia", "Batam", "Johor", 3, "ok"],
        ["C2", "pk-2", 2022, "Indonesia", "Batam", "Johor", 4, "waited three weeks at the agent"],
        ["C3", "pk-7f3a9c21", 2023, "Philippines", "", "Sabah", 6, "paid the agent"],
        ["C4", "pk-4", 2023, "Myanmar", "Kampung Tiada Dalam Peta", "Penang", 5, "ok"],
        ["C5", "pk-5", 2023, "Myanmar", "Thailand", "Penang", 5, "ok"],
    ]
    files = {"cases.csv": _rows(CANARY_HEADER, rows), "partner.toml": CANARY_PROFILE}
    return make_project({"shelter-kl": files})


def _plant_html(path: Path, value: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", f'<i title="{value}"></i></body>'), "utf-8")


def _plant_csv(path: Path, value: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow([value, 5])


def _plant_md(path: Path, value: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"| {value} | 5 |\n")


def _plant_geojson(path: Path, value: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["note"] = value
    path.write_text(json.dumps(data), encoding="utf-8")


def _plant_xlsx(path: Path, value: str) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.worksheets[0].append([value, 5])
    book.save(path)


def _plant_gpkg(path: Path, value: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (note TEXT)")
        conn.execute("INSERT INTO notes VALUES (?)", (value,))


def _plant_png(path: Path, value: str) -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", value)
    with Image.open(path) as image:
        image.load()
        image.save(path, pnginfo=info)


PLANTERS = {
    "map.html": _plant_html,
    "routes.csv": _plant_csv,
    "routes.md": _plant_md,
    "routes.geojson": _plant_geojson,
    "routes.xlsx": _plant_xlsx,
    "routemap.gpkg": _plant_gpkg,
    "map.png": _plant_png,
}


@pytest.mark.parametrize("output", sorted(PLANTERS))
@pytest.mark.parametrize(("kind", "value", "file", "column", "line"), PLANTED, ids=[p[0] for p in PLANTED])
def test_a_planted_private_value_is_refused_in_every_format(
    canary_project, monkeypatch, output, kind, value, file, column, line
):
    real_check = pipeline.check_outputs

    def leaky(folder: Path, canaries, **kwargs) -> None:  # a renderer bug: the value reaches one output
        PLANTERS[output](folder / output, value)
        real_check(folder, canaries, **kwargs)

    monkeypatch.setattr(pipeline, "check_outputs", leaky)
    with pytest.raises(DisclosureError) as caught:
        pipeline.build(canary_project)
    message = str(caught.value)
    assert f"{output}: {kind} value {value!r}" in message
    assert f"read from {file}" in message
    if line:
        assert f"line {line}, column {column!r}" in message
    assert "What to do:" in message
    assert not (canary_project / "output").exists()


def test_the_canary_project_builds_when_nothing_leaks(canary_project):
    result = pipeline.build(canary_project)
    values = "\n".join(_values(result.out_dir)).casefold()
    for _, value, *_ in PLANTED:
        assert value.casefold() not in values


def test_an_allowed_value_is_let_through_and_recorded(canary_project, monkeypatch):
    real_check = pipeline.check_outputs

    def leaky(folder: Path, canaries, **kwargs) -> None:
        _plant_csv(folder / "routes.csv", "Rumah Selamat Example Shelter")
        real_check(folder, canaries, **kwargs)

    monkeypatch.setattr(pipeline, "check_outputs", leaky)
    (canary_project / "routemap.toml").write_text('allow = ["Rumah Selamat Example Shelter"]\n', encoding="utf-8")
    pipeline.build(canary_project)
    record = json.loads((canary_project / ".routemap" / "build.json").read_text(encoding="utf-8"))
    assert record["settings"]["allow"] == ["Rumah Selamat Example Shelter"]


def test_the_cli_exits_4_on_a_leak_and_names_the_source(canary_project, monkeypatch):
    real_check = pipeline.check_outputs

    def leaky(folder: Path, canaries, **kwargs) -> None:
        _plant_html(folder / "map.html", "pk-7f3a9c21")
        real_check(folder, canaries, **kwargs)

    monkeypatch.setattr(pipeline, "check_outputs", leaky)
    code, output = _build(canary_project)
    assert code == 4
    assert "line 4, column 'Person'" in output and "Traceback" not in output


def test_xlsx_sheet_names_are_canaries(make_project, monkeypatch):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Kes Rahsia Julai"
    sheet.append(["Year", "Origin", "Destination", "Persons"])
    sheet.append([2023, "Indonesia", "Malaysia", 7])
    buffer = io.BytesIO()
    book.save(buffer)
    project = make_project({"p": {"a.xlsx": buffer.getvalue(), "partner.toml": PROFILE}})
    real_check = pipeline.check_outputs

    def leaky(folder: Path, canaries, **kwargs) -> None:
        _plant_md(folder / "routes.md", "Kes Rahsia Julai")
        real_check(folder, canaries, **kwargs)

    monkeypatch.setattr(pipeline, "check_outputs", leaky)
    with pytest.raises(DisclosureError, match=r"routes\.md: sheet name value 'Kes Rahsia Julai'"):
        pipeline.build(project)
    assert zipfile.is_zipfile(project / "data" / "contributions" / "p" / "a.xlsx")


# ------------------------------------------------------------------ drawn at random


_ROUTE_ROWS = (
    [[2023, "Indonesia", "Johor", 1]] * 6 + [[2023, "Myanmar", "Penang", 1]] * 5 + [[2023, "Nepal", "Kedah", 1]]
)


def _output_words() -> list[str]:
    """Strings the outputs of a build publish on purpose: place names, labels, vocabulary, role words, numbers."""
    gazetteer = Gazetteer.load()
    names = [gazetteer.place(pid).name for pid in ("country:IDN", "country:MMR", "country:MYS", "admin1:MY-01")]
    words = [w for w in label_words() if 5 <= len(w) <= 60]
    vocab = [v.replace("_", " ") for values in VOCABULARIES.values() for v in values]
    return sorted({*names, *words, *vocab, "Kuala", "Negeri", "Total", "Several", "Transit", "12345678"})


OUTPUT_WORDS = _output_words()


@settings(
    max_examples=int(os.environ.get("ROUTEMAP_LEAK_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(OUTPUT_WORDS), min_size=len(_ROUTE_ROWS), max_size=len(_ROUTE_ROWS)))
def test_unmapped_columns_of_output_words_never_refuse(make_project, words):
    rows = [[*row, word] for row, word in zip(_ROUTE_ROWS, words, strict=True)]
    header = ["Year", "Origin", "Destination", "Persons", "Remarks"]
    project = make_project(
        {"p": {"a.csv": _rows(header, rows), "partner.toml": PROFILE}}, name=f"words-{abs(hash(tuple(words)))}"
    )
    code, output = _build(project, "--focus", "MY", "--level", "admin1", "--formats", "csv,xlsx,html,geojson,md")
    assert code == 0, output


_LETTERS = st.characters(whitelist_categories=("Lu", "Ll", "Nd"), min_codepoint=48, max_codepoint=0x24F)
#: routemap's own words (every language): a "canary" equal to one is published text, not private (see audit).
_OWN_WORDS = {w.casefold() for text in label_words() for w in re.findall(r"[\w-]+", text)}
_CANARY = st.text(_LETTERS, min_size=8, max_size=16).filter(
    lambda t: any(c.isalpha() for c in t) and t.casefold() not in _OWN_WORDS
)


@settings(
    max_examples=int(os.environ.get("ROUTEMAP_LEAK_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(_CANARY, min_size=3, max_size=3, unique=True))
def test_random_private_strings_are_never_published(make_project, canaries):
    note, case, place = canaries
    header = ["Case no", "Year", "Origin", "Transit", "Destination", "Persons", "Remarks"]
    rows = [[f"{case}-{i}", *row[:2], place if i == 0 else "", *row[2:], note] for i, row in enumerate(_ROUTE_ROWS)]
    profile = PROFILE + 'record_id = "Case no"\ntransit = "Transit"\n'
    project = make_project(
        {"p": {"a.csv": _rows(header, rows), "partner.toml": profile}}, name=f"canary-{abs(hash(tuple(canaries)))}"
    )
    code, output = _build(project, "--formats", "csv,xlsx,html,geojson,md,gpkg")
    assert code == 0, output
    values = {v.strip().casefold() for v in _values(project / "output")}
    words = {w for v in values for w in re.findall(r"[\w-]+", v)}
    for canary in (note, f"{case}-0", place):
        assert canary.casefold() not in values  # not a value of its own
        assert canary.casefold() not in words  # nor a word of one


# ------------------------------------------------------------------ validate and build agree


def test_validate_and_build_name_the_same_files_that_will_not_publish(make_project):
    header = ["Year", "Origin", "Destination", "Persons"]
    good = _rows(header, [[2023, "Indonesia", "Malaysia", 6]])
    files = {
        "good.csv": good,
        "no_year.csv": _rows(header, [["", "Indonesia", "Malaysia", 6]]),
        "no_place.csv": _rows(header, [[2023, "Qqzxv Wwyt", "Malaysia", 6]]),
        "old.csv": _rows(header, [[2012, "Indonesia", "Malaysia", 6]]),
        "empty.csv": "Year,Origin,Destination,Persons\n",
        "broken.xlsx": b"PK\x03\x04 not a workbook",
        "partner.toml": PROFILE,
    }
    project = make_project({"p": files}, settings='years = "2020-2024"\n')
    folder = project / "data" / "contributions" / "p"
    validated = CliRunner().invoke(main, ["validate", str(folder)])
    said = {
        line.split(":")[0].rsplit("/", 1)[-1] for line in validated.output.splitlines() if ": will not publish:" in line
    }
    code, output = _build(project)
    assert code == 0, output
    built = {line.split(":")[0].rsplit("/", 1)[-1] for line in output.splitlines() if ": will not publish:" in line}
    assert said == built == {"no_year.csv", "no_place.csv", "old.csv", "empty.csv", "broken.xlsx"}, (
        validated.output,
        output,
    )
    assert validated.exit_code == 2  # a file could not be read


# ------------------------------------------------------------------ closed by construction


def test_a_publication_refuses_strings_from_outside_the_closed_set(make_project):
    import dataclasses

    from routemap import build as build_api

    rows = [[2023, "Indonesia", "Malaysia", 6], [2023, "Nepal", "Malaysia", 7]]
    project = make_project(
        {"p": {"a.csv": _rows(["Year", "Origin", "Destination", "Persons"], rows), "partner.toml": PROFILE}}
    )
    pub = build_api(project, formats="csv")
    raw_label = pub.route_rows.assign(label=["Indonesia > Malaysia", "Siti Aminah > Malaysia"])
    with pytest.raises(DisclosureError, match="not by its places' names"):
        dataclasses.replace(pub, route_rows=raw_label)
    raw_origin = pub.route_rows.assign(origin=["Indonesia", "Kampung Tiada"])
    with pytest.raises(DisclosureError, match="closed set"):
        dataclasses.replace(pub, route_rows=raw_origin)
    sector = pub.breakdowns["sector"]
    odd = dataclasses.replace(sector, columns=(*sector.columns, "worked at Ali's farm"))
    with pytest.raises(DisclosureError, match="worked at Ali's farm"):
        dataclasses.replace(pub, breakdowns={**pub.breakdowns, "sector": odd})
    leaked = dataclasses.replace(sector, cells=sector.cells.assign(shown="A12345678"))
    with pytest.raises(DisclosureError, match="A12345678"):
        dataclasses.replace(pub, breakdowns={**pub.breakdowns, "sector": leaked})
    assert dataclasses.replace(pub) == pub  # an unchanged copy passes


# ------------------------------------------------------------------ a case's own point


def test_a_planted_point_is_in_no_output_at_any_level(make_project):
    import geopandas as gpd
    import pyogrio

    # a stop no source knows, at a point 5 decimals precise near Klang (a settlement the gazetteer knows)
    lon, lat = 101.44567, 3.04321
    header = ["Year", "Origin", "Destination", "Persons", "At"]
    rows = [[2023, "Indonesia", "Kampung Tiada Dalam Peta", 1, f"POINT ({lon} {lat})"]] * 6
    rows += [[2023, "Indonesia", "Johor", 6, ""]]
    profile = PROFILE + '\n[points]\ndestination = { column = "At", format = "wkt" }\n'
    for level in ("country", "admin1", "place"):  # a project each: the release register is not under test here
        project = make_project({"p": {"a.csv": _rows(header, rows), "partner.toml": profile}}, name=f"point-{level}")
        code, output = _build(
            project, "--level", level, "--focus", "MY", "--formats", "csv,xlsx,md,html,geojson,gpkg,png"
        )
        assert code == 0, output
        out = project / "output"
        assert len(_routes(out)) == 2  # the point placed its row (named after the settlement near it)
        text = "\n".join(_values(out))
        assert "101.4456" not in text and "3.0432" not in text
        for layer, _ in pyogrio.list_layers(out / "routemap.gpkg"):
            frame = gpd.read_file(out / "routemap.gpkg", layer=layer)
            vertices = {(round(x, 3), round(y, 3)) for geom in frame.geometry for x, y in _coords(geom)}
            assert (round(lon, 3), round(lat, 3)) not in vertices, (level, layer)


def _coords(geom) -> list[tuple[float, float]]:
    if hasattr(geom, "geoms"):
        return [c for part in geom.geoms for c in _coords(part)]
    return list(geom.coords)
