"""Tables for people: one home for how notebook and scorecard tables show values.

Dates as dates (no 00:00:00), whole numbers without ".0", a dash for missing values, no raw
Python reprs, and data files as relative names with short hashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

import pandas as pd

MISSING = "–"
HASH_CHARS = 12
# Columns of the provenance table every notebook ends with, in reading order.
PROVENANCE_COLUMNS = ("series", "source", "file", "first", "last", "rows", "sha256")


def file_name(entry: Mapping[str, Any]) -> str:
    """A data file as a reader should see it: its path relative to its data root when the data
    layer gives one (`file`), else the file name of its origin (never a machine path)."""
    if entry.get("file"):
        return str(entry["file"])
    origin = str(entry.get("origin") or entry.get("series") or "?")
    return origin if "://" in origin or origin.startswith("yfinance:") else PurePath(origin).name


def short_hash(sha: Any) -> str:
    """The first 12 hex digits of a sha256: enough to tell files apart, short enough to read."""
    return str(sha)[:HASH_CHARS] if sha else MISSING


def provenance(entries: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The files behind a notebook's numbers (helpers.data.used_sources() entries), one row
    each: relative name, short hash, coverage and row count."""
    rows = [
        {
            "series": e.get("series"),
            "source": e.get("source"),
            "file": file_name(e),
            "first": e.get("first"),
            "last": e.get("last"),
            "rows": e.get("rows"),
            "sha256": short_hash(e.get("sha256")),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))
