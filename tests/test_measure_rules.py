"""The `measure_*` functions that resolve a ledger row's rule choices for notebook 06, on
small fixtures built here (no real data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import claims, data
from helpers.analysis import analogs
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
