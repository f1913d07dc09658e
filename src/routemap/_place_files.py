"""Read a project's own places (data/places.csv), aliases (data/aliases.csv) and [rename] settings."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from routemap._countries import country_iso3
from routemap._errors import ConfigError
from routemap._gazetteer import Index, Place, fold_name
from routemap.schema import fold

if TYPE_CHECKING:
    from routemap.places import Gazetteer

_USER_LEVELS = ("region", "country", "admin1", "place")
#: Methods by which a place named in data/aliases.csv is taken: as written, not as a guess.
_FIRM_METHODS = frozenset({"user", "code", "exact", "alias", "listed", "alternate", "context", "default_country"})


def read_user_aliases(path: Path, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """Read a project's ``data/aliases.csv``: ``alias,place`` lines, ``#`` lines are comments.

    ``place`` is a place routemap already knows: a place id (``country:POL``, ``city:1270239``,
    ``user:…``), an ISO code (``PL``, ``POL``, ``MY-12``), a name it resolves without a guess
    (``Poland``, ``Hassan, India``), or ``none`` for a word that names no place. Every problem
    is collected and reported at once.

    Raises
    ------
    ConfigError
        Naming each bad line, column and value, with the fix.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8' and build again") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if not line.lstrip().startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    if not {"alias", "place"} <= set(reader.fieldnames or []):
        raise ConfigError(
            f"{path}: the header must be 'alias,place' (found: {', '.join(reader.fieldnames or []) or 'nothing'}); "
            "each line attaches a spelling (alias) to a place routemap knows (a name, an ISO code or a place id)"
        )
    problems: list[str] = []
    out: list[tuple[str, str]] = []
    seen: dict[str, tuple[int, str]] = {}
    for (line, _), row in zip(lines[1:], reader, strict=False):
        alias = (row.get("alias") or "").strip()
        place = (row.get("place") or "").strip()
        if not alias and not place:
            continue
        if not alias:
            problems.append(f"{path}:{line}: alias: empty; write the spelling your partners use")
            continue
        if not place:
            problems.append(
                f"{path}:{line}: place: empty for {alias!r}; write the place it means (a name, an ISO code such "
                "as 'PL' or 'MY-12', or a place id from `routemap places`), or none if it names no place"
            )
            continue
        found, why = _alias_target(place, gazetteer)
        if not found:
            problems.append(f"{path}:{line}: place: {place!r} (for {alias!r}) {why}")
            continue
        key = fold_name(alias)
        if key in seen and seen[key][1] != found:
            problems.append(
                f"{path}:{line}: alias: {alias!r} is also on line {seen[key][0]} with another place; keep one line"
            )
            continue
        seen[key] = (line, found)
        out.append((alias, found))
    if problems:
        raise ConfigError("\n".join([f"{len(problems)} problem(s) in {path}:", *problems]))
    return out


def resolve_renames(rename: Mapping[str, str], gazetteer: Gazetteer, *, source: str) -> dict[str, str]:
    """Read ``[rename]`` of routemap.toml (place -> display name) into place id -> display name.

    Raises
    ------
    ConfigError
        Naming each place that is not one routemap knows, or a display name that is empty.
    """
    problems: list[str] = []
    out: dict[str, str] = {}
    for place, name in rename.items():
        found, why = _alias_target(str(place), gazetteer)
        if not found or found == "none":
            problems.append(f"[rename] {place!r} in {source}: {why or 'names no place'}")
        elif not isinstance(name, str) or not name.strip():
            problems.append(f"[rename] {place!r} in {source}: the display name must be text in quotes")
        else:
            out[found] = name.strip()
    if problems:
        raise ConfigError("\n".join(problems))
    return out


def _alias_target(place: str, gazetteer: Gazetteer) -> tuple[str, str]:
    """The place id a ``place`` cell of data/aliases.csv names, or ``("", why not)``."""
    if place.casefold() == "none":
        return "none", ""
    if ":" in place and place in gazetteer:
        return place, ""
    res = gazetteer.resolve(place)
    if res.resolved and res.method in _FIRM_METHODS:
        return res.place_id, ""
    if res.method == "ambiguous" and res.candidates:
        return "", f"means several places; write one of their ids: {', '.join(res.candidates[:5])}"
    if res.resolved:
        return "", f"is only a guess ({gazetteer.describe(res.place_id)}); write the name as routemap knows it"
    hint = f"; closest: {', '.join(res.suggestions[:3])}" if res.suggestions else ""
    return "", f"is not a place routemap knows{hint}; write a name, an ISO code or a place id"


def read_user_places(path: Path, index: Index) -> list[tuple[Place, list[str]]]:
    """Read a project's ``data/places.csv`` (name, aliases, level, country, lon, lat[, admin1]).

    Every problem is collected and reported at once.

    Raises
    ------
    ConfigError
        Naming each bad line, column and value.
    """
    problems: list[str] = []
    out: list[tuple[Place, list[str]]] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8' and build again") from None
    reader = csv.DictReader(text.splitlines())
    required = {"name", "level", "country", "lon", "lat"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(
            f"{path}: missing column(s) {', '.join(sorted(missing))}; "
            f"headers are: {', '.join(reader.fieldnames or [])}; "
            "the columns are name, aliases, level, country, lon, lat (admin1 optional)"
        )
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        name = (row.get("name") or "").strip()
        level = (row.get("level") or "").strip().lower()
        if not name:
            problems.append(f"{path}:{line}: name: empty; give every place a name")
            continue
        if level not in _USER_LEVELS:
            problems.append(f"{path}:{line}: level: {level!r} is not one of {', '.join(_USER_LEVELS)}")
            continue
        try:
            lon, lat = float(row.get("lon") or ""), float(row.get("lat") or "")
        except ValueError:
            problems.append(f"{path}:{line}: lon/lat: {row.get('lon')!r}, {row.get('lat')!r} are not numbers")
            continue
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(f"{path}:{line}: lon/lat: ({lon}, {lat}) is outside -180..180 / -90..90")
            continue
        iso3 = ""
        country_text = (row.get("country") or "").strip()
        if level != "region":
            try:
                iso3 = country_iso3(country_text)
            except ConfigError:
                problems.append(
                    f"{path}:{line}: country: {country_text!r} is not a country; use an ISO code such as 'MY'"
                )
                continue
        admin1 = ""
        admin1_text = (row.get("admin1") or "").strip().upper()
        if admin1_text:
            if f"admin1:{admin1_text}" not in index.places:
                problems.append(f"{path}:{line}: admin1: {admin1_text!r} is not an ISO 3166-2 admin-1 code")
                continue
            admin1 = f"admin1:{admin1_text}"
        elif level == "place":
            admin1 = _nearest_admin1(index, iso3, lon, lat)
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or f"line-{line}"
        pid = f"user:{slug}"
        if pid in seen:
            problems.append(f"{path}:{line}: name: {name!r} appears twice; merge the lines or add it as an alias")
            continue
        seen.add(pid)
        aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        out.append((Place(pid, name, level, iso3, admin1, lon, lat), [name, *aliases]))
    if problems:
        raise ConfigError("\n".join([f"{len(problems)} problem(s) in {path}:", *problems]))
    return out


def _nearest_admin1(index: Index, iso3: str, lon: float, lat: float) -> str:
    best, best_d = "", float("inf")
    for pid in index.places:
        if not pid.startswith("admin1:"):
            continue
        place = index.places[pid]
        if place.country == iso3:
            d = (place.lon - lon) ** 2 + (place.lat - lat) ** 2
            if d < best_d:
                best, best_d = place.id, d
    return best
