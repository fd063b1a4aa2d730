"""Render every report page in headless Chromium, wide and phone-sized, for a human to look at.

Run with `make screenshots` after `make reports`: writes reports/screenshots/<page>-<width>.png
for reports/index.html and every reports/NN_*.html, at 1400 px and 390 px wide, plus
<page>-<width>-first-screen.png (what a reader sees before scrolling), and prints for each
page and width its height, its size and whether it scrolls sideways. Pages taller than
SCREENSHOT_HEIGHT (default 16000 px) are cut there in the picture, never in the figures.
Drives Debian's `chromium` (on PATH, or CHROMIUM) through Playwright, from the dev extra.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from helpers.config import reports_dir
from helpers.report import browser

WIDTHS = (1400, 390)
HEIGHT = int(os.environ.get("SCREENSHOT_HEIGHT", "16000"))
# Height of the first screen: a laptop window, a phone.
FIRST_SCREEN = {1400: 900, 390: 844}
# Figures are data: URIs inside the page; what a page weighs beyond them is its own text.
_DATA_URI = re.compile(rb"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def pages(reports: Path) -> list[Path]:
    """The scorecard first, then the notebook reports in order."""
    return [reports / "index.html", *sorted(reports.glob("[0-9][0-9]_*.html"))]


def weight(page: Path) -> str:
    """The page's size, and its size beyond its embedded figures."""
    raw = page.read_bytes()
    return f"{len(raw) / 1024:.0f} KB, {len(_DATA_URI.sub(b'', raw)) / 1024:.0f} KB beyond figures"


def shoot(chromium, page: Path, width: int, out: Path) -> str:
    """Both screenshots of `page` at `width`; a line saying its height and sideways scroll."""
    view = chromium.new_page(viewport={"width": width, "height": FIRST_SCREEN[width]})
    try:
        view.goto(page.resolve().as_uri())
        height = view.evaluate("document.documentElement.scrollHeight")
        sideways = view.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        target = out / f"{page.stem}-{width}.png"
        view.screenshot(path=target.with_name(f"{target.stem}-first-screen.png"))
        view.screenshot(
            path=target,
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": min(height, HEIGHT)},
        )
    finally:
        view.close()
    scroll = "no sideways scroll" if sideways <= 0 else f"SCROLLS SIDEWAYS by {sideways} px"
    cut = (
        f", picture CUT at {HEIGHT} px (SCREENSHOT_HEIGHT={height} make screenshots shows it all)"
        if height > HEIGHT
        else ""
    )
    return f"{target.name}: {height} px tall{cut}, {scroll}"


def main() -> int:
    if browser.chromium() is None:
        sys.exit(f"chromium not found: {browser.INSTALL}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        sys.exit("Playwright not installed: pip install -e '.[dev]' (make setup does)")
    reports = reports_dir()
    present = [p for p in pages(reports) if p.is_file()]
    if not present:
        sys.exit(f"no report pages in {reports}: run `make reports` first")
    out = reports / "screenshots"
    out.mkdir(exist_ok=True)
    with browser.launched() as chromium:
        for page in present:
            print(f"{page.name} ({weight(page)})")
            for width in WIDTHS:
                print("  " + shoot(chromium, page, width, out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
