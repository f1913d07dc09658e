"""Which scripts' names of places are indexed, and the keys a name is indexed under (build and reading alike)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from routemap._gazetteer import TIER_ALTERNATE, TIER_CODE, Place, fold_name
from routemap.schema import fold

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bb\u02bc`]")


def _keys_of(text: str) -> set[str]:
    """The folded keys a name is indexed under ("Cox's Bazar" is also written "Coxs Bazar").

    A name in a script of the region that carries its unit word (ပဲခူးမြို့, "Bago town"; ខេត្តព្រះសីហនុ,
    "Preah Sihanouk province"; झापा जिल्ला) is indexed without it as well, as partners write it.
    """
    keys = {k for k in (fold_name(text), fold_name(_APOSTROPHES.sub("", text))) if k}
    for key in list(keys):
        if not key.isascii():
            stem = _LOCAL_UNIT.sub("", key).strip()
            if len(stem) >= 3 and stem != key:
                keys.add(stem)
            stem = _KOREAN_UNIT_AFTER.sub("", key)  # 창원시 is written 창원 (two syllables say as much as 3 letters)
            if stem != key:
                keys.add(stem)
    return keys


#: A Korean city's, county's, district's or province's unit, after a name of two syllables or more.
_KOREAN_UNIT_AFTER = re.compile("(?<=[\uac00-\ud7a3]{2})(특별자치도|특별자치시|특별시|광역시|도|시|군|구)$")


#: Unit words of places in the region's scripts, written before the name (Thai, Lao, Khmer: province,
#: district, commune, city) or after it (Burmese town, township, region, state; Khmer province; Nepali and
#: Hindi district, municipality, province, zone; Bengali region, district, sub-district, division; Tamil
#: district and province; Sinhala district and province), with or without a space. The index holds a name
#: without them too (see :func:`_keys_of`); the reading sets them aside (``routemap._place_reading``).
UNITS_BEFORE = (
    "จังหวัด อำเภอ ตำบล "  # Thai
    "ແຂວງ ເມືອງ ນະຄອນຫຼວງ ນະຄອນ "  # Lao
    "ខេត្ត ស្រុក ក្រុង រាជធានី ខណ្ឌ ឃុំ "  # Khmer
    "منطقة إمارة محافظة ضلع تحصیل تحصيل"  # Arabic region, emirate, governorate; Urdu district and tehsil
)
UNITS_AFTER = (
    "မြို့နယ် မြို့ တိုင်းဒေသကြီး တိုင်း ပြည်နယ် "  # Burmese
    "ខេត្ត "  # Khmer
    "जिल्ला जिला उपमहानगरपालिका महानगरपालिका नगरपालिका गाउँपालिका प्रदेश अञ्चल "  # Nepali, Hindi
    "অঞ্চল উপজেলা জেলা বিভাগ "  # Bengali
    "மாவட்டம் மாகாணம் "  # Tamil
    "දිස්ත්\u200dරික්කය පළාත "  # Sinhala
    "ክልል ከተማ ዞን"  # Amharic region, town, zone
)
#: The word for "country" before or after a name (ประเทศไทย, မြန်မာနိုင်ငံ): the index holds the name without
#: it too; the reading sets it aside with the words that say who rather than where.
COUNTRY_BEFORE = "ประเทศ ປະເທດ ប្រទេស"
COUNTRY_AFTER = "နိုင်ငံ"


def folded_alternatives(words: str) -> str:
    """Space-separated words, folded as names are (Thai ำ, Burmese stacked letters), as a regex's alternatives."""
    return "|".join(re.escape(fold_name(w)) for w in words.split())


_LOCAL_UNIT = re.compile(
    "^(?:"
    + folded_alternatives(f"{UNITS_BEFORE} {COUNTRY_BEFORE}")
    + ")\\s*|\\s*(?:"
    + folded_alternatives(f"{UNITS_AFTER} {COUNTRY_AFTER}")
    + ")$"
)


def _latin(text: str) -> bool:
    return fold(text).isascii()


#: Scripts whose local names of places are indexed, with the countries that write them: the partners'
#: region (Devanagari, Bengali, Thai, Lao, Burmese, Khmer, India's and Sri Lanka's) and the Arabic of the Gulf
#: and the Middle East, where most of the region's migrant workers go (Dubai as دبي, Riyadh as الرياض).
#: Where South Asia's workers go, whose towns partners there write in their own script (दुबई, দুবাই, துபாய்).
_GULF_MY_SG = frozenset({"AE", "SA", "QA", "KW", "OM", "BH", "MY", "SG"})
_REGION_SCRIPTS = {
    "DEVANAGARI": frozenset({"NP", "IN"}) | _GULF_MY_SG,
    "BENGALI": frozenset({"BD", "IN"}) | _GULF_MY_SG,
    # Thai writes its neighbours' border towns too (เมียวดี), and Yunnan's (คุนหมิง)
    "THAI": frozenset({"TH", "MM", "LA", "KH", "CN", "MY"}),
    "LAO": frozenset({"LA", "TH", "CN", "VN"}),
    # Burmese and Khmer as partners write where their workers go (ဘန်ကောက်, ကွာလာလမ်ပူ; បាងកក)
    "MYANMAR": frozenset({"MM", "TH", "MY", "SG", "CN"}),
    "KHMER": frozenset({"KH", "TH", "MY", "KR", "VN"}),
    "HANGUL": frozenset({"KR"}),
    # India's and Sri Lanka's scripts: South Indian and Sri Lankan partners
    "TAMIL": frozenset({"IN", "LK"}) | _GULF_MY_SG,
    "SINHALA": frozenset({"LK"}) | _GULF_MY_SG,
    **dict.fromkeys(("MALAYALAM", "TELUGU", "KANNADA", "GUJARATI", "GURMUKHI", "ORIYA"), frozenset({"IN"})),
    # Chinese as Malaysians, Singaporeans and Taiwanese write their own places (新山, 槟城), China's own (云南,
    # 河南: where Vietnamese, Lao and Myanmar partners' cases end) and Japan's, in kanji and kana too (愛知, 東京),
    # and the places Chinese-speaking hotlines' cases pass or end in (曼谷, 金边, 杜拜)
    "CJK": frozenset({"MY", "SG", "TW", "HK", "MO", "CN", "JP"} | {"TH", "KH", "MM", "LA", "VN", "AE"}),
    **dict.fromkeys(("KATAKANA", "HIRAGANA"), frozenset({"JP"})),
    # Central Asia's workers in Russia (Екатеринбург), Korea (Ансан), Türkiye and the Emirates; Ukrainian,
    # Belarusian and Moldovan partners' own places (Мукачево)
    # Bulgarian, Serbian, Macedonian, Montenegrin and Bosnian partners' own places (Пазарджик, Ниш)
    "CYRILLIC": frozenset({"RU", "KZ", "KG", "TJ", "UZ", "UA", "BY", "MD", "MN", "KR", "TR", "AE"})
    | frozenset({"BG", "RS", "MK", "ME", "BA"}),
    # Greek and Cypriot partners' own places on the Eastern Mediterranean route (Θεσσαλονίκη, Λέσβος)
    "GREEK": frozenset({"GR", "CY"}),
    # Ethiopian and Eritrean partners' own places (አዲስ አበባ), and where their domestic workers go (ዱባይ)
    "ETHIOPIC": frozenset({"ET", "ER", "AE", "SA", "QA", "KW", "OM", "BH", "LB", "JO"}),
    # Arabic; Urdu as Pakistani partners write their own towns (لاہور); Jawi, Malay's Arabic script (جوهر);
    # and the Gulf's records of where its workers come from (كاتماندو, كيرالا)
    "ARABIC": frozenset(
        {"AE", "SA", "QA", "KW", "OM", "BH", "JO", "LB", "IQ", "SY", "YE", "EG", "LY", "SD"}
        | {"PK", "MY", "BN"}
        | {"TN", "MA", "DZ", "MR"}  # the Maghreb's own places (صفاقس, وجدة), where the routes north pass
        | {"IN", "NP", "BD", "LK", "PH", "ID", "ET", "KE", "UG"}
    ),
}
#: Scripts the generated names of countries are indexed in: Latin, the region's, those of the main
#: countries of destination (Arabic, Cyrillic, Chinese, Japanese, Korean, Hebrew, Greek) and of
#: origin (Ethiopic for Amharic and Tigrinya, India's, Georgian, Armenian, Tibetan, Thaana). A name
#: in one script cannot be mistaken for one in another.
_NAME_SCRIPTS = frozenset(
    {
        "LATIN", "ARABIC", "CYRILLIC", "CJK", "HANGUL", "KATAKANA", "HIRAGANA", "TAMIL", "SINHALA", "HEBREW",
        "GREEK", "ETHIOPIC", "GUJARATI", "GURMUKHI", "TELUGU", "KANNADA", "MALAYALAM", "ORIYA", "GEORGIAN",
        "ARMENIAN", "TIBETAN", "THAANA", *_REGION_SCRIPTS,
    }
)  # fmt: skip


def _script(key: str) -> str:
    """The script of a folded name ("LATIN" for ASCII), by its first letter outside ASCII."""
    letter = next((c for c in key if not c.isascii() and c.isalpha()), None)
    return "LATIN" if letter is None else unicodedata.name(letter, "?").split()[0]


def _indexable(text: str, iso2: str | None = None) -> bool:
    """Whether a package's local name is indexed: Latin, or a script of the region written there."""
    key = fold_name(text)
    script = _script(key) if key else ""
    if script == "LATIN":
        return True
    return script in _REGION_SCRIPTS and (iso2 is None or iso2 in _REGION_SCRIPTS[script])


#: Countries whose places are named in Arabic, written in Latin letters in many ways ("Jubail", "Al Jubayl";
#: the Maghreb's in French ways too: "Ben Guerdane", "Ben Gardane").
ARABIC_COUNTRIES = frozenset(
    {"ARE", "SAU", "QAT", "KWT", "OMN", "BHR", "JOR", "LBN", "SYR", "IRQ", "YEM", "EGY", "LBY", "SDN", "PSE"}
    | {"DZA", "MAR", "TUN", "MRT"}
)
_ARTICLE = frozenset({"al", "el", "as", "ash", "ar", "ad", "at", "az", "an", "ath", "adh", "ul", "il"})
_ARABIC_SOUNDS = re.compile(r"kh|sh|th|dh|gh|q|g|([b-df-hj-np-tv-z])\1|[aeiouy]+|h$")


def without_article(key: str) -> str:
    """A folded name without the Arabic article wherever it stands ("al qamishli": "qamishli")."""
    return " ".join(w for w in key.split() if w not in _ARTICLE)


def arabic_key(key: str) -> str:
    """A folded Latin name as an Arabic name written in other letters would read (``""`` when too short).

    The article is left out wherever it stands ("Al Qamishli", "Qamishli"; "Jleeb Al-Shuyoukh"); letters
    that stand for one Arabic sound are one (kh, sh, th, dh, gh; q and g, as the Gulf says q), a doubled
    letter is one, any run of vowels is one, and a final h is silent: "Jubail" and "Jubayl", "Fahaheel" and
    "Faḩāḩīl", "Muttrah" and "Matrah", "Mesaieed" and "Musay'id" read alike.
    """
    joined = without_article(key).replace(" ", "")
    if not joined.isascii() or not joined.isalpha():
        return ""

    def sound(m: re.Match[str]) -> str:
        found = m.group(0)
        if found == "h":
            return ""
        if found[0] in "aeiouy":
            return "a"
        return {"kh": "k", "sh": "s", "th": "t", "dh": "d", "gh": "k", "q": "k", "g": "k"}.get(found, found[0])

    out = _ARABIC_SOUNDS.sub(sound, joined)
    return out if len(out) >= 5 else ""


#: Countries whose places a partner may write in Arabic letters: the Arabic-speaking ones, the Sahel's and the
#: Horn's, whose names their sources give only in French or English letters.
ARABIC_SCRIPT_COUNTRIES = ARABIC_COUNTRIES | frozenset({"ESH", "TCD", "NER", "SOM", "DJI"})
#: An Arabic letter as the consonant a Latin spelling writes for it ("" for a long vowel or glide, ain, hamza
#: and h, which Latin spellings write in too many ways or not at all); Persian's peh, gaf and tcheh too.
_ARABIC_LETTERS = str.maketrans(
    dict(zip("بتثجدذرزسشصضطظفقکكلمنگپچژغخ", "bttjddrzsssdtzfkkklmnkbjzkk", strict=True))
    | dict.fromkeys("اويیهحعءآأإةئؤى", "")
)
_LATIN_DIGRAPHS = re.compile(r"dj|kh|gh|sh|ch|th|dh|ph|ou|[qgc]|p|v|h|[aeiouyw]")


def arabic_script_key(key: str) -> str:
    """A folded name in Arabic letters by its consonants as Latin letters would write them ("" when too short).

    The article is left out ("الكفرة": "kfr"; "بن قردان": "bnkrdn"; "أغاديز": "kdz"); see :func:`latin_consonants`,
    which reads a Latin name so ("Kufra", "Ben Gardane", "Agadez").
    """
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in key.split()]
    out = "".join(words).translate(_ARABIC_LETTERS)
    return out if len(out) >= 3 and out.isascii() and out.isalpha() else ""


def latin_consonants(key: str) -> str:
    """A folded Latin name by the consonants Arabic letters would write ("" when too short).

    q, g and k are one; kh, gh, dj and sh one letter each; a doubled letter is one; vowels, w, y and h are left
    out, as is the article.
    """
    joined = without_article(key).replace(" ", "")
    if not joined.isascii() or not joined.isalpha():
        return ""
    single = re.sub(r"(.)\1", r"\1", joined)
    sounds = {"dj": "j", "kh": "k", "gh": "k", "sh": "s", "ch": "s", "th": "t", "dh": "d", "ph": "f"}
    sounds |= {"q": "k", "g": "k", "c": "k", "p": "b", "v": "f"}
    out = _LATIN_DIGRAPHS.sub(lambda m: sounds.get(m.group(0), ""), single)
    return out if len(out) >= 3 else ""


def arabic_keys(
    keys: dict[str, list[tuple[str, int]]], places: dict[str, Place]
) -> dict[str, tuple[tuple[str, str], ...]]:
    """The towns and states of Arabic-speaking countries by :func:`arabic_key` of their Latin names.

    Each with the name (its article left out) that reads so: a name is read only close to it.
    """
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key, cands in keys.items():
        mine = [
            pid
            for pid, tier in cands
            if TIER_CODE < tier <= TIER_ALTERNATE
            and places[pid].country in ARABIC_COUNTRIES
            and places[pid].level in ("admin1", "place")
        ]
        sound = arabic_key(key) if mine and key.isascii() else ""
        if sound:
            found[sound].update((pid, without_article(key)) for pid in mine)
    return {sound: tuple(sorted(pids)) for sound, pids in found.items()}


def arabic_script_keys(keys: dict[str, list[tuple[str, int]]], places: dict[str, Place]) -> dict[str, tuple[str, ...]]:
    """The towns and states of countries that write Arabic by :func:`latin_consonants` of their Latin names."""
    found: dict[str, set[str]] = defaultdict(set)
    for key, cands in keys.items():
        mine = [
            pid
            for pid, tier in cands
            if TIER_CODE < tier <= TIER_ALTERNATE
            and places[pid].country in ARABIC_SCRIPT_COUNTRIES
            and places[pid].level in ("admin1", "place")
        ]
        sound = latin_consonants(key) if mine and key.isascii() else ""
        if sound:
            found[sound].update(mine)
    return {sound: tuple(sorted(pids)) for sound, pids in found.items()}
