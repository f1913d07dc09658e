"""Load a page in headless Chromium with every CDN asset served from local npm copies (offline)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import mimetypes
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NODE_MODULES = Path(__file__).resolve().parent / "browser" / "node_modules"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: CDN URL prefix -> folder (or file) under node_modules holding the same files. map.html uses only
#: Leaflet; the others are what folium's defaults (and so geopandas ``explore()``) put in a page,
#: used by benchmarks/map_bench.py to load an ``explore()`` page fairly.
CDN_MAP: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/": "leaflet",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/": "bootstrap",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/": "@fortawesome/fontawesome-free",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/": "leaflet.awesome-markers/dist",
}
#: folium default stylesheets that are not npm packages; answered with an empty stylesheet only when
#: a caller asks (the benchmark), never in the map tests.
FOLIUM_EXTRA_CSS: tuple[str, ...] = (
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
)
#: A 1x1 transparent PNG served for every tile: the network is closed, and an aborted tile
#: request would be a console error that hides real ones.
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
TILE_HOSTS = ("basemaps.cartocdn.com", "tile.openstreetmap.org", "tile.opentopomap.org", "arcgisonline.com")


@dataclass
class PageReport:
    """What happened while a page loaded."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    served_assets: list[str] = field(default_factory=list)
    stubbed: list[str] = field(default_factory=list)
    aborted_tiles: int = 0  # tiles answered with a blank image


def missing() -> str:
    """Why the browser tests cannot run here (``""`` when they can): Chromium, playwright, the npm assets."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "Chromium is not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not (NODE_MODULES / "leaflet").is_dir():
        return f"the browser tests' JavaScript assets are missing ({NODE_MODULES}): npm ci --prefix tests/browser"
    return ""


def needs_browser_mark() -> Any:
    """Skip a test when the browser cannot run here, unless ``ROUTEMAP_REQUIRE_BROWSER`` is set (then it fails)."""
    import pytest

    why = missing()
    return pytest.mark.skipif(
        bool(why) and not os.environ.get("ROUTEMAP_REQUIRE_BROWSER"),
        reason=f"{why} (scripts/test installs everything, sets ROUTEMAP_REQUIRE_BROWSER and never skips)",
    )


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is not installed: apt-get install -y chromium (CI's .ci/run does this)")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a random port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _route_handler(report: PageReport, base_url: str, stubs: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def handle(route) -> None:  # type: ignore[no-untyped-def]
        url: str = route.request.url
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("about:"):
            route.continue_()
            return
        if url in stubs:
            report.stubbed.append(url)
            route.fulfill(status=200, body="", headers={"content-type": "text/css"})
            return
        for prefix, package in CDN_MAP.items():
            if url.startswith(prefix):
                local = NODE_MODULES / package / url[len(prefix) :].split("?")[0]
                if local.is_file():
                    report.served_assets.append(url)
                    ctype = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
                    route.fulfill(
                        status=200,
                        body=local.read_bytes(),
                        headers={"content-type": ctype, "access-control-allow-origin": "*"},
                    )
                    return
                report.failed_requests.append(f"{url} (no local copy at {local})")
                route.abort()
                return
        if any(host in url for host in TILE_HOSTS):
            report.aborted_tiles += 1
            route.fulfill(status=200, body=BLANK_TILE, headers={"content-type": "image/png"})
            return
        report.failed_requests.append(url)
        route.abort()

    return handle


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Yield a playwright Browser: headless Debian Chromium with the flags of a closed network."""
    why = missing()
    if why:  # fail at once with the reason, rather than time out on a page whose scripts never load
        raise RuntimeError(f"the browser tests cannot run here: {why}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int = 1200, height: int = 800, *, touch: bool = False) -> tuple[object, PageReport]:  # type: ignore[no-untyped-def]
    """A page in a fresh context (no cache shared with other pages) that records errors and dialogs.

    ``touch``: a phone's context (touch events, no hover), for taps.
    """
    report = PageReport()
    options = {"viewport": {"width": width, "height": height}}
    if touch:
        options.update(has_touch=True, is_mobile=True, device_scale_factor=2)
    page = browser.new_context(**options).new_page()
    page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report.page_errors.append(str(e)))

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        report.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page, report


@contextlib.contextmanager
def browser_page(width: int = 1200, height: int = 800, *, touch: bool = False) -> Iterator[tuple[object, PageReport]]:
    """Yield a playwright page (and its report) in headless Debian Chromium."""
    with chromium() as browser:
        yield new_page(browser, width, height, touch=touch)


def install_routes(page, report: PageReport, base_url: str, *, stubs: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    """Route CDN assets to local copies, answer tiles with a blank image, record any other outside request.

    ``stubs`` lists URLs answered with an empty stylesheet (assets that exist on no package registry).
    """
    page.route("**/*", _route_handler(report, base_url, stubs))


def refuse_outside(page, report: PageReport, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Refuse every request that is not to ``base_url`` (127.0.0.1): each one is recorded as failed.

    What a reader offline, or behind a content policy that forbids third parties, gets.
    """

    def handle(route) -> None:  # type: ignore[no-untyped-def]
        url: str = route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "about:")):
            route.continue_()
            return
        report.failed_requests.append(url)
        route.abort()

    page.route("**/*", handle)
