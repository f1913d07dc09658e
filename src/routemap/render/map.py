"""Render the interactive map: a Folium page with legs and places drawn on one canvas layer."""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import xyzservices
from branca.element import Element, MacroElement
from folium.template import Template
from shapely.geometry import LineString, MultiLineString

from routemap._errors import ConfigError
from routemap._safe import esc, script_json

LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")

ROLE_COLOURS: dict[str, str] = {
    "origin": "#1b9e77",
    "transit": "#7570b3",
    "destination": "#d95f02",
    "several": "#555555",
}
LEG_COLOUR = "#c0392b"
MIN_WEIGHT, MAX_WEIGHT = 1.5, 14.0
MIN_RADIUS, MAX_RADIUS = 3.0, 22.0
TILE_ATTRIBUTION = "&copy; OpenStreetMap contributors &copy; CARTO"


@dataclass(frozen=True, slots=True)
class MapText:
    """Text around the map; every field is escaped when rendered."""

    title: str
    subtitle: str
    note: str
    attribution: str = "Data: contributing organisations (pooled, aggregated, small counts suppressed)"


def tile_layer(tiles: str, *, api_key: str | None = None) -> folium.TileLayer | None:
    """A tile layer for a provider name or URL template, without any lookup over the network.

    Raises
    ------
    ConfigError
        When the name is not a known provider and not a URL template.
    """
    name = tiles.strip()
    if name.lower() == "none":
        return None
    if "{z}" in name and "{x}" in name and "{y}" in name:
        host = name.split("/")[2] if "//" in name else "tile server"
        return folium.TileLayer(tiles=name, attr=esc(host), name="basemap", control=False)
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise ConfigError(
            f"tiles {tiles!r} is not a known tile provider; use a name such as 'CartoDB positron' or "
            "'OpenStreetMap Mapnik', a URL template with {z}/{x}/{y}, or 'none'"
        ) from None
    with warnings.catch_warnings():
        # xyzservices warns that CARTO now wants a key; without one the URL carries no key parameter
        # and the setting `tiles_api_key` in routemap.toml adds it
        warnings.simplefilter("ignore", UserWarning)
        if api_key:
            provider = provider.copy()
            provider["apikey"] = api_key
        url = provider.build_url(fill_subdomain=False, scale_factor="{r}")
    url = url.replace("?key=<insert your API key here>", "").replace("<insert your API key here>", "")
    return folium.TileLayer(
        tiles=url,
        attr=provider.get("html_attribution", provider.get("attribution", "")),
        name="basemap",
        control=False,
        max_zoom=int(provider.get("max_zoom", 19)),
        subdomains=provider.get("subdomains", "abc"),
    )


def _scale(value: float, vmax: float, lo: float, hi: float) -> float:
    """Square-root scale: area (or width) grows with the value, readable across orders of magnitude."""
    if vmax <= 0:
        return lo
    return round(lo + (hi - lo) * math.sqrt(max(value, 0) / vmax), 2)


def _coords(geom: LineString | MultiLineString) -> list[list[list[float]]]:
    parts = geom.geoms if isinstance(geom, MultiLineString) else [geom]
    return [[[round(y, 4), round(x, 4)] for x, y in part.coords] for part in parts]


class FlowLayer(MacroElement):
    """Legs and places from compact JSON, drawn with Leaflet's canvas renderer."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.routemap-panel{background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:22rem;
 font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.routemap-panel h1{font-size:16px;margin:0 0 2px}
.routemap-panel p{margin:2px 0;color:#333}
.routemap-legend .sw{display:inline-block;vertical-align:middle;margin-right:6px}
.routemap-legend div{margin:2px 0}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var data = {{ this.data_json }};
  var renderer = L.canvas({padding: 0.5});
  var legs = L.featureGroup(), places = L.featureGroup();
  data.legs.forEach(function (leg) {
    var line = L.polyline(leg.c, {renderer: renderer, color: data.legColour, weight: leg.w,
      opacity: 0.75, lineCap: "round", routemap: "leg"});
    line.bindTooltip(leg.t, {sticky: true});
    legs.addLayer(line);
  });
  data.places.forEach(function (p) {
    var circle = L.circleMarker([p.y, p.x], {renderer: renderer, radius: p.r, color: "#ffffff",
      weight: 1, fillColor: p.f, fillOpacity: 0.9, routemap: "place"});
    circle.bindTooltip(p.t, {sticky: true});
    places.addLayer(circle);
  });
  legs.addTo(map);
  places.addTo(map);
  var title = L.control({position: "topleft"});
  var titleDiv = L.DomUtil.create("div", "routemap-panel routemap-title");
  titleDiv.innerHTML = data.titleHtml;
  L.DomEvent.disableClickPropagation(titleDiv);
  title.onAdd = function () { return titleDiv; };
  title.addTo(map);
  var legend = L.control({position: "bottomright"});
  var legendDiv = L.DomUtil.create("div", "routemap-panel routemap-legend");
  legendDiv.innerHTML = data.legendHtml;
  legend.onAdd = function () { return legendDiv; };
  legend.addTo(map);
  var bounds = L.latLngBounds([]);
  if (legs.getLayers().length) { bounds.extend(legs.getBounds()); }
  if (places.getLayers().length) { bounds.extend(places.getBounds()); }
  if (bounds.isValid()) {
    // keep the flows clear of the title and legend panels where the screen allows
    var size = map.getSize();
    var top = Math.min(titleDiv.offsetHeight + 20, size.y / 3);
    var right = Math.min(legendDiv.offsetWidth + 20, size.x / 3);
    map.fitBounds(bounds, {paddingTopLeft: [24, top], paddingBottomRight: [right, 24], maxZoom: 7, animate: false});
  } else { map.setView([10, 100], 3); }
  map.attributionControl.addAttribution(data.attributionHtml);
  window.routemap = {legs: legs.getLayers().length, places: places.getLayers().length};
})();
{% endmacro %}
"""
    )

    def __init__(self, data: dict[str, object]) -> None:
        super().__init__()
        self._name = "FlowLayer"
        self.data_json = script_json(data)


def _stable_ids(root: Element) -> None:
    """Give every element a sequential id so the same inputs write a byte-identical page.

    folium names elements with random hex ids; rendering uses whatever ``_id`` holds then.
    """
    counter = itertools.count(1)
    stack = [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{next(counter):032x}"
        stack.extend(element._children.values())
        for part in ("header", "html", "script"):
            child = getattr(element, part, None)
            if isinstance(child, Element):
                stack.append(child)


def _legend_html(legs: gpd.GeoDataFrame, places: gpd.GeoDataFrame, text: MapText) -> str:
    rows = []
    vmax = float(legs["persons"].max()) if len(legs) else 0.0
    if vmax > 0:
        rows.append("<div><b>Persons on a leg</b></div>")
        samples = sorted({int(vmax), max(1, round(vmax / 4)), max(1, round(vmax / 16))}, reverse=True)
        for value in samples:
            width = _scale(value, vmax, MIN_WEIGHT, MAX_WEIGHT)
            rows.append(
                f'<div><svg class="sw" width="40" height="{int(width) + 4}"><line x1="2" x2="38" '
                f'y1="{(width + 4) / 2}" y2="{(width + 4) / 2}" stroke="{LEG_COLOUR}" stroke-width="{width}" '
                f'stroke-linecap="round"/></svg>{value:,}</div>'
            )
    if len(places):
        rows.append("<div><b>Places</b> (circle area: persons)</div>")
        for role, colour in ROLE_COLOURS.items():
            if (places["role"] == role).any():
                rows.append(
                    f'<div><svg class="sw" width="14" height="14"><circle cx="7" cy="7" r="6" fill="{colour}"/></svg>'
                    f"{esc(role)}</div>"
                )
    rows.append(f"<p>{esc(text.note)}</p>")
    return "".join(rows)


def render_map(
    legs: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    path: Path,
    *,
    text: MapText,
    tiles: str = "CartoDB positron",
    tiles_api_key: str | None = None,
) -> dict[str, int]:
    """Write ``map.html`` from publishable legs and places.

    Parameters
    ----------
    legs, places
        Publishable GeoDataFrames (EPSG:4326) from :mod:`routemap.aggregate` after disclosure.
    path
        Output file.
    text
        Title, subtitle and notes (escaped here).
    tiles
        A tile provider name (xyzservices, e.g. ``"CartoDB positron"``), a URL template, or ``"none"``.
    tiles_api_key
        Key for providers that need one (filled into the URL).

    Returns
    -------
    dict
        Counts drawn: ``{"legs": n, "places": m}``.
    """
    fmap = folium.Map(location=None, zoom_start=3, tiles=None, prefer_canvas=True, control_scale=True)
    # only the assets the map uses: Leaflet itself (folium's defaults add jQuery, Bootstrap, fonts)
    fmap.default_js = [LEAFLET_JS]
    fmap.default_css = [LEAFLET_CSS]
    layer = tile_layer(tiles, api_key=tiles_api_key)
    if layer is not None:
        layer.add_to(fmap)
    total_legs = float(legs["persons"].max()) if len(legs) else 0.0
    total_places = float(places["persons"].max()) if len(places) else 0.0
    leg_items = []
    for row in legs.itertuples(index=False):
        tooltip = f"{esc(row.from_name)} → {esc(row.to_name)}: {int(row.persons):,} persons"
        leg_items.append(
            {"c": _coords(row.geometry), "w": _scale(row.persons, total_legs, MIN_WEIGHT, MAX_WEIGHT), "t": tooltip}
        )
    place_items = []
    for row in places.itertuples(index=False):
        parts = [f"<b>{esc(row.name)}</b>"]
        for label, value in (
            ("start here", row.persons_start),
            ("pass through", row.persons_pass),
            ("end here", row.persons_end),
        ):
            if value:
                parts.append(f"{int(value):,} {label}")
        place_items.append(
            {
                "x": round(row.geometry.x, 4),
                "y": round(row.geometry.y, 4),
                "r": _scale(row.persons, total_places, MIN_RADIUS, MAX_RADIUS),
                "f": ROLE_COLOURS.get(row.role, ROLE_COLOURS["several"]),
                "t": "<br>".join(parts),
            }
        )
    data: dict[str, object] = {
        "legColour": LEG_COLOUR,
        "legs": leg_items,
        "places": place_items,
        "titleHtml": f"<h1>{esc(text.title)}</h1><p>{esc(text.subtitle)}</p>",
        "legendHtml": _legend_html(legs, places, text),
        "attributionHtml": esc(text.attribution),
    }
    FlowLayer(data).add_to(fmap)
    fmap.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'), name="viewport"
    )
    fmap.get_root().title = esc(text.title)  # type: ignore[attr-defined]
    _stable_ids(fmap.get_root())
    html = fmap.get_root().render()
    path.write_text(html, encoding="utf-8")
    return {"legs": len(leg_items), "places": len(place_items)}
