"""Analog-window arithmetic on small hand-made price series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.analysis import analogs, returns, streaks
from helpers.errors import DateRangeError, EmptySampleError

DAYS = pd.bdate_range("2020-01-01", periods=6)
A = pd.Series([100.0, 110.0, 121.0, 108.9, 130.0, 143.0], index=DAYS, name="A")
B = pd.Series([50.0, 50.0, 55.0, 55.0, 55.0, 60.5], index=DAYS, name="B")


def test_session_after_counts_closes_of_the_series():
    assert analogs.session_after(A, DAYS[1], 3) == DAYS[4]
    assert analogs.session_after(A, "2020-01-04", 1) == DAYS[3]  # Saturday -> Friday's close


def test_session_after_refuses_to_run_past_the_data():
    with pytest.raises(DateRangeError, match="past the last close"):
        analogs.session_after(A, DAYS[3], 3)


def test_years_after_lands_on_the_close_in_force():
    yearly = pd.Series(1.0, index=pd.to_datetime(["2000-03-31", "2010-03-30", "2010-04-05"]))
    assert analogs.years_after(yearly, "2000-03-31", 10) == pd.Timestamp("2010-03-30")


def test_window_summary_reports_both_returns_and_their_spread():
    summary = analogs.window_summary(A, B, DAYS[0], DAYS[2])
    assert summary["return_a"] == pytest.approx(21.0)
    assert summary["return_b"] == pytest.approx(10.0)
    assert summary["spread_pp"] == pytest.approx(11.0)
    assert summary["sessions"] == 2
    assert summary["start"] == DAYS[0] and summary["end"] == DAYS[2]


def test_analog_table_has_one_row_per_window():
    table = analogs.analog_table(A, B, {"first": (DAYS[0], DAYS[2]), "all": (DAYS[0], DAYS[-1])})
    assert table.index.tolist() == ["first", "all"]
    assert table.loc["all", "spread_pp"] == pytest.approx(43.0 - 21.0)


def test_annualized_spread_over_two_doublings():
    days = pd.to_datetime(["2000-01-03", "2002-01-03"])
    quadruples = pd.Series([1.0, 4.0], index=days)
    doubles = pd.Series([1.0, 2.0], index=days)
    years = (days[1] - days[0]).days / 365.25
    expected = (4 ** (1 / years) - 2 ** (1 / years)) * 100
    assert analogs.annualized_spread_pp(quadruples, doubles, *days) == pytest.approx(expected)


def test_first_run_ending_from_finds_the_nearest_later_run():
    runs = pd.DataFrame(
        {
            "start": pd.to_datetime(["2020-01-01", "2020-03-01", "2020-06-01"]),
            "end": pd.to_datetime(["2020-01-20", "2020-03-12", "2020-06-15"]),
            "length": [10, 9, 11],
            "leader": ["A", "B", "A"],
        }
    )
    assert analogs.first_run_ending_from(runs, 9, "A", "2020-02-01")["end"] == pd.Timestamp(
        "2020-06-15"
    )
    assert analogs.first_run_ending_from(runs, 12, "A", "2020-01-01") is None


def test_relative_path_starts_at_100_and_counts_sessions():
    path = analogs.relative_path(A, B, DAYS[1], 2)
    assert path.index.tolist() == [0, 1, 2]
    assert path.tolist() == pytest.approx([100.0, 100.0, 108.9 / 55 / (110 / 50) * 100])


def test_relative_paths_are_cut_at_the_end_of_the_data():
    paths = analogs.relative_paths(A, B, {"early": DAYS[0], "late": DAYS[4]}, 3)
    assert paths["early"].notna().sum() == 4
    assert paths["late"].notna().sum() == 2


def test_january_spreads_use_year_end_to_january_end_closes():
    days = pd.to_datetime(["2019-12-31", "2020-01-31", "2020-12-31", "2021-01-29", "2021-02-01"])
    small = pd.Series([100.0, 110.0, 120.0, 114.0, 200.0], index=days)
    large = pd.Series([100.0, 105.0, 100.0, 100.0, 100.0], index=days)
    table = analogs.january_spreads(small, large, 2020, 2021)
    assert table["spread_pp"].tolist() == pytest.approx([5.0, -5.0])
    assert returns.share_above(table["spread_pp"]) == pytest.approx(50.0)


def test_share_above_does_not_count_ties_as_wins():
    assert returns.share_above(pd.Series([0.0, 1.0, -1.0, 2.0])) == pytest.approx(50.0)
    with pytest.raises(EmptySampleError, match="no values"):
        returns.share_above(pd.Series(dtype=float))


def test_percentile_rank_counts_ties_half():
    sample = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert analogs.percentile_rank(5.0, sample) == 100.0
    assert analogs.percentile_rank(0.0, sample) == 0.0
    assert analogs.percentile_rank(2.0, sample) == pytest.approx(37.5)


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=40), st.floats(-60, 60))
def test_percentile_rank_is_bounded_and_monotone(sample, value):
    rank = analogs.percentile_rank(value, pd.Series(sample))
    assert 0.0 <= rank <= 100.0
    assert analogs.percentile_rank(value + 1.0, pd.Series(sample)) >= rank


def test_largest_drawdown_takes_the_peak_before_the_trough():
    days = pd.bdate_range("2018-09-03", periods=7)
    closes = pd.Series([100.0, 120.0, 100.0, 130.0, 104.0, 110.0, 140.0], index=days)
    deepest = analogs.largest_drawdown(closes, days[0], days[-1])
    assert deepest["peak"] == days[3] and deepest["trough"] == days[4]
    assert deepest["drawdown_pct"] == pytest.approx(-20.0)
    # a window that starts after the peak measures from the window's own high
    later = analogs.largest_drawdown(closes, days[4], days[-1])
    assert later["drawdown_pct"] == 0.0


def test_largest_drawdown_of_an_empty_window_is_refused():
    with pytest.raises(DateRangeError):
        analogs.largest_drawdown(A, "2021-01-01", "2021-02-01")


def test_correlation_of_a_series_with_a_scaled_copy_is_one():
    rng = np.random.default_rng(1)
    days = pd.bdate_range("2016-01-01", periods=60)
    walk = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 60))), index=days)
    assert analogs.return_correlation(walk, walk * 3, days[0], days[-1]) == pytest.approx(1.0)
    assert analogs.yearly_correlation(walk, walk * 3).tolist() == pytest.approx([1.0])


def test_correlation_window_matches_pair_returns():
    days = pd.bdate_range("2019-12-30", periods=8)
    a = pd.Series([1.0, 1.1, 1.0, 1.2, 1.1, 1.3, 1.2, 1.25], index=days)
    b = pd.Series([1.0, 1.0, 1.1, 1.1, 1.2, 1.1, 1.3, 1.2], index=days)
    window = streaks.pair_returns(a, b).loc["2020-01-01":]
    expected = window["a"].corr(window["b"])
    assert analogs.return_correlation(a, b, "2020-01-01", days[-1]) == pytest.approx(expected)


def test_compounded_pct_chains_monthly_percent_returns():
    months = pd.period_range("1988-01", periods=3, freq="M")
    monthly = pd.Series([10.0, -10.0, 5.0], index=months)
    assert analogs.compounded_pct(monthly, "1988-01", "1988-03") == pytest.approx(
        (1.1 * 0.9 * 1.05 - 1) * 100
    )
    with pytest.raises(DateRangeError):
        analogs.compounded_pct(monthly, "1990-01", "1990-12")


@pytest.mark.snapshot
def test_the_late_2018_slide_stopped_short_of_a_bear_market_in_the_snapshot():
    from helpers import data

    spx = data.prices("^GSPC", start="2018-01-02", end="2019-12-31")["^GSPC"]
    deepest = analogs.largest_drawdown(spx, "2018-09-01", "2019-01-31")
    assert -20.0 < deepest["drawdown_pct"] < -15.0
    assert deepest["trough"].year == 2018 and deepest["trough"].month == 12


def test_returns_after_leave_windows_past_the_data_empty():
    days = pd.bdate_range("2000-01-03", "2011-06-30")
    growth = pd.Series(np.linspace(100.0, 300.0, len(days)), index=days)
    flat = pd.Series(100.0, index=days)
    early = analogs.returns_after(growth, flat, days[0], sessions=20, years=10)
    assert early["sessions_end"] == days[20]
    assert early["annualized_spread_pp"] == pytest.approx(early["annualized_a"])
    late = analogs.returns_after(growth, flat, "2005-01-03", sessions=5_000, years=10)
    assert late["return_a"] is None and late["annualized_a"] is None


def test_monthly_tables_compound_and_pick_januaries():
    months = pd.period_range("1988-01", periods=14, freq="M")
    monthly = pd.DataFrame({"S": 1.0, "L": 0.0}, index=months)
    monthly.loc[pd.Period("1989-01", "M"), "S"] = -2.0
    table = analogs.monthly_analog_table(monthly, "S", "L", {"1988": ("1988-01", "1988-12")})
    assert table.loc["1988", "months"] == 12
    assert table.loc["1988", "spread_pp"] == pytest.approx((1.01**12 - 1) * 100)
    assert table.loc["1988", "annualized_spread_pp"] == pytest.approx((1.01**12 - 1) * 100)
    januaries = analogs.monthly_january_spreads(monthly, "S", "L", 1988, 1989)
    assert januaries.to_dict() == {1988: 1.0, 1989: -2.0}


def test_run_candidates_separate_the_precedent_from_the_named_year():
    # A wins: 3 sessions in Jan 2020, 4 in Feb 2021, then the current run of 4 in 2022
    days = pd.DatetimeIndex(
        [*pd.bdate_range("2020-01-06", periods=4), *pd.bdate_range("2021-02-01", periods=5)]
        + [*pd.bdate_range("2022-03-01", periods=5)]
    )
    signs = [-1, 1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1, 1, 1]
    margin = pd.Series(np.array(signs, dtype=float), index=days)
    found = analogs.run_candidates(margin, days[-1], 3, "2020-01", "A", "B")
    assert found["precedent"]["start"] == days[5]
    assert found["in_named_year"]["start"].tolist() == [days[1]]
    assert found["nearest_from_named_month"]["end"] == days[3]
    empty_year = analogs.run_candidates(margin, days[-1], 4, "2020-01", "A", "B")
    assert empty_year["in_named_year"].empty
    assert empty_year["nearest_from_named_month"]["start"] == days[5]


# ------------------------------------------------------------------ the January effect, tested


def test_binomial_p_is_the_exact_two_sided_test():
    assert analogs.binomial_p(15, 38) == pytest.approx(0.2559, abs=1e-4)
    assert analogs.binomial_p(73, 99) < 1e-5
    assert analogs.binomial_p(5, 10) == pytest.approx(1.0)
    with pytest.raises(EmptySampleError, match="3 wins of 2"):
        analogs.binomial_p(3, 2)


def test_historically_rows_read_the_longest_history_and_show_the_index_era():
    from helpers import claims
    from helpers.config import repo_root

    rows = [
        c
        for c in claims.read_ledger(repo_root() / "data" / "claims.yaml").rows
        if c.group == "january-effect"
    ]
    assert rows
    for item in rows:
        assert item.choice("sample") == "french_size" and item.window[0] == "1927-01"
        assert item.rule["test"]["method"] == "binomial_sign"
        eras = {item.reading(n).choice("sample", "french_size"): n for n in item.reading_names}
        assert item.reading(eras["index_closes"]).window == ("1988-01", "2025-01")


def test_sharpe_difference_p_separates_equal_from_different_ratios():
    rng = np.random.default_rng(9)
    common = rng.normal(0.0005, 0.01, 5000)
    same = pd.Series(common)
    assert analogs.sharpe_difference_p(same, same * 2) == pytest.approx(1.0)  # equal Sharpe
    better = pd.Series(common + 0.002)
    assert analogs.sharpe_difference_p(better, same) < 0.01


# ------------------------------------------------------------------ what followed earlier runs


def _runs_fixture():
    """Closes on a business-day calendar where A beats B on chosen sessions, so the runs are
    known: A rises 1 % on its winning days and B rises 1 % on the others."""
    days = pd.bdate_range("2020-01-01", periods=60)
    wins = np.zeros(60, dtype=bool)
    wins[1:4] = True  # run of 3 ending at session 3
    wins[6:9] = True  # run of 3 ending at session 8 (inside the first window of 5 sessions)
    wins[20:23] = True  # run of 3 ending at session 22
    wins[55:58] = True  # run of 3 ending at session 57: window passes the data's end
    step_a, step_b = np.where(wins, 1.01, 1.0), np.where(wins, 1.0, 1.01)
    step_a[0] = step_b[0] = 1.0  # the first close has no move
    a = pd.Series(100 * np.cumprod(step_a), index=days, name="A")
    b = pd.Series(100 * np.cumprod(step_b), index=days, name="B")
    return a, b, streaks.run_table(streaks.return_margin(a, b), "A", "B")


def test_spreads_after_runs_count_episodes_not_overlapping_runs():
    a, b, runs = _runs_fixture()
    table = analogs.spreads_after_runs(a, b, runs, a.index[-1], 3, 5, "A")
    # the session-8 run starts inside the first run's 5-session window; the last run's
    # window passes the data's end
    assert list(table["end"]) == [a.index[3], a.index[22]]
    assert list(table["window_end"]) == [a.index[8], a.index[27]]
    # after the first run, A wins 3 of the 5 sessions and B 2: A leads
    assert table["spread_pp"].iloc[0] > 0
    # before the third run: only the first episode counts
    assert len(analogs.spreads_after_runs(a, b, runs, a.index[20], 3, 5, "A")) == 1
    assert analogs.spreads_after_runs(a, b, runs, a.index[-1], 4, 5, "A").empty


def test_whole_months_start_after_the_start_closes_month():
    months = analogs.whole_months(
        {
            "month-end start": (pd.Timestamp("1987-12-31"), pd.Timestamp("1988-12-30")),
            "mid-month start": ("1991-03-28", "1994-03-31"),
        }
    )
    assert months == {
        "month-end start": ("1988-01", "1988-12"),
        "mid-month start": ("1991-04", "1994-03"),
    }
