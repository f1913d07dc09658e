"""pyarrow, the optional accelerator (routemap[fast]): a build with it publishes exactly what one without it does."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routemap._optional import have_pyarrow
from routemap.readers.csv import FAST_CSV_MIN_BYTES

REPO = Path(__file__).resolve().parents[1]
#: Builds the project in a fresh process, with pyarrow blocked when asked (as pandas and routemap then see it).
BUILD = (
    "import sys\n"
    "if sys.argv[3] == 'blocked': sys.modules['pyarrow'] = None\n"
    "from routemap._optional import have_pyarrow\n"
    "from routemap.pipeline import build\n"
    "assert have_pyarrow() == (sys.argv[3] == 'installed')\n"
    "build(sys.argv[1], out_dir=sys.argv[2], formats=('csv', 'html', 'geojson', 'xlsx', 'md'))\n"
    "assert ('pyarrow' in sys.modules and sys.modules['pyarrow'] is not None) == (sys.argv[3] == 'installed')\n"
)


def _build(project: Path, out: Path, arrow: str) -> None:
    done = subprocess.run([sys.executable, "-c", BUILD, str(project), str(out), arrow], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_have_pyarrow_says_what_an_import_would_find():
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        assert not have_pyarrow()
    else:
        assert have_pyarrow()


@pytest.mark.skipif(not have_pyarrow(), reason="pyarrow is not installed: the second pass of scripts/test installs it")
def test_a_build_with_pyarrow_publishes_the_bytes_of_one_without(tmp_path: Path):
    # large files, so that the fast CSV path reads them (Arrow's with pyarrow, pandas' C parser without)
    project = tmp_path / "with"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "generate.py"),
            str(project),
            "--records",
            "24000",
            "--partners",
            "3",
        ],
        check=True,
        capture_output=True,
    )
    files = sorted(p for p in (project / "data" / "contributions").rglob("*.csv"))
    assert files and all(p.stat().st_size > FAST_CSV_MIN_BYTES for p in files)
    shutil.copytree(project, tmp_path / "without")
    _build(project, tmp_path / "out-with", "installed")
    _build(tmp_path / "without", tmp_path / "out-without", "blocked")
    published = sorted(p.name for p in (tmp_path / "out-with").iterdir())
    assert published == sorted(p.name for p in (tmp_path / "out-without").iterdir())
    assert {"routes.csv", "map.html", "report.html", "routes.geojson", "routes.md"} <= set(published)
    for name in published:
        if name.endswith((".csv", ".html", ".geojson", ".md", ".json")):
            assert (tmp_path / "out-with" / name).read_bytes() == (tmp_path / "out-without" / name).read_bytes(), name
    # the private row-level records: the same cells (pyarrow's writer quotes every text cell)
    private = [_rows(folder / ".routemap" / "records.csv") for folder in (project, tmp_path / "without")]
    assert len(private[0]) == len(private[1]) > 24000 // 2 and private[0] == private[1]
