"""Write routemap's generated name tables from pinned multilingual sources.

Run from the repository root, with the sources installed at the pinned versions:

    pip install -e ".[names]"   # babel, pycountryinfo, nomquamgender, wordfreq at the pinned versions
    pip install --no-deps countrynames==1.17.0   # its data only; its own imports need PyICU
    python scripts/make_place_names.py
    python scripts/make_place_names.py display   # display_names.csv alone (needs babel only)
    python scripts/make_place_names.py cjk       # cjk_simplified.csv alone (needs opencc-python-reimplemented only)

Writes, under src/routemap/data/:

- ``display_names.csv`` (place, language, name): what the outputs call a country, territory or
  region in each output language other than English (CLDR, through Babel): Kemboja, Filipina.

- ``world_names.csv`` (name, target, source): names of countries, territories and UN M49 regions
  in every CLDR locale (Babel), the messy-name tables of countrynames (OpenSanctions: official
  forms, other languages, demonyms, de facto entities), and the English demonyms and official and
  common names in 25 languages of pycountryinfo (REST Countries data). Targets are place ids of
  the index (``country:<ISO3>``, ``admin1:<ISO 3166-2>``, ``region:<id>``) or ``none``. Names that
  different sources give to different places are kept; the index sets them aside (see
  routemap._gazetteer).
- ``cjk_simplified.csv`` (traditional, simplified): each traditional Chinese character and its simplified
  form (OpenCC's TSCharacters, the first where it gives several), so that 檳城 and 槟城, 臺灣 and 台湾, are
  one name to the index (routemap._gazetteer.fold_name).
- ``given_names.csv`` (name, common): given names (nomquamgender: names seen in at least 10 of its
  36 sources and 200 times; ``common`` 1 when in 20 sources and 1,000 times, 2 when also 100,000
  times), used to keep a person's name from being read as a town, a state, a typo or a
  language's name for a country.
- ``common_words.csv`` (word, languages) and ``word_languages.csv`` (language, countries):
  common words of English, Malay, Indonesian, Spanish, French, Portuguese, Italian, German and
  Dutch (wordfreq) and the countries where those languages are official (CLDR): an ordinary word
  ("Camp", "Selatan") is not read as a town outside those countries, nor as a typo.

The routemap package never imports these sources: they are inputs of this script only, and the
generated files record their versions and licences in their header.
"""

from __future__ import annotations

import ast
import csv
import importlib.metadata
import importlib.util
import io
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "routemap" / "data"

PINS = {
    "babel": "2.19.0",
    "countrynames": "1.17.0",
    "pycountryinfo": "1.0.9",
    "nomquamgender": "0.1.4",
    "wordfreq": "3.1.1",
    "opencc-python-reimplemented": "0.1.7",
}
LICENCES = {
    "babel": "BSD-3-Clause (Babel); CLDR data under the Unicode License v3",
    "countrynames": "MIT (OpenSanctions)",
    "pycountryinfo": "MIT (data from REST Countries, MPL-2.0)",
    "nomquamgender": "MIT",
    "wordfreq": "Apache-2.0 (code); its word lists, and so common_words.csv, under CC BY-SA 4.0",
    "opencc-python-reimplemented": "Apache-2.0 (OpenCC's dictionaries)",
}

#: CLDR / UN M49 numeric region codes -> routemap's regions.csv ids.
M49_REGIONS = {
    "002": "africa",
    "005": "south-america",
    "009": "oceania",
    "011": "western-africa",
    "013": "central-america",
    "014": "eastern-africa",
    "015": "northern-africa",
    "017": "middle-africa",
    "018": "southern-africa",
    "019": "americas",
    "021": "northern-america",
    "029": "caribbean",
    "030": "eastern-asia",
    "034": "southern-asia",
    "035": "south-eastern-asia",
    "039": "southern-europe",
    "053": "australia-new-zealand",
    "054": "melanesia",
    "057": "micronesia-region",
    "061": "polynesia",
    "142": "asia",
    "143": "central-asia",
    "145": "western-asia",
    "150": "europe",
    "151": "eastern-europe",
    "154": "northern-europe",
    "155": "western-europe",
    "202": "sub-saharan-africa",
    "419": "latin-america-caribbean",
    "EU": "european-union",
}
#: CLDR codes that name no place a route can stop at (the world, "unknown region").
NOT_PLACES = {"001", "ZZ"}
#: countrynames' own codes outside ISO 3166-1: the place routemap counts them in.
COUNTRYNAMES_CODES = {
    "XK": "country:XKX",  # Kosovo (user-assigned code, as CTDC and the European Commission use)
    "FAIL": "none",  # its list of strings that name no country
    "ZZ": "none",  # "Global", "Worldwide"
    "X-SO": "country:GEO",  # South Ossetia: counted in Georgia, as UN statistics do
    "AZ-NK": "country:AZE",  # Nagorno-Karabakh
    "MD-PMR": "country:MDA",  # Transnistria
    "CY-TRNC": "country:CYP",  # Northern Cyprus
    "IQ-KR": "country:IRQ",  # Kurdistan Region of Iraq
    "UA-LPR": "country:UKR",
    "UA-DPR": "country:UKR",
    "UA-CRI": "admin1:UA-43",  # Crimea
    "SO-SOM": "country:SOM",  # Somaliland: counted in Somalia, as UN statistics do
    # city districts of Beijing, Shanghai, Tianjin and Chongqing (listed under codes that are not
    # theirs: CN-XZ is Tibet): no country names there
    "CN-SH": "skip",
    "CN-BJ": "skip",
    "CN-XZ": "skip",
    "CN-CQ": "skip",
    "GE-AB": "admin1:GE-AB",  # Abkhazia
    "PK-KM": "none",  # Kashmir: claimed by India and Pakistan, left to the writer's context
    "YUCS": "none",  # Yugoslavia, Serbia and Montenegro, USSR, Czechoslovakia: no longer one country
    "CSXX": "none",
    "SUHH": "none",
    "CSHH": "none",
    "UN": "skip",  # the organisation
    "AN": "none",  # Netherlands Antilles, dissolved in 2010 into CW, SX and BQ
    "DD": "none",  # East Germany
    "ZR": "country:COD",  # Zaire, renamed
    "AC": "country:SHN",  # Ascension Island (ISO 3166-2 SH-AC)
    "TA": "country:SHN",  # Tristan da Cunha (SH-TA)
    "DG": "country:IOT",  # Diego Garcia
    "CQ": "country:GGY",  # Sark, a dependency of Guernsey
    "CP": "none",  # Clipperton Island: no one lives there
    "IC": "admin1:ES-CN",  # Canary Islands
    "EU": "region:european-union",
}


def check_versions() -> dict[str, str]:
    found = {}
    for dist, pin in PINS.items():
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            sys.exit(f"{dist} is not installed; install {dist}=={pin} (see this script's docstring)")
        if version != pin:
            sys.exit(f"{dist} {version} is installed; the tables are made from {dist}=={pin}")
        found[dist] = version
    return found


def iso2_target(code: str) -> str | None:
    if code == "XK":
        return "country:XKX"
    country = pycountry.countries.get(alpha_2=code)
    return f"country:{country.alpha_3}" if country else None


def cldr_names() -> list[tuple[str, str, str]]:
    """Every CLDR locale's names of territories and regions."""
    from babel import Locale, localedata

    out = []
    for locale_id in sorted(localedata.locale_identifiers()):
        territories = Locale.parse(locale_id).territories
        for code, name in sorted(territories.items()):
            if code in NOT_PLACES:
                target: str | None = "none"
            elif code in M49_REGIONS:
                target = f"region:{M49_REGIONS[code]}"
            elif len(code) == 2 and code.isalpha():
                target = iso2_target(code)
            else:
                target = None
            if target:
                out.append((name, target, "cldr"))
    return out


def countrynames_names() -> list[tuple[str, str, str]]:
    spec = importlib.util.find_spec("countrynames")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("countrynames is not installed")
    source = (Path(next(iter(spec.submodule_search_locations))) / "data.py").read_text(encoding="utf-8")
    out = []
    missing: list[str] = []
    for node in ast.parse(source).body:  # DATA['XX'] = [...]: read as data, never executed
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)):
            continue
        code = ast.literal_eval(node.targets[0].slice)
        names = ast.literal_eval(node.value)
        target = COUNTRYNAMES_CODES.get(code) or (iso2_target(code) if len(code) == 2 else None)
        if target is None:
            target = f"admin1:{code}" if pycountry.subdivisions.get(code=code) else None
        if target is None:
            missing.append(code)
            continue
        if target == "skip":
            continue
        out += [(str(name), target, "countrynames") for name in names]
    if missing:
        sys.exit(f"countrynames codes without a target: {', '.join(missing)}; add them to COUNTRYNAMES_CODES")
    return out


def pycountryinfo_names() -> list[tuple[str, str, str]]:
    spec = importlib.util.find_spec("pycountryinfo")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "countries.json"
    out = []
    for country in json.loads(path.read_text(encoding="utf-8")):
        target = iso2_target(country["iso_codes"]["alpha_2"])
        if target is None:
            continue
        names = [country.get("nationality") or "", country.get("common_name") or "", country.get("official_name") or ""]
        for forms in (country.get("translations") or {}).values():
            names += [forms.get("common") or "", forms.get("official") or ""]
        out += [(name, target, "pycountryinfo") for name in names if name]
    return out


#: A given name: seen in at least this many of nomquamgender's sources and this many times ...
GIVEN_SOURCES, GIVEN_COUNTS = 10, 200
#: ... a common one (never read alone as a town): in this many sources and this many times ...
COMMON_SOURCES, COMMON_COUNTS = 20, 1000
#: ... and a very common one (not even as a state, unless common in the state's own languages).
VERY_COMMON_COUNTS = 100_000


#: Given names common in the partners' region that nomquamgender's sources (mostly Western and
#: East Asian) see too rarely to list: hand-listed, each a name borne by many people in the country
#: named (given as common: never a town alone, a typo, an alternate spelling or a country's name).
REGIONAL_GIVEN_NAMES = {
    "Cambodia": "Sokha Sophea Sophal Sokhom Sreymom Srey Bopha Chanthy Vannak Vanna Dara Rithy Piseth Sopheak Kosal",
    "Myanmar": "Aung Kyaw Zaw Htet Thida Hla Mya Khin Nyein Myint Thein Thandar Phyu Nwe Ei Zin Moe Soe Tun Win",
    "Thailand": "Somchai Somsak Somporn Malee Nok Porntip Siriporn Wanida Sompong Prasert Boonmee Kanya",
    "Laos": "Khamla Bounmy Phonsavanh Souksavanh Vilay Somphone Noy Keo",
    "Vietnam": "Nguyen Tran Phan Huong Thanh Tuan Hung Minh Linh Hoa Trang Thuy Dung Huy",
    "Nepal": "Bikash Suman Sunil Anil Ramesh Sita Gita Laxmi Kamala Bishnu Krishna Hari Dil Maya",
    "Bangladesh": "Rubel Sumon Nasrin Shirin Akter Begum Khatun Hossain Uddin Rahima Shahida Jahanara Kamrul",
    "Malaysia and Indonesia": "Siti Nurul Aminah Aisyah Norazlina Wahyu Eko Joko Bambang Slamet Ratna Lestari Suryani "
    "Budi Agus Dewi Putri Ayu Rina Wati Yanti Hendra Rahmat Wayan Ketut Nyoman",
    "Philippines": "Maricel Marites Jocelyn Rowena Lorna Rodel Jun Arnel",
    "Nigeria (Edo)": "Osas Osasu Osaretin Efosa Eghosa Osagie Omoregie Itohan Ehis Osaze",
}


def given_names() -> list[tuple[str, int]]:
    spec = importlib.util.find_spec("nomquamgender")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    found = {
        name: int(sources >= COMMON_SOURCES and counts >= COMMON_COUNTS)
        + int(sources >= COMMON_SOURCES and counts >= VERY_COMMON_COUNTS)
        for name, (sources, counts, *_) in data.items()
        if sources >= GIVEN_SOURCES and counts >= GIVEN_COUNTS and name.isalpha()
    }
    for names in REGIONAL_GIVEN_NAMES.values():
        for name in names.split():
            found[name.casefold()] = max(found.get(name.casefold(), 0), 1)
    return sorted(found.items())


#: Languages whose common words are kept from being read as towns, and how common a word must be
#: (wordfreq's Zipf scale: 4.0 is once in 100,000 words).
WORD_LANGUAGES = ("en", "ms", "id", "es", "fr", "pt", "it", "de", "nl")
WORD_ZIPF = 4.0


def word_languages() -> dict[str, set[str]]:
    """Folded common words of the partners' languages -> the languages they are common in."""
    import wordfreq

    from routemap._gazetteer import fold_name

    found: dict[str, set[str]] = {}
    for lang in WORD_LANGUAGES:
        for word in wordfreq.iter_wordlist(lang, "small"):
            if wordfreq.zipf_frequency(word, lang, "small") < WORD_ZIPF:
                break
            if word.isalpha() and len(word) >= 3:
                found.setdefault(fold_name(word), set()).add(lang)
    return found


def ordinary_word_filter() -> Callable[[str, str], bool]:
    """Whether a source's name for a place is kept: it is no ordinary word of the partners' languages.

    A name that is a common word of English, Malay, Indonesian, Spanish, French, Portuguese,
    Italian, German or Dutch is left out unless that language itself names the place so (CLDR:
    Italian, Malay and Indonesian all write China "Cina"; Malay "biru", blue, is Peru only in
    another language; countrynames' "Here" and "War", English words, are no Britain), or it is the
    place's English demonym ("Polish"), or an abbreviation of three capitals ("CAR"; "COOK" is a word).
    """
    from babel import Locale

    from routemap._gazetteer import fold_name

    words = word_languages()
    own: dict[str, dict[str, str]] = {}
    for lang in WORD_LANGUAGES:
        names = Locale.parse(lang).territories
        own[lang] = {}
        for code, name in names.items():
            target = iso2_target(code) if len(code) == 2 and code.isalpha() else M49_REGIONS.get(code)
            if target:
                own[lang][target if ":" in target else f"region:{target}"] = fold_name(name)
    demonyms = {(fold_name(n), t) for n, t, _ in pycountryinfo_names() if n and n[0].isupper()}

    def keep(name: str, target: str) -> bool:
        key = fold_name(name)
        languages = words.get(key)
        if not languages or (key, target) in demonyms or (name.isupper() and len(key) <= 3):
            return True
        return all(own[lang].get(target) == key for lang in languages)

    return keep


def common_words() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Common words of the partners' languages (word, languages), and each language's countries."""
    import pycountry as pc
    import wordfreq
    from babel.languages import get_official_languages

    countries_of: dict[str, set[str]] = {lang: set() for lang in WORD_LANGUAGES}
    for country in pc.countries:
        for lang in get_official_languages(country.alpha_2, de_facto=True):
            if lang in countries_of:
                countries_of[lang].add(country.alpha_3)
    found: dict[str, list[str]] = {}
    for lang in WORD_LANGUAGES:
        for word in wordfreq.iter_wordlist(lang, "small"):
            if wordfreq.zipf_frequency(word, lang, "small") < WORD_ZIPF:
                break
            if word.isalpha() and len(word) >= 3:
                found.setdefault(word, []).append(lang)
    words = sorted((word, " ".join(langs)) for word, langs in found.items())
    return words, [(lang, " ".join(sorted(countries_of[lang]))) for lang in WORD_LANGUAGES]


def clean(name: str) -> str:
    # countrynames writes some hyphens as "  -"; CLDR uses NBSP in a few names
    text = unicodedata.normalize("NFC", name).replace("\u00a0", " ")
    return " ".join(text.replace("  -", "-").replace(" -", "-").split())


def header(kind: str, versions: dict[str, str], used: list[str]) -> str:
    lines = [f"# GENERATED by scripts/make_place_names.py; do not edit (rerun the script). {kind}"]
    for dist in used:
        lines.append(f"# source: {dist}=={versions[dist]}, licence {LICENCES[dist]}")
    return "\n".join(lines) + "\n"


#: Output languages other than English (routemap.config.OUTPUT_LANGUAGES) whose place names are written.
DISPLAY_LANGUAGES = ("ms", "id")


def display_names() -> None:
    """Write display_names.csv: CLDR's name of each country, territory and region in each output language."""
    from babel import Locale

    version = importlib.metadata.version("babel")
    if version != PINS["babel"]:
        sys.exit(f"babel {version} is installed; the tables are made from babel=={PINS['babel']}")
    rows = set()
    english = Locale.parse("en").territories
    for language in DISPLAY_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in NOT_PLACES or name == english.get(code):
                continue  # a name CLDR leaves in English ("Myanmar (Burma)") keeps routemap's own English name
            if code in M49_REGIONS:
                target: str | None = f"region:{M49_REGIONS[code]}"
            elif len(code) == 2 and code.isalpha():
                target = iso2_target(code)
            else:
                target = None
            if target:
                rows.add((target, language, clean(name).removesuffix(" SAR China")))
    out = io.StringIO()
    out.write(header("Names of places in the output languages other than English.", {"babel": version}, ["babel"]))
    csv.writer(out, lineterminator="\n").writerows([("place", "language", "name"), *sorted(rows)])
    (DATA / "display_names.csv").write_text(out.getvalue(), encoding="utf-8")
    print(f"display_names.csv: {len(rows)} names")


def cjk_simplified() -> None:
    """Write cjk_simplified.csv: traditional Chinese characters and their simplified forms (OpenCC)."""
    dist = "opencc-python-reimplemented"
    version = importlib.metadata.version(dist)
    if version != PINS[dist]:
        sys.exit(f"{dist} {version} is installed; the tables are made from {dist}=={PINS[dist]}")
    spec = importlib.util.find_spec("opencc")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).parent / "dictionary" / "TSCharacters.txt"
    pairs = []
    for line in source.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        simplified = simplified.split(" ")[0]
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            pairs.append((traditional, simplified))
    out = io.StringIO()
    out.write(header("Traditional Chinese characters and their simplified forms.", {dist: version}, [dist]))
    csv.writer(out, lineterminator="\n").writerows([("traditional", "simplified"), *sorted(pairs)])
    (DATA / "cjk_simplified.csv").write_text(out.getvalue(), encoding="utf-8")
    print(f"cjk_simplified.csv: {len(pairs)} characters")


def main() -> None:
    if sys.argv[1:] == ["display"]:
        display_names()
        return
    if sys.argv[1:] == ["cjk"]:
        cjk_simplified()
        return
    versions = check_versions()
    display_names()
    cjk_simplified()
    rows: dict[tuple[str, str], str] = {}
    keep = ordinary_word_filter()
    dropped = 0
    for name, target, source in [*cldr_names(), *countrynames_names(), *pycountryinfo_names()]:
        text = clean(name)
        if not text or text.isdigit():
            continue
        if not keep(text, target):
            dropped += 1
            continue
        rows.setdefault((text, target), source)
    print(f"left out {dropped} names that are ordinary words of the partners' languages")
    out = io.StringIO()
    out.write(
        header("Names of countries, territories and regions.", versions, ["babel", "countrynames", "pycountryinfo"])
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "target", "source"])
    for (name, target), source in sorted(rows.items(), key=lambda item: (item[0][1], item[0][0])):
        writer.writerow([name, target, source])
    (DATA / "world_names.csv").write_text(out.getvalue(), encoding="utf-8")
    names = given_names()
    text = header(
        "Given names (nomquamgender: "
        f"in {GIVEN_SOURCES}+ sources, {GIVEN_COUNTS}+ times; "
        f"common = 1 in {COMMON_SOURCES}+ sources and {COMMON_COUNTS}+ times, 2 also {VERY_COMMON_COUNTS}+ times; "
        "and the region's common given names hand-listed in scripts/make_place_names.py, common = 1 or more).",
        versions,
        ["nomquamgender"],
    )
    text += "name,common\n" + "".join(f"{name},{common}\n" for name, common in names)
    (DATA / "given_names.csv").write_text(text, encoding="utf-8")
    common, languages = common_words()
    text = header(
        f"Words with a Zipf frequency of {WORD_ZIPF}+ in {', '.join(WORD_LANGUAGES)} and the languages they are "
        "common in (the countries of each language are in word_languages.csv).",
        versions,
        ["wordfreq"],
    )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([("word", "languages"), *common])
    (DATA / "common_words.csv").write_text(text + out.getvalue(), encoding="utf-8")
    text = header("The countries where each language of common_words.csv is official (CLDR).", versions, ["babel"])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([("language", "countries"), *languages])
    (DATA / "word_languages.csv").write_text(text + out.getvalue(), encoding="utf-8")
    print(f"world_names.csv: {len(rows)} names; given_names.csv: {len(names)} names; common_words.csv: {len(common)}")


if __name__ == "__main__":
    main()
