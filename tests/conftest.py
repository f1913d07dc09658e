"""Shared fixtures: the repository's sample project, a loaded gazetteer, small project builders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from routemap.places import Gazetteer

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def _shared_dir() -> Path:
    """The workplace's shared folder: ``ROUTEMAP_SHARED_DIR``, else ``../shared`` beside the repository.

    Real published data is read from there by path and never copied into the repository.
    """
    env = os.environ.get("ROUTEMAP_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


SHARED = _shared_dir()
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of the repository's sample project (routemap.toml, data/) in a temporary folder."""
    project = tmp_path / "sample"
    project.mkdir()
    shutil.copy(REPO / "routemap.toml", project / "routemap.toml")
    shutil.copytree(REPO / "data", project / "data")
    return project


ProjectMaker = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectMaker:
    """Build a project folder from {partner: {file name: text or bytes}} and optional toml texts."""

    def make(
        partners: dict[str, dict[str, str | bytes]],
        *,
        settings: str | None = None,
        places_csv: str | None = None,
        name: str = "project",
    ) -> Path:
        project = tmp_path / name
        for partner, files in partners.items():
            folder = project / "data" / "contributions" / partner
            folder.mkdir(parents=True, exist_ok=True)
            for file_name, content in files.items():
                path = folder / file_name
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content, encoding="utf-8")
        if settings is not None:
            (project / "routemap.toml").write_text(settings, encoding="utf-8")
        if places_csv is not None:
            (project / "data" / "places.csv").write_text(places_csv, encoding="utf-8")
        return project

    return make


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
