"""Market breadth: how many S&P 500 members took part in a move, and how concentrated the index is.

The member panel (`data.sp500_prices`) is a dates x price-file frame; membership comes from the
reconstructed interval file (`data.sp500_members(as_of)`). Conventions fixed here so every
breadth number counts the same way:
- A member's price column is its price file's name: the membership file writes class shares
  with a dot (BRK.B) where the price files use a hyphen (BRK-B), and Fiserv's old ticker FI
  lives in FISV.csv.
- A member counts on a day only if it has a usable value that day; members without one (no
  price file, not yet listed long enough for a 50-day mean, file already ended) are reported
  as missing, never counted as "not above" or "down".
- Interior gaps (a missing day between two closes) are forward-filled; a file that has ended
  is not extended, so a stale price never stands for a later close.
- A date that is not a trading day means the last session on or before it.

The IVV holdings come from the data layer (`data.ivv_holdings`); `repriced_weights` moves
their market values with member closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from helpers.analysis import returns, streaks
from helpers.errors import DateRangeError, ValidationError

MAGNIFICENT_SEVEN = ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA"]
# Membership tickers whose prices sit in another file (FI became FISV on 2025-11-11; the
# 2025-08-12 member list still calls Marsh McLennan MMC, its price file is MRSH).
MEMBER_FILE_ALIASES = {"FI": "FISV", "MMC": "MRSH"}


# ---------------------------------------------------------------------------- members


def price_column(member: str) -> str:
    """The price-file name of a membership ticker (BRK.B -> BRK-B, FI -> FISV, MMC -> MRSH)."""
    return MEMBER_FILE_ALIASES.get(member, member.replace(".", "-"))


def membership_mask(
    days: Iterable[pd.Timestamp],
    columns: Iterable[str],
    members_on: Callable[[pd.Timestamp], list[str]],
) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """Days x price columns, True where the column is an index member that day.

    `members_on(day)` is `data.sp500_members`. Days after the membership file's window carry
    the last known list forward (returned as the second value, so a chart can mark them);
    a day before the first known one raises, because nothing can be carried back.
    """
    index = pd.DatetimeIndex(list(days), name="Date")
    tickers = pd.Index(list(columns), name="Ticker")
    position = {column: i for i, column in enumerate(tickers)}
    flags = np.zeros((len(index), len(tickers)), dtype=np.bool_)  # one row per day
    carried: list[pd.Timestamp] = []
    known: list[str] | None = None
    for i, day in enumerate(index):
        try:
            known = members_on(day)
        except DateRangeError:
            if known is None:
                raise
            carried.append(day)
        flags[i, [position[c] for c in map(price_column, known) if c in position]] = True
    return pd.DataFrame(flags, index=index, columns=tickers), carried


def missing_price_files(members: Iterable[str], columns: Iterable[str]) -> list[str]:
    """Members with no price file at all (K and IPG in this snapshot)."""
    have = set(columns)
    return sorted(m for m in members if price_column(m) not in have)


# ---------------------------------------------------------------------------- panel


def member_closes(close: pd.DataFrame, adjusted: pd.DataFrame) -> pd.DataFrame:
    """Close per member, Adj Close for members whose file has no Close, interior gaps filled.

    Removed members come from a source with dividend-adjusted closes only. Every breadth
    measure here compares a member with itself (its own mean, its own earlier close), so
    one name on another basis changes nothing but a dividend inside the window.
    """
    no_close = close.columns[close.isna().all()]
    filled = close.copy()
    filled[no_close] = adjusted.reindex(columns=no_close)
    return filled.ffill(limit_area="inside")


def above_mean(closes: pd.DataFrame, window: int = 50) -> pd.DataFrame:
    """True/False where a close is above / not above the mean of its last `window` closes
    (including that day); NaN where there are fewer than `window` closes to average."""
    mean = closes.rolling(window, min_periods=window).mean()
    flags = (closes > mean).astype(float)
    return flags.where(mean.notna() & closes.notna())


def member_share(flags: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Per day: members counted, members with the flag True, their share (%), members missing.

    `flags` is True/False/NaN per (day, member); NaN members are missing, not False.
    """
    flags = flags.reindex(index=mask.index, columns=mask.columns)
    is_member = mask.to_numpy()
    valid = flags.notna().to_numpy() & is_member
    hits = (flags.fillna(0).to_numpy() > 0) & valid
    counted, true = valid.sum(axis=1), hits.sum(axis=1)
    share = np.where(counted > 0, 100.0 * true / np.maximum(counted, 1), np.nan)
    return pd.DataFrame(
        {
            "share_pct": share,
            "count": true,
            "counted": counted,
            "missing": is_member.sum(1) - counted,
        },
        index=mask.index,
    )


def share_above_mean(closes: pd.DataFrame, mask: pd.DataFrame, window: int = 50) -> pd.DataFrame:
    """Share of members (%) whose close is above their own `window`-day simple mean, per day."""
    return member_share(above_mean(closes, window), mask)


def share_on(table: pd.DataFrame, day: str | pd.Timestamp) -> dict:
    """One session's row of a `member_share` table (the last session on or before `day`)."""
    used = returns.session_on_or_before(table.index, day)
    row = table.loc[used]
    return {
        "share_pct": float(row["share_pct"]),
        "session": used,
        "count": int(row["count"]),
        "counted": int(row["counted"]),
        "missing": int(row["missing"]),
    }


def lowest_share(table: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp) -> dict:
    """The lowest daily share in [start, end] and the session it came on."""
    window = table.loc[start:end, "share_pct"]
    if window.empty:
        raise DateRangeError(
            f"no sessions between {pd.Timestamp(start).date()} and {pd.Timestamp(end).date()}",
            "pick a window inside the member panel",
        )
    return {
        "share_pct": float(window.min()),
        "session": window.idxmin(),
        "sessions": len(window),
    }


# ---------------------------------------------------------------------------- up/down days


def day_moves(closes: pd.DataFrame) -> pd.DataFrame:
    """+1 up, -1 down, 0 unchanged against the previous close; NaN without both closes."""
    change = closes.diff()
    return np.sign(change).where(change.notna())


def advance_decline(closes: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Members closing up and down each session, whether advancers outnumbered decliners, and
    how many members had no move that day (no close on it or the session before: `missing`)."""
    moves = day_moves(closes).reindex(index=mask.index, columns=mask.columns).where(mask)
    table = pd.DataFrame(
        {
            "advancers": (moves > 0).sum(axis=1),
            "decliners": (moves < 0).sum(axis=1),
            "unchanged": (moves == 0).sum(axis=1),
            "missing": mask.sum(axis=1) - moves.notna().sum(axis=1),
        }
    )
    table["more_up"] = table["advancers"] > table["decliners"]
    return table


def down_closes(prices: pd.Series, sessions: int = 10) -> pd.Series:
    """At each close: how many of the last `sessions` closes were below the close before them.

    The first close has no previous close, so a window needs `sessions + 1` closes.
    """
    moves = streaks.own_moves(prices)
    return (
        (moves < 0).astype(int).rolling(sessions, min_periods=sessions).sum().dropna().astype(int)
    )


def last_window_at_least(
    counts: pd.Series, before: pd.Timestamp, threshold: int
) -> pd.Timestamp | None:
    """The most recent session before `before` that closed a window with >= `threshold`
    down closes (None if none did): the "worst since" precedent, excluding overlapping windows."""
    earlier = counts.loc[counts.index < before]
    hits = earlier[earlier >= threshold]
    return hits.index[-1] if not hits.empty else None


def window_start(index: pd.DatetimeIndex, end: pd.Timestamp, sessions: int) -> pd.Timestamp:
    """First session of the `sessions`-long window that ends at `end`."""
    position = index.get_loc(end)
    if position + 1 < sessions:
        raise DateRangeError(
            f"fewer than {sessions} sessions up to {end.date()}", "pick a later date"
        )
    return index[position - sessions + 1]


def below_high_pct(prices: pd.Series, as_of: str | pd.Timestamp, sessions: int = 252) -> dict:
    """The close at `as_of` against the highest close of the `sessions` closes ending there (%)."""
    closes = prices.dropna()
    end, last = returns.close_on_or_before(closes, as_of)
    window = closes.loc[:end].iloc[-sessions:]
    if len(window) < sessions:
        raise DateRangeError(
            f"{prices.name}: only {len(window)} closes up to {end.date()}, {sessions} needed",
            "load a longer history",
        )
    return {
        "pct": (last / window.max() - 1.0) * 100.0,
        "high": float(window.max()),
        "high_on": window.idxmax(),
        "close": last,
        "as_of_used": end,
    }


# ---------------------------------------------------------------------------- year to date


def column_ytd_pct(closes: pd.DataFrame, as_of: str | pd.Timestamp) -> pd.Series:
    """Year-to-date price return (%) of every column, from the prior year's last session to
    the session at `as_of`; NaN for a column without a close on either of the two sessions
    (a missing close is never replaced by an older one)."""
    end = returns.session_on_or_before(closes.index, as_of)
    base = returns.session_on_or_before(closes.index, returns.year_end_before(as_of))
    return ((closes.loc[end] / closes.loc[base] - 1.0) * 100.0).rename(f"ytd_pct_{end.date()}")


def ytd_by_session(
    closes: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp
) -> pd.DataFrame:
    """YTD price return (%) of every column at each session in [start, end], all measured from
    the last session of the year before `start` (so a path through January on one base)."""
    base = returns.session_on_or_before(closes.index, returns.year_end_before(start))
    return (closes.loc[start:end] / closes.loc[base] - 1.0) * 100.0


def members_ytd(
    closes: pd.DataFrame, members: Iterable[str], as_of: str | pd.Timestamp
) -> pd.Series:
    """YTD price return (%) of the members on `as_of`, indexed by price column (NaN = no data)."""
    columns = [price_column(m) for m in members]
    return column_ytd_pct(closes.reindex(columns=columns), as_of)


def count_summary(values: pd.Series, hit: pd.Series) -> dict:
    """Members counted (non-NaN), how many satisfy `hit`, their share (%), and which lacked
    data (`missing`, never counted as failing `hit`: an unknown YTD is not "not negative")."""
    counted = values.notna()
    count = int((hit & counted).sum())
    missing = sorted(values.index[~counted])
    return {
        "count": count,
        "counted": int(counted.sum()),
        "share_pct": 100.0 * count / max(int(counted.sum()), 1),
        "missing": missing,
        "excluded": len(missing),
    }


def spreads_pp(stocks: pd.DataFrame, index: pd.Series, as_of: str | pd.Timestamp) -> pd.Series:
    """Each stock's YTD price return minus the index's, in percentage points."""
    start = returns.year_end_before(as_of)
    return pd.Series(
        {name: returns.spread_pp(stocks[name], index, start, as_of) for name in stocks.columns},
        name="ytd_minus_index_pp",
    )


# ---------------------------------------------------------------------------- holdings


def repriced_weights(
    market_value: pd.Series,
    closes: pd.DataFrame,
    base: str | pd.Timestamp,
    as_of: str | pd.Timestamp,
    members: Iterable[str],
) -> pd.Series:
    """Weights (%) on `as_of` from market values on `base`, moved with each name's close.

    Share counts are frozen at `base`, so w ∝ value(base) x Close(as_of) / Close(base); only
    names that are members on `as_of` and have both closes get a weight (a member added
    after `base` has no value and is left out, which slightly inflates the others).
    """
    start = returns.session_on_or_before(closes.index, base)
    end = returns.session_on_or_before(closes.index, as_of)
    held = [c for c in (price_column(m) for m in members) if c in market_value.index]
    ratio = closes.reindex(columns=held).loc[end] / closes.reindex(columns=held).loc[start]
    value = (market_value.reindex(held) * ratio).dropna()
    return (100.0 * value / value.sum()).sort_values(ascending=False).rename("weight_pct")


def top_share(weights: pd.Series, n: int = 10, merge: dict[str, str] | None = None) -> float:
    """Summed weight (%) of the `n` largest lines; `merge` folds lines into one (GOOG -> GOOGL)."""
    if merge:
        weights = weights.groupby(lambda t: merge.get(t, t)).sum()
    return float(weights.sort_values(ascending=False).iloc[:n].sum())


# ---------------------------------------------------------------------------- record breadth

# A session enters a comparison across sessions only when at least this share of its members
# have a value: early in the member panel only the few removed names whose files reach back
# further are counted, and the share of nine members is no reading of the index.
MIN_COUNTED_SHARE = 0.9


def covered_shares(table: pd.DataFrame) -> pd.Series:
    """The daily shares of a `member_share` table on the sessions most members are counted
    (`MIN_COUNTED_SHARE`)."""
    members = table["counted"] + table["missing"]
    enough = table["counted"] >= MIN_COUNTED_SHARE * members
    return table.loc[enough, "share_pct"].dropna()


def lead_over_earlier_high(table: pd.DataFrame, day: str | pd.Timestamp) -> dict:
    """The share on `day` (last session on or before it) minus the highest share on any
    earlier session of a `member_share` table (pp): above zero means broader than at any
    point the table covers (sessions with most members counted: `covered_shares`). Names the
    earlier high's session and the span compared."""
    used = returns.session_on_or_before(table.index, day)
    shares = covered_shares(table)
    earlier = shares.loc[shares.index < used]
    if earlier.empty:
        raise DateRangeError(
            f"no session before {used.date()} to compare with", "pick a later date inside the table"
        )
    return {
        "lead_pp": float(shares.loc[used] - earlier.max()),
        "share_pct": float(shares.loc[used]),
        "session": used,
        "earlier_high_pct": float(earlier.max()),
        "earlier_high_on": earlier.idxmax(),
        "compared_from": earlier.index[0],
        "earlier_sessions": len(earlier),
        "earlier_sessions_higher": int((earlier > shares.loc[used]).sum()),
    }


def rank_on(table: pd.DataFrame, day: str | pd.Timestamp) -> dict:
    """Where the share on `day` (last session on or before it) ranks among every session of a
    `member_share` table up to it with most members counted (`covered_shares`; 1 = the
    highest; an earlier equal share ranks above), and the earlier sessions with a higher
    share."""
    used = returns.session_on_or_before(table.index, day)
    shares = covered_shares(table).loc[:used]
    earlier = shares.iloc[:-1]
    higher = earlier[earlier >= shares.loc[used]]
    return {
        "rank": len(higher) + 1,
        "share_pct": float(shares.loc[used]),
        "session": used,
        "sessions": len(shares),
        "compared_from": shares.index[0],
        "higher_on": {day: round(float(v), 2) for day, v in higher.items()},
    }


def beating_index(closes: pd.DataFrame, index: pd.Series, sessions: int) -> pd.DataFrame:
    """True where a member's price return over the `sessions` sessions ending on a day beat
    the index's over the same sessions (strictly); NaN without both closes."""
    own = closes.pct_change(sessions, fill_method=None)
    bench = index.reindex(closes.index).pct_change(sessions, fill_method=None)
    return (
        own.gt(bench, axis=0).astype(float).where(own.notna() & bench.notna().to_numpy()[:, None])
    )


# ---------------------------------------------------------------------------- groups of members


def group_ytd_pct(ytd: pd.Series, weights: pd.Series | None = None) -> float:
    """A group's YTD (%): the `weights`-weighted mean of its members' YTD (members without
    both a YTD and a weight left out), or the plain mean when `weights` is None."""
    known = ytd.dropna()
    if weights is None:
        return float(known.mean())
    both = pd.concat({"ytd": known, "w": weights}, axis=1, join="inner").dropna()
    return float((both["ytd"] * both["w"]).sum() / both["w"].sum())


def contribution_pp(ytd: pd.Series, weights_pct: pd.Series) -> float:
    """What a group of members added to a cap-weighted whole (pp): the sum of each one's
    weight (%, of the whole) times its return (%), over 100."""
    both = pd.concat({"ytd": ytd, "w": weights_pct}, axis=1, join="inner").dropna()
    return float((both["ytd"] * both["w"]).sum() / 100.0)


def share_of_index_gain(
    closes: pd.DataFrame,
    weights_pct: pd.Series,
    index: pd.Series,
    weighed_on: str | pd.Timestamp,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
) -> dict:
    """The share (%) of the index's price gain from `start` to `end` that a group of stocks
    (the columns of `closes`) contributed, with each one's weight at `start` backed out of
    its weight on `weighed_on` by holding share counts fixed (a weight moves with the
    stock's price relative to the index's): w(start) = w(on) x (P(start) / P(on)) /
    (I(start) / I(on)); contribution = w(start) x the stock's return. Buybacks and issuance
    between the dates are ignored."""
    day = {
        name: returns.session_on_or_before(index.index, when)
        for name, when in (("on", weighed_on), ("start", start), ("end", end))
    }
    level = index.loc[[day["on"], day["start"], day["end"]]].to_numpy()
    held = closes.reindex(columns=weights_pct.index)
    at = {name: held.loc[when] for name, when in day.items()}
    start_weight = weights_pct * (at["start"] / at["on"]) / (level[1] / level[0])
    stock_return = (at["end"] / at["start"] - 1.0) * 100.0
    contribution = float((start_weight * stock_return).sum() / 100.0)
    index_return = (level[2] / level[1] - 1.0) * 100.0
    return {
        "share_pct": 100.0 * contribution / index_return,
        "contribution_pp": contribution,
        "index_return_pct": index_return,
        "start_weight_pct": float(start_weight.sum()),
        "start": day["start"],
        "end": day["end"],
        "stock_return_pct": stock_return.round(2).to_dict(),
    }


# ---------------------------------------------------------------------------- size deciles


def top_deciles_share(firms: pd.DataFrame, average_size: pd.DataFrame, top_n: int = 1) -> pd.Series:
    """Each month's share (%) of total market cap held by the `top_n` largest of the ten
    Ken French size deciles (firms x average size per decile; columns Lo 10, 2-Dec, ...,
    Hi 10 in size order): how concentrated the market is in its largest firms."""
    deciles = [c for c in firms.columns if c == "Lo 10" or c.endswith("-Dec") or c == "Hi 10"]
    if len(deciles) != 10:
        raise ValidationError(
            f"expected the ten size deciles, found {deciles}",
            "pass the decile columns of Portfolios_Formed_on_ME",
        )
    cap = firms[deciles] * average_size[deciles]
    return (100.0 * cap[deciles[-top_n:]].sum(axis=1) / cap.sum(axis=1)).rename("top_share_pct")


def group_ytd_by(ytd: pd.Series, labels: pd.Series, weights: pd.Series | None = None) -> pd.Series:
    """`group_ytd_pct` of every group `labels` (member -> group, e.g. its GICS sector) forms,
    largest first."""
    groups = labels.reindex(ytd.index).dropna()
    return pd.Series(
        {
            name: group_ytd_pct(ytd.loc[groups.index[groups == name]], weights)
            for name in groups.unique()
        },
        name="ytd_pct",
    ).sort_values(ascending=False)
