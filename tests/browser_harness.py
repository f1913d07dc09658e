"""Load a page in headless Chromium with every CDN asset served from local npm copies (offline)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import mimetypes
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
#: CDN URL prefix -> folder under node_modules holding the same files.
CDN_MAP: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/": "leaflet",
}
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
    aborted_tiles: int = 0  # tiles answered with a blank image


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


def _route_handler(report: PageReport, base_url: str):  # type: ignore[no-untyped-def]
    def handle(route) -> None:  # type: ignore[no-untyped-def]
        url: str = route.request.url
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("about:"):
            route.continue_()
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
def browser_page(width: int = 1200, height: int = 800) -> Iterator[tuple[object, PageReport]]:
    """Yield a playwright page (and its report) in headless Debian Chromium."""
    from playwright.sync_api import sync_playwright

    report = PageReport()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: report.page_errors.append(str(e)))

            def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
                report.dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            yield page, report
        finally:
            browser.close()


def install_routes(page, report: PageReport, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Route CDN assets to local copies, abort tiles, and record any other outside request."""
    page.route("**/*", _route_handler(report, base_url))
