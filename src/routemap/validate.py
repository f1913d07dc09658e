"""Check a partner's file or folder before it is sent: every problem, where it is, and what to do."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from routemap._errors import ConfigError, ReadError
from routemap.config import load_settings
from routemap.contributions import (
    FileResult,
    Profile,
    data_files,
    load_profile,
    read_contribution,
    read_profile,
    will_not_publish,
)
from routemap.places import Gazetteer, Resolution
from routemap.problems import Problem
from routemap.routes import build_routes, resolve_records, split_transit

log = logging.getLogger(__name__)

#: Place fields checked, and whether a place that does not resolve is an error (the row cannot be drawn).
PLACE_CHECKS: tuple[tuple[str, bool], ...] = (
    ("origin", True),
    ("transit", True),
    ("destination", True),
    ("intended_destination", False),
)


@dataclass(slots=True)
class FileReport:
    """The result of checking one file.

    Parameters
    ----------
    file
        The file as named to the user.
    rows_read
        Data rows read (blank rows are not rows).
    rows_ok
        Rows without any error.
    rows_with_errors
        Rows with at least one error.
    problems
        Every problem, in file order.
    unreadable
        Whether the file could not be read at all.
    lines
        Lines of the file, shown when a row spans several (a quoted cell with line breaks).
    spanning
        Whether some row spans several lines of the file.
    """

    file: str
    rows_read: int = 0
    rows_ok: int = 0
    rows_with_errors: int = 0
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False
    lines: int = 0
    spanning: bool = False
    filtered: int = 0
    #: Why nothing of the file would reach a build's outputs ("" when some of it would).
    not_published: str = ""

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for p in self.problems if p.severity == "warning")

    @property
    def errors(self) -> int:
        """Number of errors (row errors and file-level errors)."""
        return sum(1 for p in self.problems if p.severity == "error")

    def summary(self) -> str:
        """One line: rows read, ok, with errors, and warnings."""
        if self.unreadable:
            return f"{self.file}: could not be read"
        lines = f" ({_n(self.lines, 'line')} in the file)" if self.spanning else ""
        if self.filtered:
            lines += f", {self.filtered:,} filtered out by the profile"
        return (
            f"{self.file}: {_n(self.rows_read, 'row')} read{lines}, {self.rows_ok} ok, "
            f"{self.rows_with_errors} with errors, {_n(self.warnings, 'warning')}"
        )


@dataclass(slots=True)
class Report:
    """The result of checking a file or a partner folder."""

    files: list[FileReport]

    @property
    def rows_read(self) -> int:
        """Data rows read in every file."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_ok(self) -> int:
        """Rows without any error."""
        return sum(f.rows_ok for f in self.files)

    @property
    def rows_with_errors(self) -> int:
        """Rows with at least one error."""
        return sum(f.rows_with_errors for f in self.files)

    @property
    def warnings(self) -> int:
        """Warnings in every file."""
        return sum(f.warnings for f in self.files)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every file, in file order."""
        return [p for f in self.files for p in f.problems]

    @property
    def exit_code(self) -> int:
        """0 without errors; 1 for a row or mapping error, or a file nothing of which would publish; 2: unreadable."""
        if any(f.unreadable for f in self.files):
            return 2
        return 1 if any(f.errors or f.not_published for f in self.files) else 0

    def lines(self, *, every_row: bool = False) -> list[str]:
        """The report as the command line prints it: one line per distinct problem, then the summary.

        Parameters
        ----------
        every_row
            One line per row and problem instead: a problem met in many rows is otherwise one
            line, at its first row, with the number of rows and the first of them.
        """
        out = [str(p) for p in self.problems] if every_row else group_problems(self.problems)
        for f in self.files:
            out.append(f.summary())
            if f.not_published:
                out.append(f"{f.file}: will not publish: {f.not_published}")
        if len(self.files) > 1:
            unreadable = sum(1 for f in self.files if f.unreadable)
            total = (
                f"total: {_n(self.rows_read, 'row')} read in {_n(len(self.files), 'file')}, {self.rows_ok} ok, "
                f"{self.rows_with_errors} with errors, {_n(self.warnings, 'warning')}"
            )
            if unreadable:
                total += f", {unreadable} could not be read"
            out.append(total)
        if self.exit_code == 2:
            out.append("a file could not be read: follow the advice above, then run `routemap validate` again")
        elif self.exit_code == 1 and not any(f.errors for f in self.files):
            out.append("nothing of a file above would be published: see why, then run `routemap validate` again")
        elif self.exit_code == 1:
            out.append("fix the errors above, then run `routemap validate` again")
        elif self.warnings:
            out.append("no errors; read the warnings above before you send the file")
        else:
            out.append("no problems found: the file is ready to send")
        return out


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _is_contributions_dir(folder: Path) -> bool:
    return folder.name == "contributions" and folder.parent.name == "data"


def _project_of(folder: Path) -> Path | None:
    """The project folder above ``data/contributions/<partner>``, when the folder is inside one."""
    for parent in [folder, *folder.parents]:
        if parent.name == "contributions" and parent.parent.name == "data":
            return parent.parent.parent
    return None


def _gazetteer(project: Path | None) -> Gazetteer:
    """The gazetteer for a project, kept while its ``data/places.csv`` is unchanged (one per process)."""
    places = project / "data" / "places.csv" if project else None
    stamp = (places.stat().st_mtime_ns, places.stat().st_size) if places and places.exists() else None
    key = (str(project), stamp)
    if key not in _GAZETTEERS:
        _GAZETTEERS.clear()
        _GAZETTEERS[key] = Gazetteer.load(project_dir=project)
    return _GAZETTEERS[key]


_GAZETTEERS: dict[tuple[str, tuple[int, int] | None], Gazetteer] = {}


def validate_path(
    path: Path | str,
    *,
    profile_path: Path | str | None = None,
    current_year: int | None = None,
    gazetteer: Gazetteer | None = None,
) -> Report:
    """Check a contribution file, or every data file of a partner folder.

    Parameters
    ----------
    path
        A .csv/.xlsx file or a partner folder.
    profile_path
        The partner profile to apply (default: ``partner.toml`` in the folder or beside the file;
        without one, the canonical and template headers are expected).
    current_year
        Latest accepted year (default: this year).
    gazetteer
        A loaded gazetteer (default: load it, with the project's ``data/places.csv`` when the
        folder lies in a project).

    Returns
    -------
    Report
        Every problem of every file and the row counts.

    Raises
    ------
    ConfigError
        When the path does not exist or a folder holds no data file.
    ProfileError
        When the profile is invalid (every problem in it is listed).
    """
    target = Path(path)
    if not target.exists():
        raise ConfigError(f"{str(target)!r} does not exist; give a .csv or .xlsx file or a partner folder")
    folder = target if target.is_dir() else target.parent
    if target.is_dir():
        files = data_files(target)
        if not files:
            raise ConfigError(f"no data file in {target}; routemap reads .csv, .tsv, .txt and .xlsx files")
    else:
        files = [target]
    profile: Profile
    if profile_path is not None:
        profile = read_profile(Path(profile_path), partner=folder.resolve().name)
    else:
        profile = load_profile(folder)
    year = current_year or dt.date.today().year
    reports: list[FileReport] = []
    gaz = gazetteer
    for file in files:
        label = str(file)
        try:
            result = read_contribution(file, profile, current_year=year, label=label)
        except ReadError as exc:
            reports.append(
                FileReport(
                    file=label,
                    problems=[Problem("error", exc.path, exc.reason)],
                    unreadable=True,
                    not_published=will_not_publish(unreadable=True, rows_read=0, accepted=0, routable=0, in_period=0),
                )
            )
            continue
        if gaz is None:
            gaz = _gazetteer(_project_of(folder.resolve()))
        report = _file_report(result, profile, gaz)
        report.not_published = file_verdict(result, profile, gaz, period=_project_period(folder.resolve()))
        if _is_contributions_dir(folder.resolve()):  # build reads partner folders only
            report.not_published = (
                f"it lies directly in {folder}, not in a partner folder, so build does not read it; move it to "
                f"{folder / '<partner>' / file.name}"
            )
        reports.append(report)
    return Report(files=reports)


#: Rows listed in a grouped problem before "…".
SHOWN_LINES = 5


def group_problems(problems: list[Problem]) -> list[str]:
    """One line per distinct problem (file, sheet, column, severity, message), at its first row.

    ``kes.csv:4: Tahun: error: year is empty; … (120 rows: lines 4, 5, 9, 12, 13 …)``
    """
    groups: dict[tuple[str, str, str, str, str], list[Problem]] = {}
    for problem in problems:
        key = (problem.file, problem.sheet, problem.column, problem.severity, problem.message)
        groups.setdefault(key, []).append(problem)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1 or first.line is None:
            out.append(str(first))
            continue
        lines = [str(p.line) for p in group[:SHOWN_LINES]]
        more = " …" if len(group) > SHOWN_LINES else ""
        out.append(f"{first} ({len(group):,} rows: lines {', '.join(lines)}{more})")
    return out


def _project_period(folder: Path) -> tuple[int, int] | None:
    """The period of the project the folder lies in (``years`` in routemap.toml), if any."""
    project = _project_of(folder)
    if project is None:
        return None
    try:
        return load_settings(project).period
    except ConfigError:
        return None  # build reports a broken routemap.toml itself


def file_verdict(
    result: FileResult,
    profile: Profile,
    gazetteer: Gazetteer,
    *,
    period: tuple[int, int] | None,
    resolutions: dict[tuple[str, str], Resolution] | None = None,
) -> str:
    """Why a build would publish nothing of this file ("" when it would publish some); validate and build both ask.

    Parameters
    ----------
    result
        The file as read with its partner's profile.
    profile
        That profile (its default country places bare names).
    gazetteer
        The project's gazetteer.
    period
        The project's period, if any.
    resolutions
        Place resolutions already made (a build's), to save resolving again.
    """
    records = result.records
    routable = 0
    in_period = 0
    if len(records):
        countries = {profile.partner: profile.default_country}
        if resolutions is None:
            resolutions = resolve_records(records, gazetteer, default_countries=countries)
        routed = build_routes(records, gazetteer, resolutions, default_countries=countries, level="country")
        mask = routed.records["routable"].to_numpy(dtype=bool)
        routable = int(mask.sum())
        years = pd.to_numeric(routed.records.loc[mask, "year"], errors="coerce")
        in_period = routable if period is None else int(years.between(*period).sum())
    return will_not_publish(rows_read=result.rows_read, accepted=len(records), routable=routable, in_period=in_period)


def _file_report(result: FileResult, profile: Profile, gazetteer: Gazetteer) -> FileReport:
    row_errors = [
        Problem("error", result.file, r["reason"], line=int(r["line"]), column=r["column"], sheet=result.sheet)
        for r in result.rejects
        if r.get("scope", "row") == "row"
    ]
    place_problems = _place_problems(result, profile, gazetteer)
    error_lines = result.rejected_lines | {p.line for p in place_problems if p.severity == "error" and p.line}
    accepted_lines = {int(x) for x in result.records["line"]}
    problems = sorted([*result.problems, *row_errors, *place_problems], key=lambda p: p.sort_key)
    return FileReport(
        file=result.file,
        rows_read=result.rows_read,
        rows_ok=len(accepted_lines - error_lines),
        rows_with_errors=len(error_lines),
        problems=problems,
        lines=result.physical_lines,
        spanning=result.spanning,
        filtered=result.filtered,
    )


def _place_problems(result: FileResult, profile: Profile, gazetteer: Gazetteer) -> list[Problem]:
    """Problems with the places of every row.

    A row whose origin, a transit or destination does not resolve gets an error: it could not be
    drawn, unless the row gives the stop's coordinates and they lie near a settlement routemap
    knows (the build names the stop after it, see :func:`routemap.routes.build_routes`). An intended
    destination that does not resolve, and a place read
    by a guess (a close spelling, or only part of the text), get one warning per distinct text.
    """
    stops = result.stops
    if stops is None or stops.empty:
        return []
    cache: dict[str, Resolution] = {}

    def resolve(raw: str) -> Resolution:
        if raw not in cache:
            cache[raw] = gazetteer.resolve(raw, default_country=profile.default_country)
        return cache[raw]

    out: list[Problem] = []
    grouped: dict[tuple[str, str], list[int]] = {}
    for canon, is_error in PLACE_CHECKS:
        column = result.header_of.get(canon, canon)
        cells = stops[canon].astype(str)
        if canon == "transit":
            has_point = np.zeros(len(stops), dtype=bool)
        else:
            lon = pd.to_numeric(stops[f"{canon}_lon"], errors="coerce")
            lat = pd.to_numeric(stops[f"{canon}_lat"], errors="coerce")
            has_point = (lon.notna() & lat.notna()).to_numpy()
        points = dict(zip(stops["line"], zip(lon, lat, strict=True), strict=True)) if canon != "transit" else {}

        def near(line: object, points: dict = points) -> bool:
            x, y = points[line]
            return gazetteer.nearest_settlement(float(x), float(y)) is not None

        for line, cell, point in zip(stops["line"], cells, has_point, strict=True):
            raws = split_transit(cell) if canon == "transit" else ([cell] if cell else [])
            for raw in raws:
                res = resolve(raw)
                if point and not res.resolved and near(line):
                    continue  # a point near a known settlement stands for the place (as in build)
                if res.method in ("fuzzy", "partial") or (not res.resolved and not is_error):
                    grouped.setdefault((column, raw), []).append(int(line))
                elif not res.resolved:
                    message = _unresolved_message(res, gazetteer)
                    out.append(
                        Problem("error", result.file, message, line=int(line), column=column, sheet=result.sheet)
                    )
    for (column, raw), lines in grouped.items():
        res = resolve(raw)
        where = _n(len(lines), "row")
        if len(lines) > 1:
            where += ": lines " + ", ".join(str(x) for x in lines[:5]) + (" …" if len(lines) > 5 else "")
        if not res.resolved:
            message = f"{_unresolved_message(res, gazetteer)} ({where})"
        else:
            how = ", a close spelling" if res.method == "fuzzy" else f"; {res.note}"
            read_as = gazetteer.describe(res.place_id)
            message = f"{raw!r} was read as {read_as}{how} ({where}); correct it if that is wrong"
        out.append(Problem("warning", result.file, message, line=lines[0], column=column, sheet=result.sheet))
    return out


def _unresolved_message(res: Resolution, gazetteer: Gazetteer) -> str:
    raw = res.raw
    if res.method == "ambiguous":
        options = " or ".join(gazetteer.describe(c) for c in res.candidates[:5])
        return (
            f"{raw!r} could be {options}; add the country (e.g. '{raw}, <country>') "
            "or set default_country in partner.toml"
        )
    if res.method == "not_a_place":
        return f"{raw!r} does not name a place; give at least the country (e.g. 'Indonesia') or leave the row out"
    closest = f"; closest: {', '.join(res.suggestions)}" if res.suggestions else ""
    return (
        f"{raw!r} is not a place routemap knows{closest}. Correct the spelling, write it as 'Place, Country', "
        "or ask the analyst to add it to data/places.csv"
    )
