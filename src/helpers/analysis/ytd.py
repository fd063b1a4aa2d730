"""Year-to-date arithmetic: YTD paths, run-window gains, same-session starts compared across
years, record highs and the RSI.

Built on `helpers.analysis.returns` (percent units; a non-trading date means the last close on
or before it). Pure: plain price Series in, numbers out, so each rule can be tested on a
handful of hand-made closes (`helpers.measures.returns` reads the files a row names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from helpers.analysis import returns
from helpers.errors import DateRangeError, RuleError, ValidationError

# ------------------------------------------------------------------ tables as closes


def dated_column(table: pd.DataFrame, column: str, name: str | None = None) -> pd.Series:
    """One numeric column of a plain snapshot table (a `Date` column, not an index) as a
    dated Series, empty cells dropped, so `helpers.analysis.returns` can use it like any close."""
    if "Date" not in table or column not in table:
        raise ValidationError(
            f"the table has columns {list(table.columns)}, not Date and {column!r}",
            "pass a price table with a Date column and the column asked for",
        )
    index = pd.DatetimeIndex(pd.to_datetime(table["Date"]), name="Date")
    series = pd.Series(table[column].to_numpy(dtype=float), index=index, name=name or column)
    return series.dropna().sort_index()


# ------------------------------------------------------------------ YTD and window returns


def ytd_path(prices: pd.Series, end: str | pd.Timestamp) -> pd.Series:
    """YTD return (percent) at every close from the prior year-end close (0) to `end`: the
    path a YTD figure sits on, so a chart shows how much it moved around a claim's date."""
    base_day, base = returns.close_on_or_before(prices, returns.year_end_before(end))
    end_day, _ = returns.close_on_or_before(prices, end)
    closes = prices.dropna().loc[base_day:end_day]
    return (closes / base - 1.0) * 100.0


def ytd_table(series: Mapping[str, pd.Series], dates: Sequence[str | pd.Timestamp]) -> pd.DataFrame:
    """YTD percent of each labelled series (rows) at each date (columns): the same figure
    on several files or bases side by side."""
    rows = {label: [returns.ytd_pct(s, d) for d in dates] for label, s in series.items()}
    columns = [pd.Timestamp(d).date().isoformat() for d in dates]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def change_pct(
    series: Sequence[pd.Series], start: str | pd.Timestamp, end: str | pd.Timestamp
) -> float:
    """A ledger row's measure over a window: with one series its return (percent), with two
    the first's return minus the second's (pp), in the order the row lists them."""
    if len(series) == 1:
        return returns.return_pct(series[0], start, end)
    if len(series) == 2:
        return returns.spread_pp(series[0], series[1], start, end)
    raise ValidationError(
        f"{len(series)} series given; a return takes one and a spread two",
        "pass the series the ledger row lists",
    )


def previous_session(index: pd.DatetimeIndex, day: str | pd.Timestamp) -> pd.Timestamp:
    """The session before `day` in `index`: the base close of a window whose first
    session is `day`."""
    position = index.searchsorted(pd.Timestamp(day), side="left")
    if position == 0:
        raise DateRangeError(
            f"no session before {pd.Timestamp(day).date()} in the data",
            "load closes that start earlier",
        )
    return index[position - 1]


def largest_gain_into(
    prices: pd.Series, end: str | pd.Timestamp, lookback: int
) -> tuple[float, pd.Timestamp]:
    """The largest return (percent) into the close at `end` from any of the `lookback`
    closes before it, and the date of that base close: the most favourable short window
    ending at `end`."""
    end_day, last = returns.close_on_or_before(prices, end)
    before = prices.dropna().loc[:end_day].iloc[:-1].iloc[-lookback:]
    if len(before) < lookback:
        raise DateRangeError(
            f"only {len(before)} closes before {end_day.date()}, {lookback} asked",
            "load a longer history or shorten the lookback",
        )
    return (last / before.min() - 1.0) * 100.0, before.idxmin()


def first_loss_pair_end(prices: pd.Series, year: int) -> pd.Timestamp | None:
    """The second session of the first two back-to-back down closes dated in `year` (None
    if there is none yet). The year's first session counts as a loss when it closed below
    the prior year's last close."""
    closes = prices.dropna()
    daily = closes.pct_change().loc[str(year)]
    down = daily < 0
    pairs = down & down.shift(1, fill_value=False)
    return pairs.index[pairs.to_numpy()][0] if pairs.any() else None


# ------------------------------------------------------------------ starts compared across years


def sessions_to_date(index: pd.DatetimeIndex, as_of: str | pd.Timestamp) -> int:
    """How many sessions of `as_of`'s year are in `index` up to and including `as_of`."""
    when = pd.Timestamp(as_of)
    in_year = index[(index.year == when.year) & (index <= when)]
    return len(in_year)


def start_of_year_returns(
    prices: pd.Series, sessions: int, first_year: int, last_year: int
) -> pd.Series:
    """Each year's price return over its first `sessions` sessions (prior year-end close
    to the `sessions`-th close), by year: a start compared with starts of the same length."""
    closes = prices.dropna()
    results = {}
    for year in range(first_year, last_year + 1):
        before = closes.loc[: f"{year - 1}-12-31"]
        during = closes.loc[closes.index.year == year]
        if before.empty or len(during) < sessions:
            raise DateRangeError(
                f"{prices.name or 'the series'} lacks a {year - 1} year-end close or "
                f"{sessions} sessions of {year}",
                "narrow the years compared to those the data covers",
            )
        results[year] = (during.iloc[sessions - 1] / before.iloc[-1] - 1.0) * 100.0
    return pd.Series(results, name=f"first {sessions} sessions, %").rename_axis("year")


def start_of_year_spreads(
    a: pd.Series, b: pd.Series, sessions: int, first_year: int, last_year: int
) -> pd.Series:
    """A's start minus B's start (pp) per year, both counted on the sessions both traded,
    so "the first N sessions" are the same days for both."""
    both = pd.concat({"a": a.dropna(), "b": b.dropna()}, axis=1, join="inner")
    spread = start_of_year_returns(
        both["a"], sessions, first_year, last_year
    ) - start_of_year_returns(both["b"], sessions, first_year, last_year)
    return spread.rename(f"first {sessions} sessions, pp")


def rank_of(values: pd.Series, key: object) -> int:
    """Rank of `values[key]` among all values, 1 = highest; a tie shares the better rank."""
    return int((values > values[key]).sum()) + 1


def years_since_as_good(values: pd.Series, year: int) -> int:
    """Years from the latest earlier year whose value was at least `values[year]` to `year`.

    If no earlier year was as good, the whole span compared (year - first year + 1): the
    start is the best on record, and the figure is a lower bound.
    """
    earlier = values.loc[values.index < year]
    as_good = earlier.index[earlier >= values[year]]
    return year - (as_good.max() if len(as_good) else values.index.min() - 1)


# ------------------------------------------------------------------ highs


def window_first_session(
    index: pd.DatetimeIndex, end: str | pd.Timestamp, sessions: int
) -> pd.Timestamp:
    """The first session of the `sessions` sessions ending at `end` (inclusive)."""
    position = index.searchsorted(pd.Timestamp(end), side="right")
    if position < sessions:
        raise DateRangeError(
            f"fewer than {sessions} sessions up to {pd.Timestamp(end).date()}",
            "load a longer history or shorten the window",
        )
    return index[position - sessions]


def new_highs(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.Series:
    """Closes from `start` to `end` that were strictly above every earlier close (all-time
    highs when made): empty when the window set no record."""
    closes = prices.dropna()
    earlier_max = closes.cummax().shift(1)
    records = closes[closes > earlier_max]
    return records.loc[pd.Timestamp(start) : pd.Timestamp(end)]


def highest_close(
    prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp
) -> tuple[pd.Timestamp, float]:
    """The (date, close) of the highest close from `start` to `end`."""
    window = prices.dropna().loc[pd.Timestamp(start) : pd.Timestamp(end)]
    if window.empty:
        raise DateRangeError(
            f"no closes from {pd.Timestamp(start).date()} to {pd.Timestamp(end).date()}",
            "pick a window inside the data",
        )
    return window.idxmax(), float(window.max())


# ------------------------------------------------------------------ overbought


RSI_METHODS = ("wilder_rsi", "sma_rsi")


def rsi(closes: pd.Series, sessions: int = 14, method: str = "wilder_rsi") -> pd.Series:
    """The relative strength index (0-100) of closes: 100 - 100 / (1 + mean gain / mean loss)
    over `sessions` close-to-close moves. `wilder_rsi` averages by Wilder's smoothing (an
    exponential mean with weight 1/sessions, the usual charting definition); `sma_rsi` by a
    plain rolling mean (Cutler's variant). NaN until `sessions` moves exist; 100 when the
    window has gains and no loss."""
    if method not in RSI_METHODS:
        raise RuleError(
            f"RSI method {method!r} is not one of {RSI_METHODS}",
            "set the row's `method:` to wilder_rsi or sma_rsi in data/claims.yaml",
        )
    moves = closes.dropna().diff().iloc[1:]
    gains, losses = moves.clip(lower=0.0), -moves.clip(upper=0.0)
    if method == "wilder_rsi":
        mean_gain = gains.ewm(alpha=1.0 / sessions, adjust=False, min_periods=sessions).mean()
        mean_loss = losses.ewm(alpha=1.0 / sessions, adjust=False, min_periods=sessions).mean()
    else:
        mean_gain = gains.rolling(sessions, min_periods=sessions).mean()
        mean_loss = losses.rolling(sessions, min_periods=sessions).mean()
    value = 100.0 - 100.0 / (1.0 + mean_gain / mean_loss)
    return value.where(mean_loss > 0, 100.0).where(mean_gain.notna())
