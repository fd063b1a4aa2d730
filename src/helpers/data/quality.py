"""Validation and quality checks: pure functions on frames, no loading here.

Validation (`validate`) runs on every load and rejects data no analysis should see. The
detectors flag rows that are suspicious but kept; each flag row carries the stated rule, so a
report can show why a day was flagged. `helpers.data` wires these to the loaders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data.keys import PRICE_FIELDS, Fetched, kind_of
from helpers.data.parsers import interior_gaps
from helpers.errors import ValidationError

# Yahoo tickers that quote a yield, not a price: zero or negative values are legitimate.
YIELD_TICKERS = frozenset({"^IRX", "^FVX", "^TNX", "^TYX", "2YY=F"})
CLOSE_TOLERANCE = 0.0005  # 0.05 %: "disagree on close" means |a / b - 1| > this
SAME_BASIS_MEDIAN = CLOSE_TOLERANCE / 10  # files this close on the median day share a price basis
ROUND_LOT_SHARE = 0.995  # a file "uses round lots" when this share of its volumes are x100
VOLUME_SHARE = 0.99  # an index file "has volume" when this share of rows after the first has
FLAG_COLUMNS = ["series", "date", "flag", "detail", "rule"]
MAX_DATES_SHOWN = 10

RULE_VOLUME_ZERO = (
    "index file whose rows carry a volume (>= 99 % after the first positive volume) has a row "
    "with Volume 0: an intraday row appended by an hourly job (yahoo/PROVENANCE.md 2a)"
)
RULE_ODD_VOLUME = (
    "file whose volumes are round lots (>= 99.5 % multiples of 100) has a volume that is not: "
    "a partial-day row (yahoo/PROVENANCE.md 2a)"
)
RULE_CLOSE = (
    "close differs from an alternate source on the same price basis by more than 0.05 % "
    "(same basis = median |difference| over common days below 0.005 %)"
)
RULE_SIGN = (
    "the day's move (close vs previous common day) has a different sign (up/down/flat) "
    "in the alternate source"
)
RULE_STALE = (
    "a row flagged as an appended intraday row whose close also disagrees with an "
    "alternate source on the same basis: the value is stale, not the final close"
)


# ---------------------------------------------------------------------------- validation


def _dates(index: pd.Index) -> str:
    shown = [
        d.strftime("%Y-%m-%d") if isinstance(d, pd.Timestamp) else str(d)
        for d in index[:MAX_DATES_SHOWN]
    ]
    more = f" (+{len(index) - MAX_DATES_SHOWN} more)" if len(index) > MAX_DATES_SHOWN else ""
    return ", ".join(shown) + more


def _fail(series: str, problem: str, dates: pd.Index) -> ValidationError:
    return ValidationError(
        f"{series}: {problem} on {_dates(dates)}",
        "the source file is damaged or was edited: compare it with the snapshot's SHA256SUMS and "
        f"PROVENANCE, then rebuild the entry (python -m helpers data refresh --force {series})",
    )


def validate(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    """Reject a frame with repeated, unordered or future dates, blank or non-positive prices.

    Returns the frame unchanged so loaders can chain it. Only time-indexed frames are checked
    for dates; only Yahoo-style price columns (not yields, not FRED) must be positive; a
    Yahoo-style price column may be empty or start late, but not have holes (a live download
    or an old cache entry, which the file parsers did not see).
    """
    index = frame.index
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) and len(index):
        if not index.is_unique:
            raise _fail(series, "repeated dates", index[index.duplicated()])
        if not index.is_monotonic_increasing:
            order = np.asarray(index[1:] <= index[:-1])
            raise _fail(series, "dates out of order", index[1:][order])
        if isinstance(index, pd.DatetimeIndex) and index[-1] > pd.Timestamp.today():
            raise _fail(series, "dates after today", index[index > pd.Timestamp.today()])
    if kind_of(series) == "yahoo":
        for column in PRICE_FIELDS:
            gaps = (
                interior_gaps(frame[column].isna())
                if column in frame.columns
                else np.array([], bool)
            )
            if np.any(gaps):
                raise _fail(series, f"blank {column} inside a filled column", index[gaps])
    if _must_be_positive(series):
        bad = np.zeros(len(frame), bool)
        for column in PRICE_FIELDS:
            if column in frame.columns:
                bad |= frame[column].to_numpy() <= 0
        if bad.any():
            raise _fail(series, "zero or negative prices", index[bad])
    return frame


def check_coverage(
    series: str, fetched: Fetched, now: dict, before: tuple[str, dict] | None
) -> None:
    """Refuse a read that covers less than `before` = (who says so, its first/last/rows): a
    series that ends earlier or has fewer rows lost data (a file cut short, a download that
    stopped), and every result built on it would quietly change."""
    if before is None:
        return
    who, then = before
    ends_earlier = _comparable(now["last"], then.get("last")) and now["last"] < then["last"]
    if not (ends_earlier or now["rows"] < then.get("rows", 0)):
        return
    origin = fetched.origin
    where = origin.get("file") or origin.get("url") or origin.get("path") or fetched.source
    raise ValidationError(
        f"{series} from {where} now has {now['rows']} rows to {now['last']}, but {who} has "
        f"{then.get('rows')} rows to {then.get('last')}: the source lost data (a file cut short?)",
        "restore the file from an intact copy (check it against its SHA256SUMS); if the shorter "
        f"series is right, accept it: python -m helpers data refresh --accept-shorter {series}",
    )


def _comparable(a: object, b: object) -> bool:
    """Two coverage dates of one format ('YYYY-MM-DD', 'YYYY-MM' or 'YYYY')."""
    return isinstance(a, str) and isinstance(b, str) and len(a) == len(b)


def _must_be_positive(series: str) -> bool:
    return kind_of(series) == "yahoo" and series.split(".")[0] not in YIELD_TICKERS


def validate_panel(frame: pd.DataFrame, series: str, field: str) -> pd.DataFrame:
    """Dates as in `validate`; every price cell of a wide member panel must be positive."""
    validate(frame.iloc[:, :0], series)
    if field in PRICE_FIELDS:
        bad = np.any(frame.to_numpy() <= 0, axis=1)
        if bad.any():
            raise _fail(series, f"zero or negative {field}", frame.index[bad])
    return frame


# ---------------------------------------------------------------------------- detectors


def _flags(series: str, dates: pd.Index, flag: str, details: list[str], rule: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": series,
            "date": pd.DatetimeIndex(dates),
            "flag": flag,
            "detail": details,
            "rule": rule,
        },
        columns=FLAG_COLUMNS,
    )


def no_flags() -> pd.DataFrame:
    return pd.DataFrame(columns=FLAG_COLUMNS).astype({"date": "datetime64[ns]"})


def volume_zero_rows(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    """Index rows with Volume 0 in a file whose other rows carry a volume (RULE_VOLUME_ZERO)."""
    volume = frame["Volume"].dropna()
    positive = volume > 0
    if not series.startswith("^") or not positive.any():
        return no_flags()
    later = volume[positive.idxmax() :]
    if (later > 0).mean() < VOLUME_SHARE:
        return no_flags()
    zero = later.index[later == 0]
    details = [f"Volume 0, Close {frame.at[d, 'Close']}" for d in zero]
    return _flags(series, zero, "volume_zero", details, RULE_VOLUME_ZERO)


def odd_volume_rows(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    """Volumes off the round lot in a file that otherwise reports round lots (RULE_ODD_VOLUME)."""
    volume = frame["Volume"].dropna()
    volume = volume[volume > 0]
    if series.startswith("^") or volume.empty:
        return no_flags()
    round_lot = volume % 100 == 0
    if round_lot.mean() < ROUND_LOT_SHARE:
        return no_flags()
    odd = volume.index[~round_lot]
    details = [f"Volume {volume[d]:.0f} is not a multiple of 100" for d in odd]
    return _flags(series, odd, "odd_volume", details, RULE_ODD_VOLUME)


def appended_rows(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    """Rows that look like intraday snapshots, by whichever volume rule fits the file."""
    return pd.concat([volume_zero_rows(frame, series), odd_volume_rows(frame, series)])


# ---------------------------------------------------------------------------- cross-source


def _sign_word(move: np.ndarray) -> np.ndarray:
    return np.select([move > 0, move < 0], ["up", "down"], "flat")


def same_basis(primary: pd.Series, alternate: pd.Series) -> bool:
    """Two close series on the same price basis agree to within 0.005 % on the median day."""
    common = primary.index.intersection(alternate.index)
    if common.empty:
        return False
    gap = (primary[common] / alternate[common] - 1).abs()
    return bool(gap.median() < SAME_BASIS_MEDIAN)


def compare_pair(primary: pd.Series, alternate: pd.Series, name: str) -> pd.DataFrame:
    """Every common day where two close series disagree on level or on the day's move.

    Level disagreements (> CLOSE_TOLERANCE) count only when the files share a price basis;
    the day's move is compared between consecutive common days in both files.
    """
    primary, alternate = primary.dropna(), alternate.dropna()
    common = primary.index.intersection(alternate.index)
    a, b = primary[common], alternate[common]
    rel = (a / b - 1).to_numpy()
    move_a, move_b = np.sign(a.diff().to_numpy()), np.sign(b.diff().to_numpy())
    comparable = same_basis(primary, alternate)
    level = np.abs(rel) > CLOSE_TOLERANCE if comparable else np.zeros(len(common), bool)
    sign = (move_a != move_b) & ~np.isnan(move_a) & ~np.isnan(move_b)
    hit = level | sign
    return pd.DataFrame(
        {
            "alternate": name,
            "close": a.to_numpy()[hit],
            "alternate_close": b.to_numpy()[hit],
            "rel_diff": rel[hit],
            "move": _sign_word(move_a[hit]),
            "alternate_move": _sign_word(move_b[hit]),
            "close_disagrees": level[hit],
            "sign_disagrees": sign[hit],
            "same_basis": comparable,
        },
        index=pd.DatetimeIndex(common[hit], name="Date"),
    )


def compare_all(primary: pd.Series, alternates: dict[str, pd.Series]) -> pd.DataFrame:
    """`compare_pair` against each alternate, stacked and sorted by date."""
    frames = [compare_pair(primary, alt, name) for name, alt in alternates.items()]
    if not frames:
        return compare_pair(primary, primary.iloc[:0], "")
    return pd.concat(frames).sort_index(kind="stable")


def agreement_summary(primary: pd.Series, alternates: dict[str, pd.Series]) -> pd.DataFrame:
    """Per alternate: common days, whether the level is comparable, and disagreement counts."""
    rows = []
    for name, alternate in alternates.items():
        common = primary.dropna().index.intersection(alternate.dropna().index)
        found = compare_pair(primary, alternate, name)
        gap = (primary[common] / alternate[common] - 1).abs()
        rows.append(
            {
                "alternate": name,
                "common_days": len(common),
                "span": f"{common[0]:%Y-%m-%d}..{common[-1]:%Y-%m-%d}" if len(common) else "",
                "same_basis": same_basis(primary, alternate),
                "max_abs_rel_diff": gap.max() if len(common) else np.nan,
                "close_disagreements": int(found["close_disagrees"].sum()),
                "sign_disagreements": int(found["sign_disagrees"].sum()),
            }
        )
    return pd.DataFrame(rows).set_index("alternate")


def disagreement_flags(comparison: pd.DataFrame, series: str) -> pd.DataFrame:
    """Quality-report rows for the disagreements found by `compare_all`."""
    level = comparison[comparison["close_disagrees"]]
    sign = comparison[comparison["sign_disagrees"]]
    close_details = [
        f"{r.close:g} vs {r.alternate_close:g} in {r.alternate} ({r.rel_diff:+.4%})"
        for r in level.itertuples()
    ]
    sign_details = [
        f"{r.move} here, {r.alternate_move} in {r.alternate}" for r in sign.itertuples()
    ]
    return pd.concat(
        [
            _flags(series, level.index, "close_disagrees", close_details, RULE_CLOSE),
            _flags(series, sign.index, "sign_disagrees", sign_details, RULE_SIGN),
        ]
    )


def stale_rows(appended: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """Appended-row flags whose close an alternate on the same basis contradicts (RULE_STALE).

    Returns one row per stale date: date, close, replacement (the first such alternate's
    close, in the order the alternates were compared) and the alternate's name.
    """
    level = comparison[comparison["close_disagrees"]]
    level = level[level.index.isin(appended["date"])]
    first = level[~level.index.duplicated(keep="first")]
    return pd.DataFrame(
        {
            "close": first["close"],
            "replacement": first["alternate_close"],
            "alternate": first["alternate"],
        },
        index=first.index,
    )


def stale_flags(stale: pd.DataFrame, series: str) -> pd.DataFrame:
    details = [
        f"Close {r.close:g} is stale; final {r.replacement:g} per {r.alternate}"
        for r in stale.itertuples()
    ]
    return _flags(series, stale.index, "stale_close", details, RULE_STALE)


def reconcile(close: pd.Series, stale: pd.DataFrame) -> pd.Series:
    """The close series with each stale date replaced by its alternate's value."""
    fixed = close.copy()
    fixed.loc[stale.index] = stale["replacement"].to_numpy()
    return fixed
