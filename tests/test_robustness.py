"""Whatever bytes or CSV text arrive, validate and build answer without crashing and account for every row."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routemap._errors import RoutemapError
from routemap.pipeline import build
from routemap.places import Gazetteer
from routemap.validate import validate_path

HEADERS = [
    "year",
    "origin",
    "transit",
    "destination",
    "persons",
    "person_key",
    "sector",
    "sex",
    "age",
    "origin_lon",
    "origin_lat",
    "Tahun",
    "Daerah asal",
    "Tujuan",
    "Jumlah orang",
    "Passport",
]
CELLS = [
    "",
    "2020",
    "2023.0",
    "1949",
    "2023-05-01",
    "Myanmar",
    "Sabah",
    "Johor, Malaysia",
    "Bangkok > Hat Yai",
    "Punjab",
    "NA",
    "3",
    "-1",
    "dua",
    "1e30",
    "99999999999999999999",
    "nan",
    "inf",
    "Lelaki",
    "PRT; Ladang",
    "A1234567",
    "x@y.org",
    "k1",
    '"',
    "=1+1",
    "101.5",
]
text_cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)
cell = st.one_of(st.sampled_from(CELLS), text_cell)
header = st.lists(st.one_of(st.sampled_from(HEADERS), text_cell), min_size=1, max_size=7)


#: Good and bad values per column, so that many random rows are accepted and reach routes, maps and tables.
PLAUSIBLE: dict[str, tuple[list[str], list[str]]] = {
    "year": (["2020", "2023.0", "2019", "2023-05-01"], ["1949", "", "dua", "3000"]),
    "origin": (["Myanmar", "Nepal", "NTT, Indonesia", "NA", "Kemboja"], ["Punjab", "Tidak diketahui", "X", ""]),
    "destination": (["Sabah", "Johor, Malaysia", "Penang", "MY"], ["Kampung Tersembunyi", ""]),
    "transit": (["", "Bangkok > Hat Yai", "Batam; Johor Bahru", "Bangkok > Bangkok"], [">", " ; ", "Xq"]),
    "persons": (["", "1", "3", "2.0"], ["0", "-1", "1e30", "dua"]),
    "person_key": (["", "k1", "k2", "K1 "], []),
    "sector": (["", "PRT; Ladang", "fishing", "Pembantu rumah"], ["cook"]),
    "origin_lon": (["", "96.1"], ["200", "x"]),
    "origin_lat": (["", "19.7"], ["-95"]),
}


@st.composite
def _value(draw: st.DrawFn, name: str) -> str:
    """Mostly a good value for the column, sometimes a bad one, now and then anything at all."""
    good, bad = PLAUSIBLE.get(name, (CELLS, []))
    pick = draw(st.integers(0, 9))
    if pick < 7 or (pick < 9 and not bad):
        return draw(st.sampled_from(good))
    return draw(st.sampled_from(bad)) if pick < 9 else draw(cell)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV file as a partner might send it: some rows quoted properly, some not, in some encoding."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    if draw(st.booleans()):  # a file much like a real one: the required columns and plausible values
        optional = [n for n in PLAUSIBLE if n not in ("year", "origin", "destination")]
        names = ["year", "origin", "destination", *draw(st.lists(st.sampled_from(optional), unique=True))]
        names += draw(st.lists(st.one_of(st.sampled_from(HEADERS), text_cell), max_size=2))
        names = draw(st.permutations(names))
        body = draw(st.lists(st.tuples(*(_value(n) for n in names)), max_size=12))
        rows = [names, *(list(r) for r in body)]
    else:
        rows = [draw(header), *draw(st.lists(st.lists(cell, max_size=8), max_size=10))]
    if draw(st.booleans()):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
        text = buffer.getvalue()
    else:
        text = "\n".join(delimiter.join(row) for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


any_file = st.one_of(st.binary(max_size=600), csv_files())
FAST = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _check_report(path: Path, gazetteer: Gazetteer) -> None:
    report = validate_path(path, gazetteer=gazetteer, current_year=2025)
    (file,) = report.files
    assert file.rows_read == file.rows_ok + file.rows_with_errors
    assert report.exit_code == (2 if file.unreadable else 1 if file.errors else 0)
    if file.unreadable:
        assert file.rows_read == 0 and [p.severity for p in file.problems] == ["error"]
    for problem in report.problems:
        assert str(problem).startswith(str(path)) and "\n" not in str(problem)
    assert report.lines()[-1]


@FAST
@given(content=any_file, suffix=st.sampled_from([".csv", ".txt", ".xlsx"]))
def test_validate_never_crashes_and_every_row_is_ok_or_has_errors(gazetteer, content, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"kes{suffix}"
        path.write_bytes(content)
        _check_report(path, gazetteer)


GOOD = "year,origin,transit,destination,persons,person_key\n2021,Myanmar,Bangkok,Penang,6,k1\n2022,Nepal,,Johor,2,\n"


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(content=any_file)
def test_build_never_crashes_and_accounts_for_every_row(gazetteer, content):
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        for partner, name, data in (("good", "a.csv", GOOD.encode()), ("random", "b.csv", content)):
            folder = project / "data" / "contributions" / partner
            folder.mkdir(parents=True)
            (folder / name).write_bytes(data)
        try:
            result = build(project, min_count=1, allow_small_counts=True, gazetteer=gazetteer)
        except RoutemapError as exc:  # only "nothing at all to build" is allowed, and never a miscount
            raise AssertionError(f"build refused a project with a good file: {exc}") from exc
        record = json.loads((project / ".routemap" / "build.json").read_text())
        for account in record["files"]:
            assert account["rows_read"] == account["accepted"] + account["rejected"] + account["merged"]
        random_file = next(a for a in record["files"] if a["partner"] == "random")
        report = validate_path(project / "data" / "contributions" / "random", gazetteer=gazetteer)
        assert random_file["rows_read"] == report.rows_read
        assert (random_file["status"] == "unreadable") == (report.exit_code == 2)
        assert result.totals["rows_read"] == sum(a["rows_read"] for a in record["files"])
