"""The data layer the notebooks call: validated frames from the vintage, snapshot or live
sources, via the cache.

Where data comes from is one switch (`helpers.config.data_mode`): the pinned vintage in
``data/vintage/`` by default, the full snapshot with ``SNAPSHOT_DIR`` set, or the live
services (Yahoo Finance, FRED, the Ken French library) with ``SMALLCAP_DATA=live``, where
series without a live source still come from the snapshot or the vintage. Either way a
series is parsed once into the Parquet cache (`helpers.cache`) and later loads read the
cache. A vintage or snapshot entry is reused while its files keep their size and mtime; a
live entry is reused until ``data refresh``.

Every load is validated (`helpers.quality.validate`) and recorded for `used_sources()`, which
the claims ledger uses to cite the exact files behind each verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import cache, quality, vintage
from helpers.config import data_mode, snapshot_dir, vintage_dir
from helpers.errors import (
    CorruptCacheError,
    DataError,
    DateRangeError,
    MissingSnapshotFileError,
    ValidationError,
)
from helpers.sources import (
    DEFAULT_PART,
    FOMC,
    OHLCV_COLUMNS,
    PRICE_FIELDS,
    SP500_HOLDINGS,
    SP500_MEMBERS,
    SP500_PRICES,
    Fetched,
    fetch_live,
    frame_coverage,
    is_variant,
    kind_of,
    membership_window,
    panel_field,
    read_snapshot,
    retrieved_now,
    snapshot_keys,
    snapshot_path,
    stat_signature,
    unknown_series_error,
)

# The series the notebooks read: what the pinned vintage holds, what `load_core()` loads, and
# what `data refresh` in live mode fetches where a live source exists.
CORE_SERIES: list[str] = [
    "^RUT",
    "^RUT.alt",
    "^RUT.alt2",
    "^RUT.alt3",
    "^GSPC",
    "^GSPC.alt",
    "^GSPC.alt2",
    "^GSPC.alt3",
    "IWM",
    "IWM.alt",
    "IWM.alt2",
    "IWM.alt3",
    "SPY",
    "SPY.alt",
    "SPY.alt2",
    "SPY.alt3",
    "^NDX",
    "^NDX.alt",
    "^IXIC",
    "^VIX",
    "^VIX.alt",
    "^VIX.alt2",
    "RSP",
    "IJR",
    "VB",
    "VBR",
    "AAPL",
    "NVDA",
    "HBAN",
    "RF",
    "KTOS",
    "fred:DFF",
    "fred:DFEDTARU",
    "fred:DFEDTARL",
    "fred:DGS2",
    "fred:DGS10",
    "french:25_Portfolios_5x5",
    "french:Portfolios_Formed_on_ME",
    "french:F-F_Research_Data_Factors_daily",
    FOMC,
    "file:fomc/fomc_statements_clean_2021_2025_HuseynliGulara.csv",
    SP500_PRICES,
    SP500_MEMBERS,
    SP500_HOLDINGS,
    "file:sp500/benchmarks/IWM.csv",
    "file:sp500/benchmarks/SPY.csv",
    "file:sp500/benchmarks/RSP.csv",
]
LIVE_SOURCES = ("yfinance", "fred", "french")
# A window edge may fall on a weekend or holiday next to the data's first or last row.
EDGE_SLACK = pd.Timedelta(days=4)

_used: dict[str, dict] = {}


@dataclass(frozen=True)
class Entry:
    """A cached series: its manifest and lazy access to its Parquet parts."""

    manifest: dict

    @property
    def key(self) -> str:
        return self.manifest["series"]

    def part(self, name: str | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """One part (default: the first), validated as it is read."""
        name = name or next(iter(self.manifest["parts"]))
        return quality.validate(cache.read_part(self.manifest, name, columns), self.key)


# ---------------------------------------------------------------------------- loading


def _where(key: str, source: str | None = None) -> str:
    """Where `key` is read from: vintage, snapshot or live (`source` overrides the mode).

    In live mode a series without a live source (alternates, FOMC tables, S&P 500 members)
    comes from the snapshot when `SNAPSHOT_DIR` is set, else from the vintage.
    """
    if source not in (None, "vintage", "snapshot", "live"):
        raise DataError(
            f"source={source!r} is not understood", "use None, 'vintage', 'snapshot' or 'live'"
        )
    mode = source or data_mode()
    if mode == "snapshot" and snapshot_dir() is None:
        raise MissingSnapshotFileError(
            "source='snapshot' was asked for but SNAPSHOT_DIR is not set",
            "set SNAPSHOT_DIR=../shared/market-data",
        )
    if mode == "live" and not has_live_source(key):
        return "snapshot" if snapshot_dir() is not None else "vintage"
    return mode


def has_live_source(key: str) -> bool:
    """FRED, French and plain Yahoo tickers can be downloaded; everything else cannot."""
    return kind_of(key) in ("fred", "french") or _plain_ticker(key)


def _is_current(manifest: dict | None, key: str, where: str) -> bool:
    """Whether the cached entry may be served for a read from `where` without re-reading.

    Live: any live entry of this cache format (reused until `data refresh`). Snapshot and
    vintage: an entry read from the very same files, whose size and mtime have not moved.
    """
    if manifest is None or manifest.get("format") != cache.CACHE_FORMAT:
        return False
    if where == "live":
        return manifest["source"] in LIVE_SOURCES
    if manifest["source"] != where:
        return False
    origin = manifest["origin"]
    if where == "vintage":
        current = vintage.read_manifest(vintage_dir())["vintage"]
        expected = vintage.signature(vintage_dir(), key)
        return origin.get("vintage") == current and _same_signature(origin, expected)
    path = snapshot_path(snapshot_dir(), key)
    if origin.get("path") != str(path) or not path.exists():  # a gone file: read it, and fail
        return False
    return _same_signature(origin, stat_signature(path))


def _same_signature(origin: dict, signature: dict) -> bool:
    return all(origin.get(field) == value for field, value in signature.items())


def _fetch(key: str, where: str) -> Fetched:
    """Read `key` from `where` (the cache is not consulted)."""
    if where == "live":
        return fetch_live(key)
    if where == "vintage":
        return vintage.read_vintage(vintage_dir(), key)
    root = snapshot_dir()
    if not snapshot_path(root, key).exists():
        raise _missing(root, key)
    return read_snapshot(root, key)


def _missing(root: Path, key: str) -> Exception:
    if key in CORE_SERIES or kind_of(key) in ("fomc", "sp500", "file"):
        return MissingSnapshotFileError(
            f"snapshot file for {key!r} is missing: {snapshot_path(root, key)}",
            "restore it, or point SNAPSHOT_DIR at a complete copy of the market-data snapshot",
        )
    return unknown_series_error(root, key)


def store(key: str, fetched: Fetched) -> Entry:
    """Validate freshly read parts and write them to the cache as one entry."""
    for frame in fetched.parts.values():
        quality.validate(frame, key)
    if key == SP500_PRICES:
        for field in PRICE_FIELDS:
            quality.validate_panel(panel_field(fetched.parts[DEFAULT_PART], field), key, field)
    first = next(iter(fetched.parts.values()))
    manifest = {
        "source": fetched.source,
        "origin": fetched.origin,
        "retrieved_at": retrieved_now(),
        **frame_coverage(first),
        "columns": [str(c) for c in first.columns],
    }
    return Entry(cache.write_entry(key, fetched.parts, manifest))


def entry(key: str, source: str | None = None) -> Entry:
    """The cache entry for a key, (re)reading its source when the cache cannot serve it."""
    where = _where(key, source)
    manifest = cache.read_manifest(key)
    current = _is_current(manifest, key, where)
    result = Entry(manifest) if current else store(key, _fetch(key, where))
    _record_use(result.manifest)
    return result


def load(key: str, part: str | None = None, source: str | None = None) -> pd.DataFrame:
    """One part of a series (default: its first) as a validated frame."""
    return entry(key, source).part(part)


def load_core() -> dict[str, pd.DataFrame]:
    """Every series in CORE_SERIES as the notebooks read it (member panel: Close)."""
    return {key: sp500_prices() if key == SP500_PRICES else load(key) for key in CORE_SERIES}


def has_series(key: str) -> bool:
    """Whether `key` can be loaded in the current mode, without loading it.

    Snapshot: its file exists. Vintage: the vintage holds it. Live: it has a live source, or
    the snapshot or vintage that stands in for live holds it. Notebooks use it to skip
    cross-checks whose series are not there, and say so, instead of failing.
    """
    where = _where(key)
    if where == "snapshot":
        return snapshot_path(snapshot_dir(), key).exists()
    if where == "vintage":
        try:
            return key in vintage.read_manifest(vintage_dir())["series"]
        except MissingSnapshotFileError:  # no vintage: the load itself says how to restore it
            return False
    return True


def keep_available(groups: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The entries of `groups` whose series all pass `has_series` (order kept)."""
    return {label: keys for label, keys in groups.items() if all(map(has_series, keys))}


# ---------------------------------------------------------------------------- refresh, status


def _plain_ticker(key: str) -> bool:
    return kind_of(key) == "yahoo" and not is_variant(key)


def _readable_manifest(key: str) -> dict | None:
    """The manifest as `refresh_one` compares it: None when it is missing or corrupt.

    When a part it names is missing or unreadable, the manifest comes back marked as of no
    cache format, so the entry is rebuilt rather than called current, and the rebuild still
    compares content hashes: a repair that restores the same content is "unchanged".
    """
    try:
        manifest = cache.read_manifest(key)
    except CorruptCacheError:
        return None
    if manifest is not None and not cache.parts_readable(manifest):
        return {**manifest, "format": None}
    return manifest


def refresh_one(key: str, force: bool = False) -> str:
    """Bring one cache entry up to date; return "unchanged", "updated" or "new".

    Vintage and snapshot entries are re-read only when their files' size or mtime moved (or
    with force); live ones are always downloaded again. "updated" means the content's
    sha256 changed, which is what `data refresh` uses to decide whether to touch STAMP.
    """
    where = _where(key)
    before = _readable_manifest(key)
    if where != "live" and not force and _is_current(before, key, where):
        return "unchanged"
    after = store(key, _fetch(key, where)).manifest
    if before is None or before["source"] != after["source"]:
        return "new"
    return "unchanged" if before["origin"]["sha256"] == after["origin"]["sha256"] else "updated"


def refresh_keys() -> list[str]:
    """What `data refresh` fills by default: every data file of the snapshot in snapshot
    mode, else every core series (live mode downloads those that have a live source).

    In snapshot mode the series cached from the snapshot are listed too, even when their file
    is gone: a deleted file is then a refresh failure naming it, not a silent skip that
    leaves reports citing a file that no longer exists.
    """
    if data_mode() != "snapshot":
        return list(CORE_SERIES)
    present = snapshot_keys(snapshot_dir())
    cached = [m["series"] for _, m in cache.all_manifests() if m and m.get("source") == "snapshot"]
    return present + sorted(set(cached) - set(present))


def _age(retrieved_at: str, now: pd.Timestamp) -> str:
    seconds = max((now - pd.Timestamp(retrieved_at)).total_seconds(), 0)
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} d"


def _origin_label(origin: dict) -> str:
    """A snapshot file relative to the snapshot root, or the URL of a live download."""
    return origin.get("file") or origin["url"]


def status() -> pd.DataFrame:
    """One row per cache entry: series, source, origin, coverage, rows and age."""
    now = pd.Timestamp.now(tz="UTC")
    rows = []
    for path, manifest in cache.all_manifests():
        if manifest is None or "origin" not in manifest:
            rows.append({"series": path.stem, "source": "CORRUPT", "origin": str(path)})
            continue
        rows.append(
            {
                "series": manifest["series"],
                "source": manifest["source"],
                "origin": _origin_label(manifest["origin"]),
                "first": manifest["first"],
                "last": manifest["last"],
                "rows": manifest["rows"],
                "retrieved_at": manifest["retrieved_at"],
                "age": _age(manifest["retrieved_at"], now),
            }
        )
    columns = ["series", "source", "origin", "first", "last", "rows", "retrieved_at", "age"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------- provenance


def _record_use(manifest: dict) -> None:
    origin = manifest["origin"]
    _used[manifest["series"]] = {
        "series": manifest["series"],
        "source": _source_label(manifest),
        "origin": origin.get("path") or origin.get("url"),
        "file": origin.get("file") or origin.get("url"),
        "sha256": origin.get("sha256"),
        "first": manifest["first"],
        "last": manifest["last"],
        "rows": manifest["rows"],
        "retrieved_at": manifest["retrieved_at"],
    }


def _source_label(manifest: dict) -> str:
    """Where a series came from, for a reader: "vintage <id>", "snapshot" or the service."""
    vintage_name = manifest["origin"].get("vintage")
    return f"vintage {vintage_name}" if vintage_name else manifest["source"]


def coverage(keys: list[str] | None = None) -> pd.DataFrame:
    """What each series covers and which file (and sha256) it was read from.

    One row per key (default: CORE_SERIES), from the cache manifests; loading a key that is
    not cached yet fills the cache first.
    """
    rows = []
    for key in keys or CORE_SERIES:
        manifest = entry(key).manifest
        rows.append(
            {
                "series": key,
                "source": manifest["source"],
                "file": _origin_label(manifest["origin"]),
                "sha256": manifest["origin"]["sha256"],
                "first": manifest["first"],
                "last": manifest["last"],
                "rows": manifest["rows"],
            }
        )
    return pd.DataFrame(rows).set_index("series")


def used_sources() -> list[dict]:
    """Every series loaded in this process so far, with the file (or URL) and its sha256."""
    return list(_used.values())


def clear_used_sources() -> None:
    """Forget what was loaded (tests, or a notebook citing only what one section used)."""
    _used.clear()


# ---------------------------------------------------------------------------- prices


def _as_timestamp(value: str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def _day(value: pd.Timestamp | None) -> str:
    return "..." if value is None else f"{value:%Y-%m-%d}"


def _check_range(series: str, index: pd.Index, start, end) -> None:
    """Raise when the requested window reaches outside what the series covers."""
    first, last = index[0], index[-1]
    too_early = any(d is not None and d < first - EDGE_SLACK for d in (start, end))
    too_late = any(d is not None and d > last + EDGE_SLACK for d in (start, end))
    backwards = start is not None and end is not None and start > end
    if too_early or too_late or backwards:
        raise DateRangeError(
            f"{series} covers {first:%Y-%m-%d}..{last:%Y-%m-%d}; "
            f"the window {_day(start)}..{_day(end)} is not inside it",
            "ask for dates inside the coverage, or pick a series that covers the window",
        )


def _window(frame: pd.DataFrame | pd.Series, start, end):
    return frame.loc[start:end]


def ohlcv(ticker: str, start=None, end=None, source: str | None = None) -> pd.DataFrame:
    """All columns of one price series (Open, High, Low, Close, Adj Close, Volume)."""
    start, end = _as_timestamp(start), _as_timestamp(end)
    frame = load(ticker, source=source)
    _check_range(ticker, frame.index, start, end)
    return _window(frame, start, end)


def prices(
    tickers: str | list[str],
    start=None,
    end=None,
    field: str = "Close",
    join: str = "inner",
    source: str | None = None,
) -> pd.DataFrame:
    """One column per ticker of `field`, on a shared DatetimeIndex named Date.

    join="inner" keeps the days every ticker has; "outer" keeps every day any has. start and
    end are inclusive; a window outside a series' coverage raises DateRangeError.
    """
    if field not in OHLCV_COLUMNS:
        raise DataError(f"field={field!r} is not a price column", f"use one of {OHLCV_COLUMNS}")
    if join not in ("inner", "outer"):
        raise DataError(f"join={join!r} is not supported", "use join='inner' or join='outer'")
    start, end = _as_timestamp(start), _as_timestamp(end)
    names = [tickers] if isinstance(tickers, str) else list(tickers)
    columns = {name: _field(name, field, start, end, source) for name in names}
    table = pd.concat(columns, axis=1, join=join, sort=True)
    table.index.name = "Date"
    return _window(table, start, end)


def _field(ticker: str, field: str, start, end, source: str | None) -> pd.Series:
    frame = load(ticker, source=source)
    column = frame[field].dropna()
    if column.empty:
        present = [c for c in OHLCV_COLUMNS if frame[c].notna().any()]
        raise ValidationError(
            f"{ticker} has no {field} values (its file has {', '.join(present)})",
            f"ask for field={present[0]!r} or use another file of {ticker}",
        )
    _check_range(ticker, column.index, start, end)
    return column


def fred(series_id: str, start=None, end=None, source: str | None = None) -> pd.Series:
    """A FRED series as floats on a DatetimeIndex (missing observations dropped)."""
    start, end = _as_timestamp(start), _as_timestamp(end)
    series = load(f"fred:{series_id}", source=source)[series_id].dropna()
    _check_range(series_id, series.index, start, end)
    return _window(series, start, end)


def french_sections(dataset: str, source: str | None = None) -> list[str]:
    """Section titles of a Ken French file, in file order."""
    return list(entry(f"french:{dataset}", source).manifest["parts"])


def french(dataset: str, section: str | None = None, source: str | None = None) -> pd.DataFrame:
    """One section of a Ken French file: percent returns (or counts), -99.99/-999 as NaN.

    `section` is the title as printed in the file (e.g. "Average Value Weighted Returns --
    Monthly"); a unique case-insensitive substring is enough; None = the first section.
    Monthly sections come on a monthly PeriodIndex, annual on a yearly one, daily on dates.
    """
    found = entry(f"french:{dataset}", source)
    titles = list(found.manifest["parts"])
    return found.part(_match_section(dataset, section, titles))


def _match_section(dataset: str, wanted: str | None, titles: list[str]) -> str:
    if wanted is None or wanted in titles:
        return wanted or titles[0]
    hits = [t for t in titles if wanted.lower() in t.lower()]
    if len(hits) == 1:
        return hits[0]
    raise DataError(
        f"{dataset} has {'several' if hits else 'no'} sections matching {wanted!r}",
        "use one of: " + "; ".join(hits or titles),
    )


# ---------------------------------------------------------------------------- FOMC, S&P 500


def fomc_decisions(source: str | None = None) -> pd.DataFrame:
    """FOMC decision days with change_bp, target_after and listed_meeting (snapshot only).

    See `helpers.sources.parse_fomc` for how meeting lists and FRED changes are combined.
    """
    return load(FOMC, source=source)


def sp500_prices(field: str = "Close", source: str | None = None) -> pd.DataFrame:
    """Daily `field` of every S&P 500 member file: dates x tickers (snapshot only).

    NaN where a member has no row that day (not yet listed, already removed, a gap).
    """
    if field not in OHLCV_COLUMNS:
        raise DataError(f"field={field!r} is not a price column", f"use one of {OHLCV_COLUMNS}")
    long = entry(SP500_PRICES, source).part(columns=["Date", "Ticker", field])
    return quality.validate_panel(panel_field(long, field), SP500_PRICES, field)


def sp500_members(as_of=None, source: str | None = None) -> list[str]:
    """Tickers in the S&P 500 on `as_of` (default: the last day the interval file covers)."""
    found = entry(SP500_MEMBERS, source)
    first, last = membership_window(Path(found.manifest["origin"]["file"]))
    day = last if as_of is None else pd.Timestamp(as_of)
    if not first <= day <= last:
        raise DateRangeError(
            f"S&P 500 membership is known for {_day(first)}..{_day(last)}, not {_day(day)}",
            "ask for a date inside that window",
        )
    table = found.part()
    left = table["member_to"]
    active = (table["member_from"] <= day) & (left.isna() | (left >= day))
    return sorted(table.loc[active, "ticker"])


@dataclass(frozen=True)
class Holdings:
    """A fund's equity holdings on one date (index: price-file ticker; columns name, sector,
    market_value, weight_pct)."""

    as_of: pd.Timestamp
    table: pd.DataFrame


def ivv_holdings(source: str | None = None) -> Holdings:
    """IVV's holdings export of 2025-11-18, the only one near the articles (snapshot only)."""
    table = load(SP500_HOLDINGS, source=source)
    return Holdings(pd.Timestamp(table["as_of"].iloc[0]), table.drop(columns="as_of"))


def snapshot_table(relative_path: str, source: str | None = None) -> pd.DataFrame:
    """Any other CSV of the snapshot (e.g. "valuation/cape_SecondOrderEdge.csv"), as it is."""
    return load(f"file:{relative_path}", source=source)


# ---------------------------------------------------------------------------- quality


def _variants(ticker: str) -> list[str]:
    """The alternates (``<ticker>.alt*``) the current data source holds for `ticker`."""
    if _where(f"{ticker}.alt") == "vintage":
        names = list(vintage.read_manifest(vintage_dir())["series"])
    else:
        names = [p.stem for p in (_snapshot_root() / "yahoo").glob(f"{ticker}.alt*.csv")]
    return sorted(n for n in names if n.startswith(f"{ticker}.alt") and is_variant(n))


def _snapshot_root() -> Path:
    root = snapshot_dir()
    if root is None:
        raise MissingSnapshotFileError(
            "alternate sources exist only in the snapshot or the vintage, and live mode has "
            "neither here",
            "set SNAPSHOT_DIR=../shared/market-data, or leave SMALLCAP_DATA unset (vintage)",
        )
    return root


def _alternates(ticker: str) -> dict[str, pd.Series]:
    return {name: prices(name, join="outer")[name] for name in _variants(ticker)}


def compare_sources(ticker: str) -> pd.DataFrame:
    """Days where `ticker`'s file and any alternate (``<ticker>.alt*``) disagree.

    A close disagreement is |close / alternate - 1| > 0.05 % (files on the same price basis
    only); a sign disagreement is a different up/down/flat move between consecutive common
    days. One row per (day, alternate); columns in `helpers.quality.compare_pair`.
    """
    return quality.compare_all(prices(ticker)[ticker], _alternates(ticker))


def source_agreement(ticker: str) -> pd.DataFrame:
    """How well `ticker`'s file agrees with each alternate: one row per alternate file.

    Columns: common_days, span, same_basis, max_abs_rel_diff, close_disagreements (> 0.05 %,
    same basis only) and sign_disagreements (different up/down/flat move).
    """
    return quality.agreement_summary(prices(ticker)[ticker], _alternates(ticker))


def _stale(ticker: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    comparison = compare_sources(ticker)
    appended = quality.appended_rows(ohlcv(ticker), ticker)
    return comparison, quality.stale_rows(appended, comparison)


def reconciled_close(ticker: str) -> pd.Series:
    """The file's Close with stale appended rows replaced by an alternate source's close.

    Rule: a row is stale when a volume rule marks it as an intraday row appended to the file
    (Volume 0 in an index file that has volume, or an off-round-lot ETF volume) AND an
    alternate file on the same price basis differs by more than 0.05 % that day. Its close
    is replaced by the first such alternate's (``.alt`` before ``.alt2``). Every other row
    is kept as it is. E.g. ^RUT 2025-09-08 (an intraday value) takes ^RUT.alt's final close.
    """
    _, stale = _stale(ticker)
    return quality.reconcile(prices(ticker)[ticker], stale).rename(ticker)


def quality_report(tickers: list[str] | None = None) -> pd.DataFrame:
    """One row per flag (series, date, flag, detail, rule) for the given price files.

    Default: every Yahoo-style file in CORE_SERIES. Volume rules run on every file; the
    cross-source and stale rules run for each primary file that has alternates.
    """
    names = tickers or [k for k in CORE_SERIES if kind_of(k) == "yahoo"]
    frames = [quality.appended_rows(ohlcv(name), name) for name in names]
    for name in names:
        if is_variant(name) or not _variants(name):
            continue
        comparison, stale = _stale(name)
        frames += [quality.disagreement_flags(comparison, name), quality.stale_flags(stale, name)]
    report = pd.concat(frames, ignore_index=True)
    return report.sort_values(["series", "date", "flag"], kind="stable", ignore_index=True)
