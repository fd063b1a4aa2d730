"""Measures of returns to a date: year-to-date and run-window changes, a spread over a fixed
window, highs and records, how a start ranks among earlier years, the fastest short gain,
the first back-to-back losses, and the RSI. Each reads the series its row names, from the
file its `etf_file` choice says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from helpers import data
from helpers.analysis import returns, streaks, ytd
from helpers.analysis.measurement import Measurement
from helpers.errors import DataError, ValidationError
from helpers.measures.reading import Reading, series_label

__all__ = [
    "change_over_window",
    "change_to_date",
    "first_back_to_back_losses",
    "highest_close_this_year",
    "largest_gain_into_date",
    "new_high_in_sessions",
    "new_high_this_year",
    "rsi_at_date",
    "start_of_year_spread_rank",
    "years_since_as_good_start",
]

# Where the ledger's adjusted ETF closes come from (one download, one adjustment date).
BENCHMARKS_FOLDER = "sp500/benchmarks"
# Which file an ETF name in a rule's `series` is read from (the rule's `etf_file`): the
# Yahoo file of that key, or the sp500/benchmarks adjusted closes of one download.
ETF_FILES = ("yahoo", "sp500_benchmarks")
# The pair whose run a `base: run_start` window starts before.
RUN_PAIR = ("^RUT", "^GSPC")


def _day(stamp: pd.Timestamp) -> str:
    return str(stamp.date().isoformat())


# ------------------------------------------------------------------ reading the files


def etf_adjusted_closes(tickers: list[str]) -> pd.DataFrame:
    """Dividend-adjusted closes of ETFs, all from one file set so they share an adjustment
    date: the snapshot's sp500/benchmarks files when present (the ledger's basis), else
    Yahoo's Adj Close (live mode, where those files do not exist)."""
    paths = {t: f"file:{BENCHMARKS_FOLDER}/{t}.csv" for t in tickers}
    if all(map(data.has_series, paths.values())):
        columns = {
            t: ytd.dated_column(data.snapshot_table(key.removeprefix("file:")), "Adj Close", t)
            for t, key in paths.items()
        }
        return pd.concat(columns, axis=1, join="inner").rename_axis("Date")
    return data.prices(list(tickers), field="Adj Close")


def source_key(name: str, etf_file: str = "yahoo") -> str:
    """The data-layer key a rule's series name reads: a Yahoo key as it is (``^RUT``,
    ``^RUT.alt``, ``IWM.alt2``), or, under ``etf_file: sp500_benchmarks``, an ETF's
    benchmark file (``file:sp500/benchmarks/RSP.csv``); index names (``^``) stay Yahoo's."""
    if etf_file not in ETF_FILES:
        raise ValidationError(
            f"etf_file {etf_file!r} is not one of {ETF_FILES}", "fix the row's `etf_file:`"
        )
    if etf_file == "sp500_benchmarks" and not name.startswith("^"):
        return f"file:{BENCHMARKS_FOLDER}/{name}.csv"
    return name


def source_closes(key: str) -> tuple[str, pd.Series]:
    """The closes behind one data-layer key, and the key actually read: a benchmark file's
    Adj Close (live mode, which has no such file: Yahoo's Adj Close of the ticker, cited as
    that ticker), else the key's Close."""
    if key.startswith("file:"):
        ticker = key.removeprefix(f"file:{BENCHMARKS_FOLDER}/").removesuffix(".csv")
        if data.has_series(key):
            table = data.snapshot_table(key.removeprefix("file:"))
            return key, ytd.dated_column(table, "Adj Close", ticker)
        return ticker, data.prices(ticker, field="Adj Close")[ticker].dropna()
    return key, data.prices(key)[key].dropna()


Closes = Callable[[str], tuple[str, pd.Series]]


def read_series(
    reading: Reading, closes: Closes = source_closes
) -> tuple[list[pd.Series], tuple[str, ...]]:
    """The closes of the row's `series` (in the row's order) and the data keys they came
    from, under the row's `etf_file` choice."""
    row = reading.row
    etf_file = row.choice("etf_file")
    read = [closes(source_key(name, etf_file)) for name in row.series]
    if not read:
        raise ValidationError(
            f"claim {row.id}: its rule names no `series`", "list the series it measures"
        )
    return [series for _, series in read], tuple(key for key, _ in read)


def _what(keys: tuple[str, ...]) -> str:
    first = series_label(keys[0])
    return first if len(keys) == 1 else f"{first} minus {series_label(keys[1])}"


def _unit(keys: tuple[str, ...]) -> str:
    return "%" if len(keys) == 1 else "pp"


# ------------------------------------------------------------------ changes


def change_to_date(reading: Reading) -> Measurement:
    """The percent change of the row's `series` (one, or the first minus the second in pp)
    from the rule's `base` to the claim's date: `year_end` (the default) from the prior
    year's last close; `run_start` from the session before the first session of the ^RUT
    over ^GSPC run in force on the claim's date (whose files are cited too)."""
    row = reading.row
    base = row.choice("base")
    series, keys = read_series(reading)
    year_end = returns.year_end_before(row.as_of)
    ytd_change = ytd.change_pct(series, year_end, row.as_of)
    details: dict[str, object] = {
        "base": base,
        "series_read": list(keys),
        "ytd": round(ytd_change, 3),
    }
    what = f"{_what(keys)} {'changed' if len(keys) == 1 else 'came to'}"
    if base == "year_end":
        details["base_close"] = _day(year_end)
        return Measurement(
            ytd_change,
            series=keys,
            details=details,
            evidence_sentence=f"{what} {ytd_change:+.2f} {_unit(keys)} from the "
            f"{_day(year_end)} close to the {row.as_of} close",
        )
    closes = data.prices(list(RUN_PAIR), end=reading.data_end)
    margin = streaks.return_margin(closes[RUN_PAIR[0]], closes[RUN_PAIR[1]])
    run = streaks.streak_on(margin, row.as_of, *RUN_PAIR)
    start = ytd.previous_session(margin.index, run.start)
    over_run = ytd.change_pct(series, start, row.as_of)
    details |= {"base_close": _day(start), "over_run": round(over_run, 3), "run": run.to_dict()}
    margin_keys = tuple(key for key in RUN_PAIR if key not in keys)
    return Measurement(
        over_run,
        series=keys + margin_keys,
        details=details,
        evidence_sentence=f"{what} {over_run:+.2f} {_unit(keys)} from the {_day(start)} close, "
        f"before the run that began {_day(run.start)}, to the {row.as_of} close",
    )


def change_over_window(reading: Reading) -> Measurement:
    """The percent change of the row's `series` (one, or the first minus the second in pp)
    over the rule's fixed `window`, close to close."""
    start, end = reading.row.window
    series, keys = read_series(reading)
    value = ytd.change_pct(series, start, end)
    return Measurement(
        value,
        series=keys,
        details={"start": start, "end": end},
        evidence_sentence=f"{_what(keys)} came to {value:+.2f} {_unit(keys)} from the "
        f"{start} close to the {end} close",
    )


# ------------------------------------------------------------------ highs and records


def highest_close_this_year(reading: Reading) -> Measurement:
    """The highest close of the row's one `series` from the first day of the claim's year to
    its date ("above 2,650")."""
    row = reading.row
    (prices,), keys = read_series(reading)
    day, high = ytd.highest_close(prices, f"{pd.Timestamp(row.as_of).year}-01-01", row.as_of)
    return Measurement(
        high,
        series=keys,
        details={"series": keys[0], "date": day},
        evidence_sentence=f"the highest {series_label(keys[0])} close of {row.as_of[:4]} to "
        f"{row.as_of} was "
        f"{high:,.2f}, on {_day(day)}",
    )


def _closes(reading: Reading) -> pd.Series:
    """The closes of the row's one series up to the notebook's data end."""
    (key,) = reading.row.series
    return data.prices(key, end=reading.data_end)[key].dropna()


def new_high_this_year(reading: Reading) -> Measurement:
    """Did any close of the claim's year, up to its date, beat every close before it (an
    all-time high)? Details give the earlier high; the highs found are listed."""
    row = reading.row
    prices = _closes(reading)
    highs = ytd.new_highs(prices, f"{pd.Timestamp(row.as_of).year}-01-01", row.as_of)
    before = prices.loc[: returns.year_end_before(row.as_of)]
    details = {
        "earlier_high": round(before.max(), 2),
        "earlier_high_date": before.idxmax(),
        "new_highs": highs.round(2).to_dict(),
    }
    if highs.empty:
        sentence = f"no close of {row.as_of[:4]} to {row.as_of} beat the earlier high of "
        sentence += f"{before.max():,.2f} ({_day(before.idxmax())})"
    else:
        sentence = f"{len(highs)} closes from {_day(highs.index[0])} to {row.as_of} set "
        sentence += f"all-time highs, the first above the {before.max():,.2f} of "
        sentence += _day(before.idxmax())
    return Measurement(
        not highs.empty, series=row.series, details=details, evidence_sentence=sentence
    )


def new_high_in_sessions(reading: Reading) -> Measurement:
    """Did a record close (above every earlier close) fall in the rule's `sessions` ending
    at the claim's date ("at or near a record")?"""
    row = reading.row
    prices = _closes(reading)
    sessions = row.number("sessions")
    start = ytd.window_first_session(prices.index, row.as_of, sessions)
    highs = ytd.new_highs(prices, start, row.as_of)
    found = (
        f"record closes on {', '.join(_day(day) for day in highs.index)}"
        if len(highs)
        else "no record close"
    )
    return Measurement(
        not highs.empty,
        series=row.series,
        details={
            "window_start": start,
            "sessions": sessions,
            "new_highs": highs.round(2).to_dict(),
        },
        evidence_sentence=f"{found} in the {sessions} sessions {_day(start)} to {row.as_of}",
    )


# ------------------------------------------------------------------ starts and short windows


def _starts(by_year: pd.Series, sessions: int) -> dict[str, Any]:
    """What a ranking of starts reports: the sessions compared, the best eight years and
    every year's figure (the notebook charts them)."""
    best = by_year.sort_values(ascending=False).head(8).round(2)
    return {"sessions": sessions, "top": best.to_dict(), "by_year": by_year.to_dict()}


def start_of_year_spread_rank(reading: Reading) -> Measurement:
    """The rank (1 = best) of this year's start, over as many first sessions as the year has
    to the claim's date, among the same sessions of every year from the rule's `first_year`:
    the first series' lead over the second when the rule names two, else the one series'
    own return ("a record-breaking start")."""
    row = reading.row
    keys = row.series
    closes = [data.prices(k, end=reading.data_end)[k].dropna() for k in keys]
    year = pd.Timestamp(row.as_of).year
    calendar = streaks.return_margin(*closes).index if len(keys) > 1 else closes[0].index
    sessions = ytd.sessions_to_date(calendar, row.as_of)
    first_year = row.number("first_year")
    if len(keys) > 1:
        by_year = ytd.start_of_year_spreads(closes[0], closes[1], sessions, first_year, year)
        figure = f"{keys[0]} led {keys[1]} by {by_year[year]:+.2f} pp"
    else:
        by_year = ytd.start_of_year_returns(closes[0], sessions, first_year, year)
        figure = f"{keys[0]} returned {by_year[year]:+.2f} %"
    rank = ytd.rank_of(by_year, year)
    return Measurement(
        rank,
        series=row.series,
        details=_starts(by_year, sessions),
        evidence_sentence=f"{figure} over the first {sessions} sessions of {year}: rank {rank} "
        f"of {len(by_year)} years since {by_year.index[0]}",
    )


def years_since_as_good_start(reading: Reading) -> Measurement:
    """Years since a start of the year as good as this one: the row's one series' return over
    this year's first sessions (to the claim's date) against the same sessions of every year
    from the rule's `first_year` (`ytd.years_since_as_good`)."""
    row = reading.row
    prices = _closes(reading)
    year = pd.Timestamp(row.as_of).year
    sessions = ytd.sessions_to_date(prices.index, row.as_of)
    by_year = ytd.start_of_year_returns(prices, sessions, row.number("first_year"), year)
    years = ytd.years_since_as_good(by_year, year)
    earlier = by_year.loc[(by_year.index < year) & (by_year >= by_year[year])]
    last = earlier.index.max() if len(earlier) else None
    since = f"{last} ({earlier.loc[last]:+.2f} %)" if last is not None else "no earlier year"
    return Measurement(
        years,
        series=row.series,
        details=_starts(by_year, sessions),
        evidence_sentence=f"{row.series[0]} rose {by_year[year]:+.2f} % over the first "
        f"{sessions} sessions of {year}; the last start as good: {since}",
    )


def largest_gain_into_date(reading: Reading) -> Measurement:
    """The largest return (percent) into the close at the claim's date from any of the rule's
    `sessions` closes before it: the most favourable base ("nearly 15 % in under three
    weeks")."""
    row = reading.row
    lookback = row.number("sessions")
    gain, base_day = ytd.largest_gain_into(_closes(reading), row.as_of, lookback)
    return Measurement(
        gain,
        series=row.series,
        details={"base_close_date": base_day, "lookback_sessions": lookback},
        evidence_sentence=f"{row.series[0]} rose {gain:.2f} % from its {_day(base_day)} close, "
        f"the lowest of the {lookback} before {row.as_of}, to the {row.as_of} close",
    )


def first_back_to_back_losses(reading: Reading) -> Measurement:
    """The second session of the first two back-to-back down closes of the row's one series
    dated in the claim's year, from the file its `etf_file` choice says; details give the
    series' daily changes of the year to the claim's date (the near misses a reader checks)."""
    row = reading.row
    year = pd.Timestamp(row.as_of).year
    (closes,), (key,) = read_series(reading)
    closes = closes.loc[: reading.data_end] if reading.data_end else closes
    day = ytd.first_loss_pair_end(closes, year)
    if day is None:
        raise DataError(
            f"claim {row.id}: {key} has no two back-to-back down closes in {year}",
            "check the row's series and date against the data",
        )
    changes = (closes.pct_change() * 100).loc[str(year)].round(4)
    before = changes.index[changes.index.get_loc(day) - 1]
    shown = changes.loc[: max(day, pd.Timestamp(row.as_of))]
    return Measurement(
        _day(day),
        series=(key,),
        details={"year": year, "daily_change_pct": {_day(d): v for d, v in shown.items()}},
        evidence_sentence=f"{series_label(key)} first closed down two sessions in a row in "
        f"{year} on "
        f"{_day(before)} ({changes.loc[before]:+.2f} %) and {_day(day)} "
        f"({changes.loc[day]:+.2f} %)",
        measured_label=f"the second session of the first two back-to-back losses of {year}",
    )


# ------------------------------------------------------------------ overbought


def rsi_at_date(reading: Reading) -> Measurement:
    """The RSI of the row's one series over the rule's `sessions`, by its `method`, at the
    claim's date ("entering overbought territory"); with `highest_within`, the highest close
    RSI of that many sessions ending at the claim's date (the zone entered during the week)."""
    row = reading.row
    (name,) = row.series
    _, closes = source_closes(name)
    method = row.choice("method")
    values = ytd.rsi(closes.loc[: row.as_of], row.number("sessions"), method).dropna()
    span = row.number("highest_within") if "highest_within" in row.rule else 1
    window = values.iloc[-span:]
    day = window.idxmax()
    value = round(float(window.loc[day]), 2)
    where = f"at the {_day(day)} close"
    if span > 1:
        where = f"at its highest of the {span} sessions to {_day(values.index[-1])}, on {_day(day)}"
    return Measurement(
        value,
        series=(name,),
        details={
            "session": _day(day),
            "method": method,
            "last_5": {_day(d): round(float(v), 2) for d, v in values.iloc[-5:].items()},
        },
        evidence_sentence=f"the {row.number('sessions')}-session RSI of {name} "
        f"({RSI_METHOD_WORDS[method]}) was {value} {where}",
    )


# An RSI `method` in a reader's words.
RSI_METHOD_WORDS = {"wilder_rsi": "Wilder's smoothing", "sma_rsi": "simple averages"}
