"""Words and number formats of the published outputs in en, ms and id, from routemap's one label table."""

from __future__ import annotations

from routemap._errors import ConfigError
from routemap.schema import LANGUAGES, header_label, labels, text

#: Locale of each language for number formats in the browser (``toLocaleString``).
LOCALES: dict[str, str] = {"en": "en-US", "ms": "ms-MY", "id": "id-ID"}
#: Thousands and decimal separators of each language.
SEPARATORS: dict[str, tuple[str, str]] = {"en": (",", "."), "ms": (",", "."), "id": (".", ",")}
DEFAULT_UNIT = "persons"


def check_language(language: str, *, source: str = "the settings") -> str:
    """The language code, checked.

    Raises
    ------
    ConfigError
        When it is not one of :data:`routemap.schema.LANGUAGES`.
    """
    code = str(language).strip().lower()
    if code not in LANGUAGES:
        raise ConfigError(f"language {language!r} in {source} is not one of {', '.join(LANGUAGES)}")
    return code


def word(key: str, lang: str, **values: object) -> str:
    """A text of the label table in ``lang`` with its ``{name}`` fields filled in (not escaped)."""
    template = text(key, lang)
    return template.format(**values) if values else template


def integer(n: int | float, lang: str) -> str:
    """A whole number with the language's thousands separator: ``1,234`` (en, ms), ``1.234`` (id)."""
    grouped = f"{round(n):,}"
    return grouped.replace(",", SEPARATORS[lang][0])


def decimal(x: float, lang: str, *, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the language's format: ``12.5`` (en, ms), ``12,5`` (id)."""
    thousands, point = SEPARATORS[lang]
    return f"{x:,.{digits}f}".replace(",", "\0").replace(".", point).replace("\0", thousands)


def percent(x: float, lang: str) -> str:
    """A share with one decimal and a percent sign: ``12.5%`` / ``12,5%``."""
    return decimal(x, lang) + "%"


def value_text(field: str, value: str, lang: str) -> str:
    """A vocabulary value as the label table writes it in ``lang`` (``domestic_work`` -> ``Pembantu rumah``)."""
    found = labels().values.get((field, str(value)))
    if found and found.get(lang):
        return found[lang][0]
    return str(value).replace("_", " ")


def dimension_text(dimension: str, lang: str) -> str:
    """The name of a dimension (sector, year, …) in ``lang``: the template's header for that field."""
    try:
        return header_label(dimension, lang)
    except KeyError:
        return dimension.replace("_", " ")


def unit_text(unit: str | None, lang: str) -> str:
    """What counts are of: the project's ``unit`` as written, or "persons" in ``lang``."""
    return unit if unit else word("unit_persons", lang)
