"""Cross-source checks: where the alternate sources of one index agree, and a reconciled close."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.config import snapshot_dir, vintage_dir
from helpers.data import quality, vintage
from helpers.data.keys import (
    is_variant,
    kind_of,
)
from helpers.data.series import ohlcv, prices
from helpers.data.store import CORE_SERIES, read_from
from helpers.errors import (
    MissingSnapshotFileError,
)

# The series the notebooks read: what the pinned vintage holds, what `load_core()` loads, and


def _variants(ticker: str) -> list[str]:
    """The alternates (``<ticker>.alt*``) the current data source holds for `ticker`."""
    if read_from(f"{ticker}.alt") == "vintage":
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
    days. One row per (day, alternate); columns in `helpers.data.quality.compare_pair`.
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
