"""Names of countries, territories and regions in the output languages (CLDR, generated into data/)."""

from __future__ import annotations

import csv
import functools
import importlib.resources


@functools.cache
def display_names(language: str) -> dict[str, str]:
    """Place id -> its name in ``language`` (``ms``, ``id``); empty for English and for unknown languages.

    Only names that differ from English are listed (``data/display_names.csv``, written by
    ``scripts/make_place_names.py display``); a place not listed keeps its English name.
    """
    text = importlib.resources.files("routemap").joinpath("data", "display_names.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["place"]: row["name"] for row in rows if row["language"] == language}
