"""The output formats in one registry: each format's name, the files it writes and the writer that writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # each writer imports its renderer when its format is written
    from routemap.disclosure import DataQuality, Publication
    from routemap.render.charts import Sankey
    from routemap.render.report import ReportInputs, ReportMeta
    from routemap.render.tables import Table

#: Written by every build whatever the formats: the map.
ALWAYS: tuple[str, ...] = ("map.html",)
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


@dataclass(frozen=True, slots=True)
class Outputs:
    """What every format is written from: the publication, its tables, the report text."""

    pub: Publication
    tables: list[Table]
    meta: ReportMeta
    quality: DataQuality
    date: dt.date | None
    note: str
    inputs: ReportInputs | None = None
    flows: Sankey | None = None


#: A format's writer: (folder, outputs, every format asked for) -> files written into the folder.
Writer = Callable[[Path, Outputs, tuple[str, ...]], None]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format.

    Parameters
    ----------
    name
        What ``--formats`` calls it.
    files
        Names of the files it may write.
    downloads
        Those of its files the report links to.
    write
        Its writer.
    default
        Whether a build writes it when no formats are named.
    """

    name: str
    files: tuple[str, ...]
    downloads: tuple[str, ...]
    write: Writer
    default: bool = True


def _csv(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.tables import write_csv, write_table_csv

    write_csv(outputs.pub.route_table(), folder / "routes.csv")
    for table in outputs.tables:
        write_table_csv(table, folder / f"{table.key}.csv")


def _xlsx(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.report import summary_lines
    from routemap.render.xlsx import write_xlsx

    meta = outputs.meta
    write_xlsx(
        outputs.tables,
        folder / "routes.xlsx",
        title=meta.title,
        lines=summary_lines(meta),
        date=outputs.date,
        lang=meta.language,
    )


def _md(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.report import summary_lines
    from routemap.render.tables import write_markdown

    write_markdown(outputs.tables, folder / "routes.md", title=outputs.meta.title, lines=summary_lines(outputs.meta))


def _report(folder: Path, outputs: Outputs, wanted: tuple[str, ...], *, name: str, printing: bool) -> None:
    from routemap.render.report import render_report

    render_report(
        outputs.tables,
        folder / name,
        meta=outputs.meta,
        quality=outputs.quality,
        inputs=outputs.inputs,
        static_map="map.png" if "png" in wanted else None,
        downloads=downloads(wanted),
        printing=printing,
    )


def _html(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    _report(folder, outputs, wanted, name="report.html", printing=False)


def _gpkg(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.gis import write_geopackage

    write_geopackage(outputs.pub, folder / "routemap.gpkg", date=outputs.date)


def _geojson(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.gis import write_geojson

    write_geojson(outputs.pub, folder / "routes.geojson")


def _png(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.charts import sankey_png, sankey_svg
    from routemap.render.static import render_static_map
    from routemap.render.words import word

    meta, lang = outputs.meta, outputs.meta.language
    subtitle = " · ".join(
        p for p in (meta.period, word("data_as_of", lang, date=meta.as_of) if meta.as_of else "") if p
    )
    render_static_map(
        outputs.pub,
        folder / "map.png",
        title=meta.title,
        subtitle=subtitle,
        note=outputs.note,
        lang=lang,
        unit=meta.units,
    )
    if outputs.flows is not None:
        title = word("report_flows", lang)
        svg = sankey_svg(outputs.flows, lang=lang, title=title, standalone=True)
        (folder / "flows.svg").write_text(svg + "\n", encoding="utf-8")
        sankey_png(outputs.flows, folder / "flows.png", lang=lang, title=title)


def _pdf(folder: Path, outputs: Outputs, wanted: tuple[str, ...]) -> None:
    from routemap.render.pdf import print_pdf

    printable = folder / ".report-print.html"
    try:
        _report(folder, outputs, wanted, name=printable.name, printing=True)
        print_pdf(printable, folder / "report.pdf")
    finally:
        printable.unlink(missing_ok=True)


#: Every output format, in the order they are written (and listed).
REGISTRY: tuple[Format, ...] = (
    Format("csv", ("routes.csv", *TABLE_CSV_FILES), ("routes.csv", "top_routes.csv"), _csv),
    Format("xlsx", ("routes.xlsx",), ("routes.xlsx",), _xlsx),
    Format("md", ("routes.md",), ("routes.md",), _md),
    Format("html", ("report.html",), (), _html),
    Format("gpkg", ("routemap.gpkg",), ("routemap.gpkg",), _gpkg),
    Format("geojson", ("routes.geojson",), ("routes.geojson",), _geojson),
    Format("png", ("map.png", "flows.svg", "flows.png"), ("map.png", "flows.svg", "flows.png"), _png),
    Format("pdf", ("report.pdf",), ("report.pdf",), _pdf, default=False),
)
FORMATS: tuple[str, ...] = tuple(f.name for f in REGISTRY)
DEFAULT_FORMATS: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.default)
#: Every file a build may write under the output folder.
OUTPUT_FILES: tuple[str, ...] = (*ALWAYS, *(file for f in REGISTRY for file in f.files))
_BY_NAME = {f.name: f for f in REGISTRY}


def get(name: str) -> Format:
    """The format called ``name`` (names are checked where the user gives them)."""
    return _BY_NAME[name]


def downloads(wanted: tuple[str, ...]) -> list[str]:
    """The files of the formats asked for that the report links to."""
    return [file for f in REGISTRY if f.name in wanted for file in f.downloads]


def registered(name: str, wanted: tuple[str, ...]) -> bool:
    """Whether a file of this name is one the formats asked for (or the map) write."""
    return name in ALWAYS or any(name in f.files for f in REGISTRY if f.name in wanted)
