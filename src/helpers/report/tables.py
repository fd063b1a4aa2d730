"""Tables for people: one home for how notebook and scorecard tables show values.

Dates as dates (no 00:00:00), whole numbers without ".0", a dash for missing values, no raw
Python reprs, columns by the names a reader says (READER_NAMES, never the analysis frames'
own), and data files as relative names with short hashes. `show_frames_for_people()` makes
every frame a notebook shows read this way, not only those it passes to `for_people`.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import PurePath
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from helpers import data

MISSING = "–"
HASH_CHARS = 12
# Cells this short (dates, numbers, names: most cells) never wrap, so a narrow column cannot
# split a date at its hyphens; longer text ("mid") wraps, and very long text ("long", a file
# path) breaks anywhere.
# A row label longer than SHORT wraps too (in a span of class "wrap"), or a few long labels
# (a file key, a source pair) would push the table off a phone.
SHORT = 24
LONG = 48
# Each cell's kind is a class (mid, long; text reads from the left; a short cell, the common
# case, has none), styled once per table here, for JupyterLab, and by the reports' stylesheet:
# per-cell inline rules and cell ids would weigh more than the table.
TABLE_STYLES = [
    {"selector": "td, tbody th", "props": "white-space: nowrap"},
    {"selector": "td.mid, td.long", "props": "white-space: normal"},
    {"selector": "td.long", "props": "min-width: 12em; overflow-wrap: anywhere"},
    {"selector": "td.text", "props": "text-align: left"},
    {
        "selector": "th .wrap",
        "props": "display: inline-block; white-space: normal; overflow-wrap: anywhere; "
        "min-width: 10em",
    },
]
# Columns of the provenance table every notebook ends with, in reading order.
PROVENANCE_COLUMNS = ("series", "source", "file", "first", "last", "rows", "sha256")
# Column and index names as a reader says them, for the names the analysis frames (and pandas)
# give the figures the notebooks show: one mapping for every page; a name not here reads with
# spaces for its underscores. In a frame comparing two series, A is the first (a notebook's
# `a`, e.g. ^RUT) and B the second; the table's caption or the text above it names them.
READER_NAMES = {
    # two series compared: A and B
    "a": "A",
    "b": "B",
    "ret_a": "A's return",
    "ret_b": "B's return",
    "a_did_better": "A did better",
    "return_a": "A's return",
    "return_b": "B's return",
    "annualized_a": "A per year",
    "annualized_b": "B per year",
    "return_small": "small caps' return",
    "return_large": "large caps' return",
    "spread_pp": "spread (pp)",
    "annualized_spread_pp": "spread per year (pp)",
    "sessions_end": "end of the sessions",
    "years_end": "end of the years",
    # dates, shares and counts
    "Date": "date",
    "share_pct": "share (%)",
    "change_bp": "change (bp)",
    "decisions_bp": "decisions (bp)",
    "fred_next_day_bp": "FRED next day (bp)",
    "down_closes": "down closes",
    "previous_window_end": "last earlier window as bad ended",
    "claimed_count_last_seen": "last window with the claimed count ended",
    # sources compared (notebook 00)
    "rel_diff": "relative difference",
    "max_abs_rel_diff": "largest relative difference",
    "alternate_close": "alternate's close",
    "alternate_move": "alternate's move",
    "same_basis": "same price basis",
    "common_days": "days in common",
    # statistics
    "std": "standard deviation",
    "25%": "lower quartile",
    "50%": "median",
    "75%": "upper quartile",
    "p_value": "p-value",
    "p_sample": "chance over the whole sample",
    "p_year": "chance in any one year",
    "slope_se": "slope's standard error",
    "slope_t": "slope's t statistic",
    "slope_p": "slope's p-value",
    "r_squared": "R²",
    "hac_lags": "autocorrelation lags (HAC)",
}
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


def _html_cell(value: Any, decimals: int) -> str:
    """`cell` escaped for HTML (a Styler writes formatted text as it is)."""
    return html.escape(cell(value, decimals), quote=False)


class PeopleStyler(Styler):
    """A Styler whose notebook output drops what only pandas' own styling would use: cell ids,
    the row and column classes on every cell and the indentation (a page weighs less than
    its tables otherwise would)."""

    def _repr_html_(self) -> str:
        return compact_html(super()._repr_html_() or "")


_CLASS = re.compile(r' class="([^"]*)"')
_ID = re.compile(r' id="([^"]*)"')
_POSITIONAL = re.compile(
    r"(?:data|blank|index_name|row_heading|col_heading|level\d+|row\d+|col\d+)"
)
_INDENT = re.compile(r">\s*\n\s*<")


def compact_html(table: str) -> str:
    """`table` without what only pandas' own styling would use: the positional classes (data,
    row_heading, row<i>, col<j>, level<k>...) and element ids that no style rule of the table
    names, blank header fillers and the whitespace between tags. The mid/long/text classes and
    every style rule stay, with what they select."""
    rules = " ".join(re.findall(r"<style.*?</style>", table, re.S))

    def kept_classes(match: re.Match) -> str:
        kept = [c for c in match[1].split() if not _POSITIONAL.fullmatch(c) or c in rules]
        return f' class="{" ".join(kept)}"' if kept else ""

    table = _CLASS.sub(kept_classes, table)
    table = _ID.sub(lambda m: "" if m[1].startswith("T_") and m[1] not in rules else m[0], table)
    table = table.replace(" >", ">").replace(">&nbsp;</th>", "></th>")
    return _INDENT.sub("><", table)


def stock_rules(style: str) -> bool:
    """Whether the text of a <style> element holds only the rules every `for_people` table
    carries (TABLE_STYLES under the table's id): a report page drops those, as its stylesheet
    has them for every table."""
    return _unscoped(style) == _unscoped(_stock_style())


@cache
def _stock_style() -> str:
    page = for_people(pd.DataFrame({"x": [0]}))._repr_html_()
    return page[page.index(">", page.index("<style")) + 1 : page.index("</style>")]


def _unscoped(style: str) -> str:
    return re.sub(r"#T_\w+|\s+", "", style)


def for_people(
    table: pd.DataFrame | pd.Series,
    decimals: int | None = 2,
    formats: Mapping[str, Any] | str | None = None,
    caption: str | None = None,
) -> Styler:
    """`table` styled for reading: every cell, index and column label through `cell`, columns
    and index names by their READER_NAMES, a float column with any fraction at `decimals` on
    every row (so figures line up; None: enough decimals for two significant digits of its
    smallest value), and `formats` (column -> format string or function, e.g.
    {"ret_a": "{:+.2%}"}, or one format string for every column) where a column needs its
    own. Use it instead of `.round()`, which warns on date columns and leaves 00:00:00."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    frame = frame.rename_axis(index=_label_names(frame.index), columns=_label_names(frame.columns))
    row_numbers = _is_row_number(frame.index)
    frame = _index_name_in_the_corner(frame)
    places = 2 if decimals is None else decimals
    styler = PeopleStyler(frame, cell_ids=False).format(
        lambda v: _html_cell(v, places), na_rep=MISSING
    )
    for column in (c for c in frame.columns if _is_fractional(frame[c])):
        digits = _enough_decimals(frame[column]) if decimals is None else decimals
        styler = styler.format(f"{{:.{digits}f}}", subset=[column], na_rep=MISSING)
    if isinstance(formats, str):
        styler = styler.format(formats, na_rep=MISSING)
    elif formats:
        styler = styler.format(dict(formats), subset=list(formats), na_rep=MISSING)
    styler = styler.format_index(lambda v: _row_label(v, places), axis=0)
    styler = styler.format_index(lambda v: html.escape(label(cell(v, places)), False), axis=1)
    if frame.index.is_unique and frame.columns.is_unique:
        styler = styler.set_td_classes(frame.map(lambda v: _cell_class(v, places)))
    styler = styler.set_table_styles(TABLE_STYLES, overwrite=False)
    if row_numbers:
        styler = styler.hide(axis="index")
    return styler.set_caption(caption) if caption else styler


def label(text: str) -> str:
    """A column or index name as a reader says it: its READER_NAMES entry, else its words
    ("reached_on" -> "reached on")."""
    return READER_NAMES.get(text, text.replace("_", " "))


def _row_label(value: Any, decimals: int) -> str:
    """A row label: a field name by its READER_NAMES entry (a transposed table's rows), any
    other value as `cell` shows it (a file key keeps its underscores); one longer than SHORT
    in a span that may wrap."""
    text = cell(value, decimals)
    text = html.escape(READER_NAMES.get(text, text), quote=False)
    return f'<span class="wrap">{text}</span>' if len(text) > SHORT else text


def _index_name_in_the_corner(frame: pd.DataFrame) -> pd.DataFrame:
    """The row labels' name in the header's empty corner, above them, where pandas would give
    it a header row of its own (a second, near-empty header row reads as a stray line)."""
    index, columns = frame.index, frame.columns
    if index.nlevels > 1 or columns.nlevels > 1 or index.name is None or columns.name is not None:
        return frame
    return frame.rename_axis(index=None, columns=index.name)


def _label_names(index: pd.Index) -> list:
    return [label(n) if isinstance(n, str) else n for n in index.names]


def _enough_decimals(values: pd.Series) -> int:
    """Decimals that show two significant digits of the column's smallest non-zero value
    (at least 2, at most 6): a relative difference of 0.0005 must not read as 0.00."""
    smallest = values.abs().replace(0, math.nan).min()
    if not smallest or math.isnan(smallest) or smallest >= 0.1:
        return 2
    return min(6, 1 - math.floor(math.log10(smallest)))


def _is_row_number(index: pd.Index) -> bool:
    """Row numbers, which say nothing: the default 0, 1, 2... index, or what is left of it
    after rows were picked or sorted (unnamed whole numbers out of step: 81, 35, 64). A named
    or consecutive range (lengths 7 to 16) is data and stays."""
    if index.name is not None or not pd.api.types.is_integer_dtype(index):
        return False
    if isinstance(index, pd.RangeIndex):
        return index.step != 1 or index.start == 0
    steps = pd.Series(index).diff().dropna()
    return len(index) > 1 and not (steps == 1).all()


def _cell_class(value: Any, decimals: int) -> str:
    """A cell's kind: mid (wraps) or long (breaks anywhere; a short cell never wraps and has no
    class), and text (reads from the left; JupyterLab right-aligns every cell)."""
    size = len(cell(value, decimals))
    kinds = ["" if size <= SHORT else "long" if size > LONG else "mid"]
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


def show_frames_for_people() -> None:
    """Every DataFrame and Series a notebook shows from now on reads as `for_people` shows it
    (with enough decimals for small values); a Styler a notebook made itself keeps its formats
    and gains the reader names of its columns. Frames longer than pandas' display.max_rows
    keep pandas' own truncated table. Outside IPython, nothing to do."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook packages
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, _frame_html)
    formatter.for_type(pd.Series, _frame_html)
    formatter.for_type(Styler, _styler_html)


def _frame_html(table: pd.DataFrame | pd.Series) -> str | None:
    if len(table) > (pd.get_option("display.max_rows") or len(table)):
        return (
            table.to_frame()._repr_html_() if isinstance(table, pd.Series) else table._repr_html_()
        )
    return for_people(table, decimals=None)._repr_html_()


def _styler_html(styler: Styler) -> str:
    if isinstance(styler, PeopleStyler):
        return styler._repr_html_()
    styler = styler.format_index(lambda v: html.escape(label(cell(v)), False), axis=1)
    return compact_html(styler.to_html())
