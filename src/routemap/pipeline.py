"""Run the stages in order for one project and write publishable outputs and the private build record."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from routemap import __version__
from routemap._errors import AccountingError, ConfigError, ReadError
from routemap.aggregate import aggregate
from routemap.audit import Canaries, check_outputs
from routemap.config import Settings, load_settings
from routemap.contributions import REJECT_COLUMNS, FileResult, Profile, discover, read_contribution
from routemap.disclosure import SECONDARY_LABEL, Publication, publish, suppressed_label
from routemap.places import Gazetteer, Resolution, country_iso3
from routemap.problems import Problem
from routemap.render.map import MapText, render_map
from routemap.render.tables import write_csv
from routemap.routes import build_routes, place_report, resolve_records
from routemap.schema import VOCABULARIES, fold

log = logging.getLogger(__name__)

CONTRIBUTIONS_DIR = Path("data") / "contributions"
PRIVATE_DIR = ".routemap"
#: Every file a build may write under the output folder; stale ones from older builds are removed.
OUTPUT_FILES: tuple[str, ...] = ("map.html", "routes.csv")

Progress = Callable[[str, int, int], None]


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


@dataclass(slots=True)
class BuildResult:
    """What a build did: where outputs went, the accounting, and warnings for the user."""

    out_dir: Path
    private_dir: Path
    settings: Settings
    files: list[FileAccount]
    totals: dict[str, int]
    outputs: list[str]
    #: One line per problem worth reading, each naming its file and severity (see :class:`Problem`).
    warnings: list[str] = field(default_factory=list)
    drawn: dict[str, int] = field(default_factory=dict)


def _noop(stage: str, done: int, total: int) -> None:
    return None


def load_records(
    project_dir: Path, *, progress: Progress = _noop
) -> tuple[list[tuple[Profile, list[Path]]], list[FileResult], list[FileAccount], list[str]]:
    """Read every contribution of a project.

    Returns the partners, the per-file results of readable files, the accounting of every file
    (unreadable ones included, with the reason) and warnings.
    """
    partners = discover(project_dir / CONTRIBUTIONS_DIR)
    all_files = [(profile, path) for profile, files in partners for path in files]
    if not all_files:
        raise ConfigError(
            f"no contribution files in {project_dir / CONTRIBUTIONS_DIR}; put each partner's .csv or .xlsx "
            "files in a folder of its own there (data/contributions/<partner>/), with an optional partner.toml"
        )
    results: list[FileResult] = []
    accounts: list[FileAccount] = []
    warnings: list[str] = []
    for i, (profile, path) in enumerate(all_files):
        progress("read", i, len(all_files))
        label = f"{profile.partner}/{path.name}"
        try:
            result = read_contribution(path, profile)
        except ReadError as exc:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            accounts.append(
                FileAccount(profile.partner, label, digest, 0, 0, 0, 0, status="unreadable", error=str(exc))
            )
            warnings.append(str(Problem("error", label, f"not read, skipped: {exc.reason}")))
            continue
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
            )
        )
    progress("read", len(all_files), len(all_files))
    return partners, results, accounts, warnings


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
        + records["transit"].map(lambda t: len([p for p in t.split(" > ") if p]))
    )
    order = records.assign(_detail=detail, _pos=range(len(records)))
    order = order.sort_values(["person_key", "_detail", "_pos"], ascending=[True, False, True], kind="stable")
    dup = order["person_key"].ne("") & order.duplicated("person_key", keep="first")
    merged_index = order.index[dup]
    merged_per_file = records.loc[merged_index].groupby("file").size()
    return records.drop(index=merged_index).reset_index(drop=True), merged_per_file


def _accepted(results: list[FileResult], private: Path) -> pd.DataFrame:
    """The accepted records of every readable file, or an error that says why there are none."""
    frames = [r.records for r in results if len(r.records)]
    records = pd.concat(frames, ignore_index=True) if frames else results[0].records if results else pd.DataFrame()
    if records.empty:
        raise (
            ConfigError(
                "no row was accepted from any contribution; see the reasons in "
                f"{private / 'rejects.csv'} and check each file with `routemap validate`"
            )
            if results
            else ConfigError("no contribution file could be read; see the messages above")
        )
    return records


def _canaries(
    results: list[FileResult],
    partners: list[tuple[Profile, list[Path]]],
    resolutions: dict[tuple[str, str], Resolution],
    pub: Publication,
    settings: Settings,
) -> Canaries:
    """Every private string of this build that a published file must not contain."""
    allowed = {fold(str(getattr(p, "name", ""))) for p in pub.places_by_id.values()}
    allowed |= {fold(v) for values in VOCABULARIES.values() for v in values}
    canaries = Canaries()
    for result in results:
        for kind, values in result.private_values.items():
            canaries.add(kind, values, allowed=allowed)
    canaries.add(
        "unresolved place", (raw for (raw, _), res in resolutions.items() if not res.resolved), allowed=allowed
    )
    canaries.add("partner folder", (p.partner for p, _ in partners), allowed=allowed)
    if not settings.show_partners:
        canaries.add("partner name", (p.name for p, _ in partners), allowed=allowed)
    return canaries


def _check_accounting(accounts: list[FileAccount]) -> None:
    bad = [a for a in accounts if a.rows_read != a.accepted + a.rejected + a.merged]
    if bad:
        lines = [
            f"{a.file}: read {a.rows_read} != accepted {a.accepted} + rejected {a.rejected} + merged {a.merged}"
            for a in bad
        ]
        raise AccountingError("rows do not add up, so no outputs were written:\n" + "\n".join(lines))


def _subtitle(pub: Publication, settings: Settings, n_partners: int) -> str:
    parts = []
    if pub.years is not None:
        lo, hi = pub.years
        parts.append(f"{lo}–{hi}" if lo != hi else f"{lo}")
    if settings.as_of:
        parts.append(f"data as of {settings.as_of}")
    parts.append(f"{n_partners} contributing organisation{'s' if n_partners != 1 else ''}")
    return " · ".join(parts)


def build(
    project_dir: Path | str = ".",
    *,
    level: str | None = None,
    focus: str | None = None,
    min_count: int | None = None,
    out_dir: Path | str | None = None,
    progress: Progress = _noop,
    gazetteer: Gazetteer | None = None,
    leak_check: bool = True,
    secondary_suppression: bool = True,
) -> BuildResult:
    """Build a project: read, resolve, route, aggregate, suppress, render.

    Parameters
    ----------
    project_dir
        Folder holding ``routemap.toml`` (optional) and ``data/contributions/``.
    level, focus, min_count
        Override the settings of ``routemap.toml``.
    out_dir
        Where publishable outputs go (default ``<project_dir>/output``).
    progress
        Called as ``progress(stage, done, total)``.
    gazetteer
        A gazetteer already loaded for this project (default: load it, with ``data/places.csv``).
    leak_check, secondary_suppression
        Protections that are always on; they can be switched off only to show, in tests, that
        each one is needed.

    Raises
    ------
    RoutemapError
        For bad settings, unreadable profiles, or rows that do not add up.
    """
    project = Path(project_dir)
    if not project.is_dir():
        raise ConfigError(f"project folder {str(project)!r} does not exist")
    settings = load_settings(project).with_overrides(level=level, focus=focus, min_count=min_count)
    out = Path(out_dir) if out_dir is not None else project / "output"
    private = project / PRIVATE_DIR

    partners, results, accounts, warnings = load_records(project, progress=progress)
    records = _accepted(results, private)
    rejects = [rej for r in results for rej in r.rejects]
    records, merged = merge_duplicates(records)
    for account in accounts:
        account.merged = int(merged.get(account.file, 0))
        account.accepted -= account.merged
    _check_accounting(accounts)

    progress("resolve", 0, 1)
    default_countries = {p.partner: p.default_country for p, _ in partners}
    gazetteer = gazetteer or Gazetteer.load(project_dir=project)
    resolutions = resolve_records(records, gazetteer, default_countries=default_countries)
    progress("resolve", 1, 1)
    focus_iso3 = country_iso3(settings.focus) if settings.focus else None
    routed = build_routes(
        records, gazetteer, resolutions, default_countries=default_countries, level=settings.level, focus=focus_iso3
    )

    progress("aggregate", 0, 1)
    aggregates = aggregate(routed)
    pub = publish(aggregates, min_count=settings.min_count, secondary=secondary_suppression)
    legs = pub.legs()
    places = pub.places()
    progress("aggregate", 1, 1)

    n_partners = len({a.partner for a in accounts if a.accepted})
    text = MapText(
        title=settings.title,
        subtitle=_subtitle(pub, settings, n_partners),
        note=f"Routes with fewer than {settings.min_count} persons are not shown "
        f"(listed as {suppressed_label(settings.min_count)} in the tables).",
    )
    progress("write", 0, len(OUTPUT_FILES))
    tmp = Path(tempfile.mkdtemp(prefix=".routemap-build-", dir=out.parent if out.parent.exists() else None))
    try:
        drawn = render_map(
            legs, places, tmp / "map.html", text=text, tiles=settings.tiles, tiles_api_key=settings.tiles_api_key
        )
        write_csv(pub.route_table(), tmp / "routes.csv")
        written = sorted(p.name for p in tmp.iterdir())
        if leak_check:
            check_outputs(tmp, _canaries(results, partners, resolutions, pub, settings))
        out.mkdir(parents=True, exist_ok=True)
        for name in written:
            os.replace(tmp / name, out / name)
        for name in OUTPUT_FILES:
            if name not in written and (out / name).exists():
                (out / name).unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    progress("write", len(OUTPUT_FILES), len(OUTPUT_FILES))

    totals = {
        "rows_read": sum(a.rows_read for a in accounts),
        "accepted": sum(a.accepted for a in accounts),
        "rejected": sum(a.rejected for a in accounts),
        "merged": sum(a.merged for a in accounts),
        "blank_rows": sum(a.blank_rows for a in accounts),
        "unreadable_files": sum(1 for a in accounts if a.status != "read"),
        "routable": int(routed.records["routable"].sum()),
        "persons": int(records["persons"].sum()),
        "routable_persons": int(routed.records.loc[routed.records["routable"], "persons"].sum()),
        "routes": pub.stats["routes"],
        "routes_published": pub.stats["routes_published"],
        "routes_suppressed": pub.stats["routes_suppressed"],
    }
    report = place_report(routed.records, gazetteer, resolutions, default_countries=default_countries)
    disclosure = {
        "min_count": settings.min_count,
        "primary": f"counts below {settings.min_count} shown as {suppressed_label(settings.min_count)}",
        "secondary": f"complementary suppression in breakdowns, shown as {SECONDARY_LABEL}",
        **pub.stats,
    }
    _write_private(private, routed.records, rejects, report, accounts, totals, settings, out, written, disclosure)
    return BuildResult(
        out_dir=out,
        private_dir=private,
        settings=settings,
        files=accounts,
        totals=totals,
        outputs=written,
        warnings=warnings,
        drawn=drawn,
    )


def _make_private(private: Path) -> None:
    private.mkdir(parents=True, exist_ok=True)
    (private / ".gitignore").write_text("# private build material: never commit or publish\n*\n", encoding="utf-8")


def _write_private(
    private: Path,
    records: pd.DataFrame,
    rejects: list[dict[str, Any]],
    report: pd.DataFrame,
    accounts: list[FileAccount],
    totals: dict[str, int],
    settings: Settings,
    out: Path,
    written: list[str],
    disclosure: dict[str, Any],
) -> None:
    _make_private(private)
    records.to_csv(private / "records.csv", index=False, encoding="utf-8")
    pd.DataFrame(rejects, columns=list(REJECT_COLUMNS)).to_csv(private / "rejects.csv", index=False, encoding="utf-8")
    write_csv(report, private / "places.csv")  # raw strings: neutralise cells Excel would run
    outputs = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in written}
    settings_dict = {k: v for k, v in asdict(settings).items() if k not in ("extra", "tiles_api_key")}
    record = {
        "routemap_version": __version__,
        "settings": settings_dict,
        "files": [asdict(a) for a in accounts],
        "totals": totals,
        "disclosure": disclosure,
        "check": "rows_read = accepted + rejected + merged for every file",
        "outputs": outputs,
    }
    (private / "build.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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
    """

    report: pd.DataFrame
    path: Path
    warnings: list[str] = field(default_factory=list)

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


def explain_places(project_dir: Path | str = ".", *, progress: Progress = _noop) -> PlacesResult:
    """Resolve every distinct place string of a project's contributions and write the place report.

    Reads the contributions as ``build`` does (rejected rows and merged duplicates included in the
    same way), resolves each distinct string once per partner default country, and writes
    ``.routemap/places.csv``. Nothing is published.

    Parameters
    ----------
    project_dir
        Folder holding ``data/contributions/`` (and optionally ``data/places.csv``).
    progress
        Called as ``progress(stage, done, total)``.

    Raises
    ------
    RoutemapError
        For a missing project folder, unreadable profiles or places.csv, or no accepted row.
    """
    project = Path(project_dir)
    if not project.is_dir():
        raise ConfigError(f"project folder {str(project)!r} does not exist")
    private = project / PRIVATE_DIR
    partners, results, _, warnings = load_records(project, progress=progress)
    records, _ = merge_duplicates(_accepted(results, private))
    progress("resolve", 0, 1)
    default_countries = {p.partner: p.default_country for p, _ in partners}
    gazetteer = Gazetteer.load(project_dir=project)
    resolutions = resolve_records(records, gazetteer, default_countries=default_countries)
    report = place_report(records, gazetteer, resolutions, default_countries=default_countries)
    progress("resolve", 1, 1)
    _make_private(private)
    path = private / "places.csv"
    write_csv(report, path)
    return PlacesResult(report=report, path=path, warnings=warnings)
