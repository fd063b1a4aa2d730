"""The data layer the notebooks call: validated frames from the snapshot or live, via the cache.

Where data comes from is decided once: with ``SNAPSHOT_DIR`` set every series is read from
that folder and the network is never touched; without it Yahoo Finance, FRED and the Ken
French library are used. Either way a series is parsed once into the Parquet cache
(`helpers.cache`) and later loads read the cache. A snapshot entry is reused while the
snapshot file keeps its size and mtime; a live entry is reused until ``data refresh``.

Every load is validated (`helpers.quality.validate`) and recorded for `used_sources()`, which
the claims ledger uses to cite the exact files behind each verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import cache, quality
from helpers.config import snapshot_dir
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
    SP500_MEMBERS,
    SP500_PRICES,
    Fetched,
    fetch_live,
    is_variant,
    kind_of,
    membership_window,
    panel_field,
    read_snapshot,
    relative_to_snapshot,
    retrieved_now,
    snapshot_keys,
    snapshot_path,
    stat_signature,
    unknown_series_error,
)

# The series the notebooks read; `load_core()` loads them all and `data refresh` in live mode
# fetches the ones that have a live source.
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
    "^IXIC",
    "^VIX",
    "^VIX.alt",
    "^VIX.alt2",
    "RSP",
    "IJR",
    "VB",
    "VBR",
    "fred:DFF",
    "fred:DFEDTARU",
    "fred:DFEDTARL",
    "fred:DGS2",
    "fred:DGS10",
    "french:25_Portfolios_5x5",
    "french:Portfolios_Formed_on_ME",
    "french:F-F_Research_Data_Factors_daily",
    FOMC,
    SP500_PRICES,
    SP500_MEMBERS,
]
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


def _mode_root(source: str | None) -> Path | None:
    """The snapshot folder to read, or None for live; `source` overrides SNAPSHOT_DIR."""
    if source not in (None, "snapshot", "live"):
        raise DataError(f"source={source!r} is not understood", "use None, 'snapshot' or 'live'")
    root = snapshot_dir()
    if source == "live":
        return None
    if source == "snapshot" and root is None:
        raise MissingSnapshotFileError(
            "source='snapshot' was asked for but SNAPSHOT_DIR is not set",
            "set SNAPSHOT_DIR=../shared/market-data",
        )
    return root


def _servable(manifest: dict | None, live: bool) -> bool:
    """An entry of the current cache format written in the same mode (live or snapshot)."""
    return (
        manifest is not None
        and manifest.get("format") == cache.CACHE_FORMAT
        and (manifest["source"] == "snapshot") != live
    )


def _snapshot_entry_is_current(manifest: dict | None, path: Path) -> bool:
    """A cached snapshot entry may be served when it was read from this very file, unchanged."""
    if not _servable(manifest, live=False):
        return False
    origin = manifest["origin"]
    if origin.get("path") != str(path):
        return False
    signature = stat_signature(path)
    return all(origin.get(field) == value for field, value in signature.items())


def _missing(root: Path, key: str) -> Exception:
    if key in CORE_SERIES or kind_of(key) in ("fomc", "sp500", "file"):
        return MissingSnapshotFileError(
            f"snapshot file for {key!r} is missing: {snapshot_path(root, key)}",
            "restore it, or point SNAPSHOT_DIR at a complete copy of the market-data snapshot",
        )
    return unknown_series_error(root, key)


def _coverage(frame: pd.DataFrame) -> dict:
    index = frame.index
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or index.empty:
        return {"first": None, "last": None, "rows": len(frame)}
    fmt = (lambda d: d.strftime("%Y-%m-%d")) if isinstance(index, pd.DatetimeIndex) else str
    return {"first": fmt(index[0]), "last": fmt(index[-1]), "rows": len(frame)}


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
        **_coverage(first),
        "columns": [str(c) for c in first.columns],
    }
    return Entry(cache.write_entry(key, fetched.parts, manifest))


def entry(key: str, source: str | None = None) -> Entry:
    """The cache entry for a key, (re)reading the source when the cache cannot serve it."""
    root = _mode_root(source)
    manifest = cache.read_manifest(key)
    if root is None:
        live_ok = _servable(manifest, live=True)
        result = Entry(manifest) if live_ok else store(key, fetch_live(key))
    else:
        path = snapshot_path(root, key)
        if not path.exists():
            raise _missing(root, key)
        current = _snapshot_entry_is_current(manifest, path)
        result = Entry(manifest) if current else store(key, read_snapshot(root, key))
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

    Snapshot mode: its file exists. Live mode: it has a live source (alternates, FOMC and the
    S&P 500 member files exist only in the snapshot). Notebooks use it to skip cross-checks
    that need snapshot-only series and say so, instead of failing for a user with internet.
    """
    root = snapshot_dir()
    if root is not None:
        return snapshot_path(root, key).exists()
    return kind_of(key) in ("fred", "french") or _plain_ticker(key)


def keep_available(groups: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The entries of `groups` whose series all pass `has_series` (order kept)."""
    return {label: keys for label, keys in groups.items() if all(map(has_series, keys))}


# ---------------------------------------------------------------------------- refresh, status


def live_keys() -> list[str]:
    """The core series that have a live source (snapshot variants, FOMC, sp500 do not)."""
    return [k for k in CORE_SERIES if kind_of(k) in ("fred", "french") or _plain_ticker(k)]


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

    Snapshot mode re-reads a file only when its size or mtime moved (or with force); live
    mode always downloads again. "updated" means the content's sha256 changed, which is what
    `data refresh` uses to decide whether to touch the STAMP file.
    """
    root = snapshot_dir()
    before = _readable_manifest(key)
    if root is not None:
        path = snapshot_path(root, key)
        if not path.exists():
            raise _missing(root, key)
        if not force and _snapshot_entry_is_current(before, path):
            return "unchanged"
        after = store(key, read_snapshot(root, key)).manifest
    else:
        after = store(key, fetch_live(key)).manifest
    if before is None or before["source"] != after["source"]:
        return "new"
    return "unchanged" if before["origin"]["sha256"] == after["origin"]["sha256"] else "updated"


def refresh_keys() -> list[str]:
    """What `data refresh` fills by default: every snapshot data file, or the live core."""
    root = snapshot_dir()
    return snapshot_keys(root) if root is not None else live_keys()


def _age(retrieved_at: str, now: pd.Timestamp) -> str:
    seconds = max((now - pd.Timestamp(retrieved_at)).total_seconds(), 0)
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} d"


def _origin_label(origin: dict) -> str:
    """A snapshot path relative to the snapshot root, or the URL of a live download."""
    root = origin.get("snapshot")
    return relative_to_snapshot(origin["path"], root) if root else origin["url"]


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
        "source": manifest["source"],
        "origin": origin.get("path") or origin.get("url"),
        "sha256": origin.get("sha256"),
        "first": manifest["first"],
        "last": manifest["last"],
        "rows": manifest["rows"],
    }


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


def sources_table() -> pd.DataFrame:
    """`used_sources()` as the table every notebook ends with: which files fed its numbers."""
    columns = ["series", "source", "origin", "first", "last", "rows", "sha256"]
    return pd.DataFrame(used_sources(), columns=columns)


def used_file_names() -> str:
    """The loaded files' names, comma-separated: the source line under a chart."""
    return ", ".join(Path(s["origin"]).name for s in used_sources())


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
    too_early = start is not None and start < first - EDGE_SLACK
    too_late = end is not None and end > last + EDGE_SLACK
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
    first, last = membership_window(Path(found.manifest["origin"]["path"]))
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


def snapshot_table(relative_path: str, source: str | None = None) -> pd.DataFrame:
    """Any other CSV of the snapshot (e.g. "valuation/cape_SecondOrderEdge.csv"), as it is."""
    return load(f"file:{relative_path}", source=source)


# ---------------------------------------------------------------------------- quality


def _variants(ticker: str, root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "yahoo").glob(f"{ticker}.alt*.csv"))


def _alternates(ticker: str) -> dict[str, pd.Series]:
    root = _mode_root("snapshot")
    return {name: prices(name, join="outer")[name] for name in _variants(ticker, root)}


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
    root = _mode_root("snapshot")
    frames = [quality.appended_rows(ohlcv(name), name) for name in names]
    for name in names:
        if is_variant(name) or not _variants(name, root):
            continue
        comparison, stale = _stale(name)
        frames += [quality.disagreement_flags(comparison, name), quality.stale_flags(stale, name)]
    report = pd.concat(frames, ignore_index=True)
    return report.sort_values(["series", "date", "flag"], kind="stable", ignore_index=True)
