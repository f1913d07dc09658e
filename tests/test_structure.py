import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "routemap"

#: Modules held to the size limits; extend the list as modules are brought under them.
SIZED_MODULES = (
    "_countries.py",
    "_counts.py",
    "_outdir.py",
    "_parse.py",
    "_years.py",
    "contributions.py",
    "filters.py",
    "profile.py",
    "records.py",
    "readers/__init__.py",
    "readers/csv.py",
    "readers/sniff.py",
    "readers/table.py",
    "readers/xlsx.py",
)
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 80


@pytest.mark.parametrize("name", SIZED_MODULES)
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
