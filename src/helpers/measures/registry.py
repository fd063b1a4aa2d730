"""The registry: a ledger row's `measured_by` key -> the one function that measures it.

Every measure has one signature, `(Reading) -> Measurement`, and lives in the module of its
family; the registry names each once, with that module, and imports the module only when a
row is measured, so reading the registry (the ledger's schema does) costs nothing.
`tests/test_measures.py` holds every name to a function of that name in its module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from helpers.analysis.measurement import Measurement
from helpers.errors import LedgerError
from helpers.measures.reading import Reading

Measure = Callable[[Reading], Measurement]

# measure name (a row's `measured_by`) -> the helpers.measures module that defines it
MEASURES: dict[str, str] = {
    # the January 2026 run and its precedents
    "streak_length": "streaks",
    "streak_start": "streaks",
    "first_day_margin": "streaks",
    "resilient_on_down_days": "streaks",
    "precedent_reached_on": "streaks",
    "precedent_age_years": "streaks",
    "longest_earlier_run": "streaks",
    "longest_run_in_window": "streaks",
    "winning_months": "streaks",
    "years_since_monthly_run": "streaks",
    # returns to a date, highs, starts of the year
    "change_to_date": "returns",
    "change_over_window": "returns",
    "highest_close_this_year": "returns",
    "new_high_this_year": "returns",
    "new_high_in_sessions": "returns",
    "start_of_year_spread_rank": "returns",
    "years_since_as_good_start": "returns",
    "largest_gain_into_date": "returns",
    "first_back_to_back_losses": "returns",
    "rsi_at_date": "returns",
    # the small-vs-large valuation spread
    "years_since_spread_as_wide": "valuation",
    "spread_percentile": "valuation",
    "share_of_months_above_median": "valuation",
    "spread_change_in_month": "valuation",
    "implied_discount": "valuation",
    "value_minus_growth_return": "valuation",
    # the Fed and rates
    "cut_within_months": "rates",
    "cut_count": "rates",
    "cut_months": "rates",
    "target_range": "rates",
    "rate_change": "rates",
    "curve_slope_change": "rates",
    "yield_sensitivity": "rates",
    # what followed earlier episodes, and context statements
    "window_figure": "analogs",
    "figure_after_anchor_run": "analogs",
    "runs_followed_vs_base": "analogs",
    "second_return_over_precedent_run": "analogs",
    "largest_drawdown_in_window": "analogs",
    "return_correlation_in_window": "analogs",
    "volatility_ratio": "analogs",
    "volatility_ratio_in_stress": "analogs",
    "blend_sharpe_gain": "analogs",
    "share_of_januaries_won": "analogs",
    "january_spread_percentile": "analogs",
    "share_of_months_lagged": "analogs",
    "size_spread_over_cycle": "analogs",
    "expansion_months": "analogs",
    "disinflation_without_recession": "analogs",
    # breadth and concentration
    "negative_ytd_count": "breadth",
    "largest_ytd_spread_over_index": "breadth",
    "ytd_lead_over_index": "breadth",
    "lowest_ytd_return": "breadth",
    "down_closes_in_window": "breadth",
    "below_high": "breadth",
    "share_above_mean_close": "breadth",
    "share_of_sessions_advancing": "breadth",
    "members_up_ytd": "breadth",
    "share_of_members_beating_index": "breadth",
    "top_weight": "breadth",
    "breadth_lead_over_earlier_high": "breadth",
    "rank_of_share_beating_index": "breadth",
    "member_group_ytd_lead": "breadth",
    "share_of_index_gain": "breadth",
    "top_decile_share": "breadth",
}


def names() -> tuple[str, ...]:
    """Every measure a row may name, in registry order."""
    return tuple(MEASURES)


def function(name: str) -> Measure:
    """The function registered as `name` (a LedgerError naming the known ones if none is)."""
    if name not in MEASURES:
        raise LedgerError(
            f"no measure {name!r} in helpers.measures",
            f"set the row's `measured_by:` to one of {', '.join(MEASURES)}",
        )
    module = importlib.import_module(f"helpers.measures.{MEASURES[name]}")
    found: Measure = getattr(module, name)
    return found


def measure(reading: Reading) -> Measurement:
    """The measurement of one reading, by the function its row's `measured_by` names, at the
    close its `as_of_offset` moves the claim's date to (`shifted`)."""
    return function(str(reading.row.rule.get("measured_by")))(shifted(reading))


def shifted(reading: Reading) -> Reading:
    """The reading at the session its rule's `as_of_offset` names, counted on the trading
    calendar (`helpers.data.sessions`) from the claim's date ("as of one session later"); the
    reading itself when the rule has no offset. A move past the notebook's data end, or off
    the calendar, is an error naming the row."""
    offset = reading.row.rule.get("as_of_offset")
    if not offset:
        return reading
    from helpers import data  # only a reading with an offset needs the calendar

    days = [f"{day:%Y-%m-%d}" for day in data.sessions()]
    row = reading.row
    if row.as_of not in days:
        raise LedgerError(
            f"claim {row.id}: as_of {row.as_of} is not a trading day, so it cannot move by "
            f"{offset} session(s)",
            "give the row a trading day as as_of (python -m helpers claims check)",
        )
    position = days.index(row.as_of) + int(offset)
    moved = days[position] if 0 <= position < len(days) else None
    if moved is None or (reading.data_end is not None and moved > reading.data_end):
        raise LedgerError(
            f"claim {row.id}: as_of {row.as_of} moved by {offset} session(s) leaves the data "
            f"(closes to {reading.data_end or days[-1]})",
            "use a smaller `as_of_offset`, or run the notebook with a later as_of",
        )
    return reading.moved_to(moved)
