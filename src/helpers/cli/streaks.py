"""Commands `streak` and `records`: the streak functions over prices from `helpers.data`.

Both print a table for people, or JSON with `--json` (for scripts). A date that is not a
trading day is read as the last trading day on or before it (the close in force then), and the
output says which day was used ("as_of_used").
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from helpers.errors import DateRangeError, ValidationError

if TYPE_CHECKING:  # pandas loads only when a streak command runs, so other commands start fast
    import pandas as pd

DEFAULT_A = "^RUT"
DEFAULT_B = "^GSPC"
ANY_LEADER = "any"


def register(subparsers: argparse._SubParsersAction) -> None:
    streak = subparsers.add_parser(
        "streak",
        help="the streak in force on a date: who has beaten whom, for how many sessions",
        description="Print the streak in force at the close of --as-of: who leads, for how many "
        'sessions, since when (--json: {"as_of", "as_of_used", "leader", "length", "start"}). '
        "A non-trading date is read as the last trading day on or before it.",
    )
    streak.add_argument("--as-of", required=True, type=iso_date, help="ISO date, e.g. 2026-01-15")
    _add_pair_arguments(streak)
    _add_json_argument(streak)
    streak.set_defaults(func=run_streak)

    records = subparsers.add_parser(
        "records",
        help="every run of at least N sessions, oldest first",
        description="Print a table of every run of --min-length sessions or more that overlaps "
        '[--start, --end] (runs reported whole; --json: a list of {"start", "end", "length", '
        '"leader"}).',
    )
    records.add_argument("--min-length", type=int, required=True, help="sessions, e.g. 7")
    records.add_argument(
        "--leader", default=ANY_LEADER, help="the --a or --b ticker, or 'any' (default)"
    )
    records.add_argument(
        "--start", type=iso_date, help="ISO date; runs ending before it are left out"
    )
    records.add_argument(
        "--end", type=iso_date, help="ISO date; runs starting after it are left out"
    )
    _add_pair_arguments(records)
    _add_json_argument(records)
    records.set_defaults(func=run_records)


def _add_pair_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--a", default=DEFAULT_A, help=f"series A (default {DEFAULT_A})")
    parser.add_argument("--b", default=DEFAULT_B, help=f"series B (default {DEFAULT_B})")


def _add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print JSON for scripts instead of a table"
    )


def iso_date(text: str) -> pd.Timestamp:
    """argparse type: a real day written YYYY-MM-DD, so a typo (or '2026', or '') is a usage
    error rather than a guess or a traceback."""
    import pandas as pd

    from helpers.claims.schema import is_day

    if not is_day(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-15")
    return pd.Timestamp(text)


def price_series(option: str, key: str) -> None:
    """The pair commands compare daily closes: a FRED or French key (or a table) is refused by
    name, not by a KeyError deep in the frame."""
    from helpers.data.keys import kind_of

    kind = kind_of(key)
    if kind != "yahoo":
        raise ValidationError(
            f"{option} {key} is a {KIND_NAMES.get(kind, kind)}, not a price series with closes",
            "pass a Yahoo ticker of the data, e.g. --a ^RUT --b ^GSPC (python -m helpers "
            "vintage list shows them)",
        )


KIND_NAMES = {"fred": "FRED series", "french": "Ken French file", "file": "table"}


def check_window_overlaps(
    index: pd.DatetimeIndex, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> None:
    """A window that misses the data entirely is a mistake, not an empty answer."""
    if (start is not None and start > index[-1]) or (end is not None and end < index[0]):
        window = f"{start.date() if start else '...'}..{end.date() if end else '...'}"
        raise DateRangeError(
            f"the window {window} misses the outcome days {index[0].date()}..{index[-1].date()}",
            "pick --start/--end inside the data",
        )


def pair_margin(a: str, b: str) -> pd.Series:
    """A's daily return minus B's over the whole common history of the two series."""
    from helpers import data
    from helpers.analysis import streaks

    if a == b:
        raise ValidationError(
            f"--a and --b are both {a}; a series cannot beat itself",
            "pass two different tickers, e.g. --a ^RUT --b ^GSPC",
        )
    price_series("--a", a)
    price_series("--b", b)
    closes = data.prices([a, b])
    return streaks.return_margin(closes[a], closes[b])


def run_streak(args: argparse.Namespace) -> int:
    from helpers.analysis import streaks

    margin = pair_margin(args.a, args.b)
    streak = streaks.streak_on(margin, args.as_of, args.a, args.b).to_dict()
    print(json.dumps(streak) if args.json else streak_table(streak, args.a, args.b))
    return 0


def streak_table(streak: dict, a: str, b: str) -> str:
    """The streak as labelled lines: who leads, for how long, since when, on which close."""
    trailer = b if streak["leader"] == a else a
    close = streak["as_of_used"]
    if close != streak["as_of"]:
        close += f" (the last close on or before {streak['as_of']})"
    rows = [
        ("close", close),
        ("leader", f"{streak['leader']} (beat {trailer})"),
        ("sessions", str(streak["length"])),
        ("since", streak["start"]),
    ]
    return "\n".join(f"{label:<9} {value}" for label, value in rows)


def run_records(args: argparse.Namespace) -> int:
    from helpers.analysis import streaks

    if args.leader not in (args.a, args.b, ANY_LEADER):
        raise ValidationError(
            f"--leader {args.leader} is neither --a ({args.a}) nor --b ({args.b})",
            f"use --leader {args.a}, --leader {args.b} or --leader {ANY_LEADER}",
        )
    if args.min_length < 1:
        raise ValidationError(
            f"--min-length {args.min_length} is not a number of sessions",
            "pass a whole number of 1 or more",
        )
    if args.start is not None and args.end is not None and args.start > args.end:
        raise DateRangeError(
            f"--start {args.start:%Y-%m-%d} is after --end {args.end:%Y-%m-%d}",
            "pass a --start on or before --end",
        )
    margin = pair_margin(args.a, args.b)
    check_window_overlaps(margin.index, args.start, args.end)
    runs = streaks.run_table(margin, args.a, args.b)
    leader = None if args.leader == ANY_LEADER else args.leader
    found = streaks.runs_at_least(runs, args.min_length, leader, args.start, args.end)
    rows = [
        {
            "start": run.start.date().isoformat(),
            "end": run.end.date().isoformat(),
            "length": int(run.length),
            "leader": run.leader,
        }
        for run in found.itertuples(index=False)
    ]
    print(json.dumps(rows, indent=1) if args.json else records_table(rows, args.min_length))
    return 0


def records_table(rows: list[dict], min_length: int) -> str:
    """The runs as aligned columns, oldest first, under a line saying how many there are."""
    import pandas as pd

    if not rows:
        return f"no run of {min_length} sessions or more"
    found = f"{len(rows)} run{'s' if len(rows) > 1 else ''} of {min_length} sessions or more:"
    table = pd.DataFrame(rows).rename(columns={"length": "sessions"})
    return f"{found}\n{table.to_string(index=False)}"
