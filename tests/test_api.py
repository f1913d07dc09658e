"""The Python API as a notebook uses it: open a project, run its stages, keep the publication."""

from __future__ import annotations

import csv
import dataclasses
import sys
from pathlib import Path

import geopandas as gpd
import pytest

import routemap
from routemap.errors import ConfigError, DisclosureError, RoutemapError


def test_build_returns_the_publication_and_writes_the_outputs(sample_project: Path):
    pub = routemap.build(sample_project, formats="csv")
    assert isinstance(pub, routemap.Publication)
    assert isinstance(pub.routes, gpd.GeoDataFrame) and pub.routes.crs.to_epsg() == 4326
    with (sample_project / "output" / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        written = {r["route"]: int(r["persons"]) for r in csv.DictReader(fh)}
    # the GeoDataFrame holds exactly the published routes, with the published counts
    assert dict(zip(pub.routes["label"], pub.routes["persons"], strict=True)) == written
    assert min(written.values()) >= 5
    assert {"pct_women", "pct_children", "top_sector", "share", "geometry"} <= set(pub.routes.columns)


def test_stages_run_once_and_settings_override_the_file(sample_project: Path):
    project = routemap.open_project(sample_project, level="country", focus="")  # "" clears the file's focus
    assert project.settings.level == "country" and project.settings.focus is None
    contributions = project.read()
    assert project.read() is contributions  # kept, not read again
    pub = project.publish()
    assert pub is project.publish()
    assert all(" > " not in s or "country:" in s for s in pub.stops)
    assert set(project.timings) >= {"read", "resolve", "route", "aggregate", "disclosure"}
    sexes = pub.breakdown("sex")
    assert set(sexes["shown"]) <= {"<5", "x"} | {str(n) for n in range(5, 10_000)}
    assert "<iframe" not in pub._repr_html_() and "published routes" in pub._repr_html_()


def test_a_publication_writes_itself_through_the_leak_check(sample_project: Path, tmp_path: Path):
    pub = routemap.open_project(sample_project).publish()
    files = pub.write(tmp_path / "site", formats="csv,md")
    assert "routes.csv" in files and (tmp_path / "site" / "routes.md").exists()
    orphan = dataclasses.replace(pub, _writer=None)
    with pytest.raises(DisclosureError, match="not made by a project"):
        orphan.write(tmp_path / "other")


def test_the_map_is_a_folium_map(sample_project: Path):
    fmap = routemap.open_project(sample_project).publish().map()
    assert type(fmap).__name__ == "Map" and "routemapFlows" in fmap.get_root().render()


def test_errors_are_public_and_name_the_setting(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist"):
        routemap.open_project(tmp_path / "nowhere")
    tmp_path.joinpath("p").mkdir()
    with pytest.raises(RoutemapError, match="unknown setting 'min_cont'"):
        routemap.open_project(tmp_path / "p", min_cont=3)
    with pytest.raises(ConfigError, match="allow_small_counts = true"):
        routemap.open_project(tmp_path / "p", min_count=3)
    assert routemap.open_project(tmp_path / "p", min_count=3, allow_small_counts=True).settings.min_count == 3


def test_importing_routemap_is_light():
    code = "import sys, routemap; print(sorted(m for m in ('geopandas', 'folium', 'matplotlib') if m in sys.modules))"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
