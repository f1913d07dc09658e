"""How a string of several parts is read ("City, State, Country"): the reading that explains most parts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from routemap._gazetteer import TIER_ALIAS, TIER_ALTERNATE, TIER_CODE, TIER_NAME, Index, Place, fold_name, km_between
from routemap._place_fuzzy import FUZZY_SCORE
from routemap._place_reading import (
    LARGEST_OF_NAME,
    STATE_CODE_AFTER,
    Resolution,
    _may_be_code,
    _variants,
    address_variants,
    border_word,
    states_a_region,
    unit_word_only,
)

#: How specific each level is: a region or country, a state, a town.
_LEVEL_RANK = {"region": 0, "country": 0, "admin1": 1, "place": 2}
#: At most this many places per part of a "City, State, Country" string are weighed.
_MAX_PART_CANDIDATES = 12
#: A city at least this large, written by its name after a name no source has, is where that name lies
#: ("Kibera Nairobi", "Malate Manila": neighbourhoods), in the partner's own country.
CITY_AFTER_NAME = 500_000
#: The score a typo's note gives (see routemap._place_fuzzy).
_TYPO_SCORE = re.compile(r"; score (\d+(?:\.\d+)?)")
#: Words for water beside a place's name: the sea or strait is not in the place ("Sulu Sea", "Johor Strait").
_WATER = frozenset({"sea", "ocean", "strait", "straits", "gulf", "channel"})
#: Two towns of two countries this close name one border crossing ("Mae Sot / Myawaddy": 5 km).
CROSSING_KM = 60.0
#: ... and a town and a state, or two states, whose points lie this close ("Hekou/Lao Cai": Lào Cai province).
CROSSING_UNIT_KM = 200.0
#: Words that say a string names a border ("Thai-Myanmar border", "frontera Tailandia-Myanmar").
BORDER_WORDS = re.compile(
    r"\b(?:international border|border crossing|border gate|border|crossing|frontera|fronteira|frontière|frontiere|"
    r"sempadan|perbatasan|granica|hranica|granița|granita)\b",
    re.IGNORECASE,
)
#: What ``routemap places`` says to do with a crossing.
CROSSING_FIX = "to count it, add it to data/places.csv with its point and the country it is counted in"
#: How the two sides of a crossing are written apart.
CROSSING_SPLIT = re.compile(r"\s*(?:/|\s-\s|-|\u2013|\u2014|\bto\b|\band\b|\by\b|\be\b)\s*", re.IGNORECASE)


def _km(a: Place, b: Place) -> float:
    return km_between(a.lon, a.lat, b.lon, b.lat)


class _PartsReading:
    """The Gazetteer's reading of strings of several parts (a mixin: the Gazetteer holds the data)."""

    _index: Index
    _places: Mapping[str, Place]
    _region_children: Mapping[str, frozenset[str]]

    if TYPE_CHECKING:

        def _candidates(self, key: str) -> list[tuple[str, int]]: ...

        def _choose(self, cands: list[tuple[str, int]], *, default_country: str | None, equal: bool = False) -> Any: ...

        def _town_candidates(
            self, key: str, cands: list[tuple[str, int]], *, default_country: str | None, within: Place | None
        ) -> list[tuple[str, int]]: ...

        def _postal_candidates(self, part: str, countries: set[str] | None) -> list[tuple[str, int]]: ...

        def _run_together(self, raw: str, key: str, default_country: str | None) -> Resolution | None: ...

        def _resolve_key(self, key: str, *, default_country: str | None, codes: bool = True) -> Any: ...

        def _weak_part(self, place_id: str, tier: int, keys: list[str], default_country: str | None) -> bool: ...

        def _resolve_text(self, raw: str, text: str, *, default_country: str | None) -> Resolution: ...

        def describe(self, place_id: str) -> str: ...

        def _own_word(self, key: str, country: str) -> bool: ...

    def _part_candidates(
        self, key: str, default_country: str | None, text: str | None = None
    ) -> tuple[str, list[tuple[str, int]]]:
        """The name a part of a string matched (itself or a variant) and the places it can mean (a local town too).

        A code is read only for a part written as one (``text``): "per" of "Johor - per victim" is no Peru.
        """
        if not key or key in self._index.not_places or key in self._index.qualifiers or unit_word_only(key):
            return key, []
        codes = text is None or _may_be_code(text)
        for candidate in (key, *(v for v, plural in _variants(key) if not plural)):
            if candidate in self._index.not_places:
                return candidate, []
            cands = self._candidates(candidate)
            if candidate != key or not codes:
                cands = [(pid, t) for pid, t in cands if t != TIER_CODE]
            cands = self._town_candidates(candidate, cands, default_country=default_country, within=None) or cands
            if any(t <= TIER_ALIAS and self._places[pid].level in ("country", "region") for pid, t in cands):
                # "Thai" of "Thai-Malaysia" is Thailand, not Alor Setar by one of its alternate spellings
                cands = [(pid, t) for pid, t in cands if t < TIER_ALTERNATE]
            if border_word(key):  # "Malaysia border": the border of Malaysia with somewhere, no place in it
                cands = [(pid, t) for pid, t in cands if self._places[pid].level not in ("country", "region")]
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
        keys = [fold_name(p) for p in parts]
        options = self._part_options(parts, keys, default_country)
        if not any(cands for _, cands in options):
            return None
        known = [cands for _, cands in options if cands]
        coded = self._coded_beside_unknown(raw, known)
        if coded is not None:
            return coded
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
            ids = {pid for pid, _, _ in reading}
            pid, tier, _ = max(reading, key=lambda item: (self._depth(item[0], ids), -item[2]))
            targets[pid] = min(tier, targets.get(pid, tier))
        # one known part that names several places alike stays so ("Westland (szklarnie)": Dutch or Norwegian)
        equal = len(known) == 1 and any(k in self._index.equal_keys for k, c in options if c)
        choice = self._choose(sorted(targets.items()), default_country=default_country, equal=equal)
        if not choice.place_id:
            common = self._common_unit(list(choice.candidates))  # "Bandara Juanda, Surabaya": both East Java's
            # or a part names that unit itself ("Russia (Moscow)": the city or its oblast, in Russia either way)
            named = all(any(pid == common for pid, _, _ in reading) for reading in readings)
            if common and len(readings) > 1 and (named or all(len(reading) == 1 for reading in readings)):
                names = "; ".join(sorted(self.describe(pid) for pid in choice.candidates)[:3])
                return Resolution(raw, common, "context", note=f"{names}: all in {self.describe(common)}")
            return Resolution(raw, "", "ambiguous", candidates=choice.candidates)
        explained = {i for reading in readings for pid, _, i in reading if self._nests(pid, choice.place_id)}
        left_out = [parts[i] for i, (k, _) in enumerate(options) if k and i not in explained]
        notes = []
        if choice.by_default:
            notes.append("settled by the partner's default country")
        if left_out:
            elsewhere = self._elsewhere(raw, left_out, choice.place_id, default_country=default_country)
            # "Batam - Johor": two countries; "Batam, Malaysia" keeps Malaysia, but not "Batticaloa, SL" (a code),
            # "Jordan, Guimaras" (a country first) nor "Puok district, SR" (a far country's code: Siem Reap)
            country, coded = self._places[choice.place_id].level == "country", choice.tier == TIER_CODE
            far = country and coded and bool(default_country) and choice.place_id != f"country:{default_country}"
            if elsewhere and self._at_home(choice.place_id, elsewhere, default_country):
                notes.append("read in the partner's country, not as " + "; ".join(map(self.describe, elsewhere)))
                elsewhere = []
            if (elsewhere and (not country or coded or 0 in explained)) or far:
                apart = "its parts lie in different countries" if elsewhere else "a country's code beside a name"
                return Resolution(raw, "", "ambiguous", candidates=(choice.place_id, *elsewhere), note=apart)
            if self._weak_part(choice.place_id, choice.tier, [keys[i] for i in explained], default_country):
                weak = "only a town's other spelling among its parts"
                return Resolution(raw, "", "ambiguous", candidates=(choice.place_id,), note=weak)
            only = min(explained, default=0)
            if len(explained) == 1 and keys[only] in self._index.common_given_names:  # "Kim (boss)": no Kosovo
                alone = self._resolve_text(raw, parts[only], default_country=default_country)
                if not alone.resolved:  # a given name alone: then among words no place explains, too
                    return Resolution(raw, "", "ambiguous", candidates=alone.candidates, note=alone.note)
            inside = self.describe(choice.place_id)
            notes.append(f"not found in {inside}: {'; '.join(left_out)}")
            return Resolution(raw, choice.place_id, "partial", note="; ".join(notes))
        return Resolution(raw, choice.place_id, "context", note="; ".join(notes))

    def _crossing(self, raw: str, text: str, *, default_country: str | None) -> Resolution | None:
        """A border crossing named by its two sides: "Mae Sot / Myawaddy", "Juárez - El Paso", "Thai-Myanmar border".

        Two towns of two countries within :data:`CROSSING_KM` of each other, or two places of two countries
        with a border word, name one crossing. Where two countries meet is no place in one of them (as
        "Thai border" is none): reported ``ambiguous`` with both sides, and how to count it as a place of
        the project's own. Two places farther apart ("Libya/Italy") stay alternatives or parts.
        """
        said = BORDER_WORDS.search(text)
        bare = BORDER_WORDS.sub(" ", text) if said else text
        pieces = [p.strip() for p in CROSSING_SPLIT.split(bare) if p.strip()]
        if len(pieces) != 2 or "," in bare or (not said and not any(c in text for c in "/-\u2013")):
            return None
        options = []
        for piece in pieces:  # a side may be one of several towns of its name ("Juárez / El Paso")
            side = self._resolve_text(raw, piece, default_country=default_country)
            ids = [side.place_id] if side.resolved else list(side.candidates) if side.method == "ambiguous" else []
            # without a border word, a side is a town or a state, never a country ("Indonesia/Malaysia": either)
            kept = [
                self._places[i] for i in ids if self._places[i].country and (said or self._places[i].level != "country")
            ]
            options.append([p for p in kept if p.level != "region"])
        pairs = [
            (_km(a, b), a, b)
            for a in options[0]
            for b in options[1]
            if a.country != b.country
            and (said or _km(a, b) <= (CROSSING_KM if a.level == b.level == "place" else CROSSING_UNIT_KM))
        ]
        if not pairs:
            return None
        places = list(min(pairs, key=lambda pair: pair[0])[1:])
        names = " and ".join(self.describe(p.id) for p in places)
        note = f"a border crossing, where {names} meet: no place in one country; {CROSSING_FIX}"
        return Resolution(raw, "", "ambiguous", candidates=tuple(p.id for p in places), note=note)

    def _written_together(self, raw: str, text: str, key: str, *, default_country: str | None) -> Resolution | None:
        """A town and its unit written without a comma: "Kinston NC", "Bom Retiro/SP", "熊本県八代市".

        A state's postal code after a town is read as "town, code", and only when the town lies in
        that state (not "Selangor MY", two names); Chinese and Japanese run a unit and a place in it
        together (see ``_run_together``).
        """
        together = self._run_together(raw, key, default_country)
        if together is not None:
            return together
        written = STATE_CODE_AFTER.match(text)
        if written is not None and self._state_code(written["code"]):
            found = self._resolve_parts(raw, [written["name"], written["code"]], default_country=default_country)
            if found is not None and found.method == "context":
                return found
        return self._name_then_unit(raw, key, default_country)

    def _state_code(self, code: str) -> bool:
        """Whether letters after a name are a state's code: postal ("TX"), or three an alias gives a state ("AJK")."""
        if len(code) == 3 and code.isalpha():
            found = self._candidates(fold_name(code))
            return any(pid.startswith("admin1:") and tier == TIER_ALIAS for pid, tier in found)
        return bool(self._postal_candidates(code, None))

    def _name_then_unit(self, raw: str, key: str, default_country: str | None) -> Resolution | None:
        """A name no source has, then its country without a comma ("Odemira Portugal", "Ayia Napa Cyprus").

        Read as "name, country": the country, with the name set aside as not found in it. A country
        only (a state's alias may be a word: "Harbour Bay" is no Bay, Somalia), and not when a word of
        the name is a common word or given name ("Little India" is Singapore's, not India).
        """
        for head, tail in self._name_and_place(key):
            if self._candidates(head) or self._candidates(f"{head.rpartition(' ')[2]} {tail}"):
                continue  # (nor where the name's last word begins the country's: "Malabo Eq. Guinea")
            unit = self._resolve_key(tail, default_country=default_country, codes=False)
            if not unit.place_id or unit.tier > TIER_ALIAS or self._places[unit.place_id].level != "country":
                continue
            note = f"not found in {self.describe(unit.place_id)}: {head}"
            return Resolution(raw, unit.place_id, "partial", note=note)
        return None

    def _name_and_place(self, key: str) -> Iterator[tuple[str, str]]:
        """Each way to cut a string into a name (one to three words, no common word or given name) and a key after it.

        The cheap tests first: this is tried for every string no other reading explains.
        """
        words, index = key.split(), self._index
        for cut in range(1, min(len(words), 4)):
            if any(w in index.common_words or w in index.given_names for w in words[:cut]):
                return
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            if len(head) >= 4 and tail in index.keys:
                yield head, tail

    def _home_reading(self, raw: str, key: str, text: str, default_country: str | None) -> Resolution | None:
        """The last readings tried, in the partner's own country: a place among common words, or after a name."""
        if not default_country:
            return None
        around = self._words_around_home_place(raw, key, default_country)
        return around or self._name_then_home_place(raw, key, text, default_country)

    def _words_around_home_place(self, raw: str, key: str, default_country: str) -> Resolution | None:
        """A place of the partner's country among words that name none ("Navotas fish port", "CARA di Mineo").

        Every other word names no place (:meth:`_names_no_place`) and none is a word for the sea; the place is
        named by a name or an alias, is no country (Singapore's "Little India" is not India), is no common word
        itself and not made of the country's common words only. The longest such name is read.
        """
        words, index = key.split(), self._index
        if not 2 <= len(words) <= 6:
            return None
        spans = sorted(
            ((a, b) for a in range(len(words)) for b in range(a + 1, len(words) + 1)), key=lambda s: s[0] - s[1]
        )
        for start, end in spans:
            rest = words[:start] + words[end:]
            if not rest or not all(self._names_no_place(w) for w in rest) or _WATER.intersection(rest):
                continue
            name = " ".join(words[start:end])
            if name in index.common_words or name not in index.keys:
                continue
            if all(self._own_word(w, default_country) for w in words[start:end]):
                continue  # "Fazenda Boa Esperança": a farm called Good Hope, not the town
            found = self._resolve_key(name, default_country=default_country, codes=False)
            place = self._places[found.place_id] if found.place_id else None
            if place is None or found.tier > TIER_ALIAS or place.country != default_country or place.level == "country":
                continue
            note = f"read as {name!r}: {' '.join(rest)!r} names no place"
            return Resolution(raw, place.id, "partial", note=note)
        return None

    def _names_no_place(self, word: str) -> bool:
        """Whether a word beside a place names none: a common word, a number, a letter ("c/o"), two naming no place."""
        index = self._index
        return (
            word in index.common_words
            or any(c.isdigit() for c in word)
            or len(word) == 1
            or (len(word) == 2 and word not in index.keys)
        )

    def _name_then_home_place(self, raw: str, key: str, text: str, default_country: str | None) -> Resolution | None:
        """A name no source has, then a state or large city of the partner's country ("Kibera Nairobi").

        The last reading tried: a neighbourhood or village written before the place it lies in, with no
        comma. Only in the partner's own country, by the place's name, and a city of :data:`CITY_AFTER_NAME`
        or more: elsewhere a short state's name ends many names ("Hamparan Perak", Indonesia's; "Kete
        Karachi", Ghana's Kete Krachi).
        """
        if not default_country or any(c in text for c in ",;()/"):
            return None
        for head, tail in self._name_and_place(key):
            found = self._resolve_key(tail, default_country=default_country, codes=False)
            place = self._places[found.place_id] if found.place_id else None
            if place is None or found.tier > TIER_NAME or place.country != default_country:
                continue
            if place.level != "admin1" and (place.level != "place" or place.population < CITY_AFTER_NAME):
                continue
            named = {pid for pid, _ in self._candidates(head)}  # "Kibera Nairobi": an alias of the city itself
            if not named:
                return Resolution(raw, place.id, "partial", note=f"not found in {self.describe(place.id)}: {head}")
            if all(self._nests(pid, place.id) for pid in named):
                return Resolution(raw, place.id, "context", note=f"{head} in {self.describe(place.id)}")
        return None

    def _coded_beside_unknown(self, raw: str, known: list[list[tuple[str, int]]]) -> Resolution | None:
        """Ambiguous: a country's code, the only known part, that another country's unit is abbreviated as too.

        "Novellara (RE)" beside no known name: Réunion's code, or Reggio Emilia's sigla.
        """
        coded = len(known) == 1 and any(t == TIER_CODE and pid.startswith("country:") for pid, t in known[0])
        if not coded or len({self._places[pid].country for pid, _ in known[0]}) < 2:
            return None
        note = "a country's code or a province's abbreviation, beside names no source has"
        return Resolution(raw, "", "ambiguous", candidates=tuple(sorted({p for p, _ in known[0]})), note=note)

    def _part_options(
        self, parts: list[str], keys: list[str], default_country: str | None
    ) -> list[tuple[str, list[tuple[str, int]]]]:
        """What each part may mean, with a state's postal code after the first ("Long Beach, CA": California)."""
        options = [self._part_candidates(k, default_country, p) for k, p in zip(keys, parts, strict=True)]
        for i in range(1, len(parts)):
            near = {  # the countries the other parts may lie in, a partner's local town aside ("El Paso")
                self._places[pid].country
                for j, (k, c) in enumerate(options)
                if j != i
                for pid, _ in [*c, *self._candidates(k)]
            }
            # "New Orleans, LA": Louisiana, though "LA" is Laos's code and an alias of Lower Austria; beside names
            # no source has, a postal code is as likely as a country's code or another abbreviation ("N.S.": Nova
            # Scotia's, or Negeri Sembilan as Malaysians shorten it)
            if not near or not any(
                self._places[pid].level == "admin1" and self._places[pid].country in near for pid, _ in options[i][1]
            ):
                postal = self._postal_candidates(parts[i], near or None)
                if not near and {pid for pid, _ in postal} & {pid for pid, _ in options[i][1]}:
                    postal = []  # "NT": Northern Territory's code too, whatever other states it abbreviates
                options[i] = (options[i][0], [*options[i][1], *postal])
        return options

    def _elsewhere(self, raw: str, parts: list[str], chosen: str, *, default_country: str | None) -> list[str]:
        """The places parts left out of a reading name by themselves, when in another country than ``chosen``."""
        country = self._places[chosen].country
        out = []
        for part in (p for p in parts if not unit_word_only(fold_name(p))):  # "PO" is no Pô, Burkina Faso
            alone = self._resolve_text(raw, part, default_country=default_country)
            if LARGEST_OF_NAME in alone.note:  # "vill. Rampur, Cumilla": no Rampur of India's size is meant
                continue
            if any(f"read as {v!r}" in alone.note for v in address_variants(fold_name(part))):
                continue  # "Kalaw Ave., Ermita": a street's name, no town of Myanmar
            weak = _TYPO_SCORE.search(alone.note) if alone.method == "fuzzy" else None
            if weak and float(weak[1]) < FUZZY_SCORE:
                continue  # "Malate, Manila": Manila's district, two letters from Malta, read so only alone
            if alone.resolved and self._places[alone.place_id].country not in ("", country):
                out.append(alone.place_id)
        return out

    def _at_home(self, chosen: str, elsewhere: list[str], default_country: str | None) -> bool:
        """Whether a reading in the partner's own country stands against parts that name places abroad.

        A partner's column of its own country's places gives one address ("Kapilvastu, Krishnanagar":
        a town of Kapilvastu no source has, not India's Krishnanagar), unless a part names a country
        or a capital.
        """
        if not default_country or self._places[chosen].country != default_country:  # (ISO3 here)
            return False
        return all(self._places[pid].level != "country" and pid not in self._index.capitals for pid in elsewhere)

    def _region_named(self, key: str, variant: str, choice: Any, *, default_country: str | None) -> Any:
        """The region a name and its region's word name, where a city that is its own unit bears the name too.

        "Moscow oblast", "Toshkent viloyati", "Osh region": the oblast, not Moscow, the federal city, nor the
        country both lie in; "Fergana region", a town's name and the word: the region the town lies in (most
        are named after their capital). Any other reading stays as it was.
        """
        if not states_a_region(key, variant):
            return choice
        units = [(p, t) for p, t in self._candidates(variant) if p.startswith("admin1:")]
        regions = [(p, t) for p, t in units if p not in self._index.city_units]
        if len(units) >= 2 and len(regions) == 1:
            return self._choose(regions, default_country=default_country)
        town = self._places.get(choice.place_id or "")
        if town is not None and town.id.startswith("city:") and town.admin1 in self._places:
            return self._choose([(town.admin1, choice.tier)], default_country=default_country)  # "Fergana region"
        return choice

    def _city_over_region(self, kept: list[tuple[str, int]], cands: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """A name two units of one country bear, a city that is its own unit and a region: the city.

        "Moscow", "Tashkent", "Almaty": the city; its region is written with its word ("Moscow oblast",
        see :meth:`_region_named`). Units of several countries, one of them holding its country's capital
        of that name: that one ("San Salvador": El Salvador's department, not the Bahamas' island).
        """
        capitals = [pid for pid, _ in cands if pid in self._index.capitals]
        if len(capitals) == 1 and all(pid.startswith("admin1:") for pid, _ in kept):
            holding = [(pid, t) for pid, t in kept if pid == self._places[capitals[0]].admin1]
            if holding and len({self._places[p].country for p, _ in kept}) > 1:
                return holding
        if len(kept) != 2 or len({self._places[p].country for p, _ in kept}) != 1:
            return kept
        cities = [(p, t) for p, t in kept if p in self._index.city_units]
        return cities if len(cities) == 1 and all(p.startswith("admin1:") for p, _ in kept) else kept

    def _inside(self, place_id: str, container: Place) -> bool:
        place = self._places[place_id]
        if place.id == container.id:
            return True
        if container.level == "region":
            if place.level == "region":
                return place_id in self._region_children.get(container.id, frozenset())
            return place.country in self._index.region_members.get(container.id, frozenset())
        if container.level == "country":
            if place.level == "region":
                return False
            # a territory lies in the country that administers it (Réunion in France), for reading
            # "Guadeloupe, France"; it is still counted as itself
            return place.country == container.country or self._index.parents.get(place.country) == container.country
        if container.level == "admin1":
            return place.admin1 == container.id
        return False

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

    def _depth(self, place_id: str, reading: set[str]) -> float:
        """How specific a place is among those of one reading (a territory is below its parent)."""
        place = self._places[place_id]
        rank = float(_LEVEL_RANK[place.level])
        parent = self._index.parents.get(place.country)
        if place.level == "country" and parent and f"country:{parent}" in reading:
            rank += 0.5
        return rank

    def _nests(self, a: str, b: str) -> bool:
        return self._inside(a, self._places[b]) or self._inside(b, self._places[a])
