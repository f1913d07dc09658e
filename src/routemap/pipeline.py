"""Run the stages in order for one project and write publishable outputs and the private build record."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from routemap import __version__
from routemap._errors import ConfigError
from routemap._gc import few_collections
from routemap._outdir import publish as publish_outputs
from routemap._parallel import Child, Warm, fork, prepare
from routemap._safe import write_table, write_table_fast
from routemap.audit import Canaries, Published, Source, check_outputs
from routemap.config import SETTINGS_FILE, Settings, parse_compare
from routemap.contributions import REJECT_COLUMNS, will_not_publish
from routemap.disclosure import HIDDEN_LABEL, Publication, data_quality, partner_names, suppressed_label
from routemap.places import Gazetteer
from routemap.profile import DEFAULT_UNIT, counted_unit, credited_source
from routemap.project import (
    PRIVATE_DIR,
    UNPLACED_METHODS,
    FileAccount,
    PlacesResult,
    Progress,
    Project,
    _check_accounting,
    _noop,
    _place_name,
    load_records,
    make_private,
    merge_duplicates,
    open_project,
    select_years,
)
from routemap.render.charts import sankey_layout, sankey_svg
from routemap.render.formats import DEFAULT_FORMATS, FORMATS, OUTPUT_FILES, Outputs
from routemap.render.formats import get as get_format
from routemap.render.formats import registered as registered_file
from routemap.render.map import MapText, render_map, tile_layer
from routemap.render.pdf import NO_BROWSER, find_browser
from routemap.render.report import ReportInputs, ReportMeta
from routemap.render.tables import build_tables, write_csv
from routemap.render.words import unit_text, word
from routemap.routes import split_transit
from routemap.schema import PLACE_FIELDS, VOCABULARIES, label_words
from routemap.validate import file_verdict

log = logging.getLogger(__name__)


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
    #: What was published (the figures every output was written from).
    publication: Publication | None = None


def _published(project: Project, pub: Publication, shown_names: Iterable[str]) -> Published:
    """What this build publishes on purpose: a private value equal to one of these is not private text."""
    settings, gazetteer = project.settings, project.gazetteer
    places = {pid: pub.places_by_id[pid] for pid in pub.places_by_id}
    place_ids = set(places) | {f"country:{getattr(p, 'country', '')}" for p in places.values()}
    if project.focus_iso3:
        place_ids.add(f"country:{project.focus_iso3}")
    published = Published(place=lambda text: bool(gazetteer.named_exactly(text) & place_ids))
    published.add(str(getattr(p, "name", "")) for p in places.values())
    published.add(gazetteer.place(pid).name for pid in place_ids if pid in gazetteer)
    published.add(v for values in VOCABULARIES.values() for v in values)
    published.add(v.replace("_", " ") for values in VOCABULARIES.values() for v in values)
    published.add(label_words())  # routemap's own words in every language ("Tidak diketahui", "Several")
    partners = [p for p, _ in project.read().partners]
    published.add(t for t in (settings.title, settings.unit, credited_source(settings.source, partners)) if t)
    published.add(shown_names)
    published.add(settings.allow)
    return published


def _canaries(project: Project, pub: Publication, shown_names: Iterable[str] = ()) -> Canaries:
    """Every private string of this build that a published file must not hold, each with where it was read.

    Values no profile maps, record ids and person keys, unresolved place strings, file, sheet and
    partner folder names, and partner names unless shown on purpose; a value that is also published
    on purpose (see :func:`_published`) is left out.
    """
    contributions, resolutions = project.read(), project.resolve()
    shown = list(shown_names)
    canaries = Canaries(published=_published(project, pub, shown))
    results = contributions.results
    for result in results:  # rejected rows' ids and every unmapped column's values
        for kind, values in result.private_values.items():
            canaries.add(kind, values)
    for kind in ("record_id", "person_key"):  # accepted rows' ids, once for all files
        for result in results:
            frame = result.records
            if kind not in frame or frame.empty:
                continue
            # every row's (a repeat is named at its first line, as add_ids looks values up in order)
            column = result.header_of.get(kind, kind)
            canaries.add_ids(kind, frame[kind], file=result.file, column=column, lines=frame["line"].to_numpy())
    unresolved = {raw for (raw, _), res in resolutions.items() if not res.resolved}
    canaries.add("unresolved place", _place_sources(contributions.records, unresolved, results))
    for result in results:
        name = Path(result.file).name
        canaries.add("file name", {name: Source(result.file), Path(name).stem: Source(result.file)})
        if result.sheet:
            canaries.add("sheet name", {result.sheet: Source(result.file, f"sheet {result.sheet}")})
    for profile, _ in contributions.partners:
        canaries.add("partner folder", {profile.partner: Source(f"{profile.partner}/")})
        if profile.name and profile.name.strip() not in shown:
            canaries.add("partner name", {profile.name: Source(f"{profile.partner}/partner.toml", "name")})
    return canaries


def unpublished_files(project: Project) -> list[str]:
    """``<file>: will not publish: <why>`` for every file nothing of which reaches the outputs (as validate says)."""
    contributions = project.read()
    profiles = {profile.partner: profile for profile, _ in contributions.partners}
    resolutions = project.resolve()
    period = project.settings.period
    lines = []
    for account in contributions.accounts:
        if account.status != "read":
            why = will_not_publish(unreadable=True, rows_read=0, accepted=0, routable=0, in_period=0)
            lines.append(f"{account.file}: will not publish: {why}")
    # a file with a routable record in this build publishes: only the others need validate's verdict
    routed = project.route().records
    # by codes: a filtered copy of the column took 0.8 s and 350 MB at 5M records
    codes, files = pd.factorize(routed["file"])
    publishing = {str(files[c]) for c in np.unique(codes[routed["routable"].to_numpy(dtype=bool)]) if c >= 0}
    for result in contributions.results:
        if result.file in publishing:
            continue
        why = file_verdict(result, profiles[result.partner], project.gazetteer, period=period, resolutions=resolutions)
        if why:
            lines.append(f"{result.file}: will not publish: {why}")
    return lines


def _partner_name_notes(
    settings: Settings, partners: Iterable[tuple[Any, Any]], contributing: set[str], shown: list[str]
) -> list[str]:
    """Why ``show_partners = true`` shows fewer names than it was asked to (one line each)."""
    if not settings.show_partners:
        return []
    if len(contributing) < 2:
        return [
            f"{SETTINGS_FILE}: show_partners = true, but only {len(contributing)} organisation contributed records, "
            "so no name is shown: with one, every figure would be that organisation's own"
        ]
    nameless = sorted(
        p.partner for p, _ in partners if p.partner in contributing and (not p.name or p.name == p.partner)
    )
    if nameless:
        return [
            f"{SETTINGS_FILE}: show_partners = true, but {', '.join(nameless)} set no name in partner.toml, so "
            'only the others are named; add name = "…" to their partner.toml to name them '
            "(folder names are never shown)"
        ]
    return []


def _place_sources(records: pd.DataFrame, raws: set[str], results: Iterable[Any]) -> dict[str, Source]:
    """Where each unresolved place string was first read: file, the partner's header and line."""
    headers = {r.file: r.header_of for r in results}
    out: dict[str, Source] = {}
    for place_field in PLACE_FIELDS:
        left = raws - out.keys()
        if place_field not in records or not left:
            continue
        # by codes: the distinct cells that hold a string left (a million records hold a few thousand
        # strings), then the first record of each, in record order
        codes, cells = pd.factorize(records[place_field])
        pieces = [split_transit(str(c)) if place_field == "transit" else [str(c)] for c in cells]
        wanted = np.flatnonzero([bool(left.intersection(p)) for p in pieces] or [False])
        if not len(wanted):
            continue
        rows = np.flatnonzero(np.isin(codes, wanted))
        _, first = np.unique(codes[rows], return_index=True)
        firsts = np.sort(rows[first])
        files, lines = records["file"].iloc[firsts].tolist(), records["line"].iloc[firsts].tolist()
        for row, file, line in zip(firsts.tolist(), files, lines, strict=True):
            header = headers.get(str(file), {}).get(place_field, place_field)
            for raw in pieces[codes[row]]:
                if raw in left:
                    out.setdefault(raw, Source(str(file), header, int(line)))
    return {raw: out.get(raw, Source("")) for raw in raws}


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


#: Switched off only in tests that show the leak check is needed (never a parameter of build()).
_LEAK_CHECK = True
#: Records from which the private records.csv is written in a child process beside the rendering (at
#: 100k records without pyarrow the write stage 0.75 -> 0.04 s, the build 5.8 -> 5.3 s).
RECORDS_BESIDE = 20_000


def build(
    project_dir: Path | str = ".",
    *,
    out_dir: Path | str | None = None,
    formats: str | Iterable[str] | None = None,
    progress: Progress = _noop,
    gazetteer: Gazetteer | None = None,
    force: bool = False,
    **settings: Any,
) -> BuildResult:
    """Build a project: read, resolve, route, aggregate, suppress, render, check, write.

    Parameters
    ----------
    project_dir
        Folder holding ``routemap.toml`` (optional) and ``data/contributions/``.
    out_dir
        Where publishable outputs go (default ``<project_dir>/output``).
    formats
        Output formats (see :data:`FORMATS`; default all); ``map.html`` is always written.
    progress
        Called as ``progress(stage, done, total, detail)``.
    gazetteer
        A gazetteer already loaded for this project (default: load it, with ``data/places.csv``).
    force
        Write into an output folder that holds files routemap did not write (they are kept).
    **settings
        Settings that win over ``routemap.toml`` (``level``, ``focus``, ``min_count``, ``by``,
        ``years``, ``tiles``, …; ``None`` keeps the file's value).

    Raises
    ------
    RoutemapError
        For bad settings, unreadable profiles, rows that do not add up, or outputs that would
        disclose what they must not.
    """
    with few_collections():
        return _build(
            project_dir,
            out_dir=out_dir,
            formats=formats,
            progress=progress,
            gazetteer=gazetteer,
            force=force,
            **settings,
        )


def _build(
    project_dir: Path | str,
    *,
    out_dir: Path | str | None,
    formats: str | Iterable[str] | None,
    progress: Progress,
    gazetteer: Gazetteer | None,
    force: bool,
    **settings: Any,
) -> BuildResult:
    if settings.pop("offline", None):  # --offline is map = "self-contained"
        settings["map"] = "self-contained"
    project = open_project(project_dir, progress=progress, gazetteer=gazetteer, **settings)
    tile_layer(project.settings.tiles, api_key=project.settings.tiles_api_key)  # a bad basemap fails first
    wanted = check_formats(formats)
    if "pdf" in wanted and find_browser() is None:
        raise ConfigError(NO_BROWSER)  # before any work, as a bad basemap
    drawn = DRAWN & set(wanted)
    # the process that draws is forked now, to import matplotlib while the build reads and counts
    drawer = prepare(_warm_up) if drawn and len(drawn) < len(wanted) else None
    project.prefetch()  # after the fork: the register's latest counts are read in a thread meanwhile
    try:
        pub = project.publish()
        return write_outputs(project, pub, out_dir=out_dir, formats=wanted, force=force, drawer=drawer)
    finally:
        if drawer is not None:
            drawer.stop()  # unless it drew: a build that failed first
        project.settle()  # the process hashing new counts, when the build failed before recording them


def _totals(project: Project, pub: Publication) -> dict[str, int]:
    """The private accounting of a build (build.json and the command's summary)."""
    contributions, routed = project.read(), project.route()
    accounts = contributions.accounts
    routable = routed.records["routable"]
    return {
        "rows_read": sum(a.rows_read for a in accounts),
        "accepted": sum(a.accepted for a in accounts),
        "rejected": sum(a.rejected for a in accounts),
        "merged": sum(a.merged for a in accounts),
        "outside_years": contributions.outside_years,
        "blank_rows": sum(a.blank_rows for a in accounts),
        "unreadable_files": sum(1 for a in accounts if a.status != "read"),
        "routable": int(routable.sum()),
        "persons": int(contributions.records["persons"].sum()),
        "routable_persons": int(routed.records.loc[routable, "persons"].sum()),
        "routes": pub.stats["routes"],
        "routes_published": pub.stats["routes_published"],
        "routes_not_listed": pub.stats["routes_not_listed"],
    }


def write_outputs(
    project: Project,
    pub: Publication,
    *,
    out_dir: Path | str | None = None,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    force: bool = False,
    drawer: Warm | None = None,
) -> BuildResult:
    """Render a publication into a temporary folder, check it for leaks, move it into place, record it.

    Parameters
    ----------
    project
        The project the publication was made from (its private material feeds the leak check).
    pub
        What may be published.
    out_dir
        Where outputs go (default ``<project>/output``).
    formats
        Output formats, checked (see :func:`check_formats`).
    force
        Write into a folder that holds files routemap did not write (they are kept).
    drawer
        A process forked earlier to draw (:func:`routemap._parallel.prepare`); default: fork one now.
    """
    out = Path(out_dir) if out_dir is not None else project.path / "output"
    project.read()  # read (and timed) before the records are routed
    records = _PrivateRecords(project.private_dir, project.route().records)
    try:
        return _write_outputs(project, pub, out, formats, force, drawer, records)
    finally:
        records.stop()


def _write_outputs(
    project: Project,
    pub: Publication,
    out: Path,
    formats: tuple[str, ...],
    force: bool,
    drawer: Warm | None,
    records: _PrivateRecords,
) -> BuildResult:
    settings, clock = project.settings, project.clock
    contributions = project.read()
    with clock.stage("render"):
        contributing = {str(p) for p in contributions.records["partner"].unique()}
        shown_names = partner_names(
            # a profile without a name of its own is named after its folder: that is not a name to show
            [(p.partner, p.name if p.name != p.partner else "") for p, _ in contributions.partners],
            contributing,
            show=settings.show_partners,
        )
        partners = [p for p, _ in contributions.partners]
        unit, source = counted_unit(settings.unit, partners), credited_source(settings.source, partners)
        shown_unit = None if unit == DEFAULT_UNIT else unit
        text = _map_text(pub, settings, len(contributing), shown_names, shown_unit)
        totals = _totals(project, pub)
        report = project.places()
        outputs = _outputs(project, pub, formats, len(contributing), shown_names, text, source, totals, report)
    drawn, written = _render_checked(project, pub, out, text, outputs, formats, shown_names, force=force, drawer=drawer)

    hashes = {file: hashlib.sha256((out / file).read_bytes()).hexdigest() for file in written}
    release = project.record_release(out.resolve(), hashes)  # timed as "releases"
    with clock.stage("write"):
        disclosure = _disclosure(project, pub, release.id)
        _write_private(
            project.private_dir,
            records,
            contributions.rejects,
            report,
            contributions.accounts,
            totals,
            settings,
            out,
            written,
            disclosure,
        )
    return BuildResult(
        out_dir=out,
        private_dir=project.private_dir,
        settings=settings,
        files=contributions.accounts,
        totals=totals,
        outputs=written,
        warnings=[
            *contributions.warnings,
            *project.link_report.lines(),
            *_partner_name_notes(settings, contributions.partners, contributing, shown_names),
            *unpublished_files(project),
        ],
        drawn=drawn,
        formats=formats,
        timings=clock.timings,
        publication=pub,
    )


def _map_text(
    pub: Publication, settings: Settings, organisations: int, shown_names: list[str], shown_unit: str | None
) -> MapText:
    """The text around the map: title, subtitle (period and partners) and the note on suppressed counts."""
    return MapText(
        title=output_title(settings),
        subtitle=_subtitle(pub, settings, organisations, shown_names),
        note=word(
            "map_note_suppressed",
            settings.language,
            k=settings.min_count,
            unit=unit_text(shown_unit, settings.language),
            label=suppressed_label(settings.min_count),
        ),
        language=settings.language,
        unit=shown_unit,
    )


def _outputs(
    project: Project,
    pub: Publication,
    formats: tuple[str, ...],
    organisations: int,
    shown_names: list[str],
    text: MapText,
    source: str,
    totals: dict[str, int],
    report: pd.DataFrame,
) -> Outputs:
    """What every format but the map is written from: tables, report text, data quality, charts' inputs.

    Parameters
    ----------
    project, pub
        The project and its publication.
    formats
        The output formats (the report's inputs and flows only for html, pdf and png).
    organisations, shown_names
        How many organisations contributed, and the names that may be published.
    text, source
        The map's text (its unit and note are the report's too) and the credited source (``""``: none).
    totals, report
        The build's totals and the private place report (for the data-quality section).
    """
    settings, focus_iso3, shown_unit = project.settings, project.focus_iso3, text.unit
    name = _place_name(project.gazetteer)
    meta = ReportMeta(
        title=output_title(settings),
        period=_period(pub),
        as_of=settings.as_of,
        organisations=organisations,
        level=settings.level,
        focus_name=name(f"country:{focus_iso3}") if focus_iso3 else None,
        min_count=settings.min_count,
        label=pub.label,
        routes_published=pub.stats["routes_published"],
        published_persons=pub.published_persons,
        version=__version__,
        partner_names=tuple(shown_names),
        language=settings.language,
        unit=shown_unit,
        source=source or None,
    )
    tables = build_tables(pub, focus=focus_iso3, name=name, lang=settings.language, unit=shown_unit)
    outputs = Outputs(
        pub=pub,
        tables=tables,
        meta=meta,
        quality=data_quality(totals, report),
        date=dt.date.fromisoformat(settings.as_of) if settings.as_of else None,
        note=text.note,
    )
    if {"html", "pdf", "png"} & set(formats):
        flows = sankey_layout(pub, lang=settings.language)
        flows_svg = (
            sankey_svg(flows, lang=settings.language, title=word("report_flows", settings.language))
            if flows is not None
            else None
        )
        inputs = ReportInputs(
            pub=pub,
            focus=focus_iso3,
            compare=compare_periods(settings.compare),
            flows_svg=flows_svg,
        )
        outputs = replace(outputs, inputs=inputs, flows=flows)
    return outputs


#: Formats drawn with matplotlib or printed by the browser: rendered in a child process (see _parallel).
DRAWN = frozenset({"png", "pdf"})
#: report.html draws nothing, but its cost grows with the routes (0.06 s at the sample's 52, 0.43 s at
#: 1,718) while the drawings' does not: above this many published routes it joins them in the child,
#: below it stays here, so that the two processes take about as long (the sample 1.46 s -> 1.36 s).
HTML_APART = 500


def _warm_up() -> None:
    """What the drawing process imports and reads while the build goes on, before its task arrives."""
    import importlib

    from routemap.render import basemap

    for module in ("routemap.render.static", "matplotlib.patches", "matplotlib.path"):  # the map's, the flows'
        importlib.import_module(module)
    basemap.load_outlines()


def _write_formats(folder: Path, outputs: Outputs, formats: tuple[str, ...], which: list[str]) -> None:
    for fmt in which:
        get_format(fmt).write(folder, outputs, formats)


def _render_checked(
    project: Project,
    pub: Publication,
    out: Path,
    text: MapText,
    outputs: Outputs,
    formats: tuple[str, ...],
    shown_names: list[str],
    *,
    force: bool,
    drawer: Warm | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Render every format into a temporary folder, check it for leaks, move it into ``out``.

    Returns
    -------
    tuple
        What the map drew, and the names of the files written.
    """
    settings, clock, progress = project.settings, project.clock, project.progress
    tmp = Path(tempfile.mkdtemp(prefix=".routemap-build-", dir=out.parent if out.parent.exists() else None))
    try:
        with clock.stage("render"):
            # the formats that draw (matplotlib, the browser) in a child process beside the others
            apart = DRAWN | ({"html"} if len(pub.route_rows) > HTML_APART else set())
            drawing = [fmt for fmt in formats if fmt in apart]
            child = None
            if drawing and len(drawing) < len(formats):
                task = functools.partial(_write_formats, tmp, outputs, formats, drawing)
                child = (drawer.run(task) if drawer is not None else None) or fork(task)
            drawn = render_map(
                pub,
                tmp / "map.html",
                text=text,
                by=settings.by,
                focus=project.focus_iso3,
                tiles=settings.tiles,
                tiles_api_key=settings.tiles_api_key,
                offline=settings.map == "self-contained",
                fallback_image="map.png" if "png" in formats else None,
            )
            try:
                for i, fmt in enumerate(formats, start=1):
                    progress("render", i, len(formats) + 1, fmt)
                    if child is None or fmt not in drawing:
                        get_format(fmt).write(tmp, outputs, formats)
            except BaseException:
                if child is not None:  # the build stops here: so does the child, before its folder goes
                    child.stop()
                raise
            if child is not None:
                child.join()
            written = sorted(p.name for p in tmp.iterdir())
        if _LEAK_CHECK:
            with clock.stage("leak check"):
                expected = functools.partial(registered_file, wanted=formats)
                check_outputs(tmp, _canaries(project, pub, shown_names), expected=expected)
        with clock.stage("write"):  # only files routemap wrote are replaced or removed (a manifest in out/)
            publish_outputs(tmp, out, written, force=force)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return drawn, written


def _disclosure(project: Project, pub: Publication, release_id: int) -> dict[str, Any]:
    """The private build record's account of the disclosure rules, what they withheld, and the release."""
    settings, links = project.settings, project.link_report
    return {
        "min_count": settings.min_count,
        "routes": f"routes below {settings.min_count} persons are not listed",
        "breakdowns": f"counts below {settings.min_count}, zero included, shown as "
        f"{suppressed_label(settings.min_count)}; one more cell per such row hidden as {HIDDEN_LABEL}",
        **pub.stats,
        "release": release_id,
        "releases_audited_with": links.releases,
        "routes_held": links.held,
        "routes_held_back": links.hidden,
        "routes_without_rows": links.no_rows,
    }


class _PrivateRecords:
    """The private records.csv: written beside the rendering, in a forked child, when the table is large.

    pyarrow's writer wrote a million records in 0.2 s; pandas' takes 3-6 s, which the child takes
    off the build's path (it inherits the table: nothing is copied). The child writes a temporary
    file that :meth:`finish` moves into place; a build that fails stops it and removes the file.
    """

    def __init__(self, private: Path, records: pd.DataFrame) -> None:
        self.private, self.records = private, records
        self.part = private / f".records.csv.{os.getpid()}"
        self.child: Child | None = None
        if len(records) >= RECORDS_BESIDE:
            make_private(private)
            part = self.part
            self.child = fork(lambda: write_table_fast(records, part))

    def finish(self) -> None:
        """Have records.csv written (wait for the child, or write it here)."""
        if self.child is None:
            write_table_fast(self.records, self.private / "records.csv")
            return
        child, self.child = self.child, None
        child.join()  # what the child raised is raised here; a child that died is replaced by this process
        os.replace(self.part, self.private / "records.csv")

    def stop(self) -> None:
        """Stop a child still writing (the build failed) and remove what it wrote."""
        if self.child is not None:
            self.child.stop()
            self.child = None
        self.part.unlink(missing_ok=True)


def _write_private(
    private: Path,
    records: _PrivateRecords,
    rejects: list[dict[str, Any]],
    report: pd.DataFrame,
    accounts: list[FileAccount],
    totals: dict[str, int],
    settings: Settings,
    out: Path,
    written: list[str],
    disclosure: dict[str, Any],
) -> None:
    make_private(private)
    # row-level and raw partner text: formula-safe too, since analysts open these in Excel
    records.finish()
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
        "check": "rows_read = accepted + rejected + merged + filtered for every file",
        "outputs": outputs,
    }
    (private / "build.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def explain_places(project_dir: Path | str = ".", *, progress: Progress = _noop) -> PlacesResult:
    """Resolve every distinct place string of a project and write the private place report.

    Reads the contributions as ``build`` does and resolves each distinct string once per partner
    default country; writes ``.routemap/places.csv``. Nothing is published.
    """
    return open_project(project_dir, progress=progress).explain_places()


__all__ = [
    "FORMATS",
    "OUTPUT_FILES",
    "PRIVATE_DIR",
    "UNPLACED_METHODS",
    "BuildResult",
    "FileAccount",
    "_check_accounting",
    "build",
    "check_formats",
    "explain_places",
    "load_records",
    "merge_duplicates",
    "select_years",
    "write_outputs",
]
