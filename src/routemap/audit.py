"""Leak check: scan every file a build is about to publish for private strings, inside xlsx and gpkg too."""

from __future__ import annotations

import html
import logging
import re
import sqlite3
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from routemap._errors import DisclosureError

log = logging.getLogger(__name__)

#: Strings shorter than this (or short numbers) are not checked: they cannot be told apart from
#: counts, years and words that legitimately appear in outputs.
MIN_LENGTH = 5
MIN_DIGITS = 7
_TOKEN = re.compile(r"[^\s,;:\"'<>()\[\]{}|=/\\]+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_TEXT_SUFFIXES = {".html", ".htm", ".csv", ".md", ".json", ".geojson", ".txt", ".svg", ".xml"}
#: Parts of an xlsx that only hold formatting written by openpyxl (fonts, colours, the theme): no data
#: reaches them, and their words ("minor" font scheme, "Calibri") would be taken for private values.
_XLSX_FORMATTING = ("xl/styles.xml", "xl/theme/")


def worth_checking(value: str) -> bool:
    """Whether a private value is specific enough to search for (not a count, year or short code)."""
    text = value.strip()
    if len(text) < MIN_LENGTH:
        return False
    if any(ch.isalpha() for ch in text):
        return True
    return sum(ch.isdigit() for ch in text) >= MIN_DIGITS


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text))


@dataclass(slots=True)
class Canaries:
    """Private strings by kind: none of them may appear in a published file.

    Kinds used by the pipeline: ``record_id``, ``person_key``, ``unmapped column``,
    ``unresolved place``, ``partner folder``, ``partner name``. Strings are kept normalised
    (case-folded, spaces collapsed). One-word strings (ids, keys, most codes) sit in a set that a
    file's words are intersected with; phrases are indexed by their first word. Adding a million
    record ids is vectorised.
    """

    _single: dict[str, set[str]] = field(default_factory=dict)
    _multi: dict[str, list[tuple[str, tuple[str, ...], str]]] = field(default_factory=dict)

    @property
    def by_kind(self) -> dict[str, set[str]]:
        """Every canary by kind (normalised)."""
        out = {kind: set(values) for kind, values in self._single.items()}
        for entries in self._multi.values():
            for value, _, kind in entries:
                out.setdefault(kind, set()).add(value)
        return out

    def add(self, kind: str, values: Iterable[str], *, allowed: set[str] | None = None) -> None:
        """Add values worth checking, skipping any whose normalised form is in ``allowed``."""
        series = pd.Series(list(values), dtype="str").str.strip()
        if series.empty:
            self._single.setdefault(kind, set())
            return
        series = series[series.str.len() >= MIN_LENGTH]
        letters = series.str.contains(r"[^\W\d_]", regex=True)
        series = series[letters | (series.str.count(r"\d") >= MIN_DIGITS)]
        norm = series.str.casefold()
        spaced = norm.str.contains(r"\s", regex=True)
        if spaced.any():  # collapse runs of spaces, tabs and line breaks to one space
            norm = norm.where(~spaced, norm.str.split().str.join(" "))
        norm = norm.drop_duplicates()
        if allowed:
            norm = norm[~norm.isin(allowed)]
        one_word = norm.str.fullmatch(_TOKEN.pattern)
        self._single.setdefault(kind, set()).update(norm[one_word].tolist())
        for value in norm[~one_word]:
            parts = tuple(_TOKEN.findall(value))
            if parts:
                self._multi.setdefault(parts[0], []).append((value, parts, kind))

    def __len__(self) -> int:
        return sum(len(v) for v in self._single.values()) + sum(len(v) for v in self._multi.values())

    def find(self, text: str) -> list[tuple[str, str]]:
        """(kind, value) of every canary in a normalised text."""
        words = _tokens(text)
        found = [(kind, w) for kind, values in self._single.items() for w in words & values]
        for first in words & self._multi.keys():
            for value, parts, kind in self._multi[first]:
                if all(p in words for p in parts) and value in text:
                    found.append((kind, value))
        return sorted(found)


def allowed_strings(names: Iterable[str]) -> set[str]:
    """Normalised forms of strings that are published on purpose (place names, vocabulary)."""
    return {_norm(str(n)) for n in names if str(n).strip()}


def _decode_text(raw: str) -> str:
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw).replace("\\/", "/")
    # escaped twice (HTML inside JSON) or once: unescape until stable
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


#: A script or style element of a page, and the literals (strings, numbers) inside one.
_CODE_BLOCK = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
_LITERAL = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\d[\d.]*""")


def _page_data(page: str) -> str:
    """A page with the code of its scripts and styles reduced to their literals.

    Data reaches a page only as text, attributes and literals (the map's JSON); identifiers and
    comments of routemap's and Leaflet's code are not data, and their words (``closed``,
    ``function``) would be taken for private values that happen to be ordinary words.
    """

    def literals(match: re.Match[str]) -> str:
        return f"{match[1]}{' '.join(_LITERAL.findall(match[3]))}{match[4]}"

    return _CODE_BLOCK.sub(literals, page)


def published_text(path: Path) -> str:
    """All text a reader could get out of a published file, decoded (JSON, HTML, XML escapes undone)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return _decode_text(_page_data(path.read_text(encoding="utf-8", errors="replace")))
    if suffix in _TEXT_SUFFIXES:
        return _decode_text(path.read_text(encoding="utf-8", errors="replace"))
    if suffix == ".xlsx":
        parts = []
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")) and not name.startswith(_XLSX_FORMATTING):
                    parts.append(_decode_text(archive.read(name).decode("utf-8", errors="replace")))
        return "\n".join(parts)
    if suffix in (".gpkg", ".sqlite", ".db"):
        parts = []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")]
            for table in tables:
                try:
                    rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
                except sqlite3.DatabaseError:
                    continue
                for row in rows:
                    parts.extend(v for v in row if isinstance(v, str))
        return "\n".join(parts)
    if suffix == ".png":
        return _png_text(path.read_bytes())
    return path.read_bytes().decode("utf-8", errors="ignore")


def _png_text(data: bytes) -> str:
    """Text chunks (tEXt, iTXt) of a PNG: the only place a PNG carries strings."""
    out, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            out.append(data[pos + 8 : pos + 8 + length].decode("latin-1", errors="replace"))
        pos += 12 + length
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Finding:
    """A private string found in a published file."""

    file: str
    kind: str
    value: str


def scan(folder: Path, canaries: Canaries) -> list[Finding]:
    """Search every file under ``folder`` for every canary (word by word, then as phrases)."""
    findings: list[Finding] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for kind, value in canaries.find(_norm(published_text(path))):
            findings.append(Finding(path.name, kind, value))
    return findings


def check_outputs(folder: Path, canaries: Canaries) -> None:
    """Fail when any published file holds a private string.

    Raises
    ------
    DisclosureError
        Naming each file and what was found (the value is shortened).
    """
    findings = scan(folder, canaries)
    log.info("leak check: %d private strings searched in %s", len(canaries), folder)
    if findings:
        lines = [f"{f.file}: {f.kind} value ({f.value[:3]}…, {len(f.value)} characters)" for f in findings[:20]]
        more = f"\n… and {len(findings) - 20} more" if len(findings) > 20 else ""
        raise DisclosureError(
            "the leak check found private material in the outputs, so nothing was published:\n"
            + "\n".join(lines)
            + more
            + "\nThis is a bug in routemap or a mapping in partner.toml that sends private text into a published "
            "field (for example a notes column mapped as a place); fix it and build again."
        )
