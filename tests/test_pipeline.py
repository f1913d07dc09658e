import json

import pandas as pd
import pytest
from openpyxl import Workbook

from routemap._errors import AccountingError, ConfigError
from routemap.audit import published_text
from routemap.pipeline import FileAccount, _check_accounting, build, merge_duplicates
from routemap.readers.xlsx import DAMAGED
from routemap.render import tables

CANON = "year,origin,transit,destination,persons,person_key\n"


def test_same_inputs_give_byte_identical_outputs(sample_project, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build(sample_project, out_dir=a)
    build(sample_project, out_dir=b)
    for name in ("map.html", "routes.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_failed_build_leaves_previous_outputs_intact(sample_project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(sample_project, out_dir=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tables, "write_csv", broken)  # the csv format's writer, half way through the outputs
    with pytest.raises(OSError, match="disk full"):  # another cut (its outputs differ), which the audit lets through
        build(sample_project, out_dir=out, level="admin1", focus="MY")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(out.parent.glob(".routemap-build-*"))


def test_bad_places_csv_stops_the_build_before_writing(sample_project, tmp_path):
    out = tmp_path / "out"
    (sample_project / "data" / "places.csv").write_text("name,level,country,lon,lat\nX,town,MY,1,1\n")
    with pytest.raises(ConfigError, match="level: 'town' is not one of"):
        build(sample_project, out_dir=out)
    assert not out.exists()


def test_unreadable_file_is_skipped_and_recorded(make_project):
    project = make_project(
        {
            "good": {"a.csv": CANON + "2020,Myanmar,Thailand,Penang,6,\n"},
            "broken": {"b.csv": b"\x00\x01\x02" * 400, "c.xlsx": b"not a workbook"},
        }
    )
    result = build(project)
    status = {a.file: (a.status, a.rows_read) for a in result.files}
    assert status == {"broken/b.csv": ("unreadable", 0), "broken/c.xlsx": ("unreadable", 0), "good/a.csv": ("read", 1)}
    assert any(w.startswith("broken/b.csv: error: not read, skipped: ") for w in result.warnings)
    record = json.loads((project / ".routemap" / "build.json").read_text())
    assert [f["error"] != "" for f in record["files"]] == [True, True, False]


def test_person_key_counted_once_keeping_the_most_detailed_record(make_project):
    project = make_project(
        {
            "a": {"a.csv": CANON + "2020,Myanmar,,Penang,1,K1\n2020,Nepal,,Johor,1,\n"},
            "b": {"b.csv": CANON + "2020,Myanmar,Thailand,Penang,1,K1\n2021,Myanmar,,Penang,1,K2\n"},
        }
    )
    result = build(project, min_count=1, allow_small_counts=True)
    merged = {a.file: a.merged for a in result.files}
    assert merged == {"a/a.csv": 1, "b/b.csv": 0}
    routes = pd.read_csv(project / "output" / "routes.csv", encoding="utf-8-sig", dtype=str).set_index("route")
    assert routes.loc["Myanmar > Thailand > Malaysia", "persons"] == "1"
    assert routes.loc["Myanmar > Malaysia", "persons"] == "1"  # K2 only; K1's short record was merged
    assert result.totals["rows_read"] == 4 and result.totals["merged"] == 1


def test_merge_duplicates_keeps_first_on_ties():
    records = pd.DataFrame(
        {
            "file": ["x", "y", "y"],
            "person_key": ["K", "K", ""],
            "origin": ["A", "A", "A"],
            "destination": ["B", "B", "B"],
            "intended_destination": ["", "", ""],
            "transit": ["", "", ""],
        }
    )
    kept, merged = merge_duplicates(records)
    assert kept["file"].tolist() == ["x", "y"]
    assert merged.to_dict() == {"y": 1}


def test_accounting_mismatch_refuses_to_write():
    accounts = [FileAccount("p", "p/f.csv", "0" * 64, rows_read=10, accepted=7, rejected=2, merged=0)]
    with pytest.raises(AccountingError, match=r"p/f.csv: read 10 != accepted 7 \+ rejected 2 \+ merged 0"):
        _check_accounting(accounts)


def test_no_accepted_rows_is_a_clear_error(make_project):
    project = make_project({"a": {"a.csv": CANON + ",Myanmar,,Penang,1,\n"}})
    with pytest.raises(ConfigError, match="no row was accepted from any contribution"):
        build(project)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "the file is empty; export the sheet again with its header row"),
        (
            "header.csv",
            b"year,origin,destination\n",
            "has a header row (line 1) but no data rows; fill in at least one row below the header",
        ),
        (
            "binary.csv",
            bytes(range(256)) * 4,
            "this does not look like a text (CSV) file; export the data as CSV UTF-8 or .xlsx",
        ),
        (
            "damaged.xlsx",
            b"PK\x03\x04 damaged",
            DAMAGED,
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0",
            DAMAGED,
        ),
    ],
)
def test_each_unreadable_file_is_skipped_with_its_reason(make_project, gazetteer, name, content, reason):
    project = make_project({"good": {"a.csv": CANON + "2020,Myanmar,Thailand,Penang,6,\n"}, "bad": {name: content}})
    result = build(project, gazetteer=gazetteer)
    path = project / "data" / "contributions" / "bad" / name
    assert f"bad/{name}: error: not read, skipped: {reason}" in result.warnings
    account = next(a for a in result.files if a.partner == "bad")
    assert (account.status, account.rows_read, account.error) == ("unreadable", 0, f"{path}: {reason}")
    assert (project / "output" / "routes.csv").exists()


def test_missing_sheet_is_skipped_and_other_files_build(make_project, gazetteer, tmp_path):
    book = tmp_path / "k.xlsx"
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["year", "origin", "destination"])
    sheet.append([2020, "Nepal", "Johor"])
    wb.save(book)
    project = make_project(
        {
            "good": {"a.csv": CANON + "2020,Myanmar,Thailand,Penang,6,\n"},
            "bad": {"partner.toml": '[read]\nsheet = "Kes"\n', "k.xlsx": book.read_bytes()},
        }
    )
    result = build(project, gazetteer=gazetteer)
    assert any(
        w.startswith("bad/k.xlsx: error: not read, skipped: ") and "there is no sheet 'Kes'; sheets are: 'Sheet'" in w
        for w in result.warnings
    )
    assert result.totals["unreadable_files"] == 1 and result.totals["accepted"] == 1


def test_every_bad_row_is_rejected_with_file_line_column_and_reason(make_project, gazetteer):
    text = (
        "year,origin,transit,destination,persons,person_key\n"
        "2020,Myanmar,,Penang,1,\n"
        ",Myanmar,,Penang,1,\n"
        "1900,Myanmar,,Penang,1,\n"
        "2020,,,Penang,1,\n"
        "2020,Myanmar,,Penang,0,\n"
        "2020,Myanmar,Bangkok,Penang,1,,extra\n"
    )
    project = make_project({"p": {"f.csv": text}})
    result = build(project, min_count=1, allow_small_counts=True, gazetteer=gazetteer)
    rejects = pd.read_csv(project / ".routemap" / "rejects.csv", dtype=str, keep_default_na=False)
    assert rejects[["file", "line", "column", "reason"]].values.tolist() == [
        ["p/f.csv", "3", "year", "year is empty; give the year of recruitment or registration"],
        ["p/f.csv", "4", "year", f"year '1900' is outside 1950..{pd.Timestamp.today().year}"],
        ["p/f.csv", "5", "origin", "origin is empty; every row needs one (a country, 'City, Country' or an ISO code)"],
        ["p/f.csv", "6", "persons", "persons '0' is not a positive whole number (1, 2, 3 …)"],
        ["p/f.csv", "7", "", "has 7 cells but the header has 6; a value probably holds an unquoted ','"],
    ]
    (account,) = result.files
    assert (account.rows_read, account.accepted, account.rejected, account.merged) == (6, 1, 5, 0)


def test_points_of_a_region_are_never_published(make_project):
    # IOM-style incidents: the region names the stop at every level; the points are the records' own
    rows = "".join(f'2020,Sub-Saharan Africa,Mediterranean,"POINT (14.3{i}7 27.0)",Mediterranean\n' for i in range(3))
    profile = (
        '[columns]\nyear = "Year"\norigin = "From"\ndestination = "Region"\n'
        '[points]\ndestination = { column = "At", format = "wkt" }\n'
    )
    project = make_project(
        {"iom": {"partner.toml": profile, "a.csv": "Year,From,Region,At,Grouping\n" + rows * 2}},
        settings="min_count = 2\nallow_small_counts = true\n",
    )
    result = build(project, level="place")
    table = pd.read_csv(result.out_dir / "routes.csv", encoding="utf-8-sig")
    assert list(table["route"]) == ["Sub-Saharan Africa > Mediterranean"]
    assert list(table["persons"]) == [6]
    for path in result.out_dir.iterdir():
        text = published_text(path)
        assert not any(f"14.3{i}7" in text or f"14.3{i}70" in text for i in range(3)), path.name


def test_a_broken_link_in_a_partner_folder_is_listed_as_unreadable(make_project):
    import os

    project = make_project({"good": {"a.csv": CANON + "2020,Myanmar,Thailand,Penang,6,\n"}})
    os.symlink(project / "nowhere.csv", project / "data" / "contributions" / "good" / "b.csv")
    result = build(project)
    status = {a.file: a.status for a in result.files}
    assert status == {"good/a.csv": "read", "good/b.csv": "unreadable"}
    record = json.loads((project / ".routemap" / "build.json").read_text())
    broken = next(f for f in record["files"] if f["file"] == "good/b.csv")
    assert "is a link to a file that does not exist" in broken["error"]


def test_a_partner_folder_that_is_a_broken_link_is_reported_and_in_build_json(make_project):
    import os

    project = make_project({"good": {"a.csv": CANON + "2020,Myanmar,Thailand,Penang,6,\n"}})
    os.symlink(project / "gone", project / "data" / "contributions" / "q")
    result = build(project)
    assert any("contributions/q is a link to" in w and "which is gone" in w for w in result.warnings)
    record = json.loads((project / ".routemap" / "build.json").read_text())
    broken = next(f for f in record["files"] if f["file"] == "q/")
    assert broken["status"] == "unreadable" and "restore the folder or remove the link" in broken["error"]


def test_a_file_directly_in_the_contributions_folder_is_pointed_to_a_partner_folder(make_project):
    project = make_project({})
    folder = project / "data" / "contributions"
    folder.mkdir(parents=True)
    (folder / "kes.csv").write_text(CANON + "2020,Myanmar,Thailand,Penang,6,\n")
    with pytest.raises(ConfigError) as info:
        build(project)
    assert "data/contributions/kes.csv is not in a partner folder, so it is not read; move it to " in str(info.value)
    assert "data/contributions/<partner>/kes.csv" in str(info.value)
    (folder / "p").mkdir()
    (folder / "p" / "a.csv").write_text(CANON + "2020,Myanmar,Thailand,Penang,6,\n")
    result = build(project)
    assert any("kes.csv is not in a partner folder" in w for w in result.warnings)


def test_when_no_row_is_accepted_the_rejects_file_it_points_to_is_written(make_project):
    project = make_project({"p": {"a.csv": CANON + "2020,,Thailand,Penang,6,\n2021,Myanmar,,Penang,-1,\n"}})
    rejects = project / ".routemap" / "rejects.csv"
    with pytest.raises(ConfigError, match="no row was accepted from any contribution; see the reasons in"):
        build(project)
    frame = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert frame["line"].tolist() == ["2", "3"]
    assert frame["reason"].str.contains("origin is empty").iloc[0]
    assert frame["value"].tolist()[1] == "-1"  # a negative number is no formula: written as it is


def test_unresolved_strings_are_named_at_their_first_record_as_a_plain_search_names_them():
    # _place_sources works by codes over distinct cells; a plain walk over the records in order is the reference
    import random

    import pandas as pd

    from routemap.audit import Source
    from routemap.pipeline import PLACE_FIELDS, _place_sources
    from routemap.routes import split_transit

    rng = random.Random(11)
    names = ["Dhaka", "Qwerty", "Zzyzx", "Johor", "", "Noplace"]
    n = 400
    records = pd.DataFrame(
        {
            "file": [rng.choice(["p/a.csv", "q/b.xlsx"]) for _ in range(n)],
            "line": list(range(2, n + 2)),
            "origin": pd.Series([rng.choice(names) for _ in range(n)], dtype="str"),
            "destination": [rng.choice(names) for _ in range(n)],
            "transit": [" > ".join(rng.sample(names[:4], rng.randint(0, 3))) for _ in range(n)],
        }
    )

    class Result:
        def __init__(self, file):
            self.file, self.header_of = file, {"origin": "Asal", "transit": "Transit"}

    results = [Result("p/a.csv"), Result("q/b.xlsx")]
    raws = {"Qwerty", "Zzyzx", "Noplace", "Atlantis"}
    expected: dict[str, Source] = {}
    for field in PLACE_FIELDS:
        if field not in records:
            continue
        for file, line, cell in zip(records["file"], records["line"], records[field], strict=True):
            for raw in split_transit(cell) if field == "transit" else [cell]:
                if raw in raws and raw not in expected:
                    header = {"origin": "Asal", "transit": "Transit"}.get(field, field)
                    expected[raw] = Source(file, header, line)
    expected["Atlantis"] = Source("")
    assert _place_sources(records, raws, results) == expected


def test_records_written_beside_the_rendering_are_those_written_in_place_and_a_failed_build_leaves_none(
    sample_project, tmp_path, monkeypatch
):
    import os

    from routemap import _parallel, pipeline

    build(sample_project, out_dir=tmp_path / "here")
    here = (sample_project / ".routemap" / "records.csv").read_bytes()
    (sample_project / ".routemap" / "records.csv").unlink()
    forked: list[int] = []
    real = _parallel.fork

    def fork(task):  # type: ignore[no-untyped-def]
        child = real(task)
        if child is not None:
            forked.append(child.pid)
        return child

    monkeypatch.setattr(pipeline, "fork", fork)
    monkeypatch.setattr(pipeline, "RECORDS_BESIDE", 1)  # the sample's records, in a child
    build(sample_project, out_dir=tmp_path / "beside")
    if not forked:
        pytest.skip("no fork here")
    assert (sample_project / ".routemap" / "records.csv").read_bytes() == here

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tables, "write_csv", broken)
    before = len(forked)
    with pytest.raises(OSError, match="disk full"):
        build(sample_project, out_dir=tmp_path / "failed", level="admin1", focus="MY")
    assert len(forked) == before + 1  # the records' child of the failed build
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[-1], os.WNOHANG)  # the child writing records.csv was stopped and reaped
    assert not list((sample_project / ".routemap").glob(".records.csv.*"))


def test_a_project_with_no_routable_record_builds_empty_outputs_without_a_traceback(tmp_path):
    # every record's transit names no place: no route at all (the breakdowns have no row and no column)
    folder = tmp_path / "data" / "contributions" / "p"
    folder.mkdir(parents=True)
    text = "year,origin,transit,destination,persons\n2021,Indonesia,Qqzxv Wwyt,Malaysia,6\n"
    (folder / "a.csv").write_text(text, encoding="utf-8")
    result = build(tmp_path, out_dir=tmp_path / "out")
    assert result.totals["routes_published"] == 0
    with (tmp_path / "out" / "routes.csv").open(encoding="utf-8-sig") as handle:
        assert len(handle.read().splitlines()) == 1  # the header only
