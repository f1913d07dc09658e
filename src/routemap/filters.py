"""Keep only the rows a profile's ``[filter]`` names, and count each row left out by its reason."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from routemap.profile import RowFilter
from routemap.readers import RawTable
from routemap.schema import fold


@dataclass(slots=True)
class Filtered:
    """What filtering a table did.

    Parameters
    ----------
    table
        The rows kept.
    by_reason
        ``"filtered out by profile: Indicator = Persons convicted"`` -> rows left out for it; a row
        is counted under the first filter it fails.
    missing
        One message per ``[filter]`` column the file does not have (then no row is kept).
    """

    table: RawTable
    by_reason: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Rows left out."""
        return sum(self.by_reason.values())


def filter_rows(table: RawTable, filters: tuple[RowFilter, ...]) -> Filtered:
    """Keep the rows whose cell under each filter's header is one of its values (compared folded).

    Parameters
    ----------
    table
        The file's rows.
    filters
        The profile's ``[filter]`` entries, in order.
    """
    if not filters or not len(table.rows):
        return Filtered(table)
    folded_headers = [fold(h) for h in table.headers]
    keep = np.ones(len(table.rows), dtype=bool)
    by_reason: dict[str, int] = {}
    missing: list[str] = []
    for rule in filters:
        if fold(rule.header) not in folded_headers:
            shown = ", ".join(repr(h) for h in table.headers)
            missing.append(
                f"column {rule.header!r} (for [filter]) not found; headers are: {shown}; fix [filter] in partner.toml"
            )
            continue
        cells = table.rows[folded_headers.index(fold(rule.header))]
        codes, uniques = pd.factorize(cells, sort=False)
        wanted = {fold(v) for v in rule.values}
        passes = np.array([fold(str(u)) in wanted for u in uniques] + [False], dtype=bool)[codes]
        out_here = keep & ~passes
        if out_here.any():
            written = pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy()
            counts = np.bincount(codes[out_here], minlength=len(uniques))
            for index in np.flatnonzero(counts):
                reason = f"filtered out by profile: {rule.header} = {written[index]}"
                by_reason[reason] = by_reason.get(reason, 0) + int(counts[index])
        keep &= passes
    if missing:
        return Filtered(table, missing=missing)
    if keep.all():
        return Filtered(table, by_reason)
    kept = replace(table, rows=table.rows.loc[keep].reset_index(drop=True), lines=table.lines[keep])
    return Filtered(kept, by_reason)
