"""Guess what a text file is: its encoding, its delimiter, and whether it is text at all."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from routemap._errors import ReadError
from routemap.readers.table import DELIMITERS


def decode(data: bytes, encoding: str, path: Path) -> tuple[str, str, list[str]]:
    """Decode bytes: return the text, the encoding used and warnings (without the file name)."""
    if encoding != "auto":
        codec = {"utf-8": "utf-8-sig"}.get(encoding, encoding)  # a BOM is never part of the first header
        try:
            return data.decode(codec), encoding, []
        except UnicodeDecodeError as exc:
            raise ReadError(
                path,
                f'byte {exc.start} is not valid {encoding}; set [read] encoding = "auto" '
                "in partner.toml or save the file as CSV UTF-8",
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8-sig", []
        except UnicodeDecodeError as exc:
            return (
                body.decode("utf-8", errors="replace"),
                "utf-8-sig",
                [
                    f"marked as UTF-8 but byte {exc.start + 3} is not UTF-8; such bytes were replaced by '\ufffd'. "
                    "Save the file again as CSV UTF-8"
                ],
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise ReadError(path, "starts like UTF-16 text but is not; save it again as CSV UTF-8") from None
    # UTF-16 without a mark first: its ASCII text is also valid UTF-8, with a NUL after every letter
    half = max(len(data) // 2, 1)
    zero_bytes = b"\x00" in data[:4096]  # UTF-16 text has them from the first letter on
    for enc, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])) if zero_bytes else ():
        if zeros.count(0) > 0.4 * half:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            return text, enc, [f"no byte-order mark; read as {enc} (Unicode text). Save the file as CSV UTF-8"]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text, enc, name = data.decode("cp1252"), "cp1252", "Windows Western European"
    except UnicodeDecodeError:
        text, enc, name = data.decode("latin-1"), "latin-1", "ISO 8859-1"
    return (
        text,
        enc,
        [
            f"not UTF-8; the encoding was guessed as {enc} ({name}). "
            "Check that accented names look right, or save the file as CSV UTF-8"
        ],
    )


#: Non-blank lines looked at to choose the delimiter.
SNIFF_ROWS = 20


def sniff_delimiter(text: str) -> str:
    """Choose the delimiter that splits the header into most columns and the next rows alike.

    Quoted fields are parsed, so a comma inside ``"Johor, Malaysia"`` does not count.
    """
    sample = text[:65536]
    best, best_score = ",", (0, 0, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        widths: list[int] = []
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(c.strip() for c in row):
                    widths.append(len(row))
                if len(widths) >= SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        score = (sum(1 for w in widths if w == widths[0]), widths[0], -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def looks_binary(text: str) -> bool:
    """Whether decoded text holds NUL bytes or many control characters (a binary file)."""
    if "\x00" in text:
        return True
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > len(sample) // 20
