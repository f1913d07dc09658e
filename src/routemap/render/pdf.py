"""Print report.html to report.pdf with headless Chromium, when one is installed."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from routemap._errors import ConfigError

log = logging.getLogger(__name__)

#: Browsers that print a page to PDF the same way (the first one found is used).
BROWSERS: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT = 180
NO_BROWSER = (
    "report.pdf needs Chromium, which is not installed: install it (Debian or Ubuntu: apt-get install chromium; "
    "elsewhere Google Chrome or Chromium from your package manager) or leave pdf out of --formats"
)


def find_browser() -> str | None:
    """The path of an installed Chromium or Chrome, or ``None``."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: Path, pdf: Path) -> None:
    """Print a local HTML page to a PDF file (A4 and margins come from the page's print stylesheet).

    Raises
    ------
    ConfigError
        When no browser is installed (the message says how to get one) or printing fails.
    """
    browser = find_browser()
    if browser is None:
        raise ConfigError(NO_BROWSER)
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",
        f"--print-to-pdf={pdf}",
        page.resolve().as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ConfigError(f"printing report.pdf with {browser} took over {PRINT_TIMEOUT} s; try again") from None
    if not pdf.is_file() or pdf.stat().st_size == 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ConfigError(f"{browser} did not print report.pdf (exit {done.returncode}): {' / '.join(tail)}")
    log.info("printed %s with %s", pdf.name, browser)
