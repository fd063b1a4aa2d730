"""Target-range changes, FOMC runs and the rate-sensitivity fit on hand-made series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import claims
from helpers.analysis import rates
from helpers.claims import significance
from helpers.errors import DataError, ValidationError


def daily(levels: dict[str, float], end: str) -> pd.Series:
    """A calendar-daily step series: each level holds from its date until the next."""
    steps = pd.Series(levels, dtype=float)
    steps.index = pd.to_datetime(steps.index)
    return steps.reindex(pd.date_range(steps.index[0], end, freq="D")).ffill()


UPPER = daily(
    {"2025-06-01": 4.50, "2025-09-18": 4.25, "2025-10-30": 4.00, "2025-12-11": 3.75},
    "2026-01-31",
)
LOWER = UPPER - 0.25


def decisions(changes: list[float], listed: list[bool] | None = None) -> pd.DataFrame:
    days = pd.date_range("2025-01-29", periods=len(changes), freq="6W-WED")
    return pd.DataFrame(
        {"change_bp": changes, "listed_meeting": listed or [True] * len(changes)}, index=days
    )


def test_target_changes_lists_each_step_with_its_size_in_bp():
    changes = rates.target_changes(UPPER)
    assert list(changes.index.strftime("%Y-%m-%d")) == ["2025-09-18", "2025-10-30", "2025-12-11"]
    assert changes["change_bp"].tolist() == [-25.0, -25.0, -25.0]
    assert changes["level_after"].iloc[-1] == 3.75


def test_announcement_is_the_day_before_fred_dates_the_change():
    announced = rates.announcement_dates(pd.DatetimeIndex(["2025-12-11", "2025-10-30"]))
    assert list(announced.strftime("%Y-%m-%d")) == ["2025-12-10", "2025-10-29"]


def test_cuts_between_keeps_decreases_inside_the_window():
    changes = rates.target_changes(UPPER)
    assert len(rates.cuts_between(changes, "2025-10-01", "2025-12-31")) == 2
    rising = rates.target_changes(daily({"2025-01-01": 1.0, "2025-03-01": 1.25}, "2025-04-01"))
    assert rates.cuts_between(rising, "2025-01-01", "2025-12-31").empty


@pytest.mark.parametrize(
    ("as_of", "months", "expected"),
    [("2026-01-14", 6, True), ("2026-01-14", 1, False), ("2025-09-17", 6, False)],
)
def test_cut_in_months_before(as_of, months, expected):
    assert rates.cut_in_months_before(UPPER, as_of, months) is expected


def test_consecutive_cuts_stop_at_the_first_decision_that_was_not_one():
    table = decisions([-25.0, 0.0, -25.0, -50.0, -25.0, -25.0])
    run = rates.consecutive_cuts(table, "2026-01-01", 25)
    assert len(run) == 2 and (run["change_bp"] == -25.0).all()


def test_intermeeting_moves_are_not_scheduled_decisions():
    table = decisions([-25.0, -25.0, -50.0, -25.0], listed=[True, True, False, True])
    assert len(rates.consecutive_cuts(table, "2026-01-01", 25)) == 3


def test_consecutive_cuts_end_at_the_last_decision_on_or_before_end():
    table = decisions([-25.0, -25.0, 0.0])
    assert rates.consecutive_cuts(table, table.index[1], 25).index[-1] == table.index[1]
    assert rates.consecutive_cuts(table, "2026-12-31", 25).empty
    with pytest.raises(DataError, match="no scheduled FOMC decision"):
        rates.consecutive_cuts(table, "2020-01-01", 25)


def test_target_range_on_a_date_uses_the_levels_in_force():
    assert rates.target_range_on(LOWER, UPPER, "2025-12-10") == [3.75, 4.0]
    assert rates.target_range_on(LOWER, UPPER, "2026-01-14") == [3.5, 3.75]


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("The Committee decided to lower the target range for the federal funds rate", "lower"),
        ("the Committee decided to raise the target range for the federal funds rate", "raise"),
        ("decided to keep the target range for the federal funds rate at 0 to 1/4", "maintain"),
        ("decided to maintain the target range for the federal funds rate", "maintain"),
        ("decided to continue to reduce the monthly pace of its net asset purchases", None),
    ],
)
def test_statement_action_reads_the_decision_verb(text, action):
    assert rates.statement_action(text) == action


def test_action_of_change_matches_statement_verbs():
    assert [rates.action_of_change(x) for x in (-25, 0, 50)] == ["lower", "maintain", "raise"]


def test_sources_agree_when_decision_fred_and_statement_say_the_same():
    days = ["2025-10-29", "2025-12-10"]
    table = pd.DataFrame(
        {"change_bp": [-25.0, 0.0], "listed_meeting": True}, index=pd.to_datetime(days)
    )
    statements = pd.DataFrame(
        {
            "decision_date": days,
            "clean_text": [
                "decided to lower the target range",
                "decided to maintain the target range",
            ],
        }
    )
    checked = rates.decisions_against_sources(table, rates.target_changes(UPPER), statements)
    assert checked["fred_next_day_bp"].tolist() == [-25.0, -25.0]
    assert checked["agree"].tolist() == [True, False]


def test_daily_changes_join_levels_before_differencing():
    days = pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"])
    a = pd.Series([100.0, 110.0, 121.0, 121.0], index=days)
    b = pd.Series([100.0, 100.0, 100.0, 100.0], index=days)
    yields = pd.Series([4.0, 4.1, 4.3], index=days[[0, 2, 3]])  # bond market shut on the 3rd
    changes = rates.daily_changes(a, b, yields)
    assert list(changes.index) == list(days[[2, 3]])
    assert changes["margin_pct"].tolist() == pytest.approx([21.0, 0.0])
    assert changes["yield_change_pp"].tolist() == pytest.approx([0.1, 0.2])


def synthetic_changes(slope: float, n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dy = rng.normal(0, 0.05, n)
    margin = 0.01 + slope * dy + rng.normal(0, 0.02, n)
    index = pd.bdate_range("2020-01-01", periods=n)
    return pd.DataFrame({"margin_pct": margin, "yield_change_pp": dy}, index=index)


def test_fit_recovers_a_known_slope_and_states_its_sample():
    fit = rates.fit_tested(synthetic_changes(-2.0), 5, market_control=False)
    assert fit.slope == pytest.approx(-2.0, abs=0.1)
    assert fit.observations == 400 and fit.first == "2020-01-01" and fit.hac_lags == 5
    assert fit.slope_p < 0.001 and 0 < fit.r_squared < 1


def test_fit_refuses_a_sample_too_small_for_its_lags():
    with pytest.raises(ValidationError, match="too few"):
        rates.fit_tested(synthetic_changes(1.0, n=6), 5, market_control=False)


def test_fits_by_period_have_one_row_per_window():
    changes = synthetic_changes(1.0)
    table = rates.sensitivity_by_period(
        changes, [("2020-01-01", "2020-06-30"), ("2020-07-01", "2021-12-31")], hac_lags=2
    )
    assert len(table) == 2 and table["observations"].sum() == len(changes)


@settings(max_examples=25)
@given(slope=st.floats(-5, 5), shift=st.floats(-1, 1))
def test_slope_ignores_a_constant_added_to_the_margin(slope, shift):
    changes = synthetic_changes(slope, n=60)
    moved = changes.assign(margin_pct=changes["margin_pct"] + shift)
    fit, moved_fit = (rates.fit_tested(c, 2, market_control=False) for c in (changes, moved))
    assert moved_fit.slope == pytest.approx(fit.slope, abs=1e-9)


# ------------------------------------------------------------------ tested readings


def _confounded(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Margins driven by market beta only; yields rise with the market (risk-on days)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    market = rng.normal(0, 1, n)
    dy = 0.05 * market + rng.normal(0, 0.05, n)
    margin = 0.2 * market + rng.normal(0, 0.5, n)
    days = pd.bdate_range("2000-01-03", periods=n)
    return pd.DataFrame({"margin_pct": margin, "yield_change_pp": dy, "market_pct": market}, days)


def test_the_market_control_removes_a_beta_driven_yield_slope():
    panel = _confounded()
    naive = rates.fit_tested(panel, 5, market_control=False)
    controlled = rates.fit_tested(panel, 5, market_control=True)
    assert naive.slope > 0 and naive.slope_p < 0.01  # the confounded reading "refutes"
    assert controlled.slope_p > 0.05  # with the control the yield explains nothing
    assert abs(controlled.market_beta - 0.2) < 0.03
    assert rates.fit_tested(panel, 20, True).slope == controlled.slope  # lags move only the s.e.
    assert rates.fit_tested(panel, 20, True).slope_se != controlled.slope_se


def test_daily_panel_adds_the_market_return_of_b():
    days = pd.bdate_range("2024-01-01", periods=4)
    a = pd.Series([100.0, 102.0, 101.0, 103.0], days)
    b = pd.Series([100.0, 101.0, 101.0, 100.0], days)
    y = pd.Series([4.0, 4.1, 4.0, 4.0], days)
    panel = rates.daily_panel(a, b, y)
    assert list(panel.columns) == ["margin_pct", "yield_change_pp", "market_pct"]
    assert panel["market_pct"].round(6).tolist() == [1.0, 0.0, round(-100 / 101, 6)]


def test_the_event_study_uses_scheduled_decision_days_only():
    panel = _confounded()
    decisions = pd.DataFrame(
        {"change_bp": 0.0, "target_after": 1.0, "listed_meeting": True},
        index=panel.index[::30],
    )
    decisions.iloc[1, decisions.columns.get_loc("listed_meeting")] = False
    days = rates.fomc_days(decisions)
    assert len(days) == len(decisions) - 1
    fit = rates.event_study(panel, days, 5)
    assert fit.method == "fomc_event_study" and fit.observations == len(days)


def test_every_rate_tendency_row_states_its_test_control_and_readings():
    from helpers.config import repo_root

    ledger = claims.read_ledger(repo_root() / "data" / "claims.yaml")
    rows = [c for c in ledger.rows if c.group == "rate-sensitivity"]
    assert rows
    for item in rows:
        assert significance.test_block_problems(item.rule["test"]) == []
        assert item.rule["test"]["controls"], "a relative-return regression needs the market"
        assert item.choice("method") == "ols_market_control"
        methods = {item.reading(name).choice("method") for name in item.reading_names}
        assert "fomc_event_study" in methods
        assert {item.reading(name).number("hac_lags") for name in item.reading_names} >= {5, 20}
