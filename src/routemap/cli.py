"""The ``routemap`` command line: a thin click layer over the Python API."""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from routemap import __version__
from routemap._errors import RoutemapError
from routemap.config import BY_DIMENSIONS, LEVELS
from routemap.render.formats import DEFAULT_FORMATS, FORMATS

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _formats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """Check ``--formats`` while parsing, so a typo is a usage error naming the known formats."""
    if value is None:
        return None
    from routemap.pipeline import check_formats

    try:
        return check_formats(value)
    except RoutemapError as exc:
        raise click.BadParameter(str(exc)) from None


def _friendly(fn: F) -> F:
    """Turn a :class:`RoutemapError` into a message on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RoutemapError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except MemoryError:  # a machine (or a container's limit) too small: say so, not a traceback
            _out_of_memory()
        except ImportError as exc:  # ... where it ran out while loading a compiled library (pandas with pyarrow)
            if "failed to map segment" not in str(exc) and "cannot allocate memory" not in str(exc).lower():
                raise
            _out_of_memory()

    return wrapper  # type: ignore[return-value]


def _out_of_memory() -> NoReturn:
    click.echo(
        "error: routemap ran out of memory; it needs about 1 GB (2 GB the first time, when it builds its "
        "place index) and about 1 GB more per million records. Close other programs, raise the memory "
        "limit, or run on a larger machine",
        err=True,
    )
    sys.exit(5)


class _Progress:
    """A click progress bar on stderr for each build stage that lasts more than about a second.

    Shown only when stderr is a terminal and ``--quiet`` is not given; the bar's text says what
    was counted (files, records, distinct place strings, formats).
    """

    #: Stages shorter than this (seconds) draw nothing.
    DELAY = 1.0

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.stage = ""
        self.started = 0.0
        self.state: tuple[int, int, str] = (0, 1, "")

    def __call__(self, stage: str, done: int, total: int, detail: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self.stage:
            self.close()
            self.stage, self.started = stage, now
        self.state = (done, max(total, 1), detail)
        if self.bar is None and now - self.started >= self.DELAY:
            self.bar = click.progressbar(
                length=self.state[1],
                label=f"{stage:<10}",
                file=sys.stderr,
                item_show_func=lambda item: item,
            )
            self.bar.__enter__()
        if self.bar is not None:
            if self.bar.length != self.state[1]:
                self.bar.length = self.state[1]
            self.bar.current_item = detail or None
            self.bar.update(max(0, done - self.bar.pos))

    def close(self) -> None:
        if self.bar is not None:
            total = self.state[1]
            self.bar.update(max(0, total - self.bar.pos))
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="routemap")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does (to stderr).")
def main(verbose: bool) -> None:
    """Map migration and trafficking routes from pooled partner case data.

    Partners put their files in data/contributions/<partner>/; `routemap build` turns them into
    a map, route tables and a private build record.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@main.command(context_settings=CONTEXT)
@click.argument("project_dir", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--level", type=click.Choice(LEVELS), default=None, help="Level of every stop [default: country, or routemap.toml]."
)
@click.option("--focus", metavar="ISO2", default=None, help="Keep stops inside this country at admin-1 level, e.g. MY.")
@click.option("--min-count", type=click.IntRange(min=1), default=None, help="Smallest count published [default: 5].")
@click.option(
    "--by", type=click.Choice(BY_DIMENSIONS), default=None, help="Add one map layer per value of this dimension."
)
@click.option("--years", metavar="FIRST-LAST", default=None, help="Use only records of these years, e.g. 2019-2023.")
@click.option(
    "--tiles",
    metavar="NAME|URL|none",
    default=None,
    help="Basemap: a provider name, a URL template with {z}/{x}/{y}, or none [default: CartoDB positron].",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder [default: PROJECT_DIR/output].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into an --out folder that holds files routemap did not write (they are kept; "
    "one with the name of an output stops the build).",
)
@click.option(
    "--formats",
    metavar="LIST",
    default=None,
    callback=_formats,
    help=f"Outputs to write, comma-separated: {','.join(FORMATS)} [default: {','.join(DEFAULT_FORMATS)}]. "
    "map.html is always written.",
)
@click.option(
    "--offline",
    is_flag=True,
    default=None,
    help="Self-contained map.html: Leaflet inlined and offline outlines; no request to any other host.",
)
@click.option(
    "--language", type=click.Choice(("en", "ms", "id")), default=None, help="Language of map and report [default: en]."
)
@click.option("--compare", metavar="PERIODS", default=None, help="Periods the report compares, e.g. 2022,2023.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@_friendly
def build(
    project_dir: Path,
    level: str | None,
    focus: str | None,
    min_count: int | None,
    by: str | None,
    years: str | None,
    tiles: str | None,
    out_dir: Path | None,
    force: bool,
    formats: tuple[str, ...] | None,
    offline: bool | None,
    language: str | None,
    compare: str | None,
    quiet: bool,
) -> None:
    """Build the map, tables, report and GIS layers of a project folder (default: the current folder)."""
    from routemap.pipeline import build as run_build

    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        result = run_build(
            project_dir,
            level=level,
            focus=focus,
            min_count=min_count,
            by=by,
            years=years,
            tiles=tiles,
            out_dir=out_dir,
            formats=formats,
            offline=offline,
            language=language,
            compare=compare,
            progress=progress,
            force=force,
        )
    finally:
        progress.close()
    if quiet:
        return
    for problem in result.warnings:  # each line names its file and says "error" or "warning"
        click.echo(problem, err=True)
    t = result.totals
    lines = sum(a.lines for a in result.files)
    # a quoted cell over several lines makes a file's lines more than its rows (and its header): both are counted
    shown_lines = f" ({lines} lines of the files, headers included)" if lines else ""
    click.echo(
        f"read {t['rows_read']} rows{shown_lines} from {len(result.files)} file(s): {t['accepted']} accepted, "
        f"{t['rejected']} rejected, {t['merged']} merged as duplicates; {t['routable']} routable"
    )
    click.echo(
        f"routes: {t['routes_published']} published, {t['routes_not_listed']} below {result.settings.min_count} "
        f"(not listed); map draws {result.drawn.get('legs', 0)} legs and "
        f"{result.drawn.get('places', 0)} places"
        + (f" in {result.drawn['layers']} layers" if result.drawn.get("layers", 1) > 1 else "")
    )
    merged = [(a.file, a.merged) for a in result.files if a.merged]
    if merged:
        click.echo("merged as duplicates (person_key seen before): " + ", ".join(f"{f} {n}" for f, n in merged))
    unreadable = [a.file for a in result.files if a.status != "read"]
    if unreadable:
        click.echo(f"not read: {', '.join(unreadable)} (see the messages above)")
    click.echo(f"wrote {', '.join(result.outputs)} to {result.out_dir}")
    click.echo(f"private build record: {result.private_dir / 'build.json'} (rejects.csv, places.csv beside it)")


@main.command(context_settings=CONTEXT)
@click.argument("project_dir", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--unresolved",
    is_flag=True,
    help="List only the strings that place no record, then as lines to paste into data/aliases.csv.",
)
@_friendly
def places(project_dir: Path, unresolved: bool) -> None:
    """Explain how every place string of a project resolves (default: the current folder).

    One line per distinct string: the place, its level and country, how it was found (exact, alias,
    code, fuzzy, user, coordinates, …) and how many rows use it; below it the candidates of an
    ambiguous string or suggestions for an unresolved one. The same data, per partner default
    country, is written to the private file .routemap/places.csv.
    """
    from routemap.project import open_project  # not the pipeline: no renderer is imported to explain places
    from routemap.render.tables import format_place_table

    result = open_project(project_dir).explain_places()
    for warning in result.warnings:  # each line names its file and says "error" or "warning"
        click.echo(warning, err=True)
    click.echo(format_place_table(result.table(unresolved=unresolved)))
    if unresolved and result.aliases:
        click.echo(f"\n{result.alias_lines()}")
    click.echo(f"\n{result.summary()}")
    click.echo(f"private place report: {result.path}")


@main.command(context_settings=CONTEXT)
@click.argument("project_dir", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--forget",
    metavar="ID",
    default=None,
    help="Forget releases that were never actually published: one id, a list (1,3) or a range (2-4).",
)
@_friendly
def releases(project_dir: Path, forget: str | None) -> None:
    """List what each build of a project published, when and from which data (private register).

    Every build that writes outputs is a release; the next build is published together with all of
    them, so that no figure can be worked out by setting two releases side by side. Forget a
    release only if its outputs never left your computer.
    """
    from routemap.releases import Register, parse_ids

    private = project_dir / ".routemap"
    register = Register(private)
    if forget is not None:
        gone = register.forget(parse_ids(forget))
        for release in gone:
            click.echo(f"forgot release {release.id} ({release.cut.describe()}, {release.created})")
        return
    if not len(register):
        click.echo(f"no release recorded in {private / 'releases'} yet: `routemap build` records one")
        return
    click.echo(f"{'id':>3}  {'published (UTC)':<25}  {'data':<16}  {'routes':>6}  cut, and where")
    for release in register:
        n = len(release.figures.get("routes", {}))
        where = f"; {release.out_dir}" if release.out_dir else ""
        click.echo(
            f"{release.id:>3}  {release.created:<25}  {release.data:<16}  {n:>6}  {release.cut.describe()}{where}"
        )


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Partner profile to apply [default: partner.toml in the folder or beside the file].",
)
@click.option("--all", "every_row", is_flag=True, help="One line per row and problem (default: one per problem).")
@_friendly
def validate(path: Path, profile_path: Path | None, every_row: bool) -> None:
    """Check a contribution file, or a partner folder, before sending it.

    Prints one line per problem (FILE:LINE: COLUMN: error|warning: message; LINE as the
    spreadsheet shows it; a problem of many rows once, with their number and the first of them),
    then a summary. Exit status: 0 no errors, 1 rows with errors, 2 a file
    that cannot be read. Nothing is written.
    """
    from routemap.validate import validate_path

    report = validate_path(path, profile_path=profile_path)
    for line in report.lines(every_row=every_row):
        click.echo(line)
    sys.exit(report.exit_code)


@main.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write [default: routemap-template-LANG.FORMAT].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="xlsx: dropdowns and a dictionary sheet; csv: a header and FILE.dictionary.csv beside it.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ms", "id"]),
    default="en",
    show_default=True,
    help="Language of headers, dictionary and dropdown labels (English, Malay, Indonesian).",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@_friendly
def template(out: Path | None, fmt: str, lang: str, force: bool) -> None:
    """Write a blank contribution template for partners to fill in."""
    from routemap.template import default_name, write_template

    target = out or Path(default_name(fmt=fmt, lang=lang))
    for path in write_template(target, fmt=fmt, lang=lang, overwrite=force):
        click.echo(f"wrote {path}")


_PSEUDONYMISE_HELP = """Replace an identifier column with person_key, a keyed hash, so duplicates can be counted once.

\b
routemap pseudonymise --new-key shared.key
routemap pseudonymise cases.xlsx --column "Passport no" --key-file shared.key -o cases-keyed.xlsx
"""


@main.command(context_settings=CONTEXT, help=_PSEUDONYMISE_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--column", default=None, help="Header of the identifier column (passport or case number).")
@click.option(
    "--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="The key file the partners share."
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The copy to write (.csv, or .xlsx for a workbook).",
)
@click.option("--sheet", default=None, help="Worksheet of an xlsx file [default: the first].")
@click.option("--as", "key_column", default="person_key", show_default=True, help="Header of the new column.")
@click.option(
    "--new-key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Make a new random key file (share it only with the other partners), then stop.",
)
@click.option("--force", is_flag=True, help="Replace the copy (-o) if it exists.")
@_friendly
def pseudonymise(
    file: Path | None,
    column: str | None,
    key_file: Path | None,
    out: Path | None,
    sheet: str | None,
    key_column: str,
    new_key: Path | None,
    force: bool,
) -> None:
    """Replace an identifier column with person_key, a keyed hash, so duplicates can be counted once."""
    from routemap._errors import ConfigError
    from routemap.pseudonymise import new_key as make_key
    from routemap.pseudonymise import pseudonymise_file

    if new_key is not None:
        if file is not None:
            raise ConfigError("--new-key makes a key and nothing else; run pseudonymise again to use it")
        click.echo(f"wrote {make_key(new_key)}: share it only with the partner organisations, never with the data")
        return
    if file is None or column is None or key_file is None or out is None:
        given = {"FILE": file, "--column": column, "--key-file": key_file, "-o": out}
        missing = ", ".join(name for name, value in given.items() if value is None)
        raise ConfigError(
            f"missing {missing}; e.g. routemap pseudonymise cases.csv --column Passport "
            "--key-file shared.key -o cases-keyed.csv (or --new-key KEY to make a key)"
        )
    result = pseudonymise_file(
        file, column=column, key_file=key_file, out=out, sheet=sheet, key_column=key_column, overwrite=force
    )
    click.echo(
        f"wrote {result.out}: {result.rows} rows, {result.keyed} with a {key_column} "
        f"({result.distinct} distinct); the column {column!r} is not in it"
    )


@main.command(context_settings=CONTEXT)
@click.argument("map_html", type=click.Path(dir_okay=False, path_type=Path), default=Path("output") / "map.html")
@click.option("--url", required=True, help="Address where map.html is published, e.g. https://example.org/map.html.")
@click.option("--title", default=None, help="Title of the frame for screen readers [default: the map's title].")
@click.option("--height", default="70vh", show_default=True, help="Height of the frame (CSS length: 70vh, 600px).")
@_friendly
def embed(map_html: Path, url: str, title: str | None, height: str) -> None:
    """Print an iframe snippet that embeds MAP_HTML (default output/map.html) in a web page."""
    from routemap.embed import iframe_snippet

    click.echo(iframe_snippet(map_html, url=url, title=title, height=height))


def run() -> None:
    """The ``routemap`` command: :func:`main`, then leave without tearing the interpreter down.

    Freeing a loaded place index object by object takes 0.1-0.2 s after the work is done (a fifth
    of ``validate``). The output is flushed first; nothing routemap leaves behind needs an exit
    handler (temporary folders are removed, the drawing process is joined, when each is done with).
    An error that is not a :class:`SystemExit` (a bug) leaves the usual way, with its traceback.
    """
    try:
        main()  # standalone: it always ends in SystemExit
    except SystemExit as exc:
        code = exc.code
        if code is not None and not isinstance(code, int):
            click.echo(code, err=True)
            code = 1
        logging.shutdown()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: as Python would, report failure
            code = code or 120
        os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
