"""Escaping for every string that leaves the pipeline: HTML text, embedded JSON, spreadsheet cells."""

from __future__ import annotations

import html
import json
from typing import Any

#: Cell prefixes a spreadsheet may execute as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def esc(text: object) -> str:
    """HTML-escape any value for text or attribute context (quotes included)."""
    return html.escape(str(text), quote=True)


def safe_cell(value: Any) -> Any:
    """Neutralise a spreadsheet cell that could run as a formula by prefixing an apostrophe.

    Numbers pass through unchanged; text starting with ``= + - @``, a tab or a carriage
    return gets a leading ``'`` so Excel and LibreOffice show it as text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no line separators)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
