"""What happened after earlier small-cap episodes: the arithmetic behind the analog claims.

The articles argue from history: after a given date (a crash, an election, the end of a long
run of small-cap wins) small caps went on to gain, or to lead, or not. Each such claim is a
window of closes, so everything here builds on `helpers.analysis.returns` (window returns in
percent, a non-trading date read as the last close on or before it) and
`helpers.analysis.streaks` (runs).
Windows are measured in sessions ("756 sessions later") on the series' own trading calendar,
or in calendar years ("the decade after") ending on the last close on or before the date.
Functions are pure: price Series in, numbers or small frames out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import numpy as np
import pandas as pd

from helpers.analysis import returns, streaks
from helpers.errors import DateRangeError, EmptySampleError

Date: TypeAlias = str | pd.Timestamp


def session_after(prices: pd.Series, start: Date, sessions: int) -> pd.Timestamp:
    """The trading day `sessions` closes after the close on or before `start`.

    "756 sessions later" counts closes the series actually has, so holidays never shorten
    the window; past the last close is a DateRangeError, not a silently shorter window.
    """
    closes = prices.dropna()
    first_day, _ = returns.close_on_or_before(closes, start)
    position = closes.index.get_loc(first_day) + sessions
    if position >= len(closes):
        raise DateRangeError(
            f"{sessions} sessions after {first_day.date()} is past the last close of "
            f"{prices.name or 'the series'} ({closes.index[-1].date()})",
            "use a shorter window or a series that runs later",
        )
    return closes.index[position]


def years_after(prices: pd.Series, start: Date, years: int) -> pd.Timestamp:
    """The last close on or before `years` calendar years after the close at `start`."""
    first_day, _ = returns.close_on_or_before(prices, start)
    last_day, _ = returns.close_on_or_before(prices, first_day + pd.DateOffset(years=years))
    return last_day


def annualized_spread_pp(a: pd.Series, b: pd.Series, start: Date, end: Date) -> float:
    """A's compound annual return minus B's over the same window, in pp per year: the
    yardstick for "beat over several years", which a raw spread overstates for long windows."""
    return returns.annualized_pct(a, start, end) - returns.annualized_pct(b, start, end)


def window_summary(a: pd.Series, b: pd.Series, start: Date, end: Date) -> dict:
    """Both returns over one window, their spread, and the same per year.

    Dates used are A's closes on or before the dates asked; the window's length is given in
    sessions of A and in years, so a reader can see what "a year" or "a decade" became.
    """
    start_used, _ = returns.close_on_or_before(a, start)
    end_used, _ = returns.close_on_or_before(a, end)
    return {
        "start": start_used,
        "end": end_used,
        "sessions": int(a.loc[start_used:end_used].dropna().size - 1),
        "years": round((end_used - start_used).days / 365.25, 2),
        "return_a": returns.return_pct(a, start, end),
        "return_b": returns.return_pct(b, start, end),
        "spread_pp": returns.spread_pp(a, b, start, end),
        "annualized_a": returns.annualized_pct(a, start, end),
        "annualized_b": returns.annualized_pct(b, start, end),
        "annualized_spread_pp": annualized_spread_pp(a, b, start, end),
    }


def analog_table(
    a: pd.Series, b: pd.Series, windows: Mapping[str, tuple[Date, Date]]
) -> pd.DataFrame:
    """`window_summary` for each labelled (start, end) window, one row per label."""
    rows = {label: window_summary(a, b, start, end) for label, (start, end) in windows.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def first_run_ending_from(
    runs: pd.DataFrame, min_length: int, leader: str, date: Date
) -> pd.Series | None:
    """The earliest run by `leader` of at least `min_length` sessions that ended on or after
    `date`; None if there is none.

    When an article dates a run to a month in which the data shows no run that long, this
    is the nearest real run at or after that month, found the same way as every other run.
    """
    later = streaks.runs_at_least(runs, min_length, leader, start=date)
    return None if later.empty else later.iloc[0]


def relative_path(a: pd.Series, b: pd.Series, start: Date, sessions: int) -> pd.Series:
    """A/B rebased to 100 at the close on or before `start`, for the next `sessions` sessions,
    indexed by sessions since the start (0, 1, ...): paths from different years then share an
    x axis. Above 100 means A has outperformed B since the start. Cut at the data's end."""
    ratio = pd.concat([a, b], axis=1, join="inner").dropna()
    ratio = ratio.iloc[:, 0] / ratio.iloc[:, 1]
    first_day, base = returns.close_on_or_before(ratio, start)
    path = ratio.loc[first_day:].iloc[: sessions + 1] / base * 100.0
    return pd.Series(path.to_numpy(), index=pd.RangeIndex(len(path), name="session"))


def relative_paths(
    a: pd.Series, b: pd.Series, starts: Mapping[str, Date], sessions: int
) -> pd.DataFrame:
    """`relative_path` from each labelled start, one column per label."""
    return pd.DataFrame(
        {label: relative_path(a, b, start, sessions) for label, start in starts.items()}
    )


def january_spreads(a: pd.Series, b: pd.Series, first_year: int, last_year: int) -> pd.DataFrame:
    """Each January's price return of A and B (prior year's last close to January's last
    close) and A minus B in pp, one row per year: the sample behind "the January effect"."""
    return month_spreads(a, b, 1, first_year, last_year)


def month_spreads(
    a: pd.Series, b: pd.Series, month: int, first_year: int, last_year: int
) -> pd.DataFrame:
    """One calendar month's price return of A and B each year (the previous month's last
    close to the month's last close) and A minus B in pp, one row per year: the sample
    behind a seasonal claim (a January effect, a December tax-loss footprint)."""
    rows = {}
    for year in range(first_year, last_year + 1):
        end = pd.Period(year=year, month=month, freq="M")
        start, last = (end - 1).end_time.normalize(), end.end_time.normalize()
        rows[year] = {
            "return_a": returns.return_pct(a, start, last),
            "return_b": returns.return_pct(b, start, last),
            "spread_pp": returns.spread_pp(a, b, start, last),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "year"
    return table


def percentile_rank(value: float, sample: pd.Series) -> float:
    """Where `value` falls in `sample`, 0-100: percent of the sample below it, ties counted
    half, so the median of the sample itself ranks 50 and the rank does not depend on
    whether equal values are counted as above or below."""
    values = np.asarray(sample, dtype=float)
    if values.size == 0:
        raise EmptySampleError(
            "a percentile rank was asked of an empty sample",
            "pass a sample with at least one value (check the window against the data)",
        )
    below = np.sum(values < value)
    equal = np.sum(values == value)
    return float((below + 0.5 * equal) / values.size * 100.0)


def largest_drawdown(prices: pd.Series, start: Date, end: Date) -> dict:
    """The deepest fall from a peak to a later trough, both inside [start, end].

    The peak is the highest close in the window before the trough, so a slide that began
    before the window is measured only from where the window picks it up.
    """
    window = prices.dropna().loc[start:end]
    if window.empty:
        raise DateRangeError(
            f"no closes of {prices.name or 'the series'} in {start}..{end}",
            "pick a window inside the data",
        )
    drawdown = returns.drawdown_pct(window)
    trough = drawdown.idxmin()
    peak = window.loc[:trough].idxmax()
    return {
        "peak": peak,
        "peak_close": float(window[peak]),
        "trough": trough,
        "trough_close": float(window[trough]),
        "drawdown_pct": float(drawdown[trough]),
    }


def return_correlation(a: pd.Series, b: pd.Series, start: Date, end: Date) -> float:
    """Correlation of daily close-to-close returns dated inside [start, end] (days both
    traded; the first return spans the last close before `start`)."""
    window = streaks.pair_returns(a, b).loc[start:end]
    return float(window["a"].corr(window["b"]))


def yearly_correlation(a: pd.Series, b: pd.Series) -> pd.Series:
    """The daily-return correlation within each calendar year: shows how much a single
    multi-year figure hides (correlations rise in sell-offs)."""
    daily = streaks.pair_returns(a, b)
    by_year = daily.groupby(daily.index.year)
    return by_year.apply(lambda year: year["a"].corr(year["b"])).rename("correlation")


def compounded_pct(monthly_pct: pd.Series, first: str, last: str) -> float:
    """Total of monthly percent returns (e.g. Ken French portfolios, dividends included)
    compounded over the months `first`..`last` inclusive ("YYYY-MM")."""
    months = monthly_pct.loc[first:last].dropna()
    if months.empty:
        raise DateRangeError(
            f"no monthly returns in {first}..{last}", "pick months inside the data"
        )
    return float(((1 + months / 100.0).prod() - 1) * 100.0)


def returns_after(
    a: pd.Series, b: pd.Series, anchor: Date, sessions: int = 756, years: int = 10
) -> dict:
    """What followed `anchor`: A's return over the next `sessions` sessions, and A's annual
    return and A-minus-B per year over the next `years` calendar years. A window that runs
    past the data is None (not a shorter window), so competing anchors compare fairly."""
    result: dict = {"anchor": returns.close_on_or_before(a, anchor)[0]}
    try:
        end = session_after(a, anchor, sessions)
        result.update(sessions_end=end, return_a=returns.return_pct(a, anchor, end))
    except DateRangeError:
        result.update(sessions_end=None, return_a=None)
    end = result["anchor"] + pd.DateOffset(years=years)
    if end > a.dropna().index[-1]:
        result.update(years_end=None, annualized_a=None, annualized_spread_pp=None)
    else:
        result.update(
            years_end=years_after(a, anchor, years),
            annualized_a=returns.annualized_pct(a, anchor, end),
            annualized_spread_pp=annualized_spread_pp(a, b, anchor, end),
        )
    return result


def whole_months(windows: Mapping[str, tuple[Date, Date]]) -> dict[str, tuple[str, str]]:
    """Daily windows (start close, end close) as the ("YYYY-MM", "YYYY-MM") months a monthly
    file can measure: from the month after the start's month through the end's month. A
    window that starts on a month's last close loses nothing; one that starts mid-month
    drops the rest of that month."""
    return {
        label: (
            (pd.Period(pd.Timestamp(start), "M") + 1).strftime("%Y-%m"),
            pd.Period(pd.Timestamp(end), "M").strftime("%Y-%m"),
        )
        for label, (start, end) in windows.items()
    }


def monthly_analog_table(
    monthly_pct: pd.DataFrame, small: str, large: str, windows: Mapping[str, tuple[str, str]]
) -> pd.DataFrame:
    """Window returns from monthly percent returns (Ken French size portfolios include
    dividends): small, large, small minus large, and that spread per year, one row per
    labelled ("YYYY-MM", "YYYY-MM") window. The total-return cross-check of price windows."""
    rows = {}
    for label, (first, last) in windows.items():
        small_pct = compounded_pct(monthly_pct[small], first, last)
        large_pct = compounded_pct(monthly_pct[large], first, last)
        years = (pd.Period(last, "M") - pd.Period(first, "M")).n / 12 + 1 / 12
        rows[label] = {
            "months": round(years * 12),
            "return_small": small_pct,
            "return_large": large_pct,
            "spread_pp": small_pct - large_pct,
            "annualized_spread_pp": ((1 + small_pct / 100) ** (1 / years) - 1) * 100
            - ((1 + large_pct / 100) ** (1 / years) - 1) * 100,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def monthly_january_spreads(
    monthly_pct: pd.DataFrame, small: str, large: str, first_year: int, last_year: int
) -> pd.Series:
    """Small minus large January return (pp) per year, from monthly percent returns."""
    return monthly_month_spreads(monthly_pct, small, large, 1, first_year, last_year)


def monthly_month_spreads(
    monthly_pct: pd.DataFrame, small: str, large: str, month: int, first_year: int, last_year: int
) -> pd.Series:
    """Small minus large return (pp) in one calendar month of each year, from monthly
    percent returns."""
    months = monthly_pct.loc[f"{first_year}-01" : f"{last_year}-12"]
    months = months.loc[months.index.month == month]
    spread = months[small] - months[large]
    return pd.Series(spread.to_numpy(), index=months.index.year, name="spread_pp")


def run_candidates(
    margin: pd.Series, as_of: Date, length: int, named_month: Date, a: str = "A", b: str = "B"
) -> dict:
    """The runs an article's "the last run this long was in MONTH YEAR" could mean.

    - precedent: what the "last time" rule finds (the most recent run by `a` of `length`+
      sessions that ended before the run in force on `as_of` began);
    - in_named_year: every run that long in the year of `named_month`;
    - nearest_from_named_month: the first run that long ending on or after `named_month`,
      the closest real anchor when the named year has none.
    An analog window then starts from a run the data has, never from a typed date.
    """
    runs = streaks.run_table(margin, a, b)
    current = streaks.streak_on(margin, as_of, a, b)
    named = pd.Timestamp(named_month)
    return {
        "precedent": streaks.last_run_before(runs, current.start, length, a),
        "in_named_year": streaks.runs_at_least(
            runs, length, a, f"{named.year}-01-01", f"{named.year}-12-31"
        ),
        "nearest_from_named_month": first_run_ending_from(runs, length, a, named),
    }


# ------------------------------------------------------------------ the January effect, tested


def binomial_p(wins: int, total: int) -> float:
    """Exact two-sided binomial test of `wins` of `total` against a coin (p = 0.5)."""
    from scipy.stats import binomtest

    if total <= 0 or not 0 <= wins <= total:
        raise EmptySampleError(
            f"{wins} wins of {total} is not a sample to test",
            "count wins among at least one period, no more wins than periods",
        )
    return float(binomtest(wins, total, 0.5, alternative="two-sided").pvalue)


def sharpe_difference_p(first: pd.Series, second: pd.Series) -> float:
    """Two-sided p-value that two return series on the same days have equal Sharpe ratios:
    the Jobson-Korkie test with Memmel's (2003) correction, on daily (not annualized) ratios."""
    from scipy.stats import norm

    joined = pd.concat([first, second], axis=1).dropna()
    a, b = joined.iloc[:, 0], joined.iloc[:, 1]
    n = len(joined)
    sr_a, sr_b = a.mean() / a.std(), b.mean() / b.std()
    rho = float(np.corrcoef(a, b)[0, 1])
    variance = (2 - 2 * rho + 0.5 * (sr_a**2 + sr_b**2 - 2 * sr_a * sr_b * rho**2)) / n
    if variance <= 0:
        return 1.0
    return float(2 * norm.sf(abs(sr_a - sr_b) / np.sqrt(variance)))


# ------------------------------------------------------------------ what followed earlier runs


def spreads_after_runs(
    a: pd.Series,
    b: pd.Series,
    runs: pd.DataFrame,
    before: Date,
    length: int,
    sessions: int,
    leader: str,
) -> pd.DataFrame:
    """Each earlier run of at least `length` sessions by `leader` that ended before `before`,
    with A's minus B's price return (pp) over the `sessions` closes after the run's last
    session. Episodes, not runs: a run that starts inside the window of the previous counted
    run is skipped (its outcome would be counted twice), and a run whose window passes the
    last close is left out. Columns start, end, length, window_end, spread_pp."""
    closes = pd.concat([a, b], axis=1, join="inner").dropna()
    earlier = streaks.runs_at_least(runs, length, leader)
    earlier = earlier.loc[earlier["end"] < pd.Timestamp(before)]
    rows, window_end = [], None
    for run in earlier.itertuples(index=False):
        if window_end is not None and run.start <= window_end:
            continue
        position = closes.index.get_loc(run.end) + sessions
        if position >= len(closes):
            continue
        window_end = closes.index[position]
        rows.append(
            {
                "start": run.start,
                "end": run.end,
                "length": int(run.length),
                "window_end": window_end,
                "spread_pp": returns.spread_pp(
                    closes.iloc[:, 0], closes.iloc[:, 1], run.end, window_end
                ),
            }
        )
    return pd.DataFrame(rows, columns=["start", "end", "length", "window_end", "spread_pp"])
