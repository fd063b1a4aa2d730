"""Render every report page in headless Chromium, wide and phone-sized, for a human to look at.

Run with `make screenshots` after `make reports`: writes reports/screenshots/<page>-<width>.png
for reports/index.html and every reports/NN_*.html, at 1400 px and 390 px wide. The window is
tall (HEIGHT) so one image shows most of a page; Chromium cannot measure the page itself
without a script, and the pages load none. Needs Debian's `chromium` on PATH (or CHROMIUM).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from helpers.config import reports_dir

WIDTHS = (1400, 390)
HEIGHT = int(os.environ.get("SCREENSHOT_HEIGHT", "5000"))
# Offline, quiet, and no profile left behind: nothing here should touch the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        sys.exit("chromium not found: apt-get install -y chromium (or set CHROMIUM)")
    return found


def pages(reports: Path) -> list[Path]:
    """The scorecard first, then the notebook reports in order."""
    return [reports / "index.html", *sorted(reports.glob("[0-9][0-9]_*.html"))]


def screenshot(browser: str, page: Path, width: int, target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{HEIGHT}",
                f"--screenshot={target}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> int:
    reports = reports_dir()
    present = [p for p in pages(reports) if p.is_file()]
    if not present:
        sys.exit(f"no report pages in {reports}: run `make reports` first")
    out = reports / "screenshots"
    out.mkdir(exist_ok=True)
    browser = chromium()
    for page in present:
        for width in WIDTHS:
            target = out / f"{page.stem}-{width}.png"
            screenshot(browser, page, width, target)
            print(f"wrote {target.relative_to(reports.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
