"""Tables for people: one home for how notebook and scorecard tables show values.

Dates as dates (no 00:00:00), whole numbers without ".0", a dash for missing values, no raw
Python reprs, and data files as relative names with short hashes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from helpers import data

MISSING = "–"
HASH_CHARS = 12
# Cells this short (dates, numbers, names) never wrap, so a narrow column cannot split a date
# at its hyphens; longer text still wraps, and very long text (a file path) breaks anywhere.
SHORT = 24
LONG = 48
# Each cell's kind is a class (short, long; text reads from the left), styled once per table
# here, for JupyterLab, and by the reports' stylesheet: per-cell inline rules and cell ids
# would weigh more than the table.
TABLE_STYLES = [
    {"selector": "td.short", "props": "white-space: nowrap"},
    {"selector": "td.long", "props": "min-width: 12em; overflow-wrap: anywhere"},
    {"selector": "td.text", "props": "text-align: left"},
]
# Columns of the provenance table every notebook ends with, in reading order.
PROVENANCE_COLUMNS = ("series", "source", "file", "first", "last", "rows", "sha256")
LONG_LABEL = "white-space: normal; overflow-wrap: anywhere; min-width: 12em"
_NOWRAP = "white-space: nowrap"
# Who published a data file, by where it sits in the data (its relative name): readers know
# institutions; the repositories the snapshot copied them from are provenance, in the
# snapshot's PROVENANCE files.
INSTITUTIONS = (
    ("yahoo/", "Yahoo Finance"),
    ("fred/", "FRED (Federal Reserve Bank of St. Louis)"),
    ("french/", "Ken French data library"),
    ("shiller/", "Robert Shiller's data"),
    ("fomc", "Federal Reserve (FOMC decisions)"),
    ("sp500/weights/", "iShares (IVV fund holdings)"),
    ("sp500/constituents/", "S&P 500 membership (reconstructed from public lists)"),
    ("sp500/", "Yahoo Finance"),
)


def file_name(entry: Mapping[str, Any]) -> str:
    """A data file as a reader should see it: its path relative to its data root when the data
    layer gives one (`file`), else the file name of its origin (never a machine path)."""
    if entry.get("file"):
        return str(entry["file"])
    origin = str(entry.get("origin") or entry.get("series") or "?")
    return origin if "://" in origin or origin.startswith("yfinance:") else PurePath(origin).name


def institution(entry: Mapping[str, Any]) -> str:
    """The institution that published a data file, by its relative name ("other" if none
    matches, the file name then says where it came from)."""
    name = file_name(entry)
    return next((who for prefix, who in INSTITUTIONS if name.startswith(prefix)), "other")


def short_hash(sha: Any) -> str:
    """The first 12 hex digits of a sha256: enough to tell files apart, short enough to read."""
    return str(sha)[:HASH_CHARS] if sha else MISSING


def provenance(entries: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The files behind a notebook's numbers (helpers.data.used_sources() entries), one row
    each: who published it, relative name, short hash, coverage and row count."""
    rows = [
        {
            "series": e.get("series"),
            "source": institution(e),
            "file": file_name(e),
            "first": e.get("first"),
            "last": e.get("last"),
            "rows": e.get("rows"),
            "sha256": short_hash(e.get("sha256")),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))


def cell(value: Any, decimals: int = 2) -> str:
    """One value as text for people: ISO dates (a time only when there is one), whole numbers
    without decimals, other numbers at `decimals`, a dash for missing, lists and mappings
    spelled out instead of their Python repr."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return cell(value.item(), decimals)  # numpy scalars
    if isinstance(value, float):
        whole = value.is_integer() and abs(value) < 1e15
        return f"{value:.0f}" if whole else f"{value:.{decimals}f}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{cell(k, decimals)}: {cell(v, decimals)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(cell(v, decimals) for v in value)
    return str(value)


def _is_midnight(value: dt.datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


class PeopleStyler(Styler):
    """A Styler whose notebook output drops what only pandas' own styling would use: cell ids,
    the row and column classes on every cell and the indentation (a page weighs less than
    its tables otherwise would)."""

    def _repr_html_(self) -> str:
        return compact_html(super()._repr_html_() or "")


_POSITION_CLASSES = re.compile(
    r'(class=")(?:data |blank |index_name )?(?:level\d+ ?)?(?:row\d+ ?)?(?:col\d+ ?)?'
)
_INDENT = re.compile(r">\s*\n\s*<")


def compact_html(table: str) -> str:
    """`table` without pandas' positional classes (data, row<i>, col<j>, level<k>) and the
    whitespace between tags; the short/long/text classes and any style rules stay."""
    table = _POSITION_CLASSES.sub(r"\1", table)
    return _INDENT.sub("><", table.replace(' class=""', "").replace('" >', '">'))


def for_people(
    table: pd.DataFrame | pd.Series,
    decimals: int = 2,
    formats: Mapping[str, Any] | str | None = None,
    caption: str | None = None,
) -> Styler:
    """`table` styled for reading: every cell, index and column label through `cell`, a float
    column with any fraction at `decimals` on every row (so figures line up), and `formats`
    (column -> format string or function, e.g. {"ret_a": "{:+.2%}"}, or one format string for
    every column) where a column needs its own. Use it instead of `.round()`, which warns on
    date columns and leaves 00:00:00."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    frame = frame.rename_axis(index=_label_names(frame.index), columns=_label_names(frame.columns))
    styler = PeopleStyler(frame, cell_ids=False).format(lambda v: cell(v, decimals), na_rep=MISSING)
    fractional = [c for c in frame.columns if _is_fractional(frame[c])]
    if fractional:
        styler = styler.format(f"{{:.{decimals}f}}", subset=fractional, na_rep=MISSING)
    if isinstance(formats, str):
        styler = styler.format(formats, na_rep=MISSING)
    elif formats:
        styler = styler.format(dict(formats), subset=list(formats), na_rep=MISSING)
    styler = styler.format_index(lambda v: cell(v, decimals), axis=0)
    styler = styler.format_index(lambda v: label(cell(v, decimals)), axis=1)
    if frame.index.is_unique and frame.columns.is_unique:
        styler = styler.set_td_classes(frame.map(lambda v: _cell_class(v, decimals)))
    styler = styler.set_table_styles(TABLE_STYLES, overwrite=False)
    # Row labels do not wrap, except a long one (a file key), whose column would push the
    # table off the screen.
    styler = styler.map_index(lambda v: LONG_LABEL if len(cell(v, decimals)) > LONG else _NOWRAP)
    if _is_row_number(frame.index):
        styler = styler.hide(axis="index")
    return styler.set_caption(caption) if caption else styler


def label(text: str) -> str:
    """A column or index name as words: "reached_on" -> "reached on"."""
    return text.replace("_", " ")


def _label_names(index: pd.Index) -> list:
    return [label(n) if isinstance(n, str) else n for n in index.names]


def _is_row_number(index: pd.Index) -> bool:
    """The default 0, 1, 2... index, which says nothing; a named or shifted range (lengths
    7 to 16) is data and stays."""
    return (
        isinstance(index, pd.RangeIndex)
        and index.name is None
        and index.start == 0
        and index.step == 1
    )


def _cell_class(value: Any, decimals: int) -> str:
    """A cell's kind: short (never wraps) or long (breaks anywhere), and text (reads from the
    left; JupyterLab right-aligns every cell)."""
    size = len(cell(value, decimals))
    kinds = ["short" if size <= SHORT else "long" if size > LONG else ""]
    if isinstance(value, str):
        kinds.append("text")
    return " ".join(k for k in kinds if k)


def _is_fractional(values: Any) -> bool:
    """A float column (one column of that name) holding at least one non-whole number."""
    if not isinstance(values, pd.Series) or not pd.api.types.is_float_dtype(values):
        return False
    finite = values.dropna()
    return bool((finite % 1 != 0).any())


def files_used() -> Styler:
    """The table every notebook ends with: the files behind its numbers (everything the data
    layer loaded in this kernel), for people."""
    return for_people(provenance(data.used_sources()))
