"""Benchmark routemap builds at 10k, 100k and 1M records against the floor of what the hardware does.

    python benchmarks/run.py                    # 10k, 100k, 1M records; map benchmark; prints a report
    python benchmarks/run.py --sizes 10000 100000 --no-map --no-small
    python benchmarks/run.py --write benchmarks/RESULTS.md

For each size a synthetic project is generated (benchmarks/generate.py: messy place strings, three
languages, CSV with ',' and ';', Windows-1252), then built with every output format in a fresh
process, which reports the wall time of each stage and its peak memory (``resource.getrusage``, the
process and its reader processes). In the same run, the floor for the same files: the fastest CSV
reader installed (pyarrow's ``read_csv`` where pyarrow is, else pandas' C parser, which routemap
uses) on every CSV, plus one pandas groupby on the raw origin/transit/destination columns.
The ratio read-to-aggregate / floor is the overhead of everything routemap does to turn rows into
routes: mapping, validation, place resolution, routing. These projects are CSV only, so that the
floor reads the same files; one more 100k project has two of its six partners in xlsx, to show
what Excel files cost (openpyxl reads about 30k rows a second).

Place resolution is shown at 100k and 1M records, which use the same distinct place strings: its
cost follows the distinct strings, not the rows. The map benchmark (benchmarks/map_bench.py) loads
a 2,000-leg, 500-place map and geopandas ``explore()`` of the same legs in headless Chromium.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
STAGES = ("read", "resolve", "route", "aggregate", "disclosure", "render", "leak check", "write")

CHILD = r"""
import json, resource, sys, time
from routemap.pipeline import build
project = sys.argv[1]
t0 = time.perf_counter()
result = build(project, out_dir=project + "/output")
total = time.perf_counter() - t0
places = sum(1 for _ in open(project + "/.routemap/places.csv", encoding="utf-8")) - 1
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"timings": result.timings, "total": total, "peak_mb": peak / 1024,
                  "rows": result.totals["rows_read"], "routes": result.totals["routes"],
                  "published": result.totals["routes_published"], "distinct_places": places,
                  "outputs": len(result.outputs)}))
"""

FLOOR = r"""
import glob, importlib.util, json, sys, time
import pandas as pd
arrow = importlib.util.find_spec("pyarrow") is not None
if arrow:
    from pyarrow import csv as pacsv
project = sys.argv[1]
t0 = time.perf_counter()
frames = []
for path in sorted(glob.glob(project + "/data/contributions/*/*.csv")):
    malay = path.endswith("kes.csv")
    if arrow:
        table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding="cp1252" if malay else "utf8"),
                               parse_options=pacsv.ParseOptions(delimiter=";" if malay else ","))
        frame = table.to_pandas()
    else:
        frame = pd.read_csv(path, sep=";" if malay else ",", encoding="cp1252" if malay else "utf-8",
                            dtype=object, na_filter=False, engine="c")
    frames.append(frame.iloc[:, [2, 3, 4]].set_axis(["origin", "transit", "destination"], axis=1))
raw = pd.concat(frames, ignore_index=True)
groups = raw.groupby(["origin", "transit", "destination"], dropna=False).size()
print(json.dumps({"floor": time.perf_counter() - t0, "rows": len(raw), "groups": len(groups),
                  "floor_reader": "pyarrow" if arrow else "pandas"}))
"""


def _run(code: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def measure_builds(sizes: list[int], workdir: Path, *, xlsx: bool = False, repeat: int = 3) -> list[dict]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    results = []
    for n in sizes:
        project = workdir / f"n{n}{'-xlsx' if xlsx else ''}"
        t0 = time.perf_counter()
        generate(project, records=n, partners=6, xlsx=xlsx)
        gen = time.perf_counter() - t0
        _run(CHILD, str(project))  # warm: the gazetteer cache and imports are out of the timed run
        # a shared machine is noisy: the best of a few runs, of the build and of the floor alike
        builds = [_run(CHILD, str(project)) for _ in range(repeat)]
        build = min(builds, key=lambda b: b["total"])
        build["timings"] = {s: min(b["timings"].get(s, 0.0) for b in builds) for s in STAGES}
        build["total_runs"] = [round(b["total"], 2) for b in builds]
        floor = min((_run(FLOOR, str(project)) for _ in range(repeat)), key=lambda f: f["floor"])
        size_mb = sum(p.stat().st_size for p in (project / "data").rglob("*") if p.is_file()) / 1e6
        results.append({"records": n, "input_mb": size_mb, "generate": gen, "xlsx": xlsx, **build, **floor})
        print(_build_line(results[-1]), flush=True)
    return results


def _read_to_aggregate(r: dict) -> float:
    return sum(r["timings"].get(s, 0.0) for s in ("read", "resolve", "route", "aggregate"))


def _build_line(r: dict) -> str:
    stages = "  ".join(f"{s} {r['timings'].get(s, 0.0):.2f}" for s in STAGES)
    rta = _read_to_aggregate(r)
    if r.get("xlsx"):
        return (
            f"{r['records']:>9,} records, 2 of 6 partners in xlsx ({r['input_mb']:.1f} MB): total {r['total']:.2f} s, "
            f"read {r['timings'].get('read', 0.0):.2f} s, peak {r['peak_mb']:,.0f} MB"
        )
    return (
        f"{r['records']:>9,} records ({r['input_mb']:.1f} MB, {r['distinct_places']} distinct place strings, "
        f"{r['routes']:,} routes): total {r['total']:.2f} s, peak {r['peak_mb']:,.0f} MB\n"
        f"    stages (s): {stages}\n"
        f"    floor ({r.get('floor_reader', 'pyarrow')} read + groupby of the CSVs): {r['floor']:.2f} s; "
        f"read-to-aggregate {rta:.2f} s "
        f"= {rta / r['floor']:.1f} x floor; whole build = {r['total'] / r['floor']:.1f} x floor"
    )


def measure_map(runs: int) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(
        [sys.executable, str(HERE / "map_bench.py"), "--legs", "1000", "2000", "--places", "500", "--runs", str(runs)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return (out.stdout + out.stderr).strip()


def report(results: list[dict], map_text: str, small_text: str = "") -> str:
    lines = [
        "# routemap benchmark results",
        "",
        f"Measured {dt.date.today().isoformat()} on {_machine()}.",
        "Each build ran in a fresh process after a warm-up build; stage times are the best of the timed runs,",
        "and so is the floor. Totals of every timed run are listed under the table.",
        "Regenerate with `python benchmarks/run.py --write benchmarks/RESULTS.md` (see README, Benchmarks).",
        "",
        *(
            [
                "## The projects people actually have (benchmarks/small.py)",
                "",
                "Wall time of the whole command in a fresh process; the floor is a fresh Python process that",
                "imports pandas and reads the same input files.",
                "",
                "```",
                small_text,
                "```",
                "",
            ]
            if small_text
            else []
        ),
        "## Builds (all output formats)",
        "",
        "| records | input | distinct place strings | routes | read | resolve | route | aggregate | disclosure |"
        " render | leak check | write | total | peak memory | floor | read-to-aggregate / floor |",
        "|" + "---:|" * 16,
    ]
    for r in (r for r in results if not r.get("xlsx")):
        t = r["timings"]
        rta = _read_to_aggregate(r)
        lines.append(
            f"| {r['records']:,} | {r['input_mb']:.1f} MB | {r['distinct_places']} | {r['routes']:,} | "
            + " | ".join(f"{t.get(s, 0.0):.2f}" for s in STAGES)
            + f" | {r['total']:.2f} s | {r['peak_mb']:,.0f} MB | {r['floor']:.2f} s | {rta / r['floor']:.1f} x |"
        )
    lines += [""] + [
        f"- {r['records']:,} records: totals of the timed runs {r['total_runs']} s"
        for r in results
        if not r.get("xlsx")
    ]
    for r in (r for r in results if r.get("xlsx")):
        lines += ["", f"With Excel files: {_build_line(r).strip()}."]
    by_n = {r["records"]: r for r in results if not r.get("xlsx")}
    if 100_000 in by_n and 1_000_000 in by_n:
        a, b = by_n[100_000], by_n[1_000_000]
        lines += [
            "",
            "## Place resolution follows distinct strings, not rows",
            "",
            f"100k records: {a['distinct_places']} distinct strings, resolve {a['timings']['resolve']:.2f} s; "
            f"1M records: {b['distinct_places']} distinct strings, resolve {b['timings']['resolve']:.2f} s "
            f"({b['timings']['resolve'] / a['timings']['resolve']:.1f} x for 10 x the rows).",
        ]
    if map_text:
        clean = "warning:" not in map_text
        lines += [
            "",
            "## Map in headless Chromium vs geopandas explore()",
            "",
            "Both pages loaded in the same Chromium run, every asset served locally; "
            + (
                "no console error and no failed request in any load."
                if clean
                else "console errors or failed requests were reported (see below)."
            ),
            "",
            "```",
            map_text,
            "```",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-map", action="store_true", help="skip the browser benchmark")
    parser.add_argument("--runs", type=int, default=5, help="page loads per map (median shown)")
    parser.add_argument("--write", type=Path, default=None, help="also write the report (Markdown) here")
    parser.add_argument("--xlsx-size", type=int, default=100_000, help="records of the project with xlsx (0: none)")
    parser.add_argument("--repeat", type=int, default=3, help="timed builds (and floors) per size; the best is shown")
    parser.add_argument("--no-small", action="store_true", help="skip the small cases (benchmarks/small.py)")
    args = parser.parse_args()
    small_text = ""
    if not args.no_small:
        sys.path.insert(0, str(HERE))
        from small import measure as measure_small

        with tempfile.TemporaryDirectory(prefix="routemap-small-") as tmp:
            small_text = measure_small(Path(tmp), args.repeat)
        print(small_text)
    with tempfile.TemporaryDirectory(prefix="routemap-bench-") as tmp:
        results = measure_builds(args.sizes, Path(tmp), repeat=args.repeat)
        if args.xlsx_size:
            results += measure_builds([args.xlsx_size], Path(tmp), xlsx=True, repeat=1)
    map_text = "" if args.no_map else measure_map(args.runs)
    if map_text:
        print(map_text)
    text = report(results, map_text, small_text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
