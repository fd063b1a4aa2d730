"""Small against large caps across the business cycle: NBER recessions and expansions beside
monthly size-portfolio returns (Ken French size quintiles reach back to 1926).

Several articles argue from the cycle: small caps lag in recessions, lead out of them, and
lead during long expansions. Each premise becomes a comparison of monthly returns by phase.

Conventions (pure functions; the chronology is `helpers.data.nber_cycles()`'s frame):
- A month is in recession from the month after a peak through the trough month (the NBER's
  own count: December 2007 to June 2009 is an 18-month contraction); every other month from
  the chronology's first trough on is in expansion.
- Returns are monthly percent returns; windows compound them. A window that reaches past the
  data is left out, never shortened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import ValidationError

RECESSION = "recession"
EXPANSION = "expansion"


def recession_months(cycles: pd.DataFrame, months: pd.PeriodIndex) -> pd.Series:
    """True for the months of `months` that fall in an NBER recession (peak + 1 .. trough)."""
    flags = np.zeros(len(months), dtype=bool)
    for peak, trough in cycles[["peak", "trough"]].dropna().itertuples(index=False):
        flags |= (months > peak) & (months <= trough)
    return pd.Series(flags, index=months, name=RECESSION)


def _pair(small: pd.Series, large: pd.Series) -> pd.DataFrame:
    """The two monthly return series on the months both have (missing months dropped)."""
    both = pd.concat({"small": small, "large": large}, axis=1, join="inner").dropna()
    if both.empty:
        raise ValidationError(
            "the small and large return series share no month",
            "pass two monthly return series over the same months (e.g. French Lo 20, Hi 20)",
        )
    return both


def compounded_pct(monthly_pct: pd.Series) -> float:
    """Monthly percent returns compounded into one percent return."""
    return float(((1 + monthly_pct / 100.0).prod() - 1) * 100.0)


def by_phase(small: pd.Series, large: pd.Series, cycles: pd.DataFrame) -> pd.DataFrame:
    """Per phase (recession, expansion): the months, the mean monthly return of each side and
    of small minus large (pp), and the percent of months in which small beat large."""
    both = _pair(small, large)
    both = both.loc[both.index > cycles["trough"].iloc[0]]
    phase = recession_months(cycles, both.index).map({True: RECESSION, False: EXPANSION})
    spread = both["small"] - both["large"]
    table = pd.DataFrame(
        {
            "months": spread.groupby(phase).size(),
            "mean_small_pct": both["small"].groupby(phase).mean(),
            "mean_large_pct": both["large"].groupby(phase).mean(),
            "mean_spread_pp": spread.groupby(phase).mean(),
            "small_beat_pct": (spread > 0).groupby(phase).mean() * 100.0,
        }
    )
    return table.reindex([RECESSION, EXPANSION]).rename_axis("phase")


WINDOW_COLUMNS = ["anchor", "first", "last", "small_pct", "large_pct", "spread_pp"]


def _windows(
    both: pd.DataFrame, spans: list[tuple[pd.Period, pd.Period, pd.Period]]
) -> pd.DataFrame:
    """Compounded returns of both sides over each (anchor, first month, last month) span that
    lies wholly inside the data, and small minus large (pp)."""
    rows = []
    for anchor, first, last in spans:
        if first < both.index[0] or last > both.index[-1]:
            continue
        window = both.loc[first:last]
        small, large = compounded_pct(window["small"]), compounded_pct(window["large"])
        rows.append([anchor, first, last, small, large, small - large])
    return pd.DataFrame(rows, columns=WINDOW_COLUMNS)


def after_troughs(
    small: pd.Series, large: pd.Series, cycles: pd.DataFrame, months: int = 12
) -> pd.DataFrame:
    """Each recovery in the data: both sides compounded over the `months` months after an
    NBER trough month, and small minus large (pp); one row per trough (`anchor`)."""
    spans = [(trough, trough + 1, trough + months) for trough in cycles["trough"]]
    return _windows(_pair(small, large), spans)


def over_recessions(small: pd.Series, large: pd.Series, cycles: pd.DataFrame) -> pd.DataFrame:
    """Each recession in the data: both sides compounded from the month after the peak
    (`anchor`) through the trough, and small minus large (pp); one row per recession."""
    pairs = cycles[["peak", "trough"]].dropna().itertuples(index=False)
    return _windows(_pair(small, large), [(peak, peak + 1, trough) for peak, trough in pairs])


def phase_difference(small: pd.Series, large: pd.Series, cycles: pd.DataFrame) -> dict:
    """Mean monthly small-minus-large spread (pp) in expansion months minus that in recession
    months, with the two-sided p-value of Welch's t test (unequal variances) that the two
    phases' means are equal: do small caps lead more in expansions?"""
    from scipy.stats import ttest_ind

    both = _pair(small, large)
    both = both.loc[both.index > cycles["trough"].iloc[0]]
    spread = both["small"] - both["large"]
    in_recession = recession_months(cycles, both.index)
    expansion, recession = spread[~in_recession], spread[in_recession]
    if len(expansion) < 2 or len(recession) < 2:
        raise ValidationError(
            "fewer than two months in a phase: nothing to compare",
            "pass monthly returns that span at least one recession and one expansion",
        )
    test = ttest_ind(expansion, recession, equal_var=False)
    return {
        "difference_pp": float(expansion.mean() - recession.mean()),
        "p_value": float(test.pvalue),
        "expansion_mean_pp": float(expansion.mean()),
        "recession_mean_pp": float(recession.mean()),
        "expansion_months": len(expansion),
        "recession_months": len(recession),
        "first": both.index[0],
        "last": both.index[-1],
    }


def expansion_around(cycles: pd.DataFrame, month: str | pd.Period) -> dict:
    """The NBER expansion a month falls in: its trough (the month before it began), its peak
    (its last month; None while it goes on), its length in months (to the last month of the
    chronology's data when it goes on) and the months from `month` to its peak. A month in a
    recession has no expansion (ValidationError)."""
    month = pd.Period(month, freq="M")
    troughs = cycles["trough"]
    before = troughs[troughs < month]
    if before.empty or bool(recession_months(cycles, pd.PeriodIndex([month])).iloc[0]):
        raise ValidationError(
            f"{month} is in no NBER expansion of the chronology",
            "pick a month after a trough and outside the recessions",
        )
    trough = before.iloc[-1]
    later_peaks = cycles["peak"].dropna()
    later_peaks = later_peaks[later_peaks > trough]
    peak = later_peaks.iloc[0] if len(later_peaks) else None
    return {
        "trough": trough,
        "peak": peak,
        "length_months": None if peak is None else (peak - trough).n,
        "months_to_peak": None if peak is None else (peak - month).n,
    }


def peaks_between(cycles: pd.DataFrame, first: str | pd.Period, last: str | pd.Period) -> list:
    """The NBER peaks (recessions' first months' eve) from `first` to `last`, inclusive."""
    peaks = cycles["peak"].dropna()
    first, last = pd.Period(first, freq="M"), pd.Period(last, freq="M")
    return [p for p in peaks if first <= p <= last]


def inflation_pct(cpi: pd.Series) -> pd.Series:
    """Twelve-month percent change of a monthly price index (missing months left missing)."""
    year_before = cpi.reindex(cpi.index - 12).to_numpy()
    return pd.Series(
        (cpi.to_numpy() / year_before - 1.0) * 100.0, index=cpi.index, name="inflation"
    )


def disinflation(inflation: pd.Series, first: str | pd.Period, last: str | pd.Period) -> dict:
    """Inflation's peak in `first`..`last`, its level in `last`, and how much of the peak it
    lost by then (percent of the peak): the disinflation half of a soft landing."""
    window = inflation.loc[pd.Period(first, freq="M") : pd.Period(last, freq="M")].dropna()
    if window.empty or window.index[-1] != pd.Period(last, freq="M"):
        raise ValidationError(
            f"no inflation figure for {last} in the data", "end the window inside the CPI series"
        )
    peak = float(window.max())
    latest = float(window.iloc[-1])
    return {
        "peak_pct": peak,
        "peak_month": window.idxmax(),
        "latest_pct": latest,
        "latest_month": window.index[-1],
        "fall_pct_of_peak": 100.0 * (peak - latest) / peak if peak > 0 else 0.0,
    }


def recession_spans(cycles: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Each recession as (first day of the month after the peak, last day of the trough
    month), for shading a chart."""
    pairs = cycles[["peak", "trough"]].dropna().itertuples(index=False)
    return [((peak + 1).start_time, trough.end_time.normalize()) for peak, trough in pairs]
