"""Real published data (CTDC, IOM Missing Migrants) built through the CLI and checked against counts made here."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SHARED
from routemap.cli import main
from routemap.contributions import load_profile, read_contribution, read_profile

REALDATA = SHARED / "realdata"
PROFILES = REPO / "examples" / "profiles"
CTDC = "ctdc_2018_sample_104rows.csv"
IOM = "iom_missing_migrants_2014_2022.csv"
# Five is the default and the floor the README recommends; both files have routes below it (CTDC
# Vietnam -> Malaysia 3, IOM's rare region pairs), so suppression is exercised as well as exact counts.
MIN_COUNT = 5
SUPPRESSED = f"<{MIN_COUNT}"

# ISO 3166 alpha-2 codes of the CTDC sample and the names routemap publishes for them, written by hand.
CTDC_COUNTRIES = {
    "BD": "Bangladesh",
    "CN": "China",
    "IN": "India",
    "KE": "Kenya",
    "KH": "Cambodia",
    "MD": "Moldova",
    "MM": "Myanmar",
    "MY": "Malaysia",
    "SA": "Saudi Arabia",
    "UA": "Ukraine",
    "US": "United States",
    "VN": "Vietnam",
}
CTDC_MISSING = {"-99", "00"}
# IOM's region names as published: UN M49 names; the others are written the same ("(P)" is set aside).
IOM_REGION_NAMES = {
    "Latin America / Caribbean": "Latin America and the Caribbean",
    "Western / Southern Asia": "Western and Southern Asia",
    "North America": "Northern America",
}


def _real(name: str) -> Path:
    path = REALDATA / name
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: the real-data tests read the files in the workplace's shared/realdata folder "
            "(set ROUTEMAP_SHARED_DIR to the folder holding realdata/); they must not be skipped",
            pytrace=False,
        )
    return path


def _project(root: Path, partner: str, data: str, profile: str) -> Path:
    """A project folder with the real file linked (never copied) and an example profile as partner.toml."""
    folder = root / "data" / "contributions" / partner
    folder.mkdir(parents=True)
    shutil.copy(PROFILES / profile, folder / "partner.toml")
    (folder / data).symlink_to(_real(data))
    (root / "routemap.toml").write_text(f'title = "{partner} routes"\nmin_count = {MIN_COUNT}\n', encoding="utf-8")
    return root


def _build(project: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, ["build", str(project), "-q", *args])
    assert result.exit_code == 0, result.output
    return project / "output"


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _published(counts: Counter[str]) -> dict[str, str]:
    """What routes.csv must say for exact counts: the count; routes below the minimum are not listed."""
    return {route: str(n) for route, n in counts.items() if n >= MIN_COUNT}


def _route(stops: list[str], *, countries: bool = False) -> str:
    collapsed = [s for i, s in enumerate(stops) if i == 0 or s != stops[i - 1]]
    # a route of one country starts and ends there, and is named so (a region is no country)
    return " > ".join(collapsed) + (" (domestic)" if countries and len(collapsed) == 1 else "")


def _check_breakdown(path: Path, expected: dict[str, Counter[str]]) -> None:
    """Every cell of a published breakdown agrees with the exact count behind it.

    A count below the minimum, zero included, is shown as <5; a row with any such count hides one
    more cell (x); a value left out as a column has no count of the minimum or more in any row.
    """
    rows = _table(path)
    shown_values = [c for c in rows[0] if c not in ("rank", "route", "persons")] if rows else []
    for row in rows:
        exact = expected[row["route"]]
        assert int(row["persons"]) == sum(exact.values())
        for value in shown_values:
            n, cell = exact.get(value, 0), row[value]
            if cell == SUPPRESSED:
                assert n < MIN_COUNT, (row["route"], value, n)
            elif cell != "x":
                assert int(cell) == n >= MIN_COUNT, (row["route"], value, cell, n)
        hidden = [v for v in shown_values if row[v] == "x"]
        assert len(hidden) <= 1, row
        for value, n in exact.items():
            if value not in shown_values:
                assert n < MIN_COUNT, (row["route"], value, n)


def _map_places(out: Path) -> list[str]:
    found = re.search(r"window\.routemapFlows\(map_[0-9a-f]+, (\{.*\})\);", (out / "map.html").read_text("utf-8"))
    assert found, "no map data in map.html"
    return [place[2] for place in json.loads(found.group(1))["places"]]


def _gpkg_places(out: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(f"file:{out / 'routemap.gpkg'}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT name, level, country FROM places").fetchall()


# ---------------------------------------------------------------------------------------------- CTDC
@pytest.fixture(scope="module")
def ctdc_rows() -> list[dict[str, str]]:
    with _real(CTDC).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ctdc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("ctdc"), "ctdc", CTDC, "ctdc.toml")


@pytest.fixture(scope="module")
def ctdc_out(ctdc: Path) -> Path:
    return _build(ctdc)


def _ctdc_routable(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str], str]]:
    """(spreadsheet line, row, route) of every row with a citizenship and a country of exploitation."""
    out = []
    for line, row in enumerate(rows, start=2):
        o, d = row["citizenship"], row["country_of_exploitation"]
        if o not in CTDC_MISSING and d not in CTDC_MISSING:
            out.append((line, row, _route([CTDC_COUNTRIES[o], CTDC_COUNTRIES[d]], countries=True)))
    return out


def test_ctdc_independent_counts_match_the_data_description(ctdc_rows: list[dict[str, str]]):
    # the pairs listed in shared/realdata/README.md, counted here from the file
    pairs = Counter((r["citizenship"], r["country_of_exploitation"]) for r in ctdc_rows)
    assert len(ctdc_rows) == 104
    assert {p: pairs[p] for p in [("00", "US"), ("KH", "MY"), ("KH", "CN"), ("KH", "KH"), ("-99", "IN")]} == {
        ("00", "US"): 15,
        ("KH", "MY"): 14,
        ("KH", "CN"): 13,
        ("KH", "KH"): 13,
        ("-99", "IN"): 11,
    }
    assert {p: pairs[p] for p in [("UA", "UA"), ("KE", "SA")]} == {("UA", "UA"): 8, ("KE", "SA"): 7}
    assert set(r["citizenship"] for r in ctdc_rows) - CTDC_MISSING <= set(CTDC_COUNTRIES)


def test_ctdc_routes_as_published_match_independent_counts(ctdc_out: Path, ctdc_rows: list[dict[str, str]]):
    counts = Counter(route for _, _, route in _ctdc_routable(ctdc_rows))
    table = _table(ctdc_out / "routes.csv")
    assert {r["route"]: r["persons"] for r in table} == _published(counts)
    assert {r["route"]: r["persons"] for r in table} == {
        "Cambodia > Malaysia": "14",
        "Cambodia > China": "13",
        "Cambodia (domestic)": "13",  # origin and destination are the same country
        "Ukraine (domestic)": "8",
        "Kenya > Saudi Arabia": "7",
        "Myanmar > Bangladesh": "6",
        "Moldova > Cambodia": "5",
    }
    shown = sum(n for n in counts.values() if n >= MIN_COUNT)
    for row in table:
        n = counts[row["route"]]
        assert row["share"] == f"{100 * n / shown:.1f}", row


def test_ctdc_missing_and_unknown_citizenship_never_become_a_country(
    ctdc: Path, ctdc_out: Path, ctdc_rows: list[dict[str, str]]
):
    build = json.loads((ctdc / ".routemap" / "build.json").read_text("utf-8"))
    (account,) = build["files"]
    missing = [
        (line, r["citizenship"]) for line, r in enumerate(ctdc_rows, start=2) if r["citizenship"] in CTDC_MISSING
    ]
    assert Counter(v for _, v in missing) == {"00": 20, "-99": 13}
    assert (account["rows_read"], account["accepted"], account["rejected"], account["merged"]) == (
        104,
        104 - len(missing),
        len(missing),
        0,
    )
    assert build["totals"]["routable"] == len(_ctdc_routable(ctdc_rows)) == 71
    rejects = _table(ctdc / ".routemap" / "rejects.csv")
    # rejects.csv is formula-safe, and a negative number ("-99") is no formula: it is written as it is
    shown = [(int(r["line"]), r["column"], r["value"]) for r in rejects]
    assert shown == [(ln, "citizenship", v) for ln, v in missing]
    assert {r["reason"] for r in rejects} == {
        f"origin is empty ({v!r} means missing in partner.toml)" for v in ("00", "-99")
    }
    places = _table(ctdc / ".routemap" / "places.csv")
    assert not {p["raw"] for p in places} & CTDC_MISSING
    names = set(CTDC_COUNTRIES.values())
    for table in ("origins.csv", "destinations.csv"):
        for row in _table(ctdc_out / table):
            assert (row["level"], row["place"] in names) == ("country", True), row
    assert set(_map_places(ctdc_out)) <= names
    assert {level for _, level, _ in _gpkg_places(ctdc_out)} == {"country"}


def test_ctdc_breakdowns_match_independent_counts(ctdc_out: Path, ctdc_rows: list[dict[str, str]]):
    # independent readings of the code tables in shared/realdata/README.md
    child = {"0--8", "9--17"}
    purpose = {"0": "forced_labour", "1": "sexual_exploitation", "2": "sexual_exploitation", "3": "forced_marriage"}
    labour = {"0": "sex_industry", "2": "agriculture"}
    readings: dict[str, Callable[[dict[str, str]], str]] = {
        "routes_by_year.csv": lambda r: r["registration_year"],
        "routes_by_sex.csv": lambda r: r["gender"].lower(),
        "routes_by_age_group.csv": lambda r: "child" if r["age_range"] in child else "adult",
        "routes_by_exploitation.csv": lambda r: (
            "unknown" if r["victim_purpose"] == "-99" else purpose.get(r["victim_purpose"], "other")
        ),
        "routes_by_sector.csv": lambda r: "unknown" if r["labor"] == "-99" else labour.get(r["labor"], "other"),
    }
    for name, reading in readings.items():
        expected: dict[str, Counter[str]] = {}
        for _, row, route in _ctdc_routable(ctdc_rows):
            expected.setdefault(route, Counter())[reading(row)] += 1
        _check_breakdown(ctdc_out / name, expected)


# ---------------------------------------------------------------------------------------------- IOM
@pytest.fixture(scope="module")
def iom_rows() -> list[dict[str, str]]:
    with _real(IOM).open(encoding="cp1252", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def iom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("iom"), "iom", IOM, "missing_migrants.toml")


@pytest.fixture(scope="module")
def iom_out(iom: Path) -> Path:
    return _build(iom)


def _region(raw: str) -> str:
    name = raw.removesuffix(" (P)")
    return IOM_REGION_NAMES.get(name, name)


def _iom_routes(rows: list[dict[str, str]]) -> Counter[str]:
    """Dead and missing per route: region of origin (known, one) -> region of incident."""
    counts: Counter[str] = Counter()
    for row in rows:
        if row["Region of Origin"] not in ("Unknown", "Mixed"):
            stops = [_region(row["Region of Origin"]), _region(row["Region of Incident"])]
            counts[_route(stops)] += int(row["Total Number of Dead and Missing"])
    return counts


def test_iom_every_incident_is_accounted_for(iom: Path, iom_out: Path, iom_rows: list[dict[str, str]]):
    data = _real(IOM).read_bytes()
    assert data.count(b"\n") == 10_364 and len(iom_rows) == 10_274  # quoted cells hold line breaks
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    unknown = [line for line, r in enumerate(iom_rows, start=2) if r["Region of Origin"] == "Unknown"]
    mixed = [r for r in iom_rows if r["Region of Origin"] == "Mixed"]
    build = json.loads((iom / ".routemap" / "build.json").read_text("utf-8"))
    (account,) = build["files"]
    assert (account["encoding"], account["rows_read"], account["accepted"], account["rejected"], account["merged"]) == (
        "cp1252",
        10_274,
        10_274 - len(unknown),
        len(unknown),
        0,
    )
    assert account["rows_read"] == account["accepted"] + account["rejected"] + account["merged"]
    accepted = [r for r in iom_rows if r["Region of Origin"] != "Unknown"]
    totals = build["totals"]
    assert totals["routable"] == len(accepted) - len(mixed) == 8_652
    assert totals["persons"] == sum(int(r["Total Number of Dead and Missing"]) for r in accepted)
    assert totals["routable_persons"] == sum(_iom_routes(iom_rows).values())
    # rejects name the row as a spreadsheet numbers it, whatever line breaks the quoted cells hold
    rejects = _table(iom / ".routemap" / "rejects.csv")
    assert [int(r["line"]) for r in rejects] == unknown
    assert {(r["column"], r["value"]) for r in rejects} == {("Region of Origin", "Unknown")}


def test_iom_routes_as_published_match_independent_counts(iom_out: Path, iom_rows: list[dict[str, str]]):
    counts = _iom_routes(iom_rows)
    table = _table(iom_out / "routes.csv")
    assert {r["route"]: r["persons"] for r in table} == _published(counts)
    assert table[0]["route"] == "Sub-Saharan Africa > Mediterranean"
    years: dict[str, Counter[str]] = {}
    for row in iom_rows:
        if row["Region of Origin"] not in ("Unknown", "Mixed"):
            route = _route([_region(row["Region of Origin"]), _region(row["Region of Incident"])])
            years.setdefault(route, Counter())[row["Incident year"]] += int(row["Total Number of Dead and Missing"])
    _check_breakdown(iom_out / "routes_by_year.csv", years)


def test_iom_regions_are_never_drawn_as_countries(iom_out: Path, iom_rows: list[dict[str, str]]):
    regions = {_region(r[c]) for r in iom_rows for c in ("Region of Origin", "Region of Incident")}
    regions -= {"Unknown", "Mixed"}
    for table in ("origins.csv", "destinations.csv"):
        for row in _table(iom_out / table):
            assert (row["level"], row["country"], row["place"] in regions) == ("region", "", True), row
    gpkg = _gpkg_places(iom_out)
    assert gpkg and all(level == "region" and not country and name in regions for name, level, country in gpkg)
    assert set(_map_places(iom_out)) <= regions
    published = {s for r in _table(iom_out / "routes.csv") for s in r["route"].split(" > ")}
    assert set(_map_places(iom_out)) == published
    for row in _table(iom_out / "routes.csv"):  # no region is split into its countries along a route
        assert all(stop in regions for stop in row["route"].split(" > ")), row
    text = "\n".join(p.read_text("utf-8", errors="replace") for p in iom_out.iterdir() if p.suffix in (".csv", ".html"))
    for free_text in ("Pima County Office", "mixedmigration.org", "Sahara desert, Libya", "POINT ("):
        assert free_text not in text


def test_iom_place_level_never_publishes_an_incident_point(tmp_path: Path, iom_rows: list[dict[str, str]]):
    """Incident coordinates are a case's own: at place level a stop named by a region stays that region,
    drawn at the region's point; no output holds any of the incidents' coordinates."""
    project = _project(tmp_path, "iom", IOM, "missing_migrants.toml")
    out = _build(project, "--level", "place", "--formats", "csv,md,html,geojson,gpkg")
    counts: Counter[str] = Counter()
    for row in iom_rows:
        if row["Region of Origin"] in ("Unknown", "Mixed"):
            continue
        route = _route([_region(row["Region of Origin"]), _region(row["Region of Incident"])])
        counts[route] += int(row["Total Number of Dead and Missing"])
    assert {r["route"]: r["persons"] for r in _table(out / "routes.csv")} == _published(counts)
    incidents = set()
    for row in iom_rows:
        found = re.fullmatch(r"POINT \((\S+) (\S+)\)", row["Coordinates"])
        if found:  # (lon, lat) to 3 decimals (about 100 m), either order
            lon, lat = round(float(found[1]), 3), round(float(found[2]), 3)
            incidents.update({(lon, lat), (lat, lon)})
    incidents.discard((0.0, 0.0))  # one incident is recorded at 0, 0
    # the files as written (the leak check's reading leaves out a geometry's numbers): every pair of numbers
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir() if p.suffix != ".gpkg")
    pairs = {
        (round(float(a), 3), round(float(b), 3)) for a, b in re.findall(r"(-?\d+\.\d+)[\s,\[\]]+(?=(-?\d+\.\d+))", text)
    }
    assert len(incidents) > 10_000 and len(pairs) > 100
    assert not pairs & incidents


# ---------------------------------------------------------------------------------------------- profiles
def test_every_example_profile_reads_without_problems():
    names = sorted(p.name for p in PROFILES.glob("*.toml"))
    assert names == ["ctdc.toml", "htcds.toml", "missing_migrants.toml", "unodc_glotip.toml"]
    for name in names:
        read_profile(PROFILES / name)


# Made-up rows under the column names of IOM's HTCDS templates (see examples/profiles/htcds.toml).
HTCDS_HEADER = (
    "prs_First_Name,prs_Second_Name,prs_Birthdate,prs_Gender,prs_Citizenship,vic_MethodOfRecruitment,"
    "vic_LocationOfRecruitment,vic_TypeOfExploitation,vic_ForcedLabourIndustry,vic_LocationOfExploitation,"
    "cas_Status,cas_IncomingReferralDate\n"
)
HTCDS_ROWS = [
    "Madeup,Personone,1990-01-01,Feminine,ID,ThroughFriendsOrSocialEvents,Lombok,ForcedLabour,"
    "T_ActivitiesOfHouseholdsAsEmployers,Johor,Active,2021-03-04",
    "Madeup,Persontwo,1988-02-02,Masculine,MM,ThroughAnOnlineAdvertisement,,SexualExploitation;ForcedLabour,"
    "A_AgricultureForestryAndFishing,Thailand,Closed,2022-07-01",
    "Madeup,Personthree,1999-03-03,NonSpecifiedUnknown,,AtWork,,ForcedLabour,F_Construction,Malaysia,Active,2022-01-05",
    'Madeup,Personfour,2001-04-04,TransgenderFeminine,KH,Other,,ForcedMarriage,,"Thailand;Malaysia",Active,2023-05-06',
]


def test_htcds_template_columns_map_through_the_profile(tmp_path: Path):
    folder = tmp_path / "data" / "contributions" / "htcds"
    folder.mkdir(parents=True)
    shutil.copy(PROFILES / "htcds.toml", folder / "partner.toml")
    (folder / "cases.csv").write_text(HTCDS_HEADER + "\n".join(HTCDS_ROWS) + "\n", encoding="utf-8")
    result = read_contribution(folder / "cases.csv", load_profile(folder), current_year=2025)
    rec = result.records
    # origin: the location of recruitment, else the citizenship; the case on line 4 has neither
    assert list(rec["origin"]) == ["Lombok", "MM", "KH"]
    assert list(rec["year"]) == [2021, 2022, 2023]
    assert list(rec["sex"]) == ["female", "male", "other"]
    assert list(rec["exploitation"]) == ["forced_labour", "sexual_exploitation", "forced_marriage"]
    assert list(rec["sector"]) == ["domestic_work", "agriculture", "unknown"]
    assert list(rec["recruitment"]) == ["family_or_friend", "online", "other"]
    assert [(r["line"], r["column"], r["reason"]) for r in result.rejects] == [
        (
            4,
            "vic_LocationOfRecruitment",
            "origin is empty; every row needs one (a country, 'City, Country' or an ISO code)",
        )
    ]
    assert not any("vocabulary" in w for w in result.warnings), result.warnings
    assert any("prs_Birthdate" in w and "date of birth" in w for w in result.warnings)
    (tmp_path / "routemap.toml").write_text("allow_small_counts = true\n", encoding="utf-8")
    build = CliRunner().invoke(main, ["build", str(tmp_path), "-q", "--min-count", "1", "--formats", "csv"])
    assert build.exit_code == 0, build.output  # the leak check passed: no name or birthdate is published
    routes = {r["route"]: r["persons"] for r in _table(tmp_path / "output" / "routes.csv")}
    assert routes == {"Indonesia > Malaysia": "1", "Myanmar > Thailand": "1"}  # "Thailand;Malaysia": not one place
