"""The ``routemap`` command line: a thin click layer over the Python API."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from routemap import __version__
from routemap._errors import RoutemapError
from routemap.config import LEVELS

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _friendly(fn: F) -> F:
    """Turn a :class:`RoutemapError` into a message on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RoutemapError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


class _Progress:
    """A click progress bar per stage on stderr, only when stderr is a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=max(total, 1), label=f"{stage:<9}", file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
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
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder [default: PROJECT_DIR/output].",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@_friendly
def build(
    project_dir: Path, level: str | None, focus: str | None, min_count: int | None, out_dir: Path | None, quiet: bool
) -> None:
    """Build the map and route table of a project folder (default: the current folder)."""
    from routemap.pipeline import build as run_build

    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        result = run_build(
            project_dir, level=level, focus=focus, min_count=min_count, out_dir=out_dir, progress=progress
        )
    finally:
        progress.close()
    if quiet:
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    t = result.totals
    click.echo(
        f"read {t['rows_read']} rows from {len(result.files)} file(s): {t['accepted']} accepted, "
        f"{t['rejected']} rejected, {t['merged']} merged as duplicates; {t['routable']} routable"
    )
    click.echo(
        f"routes: {t['routes_published']} published, {t['routes_suppressed']} below {result.settings.min_count} "
        f"(shown as <{result.settings.min_count}); map draws {result.drawn.get('legs', 0)} legs and "
        f"{result.drawn.get('places', 0)} places"
    )
    click.echo(f"wrote {', '.join(result.outputs)} to {result.out_dir}")
    click.echo(f"private build record: {result.private_dir / 'build.json'} (rejects.csv, places.csv beside it)")


@main.command(context_settings=CONTEXT)
@click.argument("project_dir", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--unresolved", is_flag=True, help="List only the strings that place no record.")
@_friendly
def places(project_dir: Path, unresolved: bool) -> None:
    """Explain how every place string of a project resolves (default: the current folder).

    One line per distinct string: the place, its level and country, how it was found (exact, alias,
    code, fuzzy, user, coordinates, …) and how many rows use it; below it the candidates of an
    ambiguous string or suggestions for an unresolved one. The same data, per partner default
    country, is written to the private file .routemap/places.csv.
    """
    from routemap.pipeline import explain_places
    from routemap.render.tables import format_place_table

    result = explain_places(project_dir)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(format_place_table(result.table(unresolved=unresolved)))
    click.echo(f"\n{result.summary()}")
    click.echo(f"private place report: {result.path}")


if __name__ == "__main__":  # pragma: no cover
    main()
