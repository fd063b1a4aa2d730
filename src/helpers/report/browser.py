"""Headless Chromium, to look at the pages as a reader does (scripts/screenshots.py and
tests/test_browser.py): Debian's `chromium` driven through Playwright (the dev extra; never
`playwright install`), offline and quiet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Nothing here may touch the network or leave a profile behind.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
INSTALL = "apt-get install -y chromium (or set CHROMIUM to a Chromium binary)"


def chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else `chromium` on PATH; None when there is none."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium (a Playwright Browser), closed afterwards."""
    from playwright.sync_api import sync_playwright

    binary = chromium()
    if binary is None:
        raise FileNotFoundError(f"no Chromium: {INSTALL}")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=binary, args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()
