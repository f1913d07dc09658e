import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from routemap._errors import ProfileError, ReadError
from routemap.contributions import (
    ReadOptions,
    canonical_profile,
    discover,
    load_profile,
    read_contribution,
    read_profile,
    read_table,
)

DATA = Path(__file__).parent / "data"


def test_malay_cp1252_semicolon_file_maps_values_and_rejects_bad_rows():
    profile = load_profile(DATA / "partner_ms")
    result = read_contribution(DATA / "partner_ms" / "kes.csv", profile, current_year=2025)
    assert result.encoding == "cp1252"
    assert result.delimiter == ";"
    assert any("guessed as cp1252" in w for w in result.warnings)
    assert result.rows_read == 5
    rec = result.records
    assert list(rec["line"]) == [2, 3, 6]
    assert list(rec["persons"]) == [3, 1, 2]
    assert list(rec["sex"]) == ["male", "female", "female"]
    assert list(rec["sector"]) == ["manufacturing", "domestic_work", "other"]  # "Tukang masak" is not mapped
    assert rec.loc[0, "transit"] == "Bangkok > Padang Besar"
    assert any("'Tukang masak' is not in the sector vocabulary" in w for w in result.warnings)
    rejects = {(r["line"], r["column"]): r["reason"] for r in result.rejects}
    assert rejects == {
        (4, "Tahun"): "year is empty; give the year of recruitment or registration",
        (5, "Bilangan"): "persons 'dua' is not a positive whole number (1, 2, 3 …)",
    }


def test_unmapped_columns_are_never_read():
    profile = load_profile(DATA / "partner_ms")
    result = read_contribution(DATA / "partner_ms" / "kes.csv", profile, current_year=2025)
    flat = [str(v) for v in result.records.to_numpy().ravel()]
    assert not any("José" in cell or "tiada" in cell for cell in flat)


def test_year_forms_and_bounds(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "year,origin,destination\n2023.0,ID,MY\n2023-05-01,ID,MY\n01/05/2021,ID,MY\n1949,ID,MY\n2031,ID,MY\nabc,ID,MY\n",
        encoding="utf-8",
    )
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert list(result.records["year"]) == [2023, 2023, 2021]
    reasons = [r["reason"] for r in result.rejects]
    assert reasons == [
        "year '1949' is outside 1950..2025",
        "year '2031' is outside 1950..2025",
        "'abc' is not a year; write it as four digits, e.g. 2023",
    ]


def test_persons_must_be_positive_whole_numbers(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "year,origin,destination,persons\n2020,ID,MY,\n2020,ID,MY,4.0\n2020,ID,MY,0\n2020,ID,MY,2.5\n", encoding="utf-8"
    )
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert list(result.records["persons"]) == [1, 4]
    assert [r["line"] for r in result.rejects] == [4, 5]


def test_missing_origin_and_destination_reject_with_column(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination\n2020,,MY\n2020,ID,\n", encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert result.records.empty
    assert [(r["line"], r["column"]) for r in result.rejects] == [(2, "origin"), (3, "destination")]


def test_missing_required_column_rejects_every_row_and_lists_headers(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text('[columns]\nyear = "Tahun"\norigin = "Asal"\ndestination = "Tujuan"\n')
    (folder / "f.csv").write_text("Tahun,Negara,Tujuan\n2020,ID,MY\n2021,ID,MY\n")
    result = read_contribution(folder / "f.csv", load_profile(folder), current_year=2025)
    assert result.rows_read == 2 and result.records.empty
    assert len({r["line"] for r in result.rejects}) == 2
    assert result.rejects[0]["reason"] == (
        "column 'Asal' (for origin) not found; headers are: 'Tahun', 'Negara', 'Tujuan'; fix [columns] in partner.toml"
    )


def test_transit_from_several_columns_and_separators(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text(
        '[columns]\nyear = "y"\norigin = "o"\ndestination = "d"\ntransit = ["t1", "t2"]\n'
    )
    (folder / "f.csv").write_text("y,o,t1,t2,d\n2020,A,B;C,D,E\n2020,A,,,E\n2020,A,B > C,,E\n")
    result = read_contribution(folder / "f.csv", load_profile(folder), current_year=2025)
    assert list(result.records["transit"]) == ["B > C > D", "", "B > C"]


def test_utf16_and_bom_and_tabs(tmp_path):
    text = "year\torigin\tdestination\n2020\tViệt Nam\tMalaysia\n"
    (tmp_path / "u16.csv").write_bytes(text.encode("utf-16"))
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for name, enc in (("u16.csv", "utf-16"), ("bom.csv", "utf-8-sig")):
        result = read_contribution(tmp_path / name, canonical_profile("p"), current_year=2025)
        assert result.encoding == enc
        assert result.delimiter == "\t"
        assert list(result.records["origin"]) == ["Việt Nam"]


def test_quoted_newlines_keep_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('year,origin,destination\n2020,"Yangon,\nMyanmar",MY\n,ID,MY\n', encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert list(result.records["line"]) == [2]
    assert result.rejects[0]["line"] == 3


def test_ragged_row_is_rejected_not_shifted(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination\n2020,Kuala Lumpur, Malaysia,ID\n2020,ID,MY\n", encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert result.rows_read == 2
    assert list(result.records["line"]) == [3]
    assert result.rejects[0]["reason"].startswith("has 4 cells but the header has 3")


def test_trailing_blank_rows_are_layout_inner_blank_rows_are_counted(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination\n2020,ID,MY\n,,\n2021,ID,MY\n,,\n\n", encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert result.rows_read == 2
    assert result.blank_rows == 1


def _workbook(path: Path, *, sheet: str, header_row: int, rows: list[list[object]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Cover"
    ws.append(["not data"])
    data = wb.create_sheet(sheet)
    for _ in range(header_row - 1):
        data.append(["Title line"])
    for row in rows:
        data.append(row)
    wb.save(path)


def test_xlsx_named_sheet_header_on_row_three_and_excel_types(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text(
        '[read]\nsheet = "Kes 2023"\n'
        '[columns]\nyear = "Tahun"\norigin = "Asal"\ndestination = "Tujuan"\npersons = "Bil"\n'
    )
    _workbook(
        folder / "kes.xlsx",
        sheet="Kes 2023",
        header_row=3,
        rows=[
            ["Tahun", "Asal", "Tujuan", "Bil", None],
            [2023.0, " Indonesia ", "Sabah", 2.0],
            [dt.datetime(2022, 5, 1), "Myanmar", "Penang", 1],
            [None, None, None, None],
            ["2021", "Nepal", "Johor", "3"],
            [None, None, None, None],
        ],
    )
    result = read_contribution(folder / "kes.xlsx", load_profile(folder), current_year=2025)
    assert result.sheet == "Kes 2023"
    assert list(result.records["line"]) == [4, 5, 7]
    assert list(result.records["year"]) == [2023, 2022, 2021]
    assert list(result.records["persons"]) == [2, 1, 3]
    assert list(result.records["origin"]) == ["Indonesia", "Myanmar", "Nepal"]
    assert result.blank_rows == 1


def test_xlsx_missing_sheet_names_the_sheets(tmp_path):
    path = tmp_path / "k.xlsx"
    _workbook(path, sheet="Data", header_row=1, rows=[["year", "origin", "destination"]])
    with pytest.raises(ReadError, match=r"there is no sheet 'Kes'; sheets are: 'Cover', 'Data'"):
        read_table(path, ReadOptions(sheet="Kes"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"PK\x03\x04rest-of-zip", "Excel (xlsx) file with a .csv name"),
        (bytes(range(256)) * 4, "does not look like a text (CSV) file"),
    ],
)
def test_unreadable_csv_files_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=re.escape(message)) as info:
        read_table(path, ReadOptions())
    assert str(path) in str(info.value)


def test_corrupt_xlsx_is_a_read_error(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ReadError, match=r"not a readable \.xlsx workbook"):
        read_table(path, ReadOptions())


def test_profile_problems_are_collected_in_one_error(tmp_path):
    path = tmp_path / "partner.toml"
    path.write_text(
        'colour = "red"\ndefault_country = "Atlantis"\n[read]\ndelimiter = "#"\n'
        '[columns]\norigin = "o"\nplace = "x"\n[values.sector]\n"Ladang" = "oil_palms"\n'
    )
    with pytest.raises(ProfileError) as info:
        read_profile(path)
    text = str(info.value)
    assert text.startswith("7 problem(s) in")
    for part in (
        "unknown key 'colour'",
        "default_country: 'Atlantis' is not a country",
        "[read] delimiter = '#'",
        "[columns] 'place' is not a canonical field",
        "[columns] has no 'year'",
        "[columns] has no 'destination'",
        "[values.sector] 'Ladang' = 'oil_palms': 'oil_palms' is not in the vocabulary",
    ):
        assert part in text


def test_discover_skips_lock_files_and_sorts(tmp_path):
    root = tmp_path / "contributions"
    shutil.copytree(DATA / "partner_ms", root / "b")
    (root / "a").mkdir()
    (root / "a" / "x.csv").write_text("year,origin,destination\n")
    (root / "a" / "~$x.xlsx").write_bytes(b"lock")
    (root / "a" / "notes.docx").write_bytes(b"doc")
    found = discover(root)
    assert [(p.partner, [f.name for f in files]) for p, files in found] == [("a", ["x.csv"]), ("b", ["kes.csv"])]
    assert found[1][0].default_country == "MYS"
