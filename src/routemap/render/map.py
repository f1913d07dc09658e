"""Render the interactive map: curved flows and places from published figures, drawn on one canvas layer."""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import re
import warnings
from pathlib import Path
from typing import Any, cast

import folium
import xyzservices
from branca.element import Element, MacroElement
from folium.template import Template

from routemap._errors import ConfigError
from routemap._safe import esc, script_json
from routemap.disclosure import Publication
from routemap.render._map_data import BASEMAP_COLOURS as BASEMAP_COLOURS
from routemap.render._map_data import CLASS_OPACITY as CLASS_OPACITY
from routemap.render._map_data import FOCUS_LEVELS as FOCUS_LEVELS
from routemap.render._map_data import LABELS_PER_ROLE as LABELS_PER_ROLE
from routemap.render._map_data import LEG_COLOUR as LEG_COLOUR
from routemap.render._map_data import LEG_OPACITY as LEG_OPACITY
from routemap.render._map_data import ROLE_COLOURS as ROLE_COLOURS
from routemap.render._map_data import ROLES as ROLES
from routemap.render._map_data import TOP_ROUTES as TOP_ROUTES
from routemap.render._map_data import MapText, map_data
from routemap.render._map_scales import MAX_CLASSES as MAX_CLASSES
from routemap.render._map_scales import MAX_RADIUS as MAX_RADIUS
from routemap.render._map_scales import MIN_RADIUS as MIN_RADIUS
from routemap.render._map_scales import class_widths as class_widths
from routemap.render._map_scales import humanise as humanise
from routemap.render._map_scales import place_radius as place_radius
from routemap.render._map_scales import seam_longitude as seam_longitude
from routemap.render._map_scales import width_breaks as width_breaks
from routemap.render._map_scales import width_of as width_of
from routemap.render._map_scales import wrap_longitude as wrap_longitude
from routemap.render.words import word

LEAFLET_VERSION = "1.9.3"
LEAFLET_JS = ("leaflet", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css")
#: Leaflet as shipped in routemap's wheel (BSD-2-Clause, licence beside it), the same files as on the CDN.
VENDOR = Path(__file__).resolve().parent / "vendor"
#: How map.html gets Leaflet: from the CDN with SRI hashes, or inlined with an offline basemap.
MAP_MODES: tuple[str, ...] = ("cdn", "self-contained")

_JS = (Path(__file__).resolve().parent / "flowmap.js").read_text(encoding="utf-8")

_CSS = """<style>
.routemap-panel{background:rgba(255,255,255,.93);padding:6px 10px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:min(22rem,62vw);color:#222;
 font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.routemap-panel h1{font-size:16px;margin:0 0 2px}
.routemap-panel p{margin:3px 0;color:#333}
.routemap-legend summary{cursor:pointer;font-weight:600}
.routemap-legend .rm-h{font-weight:600;margin-top:6px}
.routemap-legend .rm-row{display:flex;align-items:center;gap:6px;margin:2px 0}
.routemap-legend svg{flex:none}
.routemap-years{display:flex;flex-wrap:wrap;gap:3px;align-items:center;max-width:min(30rem,80vw)}
.routemap-years button{font:12px system-ui,sans-serif;padding:2px 6px;border:1px solid #999;border-radius:3px;
 background:#fff;color:#222;cursor:pointer;min-height:24px}
.routemap-years button[aria-pressed=true]{background:#2f4f6f;color:#fff;border-color:#2f4f6f}
.routemap-years button:disabled{color:#999;border-style:dashed;cursor:not-allowed}
.routemap-filter button{font:12px system-ui,sans-serif;margin-left:4px}
.leaflet-tooltip.routemap-tip{white-space:normal;width:max-content;max-width:min(24rem,80vw)}
.leaflet-tooltip.routemap-label{background:none;border:0;box-shadow:none;padding:0 2px;color:#222;
 font:600 11px system-ui,sans-serif;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.leaflet-tooltip.routemap-label:before{display:none}
.leaflet-control-layers label span.rm-n{color:#666}
.leaflet-bottom.leaflet-right .leaflet-control-attribution{max-width:calc(100vw - 150px)}
@media (max-width:480px){.routemap-panel{font-size:12px;max-width:70vw;padding:4px 7px}
 .routemap-panel h1{font-size:14px}.routemap-title p{font-size:11px}
 .leaflet-control-scale{display:none}.leaflet-control-attribution{font-size:10px}
 .leaflet-bottom.leaflet-right .leaflet-control-attribution{max-width:calc(100vw - 20px)}}
</style>"""
#: Shown until the map's script has drawn the map: what a reader sees when Leaflet cannot load.
_FALLBACK_CSS = (
    "position:fixed;inset:0;z-index:10000;overflow:auto;background:#fff;color:#222;padding:12px 16px;"
    'font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif'
)


@functools.cache
def _sri(name: str) -> str:
    """The Subresource Integrity hash of a vendored Leaflet file (the CDN serves the same bytes)."""
    digest = hashlib.sha384((VENDOR / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


@functools.cache
def _inline_leaflet() -> tuple[str, str]:
    """Leaflet's script and stylesheet for inlining: no source-map comment, images as data URIs."""
    js = (VENDOR / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    if "</script" in js.lower():  # pragma: no cover - the pinned file has none
        raise ValueError("leaflet.js must not contain '</script'")
    css = (VENDOR / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        name = match.group(1)
        path = VENDOR / name
        if not path.is_file():  # marker icons: routemap draws no markers
            return "none"
        return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"url\(images/([\w.-]+)\)", data_uri, css)
    return js, css


def tile_layer(tiles: str, *, api_key: str | None = None) -> folium.TileLayer | None:
    """A tile layer for a provider name or URL template, without any lookup over the network.

    Raises
    ------
    ConfigError
        When the name is not a known provider and not an http(s) URL template.
    """
    name = tiles.strip()
    if name.lower() == "none":
        return None
    if "{z}" in name and "{x}" in name and "{y}" in name:
        if not name.lower().startswith(("https://", "http://", "//")):
            raise ConfigError(
                f"tiles {tiles!r} is not an http(s) URL template; write it as https://host/{{z}}/{{x}}/{{y}}.png"
            )
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


# ---------------------------------------------------------------------------------------------- page
class _Raw(Element):
    """Text put into the page as it is.

    folium wraps what a macro renders in a new template, so text with ``{{`` in it (a place name, an
    encoded outline) would be read as a Jinja expression; a variable's value is never read again.
    """

    _template = Template("{{ this.content }}")

    def __init__(self, content: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.content = content


class FlowLayer(MacroElement):
    """Legs and places from compact JSON, drawn by :file:`flowmap.js` with one canvas renderer."""

    _template = Template("")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "FlowLayer"
        self.css = _CSS
        self.js = _JS
        self.data_json = script_json(data)
        if "</script" in self.js.lower():
            raise ValueError("flowmap.js must not contain '</script'")

    def render(self, **kwargs: Any) -> str:
        """Put the style into the page's head and the script (with its data) after the map's own."""
        figure = self.get_root()
        parent = cast("Element", self._parent)
        figure.header.add_child(_Raw(self.css), name="routemap_css")  # type: ignore[attr-defined]
        script = f"{self.js}\nwindow.routemapFlows({parent.get_name()}, {self.data_json});\n"
        figure.script.add_child(_Raw(script), name=self.get_name())  # type: ignore[attr-defined]
        return ""


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


def _leaflet_assets(*, offline: bool) -> str:
    """Leaflet for the page's head: inlined, or from the CDN with integrity hashes."""
    if offline:
        js, css = _inline_leaflet()
        return f"<style>{css}</style>\n<script>{js}</script>"
    return (
        f'<script src="{LEAFLET_JS[1]}" integrity="{_sri("leaflet.js")}" crossorigin="anonymous"></script>\n'
        f'<link rel="stylesheet" href="{LEAFLET_CSS[1]}" integrity="{_sri("leaflet.css")}" crossorigin="anonymous"/>'
    )


def _fallback_html(text: MapText, image: str | None) -> str:
    lang = text.language
    picture = (
        f'<img src="{esc(image)}" alt="{esc(word("map_image_alt", lang))}" style="max-width:100%;height:auto">'
        if image
        else ""
    )
    return (
        f'<div id="routemap-fallback" role="alert" style="{_FALLBACK_CSS}">'
        f'<h1 style="font-size:1.3rem;margin:0 0 .2rem">{esc(text.title)}</h1>'
        f'<p style="margin:0 0 .4rem;color:#444">{esc(text.subtitle)}</p>'
        f'<p style="margin:0 0 .6rem">{esc(word("map_fallback", lang))}</p>{picture}</div>'
    )


def build_map(
    pub: Publication,
    *,
    text: MapText | None = None,
    by: str | None = None,
    focus: str | None = None,
    tiles: str = "CartoDB positron",
    tiles_api_key: str | None = None,
    offline: bool = False,
    years: bool = True,
    fallback_image: str | None = None,
) -> folium.Map:
    """The interactive map of a publication as a ``folium.Map`` (see :func:`render_map` for the options)."""
    text = text or MapText(title="Routes", subtitle="", note="")
    # quarter zoom steps let the view fit the routes closely, from a phone to a world map
    fmap = folium.Map(
        location=None, zoom_start=3, tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.25, zoom_delta=0.5
    )
    # only Leaflet, added below with its integrity hash (folium's defaults add jQuery, Bootstrap, fonts)
    fmap.default_js = []
    fmap.default_css = []
    layer = None if offline else tile_layer(tiles, api_key=tiles_api_key)
    if layer is not None:
        layer.add_to(fmap)
    data = map_data(pub, text=text, by=by, focus=focus, years=years, outlines=layer is None)
    FlowLayer(data).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(  # type: ignore[attr-defined]
        folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'), name="viewport"
    )
    root.header.add_child(_Raw(_leaflet_assets(offline=offline)), name="leaflet")  # type: ignore[attr-defined]
    root.html.add_child(_Raw(_fallback_html(text, fallback_image)), name="fallback")  # type: ignore[attr-defined]
    root.title = esc(text.title)  # type: ignore[attr-defined]
    fmap._routemap_data = data  # type: ignore[attr-defined]  # what render_map reports as drawn
    return fmap


def render_map(
    pub: Publication,
    path: Path,
    *,
    text: MapText,
    by: str | None = None,
    focus: str | None = None,
    tiles: str = "CartoDB positron",
    tiles_api_key: str | None = None,
    offline: bool = False,
    years: bool = True,
    fallback_image: str | None = None,
) -> dict[str, int]:
    """Write ``map.html`` from a publication.

    Parameters
    ----------
    pub
        Published figures (:func:`routemap.disclosure.publish`); nothing else reaches the page.
    path
        Output file.
    text
        Title, subtitle, notes, language and unit (escaped here).
    by
        Add one layer per value of this dimension (sector, year, exploitation or sex).
    focus
        ISO 3166-1 alpha-3 code of the focus country, whose states are labelled.
    tiles
        A tile provider name (xyzservices, e.g. ``"CartoDB positron"``), a URL template, or ``"none"``.
        A self-contained map uses no tiles.
    tiles_api_key
        Key for providers that need one (filled into the URL).
    offline
        Self-contained: Leaflet inlined from routemap's own copy and an offline basemap of outlines,
        so the page asks no other host for anything. Outlines are drawn too when ``tiles`` is ``"none"``.
    years
        Add a year control when the published routes span more than one year.
    fallback_image
        A picture beside the page (``map.png``) shown, with the title and the reason, when Leaflet
        cannot load.

    Returns
    -------
    dict
        Counts drawn in the first layer (all routes): ``legs``, ``places``; ``layers`` in the layer
        switcher (1 without ``by``) and ``years`` with a layer of their own in the year control.
    """
    fmap = build_map(
        pub,
        text=text,
        by=by,
        focus=focus,
        tiles=tiles,
        tiles_api_key=tiles_api_key,
        offline=offline,
        years=years,
        fallback_image=fallback_image,
    )
    data = fmap._routemap_data  # type: ignore[attr-defined]
    root = fmap.get_root()
    _stable_ids(root)
    html = root.render()
    html = html.replace("<html>", f'<html lang="{esc(text.language)}">', 1)
    path.write_text(html, encoding="utf-8")
    first = data["layers"][0]
    return {
        "legs": len(first["legs"]),
        "places": len(first["places"]),
        "layers": len(data["switchable"]),
        "years": sum(1 for item in data["years"] if item[1] > 0),
    }
