"""Keep only the rows a profile's ``[filter]`` names, and count each row left out by its reason."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from routemap.profile import RowFilter
from routemap.readers import KeepRows, RawTable
from routemap.readers.table import count_dropped, rule_passes
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


def keep_rows(filters: tuple[RowFilter, ...]) -> KeepRows:
    """The reader's form of a profile's filters (a large CSV is filtered as it is read)."""
    return KeepRows(tuple((f.header, f.values) for f in filters))


def filter_rows(table: RawTable, filters: tuple[RowFilter, ...]) -> Filtered:
    """Keep the rows whose cell under each filter's header is one of its values (compared folded).

    A table the reader filtered already (``dropped`` set) is returned with the reasons of what it
    left out.

    Parameters
    ----------
    table
        The file's rows.
    filters
        The profile's ``[filter]`` entries, in order.
    """
    if table.dropped is not None:
        return Filtered(table, _reasons(table.dropped))
    if not filters or not len(table.rows):
        return Filtered(table)
    folded_headers = [fold(h) for h in table.headers]
    missing = [
        f"column {rule.header!r} (for [filter]) not found; headers are: "
        f"{', '.join(repr(h) for h in table.headers)}; fix [filter] in partner.toml"
        for rule in filters
        if fold(rule.header) not in folded_headers
    ]
    if missing:
        return Filtered(table, missing=missing)
    keep = np.ones(len(table.rows), dtype=bool)
    dropped: dict[tuple[str, str], int] = {}
    for rule in filters:
        codes, uniques = pd.factorize(table.rows[folded_headers.index(fold(rule.header))], sort=False)
        values = [str(u) for u in uniques]
        passes = rule_passes(codes, values, rule.values)
        count_dropped(dropped, rule.header, codes, values, keep & ~passes)
        keep &= passes
    if keep.all():
        return Filtered(table, _reasons(dropped))
    kept = replace(table, rows=table.rows.loc[keep].reset_index(drop=True), lines=table.lines[keep])
    return Filtered(kept, _reasons(dropped))


def _reasons(dropped: dict[tuple[str, str], int]) -> dict[str, int]:
    return {f"filtered out by profile: {header} = {cell}": n for (header, cell), n in dropped.items()}
