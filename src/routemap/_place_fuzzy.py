"""Reading a typo as a place: fuzzy matching of a place string against the gazetteer's names."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from routemap._countries import country_iso3
from routemap._gazetteer import TIER_ALIAS, TIER_ALTERNATE, TIER_WORLD, Index, KeyTable, Place, fold_name
from routemap._gazetteer_scripts import ARABIC_COUNTRIES, arabic_key, arabic_script_key, without_article
from routemap._place_reading import Resolution, text_is_abbreviation

#: A letter of Chinese or Japanese (Han, kana), written without spaces between names.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: The unit a Chinese or Japanese name ends with (prefecture, metropolis, province, city, county).
_UNIT_AFTER = frozenset("県府都道省市县縣州")
#: A fuzzy match is accepted only at or above this score: 100 x (1 - edits / length), where an
#: edit is an insertion, deletion, substitution or swap of neighbours (rapidfuzz OSA distance) ...
FUZZY_SCORE = 85.0
#: ... and only with at least this lead over the best match that names another place.
FUZZY_LEAD = 8.0
#: Strings shorter than this are never matched fuzzily (one edit changes too much) ...
FUZZY_MIN_LENGTH = 4
#: ... and a string shorter than this needs a near-exact match: one edit (a swap of neighbours
#: counts as one) from a country or region, with no other within two edits ("Loas", "Inida").
FUZZY_SHORT_LENGTH = 8
#: Strings this long or longer, below FUZZY_SHORT_LENGTH, may be a one-letter typo of a state's name
#: (never of a state abroad for a partner who declares a default country: "Langkap", a Perak town, is no Langkat).
STATE_TYPO_LENGTH = 6
#: A typo this short must keep its first letter ("Loas" is Laos; "Hili" is no "Chili", Chile in French).
SHORT_TYPO_LENGTH = 5
#: Towns at least this large (and national capitals) are read even when their name is also a
#: common given name; smaller ones only when the partner's default country holds them.
GIVEN_NAME_TOWN_POPULATION = 1_000_000
#: A city at least this large is read by another of its spellings (a source's alternate name) beside the
#: country or state that holds it ("Riyad KSA"); a smaller one only by a name.
BIG_CITY = 1_000_000
#: How close a name must be to the one it reads alike as an Arabic name (about two edits in seven letters).
ARABIC_SIMILARITY = 0.7
#: A town whose name is also a word of another language is read from this size up when its own
#: country's language has the word too ("Klang"; not "Temple", Texas).
LOCAL_WORD_TOWN_POPULATION = 100_000
#: A short typo's lead over a country two edits away, when no other is within two edits.
FUZZY_SHORT_LEAD = 10.0
#: A typo two edits from a country is read from this length up when only vowels or doubling differ.
SAME_CONSONANTS_LENGTH = 6
#: Suggestions offered for an unresolved string score at least this.
SUGGEST_SCORE = 60.0
#: Matches down to this score are ranked, so that a rival two edits from a short string is seen.
_RANK_SCORE = 50.0
#: Names scored against the fuzzy choices at once, and best matches kept for each.
_FUZZY_BATCH = 64
_FUZZY_LIMIT = 12


class _FuzzyReading:
    """The fuzzy half of :class:`routemap.places.Gazetteer`: typos, given names and ordinary words.

    A mixin: the gazetteer sets the attributes below in its ``__init__``.
    """

    _index: Index
    _places: Mapping[str, Place]
    _user_keys: dict[str, list[tuple[str, int]]]
    _fuzzy_names: list[str] | None
    _fuzzy_pids: list[tuple[str, ...]]
    _skeleton_index: tuple[list[str], dict[str, list[int]]]  # set on first use, for one list of fuzzy names
    _ranked: dict[str, list[tuple[float, int, tuple[str, ...]]]]
    _pending: set[str] | None
    _touched: bool
    _sorted: list[str] | None

    if TYPE_CHECKING:

        def describe(self, place_id: str) -> str: ...

        def _choose(self, cands: list[tuple[str, int]], *, default_country: str | None) -> Any: ...

        def _common_unit(self, ids: list[str]) -> str: ...

        def _candidates(self, key: str) -> list[tuple[str, int]]: ...

        def _resolve_key(
            self, key: str, *, default_country: str | None, within: Place | None = None, codes: bool = True
        ) -> Any: ...

        def _nests(self, a: str, b: str) -> bool: ...

        def _finish(self, raw: str, choice: Any, *, note: str = "") -> Resolution: ...

        def _depth(self, place_id: str, reading: set[str]) -> float: ...

    # ------------------------------------------------------------------ two names in one string
    def _two_names(self, key: str, *, default_country: str | None) -> Any:
        """The place a string names in two halves ("PRC China", "Selangor MY"): the same place, or one in the other.

        Both halves must name a place by a strong name, one of them a region, country or state that holds
        the other ("Miri Sarawak", "Kupang NTT", "Morang Biratnagar"); "Soe Soe" is no town.
        """
        words = key.split()
        if not 2 <= len(words) <= 5:
            return None
        for cut in range(1, len(words)):
            first, second = " ".join(words[:cut]), " ".join(words[cut:])
            for inner_key, outer_key in ((first, second), (second, first)):  # the unit second, else first
                found = self._one_in_other(inner_key, outer_key, default_country)
                if found is not None:
                    return found
        return None

    def _run_together(self, raw: str, key: str, default_country: str | None) -> Resolution | None:
        """A unit and a place in it written as one, as Chinese and Japanese write them ("熊本県八代市", "越南老街").

        The longest head that names a country or state by a name (not an alternate spelling) is the
        unit; the rest is the place in it when it lies there, else set aside as "not found in" the unit
        ("老挝磨丁": Laos, whose Boten no source names). A rest that names a place abroad by a name
        leaves the string unread.
        """
        if " " in key or not 3 <= len(key) <= 16 or not all(_CJK.match(c) for c in key):
            return None
        for cut in range(len(key) - 2, 1, -1):
            head, tail = key[:cut], key[cut:]
            if tail[0] in _UNIT_AFTER and len(tail) > 2:  # "熊本" + "県八代市": the prefecture's word is its
                head, tail = head + tail[0], tail[1:]
            name = head[:-1] if head[-1] in _UNIT_AFTER else head
            outer = self._resolve_key(name, default_country=default_country)
            if not outer.place_id or outer.tier > TIER_WORLD:
                continue
            unit = self._places[outer.place_id]
            if unit.level not in ("country", "admin1") and not outer.place_id.startswith("sub:"):
                continue
            inner = self._one_in_other(tail, name, default_country)
            if inner is not None:
                return self._finish(raw, inner, note=f"read as {head!r} and {tail!r}")
            abroad = self._resolve_key(tail, default_country=default_country)
            if abroad.place_id and abroad.tier <= TIER_WORLD and not self._nests(abroad.place_id, unit.id):
                return None
            note = f"not found in {self.describe(unit.id)}: {tail}"
            return Resolution(raw, unit.id, "partial", note=note)
        return None

    def _one_in_other(self, inner_key: str, outer_key: str, default_country: str | None) -> Any:
        """The place ``inner_key`` names inside the unit ``outer_key`` names, or ``None``."""
        outer = self._resolve_key(outer_key, default_country=default_country)
        # a unit that holds the other: a region, country, state, or a province below one ("Jolo Sulu"), never a town
        if not outer.place_id or outer.tier > TIER_WORLD:
            return None
        if self._places[outer.place_id].level == "place" and not outer.place_id.startswith("sub:"):
            return None
        inner = self._resolve_key(inner_key, default_country=default_country)
        if inner.place_id:
            # another spelling of a city of a million counts too, inside the country beside it ("Riyad KSA")
            strong = inner.tier <= TIER_WORLD or self._places[inner.place_id].population >= BIG_CITY
            if strong and self._nests(inner.place_id, outer.place_id):
                ids = {inner.place_id, outer.place_id}
                return max((inner, outer), key=lambda h: self._depth(h.place_id, ids))
            return None
        # "Tripoli Libya": a name of several places, one of them in the place the other half names
        # (any of its places: "Saint Paul Réunion" names Réunion's, not one of the states that lead "Saint Paul")
        named = dict.fromkeys([*inner.candidates, *(pid for pid, _ in self._candidates(inner_key))])
        inside = [pid for pid in named if self._nests(pid, outer.place_id) and pid != outer.place_id]
        if not inside:
            return None
        if all(self._nests(a, b) for a in inside for b in inside):  # Tripoli, and the district of Tripoli
            pick = max(inside, key=lambda pid: self._depth(pid, set(inside)))
        else:  # "Birmingham UK": the city and its district, both in England
            pick = self._common_unit(inside)
        tier = min((t for pid, t in self._candidates(inner_key) if pid in inside), default=TIER_ALTERNATE)
        if pick and tier <= TIER_WORLD and self._places[pick].level != "country" and pick != outer.place_id:
            return replace(inner, place_id=pick, candidates=(), tier=tier)
        return None

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
                batch,
                names,
                scorer=OSA.normalized_similarity,
                score_cutoff=_RANK_SCORE / 100,
                dtype=np.float64,
                workers=-1,  # every core: the comparisons are independent
            )
            for key, row in zip(batch, scores, strict=True):
                hits = np.flatnonzero(row)
                best = hits[np.lexsort((hits, -row[hits]))][:_FUZZY_LIMIT]  # highest score, then first name
                # the score is 1 - edits / longer length: the edits are read back from it
                self._ranked[key] = [
                    (100.0 * float(row[i]), round((1.0 - float(row[i])) * max(len(key), len(names[i]))), pids[i])
                    for i in best
                ]

    def _fuzzy(self, raw: str, key: str, default_country: str | None = None) -> Resolution:
        if key in self._index.not_places:  # "albañil", a bricklayer, written with its accent: no typo of Albania
            return Resolution(raw, "", "not_a_place", note="a word that names no place")
        if key not in self._ranked:
            if self._pending is not None:  # resolve_many scores all such names at once, then asks again
                self._pending.add(key)
                self._touched = True
                return Resolution(raw, "", "unresolved")
            self._rank([key])
        ranked: list[tuple[float, int, tuple[str, ...]]] = []
        for score, edits, pids in self._ranked[key]:
            if not any(p == pids for _, _, p in ranked):
                ranked.append((score, edits, pids))
        suggestion_ids = tuple(dict.fromkeys(p for score, _, pids in ranked if score >= SUGGEST_SCORE for p in pids))[
            :5
        ]
        suggestions = tuple(self.describe(p) for p in suggestion_ids)
        # a name written in capitals as an abbreviation is read as written, never as a typo ("ICAD" is no Chad)
        accepted = None if text_is_abbreviation(raw) else self._accept_fuzzy(key, ranked, default_country)
        if accepted is not None:
            pid, score, rival = accepted
            note = f"read as {self.describe(pid)}; score {score:g}, {rival}"
            return Resolution(raw, pid, "fuzzy", score=score, note=note)
        return Resolution(raw, "", "unresolved", suggestions=suggestions, suggestion_ids=suggestion_ids)

    def _spaced(self, key: str) -> str:
        """The name of several words a one-word string is written as without its spaces ("maesot"), or ``""``.

        Only names of one place or of places in one country (by its best-matched names), and strings of
        6 letters or more.
        """
        if " " in key or len(key) < 6:
            return ""
        names = {
            name
            for i in range(1, len(key))  # where its first space would be, and the letter after it
            for name in self._names_starting(f"{key[:i]} {key[i]}")
            if name.replace(" ", "") == key
        }
        cands = [(pid, tier) for name in names for pid, tier in self._candidates(name)]
        best = min((tier for _, tier in cands), default=0)  # "mongla": Möng La, not a Chinese town's other name
        countries = {self._places[pid].country for pid, tier in cands if tier == best}
        return next(iter(names)) if len(names) == 1 and len(countries) == 1 else ""

    def _initialled(self, key: str, default_country: str | None = None) -> str:
        """The name a string means whose first word is written as its initial ("b meanchey"), or ``""``.

        A state's or a country's own name or alias ("n sembilan"), or a name only of places in the
        partner's own country ("B. Pahat", "K. Bharu" from a Malaysian partner), when the rest is 4
        letters or more and every name it could be means the same places.
        """
        first, _, rest = key.partition(" ")
        if len(first) != 1 or not first.isalpha() or len(rest) < 4:
            return ""
        names = set()
        for name in self._names_starting(first):
            word, _, tail = name.partition(" ")
            if tail != rest or len(word) < 2:
                continue
            if self._names_a_unit(name) or (default_country and self._only_in(name, default_country)):
                names.add(name)
        # several spellings of one place ("kampong thom", "kompong thom") are one reading
        meanings = {frozenset(pid for pid, _ in self._candidates(name)) for name in names}
        return min(names) if len(meanings) == 1 else ""

    def _only_in(self, name: str, country: str) -> bool:
        """Whether a name names places, all of them in ``country``."""
        found = self._candidates(name)
        return bool(found) and all(self._places[pid].country == country for pid, _ in found)

    def _names_a_unit(self, name: str) -> bool:
        """Whether a name is a state's or a country's (what records abbreviate so)."""
        # a state by its own name or alias; a country by any listed name too ("b desh": "bangla desh")
        most = {"admin1": TIER_ALIAS, "country": TIER_WORLD}
        return any(tier <= most.get(self._places[pid].level, -1) for pid, tier in self._candidates(name))

    def _names_starting(self, prefix: str) -> Iterator[str]:
        """The index's names that begin with ``prefix``, by bisection in its sorted list of names."""
        if self._sorted is None:
            keys = self._index.keys
            self._sorted = keys.sorted_keys() if isinstance(keys, KeyTable) else sorted(keys)
        ordered = self._sorted
        at = bisect.bisect_left(ordered, prefix)
        while at < len(ordered) and ordered[at].startswith(prefix):
            yield ordered[at]
            at += 1

    def _broadest(self, pids: tuple[str, ...]) -> str:
        """The one place a fuzzy name means: itself, or the country or state that holds all it names.

        "Kuwait" is a country and its capital governorate; "Kuala Lumpur" a federal territory and
        the city that fills it.
        """
        if len(pids) == 1:
            return pids[0]
        countries = [p for p in pids if self._places[p].level == "country"]
        if len(countries) == 1 and all(self._places[p].country == self._places[countries[0]].country for p in pids):
            return countries[0]
        states = [p for p in pids if self._places[p].level == "admin1"]
        if not countries and len(states) == 1 and all(p in states or self._places[p].admin1 == states[0] for p in pids):
            return states[0]
        return ""

    def _person_or_word(self, key: str, town: Place, *, own_name: bool = False) -> str:
        """Why a string alone may not mean a town or state: a common given name, or an ordinary word there.

        A word counts unless every language it is common in is spoken where the place is ("Nice"
        is a word to an English writer; "Temple", Texas, is an English and a French word; "Miri"
        and "Calais" are common only in the language of their own country, as names; "Klang", a
        German word too, is a town of :data:`LOCAL_WORD_TOWN_POPULATION` or more). A state
        written by its own name yields only to the very most common given names ("Mary", a
        region of Turkmenistan), as a famous state's name is a frequent word in many languages;
        by another name (a translation: "Beach" for Praia) it yields to words as a town does,
        unless that name is also its capital's or great city's ("Jakarta"). "" when nothing
        stands against it.
        """
        languages = self._index.common_words.get(key, "").split()
        spoken = [self._spoken(lang, town.country) for lang in languages]
        if town.level == "admin1" and own_name:
            if any(spoken):
                return ""
            return "a very common given name" if key in self._index.very_common_given_names else ""
        if key in self._index.common_given_names and not (
            town.level == "admin1" and (any(spoken) or self._names_great_town(key, town.country))
        ):  # ("Sanaa": the capital's own unit, as the capital is read)
            return "a common given name"
        prominent = any(spoken) and town.population >= LOCAL_WORD_TOWN_POPULATION  # "Klang", also German
        if languages and not (all(spoken) or prominent):
            if town.level == "admin1" and self._names_great_town(key, town.country):
                return ""
            return "an ordinary word"
        return ""

    def _own_word(self, key: str, country: str, *, big: int = 0) -> bool:
        """Whether a common word is common only in languages of ``country`` (there, it is the place's name).

        For a city of ``big`` = :data:`GIVEN_NAME_TOWN_POPULATION` people or more, common in one of them is
        enough: "München", a German and a Dutch word, is Munich's own name.
        """
        languages = self._index.common_words.get(key, "").split()
        spoken = [self._spoken(lang, country) for lang in languages]
        return bool(languages) and (all(spoken) or (big >= GIVEN_NAME_TOWN_POPULATION and any(spoken)))

    def _spoken(self, language: str, country: str) -> bool:
        """Whether a language of the common-word lists is spoken in a country (Malay and Indonesian as one)."""
        group = ("ms", "id") if language in ("ms", "id") else (language,)
        return any(country in self._index.language_countries.get(lang, frozenset()) for lang in group)

    def _names_great_town(self, key: str, country: str) -> bool:
        """Whether a name is also that of a capital or a city of a million in a country ("Jakarta")."""
        for pid, _ in self._candidates(key):
            place = self._places[pid]
            great = pid in self._index.capitals or place.population >= GIVEN_NAME_TOWN_POPULATION
            if place.level == "place" and place.country == country and great:
                return True
        return False

    def _accept_fuzzy(
        self, key: str, ranked: list[tuple[float, int, tuple[str, ...]]], default_country: str | None = None
    ) -> tuple[str, float, str] | None:
        """The place a typo is read as, when the match is safe; else ``None``.

        Safe means: the string is long enough and is no common given name; the best match names
        one place; and it beats every match in another country clearly: by :data:`FUZZY_LEAD`
        points at :data:`FUZZY_SCORE` or more for long strings, and for strings shorter than
        :data:`FUZZY_SHORT_LENGTH` by being one edit from a country or region name while every
        other country or region is three or more, or scores :data:`FUZZY_SHORT_LEAD` points less
        ("Somlia" is Somalia; "Austrai" is no safe Austria: Australia is close behind).
        """
        if not ranked or len(key) < FUZZY_MIN_LENGTH or key in self._index.given_names:
            return None
        if key in self._index.common_words:  # an ordinary word is no typo ("Camp", "Region")
            return None
        everything = ranked
        if len(key) < FUZZY_SHORT_LENGTH:  # a short typo only of a country or region name
            # (a name of a country that also names a part of it counts: "Kuwait" is its capital governorate too)
            ranked = [r for r in ranked if self._country_or_region(r[2])]
            if not ranked:
                return self._state_typo(key, everything, default_country)
        score, edits, pids = ranked[0]
        pid = self._broadest(pids)
        if not pid:
            return None
        home = self._places[pid].country or pid
        rivals = [(s, e) for s, e, p in ranked[1:] if any((self._places[q].country or q) != home for q in p)]
        runner_up, rival_edits = rivals[0] if rivals else (0.0, len(key))
        if len(key) >= FUZZY_SHORT_LENGTH:
            ok = score >= FUZZY_SCORE and score - runner_up >= FUZZY_LEAD
        else:
            ok = edits == 1 and " " not in key and (rival_edits >= 3 or score - runner_up >= FUZZY_SHORT_LEAD)
        if ok and len(key) <= SHORT_TYPO_LENGTH and not self._same_first_letter(key, pid):
            ok = False  # "Hili", a Bangladeshi border town, is no Chile (French "Chili"): a typo keeps its first letter
        if not ok:
            return self._same_consonants(key, everything) or self._state_typo(key, everything, default_country)
        rival = f"next best {runner_up:.1f} (another country)" if rivals else "no other country close"
        return pid, round(score, 1), rival

    def _state_typo(
        self, key: str, ranked: list[tuple[float, int, tuple[str, ...]]], default_country: str | None
    ) -> tuple[str, float, str] | None:
        """A one-letter typo of a first-level unit's name, 6 or 7 letters long ("Serawak": Sarawak), when safe.

        Safe: one word, the same first letter, one edit from one unit's name, in the partner's own
        country where it declares one, and every name in another country three edits or more away
        ("Sarawk" is not safe: Karak, a Jordanian governorate, is two).
        """
        if not STATE_TYPO_LENGTH <= len(key) < FUZZY_SHORT_LENGTH or " " in key or not ranked:
            return None
        score, edits, pids = ranked[0]
        pid = self._broadest(pids)
        if edits != 1 or not pid or self._places[pid].level != "admin1" or not self._same_first_letter(key, pid):
            return None
        home = self._places[pid].country
        if default_country and home != default_country:
            return None  # "Langkap", a town of Perak, from a Malaysian partner: no "Langkat" of North Sumatra
        if any(e < 3 for _, e, p in ranked[1:] if any(self._places[q].country != home for q in p)):
            return None
        return pid, round(score, 1), "a state's name, one letter off; no other country within two"

    def _same_first_letter(self, key: str, pid: str) -> bool:
        """Whether a name of ``pid`` one edit from ``key`` starts as ``key`` does ("Loas": Laos)."""
        names, pids = self._fuzzy_choices()
        start = bisect.bisect_left(names, key[:1])
        for name, named in zip(names[start:], pids[start:], strict=False):
            if not name.startswith(key[:1]):
                break
            if (pid in named or self._broadest(named) == pid) and OSA.distance(key, name) <= 1:
                return True
        return False

    def _country_or_region(self, pids: Iterable[str]) -> str:
        """The country or region a fuzzy name means (see :meth:`_broadest`), or ``""``."""
        pid = self._broadest(tuple(pids))
        return pid if pid and self._places[pid].level in ("country", "region") else ""

    def _same_consonants(
        self, key: str, ranked: list[tuple[float, int, tuple[str, ...]]]
    ) -> tuple[str, float, str] | None:
        """A typo two edits from a country's name that keeps its consonants: only vowels or doubling differ.

        "Morroco", "Lebonan", "Hondorus" are spelt by ear. Read only when the string has
        :data:`SAME_CONSONANTS_LENGTH` letters or more (Latin), every name within two edits of it
        names that one country, and the consonants of one of them, doubled letters once, are its own.
        """
        if len(key) < SAME_CONSONANTS_LENGTH or not key.isascii() or not key.isalpha():
            return None
        near = [r for r in ranked if r[1] <= 2]
        owners = {self._broadest(pids) for _, _, pids in near}
        if len(owners) != 1:
            return None
        owner = next(iter(owners))
        pid = self._country_or_region((owner,)) if owner else ""
        if not pid:
            return None
        names, pids = self._fuzzy_choices()
        for i in self._skeletons(names).get(_consonants(key), ()):
            name, named = names[i], pids[i]
            if self._broadest(named) == pid and OSA.distance(key, name) <= 2:
                score = 100.0 * OSA.normalized_similarity(key, name)
                return pid, round(score, 1), f"the consonants of {name!r}, no other place within two edits"
        return None

    def _arabic_spelling(self, raw: str, key: str, default_country: str | None) -> Resolution | None:
        """A name otherwise unknown, read as another Latin spelling of a place of an Arabic-speaking country.

        "Qamishli" (Al Qāmishlī), "Jubail" (Al Jubayl), "Mangaf" (Al Manqaf): see :func:`arabic_key`. Only for
        a partner with no default country or one of those countries, never for a given name or a common word,
        only within two edits in seven of the name that reads alike, and only when the places settle on one.
        """
        if _ARABIC_LETTER.search(key):
            return None  # see _arabic_letters
        if default_country and default_country not in ARABIC_COUNTRIES:
            return None
        if key in self._index.given_names or key in self._index.common_words:
            return None
        bare = without_article(key)  # close to the name that reads alike, too: "Mesaieed" is no Masyad (Syria)
        pids = {
            pid
            for pid, name in self._index.arabic.get(arabic_key(key), ())
            if OSA.normalized_similarity(bare, name) >= ARABIC_SIMILARITY
        }
        if not pids:
            return None
        choice = self._choose([(pid, TIER_ALTERNATE) for pid in sorted(pids)], default_country=default_country)
        if not choice.place_id:
            return None
        name = self._places[choice.place_id].name
        return Resolution(raw, choice.place_id, "alternate", note=f"read as another Latin spelling of {name}")

    def _arabic_letters(self, raw: str, key: str, default_country: str | None) -> Resolution | None:
        """A name in Arabic letters no source gives, read by the consonants of a place's Latin name.

        "تاجوراء" is Tajura, "بن قردان" Ben Gardane, "أغاديز" Agadez (see :func:`arabic_script_key`): only
        where the places that read so lie in one country (the partner's, when it declares one) and settle on one;
        three consonants only for a state or a town of 75,000, and a final yeh only for a name ending in i.
        """
        sound = arabic_script_key(key)
        final_i = key.endswith("\u06cc")  # a final yeh, as in "سوداني" (Sudanese), is a vowel the name ends in
        pids = tuple(
            pid
            for pid in self._index.arabic_script.get(sound, ())
            if (len(sound) >= 4 or self._places[pid].level == "admin1" or self._places[pid].population >= 75_000)
            and final_i == fold_name(self._places[pid].name).endswith(("i", "y", "ee"))
            and (not default_country or self._places[pid].country == country_iso3(default_country))
        )
        if not pids or len({self._places[p].country for p in pids}) > 1:
            return None
        choice = self._choose([(pid, TIER_ALTERNATE) for pid in pids], default_country=default_country)
        if not choice.place_id:
            return None
        name = self._places[choice.place_id].name
        return Resolution(raw, choice.place_id, "alternate", note=f"read as {name}, by the letters of its name")

    def _skeletons(self, names: list[str]) -> dict[str, list[int]]:
        """The fuzzy names by their consonants (see :func:`_consonants`), made once for a list of names.

        An acronym ("TRNC") is left out: it is no word spelt by ear ("Trinco" is no Cyprus).
        """
        found = getattr(self, "_skeleton_index", None)
        if found is None or found[0] is not names:
            index: dict[str, list[int]] = {}
            for i, name in enumerate(names):
                if _VOWEL.search(name):
                    index.setdefault(_consonants(name), []).append(i)
            found = self._skeleton_index = (names, index)
        return found[1]


_VOWEL = re.compile("[aeiouy]")
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3]")


def _consonants(name: str) -> str:
    """A name's consonants in order, a doubled one once ("morocco" and "morroco": "mrc")."""
    out: list[str] = []
    for char in name:
        if char.isalpha() and char not in "aeiouy" and (not out or out[-1] != char):
            out.append(char)
    return "".join(out)
