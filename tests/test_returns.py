"""Window returns on small hand-made price series with known answers."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.analysis import returns
from helpers.errors import DateRangeError

DAYS = pd.to_datetime(["2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05", "2026-01-06"])
CLOSES = pd.Series([90.0, 100.0, 104.0, 110.0, 99.0], index=DAYS, name="X")


def test_a_non_trading_date_means_the_last_close_before_it():
    assert returns.close_on_or_before(CLOSES, "2026-01-03") == (pd.Timestamp("2026-01-02"), 104.0)


@pytest.mark.parametrize("date", ["2025-12-29", "2026-01-07"])
def test_dates_outside_the_closes_are_refused(date):
    with pytest.raises(DateRangeError, match="2025-12-30..2026-01-06"):
        returns.close_on_or_before(CLOSES, date)


def test_ytd_starts_from_the_prior_year_end_close():
    assert returns.ytd_pct(CLOSES, "2026-01-05") == pytest.approx(10.0)
    assert returns.year_end_before("2026-01-05") == pd.Timestamp("2025-12-31")


def test_spread_is_the_difference_of_two_window_returns():
    other = CLOSES * pd.Series([1.0, 1.0, 1.0, 0.95, 1.0], index=DAYS)
    expected = 10.0 - (110.0 * 0.95 / 100.0 - 1) * 100
    assert returns.spread_pp(CLOSES, other, "2025-12-31", "2026-01-05") == pytest.approx(expected)


def test_annualized_return_of_a_doubling_over_two_years():
    two_years = pd.Series([1.0, 2.0], index=pd.to_datetime(["2000-01-01", "2001-12-31"]))
    days = (two_years.index[1] - two_years.index[0]).days
    assert returns.annualized_pct(two_years, "2000-01-01", "2001-12-31") == pytest.approx(
        (2 ** (365.25 / days) - 1) * 100
    )
    with pytest.raises(DateRangeError):
        returns.annualized_pct(two_years, "2001-12-31", "2000-01-01")


def test_drawdown_is_zero_at_highs_and_measures_the_fall_from_the_peak():
    assert returns.drawdown_pct(CLOSES).tolist() == pytest.approx([0, 0, 0, 0, -10.0])


@given(st.lists(st.floats(0.5, 2.0), min_size=3, max_size=30))
def test_returns_chain_over_adjacent_windows(factors):
    days = pd.bdate_range("2020-01-01", periods=len(factors) + 1)
    prices = pd.Series([100.0, *(100.0 * pd.Series(factors).cumprod())], index=days)
    middle = days[len(days) // 2]
    whole = 1 + returns.return_pct(prices, days[0], days[-1]) / 100
    parts = (1 + returns.return_pct(prices, days[0], middle) / 100) * (
        1 + returns.return_pct(prices, middle, days[-1]) / 100
    )
    assert whole == pytest.approx(parts)
