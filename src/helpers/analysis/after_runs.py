"""What followed long runs: both series' returns, and their spread, a few horizons after every
run of at least N sessions in which A beat B, beside what any window of the same length gave.

Two articles say long small-cap runs have often led to longer rotations. Whether that is so
depends on what one compares with: A may rise after most runs simply because it rises in most
windows. So every figure for the runs comes with its base rate, computed the same way over the
same history.

Conventions (pure functions: closes in, frames out):
- Runs are `helpers.analysis.streaks` runs of the pair's close-to-close price returns on the
  days both series traded. A run counts once it has ended: the run still going at the last
  outcome day is left out, and `before` keeps only runs that ended strictly before a date (the
  earlier runs, when the run being described began on it).
- A window after a run starts at the close of the run's last session and ends `horizon`
  sessions later on the pair's common calendar; returns are price returns in percent, the
  spread is A's minus B's in percentage points. A window that passes the last close is missing
  (NaN), never shortened, and a horizon's run figures use only complete windows.
- Base windows: one from every common session whose window of `horizon` sessions ends inside
  the data (every session start, overlapping windows), over the same closes the runs come from.
- Runs close together share much of their windows; `sessions_since_previous` says how close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.analysis import streaks
from helpers.errors import ValidationError

# 1, 3, 6 and 12 months of sessions.
HORIZONS = (21, 63, 126, 252)
WINDOW_COLUMNS = ["window_end", "return_a", "return_b", "spread_pp"]
RUN_COLUMNS = ["start", "end", "length", "sessions_since_previous"]
# What `summarize` gives for a set of windows, in this order.
STATISTICS = [
    "count",
    "a_up",
    "a_beat_b",
    "mean_a",
    "median_a",
    "mean_b",
    "mean_spread_pp",
    "share_a_up_pct",
    "share_a_beat_b_pct",
]


@dataclass(frozen=True)
class Aftermath:
    """The study for one minimum run length.

    `runs`: one row per qualifying run (start, end, length, sessions_since_previous);
    `windows`: one row per run and horizon (run_end, horizon, window_end, return_a, return_b,
    spread_pp; NaN past the data); `summary`: one row per horizon, the run figures
    (`runs_*`) beside the base rates (`base_*`), see `summarize`.
    """

    min_length: int
    horizons: tuple[int, ...]
    first_close: pd.Timestamp
    last_close: pd.Timestamp
    runs: pd.DataFrame
    windows: pd.DataFrame
    summary: pd.DataFrame


def check_parameters(min_length: int, horizons: Sequence[int], sessions: int) -> tuple[int, ...]:
    """The horizons as a sorted tuple, once the run length and every horizon are whole numbers
    of sessions the data can hold (`sessions` common closes)."""
    if not _is_sessions(min_length):
        raise ValidationError(
            f"a minimum run length of {min_length!r} is not a number of sessions",
            "pass a whole number of 1 or more, e.g. 8",
        )
    if not horizons:
        raise ValidationError("no horizons to measure", "pass horizons such as 21,63,126,252")
    bad = [h for h in horizons if not _is_sessions(h)]
    if bad:
        raise ValidationError(
            f"horizon(s) {bad} are not numbers of sessions",
            "pass whole numbers of sessions of 1 or more, e.g. 21,63,126,252",
        )
    too_long = [h for h in horizons if h >= sessions]
    if too_long:
        raise ValidationError(
            f"horizon(s) {too_long} are as long as the data ({sessions} common closes)",
            "pass shorter horizons, or series with a longer common history",
        )
    return tuple(sorted({int(h) for h in horizons}))


def _is_sessions(value: object) -> bool:
    """A whole number of sessions, 1 or more (a bool is not one)."""
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    return whole and int(value) >= 1  # type: ignore[call-overload]


def common_closes(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Closes of A (column "a") and B (column "b") on the days both have one: the calendar
    runs and windows are counted on, so both returns always span the same two closes."""
    closes = pd.concat({"a": a.dropna(), "b": b.dropna()}, axis=1, join="inner")
    return closes.sort_index()


def forward_returns(closes: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """For every session with a close `horizon` sessions later: that close's date
    (window_end), both returns in percent and A's minus B's in pp, indexed by the start."""
    later = closes.shift(-horizon)
    ends = pd.Series(closes.index, index=closes.index).shift(-horizon)
    change = (later / closes - 1.0) * 100.0
    table = pd.DataFrame(
        {
            "window_end": ends,
            "return_a": change["a"],
            "return_b": change["b"],
            "spread_pp": change["a"] - change["b"],
        }
    )
    return table.dropna(subset=["return_a", "return_b"])


def ended_runs(
    closes: pd.DataFrame, min_length: int, before: str | pd.Timestamp | None = None
) -> pd.DataFrame:
    """Runs of at least `min_length` sessions in which A beat B that had ended by the last
    outcome day (and, with `before`, ended strictly before it), oldest first, with the
    sessions from the previous such run's last session to this one's
    (`sessions_since_previous`; missing for the first)."""
    margin = streaks.return_margin(closes["a"], closes["b"])
    runs = streaks.runs_at_least(streaks.run_table(margin, "a", "b"), min_length, "a")
    runs = runs.loc[runs["end"] < margin.index[-1]]
    if before is not None:
        runs = runs.loc[runs["end"] < pd.Timestamp(before)]
    position = pd.Series(closes.index.get_indexer(runs["end"]), index=runs.index)
    return runs.assign(sessions_since_previous=position.diff())[RUN_COLUMNS].reset_index(drop=True)


def run_windows(closes: pd.DataFrame, runs: pd.DataFrame, horizons: Sequence[int]) -> pd.DataFrame:
    """One row per run and horizon: the window from the run's last close to the close
    `horizon` sessions later, both returns and the spread (NaN when it passes the data)."""
    frames = []
    for horizon in horizons:
        after = forward_returns(closes, horizon).reindex(runs["end"])
        frames.append(
            after.reset_index(drop=True).assign(
                run_start=runs["start"].to_numpy(),
                run_end=runs["end"].to_numpy(),
                length=runs["length"].to_numpy(),
                horizon=horizon,
            )
        )
    columns = ["run_start", "run_end", "length", "horizon", *WINDOW_COLUMNS]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def summarize(windows: pd.DataFrame) -> dict[str, float]:
    """Count of complete windows, how many in which A rose and in which A beat B (strictly: a
    tie is neither), the mean and median of A's return, the mean of B's and of the spread,
    and the two counts as percents of the windows."""
    full = windows.dropna(subset=["return_a", "return_b"])
    if full.empty:
        return {"count": 0, "a_up": 0, "a_beat_b": 0}
    return {
        "count": len(full),
        "a_up": int((full["return_a"] > 0).sum()),
        "a_beat_b": int((full["spread_pp"] > 0).sum()),
        "mean_a": float(full["return_a"].mean()),
        "median_a": float(full["return_a"].median()),
        "mean_b": float(full["return_b"].mean()),
        "mean_spread_pp": float(full["spread_pp"].mean()),
        "share_a_up_pct": float((full["return_a"] > 0).mean() * 100.0),
        "share_a_beat_b_pct": float((full["spread_pp"] > 0).mean() * 100.0),
    }


def beat_vs_base_p(wins: int, count: int, base_share_pct: float) -> float:
    """Exact two-sided binomial p-value of `wins` of `count` runs followed by A beating B,
    against the base rate's share: how surprising the runs' share is if they were ordinary
    windows. Windows of runs close together are not independent, so this flatters them."""
    from scipy.stats import binomtest

    if count == 0:
        return float("nan")
    return float(binomtest(wins, count, base_share_pct / 100.0).pvalue)


def after_runs(
    a: pd.Series,
    b: pd.Series,
    min_length: int,
    horizons: Sequence[int] = HORIZONS,
    before: str | pd.Timestamp | None = None,
) -> Aftermath:
    """The study: every ended run of `min_length`+ sessions in which A beat B (ended before
    `before`, if given), both returns and their spread `horizons` sessions after each, and
    the base rates of every window of each length over the same closes."""
    closes = common_closes(a, b)
    horizons = check_parameters(min_length, horizons, len(closes))
    runs = ended_runs(closes, min_length, before)
    windows = run_windows(closes, runs, horizons)
    rows = {}
    for horizon in horizons:
        ours = summarize(windows.loc[windows["horizon"] == horizon])
        base = summarize(forward_returns(closes, horizon))
        rows[horizon] = {
            **{f"runs_{name}": ours.get(name, float("nan")) for name in STATISTICS},
            **{f"base_{name}": base.get(name, float("nan")) for name in STATISTICS},
            "p_beat_vs_base": beat_vs_base_p(
                int(ours["a_beat_b"]), int(ours["count"]), base["share_a_beat_b_pct"]
            ),
        }
    summary = pd.DataFrame.from_dict(rows, orient="index").rename_axis("horizon")
    return Aftermath(
        min_length=int(min_length),
        horizons=horizons,
        first_close=closes.index[0],
        last_close=closes.index[-1],
        runs=runs,
        windows=windows,
        summary=summary,
    )
