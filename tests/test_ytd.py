"""YTD, run-window, start-of-year and record-high rules on small hand-made closes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import data
from helpers.analysis import returns, ytd
from helpers.errors import DateRangeError, RuleError, ValidationError

DAYS = pd.to_datetime(
    ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05", "2026-01-06"]
)
CLOSES = pd.Series([120.0, 90.0, 100.0, 95.0, 94.0, 110.0], index=DAYS, name="X")


def yearly_closes(starts: dict[int, list[float]]) -> pd.Series:
    """Closes on the first business days of each year, preceded by a Dec-31 base of 100."""
    pieces = []
    for year, path in starts.items():
        base = pd.Series([100.0], index=[pd.Timestamp(year - 1, 12, 31)])
        days = pd.bdate_range(f"{year}-01-02", periods=len(path))
        pieces += [base, pd.Series(path, index=days)]
    return pd.concat(pieces).sort_index().rename("Y")


# ------------------------------------------------------------------ tables as closes


def test_dated_column_turns_a_plain_table_into_a_dated_series():
    table = pd.DataFrame(
        {"Date": ["2026-01-05", "2026-01-02", "2026-01-06"], "Adj Close": [2.0, 1.0, None]}
    )
    series = ytd.dated_column(table, "Adj Close", "RSP")
    assert series.name == "RSP"
    assert series.to_dict() == {pd.Timestamp("2026-01-02"): 1.0, pd.Timestamp("2026-01-05"): 2.0}
    with pytest.raises(ValidationError, match="Close"):
        ytd.dated_column(table, "Close")


# ------------------------------------------------------------------ YTD and windows


def test_ytd_path_starts_at_zero_on_the_year_end_close_and_ends_at_the_ytd():
    path = ytd.ytd_path(CLOSES, "2026-01-05")
    assert path.index[0] == pd.Timestamp("2025-12-31")
    assert path.tolist() == pytest.approx([0.0, -5.0, -6.0])
    assert path.iloc[-1] == pytest.approx(returns.ytd_pct(CLOSES, "2026-01-05"))


def test_ytd_table_puts_labels_in_rows_and_dates_in_columns():
    table = ytd.ytd_table({"x": CLOSES, "double": CLOSES * 2}, ["2026-01-02", "2026-01-06"])
    assert list(table.columns) == ["2026-01-02", "2026-01-06"]
    assert table.loc["x"].tolist() == pytest.approx([-5.0, 10.0])
    assert table.loc["double"].tolist() == pytest.approx(table.loc["x"].tolist())


def test_change_is_a_return_for_one_series_and_a_spread_for_two():
    assert ytd.change_pct([CLOSES], "2025-12-31", "2026-01-06") == pytest.approx(10.0)
    flat = CLOSES * 0 + 1
    assert ytd.change_pct([CLOSES, flat], "2025-12-31", "2026-01-06") == pytest.approx(10.0)
    assert ytd.change_pct([flat, CLOSES], "2025-12-31", "2026-01-06") == pytest.approx(-10.0)
    with pytest.raises(ValidationError, match="3 series"):
        ytd.change_pct([CLOSES] * 3, "2025-12-31", "2026-01-06")


def test_a_run_return_starts_from_the_close_before_its_first_session():
    assert ytd.previous_session(CLOSES.index, "2026-01-02") == pd.Timestamp("2025-12-31")
    base = ytd.previous_session(CLOSES.index, "2026-01-02")
    assert ytd.change_pct([CLOSES], base, "2026-01-06") == pytest.approx(10.0)
    with pytest.raises(DateRangeError):
        ytd.previous_session(CLOSES.index, "2025-12-29")


def test_largest_gain_uses_the_lowest_of_the_lookback_closes():
    gain, base = ytd.largest_gain_into(CLOSES, "2026-01-06", lookback=4)
    assert (gain, base) == (pytest.approx(110 / 90 * 100 - 100), pd.Timestamp("2025-12-30"))
    gain, base = ytd.largest_gain_into(CLOSES, "2026-01-06", lookback=2)
    assert base == pd.Timestamp("2026-01-05")
    with pytest.raises(DateRangeError, match="only 5 closes"):
        ytd.largest_gain_into(CLOSES, "2026-01-06", lookback=6)


def test_the_first_loss_pair_must_lie_inside_the_year():
    # 2025-12-30 fell, 2025-12-31 rose; 2026-01-02 and -05 fell: the pair ends on 01-05.
    assert ytd.first_loss_pair_end(CLOSES, 2026) == pd.Timestamp("2026-01-05")
    # 2025's only fall (12-30) has no falling neighbour inside 2025.
    assert ytd.first_loss_pair_end(CLOSES, 2025) is None


def test_a_loss_across_new_year_counts_only_with_a_second_one_in_the_year():
    closes = pd.Series([100.0, 99.0, 98.0, 99.0], index=DAYS[1:5])
    # 12-31 and 01-02 both fell, but 12-31 is a 2025 loss: no 2026 pair yet.
    assert ytd.first_loss_pair_end(closes, 2026) is None


# ------------------------------------------------------------------ starts across years


def test_sessions_to_date_counts_only_the_as_of_year():
    assert ytd.sessions_to_date(CLOSES.index, "2026-01-05") == 2
    assert ytd.sessions_to_date(CLOSES.index, "2026-01-04") == 1


def test_start_of_year_returns_use_the_nth_session_of_each_year():
    closes = yearly_closes({2024: [101.0, 104.0, 90.0], 2025: [99.0, 102.0, 130.0]})
    starts = ytd.start_of_year_returns(closes, 2, 2024, 2025)
    assert starts.to_dict() == {2024: pytest.approx(4.0), 2025: pytest.approx(2.0)}
    with pytest.raises(DateRangeError, match="2022 year-end close or 2 sessions of 2023"):
        ytd.start_of_year_returns(closes, 2, 2023, 2025)
    with pytest.raises(DateRangeError, match="4 sessions"):
        ytd.start_of_year_returns(closes, 4, 2024, 2025)


def test_start_spreads_count_sessions_on_the_days_both_traded():
    a = yearly_closes({2025: [110.0, 120.0, 130.0]})
    b = yearly_closes({2025: [100.0, 100.0, 105.0]})
    b_missing_day = b.drop(b.index[2])  # B did not trade on A's 2nd session
    assert ytd.start_of_year_spreads(a, b, 2, 2025, 2025)[2025] == pytest.approx(20.0)
    assert ytd.start_of_year_spreads(a, b_missing_day, 2, 2025, 2025)[2025] == pytest.approx(25.0)


def test_rank_counts_strictly_better_values_and_ties_share_a_rank():
    values = pd.Series({2020: 5.0, 2021: 9.0, 2022: 5.0, 2023: 1.0})
    assert [ytd.rank_of(values, y) for y in values.index] == [2, 1, 2, 4]


def test_years_since_as_good_finds_the_latest_earlier_year_at_least_as_good():
    values = pd.Series({2010: 9.0, 2015: 6.0, 2020: 6.0, 2022: 2.0, 2026: 6.0})
    assert ytd.years_since_as_good(values, 2026) == 6  # 2020 equals it
    assert ytd.years_since_as_good(values, 2022) == 2
    # Best on record: the whole span compared is the (lower-bound) answer.
    assert ytd.years_since_as_good(values, 2010) == 1
    record = pd.Series({2015: 3.0, 2020: 4.0, 2026: 6.0})
    assert ytd.years_since_as_good(record, 2026) == 2026 - 2015 + 1


@given(st.lists(st.floats(-20, 20), min_size=2, max_size=40), st.data())
def test_rank_one_is_exactly_the_maximum(values, draw):
    series = pd.Series(values, index=range(1990, 1990 + len(values)))
    year = draw.draw(st.sampled_from(list(series.index)))
    assert (ytd.rank_of(series, year) == 1) == (series[year] == series.max())


# ------------------------------------------------------------------ highs


def test_window_first_session_counts_back_inclusively():
    assert ytd.window_first_session(CLOSES.index, "2026-01-06", 3) == pd.Timestamp("2026-01-02")
    assert ytd.window_first_session(CLOSES.index, "2026-01-04", 1) == pd.Timestamp("2026-01-02")
    with pytest.raises(DateRangeError):
        ytd.window_first_session(CLOSES.index, "2025-12-30", 3)


def test_new_highs_must_beat_every_earlier_close_not_just_the_window():
    # 110 on 01-06 beats 100 but not 120 (12-29): no record in 2026.
    assert ytd.new_highs(CLOSES, "2026-01-02", "2026-01-06").empty
    higher = pd.concat(
        [CLOSES, pd.Series([121.0, 125.0], index=pd.to_datetime(["2026-01-07", "2026-01-08"]))]
    )
    assert ytd.new_highs(higher, "2026-01-02", "2026-01-08").index.tolist() == list(
        pd.to_datetime(["2026-01-07", "2026-01-08"])
    )


@given(st.lists(st.floats(1, 1000), min_size=3, max_size=40), st.data())
def test_a_window_sets_a_record_exactly_when_its_max_beats_the_earlier_max(values, draw):
    closes = pd.Series(values, index=pd.bdate_range("2020-01-01", periods=len(values)))
    cut = draw.draw(st.integers(1, len(values) - 1))
    start, end = closes.index[cut], closes.index[-1]
    expected = closes.iloc[cut:].max() > closes.iloc[:cut].max()
    assert (not ytd.new_highs(closes, start, end).empty) == expected


def test_highest_close_in_a_window():
    assert ytd.highest_close(CLOSES, "2025-12-30", "2026-01-05") == (
        pd.Timestamp("2025-12-31"),
        100.0,
    )
    with pytest.raises(DateRangeError):
        ytd.highest_close(CLOSES, "2026-01-07", "2026-01-09")


# ------------------------------------------------------------------ real data, loosely


@pytest.mark.snapshot
def test_rut_ytd_in_mid_january_2026_is_a_few_percent_up():
    rut = data.prices("^RUT")["^RUT"]
    assert 0 < returns.ytd_pct(rut, "2026-01-14") < 20
    assert ytd.sessions_to_date(rut.index, "2026-01-14") == 9


# ------------------------------------------------------------------ RSI


def test_rsi_is_100_without_losses_and_near_50_for_alternating_moves():
    days = pd.bdate_range("2025-01-01", periods=40)
    rising = pd.Series(range(100, 140), index=days, dtype=float)
    assert ytd.rsi(rising, 14).dropna().eq(100.0).all()
    zigzag = pd.Series([100.0 + (i % 2) for i in range(40)], index=days)
    assert ytd.rsi(zigzag, 14, "sma_rsi").dropna().between(40, 60).all()


def test_rsi_simple_average_matches_a_hand_count():
    days = pd.bdate_range("2025-01-01", periods=5)
    closes = pd.Series([10.0, 11.0, 10.5, 11.5, 11.0], index=days)  # +1, -0.5, +1, -0.5
    value = ytd.rsi(closes, 4, "sma_rsi")
    # mean gain 0.5, mean loss 0.25: 100 - 100 / (1 + 2)
    assert value.iloc[-1] == pytest.approx(100 - 100 / 3)
    assert value.iloc[:-1].isna().all()
    with pytest.raises(RuleError, match="'fast' is not one of"):
        ytd.rsi(closes, 4, "fast")


def test_rsi_wilder_starts_after_the_window_and_stays_in_range():
    days = pd.bdate_range("2025-01-01", periods=60)
    closes = pd.Series(100 + np.sin(np.arange(60) / 3) * 5, index=days)
    value = ytd.rsi(closes, 14)
    assert value.iloc[:13].isna().all() and value.dropna().between(0, 100).all()
