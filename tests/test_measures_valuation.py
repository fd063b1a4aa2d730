"""The valuation family's measures (notebook 04) on hand-made spreads: each reads the spread
variant, window, dating and rows its ledger row states."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_row

from helpers.analysis import valuation
from helpers.errors import LedgerError, ValidationError
from helpers.measures import valuation as measures
from helpers.measures.reading import Reading

SPREADS = pd.DataFrame(
    {
        valuation.FIXED_DECEMBER: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        valuation.PRICE_UPDATED: [6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
    },
    index=pd.period_range("2023-10", periods=6, freq="M"),
)


@pytest.fixture
def spreads(monkeypatch):
    """The measures read SPREADS unless a test serves other spreads."""
    served = {"frame": SPREADS}
    monkeypatch.setattr(measures, "size_spreads", lambda reading: served["frame"])
    return served


def _reading(rule: dict, as_of: str = "2024-03-15") -> Reading:
    rule = {"series": ["French 25_Portfolios_5x5"], **rule}
    return Reading(make_row(rule, {"value": 1, "unit": "pp"}, as_of, family="valuation"))


def test_spread_percentile_ranks_the_windows_last_month(spreads):
    months = pd.period_range("2000-01", periods=5, freq="M")
    spreads["frame"] = pd.DataFrame(
        {"price-updated": [1.0, 3.0, 2.0, 5.0, 4.0], "fixed-december": [5.0, 4.0, 3.0, 2.0, 1.0]},
        index=months,
    )
    updated = {"spread": "price-updated"}
    measured = measures.spread_percentile(_reading({"window": ["2000-01", "2000-05"], **updated}))
    assert measured.value == 80.0  # 4 of 5 months at or below 4.0
    assert measured.evidence_sentence.startswith("the price-updated spread of 4.000 in 2000-05")
    early = measures.spread_percentile(_reading({"window": ["2000-01", "2000-03"], **updated}))
    assert early.value == pytest.approx(66.7)  # no look-ahead past the window
    fixed = _reading({"window": ["2000-01", "2000-05"], "spread": "fixed-december"})
    assert measures.spread_percentile(fixed).value == 20.0
    with pytest.raises(ValidationError):
        measures.spread_percentile(_reading({"window": ["2000-01", "2001-01"], **updated}))


def test_share_of_months_above_median_reads_the_rows_spread_variant(spreads):
    # history through 2023-12: medians 2.0 (fixed) and 5.0 (updated); window Jan-Mar 2024
    fixed = measures.share_of_months_above_median(_reading({"window": ["2024-01", "2024-03"]}))
    assert fixed.value == 100.0 and fixed.details["spread_variant"] == valuation.FIXED_DECEMBER
    updated = measures.share_of_months_above_median(
        _reading({"window": ["2024-01", "2024-03"], "spread": valuation.PRICE_UPDATED})
    )
    assert updated.value == 0.0
    assert updated.details["shares_by_variant"][valuation.FIXED_DECEMBER] == 100.0


def test_spread_change_is_the_claims_month_minus_the_one_before(spreads):
    change = measures.spread_change_in_month(_reading({}))
    assert change.value == pytest.approx(1.0) and change.details["month_end_after_as_of"]
    updated = measures.spread_change_in_month(_reading({"spread": valuation.PRICE_UPDATED}))
    assert updated.value == pytest.approx(-1.0)
    assert updated.series == ("french:25_Portfolios_5x5",)
    assert updated.evidence_sentence.startswith("the price-updated spread moved -1.0000")


def test_years_since_as_wide_dates_the_precedent_as_the_row_says(spreads):
    months = pd.period_range("2000-01", "2003-12", freq="M")
    spread = pd.Series(0.1, index=months)
    spread[pd.Period("2001-03", "M")] = 0.9
    spread[pd.Period("2003-12", "M")] = 0.8
    spreads["frame"] = pd.DataFrame({valuation.FIXED_DECEMBER: spread})
    rule = {"skip_current_stretch": True, "dated_by": "price_month"}
    measured = measures.years_since_spread_as_wide(_reading(rule, "2003-12-31"))
    assert measured.value == pytest.approx(3.0)
    assert measured.details["last_as_wide"] == pd.Period("2001-03", "M")
    assert "was last as wide in 2001-03" in measured.evidence_sentence


def test_implied_discount_reads_its_inputs_from_the_rows_ratio_of_names():
    def multiple(claim_id: str, value: float):
        return make_row({}, {"value": value, "unit": "ratio"}, id=claim_id)

    rows = {"small": multiple("small", 15.6), "large": multiple("large", 22.6)}

    def reading(rule: dict) -> Reading:
        return Reading(make_row(rule, {"value": 31, "unit": "percent"}), rows=rows)

    found = measures.implied_discount(reading({"series": [], "ratio_of": ["small", "large"]}))
    assert found.value == 30.97 and found.series == ()
    assert found.details == {"small_multiple": 15.6, "large_multiple": 22.6}
    swapped = reading({"ratio_of": ["large", "small"]})
    assert measures.implied_discount(swapped).value < 0
    with pytest.raises(LedgerError, match="ratio_of"):
        measures.implied_discount(reading({}))


def test_widest_since_may_compare_the_same_calendar_month_only(spreads):
    months = pd.period_range("1990-01", "2003-12", freq="M")
    spread = pd.Series(0.5, index=months)
    spread[pd.Period("1995-12", "M")] = 0.9  # a December as wide
    spread[pd.Period("2002-06", "M")] = 0.95  # a later June, wider
    spread[pd.Period("2003-12", "M")] = 0.9
    spreads["frame"] = pd.DataFrame({valuation.PRICE_UPDATED: spread})
    rule = {"spread": valuation.PRICE_UPDATED, "dated_by": "price_month"}
    every = measures.years_since_spread_as_wide(_reading(rule, "2003-12-31"))
    decembers = measures.years_since_spread_as_wide(
        _reading({**rule, "compared_months": "same_month"}, "2003-12-31")
    )
    assert every.details["last_as_wide"] == pd.Period("2002-06", "M")
    assert decembers.details["last_as_wide"] == pd.Period("1995-12", "M")
    assert decembers.value == pytest.approx(8.0)
    assert "comparing Decembers only" in decembers.evidence_sentence


def test_the_small_leg_is_the_quintile_the_rule_names():
    months = pd.period_range("2000-01", periods=2, freq="M")
    columns = [f"ME{q} BM{b}" for q in range(1, 6) for b in range(1, 6)]
    bm = pd.DataFrame([[4.0] * 5 + [2.0] * 5 + [1.0] * 15] * 2, index=months, columns=columns)
    equity = pd.DataFrame(1.0, index=months, columns=columns)
    smallest = valuation.size_valuation_spread(bm, equity)
    second = valuation.size_valuation_spread(bm, equity, small_quintile=2)
    assert smallest.iloc[0] == pytest.approx(np.log(4.0))
    assert second.iloc[0] == pytest.approx(np.log(2.0))


def test_value_minus_growth_averages_the_extreme_book_to_market_cells_over_sizes():
    columns = [f"ME{size} BM{bm}" for size in range(1, 6) for bm in range(1, 6)]
    months = pd.period_range("2024-01", periods=2, freq="M")
    table = pd.DataFrame(0.0, index=months, columns=columns)
    table[[f"ME{size} BM5" for size in range(1, 6)]] = 2.0  # value
    growth = [f"ME{size} BM1" for size in range(1, 6)]
    table.loc[months[0], growth], table.loc[months[1], growth] = 1.0, -1.0
    assert valuation.value_minus_growth(table).tolist() == [1.0, 3.0]


def test_value_minus_growth_return_compounds_the_source_the_row_names(monkeypatch):
    from helpers import data

    days = pd.bdate_range("2025-12-29", periods=5)
    hml = pd.DataFrame({"HML": [1.0, 1.0, -1.0, 2.0, 0.0]}, index=days)
    monkeypatch.setattr(data, "french", lambda dataset, section=None, **_: hml)
    rule = {"series": [measures.FACTORS_DAILY], "window": ["2025-12-30", "2026-01-01"]}
    reading = Reading(make_row(rule, {"value": 0, "unit": "percent"}, "2026-01-02"))
    measured = measures.value_minus_growth_return(reading)
    assert measured.value == pytest.approx(round((1.01 * 0.99 * 1.02 - 1) * 100, 2))
    assert measured.details["periods"] == 3 and measured.series == (measures.FACTORS_DAILY,)
    assert measured.evidence_sentence.startswith("HML (Fama-French value minus growth, daily)")
    other = Reading(make_row({**rule, "series": ["french:Other"]}, {"value": 0}, "2026-01-02"))
    with pytest.raises(ValidationError, match="no value-minus-growth series"):
        measures.value_minus_growth_return(other)
