"""Profiles for published statistics, tested on small files of exactly the published shape."""

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from routemap._optional import have_pyarrow
from routemap._safe import safe_cell
from routemap.contributions import read_contribution, read_profile
from routemap.pipeline import build

REPO = Path(__file__).resolve().parents[1]
GLOTIP_PROFILE = REPO / "examples" / "profiles" / "unodc_glotip.toml"
GLOTIP_HEADER = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
]
VICTIMS, CONVICTED = "Detected trafficking victims", "Persons convicted"


def _row(iso, country, indicator, dimension, category, value, *, sex="Total", age="Total", year=2022):
    region = {"PAK": ("Asia", "Southern Asia"), "MYS": ("Asia", "South-eastern Asia")}.get(iso, ("Asia", "Other"))
    return [iso, country, *region, indicator, dimension, category, sex, age, year, "Counts", value, "NRS"]


GLOTIP_ROWS = [
    _row("PAK", "Pakistan", VICTIMS, "by citizenship", "Nationals", "19,094"),
    _row("PAK", "Pakistan", VICTIMS, "by citizenship", "Afghanistan", "1,752"),
    _row("PAK", "Pakistan", VICTIMS, "by citizenship", "Bangladesh", "<5"),
    _row("PAK", "Pakistan", VICTIMS, "by sex", "Female", "12,000"),
    _row("PAK", "Pakistan", VICTIMS, "by citizenship", "Nationals", "9,000", sex="Female"),
    _row("PAK", "Pakistan", CONVICTED, "by citizenship", "Nationals", "311"),
    _row("MYS", "Malaysia", VICTIMS, "by citizenship", "Indonesia", "412"),
    _row("MYS", "Malaysia", VICTIMS, "by citizenship", "Myanmar", "208", year=2021),
    _row("MYS", "Malaysia", VICTIMS, "by citizenship", "Nationals", "35"),
    _row("MYS", "Malaysia", VICTIMS, "by citizenship", "Viet Nam", ""),
    _row("MYS", "Malaysia", VICTIMS, "by form of exploitation", "Sexual exploitation", "300"),
    _row("MYS", "Malaysia", CONVICTED, "by sex", "Male", "25", age="Adult"),
    _row("THA", "Thailand", VICTIMS, "by citizenship", "Myanmar", "1,094"),
    _row("THA", "Thailand", VICTIMS, "by citizenship", "Cambodia", "96"),
    _row("THA", "Thailand", VICTIMS, "by citizenship", "Nationals", "150", age="Children"),
]


def _glotip_xlsx(path: Path, rows=GLOTIP_ROWS) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "data_glotip"
    ws.append(["Global Report on Trafficking in Persons: data"])  # two title rows, the header on row 3
    ws.append(["Source: UNODC"])
    ws.append(GLOTIP_HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)


@pytest.fixture
def glotip(tmp_path: Path) -> Path:
    """A project with the example GLOTIP profile and a data_glotip.xlsx of the published shape."""
    folder = tmp_path / "glotip" / "data" / "contributions" / "unodc"
    folder.mkdir(parents=True)
    shutil.copy(GLOTIP_PROFILE, folder / "partner.toml")
    _glotip_xlsx(folder / "data_glotip.xlsx")
    (tmp_path / "glotip" / "routemap.toml").write_text("min_count = 1\nallow_small_counts = true\n", encoding="utf-8")
    return tmp_path / "glotip"


def _independent_routes(path: Path) -> dict[tuple[str, str], int]:
    """Routes counted with pandas alone from the published file: the filter, Nationals, 1,094 and <5."""
    frame = pd.read_excel(path, header=2, dtype=str, engine="openpyxl").fillna("")
    keep = (
        frame["Indicator"].eq(VICTIMS)
        & frame["Dimension"].eq("by citizenship")
        & frame["Sex"].eq("Total")
        & frame["Age"].eq("Total")
    )
    frame = frame.loc[keep & ~frame["txtVALUE"].str.startswith("<") & frame["txtVALUE"].ne("")]
    origin = frame["Category"].where(frame["Category"].ne("Nationals"), frame["Country"])
    persons = frame["txtVALUE"].str.replace(",", "").astype(int)
    counts = persons.groupby([origin, frame["Country"]]).sum()
    return {key: int(value) for key, value in counts.items()}


def test_the_glotip_profile_reads_the_published_shape_with_a_reason_for_every_row(glotip: Path):
    folder = glotip / "data" / "contributions" / "unodc"
    result = read_contribution(folder / "data_glotip.xlsx", read_profile(folder / "partner.toml"), current_year=2025)
    assert (result.header_line, result.rows_read) == (3, len(GLOTIP_ROWS))
    assert result.filtered_by == {
        "filtered out by profile: Indicator = Persons convicted": 2,
        "filtered out by profile: Dimension = by sex": 1,
        "filtered out by profile: Dimension = by form of exploitation": 1,
        "filtered out by profile: Sex = Female": 1,
        "filtered out by profile: Age = Children": 1,
    }
    assert len(result.records) + len(result.rejected_lines) + result.filtered == result.rows_read
    reasons = {r["line"]: r["reason"] for r in result.rejects}
    assert reasons == {
        6: "persons '<5' was suppressed at source (a small number the publisher did not give); the row cannot be "
        "counted",
        13: "persons is empty; the profile says an empty cell means the number is not known (empty_persons = "
        '"unknown"), so the row cannot be counted',
    }
    assert result.suppressed == 1
    records = result.records.set_index("line")
    assert (records.loc[4, "origin"], records.loc[4, "destination"], records.loc[4, "persons"]) == ("PAK", "PAK", 19094)
    assert records.loc[16, "persons"] == 1094


def test_the_glotip_build_equals_an_independent_count_domestic_routes_included(glotip: Path):
    result = build(glotip, formats="csv")
    [account] = result.files
    assert (account.rows_read, account.accepted, account.rejected, account.filtered) == (15, 7, 2, 6)
    assert account.suppressed_at_source == 1
    routes = pd.read_csv(glotip / "output" / "routes.csv", dtype=str, keep_default_na=False)
    built = {(r["origin"], r["destination"]): int(r["persons"].replace(",", "")) for _, r in routes.iterrows()}
    expected = {
        ("Pakistan", "Pakistan"): 19094,
        ("Afghanistan", "Pakistan"): 1752,
        ("Indonesia", "Malaysia"): 412,
        ("Myanmar", "Malaysia"): 208,
        ("Malaysia", "Malaysia"): 35,
        ("Myanmar", "Thailand"): 1094,
        ("Cambodia", "Thailand"): 96,
    }
    path = glotip / "data" / "contributions" / "unodc" / "data_glotip.xlsx"
    assert _independent_routes(path) == expected
    assert built == expected
    record = json.loads((glotip / ".routemap" / "build.json").read_text())
    assert record["files"][0]["filtered_by"]["filtered out by profile: Indicator = Persons convicted"] == 2


def test_domestic_routes_are_marked_in_the_tables_and_end_where_they_start(glotip: Path):
    build(glotip, formats="csv,xlsx,md")
    routes = pd.read_csv(glotip / "output" / "routes.csv", dtype=str, keep_default_na=False)
    labels = dict(zip(routes["route"], routes["persons"], strict=True))
    assert labels["Pakistan (domestic)"] == "19,094" or labels["Pakistan (domestic)"] == "19094"
    assert "Afghanistan > Pakistan" in labels and "Malaysia (domestic)" in labels
    assert "Pakistan (domestic)" in (glotip / "output" / "routes.md").read_text(encoding="utf-8")


def test_a_title_and_source_that_name_the_partner_are_no_leak(glotip: Path):
    (glotip / "routemap.toml").write_text(
        "min_count = 1\nallow_small_counts = true\n"
        'title = "Detected victims in UNODC data"\nsource = "UNODC GLOTIP, 14 April 2025"\n',
        encoding="utf-8",
    )
    result = build(glotip, formats="csv")  # the partner folder is 'unodc': named in the title on purpose
    assert result.totals["routes"] == 7


def test_the_unit_is_set_once_and_partners_that_count_different_things_are_refused(tmp_path):
    from routemap._errors import ProfileError
    from routemap.profile import canonical_profile, counted_unit, credited_source

    a, b, c = canonical_profile("a"), canonical_profile("b"), canonical_profile("c")
    assert counted_unit(None, [a, b]) == "persons"
    victims = read_profile_text(tmp_path, 'unit = "detected victims"\nsource = "UNODC"\n')
    assert counted_unit(None, [victims, a]) == "detected victims"
    assert credited_source(None, [victims, a]) == "UNODC"
    cases = read_profile_text(tmp_path, 'unit = "cases"\n', name="q")
    with pytest.raises(ProfileError, match=r"count different things \(p: 'detected victims'; q: 'cases'\)"):
        counted_unit(None, [victims, cases, c])
    assert counted_unit("signals", [victims, cases]) == "signals"


def read_profile_text(tmp_path: Path, text: str, *, name: str = "p"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "partner.toml").write_text(text + '[columns]\nyear = "y"\norigin = "o"\ndestination = "d"\n')
    return read_profile(folder / "partner.toml")


def test_validate_applies_the_profile_as_build_does(glotip: Path):
    from click.testing import CliRunner

    from routemap.cli import main

    folder = glotip / "data" / "contributions" / "unodc"
    result = CliRunner().invoke(main, ["validate", str(folder)])
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert f"{folder / 'data_glotip.xlsx'}: 15 rows read, 6 filtered out by the profile, 7 ok, 2 with errors" in (
        "\n".join(lines)
    )
    assert any(":6: txtVALUE: error: persons '<5' was suppressed at source" in line for line in lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="=+-@\t\r1.e5aZ' ", max_size=6)), max_size=40))
def test_column_wise_neutralising_is_cell_wise_neutralising(cells):
    """safe_frame (column-wise, for a million rows) does to each cell exactly what safe_cell does."""
    import pandas as pd

    from routemap._safe import safe_cell, safe_frame

    frame = pd.DataFrame({"a": pd.Series(cells, dtype=object), "b": pd.Series(cells, dtype="string")})
    out = safe_frame(frame)
    expected = ["" if c is None else safe_cell(c) for c in cells]
    assert out["a"].tolist() == expected and out["b"].tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(alphabet='=+-@1,"\n aZ', max_size=6)), max_size=30),
    st.integers(min_value=1, max_value=7),
)
def test_private_records_written_in_chunks_are_the_table_written_at_once(tmp_path_factory, cells, chunk):
    # the private records.csv is made safe and written a chunk at a time: the same file as one table at once
    from routemap._safe import write_table, write_table_fast

    frame = pd.DataFrame(
        {"text": pd.Series(cells, dtype="string"), "n": range(len(cells)), "o": pd.Series(cells, dtype=object)}
    )
    folder = tmp_path_factory.mktemp("chunks")
    write_table_fast(frame, folder / "chunked.csv", chunk=chunk)
    write_table(frame, folder / "whole.csv")
    if not have_pyarrow():  # pandas' writer, chunk by chunk: the very same bytes
        assert (folder / "chunked.csv").read_bytes() == (folder / "whole.csv").read_bytes()
    with (folder / "chunked.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    expected = ["" if c is None else safe_cell(c) for c in cells]
    assert rows[0] == ["text", "n", "o"] and [r[0] for r in rows[1:]] == expected == [r[2] for r in rows[1:]]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(cells))]
    assert frame["o"].tolist() == cells  # the caller's table is left as it was
