"""The size valuation spread on small hand-made 5x5 tables with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.analysis import returns, valuation
from helpers.errors import ValidationError

COLUMNS = pd.Index([f"ME{s} BM{b}" for s in range(1, 6) for b in range(1, 6)])
MONTHS = pd.period_range("2024-11", periods=4, freq="M")  # 2024-11 .. 2025-02


def table(value_of_size) -> pd.DataFrame:
    """A 4-month 5x5 table whose cells of size quintile s hold value_of_size(s)."""
    row = [value_of_size(s) for s in range(1, 6) for _ in range(5)]
    return pd.DataFrame([row] * len(MONTHS), index=MONTHS, columns=COLUMNS, dtype=float)


def monthly(values, start="2000-01") -> pd.Series:
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def test_quintiles_are_blocks_of_five_columns_size_major():
    assert valuation.size_quintile_columns(COLUMNS, 1) == [f"ME1 BM{b}" for b in range(1, 6)]
    assert valuation.size_quintile_columns(COLUMNS, 5)[-1] == "ME5 BM5"


def test_a_table_that_is_not_5x5_or_a_missing_quintile_is_refused():
    with pytest.raises(ValidationError, match="25 size x B/M"):
        valuation.size_quintile_columns(COLUMNS[:10], 1)
    with pytest.raises(ValidationError, match="quintile 6"):
        valuation.size_quintile_columns(COLUMNS, 6)


def test_quintile_bm_weights_cells_by_market_equity():
    bm = table(lambda s: 1.0)
    bm.loc[:, "ME1 BM5"] = 3.0
    equity = table(lambda s: 1.0)
    equity.loc[:, "ME1 BM5"] = 4.0  # 4 of 8 units of equity sit in the B/M 3.0 cell
    assert valuation.quintile_bm(bm, equity, 1).tolist() == [2.0] * len(MONTHS)


def test_market_equity_is_firms_times_average_cap():
    equity = valuation.cell_market_equity(table(lambda s: 10.0), table(lambda s: float(s)))
    assert equity["ME3 BM1"].iloc[0] == 30.0


def test_spread_is_log_small_minus_log_big():
    bm = table(lambda s: {1: 2.0, 5: 0.5}.get(s, 1.0))
    spread = valuation.size_valuation_spread(bm, table(lambda s: 1.0))
    assert spread.tolist() == pytest.approx([math.log(4.0)] * len(MONTHS))


def test_a_non_positive_quintile_bm_is_an_error_not_a_nan():
    with pytest.raises(ValidationError, match="zero or negative"):
        valuation.size_valuation_spread(table(lambda s: 0.0), table(lambda s: 1.0))


def test_formation_base_is_december_before_the_june_formation():
    months = pd.PeriodIndex(["2025-06", "2025-07", "2025-12", "2026-01"], freq="M")
    expected = ["2023-12", "2024-12", "2024-12", "2024-12"]
    assert [str(p) for p in valuation.formation_base(months)] == expected


def test_price_update_divides_by_growth_since_the_base_december():
    months = pd.period_range("2024-07", periods=3, freq="M")
    bm = pd.DataFrame(1.0, index=months, columns=COLUMNS)
    every_month = pd.period_range("2023-12", months[-1], freq="M")
    returns = pd.DataFrame(10.0, index=every_month, columns=COLUMNS)  # +10 % a month
    updated = valuation.price_updated_bm(bm, returns)
    # base 2023-12: growth compounds January to July 2024 for 2024-07
    assert updated.iloc[:, 0].tolist() == pytest.approx([1.1**-7, 1.1**-8, 1.1**-9])


def test_months_whose_base_december_has_no_return_are_dropped():
    updated = valuation.price_updated_bm(table(lambda s: 1.0), table(lambda s: 1.0))
    assert updated.empty  # every month of MONTHS is based on 2023-12, before the returns


def test_spread_variants_differ_only_by_the_price_update():
    months = pd.period_range("2024-07", periods=3, freq="M")
    bm = pd.DataFrame(1.0, index=months, columns=COLUMNS)
    every_month = pd.period_range("2023-12", months[-1], freq="M")
    growth = {1: 10.0, 5: 0.0}  # small caps rally 10 % a month, big caps stand still
    returns = pd.DataFrame(
        [[growth.get(int(c[2]), 0.0) for c in COLUMNS]] * len(every_month),
        index=every_month,
        columns=COLUMNS,
    )
    spreads = valuation.spread_variants(
        bm, pd.DataFrame(1.0, index=months, columns=COLUMNS), returns
    )
    assert list(spreads) == [valuation.FIXED_DECEMBER, valuation.PRICE_UPDATED]
    assert spreads[valuation.FIXED_DECEMBER].tolist() == pytest.approx([0.0] * 3)
    # the rally narrows only the price-updated spread: -log(1.1) per month since 2023-12
    expected = [-7 * math.log(1.1), -8 * math.log(1.1), -9 * math.log(1.1)]
    assert spreads[valuation.PRICE_UPDATED].tolist() == pytest.approx(expected)


def test_price_update_needs_returns_for_every_month():
    with pytest.raises(ValidationError, match="cover every month"):
        valuation.price_updated_bm(table(lambda s: 1.0), table(lambda s: 1.0).iloc[1:])


def test_last_as_wide_is_the_previous_month_on_a_plateau():
    spread = monthly([1.5, 1.0, 1.2, 1.3, 1.25])
    assert valuation.last_as_wide_before(spread, "2000-05") == pd.Period("2000-04", "M")


def test_skipping_the_current_run_finds_the_earlier_episode():
    spread = monthly([1.5, 1.0, 1.2, 1.3, 1.25])
    found = valuation.last_as_wide_before(spread, "2000-05", skip_current_run=True)
    assert found == pd.Period("2000-01", "M")


@pytest.mark.parametrize("skip", [False, True])
def test_no_earlier_month_as_wide_gives_none(skip):
    spread = monthly([1.0, 1.1, 1.2])
    assert valuation.last_as_wide_before(spread, "2000-03", skip_current_run=skip) is None


def test_years_since_as_wide_pairs_the_month_with_the_years():
    spread = monthly([1.5, 1.0, 1.2, 1.3, 1.25])
    found, years = valuation.years_since_as_wide(spread, "2000-05", skip_current_run=True)
    assert (found, years) == (pd.Period("2000-01", "M"), 4 / 12)
    assert valuation.years_since_as_wide(monthly([1.0, 2.0]), "2000-02") == (None, None)


def test_since_readings_has_a_row_per_variant_and_reading():
    spreads = pd.DataFrame({"a": monthly([1.5, 1.0, 1.2, 1.3]), "b": monthly([1.0, 1.0, 1.0, 2.0])})
    readings = valuation.since_readings(spreads, "2000-04")
    assert len(readings) == 4
    assert readings.loc[readings["spread"] == "b", "years"].isna().all()
    assert readings.loc[1, "last as wide"] == pd.Period("2000-01", "M")


def test_years_between_counts_months():
    assert valuation.years_between(pd.Period("2002-06", "M"), pd.Period("2025-12", "M")) == 23.5


def test_share_above_is_strict():
    assert returns.share_above(pd.Series([1.0, 2.0, 3.0, 4.0]), 2.0) == 50.0


def test_percentile_counts_months_up_to_the_month_at_or_below_it():
    spread = monthly([3.0, 1.0, 2.0, 5.0])
    assert valuation.percent_at_or_below(spread, "2000-03") == pytest.approx(200 / 3)


def test_implied_discount_of_the_article_multiples():
    assert valuation.implied_discount_pct(15.6, 22.6) == pytest.approx(30.97, abs=0.01)
    with pytest.raises(ValidationError, match="positive"):
        valuation.implied_discount_pct(1.0, 0.0)


@given(
    small=st.floats(0.05, 20.0),
    big=st.floats(0.05, 20.0),
    scale=st.floats(0.1, 10.0),
)
def test_spread_ignores_a_common_rescaling_of_book_values(small, big, scale):
    bm = table(lambda s: {1: small, 5: big}.get(s, 1.0))
    equity = table(lambda s: 1.0)
    base = valuation.size_valuation_spread(bm, equity)
    scaled = valuation.size_valuation_spread(bm * scale, equity)
    assert np.allclose(base, scaled)


def test_widest_since_can_be_dated_by_the_prices_behind_each_month():
    months = pd.period_range("2000-01", "2003-12", freq="M")
    spread = pd.Series(0.1, index=months)
    spread[pd.Period("2001-03", "M")] = 0.9  # in the July 2000 - June 2001 block: Dec 1999
    spread[pd.Period("2003-12", "M")] = 0.8  # July 2003 - June 2004 block: Dec 2002 prices
    ref = pd.Period("2003-12", "M")

    def years(dated_by, variant=valuation.FIXED_DECEMBER):
        return valuation.years_since_dated(spread, ref, variant, dated_by, True)["years"]

    assert years(valuation.FILE_MONTH) == pytest.approx(2.75)
    assert years(valuation.PRICE_MONTH) == pytest.approx(3.0)
    assert years(valuation.PRICE_TO_CLAIM_DATE) == pytest.approx(4.0)
    assert years(valuation.PRICE_MONTH, valuation.PRICE_UPDATED) == pytest.approx(2.75)
    assert valuation.price_month("2001-03", valuation.FIXED_DECEMBER) == pd.Period("1999-12", "M")
    with pytest.raises(ValidationError):
        valuation.years_since_dated(spread, ref, valuation.FIXED_DECEMBER, "by mood", True)
