"""`routemap validate`: exact lines and exit codes for every bad input, and the Malay partner that builds."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from routemap.cli import main
from routemap.readers.xlsx import DAMAGED
from routemap.validate import validate_path

THIS_YEAR = dt.date.today().year

MALAY_PROFILE = """\
name = "Pusat Ujian (fixture)"
default_country = "MY"

[columns]
year = "Tahun"
origin = "Negara Asal"
transit = "Tempat Transit"
destination = "Negeri Destinasi"
sex = "Jantina"
sector = "Sektor"
persons = "Bilangan"

[values.sector]
"Kilang" = "manufacturing"
"""

# Malay headers, ';', Windows-1252 (the é of José), pre-aggregated rows (Bilangan > 1), and the
# problems real files have. Columns: year, origin, transit, destination, sex, sector, persons, notes.
MALAY_ROWS = [
    ("2021", "Myanmar", "Bangkok > Padang Besar", "Pulau Pinang", "Lelaki", "Kilang", "3", "Nama: José bin Ali"),
    ("2022", "Indonesia", "Batam", "Negeri Johor", "Perempuan", "Pembantu rumah", "1", ""),
    ("", "Nepal", "", "Selangor", "Lelaki", "Kilang", "1", "tiada tahun"),
    ("2023", "Kemboja", "", "Terengganu", "Lelaki", "Perikanan", "dua", ""),
    ("2019", "Filipina", "Zamboanga", "Sabah", "Perempuan", "Tukang masak", "2", ""),
    ("1949", "Nepal", "", "Selangor", "Lelaki", "Kilang", "1", ""),
    ("2020", "Banglashe", "", "Sabah", "Lelaki", "Kilang", "4", ""),
    ("2024", "Myanmar", "Bangkok", "Kedah", "Lelaki", "Kilang", "12", ""),
]
MALAY_HEADER = "Tahun;Negara Asal;Tempat Transit;Negeri Destinasi;Jantina;Sektor;Bilangan;Catatan"

# Where each place lies, written by hand from geography (not from the gazetteer); None: no place.
COUNTRY = {
    "Myanmar": "Myanmar",
    "Bangkok": "Thailand",
    "Padang Besar": "Malaysia",
    "Pulau Pinang": "Malaysia",
    "Indonesia": "Indonesia",
    "Batam": "Indonesia",
    "Negeri Johor": "Malaysia",
    "Nepal": "Nepal",
    "Selangor": "Malaysia",
    "Kemboja": "Cambodia",
    "Terengganu": "Malaysia",
    "Filipina": "Philippines",
    "Zamboanga": "Philippines",
    "Sabah": "Malaysia",
    "Kedah": "Malaysia",
    "Banglashe": None,
}


def _malay_folder(root: Path) -> Path:
    folder = root / "data" / "contributions" / "pusat-ujian"
    folder.mkdir(parents=True)
    (folder / "partner.toml").write_text(MALAY_PROFILE, encoding="utf-8")
    text = "\r\n".join([MALAY_HEADER, *(";".join(row) for row in MALAY_ROWS)]) + "\r\n"
    (folder / "kes.csv").write_bytes(text.encode("cp1252"))
    return folder


def _validate(args: list[str]) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def test_malay_windows_1252_semicolon_folder_lists_every_problem(tmp_path, monkeypatch):
    _malay_folder(tmp_path)
    monkeypatch.chdir(tmp_path / "data" / "contributions")
    code, lines = _validate(["pusat-ujian"])
    f = "pusat-ujian/kes.csv"
    assert lines == [
        f"{f}: warning: not UTF-8; the encoding was guessed as cp1252 (Windows Western European). "
        "Check that accented names look right, or save the file as CSV UTF-8",
        f"{f}:1: Catatan: warning: looks like personal data: labelled personal details, such as 'Nama:'. "
        "routemap does not read it, but remove the column before you send the file",
        f"{f}:4: Tahun: error: year is empty; give the year of recruitment or registration",
        f"{f}:5: Bilangan: error: persons 'dua' is not a positive whole number (1, 2, 3 …)",
        f"{f}:6: Sektor: warning: 'Tukang masak' is not in the sector vocabulary; kept as 'other' (1 row). "
        "Use one of: Pembantu rumah, Pertanian, Ladang, Perikanan, Pembinaan, Kilang, Perhotelan, Industri seks, "
        "Mengemis, Lain-lain, Tidak diketahui; or map it in [values.sector] of partner.toml",  # Sektor: Malay
        f"{f}:7: Tahun: error: year '1949' is outside 1950..{THIS_YEAR}",
        f"{f}:8: Negara Asal: error: 'Banglashe' is not a place routemap knows; closest: Bangladesh (country). "
        "Correct the spelling, write it as 'Place, Country', or ask the analyst to add it to data/places.csv",
        f"{f}: 8 rows read, 4 ok, 4 with errors, 3 warnings",
        "fix the errors above, then run `routemap validate` again",
    ]
    assert code == 1


def test_malay_folder_builds_to_counts_computed_from_the_rows(tmp_path):
    _malay_folder(tmp_path)
    (tmp_path / "routemap.toml").write_text("allow_small_counts = true\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--min-count", "1"])
    assert result.exit_code == 0, result.output

    expected: Counter[str] = Counter()
    accepted = rejected = 0
    for year, origin, transit, destination, _sex, _sector, persons, _notes in MALAY_ROWS:
        if not year or not persons.isdigit() or not 1950 <= int(year) <= THIS_YEAR:
            rejected += 1
            continue
        accepted += 1
        stops = [COUNTRY[origin], *(COUNTRY[t.strip()] for t in transit.split(">") if t.strip()), COUNTRY[destination]]
        if None in stops:
            continue
        route = [s for i, s in enumerate(stops) if i == 0 or s != stops[i - 1]]
        expected[" > ".join(route)] += int(persons)  # type: ignore[arg-type]
    assert expected == {"Myanmar > Thailand > Malaysia": 15, "Indonesia > Malaysia": 1, "Philippines > Malaysia": 2}

    with (tmp_path / "output" / "routes.csv").open(encoding="utf-8-sig") as fh:
        published = {line.split(",")[1]: int(line.split(",")[5]) for line in list(fh)[1:]}
    assert published == expected
    record = json.loads((tmp_path / ".routemap" / "build.json").read_text())
    (account,) = record["files"]
    assert (account["rows_read"], account["accepted"], account["rejected"], account["merged"]) == (
        len(MALAY_ROWS),
        accepted,
        rejected,
        0,
    )
    assert (account["encoding"], account["delimiter"]) == ("cp1252", ";")
    assert record["totals"]["routable_persons"] == sum(expected.values())
    rejects = (tmp_path / ".routemap" / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "partner,file,line,column,value,reason"
    assert [r.split(",")[2] for r in rejects[1:]] == ["4", "5", "7"]
    assert "Catatan" in result.output and "José" not in (tmp_path / ".routemap" / "records.csv").read_text()


def _kes_workbook(path: Path, rows: list[list[object]]) -> None:
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = "Nota"
    cover.append(["Data kes, 2023"])
    data = wb.create_sheet("Kes 2023")
    data.append(["Laporan kes pekerja migran"])
    data.append([])
    data.append(["Tahun", "Negara asal", "Negeri", "Bilangan", None, None])
    for row in rows:
        data.append(row)
    wb.save(path)


XLSX_PROFILE = """\
[read]
sheet = "Kes 2023"
[columns]
year = "Tahun"
origin = "Negara asal"
destination = "Negeri"
persons = "Bilangan"
"""


def test_xlsx_header_on_row_three_of_a_named_sheet(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text(XLSX_PROFILE)
    _kes_workbook(
        folder / "kes.xlsx",
        [
            [2023.0, " Indonesia ", "Sabah", 2.0],
            [dt.datetime(2022, 5, 1), "Myanmar", "Pulau Pinang", "1"],
            [None, "Nepal", "Johor", 1],
            [None, None, None, None],
            ["2021", "Nepal", "Johor", -3],
            [None, None, None, None],
        ],
    )
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["p/kes.xlsx"])
    assert lines == [
        "p/kes.xlsx[Kes 2023]:6: Tahun: error: year is empty; give the year of recruitment or registration",
        "p/kes.xlsx[Kes 2023]:8: Bilangan: error: persons '-3' is not a positive whole number (1, 2, 3 …)",
        "p/kes.xlsx: 4 rows read, 2 ok, 2 with errors, 0 warnings",
        "fix the errors above, then run `routemap validate` again",
    ]
    assert code == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "the file is empty; export the sheet again with its header row"),
        ("blank.csv", b"\r\n  \r\n", "the file is empty; export the sheet again with its header row"),
        (
            "header.csv",
            b"year,origin,destination\r\n,,\r\n",
            "has a header row (line 1) but no data rows; fill in at least one row below the header",
        ),
        (
            "binary.csv",
            bytes(range(256)) * 8,
            "this does not look like a text (CSV) file; export the data as CSV UTF-8 or .xlsx",
        ),
        ("zip.csv", b"PK\x03\x04\x14\x00rest", DAMAGED),
        (
            "corrupt.xlsx",
            b"PK\x03\x04 not really a workbook",
            DAMAGED,
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            DAMAGED,
        ),
    ],
)
def test_unreadable_files_exit_2_with_the_reason(tmp_path, monkeypatch, name, content, reason):
    (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    code, lines = _validate([name])
    assert lines == [
        f"{name}: error: {reason}",
        f"{name}: could not be read",
        f"{name}: will not publish: the file could not be read (see the message above)",
        "a file could not be read: follow the advice above, then run `routemap validate` again",
    ]
    assert code == 2


def test_missing_sheet_exits_2_and_names_the_sheets(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text(XLSX_PROFILE.replace("Kes 2023", "Kes 2024"))
    _kes_workbook(folder / "kes.xlsx", [[2023, "Indonesia", "Sabah", 1]])
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["p"])
    assert lines[0] == (
        "p/kes.xlsx: error: there is no sheet 'Kes 2024'; sheets are: 'Nota', 'Kes 2023'; "
        "fix [read] sheet in partner.toml"
    )
    assert code == 2


def test_a_mapped_column_missing_from_the_file_lists_the_headers(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text('[columns]\nyear = "Tahun"\norigin = "Asal"\ndestination = "Tujuan"\n')
    (folder / "f.csv").write_text("Tahun,Negara,Tujuan\n2020,ID,MY\n2021,ID,MY\n")
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["p/f.csv"])
    assert lines == [
        "p/f.csv:1: error: column 'Asal' (for origin) not found; headers are: 'Tahun', 'Negara', 'Tujuan'; "
        "fix [columns] in partner.toml",
        "p/f.csv: 2 rows read, 0 ok, 2 with errors, 0 warnings",
        "p/f.csv: will not publish: no row can be used: fix the errors listed for it",
        "fix the errors above, then run `routemap validate` again",
    ]
    assert code == 1


def test_ambiguous_place_and_explicit_profile_option(tmp_path, monkeypatch):
    (tmp_path / "cases.csv").write_text("Year,Origin,Destination\n2020,Punjab,Johor\n2021,Punjab,Johor\n")
    (tmp_path / "profile.toml").write_text('[columns]\nyear = "Year"\norigin = "Origin"\ndestination = "Destination"\n')
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["cases.csv", "--profile", "profile.toml"])
    message = (
        "Origin: error: 'Punjab' could be Punjab (admin1, India) or Punjab (admin1, Pakistan); add the country "
        "(e.g. 'Punjab, <country>') or set default_country in partner.toml"
    )
    assert lines == [
        f"cases.csv:2: {message} (2 rows: lines 2, 3)",  # one problem of two rows: one line
        "cases.csv: 2 rows read, 0 ok, 2 with errors, 0 warnings",
        "cases.csv: will not publish: no row has an origin and a destination routemap can place: fix the place "
        "errors listed for it",
        "fix the errors above, then run `routemap validate` again",
    ]
    assert code == 1
    code, lines = _validate(["cases.csv", "--profile", "profile.toml", "--all"])
    assert lines[:2] == [f"cases.csv:2: {message}", f"cases.csv:3: {message}"]


def test_a_problem_of_many_rows_is_one_line_with_the_count_and_the_first_rows(tmp_path, monkeypatch):
    rows = "".join(f"2020,{'Banglashe' if i % 3 else 'Nepal'},Johor\n" for i in range(1, 181))
    (tmp_path / "kes.csv").write_text("year,origin,destination\n" + rows)
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["kes.csv"])
    assert code == 1
    assert len(lines) == 3
    assert lines[0].startswith("kes.csv:2: origin: error: 'Banglashe' is not a place routemap knows; closest: ")
    assert lines[0].endswith(" (120 rows: lines 2, 3, 5, 6, 8 …)")
    code, every = _validate(["kes.csv", "--all"])
    assert len(every) == 120 + 2


def test_clean_template_file_exits_0(tmp_path, monkeypatch):
    (tmp_path / "f.csv").write_text(
        "Tahun,Daerah asal,Tempat transit,Tujuan,Jumlah orang,Jenis kelamin\n2021,NTT,Batam,Sabah,3,Perempuan\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["f.csv"])
    assert lines == [
        "f.csv: 1 row read, 1 ok, 0 with errors, 0 warnings",
        "no problems found: the file is ready to send",
    ]
    assert code == 0


def test_warnings_alone_exit_0_and_close_spellings_are_reported(tmp_path, monkeypatch):
    (tmp_path / "f.csv").write_text(
        "year,origin,destination,sector\n2021,Indonesiaa,Sabah,cook\n2022,Indonesiaa,Sabah,\n"
    )
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["f.csv"])
    assert lines[:2] == [
        "f.csv:2: origin: warning: 'Indonesiaa' was read as Indonesia (country), a close spelling "
        "(2 rows: lines 2, 3); correct it if that is wrong",
        "f.csv:2: sector: warning: 'cook' is not in the sector vocabulary; kept as 'other' (1 row). "
        "Use one of: domestic_work, agriculture, plantation, fishing, construction, manufacturing, hospitality, "
        "sex_industry, begging, other, unknown; or map it in [values.sector] of partner.toml",
    ]
    assert lines[2:] == [
        "f.csv: 2 rows read, 2 ok, 0 with errors, 2 warnings",
        "no errors; read the warnings above before you send the file",
    ]
    assert code == 0


def test_coordinates_near_a_settlement_stand_for_a_place_nobody_knows(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "year,origin,destination,destination_lon,destination_lat\n2021,ID,Kampung Tersembunyi,118.07,5.84\n"
    )
    report = validate_path(path)
    assert report.exit_code == 0 and report.problems == []


def test_coordinates_far_from_any_settlement_do_not_place_a_row(tmp_path):
    # the build names a stop after the settlement its point lies near; with none within reach it cannot draw it
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination,destination_lon,destination_lat\n2021,ID,Kampung Tersembunyi,117.9,4.9\n")
    report = validate_path(path)
    assert report.exit_code == 1
    assert [p.column for p in report.problems] == ["destination"]
    assert report.files[0].not_published.startswith("no row has an origin and a destination")


def test_folder_with_a_good_and_an_unreadable_file_exits_2_with_totals(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "a.csv").write_text("year,origin,destination\n2020,ID,MY\n")
    (folder / "b.csv").write_bytes(b"")
    (folder / "b.dictionary.csv").write_text("not data")
    monkeypatch.chdir(tmp_path)
    code, lines = _validate(["p"])
    assert lines == [
        "p/b.csv: error: the file is empty; export the sheet again with its header row",
        "p/a.csv: 1 row read, 1 ok, 0 with errors, 0 warnings",
        "p/b.csv: could not be read",
        "p/b.csv: will not publish: the file could not be read (see the message above)",
        "total: 1 row read in 2 files, 1 ok, 0 with errors, 0 warnings, 1 could not be read",
        "a file could not be read: follow the advice above, then run `routemap validate` again",
    ]
    assert code == 2


def test_bad_profile_and_empty_folder_are_messages(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2
    assert result.output == f"error: no data file in {folder}; routemap reads .csv, .tsv, .txt and .xlsx files\n"
    (folder / "f.csv").write_text("year,origin,destination\n2020,ID,MY\n")
    (folder / "partner.toml").write_text('[read]\nsheet = 3\nencoding = "ebcdic"\n')
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "error: 1 problem(s) in" in result.output and "[read] encoding = 'ebcdic'" in result.output
    assert "Traceback" not in result.output


def test_validate_writes_nothing(tmp_path):
    folder = _malay_folder(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    validate_path(folder)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_file_directly_in_the_contributions_folder_will_not_publish(tmp_path):
    folder = tmp_path / "data" / "contributions"
    folder.mkdir(parents=True)
    (folder / "kes.csv").write_text("year,origin,destination,persons\n2021,Myanmar,Penang,6\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder / "kes.csv")])
    assert result.exit_code == 1, result.output
    assert "not in a partner folder, so build does not read it" in result.output
    assert "ready to send" not in result.output
