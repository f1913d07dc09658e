"""Write the HTML snippet that embeds a published map.html in another web page (a responsive iframe)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from routemap._errors import ConfigError
from routemap._safe import esc

_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
#: What the framed map may do: run its own scripts and open links in a new tab, nothing on the host page.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"
_SCHEMES = ("https://", "http://")
#: ASCII control characters (and DEL), removed from an address before its scheme is checked.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def map_title(map_html: Path) -> str:
    """The (unescaped) title of a map page, for the iframe's ``title`` attribute.

    Raises
    ------
    ConfigError
        When the file does not exist or is not readable text.
    """
    try:
        text = map_html.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{str(map_html)!r} does not exist; build the map first with `routemap build`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{str(map_html)!r} cannot be read as a web page ({exc})") from None
    found = _TITLE.search(text)
    title = html.unescape(found.group(1)).strip() if found else ""
    return " ".join(title.split()) or "Map"


def check_url(url: str) -> str:
    """Accept an http(s) address, or a path on the embedding site, for the iframe's ``src``.

    Raises
    ------
    ConfigError
        For any other scheme (``javascript:``, ``data:``, ``file:``) or an empty address.
    """
    # browsers drop tabs and line breaks anywhere in an address, so "java\tscript:" is "javascript:"
    value = _CONTROL.sub("", url).strip()
    if not value:
        raise ConfigError(
            "--url is empty; give the address where map.html is published, e.g. https://example.org/map.html"
        )
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", value)
    if scheme and not value.lower().startswith(_SCHEMES):
        raise ConfigError(
            f"--url {url!r} is not an http(s) address; give the address where map.html is published, "
            "e.g. https://example.org/map.html, or a path such as /maps/map.html"
        )
    return value


def iframe_snippet(map_html: Path, *, url: str, title: str | None = None, height: str = "70vh") -> str:
    """A responsive iframe that shows the map at ``url``, titled for screen readers.

    The frame is as wide as its container and ``height`` tall (between 360 and 720 pixels), lazy
    loaded and sandboxed: the map runs its own scripts but cannot touch the embedding page.

    Parameters
    ----------
    map_html
        The published map, read for its title.
    url
        Where the map is (or will be) published.
    title
        The frame's title; default the map's own title.
    height
        A CSS length such as ``70vh`` or ``600px``.

    Raises
    ------
    ConfigError
        For a missing map, an address that is not http(s), or a height that is not a CSS length.
    """
    src = check_url(url)
    if not re.fullmatch(r"\d{1,4}(\.\d+)?(px|vh|em|rem)", height.strip()):
        raise ConfigError(f"--height {height!r} is not a CSS length; write it as 600px or 70vh")
    name = title if title is not None and title.strip() else map_title(map_html)
    style = f"display:block;width:100%;height:{height.strip()};min-height:360px;max-height:720px;border:0"
    return (
        f'<iframe src="{esc(src)}" title="{esc(name)}" style="{style}" loading="lazy" '
        f'sandbox="{SANDBOX}" referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    )
