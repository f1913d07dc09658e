"""A profile's [filter] on a published table: 1M rows keeping 10% against the same 100k rows unfiltered.

    python benchmarks/filter_bench.py            # prints the figures
    python benchmarks/filter_bench.py --runs 5

Two projects of a GLOTIP-shaped CSV (Iso3_code, Country, Indicator, Dimension, Category, Sex, Age,
Year, txtVALUE): one holds 1,000,000 rows of which 100,000 are detected victims by citizenship for all
sexes and ages (the rest other indicators, dimensions, sexes and ages) and a profile with [filter];
the other holds exactly those 100,000 rows and the same profile without [filter]. Each is built with
every output format in a fresh process, ``--runs`` times; the medians are compared. Issue 15 asks
for the filtered build within 1.2x the unfiltered one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

COUNTRIES = [
    ("PAK", "Pakistan"),
    ("MYS", "Malaysia"),
    ("THA", "Thailand"),
    ("IDN", "Indonesia"),
    ("PHL", "Philippines"),
    ("IND", "India"),
    ("BGD", "Bangladesh"),
    ("NPL", "Nepal"),
    ("MMR", "Myanmar"),
    ("KHM", "Cambodia"),
    ("VNM", "Viet Nam"),
    ("CHN", "China"),
    ("SAU", "Saudi Arabia"),
    ("ARE", "United Arab Emirates"),
    ("USA", "United States of America"),
    ("MEX", "Mexico"),
    ("NGA", "Nigeria"),
    ("UKR", "Ukraine"),
    ("ROU", "Romania"),
    ("BRA", "Brazil"),
]
HEADER = "Iso3_code,Country,Indicator,Dimension,Category,Sex,Age,Year,txtVALUE\n"
PROFILE = """name = "UNODC"
published = true
max_persons = 10000000
[columns]
year = "Year"
origin = "Category"
destination = ["Iso3_code", "Country"]
persons = "txtVALUE"
[derived]
origin = { same_as = "destination", when = ["Nationals"] }
"""
FILTER = """[filter]
Indicator = "Detected trafficking victims"
Dimension = "by citizenship"
Sex = "Total"
Age = "Total"
"""
OTHER = [
    ("Persons convicted", "by citizenship", "Total", "Total"),
    ("Persons prosecuted", "by sex", "Female", "Total"),
    ("Detected trafficking victims", "by sex", "Female", "Total"),
    ("Detected trafficking victims", "by citizenship", "Male", "Total"),
    ("Detected trafficking victims", "by citizenship", "Total", "Children"),
    ("Detected trafficking victims", "by form of exploitation", "Total", "Total"),
]

CHILD = r"""
import json, sys, time
from routemap.pipeline import build
t0 = time.perf_counter()
result = build(sys.argv[1])
print(json.dumps({"total": time.perf_counter() - t0, "timings": result.timings, "rows": result.totals["rows_read"],
                  "records": result.totals["records"] if "records" in result.totals else None,
                  "routes": result.totals["routes"]}))
"""


def _row(rng: random.Random, kept: bool) -> str:
    iso, country = rng.choice(COUNTRIES)
    citizenship = "Nationals" if rng.random() < 0.3 else rng.choice(COUNTRIES)[1]
    value = rng.randint(1, 2000)
    shown = f'"{value:,}"' if value >= 1000 else str(value)
    indicator, dimension, sex, age = ("Detected trafficking victims", "by citizenship", "Total", "Total")
    if not kept:
        indicator, dimension, sex, age = rng.choice(OTHER)
    return f"{iso},{country},{indicator},{dimension},{citizenship},{sex},{age},{rng.randint(2015, 2023)},{shown}\n"


def make_projects(root: Path, *, rows: int, keep_every: int = 10, seed: int = 15) -> tuple[Path, Path]:
    """The filtered project (``rows`` rows) and the unfiltered one (the kept rows only)."""
    rng = random.Random(seed)
    all_rows, kept_rows = [], []
    for i in range(rows):
        kept = i % keep_every == 0
        line = _row(rng, kept)
        all_rows.append(line)
        if kept:
            kept_rows.append(line)
    out = []
    for name, body, profile in (("filtered", all_rows, PROFILE + FILTER), ("unfiltered", kept_rows, PROFILE)):
        folder = root / name / "data" / "contributions" / "unodc"
        folder.mkdir(parents=True)
        (folder / "partner.toml").write_text(profile, encoding="utf-8")
        (folder / "glotip.csv").write_text(HEADER + "".join(body), encoding="utf-8")
        (root / name / "routemap.toml").write_text('unit = "detected victims"\n', encoding="utf-8")
        out.append(root / name)
    return out[0], out[1]


def _build(project: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(project)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        filtered, unfiltered = make_projects(Path(tmp), rows=args.rows)
        results: dict[str, list[dict[str, object]]] = {"filtered": [], "unfiltered": []}
        for _ in range(args.runs):  # alternate, so that a busy moment of the machine hits both
            results["unfiltered"].append(_build(unfiltered))
            results["filtered"].append(_build(filtered))
    medians = {}
    for name, runs in results.items():
        total = statistics.median(float(r["total"]) for r in runs)  # type: ignore[arg-type]
        read = statistics.median(float(r["timings"]["read"]) for r in runs)  # type: ignore[index]
        medians[name] = total
        print(
            f"{name:>10}: {runs[0]['rows']:>9,} rows read, {runs[0]['routes']} routes; "
            f"build {total:.2f} s (read stage {read:.2f} s), median of {len(runs)}"
        )
    ratio = medians["filtered"] / medians["unfiltered"]
    print(f"filtered / unfiltered: {ratio:.2f} (issue 15 asks for at most 1.20)")


if __name__ == "__main__":
    main()
