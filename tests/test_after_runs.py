"""The aftermath study on small series whose runs and returns are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import after_runs, streaks
from helpers.errors import ValidationError

UP, DOWN = 1.01, 0.99


def pair_from_outcomes(outcomes: str, start: str = "2024-01-01") -> tuple[pd.Series, pd.Series]:
    """A and B closes on business days: B flat at 100, A up 1 % on an "a" day (A beats B)
    and down 1 % on a "b" day (B beats A)."""
    steps = [UP if o == "a" else DOWN for o in outcomes]
    days = pd.bdate_range(start, periods=len(outcomes) + 1, name="Date")
    return pd.Series(np.cumprod([100.0, *steps]), index=days), pd.Series(100.0, index=days)


# Runs by A: 3 sessions (days 1-3), 4 sessions (days 6-9), then 2 (days 12-13), and a run of
# 3 still going at the last close (days 17-19).
OUTCOMES = "aaabbaaaabbaabbbaaa"


def test_runs_that_ended_are_found_and_the_one_still_going_is_not():
    a, b = pair_from_outcomes(OUTCOMES)
    found = after_runs.after_runs(a, b, min_length=3, horizons=[2])
    assert list(found.runs["length"]) == [3, 4]
    assert list(found.runs["end"]) == [a.index[3], a.index[9]]
    assert pd.isna(found.runs["sessions_since_previous"].iloc[0])
    assert found.runs["sessions_since_previous"].iloc[1] == 6


def test_before_keeps_only_runs_that_ended_strictly_before_the_date():
    a, b = pair_from_outcomes(OUTCOMES)
    assert len(after_runs.after_runs(a, b, 3, [2], before=a.index[9]).runs) == 1
    assert len(after_runs.after_runs(a, b, 3, [2], before=a.index[10]).runs) == 2


def test_window_returns_start_at_the_runs_last_close():
    a, b = pair_from_outcomes(OUTCOMES)
    windows = after_runs.after_runs(a, b, 3, [2]).windows
    first = windows.iloc[0]
    # after the first run (ends on close 3) come two "b" days: A falls 1 % twice, B is flat
    assert first["window_end"] == a.index[5]
    assert first["return_a"] == pytest.approx((DOWN**2 - 1) * 100)
    assert first["return_b"] == pytest.approx(0.0)
    assert first["spread_pp"] == pytest.approx(first["return_a"])


def test_a_window_past_the_last_close_is_missing_and_left_out_of_the_summary():
    a, b = pair_from_outcomes(OUTCOMES)
    found = after_runs.after_runs(a, b, 3, [2, 11])
    long = found.windows.loc[found.windows["horizon"] == 11]
    assert long["return_a"].isna().tolist() == [False, True]  # close 9 + 11 is past the last, 19
    assert found.summary.loc[11, "runs_count"] == 1
    assert found.summary.loc[2, "runs_count"] == 2


def test_summary_counts_and_shares_follow_the_windows():
    a, b = pair_from_outcomes(OUTCOMES)
    summary = after_runs.after_runs(a, b, 3, [2]).summary.loc[2]
    # after run 1: b, b (A -2 %); after run 2: b, b (A -2 %)
    assert summary["runs_a_up"] == 0 and summary["runs_a_beat_b"] == 0
    assert summary["runs_share_a_beat_b_pct"] == 0.0
    assert summary["runs_mean_a"] == pytest.approx((DOWN**2 - 1) * 100)


def test_base_rates_use_every_session_start_over_the_same_closes():
    a, b = pair_from_outcomes(OUTCOMES)
    horizon = 3
    summary = after_runs.after_runs(a, b, 3, [horizon]).summary.loc[horizon]
    starts = range(len(a) - horizon)  # every close with a close `horizon` sessions later
    brute = [(a.iloc[i + horizon] / a.iloc[i] - 1) * 100 for i in starts]
    assert summary["base_count"] == len(brute)
    assert summary["base_mean_a"] == pytest.approx(np.mean(brute))
    assert summary["base_a_up"] == sum(r > 0 for r in brute)
    assert summary["base_share_a_beat_b_pct"] == pytest.approx(
        100 * np.mean([r > 0 for r in brute])
    )


def test_windows_are_counted_on_the_days_both_series_traded():
    a, b = pair_from_outcomes(OUTCOMES)
    b = b.drop(b.index[4])  # B has no close on day 4: the window after run 1 skips it
    first = after_runs.after_runs(a, b, 3, [2]).windows.iloc[0]
    assert first["window_end"] == a.index[6]
    assert first["return_a"] == pytest.approx((a.iloc[6] / a.iloc[3] - 1) * 100)


def test_matches_a_brute_force_on_a_random_walk():
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2000-01-03", periods=600, name="Date")
    a = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 600))), index=days)
    b = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 600))), index=days)
    found = after_runs.after_runs(a, b, 4, [5, 21])
    runs = streaks.runs_at_least(streaks.run_table(streaks.return_margin(a, b)), 4, "A")
    runs = runs.loc[runs["end"] < days[-1]]
    assert list(found.runs["end"]) == list(runs["end"])
    for horizon in (5, 21):
        for run_end in runs["end"]:
            i = days.get_loc(run_end)
            row = found.windows.loc[
                (found.windows["run_end"] == run_end) & (found.windows["horizon"] == horizon)
            ].iloc[0]
            if i + horizon >= len(days):
                assert pd.isna(row["return_a"])
                continue
            spread = (a.iloc[i + horizon] / a.iloc[i] - b.iloc[i + horizon] / b.iloc[i]) * 100
            assert row["spread_pp"] == pytest.approx(spread)


def test_p_value_against_the_base_share():
    assert after_runs.beat_vs_base_p(5, 10, 50.0) == pytest.approx(1.0)
    assert after_runs.beat_vs_base_p(10, 10, 50.0) == pytest.approx(2 * 0.5**10)
    assert np.isnan(after_runs.beat_vs_base_p(0, 0, 50.0))


@pytest.mark.parametrize(
    "min_length, horizons, words",
    [
        (0, [2], "minimum run length"),
        (True, [2], "minimum run length"),
        (3, [], "no horizons"),
        (3, [0, 2], "[0]"),
        (3, [2.5], "[2.5]"),
        (3, [20], "as long as the data"),
    ],
)
def test_bad_parameters_are_errors_with_a_fix(min_length, horizons, words):
    a, b = pair_from_outcomes(OUTCOMES)
    with pytest.raises(ValidationError) as error:
        after_runs.after_runs(a, b, min_length, horizons)
    assert words in str(error.value) and "fix" in str(error.value)


def test_no_qualifying_run_gives_empty_frames_and_zero_counts():
    a, b = pair_from_outcomes(OUTCOMES)
    found = after_runs.after_runs(a, b, 10, [2])
    assert found.runs.empty and found.windows.empty
    assert found.summary.loc[2, "runs_count"] == 0
    assert found.summary.loc[2, "base_count"] == len(a) - 2
