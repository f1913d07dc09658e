"""Problems found in a contribution: where (file, sheet, line, column), how bad, what to do; where a value was read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file, shown to the partner as ``FILE[SHEET]:LINE: COLUMN: severity: message``.

    Parameters
    ----------
    severity
        ``error`` (the row, or the file, cannot be used) or ``warning`` (used, but check it).
    file
        The file as named to the user.
    message
        What is wrong and what to do; names the value with ``!r``.
    line
        Row number as a spreadsheet counts it (header = 1 when it is the first row); ``None`` for the
        whole file.
    column
        The column's header as written in the file; empty when the problem is not about one column.
    sheet
        The worksheet of an xlsx file; empty for CSV.
    """

    severity: Severity
    file: str
    message: str
    line: int | None = None
    column: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        where = f"{self.file}[{self.sheet}]" if self.sheet else self.file
        if self.line is not None:
            where = f"{where}:{self.line}"
        parts = [where]
        if self.column:
            # a header may hold a line break (a quoted one in CSV): show it escaped, keeping one line per problem
            parts.append(self.column if self.column.isprintable() else repr(self.column))
        return ": ".join([*parts, self.severity, self.message])

    @property
    def sort_key(self) -> tuple[str, str, int, int, str, str]:
        """Order of the report: file, sheet, file-level problems first, then by line and column."""
        line = -1 if self.line is None else self.line
        return (self.file, self.sheet, line, 0 if self.severity == "error" else 1, self.column, self.message)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a private value was read: a contribution file, a column and a line (or a folder)."""

    file: str
    column: str = ""
    line: int = 0

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", line {self.line}"
        return f"{where}, column {self.column!r}" if self.column else where
