"""Write the published routes, legs and places as GIS layers: a GeoPackage and a GeoJSON file."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from routemap.disclosure import Publication
from routemap.render.tables import route_frame
from routemap.schema import LEG_COLUMNS, PLACE_COLUMNS

CRS = "EPSG:4326"
GPKG_LAYERS: tuple[str, ...] = ("routes", "legs", "places")
#: The GeoPackage version written: 1.2 reads everywhere (GDAL 3.6 warns about 1.4 files).
GPKG_VERSION = "1.2"
ROUTE_FIELDS: tuple[str, ...] = (
    "rank",
    "route",
    "origin",
    "transit",
    "destination",
    "n_stops",
    "persons",
    "share",
    "pct_women",
    "pct_children",
    "top_sector",
)
LEG_FIELDS: tuple[str, ...] = LEG_COLUMNS  # the legs and places layers carry the aggregate's columns
PLACE_FIELDS: tuple[str, ...] = PLACE_COLUMNS


def routes_layer(pub: Publication) -> gpd.GeoDataFrame:
    """Published routes as lines with rank, persons, share and the disclosure-safe details.

    Suppressed routes are not in it. A route whose stops all generalise to one place is a point.
    """
    layer = pub.routes_layer()
    rows = {str(r["route_key"]): r for r in route_frame(pub).to_dict("records")}
    details = [rows[str(k)] for k in layer["route"]]

    def floats(column: str) -> pd.Series:
        return pd.Series([d[column] for d in details], dtype="Float64")

    out = pd.DataFrame(
        {
            "rank": pd.Series([int(d["rank"]) for d in details], dtype="int32"),
            "route": layer["label"].astype(str).to_numpy(),
            "origin": layer["origin"].astype(str).to_numpy(),
            "transit": layer["transit"].astype(str).to_numpy(),
            "destination": layer["destination"].astype(str).to_numpy(),
            "n_stops": layer["n_stops"].astype("int32").to_numpy(),
            "persons": layer["persons"].astype("int64").to_numpy(),
            "share": pd.Series([float(d["share"]) for d in details], dtype="float64"),
            "pct_women": floats("pct_women"),
            "pct_children": floats("pct_children"),
            "top_sector": pd.Series([str(d["top_sector"]) for d in details], dtype=object),
        }
    )
    return gpd.GeoDataFrame(out, geometry=layer.geometry.to_numpy(), crs=CRS)[[*ROUTE_FIELDS, "geometry"]]


def legs_layer(pub: Publication) -> gpd.GeoDataFrame:
    """Legs with the persons of all published routes through them (and how many such routes)."""
    legs = pub.legs()
    return legs[[*LEG_FIELDS, "geometry"]].reset_index(drop=True)


def places_layer(pub: Publication) -> gpd.GeoDataFrame:
    """Places on published routes with persons starting, passing and ending there."""
    places = pub.places()
    return places[[*PLACE_FIELDS, "geometry"]].reset_index(drop=True)


@contextlib.contextmanager
def _gdal_date(stamp: str) -> Iterator[None]:
    """Make GDAL write ``stamp`` instead of the clock into GeoPackage metadata (``gpkg_contents``)."""
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


#: Geometry type of each layer when it has no feature (nothing published).
EMPTY_TYPES: dict[str, str] = {"routes": "MultiLineString", "legs": "MultiLineString", "places": "Point"}


def _geometry_type(layer: gpd.GeoDataFrame, name: str) -> str:
    kinds = set(layer.geom_type.dropna())
    if not kinds:
        return EMPTY_TYPES.get(name, "Unknown")
    if kinds <= {"Point"}:
        return "Point"
    if kinds <= {"LineString", "MultiLineString"}:
        return "MultiLineString"
    return "Unknown"


def _write(
    layer: gpd.GeoDataFrame,
    path: Path,
    name: str,
    *,
    driver: str,
    layer_options: dict[str, str] | None = None,
    dataset_options: dict[str, str] | None = None,
) -> None:
    geometry_type = _geometry_type(layer, name)
    pyogrio.write_dataframe(
        layer,
        path,
        layer=name,
        driver=driver,
        geometry_type=geometry_type,
        promote_to_multi=geometry_type == "MultiLineString",
        layer_options=layer_options or {},
        dataset_options=dataset_options or {},
    )


def write_geopackage(pub: Publication, path: Path, *, date: dt.date | None = None) -> dict[str, int]:
    """Write ``routemap.gpkg`` with the layers routes, legs and places (EPSG:4326, published counts only).

    Parameters
    ----------
    pub
        The publication.
    path
        Output file (replaced if it exists).
    date
        Date stored as the layers' last change (the build's as-of date); without one a fixed date,
        so the same publication always gives the same bytes.

    Returns
    -------
    dict
        Features per layer.
    """
    if path.exists():
        path.unlink()
    stamp = f"{(date or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"
    layers = {"routes": routes_layer(pub), "legs": legs_layer(pub), "places": places_layer(pub)}
    descriptions = {
        "routes": f"Published routes (at least {pub.min_count} persons) with persons and share",
        "legs": "Consecutive stops of published routes with the persons of every route through them",
        "places": "Places on published routes with persons starting, passing and ending there",
    }
    with _gdal_date(stamp):
        for name, layer in layers.items():
            _write(
                layer,
                path,
                name,
                driver="GPKG",
                layer_options={"DESCRIPTION": descriptions[name], "IDENTIFIER": name},
                dataset_options={"VERSION": GPKG_VERSION},
            )
    return {name: len(layer) for name, layer in layers.items()}


def write_geojson(pub: Publication, path: Path) -> int:
    """Write the published routes as RFC 7946 GeoJSON (``routes.geojson``); returns the feature count."""
    if path.exists():
        path.unlink()
    layer = routes_layer(pub)
    _write(layer, path, "routes", driver="GeoJSON", layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"})
    return len(layer)
