"""Regenerate docs/ctdc-map.png: the real CTDC sample mapped by routemap, photographed in headless Chromium.

The sample is linked from the workplace's shared/realdata folder into a temporary project (never
copied into the repository), built with examples/profiles/ctdc.toml, and map.html is loaded with the
browser test harness (every CDN asset from tests/browser/node_modules, tiles answered blank: nothing
is fetched from the internet). Needs Chromium and ``npm ci --prefix tests/browser``.

    python scripts/screenshot.py [--shared ../shared] [-o docs/ctdc-map.png]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_harness import browser_page, install_routes, serve  # noqa: E402
from routemap.pipeline import build  # noqa: E402

SAMPLE = "ctdc_2018_sample_104rows.csv"
SETTINGS = 'title = "CTDC sample, 2017–2018: citizenship → country of exploitation"\nmin_count = 5\ntiles = "none"\n'
log = logging.getLogger("screenshot")


#: Where the place drawn biggest is on the screen (the map is the page's only .folium-map).
BIGGEST_PLACE = """() => { const el = document.querySelector('.folium-map'), m = window[el.id];
  const r = el.getBoundingClientRect(); let best = null;
  m.eachLayer(l => { const o = l.options;
    if (o && o.routemap === 'place' && (!best || o.radius > best.options.radius)) best = l; });
  const p = m.latLngToContainerPoint(best.getLatLng()); return [p.x + r.left, p.y + r.top]; }"""


def _hover_biggest_place(page) -> None:  # type: ignore[no-untyped-def]
    """Show the tooltip of the biggest place, as a reader would see it."""
    x, y = page.evaluate(BIGGEST_PLACE)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y, steps=4)
    page.wait_for_selector(".routemap-tip", timeout=5_000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder holding realdata/")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "ctdc-map.png")
    args = parser.parse_args()
    source = args.shared / "realdata" / SAMPLE
    if not source.is_file():
        parser.error(f"{source} not found; pass --shared with the folder that holds realdata/")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "ctdc"
        folder = project / "data" / "contributions" / "ctdc"
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "examples" / "profiles" / "ctdc.toml", folder / "partner.toml")
        (folder / SAMPLE).symlink_to(source.resolve())
        (project / "routemap.toml").write_text(SETTINGS, encoding="utf-8")
        result = build(project, formats="csv")
        with serve(result.out_dir) as base, browser_page(width=1000, height=600) as (page, report):
            install_routes(page, report, base)
            page.goto(f"{base}/map.html", wait_until="load")
            page.wait_for_function("window.routemap !== undefined", timeout=10_000)
            page.wait_for_timeout(500)  # let the fit-to-routes animation settle
            _hover_biggest_place(page)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output))
        problems = report.console_errors + report.page_errors + report.failed_requests
        if problems:
            log.error("the page reported problems: %s", problems)
            return 1
    log.info("wrote %s (%d KB)", args.output, args.output.stat().st_size // 1024)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
