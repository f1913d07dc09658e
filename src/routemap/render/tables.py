"""Write route-frequency tables as CSV (UTF-8 with BOM, formula-safe)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from routemap._safe import safe_cell


def write_csv(table: pd.DataFrame, path: Path) -> None:
    r"""Write a table as CSV that Excel opens correctly and cannot execute.

    UTF-8 with a byte-order mark (so Excel shows non-ASCII names right), ``\\n`` line ends,
    minimal quoting, and every text cell passed through :func:`routemap._safe.safe_cell`.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([safe_cell(str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            writer.writerow([safe_cell("" if v is None else v) for v in row])
