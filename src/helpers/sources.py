"""Readers for every place data comes from: the offline snapshot and the live services.

A series is named by a *key*:

- a Yahoo ticker, optionally with a snapshot variant suffix: ``^RUT``, ``^RUT.alt``,
  ``AAPL.ndxpanel`` (file ``yahoo/<key>.csv``);
- ``fred:<ID>`` (``fred/<ID>.csv``; live: the FRED graph CSV);
- ``french:<dataset>`` (``french/<dataset>.csv``; live: the Ken French library zip);
- ``fomc`` (every file in ``fomc/``, combined into one decision table);
- ``sp500:prices`` (the member files in ``sp500/prices/``, stored as one panel),
  ``sp500:members`` (the membership-interval file in ``sp500/constituents/``) and
  ``sp500:holdings`` (the IVV holdings export in ``sp500/weights/``);
- ``file:<relative path>`` for any other CSV table in the snapshot, read as it is.

Every reader returns *parts*: named DataFrames (most series have one part, ``data``; the sp500
panel has one wide frame per price field; a French file has one part per section). Nothing
here caches or validates; `helpers.data` does that.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import logging
import os
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import (
    ChecksumError,
    EmptyDownloadError,
    MissingSnapshotFileError,
    NoNetworkError,
    RateLimitError,
    UnknownTickerError,
    ValidationError,
    first_line,
)

OHLCV_COLUMNS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
PRICE_FIELDS = OHLCV_COLUMNS[:-1]
DEFAULT_PART = "data"
SP500_PRICES = "sp500:prices"
SP500_MEMBERS = "sp500:members"
SP500_HOLDINGS = "sp500:holdings"
IVV_HOLDINGS_FILE = "sp500/weights/ivv_holdings_2025-11-18.csv"
# Holdings tickers that differ from the price-file names: iShares drops the class separator,
# and Marsh McLennan trades as MRSH in the price files (it was MMC on 2025-11-18).
HOLDINGS_ALIASES = {"BRKB": "BRK-B", "BFB": "BF-B", "MMC": "MRSH"}
CHECKSUMS = "SHA256SUMS"
FOMC = "fomc"
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv?id={series}"
FRENCH_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/{dataset}_CSV.zip"
FRENCH_MISSING = (-99.99, -999.0)
SNAPSHOT_FIX = "set SNAPSHOT_DIR=../shared/market-data to work from the offline snapshot"
HTTP_TIMEOUT_S = 30

# FRED dates a target change on its effective day; from the range era on (after this date)
# that is the day after the FOMC announcement (../shared/market-data/PROVENANCE-macro.md).
FRED_SAME_DAY_UNTIL = pd.Timestamp("2008-12-16")


@dataclass(frozen=True)
class Fetched:
    """What a reader hands back: the frames, which service they came from, and their origin."""

    parts: dict[str, pd.DataFrame]
    source: str  # "snapshot" | "yfinance" | "fred" | "french"
    origin: dict


# ---------------------------------------------------------------------------- keys


def kind_of(key: str) -> str:
    """The reader family of a key: yahoo, fred, french, fomc, sp500 or file."""
    if key in (SP500_PRICES, SP500_MEMBERS, SP500_HOLDINGS):
        return "sp500"
    if key == FOMC:
        return "fomc"
    prefix, sep, _ = key.partition(":")
    if sep and prefix in ("fred", "french", "file"):
        return prefix
    return "yahoo"


def name_of(key: str) -> str:
    """The key without its family prefix (ticker, FRED id, dataset, relative path, ...)."""
    return key.split(":", 1)[-1]


def is_variant(ticker: str) -> bool:
    """True for snapshot-only alternates such as ``^RUT.alt2`` or ``AAPL.ndxpanel``."""
    return bool(re.search(r"\.(alt\d*|ndxpanel)$", ticker))


def base_ticker(ticker: str) -> str:
    return re.sub(r"\.(alt\d*|ndxpanel)$", "", ticker)


# ---------------------------------------------------------------------------- snapshot layout


def snapshot_path(root: Path, key: str) -> Path:
    """The file (or folder, for ``fomc`` and ``sp500:prices``) a key is read from."""
    kind, name = kind_of(key), name_of(key)
    if kind == "yahoo":
        return root / "yahoo" / f"{name}.csv"
    if kind == "fred":
        return root / "fred" / f"{name}.csv"
    if kind == "french":
        return root / "french" / f"{name}.csv"
    if kind == "file":
        return root / name
    if key == FOMC:
        return root / "fomc"
    if key == SP500_PRICES:
        return root / "sp500" / "prices"
    if key == SP500_HOLDINGS:
        return root / IVV_HOLDINGS_FILE
    return _membership_file(root)


def _membership_file(root: Path) -> Path:
    folder = root / "sp500" / "constituents"
    found = sorted(folder.glob("sp500_membership_intervals_*.csv"))
    if not found:
        raise MissingSnapshotFileError(
            f"no sp500_membership_intervals_*.csv in {folder}",
            "point SNAPSHOT_DIR at a complete copy of the market-data snapshot",
        )
    return found[-1]


def available(root: Path, kind: str) -> list[str]:
    """Names the snapshot offers for one family (tickers, FRED ids or French datasets)."""
    folder = {"yahoo": "yahoo", "fred": "fred", "french": "french"}[kind]
    return sorted(p.stem for p in (root / folder).glob("*.csv"))


def unknown_series_error(root: Path, key: str) -> UnknownTickerError:
    """An UnknownTickerError listing close matches among what the snapshot holds."""
    kind, name = kind_of(key), name_of(key)
    names = available(root, kind) if kind in ("yahoo", "fred", "french") else []
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    hint = f"close matches: {', '.join(close)}; " if close else ""
    return UnknownTickerError(
        f"{key!r} is not in the snapshot ({snapshot_path(root, key)} does not exist)",
        f"{hint}available {kind} series: {', '.join(names) or 'none'}",
    )


def snapshot_keys(root: Path) -> list[str]:
    """Every data file of the snapshot as a key: what `data refresh` fills the cache with.

    A SNAPSHOT_DIR that is not a folder is said as such, not as its first missing file.
    """
    if not root.is_dir():
        raise MissingSnapshotFileError(
            f"SNAPSHOT_DIR points at {root}, which is not a folder",
            "set SNAPSHOT_DIR to the market-data folder, e.g. ../shared/market-data",
        )
    keys = available(root, "yahoo")
    keys += [f"fred:{s}" for s in available(root, "fred")]
    keys += [f"french:{s}" for s in available(root, "french")]
    keys += [FOMC, SP500_PRICES, SP500_MEMBERS, SP500_HOLDINGS]
    special = {_membership_file(root), root / IVV_HOLDINGS_FILE}
    for folder in ("sp500", "shiller", "valuation"):
        for path in sorted((root / folder).rglob("*.csv")):
            if path.parent.name != "prices" and path not in special and _is_plain_table(path):
                keys.append(f"file:{path.relative_to(root).as_posix()}")
    return keys


def _is_plain_table(path: Path) -> bool:
    """A CSV whose first line is a header row; the iShares holdings file opens with a title."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        return "," in handle.readline()


# ---------------------------------------------------------------------------- origins


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".csv")


def stat_signature(path: Path) -> dict:
    """Size, mtime, ctime and inode of a file, or of a folder's CSV files taken together.

    This is what a warm load compares with the manifest: cheap (one stat per file, no
    hashing, os.scandir rather than pathlib because the sp500 folder has 500+ files). ctime
    and inode catch what size and mtime miss: a same-length rewrite whose mtime was put back
    (`cp -p`, `touch -r`) still moves the ctime, and a file replaced by another has a new inode.
    """
    if not path.is_dir():
        stat = path.stat()
        return {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "ctime_ns": stat.st_ctime_ns,
            "inode": stat.st_ino,
        }
    with os.scandir(path) as entries:
        stats = [e.stat() for e in entries if e.name.endswith(".csv") and e.is_file()]
    return files_signature(stats)


def files_signature(stats: list[os.stat_result]) -> dict:
    """Several files' stats as one signature (count, total size, newest times, inode sum)."""
    return {
        "size": sum(s.st_size for s in stats),
        "mtime_ns": max((s.st_mtime_ns for s in stats), default=0),
        "ctime_ns": max((s.st_ctime_ns for s in stats), default=0),
        "inodes": sum(s.st_ino for s in stats),
        "files": len(stats),
    }


def snapshot_origin(root: Path, path: Path) -> dict:
    """Path, sha256, size and mtime of a snapshot file, checked against `SHA256SUMS`.

    For a folder the sha256 is taken over the sorted lines ``<sha256>  <name>`` of its CSV
    files, so any changed, added or removed file changes it. The hashes are computed anyway,
    so the check against the snapshot's own list costs nothing more.
    """
    digests = {p.relative_to(root).as_posix(): sha256_file(p) for p in files_of(path)}
    check_against_sums(root, digests, read_checksums(root))
    if path.is_dir():
        sha = folder_sha256({Path(name).name: digest for name, digest in digests.items()})
    else:
        sha = next(iter(digests.values()))
    signature = stat_signature(path)
    mtime = datetime.fromtimestamp(signature["mtime_ns"] / 1e9, tz=timezone.utc)
    return {
        "path": str(path),
        "snapshot": str(root),
        "file": path.relative_to(root).as_posix(),
        "sha256": sha,
        "mtime": mtime.isoformat(timespec="seconds"),
        **signature,
    }


def read_checksums(root: Path) -> dict[str, str]:
    """`SHA256SUMS` of a snapshot: relative path -> sha256 (a missing list is an error)."""
    listing = root / CHECKSUMS
    if not listing.is_file():
        raise ChecksumError(
            f"{listing} is missing, so the snapshot's files cannot be checked",
            "point SNAPSHOT_DIR (or --from) at a complete copy of the market-data snapshot",
        )
    signature = stat_signature(listing)
    return dict(_parsed_checksums(str(listing), signature["size"], signature["mtime_ns"]))


@cache
def _parsed_checksums(listing: str, size: int, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    """Parsed once per process while the list keeps its size and mtime."""
    pairs = []
    for line in Path(listing).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            pairs.append((name.removeprefix("./"), digest))
    return tuple(pairs)


def files_of(path: Path) -> list[Path]:
    """The data files behind a key's path: the file itself, or a folder's CSV files."""
    return folder_files(path) if path.is_dir() else [path]


def check_against_sums(root: Path, files: dict[str, str], sums: dict[str, str]) -> None:
    """Raise when a file's sha256 is not the one `SHA256SUMS` lists (or it is not listed)."""
    bad = [
        f"{name} (sha256 {digest[:12]}, listed {sums.get(name, 'nothing')[:12]})"
        for name, digest in files.items()
        if sums.get(name) != digest
    ]
    if bad:
        raise ChecksumError(
            f"{len(bad)} file(s) in {root} do not match its SHA256SUMS: {'; '.join(bad[:5])}",
            "restore them from an intact copy of the snapshot; never edit the snapshot in place",
        )


def folder_sha256(digests: dict[str, str]) -> str:
    """The sha256 cited for a folder key: over the sorted ``<sha256>  <name>`` lines."""
    lines = "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))
    return hashlib.sha256(lines.encode()).hexdigest()


# ---------------------------------------------------------------------------- parsers


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
    otherwise read as a row of blanks.
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
        gaps = interior_gaps(np.isnan(columns[name])) if name in columns else []
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


def read_table(path: Path) -> pd.DataFrame:
    """Any other snapshot CSV as it is; text columns kept as strings."""
    table = pd.read_csv(path, encoding="utf-8-sig")
    text = table.select_dtypes(include=["object", "string"]).columns
    table[text] = table[text].astype("string")
    return table


def read_snapshot(root: Path, key: str) -> Fetched:
    """Read one key from the snapshot; a missing file raises with its path named."""
    if not root.is_dir():
        raise MissingSnapshotFileError(
            f"SNAPSHOT_DIR points at {root}, which is not a folder",
            "set SNAPSHOT_DIR to the market-data folder, e.g. ../shared/market-data",
        )
    path = snapshot_path(root, key)
    if not path.exists():
        raise MissingSnapshotFileError(
            f"snapshot file for {key!r} is missing: {path}",
            "restore the file in the snapshot, or point SNAPSHOT_DIR at a complete copy",
        )
    kind = kind_of(key)
    if kind == "yahoo":
        parts = {DEFAULT_PART: parse_yahoo_csv(path)}
    elif kind == "fred":
        parts = {DEFAULT_PART: parse_fred_csv(path, name_of(key))}
    elif kind == "french":
        parts = parse_french_csv(path.read_text(encoding="latin-1"))
    elif kind == "file":
        parts = {DEFAULT_PART: read_table(path)}
    elif key == FOMC:
        parts = {DEFAULT_PART: parse_fomc(path)}
    elif key == SP500_PRICES:
        parts = {DEFAULT_PART: read_sp500_panel(path)}
    elif key == SP500_HOLDINGS:
        parts = {DEFAULT_PART: parse_ishares_holdings(path.read_text(encoding="utf-8-sig"))}
    else:
        parts = {DEFAULT_PART: parse_membership(path)}
    return Fetched(parts, "snapshot", snapshot_origin(root, path))


# ---------------------------------------------------------------------------- live


def fetch_live(key: str) -> Fetched:
    """Download one key from its service. Only Yahoo tickers, FRED and French have one."""
    kind = kind_of(key)
    if kind == "yahoo" and not is_variant(key):
        return _fetch_yahoo(key)
    if kind == "fred":
        return _fetch_fred(name_of(key))
    if kind == "french":
        return _fetch_french(name_of(key))
    raise UnknownTickerError(
        f"{key!r} exists only in the offline snapshot; there is no live source for it",
        f"{SNAPSHOT_FIX}, or use the plain ticker ({base_ticker(key)!r}) for live data",
    )


def _bytes_origin(url: str, payload: bytes) -> dict:
    return {"url": url, "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}


def _one_line(text: str, width: int = 200) -> str:
    """What yfinance said, on one shortened line: it repeats the same failure several ways."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


class _Collect(logging.Handler):
    """Keeps yfinance's log messages: yf.download reports failures there, not by raising."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _yahoo_failure(ticker: str, detail: str) -> Exception:
    """Map what yfinance said to the package error a person can act on."""
    text, detail = detail.lower(), _one_line(detail)
    if "ratelimit" in text or "rate limit" in text or "too many requests" in text:
        return RateLimitError(
            f"Yahoo rate-limited the download of {ticker}: {detail}",
            f"wait a few minutes and retry, or {SNAPSHOT_FIX}",
        )
    network = ("connect", "resolve host", "timed out", "timeout", "network", "curl: (")
    if any(word in text for word in network):
        return NoNetworkError(
            f"could not reach Yahoo Finance for {ticker}: {detail}",
            f"check the network, or {SNAPSHOT_FIX}",
        )
    return EmptyDownloadError(
        f"Yahoo returned no rows for {ticker}" + (f": {detail}" if detail else ""),
        "check the ticker spelling on finance.yahoo.com; if it is right, retry later",
    )


def _fetch_yahoo(ticker: str) -> Fetched:
    import yfinance as yf
    from yfinance.exceptions import YFRateLimitError

    handler = _Collect()
    log = logging.getLogger("yfinance")
    log.addHandler(handler)
    propagate, log.propagate = log.propagate, False  # its per-ticker lines become our message
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # yfinance's own pandas deprecation warnings
            raw = yf.download(
                ticker, period="max", auto_adjust=False, progress=False, threads=False
            )
    except YFRateLimitError as exc:
        raise _yahoo_failure(ticker, f"rate limit: {exc}") from exc
    except (ConnectionError, OSError) as exc:
        raise _yahoo_failure(ticker, f"connection failed: {exc}") from exc
    finally:
        log.removeHandler(handler)
        log.propagate = propagate
    if raw is None or raw.dropna(how="all").empty:
        raise _yahoo_failure(ticker, "; ".join(handler.messages))
    frame = flatten_yahoo(raw)
    payload = frame.to_csv().encode()
    return Fetched({DEFAULT_PART: frame}, "yfinance", _bytes_origin(f"yfinance:{ticker}", payload))


def flatten_yahoo(raw: pd.DataFrame) -> pd.DataFrame:
    """yf.download's (Price, Ticker) MultiIndex columns -> one flat OHLCV frame, naive dates."""
    frame = raw.copy()
    if isinstance(raw.columns, pd.MultiIndex):
        price_level = next(i for i, values in enumerate(raw.columns.levels) if "Close" in values)
        frame.columns = raw.columns.get_level_values(price_level)
    frame = frame.reindex(columns=OHLCV_COLUMNS).astype(float).dropna(how="all")
    index = pd.DatetimeIndex(frame.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    frame.index = index.normalize().rename("Date")
    frame.columns.name = None
    return frame


def _http_get(url: str, what: str) -> bytes:
    import requests

    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_S)
    except requests.RequestException as exc:
        raise NoNetworkError(
            f"could not download {what} from {url}: {exc}", f"check the network, or {SNAPSHOT_FIX}"
        ) from exc
    if response.status_code == 429:
        raise RateLimitError(
            f"{url} answered 429 Too Many Requests", f"wait a few minutes, or {SNAPSHOT_FIX}"
        )
    if response.status_code != 200 or not response.content:
        raise EmptyDownloadError(
            f"{url} answered HTTP {response.status_code} with {len(response.content)} bytes",
            f"check that {what} exists at the source; retry later",
        )
    return response.content


def _fetch_fred(series_id: str) -> Fetched:
    url = FRED_URL.format(series=series_id)
    payload = _http_get(url, f"FRED series {series_id}")
    frame = parse_fred_csv(io.StringIO(payload.decode()), series_id)
    if frame[series_id].dropna().empty:
        raise EmptyDownloadError(
            f"FRED series {series_id} came back without values", "check the series id on FRED"
        )
    return Fetched({DEFAULT_PART: frame}, "fred", _bytes_origin(url, payload))


def _fetch_french(dataset: str) -> Fetched:
    url = FRENCH_URL.format(dataset=dataset)
    payload = _http_get(url, f"Ken French dataset {dataset}")
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        text = archive.read(archive.namelist()[0]).decode("latin-1")
    parts = parse_french_csv(text)
    if not parts:
        raise EmptyDownloadError(
            f"{url} held no tables in the library's layout", "check the dataset name"
        )
    return Fetched(parts, "french", _bytes_origin(url, payload))


def retrieved_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
