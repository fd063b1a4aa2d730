"""A small-vs-large valuation spread from the Ken French 25 size x book-to-market portfolios.

No forward P/E history exists in the data, so valuation-gap claims use a stated proxy: the
log book-to-market of the smallest size quintile minus that of the biggest. A positive spread
means small caps are cheaper per unit of book equity; the wider it is, the deeper the discount.

The file gives, per cell and month, a value-weighted average of BE / ME(December t-1) for
portfolios formed each June. Book equity and its December price are fixed for twelve months,
so the monthly series moves only with the weights until the next June: a rally in
January does not show up until the July reformation. `price_updated_bm` rolls the December
prices forward with the cells' returns to show how much that matters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import ValidationError

SIZE_QUINTILES = 5
BM_QUINTILES = 5
# Names of the two spread variants, as a ledger rule's `spread:` key names them; a row without
# the key is measured on the file's own (fixed-December) book-to-market.
FIXED_DECEMBER = "fixed-december"
PRICE_UPDATED = "price-updated"


def size_quintile_columns(columns: pd.Index, quintile: int) -> list[str]:
    """The five cells of one size quintile (1 = SMALL ... 5 = BIG) of a 5x5 French table.

    French files list the 25 cells size-major (ME1 BM1..BM5, ME2 BM1..BM5, ...), so a
    quintile is a block of five adjacent columns.
    """
    if len(columns) != SIZE_QUINTILES * BM_QUINTILES:
        raise ValidationError(
            f"expected the 25 size x B/M columns of a 5x5 French table, got {len(columns)}",
            "pass a section of 25_Portfolios_5x5 (e.g. 'Value Weight Average of BE/ME')",
        )
    if not 1 <= quintile <= SIZE_QUINTILES:
        raise ValidationError(f"size quintile {quintile} does not exist", "use 1 (small) to 5")
    first = (quintile - 1) * BM_QUINTILES
    return list(columns[first : first + BM_QUINTILES])


def cell_market_equity(firms: pd.DataFrame, average_cap: pd.DataFrame) -> pd.DataFrame:
    """Total market equity per cell and month: number of firms x average market cap."""
    return firms * average_cap


def quintile_bm(bm: pd.DataFrame, market_equity: pd.DataFrame, quintile: int) -> pd.Series:
    """ME-weighted mean B/M of one size quintile's five cells.

    Weighting by market equity keeps the quintile figure a value-weighted average, like the
    cell figures it is built from.
    """
    cells = size_quintile_columns(bm.columns, quintile)
    weights = market_equity.loc[bm.index, cells]
    return (bm[cells] * weights).sum(axis=1) / weights.sum(axis=1)


def size_valuation_spread(
    bm: pd.DataFrame, market_equity: pd.DataFrame, small_quintile: int = 1
) -> pd.Series:
    """log(B/M of the SMALL quintile) - log(B/M of the BIG quintile), per month.

    Log points make the spread scale-free: 0.69 means small caps carry twice the book equity
    per dollar of market value that big caps do. `small_quintile` picks another small leg
    (2: the quintile nearest the Russell 2000's firm size, where 1 is mostly micro-caps).
    """
    small = quintile_bm(bm, market_equity, small_quintile)
    big = quintile_bm(bm, market_equity, SIZE_QUINTILES)
    if (small <= 0).any() or (big <= 0).any():
        raise ValidationError(
            "a quintile book-to-market is zero or negative, so its log is undefined",
            "check the BE/ME section (French codes missing values as -99.99)",
        )
    return (np.log(small) - np.log(big)).rename("size valuation spread")


def formation_base(months: pd.PeriodIndex) -> pd.PeriodIndex:
    """December t-1 for each month of the June-t portfolio year (July t to June t+1).

    That December's market equity is the denominator of the file's BE/ME for the month.
    """
    formation_year = np.where(months.month >= 7, months.year, months.year - 1)
    return pd.PeriodIndex([pd.Period(year=y - 1, month=12, freq="M") for y in formation_year])


def price_updated_bm(bm: pd.DataFrame, returns_pct: pd.DataFrame) -> pd.DataFrame:
    """Approximate BE / ME(month) by dividing BE / ME(December t-1) by each cell's growth since.

    Growth is the compounded value-weighted return (percent) from the base December to the
    month. Returns include dividends, so the update overstates price growth by the dividend
    yield (a few percent a year), and cells are rebalanced each June; it is a sensitivity
    check on the fixed-December measure, not a replacement for it.
    """
    if not bm.index.isin(returns_pct.index).all():
        raise ValidationError(
            "the returns do not cover every month of the BE/ME table",
            "pass the monthly value-weighted returns section of the same file",
        )
    wealth = (1 + returns_pct[bm.columns] / 100).cumprod()
    base = formation_base(bm.index)
    known = base.isin(wealth.index)
    growth = wealth.loc[bm.index[known]].to_numpy() / wealth.loc[base[known]].to_numpy()
    return bm[known] / growth


def spread_variants(
    bm: pd.DataFrame,
    market_equity: pd.DataFrame,
    returns_pct: pd.DataFrame,
    small_quintile: int = 1,
) -> pd.DataFrame:
    """Both size valuation spreads, one column per variant (FIXED_DECEMBER, PRICE_UPDATED).

    The fixed-December spread cannot see a price move until the next June reformation, so a
    claim about a change within a year needs the price-updated one; months the update cannot
    reach (no base-December return) are NaN in its column.
    """
    updated = price_updated_bm(bm, returns_pct)
    return pd.DataFrame(
        {
            FIXED_DECEMBER: size_valuation_spread(bm, market_equity, small_quintile),
            PRICE_UPDATED: size_valuation_spread(updated, market_equity, small_quintile),
        }
    )


def same_calendar_month(spread: pd.Series, month: str | pd.Period) -> pd.Series:
    """The spread in the calendar month of `month` only, one value a year (every December,
    say): months whose book equity is equally stale, for a "widest since" that compares like
    with like (a price-updated June carries book equity six months older than a December)."""
    month = pd.Period(month, freq="M")
    return spread.loc[spread.index.month == month.month]


def last_as_wide_before(
    spread: pd.Series, month: str | pd.Period, *, skip_current_run: bool = False
) -> pd.Period | None:
    """The most recent month before `month` whose spread is at least `month`'s (None if none).

    With skip_current_run, the unbroken stretch of months at least as wide that ends at
    `month` is skipped first, so a plateau is not its own precedent (the streak notebooks'
    reading of "the last time").
    """
    month = pd.Period(month, freq="M")
    level = spread.loc[month]
    earlier = spread.loc[: month - 1]
    if skip_current_run:
        below = earlier[earlier < level]
        if below.empty:
            return None
        earlier = earlier.loc[: below.index[-1]]
    wide = earlier[earlier >= level]
    return None if wide.empty else wide.index[-1]


def years_between(earlier: pd.Period, later: pd.Period) -> float:
    """Whole months between two monthly periods, in years."""
    return (later - earlier).n / 12


def years_since_as_wide(
    spread: pd.Series, month: str | pd.Period, *, skip_current_run: bool = False
) -> tuple[pd.Period | None, float | None]:
    """(last month at least as wide, years from it to `month`); (None, None) if never."""
    month = pd.Period(month, freq="M")
    found = last_as_wide_before(spread, month, skip_current_run=skip_current_run)
    return found, None if found is None else years_between(found, month)


def since_readings(spreads: pd.DataFrame, month: str | pd.Period) -> pd.DataFrame:
    """Both readings of "widest since" for every spread variant (column) at one month."""
    month = pd.Period(month, freq="M")
    rows = []
    for name in spreads:
        for skip in (False, True):
            found, years = years_since_as_wide(spreads[name], month, skip_current_run=skip)
            rows.append(
                {
                    "spread": name,
                    "skip current stretch": skip,
                    "level": spreads[name].loc[month],
                    "last as wide": found,
                    "years": years,
                }
            )
    return pd.DataFrame(rows)


def percent_at_or_below(spread: pd.Series, month: str | pd.Period) -> float:
    """Percent of months up to and including `month` whose spread is at or below its level:
    the empirical distribution function at that month, which counts ties in (so a record
    high is 100). Not `analogs.percentile_rank`, the package's "percentile" (ties half)."""
    month = pd.Period(month, freq="M")
    history = spread.loc[:month]
    return float((history <= history.loc[month]).mean() * 100)


def implied_discount_pct(small_multiple: float, large_multiple: float) -> float:
    """The discount of one multiple to another, in percent: (1 - small / large) x 100."""
    if large_multiple <= 0:
        raise ValidationError(
            f"a multiple of {large_multiple} cannot be a base", "pass a positive multiple"
        )
    return (1 - small_multiple / large_multiple) * 100


# ------------------------------------------------------------------ dating by the prices used

# How a "widest since" reading dates the precedent and the reference month (rule `dated_by`):
# by the file month; by the December prices each month's BE/ME divides by (a price-updated
# spread's prices are its own month's); or the precedent by its prices, up to the claim's month.
FILE_MONTH = "file_month"
PRICE_MONTH = "price_month"
PRICE_TO_CLAIM_DATE = "price_to_claim_date"
DATED_BY = (FILE_MONTH, PRICE_MONTH, PRICE_TO_CLAIM_DATE)


def price_month(month: str | pd.Period, variant: str) -> pd.Period:
    """The month of the prices behind one month's spread: December t-1 for the file's own
    (fixed-December) BE/ME of a July t - June t+1 block; the month itself when updated."""
    month = pd.Period(month, freq="M")
    if variant == PRICE_UPDATED:
        return month
    return formation_base(pd.PeriodIndex([month]))[0]


def years_since_dated(
    spread: pd.Series, month: str | pd.Period, variant: str, dated_by: str, skip_current_run: bool
) -> dict:
    """ "Widest since" at `month` on one spread variant, the precedent found as
    `years_since_as_wide` finds it and the distance dated as `dated_by` says."""
    if dated_by not in DATED_BY:
        raise ValidationError(f"dated_by {dated_by!r} is not one of {DATED_BY}", "fix the rule")
    month = pd.Period(month, freq="M")
    found, file_years = years_since_as_wide(spread, month, skip_current_run=skip_current_run)
    if found is None:
        raise ValidationError(
            f"no month before {month} has a spread as wide ({variant})",
            "the spread has no precedent in the file: the claim needs another reading",
        )
    start = found if dated_by == FILE_MONTH else price_month(found, variant)
    end = month if dated_by in (FILE_MONTH, PRICE_TO_CLAIM_DATE) else price_month(month, variant)
    return {
        "years": years_between(start, end),
        "last_as_wide": found,
        "precedent_dated": start,
        "reference_dated": end,
        "file_month_years": file_years,
        "spread_variant": variant,
        "dated_by": dated_by,
        "level": float(spread.loc[month]),
    }


def value_minus_growth(returns_pct: pd.DataFrame) -> pd.Series:
    """Monthly value-minus-growth return (pp) from a 5x5 size x B/M return table: the mean of
    the five highest-B/M cells (one per size quintile) minus the mean of the five lowest, the
    way HML averages over sizes; it stands in for HML where the factor file ends."""
    cells = [size_quintile_columns(returns_pct.columns, q) for q in range(1, SIZE_QUINTILES + 1)]
    value = returns_pct[[five[-1] for five in cells]].mean(axis=1)
    growth = returns_pct[[five[0] for five in cells]].mean(axis=1)
    return (value - growth).rename("value_minus_growth_pp")
