"""Generate a synthetic project folder of N records over P partners for benchmarks.

Place strings are realistic and messy on purpose: country names, aliases and demonyms, ISO codes,
"City, Country" forms, Malay and Indonesian names, typos, and transit chains. Partners alternate
between English CSV (comma), Malay CSV (semicolon, Windows-1252) and Indonesian xlsx (only for
small N: xlsx is slow to write and read at a million rows, as it is for any tool).

    python benchmarks/generate.py OUT_DIR --records 100000 --partners 6
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from pathlib import Path

ORIGINS = [
    "Indonesia",
    "ID",
    "IDN",
    "Indonesian",
    "NTT",
    "Nusa Tenggara Timur",
    "Jawa Timur",
    "East Java",
    "Lombok",
    "Kupang, NTT",
    "Makassar",
    "Sulawesi Selatan",
    "Indonesai",
    "Philippines",
    "Filipina",
    "PH",
    "Zamboanga",
    "Tawi-Tawi",
    "Myanmar",
    "Burma",
    "Myanmar (Burma)",
    "MM",
    "Yangon",
    "Mon State",
    "Rakhine",
    "Myanamr",
    "Bangladesh",
    "BD",
    "Dhaka",
    "Chittagong",
    "Bangladeshi",
    "Bangaldesh",
    "Nepal",
    "Nepali",
    "Kathmandu",
    "NP",
    "Cambodia",
    "Kemboja",
    "KH",
    "Banteay Meanchey",
    "Viet Nam",
    "Vietnam",
    "Vietnamese",
    "VN",
    "Laos",
    "Lao PDR",
    "Sri Lanka",
    "Pakistan",
    "India",
    "China",
    "Timor-Leste",
    "Thailand",
]
TRANSITS = [
    "",
    "",
    "",
    "",
    "Batam",
    "Batam > Johor Bahru",
    "Nunukan",
    "Nunukan > Tawau",
    "Tanjung Pinang",
    "Dumai",
    "Bangkok",
    "Bangkok > Padang Besar",
    "Mae Sot > Hat Yai",
    "Kuala Lumpur",
    "Zamboanga",
    "Entikong",
    "Poipet > Bangkok",
    "Jakarta",
    "Singapore",
    "Thailand",
    "Batam; Johor Bahru",
]
DESTINATIONS = [
    "Sabah",
    "Negeri Sabah",
    "Tawau, Sabah",
    "Sandakan",
    "Kota Kinabalu",
    "Lahad Datu",
    "Sarawak",
    "Kuching, Sarawak",
    "Johor",
    "Johor Bahru",
    "Negeri Johor",
    "Selangor",
    "Shah Alam",
    "Klang",
    "Kuala Lumpur",
    "KL",
    "Penang",
    "Pulau Pinang",
    "Kedah",
    "Perak",
    "Terengganu",
    "Pahang",
    "Melaka",
    "Negeri Sembilan",
    "Malaysia",
    "MY",
    "Selanger",
    "Kampung Entah",
]
SECTORS = ["domestic work", "plantation", "construction", "manufacturing", "fishing", "agriculture", "hospitality", ""]
SECTORS_MS = ["Pembantu rumah", "Ladang", "Pembinaan", "Kilang", "Perikanan", "Pertanian", "Perhotelan", ""]
SEX = ["Female", "Male", ""]
SEX_MS = ["Perempuan", "Lelaki", ""]

EN_HEADER = ["Case ref", "Year", "Origin", "Transit", "Destination", "Sex", "Age", "Industry", "Persons", "Notes"]
MS_HEADER = [
    "No. Rujukan",
    "Tahun",
    "Negara Asal",
    "Transit",
    "Negeri Destinasi",
    "Jantina",
    "Umur",
    "Sektor",
    "Bilangan",
    "Catatan",
]
EN_PROFILE = """name = "Benchmark partner {i} (synthetic)"
synthetic = true
default_country = "MY"
[columns]
record_id = "Case ref"
year = "Year"
origin = "Origin"
transit = "Transit"
destination = "Destination"
sex = "Sex"
age = "Age"
sector = "Industry"
persons = "Persons"
"""
MS_PROFILE = """name = "Rakan penanda aras {i} (sintetik)"
synthetic = true
default_country = "MY"
[read]
delimiter = ";"
encoding = "cp1252"
[columns]
record_id = "No. Rujukan"
year = "Tahun"
origin = "Negara Asal"
transit = "Transit"
destination = "Negeri Destinasi"
sex = "Jantina"
age = "Umur"
sector = "Sektor"
persons = "Bilangan"
[values.sex]
"Perempuan" = "female"
"Lelaki" = "male"
[values.sector]
"Pembantu rumah" = "domestic_work"
"Ladang" = "plantation"
"Pembinaan" = "construction"
"Kilang" = "manufacturing"
"Perikanan" = "fishing"
"Pertanian" = "agriculture"
"Perhotelan" = "hospitality"
"""


def _row(rng: random.Random, i: int, malay: bool) -> list[object]:
    sector = rng.randrange(len(SECTORS))
    sex = rng.randrange(3)
    return [
        f"R{i:08d}",
        rng.randint(2015, 2024),
        rng.choice(ORIGINS),
        rng.choice(TRANSITS),
        rng.choice(DESTINATIONS),
        (SEX_MS if malay else SEX)[sex],
        rng.randint(14, 60),
        (SECTORS_MS if malay else SECTORS)[sector],
        1 if rng.random() < 0.95 else rng.randint(2, 9),
        rng.choice(["", "", "referred", "follow up", "wages withheld"]),
    ]


def generate(out: Path, *, records: int, partners: int, seed: int = 7, xlsx: bool | None = None) -> Path:
    """Write a project with ``records`` rows spread over ``partners`` partner folders."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    base = out / "data" / "contributions"
    use_xlsx = records <= 200_000 if xlsx is None else xlsx
    per = records // partners
    start = 0
    for p in range(partners):
        n = per if p < partners - 1 else records - per * (partners - 1)
        folder = base / f"partner-{p:02d}"
        folder.mkdir(parents=True)
        malay = p % 3 == 1
        if p % 3 == 2 and use_xlsx:
            from openpyxl import Workbook

            (folder / "partner.toml").write_text(EN_PROFILE.format(i=p), encoding="utf-8")
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Cases")
            ws.append(EN_HEADER)
            for i in range(start, start + n):
                ws.append(_row(rng, i, False))
            wb.save(folder / "cases.xlsx")
        else:
            profile = MS_PROFILE if malay else EN_PROFILE
            (folder / "partner.toml").write_text(profile.format(i=p), encoding="utf-8")
            path = folder / ("kes.csv" if malay else "cases.csv")
            with path.open("w", encoding="cp1252" if malay else "utf-8", newline="") as fh:
                writer = csv.writer(fh, delimiter=";" if malay else ",")
                writer.writerow(MS_HEADER if malay else EN_HEADER)
                for i in range(start, start + n):
                    writer.writerow(_row(rng, i, malay))
        start += n
    (out / "routemap.toml").write_text('title = "Benchmark (synthetic)"\nfocus = "MY"\n', encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, records=args.records, partners=args.partners, seed=args.seed)


if __name__ == "__main__":
    main()
