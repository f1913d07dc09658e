"""Profile features for published statistics, applied by the reader: each form on a small file of its shape."""

from pathlib import Path

import pytest

from routemap._errors import ProfileError
from routemap.contributions import read_contribution, read_profile

COLUMNS = '[columns]\nyear = "Year"\norigin = "From"\ndestination = "To"\npersons = "Count"\n'


def _read(tmp_path: Path, profile: str, data: str):
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    (folder / "partner.toml").write_text(profile, encoding="utf-8")
    (folder / "f.csv").write_text(data, encoding="utf-8")
    return read_contribution(folder / "f.csv", read_profile(folder / "partner.toml"), current_year=2025)


def _reasons(result) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in result.rejects}


def test_a_filter_keeps_the_listed_values_and_counts_every_other_row_by_reason(tmp_path):
    profile = COLUMNS + '[filter]\nIndicator = ["Victims", "victims (detected)"]\n'
    data = (
        "Year,From,To,Count,Indicator\n2020,ID,MY,3,Victims\n2020,ID,MY,4,Convicted\n"
        "2021,ID,MY,5, VICTIMS \n2021,ID,MY,6,Prosecuted\n2021,ID,MY,7,Convicted\n"
    )
    result = _read(tmp_path, profile, data)
    assert list(result.records["persons"]) == [3, 5]  # compared ignoring case and spaces
    assert result.filtered_by == {
        "filtered out by profile: Indicator = Convicted": 2,
        "filtered out by profile: Indicator = Prosecuted": 1,
    }
    assert (result.rows_read, result.filtered, result.rejects) == (5, 3, [])


def test_a_filter_column_the_file_lacks_rejects_every_row_and_says_which(tmp_path):
    result = _read(tmp_path, COLUMNS + '[filter]\nIndicator = "Victims"\n', "Year,From,To,Count\n2020,ID,MY,3\n")
    assert result.records.empty
    assert result.rejects[0]["reason"].startswith(
        "column 'Indicator' (for [filter]) not found; headers are: 'Year', 'From', 'To', 'Count'; fix [filter]"
    )


def test_derived_fields_a_constant_and_the_same_as_another_field(tmp_path):
    profile = (
        '[columns]\norigin = "Citizenship"\npersons = "Count"\n'
        '[derived]\ndestination = { value = "Sabah" }\nyear = { value = "2023" }\n'
        'origin = { same_as = "destination", when = ["Nationals", "Warganegara"] }\n'
    )
    result = _read(tmp_path, profile, "Citizenship,Count\nIndonesia,3\nnationals,2\nWarganegara,1\n")
    assert list(result.records["origin"]) == ["Indonesia", "Sabah", "Sabah"]
    assert set(result.records["destination"]) == {"Sabah"} and set(result.records["year"]) == {2023}


def test_same_as_without_when_fills_the_empty_cells(tmp_path):
    profile = COLUMNS + '[derived]\norigin = { same_as = "destination" }\n'
    result = _read(tmp_path, profile, "Year,From,To,Count\n2020,,MY,3\n2020,ID,MY,4\n")
    assert list(result.records["origin"]) == ["MY", "ID"]


@pytest.mark.parametrize(
    ("derived", "message"),
    [
        (
            'origin = { same_as = "destination" }\ndestination = { same_as = "origin" }\n',
            r"\[derived\] loops: origin -> destination -> origin",
        ),
        ('origin = { same_as = "origin" }\n', "must name another canonical field"),
        ('year = { value = "2023" }\n', "year has a value and \\[columns\\] a column for it"),
        ('orign = { value = "X" }\n', "'orign' is not a canonical field; did you mean 'origin'"),
        ('origin = { same = "destination" }\n', "must give a value or the field it is the same as"),
    ],
)
def test_derived_fields_are_checked(tmp_path, derived, message):
    path = tmp_path / "partner.toml"
    path.write_text(COLUMNS + "[derived]\n" + derived, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        read_profile(path)


def test_counts_as_published(tmp_path):
    data = 'Year,From,To,Count\n2020,ID,MY,"1,094"\n2020,ID,MY,1 094\n2020,ID,MY,<5\n2020,ID,MY,1.094\n'
    data += '2020,ID,MY,"752,753"\n'
    result = _read(tmp_path, COLUMNS, data)
    assert list(result.records["persons"]) == [1094, 1094]
    reasons = _reasons(result)
    assert reasons[4].startswith("persons '<5' was suppressed at source")
    assert reasons[5] == (
        "persons '1.094' is not a positive whole number (1, 2, 3 …) "
        '(if "." separates thousands here, set thousands = "." in partner.toml)'
    )
    assert reasons[6].startswith("persons '752,753' is more than 100,000; check the number, or raise max_persons")
    assert result.suppressed == 1
    dotted = data.replace('"1,094"', "7").replace('"752,753"', "752.753")
    result = _read(tmp_path, 'thousands = "."\nmax_persons = 1000000\n' + COLUMNS, dotted)
    assert list(result.records["persons"]) == [7, 1094, 1094, 752753]


def test_years_and_dates_as_published(tmp_path):
    cells = ["2009 Jan", "Jan-2009", "01/2009", "2009-01", "Januari 2009", "1 Ogos 2009", "2009-05-01T10:00:00"]
    bad = ["2023.5", "2023-13-45", "13/2009", "2019-2023"]
    data = "Year,From,To,Count\n" + "".join(f"{c},ID,MY,1\n" for c in [*cells, *bad, "2023/24"])
    result = _read(tmp_path, COLUMNS, data)
    assert list(result.records["year"]) == [2009] * len(cells)
    reasons = _reasons(result)
    for line, cell in enumerate(bad, start=2 + len(cells)):
        assert reasons[line] == f"{cell!r} is not a year; write it as four digits, e.g. 2023"
    assert reasons[2 + len(cells) + len(bad)] == (
        '\'2023/24\' spans two years; say which one it stands for with year_span = "first" or "last" in partner.toml'
    )
    for span, year in (("first", 2023), ("last", 2024)):
        result = _read(tmp_path, f'year_span = "{span}"\n' + COLUMNS, "Year,From,To,Count\n2023/24,ID,MY,1\n")
        assert list(result.records["year"]) == [year]


def test_flag_columns_make_one_multi_valued_field(tmp_path):
    profile = (
        COLUMNS + '[flags.exploitation]\nisForcedLabour = "forced_labour"\nisSexualExploit = "sexual_exploitation"\n'
        '[flags.sector]\ntypeOfLabourAgriculture = "agriculture"\ntypeOfLabourDomesticWork = "domestic_work"\n'
    )
    data = (
        "Year,From,To,Count,isForcedLabour,isSexualExploit,typeOfLabourAgriculture,typeOfLabourDomesticWork\n"
        "2020,KH,TH,1,1,0,1,0\n2020,KH,TH,1,0,1,0,0\n2020,KH,TH,1,1,1,0,1\n2020,KH,TH,1,0,0,0,0\n"
    )
    result = _read(tmp_path, profile, data)
    assert list(result.records["exploitation"]) == ["forced_labour", "sexual_exploitation", "forced_labour", "unknown"]
    assert list(result.records["sector"]) == ["agriculture", "unknown", "domestic_work", "unknown"]
    assert result.warnings == []  # flag columns are read: never 'looks like personal data' or unread


@pytest.mark.parametrize("fast", [True, False])
def test_a_large_file_is_filtered_as_it_is_read_with_the_same_result(tmp_path, monkeypatch, fast):
    from routemap.readers import csv as csv_reader

    profile = COLUMNS + '[filter]\nIndicator = "Victims"\nSex = ["Total"]\n'
    rows = "".join(
        f'{2015 + i % 9},ID,MY,"{1000 + i:,}",{["Victims", "Convicted", "victims "][i % 3]},{["Total", "F"][i % 2]}\n'
        for i in range(12_000)
    )
    monkeypatch.setattr(csv_reader, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
    result = _read(tmp_path, profile, "Year,From,To,Count,Indicator,Sex\n" + rows)
    kept = [i for i in range(12_000) if i % 3 != 1 and i % 2 == 0]
    assert list(result.records["line"]) == [i + 2 for i in kept]
    assert list(result.records["persons"]) == [1000 + i for i in kept]
    assert result.filtered_by == {
        "filtered out by profile: Indicator = Convicted": 4000,
        "filtered out by profile: Sex = F": 4000,
    }
    assert (result.rows_read, result.filtered, result.rejects) == (12_000, 8000, [])


def test_by_value_gives_a_missing_cell_its_own_value():
    """A missing cell (code -1) takes ``missing``, not the value of the last distinct cell."""
    import numpy as np
    import pandas as pd

    from routemap._parse import by_value

    cells = pd.Series(["a > b", None, "c", "a > b"])
    stops = by_value(cells, lambda values: values.map(lambda v: len(str(v).split(" > "))), missing=0)
    assert stops.tolist() == [2, 0, 1, 2] and stops.dtype == np.int64
    assert by_value(pd.Series(["x", "y"]), lambda values: values.map(len)).dtype == np.int64  # no missing: as before
