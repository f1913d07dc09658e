"""routemap: map migration and trafficking routes from pooled partner case data.

The Python API (each name is imported when first used, so ``import routemap`` stays light)::

    import routemap

    publication = routemap.build("my-project")          # read -> … -> publish, and write output/
    publication.routes                                 # published routes (GeoDataFrame)
    project = routemap.open_project("my-project", focus="MY")
    pub = project.publish()                            # the same stages, nothing written
    pub.breakdown("sex"); pub.map(); pub.write("site/")

Errors a user can cause are :class:`routemap.errors.RoutemapError` subclasses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

#: The one place the version is written (pyproject.toml reads it from here): asking the installed
#: metadata for it costs every command 25 ms.
__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from routemap.disclosure import Publication
    from routemap.project import Project, open_project

__all__ = ["Project", "Publication", "__version__", "build", "open_project"]


def build(path: Any = ".", *, out_dir: Any = None, formats: Any = None, **settings: Any) -> Publication:
    """Build a project and write its outputs; return what was published.

    Parameters
    ----------
    path
        The project folder.
    out_dir
        Where outputs go (default ``<path>/output``).
    formats
        Output formats (default all; see ``routemap build --formats``).
    **settings
        Settings that win over ``routemap.toml`` (``level``, ``focus``, ``min_count``, ``years``, …).

    Returns
    -------
    Publication
        The published figures every output was written from.
    """
    from routemap.pipeline import build as _build

    result = _build(path, out_dir=out_dir, formats=formats, **settings)
    assert result.publication is not None
    return result.publication


def __getattr__(name: str) -> Any:
    if name in ("open_project", "Project"):
        from routemap import project

        return getattr(project, name)
    if name == "Publication":
        from routemap.disclosure import Publication

        return Publication
    raise AttributeError(f"module 'routemap' has no attribute {name!r}")
