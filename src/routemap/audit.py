"""Leak check: the second line of defence, searching every file a build is about to publish for private values.

Publication is closed by construction (every published string is a place name, a vocabulary value,
one of routemap's own words, the project's title, unit, source or allow list, or a number), so this
check never expects to find anything. It reads each output the way a reader could — CSV cells,
workbook strings, Markdown cells, the text, text attributes, comments and script literals of a page,
JSON and GeoPackage values, PNG text chunks — as separate *values*, and looks for every private
string of the build: values of columns no profile maps, record ids and person keys, unresolved place
strings, file, sheet and folder names, and partner names unless they are shown on purpose.

A private value counts as found where it is a whole value of its own (a cell, a label, a tooltip
line); a value that says more than an ordinary word — it holds a digit, or several words — also
counts where it appears inside a value. A private value that is also something published on purpose
(a place name, a label, the title) is not private text: a partner's ``Malaysia`` or ``Total`` in an
unmapped column is the same word the outputs use.
"""

from __future__ import annotations

import csv
import html
import json
import logging
import re
import sqlite3
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from routemap._errors import DisclosureError
from routemap.problems import Source as Source  # where a private value was read (kept importable here)

log = logging.getLogger(__name__)

#: Strings shorter than this (or short numbers) are not checked: they cannot be told apart from
#: counts, years and words that legitimately appear in outputs.
MIN_LENGTH = 5
MIN_DIGITS = 7
_TOKEN = re.compile(r"[^\s,;:\"'<>()\[\]{}|=/\\]+")
#: What ends a token in a normalised value (whose only space is " "): see :meth:`Canaries.add_ids`.
_NOT_TOKEN = r"[ ,;:\"'<>()\[\]{}|=/\\]"
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_LITERAL = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`""")
#: GeoPackage tables GDAL fills with its own reference data (coordinate systems, extensions, indexes).
_GPKG_STRUCTURE = (
    "gpkg_spatial_ref_sys",
    "gpkg_extensions",
    "gpkg_geometry_columns",
    "gpkg_ogr_contents",
    "rtree_",
    "sqlite_",
    "gpkg_tile_matrix",
    "gpkg_data_column",
)
#: Parts of an xlsx that only hold formatting written by the workbook writer (fonts, colours, the theme).
_XLSX_FORMATTING = ("xl/styles.xml", "xl/theme/")


def normalise(text: str) -> str:
    """How values are compared: Unicode-normalised, case-folded, runs of spaces as one, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def worth_checking(value: str) -> bool:
    """Whether a private value is specific enough to search for (not a count, a year or a short code)."""
    text = str(value).strip()
    if len(text) < MIN_LENGTH:
        return False
    if any(ch.isalpha() for ch in text):
        return True
    return sum(ch.isdigit() for ch in text) >= MIN_DIGITS


@dataclass(frozen=True, slots=True)
class Finding:
    """A private value found in a published file."""

    file: str
    kind: str
    value: str
    source: Source | None = None


#: Where a published value splits into fields of its own: a tooltip's lines, "Label: value", table pipes.
_FIELD_BREAK = re.compile(r"\s*(?:\n|\||·|—|:\s)\s*")
#: Above this many values, :meth:`Canaries.add` filters column-wise before looking at each value.
_BULK = 2_000
#: Longest run of words of published text remembered as published (see :class:`Published`).
MAX_PHRASE_WORDS = 6


@dataclass(slots=True)
class Published:
    """What a build publishes on purpose, against which a private value is not private text.

    Whole strings (place names, vocabulary labels, routemap's words, the title, the allow list),
    every word of them and every run of up to :data:`MAX_PHRASE_WORDS` words of them: a partner's
    ``Several`` or ``more than one`` is routemap's own text when it appears in an output. ``place``
    answers whether a string names a published place (any of its names, in any language).
    """

    strings: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    place: Callable[[str], bool] | None = None

    def add(self, texts: Iterable[str]) -> None:
        """Add texts published on purpose: whole, and the parts between ``{placeholders}`` of routemap's words."""
        for raw in texts:
            for part in {str(raw), *re.split(r"\{[^}]*\}", str(raw))}:
                text = normalise(part)
                if not text:
                    continue
                self.strings.add(text)
                tokens = _tokens(text)
                for n in range(1, MAX_PHRASE_WORDS + 1):
                    for i in range(len(tokens) - n + 1):
                        self.phrases.add(tuple(tokens[i : i + n]))

    def __contains__(self, value: str) -> bool:
        text = normalise(value)
        if text in self.strings:
            return True
        tokens = tuple(_tokens(text))
        if not 0 < len(tokens) <= MAX_PHRASE_WORDS:  # a sentence is neither a run of published words nor a place
            return False
        if tokens in self.phrases:
            return True
        return self.place is not None and self.place(value)


@dataclass(slots=True)
class Canaries:
    """Private values by kind, each with where it came from: none of them may appear in a published file.

    Kinds used by the build: ``record_id``, ``person_key``, ``unmapped column``, ``unresolved
    place``, ``file name``, ``sheet name``, ``partner folder``, ``partner name``. Values are kept
    normalised (see :func:`normalise`); a value that is also published on purpose (``published``)
    is not added.
    """

    published: Published = field(default_factory=Published)
    _whole: dict[str, tuple[str, Source | None]] = field(default_factory=dict)
    _within: dict[str, tuple[str, Source | None]] = field(default_factory=dict)
    _phrases: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    _raw: dict[str, str] = field(default_factory=dict)
    _ids: list[_IdColumn] = field(default_factory=list)
    #: Published values looked at already (outputs repeat route names and counts); cleared by every add.
    _looked: dict[str, Any] = field(default_factory=dict)

    @property
    def by_kind(self) -> dict[str, set[str]]:
        """Every canary by kind (normalised)."""
        out: dict[str, set[str]] = {}
        for value, (kind, _) in self._whole.items():
            out.setdefault(kind, set()).add(value)
        for ids in self._ids:
            out.setdefault(ids.kind, set()).update(v for v in ids.members if v not in self._whole)
        return out

    def _known(self, value: str) -> bool:
        # not looked up among the identifier columns: those are added after every other value but the few
        # names below, and a name that is also an id is then reported by its own kind
        return value in self._whole

    def add(self, kind: str, values: Iterable[str] | Mapping[str, Source | None]) -> None:
        """Add private values worth checking; ``values`` may map each to where it was read, named when found."""
        self._looked.clear()
        sources: Mapping[str, Source | None] = values if isinstance(values, Mapping) else {}
        raws = [str(v) for v in values]
        if len(raws) > _BULK:  # many values (a free-text column of a large file): filter column-wise first
            raws = self._unseen(raws)
        for raw in raws:
            if not worth_checking(raw):
                continue
            value = normalise(raw)
            if self._known(value) or raw in self.published:
                continue
            entry = (kind, sources.get(raw))
            self._whole[value] = entry
            self._raw[value] = raw.strip()
            tokens = tuple(_tokens(value))
            if len(tokens) > 1:  # several words: found inside a value too
                self._phrases.setdefault(tokens[0], []).append((value, tokens))
            elif any(ch.isdigit() for ch in value):  # an id or key: found inside a value too
                self._within[value] = entry

    def _unseen(self, raws: list[str]) -> list[str]:
        """The values worth checking that are neither canaries yet nor whole published strings (column-wise)."""
        raw = pd.Series(raws, dtype="string")
        stripped = raw.str.strip()
        keep = _worth_checking_column(stripped)
        norm = _normalise_column(stripped)
        keep &= (~norm.isin(self.published.strings) & ~norm.isin(self._whole.keys())).fillna(False).to_numpy(dtype=bool)
        return raw[keep].tolist()

    def add_ids(
        self, kind: str, values: Sequence[str] | pd.Series, *, file: str, column: str, lines: Sequence[int] | np.ndarray
    ) -> None:
        """Add many identifiers at once (record ids, person keys), each read at ``lines`` of ``file``.

        The same rules as :meth:`add`, done column-wise: a build of a million records has a million.
        Only whole published strings are set apart (an identifier is never a phrase or a place). An
        identifier of one word is kept in a set of its column and named (with its line) only when found.
        """
        self._looked.clear()
        column_ = values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(list(values))
        raw = column_.astype("string").str.strip()
        lines_ = np.asarray(lines, dtype=np.int64)
        at = pd.Series(np.arange(len(raw), dtype=np.int64))  # each kept value's place in the column given
        keep_ = _worth_checking_column(raw)
        raw, at = raw[keep_], at[keep_]
        norm = _normalise_column(raw)
        fresh = (~norm.isin(self.published.strings) & ~norm.isin(self._whole.keys())).to_numpy(dtype=bool)
        raw, at, norm = raw[fresh], at[fresh], norm[fresh]
        # one token: normalised values hold no space but " ", so a class of ASCII characters tells (a
        # pattern pyarrow runs itself, where a fullmatch of _TOKEN went through Python for each value)
        one_word = ~norm.str.contains(_NOT_TOKEN, regex=True).fillna(True).to_numpy(dtype=bool)
        if one_word.any():  # a column, not a set: five million ids as Python strings in a set took 1 GB
            words = norm[one_word]
            # the value as read is the caller's own column's (held anyway), found by its place when named
            self._ids.append(
                _IdColumn(
                    kind,
                    file,
                    column,
                    words.astype("str").reset_index(drop=True),
                    column_,
                    at[one_word].to_numpy(),
                    lines_,
                )
            )
        kept_lines = lines_[at.to_numpy()]
        for value, original, line in zip(norm[~one_word], raw[~one_word], kept_lines[~one_word], strict=True):
            if self._known(value):
                continue
            entry = (kind, Source(file, column, int(line)))
            self._whole[value] = entry
            self._raw[value] = original
            tokens = _TOKEN.findall(value)
            self._phrases.setdefault(tokens[0], []).append((value, tuple(tokens)))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_kind.values())

    def find(self, values: Iterable[str]) -> list[tuple[str, str, Source | None]]:
        """(kind, value as read, source) of every canary among published values (or inside them, see the module)."""
        found, candidates = self.find_apart(values)
        found.update((v, hit) for v, hit in self.id_hits(candidates).items() if v not in found)
        return sorted(found.values(), key=lambda f: (f[0], f[1]))

    def find_apart(self, values: Iterable[str]) -> tuple[dict[str, tuple[str, str, Source | None]], set[str]]:
        """The canaries found among published values but for identifiers, and what to look up among those.

        :meth:`id_hits` then looks the candidates of every file up at once: one pass over each
        identifier column, not one per published file.
        """
        found: dict[str, tuple[str, str, Source | None]] = {}
        id_parts: set[str] = set()
        id_tokens: set[str] = set()
        for raw in dict.fromkeys(values):  # each distinct value once (counts and names repeat a lot)
            hits, parts, tokens = self._look(raw)
            found.update(hits)
            id_parts |= parts
            id_tokens |= tokens
        id_tokens = {t for t in id_tokens - found.keys() if any(ch.isdigit() for ch in t)}
        return found, (id_parts | id_tokens) - found.keys()

    def id_hits(self, candidates: set[str]) -> dict[str, tuple[str, str, Source | None]]:
        """(kind, value as read, source) of each candidate that an identifier column holds (the first names it)."""
        hits: dict[str, tuple[str, str, Source | None]] = {}
        if not candidates or not self._ids:
            return hits
        wanted = sorted(candidates)
        for ids in self._ids:
            for value in ids.among(wanted):
                if value not in hits:
                    hits[value] = ids.hit(value)
        return hits

    def _look(self, raw: str) -> tuple[dict[str, tuple[str, str, Source | None]], set[str], set[str]]:
        """One published value: the canaries it holds, its parts and its tokens (kept: outputs repeat values)."""
        memo = self._looked.get(raw)
        if memo is not None:
            return memo
        found: dict[str, tuple[str, str, Source | None]] = {}
        parts: set[str] = set()
        text = normalise(raw)
        tokens: list[str] = _tokens(text) if text else []
        if text:
            for part in {text, *_FIELD_BREAK.split(text)}:
                part = part.strip()
                hit = self._whole.get(part)
                if hit is not None:
                    found[part] = (hit[0], self._raw[part], hit[1])
                else:
                    parts.add(part)
            for token in set(tokens) & self._within.keys():
                kind, source = self._within[token]
                found[token] = (kind, self._raw[token], source)
            for first in set(tokens) & self._phrases.keys():
                for value, run in self._phrases[first]:
                    if value in text and _contains_run(tokens, run):
                        kind, source = self._whole[value]
                        found[value] = (kind, self._raw[value], source)
        memo = self._looked[raw] = (found, parts, set(tokens))
        return memo


def _worth_checking_column(raw: pd.Series) -> np.ndarray:
    """:func:`worth_checking` of a column of stripped strings.

    ASCII values are classed with regular expressions; the others (few) one by one with Python's own
    ``isalpha``/``isdigit``, whose idea of a letter or digit the expressions' engine does not share.
    """
    keep = (raw.str.len() >= MIN_LENGTH).fillna(False).to_numpy(dtype=bool)
    ascii_ = _is_ascii(raw)
    letters = raw.str.contains(r"[A-Za-z]", regex=True).fillna(False).to_numpy(dtype=bool)
    digits = np.zeros(len(raw), dtype=bool)
    numbers = keep & ascii_ & ~letters
    if numbers.any():
        digits[numbers] = (raw[numbers].str.count(r"[0-9]") >= MIN_DIGITS).fillna(False).to_numpy(dtype=bool)
    other = keep & ~ascii_
    if other.any():
        letters[other] = [any(ch.isalpha() for ch in v) for v in raw[other]]
        digits[other] = [sum(ch.isdigit() for ch in v) >= MIN_DIGITS for v in raw[other]]
    return keep & (letters | digits)


def _is_ascii(raw: pd.Series) -> np.ndarray:
    if hasattr(raw.str, "isascii"):  # pandas >= 3
        return raw.str.isascii().fillna(True).to_numpy(dtype=bool)
    return raw.str.fullmatch(r"[\x00-\x7f]*").fillna(True).to_numpy(dtype=bool)


#: What str.split() splits on among ASCII characters.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"


def _normalise_column(raw: pd.Series) -> pd.Series:
    """:func:`normalise` of a column of strings, the slow steps only where a value needs them."""
    ascii_ = _is_ascii(raw)
    out = raw.str.lower()  # NFKC leaves ASCII alone and casefold is lower there
    if (~ascii_).any():
        out[~ascii_] = raw[~ascii_].str.normalize("NFKC").str.casefold()
    spaced = (~ascii_) | out.str.contains(_ASCII_SPACE, regex=True).fillna(False).to_numpy(dtype=bool)
    if spaced.any():
        out[spaced] = out[spaced].str.split().str.join(" ")
    return out


@dataclass(slots=True)
class _IdColumn:
    """One column of identifiers of one word (normalised), kept as a column and looked up column-wise."""

    kind: str
    file: str
    column: str
    values: pd.Series  # text ("str": Arrow strings where pyarrow is installed), numbered from 0
    source: pd.Series  # the column as given, unstripped
    positions: np.ndarray  # where each of ``values`` is in it
    lines: np.ndarray  # the line of each of its values

    @property
    def members(self) -> set[str]:
        """Every identifier of the column (made when asked: for counts and tests)."""
        return set(self.values.tolist())

    def among(self, wanted: list[str]) -> list[str]:
        """The identifiers of the column that are among ``wanted``, sorted."""
        held = self.values[self.values.isin(wanted).to_numpy(dtype=bool)]
        return sorted(str(v) for v in held.unique())

    def hit(self, value: str) -> tuple[str, str, Source]:
        """(kind, value as read, source) of the first line that holds ``value``."""
        first = int(np.flatnonzero((self.values == value).to_numpy(dtype=bool))[0])
        at = int(self.positions[first])
        return self.kind, str(self.source.iloc[at]).strip(), Source(self.file, self.column, int(self.lines[at]))


def _contains_run(tokens: list[str], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(tuple(tokens[i : i + n]) == run for i in range(len(tokens) - n + 1))


# ---------------------------------------------------------------------------------------- reading outputs


#: Attributes whose values are text a reader sees or follows (a tooltip, a label, a link, data). The others
#: (class, id, role, lang, rel, crossorigin, name, scope, text-anchor, fill, x, d …) hold markup's own keywords
#: and numbers, never data: read as values, a partner's place written "Middle" or "Anonymous" was found in every
#: page (text-anchor="middle", crossorigin="anonymous") and the build refused.
_TEXT_ATTRIBUTES = frozenset(
    {
        "title",
        "alt",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-valuetext",
        "placeholder",
        "value",
        "label",
        "summary",
        "abbr",
        "content",
        "href",
        "src",
        "srcset",
        "download",
        "cite",
        "action",
        "poster",
    }
)


def _carries_text(attribute: str) -> bool:
    return attribute in _TEXT_ATTRIBUTES or attribute.startswith("data-")


class _Page(HTMLParser):
    """Text nodes, text attributes (:data:`_TEXT_ATTRIBUTES`), comments and script literals of a page, each a value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values.extend(v for k, v in attrs if v and _carries_text(k))
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            return  # formatting: no data reaches a style sheet
        if self._in == "script":
            for match in _LITERAL.finditer(data):  # code is not data; its literals are
                literal = match.group(0)
                if _IDENTIFIER.fullmatch(literal[1:-1]) and data[match.end() :].lstrip().startswith(":"):
                    continue  # an object's key ("maxZoom": 18): a name in code, never data
                self.values.extend(_literal_values(literal))
            return
        if data.strip():
            self.values.append(data)

    def handle_comment(self, data: str) -> None:
        if data.strip():
            self.values.append(data)


def _literal_values(literal: str) -> list[str]:
    """A script's string literal as values: decoded, and split into text where it holds markup."""
    body = literal[1:-1]
    try:
        text = json.loads(f'"{body}"') if literal[0] == '"' else body
    except json.JSONDecodeError:
        text = body.encode("utf-8", "replace").decode("unicode_escape", "replace")
    if "<" in text and ">" in text:
        return _html_values(text)
    return [html.unescape(text)]


def _html_values(text: str) -> list[str]:
    parser = _Page()
    parser.feed(text)
    parser.close()
    return parser.values


def _json_values(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield from (_html_values(value) if "<" in value and ">" in value else [value])
    elif isinstance(value, dict):
        for k, v in value.items():
            if not _IDENTIFIER.fullmatch(str(k)):
                yield str(k)  # a key written as text ("Siti Aminah", "2021"); a name ("geometry") is the format's
            if k == "coordinates" and _positions(v):
                continue  # a geometry's numbers (a million at 1M records), never a private value
            yield from _json_values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_values(v)
    elif value is not None:
        yield str(value)


def _positions(value: object) -> bool:
    """Whether a GeoJSON ``coordinates`` member holds numbers only (as the format says it must)."""
    try:
        return np.asarray(value).dtype.kind in "fiu"
    except ValueError:  # ragged: a multi-part geometry, read value by value
        return False


def _xml_values(data: bytes) -> list[str]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return [data.decode("utf-8", "replace")]
    out: list[str] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "si" or tag == "is":  # a shared or inline string: its runs together are one value
            out.append("".join(t.text or "" for t in element.iter() if t.tag.rsplit("}", 1)[-1] == "t"))
        elif tag != "t" and element.text and element.text.strip():
            out.append(element.text)
        out.extend(v for k, v in element.attrib.items() if k in ("name", "title", "descr", "val") and v)
    return out


#: Words of the outputs' own code and formats, in every build whatever its data: Leaflet's corners, events and line
#: caps in map.html, script booleans, GeoJSON's object types, the workbook's and the GeoPackage's structure words.
#: Read as values, a partner's place written "Round" or "LineString" was refused as a leak; none says anything
#: about a person.
_FORMAT_WORDS = frozenset(
    {
        "topleft",
        "topright",
        "bottomleft",
        "bottomright",
        "top",
        "bottom",
        "left",
        "right",
        "center",
        "round",
        "butt",
        "square",
        "miter",
        "bevel",
        "click",
        "mouseover",
        "mouseout",
        "zoomend",
        "moveend",
        "button",
        "true",
        "false",
        "null",
        "Worksheets",
        "features",
        "Feature",
        "FeatureCollection",
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)


def published_values(path: Path) -> list[str]:
    """Every value a reader can get out of a published file, decoded (see the module docstring).

    But for :data:`_FORMAT_WORDS`, the words of the outputs' own code and formats.
    """
    return [value for value in _values_of(path) if value not in _FORMAT_WORDS]


def _values_of(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".svg"):
        return _html_values(path.read_text(encoding="utf-8", errors="replace"))
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            return [cell for row in csv.reader(fh) for cell in row]
    out: list[str] = []
    if suffix == ".md":
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            cells = line.strip().strip("|").split(" | ") if line.startswith("|") else [line]
            out.extend(html.unescape(re.sub(r"\\(.)", r"\1", c)).strip("* ") for c in cells)
        return out
    if suffix in (".json", ".geojson"):
        try:
            return list(_json_values(json.loads(path.read_text(encoding="utf-8", errors="replace"))))
        except json.JSONDecodeError:
            return [path.read_text(encoding="utf-8", errors="replace")]
    if suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")) and not name.startswith(_XLSX_FORMATTING):
                    out.extend(_xml_values(archive.read(name)))
        return out
    if suffix in (".gpkg", ".sqlite", ".db"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")]
            for table in tables:
                if table.startswith(_GPKG_STRUCTURE):
                    continue
                try:
                    rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
                except sqlite3.DatabaseError:
                    continue
                out.extend(v for row in rows for v in row if isinstance(v, str))
        return out
    if suffix == ".png":
        return _png_text(path.read_bytes())
    if suffix == ".pdf":
        return []  # printed from report.html, which is checked with the same values
    if suffix in (".txt", ".xml"):
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [path.read_bytes().decode("utf-8", errors="ignore")]


def published_text(path: Path) -> str:
    """Every value of a published file, one per line (for tests and greps)."""
    return "\n".join(published_values(path))


def _png_text(data: bytes) -> list[str]:
    """Text chunks (tEXt, iTXt, zTXt) of a PNG: the only place a PNG carries strings."""
    out, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            out.extend(data[pos + 8 : pos + 8 + length].decode("latin-1", errors="replace").split("\0"))
        pos += 12 + length
    return out


def scan(folder: Path, canaries: Canaries, *, expected: Callable[[str], bool] | None = None) -> list[Finding]:
    """Search every file under ``folder`` for every canary; ``expected`` also refuses files no format writes."""
    findings: list[Finding] = []
    looked: list[tuple[str, dict[str, tuple[str, str, Source | None]], set[str]]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if expected is not None and not expected(name):
            findings.append(Finding(name, "file no output format writes", name))
            continue
        looked.append((path.name, *canaries.find_apart(published_values(path))))
    # the identifiers are looked up once, for the candidates of every file together
    ids = canaries.id_hits(set().union(*(candidates for _, _, candidates in looked)))
    for file, found, candidates in looked:
        found.update((v, ids[v]) for v in sorted(candidates & ids.keys()) if v not in found)
        for kind, value, source in sorted(found.values(), key=lambda f: (f[0], f[1])):
            findings.append(Finding(file, kind, value, source))
    return findings


#: What to do about a private value of each kind found in an output.
_WHAT_TO_DO = {
    "unmapped column": (
        "if the column holds a field routemap publishes, map it in the partner's partner.toml ([columns]); if "
        "the value means 'not known', list it under missing = [\"…\"] there; if it is no secret (a word of your "
        'own notes), add it to allow = ["…"] in routemap.toml (build.json records the list)'
    ),
    "partner name": (
        'set show_partners = true in routemap.toml to name contributing organisations, or add the name to allow = ["…"]'
    ),
    "partner folder": 'if the folder name is no secret, add it to allow = ["…"] in routemap.toml',
    "file name": 'if the file name is no secret, add it to allow = ["…"] in routemap.toml',
    "sheet name": 'if the sheet name is no secret, add it to allow = ["…"] in routemap.toml',
}
_A_BUG = (
    "routemap never publishes this kind of value, so this is a bug in routemap: please report it with this "
    'message (adding the value to allow = ["…"] in routemap.toml lets the build through meanwhile)'
)


def check_outputs(folder: Path, canaries: Canaries, *, expected: Callable[[str], bool] | None = None) -> None:
    """Fail when any published file holds a private value, naming where it came from and what to do.

    ``expected`` tells the files the output formats write (``render.formats``): any other file fails too.

    Raises
    ------
    DisclosureError
        Naming each output, the value, its kind, the file, column and line it was read from, and the fix.
    """
    findings = scan(folder, canaries, expected=expected)
    if log.isEnabledFor(logging.INFO):  # counting them makes a set of every identifier (0.35 s at 1M records)
        log.info("leak check: %d private values searched in %s", len(canaries), folder)
    if not findings:
        return
    lines = []
    for f in findings[:20]:
        where = f" (read from {f.source})" if f.source and f.source.file else ""
        lines.append(f"  {f.file}: {f.kind} value {f.value!r}{where}")
    more = [f"  … and {len(findings) - 20} more"] if len(findings) > 20 else []
    fixes = [f"  {kind}: {_WHAT_TO_DO.get(kind, _A_BUG)}" for kind in dict.fromkeys(f.kind for f in findings)]
    raise DisclosureError(
        "\n".join(
            [
                f"the leak check found {len(findings)} private value(s) in the outputs, so nothing was published:",
                *lines,
                *more,
                "What to do:",
                *fixes,
            ]
        )
    )
