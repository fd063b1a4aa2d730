"""Fed target-range changes and how small caps' relative returns move with short yields.

FRED's DFEDTARU/DFEDTARL date a change on the day it takes effect, which since 2008 is the
day after the FOMC announces it; "the cut in December" is an announcement month, so dates
are shifted back one day where the claim is about announcements. Scheduled decisions (with
or without a change) come from `helpers.data.fomc_decisions()`.

The rate-sensitivity proxy regresses the daily return margin of one index over another on
the daily change of a Treasury yield, with Newey-West (HAC) standard errors because daily
return margins are autocorrelated and heteroskedastic.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pandas as pd

from helpers.analysis.returns import close_on_or_before
from helpers.errors import DataError, ValidationError

BP_PER_POINT = 100.0
FRED_EFFECTIVE_LAG = pd.Timedelta(days=1)


def target_changes(target: pd.Series) -> pd.DataFrame:
    """Every change of a daily target series: its effective date, change in bp, level after."""
    levels = target.dropna().sort_index()
    step = levels.diff()
    moved = step.fillna(0) != 0
    return pd.DataFrame(
        {"change_bp": (step[moved] * BP_PER_POINT).round(2), "level_after": levels[moved]}
    )


def announcement_dates(effective: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """FOMC announcement day of FRED-dated target changes (FRED's date minus one day)."""
    return pd.DatetimeIndex(effective - FRED_EFFECTIVE_LAG, name="announced")


def cuts_between(changes: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The target decreases dated start..end (inclusive), from a `target_changes` table."""
    window = changes.loc[start:end]
    return window[window["change_bp"] < 0]


def cut_in_months_before(target: pd.Series, as_of: str, months: int) -> bool:
    """Whether the target fell at least once in the `months` months up to `as_of`."""
    end = pd.Timestamp(as_of)
    start = end - pd.DateOffset(months=months)
    changes = target_changes(target.loc[:end])
    return bool((changes.loc[changes.index > start, "change_bp"] < 0).any())


def consecutive_cuts(decisions: pd.DataFrame, end: str, size_bp: float) -> pd.DataFrame:
    """The unbroken run of scheduled decisions, ending with the last one on or before `end`,
    each of which lowered the target by exactly `size_bp`.

    `decisions` is `data.fomc_decisions()`: rows are decision days with `change_bp` and
    `listed_meeting`; intermeeting moves (not listed) are not scheduled decisions.
    """
    scheduled = decisions.loc[decisions["listed_meeting"]].loc[:end]
    if scheduled.empty:
        raise DataError(f"no scheduled FOMC decision on or before {end}", "pass a later date")
    exact = (scheduled["change_bp"] == -abs(size_bp)).to_numpy()
    length = 0
    while length < len(exact) and exact[len(exact) - 1 - length]:
        length += 1
    return scheduled.iloc[len(scheduled) - length :]


def target_range_on(lower: pd.Series, upper: pd.Series, date: str) -> list[float]:
    """[lower, upper] bound of the target range in force on `date` (percent)."""
    return [close_on_or_before(lower, date)[1], close_on_or_before(upper, date)[1]]


_ACTION = re.compile(r"decided to (lower|raise|maintain|keep) the target range", re.IGNORECASE)


def statement_action(text: str) -> str | None:
    """'lower', 'raise' or 'maintain' as an FOMC statement words its decision (None if absent).

    An independent check on FRED: the statement text, not a rate series, says what was done.
    Statements of 2021 say "keep" where later ones say "maintain".
    """
    found = _ACTION.search(text)
    if not found:
        return None
    action = found.group(1).lower()
    return "maintain" if action == "keep" else action


def action_of_change(change_bp: float) -> str:
    """The statement verb a target change in bp corresponds to."""
    return "lower" if change_bp < 0 else "raise" if change_bp > 0 else "maintain"


def decisions_against_sources(
    decisions: pd.DataFrame, fred_changes: pd.DataFrame, statements: pd.DataFrame
) -> pd.DataFrame:
    """Per statement day: the decision table's change, FRED's change the next day, and the
    statement's own verb, with whether all three agree.

    `statements` has `decision_date` and `clean_text` (the fomc/ statements file).
    """
    days = pd.DatetimeIndex(pd.to_datetime(statements["decision_date"]), name="decision")
    fred_bp = fred_changes["change_bp"].reindex(days + FRED_EFFECTIVE_LAG).fillna(0.0)
    table = pd.DataFrame(
        {
            "decisions_bp": decisions["change_bp"].reindex(days).to_numpy(),
            "fred_next_day_bp": fred_bp.to_numpy(),
            "statement": [statement_action(t) for t in statements["clean_text"]],
        },
        index=days,
    )
    table["agree"] = (table["decisions_bp"] == table["fred_next_day_bp"]) & (
        table["statement"] == table["fred_next_day_bp"].map(action_of_change)
    )
    return table


def daily_changes(a: pd.Series, b: pd.Series, yields: pd.Series) -> pd.DataFrame:
    """Per day all three have: A's minus B's price return (percent) and the yield change
    (percentage points, so 1.0 = 100 bp).

    Levels are joined before differencing, so on a day one market was shut the next change
    spans the same two dates in all three series.
    """
    levels = pd.concat({"a": a, "b": b, "y": yields}, axis=1, join="inner").dropna()
    levels = levels.sort_index()
    growth = levels[["a", "b"]].pct_change() * 100
    return pd.DataFrame(
        {"margin_pct": growth["a"] - growth["b"], "yield_change_pp": levels["y"].diff()}
    ).iloc[1:]


def sensitivity_by_period(
    changes: pd.DataFrame, periods: list[tuple[str, str]], hac_lags: int
) -> pd.DataFrame:
    """One fit per (start, end) window, without the market control: does the sign of the
    plain margin-on-yield slope hold across regimes?"""
    fits = [
        fit_tested(changes.loc[start:end], hac_lags, market_control=False).to_dict()
        for start, end in periods
    ]
    dropped = ["method", "market_beta", "market_p"]
    return pd.DataFrame(fits).drop(columns=dropped).set_index(["first", "last"])


# ------------------------------------------------------------------ tested tendency readings


def daily_panel(a: pd.Series, b: pd.Series, yields: pd.Series) -> pd.DataFrame:
    """`daily_changes` plus B's own return (`market_pct`, percent): the market control.

    Small caps have a market beta above one and yields rise on risk-on days, so a regression
    of the margin on yield changes alone mixes rate sensitivity with market beta.
    """
    levels = pd.concat({"a": a, "b": b, "y": yields}, axis=1, join="inner").dropna()
    growth = levels.sort_index()[["a", "b"]].pct_change() * 100
    changes = daily_changes(a, b, yields)
    return changes.assign(market_pct=growth["b"].reindex(changes.index))


def factor_panel(margin_pct: pd.Series, market: pd.Series, yields: pd.Series) -> pd.DataFrame:
    """The `daily_panel` columns with a given daily margin (percent; a factor such as the
    Fama-French SMB, small minus big) in place of a price-return difference: the market's
    return and the yield's change are taken as `daily_panel` takes them, on the days all
    three have."""
    levels = pd.concat({"b": market, "y": yields}, axis=1, join="inner").dropna().sort_index()
    panel = pd.DataFrame(
        {
            "margin_pct": margin_pct.reindex(levels.index),
            "yield_change_pp": levels["y"].diff(),
            "market_pct": levels["b"].pct_change() * 100,
        }
    ).iloc[1:]
    return panel.dropna()


@dataclass(frozen=True)
class TestedSensitivity:
    """The yield slope of the margin with its HAC test, and the market control's slope."""

    method: str
    slope: float  # percent of margin per 1 pp (100 bp) rise in the yield
    slope_se: float
    slope_t: float
    slope_p: float  # two-sided
    market_beta: float | None  # margin per 1 % market return (None: no control)
    market_p: float | None
    intercept: float
    r_squared: float
    observations: int
    first: str
    last: str
    hac_lags: int
    cov: str = "HAC"  # the standard errors: HAC (Newey-West, `hac_lags` lags) or HC3

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def errors(self) -> str:
        """The standard errors in words: "HAC 5 lags" or "HC3"."""
        return f"HAC {self.hac_lags} lags" if self.cov == "HAC" else self.cov


# The standard errors a tested fit may use: Newey-West (HAC) for overlapping daily
# information, HC3 (MacKinnon-White) for independent event days.
COVARIANCES = ("HAC", "HC3")


def fit_tested(
    panel: pd.DataFrame, hac_lags: int, market_control: bool, method: str = "", cov: str = "HAC"
) -> TestedSensitivity:
    """OLS of `margin_pct` on `yield_change_pp` (and `market_pct` when `market_control`),
    with a constant and `cov` standard errors: Newey-West with `hac_lags` lags (HAC) or
    heteroskedasticity-robust HC3."""
    if cov not in COVARIANCES:
        raise ValidationError(f"standard errors {cov!r} are not one of {COVARIANCES}", "fix cov")
    regressors = ["yield_change_pp"] + (["market_pct"] if market_control else [])
    sample = panel.dropna(subset=["margin_pct", *regressors])
    if len(sample) <= hac_lags + len(regressors) + 2:
        raise ValidationError(
            f"{len(sample)} observations are too few for a fit with {hac_lags} HAC lags",
            "widen the sample window",
        )
    # statsmodels loads in about a second: imported by the fits, not by every reader of rates
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    design = add_constant(sample[regressors])
    errors = {"cov_type": "HAC", "cov_kwds": {"maxlags": hac_lags}} if cov == "HAC" else {}
    fit = OLS(sample["margin_pct"], design).fit(**{"cov_type": cov, **errors})
    return TestedSensitivity(
        method=method or ("ols_market_control" if market_control else "ols_margin"),
        slope=float(fit.params["yield_change_pp"]),
        slope_se=float(fit.bse["yield_change_pp"]),
        slope_t=float(fit.tvalues["yield_change_pp"]),
        slope_p=float(fit.pvalues["yield_change_pp"]),
        market_beta=float(fit.params["market_pct"]) if market_control else None,
        market_p=float(fit.pvalues["market_pct"]) if market_control else None,
        intercept=float(fit.params["const"]),
        r_squared=float(fit.rsquared),
        observations=int(fit.nobs),
        first=f"{sample.index[0]:%Y-%m-%d}",
        last=f"{sample.index[-1]:%Y-%m-%d}",
        hac_lags=hac_lags,
        cov=cov,
    )


def fomc_days(decisions: pd.DataFrame) -> pd.DatetimeIndex:
    """Every day the decisions file lists as a meeting (with or without a change): the
    scheduled meetings, but also conference calls, intermeeting moves and the March-2020
    emergency days, which the file does not tell apart (`helpers.data.fomc_scheduled` has
    the scheduled announcement days alone)."""
    return pd.DatetimeIndex(decisions.index[decisions["listed_meeting"]], name="fomc_day")


def event_study(
    panel: pd.DataFrame,
    days: pd.DatetimeIndex,
    hac_lags: int,
    market_control: bool = True,
    cov: str = "HAC",
) -> TestedSensitivity:
    """The same regression on FOMC decision days only: how the margin moves with the 2-year
    yield's reaction to the decision (the policy surprise), the market return held fixed.
    Event days six weeks apart do not overlap, so `cov` HC3 fits them better than HAC."""
    on_days = panel.loc[panel.index.intersection(days)]
    return fit_tested(on_days, hac_lags, market_control, method="fomc_event_study", cov=cov)
