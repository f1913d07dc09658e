"""Generate the synthetic sample project (three fictional partners, about 2,000 records).

Every record is made up. The routes, sectors and shares are shaped after published descriptions of
labour migration and trafficking into Malaysia, not after any real case. Run from the repository
root: ``python scripts/make_sample.py``; the output is deterministic except for xlsx metadata.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import random
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "contributions"
KEY = b"synthetic-sample-key-not-a-secret"

# (weight, origin options, transit chains, destination options, sector weights, sex share female, transport)
PATTERNS = [
    (
        16,
        ["NTT", "Nusa Tenggara Timur", "Kupang, NTT", "Flores, NTT"],
        [["Nunukan", "Tawau"], ["Nunukan"]],
        ["Sabah", "Tawau, Sabah", "Sandakan", "Lahad Datu"],
        {"plantation": 8, "agriculture": 1, "domestic_work": 1},
        0.35,
        "sea",
    ),
    (
        9,
        ["Sulawesi Selatan", "Makassar", "Bone, Sulawesi Selatan"],
        [["Nunukan", "Tawau"], ["Nunukan"]],
        ["Sabah", "Keningau, Sabah", "Kota Kinabalu"],
        {"plantation": 7, "construction": 2, "domestic_work": 1},
        0.3,
        "sea",
    ),
    (
        10,
        ["Jawa Timur", "East Java", "Surabaya"],
        [["Batam", "Johor Bahru"], ["Batam"], ["Tanjung Pinang"]],
        ["Selangor", "Kuala Lumpur", "Johor", "Shah Alam"],
        {"domestic_work": 6, "manufacturing": 2, "hospitality": 1},
        0.8,
        "sea",
    ),
    (
        7,
        ["NTB", "Lombok", "Nusa Tenggara Barat"],
        [["Batam", "Johor Bahru"], ["Dumai", "Melaka"]],
        ["Johor", "Selangor", "Negeri Sembilan"],
        {"plantation": 4, "construction": 3, "domestic_work": 3},
        0.45,
        "sea",
    ),
    (
        4,
        ["Kalimantan Barat", "Pontianak"],
        [["Entikong"]],
        ["Sarawak", "Kuching, Sarawak", "Miri"],
        {"plantation": 6, "domestic_work": 2, "hospitality": 1},
        0.5,
        "land",
    ),
    (
        3,
        ["Jawa Barat", "Indramayu"],
        [[], ["Jakarta"]],
        ["Kuala Lumpur", "Penang"],
        {"domestic_work": 8, "hospitality": 2},
        0.9,
        "air",
    ),
    (
        8,
        ["Zamboanga", "Tawi-Tawi", "Philippines"],
        [["Zamboanga"], []],
        ["Sandakan", "Sabah", "Kota Kinabalu"],
        {"domestic_work": 4, "plantation": 4, "hospitality": 1},
        0.6,
        "sea",
    ),
    (
        9,
        ["Myanmar", "Yangon", "Mon State"],
        [["Bangkok", "Padang Besar"], ["Mae Sot", "Hat Yai"], ["Bangkok"]],
        ["Penang", "Kedah", "Selangor", "Kuala Lumpur"],
        {"manufacturing": 4, "construction": 3, "fishing": 1, "hospitality": 1},
        0.3,
        "land",
    ),
    (
        3,
        ["Rakhine", "Myanmar"],
        [["Cox's Bazar", "Thailand"], ["Thailand"]],
        ["Kedah", "Penang", "Perlis"],
        {"fishing": 3, "construction": 3, "domestic_work": 2, "other": 1},
        0.4,
        "sea",
    ),
    (
        11,
        ["Bangladesh", "Dhaka", "Chittagong"],
        [["Kuala Lumpur"], []],
        ["Johor", "Selangor", "Kuala Lumpur", "Penang"],
        {"construction": 5, "manufacturing": 4, "plantation": 1},
        0.05,
        "air",
    ),
    (
        6,
        ["Nepal", "Kathmandu"],
        [["Kuala Lumpur"], []],
        ["Penang", "Selangor", "Johor"],
        {"manufacturing": 7, "hospitality": 2, "construction": 1},
        0.1,
        "air",
    ),
    (
        5,
        ["Cambodia", "Banteay Meanchey", "Prey Veng"],
        [["Bangkok", "Padang Besar"], ["Poipet", "Bangkok"]],
        ["Terengganu", "Perak", "Kuala Lumpur"],
        {"fishing": 5, "domestic_work": 3, "construction": 1},
        0.35,
        "land",
    ),
    (
        4,
        ["Viet Nam", "Vietnam", "Ho Chi Minh City"],
        [["Kuala Lumpur"], []],
        ["Kuala Lumpur", "Selangor", "Sabah"],
        {"hospitality": 3, "manufacturing": 3, "sex_industry": 2},
        0.65,
        "air",
    ),
    # a long tail of rare routes: most fall below the publication threshold
    (0.5, ["Sri Lanka"], [["Kuala Lumpur"], []], ["Kuala Lumpur", "Selangor"], {"hospitality": 1}, 0.5, "air"),
    (0.5, ["Pakistan"], [[]], ["Selangor", "Johor"], {"construction": 1}, 0.0, "air"),
    (
        0.3,
        ["Laos", "Lao PDR"],
        [["Bangkok"]],
        ["Kuala Lumpur", "Penang"],
        {"hospitality": 1, "sex_industry": 1},
        0.8,
        "land",
    ),
    (
        0.3,
        ["India", "Tamil Nadu, India"],
        [[]],
        ["Penang", "Selangor"],
        {"construction": 1, "hospitality": 1},
        0.2,
        "air",
    ),
    (0.3, ["China"], [["Kuala Lumpur"], []], ["Sabah", "Johor"], {"sex_industry": 1, "hospitality": 1}, 0.9, "air"),
    (0.4, ["Timor-Leste"], [["Kupang, NTT", "Nunukan"]], ["Sabah"], {"plantation": 1}, 0.3, "sea"),
]

EXPLOITATION_BY_SECTOR = {
    "domestic_work": {"domestic_servitude": 5, "forced_labour": 3, "debt_bondage": 2},
    "sex_industry": {"sexual_exploitation": 1},
    "hospitality": {"forced_labour": 3, "sexual_exploitation": 1, "debt_bondage": 2},
}
DEFAULT_EXPLOITATION = {"forced_labour": 6, "debt_bondage": 4}
RECRUITMENT = {"agency": 6, "family_or_friend": 3, "online": 1, "self": 1}

MS = {
    "columns": [
        "No. Rujukan",
        "Kunci Individu",
        "Tahun",
        "Negara Asal",
        "Tempat Transit",
        "Negeri Destinasi",
        "Jantina",
        "Kumpulan Umur",
        "Sektor",
        "Jenis Eksploitasi",
        "Cara Perekrutan",
        "Pengangkutan",
        "Bilangan",
        "Catatan",
    ],
    "sex": {"female": "Perempuan", "male": "Lelaki"},
    "age": {"child": "Kanak-kanak", "adult": "Dewasa"},
    "sector": {
        "domestic_work": "Pembantu rumah",
        "plantation": "Ladang",
        "construction": "Pembinaan",
        "manufacturing": "Kilang",
        "fishing": "Perikanan",
        "agriculture": "Pertanian",
        "hospitality": "Perhotelan",
        "sex_industry": "Industri seks",
        "other": "Lain-lain",
    },
    "exploitation": {
        "forced_labour": "Buruh paksa",
        "sexual_exploitation": "Eksploitasi seksual",
        "domestic_servitude": "Perhambaan domestik",
        "debt_bondage": "Ikatan hutang",
    },
    "recruitment": {
        "agency": "Ejen",
        "family_or_friend": "Keluarga atau kawan",
        "online": "Dalam talian",
        "self": "Sendiri",
    },
    "transport": {"air": "Udara", "sea": "Laut", "land": "Darat"},
    "places": {
        "Philippines": "Filipina",
        "Cambodia": "Kemboja",
        "Viet Nam": "Vietnam",
        "Penang": "Pulau Pinang",
        "Johor": "Negeri Johor",
        "Thailand": "Thailand",
    },
}
ID = {
    "columns": [
        "No Kasus",
        "Kunci",
        "Tahun Keberangkatan",
        "Daerah Asal",
        "Transit 1",
        "Transit 2",
        "Tujuan",
        "Jenis Kelamin",
        "Usia",
        "Sektor Kerja",
        "Bentuk Eksploitasi",
        "Perekrutan",
        "Jumlah",
        "Keterangan",
    ],
    "sex": {"female": "Perempuan", "male": "Laki-laki"},
    "sector": {
        "domestic_work": "PRT",
        "plantation": "Perkebunan sawit",
        "construction": "Konstruksi",
        "manufacturing": "Pabrik",
        "fishing": "Perikanan",
        "agriculture": "Pertanian",
        "hospitality": "Restoran/Hotel",
        "sex_industry": "Industri seks",
        "other": "Lainnya",
    },
    "exploitation": {
        "forced_labour": "Kerja paksa",
        "sexual_exploitation": "Eksploitasi seksual",
        "domestic_servitude": "Perbudakan rumah tangga",
        "debt_bondage": "Jeratan utang",
    },
    "recruitment": {
        "agency": "Calo/PJTKI",
        "family_or_friend": "Keluarga/teman",
        "online": "Media sosial",
        "self": "Sendiri",
    },
}
EN_COLUMNS = [
    "Case ref",
    "Person key",
    "Year of recruitment",
    "Country of origin",
    "Route (transit points)",
    "Place of exploitation",
    "Sex",
    "Age group",
    "Industry",
    "Exploitation type",
    "Recruited via",
    "Travel",
    "No. of persons",
    "Notes",
]

NOTES_MS = ["Dibantu ke tempat perlindungan", "Kes dirujuk kepada pihak berkuasa", "Pasport ditahan majikan", ""]
NOTES_ID = ["Dipulangkan lewat Nunukan", "Gaji tidak dibayar", "Dokumen ditahan", ""]
NOTES_EN = ["Referred to shelter", "Wages withheld for months", "Passport kept by employer", ""]


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def person_key(n: int) -> str:
    return hmac.new(KEY, f"P{n:06d}".encode(), hashlib.sha256).hexdigest()


def make_case(rng: random.Random, patterns: list[tuple]) -> dict[str, object]:
    pattern = rng.choices(patterns, weights=[p[0] for p in patterns])[0]
    _, origins, chains, destinations, sectors, female, transport = pattern
    sector = pick(rng, sectors)
    sex = "female" if rng.random() < female else "male"
    child = rng.random() < (0.18 if sector in ("domestic_work", "fishing") else 0.07)
    return {
        "year": rng.choice([2018, 2019, 2019, 2020, 2021, 2021, 2022, 2022, 2023, 2023, 2024]),
        "origin": rng.choice(origins),
        "transit": list(rng.choice(chains)),
        "destination": rng.choice(destinations),
        "sector": sector,
        "exploitation": pick(rng, EXPLOITATION_BY_SECTOR.get(sector, DEFAULT_EXPLOITATION)),
        "sex": sex,
        "age_group": "child" if child else "adult",
        "age": rng.randint(14, 17) if child else rng.randint(18, 52),
        "recruitment": pick(rng, RECRUITMENT),
        "transport": transport,
    }


def malay_partner(rng: random.Random, shared: list[dict[str, object]]) -> None:
    folder = OUT / "pusat-sokongan-pekerja"
    folder.mkdir(parents=True, exist_ok=True)
    patterns = [p for p in PATTERNS if p[1][0] not in ("Kalimantan Barat",)]
    rows = []
    cases = [make_case(rng, patterns) for _ in range(760)] + shared[0:40]
    for i, case in enumerate(cases, start=1):
        places = MS["places"]
        origin = places.get(str(case["origin"]), str(case["origin"]))
        if case["origin"] in ("NTT", "Nusa Tenggara Timur", "Jawa Timur", "NTB", "Sulawesi Selatan"):
            origin = f"{origin}, Indonesia"
        transit = " > ".join(places.get(t, t) for t in case["transit"])  # type: ignore[attr-defined]
        rows.append(
            [
                f"PSP-{2000 + i}",
                case.get("key", ""),
                case["year"],
                origin,
                transit,
                places.get(str(case["destination"]), str(case["destination"])),
                MS["sex"][case["sex"]],
                MS["age"][case["age_group"]],
                MS["sector"][case["sector"]],
                MS["exploitation"][case["exploitation"]],
                MS["recruitment"][case["recruitment"]],
                MS["transport"][case["transport"]],
                1,
                rng.choice(NOTES_MS),
            ]
        )
    # problems a real file has: a missing year, a bad count, an unknown origin, a typo
    rows[40][2] = ""
    rows[41][12] = "dua"
    rows[42][3] = "Tidak diketahui"
    rows[43][3] = "Bangaldesh"
    rows[44][5] = "Kampung Tersembunyi"
    with (folder / "kes_2018_2024.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(MS["columns"])
        writer.writerows(rows)
        writer.writerow([""] * len(MS["columns"]))  # Excel leaves trailing blank rows


def indonesian_partner(rng: random.Random, shared: list[dict[str, object]]) -> None:
    folder = OUT / "jaringan-buruh-migran"
    folder.mkdir(parents=True, exist_ok=True)
    patterns = [
        p
        for p in PATTERNS
        if p[1][0] in ("NTT", "Sulawesi Selatan", "Jawa Timur", "NTB", "Kalimantan Barat", "Jawa Barat")
    ]
    cases = [make_case(rng, patterns) for _ in range(640)] + shared[20:60]
    rows = []
    for i, case in enumerate(cases, start=1):
        transit = [*list(case["transit"]), "", ""]  # type: ignore[call-overload]
        destination = str(case["destination"])
        if destination == "Johor":
            destination = "Johor, Malaysia"
        rows.append(
            [
                f"JBM/{case['year']}/{i:04d}",
                case.get("key", ""),
                case["year"],
                case["origin"],
                transit[0],
                transit[1],
                destination,
                ID["sex"][case["sex"]],
                case["age"],
                ID["sector"][case["sector"]],
                ID["exploitation"][case["exploitation"]],
                ID["recruitment"][case["recruitment"]],
                1,
                rng.choice(NOTES_ID),
            ]
        )
    early = [r for r in rows if int(r[2]) <= 2021]
    late = [r for r in rows if int(r[2]) > 2021]
    with (folder / "kasus_2018_2021.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(ID["columns"])
        writer.writerows(early)
    wb = Workbook()
    ws = wb.active
    ws.title = "Kasus 2022-2024"
    ws.append(["Data kasus pekerja migran (SINTETIS, bukan data nyata)"])
    ws.append([f"Diekspor {dt.date(2025, 1, 15).isoformat()}"])
    ws.append(ID["columns"])
    for r in late:
        ws.append([float(r[2]) if c == 2 else v for c, v in enumerate(r)])  # years stored as 2023.0, as Excel does
    notes = wb.create_sheet("Catatan")
    notes.append(["Lembar ini bukan data."])
    wb.properties.creator = "routemap sample generator"
    wb.properties.created = dt.datetime(2025, 1, 15)
    wb.properties.modified = dt.datetime(2025, 1, 15)
    wb.save(folder / "kasus_2022_2024.xlsx")


def english_partner(rng: random.Random, shared: list[dict[str, object]]) -> None:
    folder = OUT / "migrant-worker-legal-aid"
    folder.mkdir(parents=True, exist_ok=True)
    patterns = [
        p
        for p in PATTERNS
        if p[1][0]
        in ("Myanmar", "Rakhine", "Bangladesh", "Nepal", "Cambodia", "Viet Nam", "Zamboanga", "Sri Lanka", "Pakistan")
    ]
    rows = []
    cases = [make_case(rng, patterns) for _ in range(480)] + shared[50:70]
    for i, case in enumerate(cases, start=1):
        persons = 1
        if rng.random() < 0.06:  # group cases recorded as one row
            persons = rng.randint(2, 12)
        rows.append(
            [
                f"LA-{i:05d}",
                case.get("key", ""),
                case["year"],
                case["origin"],
                " > ".join(case["transit"]),  # type: ignore[arg-type]
                case["destination"],
                case["sex"].title(),
                case["age_group"],
                case["sector"].replace("_", " "),  # type: ignore[attr-defined]
                case["exploitation"].replace("_", " "),
                case["recruitment"].replace("_", " "),
                case["transport"],  # type: ignore[attr-defined]
                persons,
                rng.choice(NOTES_EN),
            ]
        )
    rows[7][2] = "2031"  # a year in the future: rejected
    with (folder / "cases.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(EN_COLUMNS)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(20250615)
    # 70 people known to more than one partner (same pseudonymous key in two files)
    shared = [dict(make_case(rng, PATTERNS[:6]), key=person_key(n)) for n in range(70)]
    malay_partner(rng, shared)
    indonesian_partner(rng, shared)
    english_partner(rng, shared)


if __name__ == "__main__":
    main()
