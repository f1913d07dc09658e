"""The private release register: what each build published, and the exact counts it was made from.

Kept in ``.routemap/releases/`` and never published. Every build that writes outputs records a
release: its cut (level, focus, period, minimum count), the data version it came from, every figure
it published (route totals and breakdown cells, as shown) and the hashes of its files. The exact
counts of each data version are kept once, as *atoms*: persons per fine route (every stop at its
most precise level) and year, and per fine route, year and value of each dimension. From atoms any
cut's figures can be recomputed, so the next build can be audited together with every earlier one
(:mod:`routemap.linkage`).

Files are written to a temporary name and moved into place, the index last, so an interrupted
build leaves the register as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gzip
import hashlib
import io
import itertools
import json
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from routemap._errors import ConfigError, ReadError

log = logging.getLogger(__name__)

REGISTER_DIR = "releases"
INDEX = "register.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Cut:
    """What a release counted: the level, the focus country (ISO3), the period and the minimum count."""

    level: str
    focus: str | None
    period: tuple[int, int] | None
    min_count: int

    def describe(self) -> str:
        """``country level, focus MYS, 2018-2019, minimum 5``."""
        parts = [f"{self.level} level"]
        if self.focus:
            parts.append(f"focus {self.focus}")
        parts.append(f"{self.period[0]}-{self.period[1]}" if self.period else "all years")
        parts.append(f"minimum {self.min_count}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The cut as JSON-ready values."""
        return {"level": self.level, "focus": self.focus, "period": self.period, "min_count": self.min_count}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Cut:
        """A cut from :meth:`as_dict`'s values."""
        period = raw.get("period")
        span = (int(period[0]), int(period[1])) if period else None
        return cls(str(raw["level"]), raw.get("focus"), span, int(raw["min_count"]))


@dataclass(frozen=True)
class Atoms:
    """Exact persons of one data version by fine route and year, and by dimension value (private).

    Parameters
    ----------
    totals
        Columns ``fine, year, persons``.
    cells
        Dimension -> columns ``fine, year, value, persons``.
    """

    totals: pd.DataFrame
    cells: dict[str, pd.DataFrame]

    @functools.cached_property
    def version(self) -> str:
        """A hash of the counts themselves: two builds with the same counts share a version."""
        digest = hashlib.sha256()
        for name, frame in [("", self.totals), *sorted(self.cells.items())]:
            digest.update(f"\x00{name}\x00{len(frame)}".encode())
            for column in frame.columns:
                values = frame[column]
                if pd.api.types.is_integer_dtype(values):
                    digest.update(np.ascontiguousarray(values.to_numpy(), dtype="<i8").tobytes())
                else:  # each distinct string made once, then referred to row by row (the same text)
                    if isinstance(values.dtype, pd.CategoricalDtype) and not values.isna().any():
                        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
                    else:
                        codes, uniques = pd.factorize(values, use_na_sentinel=False)
                    _hash_lines(digest, [str(u) for u in uniques], np.asarray(codes, dtype=np.int64))
        return digest.hexdigest()[:16]

    @property
    def persons(self) -> int:
        """How many persons the counts hold (the sum of the totals)."""
        return int(self.totals["persons"].sum())

    def to_json(self) -> dict[str, Any]:
        """The atoms as JSON-ready lists."""
        return {
            "totals": self.totals.to_numpy().tolist(),
            "cells": {d: c.to_numpy().tolist() for d, c in self.cells.items()},
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Atoms:
        """Atoms from :meth:`to_json`'s lists."""
        totals = pd.DataFrame(raw["totals"], columns=["fine", "year", "persons"])
        cells = {d: pd.DataFrame(v, columns=["fine", "year", "value", "persons"]) for d, v in raw["cells"].items()}
        return cls(_typed(totals), {d: _typed(c) for d, c in cells.items()})

    def to_npz(self) -> bytes:
        """The atoms as one table in a NumPy archive (``table`` names the dimension, "" for the totals).

        Text columns are kept as codes into their names (no string per row); ``summary`` holds the
        rows and the persons they count, for :meth:`Register.apart` without reading the rest.
        """
        parts = [("", self.totals), *sorted(self.cells.items())]
        table_codes = np.concatenate([np.full(len(f), i, dtype=np.int32) for i, (_, f) in enumerate(parts)])
        arrays: dict[str, np.ndarray] = {
            "table_names": np.asarray([name for name, _ in parts], dtype=str),
            "table_codes": table_codes,
            "year": np.concatenate([f["year"].to_numpy(dtype=np.int64) for _, f in parts]),
            "persons": np.concatenate([f["persons"].to_numpy(dtype=np.int64) for _, f in parts]),
            "summary": np.asarray([len(table_codes), self.persons], dtype=np.int64),
        }
        for column in ("fine", "value"):
            names: dict[str, int] = {}
            codes = []
            for _, frame in parts:
                if column not in frame:  # the totals have no value: ""
                    codes.append(np.full(len(frame), names.setdefault("", len(names)), dtype=np.int32))
                    continue
                categories = [str(c) for c in frame[column].cat.categories]
                remap = np.asarray([names.setdefault(c, len(names)) for c in categories] + [-1], dtype=np.int32)
                codes.append(remap[frame[column].cat.codes.to_numpy()])
            arrays[f"{column}_names"] = np.asarray(list(names), dtype=str)
            arrays[f"{column}_codes"] = np.concatenate(codes)
        sink = io.BytesIO()
        np.savez_compressed(sink, allow_pickle=False, **arrays)
        return sink.getvalue()

    @classmethod
    def from_npz(cls, path: Path) -> Atoms:
        """Atoms from a file :meth:`to_npz` wrote."""
        with np.load(path, allow_pickle=False) as archive:
            frame = pd.DataFrame(
                {
                    "table": pd.Categorical.from_codes(archive["table_codes"], categories=archive["table_names"]),
                    "fine": pd.Categorical.from_codes(archive["fine_codes"], categories=archive["fine_names"]),
                    "year": archive["year"],
                    "value": pd.Categorical.from_codes(archive["value_codes"], categories=archive["value_names"]),
                    "persons": archive["persons"],
                }
            )
        return cls._from_table(frame)

    @classmethod
    def from_parquet(cls, path: Path) -> Atoms:
        """Atoms from the Parquet file of a register written before routemap 0.1 kept them as NumPy archives.

        Raises
        ------
        ReadError
            When pyarrow, which reads Parquet, is not installed.
        """
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise ReadError(
                path,
                "holds the counts of an earlier release in Parquet, which needs pyarrow to be read; run "
                "`pip install pyarrow` once and build again (the register then keeps them as .npz as well)",
            ) from None
        # not read_table: its dataset layer costs 0.15 s to start; text read as dictionaries (categorical)
        frame = pq.ParquetFile(path, read_dictionary=["table", "fine", "value"]).read().to_pandas()
        return cls._from_table(frame)

    @classmethod
    def _from_table(cls, frame: pd.DataFrame) -> Atoms:
        """Atoms from one table of every part (``table`` names the dimension, "" for the totals)."""
        table = frame.pop("table")
        if not isinstance(table.dtype, pd.CategoricalDtype):  # an empty file has no dictionary
            table = table.astype("category")
        codes = table.cat.codes.to_numpy()
        names = [str(c) for c in table.cat.categories]
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        tables = {name: frame.take(order[bounds[i] : bounds[i + 1]]) for i, name in enumerate(names)}
        totals = tables.pop("", frame.iloc[:0])[["fine", "year", "persons"]]
        cells = {dim: part[["fine", "year", "value", "persons"]].reset_index(drop=True) for dim, part in tables.items()}
        return cls(_typed(totals.reset_index(drop=True)), {d: _typed(c) for d, c in cells.items()})


def _hash_lines(digest: Any, names: list[str], codes: np.ndarray) -> None:
    r"""Hash ``"\n".join(names[c] for c in codes)`` in UTF-8, without making that text where runs are long.

    Atoms are sorted by fine route, so its column is ten thousand runs of a hundred equal lines:
    each run is hashed as one repeated piece. A column of short runs (values) is joined as text,
    each distinct string made once. The bytes, and so the version names of every register, are the
    line-by-line text's.
    """
    if not len(codes):
        return
    starts = np.flatnonzero(np.diff(codes)) + 1
    if len(starts) * 8 > len(codes):  # short runs (values): the text itself
        digest.update("\n".join(np.asarray(names, dtype=object)[codes].tolist()).encode("utf-8"))
        return
    lines = [(name + "\n").encode("utf-8") for name in names]
    bounds = [0, *starts.tolist(), len(codes)]
    for start, end in itertools.pairwise(bounds[:-1]):
        digest.update(lines[codes[start]] * (end - start))
    last = bounds[-2]
    digest.update(lines[codes[last]] * (len(codes) - last - 1) + names[codes[last]].encode("utf-8"))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Atoms in their one form: text columns categorical (sorted categories of the values used), numbers int64.

    A million rows name ten thousand fine routes: codes keep every grouping, set and comparison of
    the audit off the strings themselves (an Arrow string column costs 0.3 s to make, or to read back).
    """
    out = frame.copy()
    out["fine"] = _categorical(out["fine"])
    out["year"] = out["year"].astype(np.int64)
    out["persons"] = out["persons"].astype(np.int64)
    if "value" in out:
        out["value"] = _categorical(out["value"])
    return out


def _categorical(column: pd.Series) -> pd.Categorical:
    codes, values = _codes(column)
    return pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object))


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and values of a column as text, values sorted and only those that occur (a missing one as "nan").

    A categorical column is coded from its own codes, with no string made per row.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.asarray([str(c) for c in column.cat.categories], dtype=object)
        raw = column.cat.codes.to_numpy().astype(np.int64)
        if not (raw < 0).any() and len(set(categories.tolist())) == len(categories):
            used = np.flatnonzero(np.bincount(raw, minlength=len(categories)))
            order = np.argsort(categories[used], kind="stable")
            new = np.zeros(len(categories), dtype=np.int64)
            new[used[order]] = np.arange(len(used))
            return new[raw], categories[used[order]]
    text = column.astype(object).where(column.notna(), "nan").astype(str)
    codes, values = pd.factorize(text, sort=True)
    return codes, np.asarray(values, dtype=object)


def atoms_of(records: pd.DataFrame, fine: pd.Series, dimensions: Iterable[str]) -> Atoms:
    """Atoms of routable records: persons by fine route and year, and by dimension value too.

    Parameters
    ----------
    records
        Records with ``year``, ``persons`` and the dimension columns.
    fine
        Each record's fine route key ("" for a record that is not routable), aligned with ``records``.
    dimensions
        The breakdown dimensions to keep.
    """
    keep = (fine != "").to_numpy()
    fine_codes, fines = _codes(fine[keep])  # a categorical (routes.build_routes) is coded without a string per row
    year_codes, years = pd.factorize(records.loc[keep, "year"].astype(np.int64), sort=True)
    persons = records.loc[keep, "persons"].astype(np.int64).to_numpy()
    # sums by integer codes (bincount), not by grouping strings: a million records in milliseconds
    key = fine_codes.astype(np.int64) * len(years) + year_codes
    sums = np.bincount(key, weights=persons, minlength=len(fines) * len(years)).astype(np.int64)
    positive = not len(persons) or int(persons.min()) >= 1  # records count 1 person or more: a sum > 0 is a row
    present = np.flatnonzero(sums > 0 if positive else np.bincount(key, minlength=len(sums)) > 0)
    fine_names = pd.Index(fines, dtype=object)  # sorted, distinct: codes stand for the strings (see _typed)
    totals = pd.DataFrame(
        {
            "fine": pd.Categorical.from_codes(present // max(1, len(years)), categories=fine_names),
            "year": np.asarray(years, dtype=np.int64)[present % max(1, len(years))],
            "persons": sums[present],
        }
    )
    cells = {}
    for dim in dimensions:
        value_codes, values = _codes(records.loc[keep, dim])
        n = max(1, len(values))
        cell_key = key * n + value_codes
        cell_sums = np.bincount(cell_key, weights=persons, minlength=len(sums) * n).astype(np.int64)
        at = np.flatnonzero(cell_sums > 0 if positive else np.bincount(cell_key, minlength=len(cell_sums)) > 0)
        outer, value_at = at // n, at % n
        cells[dim] = pd.DataFrame(
            {
                "fine": pd.Categorical.from_codes(outer // max(1, len(years)), categories=fine_names),
                "year": np.asarray(years, dtype=np.int64)[outer % max(1, len(years))],
                "value": pd.Categorical.from_codes(value_at, categories=pd.Index(values, dtype=object)),
                "persons": cell_sums[at],
            }
        )
    return Atoms(totals, cells)  # already in _typed's form: int64, categories sorted and every one used


def period_inside(inner: tuple[int, int] | None, outer: tuple[int, int] | None) -> bool:
    """Whether a period lies within another (``None``: every year)."""
    if outer is None:
        return True
    if inner is None:
        return False
    return outer[0] <= inner[0] and inner[1] <= outer[1]


@dataclass(frozen=True)
class LeftOut:
    """The years in which earlier releases said a route was below their minimum, for one cut's year rows.

    A release of the same level and focus whose period lies strictly inside the cut's, and that listed
    a route neither as published nor as held back, said the route had fewer persons than its minimum in
    its years. A year row of the route in the longer period never hides its extra cell in those years
    while their cells are small: hidden there, the largest cell would be known small too, and the row's
    small cells could no longer all be zero (2021 left out, then 2020-2021 as ``<5`` and ``x``: 2020 is
    at least 2). A cell no longer small (cases added since) may be hidden: it is then not small.
    """

    #: (years of an earlier release, the route keys it listed or held back)
    spans: tuple[tuple[frozenset[int], frozenset[str]], ...] = ()

    @classmethod
    def of(cls, earlier: Iterable[Release], cut: Cut) -> LeftOut:
        """What the releases before a build of ``cut`` left out."""
        spans = []
        for release in earlier:
            inner, outer = release.cut.period, cut.period
            if (release.cut.level, release.cut.focus) != (cut.level, cut.focus) or inner is None or inner == outer:
                continue
            if not period_inside(inner, outer):
                continue
            figures = release.figures
            listed = frozenset(figures["routes"]) | frozenset(figures["hidden"]) | frozenset(figures["held"])
            spans.append((frozenset(range(inner[0], inner[1] + 1)), listed))
        return cls(tuple(spans))

    def years(self, key: str) -> frozenset[int]:
        """The years of ``key``'s year row that may not hold its hidden cell."""
        out: frozenset[int] = frozenset()
        for years, listed in self.spans:
            if key not in listed:
                out |= years
        return out


def shrunk(before: Atoms, after: Atoms) -> set[str]:
    """Fine routes with some count (by year, or by year and value) smaller after than before.

    Where none of a group's routes shrank, the data only grew there: the later counts are the earlier
    ones plus additions, which the audit then knows.
    """
    out: set[str] = set()
    pairs: list[tuple[pd.DataFrame, pd.DataFrame | None, list[str]]] = [(before.totals, after.totals, ["fine", "year"])]
    pairs += [(cells, after.cells.get(dim), ["fine", "year", "value"]) for dim, cells in before.cells.items()]
    for old, new, key in pairs:
        if new is None:  # a dimension the later version lacks: nothing can be said to have grown
            return set(_texts(before.totals["fine"]))
        later = counts_at(old, new, key)
        out |= set(_texts(old["fine"][later < old["persons"].to_numpy()]))
    return out


def counts_at(old: pd.DataFrame, new: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """For each row of ``old``, the persons of ``new``'s row with the same ``columns`` (0 if none)."""
    a, b, space = _joint_keys(old, new, columns)
    persons = new["persons"].to_numpy(dtype=np.int64)
    if space <= 8 * (len(a) + len(b)) + 1024:  # a table over every key: no hashing of a million keys
        table = np.zeros(space, dtype=np.int64)
        table[b] = persons
        return table[a]
    return pd.Series(persons, index=b).reindex(a, fill_value=0).to_numpy()


def _joint_keys(old: pd.DataFrame, new: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """One integer per row of each frame, equal where the rows' ``columns`` are (codes), and how many there can be."""
    a = np.zeros(len(old), dtype=np.int64)
    b = np.zeros(len(new), dtype=np.int64)
    space = 1
    for column in columns:
        x, y = old[column], new[column]
        if isinstance(x.dtype, pd.CategoricalDtype) and isinstance(y.dtype, pd.CategoricalDtype):
            vocabulary = x.cat.categories.union(y.cat.categories)
            x_codes = vocabulary.get_indexer(x.cat.categories)[x.cat.codes.to_numpy()]
            y_codes = vocabulary.get_indexer(y.cat.categories)[y.cat.codes.to_numpy()]
            size = len(vocabulary)
        elif pd.api.types.is_integer_dtype(x) and pd.api.types.is_integer_dtype(y) and len(x) and len(y):
            x_codes, y_codes = x.to_numpy(dtype=np.int64), y.to_numpy(dtype=np.int64)  # years: a short range
            low = min(int(x_codes.min()), int(y_codes.min()))
            x_codes, y_codes = x_codes - low, y_codes - low
            size = max(int(x_codes.max()), int(y_codes.max())) + 1
        else:
            codes, uniques = pd.factorize(pd.concat([x.astype(object), y.astype(object)], ignore_index=True))
            x_codes, y_codes, size = codes[: len(x)], codes[len(x) :], len(uniques)
        a = a * max(1, size) + x_codes
        b = b * max(1, size) + y_codes
        space *= max(1, size)
    return a, b, space


def _texts(column: pd.Series) -> list[str]:
    """An atoms column of text (categorical: see _typed) as Python strings, each name made once."""
    names = np.asarray([str(c) for c in column.cat.categories], dtype=object)
    return names[column.cat.codes.to_numpy()].tolist()


@dataclass(slots=True)
class Release:
    """One published build, as the register remembers it.

    Parameters
    ----------
    id
        1, 2, 3, … in the order of release.
    created
        When it was recorded (UTC, ISO 8601).
    out_dir
        Where its outputs were written (private: a path on the analyst's machine).
    data
        Its data version (see :attr:`Atoms.version`).
    cut
        What it counted.
    outputs
        File name -> SHA-256 of the published file.
    inputs
        A fingerprint of everything its data version was computed from (the project's files and
        settings other than the cut, routemap's code and tables, its readers' versions): a later
        build with the same fingerprint reuses the data version's atoms instead of counting them
        again (see :meth:`Register.atoms_for`). Empty in registers written before it was kept.
    figures
        Every published figure: ``routes`` (route key -> persons), ``hidden`` (route keys kept out
        to protect a figure of an earlier release), ``held`` (route key -> the release whose
        figures it repeats), ``rows`` (dimension -> route key -> [[value, shown], …]) and
        ``no_rows`` (route keys published without breakdown rows).
    """

    id: int
    created: str
    out_dir: str
    data: str
    cut: Cut
    outputs: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    inputs: str = ""

    def summary(self) -> dict[str, Any]:
        """What the register's index keeps of a release (its figures live in their own file)."""
        # field by field: asdict() would deep-copy the figures only to drop them
        return {
            "id": self.id,
            "created": self.created,
            "out_dir": self.out_dir,
            "data": self.data,
            "cut": self.cut.as_dict(),
            "outputs": dict(self.outputs),
            "inputs": self.inputs,
        }


class Register:
    """The releases of a project, loaded from and saved to ``.routemap/releases/``.

    Parameters
    ----------
    private_dir
        The project's private folder (``.routemap``).
    """

    def __init__(self, private_dir: Path) -> None:
        self.folder = private_dir / REGISTER_DIR
        self.releases: list[Release] = []
        self._atoms: dict[str, Atoms] = {}
        self._reading: tuple[str, threading.Thread, dict[str, Any]] | None = None  # see prefetch()
        self._writing: threading.Thread | None = None  # see write_ahead()
        self._keeping: tuple[Atoms, Any] | None = None  # see write_ahead(): the atoms and their Pending hash
        index = self.folder / INDEX
        if not index.exists():
            return
        try:
            raw = json.loads(index.read_text(encoding="utf-8"))
            for item in raw["releases"]:
                figures = _read_gz(self.folder / f"figures-{item['id']}.json.gz")
                self.releases.append(
                    Release(
                        id=int(item["id"]),
                        created=str(item["created"]),
                        out_dir=str(item["out_dir"]),
                        data=str(item["data"]),
                        cut=Cut.from_dict(item["cut"]),
                        outputs=dict(item.get("outputs", {})),
                        figures=figures,
                        inputs=str(item.get("inputs", "")),
                    )
                )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"the release register {index} cannot be read ({exc}); restore it from a backup of .routemap/, "
                "or, if no output of this project was ever published, delete the folder to start a new register"
            ) from None

    def __len__(self) -> int:
        return len(self.releases)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.releases)

    def get(self, release_id: int) -> Release:
        """The release with this id, or an error listing the ids there are."""
        for release in self.releases:
            if release.id == release_id:
                return release
        known = ", ".join(str(r.id) for r in self.releases) or "none"
        raise ConfigError(f"there is no release {release_id} in {self.folder / INDEX}; releases: {known}")

    def atoms(self, version: str) -> Atoms:
        """The exact counts of a data version (read once)."""
        if version not in self._atoms:
            if self._reading is not None and self._reading[0] == version:
                _, thread, result = self._reading
                thread.join()
                self._reading = None
                if "atoms" in result:
                    self._atoms[version] = result["atoms"]
                    return self._atoms[version]  # (on an error, read again here: the same error, raised here)
            self._atoms[version] = self._read_atoms(version)
        return self._atoms[version]

    def prefetch(self) -> None:
        """Start reading the latest release's atoms in a thread, while the build reads its contributions.

        A build with a register always needs them: a later cut of the same data reads them instead of
        counting (:meth:`atoms_for`), and new data is audited beside them. Reading a million records'
        atoms takes 0.1-0.2 s, mostly in Arrow, which runs beside Python. :meth:`atoms` waits for it;
        :meth:`finish` too, before anything forks (a forked child must not lack a running thread).
        """
        if not self.releases or self._reading is not None or self.releases[-1].data in self._atoms:
            return
        version = self.releases[-1].data
        result: dict[str, Any] = {}

        def read() -> None:
            with contextlib.suppress(Exception):  # read again, and fail, where they are asked for
                result["atoms"] = self._read_atoms(version)

        thread = threading.Thread(target=read, name="routemap-register", daemon=True)
        self._reading = (version, thread, result)
        thread.start()

    def finish(self) -> None:
        """Wait for a :meth:`prefetch` still reading (its atoms are kept)."""
        if self._reading is not None:
            self.atoms(self._reading[0])

    def _read_atoms(self, version: str) -> Atoms:
        path = self.folder / f"data-{version}.npz"
        if path.exists():
            return Atoms.from_npz(path)
        # registers written before routemap kept atoms as NumPy archives, in Parquet or, before that, JSON
        older = self.folder / f"data-{version}.parquet"
        if older.exists():
            atoms = Atoms.from_parquet(older)
            with contextlib.suppress(OSError):  # kept in today's form too, so that pyarrow is needed once
                _write_atomic(path, atoms.to_npz())
            return atoms
        return Atoms.from_json(_read_gz(self.folder / f"data-{version}.json.gz"))

    def atoms_for(self, inputs: str) -> Atoms | None:
        """The atoms of the data version a release made from these very inputs counted, if any.

        Counting a million records' atoms (and, for a build of one period, routing the records
        outside it) is most of what the register costs; a build of another cut of the same data
        reads them back instead. ``None`` when no release has this fingerprint or its file is
        unreadable (the build then counts them).
        """
        if not inputs:
            return None
        for release in reversed(self.releases):
            if release.inputs != inputs:
                continue
            try:
                atoms = self.atoms(release.data)
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("the atoms of data version %s cannot be read; counting them again", release.data)
                return None
            atoms.__dict__["version"] = release.data  # the file is named by the hash of its counts
            return atoms
        return None

    # ------------------------------------------------------------------ writing
    def record(
        self,
        *,
        out_dir: Path,
        atoms: Atoms,
        cut: Cut,
        figures: dict[str, Any],
        outputs: dict[str, str],
        inputs: str = "",
    ) -> Release:
        """Remember a release (and its data version's atoms, once).

        A build that publishes exactly what the latest release of the same cut published, from the
        same data, only updates that release.
        """
        self.settle()
        version = atoms.version
        for release in reversed(self.releases):
            if release.cut == cut and release.data == version and release.figures == figures:
                release.outputs = outputs
                release.out_dir = str(out_dir)
                release.inputs = inputs or release.inputs
                self._save(None, None)
                return release
        release = Release(
            id=max((r.id for r in self.releases), default=0) + 1,
            created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            out_dir=str(out_dir),
            data=version,
            cut=cut,
            outputs=outputs,
            figures=figures,
            inputs=inputs,
        )
        self.releases.append(release)
        self._atoms[version] = atoms
        self._save(release, atoms)
        return release

    def forget(self, release_ids: Iterable[int]) -> list[Release]:
        """Remove releases that were never actually published (the analyst decides)."""
        ids = set(release_ids)
        gone = [self.get(i) for i in sorted(ids)]
        self.releases = [r for r in self.releases if r.id not in ids]
        self._save(None, None)
        for release in gone:
            (self.folder / f"figures-{release.id}.json.gz").unlink(missing_ok=True)
        used = {r.data for r in self.releases}
        for release in gone:
            if release.data not in used:
                for suffix in (".npz", ".parquet", ".json.gz"):
                    (self.folder / f"data-{release.data}{suffix}").unlink(missing_ok=True)
        return gone

    def apart(self, atoms: Atoms) -> bool:
        """Whether these atoms are none of the register's data versions, told by their size alone.

        Every data version's file says how many rows it holds and how many persons they count;
        atoms of another size are other counts. ``False`` when a version is of the same size, or
        cannot be looked at: then only the hash of the counts tells.
        """
        rows = len(atoms.totals) + sum(len(cells) for cells in atoms.cells.values())
        for version in {r.data for r in self.releases}:
            try:
                with np.load(self.folder / f"data-{version}.npz", allow_pickle=False) as archive:
                    kept_rows, kept_persons = (int(n) for n in archive["summary"])
                if kept_rows == rows and kept_persons == atoms.persons:
                    return False
            except Exception:  # an older register's Parquet or JSON, or a damaged file
                return False
        return True

    def write_ahead(self, atoms: Atoms) -> None:
        """Make a new data version's hash and file beside the build, while it renders; :meth:`record` waits.

        In a forked process where one can be (on the other core: 0.1 s of hashing and 0.1 s of
        encoding at a million records), else the file in a thread. The file is named by the hash of
        the counts and moved into place whole, so a build that then fails leaves either nothing or a
        file the next build of the same data uses as it is.
        """
        from routemap._parallel import background

        if self._writing is not None or self._keeping is not None:
            return
        self._ensure_folder()
        if "version" not in atoms.__dict__:
            folder = self.folder

            def keep() -> str:
                target = folder / f"data-{atoms.version}.npz"
                if not target.exists():
                    _write_atomic(target, atoms.to_npz(), tmp=target.with_name(f".{target.name}.{os.getpid()}"))
                return atoms.version

            pending = background(keep)
            if pending is not None:
                self._keeping = (atoms, pending)
                return
        path = self.folder / f"data-{atoms.version}.npz"
        if path.exists():
            return

        def write() -> None:
            with contextlib.suppress(Exception):  # record() writes it again, and fails there if it must
                _write_atomic(path, atoms.to_npz(), tmp=path.with_name(f".{path.name}.ahead"))

        self._writing = threading.Thread(target=write, name="routemap-register-write", daemon=True)
        self._writing.start()

    def _ensure_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        gitignore = self.folder.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# private build material: never commit or publish\n*\n", encoding="utf-8")

    def settle(self) -> None:
        """Wait for :meth:`write_ahead`'s process, and give the atoms the version it hashed (a failed build too)."""
        if self._keeping is not None:
            atoms, pending = self._keeping
            self._keeping = None
            atoms.__dict__["version"] = pending.result()

    def _save(self, release: Release | None, atoms: Atoms | None) -> None:
        self._ensure_folder()
        if self._writing is not None:
            self._writing.join()
            self._writing = None
        if atoms is not None:
            path = self.folder / f"data-{atoms.version}.npz"
            if not path.exists():
                _write_atomic(path, atoms.to_npz())
        if release is not None:
            _write_gz(self.folder / f"figures-{release.id}.json.gz", release.figures)
        index = {"format": FORMAT, "releases": [r.summary() for r in self.releases]}
        _write_atomic(self.folder / INDEX, (json.dumps(index, indent=2) + "\n").encode("utf-8"))


def parse_ids(text: str) -> list[int]:
    """Release ids written as ``3``, ``1,3`` or ``2-4``.

    Raises
    ------
    ConfigError
        When the text is not such a list, naming it.
    """
    ids: list[int] = []
    for part in str(text).replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ConfigError(f"release id {text!r} is not a number, a list (1,3) or a range (2-4)")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


def _read_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _write_gz(path: Path, data: Any) -> None:
    # mtime=0: the same content gives the same bytes
    payload = gzip.compress(
        json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"), compresslevel=6, mtime=0
    )  # 6, not 9: 10% larger, 5 times faster (0.08 s -> 0.014 s for 1 MB of figures)
    _write_atomic(path, payload)


def _write_atomic(path: Path, payload: bytes, *, tmp: Path | None = None) -> None:
    tmp = tmp or path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)
