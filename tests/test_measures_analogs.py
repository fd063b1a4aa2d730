"""The analog family's measures (notebook 06) on hand-made closes: each reads the anchor,
window, span, statistic, sample and test its row states."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import frame_of_wins, make_row

from helpers import data
from helpers.errors import DataError, LedgerError
from helpers.measures import analogs as measures
from helpers.measures.reading import Reading


@pytest.fixture
def analog_prices(monkeypatch):
    """A beats B in a 3-session run ending 2020-03-05 and a 4-session run ending 2020-06-05,
    then in the current run ending 2021-06-30; A rises 1 % a session after 2020-06-05."""
    days = pd.bdate_range("2020-01-01", "2021-06-30")
    spans = [("2020-03-03", "2020-03-05"), ("2020-06-02", "2020-06-05")]
    frame = frame_of_wins(days, *spans, ("2021-06-28", "2021-06-30"))
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: frame.loc[:end, list(names)])
    return frame


def _analog_row(**rule):
    base = {"series": ["A", "B"], "length": 3, "statistic": "return_a"}
    return make_row({**base, **rule}, {"value": 0.0, "unit": "percent"}, "2021-06-30")


def _reading(rule: dict, claimed: dict | None = None, as_of: str = "2021-06-30") -> Reading:
    row = make_row(rule, claimed or {"value": 0.0, "unit": "pp"}, as_of, family="analog")
    return Reading(row, data_end="2021-06-30")


def test_anchor_follows_the_rules_anchor_choice(analog_prices):
    from_month = _analog_row(anchor="run_from_month", run_month="2020-03", sessions=5)
    found = measures.anchor_candidates(from_month, analog_prices)
    assert found["run"]["end"] == pd.Timestamp("2020-03-05")
    precedent = _analog_row(anchor="precedent_run", sessions=5)
    assert measures.anchor_candidates(precedent, analog_prices)["run"]["end"] == pd.Timestamp(
        "2020-06-05"
    )
    with pytest.raises(LedgerError, match="run_month"):
        measures.anchor_candidates(_analog_row(anchor="run_from_month"), analog_prices)
    with pytest.raises(DataError, match="no A-over-B run of 9"):
        measures.anchor_candidates(_analog_row(anchor="precedent_run", length=9), analog_prices)


def test_figure_after_anchor_run_spans_sessions_or_an_end_from_the_anchor(analog_prices):
    a = analog_prices["A"]
    row = _analog_row(anchor="precedent_run", sessions=5)
    measured = measures.figure_after_anchor_run(Reading(row))
    start = pd.Timestamp("2020-06-05")
    end = a.index[a.index.get_loc(start) + 5]
    assert measured.value == round((a[end] / a[start] - 1) * 100, 2)
    assert measured.series == ("A", "B") and measured.details["end"] == end.date()
    assert measured.details["precedent"]["end"] == "2020-06-05"
    assert measured.evidence_sentence.endswith("after the run of 4 sessions that ended 2020-06-05")
    to_end = _analog_row(anchor="precedent_run", end="2020-06-19")
    assert measures.figure_after_anchor_run(Reading(to_end)).value == round(
        (a["2020-06-19"] / a[start] - 1) * 100, 2
    )
    named = measures.figure_after_anchor_run(
        Reading(_analog_row(anchor="run_from_month", run_month="2020-03", sessions=5))
    )
    assert set(named.details["other_anchors"]) == {
        "end of the named month",
        "precedent found by the 'last time' rule",
    }
    assert named.details["runs_in_named_year"] == 2 and named.details["named"] == "2020-03"
    table = measures.analog_windows_table([row, row, to_end], analog_prices)
    assert len(table) == 2 and table["start"].eq(start).all()


def test_fixed_window_reads_a_window_or_counts_sessions_from_a_start():
    days = pd.bdate_range("2020-01-01", periods=6)
    prices = pd.Series(range(6), index=days, dtype=float)
    window = make_row({"window": ["2020-01-01", "2020-01-03"]})
    assert measures.fixed_window(window, prices) == (days[0], days[2])
    counted = make_row({"start": "2020-01-02", "sessions": 3})
    assert measures.fixed_window(counted, prices) == (days[1], days[4])
    with pytest.raises(LedgerError, match="fixes no window"):
        measures.fixed_window(make_row({"start": "2020-01-02"}), prices)


def test_window_rows_cite_only_their_series(analog_prices):
    window = {"series": ["B"], "window": ["2020-01-01", "2020-12-31"]}
    drawdown = measures.largest_drawdown_in_window(_reading(window))
    assert drawdown.series == ("B",) and drawdown.value == 0.0
    pair = {"series": ["A", "B"], "window": ["2020-01-01", "2020-12-31"]}
    correlation = measures.return_correlation_in_window(_reading(pair))
    assert correlation.series == ("A", "B")
    rank_rule = {"series": ["A", "B"], "window": ["2021-01", "2021-01"]}
    rank = measures.january_spread_percentile(_reading(rank_rule, as_of="2021-01-29"))
    assert rank.value == 50.0 and rank.details["januaries"] == 1  # January 2021 against itself
    figure = measures.window_figure(
        _reading({**pair, "statistic": "spread_pp", "window": ["2020-06-01", "2020-06-05"]})
    )
    assert figure.value > 0 and figure.evidence_sentence.startswith("A minus B came to +")
    with pytest.raises(LedgerError, match="fixes no window"):
        measures.window_figure(_reading({"series": ["A", "B"], "statistic": "spread_pp"}))


def french_januaries_won_before_1988(monkeypatch) -> dict:
    """French size quintiles 1927-2025 in which the small one wins every January before 1988
    (by 3 pp) and loses every one from 1988 (by 1 pp), patched in as the French file; the rule
    of a row that counts them over the whole history."""
    months = pd.period_range("1927-01", "2025-12", freq="M")
    small = [
        3.0 if (m.month == 1 and m.year < 1988) else -1.0 if m.month == 1 else 0 for m in months
    ]
    size = pd.DataFrame({"Lo 20": small, "Hi 20": 0.0}, index=months.to_timestamp())
    monkeypatch.setattr(data, "french", lambda *args, **kwargs: size)
    return {"sample": "french_size", "window": ["1927-01", "2025-01"], "series": ["Lo 20", "Hi 20"]}


def test_january_readings_measure_their_own_sample_and_window(monkeypatch):
    rule = french_januaries_won_before_1988(monkeypatch)
    base = make_row(rule, {"value": 50.0, "unit": "percent"}, "2026-01-14")
    whole = measures.share_of_januaries_won(Reading(base))
    assert whole.details["januaries"] == 99 and whole.details["won"] == 61
    assert whole.series == (measures.FRENCH_SIZE,)
    assert whole.evidence_sentence.startswith("small caps beat large caps in 61 of 99")
    era_row = dataclasses.replace(base, rule={**base.rule, "window": ["1988-01", "2025-01"]})
    era = measures.share_of_januaries_won(Reading(era_row))
    assert era.value == 0.0 and era.p_value < 1e-9


def test_context_measures_read_only_their_rule(monkeypatch):
    days = pd.bdate_range("1987-12-01", "1989-01-31")
    rng = np.random.default_rng(2)
    steps = rng.normal(0, 0.01, len(days))
    frame = pd.DataFrame(
        {"S": 100 * np.cumprod(1 + 2 * steps), "L": 100 * np.cumprod(1 + steps)}, index=days
    )
    monkeypatch.setattr(data, "prices", lambda names, end=None: frame[list(names)])
    ratio = measures.volatility_ratio(
        _reading({"series": ["S", "L"], "window": ["1988-01-01", "1988-12-31"]})
    )
    assert ratio.value == pytest.approx(2.0, abs=0.01)
    blend = measures.blend_sharpe_gain(
        _reading({"series": ["L", "S"], "window": ["1988-01-01", "1988-12-31"], "weight_pct": 20})
    )
    assert blend.details["weight_small"] == 0.2 and 0 <= blend.p_value <= 1


def test_runs_followed_by_a_lead_count_episodes_with_their_p_value(monkeypatch):
    days = pd.bdate_range("2020-01-01", periods=80)
    frame = frame_of_wins(
        days,
        ("2020-01-02", "2020-01-06"),  # a run of 3, then A keeps losing: B leads after
        ("2020-02-03", "2020-02-05"),
        ("2020-04-15", "2020-04-21"),  # the current run
    )
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: frame.loc[:end, list(names)])
    rule = {"series": ["A", "B"], "sessions": 5}
    reading = _reading(rule, {"value": 50.0, "unit": "percent", "length": 3}, "2020-04-21")
    measured = measures.share_of_runs_followed_by_lead(reading)
    assert measured.value == 0.0 and measured.details["episodes"] == 2
    assert measured.p_value == pytest.approx(0.5)
    assert measured.evidence_sentence.startswith("after 0 of 2 earlier episodes")


def test_the_january_evidence_says_where_the_wins_fall_and_a_rank_may_use_french_januaries(
    monkeypatch,
):
    rule = french_januaries_won_before_1988(monkeypatch)
    whole = measures.share_of_januaries_won(
        Reading(make_row(rule, {"value": 50.0, "unit": "percent"}, "2026-01-14"))
    )
    assert whole.evidence_sentence.endswith(": 61 of 61 before 1988, 0 of 38 since")
    days = pd.bdate_range("2025-12-01", "2026-01-14")
    closes = pd.DataFrame({"^RUT": 100.0, "^GSPC": 100.0}, index=days)
    closes.loc["2026-01-14", "^RUT"] = 102.0  # +2 pp: above every French January but those at 3
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: closes.loc[:end, list(names)])
    rank_rule = {
        "series": ["^RUT", "^GSPC"],
        "sample": "french_size",
        "window": ["1927-01", "2025-01"],
    }
    rank = measures.january_spread_percentile(
        Reading(make_row(rank_rule, {"value": 50.0, "unit": "percentile"}, "2026-01-14"))
    )
    assert rank.value == pytest.approx(100 * 38 / 99, abs=0.1)  # the 38 losing Januaries
    assert rank.series == ("^RUT", "^GSPC", measures.FRENCH_SIZE)
    assert "(Ken French size quintiles Lo 20 vs Hi 20) were larger" in rank.evidence_sentence
