"""Resolve place strings offline against the gazetteer, once per distinct string, explainably."""

from __future__ import annotations

import csv
import logging
import re
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from routemap._countries import country_iso3
from routemap._errors import ConfigError
from routemap._gazetteer import (
    TIER_ALIAS,
    TIER_ALTERNATE,
    TIER_CODE,
    TIER_NAME,
    Index,
    Place,
    load_index,
)
from routemap.schema import fold

log = logging.getLogger(__name__)

__all__ = ["FUZZY_LEAD", "FUZZY_SCORE", "Gazetteer", "Place", "Resolution", "country_iso3"]

#: A fuzzy match is accepted only at or above this score: 100 x (1 - edits / length), where an
#: edit is an insertion, deletion, substitution or swap of neighbours (rapidfuzz OSA distance) ...
FUZZY_SCORE = 85.0
#: ... and only with at least this lead over the best match that names another place.
FUZZY_LEAD = 8.0
#: Strings shorter than this are never matched fuzzily (one edit changes too much).
FUZZY_MIN_LENGTH = 5
#: Suggestions offered for an unresolved string score at least this.
SUGGEST_SCORE = 60.0

TIER_USER = -1
_LEVEL_RANK = {"region": 0, "country": 0, "admin1": 1, "place": 2}
_METHOD_BY_TIER = {
    TIER_USER: "user",
    TIER_CODE: "code",
    TIER_NAME: "exact",
    TIER_ALIAS: "alias",
    TIER_ALTERNATE: "alternate",
}
_SUBDIVISION_CODE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")
_LETTER = re.compile(r"[^\W\d_]")
_PARTS = re.compile(r"[,;()\[\]\u2013\u2014]|\s+-+\s*|\s*-+\s+")
#: Also a separator, but only when every part is then explained ("Jawa Timur-Indonesia").
_HYPHENATED_PARTS = re.compile(r"[,;()\[\]\u2013\u2014-]")
_TRAILING_BRACKET = re.compile(r"^(?P<rest>.*?)\s*[(\[](?P<inside>[^()\[\]]*)[)\]]\s*$")
#: Words around a name that say what kind of unit it is ("Negeri Sabah", "Mon State", "Kota Batam").
_ADMIN_PREFIX = re.compile(
    r"^(the|negeri|negara|provinsi|propinsi|prov|province of|state of|region of|wilayah persekutuan|wilayah|"
    r"changwat|amphoe|mueang|daerah|kabupaten|kab|kota|bandar|pulau|city of|municipality of|republic of|"
    r"kingdom of|republik|kerajaan|prathet|emirate of|sultanate of|wp|w p)\s+"
)
_ADMIN_SUFFIX = re.compile(
    r"\s+(state|province|region|division|district|city|town|prefecture|governorate|municipality|territory|"
    r"federal territory|ft|regency|island|negeri|provinsi)$"
)
#: Words around a name that say who rather than where ("Vietnamese nationals", "warga Indonesia").
_PEOPLE_PREFIX = re.compile(
    r"^(warga negara|warga|rakyat|orang|citizens? of|nationals? of|people from|migrants? from|from)\s+"
)
_PEOPLE_SUFFIX = re.compile(
    r"\s+(nationals?|citizens?|migrant workers?|migrants?|workers?|people|origin|descent|passport holders?|"
    r"refugees?|asylum seekers?)$"
)
#: Abbreviations read as the word they stand for ("Dominican Rep.", "St. Lucia", "S. Korea").
_ABBREVIATIONS = {
    "rep": "republic",
    "dem": "democratic",
    "st": "saint",
    "ste": "sainte",
    "fed": "federated",
    "sts": "states",
    "is": "islands",
    "isl": "islands",
    "utd": "united",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}
#: Names scored against the fuzzy choices at once, and best matches kept for each.
_FUZZY_BATCH = 64
_FUZZY_LIMIT = 12
#: At most this many places per part of a "City, State, Country" string are weighed.
_MAX_PART_CANDIDATES = 12
#: Tolerance, in degrees, when deciding whether explicit coordinates agree with a named place.
_SAME_POINT = 1e-9
#: How near a known settlement a record's own point must be to name a stop no source knows (km).
SNAP_KM = 10.0


@dataclass(frozen=True, slots=True)
class Resolution:
    """How one distinct raw string resolved.

    Parameters
    ----------
    raw
        The string as written (before folding).
    place_id
        The place, or ``""`` when the string did not resolve.
    method
        ``user``, ``code``, ``exact``, ``alias``, ``alternate``, ``context`` (settled by other
        parts of the same string), ``default_country`` (settled by the partner's default
        country), ``partial`` (part of the string resolved), ``fuzzy``; or, unresolved:
        ``empty``, ``not_a_place``, ``ambiguous``, ``unresolved``.
    candidates
        Place ids an ambiguous string could mean.
    suggestions
        Display names of near matches for an unresolved string.
    score
        Fuzzy score, when the method is ``fuzzy``.
    note
        A short explanation (other readings set aside, parts left out).
    """

    raw: str
    place_id: str
    method: str
    candidates: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    score: float | None = None
    note: str = ""

    @property
    def resolved(self) -> bool:
        """Whether the string names a place."""
        return bool(self.place_id)


@dataclass(slots=True)
class _Choice:
    place_id: str = ""
    candidates: tuple[str, ...] = ()
    tier: int = TIER_ALTERNATE
    by_default: bool = False
    set_aside: tuple[str, ...] = field(default_factory=tuple)
    capital: bool = False
    key: str = ""


class Gazetteer:
    """Places and the names that lead to them, with the project's own places on top.

    Parameters
    ----------
    index
        The compiled index (see :func:`routemap._gazetteer.load_index`).
    user_places
        Places from the project's ``data/places.csv``; their names win over every other source.
    """

    def __init__(self, index: Index, user_places: Iterable[tuple[Place, list[str]]] = ()) -> None:
        self._index = index
        self._user_places: dict[str, Place] = {}
        self._places: Mapping[str, Place] = ChainMap(self._user_places, index.places)  # type: ignore[arg-type]
        self._user_keys: dict[str, list[tuple[str, int]]] = {}
        for place, names in user_places:
            self._user_places[place.id] = place
            for name in names:
                key = fold(name)
                if key:
                    self._user_keys.setdefault(key, [])
                    if (place.id, TIER_USER) not in self._user_keys[key]:
                        self._user_keys[key].append((place.id, TIER_USER))
        self._fuzzy_names: list[str] | None = None
        self._fuzzy_pids: list[tuple[str, ...]] = []
        self._ranked: dict[str, list[tuple[float, tuple[str, ...]]]] = {}
        self._pending: set[str] | None = None
        self._touched = False
        self._settlements: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None = None
        members = index.region_members
        # a region lies in another when all its members do ("Western Africa, Africa")
        self._region_children = {
            outer: frozenset(r for r, m in members.items() if r != outer and m and m <= outer_members)
            for outer, outer_members in members.items()
        }

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, *, project_dir: Path | None = None) -> Gazetteer:
        """Load the compiled index and, when present, the project's ``data/places.csv``.

        Parameters
        ----------
        project_dir
            Project folder; ``data/places.csv`` inside it is read when it exists.
        """
        index = load_index()
        user: list[tuple[Place, list[str]]] = []
        if project_dir is not None:
            path = project_dir / "data" / "places.csv"
            if path.exists():
                user = read_user_places(path, index)
        return cls(index, user)

    # ------------------------------------------------------------------ lookups
    def place(self, place_id: str) -> Place:
        """Return the place with this id (coordinates ids ``coord:lon,lat`` are made on demand)."""
        found = self._places.get(place_id)
        if found is not None:
            return found
        if place_id.startswith("coord:"):
            lon, lat = (float(v) for v in place_id[6:].split(","))
            return Place(place_id, f"{lat:.4f}, {lon:.4f}", "place", "", "", lon, lat)
        raise KeyError(place_id)

    def __contains__(self, place_id: str) -> bool:
        return place_id in self._places

    @property
    def region_members(self) -> dict[str, frozenset[str]]:
        """ISO3 members of each region place id."""
        return self._index.region_members

    def _candidates(self, key: str) -> list[tuple[str, int]]:
        return self._user_keys.get(key) or self._index.keys.get(key, [])

    # ------------------------------------------------------------------ resolution
    def resolve_many(self, raws: Iterable[str], *, default_country: str | None = None) -> dict[str, Resolution]:
        """Resolve each distinct string once; names that need fuzzy matching are scored together.

        Parameters
        ----------
        raws
            Strings as written; duplicates are resolved once.
        default_country
            ISO3 of the partner's default country, used only to settle a tie.

        Returns
        -------
        dict
            Raw string to :class:`Resolution`, the same as :meth:`resolve` gives one by one.
        """
        out: dict[str, Resolution] = {}
        again: list[str] = []
        self._pending = set()
        try:
            for raw in dict.fromkeys(raws):
                self._touched = False
                out[raw] = self.resolve(raw, default_country=default_country)
                if self._touched:
                    again.append(raw)
            pending = self._pending
        finally:
            self._pending = None
        self._rank(sorted(pending))
        for raw in again:
            out[raw] = self.resolve(raw, default_country=default_country)
        return out

    def resolve(self, raw: str, *, default_country: str | None = None) -> Resolution:
        """Resolve one string (see :class:`Resolution` for the methods and the README for the rules)."""
        text = " ".join(str(raw).split())
        if not text:
            return Resolution(raw, "", "empty")
        if not _LETTER.search(text):
            return Resolution(raw, "", "not_a_place", note="no letters: a code for a missing value, not a place")
        if _SUBDIVISION_CODE.match(text):
            hits = [c for c in self._index.keys.get(fold(text), []) if c[1] == TIER_CODE]
            if hits:
                return Resolution(raw, hits[0][0], "code")
        return self._resolve_text(raw, text, default_country=default_country)

    def _resolve_text(self, raw: str, text: str, *, default_country: str | None) -> Resolution:
        key = fold(text.replace("&", " and "))
        if not key or key in self._index.not_places:
            return Resolution(raw, "", "not_a_place")
        whole = self._resolve_key(key, default_country=default_country)
        if whole.place_id or whole.candidates:
            return self._finish(raw, whole)
        for variant in _variants(key):
            if variant in self._index.not_places:
                return Resolution(raw, "", "not_a_place", note=f"read as {variant!r}")
            again = self._resolve_key(variant, default_country=default_country)
            if again.place_id or again.candidates:
                return self._finish(raw, again, note=f"read as {variant!r}")
        qualified = _TRAILING_BRACKET.match(text)
        if qualified and qualified["rest"].strip() and self._is_qualifier(qualified["inside"]):
            inner = self._resolve_text(raw, qualified["rest"], default_country=default_country)
            if inner.method not in ("unresolved",):
                aside = f"'({qualified['inside'].strip()})' set aside as a qualifier"
                return replace(inner, note="; ".join(n for n in (inner.note, aside) if n))
        if "/" in text:
            either = self._resolve_alternatives(raw, text, default_country=default_country)
            if either is not None:
                return either
        parts = [p.strip() for p in _PARTS.split(text) if p.strip()]
        structured = None
        if len(parts) > 1:
            structured = self._resolve_parts(raw, parts, default_country=default_country)
        if "-" in text and (structured is None or structured.method != "context"):
            pieces = [p.strip() for p in _HYPHENATED_PARTS.split(text) if p.strip()]
            if len(pieces) > len(parts):
                hyphenated = self._resolve_parts(raw, pieces, default_country=default_country)
                if hyphenated is not None and hyphenated.method == "context":
                    return hyphenated
        if structured is not None:
            return structured
        return self._fuzzy(raw, key)

    def _is_qualifier(self, inside: str) -> bool:
        key = fold(inside)
        return not key or key in self._index.qualifiers

    def _resolve_key(self, key: str, *, default_country: str | None, within: Place | None = None) -> _Choice:
        cands = self._candidates(key)
        strong = [c for c in cands if c[1] <= TIER_ALIAS]
        weak = [c for c in cands if c[1] > TIER_ALIAS]
        for group in (strong, weak):
            if within is not None:
                group = [c for c in group if self._inside(c[0], within)]
            if group:
                choice = self._choose(group, default_country=default_country, equal=key in self._index.equal_keys)
                choice.key = key
                return choice
        return _Choice()

    def _inside(self, place_id: str, container: Place) -> bool:
        place = self._places[place_id]
        if place.id == container.id:
            return True
        if container.level == "region":
            if place.level == "region":
                return place_id in self._region_children.get(container.id, frozenset())
            return place.country in self._index.region_members.get(container.id, frozenset())
        if container.level == "country":
            return place.country == container.country and place.level != "region"
        if container.level == "admin1":
            return place.admin1 == container.id
        return False

    def _choose(self, cands: list[tuple[str, int]], *, default_country: str | None, equal: bool = False) -> _Choice:
        """Settle the places a name could mean by the rules (README "Places"), or report them all."""
        set_aside: tuple[str, ...] = ()
        if equal:  # a name that means several places equally: no level wins
            kept = list(dict.fromkeys(cands))
        else:
            best_rank = min(_LEVEL_RANK[self._places[pid].level] for pid, _ in cands)
            kept = [(pid, tier) for pid, tier in cands if _LEVEL_RANK[self._places[pid].level] == best_rank]
            kept_ids = [pid for pid, _ in kept]
            set_aside = tuple(pid for pid, _ in cands if pid not in kept_ids and not self._nested_in_any(pid, kept_ids))
            if len(kept) > 1:
                kept = self._collapse_nested(kept)
        if len(kept) == 1:
            return _Choice(kept[0][0], tier=kept[0][1], set_aside=set_aside)
        top = min(tier for _, tier in kept)
        if top == TIER_USER:
            kept = [c for c in kept if c[1] == TIER_USER]
            if len(kept) == 1:
                return _Choice(kept[0][0], tier=TIER_USER, set_aside=set_aside)
        if default_country:
            local = [c for c in kept if self._places[c[0]].country == default_country]
            if len(local) == 1:
                return _Choice(local[0][0], tier=local[0][1], by_default=True, set_aside=set_aside)
        capitals = [c for c in kept if c[0] in self._index.capitals]
        if len(capitals) == 1 and all(self._places[pid].level == "place" for pid, _ in kept):
            others = tuple(pid for pid, _ in kept if pid != capitals[0][0])
            return _Choice(capitals[0][0], tier=capitals[0][1], set_aside=set_aside + others, capital=True)
        return _Choice(candidates=tuple(sorted({pid for pid, _ in kept})), set_aside=set_aside)

    def _nested_in_any(self, place_id: str, containers: list[str]) -> bool:
        return any(self._inside(place_id, self._places[c]) for c in containers)

    def _collapse_nested(self, kept: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Among places of one level, an administrative area wins over a city inside it with its name."""
        subs = [c for c in kept if c[0].startswith(("sub:", "user:"))]
        if len(subs) == 1:
            area = self._places[subs[0][0]]
            rest = [c for c in kept if c is not subs[0]]
            if all(
                self._places[pid].admin1 == area.admin1 and self._places[pid].country == area.country for pid, _ in rest
            ):
                return subs
        return kept

    def _resolve_alternatives(self, raw: str, text: str, *, default_country: str | None) -> Resolution | None:
        """Resolve "A / B" (the writer was not sure which): the one place they share, if any."""
        pieces = [p.strip() for p in text.split("/") if p.strip()]
        if len(pieces) < 2:
            return None
        found = [self._resolve_text(raw, p, default_country=default_country) for p in pieces]
        if not all(r.resolved for r in found):
            return None
        ids = sorted({r.place_id for r in found})
        if len(ids) == 1:
            return Resolution(raw, ids[0], "context", note="the alternatives name the same place")
        common = self._common_unit(ids)
        if common:
            names = " or ".join(self._places[i].name for i in ids)
            return Resolution(raw, common, "context", note=f"{names}: both lie in {self.describe(common)}")
        return Resolution(
            raw, "", "ambiguous", candidates=tuple(ids), note="the alternatives lie in different countries"
        )

    def _common_unit(self, ids: list[str]) -> str:
        """The smallest admin-1 unit or country that holds every place, or ``""``."""
        chains = []
        for pid in ids:
            place = self._places[pid]
            if not place.country:
                return ""
            chain = [pid]
            if place.level == "place" and place.admin1:
                chain.append(place.admin1)
            chain.append(f"country:{place.country}")
            chains.append(chain)
        for unit in chains[0]:
            if all(unit in chain for chain in chains[1:]):
                return unit
        return ""

    def _part_candidates(self, key: str) -> tuple[str, list[tuple[str, int]]]:
        """The name a part of a string matched (itself or a variant) and the places it can mean."""
        if not key or key in self._index.not_places or key in self._index.qualifiers:
            return key, []
        for candidate in (key, *_variants(key)):
            if candidate in self._index.not_places:
                return candidate, []
            cands = self._candidates(candidate)
            if cands:
                return candidate, cands[:_MAX_PART_CANDIDATES]
        return key, []

    def _resolve_parts(self, raw: str, parts: list[str], *, default_country: str | None) -> Resolution | None:
        """Resolve "City, State, Country" and "City (State), Country" by the reading that explains most parts.

        Each part may mean several places; a reading picks at most one place per part such that the
        picked places nest (a town in its state in its country). The readings that explain most parts
        (then most by name rather than by a city's alternate spelling) win; the most specific place of
        each is a candidate, and the candidates are settled like the places of one name.
        """
        keys = [fold(p) for p in parts]
        options = [self._part_candidates(k) for k in keys]
        if not any(cands for _, cands in options):
            return None
        best: tuple[int, int] = (0, 0)
        readings: list[tuple[tuple[str, int, int], ...]] = []

        def walk(i: int, chosen: tuple[tuple[str, int, int], ...]) -> None:
            nonlocal best, readings
            if i == len(options):
                if chosen:
                    score = (len(chosen), sum(1 for _, tier, _ in chosen if tier <= TIER_ALIAS))
                    if score > best:
                        best, readings = score, [chosen]
                    elif score == best:
                        readings.append(chosen)
                return
            walk(i + 1, chosen)
            for pid, tier in options[i][1]:
                if all(self._nests(pid, other) for other, _, _ in chosen):
                    walk(i + 1, (*chosen, (pid, tier, i)))

        walk(0, ())
        targets: dict[str, int] = {}
        for reading in readings:
            pid, tier, _ = max(reading, key=lambda item: (_LEVEL_RANK[self._places[item[0]].level], -item[2]))
            targets[pid] = min(tier, targets.get(pid, tier))
        choice = self._choose(sorted(targets.items()), default_country=default_country)
        if not choice.place_id:
            return Resolution(raw, "", "ambiguous", candidates=choice.candidates)
        explained = {i for reading in readings for pid, _, i in reading if self._nests(pid, choice.place_id)}
        left_out = [parts[i] for i, (k, _) in enumerate(options) if k and i not in explained]
        notes = []
        if choice.by_default:
            notes.append("settled by the partner's default country")
        if left_out:
            inside = self.describe(choice.place_id)
            notes.append(f"not found in {inside}: {'; '.join(left_out)}")
            return Resolution(raw, choice.place_id, "partial", note="; ".join(notes))
        return Resolution(raw, choice.place_id, "context", note="; ".join(notes))

    def _nests(self, a: str, b: str) -> bool:
        return self._inside(a, self._places[b]) or self._inside(b, self._places[a])

    def _finish(self, raw: str, choice: _Choice, *, note: str = "") -> Resolution:
        if not choice.place_id:
            return Resolution(raw, "", "ambiguous", candidates=choice.candidates, note=note)
        method = "default_country" if choice.by_default else _METHOD_BY_TIER[choice.tier]
        notes = [note] if note else []
        alias_note = self._index.notes.get((choice.key, choice.place_id), "")
        if alias_note and method != "exact":
            notes.append(alias_note)
        if choice.capital:
            notes.append(f"the capital of {self._places['country:' + self._places[choice.place_id].country].name}")
        if choice.set_aside:
            names = sorted({self.describe(pid) for pid in choice.set_aside})
            notes.append("also the name of: " + "; ".join(names[:3]) + (" …" if len(names) > 3 else ""))
        return Resolution(raw, choice.place_id, method, note="; ".join(notes))

    # ------------------------------------------------------------------ fuzzy
    def _fuzzy_choices(self) -> tuple[list[str], list[tuple[str, ...]]]:
        """The names a typo may be read as (regions, countries, admin-1 units, the project's places)."""
        if self._fuzzy_names is None:
            targets = dict(self._index.fuzzy)
            for key, cands in self._user_keys.items():
                if len(key) >= 4:
                    targets[key] = tuple(sorted({pid for pid, _ in cands}))
            self._fuzzy_names = sorted(targets)
            self._fuzzy_pids = [targets[k] for k in self._fuzzy_names]
        return self._fuzzy_names, self._fuzzy_pids

    def _rank(self, keys: Iterable[str]) -> None:
        """Score names against every fuzzy choice, in batches, and keep the best of each.

        Comparing a batch at once converts the ~10,000 choices once per batch instead of once
        per name, which makes the difference between seconds and milliseconds.
        """
        names, pids = self._fuzzy_choices()
        todo = [k for k in dict.fromkeys(keys) if k not in self._ranked]
        for start in range(0, len(todo), _FUZZY_BATCH):
            batch = todo[start : start + _FUZZY_BATCH]
            scores = process.cdist(
                batch, names, scorer=OSA.normalized_similarity, score_cutoff=SUGGEST_SCORE / 100, dtype=np.float64
            )
            for key, row in zip(batch, scores, strict=True):
                hits = np.flatnonzero(row)
                best = hits[np.lexsort((hits, -row[hits]))][:_FUZZY_LIMIT]  # highest score, then first name
                self._ranked[key] = [(100.0 * float(row[i]), pids[i]) for i in best]

    def _fuzzy(self, raw: str, key: str) -> Resolution:
        if key not in self._ranked:
            if self._pending is not None:  # resolve_many scores all such names at once, then asks again
                self._pending.add(key)
                self._touched = True
                return Resolution(raw, "", "unresolved")
            self._rank([key])
        ranked: list[tuple[float, tuple[str, ...]]] = []
        for score, pids in self._ranked[key]:
            if not any(p == pids for _, p in ranked):
                ranked.append((score, pids))
        suggestions = tuple(dict.fromkeys(self.describe(p) for _, pids in ranked for p in pids))[:5]
        if ranked and len(ranked[0][1]) == 1 and ranked[0][0] >= FUZZY_SCORE and len(key) >= FUZZY_MIN_LENGTH:
            runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
            if ranked[0][0] - runner_up >= FUZZY_LEAD:
                pid = ranked[0][1][0]
                score = round(ranked[0][0], 1)
                rival = f"next best {runner_up:.1f}" if runner_up else "no other close match"
                note = f"read as {self.describe(pid)}; score {score:g}, {rival}"
                return Resolution(raw, pid, "fuzzy", score=score, note=note)
        return Resolution(raw, "", "unresolved", suggestions=suggestions)

    # ------------------------------------------------------------------ levels
    def describe(self, place_id: str) -> str:
        """A human label: ``"Sabah (admin1, Malaysia)"``."""
        place = self.place(place_id)
        country = self._places.get(f"country:{place.country}")
        where = f", {country.name}" if country is not None and place.level != "country" else ""
        kind = "city" if place.id.startswith("city:") else place.level
        return f"{place.name} ({kind}{where})"

    def generalise(self, place_id: str, *, level: str, focus: str | None = None) -> str:
        """Return the place id a stop becomes at a level.

        Parameters
        ----------
        place_id
            A resolved place.
        level
            ``country``, ``admin1`` or ``place``.
        focus
            ISO3 of the focus country: its stops stay at admin-1 level (or place level when
            ``level`` is ``place``); all other stops use ``level``.
        """
        place = self.place(place_id)
        if place.level == "region" or not place.country:
            return place.id
        effective = level
        if focus and place.country == focus and level == "country":
            effective = "admin1"
        if effective == "place" or place.level == "country":
            return place.id
        if effective == "admin1":
            if place.level == "admin1":
                return place.id
            if place.admin1:
                return place.admin1
        return f"country:{place.country}"

    def nearest_settlement(self, lon: float, lat: float, *, max_km: float = SNAP_KM) -> tuple[str, float] | None:
        """The town or project place nearest a point, when it is close and clearly in one country.

        Used only to name a stop whose written name no source knows from the record's own
        coordinates; the stop is then that settlement, drawn at the settlement's point, so a
        case's coordinates are never published. ``None`` when no settlement lies within
        ``max_km``, or when one of another country lies within twice the distance of the nearest
        (near a border the nearest town may be on the wrong side).

        Returns
        -------
        tuple
            (place id, distance in km) of the settlement.
        """
        if self._settlements is None:
            ids = [pid for pid, p in self._places.items() if p.level == "place" and p.country]
            self._settlements = (
                ids,
                np.radians(np.array([self._places[i].lon for i in ids], dtype=float)),
                np.radians(np.array([self._places[i].lat for i in ids], dtype=float)),
                np.array([self._places[i].country for i in ids], dtype=object),
            )
        ids, lons, lats, countries = self._settlements
        if not ids:
            return None
        x, y = np.radians(lon), np.radians(lat)
        # haversine distance in km
        a = np.sin((lats - y) / 2) ** 2 + np.cos(y) * np.cos(lats) * np.sin((lons - x) / 2) ** 2
        km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        best = int(np.argmin(km))
        if km[best] > max_km:
            return None
        others = km[countries != countries[best]]
        if len(others) and others.min() < 2 * max(km[best], 1.0):
            return None
        return ids[best], float(km[best])

    def with_point(self, place_id: str, lon: float, lat: float) -> Place:
        """A copy of a place at explicit coordinates (from ``<stop>_lon``/``<stop>_lat``)."""
        place = self.place(place_id)
        if abs(place.lon - lon) < _SAME_POINT and abs(place.lat - lat) < _SAME_POINT:
            return place
        return replace(place, lon=lon, lat=lat)


def _strip_admin_words(key: str) -> str:
    stripped = _ADMIN_PREFIX.sub("", key)
    stripped = _ADMIN_SUFFIX.sub("", stripped)
    return stripped.strip() or key


def _strip_people_words(key: str) -> str:
    stripped = _PEOPLE_PREFIX.sub("", key)
    stripped = _PEOPLE_SUFFIX.sub("", stripped)
    return stripped.strip() or key


def _expand(key: str) -> str:
    """Join spelled-out letters ("u s a" -> "usa") and write out abbreviations ("rep" -> "republic")."""
    tokens: list[str] = []
    run: list[str] = []
    for token in [*key.split(), ""]:
        if len(token) == 1:
            run.append(token)
            continue
        tokens += ["".join(run)] if len(run) > 1 else run
        run = []
        if token:
            tokens.append(token)
    if len(tokens) > 1:
        tokens = [_ABBREVIATIONS.get(t, t) for t in tokens]
    return " ".join(tokens)


def _variants(key: str) -> list[str]:
    """Other readings of a folded name, tried in order when the name itself is unknown."""
    expanded = _expand(key)
    admin = _strip_admin_words(expanded)
    out = [expanded, admin, _strip_people_words(expanded), _strip_people_words(admin)]
    return [v for v in dict.fromkeys(out) if v and v != key]


_USER_LEVELS = ("region", "country", "admin1", "place")


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
