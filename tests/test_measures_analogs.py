"""The analog family's measures (notebooks 06, 08 and 09) on hand-made closes: each reads the
anchor, window, span, statistic, sample and test its row states."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import frame_of_wins, make_row

from helpers import data
from helpers.errors import DataError, DateRangeError, LedgerError
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


def test_runs_followed_vs_base_compare_the_runs_share_with_every_window(monkeypatch):
    from scipy.stats import binomtest

    days = pd.bdate_range("2020-01-01", periods=80)
    frame = frame_of_wins(
        days,
        ("2020-01-02", "2020-01-06"),  # a run of 3, then A keeps losing: B leads after
        ("2020-02-03", "2020-02-05"),
        ("2020-04-15", "2020-04-21"),  # the current run
    )
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: frame.loc[:end, list(names)])
    a = frame.loc[:"2020-04-21", "A"].to_numpy()
    base = 100.0 * float(np.mean(a[5:] / a[:-5] > 1))  # every 5-session window A rose in
    rule = {"series": ["A", "B"], "sessions": 5, "statistic": "beat_vs_base_pp"}
    claimed = {"value": 0.0, "unit": "pp", "length": 3}
    measured = measures.runs_followed_vs_base(_reading(rule, claimed, "2020-04-21"))
    assert measured.details["runs"] == 2 and measured.details["runs_followed"] == 0
    assert 0 < base < 100 and measured.value == pytest.approx(round(-base, 2))
    assert measured.details["base_share_pct"] == pytest.approx(round(base, 1))
    assert measured.p_value == pytest.approx(binomtest(0, 2, base / 100).pvalue)
    assert measured.evidence_sentence.startswith("after 0 of the 2 earlier runs of 3+ sessions")
    up_rule = {**rule, "statistic": "up_vs_base_pp"}
    up = measures.runs_followed_vs_base(_reading(up_rule, claimed, "2020-04-21"))
    assert up.details["runs_followed"] == 0 and "A rose over the next 5" in up.evidence_sentence
    with pytest.raises(DateRangeError, match="no earlier run of 9"):
        measures.runs_followed_vs_base(_reading(rule, {**claimed, "length": 9}, "2020-04-21"))


# An NBER chronology for the cycle measures: troughs 2000-01 and 2000-09 (after the 2000-06
# peak) and 2001-04 (after the 2001-03 peak).
CYCLES = pd.DataFrame(
    {
        "peak": pd.PeriodIndex([None, "2000-06", "2001-03"], freq="M"),
        "trough": pd.PeriodIndex(["2000-01", "2000-09", "2001-04"], freq="M"),
    }
)
IN_RECESSION = ("2000-07", "2000-08", "2000-09", "2001-04")


@pytest.fixture
def cycle_data(monkeypatch):
    """Monthly size returns 2000-2002: small loses 2 % a month in recessions and gains 1 %
    otherwise against a flat large portfolio; December small -1 % every year."""
    months = pd.period_range("2000-01", "2002-12", freq="M", name="Date")
    small = [-2.0 if str(m) in IN_RECESSION else -1.0 if m.month == 12 else 1.0 for m in months]
    size = pd.DataFrame({"Lo 20": small, "Hi 20": 0.0}, index=months)
    monkeypatch.setattr(data, "french", lambda *args, **kwargs: size)
    monkeypatch.setattr(data, "nber_cycles", lambda: CYCLES)
    return size


def _cycle_reading(statistic: str, **rule) -> Reading:
    base = {"series": ["Lo 20", "Hi 20"], "window": ["2000-01", "2002-12"]}
    return _reading({**base, "statistic": statistic, **rule}, {"value": 50.0, "unit": "percent"})


def test_size_spread_over_cycle_reads_recessions_troughs_or_phase_means(cycle_data):
    lagged = measures.size_spread_over_cycle(_cycle_reading("recessions_lagged_pct"))
    assert lagged.value == 100.0 and lagged.details["episodes"] == 2
    assert lagged.series == (measures.FRENCH_SIZE, "reference:nber_business_cycles")
    assert "over 2 of the 2 NBER recessions (peaks 2000-06 to 2001-03)" in (
        lagged.evidence_sentence
    )
    led = measures.size_spread_over_cycle(_cycle_reading("troughs_led_pct", months=3))
    assert led.value == 100.0 and led.details["episodes"] == 3 and led.p_value == 0.25
    phases = measures.size_spread_over_cycle(_cycle_reading("expansion_minus_recession_pp"))
    assert phases.value > 2.0 and phases.p_value < 0.01
    with pytest.raises(DateRangeError, match="no NBER episode"):
        measures.size_spread_over_cycle(
            _cycle_reading("recessions_lagged_pct", window=["2002-01", "2002-12"])
        )


def test_share_of_months_lagged_counts_one_calendar_month_each_year(cycle_data):
    rule = {"sample": "french_size", "series": ["Lo 20", "Hi 20"]}
    december = measures.share_of_months_lagged(
        _reading({**rule, "window": ["2000-12", "2002-12"]}, {"value": 50.0, "unit": "percent"})
    )
    assert december.value == 100.0 and december.details["months"] == 3
    assert december.evidence_sentence.startswith(
        "small caps trailed large caps in 3 of 3 Decembers"
    )
    june = measures.share_of_months_lagged(
        _reading({**rule, "window": ["2000-06", "2002-06"]}, {"value": 50.0, "unit": "percent"})
    )
    assert june.value == 0.0 and june.p_value == pytest.approx(0.25)


def test_expansion_months_measure_the_expansion_around_the_rules_start(cycle_data):
    whole = measures.expansion_months(_cycle_reading("expansion_months", start="2000-11-01"))
    assert whole.value == 6 and whole.details["peak"] == "2001-03"
    left = measures.expansion_months(_cycle_reading("months_to_peak", start="2000-11-01"))
    assert left.value == 4 and "trough to the 2001-03 peak" in left.evidence_sentence
    with pytest.raises(DataError, match="has not ended"):
        measures.expansion_months(_cycle_reading("expansion_months", start="2002-01-01"))


def test_disinflation_without_recession_needs_both_halves(monkeypatch, cycle_data):
    months = pd.period_range("1999-01", "2002-12", freq="M")
    # 10 % a year to 2000-12, then 2 % a year: inflation falls from 10 % to 2 % in 2001
    level, price = [], 100.0
    for m in months:
        price *= 1.10 ** (1 / 12) if m.year <= 2000 else 1.02 ** (1 / 12)
        level.append(price)
    monkeypatch.setattr(data, "cpi", lambda: pd.Series(level, index=months))
    rule = {"window": ["2001-06", "2002-12"], "inflation_cut_pct": 50}
    calm = measures.disinflation_without_recession(
        _reading({**rule, "statistic": "disinflation_and_no_recession"}, {"value": True})
    )
    assert calm.value is True and calm.details["nber_peaks_in_window"] == []
    assert "with no NBER peak from 2001-06 to 2002-12" in calm.evidence_sentence
    with_peak = {**rule, "window": ["2000-06", "2002-12"]}
    assert (
        measures.disinflation_without_recession(
            _reading({**with_peak, "statistic": "disinflation_and_no_recession"}, {"value": True})
        ).value
        is False
    )
    assert (
        measures.disinflation_without_recession(
            _reading({**with_peak, "statistic": "no_recession"}, {"value": True})
        ).value
        is False
    )


def test_volatility_ratio_in_stress_splits_days_by_the_large_series_drawdown(monkeypatch):
    days = pd.bdate_range("2020-01-01", periods=120)
    rng = np.random.default_rng(5)
    steps = rng.normal(0, 0.01, len(days))
    # L falls 20 % over the middle 40 sessions; S moves 3x as much then, 1x otherwise
    trend = np.where((np.arange(len(days)) >= 40) & (np.arange(len(days)) < 80), -0.005, 0.001)
    large = 100 * np.cumprod(1 + trend + steps)
    stressed = (np.arange(len(days)) >= 40) & (np.arange(len(days)) < 80)
    small = 100 * np.cumprod(1 + np.where(stressed, 3, 1) * (trend + steps))
    frame = pd.DataFrame({"S": small, "L": large}, index=days)
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: frame[list(names)])
    rule = {"series": ["S", "L"], "window": ["2020-01-01", "2020-12-31"], "drawdown_pct": 10}
    ratio = measures.volatility_ratio_in_stress(_reading({**rule, "statistic": "stress_ratio"}))
    assert ratio.details["stress_sessions"] > 0
    assert ratio.details["ratio_in_calm"] < ratio.value
    over = measures.volatility_ratio_in_stress(_reading({**rule, "statistic": "stress_over_calm"}))
    assert over.value == pytest.approx(
        ratio.details["ratio_in_stress"] / ratio.details["ratio_in_calm"], abs=0.01
    )
    assert over.evidence_sentence.startswith("on the ")


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
