"""The fast CSV path in Arrow, where pyarrow is installed: parsing, trimming and filtering in C++ threads."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from routemap.readers.table import KeepRows, RawTable, count_dropped, rule_passes, trimmed_table
from routemap.schema import fold


def read_fast(
    data: bytes, lines: int, delimiter: str, width: int, headers: list[str], keep: KeepRows | None
) -> RawTable | None:
    """What :func:`routemap.readers.csv.fast_csv` reads, with Arrow; ``None`` where the csv module must decide.

    The cells come back as pandas' Arrow-backed text, so every later step on them runs in Arrow too.
    """
    names = [f"c{i}" for i in range(width)]
    table = _arrow_cells(data, delimiter, names)
    if table is None or lines != table.num_rows + 1:
        return None
    dropped = None
    if keep is not None and keep.rules:
        kept = _keep_rows(table, headers, names, keep)
        if kept is None:
            return None  # a rule's column is missing: the caller reports it
        table, mask, dropped = kept
        numbers = np.arange(2, len(mask) + 2, dtype=np.int64)[mask]
    else:
        numbers = np.arange(2, table.num_rows + 2, dtype=np.int64)
    result = _arrow_table(table, headers, names, delimiter, numbers)
    if result is not None:
        result.dropped = dropped
    return result


def _keep_rows(
    table: pa.Table, headers: list[str], names: list[str], keep: KeepRows
) -> tuple[pa.Table, np.ndarray, dict[tuple[str, str], int]] | None:
    """The records that pass every rule (their cells dictionary-encoded, so folded once per value)."""
    folded = [fold(h) for h in headers]
    mask = np.ones(table.num_rows, dtype=bool)
    dropped: dict[tuple[str, str], int] = {}
    for header, values in keep.rules:
        if fold(header) not in folded:
            return None
        encoded = pc.dictionary_encode(table[names[folded.index(fold(header))]]).combine_chunks()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        uniques = encoded.dictionary.to_pylist()
        passes = rule_passes(codes, uniques, values)
        count_dropped(dropped, header, codes, uniques, mask & ~passes)
        mask &= passes
    return table.filter(pa.array(mask)), mask, dropped


def _arrow_cells(data: bytes, delimiter: str, names: list[str]) -> pa.Table | None:
    """Every record after the header as strings, or ``None`` when any record does not parse."""
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if invalid or table.num_rows == 0:
        return None
    return table


def _arrow_table(
    table: pa.Table, headers: list[str], names: list[str], delimiter: str, numbers: np.ndarray
) -> RawTable | None:
    """Trimmed cells and line numbers of pyarrow's records; ``None`` when a value lies under no header."""
    width = len(headers)
    for extra in names[width:]:  # a value under no header: the csv-module path reports the row
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(table[extra]), "")).as_py():
            return None
    columns = [pc.utf8_trim_whitespace(table[n]) for n in names[:width]]
    blank = np.ones(table.num_rows, dtype=bool)
    for column in columns:
        blank &= pc.equal(column, "").to_numpy(zero_copy_only=False)
    frame = pd.DataFrame(  # the trimmed cells, as the csv-module path keeps them after strip()
        {i: pd.Series(column, dtype="str") for i, column in enumerate(columns)},
        columns=pd.Index(range(width)),
    )
    return trimmed_table(frame, blank, numbers, headers, delimiter)
