"""Measures of what followed earlier episodes and of context statements: figures over a
window a row fixes or that starts at the end of a run, drawdowns, correlations, the January
effect (tested), how often runs led to longer leads (tested), volatility, a blend's Sharpe
ratio (tested), and what large caps did during a run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers import data
from helpers.analysis import analogs, returns, streaks
from helpers.analysis.measurement import Measurement
from helpers.errors import DataError, DateRangeError, LedgerError
from helpers.measures.reading import Reading, Row

__all__ = [
    "blend_sharpe_gain",
    "figure_after_anchor_run",
    "january_spread_percentile",
    "largest_drawdown_in_window",
    "return_correlation_in_window",
    "second_return_over_precedent_run",
    "share_of_januaries_won",
    "share_of_runs_followed_by_lead",
    "volatility_ratio",
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
    """The run an analog row's window starts from, as its rule's `anchor` says, and the runs
    it could have meant (`analogs.run_candidates`): `run_from_month` takes the first run of
    `length` sessions of the first series over the second ending on or after `run_month`;
    `precedent_run` the most recent earlier run that long before the run in force on the
    claim's date. `run` is the chosen run (a DataError when the data holds none)."""
    a, b = row.pair
    margin = streaks.return_margin(closes[a], closes[b])
    length = row.number("length")
    how = row.choice("anchor")
    named = row.rule.get("run_month") if how == "run_from_month" else None
    if how == "run_from_month" and not named:
        raise LedgerError(
            f"claim {row.id}: `anchor: run_from_month` needs `run_month`",
            "add run_month: 'YYYY-MM' (the month the article names) to the row's rule",
        )
    found = analogs.run_candidates(margin, row.as_of, length, named or row.as_of, a, b)
    run = found["nearest_from_named_month"] if named else found["precedent"]
    if run is None:
        raise DataError(
            f"claim {row.id}: no {a}-over-{b} run of {length} sessions for its `anchor`",
            "check the row's length / run_month against the data",
        )
    if not named:
        found = {"precedent": found["precedent"]}
    return {"length": length, "named": named, "anchor": how, **found, "run": run}


def analog_window(row: Row, closes: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The (start, end) an analog row's rule fixes, on the first series' closes: its
    `window`, its `start` and `sessions`, or the end of its `anchor` run and then `sessions`
    later, `years` later (the last close on or before) or its fixed `end`."""
    first = closes[row.series[0]]
    if "anchor" not in row.rule:
        return fixed_window(row, first)
    start = anchor_candidates(row, closes)["run"]["end"]
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


def figure_after_anchor_run(reading: Reading) -> Measurement:
    """An analog row whose window starts at the end of a run (`anchor_candidates`): the
    figure its `statistic` names over `sessions` or `years` after the anchor
    (`analogs.returns_after`: return_a, annualized_a, annualized_spread_pp), or the first
    series' return to its fixed `end` (return_a). The details name the runs the anchor could
    have meant and, for a `run_from_month` anchor, the same figures from the end of the named
    month and from the precedent run, so a reader sees whether the choice matters."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.data_end)
    found = anchor_candidates(row, closes)
    anchor = found["run"]["end"]
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
            + f", after the run of {found['run']['length']} sessions that ended {_day(anchor)}",
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
        named = pd.Timestamp(found["named"])
        month_end = returns.close_on_or_before(closes[a], named + pd.offsets.MonthEnd(0))[0]
        others = {"end of the named month": month_end}
        if found["precedent"] is not None:
            others["precedent found by the 'last time' rule"] = found["precedent"]["end"]
        details |= {
            "named": found["named"],
            "runs_in_named_year": len(found["in_named_year"]),
            "nearest_from_named_month": _run_text(found["nearest_from_named_month"]),
            "other_anchors": {
                label: analogs.returns_after(closes[a], closes[b], day)
                for label, day in others.items()
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
        + f", after the run of {found['run']['length']} sessions that ended {_day(anchor)}",
    )


def share_of_runs_followed_by_lead(reading: Reading) -> Measurement:
    """Did earlier runs "often" start longer rotations? The percent of earlier episodes of
    runs of at least the claim's `length` sessions (first series over the second, before the
    run in force on the claim's date) after which the first beat the second over the rule's
    `sessions`, with the exact binomial p-value against 50 % that the row's `test:` judges."""
    row = reading.row
    first, second = row.pair
    closes = data.prices([first, second], end=reading.data_end)
    margin = streaks.return_margin(closes[first], closes[second])
    current = streaks.streak_on(margin, row.as_of, first, second)
    length = int(row.claimed["length"])
    sessions = row.number("sessions")
    table = analogs.spreads_after_runs(
        closes[first],
        closes[second],
        streaks.run_table(margin, first, second),
        current.start,
        length,
        sessions,
        first,
    )
    if table.empty:
        raise DateRangeError(
            f"no earlier run of {length}+ sessions with a full window",
            "use a shorter `length` or `sessions`, or a longer history",
        )
    wins, total = int((table["spread_pp"] > 0).sum()), len(table)
    value = round(100.0 * wins / total, 1)
    return Measurement(
        value,
        analogs.binomial_p(wins, total),
        series=(first, second),
        details={
            "episodes": total,
            "followed_by_a_lead": wins,
            "length": length,
            "sessions_after": sessions,
            "runs": [
                {
                    "end": run.end.date().isoformat(),
                    "length": run.length,
                    "spread_pp": round(run.spread_pp, 2),
                }
                for run in table.itertuples(index=False)
            ],
        },
        evidence_sentence=f"after {wins} of {total} earlier episodes of {length}+ session runs "
        f"({_day(table['end'].iloc[0])} to {_day(table['end'].iloc[-1])}) {first} beat "
        f"{second} over the next {sessions} sessions",
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


def january_sample(
    row: Row, legs: tuple[str, str] | None = None
) -> tuple[pd.Series, tuple[str, ...]]:
    """The January spreads (pp, one per year) a January-effect reading counts, and the data
    keys it read: the rule's `sample` (index_closes: the two series' closes, price returns;
    french_size: two Ken French size portfolios, `legs` or the two `series` names,
    value-weighted monthly returns with dividends) over the January months of its `window`."""
    first, last = (int(month[:4]) for month in row.window)
    small, large = legs or row.pair
    if row.choice("sample") == "french_size":
        size = data.french(FRENCH_SIZE.removeprefix("french:"), FRENCH_SIZE_SECTION)
        spreads = analogs.monthly_january_spreads(size, small, large, first, last)
        return spreads.rename(f"Ken French size quintiles {small} vs {large}"), (FRENCH_SIZE,)
    closes = data.prices([small, large], end=f"{last}-01-31")
    table = analogs.january_spreads(closes[small], closes[large], first, last)
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
    spreads, read = january_sample(reading.row)
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
            "first": first,
            "last": last,
            "median_spread_pp": round(float(spreads.median()), 3),
            "mean_spread_pp": round(float(spreads.mean()), 3),
            "won_before_russell_era": int((before > 0).sum()),
            "januaries_before_russell_era": len(before),
        },
        evidence_sentence=f"small caps beat large caps in {wins} of {total} Januaries "
        f"{first}-{last} ({spreads.name}){where}",
    )


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
        sample, read = january_sample(row, FRENCH_SIZE_LEGS)
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
