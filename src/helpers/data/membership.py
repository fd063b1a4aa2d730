"""S&P 500 membership before the interval file begins, rebuilt from a dated member list and the
change log: who was in the index on a day the derived interval file does not cover.

The snapshot's interval file starts on 2025-09-01, but the member prices start on 2025-02-28,
so a breadth reading "the broadest in the data" would compare with only four months. A
member list dated 2025-08-12 and a change log (one line per effective date: the tickers added
and removed that day) rebuild every earlier day exactly as far back as the log is complete:
undo each change dated after the day and on or before the list's date (drop what it added,
restore what it removed), and apply each change after the list's date up to the day.

Conventions: a change dated D is in force on D (the added ticker is a member on D); the
list's date counts as after every change dated on or before it. Pure functions; the files are
read by `helpers.data.series.sp500_members`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from helpers.errors import DateRangeError, ValidationError


@dataclass(frozen=True)
class Change:
    """One line of the change log: the tickers added and removed on `date`."""

    date: pd.Timestamp
    added: tuple[str, ...]
    removed: tuple[str, ...]


def _tickers(cell: object) -> tuple[str, ...]:
    """'DECK,SMCI' -> ('DECK', 'SMCI'); a blank cell -> ()."""
    if cell is None or pd.isna(cell):
        return ()
    return tuple(t.strip() for t in str(cell).split(",") if t.strip())


def parse_change_log(table: pd.DataFrame, name: str = "change log") -> list[Change]:
    """The change log (columns date, add, remove; several tickers comma-separated) as
    `Change`s, oldest first; a bad date or a line that changes nothing is an error."""
    missing = {"date", "add", "remove"} - set(table.columns)
    if missing:
        raise ValidationError(
            f"{name}: no column(s) {sorted(missing)} (has {list(table.columns)})",
            "restore the change-log file from the snapshot",
        )
    dates = pd.to_datetime(table["date"], format="%Y-%m-%d", errors="coerce")
    changes = [
        Change(day, _tickers(add), _tickers(remove))
        for day, add, remove in zip(dates, table["add"], table["remove"], strict=True)
    ]
    bad = [i for i, c in enumerate(changes) if pd.isna(c.date) or not (c.added or c.removed)]
    if bad:
        raise ValidationError(
            f"{name}: line {bad[0] + 2} has no date like 2025-08-28 or changes nothing",
            "restore the change-log file from the snapshot",
        )
    return sorted(changes, key=lambda c: c.date)


def members_on(
    day: str | pd.Timestamp,
    listed: Iterable[str],
    listed_on: str | pd.Timestamp,
    changes: list[Change],
) -> list[str]:
    """The members on `day`, rebuilt from the members `listed` on `listed_on` and the change
    log: changes dated after `day` up to `listed_on` undone, changes after `listed_on` up to
    `day` applied. A day before the log's first change cannot be rebuilt (DateRangeError)."""
    day, listed_on = pd.Timestamp(day), pd.Timestamp(listed_on)
    if not changes or day < changes[0].date:
        first = f"{changes[0].date:%Y-%m-%d}" if changes else "nothing"
        raise DateRangeError(
            f"S&P 500 membership can be rebuilt back to {first}, not {day:%Y-%m-%d}",
            "ask for a later date",
        )
    members = set(listed)
    for change in reversed(changes):  # undo, newest first
        if day < change.date <= listed_on:
            members = (members - set(change.added)) | set(change.removed)
    for change in changes:  # apply, oldest first
        if listed_on < change.date <= day:
            members = (members - set(change.removed)) | set(change.added)
    return sorted(members)
