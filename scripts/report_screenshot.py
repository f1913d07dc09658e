"""Regenerate docs/report.png: the top of the sample project's report.html, photographed in headless Chromium.

The sample (synthetic) project is built into a temporary folder and report.html is loaded with the
browser test harness (the map's Leaflet from tests/browser/node_modules, tiles answered blank). Needs
Chromium and ``npm ci --prefix tests/browser``.

    python scripts/report_screenshot.py [-o docs/report.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_harness import browser_page, install_routes, serve  # noqa: E402
from routemap.pipeline import build  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "report.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "sample"
        shutil.copytree(ROOT / "data", project / "data")
        shutil.copy(ROOT / "routemap.toml", project / "routemap.toml")
        result = build(project, formats="csv,xlsx,html,png", offline=True)
        with serve(result.out_dir) as base, browser_page(1100, 1700) as (page, report):
            install_routes(page, report, base)
            page.goto(f"{base}/report.html", wait_until="load")
            page.frame_locator("iframe").locator(".folium-map").wait_for(timeout=10_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(args.output))
        problems = report.console_errors + report.page_errors + report.failed_requests
        if problems:
            print(f"problems while loading: {problems}", file=sys.stderr)
            return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
