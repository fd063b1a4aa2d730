"""Where a snapshot file came from upstream: the repository, commit and path its PROVENANCE
table names. The vintage manifest cites this beside each file's sha256, so a reader can walk
from a number to the public file it was derived from without the snapshot at hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COMMIT = re.compile(r"\b[0-9a-f]{40}\b")
WILDCARD = re.compile(r"<[A-Z]+>")
# Which PROVENANCE file documents a snapshot folder (the rest are in the macro file).
PROVENANCE_FILES = {"yahoo": "yahoo/PROVENANCE.md", "sp500": "sp500/PROVENANCE.md"}
MACRO_PROVENANCE = "PROVENANCE-macro.md"


@dataclass(frozen=True)
class Row:
    """One data row of a PROVENANCE table, by its header names (lower-cased)."""

    cells: dict[str, str]

    def get(self, *prefixes: str) -> str:
        """The first cell whose header starts with one of `prefixes` ('' when none)."""
        for prefix in prefixes:
            for header, value in self.cells.items():
                if header.startswith(prefix):
                    return value
        return ""


def table_rows(text: str) -> list[Row]:
    """Every row of every markdown table in `text`, keyed by that table's header. A cell
    reading "same" repeats the cell above it (the French rows say so for repo and commit)."""
    rows: list[Row] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            above: dict[str, str] = {}
        elif not all(set(c) <= set("-: ") for c in cells):
            row = {
                h: above.get(h, c) if c == "same" else c
                for h, c in zip(header, cells, strict=False)
            }
            rows.append(Row(row))
            above = row
    return rows


@cache
def _rows_of(path: Path) -> tuple[Row, ...]:
    return tuple(table_rows(path.read_text(encoding="utf-8"))) if path.is_file() else ()


def upstream(root: Path, relative: str) -> list[dict]:
    """The upstream origins of one snapshot file, from its PROVENANCE table.

    Each origin is {"repository", "commit", "path"} for a copied file, or {"derived": note}
    for a file the snapshot's author computed; a spliced file lists each of its sources. A
    row naming the file exactly wins over rows that match it by pattern (``<TICKER>.csv``,
    a name prefix). An undocumented file gives []: the manifest says so instead of guessing.
    """
    top = relative.split("/", 1)[0]
    rows = _rows_of(root / PROVENANCE_FILES.get(top, MACRO_PROVENANCE))
    matches = [m for row in rows for m in _origins(row, relative, top)]
    exact = [origin for origin, is_exact in matches if is_exact]
    found: list[dict] = []
    for origin in exact or [origin for origin, _ in matches]:
        if origin not in found:
            found.append(origin)
    return found


def _origins(row: Row, relative: str, top: str) -> list[tuple[dict, bool]]:
    """The origins `row` gives for `relative`, each with whether the row names it exactly."""
    repos = [r.strip() for r in row.get("repo").split(" + ")]
    paths = [p.strip() for p in row.get("path").split(" + ")]
    commits = COMMIT.findall(row.get("commit").split("(")[0])
    listed = _listed_names(row.get("# tickers"))
    hits = [
        (i, hit)
        for i, cell in enumerate(paths)
        if cell and (hit := _upstream_path(cell, relative, top, row.get("file"), listed))
    ]
    if not commits or repos[0].startswith("("):
        note = row.get("repo").strip("()") or "computed in the snapshot"
        return [({"derived": note}, exact) for _, (_, exact) in hits[:1]]
    return [
        (
            {
                "repository": repos[min(i, len(repos) - 1)],
                "commit": commits[min(i, len(commits) - 1)],
                "path": path,
            },
            exact,
        )
        for i, (path, exact) in hits
    ]


def _listed_names(cell: str) -> set[str]:
    """Tickers a row names after a count ("8: CZR, EMN, ..."); empty when it names none."""
    count, colon, names = cell.partition(":")
    if not colon or not count.strip().isdigit():
        return set()
    return {name.strip() for name in names.split(",") if name.strip()}


def _upstream_path(
    cell: str, relative: str, top: str, file_cell: str, listed: set[str]
) -> tuple[str, bool] | None:
    """(upstream path, exact?) that a table cell gives for `relative`, or None."""
    local = relative.split("/", 1)[-1] if top in PROVENANCE_FILES else relative
    if file_cell:  # yahoo: the "file" column names the local file exactly
        return (cell, True) if file_cell == local else None
    if "->" in cell:  # sp500: "<upstream path> -> <local path>", <TICKER> as a wildcard
        source, target = (part.strip() for part in cell.split("->", 1))
        return _wildcard_match(source, target.split(" (")[0], local, listed)
    folder, _, first = cell.split(",")[0].strip().rpartition("/")
    names = [first, *(name.strip() for name in cell.split(",")[1:])]
    for name in names:
        exact = name == Path(relative).name
        if exact or Path(relative).stem.startswith(Path(name).stem + "_"):
            return (f"{folder}/{name}" if folder else name), exact
    return None


def _wildcard_match(
    source: str, target: str, local: str, listed: set[str]
) -> tuple[str, bool] | None:
    """Match `local` against a target such as ``prices/<TICKER>.csv`` (only the `listed`
    names when the row lists them)."""
    pieces = WILDCARD.split(target)
    if len(pieces) == 1:
        return (source, True) if target == local else None
    prefix, suffix = pieces[0], pieces[-1]
    name = local[len(prefix) : len(local) - len(suffix)]
    inside = local.startswith(prefix) and local.endswith(suffix) and name and "/" not in name
    if inside and (not listed or name in listed):
        return WILDCARD.sub(name, source), False
    return None
