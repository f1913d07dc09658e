"""The static PNG map: published routes only, the top ones with ties, outlines offline, same bytes every time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from routemap.aggregate import Aggregates
from routemap.disclosure import publish
from routemap.places import Place
from routemap.render.static import load_outlines, render_static_map

PLACES = {
    "IDN": Place("IDN", "Indonesia", "country", "IDN", "", 120.0, -5.0),
    "PHL": Place("PHL", "Philippines", "country", "PHL", "", 122.0, 13.0),
    "MMR": Place("MMR", "Myanmar $x$", "country", "MMR", "", 98.0, 22.0),
    "THA": Place("THA", "Thailand", "country", "THA", "", 100.0, 15.0),
    "S": Place("S", "Sabah", "admin1", "MYS", "", 117.0, 5.4),
    "P": Place("P", "<img src=x onerror=alert(1)>", "admin1", "MYS", "", 100.3, 5.4),
    "J": Place("J", "Johor", "admin1", "MYS", "", 103.3, 2.0),
}
ROUTES = {  # route key -> persons
    "IDN>S": 50,
    "PHL>S": 40,
    "MMR>THA>P": 30,
    "IDN>J": 30,
    "MMR>THA>J": 10,
    "PHL>J": 3,  # below the threshold: never drawn
}


def _publication():  # type: ignore[no-untyped-def]
    rows = []
    names = {k: PLACES[k].name for k in PLACES}
    for key, persons in ROUTES.items():
        stops = key.split(">")
        rows.append(
            {
                "route": key,
                "label": " > ".join(names[s] for s in stops),
                "origin": names[stops[0]],
                "transit": " > ".join(names[s] for s in stops[1:-1]),
                "destination": names[stops[-1]],
                "n_stops": len(stops),
                "persons": persons,
                "records": persons,
            }
        )
    frame = pd.DataFrame(rows).sort_values(["persons", "label"], ascending=[False, True]).reset_index(drop=True)
    agg = Aggregates(
        routes=frame,
        breakdowns={},
        stops={k: tuple(k.split(">")) for k in ROUTES},
        places=PLACES,
        years=(2020, 2021),
    )
    return publish(agg, min_count=5)


def test_top_routes_with_ties_and_nothing_suppressed(tmp_path: Path):
    pub = _publication()
    drawn = render_static_map(pub, tmp_path / "m.png", title="t", top=3)
    # 50, 40, then 30 twice (a tie at the cut is drawn whole): legs IDN-S, PHL-S, MMR-THA, THA-P, IDN-J
    assert drawn["routes"] == 4 and drawn["legs"] == 5
    assert drawn["places"] == 7 - 0  # every place is on a drawn route; PHL>J adds none
    drawn = render_static_map(pub, tmp_path / "all.png", title="t")
    assert drawn["routes"] == 5 and drawn["legs"] == 6  # PHL > Johor (3 persons) is not drawn


def test_png_is_a4_width_with_offline_outlines_and_stable_bytes(tmp_path: Path):
    pub = _publication()
    a = render_static_map(pub, tmp_path / "a.png", title="Routes $5 <b>", subtitle="2020–2021", note="n")
    render_static_map(pub, tmp_path / "b.png", title="Routes $5 <b>", subtitle="2020–2021", note="n")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert a["outlines"] > 50
    with Image.open(tmp_path / "a.png") as im:
        assert im.size == (1500, 1200)  # 190 mm at 200 dpi
    assert b"matplotlib" not in (tmp_path / "a.png").read_bytes()  # no version stamp in the metadata


def test_without_outlines_the_map_still_draws(tmp_path: Path):
    drawn = render_static_map(_publication(), tmp_path / "m.png", title="t", outlines=False)
    assert drawn["outlines"] == 0 and drawn["legs"] == 6


@pytest.mark.parametrize("resolution", ["c", "l", "i"])
def test_outlines_are_the_shipped_natural_earth_ones(resolution: str):
    shapes = load_outlines(resolution)
    assert shapes is not None
    # Borneo is land, and some border runs through it (Malaysia–Indonesia)
    assert any(p[:, 0].min() < 115 < p[:, 0].max() and p[:, 1].min() < 1 < p[:, 1].max() for p in shapes.land)
    assert any(p[:, 0].min() < 115 < p[:, 0].max() and p[:, 1].min() < 3 < p[:, 1].max() for p in shapes.borders)
    assert all(p[:, 0].min() >= -180 and p[:, 0].max() <= 360 and p[:, 1].min() >= -90 for p in shapes.land)


@pytest.mark.parametrize(("lang", "unit", "expected"), [("ms", "orang", "asal"), ("id", "korban", "asal")])
def test_the_legend_speaks_the_outputs_language_and_unit(lang: str, unit: str, expected: str):
    import geopandas as gpd
    from matplotlib.figure import Figure

    from routemap.render.static import _add_legend

    ax = Figure().add_subplot()
    places = gpd.GeoDataFrame({"role": ["origin", "destination"]})
    _add_legend(ax, places, vmax=400, min_count=5, lang=lang, unit=unit)
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert legend.get_title().get_text().lower().startswith(unit) and expected in texts
    assert "400 " + unit in texts and not any("persons" in t or "origin" in t for t in texts)
