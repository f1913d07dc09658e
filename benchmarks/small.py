"""The projects people actually have: the sample and 5k records, cold and warm, `validate`, install size.

    python benchmarks/small.py                 # prints the figures (also run by benchmarks/run.py)
    python benchmarks/small.py --repeat 5

Every figure is the wall time of the whole command in a fresh process, as a user waits for it
(interpreter start, imports, work), best and median of ``--repeat`` runs:

- the bundled sample (1,980 rows from three partners, one of whom sends an xlsx file too), every
  output format: warm (place index cached) and on a first run (an empty ``ROUTEMAP_CACHE_DIR``, so
  the index is built);
- ``routemap validate`` of a 2,000-row CSV (the sample's Malaysian partner's file, repeated);
- 5,000 synthetic records in 3 partners, one of them in xlsx (benchmarks/generate.py), every format;
- the disk taken by routemap's runtime dependencies as installed here (every file of every
  distribution ``pip install .`` pulls in, from pyproject.toml's dependencies and, below them, the
  installed-files records of each).

Each has its floor: a fresh Python process that imports pandas and reads the same input files
(python-calamine for xlsx), the least any Python tool that reads them must do.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
COMMAND = "import sys; from routemap.cli import run; sys.argv[0] = 'routemap'; run()"
FLOOR = r"""
import sys
from pathlib import Path
import pandas as pd
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix == ".csv":
        pd.read_csv(path, sep=None, engine="python", encoding="utf-8", encoding_errors="replace", dtype=str)
    elif path.suffix == ".xlsx":
        import python_calamine
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
"""


#: Compiled bytecode, as an installed package has it (pip compiles it at install time). Kept out of the
#: source tree; without it every command here would compile routemap's modules again (PYTHONDONTWRITEBYTECODE
#: is set on some machines).
PYCACHE = Path(tempfile.gettempdir()) / "routemap-bench-pycache"


def _env(cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    if cache is not None:
        env["ROUTEMAP_CACHE_DIR"] = str(cache)
    return env


def _time(args: list[str], *, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - t0
    if out.returncode not in ok:
        raise SystemExit(f"{' '.join(args[:4])}… failed ({out.returncode}): {out.stderr.strip()[-400:]}")
    return took


def _runs(args: list[str], repeat: int, *, env: dict[str, str], before=None, ok: tuple[int, ...] = (0,)) -> list[float]:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        times.append(_time(args, env=env, ok=ok))
    return times


def _line(name: str, times: list[float], floor: list[float], target: str) -> str:
    best, median = min(times), statistics.median(times)
    return (
        f"{name:<46} best {best:5.2f} s  median {median:5.2f} s  floor {min(floor):4.2f} s  "
        f"({best / min(floor):4.1f} x)  target {target}"
    )


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(REPO / "routemap.toml", folder / "routemap.toml")
    shutil.copytree(REPO / "data", folder / "data")
    return folder


def _fresh_outputs(project: Path) -> None:
    """Each timed build starts as a first release would: no register, no earlier outputs."""
    shutil.rmtree(project / ".routemap", ignore_errors=True)
    shutil.rmtree(project / "output", ignore_errors=True)


def install_size() -> tuple[int, list[tuple[str, int]]]:
    """Bytes on disk of routemap's runtime dependency closure, as installed in this environment."""
    import tomllib

    seen: dict[str, int] = {"routemap": 0}
    # the root's requirements from pyproject.toml: an editable install's metadata may be older
    todo = list(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"])
    while todo:
        name = re.split(r"[\s;<>=!\[~(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        size = 0
        for file in dist.files or []:
            with contextlib.suppress(OSError):
                size += Path(dist.locate_file(file)).stat().st_size
        seen[name] = size
        todo += [r for r in dist.requires or [] if "extra ==" not in r]
    return sum(seen.values()), sorted(seen.items(), key=lambda kv: -kv[1])


def measure(workdir: Path, repeat: int = 3) -> str:
    """The small cases' report, one line each (see the module docstring)."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    python = sys.executable
    lines = []
    sample = _project(workdir / "sample")
    floor_sample = _runs([python, "-c", FLOOR, str(sample / "data")], repeat, env=_env())
    build = [python, "-c", COMMAND, "build", str(sample), "-q"]
    _time(build, env=_env())  # warm: the place index is in the user's cache
    warm = _runs(build, repeat, env=_env(), before=lambda: _fresh_outputs(sample))

    def empty_cache() -> None:
        _fresh_outputs(sample)
        shutil.rmtree(workdir / "cache", ignore_errors=True)

    cold = _runs(build, max(1, repeat - 1), env=_env(workdir / "cache"), before=empty_cache)
    lines.append(_line("sample, every format, warm", warm, floor_sample, "< 1.5 s"))
    lines.append(_line("sample, every format, first run (empty cache)", cold, floor_sample, "< 3 s"))

    rows = (sample / "data" / "contributions" / "pusat-sokongan-pekerja" / "kes_2018_2024.csv").read_text(
        encoding="utf-8-sig"
    )
    header, *body = rows.splitlines()
    partner = workdir / "validate" / "p"
    partner.mkdir(parents=True)
    shutil.copy(sample / "data" / "contributions" / "pusat-sokongan-pekerja" / "partner.toml", partner)
    body = (body * (2000 // len(body) + 1))[:2000]
    (partner / "cases.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    floor_validate = _runs([python, "-c", FLOOR, str(partner)], repeat, env=_env())
    profile = str(partner / "partner.toml")
    validate = [python, "-c", COMMAND, "validate", str(partner / "cases.csv"), "--profile", profile]
    times = _runs(validate, repeat, env=_env(), ok=(0, 1))
    lines.append(_line("validate, a 2,000-row CSV", times, floor_validate, "< 0.5 s"))

    five = generate(workdir / "n5000", records=5000, partners=3, xlsx=True)
    floor_five = _runs([python, "-c", FLOOR, str(five / "data")], repeat, env=_env())
    build5 = [python, "-c", COMMAND, "build", str(five), "-q"]
    times = _runs(build5, repeat, env=_env(), before=lambda: _fresh_outputs(five))
    lines.append(_line("5,000 records, 3 partners, 1 in xlsx", times, floor_five, "—"))

    total, parts = install_size()
    top = ", ".join(f"{name} {size / 2**20:.0f}" for name, size in parts[:6])
    lines.append(f"{'install: runtime dependency closure':<46} {total / 2**20:,.0f} MB ({top} MB, …)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="routemap-small-") as tmp:
        print(measure(Path(tmp), args.repeat))


if __name__ == "__main__":
    main()
