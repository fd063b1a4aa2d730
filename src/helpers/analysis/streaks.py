"""Streaks of "A beat B": who won each day, how long each run lasted, and when runs this long
happened before.

Everything here is pure (no I/O) and works on any pair of price series: two indices, two ETFs
on one adjustment basis, or one series against standing still (its own up/down days).

Conventions, fixed once so every notebook and command counts the same way:
- A day's outcome compares close-to-close *price* returns on the days both series have (inner
  join); the first common day has no previous close and therefore no outcome.
- The *margin* is A's return minus B's. A beat B when the margin is > 0, B beat A when it is
  < 0; a tie (margin exactly 0) is a win for neither and breaks both sides' streaks. For
  IEEE floats `ra - rb > 0` exactly when `ra > rb`, so the margin decides like the returns do.
- A *run* is a maximal block of consecutive outcome days with the same leader. Runs are
  facts of the whole history: a run that overlaps a window is reported whole, not clipped.
- A date that is not a trading day is read as the last trading day on or before it (the
  close in force then); results carry both the date asked and the date used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.analysis.returns import session_on_or_before

TIE = "tie"
RUN_COLUMNS = ["start", "end", "length", "leader"]

# What a margin\'s dates are, in a date error: the first common close has no outcome.
OUTCOME_DAYS = "the outcome days (the first common close has none)"


@dataclass(frozen=True)
class Streak:
    """The streak in force at a close: who leads, for how many sessions, since when."""

    as_of: pd.Timestamp
    as_of_used: pd.Timestamp
    leader: str
    length: int
    start: pd.Timestamp

    def to_dict(self) -> dict[str, str | int]:
        return {
            "as_of": self.as_of.date().isoformat(),
            "as_of_used": self.as_of_used.date().isoformat(),
            "leader": self.leader,
            "length": self.length,
            "start": self.start.date().isoformat(),
        }


def daily_returns(prices: pd.Series) -> pd.Series:
    """Close-to-close price returns; the first close has none and is dropped."""
    closes = prices.dropna().sort_index()
    return closes.pct_change().iloc[1:]


def pair_returns(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Daily returns of A (column "a") and B (column "b") on the days both traded.

    Joining the closes *before* taking returns means a day one series skipped makes both
    returns span the same two closes, so the comparison stays like with like.
    """
    closes = pd.concat({"a": a.dropna(), "b": b.dropna()}, axis=1, join="inner").sort_index()
    return closes.pct_change().iloc[1:]


def return_margin(a: pd.Series, b: pd.Series) -> pd.Series:
    """A's daily return minus B's on the days both traded; > 0 means A beat B."""
    returns = pair_returns(a, b)
    return (returns["a"] - returns["b"]).rename("margin")


def own_moves(prices: pd.Series) -> pd.Series:
    """A series against standing still: its daily return as a margin, so up-day and
    down-day streaks of one stock or index use the same run functions as a pair."""
    return daily_returns(prices).rename("margin")


def leaders(margin: pd.Series, a: str = "A", b: str = "B") -> pd.Series:
    """Who won each day: `a`, `b`, or "tie"."""
    labels = np.where(margin > 0, a, np.where(margin < 0, b, TIE))
    return pd.Series(labels, index=margin.index, name="leader", dtype=object)


def _run_bounds(margin: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positional start and end (inclusive) of every run of equal outcome signs."""
    signs = np.sign(margin.to_numpy())
    if len(signs) == 0:
        return np.array([], dtype=int), np.array([], dtype=int)
    starts = np.flatnonzero(np.r_[True, signs[1:] != signs[:-1]])
    ends = np.r_[starts[1:] - 1, len(signs) - 1]
    return starts, ends


def run_table(margin: pd.Series, a: str = "A", b: str = "B") -> pd.DataFrame:
    """Run-length encoding of the outcomes: one row per run, oldest first.

    Columns start, end (dates, inclusive), length (sessions) and leader (`a`, `b` or "tie").
    The last run may still be going on at the end of the data.
    """
    starts, ends = _run_bounds(margin)
    dates = margin.index
    return pd.DataFrame(
        {
            "start": dates[starts],
            "end": dates[ends],
            "length": (ends - starts + 1).astype(int),
            "leader": leaders(margin, a, b).to_numpy()[starts],
        },
        columns=RUN_COLUMNS,
    )


def streak_lengths(margin: pd.Series) -> pd.Series:
    """Length of the streak in force at each close (1 on a run's first day; 1 on a tie day)."""
    starts, ends = _run_bounds(margin)
    run_start = np.repeat(starts, ends - starts + 1)
    return pd.Series(np.arange(len(margin)) - run_start + 1, index=margin.index, name="streak")


def signed_streak(margin: pd.Series) -> pd.Series:
    """The streak counter as one number: +n while A has led n sessions, -n for B, 0 on a tie."""
    signed = streak_lengths(margin) * np.sign(margin.to_numpy()).astype(int)
    return signed.rename("signed_streak")


def streak_on(margin: pd.Series, date: str | pd.Timestamp, a: str = "A", b: str = "B") -> Streak:
    """The streak in force at the close of `date` (or the last trading day before it)."""
    used = session_on_or_before(margin.index, date, OUTCOME_DAYS)
    position = margin.index.get_loc(used)
    length = int(streak_lengths(margin).iloc[position])
    return Streak(
        as_of=pd.Timestamp(date),
        as_of_used=used,
        leader=str(leaders(margin, a, b).iloc[position]),
        length=length,
        start=margin.index[position - length + 1],
    )


def runs_at_least(
    runs: pd.DataFrame,
    min_length: int,
    leader: str | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Runs of `min_length` sessions or more, by one leader (None = either side, ties never),
    that overlap [start, end] (inclusive); runs are reported whole."""
    keep = (runs["length"] >= min_length) & (runs["leader"] != TIE)
    if leader is not None:
        keep &= runs["leader"] == leader
    if start is not None:
        keep &= runs["end"] >= pd.Timestamp(start)
    if end is not None:
        keep &= runs["start"] <= pd.Timestamp(end)
    return runs.loc[keep].reset_index(drop=True)


def last_run_before(
    runs: pd.DataFrame, date: str | pd.Timestamp, min_length: int, leader: str | None = None
) -> pd.Series | None:
    """The most recent run of at least `min_length` sessions that ended before `date`.

    "Before" is strict on the run's end, so the run in force on `date` never answers the
    question "when did this last happen"; None when no earlier run was that long.
    """
    earlier = runs_at_least(runs, min_length, leader)
    earlier = earlier.loc[earlier["end"] < pd.Timestamp(date)]
    return None if earlier.empty else earlier.iloc[-1]


def years_since_earlier_run(
    runs: pd.DataFrame,
    before: str | pd.Timestamp,
    until: str | pd.Timestamp,
    min_length: int,
    leader: str,
    history_start: str | pd.Timestamp,
) -> dict:
    """Years from the end of the most recent run by `leader` of at least `min_length` that
    ended before `before`, to `until`, counted in calendar months / 12: "not seen in N years".

    With no such run in the data the years are counted from `history_start` instead: the
    full span of the data, a lower bound of the true figure, flagged by `precedent` None
    and `lower_bound` True, so it is never read as a measured precedent.
    """
    run = last_run_before(runs, before, min_length, leader)
    since = pd.Timestamp(history_start) if run is None else pd.Timestamp(run["end"])
    months = (pd.Timestamp(until).to_period("M") - since.to_period("M")).n
    return {
        "years": months / 12,
        "since": since,
        "min_length": min_length,
        "precedent": None if run is None else run.to_dict(),
        "lower_bound": run is None,
    }


def last_time_table(
    margin: pd.Series,
    date: str | pd.Timestamp,
    lengths: Sequence[int],
    leader: str,
    a: str = "A",
    b: str = "B",
) -> pd.DataFrame:
    """For each length L: the last run by `leader` of at least L sessions that ended before
    `date`, the session it reached L, and how many years before `date` that was."""
    runs = run_table(margin, a, b)
    rows = []
    for length in lengths:
        run = last_run_before(runs, date, length, leader)
        reached = None if run is None else reached_on(margin.index, run["start"], length)
        rows.append(
            {
                "at_least": length,
                "start": None if run is None else run["start"],
                "end": None if run is None else run["end"],
                "length": None if run is None else int(run["length"]),
                "reached_on": reached,
                "years_before": None
                if run is None
                else round((pd.Timestamp(date) - reached).days / 365.25, 1),
            }
        )
    return pd.DataFrame(rows).set_index("at_least")


def reached_on(calendar: pd.DatetimeIndex, start: pd.Timestamp, length: int) -> pd.Timestamp:
    """The session on which a run that began on `start` reached `length` sessions."""
    return calendar[calendar.get_loc(start) + length - 1]


def last_reached_before(
    margin: pd.Series, before: str | pd.Timestamp, length: int, leader: str, a: str, b: str
) -> pd.Timestamp | None:
    """The session on which the most recent run by `leader` that ended before `before` reached
    `length` sessions: the date behind "not since YEAR" and "the last time was MONTH".

    Pass the current run's first session as `before`, so the run being described never
    counts as its own precedent. None when no earlier run got that long.
    """
    run = last_run_before(run_table(margin, a, b), before, length, leader)
    return None if run is None else reached_on(margin.index, run["start"], length)


def longest_earlier(
    runs: pd.DataFrame,
    leader: str,
    before: str | pd.Timestamp,
    window_start: str | pd.Timestamp | None = None,
) -> int:
    """Longest run by `leader` that reached its full length (ended) inside
    [window_start, before); 0 if none. The yardstick for "ties the longest in N years"."""
    own = runs.loc[(runs["leader"] == leader) & (runs["end"] < pd.Timestamp(before))]
    if window_start is not None:
        own = own.loc[own["end"] >= pd.Timestamp(window_start)]
    return int(own["length"].max()) if len(own) else 0


def record_progression(runs: pd.DataFrame, leader: str) -> pd.DataFrame:
    """Runs by `leader` that set or tied the longest run seen so far, oldest first.

    `status` is "new record" when longer than every earlier run by that leader, "ties
    record" when equal to the longest earlier one (the sense of "ties the longest in N years").
    """
    own = runs.loc[runs["leader"] == leader].reset_index(drop=True)
    best_before = own["length"].cummax().shift(1, fill_value=0)
    status = np.where(
        own["length"] > best_before,
        "new record",
        np.where(own["length"] == best_before, "ties record", ""),
    )
    table = own.assign(previous_best=best_before.astype(int), status=status)
    return table.loc[table["status"] != ""].reset_index(drop=True)


def day_by_day(
    a: pd.Series,
    b: pd.Series,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    a_name: str = "A",
    b_name: str = "B",
) -> pd.DataFrame:
    """Each session in [start, end]: both returns, the margin, the day's leader and the
    length of the streak in force (counted over the whole history, so a streak that began
    before `start` is not cut short)."""
    returns = pair_returns(a, b)
    margin = (returns["a"] - returns["b"]).rename("margin")
    table = pd.DataFrame(
        {
            "ret_a": returns["a"],
            "ret_b": returns["b"],
            "margin": margin,
            "leader": leaders(margin, a_name, b_name),
            "streak": streak_lengths(margin),
        }
    )
    return table.loc[start:end]


def sessions_when_b_fell(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a `day_by_day` table on which B's return was negative, with whether A still
    did better ("resilient": fell less, or rose)."""
    falls = table.loc[table["ret_b"] < 0, ["ret_a", "ret_b", "margin"]]
    return falls.assign(a_did_better=falls["ret_a"] > falls["ret_b"])


def month_end_closes(prices: pd.Series) -> pd.Series:
    """The last close of each calendar month, dated on that session, so monthly outcomes
    and monthly runs come from the same margin and run functions as daily ones."""
    closes = prices.dropna().sort_index()
    return closes.groupby(closes.index.to_period("M")).tail(1)


def run_containing(margin: pd.Series, date: str | pd.Timestamp, a: str = "A", b: str = "B") -> dict:
    """The whole run in force on `date`: its span, its smallest daily margin, and how it
    ended (the first session with another outcome; None while still going at the data end)."""
    used = session_on_or_before(margin.index, date, OUTCOME_DAYS)
    runs = run_table(margin, a, b)
    run = runs.loc[(runs["start"] <= used) & (runs["end"] >= used)].iloc[0]
    inside = margin.loc[run["start"] : run["end"]].abs()
    after = margin.loc[margin.index > run["end"]]
    return {
        "start": run["start"],
        "end": run["end"],
        "length": int(run["length"]),
        "leader": run["leader"],
        "smallest_margin": float(inside.min()),
        "smallest_margin_date": inside.idxmin(),
        "ended_on": None if after.empty else after.index[0],
        "ending_margin": None if after.empty else float(after.iloc[0]),
        "ended_by": None if after.empty else leaders(after.iloc[:1], a, b).iloc[0],
    }


def robustness_table(
    pairs: Mapping[str, tuple[pd.Series, pd.Series]],
    dates: Sequence[str | pd.Timestamp],
    a: str = "A",
    b: str = "B",
) -> pd.DataFrame:
    """The streak at each date under several source pairs (label -> (A prices, B prices)):
    leader, length, start, and the smallest margin so far in that streak.

    If the count only holds for one source, it is not a fact about the market.
    """
    rows = []
    for label, (prices_a, prices_b) in pairs.items():
        margin = return_margin(prices_a, prices_b)
        for date in dates:
            streak = streak_on(margin, date, a, b)
            so_far = margin.loc[streak.start : streak.as_of_used].abs()
            rows.append(
                {
                    "pair": label,
                    "as_of": streak.as_of,
                    "as_of_used": streak.as_of_used,
                    "leader": streak.leader,
                    "length": streak.length,
                    "start": streak.start,
                    "smallest_margin": float(so_far.min()),
                    "smallest_margin_date": so_far.idxmin(),
                }
            )
    return pd.DataFrame(rows)


def outcome_disagreements(first: pd.Series, second: pd.Series) -> pd.DatetimeIndex:
    """Days both margins cover on which they name different winners: where the choice of
    source, not the market, decides who beat whom."""
    both = pd.concat([first, second], axis=1, join="inner")
    differ = np.sign(both.iloc[:, 0]) != np.sign(both.iloc[:, 1])
    return pd.DatetimeIndex(both.index[differ.to_numpy()], name="Date")


def winner_agreement(
    reference: pd.Series, others: Mapping[str, pd.Series], dates_shown: int = 8
) -> pd.DataFrame:
    """For each other margin (label -> margin): the sessions it shares with `reference`, and
    on how many of them it names a different winner (the first `dates_shown` listed)."""
    rows = {}
    for label, other in others.items():
        common = reference.index.intersection(other.index)
        differ = outcome_disagreements(reference, other)
        rows[label] = {
            "first": common.min(),
            "last": common.max(),
            "common_sessions": len(common),
            "different_winner": len(differ),
            "dates": ", ".join(str(day.date()) for day in differ[:dates_shown])
            + (", ..." if len(differ) > dates_shown else ""),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def basis_change_days(x: pd.Series, y: pd.Series, tolerance: float = 1e-4) -> pd.DatetimeIndex:
    """Days on which two price files of the same asset stop moving together: the ratio x/y
    steps by more than `tolerance`. Between a raw and a dividend-adjusted ETF file these are
    the ex-dividend days, when the raw close drops by the dividend."""
    ratio = (x / y).dropna()
    step = ratio.pct_change().abs()
    return pd.DatetimeIndex(step.index[step > tolerance], name="Date")


def monthly_margin(a: pd.Series, b: pd.Series) -> pd.Series:
    """A's monthly price return minus B's, last close of each calendar month to the next."""
    return return_margin(month_end_closes(a), month_end_closes(b))
