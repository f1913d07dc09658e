"""The readers' common ground: reader options, a file's cells as text, and finding the header row."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from routemap._errors import ReadError
from routemap.schema import fold

DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
#: How many rows are searched for the header when ``header_row`` is not set.
HEADER_SEARCH_ROWS = 30


def read_bytes(path: Path) -> bytes:
    """A file's bytes; a broken link, a folder or an unreadable file is a :class:`ReadError`."""
    if path.is_symlink() and not path.exists():
        raise ReadError(
            path, "is a link to a file that does not exist (moved or deleted); copy the file itself into the folder"
        )
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ReadError(path, "is a folder, not a file; put the data files directly in the partner folder") from None
    except OSError as exc:
        raise ReadError(path, f"cannot be opened ({exc.strerror}); check that the file is there and readable") from None


@dataclass(frozen=True, slots=True)
class KeepRows:
    """Which rows to keep: each rule names a header and the values (compared folded) a kept row has there."""

    rules: tuple[tuple[str, tuple[str, ...]], ...] = ()


def rule_passes(codes: np.ndarray, uniques: list[str], values: tuple[str, ...]) -> np.ndarray:
    """Rows (given as codes into their distinct cells) whose cell is one of ``values``, compared folded."""
    wanted = {fold(v) for v in values}
    per_value = np.array([fold(str(u)) in wanted for u in uniques] + [False], dtype=bool)
    return per_value[codes]  # code -1 (a missing cell) takes the last entry: not kept


def count_dropped(
    dropped: dict[tuple[str, str], int], header: str, codes: np.ndarray, uniques: list[str], out: np.ndarray
) -> None:
    """Add the rows of mask ``out`` to ``dropped`` by (header, cell as written)."""
    counts = np.bincount(codes[out & (codes >= 0)], minlength=len(uniques))
    for index in np.flatnonzero(counts):
        key = (header, str(uniques[index]).strip())
        dropped[key] = dropped.get(key, 0) + int(counts[index])


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """The ``[read]`` table of a profile."""

    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | int | None = None
    header_row: int | None = None


@dataclass(slots=True)
class RawTable:
    """A file's cells as text, with the spreadsheet row number of every data row."""

    headers: list[str]
    rows: pd.DataFrame
    lines: np.ndarray
    blank_rows: int
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    warnings: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    header_line: int = 1
    #: Lines of the file (a CSV row whose quoted cell holds line breaks spans several), or rows of a sheet.
    physical_lines: int = 0
    #: Rows whose quoted cells hold line breaks, so that each spans several lines of the file.
    multiline_rows: int = 0
    #: Rows the reader left out for :class:`KeepRows`, by (header, cell); ``None`` when it kept them all.
    dropped: dict[tuple[str, str], int] | None = None
    #: Whether every cell is stripped of surrounding white space already (the fast CSV path strips them).
    trimmed: bool = False


def find_header(rows: list[tuple[int, list[str]]], expected: tuple[str, ...]) -> int:
    """Index in ``rows`` of the first row holding at least half (up to 3) of the expected headers."""
    wanted = {fold(h) for h in expected if h}
    if not wanted:
        return 0
    need = min(3, max(1, len(wanted) // 2))
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(wanted & {fold(c) for c in cells if c}) >= need:
            return i
    return next((i for i, (_, cells) in enumerate(rows) if any(c.strip() for c in cells)), 0)


def rows_to_table(
    path: Path,
    rows: list[tuple[int, list[str]]],
    options: ReadOptions,
    expected: tuple[str, ...],
    *,
    strict_width: bool,
    sheet: str = "",
    delimiter: str = "",
    spans: dict[int, range] | None = None,
    unclosed: int | None = None,
) -> RawTable:
    """Cut rows read from a file into a header and data rows.

    Parameters
    ----------
    path
        The file, for messages.
    rows
        (Row number as a spreadsheet shows it, cells) of every record.
    options
        Reader options; ``header_row`` ``None`` finds the header by ``expected``.
    expected
        Headers the profile maps.
    strict_width
        Whether a value beyond the header's last column makes a row bad (CSV) or is ignored (XLSX).
    sheet
        The sheet's name, for messages.
    delimiter
        The delimiter, for messages.
    spans
        Row number -> the lines of the file it spans, for CSV rows whose quoted cells hold line
        breaks: a row whose cell holds lines shaped like rows is bad (a stray quote swallowed them).
    unclosed
        The number of a CSV row in which a quote is never closed (it ran to the end of the file): bad.

    Raises
    ------
    ReadError
        When there is no non-empty row, no such header row, or no data row below the header.
    """
    where = f"{path}[{sheet}]" if sheet else str(path)
    start, headers = _header(where, rows, options, expected)
    header_line = rows[start][0]
    _check_header(where, header_line, rows[start][1], delimiter, spans, unclosed)
    width = len(headers)
    cells: list[list[str]] = []
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    blank = pending = 0
    for line, row in rows[start + 1 :]:
        if not any(c.strip() for c in row):
            pending += 1  # counted only when a data row follows: trailing blank rows are layout
            continue
        blank, pending = blank + pending, 0
        problem = _bad_row(line, row, headers, delimiter, spans, strict_width=strict_width, unclosed=unclosed)
        if problem:
            bad.append((line, problem))
            continue
        cells.append(row[:width] + [""] * (width - len(row)))
        lines.append(line)
    if not cells and not bad:
        raise ReadError(
            where,
            f"has a header row (line {header_line}) but no data rows; fill in at least one row below the header",
        )
    return RawTable(
        headers=headers,
        rows=pd.DataFrame(cells, columns=pd.Index(range(width)), dtype=object),
        lines=np.asarray(lines, dtype=np.int64),
        blank_rows=blank,
        delimiter=delimiter,
        sheet=sheet,
        bad_rows=bad,
        header_line=header_line,
        physical_lines=rows[-1][0] if rows else 0,
    )


def _check_header(
    where: str, line: int, cells: list[str], delimiter: str, spans: dict[int, range] | None, unclosed: int | None
) -> None:
    """Refuse a header row that a quote never closed has run over the rows below it."""
    if not spans or line not in spans:
        return
    if _swallowed(cells, ["", ""], delimiter, spans[line]) or line == unclosed:
        span = spans[line]
        raise ReadError(
            where,
            f'the header row (line {line}) runs over lines {span.start}-{span.stop - 1} of the file: a quote (") '
            "in it is never closed, so the rows below were read as part of a header; remove the quote or close it",
        )


def _bad_row(
    line: int,
    row: list[str],
    headers: list[str],
    delimiter: str,
    spans: dict[int, range] | None,
    *,
    strict_width: bool,
    unclosed: int | None = None,
) -> str | None:
    """Why a data row cannot be read as it is (lines swallowed by a quote, a value under no header), or ``None``."""
    if spans and line in spans:
        swallowed = _swallowed(row, headers, delimiter, spans[line])
        if swallowed:
            return swallowed
    if line == unclosed:
        return (
            'has a quote (") that opens a cell and is never closed, so the rest of the file was read into that '
            "cell; close the quote or remove it"
        )
    width = len(headers)
    if strict_width and any(c.strip() for c in row[width:]):
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        return f"has {len(row)} cells but the header has {width}; a value probably holds an unquoted {shown}"
    return None


def _header(
    where: str, rows: list[tuple[int, list[str]]], options: ReadOptions, expected: tuple[str, ...]
) -> tuple[int, list[str]]:
    """Index in ``rows`` of the header row, and its headers without trailing empty cells."""
    if not any(any(c.strip() for c in cells) for _, cells in rows):
        raise ReadError(where, "the file is empty; export the sheet again with its header row")
    if options.header_row is None:
        start = find_header(rows, expected)
    else:
        start = next((i for i, (n, _) in enumerate(rows) if n == options.header_row), len(rows))
        if start >= len(rows):
            raise ReadError(where, f"there is no row {options.header_row} for the header; check [read] header_row")
    header_line, headers = rows[start]
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ReadError(where, f"the header row ({header_line}) is empty; check [read] header_row")
    return start, headers


def _swallowed(row: list[str], headers: list[str], delimiter: str, span: range) -> str | None:
    """Why a row read over several lines of the file looks like a stray quote's work, or ``None``.

    A quoted cell may hold line breaks (an address on two lines). It is taken for lines swallowed
    by a quote that was never closed when one of its lines, after the first, splits at the
    delimiter into as many cells as the header has (at least two): that is a row, not a cell.
    """
    width = max(2, len(headers))
    for index, cell in enumerate(row):
        shaped = [ln for ln in cell.splitlines()[1:] if delimiter and len(ln.split(delimiter)) >= width]
        if not shaped:
            continue
        header = headers[index] if index < len(headers) and headers[index] else f"column {index + 1}"
        return (
            f"spans lines {span.start}-{span.stop - 1} of the file: the cell under {header!r} holds "
            f"{len(shaped)} line{'s' if len(shaped) != 1 else ''} shaped like rows, such as {shaped[0]!r}. "
            f'A quote (") that opens a cell on line {span.start} is not closed; remove it or close it, '
            "then every line is read as its own row"
        )
    return None


def trimmed_table(
    frame: pd.DataFrame, blank: np.ndarray, numbers: np.ndarray, headers: list[str], delimiter: str
) -> RawTable | None:
    """The fast CSV paths' table: trimmed cells without their blank rows; ``None`` when every row is blank.

    ``blank`` marks the rows whose every cell is empty and ``numbers`` holds each row's line.
    """
    last = int(np.flatnonzero(~blank)[-1]) if (~blank).any() else -1
    if last < 0 and len(numbers):
        return None
    keep = ~blank
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
    return RawTable(
        headers=headers,
        rows=frame,
        lines=numbers[keep],
        blank_rows=int(blank[:last].sum()),  # blank rows after the last data row are layout
        delimiter=delimiter,
        header_line=1,
        trimmed=True,
    )
