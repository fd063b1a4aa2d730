"""Returns over windows of closes: the arithmetic behind YTD, spread and analog claims.

Every function takes one price Series (DatetimeIndex of trading days, closes) and dates given
as ISO strings or Timestamps. A date that is not a trading day means the last close on or
before it ("the 2025-12-31 close"); a date before the first close or after the last one is a
DateRangeError, never a silent extrapolation. Results are in percent (8.0 means 8 %), the unit
the ledger's claims use.
"""

from __future__ import annotations

import pandas as pd

from helpers.errors import DateRangeError


def close_on_or_before(prices: pd.Series, date: str | pd.Timestamp) -> tuple[pd.Timestamp, float]:
    """The last (date, close) on or before `date`."""
    closes = prices.dropna()
    when = pd.Timestamp(date)
    if closes.empty or when < closes.index[0] or when > closes.index[-1]:
        span = "no data" if closes.empty else f"{closes.index[0].date()}..{closes.index[-1].date()}"
        raise DateRangeError(
            f"{when.date()} is outside the closes of {prices.name or 'the series'} ({span})",
            "pick a date inside the data, or load a source that covers it",
        )
    position = closes.index.searchsorted(when, side="right") - 1
    return closes.index[position], float(closes.iloc[position])


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
