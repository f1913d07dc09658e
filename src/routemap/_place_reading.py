"""How a place string is read: the Resolution it gets, and the words, abbreviations and variants tried."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from routemap._gazetteer import _SPELLING_VARIANTS, fold_name
from routemap._gazetteer_scripts import _APOSTROPHES as _APOSTROPHES
from routemap._gazetteer_scripts import COUNTRY_AFTER, COUNTRY_BEFORE, UNITS_AFTER, UNITS_BEFORE
from routemap._gazetteer_scripts import folded_alternatives as _folded

#: The note of a town read as the largest of its name in its country (Zhuhai): a weaker reading than a name's own.
LARGEST_OF_NAME = "ten times as large as the other places of the name"
_SUBDIVISION_CODE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")
_LETTER = re.compile(r"[^\W\d_]")
#: The separators of a string's parts, in the region's scripts too (Burmese ၊, Chinese 、 and ，, the danda
#: ।); a Chinese address writes none after its city, county or state (高雄市前鎮漁港), a Thai, Khmer or
#: Lao one none before its province ("อ.แม่สาย จ.เชียงราย"); a name in Latin letters beside one in Chinese
#: is another part ("KL 吉隆坡").
_PARTS = re.compile(
    r"[,;()\[\]\u2013\u2014\u104a\u104b\u3001\uff0c\u0964\u060c\u061b\u30fb]|(?<=[市縣县省州])(?=[\u4e00-\u9fff]{2})|"
    r"\s+-+\s*|\s*-+\s+|\s+via\s+|(?<=[a-z])\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+(?=[a-z])|\s+(?=จ\.|จังหวัด|ខេត្ត|ແຂວງ)"
    # a Korean address, largest unit first, in Hangul or romanised ("경기도 안산시 단원구", "Pocheon-si Gasan-myeon")
    r"|(?<=[\uac00-\ud7a3])\s+(?=[\uac00-\ud7a3])|(?<=-si)\s+|(?<=-do)\s+|(?<=-gu)\s+|(?<=-gun)\s+|(?<=-eup)\s+",
    re.IGNORECASE,
)
#: Also a separator, but only when every part is then explained ("Jawa Timur-Indonesia").
_HYPHENATED_PARTS = re.compile(r"[,;()\[\]\u2013\u2014-]")
_TRAILING_BRACKET = re.compile(r"^(?P<rest>.*?)\s*[(\[](?P<inside>[^()\[\]]*)[)\]]\s*$")
#: Words around a name that say what kind of unit it is ("Negeri Sabah", "Mon State", "Kota Batam").
_ADMIN_PREFIX = re.compile(
    r"^(special administrative region of|region administrative speciale de|region administrativa especial de|"
    r"nation of|union of|commonwealth of|federation of|kesatuan|"
    r"the|negeri|negara|provinsi|propinsi|prov of|prov|province of|state of|region of|wilayah persekutuan|wilayah|"
    r"changwat|amphoe|mueang|muang|daerah|kabupaten|kab|kota|bandar|pulau|city of|municipality of|republic of|"
    # Indonesia's sub-district, urban village and village; Philippine barangay; Thai sub-district; Khmer
    # district and commune
    r"kecamatan|kec|kelurahan|kel|ds|brgy|barangay|tambon|srok|khum|"
    r"kingdom of|republik|kerajaan|prathet|emirate of|sultanate of|wp|w p|"
    # Spanish, Portuguese and French: "Provincia de Darién", "Departamento de San Marcos", "Région de Dakar"
    r"provincia del?|departamento del?|estado del?|estado|distrito del?|municipio del?|region del?|"
    r"dpto del?|depto del?|dpto|depto|"
    # Portuguese city, neighbourhood, border ("Cidade de Nampula", "bairro Chamanculo", "Fronteira de Ressano Garcia")
    r"cidade de|cidade da|cidade do|cidade|bairro|bairro de|fronteira de|fronteira da|fronteira do|fronteira|"
    # Arabic camp, governorate, state, city and crossing ("مخيم الهول", "محافظة أربيل", "معبر رأس جدير")
    + _folded("مخيم محافظة ولاية مدينة معبر")
    + r"|"
    # Argentina's "Pcia. de", Ireland's and Britain's "Co." ("Pcia. de Corrientes", "Co. Cork", "County Kerry")
    r"pcia del?|pcia|county|co|"
    # French region, governorate, Malian cercle, district and a bus station ("Région d'Agadez", "Gouvernorat de
    # Sfax", "Cercle de Kéniéba", "Gare routière d'Agadez")
    r"region d|gouvernorat de|gouvernorat d|gouvernorat|cercle de|cercle d|cercle|district du|district des|"
    r"district de|district d|gare routiere de|gare routiere d|gare routiere|"
    # Russian city, region; Uzbek region and district ("г. Сургут", "Ташкентская обл."); Ukrainian city; Bulgarian
    # region, municipality, town; Tajik region ("м. Львів", "област Монтана", "вилояти Суғд")
    r"г|город|гор|обл|область|край|республика|" + _folded("м област община гр вилояти") + r"|"
    # Moldova's and Romania's raion; Albania's county ("raionul Soroca", "r-nul Cahul", "Qarku Kukës")
    r"raionul|r nul|raion|qarku i|qarku|qarkut|"
    # Polish voivodeship ("woj. wielkopolskie")
    r"woj|wojewodztwo|"
    r"province de|departement de|region de|prefecture de|region du|region des|departement du|province du|"
    # Algeria's and Mauritania's wilaya, in French and English; Italy's hotspots ("wilaya de Tamanrasset")
    r"wilaya de|wilaya d|wilaya of|wilaya|hotspot di|hotspot of|hotspot|"
    # South Asia's districts: "Dist. Manikganj", "Zila Cumilla"
    r"district|distt|dist|zila|zilla|jila|jilla|"
    # a South Asian address's village, post office and police station ("Vill- Gouripur, PO- Daudkandi")
    r"vill|village|po|p o|ps|p s|"
    # a place named by the immigration depot, the airport or the border gate there ("Depot Imigresen
    # Semenyih", "Cửa khẩu Lao Bảo")
    r"depot tahanan imigresen|depot imigresen|depoh imigresen|bandara|bandar udara|cua khau|pelabuhan internasional|"
    r"pelabuhan|port of|san bay quoc te|cang|"
    # a court there (Malaysia's: "Mahkamah Sesyen Shah Alam"); a kingdom and a region, in Vietnamese and Indonesian
    r"mahkamah sesyen|mahkamah tinggi|mahkamah majistret|vuong quoc|kawasan|"
    # a police station, workers' quarters, a building site, a sawmill, a wholesale market there, in Malay
    # ("Balai Polis Sentul", "Rumah kongsi tapak binaan Cyberjaya"); Swahili county and region ("Kaunti ya Machakos")
    r"balai polis|rumah kongsi(?: tapak binaan)?|tapak binaan|kilang papan|pasar borong|pasar|kaunti ya|mkoa wa|"
    # Romanian county, municipality, town, commune; Polish gmina and powiat; a border crossing in Polish, Croatian
    # and Romanian; Vietnamese "through" ("jud. Cluj", "mun. Sibiu", "gm. Błędów", "GP Bajakovo", "qua Belarus")
    r"jud|judet|judetul|mun|municipiul|orasul|oras|comuna|com|gm|gmina|pow|powiat|przejscie graniczne|gp|vama|qua|"
    # how a transit is written: a jungle camp, a boat to it, an Indonesian detention house, Vietnamese
    # "to" ("jungle camp Wang Kelian", "kapal ke Tawau", "Rudenim Medan", "sang Trung Quốc")
    r"jungle camp|transit camp|boat to|kapal ke|rudenim|sang|pel|depot|depo imigresen|depo|transit|embarkasi|ulu|"
    # a ship by its flag, the waters it fished, a training centre there, in Indonesian and English ("Kapal Taiwan",
    # "perairan Fiji", "BLK Malang", "Flag: Vanuatu")
    r"kapal ikan|kapal|perairan|blk|balai latihan kerja|flag|flag state|bendera|"
    # Khmer province and city, Thai district, in Latin letters ("Khett Prey Veng", "Krong Siem Reap", "Khet Bang
    # Na"); an official address's one-letter units: Thai tambon and amphoe, Vietnamese huyện and tỉnh ("T. Nong
    # Prue, A. Bang Lamung", "H. Diễn Châu, T. Nghệ An")
    r"khett|khet|khaet|krong|t|a|h|"
    # a workplace near it ("construction site nr Suvarnabhumi")
    r"(?:construction site|building site|site|worksite|work site)(?:\s+(?:near|nr|in|at))?|"
    # a farm, a charcoal kiln, a sewing workshop in it, in Portuguese and Spanish ("Carvoaria em Açailândia"; not
    # "Fazenda Boa Esperança", a farm's name)
    r"(?:fazenda|carvoaria|oficina de costura|oficina|finca|rancho|granja|maquiladora|maquila|taller de costura|"
    r"taller)\s+(?:em|en|no|na)|"
    # a workplace or house in it ("karaoke bar in Vientiane", "brick kiln Kasur", "madam's house in Jeddah")
    r"(?:karaoke bar|karaoke|bar|restaurant|brick kiln|kiln|fishing boat|casino|hotel|massage parlou?r|"
    r"(?:[^\W\d_]+s?\s+)?house|employer|employers|majikan|rumah majikan)(?:\s+(?:in|at|near|nr|di))?|"
    # Vietnamese "Republic", "Federal Republic", "Federation" as abbreviated ("CHLB Đức", "LB Nga")
    r"chlb|chxhcn|ch|lb|cong hoa|lien bang|"
    # Vietnamese city, airport, district, commune, province; Cebuano and Tagalog "city of", "province of"; Tetum
    # and Portuguese village and post (Timor-Leste)
    r"tp|thanh pho|san bay|huyen|tinh|dakbayan sa|lungsod ng|lalawigan ng|"
    r"suco|posto administrativo|munisipiu|municipiu|municipio|"
    # a workplace there, in Malay and English ("Kilang di Senai", "Ladang sawit Sabah", "Kebun sawit di Malaysia")
    r"(?:kilang|ladang sawit|ladang|kebun sawit|kebun|estet sawit|estet|estate|plantation|factory|farm)"
    r"(?:\s+(?:di|in|at))?|"
    # a camp or an employer's house there, in English and Tagalog; a marriage there, in Vietnamese ("camp in Libya",
    # "bahay ng amo sa Jeddah", "lấy chồng TQ")
    r"(?:camp|detention camp|warehouse)\s+(?:in|at|near)|bahay ng amo sa|bahay ng employer sa|bahay sa|lay chong|"
    # what lies near it or came from it, in up to three words ("palm oil estate near Lahad Datu", "lorry from Calais")
    r"(?:[^\W\d_]+\s+){0,3}(?:near|nr|dekat|from|dari|desde))\s+"
    # the region's unit words written before a name, without a space (UNITS_BEFORE), and these: Thai immigration
    # detention centre and border checkpoint; Thai town, Lao province and Chinese province in Thai; Khmer and
    # Lao village
     + "|^(" + _folded(f"ห้องกักตรวจคนเข้าเมือง ด่านพรมแดน ด่าน {UNITS_BEFORE} เมือง แขวง มณฑล ភូមិ ບ້ານ") + r")\s*"
    # Thai province and district abbreviated ("จ.ตาก", "อ.แม่สอด": the dot is folded to a space)
    r"|^(จ|อ)\s+"
)
_ADMIN_SUFFIX = re.compile(
    r"\s+(under unscr? (?:res )?1244(?: 1999)?|sar|special administrative region|"
    r"state|province|region|division|district|city|town|prefecture|governorate|municipality|territory|"
    r"federal territory|ft|regency|island|negeri|provinsi|refugee camp|camp|"
    # as records abbreviate them ("Prey Veng Prov.", "Pegu Div.", "West Godavari Dt.", "Hlaing Tharyar Tsp")
    r"prov|div|dist|dt|tsp|tp|township|idc|immigration depot|checkpoint|ciq|county|airport|fishing port|pref|"
    r"industrial complex|industrial city|deportation cent(?:er|re)|immigration detention cent(?:er|re)|"
    r"detention cent(?:er|re)|transit|emirate|capital|shelter|dormitory|dormitories|lodge|terminal|"
    r"jeti|beach|archipelago|bridge|station|railway station|ghat|fish market|icqs|"
    r"depot|river crossing|tea garden|sadar|hostel|factory hostel|estate|timber camp|condo|condominium|"
    # a Malaysian state's royal title ("Johor Darul Ta'zim", "Selangor Darul Ehsan"); the holy cities' epithets
    # ("Makkah Mukarma", "Madina Munawara")
    r"darul [a-z]+(?: [a-z]+)?|(?:al |al)?(?:mukarramah|mukarrama|mukaramah|mukarama|mukarma|munawwarah|munawwara|"
    r"munawarah|munawara|munawara sharif)|plantation|plantations|"
    r"international border checkpoint|border checkpoint|border crossing|border post|border town|border gate|border|"
    # Nepal's municipalities (नगरपालिका, गाउँपालिका, "Ga.Pa."), Bangladesh's sub-districts and police stations
    r"nagarpalika|gaunpalika|gaupalika|ga pa|na pa|mahanagarpalika|upa mahanagarpalika|sub metropolitan city|"
    r"sub metropolitan|metropolitan city|rural municipality|upazila|upazilla|upz|thana|"
    # Sri Lanka's divisional secretariats ("Kekirawa DS"), Pakistan's and India's tehsils, taluks and mandals
    r"ds|ds div|ds division|d s division|dsd|divisional secretariat|tehsil|taluk|taluka|mandal|"
    # Saudi Arabia's numbered industrial cities ("Riyadh 2nd Industrial City")
    r"(?:1st|2nd|3rd|first|second|third) industrial city|"
    # Uzbek region and district, Russian region, territory and district ("Samarqand viloyati", "Ташкентская обл")
    r"viloyati|viloyat|vil|tumani|tuman|oblast|obl|область|обл|край|район|р н|sh|raion|вилояти|вилоят|област|"
    # Hungary's county ("Pest megye", "Borsod-Abaúj-Zemplén vármegye")
    r"megye|varmegye|"
    # Turkish province and island ("Van ili", "Sakız adası")
    r"ili|adası|adasi|"
    # Kyrgyz and Kazakh region, Kyrgyz and Uzbek city ("Ош облусу", "Andijon shahri")
    r"облусу|облысы|шаары|шахри|shahri|shahar|"
    # Mongolian province, city, district and soum ("Сэлэнгэ аймаг", "Улаанбаатар хот", "Arkhangai aimag")
    r"aimag|aimak|soum|duureg|" + _folded("аймаг аймгийн хот хотын дүүрэг дүүргийн сум сумын") + r"|"
    # a workplace there ("Bayan Lepas FTZ", "Prai Industrial Estate", "Songkhla fishing boat")
    # Nigeria's local government areas; a city's centre ("Oredo LGA", "Nairobi CBD")
    r"lga|l g a|local government area|cbd|"
    r"ftz|fiz|free trade zone|free industrial zone|industrial estate|industrial area|industrial park|qiz|"
    # its fishing waters and a migrants' camp named after it ("Fiji EEZ", "Calais jungle")
    r"eez|exclusive economic zone|jungle|"
    # a region's countries ("asean country")
    r"country|countries|"
    r"hi tech park|high tech park|fishing boat|boat|market|"
    # a port, a pier, a labour camp or the waters there; a ship by its flag ("Busan port", "Malaysian waters",
    # "Panama flag", "Liberian flag vessel", "Sonapur labour camp")
    r"port|seaport|harbour|harbor|pier|jetty|wharf|anchorage|canal|waters|territorial waters|flag|flagged|flag vessel|"
    r"flag ship|flagged vessel|flagged ship|vessel|ship|labour camp|labor camp|workers camp|worker camp|"
    # a workplace there ("Bundaberg farm", "Mongla casino"; with its trade before it: see _WORKPLACE_TRADE)
    r"factory|plant|farm|farms|orchard|casino|restaurant|karaoke|karaoke bar|massage parlou?r|spinning mill|mill|mills|"
    r"brick kiln|kiln|mine|quarry|scam compound|compound|construction site|sweatshop|hotel|shop|shipyard|"
    r"old city|old town|"
    # Portuguese city and Swahili town ("Tete cidade", "Tanga mjini"), a governorate abbreviated ("Sulaimaniya gov.")
    r"cidade|mjini|gov|provincia)$" + r"|\s*(" + _folded(f"{UNITS_AFTER} ကျေးရွာ ရွာ সদর முகாம்") + ")$"
    # the region's unit words written after a name (UNITS_AFTER), and Burmese village, Bengali Sadar (a
    # district's own sub-district) and Tamil camp, with or without a space
    # Japanese and Chinese prefecture, city, ward, town, village, province, county ("愛知県", "瑞丽市"), after
    # a name of two characters or more, and Japanese units as romanised ("Aichi-ken", "Tokyo-to", "Kyoto-fu")
    r"|(?<=[^\W\d_]{2})(県|府|都|市|区|區|町|村|省|县|縣|镇|鎮|州)$"
    r"|(?<=[a-z]{3})\s+(ken|fu|to|shi|ku|machi|mura|cho)$"
    # China's autonomous prefectures and counties, with their people ("延边朝鲜族自治州", "河口瑶族自治县")
    r"|(?<=[^\W\d_]{2})(?:[\u4e00-\u9fff]{1,6}族)?自治(?:州|县|区|旗)$"
    # Korean units as romanised ("Siheung-si", "Eumseong-gun", "Gasan-myeon")
    r"|(?<=[a-z]{3})\s+(si|gun|gu|do|dong|myeon|eup)$"
    # Korean province, city, county, district, neighbourhood, township, village, and the industrial
    # complexes, detention centre, airport and farms named after a place ("안산시", "반월공단", "화성외국인보호소")
    r"|(?<=[\uac00-\ud7a3]{2})\s*(특별자치도|특별자치시|특별시|광역시|도|시|군|구|동|읍|면|리|국가산업단지|산업단지|공단|"
    r"외국인보호소|보호소|국제공항|공항|양식장|염전|농장|공장)$"
)
#: An airport as other languages write it, before or after its name ("aeropuerto El Dorado", "aéroport d'Ivato",
#: "Bandara Juanda" and "lapangan terbang Senai" in Indonesian and Malay, "sân bay Nội Bài",
#: "аэропорт Домодедово", "مطار دبي", "त्रिभुवन विमानस्थल"): read as "<name> airport", then as the name.
_AIRPORT = re.compile(
    r"^(?:aeropuerto|aeroporto|aeroport|aerodrome|bandara|bandar udara|lapangan terbang|san bay|paliparan ng|"
    + _folded("аэропорт аеропорт مطار สนามบิน")
    + r")(?:\s+(?:internacional|international|international de))?(?:\s+(?:de|d|del|do|da))?\s+(?P<before>.+)$"
    + r"|^(?P<after>.+?)(?:\s*(?:"  # (words of several, each: "अन्तर्राष्ट्रिय विमानस्थल", "விமான நிலையம்")
    + _folded("अन्तर्राष्ट्रिय अन्तर्राष्ट्रीय अंतरराष्ट्रीय विमानस्थल हवाई अड्डा আন্তর্জাতিক বিমানবন্দর விமான நிலையம்")
    + "|"
    + _folded("国际机场 机场 国際空港 空港")
    + r"))+$"
)
#: Words around a name that say who rather than where ("Vietnamese nationals", "warga Indonesia").
_PEOPLE_PREFIX = re.compile(
    r"^(warga negara|warganegara|warga|rakyat|orang|pekerja migran|buruh migran|tenaga kerja|pekerja|buruh|"
    r"pati|tki|tkw|pmi|citizens? of|nationals? of|"
    r"people from|migrants? from|from|taga|nguoi|quoc tich|lao đong|nacionalidad|nationalite|nacionalidade|"
    r"nationality|citizenship)\s+"
    # Thai, Khmer, Lao: people, workers, nationality, country (written without a space)
    + "|^("
    + _folded(f"ชาว คน แรงงาน สัญชาติ ជនជាតិ ពលករ ຊາວ ແຮງງານ {COUNTRY_BEFORE}")
    + r")\s*"
)
_PEOPLE_SUFFIX = re.compile(
    r"\s+(nationals?|citizens?|migrant workers?|domestic workers?|domestic helpers?|helpers?|maids?|housemaids?|"
    r"labou?rers?|seafarers?|crew|nationals? and residents|migrants?|workers?|fishermen|fishers|women|men|girls|boys|"
    r"girl|boy|woman|lady|brides?|wife|wives|"
    r"children|victims?|people|origin|descent|passport holders?|refugees?|asylum seekers?|minors?|youths?|"
    r"adolescents?|teenagers?|students?|nurses?|ofws?|overseas workers?)$"
    # Burmese: citizen, country ("မြန်မာပြည်"), people (written without a space); Nepali, Bengali, Tamil country
    + r"|\s*("
    + _folded(f"နိုင်ငံသား {COUNTRY_AFTER} ပြည် လူမျိုး देश দেশ நாடுகள் நாடு")
    + ")$"
)
#: A state's postal code after a town's name without a comma ("Kinston NC", "Bom Retiro/SP", "Açailândia-MA").
STATE_CODE_AFTER = re.compile(r"^(?P<name>.*[^\W\d_].*?)(?:\s*[/\u2013-]\s*|\s+)(?P<code>[A-Z]{2,3}|[A-Z]\.[A-Z]\.)$")
#: "<name> Region of <place>": a part of a place, named with the place it is part of.
_WITHIN = re.compile(r"^(?P<part>.+?)\s+(?:region|province|state|part|territory)\s+of\s+(?P<whole>.+)$", re.IGNORECASE)
#: Written after a name that is inverted ("Congo, Democratic Republic of the", "Iran (Islamic Republic of)").
_INVERTED = re.compile(
    r"^(?P<head>[^,()]+?)\s*(?:,|\()\s*(?P<tail>[^,()]*\b(?:of|of the|the|del|de la|de|du|des|d'|d’|da|do))\s*\)?$",
    re.IGNORECASE,
)
#: Abbreviations read as the word they stand for ("Dominican Rep.", "St. Lucia", "S. Korea").
_ABBREVIATIONS = {
    "rep": "republic",
    "r": "republica",  # "R. Dominicana", as Spanish writes it
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
    # Malay and Indonesian place words as addresses abbreviate them ("Sg. Petani", "Bkt Mertajam", "Tg. Pinang")
    "sg": "sungai",
    "sgi": "sungai",
    "bkt": "bukit",
    "tg": "tanjung",
    "tj": "tanjung",
    "kg": "kampung",
    "kep": "kepulauan",  # "Kep. Riau": the Riau Islands
    "kpg": "kampung",
    "tmn": "taman",
    "psr": "pasir",
    "bdr": "bandar",
    "bt": "batu",
    # Philippine provinces ("Negros Occ.")
    "occ": "occidental",
    # Spanish place words as Mexican and Central American records abbreviate them ("Cd. Juárez", "Nvo. Laredo")
    "cd": "ciudad",
    "nvo": "nuevo",
    "gral": "general",
    "sta": "santa",
    "sto": "santo",
    # English "Intl", "Indl.", "cty" ("Bungoma cty")
    "intl": "international",
    "indl": "industrial",
    "cty": "county",
    "gen": "general",  # "Gen. Santos": General Santos City
    # Russian "обл." ("Чуйская обл.": Chuy Region)
    "обл": "область",
}


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
    suggestion_ids
        The place ids of ``suggestions``, in the same order.
    """

    raw: str
    place_id: str
    method: str
    candidates: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    score: float | None = None
    note: str = ""
    suggestion_ids: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        """Whether the string names a place."""
        return bool(self.place_id)


#: A workplace with its trade before it ("Portadown chicken factory", "Rayong fruit orchard"): tried after
#: the workplace word alone, which keeps a name of two words ("Kuala Lumpur restaurant").
_WORKPLACE_TRADE = re.compile(
    r"\s+[^\W\d_]+\s+(?:factory|plant|farm|orchard|casino|restaurant|kiln|mine|compound|shop|hotel)$"
)


@functools.lru_cache(maxsize=1 << 16)
def _strip_admin_words(key: str) -> str:
    stripped = _ADMIN_PREFIX.sub("", key)
    stripped = _ADMIN_SUFFIX.sub("", stripped)
    return stripped.strip() or key


def unit_word_only(key: str) -> bool:
    """Whether a part of a string is only a unit or address word ("PO" of "Vill- X, PO- Y", "Dist", "Tsp")."""
    return bool(key) and (_ADMIN_PREFIX.sub("", f"{key} x") == "x" or _ADMIN_SUFFIX.sub("", f"x {key}") == "x")


@functools.lru_cache(maxsize=1 << 16)
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


#: Endings of Nepali and Bengali nouns that make a demonym or say "in" (नेपाली, भारतीय, मलेसियाली,
#: मलेसियामा; বাংলাদেশি, ভারতীয়, সৌদি আরবে, মালয়েশিয়ায়), and of Amharic demonyms (ኢትዮጵያዊት, an Ethiopian
#: woman): set aside, the rest may name a country or region.
_SCRIPT_SUFFIXES = tuple(
    dict.fromkeys(
        unicodedata.normalize("NFC", s).translate(_SPELLING_VARIANTS)  # as fold_name reads a long i
        for s in ("ीय", "ली", "मा", "ी", "ীয়", "তে", "য়ে", "য়", "ি", "ী", "ে", "ዊት", "ዊያን", "ዊ", "籍", "人", "인")
    )
)
#: An Arabic demonym, the nisba: a country's name with -i, -iya or a plural ending, as :func:`fold_name` writes them.
_ARABIC_NISBA = re.compile("^(?:ال)?(?P<stem>[\u0621-\u064a\u066e-\u06d3]{2,}?)(?:یون|یین|یات|یه|ی)$")
#: Spanish and Portuguese abbreviations, tried when the English reading names nothing ("Rep. Dominicana").
_ABBREVIATIONS_ES = {
    **{"rep": "republica", "dem": "democratica", "pop": "popular", "fed": "federal", "edo": "estado"},
    # a port, a saint, a province ("Pto. Iguazú", "Sta. Cruz", "Pcia. de Córdoba")
    **{"pto": "puerto", "sto": "santo", "sta": "santa", "pcia": "provincia"},
}


#: Unit words of one country's language ("Kab. Bone" is a regency of Indonesia, not Uganda's Bone):
#: a name read without them must lie in that country.
_UNIT_COUNTRIES = {
    # Indonesia's regency, province, sub-district, urban village, village ("Kab. Malaka" is no Melaka)
    **dict.fromkeys(
        ("kabupaten", "kab", "provinsi", "propinsi", "kecamatan", "kec", "kelurahan", "kel", "ds"), ("IDN",)
    ),
    **dict.fromkeys(("kota", "desa"), ("IDN", "MYS")),
    **dict.fromkeys(("negeri", "wilayah persekutuan", "daerah", "mukim"), ("MYS", "IDN", "BRN")),
    # an island, in Malay and Indonesian ("Pulau Gaya" off Kota Kinabalu: no Gaya of India or Niger)
    **dict.fromkeys(("pulau", "pulo"), ("MYS", "IDN", "BRN", "SGP")),
    **dict.fromkeys(("changwat", "amphoe", "mueang", "tambon", "จังหวัด", "จ", "อ"), ("THA",)),
    **dict.fromkeys(("ខេត្ត", "ក្រុង", "srok", "khum", "khett", "khaet", "krong"), ("KHM",)),
    **dict.fromkeys(("brgy", "barangay"), ("PHL",)),
    # Vietnam's district and province ("huyện Quỳnh Lưu", "tỉnh Nghệ An")
    **dict.fromkeys(("huyen", "tinh"), ("VNM",)),
    # a state, in Spanish and Portuguese: Venezuela's, Mexico's, Brazil's ("estado Bolívar" is no Colombian department)
    "estado": ("VEN", "MEX", "BRA"),  # not "edo": Edo State is Nigeria's
    # a department, in Spanish ("Dpto. Santa Cruz" is Bolivia's, not Argentina's province)
    **dict.fromkeys(
        ("departamento de", "departamento", "dpto de", "dpto", "depto de", "depto"),
        ("BOL", "COL", "PRY", "URY", "HND", "GTM", "SLV", "NIC", "PER"),
    ),
}
#: The same, written after the name ("Hlaingbwe Tsp", "Sunkoshi Ga.Pa.", "Daudkandi Upazila").
_UNIT_SUFFIX_COUNTRIES = {
    "tsp": ("MMR",),
    **dict.fromkeys(("ds", "ds div", "ds division", "d s division", "dsd", "divisional secretariat"), ("LKA",)),
    "upz": ("BGD",),
    **dict.fromkeys(("nagarpalika", "gaunpalika", "gaupalika", "ga pa", "na pa", "mahanagarpalika"), ("NPL",)),
    **dict.fromkeys(("upazila", "upazilla"), ("BGD",)),
}
_UNIT_WORD = re.compile(r"^(" + "|".join(sorted(_UNIT_COUNTRIES, key=len, reverse=True)) + r")\s")
_UNIT_SUFFIX = re.compile(r"\s(" + "|".join(sorted(_UNIT_SUFFIX_COUNTRIES, key=len, reverse=True)) + r")$")


def _unit_countries(key: str) -> tuple[str, ...] | None:
    """The countries whose language the unit word before or after a name belongs to (``None``: no such word)."""
    word = _UNIT_WORD.match(key)
    if word is not None:
        return _UNIT_COUNTRIES[word[1]]
    word = _UNIT_SUFFIX.search(key)
    return _UNIT_SUFFIX_COUNTRIES[word[1]] if word is not None else None


#: Unit words a language gives its neighbours' units too: Vietnamese writes Cambodia's and Laos's provinces
#: "tỉnh" ("tỉnh Svay Rieng"), though a name it leads that no source has is still counted in Vietnam.
_UNIT_ALSO = {"tinh": ("KHM", "LAO")}


def unit_fits(key: str, country: str) -> bool:
    """Whether a place of ``country`` may be what a name led by a unit word means ("Kab. Bone": Indonesia)."""
    countries = _unit_countries(key)
    word = _UNIT_WORD.match(key)
    also = _UNIT_ALSO.get(word[1], ()) if word is not None else ()
    return countries is None or not country or country in countries or country in also


#: Unit words too short or too common to place an unknown name in their country by themselves.
_WEAK_UNIT_WORDS = frozenset({"ds", "kel", "kota", "desa", "srok", "จ", "อ"})  # "Srok Thai": Thailand, in Khmer


def unit_names_country(key: str) -> bool:
    """Whether a name's unit word alone is enough to count an unknown name in its country ("Kab. Kendal")."""
    word = _UNIT_WORD.match(key) or _UNIT_SUFFIX.search(key)
    return word is not None and word[1] not in _WEAK_UNIT_WORDS


def accented(text: str, key: str) -> bool:
    """Whether a string writes accents its folded key lacks ("Malé", the Maldives' capital, is no "male")."""
    return key.isascii() and not unicodedata.normalize("NFC", text).isascii()


def unit_country(key: str, default_country: str | None = None) -> str | None:
    """The one country a unit word says a name lies in ("Hlaingbwe Tsp": Myanmar), if it says one.

    A word of several countries' language says the partner's default country when that is one of them
    ("Pulau Gaya" from a Malaysian partner).
    """
    countries = _unit_countries(key)
    if countries is not None and len(countries) == 1:
        return countries[0]
    return default_country if countries is not None and default_country in countries else None


#: A title before a name says a person, not a place ("Bpk. Yohanes (PL)": Mr Yohanes, a field agent).
_PERSON = re.compile(
    r"^(?:bpk|bapak|ibu(?! kota)|sdr|sdri|saudara|saudari|mr|mrs|tuan|puan|encik|khun)\s+[^\W\d_]"  # Thai "Khun"
)


def names_a_person(key: str) -> bool:
    """Whether a folded string begins with a title a person's name is written with."""
    return _PERSON.match(key) is not None


#: A word written twice as Malay writes it, with a 2 ("Tawi2" is Tawi-Tawi, "kanak2" kanak-kanak).
_DOUBLED = re.compile(r"\b([^\W\d_]{2,})2\b")


#: Words after a name that make it a state or province, never a town of that name.
_UNIT_AFTER = frozenset(
    {"state", "province", "division", "region", "prefecture", "governorate", "territory", "gov", "provincia"}
)
#: The same, written before the name ("Estado Zulia", "edo. Zulia": Venezuela's state, not Colombia's El Zulia;
#: "ولاية الخرطوم", "محافظة أربيل": Khartoum State, Erbil Governorate, in Arabic).
_UNIT_BEFORE = frozenset({"estado", "edo", "state of", fold_name("ولاية"), fold_name("محافظة")})


_BORDER = re.compile(r"\sborder(?: town| gate)?$")


def border_word(key: str) -> bool:
    """Whether a name ends in "border": a crossing at a town ("Taftan border"), never a country ("Thai border")."""
    return _BORDER.search(key) is not None


#: Words after a name that make it a region, never the city of that name that is its own unit ("Moscow oblast",
#: "Toshkent viloyati", "Osh region": not Moscow, Tashkent or Osh, the cities).
_REGION_AFTER = frozenset(
    {"oblast", "obl", "область", "обл", "region", "province", "viloyati", "viloyat", "вилояти", "вилоят", "ili"}
    | {"oblysy", "облысы", "облусу", "voblast", "voblasts", "област", "megye", "varmegye", "provincia"}
)


#: A Russian or Bulgarian region's name as an adjective before its word ("Ферганская область", "Согдийская обл."): the
#: adjective's endings and what each stands for in the name ("Кашкадарьинская": Кашкадарья; "Бухарская": Бухара).
_SLAVIC_REGION = re.compile(r"^(?P<adjective>.+?(?:ская|ска))\s+(?:область|област|обл|oblast|obl)$")
_SLAVIC_ENDINGS = (
    *(("ьинская", "ья"), ("ийская", ""), ("ская", ""), ("ская", "а")),
    # Bulgarian ("Варненска област": Варна; "Софийска": София; "Бургаска": Бургас)
    *(("енска", "а"), ("ийска", "ия"), ("ска", ""), ("ска", "с")),
)


#: A workplace in English, in one to three words, and where it is ("nail bar in Coventry", "car wash at Leeds").
_WORKPLACE_AT = re.compile(r"^(?:[^\W\d_]+\s+){1,3}(?:in|at)\s+(?P<place>.+)$")
#: A workplace in Malay, its trade and then its place ("kilang sarung tangan Klang", "ladang getah Kluang").
_MALAY_WORKPLACE = re.compile(r"^(?:kilang|ladang|kebun|estet|syarikat|tapak binaan)\s+(?P<rest>.+)$")
#: A citizen, native or person from a country, in Russian, and the genitive endings of countries' names
#: ("гражданин Узбекистана", "уроженка Киргизии", "из Украины").
_RUSSIAN_OF = re.compile(r"^(?:гражданин|гражданка|граждане|гражданство|уроженец|уроженка|из)\s+(?P<name>.+)$")
_GENITIVE = (("ии", "ия"), ("а", ""), ("ы", "а"), ("и", "я"))


def slavic_region_names(key: str) -> list[str]:
    """The names a Russian or Bulgarian region's adjective stands for ("ферганская область": фергана, ферган)."""
    match = _SLAVIC_REGION.match(key)
    if match is None:
        return []
    adjective = match["adjective"]
    return [adjective[: -len(end)] + to for end, to in _SLAVIC_ENDINGS if adjective.endswith(end)]


def states_a_region(key: str, reading: str) -> bool:
    """Whether a reading dropped a word that says the name is a region, not a city of that name."""
    rest = key[len(reading) :].strip() if key.startswith(reading) else ""
    return rest in _REGION_AFTER or reading in slavic_region_names(key)


def states_a_unit(key: str, reading: str) -> bool:
    """Whether a reading dropped a word that says the name is a state or province ("Wa State", "Mon State")."""
    rest = key[len(reading) :].strip() if key.startswith(reading) else ""
    before = key[: -len(reading)].strip() if key.endswith(reading) else ""
    return rest in _UNIT_AFTER or before in _UNIT_BEFORE


#: What an address writes beside a place's name: numbers (postal codes, house, lot, block, unit, floor: "50450
#: Kuala Lumpur", "Blk 123", "#05-1234", "S(524201)", "Moo 5"), and a street's own word ("Kranji Road", "Tuas South
#: Ave 1", "Geylang Lor 18", "Jalan Ampang"): the area it names is what is read.
_ADDRESS_NUMBERS = re.compile(
    r"\b(?:lot|blk|block|no|moo|unit|level|terminal|phase|s)\s+\d+[a-z]?\b|\b\d+[a-z]?\b"
    # a Malaysian township's section ("Petaling Jaya SS2", "Shah Alam Sek 7", "USJ 1")
    r"|\b(?:ss|sek|seksyen|section|usj|pju|psj)\s*\d+[a-z]?\b"
    # a city's sector or estate section, an airport's terminal ("Bucharest sector 1", "Eastleigh sec 2", "NAIA T3")
    r"|\b(?:sector|sect|sektor|sec|t)\s*\d+\b"
    # a British postcode, or its district ("London E17", "Manchester M8", "Birmingham B12 9QR")
    r"|\b[a-z]{1,2}\d{1,2}[a-z]?(?:\s+\d[a-z]{2})?\b"
)
_STREET = re.compile(
    r"^(?:jalan|jln|lorong|lor)\s+|\s+(?:road|rd|street|st|avenue|ave|lorong|lor|drive|dr|crescent|link)"
    r"(?:\s+(?:east|west|north|south))?$"
)


@functools.lru_cache(maxsize=1 << 16)
def address_variants(key: str, *, streets: bool = True) -> tuple[str, ...]:
    """A part of an address without its numbers, then (``streets``) without its street word ("kranji road": "kranji").

    Weak readings: a name of three letters or fewer is not read so ("GB Road" is no Great Britain), a
    part of several is not read without its street word ("Kalaw Ave., Ermita": Manila's, no town of
    Myanmar), and a part read only so says nothing of the country beside other parts (see places._elsewhere).
    """
    if not any(c.isdigit() for c in key) and not _STREET.search(key):
        return ()
    bare = " ".join(_ADDRESS_NUMBERS.sub(" ", key).split())
    street = " ".join(_STREET.sub(" ", bare).split()) if streets else bare
    return tuple(v for v in dict.fromkeys((bare, street)) if len(v.replace(" ", "")) > 3 and v != key)


#: A compass word before a name, or after it in Malay and Indonesian ("Northern Myanmar", "Myanmar Utara"): a part of
#: a country or region. Names that are places of their own ("South Sudan", "Jawa Barat") match whole before this.
_COMPASS_PART = re.compile(
    r"^(?:(?:north|south)?(?:north|south|east|west)(?:ern)?|central|upper|lower)\s+(?P<rest>.+)$"
    r"|^(?P<head>.+?)\s+(?:utara|selatan|timur|barat|tengah|bahagian (?:utara|selatan|timur|barat))$"
)


@functools.lru_cache(maxsize=1 << 16)
def _variants(key: str) -> tuple[tuple[str, bool], ...]:
    """Other readings of a folded name, tried in order when the name itself is unknown.

    Each is ``(reading, plural)``: a plural reading ("Poles" -> "pole", "Ukrainians" ->
    "ukrainian") may only name a country or a region.
    """
    expanded = _expand(_DOUBLED.sub(r"\1 \1", key))
    admin = _strip_admin_words(expanded)
    people = _strip_people_words(expanded)
    # a second unit word after the first ("Amphoe Mueang Ranong", "อ.เมือง ระนอง"), tried after it
    out = [(v, False) for v in (expanded, admin, people, _strip_people_words(admin), _strip_admin_words(admin))]
    out.append((_WORKPLACE_TRADE.sub("", expanded), False))
    airport = _AIRPORT.match(expanded)
    if airport:
        name = airport["before"] or airport["after"]
        out += [(f"{name} airport", False), (name, False)]
    out += [(v, False) for v in address_variants(key, streets=False)]
    part = _COMPASS_PART.match(key)  # as written: "S. Arabia" is Saudi Arabia, not a south of Arabia
    if part:  # "Southern Thailand", "Thai Selatan": a part of a country, counted in the country (never a town)
        out.append((part["rest"] or part["head"], True))
    if "kampung " in expanded:  # "Kg. Thom": Cambodia and Brunei write Kampong where Malaysia writes Kampung
        out.append((expanded.replace("kampung ", "kampong "), False))
    at = _WORKPLACE_AT.match(expanded) if " in " in expanded or " at " in expanded else None
    if at:
        out.append((at["place"], False))
    workplace = _MALAY_WORKPLACE.match(expanded)
    if workplace:  # "kilang sarung tangan Klang": a glove factory, the place last as Malay writes it
        trade_and_place = workplace["rest"].split()
        out += [(" ".join(trade_and_place[k:]), False) for k in range(1, min(len(trade_and_place), 4))]
    out += [(name, False) for name in slavic_region_names(key)]  # "Ферганская обл.": Фергана's region
    russian = _RUSSIAN_OF.match(key)
    if russian:  # "гражданка Таджикистана", "из России": the country, its genitive read as the nominative
        name = russian["name"]
        out += [(name, False)] + [(name[: -len(end)] + to, False) for end, to in _GENITIVE if name.endswith(end)]
    if key.endswith((" obl", " обл")):  # "Moskovskaya obl.": the oblast as its own name writes it
        out.append((key + ("ast" if key.endswith("obl") else "асть"), False))
    if "gonj" in expanded:  # "Munshigonj", "Kishorgonj": Bangladesh's -ganj as Bengali is spoken
        out.append((expanded.replace("gonj", "ganj"), False))
    words = key.split()
    if len(words) > 1 and any(w in _ABBREVIATIONS_ES for w in words):
        spanish = " ".join(_ABBREVIATIONS_ES.get(w, w) for w in words)
        out += [(spanish, False), (_strip_admin_words(spanish), False)]  # "edo. Zulia": the state of Zulia
    if len(words) <= 3 and not key.endswith("islands"):
        out.append((f"{key} islands", True))  # "Turks and Caicos", "Cayman": an island country
    last = people.rsplit(" ", 1)[-1]
    if last.isascii() and len(last) >= 5 and last.endswith("s"):
        out += [(people[:-1], True)]
        if last.endswith("es"):
            out += [(people[:-2], True)]
        if last.endswith("ies"):
            out += [(people[:-3] + "y", True), (people[:-3] + "i", True)]
    for suffix in _SCRIPT_SUFFIXES:  # नेपाली, भारतीय, मलेसियामा, বাংলাদেশি, সৌদি আরবে: the country
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            out.append((key[: -len(suffix)], True))
    nisba = _ARABIC_NISBA.match(key)
    if nisba:  # سوداني, مصرية, سوريون: the country, with its article or its final alef ("السودان", "سوريا")
        stem = nisba["stem"]
        out += [(v, True) for v in (stem, f"ال{stem}", f"{stem}ا", f"{stem}یا", f"ال{stem}یه")]
    seen: set[str] = set()
    kept = []
    for variant, plural in out:
        if variant and variant != key and variant not in seen:
            seen.add(variant)
            kept.append((variant, plural))
    return tuple(kept)


#: Languages that make no plural with "-s": a common word of theirs ending in "s" is no plural.
_NO_S_PLURAL = frozenset({"ms", "id"})


def _not_a_plural(languages: str) -> bool:
    """Whether a word common in these languages (space-separated) is no "-s" plural."""
    found = set(languages.split())
    return bool(found) and found <= _NO_S_PLURAL


def text_is_abbreviation(text: str) -> bool:
    """Whether a string is written as an abbreviation ("NAD", "KL", "N.T.T."): capitals, no word."""
    letters = [c for c in str(text) if c.isalpha()]
    return 2 <= len(letters) <= 5 and all(c.isupper() for c in letters)


def _may_be_code(text: str) -> bool:
    """Whether a string may be read as an ISO code: ASCII, and "MY", "mys" or "My" rather than "Nga"."""
    letters = "".join(c for c in text if not c.isspace() and c not in "-.'/")  # "-do-" is "do": ditto
    if not letters.isascii():
        return False
    # "MY", "mys", "My"; "BiH" (capitals at both ends) too; not "Nga"; and a two-letter code in
    # capitals: "do" (ditto), "in", "no" are words of a form, not the Dominican Republic, India, Norway
    if len(letters) <= 2:
        return letters[:1].isupper()
    return letters.isupper() or letters.islower() or (letters[0].isupper() and letters[-1].isupper())
