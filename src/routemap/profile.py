"""Partner profiles (``partner.toml``): how a partner's files map onto the canonical record."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from routemap._countries import country_iso3
from routemap._counts import THOUSANDS
from routemap._errors import ConfigError, ProfileError, did_you_mean
from routemap._years import YEAR_SPANS
from routemap.readers.table import DELIMITERS, ENCODINGS, ReadOptions
from routemap.schema import (
    COORD_STOPS,
    FIELD_NAMES,
    MULTI_VALUE_FIELDS,
    REQUIRED_FIELDS,
    VOCABULARIES,
    canonical_vocab_value,
    header_aliases,
)

PROFILE_FILE = "partner.toml"
#: Files a partner folder may hold; .xls, .xlsm and .ods are listed so that they get a clear message.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
TRANSIT_SPLIT = re.compile(r"\s*(?:;|>|→)\s*")
#: How a cell of a ``[points]`` column writes a stop's coordinates.
POINT_FORMATS: tuple[str, ...] = ("wkt", "lat,lon", "lon,lat")
#: Largest ``persons`` one row may stand for unless the profile says (``max_persons``): anything larger
#: is taken for a typo and rejected.
MAX_PERSONS = 100_000
#: What an empty ``persons`` cell means (``empty_persons`` in a profile).
EMPTY_PERSONS: tuple[str, ...] = ("one", "unknown")
#: Top-level keys of ``partner.toml`` -> the kind of value each takes (one place to extend).
PROFILE_KEYS: dict[str, str] = {
    "name": "text",
    "description": "text",
    "default_country": "text",
    "synthetic": "true or false",
    "read": "table",
    "columns": "table",
    "values": "table",
    "missing": "list or table",
    "points": "table",
    "empty_persons": "text",
    "filter": "table",
    "derived": "table",
    "flags": "table",
    "thousands": "text",
    "suppressed": "list",
    "max_persons": "whole number",
    "year_span": "text",
    "unit": "text",
    "source": "text",
    "published": "true or false",
}
#: Keys of the ``[read]`` table.
_READ_KEYS = ("encoding", "delimiter", "sheet", "header_row")
#: What each kind accepts, and how to write it.
_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "text": ((str,), 'text in quotes, e.g. "Example Shelter"'),
    "true or false": ((bool,), "true or false, without quotes"),
    "table": ((dict,), "a table: [key] on a line of its own, then one name = value per line"),
    "list or table": ((list, dict), 'a list such as ["-99", "n/a"], or a table of fields'),
    "list": ((list,), 'a list such as ["<5", "x"]'),
    "whole number": ((int,), "a whole number without quotes, e.g. 10000000"),
}


def _key_problems(raw: dict[str, Any]) -> list[str]:
    """Unknown top-level keys (with a "did you mean") and values of the wrong kind; bad keys leave ``raw``."""
    problems: list[str] = []
    for key in list(raw):
        if key not in PROFILE_KEYS:
            problems.append(f"unknown key {key!r}{did_you_mean(key, PROFILE_KEYS)}")
            del raw[key]
            continue
        types, how = _KINDS[PROFILE_KEYS[key]]
        value = raw[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            problems.append(f"{key} = {value!r} must be {how}")
            del raw[key]
    return problems


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
    filters
        ``[filter]``: a row is read only when each named cell holds one of the values listed.
    derived
        ``[derived]``: fields set to a constant or to another field's value.
    flags
        ``[flags.<field>]``: the field's values from one 0/1 column per value.
    thousands
        The thousands separator of counts (``,`` ``.`` a space, or ``none``); spaces always are one.
    suppressed
        Count cells that mean "suppressed at source" besides ``<n``.
    max_persons
        The largest count one row may give (published tables give large ones).
    year_span
        How a cell naming two consecutive years (``2023/24``) is read: its ``first`` or ``last`` year.
    unit
        What the counts count (``detected victims``), shown with every figure.
    source
        Who to credit for the data (``UNODC GLOTIP, 14 April 2025``).
    published
        Whether the files are published statistics: then only ids and keys are private, not the
        columns the profile does not read (``Region``, ``Unit of measurement``).
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
    read: ReadOptions = field(default_factory=ReadOptions)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: frozenset[str] = frozenset()
    synthetic: bool = False
    path: Path | None = None
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    field_missing: dict[str, frozenset[str]] = field(default_factory=dict)
    points: dict[str, PointColumn] = field(default_factory=dict)
    empty_persons: str = "one"
    filters: tuple[RowFilter, ...] = ()
    derived: dict[str, Derived] = field(default_factory=dict)
    flags: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    thousands: str = ","
    suppressed: frozenset[str] = frozenset()
    max_persons: int = MAX_PERSONS
    year_span: str | None = None
    unit: str | None = None
    source: str | None = None
    published: bool = False

    def expected_headers(self) -> tuple[str, ...]:
        """Every header the profile may read, used to find the header row."""
        names = [h for headers in self.columns.values() for h in headers]
        names += [h for point in self.points.values() for h in point.headers]
        names += [h for headers in self.aliases.values() for h in headers]
        names += [f.header for f in self.filters]
        names += [h for pairs in self.flags.values() for h, _ in pairs]
        return tuple(dict.fromkeys(names))

    def missing_in(self, canon: str) -> frozenset[str]:
        """The values that mean "missing" in a canonical field: those of every column and its own."""
        return self.missing | self.field_missing.get(canon, frozenset())


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
    problems = _key_problems(raw)
    default_country = None
    if raw.get("default_country"):
        try:
            default_country = country_iso3(str(raw["default_country"]))
        except ConfigError as exc:
            problems.append(f"default_country: {exc}")
    read = _read_options(raw.get("read", {}), problems)
    columns, aliases = _read_columns(raw, problems)
    values = _read_values(raw.get("values") or {}, problems)
    missing, field_missing = _read_missing(raw.get("missing", []), problems)
    points = _read_points(raw.get("points", {}), columns, problems)
    derived = _read_derived(raw.get("derived", {}), columns, problems)
    flags = _read_flags(raw.get("flags", {}), columns, problems)
    for req in REQUIRED_FIELDS:
        if req not in columns and req not in derived:
            problems.append(f'[columns] has no {req!r}: every row needs it; add {req} = "<your header>"')
    numbers = _read_numbers(raw, problems)
    filters = _read_filters(raw.get("filter", {}), problems)
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
        filters=filters,
        derived=derived,
        flags=flags,
        unit=raw.get("unit"),
        source=raw.get("source"),
        published=bool(raw.get("published", False)),
        **numbers,
    )


def _read_options(read_raw: Any, problems: list[str]) -> ReadOptions:
    """``[read]``: encoding, delimiter, sheet and header row."""
    if not isinstance(read_raw, dict):
        problems.append("[read] must be a table")
        return ReadOptions()
    enc = str(read_raw.get("encoding", "auto")).lower()
    if enc not in ENCODINGS:
        problems.append(f"[read] encoding = {enc!r} is not one of {', '.join(ENCODINGS)}")
    delim = read_raw.get("delimiter", "auto")
    delim = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}.get(str(delim), str(delim))
    if delim != "auto" and delim not in DELIMITERS:
        problems.append(f"[read] delimiter = {delim!r} must be one of ',', ';', 'tab', '|' or 'auto'")
    header_row = read_raw.get("header_row")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        problems.append(f"[read] header_row = {header_row!r} must be a whole number, 1 for the first row")
        header_row = None
    sheet = read_raw.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        problems.append(f'[read] sheet = {sheet!r} must be a sheet name in quotes ("Kes 2023") or a number (1 = first)')
        sheet = None
    for key in ("encoding", "delimiter"):
        if key in read_raw and not isinstance(read_raw[key], str):
            problems.append(f'[read] {key} = {read_raw[key]!r} must be text in quotes, e.g. {key} = "auto"')
    for key in read_raw:
        if key not in _READ_KEYS:
            problems.append(
                f"[read] unknown key {key!r}{did_you_mean(key, ('encoding', 'delimiter', 'sheet', 'header_row'))}"
            )
    return ReadOptions(encoding=enc, delimiter=delim, sheet=sheet, header_row=header_row)


def _read_columns(
    raw: dict[str, Any], problems: list[str]
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """``[columns]`` (canonical field -> header(s)) and, without that table, the template's headers."""
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
    return columns, aliases


def _read_values(raw: dict[str, Any], problems: list[str]) -> dict[str, dict[str, str]]:
    """``[values.<field>]``: written value -> canonical value(s), checked against the vocabularies."""
    values: dict[str, dict[str, str]] = {}
    for canon, table in raw.items():
        if canon not in FIELD_NAMES:
            problems.append(f"[values.{canon}] is not a canonical field; fields are: {', '.join(FIELD_NAMES)}")
            continue
        if not isinstance(table, dict):
            problems.append(f'[values.{canon}] must be a table of "written" = "canonical" pairs')
            continue
        mapped: dict[str, str] = {}
        for written, target in table.items():
            if not isinstance(target, str):
                problems.append(
                    f'[values.{canon}] {written!r} = {target!r} must be text in quotes, e.g. "domestic_work"'
                )
                continue
            target_text = target.strip()
            parts = split_parts(canon, target_text) if target_text else []
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
    return values


def split_parts(canon: str, text: str) -> list[str]:
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
            problems.append(
                f"[points] {stop}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], ('column', 'format'))}"
            )
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


@dataclass(frozen=True, slots=True)
class RowFilter:
    """A ``[filter]`` entry: keep only the rows whose cell under ``header`` is one of ``values``."""

    header: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Derived:
    """A ``[derived]`` entry: a field set to a constant, or to another field's value.

    Parameters
    ----------
    value
        The constant every row gets (``destination = { value = "Sabah" }``).
    same_as
        The field whose value is taken (``origin = { same_as = "destination", when = ["Nationals"] }``).
    when
        Cells of the field itself that are replaced by ``same_as``; empty: its empty cells (all, without a column).
    """

    value: str | None = None
    same_as: str | None = None
    when: frozenset[str] = frozenset()


def _read_filters(raw: Any, problems: list[str]) -> tuple[RowFilter, ...]:
    """``[filter]``: header = value or [values]; a row is kept when every named cell is one of its values."""
    out: list[RowFilter] = []
    for header, wanted in raw.items():
        values = [wanted] if isinstance(wanted, str | int) and not isinstance(wanted, bool) else wanted
        if (
            not isinstance(values, list)
            or not values
            or any(isinstance(v, bool) or not isinstance(v, str | int) for v in values)
        ):
            problems.append(
                f"[filter] {header!r} = {wanted!r} must be the value to keep in quotes, or a list of them, "
                'e.g. Indicator = "Detected trafficking victims"'
            )
            continue
        out.append(RowFilter(header=str(header), values=tuple(str(v).strip() for v in values)))
    return tuple(out)


def _read_derived(raw: Any, columns: dict[str, tuple[str, ...]], problems: list[str]) -> dict[str, Derived]:
    """``[derived]``: field = { value = "…" } or { same_as = "<field>", when = [...] }; loops are refused."""
    out: dict[str, Derived] = {}
    for canon, spec in raw.items():
        if canon not in FIELD_NAMES:
            problems.append(f"[derived] {canon!r} is not a canonical field{did_you_mean(canon, FIELD_NAMES)}")
            continue
        if not isinstance(spec, dict) or len({"value", "same_as"} & set(spec)) != 1:
            problems.append(
                f"[derived] {canon} = {spec!r} must give a value or the field it is the same as: "
                f'{canon} = {{ value = "…" }} or {canon} = {{ same_as = "destination", when = ["Nationals"] }}'
            )
            continue
        for key in sorted(set(spec) - {"value", "same_as", "when"}):
            problems.append(f"[derived] {canon}: unknown key {key!r}{did_you_mean(key, ('value', 'same_as', 'when'))}")
        if "value" in spec:
            if "when" in spec or not isinstance(spec["value"], str | int) or isinstance(spec["value"], bool):
                problems.append(
                    f"[derived] {canon} value = {spec['value']!r} must be text in quotes (and takes no when)"
                )
                continue
            if canon in columns:
                problems.append(f"[derived] {canon} has a value and [columns] a column for it; keep one of them")
                continue
            out[canon] = Derived(value=str(spec["value"]).strip())
            continue
        target, when = spec["same_as"], spec.get("when", [])
        when = [when] if isinstance(when, str) else when
        if target not in FIELD_NAMES or target == canon:
            problems.append(f"[derived] {canon} same_as = {target!r} must name another canonical field")
            continue
        if not isinstance(when, list) or any(not isinstance(w, str) for w in when):
            problems.append(f"[derived] {canon} when = {spec.get('when')!r} must be a list of cell values in quotes")
            continue
        out[canon] = Derived(same_as=str(target), when=frozenset(w.strip() for w in when))
    for canon in out:  # a field that is, in the end, the same as itself: a loop
        seen, step = [canon], out[canon].same_as
        while step is not None and step in out and step not in seen:
            seen.append(step)
            step = out[step].same_as
        if step == canon:
            problems.append(f"[derived] loops: {' -> '.join([*seen, canon])}; one of them needs a column or a value")
    return out


def _read_flags(
    raw: Any, columns: dict[str, tuple[str, ...]], problems: list[str]
) -> dict[str, tuple[tuple[str, str], ...]]:
    """``[flags.<field>]``: one 0/1 column per value -> a multi-valued field (header = value)."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for canon, table in raw.items():
        if canon not in VOCABULARIES:
            problems.append(f"[flags.{canon}] must be a field with a vocabulary: {', '.join(VOCABULARIES)}")
            continue
        if not isinstance(table, dict) or not table:
            problems.append(f'[flags.{canon}] must be a table of "<flag column>" = "<value>" pairs')
            continue
        if canon in columns:
            problems.append(f"[flags.{canon}] and [columns] {canon} both give {canon}; keep one of them")
            continue
        pairs = []
        for header, value in table.items():
            if not isinstance(value, str) or canonical_vocab_value(canon, value) is None:
                shown = ", ".join(VOCABULARIES[canon])
                problems.append(f"[flags.{canon}] {header!r} = {value!r}: not in the {canon} vocabulary ({shown})")
                continue
            pairs.append((str(header), str(canonical_vocab_value(canon, value))))
        out[canon] = tuple(pairs)
    return out


def _read_numbers(raw: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """``thousands``, ``suppressed``, ``max_persons`` and ``year_span``: how counts and years are written."""
    out: dict[str, Any] = {}
    thousands = raw.get("thousands", ",")
    if thousands not in THOUSANDS:
        problems.append(f"thousands = {thousands!r} must be one of {', '.join(repr(t) for t in THOUSANDS)}")
    else:
        out["thousands"] = thousands
    suppressed = raw.get("suppressed", [])
    if any(not isinstance(v, str) for v in suppressed):
        problems.append(f'suppressed = {suppressed!r} must be a list of cell values in quotes, e.g. ["x", "c"]')
    else:
        out["suppressed"] = frozenset(v.strip() for v in suppressed)
    max_persons = raw.get("max_persons", MAX_PERSONS)
    if max_persons < 1:
        problems.append(f"max_persons = {max_persons!r} must be 1 or more")
    else:
        out["max_persons"] = max_persons
    year_span = raw.get("year_span")
    if year_span is not None and year_span not in YEAR_SPANS:
        problems.append(
            f'year_span = {year_span!r} must be "first" or "last": which year a cell such as 2023/24 stands for'
        )
    else:
        out["year_span"] = year_span
    return out


#: What counts count when neither routemap.toml nor any profile says.
DEFAULT_UNIT = "persons"


def counted_unit(setting: str | None, profiles: list[Profile]) -> str:
    """What the counts of a build count: the setting, else the one unit the profiles name, else persons.

    Raises
    ------
    ProfileError
        When profiles name different units and routemap.toml does not settle it.
    """
    if setting:
        return setting
    units = sorted({p.unit.strip() for p in profiles if p.unit and p.unit.strip()})
    if len(units) > 1:
        named = "; ".join(f"{p.partner}: {p.unit!r}" for p in profiles if p.unit)
        raise ProfileError(
            f"the partners' profiles count different things ({named}); figures of different units cannot be "
            'added up: give the partners one unit, or set unit = "…" in routemap.toml if they are the same thing'
        )
    return units[0] if units else DEFAULT_UNIT


def credited_source(setting: str | None, profiles: list[Profile]) -> str:
    """The credit line: the setting, else every source the profiles name, joined with '; '."""
    if setting:
        return setting
    return "; ".join(dict.fromkeys(p.source.strip() for p in profiles if p.source and p.source.strip()))


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


def broken_folders(contributions_dir: Path) -> list[Path]:
    """Partner folders that are links to something gone: their files cannot be read (reported, not skipped)."""
    if not contributions_dir.is_dir():
        return []
    return sorted(
        p for p in contributions_dir.iterdir() if p.is_symlink() and not p.exists() and not p.name.startswith(".")
    )


def loose_files(contributions_dir: Path) -> list[Path]:
    """Data files put directly in the contributions folder, outside any partner folder: never read."""
    if not contributions_dir.is_dir():
        return []
    return [f for f in data_files(contributions_dir) if f.is_file()]


def data_files(folder: Path) -> list[Path]:
    """The data files of a partner folder, sorted; lock files and template dictionaries are left out.

    A link whose target is gone is listed, so that reading it reports it rather than losing it.
    """
    return sorted(
        f
        for f in folder.iterdir()
        if (f.is_file() or (f.is_symlink() and not f.exists()))
        and f.suffix.lower() in DATA_SUFFIXES
        and not f.name.startswith(("~$", "."))
        and not f.name.endswith(".dictionary.csv")
    )
