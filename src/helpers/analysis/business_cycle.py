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
