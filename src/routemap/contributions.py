"""Read partner contributions (CSV/XLSX) and apply each partner profile into canonical records."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from routemap._errors import ProfileError, ReadError
from routemap._pii import content_kind, header_kind
from routemap.places import country_iso3
from routemap.problems import Problem, Severity
from routemap.schema import (
    COORD_STOPS,
    FIELD_NAMES,
    LANGUAGES,
    MULTI_VALUE_FIELDS,
    REQUIRED_FIELDS,
    VOCABULARIES,
    canonical_vocab_value,
    fold,
    header_aliases,
    header_label,
)

log = logging.getLogger(__name__)

PROFILE_FILE = "partner.toml"
#: Files a partner folder may hold; .xls, .xlsm and .ods are listed so that they get a clear message.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
MIN_YEAR = 1950
#: Largest ``persons`` one row may stand for; anything larger is taken for a typo and rejected.
MAX_PERSONS = 100_000
TRANSIT_SPLIT = re.compile(r"\s*(?:;|>|→)\s*")
#: How a cell of a ``[points]`` column writes a stop's coordinates.
POINT_FORMATS: tuple[str, ...] = ("wkt", "lat,lon", "lon,lat")
#: What an empty ``persons`` cell means (``empty_persons`` in a profile).
EMPTY_PERSONS: tuple[str, ...] = ("one", "unknown")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: A WKT point, optionally with an SRID prefix and a Z/M value: ``POINT (lon lat)``.
_WKT_POINT = re.compile(
    rf"^(?:SRID=\d+;)?POINT\s*(?:Z|M|ZM)?\s*\(\s*({_NUMBER})\s+({_NUMBER})(?:\s+{_NUMBER}){{0,2}}\s*\)$",
    re.IGNORECASE,
)
#: Two numbers separated by a comma, a semicolon or spaces, optionally in brackets: ``3.14, 101.69``.
_PAIR_POINT = re.compile(rf"^[(\[]?\s*({_NUMBER})\s*(?:[,;]\s*|\s+)({_NUMBER})\s*[)\]]?$")

#: Columns of the records DataFrame, in order.
RECORD_COLUMNS: tuple[str, ...] = (
    "partner",
    "file",
    "line",
    "record_id",
    "person_key",
    "year",
    "origin",
    "transit",
    "destination",
    "intended_destination",
    "persons",
    "sex",
    "age_group",
    "sector",
    "exploitation",
    "recruitment",
    "transport",
    "origin_lon",
    "origin_lat",
    "destination_lon",
    "destination_lat",
    "intended_destination_lon",
    "intended_destination_lat",
)

#: Columns of :attr:`Applied.stops`: what is needed to check every row's places.
STOP_COLUMNS: tuple[str, ...] = (
    "line",
    "origin",
    "transit",
    "destination",
    "intended_destination",
    "origin_lon",
    "origin_lat",
    "destination_lon",
    "destination_lat",
    "intended_destination_lon",
    "intended_destination_lat",
)

REJECT_COLUMNS: tuple[str, ...] = ("partner", "file", "line", "column", "value", "reason")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """The ``[read]`` table of a profile."""

    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | int | None = None
    header_row: int | None = None


@dataclass(frozen=True, slots=True)
class PointColumn:
    """A ``[points]`` entry: the column that writes a stop's coordinates in one cell, and how.

    Parameters
    ----------
    headers
        The column's header (or alternatives, the first found is read).
    format
        One of :data:`POINT_FORMATS`: ``wkt`` (``POINT (lon lat)``), ``lat,lon`` or ``lon,lat``.
    """

    headers: tuple[str, ...]
    format: str


@dataclass(frozen=True, slots=True)
class Profile:
    """A partner profile (``partner.toml``): how its files map onto the canonical record.

    Parameters
    ----------
    partner
        Folder name: the partner's id inside the project (private, never published).
    name
        Display name, published only when the project opts in.
    default_country
        ISO3 of the country used to settle an ambiguous place name.
    read
        Reader options.
    columns
        Canonical field -> the partner's header(s). ``transit`` joins every listed column; any other
        field reads, in each row, the first listed column the file has whose cell is not empty.
    values
        Canonical field -> {written value -> canonical value}; an empty canonical value means missing.
        In ``transit``, ``sector`` and ``exploitation`` each listed value of a cell is looked up.
    missing
        Values that mean "missing" in every column (e.g. ``-99``).
    field_missing
        Canonical field -> values that mean "missing" in that field only (e.g. citizenship ``00``).
    points
        Stop -> the column that writes its coordinates in one cell (WKT or a "lat, lon" pair).
    empty_persons
        What an empty ``persons`` cell means: ``one`` person (the default) or ``unknown`` (the
        row cannot be counted and is rejected).
    synthetic
        Whether the contribution is made-up sample data.
    path
        Where the profile was read from (``None`` for the built-in canonical profile).
    aliases
        Canonical field -> other headers accepted when none of ``columns`` is in a file: the
        template's headers in every language. Used when a profile has no ``[columns]`` table.
    """

    partner: str
    name: str
    default_country: str | None = None
    read: ReadOptions = ReadOptions()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: frozenset[str] = frozenset()
    synthetic: bool = False
    path: Path | None = None
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    field_missing: dict[str, frozenset[str]] = field(default_factory=dict)
    points: dict[str, PointColumn] = field(default_factory=dict)
    empty_persons: str = "one"

    def expected_headers(self) -> tuple[str, ...]:
        """Every header the profile may read, used to find the header row."""
        names = [h for headers in self.columns.values() for h in headers]
        names += [h for point in self.points.values() for h in point.headers]
        names += [h for headers in self.aliases.values() for h in headers]
        return tuple(dict.fromkeys(names))

    def missing_in(self, canon: str) -> frozenset[str]:
        """The values that mean "missing" in a canonical field: those of every column and its own."""
        return self.missing | self.field_missing.get(canon, frozenset())


@dataclass(slots=True)
class FileResult:
    """What reading one file gave: records, rejects, problems and the per-file accounting.

    ``rejects`` holds one dict per (rejected row, reason) for ``.routemap/rejects.csv``;
    ``problems`` holds file-level errors and every warning (row errors are in ``rejects``).
    """

    partner: str
    file: str
    sha256: str
    records: pd.DataFrame
    rejects: list[dict[str, Any]]
    problems: list[Problem]
    rows_read: int
    blank_rows: int
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    private_values: dict[str, set[str]] = field(default_factory=dict)
    header_line: int = 1
    header_of: dict[str, str] = field(default_factory=dict)
    stops: pd.DataFrame | None = None

    @property
    def warnings(self) -> list[str]:
        """The warnings, as one line of text each."""
        return [str(p) for p in self.problems if p.severity == "warning"]

    @property
    def rejected_lines(self) -> set[int]:
        """Lines of the rows that were rejected."""
        return {int(r["line"]) for r in self.rejects}


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


# ---------------------------------------------------------------------------------------- profiles
def _as_tuple(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
        return tuple(value)
    raise ProfileError(f"{where} = {value!r} must be a header in quotes or a list of headers")


def canonical_columns() -> dict[str, tuple[str, ...]]:
    """Canonical field -> its own name as header."""
    return {name: (name,) for name in FIELD_NAMES}


def template_aliases() -> dict[str, tuple[str, ...]]:
    """Canonical field -> the template's headers for it in every language."""
    return {name: header_aliases(name) for name in FIELD_NAMES}


def canonical_profile(partner: str) -> Profile:
    """The profile used for a folder without ``partner.toml``.

    Headers are the canonical names or the template's headers in English, Malay or Indonesian.
    """
    return Profile(partner=partner, name=partner, columns=canonical_columns(), aliases=template_aliases())


def load_profile(folder: Path) -> Profile:
    """Read ``partner.toml`` in a partner folder, or the canonical profile when there is none.

    Raises
    ------
    ProfileError
        Naming the key, the value and the fix; every problem in the file is reported at once.
    """
    path = folder / PROFILE_FILE
    if not path.exists():
        return canonical_profile(folder.name)
    return read_profile(path, partner=folder.name)


def read_profile(path: Path, *, partner: str | None = None) -> Profile:
    """Read a profile file (see :func:`load_profile`)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path} is not valid TOML ({exc}); fix the line it names") from None
    problems: list[str] = []
    known_top = {
        "name",
        "default_country",
        "synthetic",
        "read",
        "columns",
        "values",
        "missing",
        "points",
        "empty_persons",
        "description",
    }
    for key in raw:
        if key not in known_top:
            problems.append(f"unknown key {key!r}; allowed keys are {', '.join(sorted(known_top))}")
    default_country = None
    if raw.get("default_country"):
        try:
            default_country = country_iso3(str(raw["default_country"]))
        except Exception as exc:  # ConfigError
            problems.append(f"default_country: {exc}")
    read_raw = raw.get("read", {})
    read = ReadOptions()
    if not isinstance(read_raw, dict):
        problems.append("[read] must be a table")
    else:
        enc = str(read_raw.get("encoding", "auto")).lower()
        if enc not in ENCODINGS:
            problems.append(f"[read] encoding = {enc!r} is not one of {', '.join(ENCODINGS)}")
        delim = read_raw.get("delimiter", "auto")
        delim = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}.get(str(delim), str(delim))
        if delim != "auto" and delim not in DELIMITERS:
            problems.append(f"[read] delimiter = {delim!r} must be one of ',', ';', 'tab', '|' or 'auto'")
        header_row = read_raw.get("header_row")
        if header_row is not None and (
            isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
        ):
            problems.append(f"[read] header_row = {header_row!r} must be a whole number, 1 for the first row")
            header_row = None
        sheet = read_raw.get("sheet")
        for key in read_raw:
            if key not in {"encoding", "delimiter", "header_row", "sheet"}:
                problems.append(f"[read] unknown key {key!r}; allowed: encoding, delimiter, sheet, header_row")
        read = ReadOptions(encoding=enc, delimiter=delim, sheet=sheet, header_row=header_row)
    columns: dict[str, tuple[str, ...]] = {}
    for canon, header in (raw.get("columns") or {}).items():
        if canon not in FIELD_NAMES:
            problems.append(f"[columns] {canon!r} is not a canonical field; fields are: {', '.join(FIELD_NAMES)}")
            continue
        try:
            columns[canon] = _as_tuple(header, f"[columns] {canon}")
        except ProfileError as exc:
            problems.append(str(exc))
    aliases: dict[str, tuple[str, ...]] = {}
    if "columns" not in raw:
        columns, aliases = canonical_columns(), template_aliases()
    for req in REQUIRED_FIELDS:
        if req not in columns:
            problems.append(f'[columns] has no {req!r}: every row needs it; add {req} = "<your header>"')
    values: dict[str, dict[str, str]] = {}
    for canon, table in (raw.get("values") or {}).items():
        if canon not in FIELD_NAMES:
            problems.append(f"[values.{canon}] is not a canonical field; fields are: {', '.join(FIELD_NAMES)}")
            continue
        if not isinstance(table, dict):
            problems.append(f'[values.{canon}] must be a table of "written" = "canonical" pairs')
            continue
        mapped: dict[str, str] = {}
        for written, target in table.items():
            target_text = str(target).strip()
            parts = _split_parts(canon, target_text) if target_text else []
            outside = [t for t in parts if canon in VOCABULARIES and canonical_vocab_value(canon, t) is None]
            if outside:
                several = " (several values are separated by ';')" if canon in MULTI_VALUE_FIELDS else ""
                problems.append(
                    f"[values.{canon}] {written!r} = {target!r}: {outside[0]!r} is not in the vocabulary "
                    f"({', '.join(VOCABULARIES[canon])}){several}"
                )
                continue
            mapped[str(written).strip()] = target_text
        values[canon] = mapped
    missing, field_missing = _read_missing(raw.get("missing", []), problems)
    points = _read_points(raw.get("points", {}), columns, problems)
    empty_persons = raw.get("empty_persons", "one")
    if empty_persons not in EMPTY_PERSONS:
        problems.append(
            f'empty_persons = {empty_persons!r} must be "one" (an empty persons cell stands for one person) '
            'or "unknown" (the number is not known: the row is rejected)'
        )
    elif empty_persons == "unknown" and "persons" not in columns:
        problems.append(
            'empty_persons = "unknown" needs the persons column: add persons = "<your header>" to [columns]'
        )
    if problems:
        raise ProfileError("\n".join([f"{len(problems)} problem(s) in {path}:", *(f"  {p}" for p in problems)]))
    folder_name = partner or path.parent.name
    return Profile(
        partner=folder_name,
        name=str(raw.get("name") or folder_name),
        default_country=default_country,
        read=read,
        columns=columns,
        values=values,
        missing=missing,
        synthetic=bool(raw.get("synthetic", False)),
        path=path,
        aliases=aliases,
        field_missing=field_missing,
        points=points,
        empty_persons=str(empty_persons),
    )


def _split_parts(canon: str, text: str) -> list[str]:
    """The values a cell lists: stops of ``transit``, values of ``sector`` and ``exploitation``, else the cell."""
    if canon == "transit":
        return [p for p in TRANSIT_SPLIT.split(text) if p]
    if canon in MULTI_VALUE_FIELDS:
        return [p for p in re.split(r"\s*;\s*", text) if p]
    return [text]


def _marker_list(value: Any, where: str, problems: list[str]) -> frozenset[str]:
    """A list of missing-value markers (strings or whole numbers), or a problem naming ``where``."""
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, str | int) for v in value):
        problems.append(f'{where} = {value!r} must be a list of values in quotes, e.g. ["-99", "n/a"]')
        return frozenset()
    return frozenset(str(v).strip() for v in value)


def _read_missing(raw: Any, problems: list[str]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """``missing``: a list (every column) or a table of ``all`` and canonical fields -> lists."""
    if not isinstance(raw, dict):
        return _marker_list(raw, "missing", problems), {}
    everywhere: frozenset[str] = frozenset()
    per_field: dict[str, frozenset[str]] = {}
    for key, value in raw.items():
        if key == "all":
            everywhere = _marker_list(value, "[missing] all", problems)
        elif key in FIELD_NAMES:
            per_field[key] = _marker_list(value, f"[missing] {key}", problems)
        else:
            problems.append(
                f"[missing] {key!r} is not a canonical field; use all = [...] for every column or one of: "
                f"{', '.join(FIELD_NAMES)}"
            )
    return everywhere, per_field


def _read_points(raw: Any, columns: dict[str, tuple[str, ...]], problems: list[str]) -> dict[str, PointColumn]:
    """``[points]``: stop -> { column = "<header>", format = "wkt" | "lat,lon" | "lon,lat" }."""
    if not isinstance(raw, dict):
        problems.append('[points] must be a table, e.g. destination = { column = "Coordinates", format = "wkt" }')
        return {}
    formats = ", ".join(repr(f) for f in POINT_FORMATS)
    out: dict[str, PointColumn] = {}
    for stop, spec in raw.items():
        if stop not in COORD_STOPS:
            problems.append(f"[points] {stop!r} is not a stop that takes coordinates; stops: {', '.join(COORD_STOPS)}")
            continue
        if not isinstance(spec, dict):
            problems.append(
                f"[points] {stop} = {spec!r} must name the column and its format: "
                f'{stop} = {{ column = "<your header>", format = "wkt" }} (formats: {formats})'
            )
            continue
        unknown = sorted(set(spec) - {"column", "format"})
        if unknown:
            problems.append(f"[points] {stop}: unknown key {unknown[0]!r}; allowed: column, format")
        if "column" not in spec:
            problems.append(f'[points] {stop} has no column; add column = "<your header>"')
            continue
        try:
            headers = _as_tuple(spec["column"], f"[points] {stop} column")
        except ProfileError as exc:
            problems.append(str(exc))
            continue
        fmt = str(spec.get("format", "")).replace(" ", "").lower()
        if fmt not in POINT_FORMATS:
            problems.append(
                f"[points] {stop} format = {spec.get('format', '')!r} must be one of {formats} "
                "(wkt: POINT (lon lat); lat,lon: '3.14, 101.69'; lon,lat: '101.69, 3.14')"
            )
            continue
        both = [f"{stop}_{axis}" for axis in ("lon", "lat") if f"{stop}_{axis}" in columns]
        if both:
            problems.append(f"[points] {stop} and [columns] {both[0]} both give {stop}'s coordinates; keep one of them")
            continue
        out[stop] = PointColumn(headers=headers, format=fmt)
    return out


def discover(contributions_dir: Path) -> list[tuple[Profile, list[Path]]]:
    """List partner folders with their profile and data files, sorted for determinism.

    Raises
    ------
    ProfileError
        When a folder's profile is invalid.
    """
    if not contributions_dir.is_dir():
        return []
    out: list[tuple[Profile, list[Path]]] = []
    for folder in sorted(p for p in contributions_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        out.append((load_profile(folder), data_files(folder)))
    return out


def data_files(folder: Path) -> list[Path]:
    """The data files of a partner folder, sorted; lock files and template dictionaries are left out."""
    return sorted(
        f
        for f in folder.iterdir()
        if f.is_file()
        and f.suffix.lower() in DATA_SUFFIXES
        and not f.name.startswith(("~$", "."))
        and not f.name.endswith(".dictionary.csv")
    )


# ---------------------------------------------------------------------------------------- readers
def _decode(data: bytes, encoding: str, path: Path) -> tuple[str, str, list[str]]:
    """Decode bytes: return the text, the encoding used and warnings (without the file name)."""
    if encoding != "auto":
        codec = {"utf-8": "utf-8-sig"}.get(encoding, encoding)  # a BOM is never part of the first header
        try:
            return data.decode(codec), encoding, []
        except UnicodeDecodeError as exc:
            raise ReadError(
                path,
                f'byte {exc.start} is not valid {encoding}; set [read] encoding = "auto" '
                "in partner.toml or save the file as CSV UTF-8",
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8-sig", []
        except UnicodeDecodeError as exc:
            return (
                body.decode("utf-8", errors="replace"),
                "utf-8-sig",
                [
                    f"marked as UTF-8 but byte {exc.start + 3} is not UTF-8; such bytes were replaced by '\ufffd'. "
                    "Save the file again as CSV UTF-8"
                ],
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise ReadError(path, "starts like UTF-16 text but is not; save it again as CSV UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    half = max(len(data) // 2, 1)
    for enc, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if zeros.count(0) > 0.4 * half:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            return text, enc, [f"no byte-order mark; read as {enc} (Unicode text). Save the file as CSV UTF-8"]
    try:
        text, enc, name = data.decode("cp1252"), "cp1252", "Windows Western European"
    except UnicodeDecodeError:
        text, enc, name = data.decode("latin-1"), "latin-1", "ISO 8859-1"
    return (
        text,
        enc,
        [
            f"not UTF-8; the encoding was guessed as {enc} ({name}). "
            "Check that accented names look right, or save the file as CSV UTF-8"
        ],
    )


#: Non-blank lines looked at to choose the delimiter.
SNIFF_ROWS = 20


def _sniff_delimiter(text: str) -> str:
    """Choose the delimiter that splits the header into most columns and the next rows alike.

    Quoted fields are parsed, so a comma inside ``"Johor, Malaysia"`` does not count.
    """
    sample = text[:65536]
    best, best_score = ",", (0, 0, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        widths: list[int] = []
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(c.strip() for c in row):
                    widths.append(len(row))
                if len(widths) >= SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        score = (sum(1 for w in widths if w == widths[0]), widths[0], -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > len(sample) // 20


#: What to tell a partner who sends a spreadsheet routemap does not read.
_OTHER_FORMATS = {
    ".xls": "this is an old Excel (.xls) workbook; open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8",
    ".ods": "this is an OpenDocument spreadsheet; save it as .xlsx (Excel Workbook) or CSV UTF-8",
}


def read_table(path: Path, options: ReadOptions, *, expected: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV or XLSX file into text cells.

    Parameters
    ----------
    path
        The file.
    options
        Reader options; ``header_row`` ``None`` finds the header among the first rows.
    expected
        Headers the profile maps, used to find the header row.

    Raises
    ------
    ReadError
        When the file is empty, binary, corrupt, has no data rows, or names a sheet that does not exist.
    """
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        raise ReadError(path, _OTHER_FORMATS[suffix])
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet = _xlsx_rows(path, options)
        return _table(path, rows, options, expected, sheet=sheet, strict_width=False)
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(path, "the file is empty; export the sheet again with its header row")
    if data.startswith(b"PK\x03\x04"):
        raise ReadError(path, "this is an Excel (xlsx) file with a .csv name; rename it to .xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(path, "this is an old Excel (.xls) file; save it as .xlsx or CSV UTF-8")
    text, encoding, warnings = _decode(data, options.encoding, path)
    if _looks_binary(text):
        raise ReadError(path, "this does not look like a text (CSV) file; export the data as CSV UTF-8 or .xlsx")
    if not text.strip():
        raise ReadError(path, "the file is empty; export the sheet again with its header row")
    delimiter = options.delimiter if options.delimiter != "auto" else _sniff_delimiter(text)
    # UTF-8 as written: pyarrow parses the file's own bytes (no re-encoding of the decoded text)
    utf8 = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    raw = utf8 if encoding in ("utf-8", "utf-8-sig") and not warnings else None
    fast = _fast_csv(path, text, delimiter, options, expected, raw=raw)
    if fast is not None:
        fast.encoding = encoding
        fast.warnings = warnings
        return fast
    try:  # records are numbered as a spreadsheet numbers rows: a quoted line break stays in its row
        rows = list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))
    except csv.Error as exc:
        raise ReadError(path, f"cannot be read as CSV ({exc}); check the quotes in the file") from None
    table = _table(path, rows, options, expected, strict_width=True, delimiter=delimiter)
    table.encoding = encoding
    table.warnings = warnings
    return table


#: How many rows are searched for the header when ``header_row`` is not set.
HEADER_SEARCH_ROWS = 30
#: Files smaller than this are read with the csv module only (the fast path pays off on large files).
FAST_CSV_MIN_BYTES = 256 << 10


def _fast_csv(
    path: Path,
    text: str,
    delimiter: str,
    options: ReadOptions,
    expected: tuple[str, ...],
    *,
    raw: bytes | None = None,
) -> RawTable | None:
    """Read a large, well-formed CSV with pyarrow; ``None`` when the csv-module path must decide.

    Taken only when the header is the first record and the file has no empty lines, no row
    wider or narrower than the header, and no header cell with a line break: then record *i*
    is spreadsheet row ``i + 2`` exactly as the csv-module path numbers it. Everything else
    (blank lines, ragged rows, title rows above the header) goes through the csv module, which
    reports each problem with its line.
    """
    if len(text) < FAST_CSV_MIN_BYTES or "\n\n" in text or "\n\r\n" in text or text.startswith(("\n", "\r")):
        return None

    def first_rows(sample: str) -> list[list[str]]:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        return list(itertools.islice(reader, HEADER_SEARCH_ROWS))

    head = first_rows(text[: 1 << 16])  # the header search needs the first rows only
    if len(head) < HEADER_SEARCH_ROWS and len(text) > 1 << 16:  # very long rows: search the whole text
        head = first_rows(text)
    first = _find_header(list(enumerate(head, start=1)), expected) if options.header_row is None else None
    if (options.header_row not in (None, 1)) or first not in (None, 0) or not head:
        return None
    raw_headers = head[0]
    if any("\n" in h or "\r" in h for h in raw_headers):
        return None
    headers = [h.strip() for h in raw_headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        return None
    names = [f"c{i}" for i in range(len(raw_headers))]
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(raw if raw is not None else text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if invalid or table.num_rows == 0:
        return None
    width = len(headers)
    for extra in names[width:]:  # a value under no header: the csv-module path reports the row
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(table[extra]), "")).as_py():
            return None
    columns = [pc.utf8_trim_whitespace(table[n]) for n in names[:width]]
    blank = np.ones(table.num_rows, dtype=bool)
    for column in columns:
        blank &= pc.equal(column, "").to_numpy(zero_copy_only=False)
    lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
    last = int(np.flatnonzero(~blank)[-1]) if (~blank).any() else -1
    if last < 0:
        return None
    keep = ~blank
    frame = pd.DataFrame(  # the trimmed cells, as the csv-module path keeps them after strip()
        {i: pd.Series(column, dtype="str") for i, column in enumerate(columns)},
        columns=pd.Index(range(width)),
    )
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
    return RawTable(
        headers=headers,
        rows=frame,
        lines=lines[keep],
        blank_rows=int(blank[:last].sum()),  # blank rows after the last data row are layout
        delimiter=delimiter,
        header_line=1,
    )


def _find_header(rows: list[tuple[int, list[str]]], expected: tuple[str, ...]) -> int:
    """Index in ``rows`` of the first row holding at least half (up to 3) of the expected headers."""
    wanted = {fold(h) for h in expected if h}
    if not wanted:
        return 0
    need = min(3, max(1, len(wanted) // 2))
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(wanted & {fold(c) for c in cells if c}) >= need:
            return i
    return next((i for i, (_, cells) in enumerate(rows) if any(c.strip() for c in cells)), 0)


def _table(
    path: Path,
    rows: list[tuple[int, list[str]]],
    options: ReadOptions,
    expected: tuple[str, ...],
    *,
    strict_width: bool,
    sheet: str = "",
    delimiter: str = "",
) -> RawTable:
    where = f"{path}[{sheet}]" if sheet else str(path)
    if not any(any(c.strip() for c in cells) for _, cells in rows):
        raise ReadError(where, "the file is empty; export the sheet again with its header row")
    if options.header_row is None:
        start = _find_header(rows, expected)
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
        if strict_width and any(c.strip() for c in row[width:]):
            shown = "tab" if delimiter == "\t" else repr(delimiter)
            bad.append(
                (line, f"has {len(row)} cells but the header has {width}; a value probably holds an unquoted {shown}")
            )
            continue
        row = row[:width]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        cells.append(row)
        lines.append(line)
    if not cells and not bad:
        raise ReadError(
            where,
            f"has a header row (line {header_line}) but no data rows; fill in at least one row below the header",
        )
    frame = pd.DataFrame(cells, columns=pd.Index(range(width)), dtype=object)
    return RawTable(
        headers=headers,
        rows=frame,
        lines=np.asarray(lines, dtype=np.int64),
        blank_rows=blank,
        delimiter=delimiter,
        sheet=sheet,
        bad_rows=bad,
        header_line=header_line,
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(path: Path, options: ReadOptions) -> tuple[list[tuple[int, list[str]]], str]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if path.stat().st_size == 0:
        raise ReadError(path, "the file is empty; save the workbook again from Excel")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(
            path, f"not a readable .xlsx workbook ({type(exc).__name__}); open it in Excel and save it again"
        ) from None
    try:
        names = workbook.sheetnames
        if not names:
            raise ReadError(path, "the workbook has no sheets; open it in Excel and save it again")
        if options.sheet is None:
            sheet_name = names[0]
        elif isinstance(options.sheet, int):
            if not 1 <= options.sheet <= len(names):
                raise ReadError(
                    path,
                    f"there is no sheet number {options.sheet}; sheets are: {', '.join(repr(n) for n in names)}; "
                    "fix [read] sheet in partner.toml",
                )
            sheet_name = names[options.sheet - 1]
        else:
            matches = [n for n in names if n == options.sheet] or [
                n for n in names if fold(n) == fold(str(options.sheet))
            ]
            if not matches:
                raise ReadError(
                    path,
                    f"there is no sheet {options.sheet!r}; sheets are: {', '.join(repr(n) for n in names)}; "
                    "fix [read] sheet in partner.toml",
                )
            sheet_name = matches[0]
        worksheet = workbook[sheet_name]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some programs store a wrong used range; read every row there is
        rows = [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
        raise ReadError(
            path, f"the workbook is damaged ({type(exc).__name__}: {exc}); open it in Excel and save it again"
        ) from None
    finally:
        workbook.close()
    return rows, sheet_name


# ---------------------------------------------------------------------------------------- mapping
def _match_headers(headers: list[str], wanted: str) -> int | None:
    if wanted in headers:
        return headers.index(wanted)
    folded = [fold(h) for h in headers]
    key = fold(wanted)
    return folded.index(key) if key in folded else None


_NUMBERED = re.compile(r"(.+?) ?(\d+)")


def _locate(headers: list[str], canon: str, wanted: tuple[str, ...], aliases: tuple[str, ...]) -> list[int]:
    """Indices of the columns read for a canonical field, in the order they are read.

    The profile's own headers come first; without any of them, the template's headers (in any
    language, ``transit`` also numbered: ``transit_1``, ``Transit 2``) are tried.
    """
    found = [i for h in wanted if (i := _match_headers(headers, h)) is not None]
    if not found and aliases:
        keys = {fold(a) for a in aliases}
        folded = [fold(h) for h in headers]
        if canon == "transit":
            found = [
                i
                for i, f in enumerate(folded)
                if f in keys or ((m := _NUMBERED.fullmatch(f)) is not None and m.group(1) in keys)
            ]
        else:
            found = [i for i, f in enumerate(folded) if f in keys][:1]
    return list(dict.fromkeys(found))


_YEAR_IN_TEXT = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


def _by_value(series: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised ``fn`` to the distinct values of ``series`` only, then spread the result back.

    Columns such as year, persons, sector or place hold few distinct values among many rows: the
    cost then grows with the distinct values, not the rows.
    """
    codes, uniques = pd.factorize(series, sort=False)
    result = fn(pd.Series(uniques, dtype=object)).to_numpy()
    values = result[codes]
    # object stays object: letting pandas infer "str" would copy every cell into an arrow array
    return pd.Series(values, index=series.index, dtype=object if values.dtype == object else None)


def _parse_years(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (year as float, NaN when unparseable) and a mask of values that are not years."""
    year = _by_value(series, _parse_year_values).astype("float64")
    return year, year.isna()


def _parse_year_values(series: pd.Series) -> pd.Series:
    text = series.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    whole = numeric.where(np.isclose(numeric.fillna(0.5) % 1, 0))
    from_text = text.str.extract(_YEAR_IN_TEXT, expand=False)
    from_text_num = pd.to_numeric(from_text, errors="coerce")
    # a bare number must be a year; a date-like text ("2023-05-01", "01/05/2023") gives its year
    return whole.where(whole.notna(), from_text_num.where(text.str.contains(r"[-/.]", regex=True)))


@dataclass(slots=True)
class Applied:
    """What applying a profile to a table gave.

    Parameters
    ----------
    records
        Accepted records, canonical columns.
    rejects
        One dict per (rejected row, reason): partner, file, line, column, value, reason, and
        ``scope`` (``row``, or ``file`` when the whole file's mapping failed).
    problems
        File-level errors (a mapped column missing) and every warning.
    used
        Column index -> the canonical field it is read as.
    header_of
        Canonical field -> the header it is read from.
    stops
        Every row's (rejected ones too) line, place cells and coordinates, to check places.
    """

    records: pd.DataFrame
    rejects: list[dict[str, Any]]
    problems: list[Problem]
    used: dict[int, str]
    header_of: dict[str, str]
    stops: pd.DataFrame


def _shown_headers(headers: list[str]) -> str:
    return ", ".join(repr(h) for h in headers) or "(none)"


def _missing_column_message(profile: Profile, canon: str, headers: list[str], *, required: bool) -> str:
    shown = _shown_headers(headers)
    wanted = profile.columns.get(canon, (canon,))
    if profile.aliases.get(canon):
        labels = list(dict.fromkeys(header_label(canon, lang) for lang in LANGUAGES))
        return (
            f"no column for {canon}; headers are: {shown}; name a column {canon!r} "
            f"(the template's {', '.join(repr(a) for a in labels)} also work), "
            f'or map yours in partner.toml: [columns] {canon} = "<your header>"'
        )
    what = "" if required else "; treated as empty"
    return f"column {wanted[0]!r} (for {canon}) not found{what}; headers are: {shown}; fix [columns] in partner.toml"


def apply_profile(
    table: RawTable,
    profile: Profile,
    *,
    file_label: str,
    current_year: int | None = None,
) -> Applied:
    """Turn a raw table into canonical records, rejects and problems.

    Parameters
    ----------
    table
        Cells read from one file.
    profile
        The partner's profile.
    file_label
        How the file is named in messages (partner folder / file name).
    current_year
        Latest accepted year (defaults to this year).

    Returns
    -------
    Applied
        Accepted records, one reject dict per rejected row and reason, and problems (file-level
        errors, vocabulary fallbacks, missing optional columns, personal data).
    """
    year_max = current_year or dt.date.today().year
    sheet = table.sheet
    problems: list[Problem] = []

    def file_problem(severity: Severity, message: str, column: str = "") -> None:
        problems.append(Problem(severity, file_label, message, line=table.header_line, column=column, sheet=sheet))

    n = len(table.rows)
    sources: dict[str, list[pd.Series]] = {}
    source_headers: dict[str, list[str]] = {}
    header_of: dict[str, str] = {}
    used: dict[int, str] = {}
    missing_required: list[str] = []
    for canon, headers in profile.columns.items():
        indices = _locate(table.headers, canon, headers, profile.aliases.get(canon, ()))
        for i in indices:
            used.setdefault(i, canon)
        if indices:
            header_of[canon] = table.headers[indices[0]]
            sources[canon] = [_cells(table, i) for i in indices]
            source_headers[canon] = [table.headers[i] for i in indices]
        elif canon in REQUIRED_FIELDS:
            missing_required.append(_missing_column_message(profile, canon, table.headers, required=True))
        elif profile.path is not None and not profile.aliases and _explicit(profile, canon):
            file_problem("warning", _missing_column_message(profile, canon, table.headers, required=False))
    point_cells: dict[str, pd.Series] = {}
    for stop, point in profile.points.items():
        indices = _locate(table.headers, stop, point.headers, ())
        if not indices:
            file_problem(
                "warning",
                f"column {point.headers[0]!r} (for {stop}'s coordinates) not found; treated as empty; headers are: "
                f"{_shown_headers(table.headers)}; fix [points] in partner.toml",
            )
            continue
        used.setdefault(indices[0], f"{stop} coordinates")
        header_of[f"{stop}_lon"] = header_of[f"{stop}_lat"] = table.headers[indices[0]]
        point_cells[stop] = _cells(table, indices[0])
    for index, canon in sorted(used.items()):
        header = table.headers[index]
        twins = [i for i, h in enumerate(table.headers) if i != index and h and fold(h) == fold(header)]
        if twins and canon != "transit" and index < min(twins):
            file_problem(
                "warning",
                f"{len(twins) + 1} columns are headed {header!r}; only the first is read as {canon}. "
                "Rename or remove the others",
                column=header,
            )
    problems.extend(_personal_data(table, used, file_label))
    line_numbers = table.lines
    if missing_required:
        for message in missing_required:
            file_problem("error", message)
        reason = "; ".join(missing_required)
        all_rejected = [
            {
                "partner": profile.partner,
                "file": file_label,
                "line": int(line),
                "column": "",
                "value": "",
                "reason": reason,
                "scope": "file",
            }
            for line in line_numbers
        ]
        return Applied(_empty_records(), all_rejected, problems, used, header_of, _empty_records()[list(STOP_COLUMNS)])

    def col(name: str) -> pd.Series:
        """A field's cells: missing markers emptied, values mapped; several columns joined or coalesced."""
        found = [_clean(profile, name, series) for series in sources.get(name, [])]
        return _combine(name, found, n)

    def raw(name: str) -> pd.Series:
        """A field's cells as written (the first filled of its columns), to show in rejects."""
        return _combine("", sources.get(name, []), n)

    @functools.cache
    def row_headers(name: str) -> np.ndarray | None:
        """For a field read from several columns, the header each row's value came from."""
        headers = source_headers.get(name, [])
        if name == "transit" or len(headers) < 2:
            return None
        cleaned = [_clean(profile, name, series).ne("") for series in sources[name]]
        written = [series.ne("") for series in sources[name]]
        filled = np.column_stack(cleaned + written)  # a value first, else a cell emptied as missing
        first = np.where(filled.any(axis=1), filled.argmax(axis=1) % len(headers), 0)
        return np.asarray(headers, dtype=object)[first]

    rejected = np.zeros(n, dtype=bool)
    errors: list[tuple[int, str, str, str]] = []  # (row, column, value, reason), for flagged rows only

    def flag(mask: pd.Series | np.ndarray, canon: str, values: pd.Series, reason: Callable[[str], str]) -> None:
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(hits):
            return
        rejected[hits] = True
        per_row = row_headers(canon)
        column = header_of.get(canon, canon)
        for i in hits:
            value = str(values.iloc[i])
            errors.append((int(i), str(per_row[i]) if per_row is not None else column, value, reason(value)))

    def flag_empty(series: pd.Series, canon: str, message: str) -> None:
        """Flag empty cells; a cell emptied by a missing-value marker is shown as written."""
        written = raw(canon)
        marked = series.eq("") & written.ne("")
        flag(series.eq("") & ~marked, canon, series, lambda v: message)
        flag(marked, canon, written, lambda v: f"{message.split(';')[0]} ({v!r} means missing in partner.toml)")

    out: dict[str, Any] = {}
    for canon in ("origin", "destination"):
        series = col(canon)
        flag_empty(series, canon, f"{canon} is empty; every row needs one (a country, 'City, Country' or an ISO code)")
        out[canon] = series
    out["intended_destination"] = col("intended_destination")
    transit = col("transit")
    out["transit"] = _by_value(
        transit, lambda values: values.map(lambda v: " > ".join(p for p in TRANSIT_SPLIT.split(v) if p) if v else "")
    )

    year_raw = col("year")
    year, bad_year = _parse_years(year_raw)
    flag_empty(year_raw, "year", "year is empty; give the year of recruitment or registration")
    flag(
        bad_year & year_raw.ne(""),
        "year",
        year_raw,
        lambda v: f"{v!r} is not a year; write it as four digits, e.g. 2023",
    )
    out_of_range = year.notna() & ((year < MIN_YEAR) | (year > year_max))
    flag(out_of_range, "year", year_raw, lambda v: f"year {v!r} is outside {MIN_YEAR}..{year_max}")
    out["year"] = year

    persons_raw = col("persons")
    persons_num = _by_value(
        persons_raw, lambda values: pd.to_numeric(values.where(values.ne(""), "1"), errors="coerce")
    ).astype("float64")
    not_whole = persons_num.isna() | (persons_num < 1) | ~np.isclose(persons_num.fillna(0.5) % 1, 0)
    flag(not_whole, "persons", persons_raw, lambda v: f"persons {v!r} is not a positive whole number (1, 2, 3 …)")
    too_many = ~not_whole & (persons_num > MAX_PERSONS)
    flag(too_many, "persons", persons_raw, lambda v: f"persons {v!r} is more than {MAX_PERSONS:,}; check the number")
    bad_persons = not_whole | too_many
    if profile.empty_persons == "unknown":
        unknown = persons_raw.eq("")
        flag_empty(
            persons_raw,
            "persons",
            "persons is empty; the profile says an empty cell means the number is not known "
            '(empty_persons = "unknown"), so the row cannot be counted',
        )
        bad_persons = bad_persons | unknown
    out["persons"] = persons_num.where(~bad_persons, 1)

    for canon in ("record_id", "person_key"):
        out[canon] = col(canon)

    vocab_fallbacks: dict[tuple[str, str], list[int]] = {}
    age = _by_value(col("age"), lambda values: pd.to_numeric(values, errors="coerce")).astype("float64")
    for canon in VOCABULARIES:
        series = col(canon)
        if canon == "age_group":
            derived = np.where(age < 18, "child", np.where(age >= 18, "adult", ""))
            series = series.where(series.ne(""), pd.Series(derived, dtype=object))
        codes, uniques = pd.factorize(series, sort=False)
        looked_up = [_vocab_value(canon, str(u)) for u in uniques]
        for i, (written, (_, fell_back)) in enumerate(zip(uniques, looked_up, strict=True)):
            if fell_back:
                vocab_fallbacks[(canon, str(written))] = [int(x) for x in line_numbers[codes == i]]
        # categorical over the whole vocabulary: the same categories in every file, so concatenating
        # files keeps it, and counting by value later needs no hashing of a million strings
        vocabulary = list(VOCABULARIES[canon])
        value_codes = np.array([vocabulary.index(v) for v, _ in looked_up], dtype=np.int64)
        out[canon] = pd.Series(pd.Categorical.from_codes(value_codes[codes], categories=pd.Index(vocabulary)))
    for (canon, value), lines in sorted(vocab_fallbacks.items(), key=lambda kv: (kv[1][0], kv[0])):
        header = header_of.get(canon, canon)
        where = f"{len(lines)} row{'s' if len(lines) != 1 else ''}"
        if len(lines) > 1:
            where += ": lines " + ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
        problems.append(
            Problem(
                "warning",
                file_label,
                f"{value!r} is not in the {canon} vocabulary; kept as 'other' ({where}). "
                f"Use one of: {', '.join(VOCABULARIES[canon])}; or map it in [values.{canon}] of partner.toml",
                line=lines[0],
                column=header,
                sheet=sheet,
            )
        )

    for stop in COORD_STOPS:
        if stop in point_cells:
            written, point = point_cells[stop], profile.points[stop]
            lon, lat, unreadable = _parse_points(written.where(~written.isin(profile.missing), ""), point)
            outside = ~unreadable & ((lon < -180) | (lon > 180) | (lat < -90) | (lat > 90))
            why = functools.partial(_point_message, stop=stop, point=point)
            flag(unreadable | outside, f"{stop}_lon", written, why)
            out[f"{stop}_lon"], out[f"{stop}_lat"] = lon, lat
            continue
        if f"{stop}_lon" not in sources and f"{stop}_lat" not in sources:
            out[f"{stop}_lon"] = out[f"{stop}_lat"] = pd.Series(np.full(n, np.nan))  # no such columns
            continue
        lon_raw, lat_raw = col(f"{stop}_lon"), col(f"{stop}_lat")
        lon = pd.to_numeric(lon_raw.where(lon_raw.ne(""), np.nan), errors="coerce")
        lat = pd.to_numeric(lat_raw.where(lat_raw.ne(""), np.nan), errors="coerce")
        bad_lon = (lon_raw.ne("") & (lon.isna() | (lon < -180) | (lon > 180))) | (lon.notna() & lat.isna())
        bad_lat = (lat_raw.ne("") & (lat.isna() | (lat < -90) | (lat > 90))) | (lat.notna() & lon.isna())
        flag(
            bad_lon,
            f"{stop}_lon",
            lon_raw,
            lambda v: f"longitude {v!r} must be a number from -180 to 180, given with its latitude",
        )
        flag(
            bad_lat,
            f"{stop}_lat",
            lat_raw,
            lambda v: f"latitude {v!r} must be a number from -90 to 90, given with its longitude",
        )
        out[f"{stop}_lon"] = lon
        out[f"{stop}_lat"] = lat

    rejects: list[dict[str, Any]] = [
        {
            "partner": profile.partner,
            "file": file_label,
            "line": int(line_numbers[k]),
            "column": column,
            "value": value,
            "reason": reason,
            "scope": "row",
        }
        for k, column, value, reason in sorted(errors, key=lambda e: e[0])
    ]
    keep = ~rejected
    # Series as they are (0..n-1 each): object columns stay object, nothing is copied into arrow strings
    everything = pd.DataFrame(
        {
            k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else pd.Series(v, dtype=object))
            for k, v in out.items()
        }
    )
    everything.insert(0, "line", line_numbers)
    stops = everything[list(STOP_COLUMNS)]
    frame = everything.drop(columns="line").loc[keep].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    frame["persons"] = frame["persons"].astype("int64")
    frame.insert(0, "line", line_numbers[keep])
    frame.insert(0, "file", file_label)
    frame.insert(0, "partner", profile.partner)
    return Applied(frame[list(RECORD_COLUMNS)], rejects, problems, used, header_of, stops)


def _cells(table: RawTable, index: int) -> pd.Series:
    """One column's cells as stripped text, indexed 0..n-1."""
    if not len(table.rows):
        return pd.Series([], dtype=object)
    return table.rows[index].astype(str).str.strip().reset_index(drop=True)


def _clean(profile: Profile, canon: str, series: pd.Series) -> pd.Series:
    """Empty the field's missing-value markers and map written values through ``[values.<field>]``.

    A cell that lists several values (``transit`` stops, ``sector`` and ``exploitation`` values) is
    looked up whole first, then value by value; a value mapped to ``""`` is left out.
    """
    markers = profile.missing_in(canon)
    if markers:
        series = series.where(~series.isin(markers), "")
    mapping = profile.values.get(canon)
    if not mapping:
        return series
    folded_map = {fold(k): v for k, v in mapping.items()}

    def one(value: str) -> str | None:
        return mapping.get(value, folded_map.get(fold(value)))

    def cell(value: str) -> str:
        whole = one(value)
        if whole is not None or not value:
            return value if whole is None else whole
        parts = _split_parts(canon, value)
        if len(parts) < 2:
            return value
        mapped = [m if (m := one(p)) is not None else p for p in parts]
        return ";".join(m for m in mapped if m)

    return series.map({u: cell(u) for u in series.unique()}).astype(object)


def _combine(canon: str, found: list[pd.Series], n: int) -> pd.Series:
    """One series from a field's columns: ``transit`` joins them; any other field takes the first filled cell."""
    if not found:
        return pd.Series([""] * n, dtype=object)
    combined = found[0]
    for extra in found[1:]:
        joined = canon == "transit"
        combined = combined.str.cat(extra, sep=";") if joined else combined.where(combined.ne(""), extra)
    return combined


def _parse_points(cells: pd.Series, point: PointColumn) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Longitude, latitude (NaN where a cell is empty) and a mask of filled cells that are not a point."""
    text = cells.astype(str).str.strip()
    pattern = _WKT_POINT if point.format == "wkt" else _PAIR_POINT
    parts = text.str.extract(pattern)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    lon, lat = (second, first) if point.format == "lat,lon" else (first, second)
    empty = text.eq("") | text.str.fullmatch(r"(?i)POINT\s*EMPTY")
    unreadable = ~empty & (lon.isna() | lat.isna())
    keep = ~empty & ~unreadable
    return lon.where(keep), lat.where(keep), unreadable


def _point_message(value: str, *, stop: str, point: PointColumn) -> str:
    """Why a ``[points]`` cell was not read, and how it should be written."""
    fmt = point.format
    example = {"wkt": "POINT (101.69 3.14)", "lat,lon": "3.14, 101.69", "lon,lat": "101.69, 3.14"}[fmt]
    return (
        f"{value!r} is not a point in the format of [points] {stop} (format = {fmt!r}, e.g. {example!r}) with "
        "longitude -180..180 and latitude -90..90; correct the cell, or the format if lat and lon are swapped"
    )


def _personal_data(table: RawTable, used: dict[int, str], file_label: str) -> list[Problem]:
    """A warning for every column whose header or content looks like personal data."""
    out: list[Problem] = []
    width = len(table.headers)
    for index in range(width):
        header = table.headers[index]
        kind = header_kind(header) if header else None
        if kind is None and len(table.rows):
            kind = content_kind(table.rows[index])
        if kind is None:
            continue
        if index in used:
            message = (
                f"is read as {used[index]} but looks like personal data: {kind}. Replace it with a key made by "
                "`routemap pseudonymise`, or remove it before you send the file"
            )
        else:
            message = (
                f"looks like personal data: {kind}. routemap does not read it, but remove the column "
                "before you send the file"
            )
        out.append(
            Problem(
                "warning",
                file_label,
                message,
                line=table.header_line,
                column=header or f"column {index + 1} (no header)",
                sheet=table.sheet,
            )
        )
    return out


def _vocab_value(field_name: str, written: str) -> tuple[str, bool]:
    """Canonical value of a written vocabulary cell and whether it fell back to ``other``.

    Multi-value fields keep their first listed value (the main sector or exploitation); the cell
    falls back when any of its values is outside the vocabulary.
    """
    vocabulary = VOCABULARIES[field_name]
    parts = [p for p in re.split(r"\s*;\s*", written) if p] if field_name in MULTI_VALUE_FIELDS else [written]
    if not parts or not parts[0]:
        return vocabulary[-1], False
    values = [canonical_vocab_value(field_name, part) for part in parts]
    fallback = "other" if "other" in vocabulary else vocabulary[-1]
    return (values[0] or fallback), any(v is None for v in values)


def _explicit(profile: Profile, canon: str) -> bool:
    return profile.columns.get(canon) != (canon,) or canon in {"year", "origin", "destination"}


def _empty_records() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in RECORD_COLUMNS})
    for c in ("line", "year", "persons"):
        frame[c] = frame[c].astype("int64")
    return frame


def private_values(table: RawTable, profile: Profile, *, id_rows: np.ndarray | None = None) -> dict[str, set[str]]:
    """Distinct values that must never be published: ids, keys and every column the profile does not map.

    Kept in memory for the leak check only; never written anywhere. ``id_rows`` (a mask over the
    table's rows) limits the record ids and person keys gathered here to those rows: the build
    takes the accepted rows' ids from the records themselves, once, and only the rejected rows'
    ids from here.
    """
    mapped: dict[int, str] = {}
    read = [*profile.columns.items(), *((f"{stop} coordinates", p.headers) for stop, p in profile.points.items())]
    for canon, headers in read:
        for header in headers:
            idx = _match_headers(table.headers, header)
            if idx is not None:
                mapped[idx] = canon
    out: dict[str, set[str]] = {"record_id": set(), "person_key": set(), "unmapped column": set()}
    for idx in range(len(table.headers)):
        field_name = mapped.get(idx)
        if field_name is None:
            kind = "unmapped column"
        elif field_name in ("record_id", "person_key"):
            kind = field_name
        else:
            continue
        if len(table.rows):
            column = table.rows[idx]
            if kind != "unmapped column" and id_rows is not None:
                column = column[id_rows]
            # cells read by pyarrow are trimmed already; the csv module's are trimmed here
            distinct = pd.unique(column if column.dtype == "str" else column.astype(str).str.strip())
            out[kind].update(distinct.tolist() if hasattr(distinct, "tolist") else list(distinct))
            out[kind].discard("")
    return out


def read_contribution(
    path: Path, profile: Profile, *, current_year: int | None = None, label: str | None = None
) -> FileResult:
    """Read one file of a partner and apply its profile.

    Parameters
    ----------
    path
        The file.
    profile
        The partner's profile.
    current_year
        Latest accepted year (defaults to this year).
    label
        How the file is named in messages and accounting (default ``<partner>/<file name>``).

    Raises
    ------
    ReadError
        When the file cannot be read at all.
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    label = label or f"{profile.partner}/{path.name}"
    table = read_table(path, profile.read, expected=profile.expected_headers())
    applied = apply_profile(table, profile, file_label=label, current_year=current_year)
    rejects = applied.rejects
    for line, reason in table.bad_rows:
        rejects.append(
            {
                "partner": profile.partner,
                "file": label,
                "line": line,
                "column": "",
                "value": "",
                "reason": reason,
                "scope": "row",
            }
        )
    rows_read = len(table.rows) + len(table.bad_rows)
    encoding_problems = [Problem("warning", label, w, sheet=table.sheet) for w in table.warnings]
    accepted_lines = applied.records["line"].to_numpy()
    rejected_rows = ~np.isin(table.lines, accepted_lines) if len(table.lines) else np.zeros(0, dtype=bool)
    result = FileResult(
        private_values=private_values(table, profile, id_rows=rejected_rows),
        partner=profile.partner,
        file=label,
        sha256=digest,
        records=applied.records,
        rejects=sorted(rejects, key=lambda r: (r["line"], r["column"])),
        problems=sorted([*encoding_problems, *applied.problems], key=lambda p: p.sort_key),
        rows_read=rows_read,
        blank_rows=table.blank_rows,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_line=table.header_line,
        header_of=applied.header_of,
        stops=applied.stops,
    )
    if len(result.records) + len(result.rejected_lines) != rows_read:  # pragma: no cover - the pipeline checks too
        log.error("%s: %d read but %d accepted + %d rejected", label, rows_read, len(result.records), len(rejects))
    return result
