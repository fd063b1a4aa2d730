"""The `measure_*` functions that resolve a ledger row's rule choices for notebooks 05
and 06, on small fixtures built here (no real data)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from helpers import claims, data
from helpers.analysis import analogs, rates
from helpers.errors import DataError


def _row(claimed: dict, rule: dict, as_of: str = "2024-01-12") -> claims.Row:
    return claims.Row(
        "x", "g", "a", as_of, "", "record", "c", claimed, rule, "n", "data", ""
    )  # fmt: skip


def _frame_of_wins(days: pd.DatetimeIndex, *spans: tuple[str, str]) -> pd.DataFrame:
    """A against a flat B: A gains 1 % on the days inside `spans` (inclusive), loses 1 % else."""
    wins = pd.Series(False, index=days)
    for first, last in spans:
        wins.loc[first:last] = True
    a = (1 + np.where(wins, 0.01, -0.01)).cumprod() * 100
    return pd.DataFrame({"A": a, "B": 100.0}, index=days)


def _serve_prices(monkeypatch, frame: pd.DataFrame, dropna: bool = False) -> None:
    """data.prices() serves the named columns of `frame` up to `end` (without gaps if asked)."""

    def prices(names, end=None, **_):
        table = frame.loc[:end, list(names)]
        return table.dropna() if dropna else table

    monkeypatch.setattr(data, "prices", prices)


# ------------------------------------------------------------------ 05: the cut rows


@pytest.fixture
def target_2025(monkeypatch):
    """An upper bound cut 25 bp effective 2025-09-18, 2025-10-30 and 2025-12-11 (FRED's day
    after each announcement), a lower bound 25 bp below it, and three scheduled decisions."""
    days = pd.date_range("2025-01-01", "2026-01-31")
    upper = pd.Series(4.5, index=days)
    for effective in ("2025-09-18", "2025-10-30", "2025-12-11"):
        upper.loc[effective:] -= 0.25
    series = {"DFEDTARU": upper, "DFEDTARL": upper - 0.25}
    monkeypatch.setattr(data, "fred", lambda name, end=None, **_: series[name].loc[:end])
    decisions = pd.DataFrame(
        {"change_bp": [0.0, -25.0, -25.0, -25.0], "listed_meeting": True},
        index=pd.to_datetime(["2025-07-30", "2025-09-17", "2025-10-29", "2025-12-10"]),
    )
    monkeypatch.setattr(data, "fomc_decisions", lambda **_: decisions)


def test_cut_count_counts_as_the_rules_count_says(target_2025):
    fred_rule = {
        "series": ["FRED DFEDTARU"],
        "count": "fred_cuts",
        "window": ["2025-10-01", "2025-12-31"],
    }
    fred_row = _row({"value": 2, "unit": "cuts"}, fred_rule, "2026-01-14")
    measured = rates.measure_cut_count(fred_row, "2026-01-31")
    assert measured.value == 2 and measured.series == ("fred:DFEDTARU",)
    decisions_rule = {
        "series": ["FOMC decisions", "FRED DFEDTARU"],
        "count": "consecutive_decisions",
        "cut_bp": 25,
    }
    decisions_row = _row({"value": 3, "unit": "cuts"}, decisions_rule, "2026-01-14")
    measured = rates.measure_cut_count(decisions_row, "2026-01-31")
    assert measured.value == 3 and measured.series == (data.FOMC,)
    bad = _row({"value": 3, "unit": "cuts"}, {**decisions_rule, "count": "meetings"}, "2026-01-14")
    with pytest.raises(Exception, match="not one of"):
        rates.measure_cut_count(bad, "2026-01-31")


def test_pivot_months_and_range_read_the_fred_series_the_rule_names(target_2025):
    pivot = _row(
        {"value": True, "unit": "bool"}, {"series": ["FRED DFEDTARU"], "months": 2}, "2025-11-15"
    )
    assert rates.measure_pivot(pivot, "2026-01-31").value is True
    early = dataclasses.replace(pivot, as_of="2025-09-01")
    assert rates.measure_pivot(early, "2026-01-31").value is False
    months_rule = {
        "series": ["FOMC decisions", "FRED DFEDTARU"],
        "window": ["2025-07-01", "2025-12-31"],
    }
    months = rates.measure_cut_months(
        _row({"value": [], "unit": "month"}, months_rule), "2026-01-31"
    )
    assert months.value == ["2025-09", "2025-10", "2025-12"] and months.series == ("fred:DFEDTARU",)
    range_row = _row(
        {"value": [3.5, 3.75], "unit": "percent"},
        {"series": ["FRED DFEDTARL", "FRED DFEDTARU"]},
        "2026-01-14",
    )
    measured = rates.measure_target_range(range_row, "2026-01-31")
    assert measured.value == [3.5, 3.75]
    assert measured.series == ("fred:DFEDTARL", "fred:DFEDTARU")
    assert rates.sensitivity_series(["^RUT", "^GSPC", "FRED DGS2"]) == (
        "^RUT",
        "^GSPC",
        "fred:DGS2",
    )
    assert rates.fred_id("fred:DGS2") == rates.fred_id("FRED DGS2") == "DGS2"


# ------------------------------------------------------------------ 06: analogs after a run


@pytest.fixture
def analog_prices(monkeypatch):
    """A beats B in a 3-session run ending 2020-03-05 and a 4-session run ending 2020-06-05,
    then in the current run ending 2021-06-30; A rises 1 % a session after 2020-06-05."""
    days = pd.bdate_range("2020-01-01", "2021-06-30")
    spans = [("2020-03-03", "2020-03-05"), ("2020-06-02", "2020-06-05")]
    frame = _frame_of_wins(days, *spans, ("2021-06-28", "2021-06-30"))
    _serve_prices(monkeypatch, frame)
    return frame


def _analog_row(**rule) -> claims.Row:
    base = {"series": ["A", "B"], "length": 3, "statistic": "return_a"}
    return _row({"value": 0.0, "unit": "percent"}, {**base, **rule}, "2021-06-30")


def test_anchor_follows_the_rules_anchor_choice(analog_prices):
    from_month = _analog_row(anchor="run_from_month", run_month="2020-03", sessions=5)
    found = analogs.anchor_candidates(from_month, analog_prices)
    assert found["run"]["end"] == pd.Timestamp("2020-03-05")
    precedent = _analog_row(anchor="precedent_run", sessions=5)
    assert analogs.anchor_candidates(precedent, analog_prices)["run"]["end"] == pd.Timestamp(
        "2020-06-05"
    )
    with pytest.raises(Exception, match="run_month"):
        analogs.anchor_candidates(_analog_row(anchor="run_from_month"), analog_prices)
    with pytest.raises(DataError, match="no A-over-B run of 9"):
        analogs.anchor_candidates(_analog_row(anchor="precedent_run", length=9), analog_prices)


def test_measure_after_run_spans_sessions_or_an_end_from_the_anchor(analog_prices):
    a = analog_prices["A"]
    row = _analog_row(anchor="precedent_run", sessions=5)
    measured = analogs.measure_after_run(row, "2021-06-30")
    start = pd.Timestamp("2020-06-05")
    end = a.index[a.index.get_loc(start) + 5]
    assert measured.value == round((a[end] / a[start] - 1) * 100, 2)
    assert measured.series == ("A", "B") and measured.details["end"] == end.date()
    to_end = _analog_row(anchor="precedent_run", end="2020-06-19")
    assert analogs.measure_after_run(to_end, "2021-06-30").value == round(
        (a["2020-06-19"] / a[start] - 1) * 100, 2
    )
    named = analogs.measure_after_run(
        _analog_row(anchor="run_from_month", run_month="2020-03", sessions=5), "2021-06-30"
    )
    assert set(named.details["other_anchors"]) == {
        "end of the named month",
        "precedent found by the 'last time' rule",
    }
    table = analogs.analog_rows_table([row, row, to_end], analog_prices)
    assert len(table) == 2 and table["start"].eq(start).all()


def test_window_rows_cite_only_their_series(analog_prices):
    window = {"series": ["B"], "window": ["2020-01-01", "2020-12-31"]}
    drawdown = analogs.measure_drawdown(
        _row({"value": [-20, -17], "unit": "percent"}, window), "2021-06-30"
    )
    assert drawdown.series == ("B",) and drawdown.value == 0.0
    pair = {"series": ["A", "B"], "window": ["2020-01-01", "2020-12-31"]}
    correlation = analogs.measure_correlation(
        _row({"value": [0, 0.95], "unit": "r"}, pair), "2021-06-30"
    )
    assert correlation.series == ("A", "B")
    rank_rule = {"series": ["A", "B"], "window": ["2021-01", "2021-01"]}
    rank = analogs.measure_january_rank(
        _row({"value": 90, "unit": "pct"}, rank_rule, "2021-01-29"), "2021-06-30"
    )
    assert rank.value == 50.0 and rank.details["januaries"] == 1  # January 2021 against itself
