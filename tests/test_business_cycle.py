"""Small against large caps by business-cycle phase, on monthly fixtures whose answers are
known by construction."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis import business_cycle as bc
from helpers.errors import ValidationError

# A chronology: first trough 2000-01; a recession after the 2000-06 peak through the 2000-09
# trough (2000-07, 08, 09); another after the 2001-03 peak through the 2001-04 trough.
CYCLES = pd.DataFrame(
    {
        "peak": pd.PeriodIndex([None, "2000-06", "2001-03"], freq="M"),
        "trough": pd.PeriodIndex(["2000-01", "2000-09", "2001-04"], freq="M"),
    }
)
MONTHS = pd.period_range("2000-01", "2001-12", freq="M")
IN_RECESSION = ["2000-07", "2000-08", "2000-09", "2001-04"]


def returns_by_phase(recession: float, expansion: float) -> pd.Series:
    """Monthly percent returns: `recession` in recession months, `expansion` otherwise."""
    flags = MONTHS.strftime("%Y-%m").isin(IN_RECESSION)
    return pd.Series([recession if f else expansion for f in flags], index=MONTHS)


def test_recession_months_run_from_the_month_after_the_peak_through_the_trough():
    flags = bc.recession_months(CYCLES, MONTHS)
    assert list(flags[flags].index.strftime("%Y-%m")) == IN_RECESSION


def test_by_phase_averages_and_counts_each_phase_after_the_first_trough():
    small, large = returns_by_phase(-2.0, 3.0), returns_by_phase(1.0, 1.0)
    table = bc.by_phase(small, large, CYCLES)
    assert list(table.index) == [bc.RECESSION, bc.EXPANSION]
    assert table.loc[bc.RECESSION, "months"] == 4
    assert table.loc[bc.EXPANSION, "months"] == len(MONTHS) - 1 - 4  # 2000-01 is the trough
    assert table.loc[bc.RECESSION, "mean_spread_pp"] == pytest.approx(-3.0)
    assert table.loc[bc.EXPANSION, "mean_spread_pp"] == pytest.approx(2.0)
    assert table.loc[bc.RECESSION, "small_beat_pct"] == 0.0
    assert table.loc[bc.EXPANSION, "small_beat_pct"] == 100.0


def test_after_troughs_compound_the_months_after_each_trough_inside_the_data():
    small, large = returns_by_phase(0.0, 10.0), returns_by_phase(0.0, 0.0)
    table = bc.after_troughs(small, large, CYCLES, months=2)
    # 2000-01's window (2000-02..03) and 2000-09's (2000-10..11) and 2001-04's (2001-05..06)
    assert list(table["anchor"].astype(str)) == ["2000-01", "2000-09", "2001-04"]
    assert table["small_pct"].tolist() == pytest.approx([21.0, 21.0, 21.0])
    assert table["spread_pp"].tolist() == pytest.approx([21.0, 21.0, 21.0])
    longer = bc.after_troughs(small, large, CYCLES, months=9)  # 2001-04 + 9 > 2001-12
    assert list(longer["anchor"].astype(str)) == ["2000-01", "2000-09"]


def test_over_recessions_compound_peak_plus_one_through_the_trough():
    small, large = returns_by_phase(-10.0, 0.0), returns_by_phase(0.0, 0.0)
    table = bc.over_recessions(small, large, CYCLES)
    assert list(table["first"].astype(str)) == ["2000-07", "2001-04"]
    assert list(table["last"].astype(str)) == ["2000-09", "2001-04"]
    assert table["small_pct"].tolist() == pytest.approx([(0.9**3 - 1) * 100, -10.0])


def test_series_without_a_common_month_are_an_error_with_a_fix():
    later = pd.Series(1.0, index=pd.period_range("2010-01", periods=3, freq="M"))
    with pytest.raises(ValidationError, match="share no month"):
        bc.by_phase(returns_by_phase(1.0, 1.0), later, CYCLES)
