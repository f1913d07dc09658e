"""The stages of a build as a Python API: open a project, read, resolve, route, publish.

``open_project(path)`` reads the settings; each stage runs the ones before it once and keeps what
it made, so a notebook can stop at any stage::

    project = routemap.open_project("my-project", focus="MY")
    publication = project.publish()      # read -> resolve -> route -> aggregate -> disclosure
    publication.routes                   # published routes only, as a GeoDataFrame

Everything a stage keeps before ``publish`` is private (records, exact counts, raw strings): only
the :class:`~routemap.disclosure.Publication` may be shown or written.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import json
import logging
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from routemap._errors import AccountingError, ConfigError, ReadError
from routemap._parse import by_value
from routemap._release_lp import DIMENSIONS
from routemap._safe import write_table
from routemap.aggregate import Aggregates, aggregate
from routemap.config import SETTINGS_FILE, Settings, load_settings
from routemap.contributions import REJECT_COLUMNS, FileResult, Profile, discover, loose_files, read_contribution
from routemap.disclosure import Publication, publish
from routemap.linkage import Linker, LinkReport, figures_of
from routemap.places import Gazetteer, Resolution, country_iso3, resolve_renames
from routemap.problems import Problem
from routemap.profile import broken_folders
from routemap.releases import Atoms, Cut, LeftOut, Register, Release, atoms_of
from routemap.render.tables import write_csv
from routemap.routes import Routed, alias_suggestions, build_routes, generalise_routes, place_report, resolve_records

log = logging.getLogger(__name__)

CONTRIBUTIONS_DIR = Path("data") / "contributions"
PRIVATE_DIR = ".routemap"

#: ``progress(stage, done, total, detail="")``: stages are read, resolve, route, aggregate,
#: disclosure, render, leak check and write; ``detail`` names what was counted.
Progress = Callable[..., None]


class _Stages:
    """Times each stage of a build and tells the progress callback when one starts and ends."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.progress(name, 0, 1)
        start = time.perf_counter()
        try:
            yield
        finally:
            # what a stage freed goes back to the system, so the next stage's peak does not stack on it
            # (Arrow's allocator keeps freed pages: at 5M records the build's peak fell from 2.8 to 2.5 GB);
            # only where pandas holds text in Arrow, i.e. pyarrow is installed and imported already
            arrow = sys.modules.get("pyarrow")
            if arrow is not None:
                arrow.default_memory_pool().release_unused()
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
        self.progress(name, 1, 1)


@dataclass(slots=True)
class FileAccount:
    """Per-file accounting, recorded privately in ``.routemap/build.json``."""

    partner: str
    file: str
    sha256: str
    rows_read: int
    accepted: int
    rejected: int
    merged: int
    blank_rows: int = 0
    status: str = "read"
    error: str = ""
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    #: Lines of the file (rows of a sheet): more than rows when a quoted cell spans lines.
    lines: int = 0
    #: Rows left out by the profile's [filter], by reason; rejected rows whose count was suppressed at source.
    filtered: int = 0
    filtered_by: dict[str, int] = field(default_factory=dict)
    suppressed_at_source: int = 0


def _noop(stage: str, done: int, total: int, detail: str = "") -> None:
    return None


#: Settings that make a build's cut: the data version's atoms do not depend on them.
_CUT_SETTINGS = frozenset({"level", "focus", "years", "min_count"})
#: What the audit calls a build's counts that are none of the register's data versions (Register.apart)
#: while their hash waits (it is made beside the rendering): no version is named so (theirs are hex).
NEW_VERSION = "new"
#: Packages whose versions can change how a file is read or a string resolved.
_READERS = ("pandas", "numpy", "pyarrow", "python-calamine", "rapidfuzz")


@functools.cache
def _code_fingerprint() -> str:
    """The fingerprint of routemap's code and tables (every file of the package) and its readers' versions."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for folder, dirs, files in os.walk(package):  # in order: each folder's subfolders are sorted in place
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(".pyc"):
                path = Path(folder, name)
                digest.update(f"\x00{path.relative_to(package).as_posix()}\x00".encode())
                digest.update(path.read_bytes())
    for dist in _READERS:
        try:
            digest.update(f"\x00{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"\x00{dist}=missing".encode())
    return digest.hexdigest()


def inputs_fingerprint(project_dir: Path, settings: Settings, accounts: Iterable[FileAccount]) -> str:
    """A fingerprint of everything a build's data version is computed from, its cut aside.

    Every file of the project's ``data`` folder (partner folders reached through links too; a
    contribution file by the hash its reading took), every setting but the cut's (routemap.toml
    holds no other), and routemap's code, tables and readers. Two builds with the same fingerprint count the
    same atoms, so the release register keeps them once and a later cut reads them back.
    """
    digest = hashlib.sha256(_code_fingerprint().encode())
    read = {(CONTRIBUTIONS_DIR / a.file).as_posix(): a.sha256 for a in accounts if a.sha256}
    for folder, dirs, files in os.walk(project_dir / "data", followlinks=True):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            relative = path.relative_to(project_dir).as_posix()
            known = read.get(relative)
            if known is None:
                try:
                    known = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    known = "unreadable"
            digest.update(f"\x00{relative}\x00{known}".encode())
    kept = {k: v for k, v in dataclasses.asdict(settings).items() if k not in _CUT_SETTINGS}
    digest.update(json.dumps(kept, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def load_records(
    project_dir: Path, *, progress: Progress = _noop
) -> tuple[list[tuple[Profile, list[Path]]], list[FileResult], list[FileAccount], list[str]]:
    """Read every contribution of a project.

    Returns the partners, the per-file results of readable files, the accounting of every file
    (unreadable ones included, with the reason) and warnings.
    """
    partners = discover(project_dir / CONTRIBUTIONS_DIR)
    all_files = [(profile, path) for profile, files in partners for path in files]
    loose = [
        f"{CONTRIBUTIONS_DIR / f.name} is not in a partner folder, so it is not read; move it to "
        f"{CONTRIBUTIONS_DIR}/<partner>/{f.name}"
        for f in loose_files(project_dir / CONTRIBUTIONS_DIR)
    ]
    broken = [
        (
            link.name,
            f"{CONTRIBUTIONS_DIR / link.name} is a link to {os.readlink(link)}, which is gone: its files are "
            "not read; restore the folder or remove the link",
        )
        for link in broken_folders(project_dir / CONTRIBUTIONS_DIR)
    ]
    loose += [message for _, message in broken]
    if not all_files:
        raise ConfigError(
            f"no contribution files in {project_dir / CONTRIBUTIONS_DIR}; put each partner's .csv or .xlsx "
            "files in a folder of its own there (data/contributions/<partner>/), with an optional partner.toml"
            + "".join(f"\n{message}" for message in loose)
        )
    results: list[FileResult] = []
    accounts: list[FileAccount] = []
    warnings: list[str] = [f"warning: {message}" for message in loose]
    for name, message in broken:  # in build.json too: a partner's files that were not read
        accounts.append(FileAccount(name, f"{name}/", "", 0, 0, 0, 0, status="unreadable", error=message))
    for i, (profile, path, outcome) in enumerate(_read_all(all_files)):
        progress("read", i + 1, len(all_files), f"{i + 1}/{len(all_files)} files")
        label = f"{profile.partner}/{path.name}"
        if isinstance(outcome, ReadError):
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            accounts.append(
                FileAccount(profile.partner, label, digest, 0, 0, 0, 0, status="unreadable", error=str(outcome))
            )
            warnings.append(str(Problem("error", label, f"not read, skipped: {outcome.reason}")))
            continue
        result = outcome
        results.append(result)
        warnings.extend(str(p) for p in result.problems)
        accounts.append(
            FileAccount(
                partner=result.partner,
                file=result.file,
                sha256=result.sha256,
                rows_read=result.rows_read,
                accepted=len(result.records),
                rejected=len(result.rejected_lines),
                merged=0,
                blank_rows=result.blank_rows,
                encoding=result.encoding,
                delimiter=result.delimiter,
                sheet=result.sheet,
                lines=result.physical_lines,
                filtered=result.filtered,
                filtered_by=result.filtered_by,
                suppressed_at_source=result.suppressed,
            )
        )
    rows = sum(a.rows_read for a in accounts)
    progress("read", len(all_files), len(all_files), f"{len(all_files)} files, {rows:,} rows")
    return partners, results, accounts, warnings


def _read_one(profile: Profile, path: Path) -> FileResult | ReadError:
    try:
        return read_contribution(path, profile)
    except ReadError as exc:
        return exc


def _read_all(
    files: list[tuple[Profile, Path]],
) -> Iterator[tuple[Profile, Path, FileResult | ReadError]]:
    """Read files in order, one after the other.

    A process pool (results pickled back) and a thread pool were both measured at 1M records in
    6 files on 2 cores and gained nothing worth their complexity.
    """
    for profile, path in files:
        yield profile, path, _read_one(profile, path)


def merge_duplicates(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Count each ``person_key`` once, keeping the record with the most route detail.

    Detail is the number of stops written (origin, transits, destination, intended destination);
    ties keep the first record in partner, file and line order.

    Returns
    -------
    records, merged_per_file
        Records without the merged duplicates, and how many were merged per file.
    """
    keyed = records["person_key"].ne("")
    if not keyed.any():
        return records, pd.Series(dtype="int64")
    detail = (
        records["origin"].ne("").astype(int)
        + records["destination"].ne("").astype(int)
        + records["intended_destination"].ne("").astype(int)
        + _stops_in(records["transit"])
    )
    order = records.assign(_detail=detail, _pos=range(len(records)))
    order = order.sort_values(["person_key", "_detail", "_pos"], ascending=[True, False, True], kind="stable")
    dup = order["person_key"].ne("") & order.duplicated("person_key", keep="first")
    merged_index = order.index[dup]
    merged_per_file = records.loc[merged_index].groupby("file").size()
    return records.drop(index=merged_index).reset_index(drop=True), merged_per_file


def _stops_in(transit: pd.Series) -> np.ndarray:
    """How many stops each transit cell lists, counted once per distinct cell."""
    stops = by_value(transit, lambda cells: cells.map(lambda c: len([p for p in str(c).split(" > ") if p])), missing=0)
    return stops.to_numpy(dtype=np.int64)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The files' records as one table; categorical columns keep every file's categories.

    (``pd.concat`` turns categoricals whose categories differ, such as each file's own name, into strings.)
    """
    categorical = [c for c in frames[0].columns if isinstance(frames[0][c].dtype, pd.CategoricalDtype)]
    uneven = [c for c in categorical if any(f[c].dtype != frames[0][c].dtype for f in frames)]
    records = pd.concat([f.drop(columns=uneven) for f in frames], ignore_index=True)
    for column in uneven:
        united = union_categoricals([f[column].array for f in frames], ignore_order=True)
        records.insert(list(frames[0].columns).index(column), column, pd.Series(united, index=records.index))
    return records


def _accepted(results: list[FileResult], private: Path) -> pd.DataFrame:
    """The accepted records of every readable file, or an error that says why there are none."""
    frames = [r.records for r in results if len(r.records)]
    records = _concat(frames) if frames else results[0].records if results else pd.DataFrame()
    if records.empty:
        if results:  # the message points to the reasons: write them
            make_private(private)
            rejects = [rej for r in results for rej in r.rejects]
            write_table(pd.DataFrame(rejects, columns=list(REJECT_COLUMNS)), private / "rejects.csv")
        raise (
            ConfigError(
                "no row was accepted from any contribution; see the reasons in "
                f"{private / 'rejects.csv'} and check each file with `routemap validate`"
            )
            if results
            else ConfigError("no contribution file could be read; see the messages above")
        )
    return records


def _check_accounting(accounts: list[FileAccount]) -> None:
    bad = [a for a in accounts if a.rows_read != a.accepted + a.rejected + a.merged + a.filtered]
    if bad:
        lines = [
            f"{a.file}: read {a.rows_read} != accepted {a.accepted} + rejected {a.rejected} + merged {a.merged}"
            + (f" + filtered {a.filtered}" if a.filtered else "")
            for a in bad
        ]
        raise AccountingError("rows do not add up, so no outputs were written:\n" + "\n".join(lines))


def select_years(records: pd.DataFrame, period: tuple[int, int] | None) -> tuple[pd.DataFrame, int]:
    """Keep the records of a period (first and last year included).

    Returns
    -------
    records, left_out
        The records of the period and how many were left out.

    Raises
    ------
    ConfigError
        When no record falls in the period (naming the years the records cover).
    """
    if period is None:
        return records, 0
    lo, hi = period
    keep = records["year"].between(lo, hi)
    if not keep.any():
        raise ConfigError(
            f"no accepted record is from {lo}–{hi}; the records cover {int(records['year'].min())}–"
            f"{int(records['year'].max())}; choose --years inside that range"
        )
    return records.loc[keep].reset_index(drop=True), int((~keep).sum())


def _place_name(gazetteer: Gazetteer) -> Callable[[str], str]:
    """Place id -> display name from the gazetteer (the id's last part when it is unknown)."""

    def name(place_id: str) -> str:
        try:
            return gazetteer.place(place_id).name
        except KeyError:
            return place_id.split(":", 1)[-1]

    return name


@dataclass(slots=True)
class Contributions:
    """What the read stage made (private: row-level).

    Parameters
    ----------
    partners
        Each partner's profile and files.
    results
        Per readable file: its records, rejects and the values that must never be published.
    accounts
        Per file (unreadable ones too): the private accounting of ``build.json``.
    records
        Accepted records after duplicates are merged and the period is applied.
    warnings
        One line per problem worth reading, each naming its file.
    outside_years
        Records left out because they fall outside the period.
    """

    partners: list[tuple[Profile, list[Path]]]
    results: list[FileResult]
    accounts: list[FileAccount]
    records: pd.DataFrame
    warnings: list[str]
    outside_years: int = 0
    #: Every accepted record, before the period is applied (the release register's atoms count these).
    all_records: pd.DataFrame | None = None

    @property
    def rejects(self) -> list[dict[str, Any]]:
        """Rejected rows of every file, with file, line, column, value and reason."""
        return [rej for r in self.results for rej in r.rejects]

    @property
    def default_countries(self) -> dict[str, str | None]:
        """Partner id -> ISO3 of its default country."""
        return {p.partner: p.default_country for p, _ in self.partners}


class Project:
    """A project folder opened with its settings; each stage runs once and keeps what it made.

    Use :func:`open_project` to make one.
    """

    def __init__(
        self, path: Path, settings: Settings, *, progress: Progress | None = None, gazetteer: Gazetteer | None = None
    ) -> None:
        self.path = path
        self.settings = settings
        self.private_dir = path / PRIVATE_DIR
        self.progress: Progress = progress or _noop
        self.clock = _Stages(self.progress)
        self._gazetteer = gazetteer
        self._named = False
        self._contributions: Contributions | None = None
        self._resolutions: dict[tuple[str, str], Resolution] | None = None
        self._routed: Routed | None = None
        self._fine: Routed | None = None
        self._aggregates: Aggregates | None = None
        self._publication: Publication | None = None
        self._atoms: Atoms | None = None
        self._inputs = ""
        self._releases: Register | None = None
        self._figures: dict[str, Any] = {}
        #: What the release register changed in this build (private).
        self.link_report = LinkReport()

    def __repr__(self) -> str:
        return f"<routemap project {str(self.path)!r}: level {self.settings.level}, focus {self.settings.focus}>"

    @property
    def timings(self) -> dict[str, float]:
        """Seconds spent in each stage so far."""
        return self.clock.timings

    @property
    def gazetteer(self) -> Gazetteer:
        """The place index with the project's own places and aliases, naming places as the map will."""
        if not self._named:
            base = self._gazetteer or Gazetteer.load(project_dir=self.path)
            self._gazetteer = base.with_display_names(
                focus=self.focus_iso3,
                local=self.settings.names == "local",
                rename=resolve_renames(self.settings.rename, base, source=SETTINGS_FILE),
                language=self.settings.language,
            )
            self._named = True
        assert self._gazetteer is not None
        return self._gazetteer

    @property
    def focus_iso3(self) -> str | None:
        """ISO3 code of the focus country (``None`` without one)."""
        return country_iso3(self.settings.focus) if self.settings.focus else None

    # ------------------------------------------------------------------ stages
    def read(self) -> Contributions:
        """Read every contribution file and account for every row (private)."""
        if self._contributions is None:
            with self.clock.stage("read"):
                partners, results, accounts, warnings = load_records(self.path, progress=self.progress)
                records = _accepted(results, self.private_dir)
                records, merged = merge_duplicates(records)
                for account in accounts:
                    account.merged = int(merged.get(account.file, 0))
                    account.accepted -= account.merged
                _check_accounting(accounts)
                every = records
                records, outside = select_years(records, self.settings.period)
                rows = sum(a.rows_read for a in accounts)
                self.progress("read", 1, 1, f"{rows:,} rows, {len(records):,} records")
            self._contributions = Contributions(partners, results, accounts, records, warnings, outside, every)
        return self._contributions

    def resolve(self) -> dict[tuple[str, str], Resolution]:
        """Resolve every distinct place string once (private: raw strings)."""
        if self._resolutions is None:
            contributions = self.read()
            with self.clock.stage("resolve"):
                self._resolutions = resolve_records(
                    contributions.records, self.gazetteer, default_countries=contributions.default_countries
                )
                self.progress("resolve", 1, 1, f"{len(self._resolutions):,} distinct place strings")
        return self._resolutions

    def route(self) -> Routed:
        """Give every record its route at the project's level and focus (private).

        Records are routed once at place level (what the release register keeps); the project's
        routes are those generalised, so the published routes and the register's never disagree.
        """
        if self._routed is None:
            fine = self._fine_routes()
            with self.clock.stage("route"):
                self._routed = generalise_routes(fine, self.gazetteer, level=self.settings.level, focus=self.focus_iso3)
        return self._routed

    def _fine_routes(self) -> Routed:
        """Every record's route with each stop at its most precise level (place), no focus (private)."""
        if self._fine is None:
            resolutions = self.resolve()
            contributions = self.read()
            with self.clock.stage("route"):
                self._fine = self._place_routes(contributions.records, resolutions)
        return self._fine

    def _place_routes(self, records: pd.DataFrame, resolutions: dict[tuple[str, str], Resolution]) -> Routed:
        """Records' routes with every stop at place level and no focus (what the register counts)."""
        default_countries = self.read().default_countries
        return build_routes(
            records, self.gazetteer, resolutions, default_countries=default_countries, level="place", focus=None
        )

    def aggregate(self) -> Aggregates:
        """Exact counts per route and per route and value (private: never written as they are)."""
        if self._aggregates is None:
            routed = self.route()
            with self.clock.stage("aggregate"):
                self._aggregates = aggregate(routed)
        return self._aggregates

    @property
    def cut(self) -> Cut:
        """What this build counts: level, focus, period and minimum count (how releases are compared)."""
        s = self.settings
        return Cut(s.level, self.focus_iso3, s.period, s.min_count)

    def atoms(self) -> Atoms:
        """Exact persons by fine route (every stop at its most precise level) and year, and by value (private).

        The release register keeps them, once per data version, so that later builds of any cut can
        be audited together with this one.
        """
        if self._atoms is None:
            contributions = self.read()
            with self.clock.stage("releases"):  # a data version counted before is read back
                self._inputs = inputs_fingerprint(self.path, self.settings, contributions.accounts)
                self._atoms = self._register().atoms_for(self._inputs)
            if self._atoms is not None:
                return self._atoms
            fine = self._fine_routes()
            records, routes = contributions.records, fine.records["route"]
            period = self.settings.period
            every = contributions.all_records
            dims = [d for d in DIMENSIONS if d != "year"]  # the year "dimension" is the totals by year
            with self.clock.stage("releases"):  # the register's own cost (and the years outside a period)
                if period is not None and every is not None and len(every) > len(records):
                    # the build routed the records of its period; the others are routed here (each
                    # record's route is its own, so this equals routing every record at once)
                    outside = every.loc[~every["year"].between(*period).to_numpy()].reset_index(drop=True)
                    resolutions = resolve_records(
                        outside, self.gazetteer, default_countries=contributions.default_countries
                    )
                    more = self._place_routes(outside, resolutions).records["route"]
                    columns = ["year", "persons", *dims]
                    records = pd.concat([records[columns], outside[columns]], ignore_index=True)
                    routes = pd.Series(union_categoricals([routes.array, more.array], ignore_order=True))
                self._atoms = atoms_of(records, routes, dims)
        return self._atoms

    def publish(self) -> Publication:
        """Apply disclosure control: the figures that may be shown, and nothing else.

        The project's release register takes part: a build is published together with every
        earlier release (see :mod:`routemap.linkage`), and refused when it cannot be.
        """
        if self._publication is None:
            aggregates = self.aggregate()
            register = self._register()
            left_out = LeftOut.of(register, self.cut)  # years earlier releases left routes out in
            with self.clock.stage("disclosure"):
                pub = publish(
                    aggregates,
                    min_count=self.settings.min_count,
                    year_span=self.settings.period,
                    left_out=left_out.years if left_out.spans else None,
                )
            if len(register):
                atoms = self.atoms()
                with self.clock.stage("releases"):
                    exact = dict(zip(aggregates.routes["route"].astype(str), aggregates.routes["persons"], strict=True))
                    apart = "version" not in atoms.__dict__ and register.apart(atoms)
                    linker = Linker(
                        register, self.gazetteer, atoms=atoms, cut=self.cut, version=NEW_VERSION if apart else None
                    )
                    pub, self.link_report, self._figures = linker.protect(
                        pub, exact={k: int(v) for k, v in exact.items()}
                    )
            else:
                self._figures = figures_of(pub)
            register.finish()  # nothing reads in a thread once the outputs are written (and drawn in a fork)
            if len(register):
                register.write_ahead(self.atoms())  # a new data version's counts are written while it renders
                weakref.finalize(self, register.settle)  # a publication never written still reaps that process
            self._publication = dataclasses.replace(pub, _writer=self._write)
        return self._publication

    def prefetch(self) -> None:
        """Start reading the release register's latest counts beside the build (:meth:`Register.prefetch`)."""
        self._register().prefetch()

    def settle(self) -> None:
        """Wait for the register's work beside the build (:meth:`Register.settle`), a build that failed too."""
        if self._releases is not None:
            self._releases.settle()

    def _register(self) -> Register:
        """The project's release register, read once per build."""
        if self._releases is None:
            self._releases = Register(self.private_dir)
        return self._releases

    def record_release(self, out_dir: Path, outputs: dict[str, str]) -> Release:
        """Remember in the register what was just published into ``out_dir`` (called after the files moved)."""
        pub = self.publish()
        del pub
        atoms = self.atoms()
        with self.clock.stage("releases"):
            return self._register().record(
                out_dir=out_dir, atoms=atoms, cut=self.cut, figures=self._figures, outputs=outputs, inputs=self._inputs
            )

    def _write(self, out_dir: Path, formats: str | Iterable[str] | None) -> list[str]:
        """Write this project's publication (through the leak check); the files written."""
        from routemap.pipeline import check_formats, write_outputs

        result = write_outputs(self, self.publish(), out_dir=out_dir, formats=check_formats(formats))
        return result.outputs

    def places(self) -> pd.DataFrame:
        """How every distinct place string resolves, one row per string and default country (private)."""
        contributions = self.read()
        return place_report(
            contributions.records, self.gazetteer, self.resolve(), default_countries=contributions.default_countries
        )

    def explain_places(self) -> PlacesResult:
        """The place report, also written to the private ``.routemap/places.csv``."""
        report = self.places()
        make_private(self.private_dir)
        path = self.private_dir / "places.csv"
        write_csv(report, path)
        return PlacesResult(
            report=report, path=path, warnings=self.read().warnings, aliases=alias_suggestions(self.resolve())
        )


def open_project(
    path: Path | str = ".",
    *,
    progress: Progress | None = None,
    gazetteer: Gazetteer | None = None,
    **overrides: Any,
) -> Project:
    """Open a project folder: ``routemap.toml`` merged with the given settings, checked.

    Parameters
    ----------
    path
        Folder holding ``routemap.toml`` (optional) and ``data/contributions/``.
    progress
        Called as ``progress(stage, done, total, detail)`` while stages run.
    gazetteer
        A place index already loaded for this project (default: load it when first needed).
    **overrides
        Settings that win over ``routemap.toml``: ``level``, ``focus``, ``min_count``, ``years``,
        ``by``, ``tiles``, … (``None`` keeps the file's value).

    Raises
    ------
    RoutemapError
        For a missing folder or a bad setting, naming it and the fix.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ConfigError(f"project folder {str(folder)!r} does not exist")
    known = set(Settings.__dataclass_fields__) - {"extra"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}; settings are: {', '.join(sorted(known))}")
    settings = load_settings(folder).with_overrides(**overrides)
    return Project(folder, settings, progress=progress, gazetteer=gazetteer)


def make_private(private: Path) -> None:
    """Create the private folder with a ``.gitignore`` that keeps it out of any repository."""
    private.mkdir(parents=True, exist_ok=True)
    (private / ".gitignore").write_text("# private build material: never commit or publish\n*\n", encoding="utf-8")


#: Methods of a place report line whose string places no record (the record is not routable).
UNPLACED_METHODS: frozenset[str] = frozenset({"unresolved", "ambiguous", "not_a_place", "empty"})


@dataclass(slots=True)
class PlacesResult:
    """Every distinct place string of a project and how it resolved.

    Parameters
    ----------
    report
        One row per distinct (raw string, partner default country), the columns of
        :data:`routemap.routes.PLACE_REPORT_COLUMNS`; also written to ``path``.
    path
        The private place report, ``.routemap/places.csv``.
    warnings
        Problems met while reading the contributions.
    aliases
        ``(string, place id)`` for each string that places no record: lines for ``data/aliases.csv``
        (see :meth:`alias_lines`).
    """

    report: pd.DataFrame
    path: Path
    warnings: list[str] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)

    def alias_lines(self) -> str:
        """The strings that place no record as ``data/aliases.csv`` lines, ready to check and paste."""
        out = io.StringIO()
        out.write("# for data/aliases.csv: check each place (a name, an ISO code or a place id; none = no place)\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["alias", "place"])
        writer.writerows([raw, place] for raw, place in self.aliases)
        return out.getvalue().rstrip("\n")

    def table(self, *, unresolved: bool = False) -> pd.DataFrame:
        """The report with one line per raw string and outcome, rows summed over partners' default countries.

        Parameters
        ----------
        unresolved
            Keep only the strings that place no record (unresolved, ambiguous, not a place).
        """
        report = self.report
        if unresolved:
            report = report[report["method"].isin(UNPLACED_METHODS)]
        keys = [c for c in report.columns if c not in ("rows", "default_country", "coordinate_rows")]
        grouped = (
            report.groupby(keys, sort=False, dropna=False)
            .agg(
                rows=("rows", "sum"),
                default_country=("default_country", lambda s: " ".join(sorted({v for v in s if v}))),
                coordinate_rows=("coordinate_rows", "sum"),
            )
            .reset_index()
        )
        order = grouped["raw"].str.casefold().argsort(kind="stable")
        return grouped.iloc[order].reset_index(drop=True)[list(report.columns)]

    def summary(self) -> str:
        """One sentence: how many distinct strings place records, how many do not, how many were typos."""
        table = self.table()
        unplaced = table[table["method"].isin(UNPLACED_METHODS)]
        fuzzy = int(table["method"].eq("fuzzy").sum())
        return (
            f"{len(table)} distinct place string(s): {len(table) - len(unplaced)} placed, {len(unplaced)} not "
            f"placed ({int(unplaced['rows'].sum())} row(s)); {fuzzy} read as a typo (method fuzzy)"
        )
