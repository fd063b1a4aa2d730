"""Streak functions on synthetic prices whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.analysis import streaks
from helpers.errors import DateRangeError


def prices_from_outcomes(outcomes: str, start: str = "2024-01-01") -> tuple[pd.Series, pd.Series]:
    """A and B closes on business days whose daily winners spell `outcomes`
    ("a" = A beat B, "b" = B beat A, "t" = tie). B is flat; A moves up, down or not at all."""
    step = {"a": 1.01, "b": 0.99, "t": 1.0}
    a_closes = np.cumprod([100.0] + [step[o] for o in outcomes])
    dates = pd.bdate_range(start, periods=len(outcomes) + 1, name="Date")
    return pd.Series(a_closes, index=dates), pd.Series(100.0, index=dates)


def margin_of(outcomes: str) -> pd.Series:
    return streaks.return_margin(*prices_from_outcomes(outcomes))


outcome_strings = st.text(alphabet="abt", min_size=1, max_size=60)


def brute_force_runs(outcomes: str) -> list[tuple[int, str]]:
    runs: list[tuple[int, str]] = []
    for o in outcomes:
        if runs and runs[-1][1] == o:
            runs[-1] = (runs[-1][0] + 1, o)
        else:
            runs.append((1, o))
    return runs


# --- outcomes -------------------------------------------------------------------------------


def test_first_common_day_has_no_outcome_and_inner_join_keeps_common_days():
    a, b = prices_from_outcomes("aab")
    b_missing_day = b.drop(b.index[2])
    margin = streaks.return_margin(a, b_missing_day)
    assert list(margin.index) == [a.index[1], a.index[3]]
    # the return over the skipped day spans two closes for both series
    assert margin.iloc[1] == pytest.approx(a.iloc[3] / a.iloc[1] - 1)


def test_tie_is_a_win_for_neither():
    margin = margin_of("aata")
    assert list(streaks.leaders(margin, "X", "Y")) == ["X", "X", streaks.TIE, "X"]
    assert list(streaks.streak_lengths(margin)) == [1, 2, 1, 1]
    assert list(streaks.signed_streak(margin)) == [1, 2, 0, 1]


def test_own_moves_counts_up_and_down_days_of_one_series():
    a, _ = prices_from_outcomes("bbba")
    runs = streaks.run_table(streaks.own_moves(a), "up", "down")
    assert runs[["length", "leader"]].values.tolist() == [[3, "down"], [1, "up"]]


# --- runs and the streak in force ------------------------------------------------------------


def test_run_table_known_sequence():
    margin = margin_of("aaabbta")
    runs = streaks.run_table(margin, "R", "S")
    assert runs[["length", "leader"]].values.tolist() == [
        [3, "R"],
        [2, "S"],
        [1, "tie"],
        [1, "R"],
    ]
    assert runs["start"].iloc[1] == margin.index[3]
    assert runs["end"].iloc[1] == margin.index[4]


def test_run_table_of_no_days_is_empty():
    assert streaks.run_table(pd.Series([], dtype=float, index=pd.DatetimeIndex([]))).empty


def test_streak_on_counts_from_run_start_to_the_date():
    margin = margin_of("bbaaaa")
    streak = streaks.streak_on(margin, margin.index[4], "R", "S")
    assert (streak.leader, streak.length, streak.start) == ("R", 3, margin.index[2])


def test_streak_on_a_weekend_uses_the_friday_close():
    margin = margin_of("aaaaaaa")  # closes Mon 2024-01-01 .. Tue 01-09
    streak = streaks.streak_on(margin, "2024-01-06", "R", "S")  # a Saturday
    assert streak.as_of_used == pd.Timestamp("2024-01-05")
    assert streak.length == 4
    assert streak.to_dict()["as_of"] == "2024-01-06"


@pytest.mark.parametrize("date", ["2023-12-01", "2024-01-01", "2030-01-01"])
def test_streak_outside_the_outcome_days_is_a_date_range_error(date):
    margin = margin_of("aaa")  # first close 2024-01-01 has no outcome
    with pytest.raises(DateRangeError, match="fix"):
        streaks.streak_on(margin, date)


def test_runs_at_least_filters_by_leader_and_overlap_and_never_returns_ties():
    runs = streaks.run_table(margin_of("aaattttbbbba"), "R", "S")
    assert streaks.runs_at_least(runs, 3)["leader"].tolist() == ["R", "S"]
    assert streaks.runs_at_least(runs, 3, leader="S")["length"].tolist() == [4]
    late = streaks.runs_at_least(runs, 3, start=runs["start"].iloc[2])
    assert late["leader"].tolist() == ["S"]
    early = streaks.runs_at_least(runs, 3, end=runs["start"].iloc[0])
    assert early["length"].tolist() == [3]


def test_last_run_before_excludes_the_run_in_force():
    margin = margin_of("aaaab" + "aa" + "b" + "aaaaa")
    runs = streaks.run_table(margin, "R", "S")
    today = margin.index[-1]
    last = streaks.last_run_before(runs, today, 4, "R")
    assert last["length"] == 4 and last["start"] == margin.index[0]
    assert streaks.last_run_before(runs, today, 5, "R") is None
    table = streaks.last_time_table(margin, today, [2, 5], "R", "R", "S")
    assert table.loc[2, "length"] == 2 and pd.isna(table.loc[5, "start"])
    assert table.loc[2, "reached_on"] == margin.index[6]


def test_years_since_earlier_run_counts_months_from_the_precedents_end():
    months = pd.date_range("2010-01-31", periods=30, freq="ME")
    margin = pd.Series([1.0] * 3 + [-1.0] + [1.0] * 2 + [-1.0] * 10 + [1.0] * 14, index=months)
    runs = streaks.run_table(margin, "R", "S")
    current = months[16]  # the 14-month run starts 2011-05
    found = streaks.years_since_earlier_run(runs, current, months[-1], 3, "R", months[0])
    assert found["precedent"]["end"] == months[2] and not found["lower_bound"]
    assert found["years"] == (29 - 2) / 12  # 2010-03 .. 2012-06
    shorter = streaks.years_since_earlier_run(runs, current, months[-1], 2, "R", months[0])
    assert shorter["precedent"]["end"] == months[5]  # the most recent, not the longest


def test_years_since_earlier_run_without_a_precedent_is_the_span_and_a_lower_bound():
    months = pd.date_range("2010-01-31", periods=30, freq="ME")
    margin = pd.Series([1.0] * 3 + [-1.0] * 13 + [1.0] * 14, index=months)
    runs = streaks.run_table(margin, "R", "S")
    found = streaks.years_since_earlier_run(runs, months[16], months[-1], 4, "R", months[0])
    assert found["precedent"] is None and found["lower_bound"]
    assert found["since"] == months[0] and found["years"] == 29 / 12


def test_last_reached_before_dates_the_session_an_earlier_run_reached_the_length():
    margin = margin_of("aaaaa" + "b" + "aaa" + "b" + "aa")
    current_start = margin.index[10]
    reached = streaks.last_reached_before(margin, current_start, 3, "R", "R", "S")
    assert reached == margin.index[8]  # third session of the 3-run
    assert streaks.last_reached_before(margin, current_start, 4, "R", "R", "S") == margin.index[3]
    assert streaks.last_reached_before(margin, current_start, 6, "R", "R", "S") is None


def test_longest_earlier_respects_window_and_excludes_the_current_run():
    margin = margin_of("aaaaa" + "b" + "aaa" + "b" + "aaaaaaa")
    runs = streaks.run_table(margin, "R", "S")
    current_start = margin.index[10]
    assert streaks.longest_earlier(runs, "R", current_start) == 5
    assert streaks.longest_earlier(runs, "R", current_start, margin.index[6]) == 3
    assert streaks.longest_earlier(runs, "S", margin.index[0]) == 0


def test_record_progression_marks_new_and_tied_records():
    runs = streaks.run_table(margin_of("aab" + "aaab" + "ab" + "aaab" + "aaaa"), "R", "S")
    records = streaks.record_progression(runs, "R")
    assert records[["length", "status"]].values.tolist() == [
        [2, "new record"],
        [3, "new record"],
        [3, "ties record"],
        [4, "new record"],
    ]


def test_day_by_day_counts_a_streak_that_began_before_the_window():
    a, b = prices_from_outcomes("baaaab")
    table = streaks.day_by_day(a, b, start=a.index[5], a_name="R", b_name="S")
    assert table["streak"].tolist() == [4, 1]
    assert table["leader"].tolist() == ["R", "S"]
    assert table["margin"].iloc[0] == pytest.approx(0.01)


def test_run_containing_reports_smallest_margin_and_how_it_ended():
    dates = pd.bdate_range("2024-01-01", periods=5, name="Date")
    a = pd.Series([100, 102, 102.5, 104, 100.0], index=dates)
    b = pd.Series([100, 101, 101.0, 101, 101.0], index=dates)
    run = streaks.run_containing(streaks.return_margin(a, b), dates[3], "R", "S")
    assert (run["length"], run["leader"], run["ended_by"]) == (3, "R", "S")
    assert run["smallest_margin_date"] == dates[2]
    assert run["ended_on"] == dates[4]


def test_run_containing_at_data_end_has_no_ending():
    run = streaks.run_containing(margin_of("baa"), "2024-01-04")
    assert run["ended_on"] is None and run["length"] == 2


def test_robustness_table_one_row_per_pair_and_date():
    a, b = prices_from_outcomes("aaaa")
    a_noisy = a * np.r_[1.0, 1.0, 1.0, 0.98, 1.0]  # third outcome flips to B
    table = streaks.robustness_table(
        {"clean": (a, b), "noisy": (a_noisy, b)}, [a.index[4]], "R", "S"
    )
    assert table.set_index("pair")["length"].to_dict() == {"clean": 4, "noisy": 1}


def test_sessions_when_b_fell_flags_whether_a_did_better():
    dates = pd.bdate_range("2024-01-01", periods=4, name="Date")
    a = pd.Series([100, 99.5, 101, 99.0], index=dates)
    b = pd.Series([100, 99.0, 100, 99.5], index=dates)
    falls = streaks.sessions_when_b_fell(streaks.day_by_day(a, b))
    assert list(falls.index) == [dates[1], dates[3]]
    assert falls["a_did_better"].tolist() == [True, False]


def test_month_end_closes_keep_each_months_last_session():
    dates = pd.DatetimeIndex(["2024-01-30", "2024-01-31", "2024-02-28", "2024-02-29", "2024-03-01"])
    closes = streaks.month_end_closes(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=dates))
    assert list(closes.index) == [dates[1], dates[3], dates[4]]
    assert closes.tolist() == [2.0, 4.0, 5.0]


def test_outcome_disagreements_on_common_days_only():
    dates = pd.bdate_range("2024-01-01", periods=4)
    first = pd.Series([0.01, -0.02, 0.0, 0.03], index=dates)
    second = pd.Series([0.02, 0.01, 0.0], index=dates[:3])
    assert list(streaks.outcome_disagreements(first, second)) == [dates[1]]


def test_source_agreement_counts_common_sessions_and_flips():
    dates = pd.bdate_range("2024-01-01", periods=4)
    reference = pd.Series([0.01, -0.02, 0.0, 0.03], index=dates)
    table = streaks.winner_agreement(reference, {"x": pd.Series([0.02, 0.01], index=dates[:2])})
    assert table.loc["x", "common_sessions"] == 2
    assert table.loc["x", "different_winner"] == 1
    assert table.loc["x", "dates"] == str(dates[1].date())


def test_basis_change_days_finds_the_ex_dividend_step():
    dates = pd.bdate_range("2024-01-01", periods=4)
    adjusted = pd.Series([99.0, 100.0, 99.5, 100.5], index=dates)
    raw = pd.Series([100.0, 101.01, 100.0, 101.0], index=dates)  # 0.5 dividend on day 3
    assert list(streaks.basis_change_days(raw, adjusted)) == [dates[2]]


# --- properties ------------------------------------------------------------------------------


@given(outcome_strings)
def test_runs_partition_the_days(outcomes):
    margin = margin_of(outcomes)
    runs = streaks.run_table(margin)
    assert runs["length"].sum() == len(margin)
    assert runs["start"].iloc[0] == margin.index[0]
    assert runs["end"].iloc[-1] == margin.index[-1]
    following_start = margin.index.get_indexer(runs["end"].iloc[:-1]) + 1
    assert list(following_start) == list(margin.index.get_indexer(runs["start"].iloc[1:]))
    assert (runs["leader"].iloc[1:].to_numpy() != runs["leader"].iloc[:-1].to_numpy()).all()


@given(outcome_strings)
def test_runs_match_a_brute_force_count(outcomes):
    runs = streaks.run_table(margin_of(outcomes), "a", "b")
    expected = [(n, {"t": streaks.TIE}.get(o, o)) for n, o in brute_force_runs(outcomes)]
    assert list(zip(runs["length"], runs["leader"], strict=True)) == expected
    longest_a = max((n for n, o in brute_force_runs(outcomes) if o == "a"), default=0)
    a_runs = streaks.runs_at_least(runs, 1, "a")["length"]
    assert (int(a_runs.max()) if len(a_runs) else 0) == longest_a


@given(outcome_strings)
def test_swapping_a_and_b_swaps_the_leaders(outcomes):
    a, b = prices_from_outcomes(outcomes)
    forward = streaks.run_table(streaks.return_margin(a, b), "A", "B")
    backward = streaks.run_table(streaks.return_margin(b, a), "A", "B")
    swap = {"A": "B", "B": "A", streaks.TIE: streaks.TIE}
    assert backward["leader"].tolist() == [swap[x] for x in forward["leader"]]
    assert backward["length"].tolist() == forward["length"].tolist()


@given(outcome_strings)
def test_streak_counter_resets_exactly_at_run_starts(outcomes):
    margin = margin_of(outcomes)
    lengths = streaks.streak_lengths(margin)
    runs = streaks.run_table(margin)
    assert lengths.loc[runs["start"]].eq(1).all()
    assert lengths.loc[runs["end"]].tolist() == runs["length"].tolist()
