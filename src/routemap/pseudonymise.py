"""Replace a personal identifier column with a keyed hash (person_key) that partners sharing a key compute alike."""

from __future__ import annotations

import csv
import hashlib
import hmac
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from routemap._errors import ConfigError
from routemap.readers import ReadOptions, read_table
from routemap.schema import fold

log = logging.getLogger(__name__)

#: Bytes of a new key (256 bits, the HMAC-SHA256 block's natural strength).
KEY_BYTES = 32
KEY_COMMENT = (
    "# routemap pseudonymisation key. Share it only with the partner organisations that pseudonymise\n"
    "# their files, never with the analyst and never with the data. Whoever holds it can test guesses.\n"
)
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


class KeyFileError(ConfigError):
    """A key file is missing, malformed, or would be overwritten."""


@dataclass(frozen=True, slots=True)
class PseudonymiseResult:
    """What :func:`pseudonymise_file` did.

    Parameters
    ----------
    out
        The file written.
    rows
        Data rows written.
    keyed
        Rows that got a person_key (the others had an empty identifier).
    distinct
        Distinct person_keys among them.
    """

    out: Path
    rows: int
    keyed: int
    distinct: int


def new_key(path: Path | str) -> Path:
    """Write a new random key file (readable by its owner only); never overwrite one.

    Raises
    ------
    ConfigError
        When the file exists: replacing a key would give every person a new person_key.
    """
    target = Path(path)
    if target.exists():
        raise KeyFileError(
            f"{target} already exists; a new key would give everyone a different person_key, so it is not "
            "replaced. Choose another file name, or delete the old key if you are sure no file uses it"
        )
    key = secrets.token_hex(KEY_BYTES)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(KEY_COMMENT + key + "\n")
    return target


def read_key(path: Path | str) -> bytes:
    """Read a key file written by :func:`new_key`.

    Raises
    ------
    ConfigError
        When the file is missing or holds no key of 64 hexadecimal characters.
    """
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise KeyFileError(
            f"key file {source} not found; make one with `routemap pseudonymise --new-key {source}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(
            f"key file {source} cannot be read ({exc}); ask for a fresh copy of the shared key"
        ) from None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) != 1 or not _HEX_KEY.fullmatch(lines[0]):
        raise KeyFileError(
            f"{source} is not a routemap key (one line of 64 hexadecimal characters); "
            "use the key file shared by the partners, or make one with `routemap pseudonymise --new-key`"
        )
    return bytes.fromhex(lines[0])


def normalise_identifier(value: str) -> str:
    """Normalise an identifier so that one document gives one key in every partner's file.

    Compatibility forms are unified (full-width letters), case is ignored, and spaces and dashes
    of every kind are removed: ``" a12-345 678"`` and ``"A12345678"`` are the same.
    """
    text = unicodedata.normalize("NFKC", value)
    kept = (ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Pd")
    return "".join(kept).upper()


def person_key(value: str, key: bytes) -> str:
    """The person_key of an identifier: HMAC-SHA256 of its normalised form, hex; empty for an empty identifier."""
    normal = normalise_identifier(value)
    if not normal:
        return ""
    return hmac.new(key, normal.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise_file(
    path: Path | str,
    *,
    column: str,
    key_file: Path | str,
    out: Path | str,
    sheet: str | None = None,
    key_column: str = "person_key",
    overwrite: bool = False,
) -> PseudonymiseResult:
    """Write a copy of a contribution file whose identifier column is replaced by ``person_key``.

    The file is read as ``routemap build`` reads it (encoding, delimiter and header row found the
    same way). The copy holds the header row and every row below it, the identifier column
    replaced in place by the key; rows above the header (titles) are left out. A CSV copy is UTF-8
    (with a byte-order mark, for Excel) with the original delimiter; an ``.xlsx`` name writes a workbook.

    Parameters
    ----------
    path
        The partner's file (.csv or .xlsx).
    column
        Header of the identifier column (passport or case number), matched ignoring case and spacing.
    key_file
        The key file the partners share (see :func:`new_key`).
    out
        Where the copy goes; must not be the original.
    sheet
        Worksheet of an xlsx file (default: the first).
    key_column
        Header of the new column.
    overwrite
        Replace ``out`` if it exists instead of refusing.

    Raises
    ------
    ConfigError
        When the key is missing or malformed, the column is not found, a row is malformed, the
        copy would overwrite the original, or ``out`` exists and ``overwrite`` is false.
    ReadError
        When the file cannot be read.
    """
    source, target = Path(path), Path(out)
    key = read_key(key_file)
    if target.resolve() == source.resolve():
        raise ConfigError(f"-o {target} is the file itself; write the copy to a new file and keep the original safe")
    if target.exists() and not overwrite:
        raise ConfigError(
            f"{target} already exists (it may hold your data); choose another name with -o, or add --force"
        )
    table = read_table(source, ReadOptions(sheet=sheet), expected=(column,))
    folded = [fold(h) for h in table.headers]
    if fold(column) not in folded:
        shown = ", ".join(repr(h) for h in table.headers)
        raise ConfigError(f"column {column!r} not found in {source}; headers are: {shown}")
    index = folded.index(fold(column))
    if fold(key_column) in folded and folded.index(fold(key_column)) != index:
        raise ConfigError(f"{source} already has a column {key_column!r}; remove it, or name the new one with --as")
    if table.bad_rows:
        line, reason = table.bad_rows[0]
        raise ConfigError(
            f"{source}:{line}: {reason}; fix the row first, so that no identifier ends up in another column"
        )
    headers = list(table.headers)
    headers[index] = key_column
    keys = [person_key(str(v), key) for v in table.rows[index]]
    rows = table.rows.copy()
    rows[index] = keys
    body = [[str(v) for v in row] for row in rows.itertuples(index=False)]
    if target.suffix.lower() == ".xlsx":
        _write_xlsx(target, headers, body, sheet=table.sheet or "Data")
    else:
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=table.delimiter or ",")
            writer.writerow(headers)
            writer.writerows(body)
    keyed = [k for k in keys if k]
    log.info("%s: %d rows, %d keyed", target, len(body), len(keyed))
    return PseudonymiseResult(out=target, rows=len(body), keyed=len(keyed), distinct=len(set(keyed)))


def _write_xlsx(path: Path, headers: list[str], body: list[list[str]], *, sheet: str) -> None:
    import xlsxwriter

    # every cell written as what it is: a text beginning with '=' stays text, as it was in the partner's file
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as wb:
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate([headers, *body]):
            for c, value in enumerate(row):
                cell = _number_or_text(value) if r else value
                if isinstance(cell, int):
                    ws.write_number(r, c, cell)
                elif cell:
                    ws.write_string(r, c, cell)


def _number_or_text(value: str) -> int | str:
    """Whole numbers go back as numbers (years, counts); everything else stays text."""
    return int(value) if value.isdigit() and len(value) < 10 and not value.startswith("0") else value
