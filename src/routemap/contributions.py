"""Read one partner file: its cells through the partner's profile into records, rejects and accounting.

The stage is split by concern: :mod:`routemap.profile` reads ``partner.toml``,
:mod:`routemap.readers` reads CSV and XLSX files into text cells, and :mod:`routemap.records`
maps the cells onto canonical records. This module joins them per file and re-exports the names
the rest of routemap uses.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from routemap.filters import filter_rows, keep_rows
from routemap.problems import Problem, Source
from routemap.profile import (
    DATA_SUFFIXES,
    EMPTY_PERSONS,
    MAX_PERSONS,
    POINT_FORMATS,
    PROFILE_FILE,
    TRANSIT_SPLIT,
    PointColumn,
    Profile,
    canonical_columns,
    canonical_profile,
    data_files,
    discover,
    load_profile,
    loose_files,
    read_profile,
    template_aliases,
)
from routemap.readers import DELIMITERS, ENCODINGS, HEADER_SEARCH_ROWS, RawTable, ReadOptions, read_bytes, read_table
from routemap.records import (
    MIN_YEAR,
    RECORD_COLUMNS,
    REJECT_COLUMNS,
    STOP_COLUMNS,
    Applied,
    apply_profile,
    match_header,
)

__all__ = [
    "DATA_SUFFIXES",
    "DELIMITERS",
    "EMPTY_PERSONS",
    "ENCODINGS",
    "HEADER_SEARCH_ROWS",
    "MAX_PERSONS",
    "MIN_YEAR",
    "POINT_FORMATS",
    "PROFILE_FILE",
    "RECORD_COLUMNS",
    "REJECT_COLUMNS",
    "STOP_COLUMNS",
    "TRANSIT_SPLIT",
    "Applied",
    "FileResult",
    "PointColumn",
    "Profile",
    "RawTable",
    "ReadOptions",
    "apply_profile",
    "canonical_columns",
    "canonical_profile",
    "data_files",
    "discover",
    "load_profile",
    "loose_files",
    "private_values",
    "read_contribution",
    "read_profile",
    "read_table",
    "template_aliases",
    "will_not_publish",
]

log = logging.getLogger(__name__)


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
    #: Values never to publish, by kind, each with the column and first line it was read from.
    private_values: dict[str, dict[str, Source]] = field(default_factory=dict)
    header_line: int = 1
    header_of: dict[str, str] = field(default_factory=dict)
    stops: pd.DataFrame | None = None
    #: Lines of the file (rows of a sheet); more than rows when a quoted cell holds line breaks.
    physical_lines: int = 0
    #: Rows of a CSV file whose quoted cells hold line breaks (each spans several lines).
    multiline_rows: int = 0
    #: Rows left out by the profile's ``[filter]`` (neither accepted nor rejected), and why.
    filtered: int = 0
    filtered_by: dict[str, int] = field(default_factory=dict)
    #: Rejected rows whose count was suppressed at source (``<5``): kept apart from a missing count.
    suppressed: int = 0

    @property
    def warnings(self) -> list[str]:
        """The warnings, as one line of text each."""
        return [str(p) for p in self.problems if p.severity == "warning"]

    @property
    def spanning(self) -> bool:
        """Whether some row spans several lines of the file (a quoted cell holding line breaks)."""
        return self.multiline_rows > 0

    @property
    def rejected_lines(self) -> set[int]:
        """Lines of the rows that were rejected."""
        return {int(r["line"]) for r in self.rejects}


def private_values(
    table: RawTable, profile: Profile, *, id_rows: np.ndarray | None = None, label: str = ""
) -> dict[str, dict[str, Source]]:
    """Distinct values that must never be published, each with the column and first line it was read from.

    Ids, keys and every column the profile does not map. A profile for published data
    (``published = true``) has no private column but ids and keys. Kept in memory for the leak
    check only; never written anywhere. ``id_rows`` (a mask over the table's rows) limits the record
    ids and person keys gathered here to those rows: the build takes the accepted rows' ids from the
    records themselves, once, and only the rejected rows' ids from here.
    """
    mapped: dict[int, str] = {}
    read = [*profile.columns.items(), *((f"{stop} coordinates", p.headers) for stop, p in profile.points.items())]
    read += [("filter", tuple(f.header for f in profile.filters))]  # read to keep rows: the profile names them
    read += [(canon, tuple(h for h, _ in pairs)) for canon, pairs in profile.flags.items()]
    for canon, headers in read:
        for header in headers:
            idx = match_header(table.headers, header)
            if idx is not None:
                mapped[idx] = canon
    out: dict[str, dict[str, Source]] = {"record_id": {}, "person_key": {}, "unmapped column": {}}
    lines = np.asarray(table.lines)
    for idx in range(len(table.headers)):
        field_name = mapped.get(idx)
        if field_name is None:
            if profile.published:  # a published table: its other columns are public already
                continue
            kind = "unmapped column"
        elif field_name in ("record_id", "person_key"):
            kind = field_name
        else:
            continue
        if len(table.rows):
            column = table.rows[idx]
            if kind != "unmapped column" and id_rows is not None:
                column = column[id_rows]
            # cells read by the fast CSV path are trimmed already; the csv module's are trimmed here
            cells = column if table.trimmed else column.astype(str).str.strip()
            first = cells.drop_duplicates()
            header = table.headers[idx] or f"column {idx + 1}"
            positions = first.index.to_numpy()
            for value, pos in zip(first.tolist(), positions, strict=True):
                if value and value not in out[kind]:
                    line = int(lines[pos]) if 0 <= pos < len(lines) else 0
                    out[kind][value] = Source(label, header, line)
    return out


def will_not_publish(*, unreadable: bool = False, rows_read: int, accepted: int, routable: int, in_period: int) -> str:
    """Why nothing of a file reaches the outputs, or ``""`` when some of it does: one verdict for validate and build.

    Parameters
    ----------
    unreadable
        Whether the file could not be read (its own message says why).
    rows_read
        Data rows read.
    accepted
        Rows accepted as records.
    routable
        Accepted records whose origin and destination routemap can place.
    in_period
        Routable records inside the project's period (all of them without one).
    """
    if unreadable:
        return "the file could not be read (see the message above)"
    if rows_read == 0:
        return "the file holds no data row"
    if accepted == 0:
        return "no row can be used: fix the errors listed for it"
    if routable == 0:
        return "no row has an origin and a destination routemap can place: fix the place errors listed for it"
    if in_period == 0:
        return "every row lies outside the project's period (years in routemap.toml)"
    return ""


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
    data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    label = label or f"{profile.partner}/{path.name}"
    keep = keep_rows(profile.filters)
    whole = read_table(path, profile.read, expected=profile.expected_headers(), data=data, keep=keep)
    filtered = filter_rows(whole, profile.filters)
    table = filtered.table
    applied = apply_profile(table, profile, file_label=label, current_year=current_year, file_errors=filtered.missing)
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
    rows_read = len(whole.rows) + len(whole.bad_rows) + sum((whole.dropped or {}).values())
    encoding_problems = [Problem("warning", label, w, sheet=table.sheet) for w in table.warnings]
    accepted_lines = applied.records["line"].to_numpy()
    rejected_rows = ~np.isin(table.lines, accepted_lines) if len(table.lines) else np.zeros(0, dtype=bool)
    result = FileResult(
        private_values=private_values(table, profile, id_rows=rejected_rows, label=label),
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
        physical_lines=table.physical_lines,
        multiline_rows=table.multiline_rows,
        filtered=filtered.count,
        filtered_by=filtered.by_reason,
        suppressed=applied.suppressed,
    )
    if (
        len(result.records) + len(result.rejected_lines) + result.filtered != rows_read
    ):  # pragma: no cover - the pipeline checks too
        log.error("%s: %d read but %d accepted + %d rejected", label, rows_read, len(result.records), len(rejects))
    return result
