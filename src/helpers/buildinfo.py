"""What produced a result: the data it was read from, the code's commit, the ledger and the
library versions. Every result and the scorecard footer carry it, so two builds that differ
can be told apart without guessing.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from functools import cache
from importlib import metadata

from helpers.config import repo_root
from helpers.notebooks import notebook_code

VERSIONED = ("pandas", "numpy", "statsmodels", "yfinance")
LIVE = ("yfinance", "fred", "french")
# The source of the reference tables committed with the code (data/reference/): read the
# same way in every data mode and identified by the commit, so never part of the data label.
COMMITTED = "repository"


@cache
def git_state() -> dict:
    """The checkout's commit and whether tracked files differ from it (None outside git).

    A notebook whose cells differ from the commit only in outputs, execution counts or
    metadata (a JupyterLab session saved it) does not make the checkout dirty: the code that
    ran is the committed code.
    """

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *READ_ONLY_GIT, *args],
                cwd=repo_root(),
                capture_output=True,
                text=True,
                errors="replace",  # a changed binary file (a vintage part) is no text
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = (git("rev-parse", "HEAD") or "").strip() or None
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain=v1", "-z", "--untracked-files=no")
    if status is None:  # git failed or timed out: unknown, never "clean"
        return {"commit": commit, "dirty": None}
    paths = changed_paths(status)
    dirty = [
        path
        for path in paths
        if not (path.endswith(".ipynb") and _same_code(git("show", f"HEAD:{path}"), path))
    ]
    return {"commit": commit, "dirty": bool(dirty)}


def changed_paths(porcelain_z: str) -> list[str]:
    """The tracked paths `git status --porcelain=v1 -z` lists (both of a rename or copy)."""
    tokens = porcelain_z.split("\0")
    paths: list[str] = []
    while tokens:
        entry = tokens.pop(0)
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if "R" in entry[:2] or "C" in entry[:2]:
            paths.append(tokens.pop(0))
    return paths


# How a build asks git about the checkout without writing to it: `status` with no optional
# locks never refreshes the index (`git diff HEAD` did, and one interrupted or timed out
# under load left .git/index.lock behind, so every later git command in the clone failed),
# and notebooks are compared as stored, not through the nbstripout filter (one Python start
# per touched notebook; _same_code compares their code itself).
READ_ONLY_GIT = ("--no-optional-locks", "-c", "filter.nbstripout.clean=cat")


def _same_code(committed: str | None, path: str) -> bool:
    """Whether the notebook at `path` runs the same cells as its committed text."""
    if committed is None or not path.endswith(".ipynb"):
        return False
    try:
        current = (repo_root() / path).read_text(encoding="utf-8")
    except OSError:  # deleted or unreadable: a real change
        return False
    code = notebook_code(committed)
    return code is not None and code == notebook_code(current)


@cache
def versions() -> dict:
    """Python and the numerical libraries whose behaviour can move a measured value."""
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def ledger_sha256(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def data_label(used: list[dict]) -> str:
    """Where the data behind a result came from: "vintage <id>", "snapshot", or
    "live (retrieved <latest>)", joined when a result mixes them ("none" when it read none).
    Committed reference tables (COMMITTED) are the code's, not the data's: left out."""
    used = [s for s in used if s["source"] != COMMITTED]
    labels = {s["source"] for s in used if s["source"] not in LIVE}
    live = [s.get("retrieved_at") or "" for s in used if s["source"] in LIVE]
    if live:
        labels.add(f"live (retrieved {max(live)})")
    return " + ".join(sorted(labels)) or "none"


def build_info(used: list[dict], ledger_bytes: bytes) -> dict:
    """The block every result records under "build"."""
    return {
        "data": data_label(used),
        **git_state(),
        "ledger_sha256": ledger_sha256(ledger_bytes),
        "versions": versions(),
    }


def summarize(blocks: list[dict]) -> dict:
    """The build blocks of many results as one footer: each distinct value, sorted, so a
    scorecard that mixes builds (a notebook that failed kept older results) shows it."""

    def distinct(field: str) -> list:
        return sorted({str(b.get(field)) for b in blocks if b.get(field) is not None})

    commits = sorted(
        {(b.get("commit") or "unknown", bool(b.get("dirty"))) for b in blocks if "commit" in b}
    )
    versions = sorted({tuple(sorted(b.get("versions", {}).items())) for b in blocks})
    return {
        "data": distinct("data"),
        "commits": [{"commit": c[:12], "dirty": d} for c, d in commits],
        "ledgers": [sha[:12] for sha in distinct("ledger_sha256")],
        "versions": [", ".join(f"{k} {v}" for k, v in group) for group in versions],
        "n_results": len(blocks),
    }
