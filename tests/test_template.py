"""The contribution template in English, Malay and Indonesian: its sheets and dropdowns, and a filled one builds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from routemap.cli import main
from routemap.pipeline import build
from routemap.schema import FIELD_NAMES

# What a partner fills in, in the words of each template, and what routemap must make of it
# (written here by hand). Columns: year, origin, transit, destination, persons, sex, sector, recruitment.
FILLED = {
    "en": [
        ("2021", "Myanmar", "Bangkok", "Penang", "3", "Male", "Manufacturing", "Recruitment agency"),
        ("2022", "Cambodia", "", "Terengganu", "1", "Male", "Fishing", "Family or friend"),
    ],
    "ms": [
        ("2020", "Indonesia", "Nunukan", "Sabah", "2", "Lelaki", "Ladang", "Ejen"),
        ("2023", "Myanmar", "Bangkok", "Kedah", "4", "Perempuan", "Pembantu rumah", "Dalam talian"),
    ],
    "id": [
        ("2019", "Nusa Tenggara Timur", "Nunukan", "Sabah", "5", "Laki-laki", "Perkebunan", "Keluarga/teman"),
        ("2024", "Jawa Timur", "", "Selangor", "1", "Perempuan", "Pekerja rumah tangga", "Agen"),
    ],
}
CANONICAL = {
    "Male": "male",
    "Lelaki": "male",
    "Laki-laki": "male",
    "Perempuan": "female",
    "Manufacturing": "manufacturing",
    "Fishing": "fishing",
    "Ladang": "plantation",
    "Perkebunan": "plantation",
    "Pembantu rumah": "domestic_work",
    "Pekerja rumah tangga": "domestic_work",
    "Recruitment agency": "agency",
    "Ejen": "agency",
    "Agen": "agency",
    "Family or friend": "family_or_friend",
    "Keluarga/teman": "family_or_friend",
    "Dalam talian": "online",
}
COUNTRY = {
    "Myanmar": "Myanmar",
    "Bangkok": "Thailand",
    "Penang": "Malaysia",
    "Cambodia": "Cambodia",
    "Terengganu": "Malaysia",
    "Indonesia": "Indonesia",
    "Nunukan": "Indonesia",
    "Sabah": "Malaysia",
    "Kedah": "Malaysia",
    "Nusa Tenggara Timur": "Indonesia",
    "Jawa Timur": "Indonesia",
    "Selangor": "Malaysia",
}
# The headers each template must show for the columns filled above.
HEADERS = {
    "en": ["Year", "Origin", "Transit", "Destination", "Persons", "Sex", "Sector", "Recruitment"],
    "ms": [
        "Tahun",
        "Tempat asal",
        "Tempat transit",
        "Destinasi",
        "Bilangan orang",
        "Jantina",
        "Sektor",
        "Cara perekrutan",
    ],
    "id": [
        "Tahun",
        "Daerah asal",
        "Tempat transit",
        "Tujuan",
        "Jumlah orang",
        "Jenis kelamin",
        "Sektor kerja",
        "Cara rekrutmen",
    ],
}


def _dropdowns(path: Path) -> dict[str, list[str]]:
    """Header of each dropdown column -> the labels its list offers, read from the workbook itself."""
    wb = load_workbook(path)
    data = wb.worksheets[0]
    headers = {cell.column_letter: cell.value for cell in data[1]}
    out: dict[str, list[str]] = {}
    for check in data.data_validations.dataValidation:
        if check.type != "list":
            continue
        sheet_name, ref = wb.defined_names[check.formula1].attr_text.split("!")
        sheet = wb[sheet_name.strip("'")]
        letter = str(check.sqref).split(":")[0].rstrip("0123456789")
        out[headers[letter]] = [c.value for row in sheet[ref.replace("$", "")] for c in row]
    return out


@pytest.mark.parametrize("lang", ["en", "ms", "id"])
def test_xlsx_template_has_headers_dropdowns_and_a_dictionary(tmp_path, lang):
    path = tmp_path / f"t-{lang}.xlsx"
    result = CliRunner().invoke(main, ["template", "-o", str(path), "--lang", lang])
    assert result.exit_code == 0 and result.output == f"wrote {path}\n"
    wb = load_workbook(path)
    data, dictionary, lists = wb.worksheets
    headers = [c.value for c in data[1]]
    assert len(headers) == len(FIELD_NAMES)
    assert all(h in headers for h in HEADERS[lang])
    assert data.max_row == 1  # blank: no example row that could be sent as data
    assert lists.sheet_state == "hidden" and dictionary.sheet_state == "visible"
    dropdowns = _dropdowns(path)
    assert len(dropdowns) == 6  # sex, age_group, sector, exploitation, recruitment, transport
    for *_, sex, sector, recruitment in FILLED[lang]:
        assert sex in dropdowns[HEADERS[lang][5]]
        assert sector in dropdowns[HEADERS[lang][6]]
        assert recruitment in dropdowns[HEADERS[lang][7]]
    assert len(dropdowns[HEADERS[lang][6]]) == 11  # every sector
    # an absent operator is "between", the Office Open XML default (ECMA-376 Part 1, 18.3.1.32)
    kinds = sorted((c.type, c.operator or "between") for c in data.data_validations.dataValidation)
    assert ("whole", "between") in kinds and ("whole", "greaterThanOrEqual") in kinds
    # the dictionary names every column of the data sheet, with its canonical field
    rows = [[c.value for c in row] for row in dictionary.iter_rows(min_row=3)]
    assert [r[0] for r in rows[1:]] == headers
    assert [r[1] for r in rows[1:]] == list(FIELD_NAMES)
    assert "passport" in str(dictionary["A1"].value).lower() or "paspor" in str(dictionary["A1"].value).lower()


def test_csv_template_has_a_header_and_a_dictionary_beside_it(tmp_path):
    path = tmp_path / "kosong.csv"
    result = CliRunner().invoke(main, ["template", "--format", "csv", "--lang", "id", "-o", str(path)])
    assert result.exit_code == 0
    assert result.output == f"wrote {path}\nwrote {tmp_path / 'kosong.dictionary.csv'}\n"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the byte-order mark to show UTF-8
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert all(h in header for h in HEADERS["id"])
    dictionary = list(csv.reader((tmp_path / "kosong.dictionary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert dictionary[2] == ["Kolom", "Bidang routemap", "Wajib", "Arti", "Nilai yang diperbolehkan"]
    assert [r[0] for r in dictionary[3:]] == header


def test_template_refuses_to_overwrite_unless_forced(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"a partner's filled file")
    runner = CliRunner()
    result = runner.invoke(main, ["template", "-o", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {path} already exists (it may hold your data); choose another name with -o, or add --force\n"
    )
    assert path.read_bytes() == b"a partner's filled file"
    assert runner.invoke(main, ["template", "-o", str(path), "--force"]).exit_code == 0


def test_default_template_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["template", "--lang", "ms"])
    assert result.output == "wrote routemap-template-ms.xlsx\n"
    assert (tmp_path / "routemap-template-ms.xlsx").exists()


def _fill_xlsx(template: Path, out: Path, lang: str) -> None:
    wb = load_workbook(template)
    data = wb.worksheets[0]
    headers = [c.value for c in data[1]]
    for row in FILLED[lang]:
        cells = dict(zip(HEADERS[lang], row, strict=True))
        values: list[object] = [cells.get(h) for h in headers]
        data.append([int(v) if isinstance(v, str) and v.isdigit() else (v or None) for v in values])
    wb.save(out)


def _fill_csv(template: Path, out: Path, lang: str) -> None:
    text = template.read_text(encoding="utf-8-sig")
    headers = next(csv.reader([text]))
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in FILLED[lang]:
            cells = dict(zip(HEADERS[lang], row, strict=True))
            writer.writerow([cells.get(h, "") for h in headers])


def test_filled_templates_in_three_languages_build_without_a_profile(tmp_path, gazetteer):
    project = tmp_path / "project"
    runner = CliRunner()
    for lang, fmt in (("en", "xlsx"), ("ms", "xlsx"), ("id", "csv")):
        template = tmp_path / f"template-{lang}.{fmt}"
        assert runner.invoke(main, ["template", "-o", str(template), "--lang", lang, "--format", fmt]).exit_code == 0
        folder = project / "data" / "contributions" / f"partner-{lang}"
        folder.mkdir(parents=True)
        (_fill_xlsx if fmt == "xlsx" else _fill_csv)(template, folder / f"kes.{fmt}", lang)
        if fmt == "csv":
            (folder / "kes.dictionary.csv").write_bytes((tmp_path / f"template-{lang}.dictionary.csv").read_bytes())
        assert not (folder / "partner.toml").exists()

    result = build(project, min_count=1, allow_small_counts=True, gazetteer=gazetteer)

    expected: dict[str, int] = {}
    for rows in FILLED.values():
        for _y, origin, transit, destination, persons, *_ in rows:
            stops = [COUNTRY[origin], *([COUNTRY[transit]] if transit else []), COUNTRY[destination]]
            route = " > ".join(s for i, s in enumerate(stops) if i == 0 or s != stops[i - 1])
            expected[route] = expected.get(route, 0) + int(persons)
    routes = pd.read_csv(project / "output" / "routes.csv", encoding="utf-8-sig", dtype=str)
    assert dict(zip(routes["route"], routes["persons"].astype(int), strict=True)) == expected
    assert result.totals["rows_read"] == result.totals["accepted"] == 6
    assert result.warnings == []  # every label was understood; the dictionary file was not read as data

    records = pd.read_csv(project / ".routemap" / "records.csv", dtype=str, keep_default_na=False)
    by_year = records.set_index("year")
    for rows in FILLED.values():
        for year, _o, _t, _d, _p, sex, sector, recruitment in rows:
            assert by_year.loc[year, "sex"] == CANONICAL[sex]
            assert by_year.loc[year, "sector"] == CANONICAL[sector]
            assert by_year.loc[year, "recruitment"] == CANONICAL[recruitment]
    account = {a["file"]: a for a in json.loads((project / ".routemap" / "build.json").read_text())["files"]}
    assert set(account) == {"partner-en/kes.xlsx", "partner-ms/kes.xlsx", "partner-id/kes.csv"}


def test_every_label_leads_to_one_field_or_value():
    from routemap.schema import VOCABULARIES, fold, header_aliases, labels

    seen: dict[str, str] = {}
    for name in FIELD_NAMES:
        for alias in header_aliases(name):
            assert seen.setdefault(fold(alias), name) == name, alias
    for (field, value), by_lang in labels().values.items():
        assert value in VOCABULARIES[field]
        for names in by_lang.values():
            for name in names:
                assert ";" not in name  # ';' separates several values in one cell
    for field, vocabulary in VOCABULARIES.items():
        mapping: dict[str, str] = {}
        for value in vocabulary:
            for names in labels().values[(field, value)].values():
                for name in names:
                    assert mapping.setdefault(fold(name), value) == value, (field, name)


def test_every_row_of_the_label_table_has_one_cell_per_column():
    from importlib.resources import files

    text = files("routemap").joinpath("data", "labels.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(line for line in text.splitlines() if line and not line.startswith("#")))
    assert {len(row) for row in rows} == {6}, [row[:3] for row in rows if len(row) != 6]


@pytest.mark.parametrize("lang", ["ms", "id"])
def test_the_help_for_sector_and_exploitation_is_whole(lang):
    from routemap.schema import description

    for field in ("sector", "exploitation"):
        assert description(field, lang).endswith("pisahkan dengan ';'."), description(field, lang)


@pytest.mark.parametrize(
    ("lang", "written", "sex"),
    [("ms", "L", "male"), ("ms", "P", "female"), ("ms", "Lelaki", "male"), ("id", "L", "male"), ("id", "Pria", "male")],
)
def test_the_templates_labels_and_their_abbreviations_round_trip(tmp_path, lang, written, sex):
    from routemap.contributions import canonical_profile, read_contribution
    from routemap.schema import VOCABULARIES, canonical_vocab_value, header_label, value_label

    for field, values in VOCABULARIES.items():  # every label the template's dropdowns show reads back
        for value in values:
            assert canonical_vocab_value(field, value_label(field, value, lang)) == value, (field, value)
    headers = [header_label(f, lang) for f in ("year", "origin", "destination", "sex")]
    path = tmp_path / "kes.csv"
    path.write_text(",".join(headers) + f"\n2023,Indonesia,Johor,{written}\n", encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert list(result.records["sex"]) == [sex] and result.warnings == []


def test_a_value_outside_the_vocabulary_is_answered_with_the_labels_of_the_files_language(tmp_path):
    from routemap.contributions import canonical_profile, read_contribution

    path = tmp_path / "kes.csv"
    path.write_text("Tahun,Tempat asal,Destinasi,Jantina\n2023,Indonesia,Johor,X\n", encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    [warning] = result.warnings
    assert "Use one of: Perempuan, Lelaki, Lain-lain, Tidak diketahui;" in warning
