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


def test_phase_difference_is_expansion_minus_recession_mean_with_welchs_p():
    small = returns_by_phase(-2.0, 1.0) + pd.Series(range(len(MONTHS)), index=MONTHS) * 0.01
    large = returns_by_phase(0.0, 0.0)
    found = bc.phase_difference(small, large, CYCLES)
    assert found["recession_months"] == 4 and found["expansion_months"] == len(MONTHS) - 5
    assert found["difference_pp"] == pytest.approx(
        found["expansion_mean_pp"] - found["recession_mean_pp"]
    )
    assert found["difference_pp"] > 2.5 and found["p_value"] < 0.01
    with pytest.raises(ValidationError, match="fewer than two months"):
        bc.phase_difference(small.loc[:"2000-06"], large.loc[:"2000-06"], CYCLES)


def test_expansion_around_a_month_runs_trough_to_peak():
    found = bc.expansion_around(CYCLES, "2000-10")
    assert found["trough"] == pd.Period("2000-09", "M") and found["peak"] == pd.Period(
        "2001-03", "M"
    )
    assert found["length_months"] == 6 and found["months_to_peak"] == 5
    going_on = bc.expansion_around(CYCLES, "2001-08")
    assert going_on["peak"] is None and going_on["length_months"] is None
    with pytest.raises(ValidationError, match="no NBER expansion"):
        bc.expansion_around(CYCLES, "2000-08")


def test_peaks_between_include_both_ends():
    assert bc.peaks_between(CYCLES, "2000-06", "2001-02") == [pd.Period("2000-06", "M")]
    assert bc.peaks_between(CYCLES, "2001-05", "2001-12") == []


def test_inflation_is_the_twelve_month_change_and_disinflation_its_fall_from_the_peak():
    months = pd.period_range("2020-01", "2022-12", freq="M")
    # prices flat in 2020, +10 % through 2021, then +5 % over 2022
    level = [100.0] * 12 + [100 * 1.1 ** ((i + 1) / 12) for i in range(12)]
    level += [110 * 1.05 ** ((i + 1) / 12) for i in range(12)]
    inflation = bc.inflation_pct(pd.Series(level, index=months))
    assert inflation.loc[:"2020-12"].isna().all()
    assert inflation.loc["2021-12"] == pytest.approx(10.0)
    assert inflation.loc["2022-12"] == pytest.approx(5.0)
    fell = bc.disinflation(inflation, "2021-01", "2022-12")
    assert fell["peak_month"] == pd.Period("2021-12", "M")
    assert fell["fall_pct_of_peak"] == pytest.approx(50.0)
    with pytest.raises(ValidationError, match="no inflation figure for 2023-06"):
        bc.disinflation(inflation, "2021-01", "2023-06")


def test_recession_spans_cover_the_month_after_the_peak_through_the_trough():
    spans = bc.recession_spans(CYCLES)
    assert spans[0] == (pd.Timestamp("2000-07-01"), pd.Timestamp("2000-09-30"))
    assert len(spans) == 2
