"""Parsers for every file format the data comes in: Yahoo, FRED, French, FOMC, S&P 500 files."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.keys import (
    FRED_SAME_DAY_UNTIL,
    FRENCH_MISSING,
    HOLDINGS_ALIASES,
    OHLCV_COLUMNS,
    PRICE_FIELDS,
)
from helpers.errors import (
    EmptyDownloadError,
    ValidationError,
    first_line,
)


def folder_files(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".csv")


def _date_index(values: Iterable, fmt: str = "%Y-%m-%d") -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(pd.Index(values), format=fmt), name="Date")


MAX_LINES_SHOWN = 5
REPAIR_FIX = (
    "restore the file from the snapshot's SHA256SUMS / PROVENANCE copy (or download it again), "
    "then run: python -m helpers data refresh"
)


def _label(source: Path | io.StringIO) -> str:
    return str(source) if isinstance(source, Path) else "downloaded CSV"


def _shown(items: Iterable) -> str:
    items = list(items)
    more = f" (+{len(items) - MAX_LINES_SHOWN} more)" if len(items) > MAX_LINES_SHOWN else ""
    return ", ".join(str(i) for i in items[:MAX_LINES_SHOWN]) + more


def _damaged(label: str, problem: str) -> ValidationError:
    return ValidationError(f"{label}: {problem}", REPAIR_FIX)


def read_table_text(source: Path | io.StringIO, missing: Iterable[str] = ("",)) -> pd.DataFrame:
    """A CSV with every row checked to have the header's number of fields.

    Only `missing` cells are NaN (not pandas' default "n/a", "null", ...), so any other text
    in a numeric column stays text for `numeric_column` to name. Line numbers in errors count
    the header as line 1. pandas pads a short row with NaN, so a file cut off mid-line would
    otherwise read as a row of blanks; a file whose last line has every field but no final
    newline was cut inside its last field (a shorter number is still a number).
    """
    label = _label(source)
    try:
        text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source.read()
    except UnicodeDecodeError as exc:
        raise _damaged(label, f"is not text ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _damaged(label, "is empty (no header line)")
    width = lines[0].count(",")
    short = [n for n, line in enumerate(lines[1:], 2) if line and line.count(",") != width]
    if short:
        raise _damaged(
            label,
            f"line {_shown(short)} has not the header's {width + 1} fields "
            "(the file is truncated or damaged)",
        )
    if isinstance(source, Path) and not text.endswith("\n"):
        raise _damaged(
            label,
            f"ends without a final newline, inside line {len(lines)} (the file was cut short)",
        )
    try:
        return pd.read_csv(
            io.StringIO(text),
            dtype={lines[0].split(",")[0]: str},
            keep_default_na=False,
            na_values=list(missing),
        )
    except pd.errors.ParserError as exc:
        raise _damaged(label, f"cannot be parsed ({first_line(exc)})") from None


def parse_dates(cells: pd.Series, label: str, fmt: str = "%Y-%m-%d") -> pd.DatetimeIndex:
    """The date column; a cell that is not a date names its line."""
    dates = pd.to_datetime(cells, format=fmt, errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        where = [f"line {n} ({cells.iloc[n - 2]!r})" for n in np.flatnonzero(bad) + 2]
        raise _damaged(label, f"{cells.name} is not a date on {_shown(where)}")
    return pd.DatetimeIndex(dates, name="Date")


def numeric_column(cells: pd.Series, dates: pd.DatetimeIndex, label: str) -> np.ndarray:
    """A column as floats; text that is not a number names the file, column, dates and cell."""
    if pd.api.types.is_numeric_dtype(cells):
        return cells.to_numpy(dtype=float)
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    bad = cells.notna().to_numpy() & np.isnan(values)
    where = [f"{d:%Y-%m-%d} ({v!r})" for d, v in zip(dates[bad], cells[bad], strict=True)]
    raise _damaged(label, f"{cells.name} is not a number on {_shown(where)}")


def interior_gaps(missing: np.ndarray) -> np.ndarray:
    """Missing cells with a value before and after them in the same column.

    A column that is empty, starts late or stops early is legitimate (a short-window file's
    Adj Close); a hole inside it is damage that would silently change a return or a streak.
    """
    missing = np.asarray(missing, bool)
    filled = np.flatnonzero(~missing)
    inside = np.zeros(len(missing), bool)
    if len(filled):
        inside[filled[0] : filled[-1] + 1] = True
    return missing & inside


def parse_yahoo_csv(source: Path | io.StringIO) -> pd.DataFrame:
    """A ``Date,Open,...`` file as float columns in the fixed OHLCV order (missing -> NaN).

    A blank price inside a column that is otherwise filled is an error, not a NaN: dropping
    that day would shift every streak and return across it.
    """
    label = _label(source)
    raw = read_table_text(source)
    if "Date" not in raw.columns:
        raise _damaged(label, f"has no Date column (header: {', '.join(raw.columns)})")
    dates = parse_dates(raw["Date"], label)
    columns = {c: numeric_column(raw[c], dates, label) for c in raw.columns if c != "Date"}
    for name in PRICE_FIELDS:
        gaps = interior_gaps(np.isnan(columns[name])) if name in columns else np.array([], bool)
        if np.any(gaps):
            shown = _shown(f"{d:%Y-%m-%d}" for d in dates[gaps])
            raise _damaged(label, f"{name} is blank on {shown}, inside a column filled around it")
    return pd.DataFrame(columns, index=dates).reindex(columns=OHLCV_COLUMNS)


def parse_fred_csv(source: Path | io.StringIO, series_id: str) -> pd.DataFrame:
    """FRED's two-column CSV (first column the date, whatever its header); ``.`` = missing."""
    label = _label(source)
    raw = read_table_text(source, missing=(".", ""))
    if raw.shape[1] != 2:
        raise EmptyDownloadError(
            f"FRED series {series_id}: expected 2 columns, got {list(raw.columns)}",
            "check the series id on https://fred.stlouisfed.org and refresh again",
        )
    dates = parse_dates(raw.iloc[:, 0], label)
    return pd.DataFrame({series_id: numeric_column(raw.iloc[:, 1], dates, label)}, index=dates)


@dataclass
class _Section:
    title: str
    columns: list[str]
    rows: list[str]


def _french_sections(text: str) -> list[_Section]:
    """Split the library's layout: title lines, a header starting with ',', numeric rows.

    A blank line ends a section and starts a new title block; a header with no title lines
    above it (the factor files) gets an empty title.
    """
    sections: list[_Section] = []
    title: list[str] = []
    current: _Section | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            current, title = None, []
        elif stripped.startswith(","):
            current = _Section(" ".join(title), [c.strip() for c in stripped.split(",")[1:]], [])
            sections.append(current)
            title = []
        elif current is not None and stripped[0].isdigit():
            current.rows.append(stripped)
        else:
            title.append(stripped)
    return [s for s in sections if s.rows]


def _french_index(codes: np.ndarray) -> pd.Index:
    """YYYYMMDD -> dates, YYYYMM -> monthly periods, YYYY -> annual periods."""
    text = pd.Index(codes.astype(str))
    width = len(text[0])
    if width == 8:
        return _date_index(text, "%Y%m%d")
    if width == 6:
        return pd.PeriodIndex(pd.to_datetime(text, format="%Y%m"), freq="M", name="Date")
    return pd.PeriodIndex(pd.to_datetime(text, format="%Y"), freq="Y", name="Date")


FRENCH_FREQUENCY = {8: "Daily", 6: "Monthly", 4: "Annual"}


def parse_french_csv(text: str) -> dict[str, pd.DataFrame]:
    """Every section of a Ken French CSV, keyed by its title, as numeric frames.

    -99.99 and -999 (the library's missing markers) become NaN. An untitled section is named
    by its frequency (Daily, Monthly, Annual); a repeated title gets " (2)", " (3)", ...
    """
    parts: dict[str, pd.DataFrame] = {}
    for section in _french_sections(text):
        table = pd.read_csv(io.StringIO("\n".join(section.rows)), header=None, dtype=float)
        codes = table.pop(0).astype(np.int64).to_numpy()
        table.columns = section.columns[: table.shape[1]]
        table.index = _french_index(codes)
        title = section.title or FRENCH_FREQUENCY.get(len(str(codes[0])), "Table")
        name, n = title, 1
        while name in parts:
            n += 1
            name = f"{title} ({n})"
        parts[name] = table.mask(table.isin(FRENCH_MISSING))
    return parts


def parse_membership(path: Path) -> pd.DataFrame:
    """Membership intervals: ticker, member_from, member_to (NaT = still a member), note."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "ticker": raw["ticker"],
            "member_from": pd.to_datetime(raw["member_from"], format="%Y-%m-%d"),
            "member_to": pd.to_datetime(raw["member_to"].replace("", None), format="%Y-%m-%d"),
            "note": raw["note"],
        }
    )


def _number(text: str) -> float:
    return float(text.replace(",", "")) if text.strip() not in ("", "-") else float("nan")


def parse_ishares_holdings(text: str) -> pd.DataFrame:
    """The equity rows of an iShares holdings export, with its as-of date as a column.

    The export opens with a title block ("Fund Holdings as of", ...), then a header row
    starting with "Ticker", the holdings, a blank line and a disclaimer; cash and futures
    rows are dropped so weights are of stocks only. Tickers are the price files' spelling.
    """
    lines = text.lstrip("\ufeff").splitlines()
    as_of = next((r for r in csv.reader(lines) if r and r[0] == "Fund Holdings as of"), None)
    header = next((i for i, line in enumerate(lines) if line.startswith("Ticker,")), None)
    if as_of is None or header is None:
        raise ValidationError(
            "the holdings file has no 'Fund Holdings as of' line or no 'Ticker,' header row",
            "use an original iShares holdings export (title block, then the table)",
        )
    end = next((i for i in range(header + 1, len(lines)) if not lines[i].strip()), len(lines))
    rows = pd.read_csv(io.StringIO("\n".join(lines[header:end])), dtype=str)
    rows = rows.loc[rows["Asset Class"] == "Equity"]
    return pd.DataFrame(
        {
            "as_of": pd.Timestamp(as_of[1]),
            "name": rows["Name"].to_numpy(),
            "sector": rows["Sector"].to_numpy(),
            "market_value": rows["Market Value"].map(_number).to_numpy(),
            "weight_pct": rows["Weight (%)"].map(_number).to_numpy(),
        },
        index=pd.Index([HOLDINGS_ALIASES.get(t, t) for t in rows["Ticker"]], name="Ticker"),
    )


def membership_window(path: Path) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The window the interval file covers, from its name (``..._<from>_<to>_DERIVED.csv``)."""
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", path.name)
    return pd.Timestamp(dates[0]), pd.Timestamp(dates[-1])


def date_in_name(path: Path) -> pd.Timestamp:
    """The date a file's name carries (``datasets_constituents_2025-08-12.csv``)."""
    return membership_window(path)[0]


def shiller_months(dates: pd.Series) -> pd.PeriodIndex:
    """Shiller's month column (1871.01 .. 1871.1 .. 1871.12: year and month as a decimal, so
    October loses its trailing zero) as a monthly PeriodIndex."""
    years = np.floor(dates.to_numpy(dtype=float))
    months = np.rint((dates.to_numpy(dtype=float) - years) * 100).astype(int)
    if ((months < 1) | (months > 12)).any():
        bad = dates.to_numpy()[(months < 1) | (months > 12)][0]
        raise ValidationError(f"Shiller's file: {bad!r} is not a month like 1990.07", REPAIR_FIX)
    return pd.PeriodIndex.from_fields(year=years.astype(int), month=months, freq="M")


def _announcement_date(effective: pd.Timestamp) -> pd.Timestamp:
    return effective if effective <= FRED_SAME_DAY_UNTIL else effective - pd.Timedelta(days=1)


def parse_fomc(folder: Path) -> pd.DataFrame:
    """One row per FOMC decision day: listed meetings plus every target change FRED shows.

    Meeting days come from the three meeting lists (1978-2025); target changes (including
    intermeeting moves) come from the FRED-derived change file, moved from FRED's effective
    day to the announcement day. ``target_after`` is the target (upper bound of the range
    since 2008-12-16) after the decision; ``change_bp`` is 0 on listed days without a change.
    """
    changes = pd.read_csv(folder / "DERIVED_fed_target_changes_from_FRED.csv")
    effective = pd.to_datetime(changes["fred_effective_date"], format="%Y-%m-%d")
    target = changes["new_upper"].fillna(changes["new_target"]).to_numpy()
    moves = pd.DataFrame(
        {"change_bp": changes["change_bp"].to_numpy(), "target_after": target},
        index=pd.DatetimeIndex([_announcement_date(d) for d in effective], name="Date"),
    )
    listed = _listed_meetings(folder)
    decisions = moves.reindex(moves.index.union(listed))
    decisions["listed_meeting"] = decisions.index.isin(listed)
    decisions["change_bp"] = decisions["change_bp"].fillna(0.0)
    decisions["target_after"] = decisions["target_after"].ffill()
    return decisions


def _listed_meetings(folder: Path) -> pd.DatetimeIndex:
    old = pd.read_csv(folder / "FOMC_DATES_1978_2023_andrewhall1124.csv", dtype=str)
    scraped = pd.read_csv(folder / "FOMC_DATA_1994_2023_andrewhall1124.csv", dtype=str)
    recent = pd.read_csv(folder / "fomc_dates_2021_2025_HuseynliGulara.csv", dtype=str)
    dates = [
        pd.to_datetime(old["Date"], format="%Y%m%d"),
        pd.to_datetime(scraped["date"], format="%Y-%m-%d"),
        pd.to_datetime(recent["decision_date"], format="%Y-%m-%d"),
    ]
    return pd.DatetimeIndex(pd.concat(dates).unique(), name="Date").sort_values()


def frame_coverage(frame: pd.DataFrame) -> dict:
    """First and last date and row count of a parsed part, for manifests and tables.

    Dates come from the index (daily, or a French file's months and years) or, for the long
    member panel and plain tables, from a ``Date`` column; other tables have none.
    """
    index = frame.index
    first: str | None
    last: str | None
    if isinstance(index, pd.DatetimeIndex) and len(index):
        first, last = f"{index[0]:%Y-%m-%d}", f"{index[-1]:%Y-%m-%d}"
    elif isinstance(index, pd.PeriodIndex) and len(index):
        first, last = str(index[0]), str(index[-1])
    elif "Date" in frame.columns and len(frame):
        ends = pd.to_datetime(frame["Date"].iloc[[0, -1]])
        first, last = f"{ends.iloc[0]:%Y-%m-%d}", f"{ends.iloc[-1]:%Y-%m-%d}"
    else:
        first = last = None
    return {"first": first, "last": last, "rows": len(frame)}


def read_sp500_panel(folder: Path) -> pd.DataFrame:
    """The member price files as one long table: a full date x ticker grid, date-major.

    Columns Date, Ticker and the OHLCV fields; a ticker without a row on some date gets NaN
    there. Stored long because Parquet reads a 500-column frame several times slower;
    `panel_field` turns one field back into a wide frame by a reshape.
    """
    frames = {p.stem: parse_yahoo_csv(p) for p in folder_files(folder)}
    wide = pd.concat(frames, axis=1, names=["Ticker", "Field"], sort=True)
    long = wide.stack("Ticker", future_stack=True).reset_index()
    long["Ticker"] = long["Ticker"].astype("category")
    return long[["Date", "Ticker", *OHLCV_COLUMNS]]


def panel_field(long: pd.DataFrame, field: str) -> pd.DataFrame:
    """One field of the long panel as a dates x tickers frame (inverse of the storage layout)."""
    per_date = int((long["Date"] == long["Date"].iloc[0]).sum())
    tickers = long["Ticker"].iloc[:per_date].to_list()
    values = long[field].to_numpy().reshape(-1, len(tickers))
    index = pd.DatetimeIndex(long["Date"].iloc[:: len(tickers)], name="Date")
    return pd.DataFrame(values, index=index, columns=pd.Index(tickers, name="Ticker"))
