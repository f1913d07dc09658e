"""Run the stages in order for one project and write publishable outputs and the private build record."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from routemap import __version__
from routemap._errors import AccountingError, ConfigError, ReadError
from routemap._safe import write_table, write_table_fast
from routemap.aggregate import aggregate
from routemap.audit import Canaries, allowed_strings, check_outputs
from routemap.config import Settings, load_settings, parse_compare
from routemap.contributions import REJECT_COLUMNS, FileResult, Profile, discover, read_contribution
from routemap.disclosure import SECONDARY_LABEL, Publication, publish, suppressed_label
from routemap.export import write_geojson, write_geopackage
from routemap.places import Gazetteer, Resolution, country_iso3
from routemap.problems import Problem
from routemap.render.charts import Sankey, sankey_layout, sankey_png, sankey_svg
from routemap.render.map import MapText, render_map, tile_layer
from routemap.render.pdf import NO_BROWSER, find_browser, print_pdf
from routemap.render.report import (
    DataQuality,
    ReportInputs,
    ReportMeta,
    data_quality,
    render_report,
    summary_lines,
)
from routemap.render.static import render_static_map
from routemap.render.tables import Table, build_tables, write_csv, write_markdown, write_table_csv
from routemap.render.words import unit_text, word
from routemap.render.xlsx import write_xlsx
from routemap.routes import build_routes, place_report, resolve_records
from routemap.schema import VOCABULARIES, label_words

log = logging.getLogger(__name__)

CONTRIBUTIONS_DIR = Path("data") / "contributions"
PRIVATE_DIR = ".routemap"
#: Output formats of ``build(formats=...)`` / ``routemap build --formats``; map.html is always written.
FORMATS: tuple[str, ...] = ("csv", "xlsx", "md", "html", "gpkg", "geojson", "png", "pdf")
#: Formats written when none are named: all but pdf, which needs a browser.
DEFAULT_FORMATS: tuple[str, ...] = tuple(f for f in FORMATS if f != "pdf")
#: The CSV tables besides routes.csv (one file per table; destinations_by_state only with a focus country).
TABLE_CSV_FILES: tuple[str, ...] = (
    "top_routes.csv",
    "origins.csv",
    "transit_points.csv",
    "destinations.csv",
    "destinations_by_state.csv",
    "routes_by_sector.csv",
    "routes_by_exploitation.csv",
    "routes_by_sex.csv",
    "routes_by_age_group.csv",
    "routes_by_year.csv",
)
#: Every file a build may write under the output folder; stale ones from older builds are removed.
OUTPUT_FILES: tuple[str, ...] = (
    "map.html",
    "routes.csv",
    *TABLE_CSV_FILES,
    "routes.xlsx",
    "routes.md",
    "report.html",
    "routemap.gpkg",
    "routes.geojson",
    "map.png",
    "flows.svg",
    "flows.png",
    "report.pdf",
)

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
    formats: tuple[str, ...] = DEFAULT_FORMATS
    timings: dict[str, float] = field(default_factory=dict)


def _noop(stage: str, done: int, total: int, detail: str = "") -> None:
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
    for i, (profile, path, outcome) in enumerate(_read_all(all_files)):
        progress("read", i + 1, len(all_files), f"{i + 1}/{len(all_files)} files")
        label = f"{profile.partner}/{path.name}"
        if isinstance(outcome, ReadError):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
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
    gazetteer: Gazetteer,
) -> Canaries:
    """Every private string of this build that a published file must not contain.

    Names of published places are not private, nor the gazetteer names that a place drawn at a
    stop's own point is named after (``Mediterranean at 27.0663, 14.3336``).
    """
    allowed = allowed_strings(str(getattr(p, "name", "")) for p in pub.places_by_id.values())
    allowed |= allowed_strings(gazetteer.place(pid.split("@")[0]).name for pid in pub.places_by_id if "@" in pid)
    allowed |= allowed_strings(v for values in VOCABULARIES.values() for v in values)
    allowed |= allowed_strings(v.replace("_", " ") for values in VOCABULARIES.values() for v in values)
    allowed |= allowed_strings(label_words())  # routemap's own words in every language ("Tidak diketahui")
    canaries = Canaries()
    for result in results:  # rejected rows' ids and every unmapped column's values
        for kind, values in result.private_values.items():
            canaries.add(kind, values, allowed=allowed)
    for kind in ("record_id", "person_key"):  # accepted rows' ids, once for all files
        ids = pd.concat([r.records[kind] for r in results], ignore_index=True) if results else pd.Series([])
        canaries.add(kind, pd.unique(ids.astype(str)), allowed=allowed)
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


def check_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """The output formats asked for, checked and in :data:`FORMATS` order (``None``: all but pdf).

    Parameters
    ----------
    formats
        Format names, or one comma-separated string such as ``"csv,xlsx"``.

    Raises
    ------
    ConfigError
        Naming the unknown format and the known ones.
    """
    if formats is None:
        return DEFAULT_FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = [str(f).strip().lower() for f in items if str(f).strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ConfigError(
            f"unknown output format {unknown[0]!r}; choose from {', '.join(FORMATS)} "
            "(comma-separated, e.g. csv,xlsx; map.html is always written)"
        )
    if not wanted:
        raise ConfigError(f"no output format given; choose from {', '.join(FORMATS)} (comma-separated)")
    return tuple(f for f in FORMATS if f in wanted)


def _period(pub: Publication) -> str:
    if pub.years is None:
        return ""
    lo, hi = pub.years
    return f"{lo}–{hi}" if lo != hi else f"{lo}"


def public_partner_names(
    partners: list[tuple[Profile, list[Path]]], contributing: set[str], settings: Settings
) -> list[str]:
    """Names of contributing partners that may be published: none unless ``show_partners = true``.

    Even then, only names a profile sets (a folder name is never published), and only when at
    least two organisations contributed: with one, every figure would be that partner's own.
    """
    if not settings.show_partners or len(contributing) < 2:
        return []
    names = {p.name for p, _ in partners if p.partner in contributing and p.name and p.name != p.partner}
    return sorted(names, key=str.casefold)


def _subtitle(pub: Publication, settings: Settings, n_partners: int, names: list[str]) -> str:
    """Period, as-of date and contributing organisations (named only when the project allows it)."""
    lang = settings.language
    parts = []
    period = settings.period or pub.years
    if period is not None:
        lo, hi = period
        parts.append(f"{lo}–{hi}" if lo != hi else f"{lo}")
    if settings.as_of:
        parts.append(word("data_as_of", lang, date=settings.as_of))
    orgs = word("organisations_one", lang) if n_partners == 1 else word("organisations_many", lang, n=n_partners)
    if names:
        orgs += ": " + ", ".join(names)
    parts.append(orgs)
    return " · ".join(parts)


def output_title(settings: Settings) -> str:
    """The title of map and report: the project's own, or the default title in the outputs' language."""
    if settings.title == Settings().title:
        return word("default_title", settings.language)
    return settings.title


def compare_periods(value: str | None) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The two periods the report compares: as written, or one period and the same length just before it."""
    if not value:
        return None
    periods = parse_compare(value, source="the settings")
    if len(periods) == 1:
        lo, hi = periods[0]
        return (lo - (hi - lo + 1), lo - 1), (lo, hi)
    return periods[0], periods[1]


def output_unit(settings: Settings) -> tuple[str | None, str | None]:
    """What counts are of and the source credit: settings ``unit`` and ``source`` when a build has them."""
    # the input track adds both settings; until then routemap.toml's keys are in settings.extra
    unit = getattr(settings, "unit", None) or settings.extra.get("unit")
    source = getattr(settings, "source", None) or settings.extra.get("source")
    return (str(unit) if unit else None), (str(source) if source else None)


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


@dataclass(frozen=True, slots=True)
class _Outputs:
    """What every format is written from: the publication, its tables, the report text."""

    pub: Publication
    tables: list[Table]
    meta: ReportMeta
    quality: DataQuality
    date: dt.date | None
    note: str
    inputs: ReportInputs | None = None
    flows: Sankey | None = None


def _report(folder: Path, outputs: _Outputs, *, wanted: tuple[str, ...], name: str, printing: bool) -> None:
    downloads = [file for file in _FORMAT_FILES if _FORMAT_FILES[file] in wanted]
    render_report(
        outputs.tables,
        folder / name,
        meta=outputs.meta,
        quality=outputs.quality,
        inputs=outputs.inputs,
        static_map="map.png" if "png" in wanted else None,
        downloads=downloads,
        printing=printing,
    )


def _write_format(fmt: str, folder: Path, outputs: _Outputs, *, wanted: tuple[str, ...]) -> None:
    """Write the file(s) of one output format into ``folder``."""
    pub, tables, meta = outputs.pub, outputs.tables, outputs.meta
    if fmt == "csv":
        write_csv(pub.route_table(), folder / "routes.csv")
        for table in tables:
            write_table_csv(table, folder / f"{table.key}.csv")
    elif fmt == "xlsx":
        write_xlsx(tables, folder / "routes.xlsx", title=meta.title, lines=summary_lines(meta), date=outputs.date)
    elif fmt == "md":
        write_markdown(tables, folder / "routes.md", title=meta.title, lines=summary_lines(meta))
    elif fmt == "html":
        _report(folder, outputs, wanted=wanted, name="report.html", printing=False)
    elif fmt == "gpkg":
        write_geopackage(pub, folder / "routemap.gpkg", date=outputs.date)
    elif fmt == "geojson":
        write_geojson(pub, folder / "routes.geojson")
    elif fmt == "png":
        lang = meta.language
        subtitle = " · ".join(
            p for p in (meta.period, word("data_as_of", lang, date=meta.as_of) if meta.as_of else "") if p
        )
        render_static_map(pub, folder / "map.png", title=meta.title, subtitle=subtitle, note=outputs.note)
        if outputs.flows is not None:
            title = word("report_flows", lang)
            (folder / "flows.svg").write_text(
                sankey_svg(outputs.flows, lang=lang, title=title, standalone=True) + "\n", encoding="utf-8"
            )
            sankey_png(outputs.flows, folder / "flows.png", lang=lang, title=title)
    elif fmt == "pdf":
        printable = folder / ".report-print.html"
        try:
            _report(folder, outputs, wanted=wanted, name=printable.name, printing=True)
            print_pdf(printable, folder / "report.pdf")
        finally:
            printable.unlink(missing_ok=True)
    else:  # pragma: no cover - check_formats() keeps this out
        raise ConfigError(f"unknown output format {fmt!r}")


#: Files the report links to, and the format that writes each.
_FORMAT_FILES: dict[str, str] = {
    "routes.csv": "csv",
    "top_routes.csv": "csv",
    "routes.xlsx": "xlsx",
    "routes.md": "md",
    "map.png": "png",
    "flows.svg": "png",
    "flows.png": "png",
    "report.pdf": "pdf",
    "routemap.gpkg": "gpkg",
    "routes.geojson": "geojson",
}


def build(
    project_dir: Path | str = ".",
    *,
    level: str | None = None,
    focus: str | None = None,
    min_count: int | None = None,
    by: str | None = None,
    years: str | None = None,
    tiles: str | None = None,
    out_dir: Path | str | None = None,
    formats: str | Iterable[str] | None = None,
    offline: bool | None = None,
    language: str | None = None,
    compare: str | None = None,
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
    level, focus, min_count, by, years, tiles
        Override the settings of ``routemap.toml`` (``by``: one map layer per value of sector, year,
        exploitation or sex; ``years``: the period, e.g. ``"2019-2023"``; ``tiles``: basemap name,
        URL template or ``"none"``).
    out_dir
        Where publishable outputs go (default ``<project_dir>/output``).
    formats
        Output formats (see :data:`FORMATS`; default all); ``map.html`` is always written.
    offline
        ``True``: a self-contained map.html (as ``map = "self-contained"`` in routemap.toml).
    language, compare
        Override ``language`` (en, ms, id) and ``compare`` (periods the report compares).
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
    settings = load_settings(project).with_overrides(
        level=level,
        focus=focus,
        min_count=min_count,
        by=by,
        years=years,
        tiles=tiles,
        map="self-contained" if offline else None,
        language=language,
        compare=compare,
    )
    tile_layer(settings.tiles, api_key=settings.tiles_api_key)  # a bad basemap fails before any work
    wanted = check_formats(formats)
    if "pdf" in wanted and find_browser() is None:
        raise ConfigError(NO_BROWSER)  # before any work, as a bad basemap
    out = Path(out_dir) if out_dir is not None else project / "output"
    private = project / PRIVATE_DIR

    clock = _Stages(progress)
    with clock.stage("read"):
        partners, results, accounts, warnings = load_records(project, progress=progress)
        records = _accepted(results, private)
        rejects = [rej for r in results for rej in r.rejects]
        records, merged = merge_duplicates(records)
        for account in accounts:
            account.merged = int(merged.get(account.file, 0))
            account.accepted -= account.merged
        _check_accounting(accounts)
        records, outside_years = select_years(records, settings.period)
        progress("read", 1, 1, f"{sum(a.rows_read for a in accounts):,} rows, {len(records):,} records")

    with clock.stage("resolve"):
        default_countries = {p.partner: p.default_country for p, _ in partners}
        gazetteer = gazetteer or Gazetteer.load(project_dir=project)
        resolutions = resolve_records(records, gazetteer, default_countries=default_countries)
        progress("resolve", 1, 1, f"{len(resolutions):,} distinct place strings")
    with clock.stage("route"):
        focus_iso3 = country_iso3(settings.focus) if settings.focus else None
        routed = build_routes(
            records, gazetteer, resolutions, default_countries=default_countries, level=settings.level, focus=focus_iso3
        )
    with clock.stage("aggregate"):
        aggregates = aggregate(routed)
    with clock.stage("disclosure"):
        pub = publish(aggregates, min_count=settings.min_count, secondary=secondary_suppression)

    with clock.stage("render"):
        contributing = {str(p) for p in records["partner"].unique()}
        shown_names = public_partner_names(partners, contributing, settings)
        unit, _source = output_unit(settings)
        text = MapText(
            title=output_title(settings),
            subtitle=_subtitle(pub, settings, len(contributing), shown_names),
            note=word(
                "map_note_suppressed",
                settings.language,
                k=settings.min_count,
                unit=unit_text(unit, settings.language),
                label=suppressed_label(settings.min_count),
            ),
            language=settings.language,
            unit=unit,
        )
        totals = {
            "rows_read": sum(a.rows_read for a in accounts),
            "accepted": sum(a.accepted for a in accounts),
            "rejected": sum(a.rejected for a in accounts),
            "merged": sum(a.merged for a in accounts),
            "outside_years": outside_years,
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
        meta = ReportMeta(
            title=output_title(settings),
            period=_period(pub),
            as_of=settings.as_of,
            organisations=len(contributing),
            level=settings.level,
            focus_name=_place_name(gazetteer)(f"country:{focus_iso3}") if focus_iso3 else None,
            min_count=settings.min_count,
            label=pub.label,
            routes_published=pub.stats["routes_published"],
            routes_suppressed=pub.stats["routes_suppressed"],
            published_persons=pub.published_persons,
            version=__version__,
            partner_names=tuple(shown_names),
            language=settings.language,
            unit=unit,
            source=_source,
        )
        tables = build_tables(pub, focus=focus_iso3, name=_place_name(gazetteer), lang=settings.language, unit=unit)
        outputs = _Outputs(
            pub=pub,
            tables=tables,
            meta=meta,
            quality=data_quality(totals, report, lang=settings.language),
            date=dt.date.fromisoformat(settings.as_of) if settings.as_of else None,
            note=text.note,
        )
        if {"html", "pdf", "png"} & set(wanted):
            flows = sankey_layout(pub, lang=settings.language)
            flows_svg = (
                sankey_svg(flows, lang=settings.language, title=word("report_flows", settings.language))
                if flows is not None
                else None
            )
            inputs = ReportInputs(
                pub=pub,
                focus=focus_iso3,
                name=_place_name(gazetteer),
                compare=compare_periods(settings.compare),
                flows_svg=flows_svg,
            )
            outputs = replace(outputs, inputs=inputs, flows=flows)
    tmp = Path(tempfile.mkdtemp(prefix=".routemap-build-", dir=out.parent if out.parent.exists() else None))
    try:
        with clock.stage("render"):
            drawn = render_map(
                pub,
                tmp / "map.html",
                text=text,
                by=settings.by,
                focus=focus_iso3,
                tiles=settings.tiles,
                tiles_api_key=settings.tiles_api_key,
                offline=settings.map == "self-contained",
                fallback_image="map.png" if "png" in wanted else None,
            )
            for i, fmt in enumerate(wanted, start=1):
                progress("render", i, len(wanted) + 1, fmt)
                _write_format(fmt, tmp, outputs, wanted=wanted)
            written = sorted(p.name for p in tmp.iterdir())
        if leak_check:
            with clock.stage("leak check"):
                check_outputs(tmp, _canaries(results, partners, resolutions, pub, settings, gazetteer))
        with clock.stage("write"):
            out.mkdir(parents=True, exist_ok=True)
            for name in written:
                os.replace(tmp / name, out / name)
            for name in OUTPUT_FILES:
                if name not in written and (out / name).exists():
                    (out / name).unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    with clock.stage("write"):
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
        formats=wanted,
        timings=clock.timings,
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
    # row-level and raw partner text: formula-safe too, since analysts open these in Excel
    write_table_fast(records, private / "records.csv")
    write_table(pd.DataFrame(rejects, columns=list(REJECT_COLUMNS)), private / "rejects.csv")
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
