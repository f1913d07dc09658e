"""Project settings: routemap.toml merged with command-line overrides, checked once."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from routemap._countries import is_alpha2
from routemap._errors import ConfigError, did_you_mean

LEVELS: tuple[str, ...] = ("country", "admin1", "place")
#: How places are named on a map: by the focus country's own usage, or in English.
NAME_STYLES: tuple[str, ...] = ("local", "english")
#: How map.html gets Leaflet and a basemap: from the CDN and a tile server, or self-contained (offline).
MAP_MODES: tuple[str, ...] = ("cdn", "self-contained")
#: Languages of the published outputs (as of the template): English, Malay, Indonesian.
OUTPUT_LANGUAGES: tuple[str, ...] = ("en", "ms", "id")
#: Dimensions the map can split into one layer per value (``--by``).
BY_DIMENSIONS: tuple[str, ...] = ("sector", "year", "exploitation", "sex")
#: The smallest min_count routemap accepts without ``allow_small_counts = true``.
MIN_COUNT_FLOOR = 5
SETTINGS_FILE = "routemap.toml"

#: Every key routemap.toml may hold -> what its value must be. The one list of known keys:
#: a new setting is a field of :class:`Settings` and a line here.
SETTING_KINDS: dict[str, str] = {
    "title": "text",
    "as_of": "date",
    "level": "text",
    "focus": "text",
    "min_count": "whole number",
    "allow_small_counts": "true or false",
    "show_partners": "true or false",
    "tiles": "text",
    "tiles_api_key": "text",
    "by": "text",
    "years": "text or number",
    "unit": "text",
    "source": "text",
    "names": "text",
    "rename": "table",
    "map": "text",
    "language": "text",
    "compare": "text or number",
    "allow": "list of text",
}
#: What each kind accepts, and how to write it.
_KIND_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "text": ((str,), 'text in quotes, e.g. "Routes into Malaysia"'),
    "date": ((str, dt.date), 'a date, e.g. "2025-06-30"'),
    "whole number": ((int,), "a whole number without quotes, e.g. 5"),
    "true or false": ((bool,), "true or false, without quotes"),
    "text or number": ((str, int), 'a year or a period in quotes, e.g. "2019-2023"'),
    "table": ((dict,), 'a table, e.g. [rename] then "Malacca" = "Melaka" on the next line'),
    "list of text": ((list,), 'a list of texts in quotes, e.g. ["Migrant Care", "Tenaganita"]'),
}

#: An example value of each text setting, for the message when it has the wrong type.
_EXAMPLES: dict[str, str] = {
    "level": '"admin1"',
    "focus": '"MY"',
    "tiles": '"cartodbpositron"',
    "tiles_api_key": '"your-key"',
    "by": '"sector"',
    "unit": '"detected victims"',
    "source": '"Partner case records, 2018-2024"',
    "names": '"local"',
    "map": '"self-contained"',
    "language": '"ms"',
    "compare": '"2022,2023"',
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings of one build.

    Parameters
    ----------
    title
        Title shown on the map and report.
    as_of
        Date the data stands for (ISO date), shown in subtitles.
    level
        Level every stop is generalised to: country, admin1 or place.
    focus
        ISO 3166-1 alpha-2 code of the focus country, whose stops stay at admin1 (or place) level.
    min_count
        Smallest count that is published; smaller counts are suppressed. At least
        :data:`MIN_COUNT_FLOOR` unless ``allow_small_counts`` is true.
    allow_small_counts
        Allow a ``min_count`` below :data:`MIN_COUNT_FLOOR` (the report's method note says so).
    show_partners
        Whether partner names may appear in outputs (never per-partner figures).
    tiles
        Basemap name, URL template, or "none".
    tiles_api_key
        Key for a tile provider that needs one (it appears in map.html, as tile keys do).
    by
        A dimension (sector, year, exploitation, sex) the map splits into one layer per value.
    years
        Period of the records used, ``"2019-2023"`` (first and last year) or ``"2021"``.
    unit
        What the counts count (``detected victims``; default: the partners' profiles say, else ``persons``).
    source
        Who to credit for the data, shown with the published figures.
    names
        ``"local"``: the focus country's places are shown by the names it uses (Melaka, not
        Malacca); ``"english"``: English names everywhere.
    rename
        Place (a name, ISO code or place id) -> the name to show for it (``[rename]`` table).
    map
        ``"cdn"`` (Leaflet from jsDelivr with integrity hashes, tiles from ``tiles``) or
        ``"self-contained"`` (Leaflet inlined, offline outlines: the page asks no other host).
    language
        Language of the map and report: en, ms or id.
    compare
        Periods the report compares, ``"2022,2023"`` (or ``"2019-2021,2022-2023"``); one period
        (``"2023"``) is compared with the year before it.
    allow
        Strings the leak check treats as published on purpose (a word of the project's own notes, a
        partner's name): ``build.json`` records the list. Values no profile maps are never published
        either way; this only stops the second line of defence from refusing a word that is no secret.
    """

    title: str = "Migration and trafficking routes"
    as_of: str | None = None
    level: str = "country"
    focus: str | None = None
    min_count: int = 5
    allow_small_counts: bool = False
    show_partners: bool = False
    tiles: str = "CartoDB positron"
    tiles_api_key: str | None = None
    by: str | None = None
    years: str | None = None
    unit: str | None = None
    source: str | None = None
    names: str = "local"
    rename: dict[str, str] = field(default_factory=dict)
    map: str = "cdn"
    language: str = "en"
    compare: str | None = None
    allow: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with every non-``None`` override applied and checked."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return check_settings(replace(self, **clean), source="the command line")

    @property
    def period(self) -> tuple[int, int] | None:
        """First and last year of ``years`` (``None`` when every year is used)."""
        return parse_years(self.years, source="the settings") if self.years else None


def parse_years(value: object, *, source: str, key: str = "years") -> tuple[int, int]:
    """Read a period such as ``2019-2023`` (or one year, ``2021``) into its first and last year.

    ``key`` is the setting the value was given as, named in the message.

    Raises
    ------
    ConfigError
        When the text is not one or two four-digit years, or the first comes after the last.
    """
    text = str(value).strip().replace("\u2013", "-").replace(" ", "")
    parts = text.split("-")
    if not (1 <= len(parts) <= 2 and all(len(p) == 4 and p.isdigit() for p in parts)):
        raise ConfigError(
            f"{key} {value!r} in {source} is not a period; write the first and last year as 2019-2023, or one year"
        )
    first, last = int(parts[0]), int(parts[-1])
    if first > last:
        raise ConfigError(
            f"{key} {value!r} in {source} starts after it ends; write the earlier year first: {last}-{first}"
        )
    return first, last


def parse_compare(value: object, *, source: str) -> list[tuple[int, int]]:
    """Read the periods to compare: ``"2022,2023"``, ``"2019-2021,2022-2023"`` or one period (``"2023"``).

    One period is compared with the period of the same length just before it.

    Raises
    ------
    ConfigError
        When a part is not a period, there are more than two, or the first does not end before the second starts.
    """
    parts = [p for p in str(value).split(",") if p.strip()]
    if not 1 <= len(parts) <= 2:
        raise ConfigError(
            f"compare {value!r} in {source} is not one or two periods; write 2023, or 2022,2023, or 2019-2021,2022-2023"
        )
    periods = []
    for part in parts:
        try:
            periods.append(parse_years(part, source=source, key="compare"))
        except ConfigError:
            raise ConfigError(
                f"compare {value!r} in {source}: {part.strip()!r} is not a period; write 2023, or 2022,2023, "
                "or 2019-2021,2022-2023"
            ) from None
    if len(periods) == 2 and periods[0][1] >= periods[1][0]:
        raise ConfigError(
            f"compare {value!r} in {source}: the first period must end before the second begins; "
            "write the earlier one first"
        )
    return periods


def _check_focus(value: str | None, source: str) -> str | None:
    if value is None or value == "":
        return None
    code = str(value).strip().upper()
    if not is_alpha2(code):
        raise ConfigError(
            f"focus {value!r} in {source} is not an ISO 3166-1 alpha-2 country code; "
            "use a code such as 'MY' for Malaysia or 'TH' for Thailand"
        )
    return code


def check_settings(settings: Settings, *, source: str) -> Settings:
    """Check every setting and return the normalised settings.

    Parameters
    ----------
    settings
        Settings to check.
    source
        Where the settings came from, named in error messages.

    Raises
    ------
    ConfigError
        Naming the setting, the value and the allowed values.
    """
    if settings.level not in LEVELS:
        raise ConfigError(f"level {settings.level!r} in {source} is not one of {', '.join(LEVELS)}")
    if isinstance(settings.min_count, bool) or not isinstance(settings.min_count, int) or settings.min_count < 1:
        raise ConfigError(f"min_count {settings.min_count!r} in {source} must be a whole number of at least 1")
    if settings.min_count < MIN_COUNT_FLOOR and not settings.allow_small_counts:
        raise ConfigError(
            f"min_count {settings.min_count} in {source} is below {MIN_COUNT_FLOOR}, the smallest count routemap "
            f"publishes by default; counts of {settings.min_count} to {MIN_COUNT_FLOOR - 1} persons can identify "
            f"them. To publish them anyway, set allow_small_counts = true in {SETTINGS_FILE} (the report says so)"
        )
    if settings.as_of is not None:
        try:
            dt.date.fromisoformat(str(settings.as_of))
        except ValueError:
            raise ConfigError(f"as_of {settings.as_of!r} in {source} is not a date; write it as YYYY-MM-DD") from None
    if settings.names not in NAME_STYLES:
        raise ConfigError(f"names {settings.names!r} in {source} is not one of {', '.join(NAME_STYLES)}")
    if not isinstance(settings.rename, dict) or not all(isinstance(v, str) for v in settings.rename.values()):
        raise ConfigError(
            f'rename in {source} must be a table of place = "name to show", e.g. [rename] then "Malacca" = "Melaka"'
        )
    if settings.by is not None and settings.by not in BY_DIMENSIONS:
        raise ConfigError(f"by {settings.by!r} in {source} is not one of {', '.join(BY_DIMENSIONS)}")
    if settings.map not in MAP_MODES:
        raise ConfigError(f"map {settings.map!r} in {source} is not one of {', '.join(MAP_MODES)}")
    if settings.language not in OUTPUT_LANGUAGES:
        raise ConfigError(f"language {settings.language!r} in {source} is not one of {', '.join(OUTPUT_LANGUAGES)}")
    if settings.compare is not None:
        parse_compare(settings.compare, source=source)
    if isinstance(settings.allow, str) or not all(isinstance(v, str) for v in settings.allow):
        raise ConfigError(
            f'allow {settings.allow!r} in {source} must be a list of texts in quotes, e.g. ["Tenaganita"]'
        )
    years = None
    if settings.years is not None and str(settings.years).strip() != "":
        first, last = parse_years(settings.years, source=source)
        years = f"{first}-{last}"
    return replace(
        settings,
        focus=_check_focus(settings.focus, source),
        as_of=_as_text(settings.as_of),
        years=years,
        allow=tuple(v.strip() for v in settings.allow if v.strip()),
    )


def _setting_problem(key: str, value: Any) -> str | None:
    """What is wrong with one key of routemap.toml (unknown, or a value of the wrong type), or ``None``."""
    if key not in SETTING_KINDS:
        return f"unknown setting{did_you_mean(key, SETTING_KINDS)}"
    types, how = _KIND_TYPES[SETTING_KINDS[key]]
    if key in _EXAMPLES:  # the example of this key, not of the title
        how = how.split(", e.g.")[0] + f", e.g. {_EXAMPLES[key]}"
    if isinstance(value, bool) and bool not in types:
        return f"must be {how}"
    if not isinstance(value, types):
        return f"must be {how}"
    return None


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


def load_settings(project_dir: Path) -> Settings:
    """Read ``routemap.toml`` from a project folder (defaults when it is absent).

    Parameters
    ----------
    project_dir
        The project folder.

    Raises
    ------
    ConfigError
        When the file is not valid TOML or holds an unknown or invalid setting.
    """
    path = project_dir / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the line it names") from None
    problems = [(key, value, why) for key, value in raw.items() if (why := _setting_problem(key, value))]
    if len(problems) == 1:
        key, value, why = problems[0]
        raise ConfigError(f"{key} = {value!r} in {path}: {why}")
    if problems:
        lines = [f"{len(problems)} problems in {path}:", *(f"  {k} = {v!r}: {why}" for k, v, why in problems)]
        raise ConfigError("\n".join(lines))
    settings = replace(Settings(), **raw)
    return check_settings(settings, source=str(path))
