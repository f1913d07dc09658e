"""CLI tests: help everywhere, and the sample built end to end against counts made here from the raw files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import DATA, SHARED
from routemap import __version__
from routemap.cli import main
from routemap.places import Gazetteer

# Where each place string of the sample project lies, written by hand from geography (not from
# the gazetteer): stops in Malaysia (the focus country of the sample) by state, others by country.
# None: not a place, or a place no source knows (the record is not routable).
TRUTH: dict[str, str | None] = {
    "Bangaldesh": "Bangladesh",
    "Bangladesh": "Bangladesh",
    "Chittagong": "Bangladesh",
    "Dhaka": "Bangladesh",
    "Cox's Bazar": "Bangladesh",
    "Bangkok": "Thailand",
    "Hat Yai": "Thailand",
    "Mae Sot": "Thailand",
    "Thailand": "Thailand",
    "Banteay Meanchey": "Cambodia",
    "Cambodia": "Cambodia",
    "Kemboja": "Cambodia",
    "Poipet": "Cambodia",
    "Prey Veng": "Cambodia",
    "Batam": "Indonesia",
    "Bone, Sulawesi Selatan": "Indonesia",
    "Dumai": "Indonesia",
    "East Java": "Indonesia",
    "Entikong": "Indonesia",
    "Flores, NTT": "Indonesia",
    "Indramayu": "Indonesia",
    "Jakarta": "Indonesia",
    "Jawa Barat": "Indonesia",
    "Jawa Timur": "Indonesia",
    "Jawa Timur, Indonesia": "Indonesia",
    "Kalimantan Barat": "Indonesia",
    "Kupang, NTT": "Indonesia",
    "Lombok": "Indonesia",
    "Makassar": "Indonesia",
    "NTB": "Indonesia",
    "NTB, Indonesia": "Indonesia",
    "NTT": "Indonesia",
    "NTT, Indonesia": "Indonesia",
    "Nunukan": "Indonesia",
    "Nusa Tenggara Barat": "Indonesia",
    "Nusa Tenggara Timur": "Indonesia",
    "Nusa Tenggara Timur, Indonesia": "Indonesia",
    "Pontianak": "Indonesia",
    "Sulawesi Selatan": "Indonesia",
    "Sulawesi Selatan, Indonesia": "Indonesia",
    "Surabaya": "Indonesia",
    "Tanjung Pinang": "Indonesia",
    "China": "China",
    "India": "India",
    "Tamil Nadu, India": "India",
    "Pakistan": "Pakistan",
    "Sri Lanka": "Sri Lanka",
    "Timor-Leste": "Timor-Leste",
    "Lao PDR": "Laos",
    "Laos": "Laos",
    "Kathmandu": "Nepal",
    "Nepal": "Nepal",
    "Mon State": "Myanmar",
    "Myanmar": "Myanmar",
    "Rakhine": "Myanmar",
    "Yangon": "Myanmar",
    "Filipina": "Philippines",
    "Philippines": "Philippines",
    "Tawi-Tawi": "Philippines",
    "Zamboanga": "Philippines",
    "Ho Chi Minh City": "Vietnam",
    "Viet Nam": "Vietnam",
    "Vietnam": "Vietnam",
    "Johor": "Johor",
    "Johor Bahru": "Johor",
    "Johor, Malaysia": "Johor",
    "Negeri Johor": "Johor",
    "Kedah": "Kedah",
    "Perlis": "Perlis",
    "Padang Besar": "Perlis",
    "Perak": "Perak",
    "Terengganu": "Terengganu",
    "Keningau, Sabah": "Sabah",
    "Kota Kinabalu": "Sabah",
    "Lahad Datu": "Sabah",
    "Sabah": "Sabah",
    "Sandakan": "Sabah",
    "Tawau": "Sabah",
    "Tawau, Sabah": "Sabah",
    "Kuching, Sarawak": "Sarawak",
    "Miri": "Sarawak",
    "Sarawak": "Sarawak",
    "Kuala Lumpur": "Kuala Lumpur",
    "Melaka": "Melaka",  # the focus country's own name (Malacca in English)
    "Negeri Sembilan": "Negeri Sembilan",
    "Penang": "Penang",
    "Pulau Pinang": "Penang",
    "Selangor": "Selangor",
    "Shah Alam": "Selangor",
    "Kampung Tersembunyi": None,
    "Tidak diketahui": None,
}

# The sample partners' own headers, read here with the csv module and openpyxl.
SAMPLE_FILES = {
    "pusat-sokongan-pekerja/kes_2018_2024.csv": dict(
        year="Tahun",
        origin="Negara Asal",
        transit=["Tempat Transit"],
        destination="Negeri Destinasi",
        persons="Bilangan",
        key="Kunci Individu",
        delimiter=";",
    ),
    "jaringan-buruh-migran/kasus_2018_2021.csv": dict(
        year="Tahun Keberangkatan",
        origin="Daerah Asal",
        transit=["Transit 1", "Transit 2"],
        destination="Tujuan",
        persons="Jumlah",
        key="Kunci",
        delimiter=",",
    ),
    "jaringan-buruh-migran/kasus_2022_2024.xlsx": dict(
        year="Tahun Keberangkatan",
        origin="Daerah Asal",
        transit=["Transit 1", "Transit 2"],
        destination="Tujuan",
        persons="Jumlah",
        key="Kunci",
        sheet="Kasus 2022-2024",
    ),
    "migrant-worker-legal-aid/cases.csv": dict(
        year="Year of recruitment",
        origin="Country of origin",
        transit=["Route (transit points)"],
        destination="Place of exploitation",
        persons="No. of persons",
        key="Person key",
        delimiter=",",
    ),
}


def _rows(path: Path, spec: dict) -> list[dict[str, str]]:
    if path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True, data_only=True)[spec["sheet"]]
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(values) if spec["year"] in r)
        header = values[start]
        return [dict(zip(header, r, strict=False)) for r in values[start + 1 :] if any(r)]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter=spec["delimiter"]) if any(v.strip() for v in r.values())]


def expected_sample_counts(project: Path) -> tuple[Counter[str], dict[str, int]]:
    """Persons per route label and rows per file, computed from the raw sample files."""
    this_year = dt.date.today().year
    kept: dict[str, tuple[str, int]] = {}  # person key -> (route, persons), first file and line wins
    routes: Counter[str] = Counter()
    rows_per_file: dict[str, int] = {}
    for name in sorted(SAMPLE_FILES):
        spec = SAMPLE_FILES[name]
        rows = _rows(project / "data" / "contributions" / name, spec)
        rows_per_file[name] = len(rows)
        for row in rows:
            year, persons = row[spec["year"]].strip(), (row[spec["persons"]].strip() or "1")
            if not year or not persons.isdigit() or not (1950 <= int(float(year)) <= this_year):
                continue
            stops_raw = [row[spec["origin"]]]
            for column in spec["transit"]:
                stops_raw += [s.strip() for s in row[column].replace(";", ">").split(">") if s.strip()]
            stops_raw.append(row[spec["destination"]])
            stops = [TRUTH[s.strip()] for s in stops_raw]
            if None in stops:
                continue
            route = [s for i, s in enumerate(stops) if i == 0 or s != stops[i - 1]]
            label = " > ".join(route)  # type: ignore[arg-type]
            key = row[spec["key"]].strip()
            if key:
                if key in kept:
                    continue
                kept[key] = (label, int(persons))
            routes[label] += int(persons)
    return routes, rows_per_file


def test_every_command_has_help():
    runner = CliRunner()
    result = runner.invoke(main, ["-h"], prog_name="routemap")
    assert result.exit_code == 0 and "Usage: routemap" in result.output
    commands = main.commands  # type: ignore[attr-defined]
    assert "build" in commands
    for name in commands:
        for flag in ("-h", "--help"):
            sub = runner.invoke(main, [name, flag], prog_name="routemap")
            assert sub.exit_code == 0, (name, sub.output)
            assert f"Usage: routemap {name}" in sub.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_build_sample_matches_counts_made_from_the_raw_files(sample_project: Path, tmp_path: Path):
    out = tmp_path / "published"
    result = CliRunner().invoke(main, ["build", str(sample_project), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["rank", "route", "origin", "transit", "destination", "persons", "share"]

    expected, rows_per_file = expected_sample_counts(sample_project)
    published = {r["route"]: r["persons"] for r in rows}
    # routes below 5 persons are not listed at all; the others with their exact counts
    assert published == {label: str(n) for label, n in expected.items() if n >= 5}
    assert any(n < 5 for n in expected.values())
    total = sum(expected.values())
    published_total = sum(v for v in expected.values() if v >= 5)  # shares are of persons on published routes
    for r in rows:
        assert r["share"] == f"{100 * int(r['persons']) / published_total:.1f}"
        stops = r["route"].split(" > ")
        assert (r["origin"], r["destination"], r["transit"]) == (stops[0], stops[-1], " > ".join(stops[1:-1]))

    record = json.loads((sample_project / ".routemap" / "build.json").read_text())
    by_file = {f["file"]: f for f in record["files"]}
    assert set(by_file) == set(rows_per_file)
    for name, n in rows_per_file.items():
        f = by_file[name]
        assert f["rows_read"] == n
        assert f["rows_read"] == f["accepted"] + f["rejected"] + f["merged"]
        assert len(f["sha256"]) == 64
    assert record["totals"]["merged"] == 30  # the sample's 30 people known to two partners
    assert record["totals"]["routable_persons"] == total
    assert record["routemap_version"] == __version__
    assert record["settings"]["focus"] == "MY"
    assert (out / "map.html").stat().st_size > 1000
    # private material stays out of the published folder
    assert not any(p.name in ("build.json", "rejects.csv", "places.csv", "records.csv") for p in out.iterdir())
    with (sample_project / ".routemap" / "rejects.csv").open(encoding="utf-8", newline="") as fh:
        rejects = [(r["file"], r["line"], r["column"], r["value"]) for r in csv.DictReader(fh)]
    assert ("pusat-sokongan-pekerja/kes_2018_2024.csv", "43", "Bilangan", "dua") in rejects


def test_build_summary_and_country_level_override(sample_project: Path, tmp_path: Path):
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["build", str(sample_project), "--out", str(out), "--min-count", "20"])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    files = sorted((sample_project / "data" / "contributions").rglob("*.*"))
    lines = sum(len(f.read_bytes().splitlines()) for f in files if f.suffix == ".csv")
    lines += sum(load_workbook(f, read_only=True).active.max_row for f in files if f.suffix == ".xlsx")
    assert f"read 1980 rows ({lines} lines of the files, headers included) from 4 file(s)" in result.output
    assert "below 20 (not listed)" in result.output
    with (out / "routes.csv").open(encoding="utf-8-sig", newline="") as fh:
        persons = [int(r["persons"]) for r in csv.DictReader(fh)]
    assert persons and min(persons) >= 20
    with (out / "routes_by_sex.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [v for r in csv.DictReader(fh) for k, v in r.items() if k not in ("rank", "route", "persons")]
    assert "<20" in cells and "<5" not in cells


def test_build_errors_are_messages_not_tracebacks(tmp_path: Path):
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["build", str(empty)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: no contribution files in {empty / 'data' / 'contributions'}")
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["build", str(empty), "--level", "district"])
    assert result.exit_code == 2 and "Invalid value for '--level'" in result.output
    result = runner.invoke(main, ["build", str(empty), "--focus", "XX"])
    assert result.exit_code == 2
    assert "error: focus 'XX' in the command line is not an ISO 3166-1 alpha-2 country code" in result.output


@pytest.mark.parametrize("bad", ['level = "district"', "min_count = -1"])
def test_bad_routemap_toml_is_reported(sample_project: Path, bad: str):
    (sample_project / "routemap.toml").write_text(bad + "\n")
    result = CliRunner().invoke(main, ["build", str(sample_project)])
    assert result.exit_code == 2
    assert "routemap.toml" in result.output and "Traceback" not in result.output


def _read_place_report(project: Path) -> list[dict[str, str]]:
    with (project / ".routemap" / "places.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_places_explains_every_string_of_the_sample(sample_project: Path):
    result = CliRunner().invoke(main, ["places", str(sample_project)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["raw", "string", "place", "level", "country", "method", "rows"]
    report = _read_place_report(sample_project)
    written: set[str] = set()  # every stop string of the raw files, read here with csv and openpyxl
    for name, spec in SAMPLE_FILES.items():
        for row in _rows(sample_project / "data" / "contributions" / name, spec):
            stops = [row[spec["origin"]], row[spec["destination"]]]
            for column in spec["transit"]:
                stops += row[column].replace(";", ">").split(">")
            written |= {s.strip() for s in stops if s.strip()}
    assert {r["raw"] for r in report} == written
    g = Gazetteer.load(project_dir=sample_project).with_display_names(focus="MYS")  # the sample's focus
    for row in report:
        expected = TRUTH[row["raw"]]
        listed = [line for line in lines if line.startswith(row["raw"] + "  ")]
        assert listed, row["raw"]
        if expected is None:
            assert row["place_id"] == "" and row["method"] in ("unresolved", "not_a_place"), row
            continue
        place = g.place(row["place_id"])
        unit = g.place(place.admin1 or place.id) if place.country == "MYS" else g.place(f"country:{place.country}")
        assert unit.name == expected, row
        assert row["method"] in ("exact", "alias", "alternate", "code", "context", "fuzzy", "user", "default_country")
    # one line per string: the rows of a string read the same under both default countries are summed
    batam = [line for line in lines if line.startswith("Batam  ")]
    assert len(batam) == 1 and batam[0].split()[-1] == str(sum(int(r["rows"]) for r in report if r["raw"] == "Batam"))
    assert "read as Bangladesh (country)" in result.output  # the typo, listed with its score
    assert "89 distinct place string(s): 87 placed, 2 not placed (2 row(s)); 1 read as a typo" in result.output


def test_places_unresolved_lists_only_what_places_no_record(sample_project: Path):
    result = CliRunner().invoke(main, ["places", str(sample_project), "--unresolved"])
    assert result.exit_code == 0, result.output
    table = result.output.split("\n\n")[0].splitlines()
    assert [line.split("  ")[0] for line in table[1:]] == ["Kampung Tersembunyi", "Tidak diketahui"]


def test_places_explains_the_iom_region_of_origin(tmp_path: Path):
    source = SHARED / "realdata" / "iom_missing_migrants_2014_2022.csv"
    folder = tmp_path / "iom" / "data" / "contributions" / "iom"
    folder.mkdir(parents=True)
    (folder / "partner.toml").write_text((DATA / "iom_partner" / "partner.toml").read_text(encoding="utf-8"))
    (folder / source.name).symlink_to(source)  # linked, never copied
    result = CliRunner().invoke(main, ["places", str(tmp_path / "iom")])
    assert result.exit_code == 0, result.output
    with source.open(encoding="cp1252", newline="") as fh:
        rows = list(csv.DictReader(fh))
    origins = Counter(row["Region of Origin"] for row in rows)
    uses = origins + Counter(row["Region of Incident"] for row in rows)
    assert len(origins) == 31
    report = {r["raw"]: r for r in _read_place_report(tmp_path / "iom")}
    g = Gazetteer.load()
    for value in origins:
        row = report[value]
        if value in ("Unknown", "Mixed"):
            assert row["method"] == "not_a_place", row
            continue
        assert row["level"] == "region" and row["country_iso3"] == "", row
        if value.endswith(" (P)"):  # presumed: the same region as the value without the qualifier
            assert row["place_id"] == g.resolve(value[: -len(" (P)")]).place_id, row
            assert "'(P)' set aside as a qualifier" in row["note"]
    for value in origins:
        assert f"{value}  " in result.output
        assert int(report[value]["rows"]) <= uses[value]  # rows without a year or region of incident are rejected


def test_places_warnings_are_printed_once_as_they_are(make_project):
    project = make_project({"p": {"a.csv": "year,origin,destination,sector\n2020,Myanmar,Penang,knitting\n"}})
    result = CliRunner().invoke(main, ["places", str(project)])
    assert result.exit_code == 0, result.output
    assert "p/a.csv:2: sector: warning: 'knitting' is not in the sector vocabulary" in result.output
    assert "warning: p/a.csv" not in result.output


def test_places_errors_are_messages(tmp_path: Path):
    result = CliRunner().invoke(main, ["places", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.output == f"error: project folder {str(tmp_path / 'nowhere')!r} does not exist\n"


def test_running_out_of_memory_is_a_message_and_exit_5_not_a_traceback(tmp_path: Path):
    import resource
    import subprocess
    import sys

    path = tmp_path / "kes.csv"
    path.write_text("year,origin,destination,persons\n2020,Myanmar,Penang,6\n", encoding="utf-8")
    cap = 250 * 1024 * 1024  # enough to start (about 160 MB), below what loading the place index needs (about 330 MB)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    code = "from routemap.cli import main; main(['validate', __import__('sys').argv[1]])"
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, preexec_fn=limit, check=False
    )
    assert "Traceback" not in out.stderr, out.stderr[-2000:]
    assert out.returncode == 5 and "ran out of memory" in out.stderr


def test_the_command_leaves_with_its_exit_status_and_every_line_written(tmp_path: Path):
    """``routemap`` (cli.run) skips the interpreter's teardown: nothing it printed may be lost."""
    import subprocess
    import sys

    good = tmp_path / "good.csv"
    good.write_text("year,origin,destination,persons\n2020,Myanmar,Penang,6\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("year,origin,destination,persons\n2020,Myanmar,Penang,six\n", encoding="utf-8")
    code = "import sys; from routemap.cli import run; sys.argv = ['routemap', *sys.argv[1:]]; run()"

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)

    ok = command("validate", str(good))
    assert ok.returncode == 0 and ok.stdout.rstrip().endswith("the file is ready to send"), ok.stdout + ok.stderr
    failed = command("validate", str(bad))
    assert failed.returncode == 1 and "bad.csv:2: persons" in failed.stdout + failed.stderr
    usage = command("validate", str(tmp_path / "missing.csv"))
    assert usage.returncode == 2 and "does not exist" in usage.stderr
    assert "Traceback" not in ok.stderr + failed.stderr + usage.stderr
