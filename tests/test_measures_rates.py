"""The rates family's measures (notebooks 05 and 06) on hand-made FRED series and FOMC
decisions: each reads the series, window, count and method its row states."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import make_row

from helpers import data
from helpers.errors import LedgerError
from helpers.measures import rates as measures
from helpers.measures.reading import Reading


def _reading(claimed: dict, rule: dict, as_of: str = "2024-01-12", data_end=None) -> Reading:
    return Reading(make_row(rule, claimed, as_of, family="rates"), data_end=data_end)


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
    cuts = {"value": 2, "unit": "cuts"}
    measured = measures.cut_count(_reading(cuts, fred_rule, "2026-01-14", "2026-01-31"))
    assert measured.value == 2 and measured.series == ("fred:DFEDTARU",)
    assert measured.evidence_sentence == (
        "FRED DFEDTARU fell 2 times from 2025-10-01 to 2025-12-31: 2025-10-30, 2025-12-11"
    )
    decisions_rule = {
        "series": ["FOMC decisions", "FRED DFEDTARU"],
        "count": "consecutive_decisions",
        "cut_bp": 25,
    }
    measured = measures.cut_count(_reading(cuts, decisions_rule, "2026-01-14", "2026-01-31"))
    assert measured.value == 3 and measured.series == (data.FOMC,)
    bad = _reading(cuts, {**decisions_rule, "count": "meetings"}, "2026-01-14")
    with pytest.raises(LedgerError, match="not one of"):
        measures.cut_count(bad)


def test_pivot_months_and_range_read_the_fred_series_the_rule_names(target_2025):
    pivot = _reading(
        {"value": True, "unit": "bool"}, {"series": ["FRED DFEDTARU"], "months": 2}, "2025-11-15"
    )
    assert measures.cut_within_months(pivot).value is True
    early = dataclasses.replace(pivot, row=dataclasses.replace(pivot.row, as_of="2025-09-01"))
    assert measures.cut_within_months(early).value is False
    months_rule = {
        "series": ["FOMC decisions", "FRED DFEDTARU"],
        "window": ["2025-07-01", "2025-12-31"],
    }
    months = measures.cut_months(_reading({"value": [], "unit": "month"}, months_rule))
    assert months.value == ["2025-09", "2025-10", "2025-12"] and months.series == ("fred:DFEDTARU",)
    assert months.measured_label == "the months the cuts were announced"
    range_rule = {"series": ["FRED DFEDTARL", "FRED DFEDTARU"]}
    measured = measures.target_range(
        _reading({"value": [3.5, 3.75], "unit": "percent"}, range_rule, "2026-01-14")
    )
    assert measured.value == [3.5, 3.75]
    assert measured.series == ("fred:DFEDTARL", "fred:DFEDTARU")


def test_curve_slope_change_is_the_change_of_long_minus_short(monkeypatch):
    days = pd.bdate_range("2025-01-01", "2026-01-30")
    long = pd.Series(np.linspace(4.0, 4.5, len(days)), days)
    short = pd.Series(np.linspace(4.2, 3.6, len(days)), days)
    monkeypatch.setattr(data, "fred", lambda name, **kw: {"DGS10": long, "DGS2": short}[name])
    rule = {"series": ["FRED DGS10", "FRED DGS2"], "months": 12}
    measured = measures.curve_slope_change(
        _reading({"value": 0.0, "unit": "pp"}, rule, "2026-01-21")
    )
    slope = long - short
    expected = slope.loc[:"2026-01-21"].iloc[-1] - slope.loc[:"2025-01-21"].iloc[-1]
    assert measured.value == pytest.approx(round(expected, 3))
    assert measured.value > 0 and measured.series == ("fred:DGS10", "fred:DGS2")


def test_rate_change_reads_the_rate_the_rule_names(monkeypatch):
    days = pd.to_datetime(["1987-12-30", "1987-12-31", "1988-06-30", "1988-12-30"])
    monkeypatch.setattr(data, "fred", lambda name, **_: pd.Series([7.0, 6.8, 7.5, 8.8], index=days))
    rule = {"series": ["FRED DFF"], "window": ["1987-12-31", "1988-12-30"]}
    change = measures.rate_change(_reading({"value": 0.0, "unit": "pp"}, rule))
    assert change.value == pytest.approx(2.0) and change.series == ("fred:DFF",)
    assert change.evidence_sentence == (
        "FRED DFF went from 6.80 on 1987-12-31 to 8.80 on 1988-12-30 (+2.00 pp)"
    )


def test_yield_sensitivity_fits_the_rules_method_and_reports_its_p_value(monkeypatch):
    rng = np.random.default_rng(3)
    days = pd.bdate_range("2020-01-01", periods=600)
    dy = rng.normal(0, 0.05, len(days))
    market = rng.normal(0, 1.0, len(days))
    margin = -2.0 * dy + rng.normal(0, 0.2, len(days))
    b = 100 * np.cumprod(1 + market / 100)
    a = b * np.cumprod(1 + margin / 100)
    closes = pd.DataFrame({"A": a, "B": b}, index=days)
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: closes.loc[:end, names])
    monkeypatch.setattr(data, "fred", lambda name, **_: pd.Series(2 + np.cumsum(dy), days))
    rule = {
        "series": ["A", "B", "FRED DGS2"],
        "method": "ols_margin",
        "hac_lags": 5,
        "window": ["2020-01-01", "2022-12-31"],
    }
    measured = measures.yield_sensitivity(_reading({"value": 0.0, "unit": "pct"}, rule))
    assert measured.value == pytest.approx(-2.0, abs=0.3) and measured.p_value < 0.01
    assert measured.series == ("A", "B", "fred:DGS2")
    assert measured.details["method"] == "ols_margin"


def test_the_event_study_reads_its_days_and_the_errors_its_test_states(monkeypatch):
    """Scheduled days (the reference table) or every listed day, HC3 or HAC errors; SMB from
    the French daily file as the margin under `margin: french_smb`."""
    rng = np.random.default_rng(5)
    days = pd.bdate_range("2020-01-01", periods=600)
    dy = rng.normal(0, 0.05, len(days))
    market = rng.normal(0, 1.0, len(days))
    b = 100 * np.cumprod(1 + market / 100)
    a = b * np.cumprod(1 + (-2.0 * dy + rng.normal(0, 0.2, len(days))) / 100)
    closes = pd.DataFrame({"A": a, "B": b}, index=days)
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: closes.loc[:end, names])
    monkeypatch.setattr(data, "fred", lambda name, **_: pd.Series(2 + np.cumsum(dy), days))
    scheduled, extra = days[5::30], days[20::30]
    listed = pd.DataFrame({"listed_meeting": True}, index=scheduled.union(extra))
    monkeypatch.setattr(data, "fomc_scheduled", lambda: scheduled)
    monkeypatch.setattr(data, "fomc_decisions", lambda **_: listed)
    test = {"method": "fomc_event_study", "alpha": 0.05, "controls": [], "cov": "HC3"}
    rule = {
        "series": ["A", "B", "FRED DGS2"],
        "method": "fomc_event_study",
        "hac_lags": 5,
        "window": ["2020-01-01", "2022-12-31"],
        "test": test,
    }
    on_scheduled = measures.yield_sensitivity(_reading({"value": 0.0, "unit": "pct"}, rule))
    assert on_scheduled.details["observations"] == len(scheduled)
    assert on_scheduled.details["cov"] == "HC3" and on_scheduled.series[-1] == (
        "reference:fomc_scheduled_meetings"
    )
    assert f"{len(scheduled)} scheduled FOMC days" in on_scheduled.evidence_sentence
    assert "HC3 p" in on_scheduled.evidence_sentence
    every = measures.yield_sensitivity(
        _reading({"value": 0.0, "unit": "pct"}, {**rule, "event_days": "all_listed"})
    )
    assert every.details["observations"] == len(scheduled) + len(extra)
    assert every.series[-1] == data.FOMC
    hac = measures.yield_sensitivity(
        _reading({"value": 0.0, "unit": "pct"}, {**rule, "test": {**test, "cov": "HAC"}})
    )
    assert hac.value == on_scheduled.value and hac.p_value != on_scheduled.p_value
    smb = pd.DataFrame({"SMB": closes["A"].pct_change() * 100}, index=days)
    monkeypatch.setattr(data, "french", lambda name, section=None, **_: smb)
    factor = {
        **rule,
        "method": "ols_market_control",
        "margin": "french_smb",
        "series": ["French F-F_Research_Data_Factors_daily", "B", "FRED DGS2"],
    }
    from_smb = measures.yield_sensitivity(_reading({"value": 0.0, "unit": "pct"}, factor))
    assert from_smb.series[0] == "french:F-F_Research_Data_Factors_daily"
    assert from_smb.evidence_sentence.startswith("SMB (")
