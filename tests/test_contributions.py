import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from routemap._errors import ProfileError, ReadError
from routemap._pii import content_kind, header_kind
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
        (b"PK\x03\x04rest-of-zip", "cannot be read as a workbook: it is damaged"),
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
    with pytest.raises(ReadError, match=r"cannot be read as a workbook: it is damaged"):
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


# ------------------------------------------------------------------ what partners really send
CANON_HEADER = "year,origin,destination,persons\n"


def _read(path: Path, profile=None, **kwargs):
    return read_contribution(path, profile or canonical_profile("p"), current_year=2025, **kwargs)


def test_utf8_without_bom_is_read_without_warning(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes((CANON_HEADER + "2020,Việt Nam,Malaysia,2\n").encode("utf-8"))
    result = _read(path)
    assert result.encoding == "utf-8" and result.warnings == []
    assert list(result.records["origin"]) == ["Việt Nam"]


def test_utf16_without_bom_is_detected_and_warned(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes((CANON_HEADER + "2020,Côte d'Ivoire,Malaysia,2\n").encode("utf-16-le"))
    result = _read(path)
    assert result.encoding == "utf-16-le"
    assert list(result.records["origin"]) == ["Côte d'Ivoire"]
    assert result.warnings == [
        "p/f.csv: warning: no byte-order mark; read as utf-16-le (Unicode text). Save the file as CSV UTF-8"
    ]


def test_latin1_bytes_that_cp1252_lacks_fall_back_to_latin1(tmp_path):
    path = tmp_path / "f.csv"
    # 0x81 is undefined in Windows-1252, so the text can only be Latin-1
    path.write_bytes(CANON_HEADER.encode() + b"2020,S\xe3o Tom\xe9\x81,Malaysia,1\n")
    result = _read(path)
    assert result.encoding == "latin-1"
    assert result.records.loc[0, "origin"] == "São Tomé\x81"
    assert "guessed as latin-1 (ISO 8859-1)" in result.warnings[0]


def test_explicit_utf8_encoding_drops_the_byte_order_mark(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text('[read]\nencoding = "utf-8"\n')
    (folder / "f.csv").write_bytes(b"\xef\xbb\xbf" + (CANON_HEADER + "2020,ID,MY,1\n").encode())
    result = read_contribution(folder / "f.csv", load_profile(folder), current_year=2025)
    assert len(result.records) == 1 and result.rejects == []


def test_explicit_encoding_that_does_not_fit_is_a_read_error(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text('[read]\nencoding = "utf-8"\n')
    (folder / "f.csv").write_bytes(CANON_HEADER.encode() + b"2020,Bras\xedlia,MY,1\n")
    with pytest.raises(ReadError) as info:
        read_contribution(folder / "f.csv", load_profile(folder), current_year=2025)
    assert info.value.reason == (
        'byte 41 is not valid utf-8; set [read] encoding = "auto" in partner.toml or save the file as CSV UTF-8'
    )


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")],
)
def test_delimiter_is_detected(tmp_path, delimiter, name):
    path = tmp_path / f"{name}.csv"
    rows = [["year", "origin", "destination", "persons"], ["2020", "Johor, Malaysia", "Sabah", "2"]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    result = _read(path)
    assert result.delimiter == delimiter
    assert list(result.records["origin"]) == ["Johor, Malaysia"]


def test_quoted_commas_in_the_header_do_not_fool_the_delimiter(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('"year, of recruitment";origin;destination\n2020;ID;MY\n2021;ID;MY\n', encoding="utf-8")
    table = read_table(path, ReadOptions())
    assert table.delimiter == ";"
    assert table.headers == ["year, of recruitment", "origin", "destination"]


def test_delimiter_from_the_profile_wins(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text('[read]\ndelimiter = "tab"\n')
    (folder / "f.csv").write_text("year\torigin\tdestination\n2020\tJohor, Malaysia\tSabah\n")
    result = read_contribution(folder / "f.csv", load_profile(folder), current_year=2025)
    assert result.delimiter == "\t" and list(result.records["origin"]) == ["Johor, Malaysia"]


def test_stray_spaces_numbers_as_text_and_float_years(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        CANON_HEADER + ' 2023.0 ,\u00a0Myanmar ,  Penang,"  3 "\n"2022",Nepal,Johor,"2.0"\n', encoding="utf-8"
    )
    result = _read(path)
    assert list(result.records["year"]) == [2023, 2022]
    assert list(result.records["persons"]) == [3, 2]
    assert list(result.records["origin"]) == ["Myanmar", "Nepal"]


def test_blank_trailing_columns_and_rows_are_layout(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination,,\n2020,ID,MY,,\n2021,ID,MY,,\n,,,,\n,,,,\n", encoding="utf-8")
    result = _read(path)
    assert result.rows_read == 2 and result.blank_rows == 0
    assert result.rejects == []


def test_persons_larger_than_any_group_is_rejected(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(CANON_HEADER + "2020,ID,MY,99999999999999999999\n", encoding="utf-8")
    result = _read(path)
    assert result.records.empty
    assert result.rejects[0]["reason"] == (
        "persons '99999999999999999999' is more than 100,000; check the number, or raise max_persons in "
        "partner.toml for published totals"
    )


def test_header_only_file_is_a_read_error(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(CANON_HEADER + ",,,\n\n", encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_table(path, ReadOptions())
    assert str(info.value) == (
        f"{path}: has a header row (line 1) but no data rows; fill in at least one row below the header"
    )


def test_damaged_old_excel_and_opendocument_files_get_advice(tmp_path):
    for name in ("k.xls", "k.ods", "k.csv"):
        path = tmp_path / name
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
        with pytest.raises(ReadError, match=r"cannot be read as a workbook: it is damaged, or not the kind of file"):
            read_table(path, ReadOptions())


def test_empty_xlsx_file_and_empty_sheet_are_read_errors(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="the file is empty"):
        read_table(empty, ReadOptions())
    blank = tmp_path / "blank.xlsx"
    Workbook().save(blank)
    with pytest.raises(ReadError) as info:
        read_table(blank, ReadOptions())
    assert info.value.path == f"{blank}[Sheet]"


def test_xlsx_sheet_number_out_of_range(tmp_path):
    path = tmp_path / "k.xlsx"
    _workbook(path, sheet="Data", header_row=1, rows=[["year", "origin", "destination"], [2020, "ID", "MY"]])
    with pytest.raises(ReadError) as info:
        read_table(path, ReadOptions(sheet=3))
    assert (
        info.value.reason == "there is no sheet number 3; sheets are: 'Cover', 'Data'; fix [read] sheet in partner.toml"
    )
    assert read_table(path, ReadOptions(sheet=2)).sheet == "Data"


def test_xlsx_header_row_from_the_profile(tmp_path):
    path = tmp_path / "k.xlsx"
    _workbook(path, sheet="Data", header_row=2, rows=[["year", "origin", "destination"], [2020, "ID", "MY"]])
    table = read_table(path, ReadOptions(sheet="data", header_row=2))  # sheet names match ignoring case
    assert table.header_line == 2 and table.lines.tolist() == [3]
    with pytest.raises(ReadError, match=r"there is no row 9 for the header; check \[read\] header_row"):
        read_table(path, ReadOptions(sheet="Data", header_row=9))


def test_template_headers_in_any_language_are_read_without_a_profile(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "Tahun;Daerah asal;Transit 1;Transit 2;Tujuan;Jumlah orang;Jenis kelamin;Sektor kerja\n"
        "2021;NTT;Batam;Johor Bahru;Sabah;2;Laki-laki;PRT\n",
        encoding="utf-8",
    )
    result = _read(path)
    rec = result.records.iloc[0]
    assert (rec["origin"], rec["transit"], rec["destination"], rec["persons"]) == (
        "NTT",
        "Batam > Johor Bahru",
        "Sabah",
        2,
    )
    assert (rec["sex"], rec["sector"]) == ("male", "domestic_work")
    assert result.header_of["origin"] == "Daerah asal"


def test_vocabulary_labels_of_every_language_are_accepted(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "year,origin,destination,sector,exploitation,recruitment,transport,sex,age_group\n"
        "2020,ID,MY,Pembantu rumah,Ikatan hutang,Ejen,Laut,Lelaki,Kanak-kanak\n"
        "2020,ID,MY,Perkebunan; Ladang,Jeratan utang,Calo,Darat,Laki-laki,Anak\n"
        "2020,ID,MY,Domestic work,Debt bondage,Recruitment agency,Air,Female,Adult\n",
        encoding="utf-8",
    )
    rec = _read(path).records
    assert list(rec["sector"]) == ["domestic_work", "plantation", "domestic_work"]
    assert list(rec["exploitation"]) == ["debt_bondage"] * 3
    assert list(rec["recruitment"]) == ["agency"] * 3
    assert list(rec["transport"]) == ["sea", "land", "air"]
    assert list(rec["sex"]) == ["male", "male", "female"]
    assert list(rec["age_group"]) == ["child", "child", "adult"]


def test_a_value_outside_the_vocabulary_is_kept_as_other_with_one_warning(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination,sector\n" + "2020,ID,MY,Tukang masak\n" * 3, encoding="utf-8")
    result = _read(path)
    assert list(result.records["sector"]) == ["other"] * 3
    assert result.warnings == [
        "p/f.csv:2: sector: warning: 'Tukang masak' is not in the sector vocabulary; kept as 'other' "
        "(3 rows: lines 2, 3, 4). Use one of: domestic_work, agriculture, plantation, fishing, construction, "
        "manufacturing, hospitality, sex_industry, begging, other, unknown; "
        "or map it in [values.sector] of partner.toml"
    ]


@pytest.mark.parametrize(
    ("header", "cells", "kind"),
    [
        ("Nama", ["Siti Aminah", "Ali"], "name"),
        ("No. Pasport", ["A1234567", "B7654321"], "passport number"),
        ("No. KP", ["", ""], "identity card number (IC/NRIC/KTP/NIK)"),
        ("NIK", ["", ""], "identity card number (IC/NRIC/KTP/NIK)"),
        ("No. HP", ["", ""], "phone number"),
        ("E-mail", ["", ""], "e-mail address"),
        ("Alamat", ["", ""], "address"),
        ("Tarikh lahir", ["", ""], "date of birth"),
        ("Catatan", ["Nama: Siti", ""], "labelled personal details, such as 'Nama:'"),
        ("Notes", ["write to x.y@example.org", ""], "e-mail addresses"),
        ("Notes", ["880101-14-5566", ""], "identity card numbers (NRIC)"),
        ("Ref", ["3201234567890001", "3201234567890002"], "identity card numbers (NIK)"),
        ("Contact", ["+60 12-345 6789", ""], "phone numbers"),
        ("Ref", ["A12345678", "K1234567"], "passport numbers"),
    ],
)
def test_columns_that_look_like_personal_data_are_warned_and_never_read(tmp_path, header, cells, kind):
    path = tmp_path / "f.csv"
    path.write_text(
        f"year,origin,destination,{header}\n" + "".join(f"2020,ID,MY,{c}\n" for c in cells), encoding="utf-8"
    )
    result = _read(path)
    assert result.warnings == [
        f"p/f.csv:1: {header}: warning: looks like personal data: {kind}. routemap does not read it, but remove "
        "the column before you send the file"
    ]
    assert not any(c and c in result.records.to_numpy().ravel().tolist() for c in cells)


def test_a_mapped_column_with_personal_data_is_warned_as_read(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partner.toml").write_text(
        '[columns]\nyear = "y"\norigin = "o"\ndestination = "d"\nperson_key = "Passport"\n'
    )
    (folder / "f.csv").write_text("y,o,d,Passport\n2020,ID,MY,A1234567\n")
    result = read_contribution(folder / "f.csv", load_profile(folder), current_year=2025)
    assert result.warnings == [
        "p/f.csv:1: Passport: warning: is read as person_key but looks like personal data: passport number. "
        "Replace it with a key made by `routemap pseudonymise`, or remove it before you send the file"
    ]


def test_ordinary_columns_are_not_taken_for_personal_data():
    for header in ("Negara Asal", "Tahun", "Sektor", "Person key", "Case ref", "Hotel", "No. Rujukan", "Kunci"):
        assert header_kind(header) is None, header
    for cells in (
        ["2023", "2024"],
        ["PSP-2001", "LA-00002"],
        ["50795097c1b30a7d2024992a887ed7509af5b1602f99c9444e44630f9c6e1e70"],
    ):
        assert content_kind(pd.Series(cells)) is None, cells


def test_a_header_written_twice_is_warned(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,origin,destination,origin\n2020,ID,MY,TH\n", encoding="utf-8")
    result = _read(path)
    assert list(result.records["origin"]) == ["ID"]
    assert result.warnings == [
        "p/f.csv:1: origin: warning: 2 columns are headed 'origin'; only the first is read as origin. "
        "Rename or remove the others"
    ]


def test_missing_column_without_a_profile_names_the_accepted_headers(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("year,from,destination\n2020,ID,MY\n", encoding="utf-8")
    result = _read(path)
    assert result.records.empty and result.rejects[0]["scope"] == "file"
    assert [str(p) for p in result.problems] == [
        "p/f.csv:1: error: no column for origin; headers are: 'year', 'from', 'destination'; name a column "
        "'origin' (the template's 'Origin', 'Tempat asal', 'Daerah asal' also work), "
        'or map yours in partner.toml: [columns] origin = "<your header>"'
    ]


# ------------------------------------------------------------------ profile features for published data
def _partner(tmp_path: Path, profile: str, data: str | bytes, name: str = "f.csv"):
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    (folder / "partner.toml").write_text(profile, encoding="utf-8")
    path = folder / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return read_contribution(path, load_profile(folder), current_year=2025)


COLUMNS = '[columns]\nyear = "y"\norigin = "o"\ndestination = "d"\n'


def test_missing_markers_per_field_and_everywhere(tmp_path):
    profile = '[missing]\nall = ["-99"]\norigin = ["00"]\n' + COLUMNS + 'sector = "s"\n'
    result = _partner(tmp_path, profile, "y,o,d,s\n2020,00,MY,00\n2020,-99,MY,-99\n2020,KH,-99,x\n2020,KH,MY,-99\n")
    assert list(result.records["line"]) == [5]
    assert list(result.records["sector"]) == ["unknown"]  # -99 is missing everywhere
    assert [(r["line"], r["column"], r["value"], r["reason"]) for r in result.rejects] == [
        (2, "o", "00", "origin is empty ('00' means missing in partner.toml)"),
        (3, "o", "-99", "origin is empty ('-99' means missing in partner.toml)"),
        (4, "d", "-99", "destination is empty ('-99' means missing in partner.toml)"),
    ]
    # "00" means missing only where the profile says so: as a sector it is a value outside the vocabulary
    assert any("'00' is not in the sector vocabulary" in w for w in result.warnings)


def test_a_list_of_missing_markers_still_means_every_column(tmp_path):
    result = _partner(tmp_path, 'missing = ["n/a"]\n' + COLUMNS, "y,o,d\nn/a,ID,MY\n2020,ID,n/a\n2020,ID,MY\n")
    assert len(result.records) == 1
    assert [r["reason"] for r in result.rejects] == [
        "year is empty ('n/a' means missing in partner.toml)",
        "destination is empty ('n/a' means missing in partner.toml)",
    ]


@pytest.mark.parametrize(
    ("fmt", "cells"),
    [
        ("wkt", ['"POINT (101.69 3.14)"', '"point(-99.5 19.25)"', '"SRID=4326;POINT Z (1 2 3)"', ""]),
        ("lat,lon", ['"3.14, 101.69"', '"19.25,-99.5"', '"(2; 1)"', ""]),
        ("lon,lat", ['"101.69 3.14"', '"-99.5, 19.25"', '"[1, 2]"', ""]),
    ],
)
def test_points_in_one_cell_in_every_format(tmp_path, fmt, cells):
    profile = COLUMNS + f'[points]\ndestination = {{ column = "At", format = "{fmt}" }}\n'
    rows = "".join(f"2020,ID,MY,{c}\n" for c in cells)
    result = _partner(tmp_path, profile, "y,o,d,At\n" + rows)
    rec = result.records
    assert list(rec["destination_lon"].round(2))[:3] == [101.69, -99.5, 1.0]
    assert list(rec["destination_lat"].round(2))[:3] == [3.14, 19.25, 2.0]
    assert pd.isna(rec.loc[3, "destination_lon"]) and pd.isna(rec.loc[3, "destination_lat"])
    assert not result.rejects and not result.warnings


def test_a_point_that_cannot_be_read_rejects_its_row_with_the_format(tmp_path):
    profile = 'missing = ["-99"]\n' + COLUMNS + '[points]\norigin = { column = "GPS", format = "lat,lon" }\n'
    result = _partner(tmp_path, profile, 'y,o,d,GPS\n2020,ID,MY,"101.7, 3.1"\n2020,ID,MY,north\n2020,ID,MY,-99\n')
    assert list(result.records["line"]) == [4]  # -99 is missing: no point, the row is kept
    assert [(r["line"], r["column"], r["value"]) for r in result.rejects] == [
        (2, "GPS", "101.7, 3.1"),
        (3, "GPS", "north"),
    ]
    assert result.rejects[0]["reason"] == (
        "'101.7, 3.1' is not a point in the format of [points] origin (format = 'lat,lon', e.g. '3.14, 101.69') "
        "with longitude -180..180 and latitude -90..90; correct the cell, or the format if lat and lon are swapped"
    )


def test_a_point_column_is_read_not_treated_as_unmapped(tmp_path):
    profile = COLUMNS + '[points]\ndestination = { column = "At", format = "wkt" }\n'
    result = _partner(tmp_path, profile, 'y,o,d,At,Note\n2020,ID,MY,"POINT (101.5 3.1)",secret\n')
    assert set(result.private_values["unmapped column"]) == {"secret"}
    missing = _partner(tmp_path, profile, "y,o,d\n2020,ID,MY\n", name="g.csv")
    assert len(missing.records) == 1
    assert missing.warnings == [
        "p/g.csv:1: warning: column 'At' (for destination's coordinates) not found; treated as empty; headers are: "
        "'y', 'o', 'd'; fix [points] in partner.toml"
    ]


def test_empty_persons_can_mean_unknown(tmp_path):
    data = "y,o,d,n\n2020,ID,MY,3\n2020,ID,MY,\n2020,ID,MY,-99\n"
    default = _partner(tmp_path, 'missing = ["-99"]\n' + COLUMNS + 'persons = "n"\n', data)
    assert list(default.records["persons"]) == [3, 1, 1]
    unknown = _partner(
        tmp_path, 'missing = ["-99"]\nempty_persons = "unknown"\n' + COLUMNS + 'persons = "n"\n', data, name="g.csv"
    )
    assert list(unknown.records["persons"]) == [3]
    assert [(r["line"], r["column"], r["value"], r["reason"]) for r in unknown.rejects] == [
        (
            3,
            "n",
            "",
            "persons is empty; the profile says an empty cell means the number is not known "
            '(empty_persons = "unknown"), so the row cannot be counted',
        ),
        (4, "n", "-99", "persons is empty ('-99' means missing in partner.toml)"),
    ]


def test_code_tables_map_each_listed_value_and_may_give_several(tmp_path):
    profile = (
        COLUMNS
        + 'exploitation = "e"\ntransit = "t"\n'
        + '[values.exploitation]\n"0" = "forced_labour"\n"1" = "sexual_exploitation"\n'
        + '"2" = "sexual_exploitation;forced_labour"\n"-99" = ""\n'
        + '[values.transit]\n"BKK" = "Bangkok"\n'
    )
    result = _partner(tmp_path, profile, "y,o,d,e,t\n2020,ID,MY,2,BKK > Hat Yai\n2020,ID,MY,1;0,\n2020,ID,MY,-99,\n")
    assert list(result.records["exploitation"]) == ["sexual_exploitation", "sexual_exploitation", "unknown"]
    assert list(result.records["transit"]) == ["Bangkok > Hat Yai", "", ""]
    assert not result.warnings


def test_several_headers_for_a_field_take_the_first_filled_cell(tmp_path):
    profile = (
        '[missing]\norigin = ["00"]\n[columns]\nyear = ["Year", "Registered"]\n'
        'origin = ["Recruited in", "Citizenship"]\ndestination = "d"\n'
    )
    result = _partner(
        tmp_path, profile, "Registered,Recruited in,Citizenship,d\n2020,Batam,ID,MY\n2021,,KH,TH\n2022,,00,TH\n"
    )
    assert list(result.records["origin"]) == ["Batam", "KH"]
    assert list(result.records["year"]) == [2020, 2021]  # "Year" is not in the file: "Registered" is read
    assert [(r["column"], r["value"]) for r in result.rejects] == [("Citizenship", "00")]  # where the value was


def test_new_profile_keys_are_checked_with_every_problem_at_once(tmp_path):
    path = tmp_path / "partner.toml"
    path.write_text(
        'empty_persons = "zero"\n[missing]\nall = "-99"\nplace = ["x"]\n'
        + COLUMNS
        + 'destination_lon = "lon"\n[values.exploitation]\n"2" = "sexual_exploitation;bonded"\n'
        + '[points]\ntransit = { column = "T", format = "wkt" }\norigin = "GPS"\n'
        + 'destination = { column = "At", format = "wkt" }\n'
        + 'intended_destination = { column = "I", format = "xy", colour = "red" }\n'
    )
    with pytest.raises(ProfileError) as info:
        read_profile(path)
    text = str(info.value)
    assert text.startswith("9 problem(s) in"), text
    for part in (
        "[values.exploitation] '2' = 'sexual_exploitation;bonded': 'bonded' is not in the vocabulary",
        "(several values are separated by ';')",
        "[missing] all = '-99' must be a list of values in quotes",
        "[missing] 'place' is not a canonical field; use all = [...] for every column",
        "[points] 'transit' is not a stop that takes coordinates; stops: origin, destination, intended_destination",
        "[points] origin = 'GPS' must name the column and its format: "
        'origin = { column = "<your header>", format = "wkt" }',
        "[points] destination and [columns] destination_lon both give destination's coordinates; keep one of them",
        "[points] intended_destination: unknown key 'colour'; did you mean 'column'? (allowed: column, format)",
        "[points] intended_destination format = 'xy' must be one of 'wkt', 'lat,lon', 'lon,lat'",
        "empty_persons = 'zero' must be \"one\"",
    ):
        assert part in text, part
    path.write_text('empty_persons = "unknown"\n' + COLUMNS)
    with pytest.raises(ProfileError, match=r'empty_persons = "unknown" needs the persons column'):
        read_profile(path)


FAST_CASES = {
    "plain": "year,origin,transit,destination,persons\n2020,ID,Batam,MY,2\n2021,Myanmar,Thailand > Bangkok,Penang,\n",
    "quoted newline": 'year,origin,destination\n2020,"Yangon,\nMyanmar",MY\n,ID,MY\n2022,NA,MY\n',
    "delimiter-only rows": "year,origin,destination\n2020,ID,MY\n,,\n2021,ID,MY\n , ,\n",
    "ragged": "year,origin,destination\n2020,Kuala Lumpur, Malaysia,ID\n2020,ID,MY\n",
    "blank line": "year,origin,destination\n2020,ID,MY\n\n2021,ID,MY\n",
    "title row": "Kes 2023\nyear,origin,destination\n2020,ID,MY\n",
    "semicolons": "year;origin;destination;sex\n2020;Burma;Penang;F\n2021;NA;Sabah;unknown\n",
    "narrow row": "year,origin,destination\n2020,ID,MY\n2021,ID\n2022,ID,MY\n",
    "wide later row": "year,origin,destination\n2020,ID,MY\n2021,ID,MY,x\n",
    "narrow and quoted delimiter": 'year,origin,destination\n2020,"Kota Kinabalu, Sabah"\n2021,ID,MY\n',
    "quoted delimiters and quotes": 'year,origin,destination\n2020,"Kuala Lumpur, Malaysia","a ""b"", c"\n2021,ID,MY\n',
    "padded cells": "year,origin,destination\n 2020 ,\tID , MY\n2021,ID,\u00a0MY\u00a0\n",
    "quote inside a cell": 'year,origin,destination\n2020,ID "x",MY\n2021,ID,MY\n',
}


@pytest.mark.parametrize("engine", ["pandas", "arrow"])
@pytest.mark.parametrize("case", sorted(FAST_CASES))
def test_the_fast_path_reads_exactly_as_the_csv_module(tmp_path, monkeypatch, case, engine):
    from routemap.readers import csv as csv_reader

    if engine == "arrow" and not csv_reader.ARROW:
        pytest.skip("pyarrow is not installed (routemap[fast])")
    path = tmp_path / "f.csv"
    path.write_text(FAST_CASES[case], encoding="utf-8")
    slow = read_contribution(path, canonical_profile("p"), current_year=2025)
    monkeypatch.setattr(csv_reader, "FAST_CSV_MIN_BYTES", 0)  # every file counts as large
    monkeypatch.setattr(csv_reader, "ARROW", engine == "arrow")
    delimiter = ";" if case == "semicolons" else ","
    taken = csv_reader.fast_csv(path, FAST_CASES[case], delimiter, ReadOptions(), ("year",))
    # the fast path reads well-formed files; ragged rows, blank lines, title rows and quoted line
    # breaks (whose lines are numbered and checked for a stray quote) go to the csv module
    well_formed = ("plain", "delimiter-only rows", "semicolons", "quoted delimiters and quotes", "padded cells")
    assert (taken is not None) == (case in (*well_formed, "quote inside a cell")), "a narrow or wide row slipped by"
    fast = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert (fast.rows_read, fast.blank_rows) == (slow.rows_read, slow.blank_rows)
    assert fast.rejects == slow.rejects
    assert fast.records.astype(str).to_dict("list") == slow.records.astype(str).to_dict("list")
