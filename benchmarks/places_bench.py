"""Time the places stage: gazetteer load, resolving distinct strings, and rows versus distinct strings.

Run from the repository root:  PYTHONPATH=src python benchmarks/places_bench.py

Prints figures; it asserts nothing (the targets are: load < 0.3 s from the cache, 10,000 distinct
strings < 2 s, and the cost of many rows close to the cost of their distinct strings).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Callable

import pandas as pd

from routemap._gazetteer import load_index
from routemap.places import Gazetteer
from routemap.routes import place_report, resolve_records

SEED = 20240601


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def typo(rng: random.Random, text: str) -> str:
    """One edit: swap two neighbours, drop or double a letter."""
    if len(text) < 5:
        return text + text[-1]
    i = rng.randrange(1, len(text) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def distinct_strings(g: Gazetteer, n: int, rng: random.Random) -> list[str]:
    """A mix like real contributions: names, 'City, Country', 'State, Country', codes, typos, junk."""
    places = sorted(g._places.values(), key=lambda p: p.id)
    cities = [p for p in places if p.id.startswith("city:")]
    areas = [p for p in places if p.level in ("country", "admin1", "region")]
    country_name = {p.country: p.name for p in places if p.level == "country"}
    out: set[str] = set()
    while len(out) < n:
        roll = rng.random()
        if roll < 0.30:
            text = rng.choice(cities).name
        elif roll < 0.50:
            city = rng.choice(cities)
            text = f"{city.name}, {country_name.get(city.country, '')}"
        elif roll < 0.65:
            text = rng.choice(areas).name
        elif roll < 0.72:
            area = rng.choice([a for a in areas if a.level == "admin1"])
            text = f"{area.name}, {country_name.get(area.country, '')}"
        elif roll < 0.90:
            text = typo(rng, rng.choice(areas + cities).name)
        else:  # words no source knows: the slowest path (every fuzzy comparison is made)
            text = "Kampung " + "".join(rng.choice("abdeghiklmnoprstuy") for _ in range(rng.randrange(5, 11)))
        out.add(text.strip(", "))
    return sorted(out)


def forget_readings() -> None:
    """Empty the reading stage's caches of strings (variants, unit words) so that no run reuses another's."""
    from routemap import _place_reading

    for value in vars(_place_reading).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def records_with(strings: list[str], rows: int, rng: random.Random) -> pd.DataFrame:
    origins = [rng.choice(strings) for _ in range(rows)]
    destinations = [rng.choice(strings) for _ in range(rows)]
    frame = pd.DataFrame(
        {
            "partner": [rng.choice(("a", "b")) for _ in range(rows)],
            "origin": origins,
            "transit": "",
            "destination": destinations,
            "intended_destination": "",
        }
    )
    for stop in ("origin", "destination", "intended_destination"):
        frame[f"{stop}_lon"] = float("nan")
        frame[f"{stop}_lat"] = float("nan")
    return frame


def main() -> None:
    load_index()  # make sure the cache exists, then time loads from it
    cold: list[tuple[float, float]] = []
    for _ in range(3):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import time; t = time.perf_counter(); from routemap.places import Gazetteer; "
                "i = time.perf_counter(); Gazetteer.load(); print(time.perf_counter() - t, time.perf_counter() - i)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        total, load = (float(v) for v in out.stdout.split())
        cold.append((total, load))
    g = Gazetteer.load()
    best = min(cold)
    print(f"gazetteer load from the cache, fresh process: {best[1]:.2f} s ({best[0]:.2f} s with imports; best of 3)")

    rng = random.Random(SEED)
    strings = distinct_strings(g, 10_000, rng)
    runs = []
    for _ in range(3):  # a fresh gazetteer each time: nothing is remembered between runs
        forget_readings()
        fresh = Gazetteer.load()
        runs.append(timed(lambda gz=fresh: gz.resolve_many(strings)))  # type: ignore[misc]
    seconds, resolved = min(runs, key=lambda run: run[0])
    assert isinstance(resolved, dict)
    by_method = pd.Series([r.method for r in resolved.values()]).value_counts()
    times = ", ".join(f"{t:.2f}" for t, _ in runs)
    print(
        f"resolve 10,000 distinct strings: {seconds:.2f} s best of 3 ({times} s; "
        f"{1e6 * seconds / len(strings):.0f} µs a string)"
    )
    print("  methods: " + ", ".join(f"{m} {n}" for m, n in by_method.items()))

    few = strings[:2_000]
    for rows in (100_000, 1_000_000):
        frame = records_with(few, rows, random.Random(SEED))
        gaz = Gazetteer.load()
        t_resolve, res = timed(lambda f=frame, gz=gaz: resolve_records(f, gz, default_countries={"a": "MYS"}))
        t_report, _ = timed(
            lambda f=frame, gz=gaz, r=res: place_report(f, gz, r, default_countries={"a": "MYS"})  # type: ignore[arg-type]
        )
        distinct = len(res)  # type: ignore[arg-type]
        print(
            f"{rows:>9,} rows, {distinct:,} distinct (string, default country): resolve {t_resolve:.2f} s, "
            f"place report {t_report:.2f} s"
        )


if __name__ == "__main__":
    main()
