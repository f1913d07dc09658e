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


def test_a_stray_quote_in_the_header_of_a_large_file_names_the_header_and_the_lines(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text('year,origin,destination,"persons,notes\n' + _rows(12000), encoding="utf-8")
    assert path.stat().st_size > 324_000
    with pytest.raises(ReadError) as caught:
        read_contribution(path, canonical_profile("p"), current_year=2025)
    message = str(caught.value)
    assert "the header row (line 1) runs over lines 1-12001 of the file" in message and "no data rows" not in message


def test_a_quote_never_closed_on_the_last_line_rejects_that_row_instead_of_reading_it(tmp_path):
    path = tmp_path / "kes.csv"
    path.write_text(CANON + _rows(3) + '2021,Nepal,"Selangor,7,x\n', encoding="utf-8")
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert (result.rows_read, len(result.records)) == (4, 3)
    [reject] = result.rejects
    assert reject["line"] == 5 and "never closed" in reject["reason"]
    path.write_text(CANON + _rows(3) + '2021,Nepal,Selangor,7,"say ""hi"""\n', encoding="utf-8")  # closed: fine
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    assert (result.rows_read, len(result.records), result.rejects) == (4, 4, [])


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


def _xlsx_by_hand(path, rows: list[str], *, dimension: str = "") -> None:
    """An xlsx whose sheet XML is written as given (a workbook as a hostile or odd program writes it)."""
    import zipfile

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{ct}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{ct}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets>'
        '<sheet name="Kes" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {ns}>{dim}<sheetData>{"".join(rows)}'
        "</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def _cell(ref: str, value: str | int) -> str:
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _wide_xlsx(path, n: int) -> None:
    """Header year, origin, destination; every data row also holds one cell in the last column, XFD."""
    rows = [f'<row r="1">{_cell("A1", "year")}{_cell("B1", "origin")}{_cell("C1", "destination")}</row>']
    for r in range(2, n + 2):
        cells = _cell(f"A{r}", 2020) + _cell(f"B{r}", "Myanmar") + _cell(f"C{r}", "Penang") + _cell(f"XFD{r}", "x")
        rows.append(f'<row r="{r}">{cells}</row>')
    _xlsx_by_hand(path, rows)


def test_a_wide_xlsx_is_read_up_to_its_header_under_a_memory_cap(tmp_path):
    import subprocess
    import sys

    from click.testing import CliRunner

    from routemap.cli import main

    path = tmp_path / "wide.xlsx"
    _wide_xlsx(path, 7000)  # read whole, a grid of 7,001 x 16,384 cells: several gigabytes
    assert 90_000 < path.stat().st_size < 200_000
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (800_000_000, 800_000_000));"
        "from pathlib import Path; from routemap.contributions import canonical_profile, read_contribution;"
        "r = read_contribution(Path(sys.argv[1]), canonical_profile('p'), current_year=2025);"
        "print(r.rows_read, len(r.records))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300)
    assert (out.returncode, out.stdout, out.stderr) == (0, "7000 7000\n", "")
    result = CliRunner().invoke(main, ["validate", str(path)])
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{path}[Kes]: warning: the sheet's cells reach column XFD (row 7,001) but its header ends at column C; "
        "only columns A-C were read. Delete the columns to the right of the header, or save the sheet again"
    )
    assert lines[1] == f"{path}: 7000 rows read, 7000 ok, 0 with errors, 1 warning"


def _openpyxl_rows(path, sheet_name: str) -> list[tuple[int, list[str]]]:
    """The reference reading: openpyxl's, each cell as routemap shows a workbook's cells."""
    from openpyxl import load_workbook

    from routemap.readers.xlsx import cell_text

    worksheet = load_workbook(path, read_only=True, data_only=True)[sheet_name]
    worksheet.reset_dimensions()
    return [(n, [cell_text(v) for v in row]) for n, row in enumerate(worksheet.iter_rows(values_only=True), start=1)]


def test_the_fast_workbook_reader_reads_as_openpyxl_does(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    from routemap.readers.xlsx import _trimmed_rows, workbook_rows

    wb = Workbook()
    ws = wb.active
    ws.title = "Kes 2023"
    ws["B1"] = "Kes pemerdagangan 2023"  # a title row, the header on row 3 from column B, merged cells, blanks
    ws.append([])
    ws.append([None, "Tahun", "Negara asal", "Negeri", "Bilangan", "Tarikh", "Nota"])
    ws.append([None, 2023, "Myanmar", "Pulau Pinang", 3, dt.datetime(2023, 5, 1), " ada "])
    ws.append([None, 2022.0, "Indonesia", None, 2.5, dt.datetime(2022, 1, 2, 12, 30), True])
    ws.append([])
    ws.append([None, "2021", "Nepal", "Johor", None, dt.date(2021, 3, 4), "=1+1"])
    ws.merge_cells("C8:D8")
    ws["C8"] = "merged"
    ws["H12"] = "far"
    path = tmp_path / "kes.xlsx"
    wb.save(path)
    fast, sheet, warnings = workbook_rows(path, ReadOptions(), data=path.read_bytes())
    slow = _openpyxl_rows(path, "Kes 2023")
    assert (sheet, warnings) == ("Kes 2023", [])
    width = max(len(r) for _, r in slow)

    def padded(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
        return [(n, r + [""] * (width - len(r))) for n, r in rows]

    assert padded(fast) == padded(slow)
    # the reading of a sheet too large for the grid: a trimmed copy, read as openpyxl reads the same cells
    data = path.read_bytes()
    assert padded(_trimmed_rows(path, data, "Kes 2023")) == padded(slow)
    head = _trimmed_rows(path, data, "Kes 2023", max_row=7)
    assert [n for n, _ in head] == list(range(1, 8)) and padded(head) == padded(slow)[:7]
    narrow = _trimmed_rows(path, data, "Kes 2023", max_col=4)
    cut = [(n, r[:4] + [""] * (width - 4)) for n, r in padded(slow)]
    while not any(cut[-1][1]):  # H12 was the last row's only cell: the blank rows before it go too
        cut.pop()
    assert padded(narrow) == cut and len(cut) == 8
    table = read_table(path, ReadOptions(), expected=("Tahun", "Negara asal", "Negeri"))
    assert (table.header_line, list(table.lines)) == (3, [4, 5, 7, 8, 12])


@pytest.mark.parametrize("name", ["kes.xlsx", "kes.xls", "kes.ods"])
def test_csv_text_saved_with_a_workbooks_name_is_read_as_csv_with_a_warning(tmp_path, name):
    path = tmp_path / name
    path.write_text("year,origin,destination\n2020,Myanmar,Penang\n", encoding="utf-8")
    table = read_table(path, ReadOptions())
    assert table.rows.iloc[0].tolist() == ["2020", "Myanmar", "Penang"]
    assert table.warnings[0] == f"this is text (CSV), not a {name[3:]} workbook; read as CSV. Rename it to .csv"


def test_a_workbook_named_csv_is_read_as_a_workbook_with_a_warning(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["year", "origin", "destination"])
    wb.active.append([2020, "Myanmar", "Penang"])
    path = tmp_path / "kes.csv"
    wb.save(path)
    table = read_table(path, ReadOptions())
    assert table.rows.iloc[0].tolist() == ["2020", "Myanmar", "Penang"]
    assert table.warnings[0] == "this is a workbook (xlsx), not text; read as a workbook. Rename it to .xlsx"


def _ods_by_hand(path, rows: list[list[str]]) -> None:
    import zipfile

    office = "urn:oasis:names:tc:opendocument:xmlns"
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            if v
            else "<table:table-cell/>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}:office:1.0" '
        f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Kes">{cells}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
        'xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def test_an_opendocument_spreadsheet_is_read(tmp_path):
    path = tmp_path / "kes.ods"
    _ods_by_hand(path, [["Kes 2023"], [], ["year", "origin", "destination"], ["2020", "Myanmar", "Penang"]])
    table = read_table(path, ReadOptions(), expected=("year", "origin", "destination"))
    assert (table.sheet, table.header_line, list(table.lines)) == ("Kes", 3, [4])
    assert table.rows.iloc[0].tolist() == ["2020", "Myanmar", "Penang"] and table.warnings == []


@pytest.mark.parametrize("blank", ["\n", "\r\n"])
def test_a_blank_line_in_a_large_file_keeps_every_rows_line_number(tmp_path, blank):
    path = tmp_path / "big.csv"
    path.write_text(CANON + _rows(100) + blank + _rows(9000, start=100), encoding="utf-8", newline="")
    assert path.stat().st_size > 256_000
    result = read_contribution(path, canonical_profile("p"), current_year=2025)
    lines = list(result.records["line"])
    assert len(lines) == 9100 and lines[99] == 101 and lines[100] == 103  # the blank line is line 102
    assert result.blank_rows == 1
