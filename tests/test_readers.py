import os

import pytest

from routemap._errors import ReadError
from routemap.contributions import canonical_profile, read_contribution
from routemap.readers import ReadOptions, read_table


def test_utf16_without_a_byte_order_mark_is_read_even_when_it_is_all_ascii(tmp_path):
    text = "year,origin,destination\r\n2020,Myanmar,Penang\r\n"
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))  # no mark: every other byte is NUL, which is valid UTF-8 too
        table = read_table(path, ReadOptions())
        assert table.encoding == enc
        assert table.headers == ["year", "origin", "destination"]
        assert table.rows.iloc[0].tolist() == ["2020", "Myanmar", "Penang"]
        assert any("no byte-order mark" in w for w in table.warnings)


def test_a_broken_link_is_a_read_error_that_says_so(tmp_path):
    link = tmp_path / "kes.csv"
    os.symlink(tmp_path / "gone.csv", link)
    with pytest.raises(ReadError, match="is a link to a file that does not exist"):
        read_table(link, ReadOptions())


CANON = "year,origin,destination,persons,notes\n"


def _rows(n: int, start: int = 0) -> str:
    return "".join(f"{2015 + i % 10},Myanmar,Penang,{1 + i % 4},case {start + i}\n" for i in range(n))


def test_a_stray_quote_in_a_small_file_is_reported_with_the_lines_it_swallowed(tmp_path):
    path = tmp_path / "kes.csv"
    path.write_text('year,origin,destination\n2020,ID,"MY\n2021,ID,MY\n', encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert (result.rows_read, len(result.records), result.physical_lines) == (1, 0, 3)
    assert result.spanning
    [reject] = result.rejects
    assert reject["line"] == 2
    assert reject["reason"].startswith(
        "spans lines 2-3 of the file: the cell under 'destination' holds 1 line shaped like rows, such as "
        "'2021,ID,MY'. A quote (\") that opens a cell on line 2 is not closed"
    )


def test_a_quoted_address_on_two_lines_is_still_one_cell(tmp_path):
    path = tmp_path / "kes.csv"
    path.write_text('year,origin,destination\n2020,"Jalan 1,\nTaman Maju, Johor",MY\n2021,ID,MY\n', encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert list(result.records["line"]) == [2, 3] and result.rejects == []
    assert (result.rows_read, result.physical_lines, result.multiline_rows) == (2, 4, 1)


def test_a_324_kb_csv_with_one_stray_quote_is_read_and_accounted_for(tmp_path):
    body = _rows(8) + '2020,Myanmar,"Penang,1,case x\n' + _rows(10200, start=9)
    path = tmp_path / "big.csv"
    path.write_text(CANON + body, encoding="utf-8")
    assert path.stat().st_size > 324_000
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    lines = 1 + 8 + 1 + 10200
    assert (result.rows_read, len(result.records), result.physical_lines) == (9, 8, lines)
    [reject] = result.rejects
    assert reject["line"] == 10
    assert reject["reason"].startswith(f"spans lines 10-{lines} of the file: the cell under 'destination' holds")


def test_a_notes_cell_longer_than_the_csv_module_limit_is_read(tmp_path):
    notes = "x" * 200_000
    for size, name in ((10, "small.csv"), (3000, "large.csv")):  # the csv-module and the pyarrow paths
        path = tmp_path / name
        path.write_text(CANON + f'2020,Myanmar,Penang,1,"{notes}"\n' + _rows(size), encoding="utf-8")
        result = read_contribution(path, canonical_profile("p"), current_year=2025)
        assert (result.rows_read, len(result.records), result.rejects) == (size + 1, size + 1, [])


def test_validate_and_build_report_the_stray_quote_without_a_traceback(make_project):
    from click.testing import CliRunner

    from routemap.cli import main

    body = _rows(8) + '2020,Myanmar,"Penang,1,case x\n' + _rows(10200, start=9)
    project = make_project({"p": {"big.csv": CANON + body}})
    path = project / "data" / "contributions" / "p" / "big.csv"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:10: error: spans lines 10-10210 of the file" in result.output
    assert (
        result.output.splitlines()[-2]
        == f"{path}: 9 rows read (10210 lines in the file), 8 ok, 1 with errors, 0 warnings"
    )
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 0, result.output
    import json

    [account] = json.loads((project / ".routemap" / "build.json").read_text())["files"]
    assert (account["rows_read"], account["lines"], account["accepted"], account["rejected"]) == (9, 10210, 8, 1)
