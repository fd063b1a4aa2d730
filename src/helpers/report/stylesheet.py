"""The one stylesheet every report page links (reports/smallcap.css): the scorecard and each
notebook report share it instead of carrying their own copy, so a page weighs what it shows.
It is a local file beside the pages: nothing is fetched, and file:// works."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from helpers import verdict_box
from helpers.claims import VERDICT_STYLES
from helpers.files import write_text_atomic

FILE = "smallcap.css"
# In cascade order: the page basics, the verdict box, then each kind of page.
PARTS = ("page.css", verdict_box.STYLESHEET, "scorecard.css", "notebook.css")


def text() -> str:
    """The stylesheet: every part, each under a comment naming its source file."""
    chunks = []
    for part in PARTS:
        if part == verdict_box.STYLESHEET:
            body = verdict_box.stylesheet()
        else:
            body = (files("helpers.report") / "templates" / part).read_text(encoding="utf-8")
        chunks.append(f"/* ---- {part} */\n{body.strip()}\n")
        if part == verdict_box.STYLESHEET:
            chunks.append(verdict_colours())
    return "\n".join(chunks)


def verdict_colours() -> str:
    """Each verdict's colours as the variables a box of its class reads (claims.VERDICT_STYLES
    is their one home; a notebook box carries them inline for JupyterLab)."""
    return "".join(
        f".v-{verdict.replace(' ', '-')} {{ --vb-bg: {s['bg']}; --vb-fg: {s['fg']}; "
        f"--vb-edge: {s['edge']}; }}\n"
        for verdict, s in VERDICT_STYLES.items()
    )


def write(folder: Path) -> Path:
    """Write reports/smallcap.css (only when its text changed, so its time says when)."""
    target = Path(folder) / FILE
    wanted = text()
    if not target.is_file() or target.read_text(encoding="utf-8") != wanted:
        write_text_atomic(target, wanted)
    return target
