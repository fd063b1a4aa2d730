"""Measures of what followed earlier episodes and of context statements: figures over a
window a row fixes or that starts at the end of a run, drawdowns, correlations, the January
effect (tested), how often runs led to longer leads (tested), volatility, a blend's Sharpe
ratio (tested), and what large caps did during a run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers import data
from helpers.analysis import after_runs, analogs, business_cycle, returns, streaks
from helpers.analysis.measurement import Measurement
from helpers.errors import DataError, DateRangeError, LedgerError
from helpers.measures.reading import Reading, Row

__all__ = [
    "blend_sharpe_gain",
    "disinflation_without_recession",
    "expansion_months",
    "figure_after_anchor_run",
    "january_spread_percentile",
    "largest_drawdown_in_window",
    "return_correlation_in_window",
    "runs_followed_vs_base",
    "second_return_over_precedent_run",
    "share_of_januaries_won",
    "share_of_months_lagged",
    "size_spread_over_cycle",
    "volatility_ratio",
    "volatility_ratio_in_stress",
    "window_figure",
]

# The Ken French size portfolios a January-effect row reads under `sample: french_size`.
FRENCH_SIZE = "french:Portfolios_Formed_on_ME"
FRENCH_SIZE_SECTION = "Average Value Weight Returns -- Monthly"
# What a figure over a window is called in an evidence sentence.
FIGURE_WORDS = {
    "return_a": "{a} returned {value:+.2f} %",
    "annualized_a": "{a} returned {value:+.2f} % a year",
    "spread_pp": "{a} minus {b} came to {value:+.2f} pp",
    "annualized_spread_pp": "{a} minus {b} came to {value:+.2f} pp a year",
}


def _day(stamp: Any) -> str:
    return str(pd.Timestamp(stamp).date().isoformat())


def _figure_sentence(statistic: str, a: str, b: str, value: float, start: Any, end: Any) -> str:
    words = FIGURE_WORDS[statistic].format(a=a, b=b, value=value)
    return f"{words} from the {_day(start)} close to the {_day(end)} close"


# ------------------------------------------------------------------ windows a row fixes


def fixed_window(row: Row, prices: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The (start, end) a row's rule fixes: its `window`, or its `start` and the close
    `sessions` later on `prices`' own calendar."""
    if "window" in row.rule:
        start, end = row.window
        return pd.Timestamp(start), pd.Timestamp(end)
    if "start" in row.rule and "sessions" in row.rule:
        later = analogs.session_after(prices, row.start, row.number("sessions"))
        return pd.Timestamp(row.start), later
    raise LedgerError(
        f"claim {row.id}: its rule fixes no window",
        "give the row `window: [START, END]`, or `start:` and `sessions:` in data/claims.yaml",
    )


def window_figure(reading: Reading) -> Measurement:
    """A return figure over the window the row's rule fixes: its `statistic` spread_pp (first
    minus second `series`, price returns, pp), annualized_spread_pp (per year), or return_a
    (the first series alone), rounded to 0.01."""
    row = reading.row
    names = list(row.series)
    closes = data.prices(names, end=reading.data_end)
    first = closes[names[0]]
    second = closes[names[1]] if len(names) > 1 else first
    summary = analogs.window_summary(first, second, *fixed_window(row, first))
    value = round(float(row.statistic_of(summary)), 2)
    statistic = row.choice("statistic")
    return Measurement(
        value,
        series=tuple(names),
        details={
            "window": f"{summary['start'].date()}..{summary['end'].date()}",
            "returns": {
                n: round(float(summary[k]), 2)
                for n, k in zip(names, ("return_a", "return_b"), strict=False)
            },
        },
        evidence_sentence=_figure_sentence(
            statistic, names[0], names[-1], value, summary["start"], summary["end"]
        ),
    )


# ------------------------------------------------------------------ windows after a run


def anchor_candidates(row: Row, closes: pd.DataFrame) -> dict[str, Any]:
    """Where an analog row's window starts, as its rule's `anchor` says, and the runs it could
    have meant (`analogs.run_candidates`): `month_end` takes the last close of `run_month`
    (the month an article names); `run_from_month` the end of the first run of `length`
    sessions of the first series over the second ending on or after `run_month`;
    `precedent_run` the end of the most recent earlier run that long before the run in force
    on the claim's date. `day` is the anchor close, `run` the chosen run (None for
    `month_end`; a DataError when the data holds no run the anchor names)."""
    a, b = row.pair
    margin = streaks.return_margin(closes[a], closes[b])
    length = row.number("length")
    how = row.choice("anchor")
    named = row.rule.get("run_month") if how in ("run_from_month", "month_end") else None
    if how != "precedent_run" and not named:
        raise LedgerError(
            f"claim {row.id}: `anchor: {how}` needs `run_month`",
            "add run_month: 'YYYY-MM' (the month the article names) to the row's rule",
        )
    found = analogs.run_candidates(margin, row.as_of, length, named or row.as_of, a, b)
    if how == "month_end":
        run, day = None, _month_end_close(closes[a], str(named))
    else:
        run = found["nearest_from_named_month"] if named else found["precedent"]
        if run is None:
            raise DataError(
                f"claim {row.id}: no {a}-over-{b} run of {length} sessions for its `anchor`",
                "check the row's length / run_month against the data",
            )
        day = run["end"]
    if not named:
        found = {"precedent": found["precedent"]}
    return {"length": length, "named": named, "anchor": how, **found, "run": run, "day": day}


def _month_end_close(prices: pd.Series, month: str) -> pd.Timestamp:
    """The last close of a month ('YYYY-MM')."""
    return returns.close_on_or_before(prices, pd.Period(month, freq="M").end_time.normalize())[0]


def analog_window(row: Row, closes: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The (start, end) an analog row's rule fixes, on the first series' closes: its
    `window`, its `start` and `sessions`, or its `anchor` close and then `sessions` later,
    `years` later (the last close on or before) or its fixed `end`."""
    first = closes[row.series[0]]
    if "anchor" not in row.rule:
        return fixed_window(row, first)
    start = anchor_candidates(row, closes)["day"]
    if "sessions" in row.rule:
        return start, analogs.session_after(first, start, row.number("sessions"))
    if "years" in row.rule:
        return start, analogs.years_after(first, start, row.number("years"))
    return start, pd.Timestamp(row.end)


def analog_windows_table(rows: list[Row], closes: pd.DataFrame) -> pd.DataFrame:
    """`window_summary` of each analog row's two series over the window its rule fixes
    (`analog_window`), one line per distinct window and pair, labelled by the row's group:
    the analogs side by side, for a notebook to show."""
    lines = {}
    for row in rows:
        a, b = row.pair
        start, end = analog_window(row, closes)
        key = (a, b, start, end)
        if key not in lines:
            summary = analogs.window_summary(closes[a], closes[b], start, end)
            lines[key] = {"group": row.group, "a": a, "b": b, **summary}
    return pd.DataFrame(list(lines.values())).set_index("group")


def _run_text(run: pd.Series | None) -> dict[str, Any] | None:
    """A run as a reader (and the result json) reads it: dates as ISO days."""
    if run is None:
        return None
    return {
        key: _day(value) if isinstance(value, pd.Timestamp) else value
        for key, value in run.to_dict().items()
    }


def _anchor_words(found: dict[str, Any]) -> str:
    """How an evidence sentence names the anchor it measured from."""
    if found["run"] is None:
        return f" (the start: the last close of {found['named']}, the month the article names)"
    return f", after the run of {found['run']['length']} sessions that ended {_day(found['day'])}"


def _other_anchors(found: dict[str, Any], closes: pd.Series) -> dict[str, pd.Timestamp]:
    """The closes a named-month anchor could also have meant, but the one measured from."""
    others = {"end of the named month": _month_end_close(closes, str(found["named"]))}
    if found["nearest_from_named_month"] is not None:
        others[f"first run of {found['length']}+ ending from the named month"] = found[
            "nearest_from_named_month"
        ]["end"]
    if found["precedent"] is not None:
        others["precedent found by the 'last time' rule"] = found["precedent"]["end"]
    return {label: day for label, day in others.items() if day != found["day"]}


def figure_after_anchor_run(reading: Reading) -> Measurement:
    """An analog row whose window starts at its anchor (`anchor_candidates`): the figure its
    `statistic` names over `sessions` or `years` after the anchor close
    (`analogs.returns_after`: return_a, annualized_a, annualized_spread_pp), or the first
    series' return to its fixed `end` (return_a). The details name the runs the anchor could
    have meant and, for an anchor in a named month, the same figures from the other closes
    it could have meant, so a reader sees whether the choice matters."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.data_end)
    found = anchor_candidates(row, closes)
    anchor = found["day"]
    candidates = {
        "run": _run_text(found["run"]),
        "anchor_rule": found["anchor"],
        "length": found["length"],
        "precedent": _run_text(found["precedent"]),
    }
    if "end" in row.rule:
        value = round(
            row.statistic_of({"return_a": returns.return_pct(closes[a], anchor, row.end)}), 2
        )
        return Measurement(
            value,
            series=(a, b),
            details={**candidates, "end": row.end},
            evidence_sentence=_figure_sentence("return_a", a, b, value, anchor, row.end)
            + _anchor_words(found),
        )
    spans = {key: row.number(key) for key in ("sessions", "years") if key in row.rule}
    after = analogs.returns_after(closes[a], closes[b], anchor, **spans)
    end = after["sessions_end"] if "sessions" in spans else after["years_end"]
    details: dict[str, Any] = {
        "anchor": after["anchor"].date(),
        "end": end.date(),
        **spans,
        **candidates,
        "after_anchor": after,
    }
    if found["named"]:
        details |= {
            "named": found["named"],
            "runs_in_named_year": len(found["in_named_year"]),
            "nearest_from_named_month": _run_text(found["nearest_from_named_month"]),
            "other_anchors": {
                label: analogs.returns_after(closes[a], closes[b], day)
                for label, day in _other_anchors(found, closes[a]).items()
            },
        }
    value = round(row.statistic_of(after), 2)
    return Measurement(
        value,
        series=(a, b),
        details=details,
        evidence_sentence=_figure_sentence(
            row.choice("statistic"), a, b, value, after["anchor"], end
        )
        + _anchor_words(found),
    )


# What `runs_followed_vs_base` compares with the base rate, by the rule's `statistic`: the
# count of runs behind each share, in the words of the evidence sentence.
AFTERMATH_FIGURES = {
    "beat_vs_base_pp": ("a_beat_b", "{a} beat {b}"),
    "up_vs_base_pp": ("a_up", "{a} rose"),
}


def runs_followed_vs_base(reading: Reading) -> Measurement:
    """Did earlier runs "often" lead somewhere? Every earlier run of at least the claim's
    `length` sessions of the first series over the second (ended before the run in force on
    the claim's date; `after_runs`), the share after which, over the rule's `sessions`, the
    first beat the second (`statistic: beat_vs_base_pp`) or rose (`up_vs_base_pp`), minus the
    same share over every window of that length in the history to the claim's date (the base
    rate), in pp; with the exact binomial p-value of the runs' count against the base share
    that the row's `test:` judges."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.until(row.as_of))
    margin = streaks.return_margin(closes[a], closes[b])
    current = streaks.streak_on(margin, row.as_of, a, b)
    length, sessions = int(row.claimed["length"]), row.number("sessions")
    study = after_runs.after_runs(closes[a], closes[b], length, (sessions,), current.start)
    line = study.summary.loc[sessions]
    count_key, words = AFTERMATH_FIGURES[row.choice("statistic")]
    wins, count = int(line[f"runs_{count_key}"]), int(line["runs_count"])
    if count == 0:
        raise DateRangeError(
            f"no earlier run of {length}+ sessions with {sessions} sessions after it",
            "use a shorter `length` or `sessions`, or a longer history",
        )
    share = 100.0 * wins / count
    base = float(line[f"base_share_{count_key}_pct"])
    value = round(share - base, 2)
    ended = study.runs["end"]
    return Measurement(
        value,
        after_runs.beat_vs_base_p(wins, count, base),
        series=(a, b),
        details={
            "runs": count,
            "runs_followed": wins,
            "share_pct": round(share, 1),
            "base_share_pct": round(base, 1),
            "base_windows": int(line["base_count"]),
            "length": length,
            "sessions_after": sessions,
            "mean_return_a_pct": round(float(line["runs_mean_a"]), 2),
            "base_mean_return_a_pct": round(float(line["base_mean_a"]), 2),
            "run_ends": [_day(day) for day in ended],
        },
        evidence_sentence=f"after {wins} of the {count} earlier runs of {length}+ sessions "
        f"({_day(ended.iloc[0])} to {_day(ended.iloc[-1])}) "
        + words.format(a=a, b=b)
        + f" over the next {sessions} sessions ({share:.1f} %), against {base:.1f} % of all "
        f"{int(line['base_count']):,} windows of {sessions} sessions from "
        f"{_day(study.first_close)}",
    )


def second_return_over_precedent_run(reading: Reading) -> Measurement:
    """The price return (percent) of the row's second series over the most recent earlier run
    of `length` sessions of the first over the second, before the run in force on the
    claim's date: from the close before the run's first session to its last session (what
    large caps did while small caps led)."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.data_end)
    margin = streaks.return_margin(closes[a], closes[b])
    current = streaks.streak_on(margin, row.as_of, a, b)
    length = row.number("length")
    run = streaks.last_run_before(streaks.run_table(margin, a, b), current.start, length, a)
    if run is None:
        raise DataError(
            f"claim {row.id}: no earlier run of {length} sessions of {a} over {b} before "
            f"{current.start:%Y-%m-%d}",
            "check the row's `length` against the data, or use a longer history",
        )
    base_day = closes.index[closes.index.get_loc(run["start"]) - 1]
    value = round(returns.return_pct(closes[b], base_day, run["end"]), 2)
    return Measurement(
        value,
        series=(a, b),
        details={
            "run": _run_text(run),
            "base_close": base_day.date().isoformat(),
            "return_a": round(returns.return_pct(closes[a], base_day, run["end"]), 2),
        },
        evidence_sentence=f"{b} returned {value:+.2f} % from the {_day(base_day)} close to "
        f"{_day(run['end'])}, during the {int(run['length'])}-session run of {a} that began "
        f"{_day(run['start'])}",
    )


# ------------------------------------------------------------------ windows and risk


def largest_drawdown_in_window(reading: Reading) -> Measurement:
    """The deepest fall (percent, negative) of the row's one series' close from a peak to a
    later trough, both inside its `window` (`analogs.largest_drawdown`)."""
    row = reading.row
    (name,) = row.series
    slide = analogs.largest_drawdown(data.prices([name], end=reading.data_end)[name], *row.window)
    value = round(slide["drawdown_pct"], 2)
    return Measurement(
        value,
        series=(name,),
        details={"peak": slide["peak"].date(), "trough": slide["trough"].date()},
        evidence_sentence=f"{name} fell {value:.2f} % from its {_day(slide['peak'])} close "
        f"({slide['peak_close']:,.2f}) to {_day(slide['trough'])} ({slide['trough_close']:,.2f})",
    )


def return_correlation_in_window(reading: Reading) -> Measurement:
    """The correlation of the two series' daily price returns inside the rule's `window`."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.data_end)
    start, end = row.window
    value = round(analogs.return_correlation(closes[a], closes[b], start, end), 3)
    return Measurement(
        value,
        series=(a, b),
        details={"window": f"{start}..{end}"},
        evidence_sentence=f"the daily price returns of {a} and {b} from {start} to {end} "
        f"correlated at {value}",
    )


def volatility_ratio(reading: Reading) -> Measurement:
    """Standard deviation of the first series' daily price returns over the second's, on the
    days both traded inside the rule's `window` (1.0 = equally volatile)."""
    row = reading.row
    a, b = row.pair
    start, end = row.window
    daily = data.prices([a, b], end=reading.data_end).loc[start:end].pct_change().dropna()
    ratio = round(float(daily[a].std() / daily[b].std()), 3)
    return Measurement(
        ratio,
        series=(a, b),
        details={
            "sessions": len(daily),
            "std_pct": {a: round(daily[a].std() * 100, 3), b: round(daily[b].std() * 100, 3)},
        },
        evidence_sentence=f"over {len(daily)} sessions from {_day(daily.index[0])} to "
        f"{_day(daily.index[-1])}, {a}'s daily returns varied {ratio} times as much as {b}'s",
    )


def volatility_ratio_in_stress(reading: Reading) -> Measurement:
    """Are small caps' swings amplified in falling markets? Inside the rule's `window`, the
    standard deviation of the first series' daily price returns over the second's on stress
    days (the second's close at least `drawdown_pct` % below its highest close so far;
    `statistic: stress_ratio`), or that ratio over the same ratio on the other days
    (`stress_over_calm`: above 1 means more amplified in stress than in calm markets)."""
    row = reading.row
    a, b = row.pair
    start, end = row.window
    closes = data.prices([a, b], end=reading.data_end)
    stress = returns.drawdown_pct(closes[b]) <= -row.number("drawdown_pct")
    daily = closes.pct_change().loc[start:end].dropna()
    stressed = stress.reindex(daily.index)
    ratios = {
        "stress": float(daily.loc[stressed, a].std() / daily.loc[stressed, b].std()),
        "calm": float(daily.loc[~stressed, a].std() / daily.loc[~stressed, b].std()),
    }
    figures = {
        "stress_ratio": ratios["stress"],
        "stress_over_calm": ratios["stress"] / ratios["calm"],
    }
    value = round(float(row.statistic_of(figures)), 3)
    days = int(stressed.sum())
    return Measurement(
        value,
        series=(a, b),
        details={
            "stress_sessions": days,
            "calm_sessions": len(daily) - days,
            "ratio_in_stress": round(ratios["stress"], 3),
            "ratio_in_calm": round(ratios["calm"], 3),
            "drawdown_pct": row.number("drawdown_pct"),
        },
        evidence_sentence=f"on the {days} sessions from {start} to {end} when {b} closed "
        f"{row.number('drawdown_pct')} %+ below its high, {a}'s daily returns varied "
        f"{ratios['stress']:.3f} times as much as {b}'s ({ratios['calm']:.3f} times on the "
        f"other {len(daily) - days})",
    )


def blend_sharpe_gain(reading: Reading) -> Measurement:
    """Does adding small caps to a large-cap portfolio improve its risk-adjusted return? The
    annualized Sharpe ratio (mean over standard deviation of daily price returns, x sqrt 252,
    no risk-free rate) of a daily-rebalanced blend holding `weight_pct` % of the rule's second
    series and the rest in the first, minus that of the first alone, over the `window`, with
    the Jobson-Korkie p-value the row's `test:` judges."""
    row = reading.row
    large, small = row.pair
    weight = row.number("weight_pct") / 100
    start, end = row.window
    daily = data.prices([large, small], end=reading.data_end).loc[start:end].pct_change()
    daily = daily.dropna()
    blend = (1 - weight) * daily[large] + weight * daily[small]

    def sharpe(r: pd.Series) -> float:
        return float(r.mean() / r.std() * np.sqrt(252))

    value = round(sharpe(blend) - sharpe(daily[large]), 4)
    return Measurement(
        value,
        analogs.sharpe_difference_p(blend, daily[large]),
        series=(large, small),
        details={
            "sharpe_blend": round(sharpe(blend), 4),
            "sharpe_large": round(sharpe(daily[large]), 4),
            "sharpe_small": round(sharpe(daily[small]), 4),
            "sessions": len(daily),
            "weight_small": weight,
        },
        evidence_sentence=f"holding {weight:.0%} {small} beside {large} from {start} to {end} "
        f"moved the annualized Sharpe ratio from {sharpe(daily[large]):.3f} to "
        f"{sharpe(blend):.3f}",
    )


# ------------------------------------------------------------------ the January effect


def month_sample(
    row: Row, legs: tuple[str, str] | None = None
) -> tuple[pd.Series, tuple[str, ...]]:
    """The spreads (pp, one per year) of the calendar month the rule's `window` starts in (a
    January sample: '1927-01'..'2025-01'; a December one: '1926-12'..'2025-12'), small minus
    large, named for a reader, and the data keys read: the rule's `sample` (index_closes: the
    two series' closes, price returns; french_size: two Ken French size portfolios, `legs` or
    the two `series` names, value-weighted monthly returns with dividends) over that month of
    each year of the window."""
    first, last = (int(month[:4]) for month in row.window)
    month = pd.Period(row.window[0], freq="M").month
    small, large = legs or row.pair
    if row.choice("sample") == "french_size":
        size = data.french(FRENCH_SIZE.removeprefix("french:"), FRENCH_SIZE_SECTION)
        spreads = analogs.monthly_month_spreads(size, small, large, month, first, last)
        return spreads.rename(f"Ken French size quintiles {small} vs {large}"), (FRENCH_SIZE,)
    end = pd.Period(row.window[1], freq="M").end_time.normalize()
    closes = data.prices([small, large], end=end)
    table = analogs.month_spreads(closes[small], closes[large], month, first, last)
    return table["spread_pp"].rename(f"{small} vs {large}"), (small, large)


# The first January the ^RUT closes measure (its first close is 1987-09-10, and a January's
# return starts at the previous year's last close): where the Russell era of the January
# effect begins, and where a longer sample's evidence splits its wins.
RUSSELL_ERA_START = 1988


def share_of_januaries_won(reading: Reading) -> Measurement:
    """The percent of Januaries in which small caps beat large caps (a tie is not a win),
    with the exact binomial p-value against 50 % that the row's `test:` judges. A sample
    reaching on both sides of the Russell era's start says how the wins split there (where
    the effect lives)."""
    spreads, read = month_sample(reading.row)
    spreads = spreads.dropna()
    wins, total = int((spreads > 0).sum()), len(spreads)
    share = round(returns.share_above(spreads), 1)
    first, last = int(spreads.index[0]), int(spreads.index[-1])
    split = RUSSELL_ERA_START
    before, since = spreads.loc[: split - 1], spreads.loc[split:]
    where = ""
    if len(before) and len(since):
        where = (
            f": {int((before > 0).sum())} of {len(before)} before {split}, "
            f"{int((since > 0).sum())} of {len(since)} since"
        )
    return Measurement(
        share,
        analogs.binomial_p(wins, total),
        series=read,
        details={
            "januaries": total,
            "won": wins,
            **_sample_summary(spreads),
            "won_before_russell_era": int((before > 0).sum()),
            "januaries_before_russell_era": len(before),
        },
        evidence_sentence=f"small caps beat large caps in {wins} of {total} Januaries "
        f"{first}-{last} ({spreads.name}){where}",
    )


def _sample_summary(spreads: pd.Series) -> dict[str, float | int]:
    """The years a calendar-month sample spans and its median and mean spread (pp)."""
    return {
        "first": int(spreads.index[0]),
        "last": int(spreads.index[-1]),
        "median_spread_pp": round(float(spreads.median()), 3),
        "mean_spread_pp": round(float(spreads.mean()), 3),
    }


# The Ken French size portfolios a `sample: french_size` baseline of a January-magnitude row
# compares: the smallest and the largest quintile.
FRENCH_SIZE_LEGS = ("Lo 20", "Hi 20")


def january_spread_percentile(reading: Reading) -> Measurement:
    """Where this January's spread so far ranks among full Januaries
    (`analogs.percentile_rank`): the first series' price return minus the second's from the
    prior year's last close to the claim's date, against every January of the rule's
    `window` (first to last January month) in its `sample`: the same two series, or the Ken
    French smallest vs largest quintile (FRENCH_SIZE_LEGS, total returns: the longer
    history, another basis)."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.data_end)
    if row.choice("sample") == "french_size":
        sample, read = month_sample(row, FRENCH_SIZE_LEGS)
    else:
        first, last = (int(month[:4]) for month in row.window)
        table = analogs.january_spreads(closes[a], closes[b], first, last)
        sample, read = table["spread_pp"].rename(f"{a} vs {b}"), (a, b)
    sample = sample.dropna()
    first, last = int(sample.index[0]), int(sample.index[-1])
    spread = returns.spread_pp(closes[a], closes[b], returns.year_end_before(row.as_of), row.as_of)
    larger = int((sample > spread).sum())
    value = round(analogs.percentile_rank(spread, sample), 1)
    return Measurement(
        value,
        series=tuple(dict.fromkeys((a, b, *read))),
        details={
            "spread_2026_pp": round(spread, 2),
            "januaries": len(sample),
            "larger_full_januaries": larger,
            "baseline": str(sample.name),
        },
        evidence_sentence=f"{a} minus {b} stood at {spread:+.2f} pp on {row.as_of}; {larger} "
        f"of the {len(sample)} full Januaries {first}-{last} ({sample.name}) were larger",
    )


def share_of_months_lagged(reading: Reading) -> Measurement:
    """The percent of years in which small caps trailed large caps in the calendar month of
    the rule's `window` (a tie is not a loss), with the exact binomial p-value against 50 %
    that the row's `test:` judges: a seasonal weakness ("December tax-loss selling depresses
    small caps")."""
    spreads, read = month_sample(reading.row)
    lost, total = int((spreads < 0).sum()), int(spreads.notna().sum())
    first, last = int(spreads.index[0]), int(spreads.index[-1])
    month = pd.Period(reading.row.window[0], freq="M").strftime("%B")
    return Measurement(
        round(100.0 * lost / total, 1),
        analogs.binomial_p(lost, total),
        series=read,
        details={
            "months": total,
            "lagged": lost,
            **_sample_summary(spreads),
        },
        evidence_sentence=f"small caps trailed large caps in {lost} of {total} {month}s "
        f"{first}-{last} ({spreads.name})",
    )


# ------------------------------------------------------------------ the business cycle


def size_spread_over_cycle(reading: Reading) -> Measurement:
    """Small against large caps across NBER recessions and expansions (`data.nber_cycles`),
    on the two Ken French size portfolios the rule's `series` names, monthly returns inside
    its `window`, by its `statistic`: `recessions_lagged_pct`, the percent of recessions
    (the month after the peak through the trough) over which small compounded less than
    large, and `troughs_led_pct`, the percent of troughs after which small compounded more
    over the next `months` months, each with the exact binomial p-value against 50 %; or
    `expansion_minus_recession_pp`, the mean monthly spread in expansion months minus that in
    recession months, with Welch's p-value. The row's `test:` judges the p-value."""
    row = reading.row
    small, large = row.pair
    first, last = (pd.Period(month, freq="M") for month in row.window)
    size = data.french(FRENCH_SIZE.removeprefix("french:"), FRENCH_SIZE_SECTION).loc[first:last]
    cycles = data.nber_cycles()
    statistic = row.choice("statistic")
    read = (FRENCH_SIZE, "reference:nber_business_cycles")
    if statistic == "expansion_minus_recession_pp":
        found = business_cycle.phase_difference(size[small], size[large], cycles)
        value = round(found["difference_pp"], 3)
        return Measurement(
            value,
            found["p_value"],
            series=read,
            details={k: v for k, v in found.items() if k not in ("difference_pp", "p_value")},
            evidence_sentence=f"{small} minus {large} averaged {found['expansion_mean_pp']:+.2f} "
            f"pp a month in {found['expansion_months']} NBER expansion months and "
            f"{found['recession_mean_pp']:+.2f} pp in {found['recession_months']} recession "
            f"months, {found['first']} to {found['last']}",
        )
    if statistic == "recessions_lagged_pct":
        table = business_cycle.over_recessions(size[small], size[large], cycles)
        hits, words = table["spread_pp"] < 0, "compounded less than"
        span, dated = "over {count} of the {total} NBER recessions", "peaks"
    else:
        months = row.number("months")
        table = business_cycle.after_troughs(size[small], size[large], cycles, months)
        hits, words = table["spread_pp"] > 0, "compounded more than"
        span, dated = f"over the {months} months after {{count}} of the {{total}} NBER troughs", ""
    count, total = int(hits.sum()), len(table)
    if total == 0:
        raise DateRangeError(
            f"claim {row.id}: no NBER episode inside {first}..{last}",
            "widen the row's `window`",
        )
    return Measurement(
        round(100.0 * count / total, 1),
        analogs.binomial_p(count, total),
        series=read,
        details={
            "episodes": total,
            "hits": count,
            "by_episode": {
                str(line.anchor): round(float(line.spread_pp), 2)
                for line in table.itertuples(index=False)
            },
        },
        evidence_sentence=f"{small} {words} {large} "
        + span.format(count=count, total=total)
        + f" ({dated + ' ' if dated else ''}{table['anchor'].iloc[0]} to "
        f"{table['anchor'].iloc[-1]})",
    )


def expansion_months(reading: Reading) -> Measurement:
    """How long the NBER expansion around the rule's `start` month lasted: its whole length
    in months, trough to peak (`statistic: expansion_months`), or the months from `start`
    to its peak (`months_to_peak`)."""
    row = reading.row
    found = business_cycle.expansion_around(data.nber_cycles(), row.start)
    if found["peak"] is None:
        raise DataError(
            f"claim {row.id}: the expansion around {row.start} has not ended in the chronology",
            "measure a month of an expansion that has a peak",
        )
    figures = {
        "expansion_months": found["length_months"],
        "months_to_peak": found["months_to_peak"],
    }
    value = int(row.statistic_of(figures))
    return Measurement(
        value,
        series=("reference:nber_business_cycles",),
        details={**figures, "trough": str(found["trough"]), "peak": str(found["peak"])},
        evidence_sentence=f"the NBER expansion around {row.start} ran from the {found['trough']} "
        f"trough to the {found['peak']} peak ({found['length_months']} months; "
        f"{found['months_to_peak']} after {row.start})",
    )


def disinflation_without_recession(reading: Reading) -> Measurement:
    """Was there a soft landing in the rule's `window`: did 12-month CPI inflation (Shiller's
    monthly CPI) end the window at least `inflation_cut_pct` % below its peak in the window
    while no NBER recession began in it (`statistic: disinflation_and_no_recession`), or, the
    other half alone, did no recession begin (`no_recession`)? The NBER dates a peak months
    after it happens, so a recent one may not be dated yet."""
    row = reading.row
    first, last = row.window
    fell = business_cycle.disinflation(business_cycle.inflation_pct(data.cpi()), first, last)
    peaks = business_cycle.peaks_between(data.nber_cycles(), first, last)
    landed = fell["fall_pct_of_peak"] >= row.number("inflation_cut_pct")
    figures = {"disinflation_and_no_recession": landed and not peaks, "no_recession": not peaks}
    recession = f"NBER peak(s) {', '.join(map(str, peaks))}" if peaks else "no NBER peak"
    return Measurement(
        bool(row.statistic_of(figures)),
        series=("file:shiller/ie_data_Data_sheet_export.csv", "reference:nber_business_cycles"),
        details={
            **{k: v for k, v in fell.items()},
            "inflation_cut_pct": row.number("inflation_cut_pct"),
            "nber_peaks_in_window": [str(p) for p in peaks],
            **figures,
        },
        evidence_sentence=f"12-month CPI inflation went from a peak of {fell['peak_pct']:.2f} % "
        f"({fell['peak_month']}) to {fell['latest_pct']:.2f} % in {fell['latest_month']} "
        f"({fell['fall_pct_of_peak']:.0f} % lower), with {recession} from {first} to {last}",
    )
