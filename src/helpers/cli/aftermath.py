"""Command `aftermath`: what followed every earlier run of at least N sessions in which one
series beat another, beside the base rates (`helpers.analysis.after_runs`).

Prints a table for people by default, JSON with `--json`.
"""

from __future__ import annotations

import argparse
import json
import math
import numbers
from typing import TYPE_CHECKING, Any

from helpers.cli.streaks import _add_pair_arguments, iso_date, pair_margin
from helpers.errors import DataError

if TYPE_CHECKING:  # pandas loads only when the command runs
    from helpers.analysis.after_runs import Aftermath

BASE_WINDOWS = (
    "base rates: every window of the same length, one from every session (overlapping), "
    "over the same common closes"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "aftermath",
        help="returns after every run of at least N sessions, beside base rates",
        description="For every ended run of --min-length sessions or more in which --a beat "
        "--b (close-to-close price returns, days both traded), both returns and their spread "
        "--horizons sessions after the run's last close, beside the same figures over every "
        "window of that length (one from every session, overlapping, same history).",
    )
    parser.add_argument("--min-length", type=int, required=True, help="sessions, e.g. 8")
    parser.add_argument(
        "--horizons",
        type=horizon_list,
        default="21,63,126,252",
        help="sessions after the run, comma-separated (default 21,63,126,252)",
    )
    parser.add_argument(
        "--before",
        type=iso_date,
        help="ISO date; only runs that ended before it (e.g. 2026-01-02: runs before 2026)",
    )
    parser.add_argument("--runs", action="store_true", help="also list each run's windows")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    _add_pair_arguments(parser)  # --a, --b as `streak` and `records` take them
    parser.set_defaults(func=run_aftermath)


def horizon_list(text: str) -> list[int]:
    """argparse type: "21,63" -> [21, 63]; anything else is a usage error naming the input."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of sessions like 21,63,126,252"
        ) from exc


def study(args: argparse.Namespace) -> Aftermath:
    """The study the arguments ask for, on closes from `helpers.data`."""
    from helpers import data
    from helpers.analysis import after_runs

    pair_margin(args.a, args.b)  # the same checks (two tickers, both loadable) as `streak`
    closes = data.prices([args.a, args.b])
    found = after_runs.after_runs(
        closes[args.a], closes[args.b], args.min_length, args.horizons, args.before
    )
    if found.runs.empty:
        when = f" that ended before {args.before.date()}" if args.before is not None else ""
        raise DataError(
            f"no run of {args.min_length}+ sessions in which {args.a} beat {args.b}{when} "
            f"(closes {found.first_close.date()}..{found.last_close.date()})",
            "pass a smaller --min-length or a later --before",
        )
    return found


def run_aftermath(args: argparse.Namespace) -> int:
    found = study(args)
    if args.json:
        print(json.dumps(as_json(found, args), indent=1))
    else:
        print(as_text(found, args))
    return 0


def _number(value: Any, decimals: int = 2) -> float | int | None:
    """A JSON number: missing as null, whole numbers (counts) as ints, others rounded."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    return round(float(value), decimals)


def _day(value: Any) -> str | None:
    """A date as ISO text; a missing one (a window past the data) as null."""
    import pandas as pd

    return None if pd.isna(value) else value.date().isoformat()


def as_json(found: Aftermath, args: argparse.Namespace) -> dict:
    """Everything the tables show, as plain JSON values."""
    summary = [
        {"horizon": int(horizon), **{key: _number(value) for key, value in row.items()}}
        for horizon, row in found.summary.to_dict("index").items()
    ]
    runs = [
        {
            "start": run.start.date().isoformat(),
            "end": run.end.date().isoformat(),
            "length": int(run.length),
            "sessions_since_previous": _number(run.sessions_since_previous),
        }
        for run in found.runs.itertuples(index=False)
    ]
    windows = [
        {
            "run_start": w.run_start.date().isoformat(),
            "run_end": w.run_end.date().isoformat(),
            "horizon": int(w.horizon),
            "window_end": _day(w.window_end),
            "return_a": _number(w.return_a, 4),
            "return_b": _number(w.return_b, 4),
            "spread_pp": _number(w.spread_pp, 4),
        }
        for w in found.windows.itertuples(index=False)
    ]
    return {
        "a": args.a,
        "b": args.b,
        "min_length": found.min_length,
        "horizons": list(found.horizons),
        "before": None if args.before is None else args.before.date().isoformat(),
        "closes": [found.first_close.date().isoformat(), found.last_close.date().isoformat()],
        "base_windows": BASE_WINDOWS,
        "summary": summary,
        "runs": runs,
        "windows": windows,
    }


def as_text(found: Aftermath, args: argparse.Namespace) -> str:
    """The summary per horizon (runs beside base rates), and with --runs each run's windows."""
    import pandas as pd

    from helpers.report.tables import cell

    a, b = args.a, args.b
    s = found.summary
    table = pd.DataFrame(
        {
            "sessions after": s.index,
            "runs": s["runs_count"].to_numpy(),
            f"{a} mean %": s["runs_mean_a"].to_numpy(),
            f"{b} mean %": s["runs_mean_b"].to_numpy(),
            f"{a} up %": s["runs_share_a_up_pct"].to_numpy(),
            f"beat {b} %": s["runs_share_a_beat_b_pct"].to_numpy(),
            "base windows": s["base_count"].to_numpy(),
            f"base {a} mean %": s["base_mean_a"].to_numpy(),
            f"base {a} up %": s["base_share_a_up_pct"].to_numpy(),
            f"base beat {b} %": s["base_share_a_beat_b_pct"].to_numpy(),
            "p vs base": s["p_beat_vs_base"].to_numpy(),
        }
    ).map(cell)
    before = f", ended before {args.before.date()}" if args.before is not None else ""
    lines = [
        f"Runs of {found.min_length}+ sessions in which {a} beat {b}{before}: "
        f"{len(found.runs)} (closes {found.first_close.date()}..{found.last_close.date()}).",
        "Returns are price returns from the run's last close; " + BASE_WINDOWS + ".",
        "",
        table.to_string(index=False),
    ]
    if args.runs:
        wide = found.windows.pivot(
            index=["run_start", "run_end", "length"],
            columns="horizon",
            values=["return_a", "spread_pp"],
        )
        wide.columns = [
            f"{a} +{h} %" if value == "return_a" else f"spread +{h} pp" for value, h in wide.columns
        ]
        lines += ["", "Each run (missing: the window passes the last close):", ""]
        lines.append(wide.reset_index().map(cell).to_string(index=False))
    return "\n".join(lines)
