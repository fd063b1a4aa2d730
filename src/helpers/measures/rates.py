"""Measures of the Fed's 2025 cuts and of rates: whether and how often the target fell, in
which months, the range in force, a rate's change over a window, the yield curve's slope,
and how small caps' relative returns move with a Treasury yield (with the p-value of the
row's stated test). Each reads the FRED series and the FOMC decisions its row names."""

from __future__ import annotations

import pandas as pd

from helpers import data
from helpers.analysis import rates
from helpers.analysis.measurement import Measurement
from helpers.analysis.returns import close_on_or_before, year_end_before
from helpers.measures.reading import Reading, Row, series_label

__all__ = [
    "curve_slope_change",
    "cut_count",
    "cut_months",
    "cut_within_months",
    "rate_change",
    "target_range",
    "yield_sensitivity",
]


def _day(stamp: pd.Timestamp) -> str:
    return str(stamp.date().isoformat())


def fred_series(key: str, end: str | None = None) -> pd.Series:
    """A FRED series by its data-layer key ('fred:DGS2'), up to `end`."""
    series: pd.Series = data.fred(key.removeprefix("fred:"), end=end)
    return series


def _fred_target(row: Row, data_end: str | None) -> tuple[pd.Series, str]:
    """The FRED target bound the rule's `series` names (its one FRED series), and its key."""
    (key,) = [k for k in row.series if k.startswith("fred:")]
    return fred_series(key, data_end), key


def cut_within_months(reading: Reading) -> Measurement:
    """Whether the target bound the rule's `series` names fell at least once in the rule's
    `months` up to the claim's date ("the Fed has turned to cutting")."""
    row = reading.row
    target, key = _fred_target(row, reading.data_end)
    look_back = row.number("months")
    window_start = pd.Timestamp(row.as_of) - pd.DateOffset(months=look_back)
    cuts = rates.cuts_between(rates.target_changes(target), window_start, row.as_of)
    dates = ", ".join(_day(day) for day in cuts.index) or "none"
    return Measurement(
        rates.cut_in_months_before(target, row.as_of, look_back),
        series=(key,),
        details={"window": [window_start, row.as_of], "fred_dated_cuts": cuts.index},
        evidence_sentence=f"{series_label(key)} fell on {dates} (FRED effective dates) in the "
        f"{look_back} "
        f"months to {row.as_of}",
    )


def cut_count(reading: Reading) -> Measurement:
    """The cuts a "three cuts in late 2025" row counts, as its rule's `count` says:
    `fred_cuts`, the decreases FRED dates inside the rule's `window`; or
    `consecutive_decisions`, the run of cuts of exactly `cut_bp` at consecutive scheduled
    FOMC decisions ending at the last decision of the year before the claim's date."""
    row = reading.row
    if row.choice("count") == "consecutive_decisions":
        last_decision_by = year_end_before(row.as_of)
        size_bp = row.number("cut_bp")
        run = rates.consecutive_cuts(data.fomc_decisions(), last_decision_by, size_bp)
        return Measurement(
            len(run),
            series=(data.FOMC,),
            details={"run_ends_by": last_decision_by, "size_bp": size_bp, "evidence": run.index},
            evidence_sentence=f"{len(run)} consecutive scheduled FOMC decisions cut by "
            f"{size_bp} bp, on {', '.join(_day(day) for day in run.index) or 'none'}",
        )
    target, key = _fred_target(row, reading.data_end)
    cuts = rates.cuts_between(rates.target_changes(target), *row.window)
    return Measurement(
        len(cuts),
        series=(key,),
        details={"window": row.window, "dated": "FRED effective dates", "evidence": cuts.index},
        evidence_sentence=f"{series_label(key)} fell {len(cuts)} times from {row.window[0]} to "
        f"{row.window[1]}: {', '.join(_day(day) for day in cuts.index) or 'never'}",
    )


def cut_months(reading: Reading) -> Measurement:
    """The announcement months (FRED's effective date minus one day) of the decreases FRED
    dates inside the rule's `window` ("cuts in September, October and December")."""
    row = reading.row
    target, key = _fred_target(row, reading.data_end)
    cuts = rates.cuts_between(rates.target_changes(target), *row.window)
    announced = rates.announcement_dates(cuts.index)
    return Measurement(
        sorted(announced.strftime("%Y-%m")),
        series=(key,),
        details={"announced": announced, "fred_dated": cuts.index},
        evidence_sentence=f"{series_label(key)} fell on "
        f"{', '.join(_day(d) for d in cuts.index) or 'no day'}"
        f" (FRED effective dates), announced the day before",
        measured_label="the months the cuts were announced",
    )


def target_range(reading: Reading) -> Measurement:
    """[lower, upper] of the target range in force on the claim's date, from the two FRED
    bounds the rule's `series` names (lower first)."""
    row = reading.row
    lower_key, upper_key = row.series
    lower, upper = (fred_series(key, reading.data_end) for key in (lower_key, upper_key))
    low, high = rates.target_range_on(lower, upper, row.as_of)
    return Measurement(
        [low, high],
        series=(lower_key, upper_key),
        evidence_sentence=f"the target range in force on {row.as_of} was {low}-{high} % "
        f"({series_label(lower_key)}, {series_label(upper_key)})",
    )


def rate_change(reading: Reading) -> Measurement:
    """Change (percentage points) of the FRED rate the rule's `series` names ('FRED DFF')
    from the last value on or before the window's start to the last on or before its end."""
    row = reading.row
    (key,) = row.series
    series = fred_series(key).dropna()
    start, end = row.window
    first_day, first = close_on_or_before(series, start)
    last_day, last = close_on_or_before(series, end)
    value = round(float(last - first), 3)
    return Measurement(
        value,
        series=(key,),
        details={"from": [first_day, float(first)], "to": [last_day, float(last)]},
        evidence_sentence=f"{series_label(key)} went from {float(first):.2f} on "
        f"{_day(first_day)} to "
        f"{float(last):.2f} on {_day(last_day)} ({value:+.2f} pp)",
    )


def curve_slope_change(reading: Reading) -> Measurement:
    """Change (percentage points) of the yield-curve slope, the rule's first FRED `series`
    minus its second (10-year minus 2-year), over the rule's `months` up to the claim's
    date: above zero means the curve steepened."""
    row = reading.row
    long_key, short_key = row.series
    both = pd.concat([fred_series(long_key), fred_series(short_key)], axis=1, join="inner")
    slope = both.dropna().iloc[:, 0] - both.dropna().iloc[:, 1]
    end = pd.Timestamp(row.as_of)
    start = end - pd.DateOffset(months=row.number("months"))
    first_day, first = close_on_or_before(slope, start)
    last_day, last = close_on_or_before(slope, end)
    value = round(float(last - first), 3)
    return Measurement(
        value,
        series=(long_key, short_key),
        details={
            "from": [first_day, round(float(first), 3)],
            "to": [last_day, round(float(last), 3)],
        },
        evidence_sentence=f"{series_label(long_key)} minus {series_label(short_key)} went "
        f"from {float(first):.2f} pp on "
        f"{_day(first_day)} to {float(last):.2f} pp on {_day(last_day)} ({value:+.2f} pp)",
    )


# The French file and column a `margin: french_smb` reading takes as the daily margin.
SMB_COLUMN = "SMB"


def daily_margin_panel(reading: Reading, end: str) -> tuple[pd.DataFrame, list[str]]:
    """The daily panel a rate-sensitivity reading regresses (margin, yield change, market
    return) and the data keys it read, by the rule's `margin`: the first series' price
    return minus the second's, or the Ken French SMB factor of the file the first series
    names (the second series still the market control)."""
    row = reading.row
    a, b, yield_key = row.series
    yields = fred_series(yield_key)
    if row.choice("margin") == "french_smb":
        factors = data.french(a.removeprefix("french:"))
        market = data.prices([b], end=end)[b]
        return rates.factor_panel(factors[SMB_COLUMN], market, yields), [a, b, yield_key]
    closes = data.prices([a, b], end=end)
    return rates.daily_panel(closes[a], closes[b], yields), [a, b, yield_key]


def event_days(reading: Reading) -> tuple[pd.DatetimeIndex, str]:
    """The event days of an FOMC event study, by the rule's `event_days`, and the data key
    they came from: the scheduled meetings' announcement days (data/reference), or every day
    the decisions file lists."""
    if reading.row.choice("event_days") == "scheduled":
        return data.fomc_scheduled(), FOMC_SCHEDULED
    return rates.fomc_days(data.fomc_decisions()), data.FOMC


# How results cite the scheduled-meetings reference table (`helpers.data.fomc_scheduled`).
FOMC_SCHEDULED = "reference:fomc_scheduled_meetings"


def yield_sensitivity(reading: Reading) -> Measurement:
    """How the daily small-minus-large margin (`daily_margin_panel`) moves with the third
    series' (a Treasury yield's) daily change, over the rule's `window`, by its `method`
    (ols_margin, ols_market_control or fomc_event_study, on its `event_days`), with the
    standard errors its `test:` states (`cov`: HAC with `hac_lags` lags, the default, or
    HC3); the p-value is the slope's two-sided test, which the row's `test:` judges."""
    row = reading.row
    method, lags = row.choice("method"), row.number("hac_lags")
    cov = str((row.rule.get("test") or {}).get("cov", "HAC"))
    start, end = row.window
    panel, read = daily_margin_panel(reading, min(end, reading.data_end or end))
    sample = panel.loc[start:end]
    what = f"{read[0]} minus {read[1]}"
    if row.choice("margin") == "french_smb":
        what = f"SMB ({series_label(read[0])})"
    if method == "fomc_event_study":
        days, key = event_days(reading)
        fit = rates.event_study(sample, days, lags, cov=cov)
        read.append(key)
        sessions = f"{fit.observations} {row.choice('event_days').replace('_', ' ')} FOMC days"
    else:
        fit = rates.fit_tested(sample, lags, method == "ols_market_control", cov=cov)
        sessions = f"{fit.observations} sessions"
    control = ", market held fixed" if fit.market_beta is not None else ", no market control"
    return Measurement(
        round(fit.slope, 4),
        fit.slope_p,
        series=tuple(read),
        details=fit.to_dict(),
        evidence_sentence=f"{what} moved {fit.slope:+.3f} % per 1 pp rise of "
        f"{series_label(read[2])} "
        f"({sessions} {fit.first} to {fit.last}{control}; {fit.errors} p {fit.slope_p:.3f})",
    )
