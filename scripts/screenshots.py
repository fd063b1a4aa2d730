"""Render every report page in headless Chromium, wide and phone-sized, for a human to look at.

Run with `make screenshots` after `make reports`: writes reports/screenshots/<page>-<width>.png
for reports/index.html and every reports/NN_*.html, at 1400 px and 390 px wide, plus
<page>-<width>-first-screen.png (what a reader sees before scrolling), and says for each page
and width whether the page scrolls sideways (measured by a probe page that frames it). A
screenshot cannot measure the page (the pages load no script), so the window is
SCREENSHOT_HEIGHT tall (a longer page is cut, and the output says so, with the page's height
measured by the probe) and the blank below a shorter page is trimmed.
Needs Debian's `chromium` on PATH (or CHROMIUM).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

from helpers.config import reports_dir

WIDTHS = (1400, 390)
HEIGHT = int(os.environ.get("SCREENSHOT_HEIGHT", "16000"))
# Height of the first screen: a laptop window, a phone.
FIRST_SCREEN = {1400: 900, 390: 844}
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


# A harness page (not a report): frames one report at a width and writes how far its content
# reaches beyond the frame sideways, and how tall it is, which --dump-dom then prints.
PROBE = """<!DOCTYPE html><html><body><iframe id="f" src="{src}"
style="width:{width}px;height:800px;border:0"></iframe><pre id="out">no result</pre><script>
document.getElementById("f").onload = function () {{
  var root = this.contentDocument.documentElement;
  document.getElementById("out").textContent =
    "overflow=" + (root.scrollWidth - root.clientWidth) + " height=" + root.scrollHeight;
}};
</script></body></html>"""
_MEASURED = re.compile(r"overflow=(-?\d+) height=(\d+)")


def measure(browser: str, page: Path, width: int) -> tuple[int, int] | None:
    """How many px the page is wider than a `width` px screen (0: no sideways scrolling), and
    how tall it is there; None when the probe could not tell."""
    with tempfile.TemporaryDirectory(prefix="probe-") as folder:
        probe = Path(folder) / "probe.html"
        probe.write_text(PROBE.format(src=page.resolve().as_uri(), width=width), encoding="utf-8")
        result = subprocess.run(
            [
                browser,
                *FLAGS,
                "--allow-file-access-from-files",
                f"--user-data-dir={folder}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                probe.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    found = _MEASURED.search(result.stdout)
    return (int(found.group(1)), int(found.group(2))) if found else None


def trim_and_first_screen(target: Path, width: int) -> None:
    """Cut the blank window below the page's end; save the top as the first screen."""
    with Image.open(target) as image:
        page = image.convert("RGB")
    background = Image.new("RGB", page.size, page.getpixel((page.width - 1, page.height - 1)))
    box = ImageChops.difference(page, background).getbbox()
    if box:
        page = page.crop((0, 0, page.width, min(page.height, box[3] + 24)))
    page.save(target)
    first = target.with_name(f"{target.stem}-first-screen.png")
    page.crop((0, 0, page.width, min(page.height, FIRST_SCREEN[width]))).save(first)


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
            trim_and_first_screen(target, width)
            measured = measure(browser, page, width)
            overflow, height = measured or (None, 0)
            said = {None: "not measured", 0: "no sideways scroll"}.get(
                overflow, f"SCROLLS SIDEWAYS by {overflow} px"
            )
            if height > HEIGHT:
                said += (
                    f"; CUT at {HEIGHT} of its {height} px: SCREENSHOT_HEIGHT={height} "
                    "make screenshots shows it all"
                )
            print(f"wrote {target.relative_to(reports.parent)} ({said})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
