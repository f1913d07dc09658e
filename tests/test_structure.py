import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "routemap"

#: Every module of the package, held to the size limits (issue #19).
MODULES = tuple(sorted(path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py")))
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 80


@pytest.mark.parametrize("name", MODULES)
def test_modules_and_functions_stay_small(name):
    path = SRC / name
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{name} has {len(text.splitlines())} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


def test_reading_contributions_does_not_import_later_stages():
    code = (
        "import sys, routemap.contributions;"
        "later = ('routemap.places', 'routemap._gazetteer', 'routemap.routes', 'routemap.aggregate',"
        " 'routemap.disclosure', 'routemap.render');"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(later))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


#: Stages a renderer must not reach into: it takes a Publication and nothing else (issue #19).
BEFORE_THE_GATE = ("routemap.contributions", "routemap.places", "routemap.routes", "routemap.aggregate")


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules a file imports when it runs (imports under ``if TYPE_CHECKING:`` are for types only)."""
    typing_only = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for stmt in branch.body
        for node in ast.walk(stmt)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("name", [m for m in MODULES if m.startswith("render/")])
def test_renderers_import_no_stage_before_the_disclosure_gate(name):
    tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
    bad = [m for m in _runtime_imports(tree) if m.startswith(BEFORE_THE_GATE)]
    assert not bad, f"{name} imports {', '.join(bad)}: a renderer takes a Publication and nothing else"


def test_the_readme_lists_every_file_the_format_registry_writes():
    from routemap.render.formats import OUTPUT_FILES, REGISTRY

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Outputs", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in OUTPUT_FILES if name not in section]
    assert not missing, f"README's Outputs table does not list {missing}"
    assert all(f"(`{f.name}`" in section for f in REGISTRY), "every format is named beside its files"


def test_a_file_no_format_writes_is_refused_by_the_leak_check(tmp_path):
    from routemap.audit import Canaries, scan
    from routemap.render.formats import registered

    (tmp_path / "routes.csv").write_text("rank,route\n1,Indonesia > Johor\n", encoding="utf-8")
    (tmp_path / "map.html").write_text("<p>map</p>", encoding="utf-8")
    (tmp_path / "debug.csv").write_text("case,name\n1,Siti\n", encoding="utf-8")
    findings = scan(tmp_path, Canaries(), expected=lambda name: registered(name, ("csv",)))
    assert [(f.file, f.kind) for f in findings] == [("debug.csv", "file no output format writes")]
    assert scan(tmp_path, Canaries(), expected=lambda name: registered(name, ("xlsx",)))[0].file == "debug.csv"


HEAVY = ("matplotlib", "geopandas", "pyogrio", "shapely", "folium")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "data/contributions/migrant-worker-legal-aid/cases.csv"],
        ["places", "."],
    ],
)
def test_validate_and_places_import_no_renderer_or_gis_library(args, tmp_path):
    import shutil

    root = Path(__file__).parents[1]
    shutil.copytree(root / "data", tmp_path / "data")
    shutil.copy(root / "routemap.toml", tmp_path / "routemap.toml")
    code = (
        "import sys; from routemap.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', ' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path, check=True)
    loaded = out.stdout.strip().splitlines()[-1]
    assert loaded == "LOADED", f"routemap {args[0]} imported {loaded.removeprefix('LOADED ')}"
