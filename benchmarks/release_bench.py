"""What disclosure control and the release register cost: time at 1M records, size for 20 releases.

    python benchmarks/release_bench.py                 # 1M records, 20 sample releases
    python benchmarks/release_bench.py --records 100000 --releases 10
    python benchmarks/release_bench.py --cuts 2 --releases 0   # the first release and a rebuild only

Part 1 generates a synthetic project (benchmarks/generate.py) and builds it, in fresh processes,
as a coalition would publish it: a first release, the same cut again (an update with no change),
the same data at state level for Malaysia, a shorter period, and new data (one more partner file).
For each it prints the build's total time, the time of the disclosure gate and of the release
register (fine routes of every record, the linkage rules, the audit over every release and writing
the register) and the register's share of the build. Part 2 builds copies of the bundled sample
project 20 times over different cuts and data versions and prints the size of the register on disk; part 3
builds the sample's yearly reports, each period longer than the last, and prints how many were refused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys, time
from routemap.pipeline import build
project, settings = sys.argv[1], json.loads(sys.argv[2])
t0 = time.perf_counter()
result = build(project, formats=settings.pop("formats", None), **settings)
total = time.perf_counter() - t0
print(json.dumps({"timings": result.timings, "total": total, "routes": result.totals["routes_published"]}))
"""

#: (name, settings) of the releases of part 1, in order.
CUTS: list[tuple[str, dict]] = [
    ("first release (country level)", {}),
    ("same cut, same data again", {}),
    ("state level, focus Malaysia", {"level": "admin1", "focus": "MY"}),
    ("shorter period", {"years": "2019-2022"}),
    ("new data (one more file), country", {}),
]


def _run(project: Path, settings: dict) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(project), json.dumps(settings)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def part1(records: int, workdir: Path, cuts: int = len(CUTS)) -> list[tuple[str, dict]]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    project = generate(workdir / f"n{records}", records=records, partners=6, xlsx=False)
    _run(project, {"formats": "csv"})  # warm: gazetteer cache and imports out of the timed runs
    shutil.rmtree(project / ".routemap")
    shutil.rmtree(project / "output", ignore_errors=True)
    results = []
    for i, (name, settings) in enumerate(CUTS[:cuts]):
        if i == len(CUTS) - 1:
            extra = generate(workdir / "extra", records=max(records // 100, 100), partners=1, seed=11, xlsx=False)
            shutil.copytree(extra / "data" / "contributions" / "partner-00", project / "data" / "contributions" / "zz")
        result = _run(project, {"formats": None, **settings})
        result["register_kb"] = _size(project / ".routemap" / "releases") / 1024
        results.append((name, result))
        print(_line(name, result), flush=True)
    return results


def _line(name: str, r: dict) -> str:
    if "error" in r:
        return f"{name:<36} refused: {r['error'][:120]}"
    t = r["timings"]
    releases = t.get("releases", 0.0)
    return (
        f"{name:<36} total {r['total']:6.2f} s  disclosure {t.get('disclosure', 0):5.2f} s  "
        f"register {releases:5.2f} s ({100 * releases / r['total']:4.1f}% of the build)  "
        f"leak check {t.get('leak check', 0):5.2f} s  routes {r['routes']:,}  register {r['register_kb']:,.0f} kB"
    )


#: Cuts of the sample's releases in part 2, used in turn.
SAMPLE_CUTS: list[dict] = [
    {},
    {"level": "admin1", "focus": "MY"},
    {"years": "2019-2022"},
    {"min_count": 10},
    {"level": "admin1", "focus": "MY", "years": "2020-2023"},
]


def part2(releases: int, workdir: Path) -> None:
    project = workdir / "sample"
    project.mkdir()
    shutil.copy(REPO / "routemap.toml", project / "routemap.toml")
    shutil.copytree(REPO / "data", project / "data")
    refused = crashed = 0
    for i in range(releases):
        if i and i % len(SAMPLE_CUTS) == 0:  # a new data version every round of cuts
            for path in sorted((project / "data" / "contributions").rglob("*.csv"))[:1]:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
                path.write_text("\n".join([*lines, *lines[1 : 1 + 40 * i]]) + "\n", encoding="utf-8")
        result = _run(project, {"formats": "csv", **SAMPLE_CUTS[i % len(SAMPLE_CUTS)]})
        refused += "DisclosureError" in result.get("error", "")  # a refusal with its message
        crashed += "error" in result and "DisclosureError" not in result["error"]  # anything else is a bug
    register = project / ".routemap" / "releases"
    files = sorted(p for p in register.iterdir() if p.is_file())
    print(
        f"sample: {releases} builds ({refused} refused by the audit, {crashed} failed otherwise), "
        f"register {_size(register) / 1024:,.0f} kB "
        f"in {len(files)} files; largest {max(p.stat().st_size for p in files) / 1024:,.0f} kB"
    )


#: Part 3: a coalition's yearly reports, each period longer than the last, at country and state level.
GROWING: list[dict] = [
    {"years": "2021"},
    {"years": "2020-2021"},
    {"years": "2019-2021"},
    {},
    {"level": "admin1", "focus": "MY", "years": "2021"},
    {"level": "admin1", "focus": "MY", "years": "2020-2021"},
    {"level": "admin1", "focus": "MY"},
]


def part3(workdir: Path) -> None:
    project = workdir / "growing"
    project.mkdir()
    shutil.copy(REPO / "routemap.toml", project / "routemap.toml")
    shutil.copytree(REPO / "data", project / "data")
    refused = [json.dumps(cut) for cut in GROWING if "error" in _run(project, {"formats": "csv", **cut})]
    print(f"sample, periods growing: {len(GROWING)} builds, {len(refused)} refused {' '.join(refused)}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--releases", type=int, default=20)
    parser.add_argument("--cuts", type=int, default=len(CUTS), help="only the first N releases of part 1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="routemap-release-bench-") as tmp:
        part1(args.records, Path(tmp), args.cuts)
        if args.releases:
            part2(args.releases, Path(tmp))
            part3(Path(tmp))


if __name__ == "__main__":
    main()
