"""Measures of the January 2026 run and its precedents: run lengths, starts, first-day and
down-day margins, "not since", "the record was N years old", "ties the longest", and runs
of winning months. Each reads the two series its row names (the first beating the second)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers import data
from helpers.analysis import streaks
from helpers.analysis.measurement import Measurement
from helpers.errors import DataError
from helpers.measures.reading import Reading, Row

__all__ = [
    "first_day_margin",
    "longest_run_in_window",
    "longest_earlier_run",
    "precedent_age_years",
    "precedent_reached_on",
    "resilient_on_down_days",
    "streak_length",
    "streak_start",
    "winning_months",
    "years_since_monthly_run",
]


def _day(stamp: pd.Timestamp) -> str:
    return str(stamp.date().isoformat())


@dataclass(frozen=True)
class PairCloses:
    """The row's two series, their daily margin up to the claim's close, and the run in
    force at that close."""

    a: str
    b: str
    closes: pd.DataFrame
    margin: pd.Series
    current: streaks.Streak


def covering_margin(reading: Reading, first_needed: str | None = None) -> PairCloses:
    """The row's pair up to its own close (a source may end before the notebook's data end);
    a DataError when the files do not cover the claim's date or, with `first_needed`, do not
    reach back to it: a source reading measured on a shorter history would answer another
    question."""
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.until(row.as_of))
    if closes.index[-1] < pd.Timestamp(row.as_of):
        raise DataError(
            f"claim {row.id}: {a} vs {b} ends {closes.index[-1]:%Y-%m-%d}, before the "
            f"claim's date {row.as_of}",
            "give this reading a source that covers the claim's date",
        )
    if first_needed is not None and closes.index[0] > pd.Timestamp(first_needed):
        raise DataError(
            f"claim {row.id}: {a} vs {b} starts {closes.index[0]:%Y-%m-%d}, after the "
            f"window's start {first_needed}",
            "give this reading a source whose history covers the rule's window",
        )
    margin = streaks.return_margin(closes[a], closes[b])
    return PairCloses(a, b, closes, margin, streaks.streak_on(margin, row.as_of, a, b))


def streak_length(reading: Reading) -> Measurement:
    """The sessions the first series has beaten the second in a row at the claim's close (0
    if it did not beat it that day), on the files the reading names."""
    found = covering_margin(reading)
    streak = found.current
    length = streak.length if streak.leader == found.a else 0
    if length:
        sentence = (
            f"{found.a} beat {found.b} on {length} straight sessions, "
            f"{_day(streak.start)} to {_day(streak.as_of_used)}"
        )
    else:
        sentence = (
            f"{found.a} did not beat {found.b} on {_day(streak.as_of_used)} "
            f"({streak.leader} led that session)"
        )
    return Measurement(
        length, series=(found.a, found.b), details=streak.to_dict(), evidence_sentence=sentence
    )


def streak_start(reading: Reading) -> Measurement:
    """The first session of the run in force at the claim's close, on the files the reading
    names."""
    found = covering_margin(reading)
    streak = found.current
    return Measurement(
        _day(streak.start),
        series=(found.a, found.b),
        details=streak.to_dict(),
        evidence_sentence=(
            f"the run in force on {_day(streak.as_of_used)} ({streak.leader} ahead, "
            f"{streak.length} sessions) began on {_day(streak.start)}"
        ),
        measured_label=f"the first session of the run in force on {reading.row.as_of}",
    )


def first_day_margin(reading: Reading) -> Measurement:
    """The first series' price return minus the second's (pp) on the first session of the
    run in force at the claim's close ("the run began with a modest margin")."""
    found = covering_margin(reading)
    streak = found.current
    value = round(float(found.margin.loc[streak.start]) * 100, 4)
    return Measurement(
        value,
        series=(found.a, found.b),
        details={"first_session": _day(streak.start), "run": streak.to_dict()},
        evidence_sentence=(
            f"on {_day(streak.start)}, the run's first session, {found.a} returned "
            f"{value:+.2f} pp against {found.b}"
        ),
    )


def resilient_on_down_days(reading: Reading) -> Measurement:
    """On every session of the run in force at the claim's close on which the second series
    fell, did the first do strictly better? Details list those sessions with both returns."""
    found = covering_margin(reading)
    a, b, streak = found.a, found.b, found.current
    table = streaks.day_by_day(
        found.closes[a], found.closes[b], streak.start, streak.as_of_used, a, b
    )
    falls = streaks.sessions_when_b_fell(table)
    better = int(falls["a_did_better"].sum())
    days = ", ".join(_day(day) for day in falls.index)
    return Measurement(
        bool(falls["a_did_better"].all()),
        series=(a, b),
        details={
            "sessions": len(falls),
            "falls": falls.rename_axis("Date").reset_index().to_dict("records"),
        },
        evidence_sentence=(
            f"{b} fell on {len(falls)} of the run's sessions ({days or 'none'}); {a} did "
            f"better on {better} of them"
        ),
    )


# ------------------------------------------------------------------ precedents


def precedent_length(row: Row) -> int:
    """The length a precedent run must reach under one reading of a "last time / not since"
    row: the rule's `length` when a reading sets it (a different "comparable" share), else
    the claim's `length`; one more under `precedent: strictly_longer` (a "no longer run since"
    reading, where a run of equal length is no precedent)."""
    length = row.number("length") if "length" in row.rule else int(row.claimed["length"])
    if row.choice("precedent") == "strictly_longer":
        length += 1
    return length


@dataclass(frozen=True)
class Precedent:
    """The most recent earlier run of the first series over the second that reached a
    length, before the run in force on the claim's date began, and where it was found."""

    found: PairCloses
    length: int
    run: pd.Series
    reached: pd.Timestamp

    def sentence(self) -> str:
        run = self.run
        return (
            f"the most recent earlier run of {self.length}+ sessions of {self.found.a} over "
            f"{self.found.b} ran {_day(run['start'])} to {_day(run['end'])} "
            f"({int(run['length'])} sessions) and reached {self.length} on {_day(self.reached)}"
        )


def last_precedent(reading: Reading) -> Precedent:
    """The row's `Precedent` at `precedent_length` sessions; a source whose history holds no
    such run is a DataError, not a pass."""
    found = covering_margin(reading)
    length = precedent_length(reading.row)
    runs = streaks.run_table(found.margin, found.a, found.b)
    run = streaks.last_run_before(runs, found.current.start, length, found.a)
    if run is None:
        raise DataError(
            f"claim {reading.row.id}: no run of {length} sessions in {found.a} vs {found.b} "
            f"before {found.current.start:%Y-%m-%d} (history from "
            f"{found.margin.index[0]:%Y-%m-%d})",
            "give this reading a source whose history reaches the precedent",
        )
    reached = streaks.reached_on(found.margin.index, run["start"], length)
    return Precedent(found, length, run, reached)


def precedent_reached_on(reading: Reading) -> Measurement:
    """The session on which the most recent earlier run of the first series over the second
    (one that ended before the run in force on the claim's date began) reached
    `precedent_length` sessions, on the files the reading names ("not since", "last time")."""
    precedent = last_precedent(reading)
    found = precedent.found
    return Measurement(
        _day(precedent.reached),
        series=(found.a, found.b),
        details={
            "threshold": precedent.length,
            "current_streak": found.current.to_dict(),
            "history_from": _day(found.margin.index[0]),
        },
        evidence_sentence=precedent.sentence(),
        measured_label=(
            f"the session the last earlier run of {precedent.length}+ sessions reached "
            f"{precedent.length}"
        ),
    )


def precedent_age_years(reading: Reading) -> Measurement:
    """The calendar year of the claim's date minus the year in which the most recent earlier
    run reached `precedent_length` sessions ("the record it matched was N years old")."""
    precedent = last_precedent(reading)
    years = pd.Timestamp(reading.row.as_of).year - precedent.reached.year
    return Measurement(
        years,
        series=(precedent.found.a, precedent.found.b),
        details={
            "previous_reached_on": _day(precedent.reached),
            "threshold": precedent.length,
        },
        evidence_sentence=f"{precedent.sentence()}: {years} calendar years before "
        f"{reading.row.as_of[:4]}",
    )


def longest_earlier_run(reading: Reading) -> Measurement:
    """The longest earlier run of the first series over the second that reached its full
    length inside [the rule's `start`, the first session of the run in force on the claim's
    date), on files that cover that whole window ("ties the longest in N years")."""
    row = reading.row
    found = covering_margin(reading, first_needed=row.start)
    runs = streaks.run_table(found.margin, found.a, found.b)
    longest = streaks.longest_earlier(runs, found.a, found.current.start, row.start)
    inside = runs.loc[
        (runs["leader"] == found.a)
        & (runs["end"] < found.current.start)
        & (runs["end"] >= pd.Timestamp(row.start))
        & (runs["length"] == longest)
    ]
    spans = ", ".join(f"{_day(r.start)} to {_day(r.end)}" for r in inside.itertuples())
    return Measurement(
        longest,
        series=(found.a, found.b),
        details={"window_start": row.start, "before": _day(found.current.start)},
        evidence_sentence=(
            f"the longest run of {found.a} over {found.b} that ended between {row.start} and "
            f"{_day(found.current.start)} lasted {longest} sessions ({spans or 'none'}); the run "
            f"in force on {_day(found.current.as_of_used)} had {found.current.length} sessions "
            f"from {_day(found.current.start)}"
        ),
    )


def longest_run_in_window(reading: Reading) -> Measurement:
    """The longest run of the first series over the second that overlaps the rule's
    `window` (runs reported whole, so a run that began before the window counts in full):
    did a run that long happen then ("a nine-session run in August 1990")?"""
    row = reading.row
    a, b = row.pair
    start, end = row.window
    closes = data.prices([a, b], end=reading.until(end))
    if closes.empty or closes.index[0] > pd.Timestamp(start):
        began = "no close" if closes.empty else f"{closes.index[0]:%Y-%m-%d}"
        raise DataError(
            f"claim {row.id}: {a} vs {b} starts after the window's start {start} (first "
            f"common close by {end}: {began})",
            "give this reading a source whose history covers the rule's window",
        )
    margin = streaks.return_margin(closes[a], closes[b])
    runs = streaks.runs_at_least(streaks.run_table(margin, a, b), 1, a, start, end)
    if runs.empty:
        raise DataError(
            f"claim {row.id}: {a} never beat {b} from {start} to {end}",
            "check the row's window and series against the data",
        )
    longest = runs.loc[runs["length"].idxmax()]
    return Measurement(
        int(longest["length"]),
        series=(a, b),
        details={
            "window": [start, end],
            "runs": len(runs),
            "run": {"start": _day(longest["start"]), "end": _day(longest["end"])},
        },
        evidence_sentence=f"the longest run of {a} over {b} touching {start} to {end} lasted "
        f"{int(longest['length'])} sessions ({_day(longest['start'])} to "
        f"{_day(longest['end'])}), among {len(runs)} runs",
    )


# ------------------------------------------------------------------ runs of months


@dataclass(frozen=True)
class MonthlyReading:
    a: str
    b: str
    margin: pd.Series  # monthly margin over the whole history
    months: pd.Series  # the margin inside the rule's window


def monthly_reading(reading: Reading) -> MonthlyReading:
    row = reading.row
    a, b = row.pair
    closes = data.prices([a, b], end=reading.data_end)
    margin = streaks.monthly_margin(closes[a], closes[b])
    start, end = row.window
    return MonthlyReading(a, b, margin, margin.loc[start:end])


def winning_months(reading: Reading) -> Measurement:
    """The months of the rule's `window` in which the first series' monthly price return
    beat the second's ("beat large caps in every month since ...")."""
    found = monthly_reading(reading)
    won = int((found.months > 0).sum())
    first, last = (f"{day:%Y-%m}" for day in found.months.index[[0, -1]])
    return Measurement(
        won,
        series=(found.a, found.b),
        details={"months": len(found.months)},
        evidence_sentence=f"{found.a} beat {found.b} in {won} of the {len(found.months)} "
        f"months {first} to {last}",
    )


def monthly_run_length(row: Row, months: int) -> int:
    """The run of winning months a "not seen in N years" row asks about, as its rule's
    `length_from` says: the `months` of its window, or the claim's own `length`."""
    if row.choice("length_from") == "window":
        return months
    return int(row.claimed["length"])


def years_since_monthly_run(reading: Reading) -> Measurement:
    """Years (months / 12) from the last month of the most recent earlier run of
    `monthly_run_length` winning months (ended before the window's first month) to the
    window's last month ("a monthly run like this was last seen N years ago"). With no such
    run in the data, the full span of the data: a lower bound, flagged in the details
    (`precedent` None, `lower_bound` True)."""
    found = monthly_reading(reading)
    length = monthly_run_length(reading.row, len(found.months))
    since = streaks.years_since_earlier_run(
        streaks.run_table(found.margin, found.a, found.b),
        found.months.index[0],
        found.months.index[-1],
        length,
        found.a,
        found.margin.index[0],
    )
    last = f"{found.months.index[-1]:%Y-%m}"
    if since["lower_bound"]:
        sentence = (
            f"no earlier run of {length}+ winning months of {found.a} over {found.b} since "
            f"the data begin ({since['since']:%Y-%m}): at least {since['years']:.2f} years "
            f"to {last}"
        )
    else:
        sentence = (
            f"the last earlier run of {length}+ winning months of {found.a} over {found.b} "
            f"ended {since['since']:%Y-%m}, {since['years']:.2f} years before {last}"
        )
    return Measurement(
        round(since["years"], 2),
        series=(found.a, found.b),
        details=since,
        evidence_sentence=sentence,
    )
