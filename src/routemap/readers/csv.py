"""Read a CSV (or other delimited text) file into text cells, numbered as a spreadsheet numbers rows."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from routemap._errors import ReadError
from routemap._optional import have_pyarrow
from routemap.readers.sniff import decode, looks_binary, sniff_delimiter
from routemap.readers.table import (
    HEADER_SEARCH_ROWS,
    KeepRows,
    RawTable,
    ReadOptions,
    count_dropped,
    find_header,
    read_bytes,
    rows_to_table,
    rule_passes,
    trimmed_table,
)
from routemap.schema import fold

#: Files smaller than this are read with the csv module only (the fast path pays off on large files).
FAST_CSV_MIN_BYTES = 256 << 10
#: Whether pyarrow is installed: the fast path then reads with Arrow (imported only when a large file is read).
ARROW = have_pyarrow()


def read_csv(
    path: Path,
    options: ReadOptions,
    *,
    expected: tuple[str, ...] = (),
    data: bytes | None = None,
    keep: KeepRows | None = None,
) -> RawTable:
    """Read a delimited text file into text cells.

    Parameters
    ----------
    path
        The file.
    options
        Reader options; ``header_row`` ``None`` finds the header among the first rows.
    expected
        Headers the profile maps, used to find the header row.
    data
        The file's bytes, when they are read already.
    keep
        Rows to keep; a large file read by the fast path is filtered before its cells are trimmed
        (``dropped`` says what was left out), otherwise the caller filters.

    Raises
    ------
    ReadError
        When the file is empty, binary, not text, or has no data rows.
    """
    data = read_bytes(path) if data is None else data
    if not data or data.isspace():
        raise ReadError(path, "the file is empty; export the sheet again with its header row")
    text, encoding, warnings = decode(data, options.encoding, path)
    if looks_binary(text):
        raise ReadError(path, "this does not look like a text (CSV) file; export the data as CSV UTF-8 or .xlsx")
    if not text or text.isspace():
        raise ReadError(path, "the file is empty; export the sheet again with its header row")
    delimiter = options.delimiter if options.delimiter != "auto" else sniff_delimiter(text)
    # UTF-8 as written: the fast path parses the file's own bytes (no re-encoding of the decoded text)
    utf8 = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    raw = utf8 if encoding in ("utf-8", "utf-8-sig") and not warnings else None
    fast = fast_csv(path, text, delimiter, options, expected, raw=raw, keep=keep)
    if fast is not None:
        fast.encoding = encoding
        fast.warnings = warnings
        return fast
    rows, spans, physical = _records(path, text, delimiter)
    unclosed = _unclosed_at_end(text, delimiter, rows, spans, physical)
    table = rows_to_table(
        path, rows, options, expected, strict_width=True, delimiter=delimiter, spans=spans, unclosed=unclosed
    )
    table.encoding = encoding
    table.warnings = warnings
    table.physical_lines = physical
    table.multiline_rows = len(spans)
    return table


def _records(path: Path, text: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], dict[int, range], int]:
    """Every record numbered as a spreadsheet numbers rows, multi-line records' lines, and the file's lines.

    A quoted line break stays in its record (row), as a spreadsheet shows it; the file's own line
    numbers of such a record are kept to report a quote that swallowed the lines below it.
    """
    _allow_fields_of(len(text))
    rows: list[tuple[int, list[str]]] = []
    spans: dict[int, range] = {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells))
            if reader.line_num > last + 1:
                spans[number] = range(last + 1, reader.line_num + 1)
            last = reader.line_num
    except csv.Error as exc:
        raise ReadError(path, f"cannot be read as CSV ({exc}); check the quotes in the file") from None
    return rows, spans, reader.line_num


def _unclosed_at_end(
    text: str, delimiter: str, rows: list[tuple[int, list[str]]], spans: dict[int, range], physical: int
) -> int | None:
    """The last record's number when a quote in it is never closed (the csv module then reads to the end).

    The last record is read again, strictly: "unexpected end of data" means its quoted cell ran
    into the end of the file, taking the rest of its line (and any lines below) with it.
    """
    if not rows:
        return None
    number = rows[-1][0]
    first_line = spans[number].start if number in spans else physical  # a one-line record is the last line
    tail = "".join(text.splitlines(keepends=True)[first_line - 1 :])
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return number if "unexpected end of data" in str(exc) else None
    return None


def _allow_fields_of(size: int) -> None:
    """Let the csv module read a cell as long as the whole text (its default limit is 131,072 characters).

    A long notes cell is a cell like any other, and a stray quote that swallows the rest of the
    file must reach the check that reports it, not stop the reader.
    """
    if csv.field_size_limit() < size + 1:
        csv.field_size_limit(size + 1)


def fast_csv(
    path: Path,
    text: str,
    delimiter: str,
    options: ReadOptions,
    expected: tuple[str, ...],
    *,
    raw: bytes | None = None,
    keep: KeepRows | None = None,
    engine: str | None = None,
) -> RawTable | None:
    """Read a large, well-formed CSV with pandas' C parser; ``None`` when the csv-module path must decide.

    Where pyarrow is installed (``routemap[fast]``), Arrow parses, trims and filters the cells
    instead, and pandas keeps them as Arrow strings for the steps after (``engine`` "pandas" or
    "arrow" forces one).

    Taken only when the header is the first record and the file has no empty lines, no row
    wider or narrower than the header, and no header cell with a line break: then record *i*
    is spreadsheet row ``i + 2`` exactly as the csv-module path numbers it. Everything else
    (blank lines, ragged rows, title rows above the header) goes through the csv module, which
    reports each problem with its line.
    """
    # blank lines are not looked for here (two scans of the whole text): the parser skips them, so a
    # file with any has more lines than records + 1 and is handed to the csv module by the check below
    if len(text) < FAST_CSV_MIN_BYTES or text.startswith(("\n", "\r")):
        return None
    raw_headers = _first_record_header(text, delimiter, options, expected)
    if raw_headers is None:
        return None
    headers = [h.strip() for h in raw_headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        return None
    data = raw if raw is not None else text.encode("utf-8")
    # a quoted line break puts a record over several lines: the csv-module path numbers those
    lines = (raw.count(b"\n") if raw is not None else text.count("\n")) + (0 if text.endswith("\n") else 1)
    if engine == "arrow" or (engine is None and ARROW):
        from routemap.readers._arrow import read_fast

        arrow = read_fast(data, lines, delimiter, len(raw_headers), headers, keep)
        if arrow is not None:
            arrow.physical_lines = lines
        return arrow
    columns = _parsed_cells(data, delimiter, len(raw_headers))
    if columns is None:
        return None
    records = len(columns[0])
    if lines != records + 1:
        return None
    dropped = None
    numbers = np.arange(2, records + 2, dtype=np.int64)
    if keep is not None and keep.rules:
        kept = _keep_rows(columns, headers, keep)
        if kept is None:
            return None  # a rule's column is missing: the caller reports it
        mask, dropped = kept
        columns = [column[mask] for column in columns]
        numbers = numbers[mask]
    result = _cells_table(columns, headers, delimiter, numbers)
    if result is not None:
        result.physical_lines = lines
        result.dropped = dropped
    return result


def _keep_rows(
    columns: list[np.ndarray], headers: list[str], keep: KeepRows
) -> tuple[np.ndarray, dict[tuple[str, str], int]] | None:
    """The records that pass every rule (each distinct cell folded once)."""
    folded = [fold(h) for h in headers]
    mask = np.ones(len(columns[0]), dtype=bool)
    dropped: dict[tuple[str, str], int] = {}
    for header, values in keep.rules:
        if fold(header) not in folded:
            return None
        codes_, uniques_ = pd.factorize(columns[folded.index(fold(header))])
        codes, uniques = np.asarray(codes_, dtype=np.int64), [str(u) for u in uniques_]
        passes = rule_passes(codes, uniques, values)
        count_dropped(dropped, header, codes, uniques, mask & ~passes)
        mask &= passes
    return mask, dropped


def _first_record_header(
    text: str, delimiter: str, options: ReadOptions, expected: tuple[str, ...]
) -> list[str] | None:
    """The first record's cells when it is the header and holds no line break, else ``None``."""

    def first_rows(sample: str) -> list[list[str]]:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        return list(itertools.islice(reader, HEADER_SEARCH_ROWS))

    _allow_fields_of(len(text))
    try:
        head = first_rows(text[: 1 << 16])  # the header search needs the first rows only
        if len(head) < HEADER_SEARCH_ROWS and len(text) > 1 << 16:  # very long rows: search the whole text
            head = first_rows(text)
    except csv.Error:
        return None
    first = find_header(list(enumerate(head, start=1)), expected) if options.header_row is None else None
    if (options.header_row not in (None, 1)) or first not in (None, 0) or not head:
        return None
    if any("\n" in h or "\r" in h for h in head[0]):
        return None
    return head[0]


def _parsed_cells(data: bytes, delimiter: str, width: int) -> list[np.ndarray] | None:
    """Every record after the header as text, column by column; ``None`` unless each has ``width`` cells.

    pandas' parser reports a record wider than the header (but for the first, whose extra cells it
    drops) and fills a narrower one with empty cells; both are told by the delimiters: the file
    holds one fewer per record than cells in a row, plus those inside quoted cells, exactly when
    every record is as wide as the header.
    """
    names = [f"c{i}" for i in range(width)]
    try:
        with warnings.catch_warnings(action="ignore", category=pd.errors.ParserWarning):
            # a first record wider than the header loses its extra cells with a warning: the count below tells
            frame = pd.read_csv(
                io.BytesIO(data),
                sep=delimiter,
                header=None,
                skiprows=1,
                names=names,
                index_col=False,
                dtype=object,
                na_filter=False,
                engine="c",
                quotechar='"',
                doublequote=True,
                skip_blank_lines=True,
                on_bad_lines="error",
                encoding="utf-8",
                low_memory=False,
            )
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        return None
    if frame.empty:
        return None
    columns = [frame[n].to_numpy(dtype=object) for n in names]
    del frame
    header_end = data.index(b"\n") if b"\n" in data else len(data)
    found = data.count(delimiter.encode(), header_end)
    inside = sum("".join(column.tolist()).count(delimiter) for column in columns)
    if found != len(columns[0]) * (width - 1) + inside:
        return None
    return columns


def _trimmed(column: np.ndarray) -> np.ndarray:
    """The cells without surrounding white space, as ``str.strip`` leaves them (only where any has some)."""
    joined = "\x00".join(column.tolist())
    if not joined or not (joined[0].isspace() or joined[-1].isspace() or _EDGE_SPACE.search(joined)):
        return column
    return np.asarray(pd.Series(column, dtype=object).str.strip(), dtype=object)


_EDGE_SPACE = re.compile(r"\s\x00|\x00\s")


def _cells_table(columns: list[np.ndarray], headers: list[str], delimiter: str, numbers: np.ndarray) -> RawTable | None:
    """Trimmed cells and line numbers of the parsed records; ``None`` when a value lies under no header."""
    width = len(headers)
    for extra in columns[width:]:  # a value under no header: the csv-module path reports the row
        if any(cell.strip() for cell in pd.unique(extra)):
            return None
    cells = [_trimmed(column) for column in columns[:width]]
    blank = np.ones(len(numbers), dtype=bool)
    for column in cells:
        blank &= column == ""
    frame = pd.DataFrame(  # the trimmed cells, as the csv-module path keeps them after strip()
        {i: column for i, column in enumerate(cells)}, columns=pd.Index(range(width)), dtype=object
    )
    return trimmed_table(frame, blank, numbers, headers, delimiter)
