"""Measures of the small-vs-large valuation spread (Ken French size x book-to-market cells,
the file a row's `series` names): "widest since", its percentile, how long it stayed wide,
how it moved in a month, and the discount two claimed multiples imply."""

from __future__ import annotations

import pandas as pd

from helpers import data
from helpers.analysis import valuation
from helpers.analysis.analogs import compounded_pct
from helpers.analysis.measurement import Measurement
from helpers.analysis.returns import share_above, year_end_before
from helpers.errors import ValidationError
from helpers.measures.reading import Reading, Row

__all__ = [
    "value_minus_growth_return",
    "implied_discount",
    "share_of_months_above_median",
    "spread_change_in_month",
    "spread_percentile",
    "years_since_spread_as_wide",
]

# The sections of a French 5x5 file the spreads are built from.
BM_SECTION = "Value Weight Average of BE/ME"  # BE / ME(December t-1)
FIRMS_SECTION = "Number of Firms"
CAP_SECTION = "Average Market Cap"
# The value-minus-growth sources: the daily Fama-French factors (HML, to 2025-12-31) and the
# 5x5 size x B/M portfolios (a month-end proxy, to the file's last month).
FACTORS_DAILY = "french:F-F_Research_Data_Factors_daily"
SIZE_BM = "french:25_Portfolios_5x5"
RETURNS_SECTION = "Average Value Weighted Returns -- Monthly"


def french_size_cells(
    dataset: str, end: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(book-to-market to the month of `end`, market equity, monthly returns) per cell of a
    French 5x5 size x B/M file: what the spreads are built from."""
    bm = data.french(dataset, BM_SECTION)
    if end is not None:
        bm = bm.loc[: pd.Period(end, freq="M")]
    equity = valuation.cell_market_equity(
        data.french(dataset, FIRMS_SECTION), data.french(dataset, CAP_SECTION)
    )
    return bm, equity, data.french(dataset, RETURNS_SECTION)


def size_spreads(reading: Reading) -> pd.DataFrame:
    """Both size valuation spreads (fixed-December and price-updated, one column each) of the
    French file the row's `series` names, monthly up to the notebook's data end, with the
    rule's `small_quintile` as the small leg (1, the smallest, unless it says); built once
    per notebook run."""
    (key,) = reading.row.series
    end = reading.data_end
    small = reading.row.number("small_quintile") if "small_quintile" in reading.row.rule else 1

    def build() -> pd.DataFrame:
        cells = french_size_cells(key.removeprefix("french:"), end)
        return valuation.spread_variants(*cells, small_quintile=small)

    spreads: pd.DataFrame = reading.frames.get(("size_spreads", key, end, small), build)
    return spreads


def years_since_spread_as_wide(reading: Reading) -> Measurement:
    """Years since the spread was last as wide as in the claim's month ("widest since"): on
    the rule's `spread` variant, dated as its `dated_by` says, skipping the current stretch
    of wide months when `skip_current_stretch` says so."""
    row = reading.row
    spreads = size_spreads(reading)
    variant = row.choice("spread")
    month = pd.Period(row.as_of, freq="M")
    compared = spreads[variant]
    if row.choice("compared_months") == "same_month":
        compared = valuation.same_calendar_month(compared, month)
    found = valuation.years_since_dated(
        compared,
        month,
        variant,
        row.choice("dated_by"),
        bool(row.rule.get("skip_current_stretch", False)),
    )
    return Measurement(
        found["years"],
        series=row.series,
        details={
            **found,
            "pct_months_at_or_below_since_1926": valuation.percent_at_or_below(
                spreads[variant], row.as_of
            ),
        },
        evidence_sentence=(
            f"the {_variant(variant)} spread ({_legs(reading)}) of {found['level']:.3f} in "
            f"{month} was last as wide in {found['last_as_wide']}{_compared(row, month)}: "
            f"{found['years']:.2f} years from {found['precedent_dated']} to "
            f"{found['reference_dated']}, {DATED_BY_WORDS[found['dated_by']]}"
        ),
    )


def _variant(variant: str) -> str:
    """A spread variant as a sentence names it ("fixed-December", "price-updated")."""
    return variant.replace("december", "December")


# How a "widest since" dates its two months, in a reader's words (rule `dated_by`).
DATED_BY_WORDS = {
    "file_month": "dated by the file's months",
    "price_month": "each dated by the prices it divides book equity by",
    "price_to_claim_date": "the precedent dated by its prices, the claim by its month",
}


def _legs(reading: Reading) -> str:
    """The two size quintiles a spread compares, in words."""
    small = reading.row.number("small_quintile") if "small_quintile" in reading.row.rule else 1
    return "smallest vs largest quintile" if small == 1 else f"quintile {small} vs the largest"


def _compared(row: Row, month: pd.Period) -> str:
    if row.choice("compared_months") == "same_month":
        return f", comparing {month.strftime('%B')}s only"
    return ""


def spread_percentile(reading: Reading) -> Measurement:
    """The percentile (0-100) of the rule's `spread` variant in the last month of its
    `window` among every month of the window ("wide by historical standards")."""
    row = reading.row
    first, last = (pd.Period(month, freq="M") for month in row.window)
    variant = row.choice("spread")
    history = size_spreads(reading)[variant].loc[first:last].dropna()
    if history.empty or history.index[-1] != last:
        raise ValidationError(
            f"no {variant} spread for {last} in the data", "end the window inside the French file"
        )
    value = round(valuation.percent_at_or_below(history, last), 1)
    return Measurement(
        value,
        series=row.series,
        details={
            "month": str(last),
            "spread": round(float(history.loc[last]), 4),
            "median": round(float(history.median()), 4),
            "months": len(history),
            "first_month": str(history.index[0]),
            "spread_variant": variant,
        },
        evidence_sentence=(
            f"the {_variant(variant)} spread of {float(history.loc[last]):.3f} in {last} was at "
            f"or above {value} % of the {len(history)} months from {history.index[0]}"
        ),
    )


def share_of_months_above_median(reading: Reading) -> Measurement:
    """The percent of months in the rule's `window` whose `spread` variant was above its
    median through the year before the claim ("the spread stayed wide"); details carry the
    same share for every variant."""
    row = reading.row
    spreads = size_spreads(reading)
    history_end = pd.Period(year_end_before(row.as_of), freq="M")
    window = slice(*row.window)
    medians = spreads.loc[:history_end].median()
    shares = {name: share_above(spreads[name].loc[window], medians[name]) for name in spreads}
    variant = row.choice("spread")
    months = len(spreads.loc[window])
    return Measurement(
        shares[variant],
        series=row.series,
        details={
            "spread_variant": variant,
            "window": row.window,
            "median_through": history_end,
            "median": medians[variant],
            "months": months,
            "shares_by_variant": shares,
        },
        evidence_sentence=(
            f"the {_variant(variant)} spread was above its median to {history_end} "
            f"({medians[variant]:.3f}) in {shares[variant]:.1f} % of the {months} months "
            f"{row.window[0]} to {row.window[1]}"
        ),
    )


def spread_change_in_month(reading: Reading) -> Measurement:
    """The change of the rule's `spread` variant from the month before the claim's month to
    that month ("the gap narrowed"); its file month may end after the claim's date, which the
    details flag."""
    row = reading.row
    spreads = size_spreads(reading)
    month = pd.Period(row.as_of, freq="M")
    variant = row.choice("spread")
    changes = spreads.loc[month] - spreads.loc[month - 1]
    return Measurement(
        changes[variant],
        series=row.series,
        details={
            "spread_variant": variant,
            "from": month - 1,
            "to": month,
            "month_end_after_as_of": month.end_time.normalize() > pd.Timestamp(row.as_of),
            "levels": spreads.loc[[month - 1, month]].round(4).to_dict("index"),
            "changes_by_variant": changes.to_dict(),
            "pct_months_at_or_below_since_1926": valuation.percent_at_or_below(
                spreads[variant], month
            ),
        },
        evidence_sentence=(
            f"the {_variant(variant)} spread moved {changes[variant]:+.4f} log points from "
            f"{month - 1} ({spreads.loc[month - 1, variant]:.3f}) to {month} "
            f"({spreads.loc[month, variant]:.3f})"
        ),
    )


def implied_discount(reading: Reading) -> Measurement:
    """The discount (percent) the claimed multiples of the rows the rule's `ratio_of` names
    imply: the article's own arithmetic, no data, rounded to 0.01 pp as the multiples are
    quoted."""
    row = reading.row
    small, large = (reading.rows[claim_id].claimed_value for claim_id in row.ratio_of)
    value = round(valuation.implied_discount_pct(small, large), 2)
    return Measurement(
        value,
        series=(),
        details={"small_multiple": small, "large_multiple": large},
        evidence_sentence=(
            f"the article's multiples {small} ({row.ratio_of[0]}) and {large} "
            f"({row.ratio_of[1]}) imply a {value:.2f} % discount"
        ),
    )


def value_minus_growth_return(reading: Reading) -> Measurement:
    """Value minus growth (percent), compounded over the rule's `window`, from the source its
    `series` names: the Fama-French HML factor (daily; `F-F_Research_Data_Factors_daily`) or,
    where that file ends, its 5x5 proxy (`25_Portfolios_5x5`: the high-B/M cells' mean
    monthly return minus the low-B/M cells', `valuation.value_minus_growth`)."""
    row = reading.row
    (key,) = row.series
    first, last = row.window
    if key == FACTORS_DAILY:
        returns_pct = data.french(key.removeprefix("french:"))["HML"]
        what = "HML (Fama-French value minus growth, daily)"
    elif key == SIZE_BM:
        returns_pct = valuation.value_minus_growth(
            data.french(key.removeprefix("french:"), RETURNS_SECTION)
        )
        what = "the 5x5 value-minus-growth proxy (monthly)"
    else:
        raise ValidationError(
            f"claim {row.id}: no value-minus-growth series in {key}",
            f"name {FACTORS_DAILY} or {SIZE_BM} in the row's `series`",
        )
    value = round(compounded_pct(returns_pct, first, last), 2)
    inside = returns_pct.loc[first:last]
    return Measurement(
        value,
        series=(key,),
        details={
            "first": str(inside.index[0]),
            "last": str(inside.index[-1]),
            "periods": len(inside),
        },
        evidence_sentence=f"{what} compounded to {value:+.2f} % from {first} to {last}",
    )
