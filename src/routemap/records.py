"""Map a file's cells onto canonical records through the partner's profile: values, checks, rejects."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from routemap._counts import NUMBER, SUPPRESSED, read_count
from routemap._parse import by_value, parse_points, point_message
from routemap._pii import content_kind, header_kind
from routemap._years import YearSpanError, read_year
from routemap.problems import Problem, Severity
from routemap.profile import TRANSIT_SPLIT, Profile, split_parts
from routemap.readers import RawTable
from routemap.schema import (
    COORD_STOPS,
    LANGUAGES,
    MULTI_VALUE_FIELDS,
    REQUIRED_FIELDS,
    VOCABULARIES,
    canonical_vocab_value,
    fold,
    header_label,
    header_language,
    value_label,
)

MIN_YEAR = 1950

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
    suppressed
        Rows rejected because their count was suppressed at source (``<5``).
    """

    records: pd.DataFrame
    rejects: list[dict[str, Any]]
    problems: list[Problem]
    used: dict[int, str]
    header_of: dict[str, str]
    stops: pd.DataFrame
    suppressed: int = 0


def apply_profile(
    table: RawTable,
    profile: Profile,
    *,
    file_label: str,
    current_year: int | None = None,
    file_errors: list[str] | None = None,
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
    file_errors
        Reasons the profile does not fit the file found before (a ``[filter]`` column missing):
        every row is then rejected, as for a required column that is missing.

    Returns
    -------
    Applied
        Accepted records, one reject dict per rejected row and reason, and problems (file-level
        errors, vocabulary fallbacks, missing optional columns, personal data).
    """
    mapping = _Mapping(table, profile, file_label)
    missing_required = [*mapping.locate(), *(file_errors or [])]
    mapping.problems.extend(_personal_data(table, mapping.used, file_label))
    if missing_required:
        return mapping.reject_file(missing_required)
    out: dict[str, Any] = {}
    mapping.map_places(out)
    mapping.map_year(out, year_max=current_year or dt.date.today().year)
    mapping.map_persons(out)
    for canon in ("record_id", "person_key"):
        out[canon] = mapping.col(canon)
    mapping.map_vocabularies(out)
    mapping.map_coordinates(out)
    return mapping.assemble(out)


@dataclass
class _Mapping:
    """The state of applying one profile to one table: where each field is read, and what was flagged."""

    table: RawTable
    profile: Profile
    file_label: str
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, list[pd.Series]] = field(default_factory=dict)
    source_headers: dict[str, list[str]] = field(default_factory=dict)
    header_of: dict[str, str] = field(default_factory=dict)
    used: dict[int, str] = field(default_factory=dict)
    point_cells: dict[str, pd.Series] = field(default_factory=dict)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, column, value, reason)
    suppressed: int = 0
    _row_headers: dict[str, np.ndarray | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.n = len(self.table.rows)
        self.rejected = np.zeros(self.n, dtype=bool)

    def file_problem(self, severity: Severity, message: str, column: str = "") -> None:
        """A problem about the whole file, reported at its header line."""
        self.problems.append(
            Problem(
                severity,
                self.file_label,
                message,
                line=self.table.header_line,
                column=column,
                sheet=self.table.sheet,
            )
        )

    def locate(self) -> list[str]:
        """Find the columns of every field; return a message per required field without one."""
        table, profile = self.table, self.profile
        missing_required: list[str] = []
        for canon, headers in profile.columns.items():
            indices = _locate(table.headers, canon, headers, profile.aliases.get(canon, ()))
            for i in indices:
                self.used.setdefault(i, canon)
            if indices:
                self.header_of[canon] = table.headers[indices[0]]
                self.sources[canon] = [_cells(table, i) for i in indices]
                self.source_headers[canon] = [table.headers[i] for i in indices]
            elif canon in REQUIRED_FIELDS:
                missing_required.append(_missing_column_message(profile, canon, table.headers, required=True))
            elif profile.path is not None and not profile.aliases and _explicit(profile, canon):
                self.file_problem("warning", _missing_column_message(profile, canon, table.headers, required=False))
        for canon, pairs in profile.flags.items():
            found = [index for header, _ in pairs if (index := match_header(table.headers, header)) is not None]
            for index in found:
                self.used.setdefault(index, canon)
            if found:
                self.header_of[canon] = table.headers[found[0]]
            else:
                self.file_problem(
                    "warning",
                    f"none of the flag columns of [flags.{canon}] is in the file ({', '.join(h for h, _ in pairs)}); "
                    f"{canon} is left empty; headers are: {_shown_headers(table.headers)}",
                )
        for canon, derived in profile.derived.items():
            if derived.value is not None:
                self.header_of[canon] = f"[derived] {canon}"
        for stop, point in profile.points.items():
            indices = _locate(table.headers, stop, point.headers, ())
            if not indices:
                self.file_problem(
                    "warning",
                    f"column {point.headers[0]!r} (for {stop}'s coordinates) not found; treated as empty; "
                    f"headers are: {_shown_headers(table.headers)}; fix [points] in partner.toml",
                )
                continue
            self.used.setdefault(indices[0], f"{stop} coordinates")
            self.header_of[f"{stop}_lon"] = self.header_of[f"{stop}_lat"] = table.headers[indices[0]]
            self.point_cells[stop] = _cells(table, indices[0])
        self._warn_twin_headers()
        return missing_required

    def _warn_twin_headers(self) -> None:
        headers = self.table.headers
        for index, canon in sorted(self.used.items()):
            header = headers[index]
            twins = [i for i, h in enumerate(headers) if i != index and h and fold(h) == fold(header)]
            if twins and canon != "transit" and index < min(twins):
                self.file_problem(
                    "warning",
                    f"{len(twins) + 1} columns are headed {header!r}; only the first is read as {canon}. "
                    "Rename or remove the others",
                    column=header,
                )

    def reject_file(self, missing_required: list[str]) -> Applied:
        """Every row rejected: a required field has no column."""
        for message in missing_required:
            self.file_problem("error", message)
        reason = "; ".join(missing_required)
        all_rejected = [
            {
                "partner": self.profile.partner,
                "file": self.file_label,
                "line": int(line),
                "column": "",
                "value": "",
                "reason": reason,
                "scope": "file",
            }
            for line in self.table.lines
        ]
        empty = _empty_records()
        return Applied(empty, all_rejected, self.problems, self.used, self.header_of, empty[list(STOP_COLUMNS)])

    def col(self, name: str) -> pd.Series:
        """A field's cells: missing markers emptied, values mapped; several columns joined or coalesced.

        A ``[derived]`` field is a constant, or takes another field's value where its own cell is
        one of ``when`` (or empty); a ``[flags.<field>]`` field lists the values whose column is set.
        """
        if name in self.profile.flags:
            return self._flagged(name)
        derived = self.profile.derived.get(name)
        if derived is not None and derived.value is not None:
            return pd.Series([derived.value] * self.n, dtype=object)
        found = [_clean(self.profile, name, series) for series in self.sources.get(name, [])]
        own = _combine(name, found, self.n)
        if derived is None or derived.same_as is None:
            return own
        other = self.col(derived.same_as)
        if derived.when:
            written = _combine("", self.sources.get(name, []), self.n)
            wanted = {fold(w) for w in derived.when}
            replace = by_value(written, lambda values: values.map(lambda v: fold(v) in wanted)).astype(bool)
        else:
            replace = own.eq("")
        return own.where(~replace.to_numpy(), other)

    def _flagged(self, name: str) -> pd.Series:
        """The values of a ``[flags.<field>]`` field: each value whose column holds 1 (yes, true, x), in order."""
        picked = pd.Series([""] * self.n, dtype=object)
        for header, value in self.profile.flags[name]:
            index = match_header(self.table.headers, header)
            if index is None:
                continue
            cells = by_value(_cells(self.table, index), lambda values: values.map(lambda v: fold(v) in _SET))
            on = cells.astype(bool).to_numpy()
            picked = picked.where(~on, picked.where(picked.eq(""), picked + ";") + value)
        return picked

    def raw(self, name: str) -> pd.Series:
        """A field's cells as written (the first filled of its columns), to show in rejects."""
        return _combine("", self.sources.get(name, []), self.n)

    def row_headers(self, name: str) -> np.ndarray | None:
        """For a field read from several columns, the header each row's value came from."""
        if name not in self._row_headers:
            headers = self.source_headers.get(name, [])
            if name == "transit" or len(headers) < 2:
                self._row_headers[name] = None
            else:
                cleaned = [_clean(self.profile, name, series).ne("") for series in self.sources[name]]
                written = [series.ne("") for series in self.sources[name]]
                filled = np.column_stack(cleaned + written)  # a value first, else a cell emptied as missing
                first = np.where(filled.any(axis=1), filled.argmax(axis=1) % len(headers), 0)
                self._row_headers[name] = np.asarray(headers, dtype=object)[first]
        return self._row_headers[name]

    def flag(self, mask: pd.Series | np.ndarray, canon: str, values: pd.Series, reason: Callable[[str], str]) -> None:
        """Reject the rows of ``mask``, with the value shown and the reason for each."""
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(hits):
            return
        self.rejected[hits] = True
        per_row = self.row_headers(canon)
        column = self.header_of.get(canon, canon)
        for i in hits:
            value = str(values.iloc[i])
            self.errors.append((int(i), str(per_row[i]) if per_row is not None else column, value, reason(value)))

    def flag_empty(self, series: pd.Series, canon: str, message: str) -> None:
        """Flag empty cells; a cell emptied by a missing-value marker is shown as written."""
        written = self.raw(canon)
        marked = series.eq("") & written.ne("")
        self.flag(series.eq("") & ~marked, canon, series, lambda v: message)
        self.flag(marked, canon, written, lambda v: f"{message.split(';')[0]} ({v!r} means missing in partner.toml)")

    def map_places(self, out: dict[str, Any]) -> None:
        """Origin and destination (required), intended destination, and transit stops joined by ``>``."""
        for canon in ("origin", "destination"):
            series = self.col(canon)
            self.flag_empty(
                series, canon, f"{canon} is empty; every row needs one (a country, 'City, Country' or an ISO code)"
            )
            out[canon] = series
        out["intended_destination"] = self.col("intended_destination")
        out["transit"] = by_value(
            self.col("transit"),
            lambda values: values.map(lambda v: " > ".join(p for p in TRANSIT_SPLIT.split(v) if p) if v else ""),
        )

    def map_year(self, out: dict[str, Any], *, year_max: int) -> None:
        """The year: required, a year from :data:`MIN_YEAR` to ``year_max``, read from a year, date or month."""
        year_raw = self.col("year")
        span = self.profile.year_span
        spans: set[str] = set()

        def one(text: str) -> float:
            try:
                year = read_year(text, span=span)
            except YearSpanError:
                spans.add(text)
                return np.nan
            return np.nan if year is None else float(year)

        year = by_value(year_raw, lambda values: values.map(one)).astype("float64")
        self.flag_empty(year_raw, "year", "year is empty; give the year of recruitment or registration")
        self.flag(
            year.isna() & year_raw.ne("") & year_raw.isin(spans),
            "year",
            year_raw,
            lambda v: (
                f'{v!r} spans two years; say which one it stands for with year_span = "first" or "last" in partner.toml'
            ),
        )
        self.flag(
            year.isna() & year_raw.ne("") & ~year_raw.isin(spans),
            "year",
            year_raw,
            lambda v: f"{v!r} is not a year; write it as four digits, e.g. 2023",
        )
        out_of_range = year.notna() & ((year < MIN_YEAR) | (year > year_max))
        self.flag(out_of_range, "year", year_raw, lambda v: f"year {v!r} is outside {MIN_YEAR}..{year_max}")
        out["year"] = year

    def map_persons(self, out: dict[str, Any]) -> None:
        """How many people a row stands for: a positive whole number up to the profile's ``max_persons``.

        Counts may be written as published (``1,094``; ``1.094`` with ``thousands = "."``); a count
        suppressed at source (``<5``) rejects its row with its own reason, apart from a missing count.
        """
        profile = self.profile
        persons_raw = self.col("persons")
        # read once per distinct cell (a tuple per row took 0.2 s at 1M rows)
        read = functools.cache(
            lambda v: read_count(v, thousands=profile.thousands, suppressed=profile.suppressed) if v else (NUMBER, 1.0)
        )
        persons_num = by_value(persons_raw, lambda cells: cells.map(lambda v: read(str(v))[1]), missing=1.0)
        persons_num = persons_num.astype("float64")
        suppressed = by_value(
            persons_raw, lambda cells: cells.map(lambda v: read(str(v))[0] == SUPPRESSED), missing=False
        ).to_numpy(dtype=bool)
        self.suppressed = int(suppressed.sum())
        self.flag(
            suppressed,
            "persons",
            persons_raw,
            lambda v: (
                f"persons {v!r} was suppressed at source (a small number the publisher did not give); "
                "the row cannot be counted"
            ),
        )
        not_whole = ~suppressed & (persons_num.isna() | (persons_num < 1) | ~np.isclose(persons_num.fillna(0.5) % 1, 0))
        hint = ' (if "." separates thousands here, set thousands = "." in partner.toml)'
        self.flag(
            not_whole,
            "persons",
            persons_raw,
            lambda v: (
                f"persons {v!r} is not a positive whole number (1, 2, 3 …)"
                + (hint if profile.thousands != "." and "." in v else "")
            ),
        )
        too_many = ~not_whole & ~suppressed & (persons_num > profile.max_persons)
        self.flag(
            too_many,
            "persons",
            persons_raw,
            lambda v: (
                f"persons {v!r} is more than {profile.max_persons:,}; check the number, or raise max_persons "
                "in partner.toml for published totals"
            ),
        )
        not_whole = not_whole | suppressed
        bad_persons = not_whole | too_many
        if self.profile.empty_persons == "unknown":
            unknown = persons_raw.eq("")
            self.flag_empty(
                persons_raw,
                "persons",
                "persons is empty; the profile says an empty cell means the number is not known "
                '(empty_persons = "unknown"), so the row cannot be counted',
            )
            bad_persons = bad_persons | unknown
        out["persons"] = persons_num.where(~bad_persons, 1)

    def map_vocabularies(self, out: dict[str, Any]) -> None:
        """Vocabulary fields as categoricals; a value outside the vocabulary is kept as ``other``, with a warning."""
        vocab_fallbacks: dict[tuple[str, str], list[int]] = {}
        line_numbers = self.table.lines
        age = by_value(self.col("age"), lambda values: pd.to_numeric(values, errors="coerce")).astype("float64")
        for canon in VOCABULARIES:
            series = self.col(canon)
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
            where = f"{len(lines)} row{'s' if len(lines) != 1 else ''}"
            if len(lines) > 1:
                where += ": lines " + ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
            self.problems.append(
                Problem(
                    "warning",
                    self.file_label,
                    f"{value!r} is not in the {canon} vocabulary; kept as 'other' ({where}). "
                    f"Use one of: {_choices(canon, self.header_of.get(canon, canon))}; "
                    f"or map it in [values.{canon}] of partner.toml",
                    line=lines[0],
                    column=self.header_of.get(canon, canon),
                    sheet=self.table.sheet,
                )
            )

    def map_coordinates(self, out: dict[str, Any]) -> None:
        """Each stop's coordinates: from a ``[points]`` cell, from lon/lat columns, or none."""
        for stop in COORD_STOPS:
            if stop in self.point_cells:
                written, fmt = self.point_cells[stop], self.profile.points[stop].format
                lon, lat, unreadable = parse_points(written.where(~written.isin(self.profile.missing), ""), fmt)
                outside = ~unreadable & ((lon < -180) | (lon > 180) | (lat < -90) | (lat > 90))
                why = functools.partial(point_message, stop=stop, fmt=fmt)
                self.flag(unreadable | outside, f"{stop}_lon", written, why)
                out[f"{stop}_lon"], out[f"{stop}_lat"] = lon, lat
                continue
            if f"{stop}_lon" not in self.sources and f"{stop}_lat" not in self.sources:
                out[f"{stop}_lon"] = out[f"{stop}_lat"] = pd.Series(np.full(self.n, np.nan))  # no such columns
                continue
            lon_raw, lat_raw = self.col(f"{stop}_lon"), self.col(f"{stop}_lat")
            lon = pd.to_numeric(lon_raw.where(lon_raw.ne(""), np.nan), errors="coerce")
            lat = pd.to_numeric(lat_raw.where(lat_raw.ne(""), np.nan), errors="coerce")
            bad_lon = (lon_raw.ne("") & (lon.isna() | (lon < -180) | (lon > 180))) | (lon.notna() & lat.isna())
            bad_lat = (lat_raw.ne("") & (lat.isna() | (lat < -90) | (lat > 90))) | (lat.notna() & lon.isna())
            self.flag(
                bad_lon,
                f"{stop}_lon",
                lon_raw,
                lambda v: f"longitude {v!r} must be a number from -180 to 180, given with its latitude",
            )
            self.flag(
                bad_lat,
                f"{stop}_lat",
                lat_raw,
                lambda v: f"latitude {v!r} must be a number from -90 to 90, given with its longitude",
            )
            out[f"{stop}_lon"] = lon
            out[f"{stop}_lat"] = lat

    def assemble(self, out: dict[str, Any]) -> Applied:
        """The accepted records, the rejects in row order, and every row's stops."""
        line_numbers = self.table.lines
        rejects: list[dict[str, Any]] = [
            {
                "partner": self.profile.partner,
                "file": self.file_label,
                "line": int(line_numbers[k]),
                "column": column,
                "value": value,
                "reason": reason,
                "scope": "row",
            }
            for k, column, value, reason in sorted(self.errors, key=lambda e: e[0])
        ]
        keep = ~self.rejected
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
        for column in ("origin", "transit", "destination", "intended_destination"):
            frame[column] = frame[column].astype("category")  # a few hundred places among a million rows
        frame["year"] = frame["year"].astype("int64")
        frame["persons"] = frame["persons"].astype("int64")
        frame.insert(0, "line", line_numbers[keep])
        # one value per file: a categorical (a byte a row), not a string a row; files' categories unite on concat
        for column, value in (("file", self.file_label), ("partner", self.profile.partner)):
            one = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int64), categories=pd.Index([value]))
            frame.insert(0, column, pd.Series(one, index=frame.index))
        return Applied(
            frame[list(RECORD_COLUMNS)], rejects, self.problems, self.used, self.header_of, stops, self.suppressed
        )


def _choices(canon: str, header: str) -> str:
    """The values to suggest for a vocabulary column: the template's labels in its header's language, else codes.

    ``Lelaki, Perempuan, …`` under ``Jantina``; ``female, male, …`` under ``sex`` or a partner's own header.
    """
    lang = header_language(canon, header)
    values = VOCABULARIES[canon]
    if lang is None:
        return ", ".join(values)
    return ", ".join(value_label(canon, value, lang) for value in values)


#: Cells that set a flag column (compared folded): 1, true, yes, x (and Malay/Indonesian ya).
_SET = frozenset({"1", "1 0", "true", "yes", "y", "x", "ya"})


def match_header(headers: list[str], wanted: str) -> int | None:
    """Index of the header ``wanted`` (exactly, else folded), or ``None``."""
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
    found = [i for h in wanted if (i := match_header(headers, h)) is not None]
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


def _cells(table: RawTable, index: int) -> pd.Series:
    """One column's cells as stripped text, indexed 0..n-1."""
    if not len(table.rows):
        return pd.Series([], dtype=object)
    cells = table.rows[index].astype(str)
    return (cells if table.trimmed else cells.str.strip()).reset_index(drop=True)


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
        parts = split_parts(canon, value)
        if len(parts) < 2:
            return value
        mapped = [m if (m := one(p)) is not None else p for p in parts]
        return ";".join(m for m in mapped if m)

    # once per distinct cell: a mapping looked up per row made a Python string of each of a million
    return by_value(series, lambda cells: cells.map(lambda u: cell(str(u))), missing=np.nan)


def _combine(canon: str, found: list[pd.Series], n: int) -> pd.Series:
    """One series from a field's columns: ``transit`` joins them; any other field takes the first filled cell."""
    if not found:
        return pd.Series([""] * n, dtype=object)
    combined = found[0]
    for extra in found[1:]:
        joined = canon == "transit"
        combined = combined.str.cat(extra, sep=";") if joined else combined.where(combined.ne(""), extra)
    return combined


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
