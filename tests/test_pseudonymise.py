"""`routemap pseudonymise`: keys, identifier normalisation, the copy it writes, and duplicates counted once."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
import stat
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from routemap._errors import ConfigError
from routemap.cli import main
from routemap.pseudonymise import new_key, normalise_identifier, person_key, pseudonymise_file, read_key

KEY_HEX = "00112233445566778899aabbccddeeff" * 2


def _key(tmp_path: Path) -> Path:
    path = tmp_path / "shared.key"
    path.write_text(f"# a comment\n{KEY_HEX}\n")
    return path


def _expected(identifier: str) -> str:
    """HMAC-SHA256, written out here, of an identifier already normalised by hand."""
    return hmac.new(bytes.fromhex(KEY_HEX), identifier.encode(), hashlib.sha256).hexdigest()


def test_new_key_is_random_private_and_never_replaced(tmp_path):
    first, second = tmp_path / "a.key", tmp_path / "b.key"
    result = CliRunner().invoke(main, ["pseudonymise", "--new-key", str(first)])
    assert result.exit_code == 0
    assert result.output == f"wrote {first}: share it only with the partner organisations, never with the data\n"
    new_key(second)
    assert len(read_key(first)) == 32 and read_key(first) != read_key(second)
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    before = first.read_bytes()
    again = CliRunner().invoke(main, ["pseudonymise", "--new-key", str(first)])
    assert (
        again.exit_code == 2 and "already exists; a new key would give everyone a different person_key" in again.output
    )
    assert first.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not a key\n", "is not a routemap key (one line of 64 hexadecimal characters)"),
        (KEY_HEX[:-2] + "\n", "is not a routemap key"),
        (f"{KEY_HEX}\n{KEY_HEX}\n", "is not a routemap key"),
    ],
)
def test_malformed_key_files_are_refused(tmp_path, content, message):
    path = tmp_path / "k.key"
    path.write_text(content)
    with pytest.raises(ConfigError, match=re.escape(message)):
        read_key(path)


def test_missing_key_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError) as info:
        read_key(tmp_path / "none.key")
    missing = tmp_path / "none.key"
    assert str(info.value) == f"key file {missing} not found; make one with `routemap pseudonymise --new-key {missing}`"


@pytest.mark.parametrize(
    "written",
    [
        "A12345678",
        "a12345678",
        " A12 345 678 ",
        "A12-345-678",
        "a12\u2013345\u2014678",
        "Ａ１２３４５６７８",
        "A12\u00a0345678",
    ],
)
def test_one_identifier_written_many_ways_gives_one_key(written):
    assert normalise_identifier(written) == "A12345678"
    assert person_key(written, bytes.fromhex(KEY_HEX)) == _expected("A12345678")


def test_empty_identifier_gives_no_key():
    assert person_key("  - ", bytes.fromhex(KEY_HEX)) == ""


def test_csv_copy_replaces_the_column_in_place_and_keeps_the_rest(tmp_path):
    source = tmp_path / "kes.csv"
    text = (
        "Tahun;No. Pasport;Negara Asal;Negeri Destinasi;Catatan\r\n"
        "2021;A1234567;Myanmar;Pulau Pinang;José\r\n"
        "2022;;Indonesia;Johor;\r\n"
        '2023;b-765 4321;Nepal;Selangor;"dua\r\nbaris"\r\n'
    )
    source.write_bytes(text.encode("cp1252"))
    out = tmp_path / "kes-keyed.csv"
    result = CliRunner().invoke(
        main,
        ["pseudonymise", str(source), "--column", "no. pasport", "--key-file", str(_key(tmp_path)), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"wrote {out}: 3 rows, 2 with a person_key (2 distinct); the column 'no. pasport' is not in it\n"
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"A1234567" not in raw and b"765" not in raw
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows == [
        ["Tahun", "person_key", "Negara Asal", "Negeri Destinasi", "Catatan"],
        ["2021", _expected("A1234567"), "Myanmar", "Pulau Pinang", "José"],
        ["2022", "", "Indonesia", "Johor", ""],
        ["2023", _expected("B7654321"), "Nepal", "Selangor", "dua\r\nbaris"],
    ]
    assert source.read_bytes() == text.encode("cp1252")  # the original is untouched


def test_xlsx_copy_from_a_named_sheet_with_the_header_on_row_three(tmp_path):
    source = tmp_path / "kes.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nota"
    data = wb.create_sheet("Kes 2023")
    data.append(["Laporan"])
    data.append([])
    data.append(["Tahun", "Passport", "Asal", "Tujuan", "Bilangan"])
    data.append([2023, "X 1234567", "Indonesia", "Sabah", 2])
    wb.save(source)
    out = tmp_path / "keyed.xlsx"
    result = pseudonymise_file(
        source, column="Passport", key_file=_key(tmp_path), out=out, sheet="Kes 2023", key_column="Kunci"
    )
    assert (result.rows, result.keyed, result.distinct) == (1, 1, 1)
    sheet = load_workbook(out).worksheets[0]
    assert sheet.title == "Kes 2023"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Tahun", "Kunci", "Asal", "Tujuan", "Bilangan"],
        [2023, _expected("X1234567"), "Indonesia", "Sabah", 2],
    ]


def test_xlsx_copy_keeps_text_that_looks_like_a_formula_or_a_number_as_text(tmp_path):
    source = tmp_path / "kes.csv"
    source.write_text('Tahun,Passport,Catatan\n2023,X 1234567,=HYPERLINK("http://x")\n2024,,007\n', encoding="utf-8")
    out = tmp_path / "keyed.xlsx"
    pseudonymise_file(source, column="Passport", key_file=_key(tmp_path), out=out)
    sheet = load_workbook(out).worksheets[0]
    cells = {(c.row, c.column): (c.value, c.data_type) for row in sheet.iter_rows() for c in row}
    assert cells[(2, 3)] == ('=HYPERLINK("http://x")', "s")  # text, as in the partner's file: no formula
    assert cells[(3, 3)] == ("007", "s") and cells[(2, 1)] == (2023, "n")
    assert cells[(3, 2)] == (None, "n")  # no identifier, no key: the cell stays empty


def test_pseudonymise_errors_are_messages(tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("year,Passport,origin,person_key\n2020,A1,ID,\n")
    key = _key(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["pseudonymise", str(source), "--column", "Pasport", "--key-file", str(key), "-o", str(tmp_path / "x.csv")],
    )
    assert result.exit_code == 2
    assert result.output == (
        f"error: column 'Pasport' not found in {source}; headers are: 'year', 'Passport', 'origin', 'person_key'\n"
    )
    result = runner.invoke(
        main,
        ["pseudonymise", str(source), "--column", "Passport", "--key-file", str(key), "-o", str(tmp_path / "x.csv")],
    )
    assert (
        result.output
        == f"error: {source} already has a column 'person_key'; remove it, or name the new one with --as\n"
    )
    result = runner.invoke(
        main, ["pseudonymise", str(source), "--column", "Passport", "--key-file", str(key), "-o", str(source)]
    )
    assert "is the file itself" in result.output
    result = runner.invoke(main, ["pseudonymise", str(source), "--column", "Passport"])
    assert result.output == (
        "error: missing --key-file, -o; e.g. routemap pseudonymise cases.csv --column Passport "
        "--key-file shared.key -o cases-keyed.csv (or --new-key KEY to make a key)\n"
    )
    ragged = tmp_path / "r.csv"
    ragged.write_text("year,Passport,origin\n2020,A1,Kuala Lumpur, Malaysia\n")
    result = runner.invoke(
        main,
        ["pseudonymise", str(ragged), "--column", "Passport", "--key-file", str(key), "-o", str(tmp_path / "y.csv")],
    )
    assert result.exit_code == 2 and f"{ragged}:2: has 4 cells but the header has 3" in result.output
    assert "Traceback" not in result.output


def test_pseudonymised_duplicates_across_two_partners_are_counted_once(tmp_path):
    """Two shelters met the same woman; their files name her passport differently. She is counted once."""
    key = _key(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_text(
        "year,Passport,origin,transit,destination,persons\n"
        "2021,A1234567,Myanmar,Bangkok > Hat Yai,Penang,1\n"
        "2021,,Nepal,,Johor,4\n"
        "2022,C5555555,Cambodia,,Terengganu,1\n"
    )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["year", "No passport", "origin", "destination"])
    ws.append([2021, "a 123-4567", "Myanmar", "Penang"])  # the same woman, less route detail
    ws.append([2023, "D7777777", "Indonesia", "Sabah"])
    wb.save(raw / "b.xlsx")

    project = tmp_path / "project"
    runner = CliRunner()
    for partner, name, column in (("shelter-a", "a.csv", "Passport"), ("shelter-b", "b.xlsx", "No passport")):
        folder = project / "data" / "contributions" / partner
        folder.mkdir(parents=True)
        out = folder / name
        args = ["pseudonymise", str(raw / name), "--column", column, "--key-file", str(key), "-o", str(out)]
        assert runner.invoke(main, args).exit_code == 0

    (project / "routemap.toml").write_text("allow_small_counts = true\n", encoding="utf-8")
    result = runner.invoke(main, ["build", str(project), "--min-count", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"read 5 rows \(\d+ lines of the files, headers included\) from 2 file\(s\): 4 accepted, "
        r"0 rejected, 1 merged as duplicates",
        result.output,
    )
    assert "merged as duplicates (person_key seen before): shelter-b/b.xlsx 1" in result.output
    routes = pd.read_csv(project / "output" / "routes.csv", encoding="utf-8-sig", dtype=str)
    published = dict(zip(routes["route"], routes["persons"].astype(int), strict=True))
    # written by hand: the detailed record (via Thailand) is kept, the short one merged
    assert published == {
        "Nepal > Malaysia": 4,
        "Myanmar > Thailand > Malaysia": 1,
        "Cambodia > Malaysia": 1,
        "Indonesia > Malaysia": 1,
    }
    files = {f["file"]: f for f in json.loads((project / ".routemap" / "build.json").read_text())["files"]}
    assert (files["shelter-a/a.csv"]["merged"], files["shelter-b/b.xlsx"]["merged"]) == (0, 1)
    assert (files["shelter-b/b.xlsx"]["rows_read"], files["shelter-b/b.xlsx"]["accepted"]) == (2, 1)
    for path in (project / "data").rglob("*.*"):
        assert b"1234567" not in path.read_bytes()


def test_the_copy_never_replaces_an_existing_file_without_force(tmp_path):
    source = tmp_path / "kes.csv"
    source.write_text("Tahun,Passport,Negara\n2021,A1234567,Myanmar\n", encoding="utf-8")
    out = tmp_path / "other.csv"
    out.write_text("the user's own file\n", encoding="utf-8")
    args = ["pseudonymise", str(source), "--column", "Passport", "--key-file", str(_key(tmp_path)), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {out} already exists (it may hold your data); choose another name")
    assert out.read_text(encoding="utf-8") == "the user's own file\n"
    result = CliRunner().invoke(main, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert "A1234567" not in out.read_text(encoding="utf-8-sig")


def test_help_shows_the_examples_without_a_literal_backslash():
    result = CliRunner().invoke(main, ["pseudonymise", "-h"])
    assert result.exit_code == 0
    assert "\\b" not in result.output
    assert "\n  routemap pseudonymise --new-key shared.key\n" in result.output
