"""Returns over windows of closes: the arithmetic behind YTD, spread and analog claims.

Every function takes one price Series (DatetimeIndex of trading days, closes) and dates given
as ISO strings or Timestamps. A date that is not a trading day means the last close on or
before it ("the 2025-12-31 close"); a date before the first close or after the last one is a
DateRangeError, never a silent extrapolation. Results are in percent (8.0 means 8 %), the unit
the ledger's claims use.
"""

from __future__ import annotations

import pandas as pd

from helpers.errors import DateRangeError, EmptySampleError


def session_on_or_before(
    index: pd.DatetimeIndex, date: str | pd.Timestamp, what: str = "the sessions"
) -> pd.Timestamp:
    """The one definition of "the session on or before a date": the last date of a sorted
    `index` that is not after `date`. A date before the first or after the last session is
    outside the data (DateRangeError naming `what` and its span), never read as the edge."""
    when = pd.Timestamp(date)
    if len(index) == 0 or when < index[0] or when > index[-1]:
        span = "no data" if len(index) == 0 else f"{index[0].date()}..{index[-1].date()}"
        raise DateRangeError(
            f"{when.date()} is outside {what} ({span})",
            "pick a date inside the data, or load a source that covers it",
        )
    return index[index.searchsorted(when, side="right") - 1]


def close_on_or_before(prices: pd.Series, date: str | pd.Timestamp) -> tuple[pd.Timestamp, float]:
    """The last (date, close) on or before `date`, skipping missing closes."""
    closes = prices.dropna()
    day = session_on_or_before(closes.index, date, f"the closes of {prices.name or 'the series'}")
    return day, float(closes.loc[day])


def return_pct(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp) -> float:
    """Percent change from the close at `start` to the close at `end`."""
    _, first = close_on_or_before(prices, start)
    _, last = close_on_or_before(prices, end)
    return (last / first - 1.0) * 100.0


def year_end_before(as_of: str | pd.Timestamp) -> pd.Timestamp:
    """December 31 of the year before `as_of`: the base of a year-to-date return."""
    return pd.Timestamp(year=pd.Timestamp(as_of).year - 1, month=12, day=31)


def ytd_pct(prices: pd.Series, as_of: str | pd.Timestamp) -> float:
    """Year-to-date price return: last close of the prior year to the close at `as_of`."""
    return return_pct(prices, year_end_before(as_of), as_of)


def spread_pp(
    a: pd.Series, b: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp
) -> float:
    """A's return minus B's over the same window, in percentage points."""
    return return_pct(a, start, end) - return_pct(b, start, end)


def annualized_pct(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp) -> float:
    """Compound annual growth rate between two closes, using the calendar days between them."""
    first_day, first = close_on_or_before(prices, start)
    last_day, last = close_on_or_before(prices, end)
    years = (last_day - first_day).days / 365.25
    if years <= 0:
        raise DateRangeError(
            f"cannot annualize over {first_day.date()}..{last_day.date()}",
            "give an end date later than the start date",
        )
    return ((last / first) ** (1.0 / years) - 1.0) * 100.0


def drawdown_pct(prices: pd.Series) -> pd.Series:
    """Percent below the running maximum close, at each close (0 at a new high)."""
    return (prices / prices.cummax() - 1.0) * 100.0


def share_above(values: pd.Series, threshold: float = 0.0) -> float:
    """Percent of values strictly above `threshold` (a tie is not a win)."""
    if values.empty:
        raise EmptySampleError(
            "a share was asked of no values", "pass a window that holds at least one value"
        )
    return float((values > threshold).mean() * 100.0)
