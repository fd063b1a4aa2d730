"""The series the notebooks read, by what they are: prices, FRED, French, FOMC, S&P 500 members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.data import membership, quality
from helpers.data.keys import (
    CORE_SERIES,
    FOMC,
    OHLCV_COLUMNS,
    SHILLER_MONTHLY,
    SP500_CHANGE_LOG,
    SP500_HOLDINGS,
    SP500_MEMBER_LIST,
    SP500_MEMBERS,
    SP500_PRICES,
    SP500_SECTORS,
    kind_of,
    name_of,
)
from helpers.data.parsers import date_in_name, membership_window, panel_field, shiller_months
from helpers.data.store import EDGE_SLACK, entry, has_series, load
from helpers.errors import (
    DataError,
    DateRangeError,
    ValidationError,
)

# The market calendar is the S&P 500's trading days (^GSPC's closes), where the small-vs-large
# comparisons have both series.
CALENDAR_SERIES = ("^RUT", "^GSPC")


def _as_timestamp(value: str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def _day(value: pd.Timestamp | None) -> str:
    return "..." if value is None else f"{value:%Y-%m-%d}"


def _check_range(series: str, index: pd.Index, start, end) -> None:
    """Raise when the requested window reaches outside what the series covers."""
    first, last = index[0], index[-1]
    too_early = any(d is not None and d < first - EDGE_SLACK for d in (start, end))
    too_late = any(d is not None and d > last + EDGE_SLACK for d in (start, end))
    backwards = start is not None and end is not None and start > end
    if too_early or too_late or backwards:
        raise DateRangeError(
            f"{series} covers {first:%Y-%m-%d}..{last:%Y-%m-%d}; "
            f"the window {_day(start)}..{_day(end)} is not inside it",
            "ask for dates inside the coverage, or pick a series that covers the window",
        )


def _window(frame: pd.DataFrame | pd.Series, start, end):
    return frame.loc[start:end]


def ohlcv(ticker: str, start=None, end=None, source: str | None = None) -> pd.DataFrame:
    """All columns of one price series (Open, High, Low, Close, Adj Close, Volume)."""
    start, end = _as_timestamp(start), _as_timestamp(end)
    frame = load(ticker, source=source)
    _check_range(ticker, frame.index, start, end)
    return _window(frame, start, end)


def prices(
    tickers: str | list[str],
    start=None,
    end=None,
    field: str = "Close",
    join: str = "inner",
    source: str | None = None,
) -> pd.DataFrame:
    """One column per ticker of `field`, on a shared DatetimeIndex named Date.

    join="inner" keeps the days every ticker has; "outer" keeps every day any has. start and
    end are inclusive; a window outside a series' coverage raises DateRangeError.
    """
    if field not in OHLCV_COLUMNS:
        raise DataError(f"field={field!r} is not a price column", f"use one of {OHLCV_COLUMNS}")
    if join not in ("inner", "outer"):
        raise DataError(f"join={join!r} is not supported", "use join='inner' or join='outer'")
    start, end = _as_timestamp(start), _as_timestamp(end)
    names = [tickers] if isinstance(tickers, str) else list(tickers)
    columns = {name: _field(name, field, start, end, source) for name in names}
    table = pd.concat(columns, axis=1, join=join, sort=True)
    table.index.name = "Date"
    return _window(table, start, end)


def _field(ticker: str, field: str, start, end, source: str | None) -> pd.Series:
    frame = load(ticker, source=source)
    column = frame[field].dropna()
    if column.empty:
        present = [c for c in OHLCV_COLUMNS if frame[c].notna().any()]
        raise ValidationError(
            f"{ticker} has no {field} values (its file has {', '.join(present)})",
            f"ask for field={present[0]!r} or use another file of {ticker}",
        )
    _check_range(ticker, column.index, start, end)
    return column


def fred(series_id: str, start=None, end=None, source: str | None = None) -> pd.Series:
    """A FRED series as floats on a DatetimeIndex (missing observations dropped)."""
    start, end = _as_timestamp(start), _as_timestamp(end)
    series = load(f"fred:{series_id}", source=source)[series_id].dropna()
    _check_range(series_id, series.index, start, end)
    return _window(series, start, end)


def french_sections(dataset: str, source: str | None = None) -> list[str]:
    """Section titles of a Ken French file, in file order."""
    return list(entry(f"french:{dataset}", source).manifest["parts"])


def french(dataset: str, section: str | None = None, source: str | None = None) -> pd.DataFrame:
    """One section of a Ken French file: percent returns (or counts), -99.99/-999 as NaN.

    `section` is the title as printed in the file (e.g. "Average Value Weighted Returns --
    Monthly"); a unique case-insensitive substring is enough; None = the first section.
    Monthly sections come on a monthly PeriodIndex, annual on a yearly one, daily on dates.
    """
    found = entry(f"french:{dataset}", source)
    titles = list(found.manifest["parts"])
    return found.part(_match_section(dataset, section, titles))


def _match_section(dataset: str, wanted: str | None, titles: list[str]) -> str:
    if wanted is None or wanted in titles:
        return wanted or titles[0]
    hits = [t for t in titles if wanted.lower() in t.lower()]
    if len(hits) == 1:
        return hits[0]
    raise DataError(
        f"{dataset} has {'several' if hits else 'no'} sections matching {wanted!r}",
        "use one of: " + "; ".join(hits or titles),
    )


def fomc_decisions(source: str | None = None) -> pd.DataFrame:
    """FOMC decision days with change_bp, target_after and listed_meeting (snapshot only).

    See `helpers.data.parsers.parse_fomc` for how meeting lists and FRED changes are combined.
    """
    return load(FOMC, source=source)


def sp500_prices(field: str = "Close", source: str | None = None) -> pd.DataFrame:
    """Daily `field` of every S&P 500 member file: dates x tickers (snapshot only).

    NaN where a member has no row that day (not yet listed, already removed, a gap).
    """
    if field not in OHLCV_COLUMNS:
        raise DataError(f"field={field!r} is not a price column", f"use one of {OHLCV_COLUMNS}")
    long = entry(SP500_PRICES, source).part(columns=["Date", "Ticker", field])
    return quality.validate_panel(panel_field(long, field), SP500_PRICES, field)


def sp500_members(as_of=None, source: str | None = None) -> list[str]:
    """Tickers in the S&P 500 on `as_of` (default: the last day the interval file covers).

    Before the interval file's first day, the members are rebuilt from the dated member list
    and the change log (`membership.members_on`), back to the log's first change, when both
    files are there; otherwise such a day is a DateRangeError, as is a day after the file.
    """
    found = entry(SP500_MEMBERS, source)
    first, last = membership_window(Path(found.manifest["origin"]["file"]))
    day = last if as_of is None else pd.Timestamp(as_of)
    if day < first and has_series(SP500_MEMBER_LIST) and has_series(SP500_CHANGE_LOG):
        return rebuilt_members(day, source)
    if not first <= day <= last:
        raise DateRangeError(
            f"S&P 500 membership is known for {_day(first)}..{_day(last)}, not {_day(day)}",
            "ask for a date inside that window",
        )
    table = found.part()
    left = table["member_to"]
    active = (table["member_from"] <= day) & (left.isna() | (left >= day))
    return sorted(table.loc[active, "ticker"])


def rebuilt_members(day: pd.Timestamp, source: str | None = None) -> list[str]:
    """The members on `day` rebuilt from the dated member list (its date is in its file
    name) and the change log."""
    listed = load(SP500_MEMBER_LIST, source=source)
    listed_on = date_in_name(Path(name_of(SP500_MEMBER_LIST)))
    changes = membership.parse_change_log(
        load(SP500_CHANGE_LOG, source=source), name_of(SP500_CHANGE_LOG)
    )
    return membership.members_on(day, listed["Symbol"], listed_on, changes)


def sp500_sectors(source: str | None = None) -> pd.Series:
    """The GICS sector of every member of the reconstructed January-2026 list, by ticker."""
    table = load(SP500_SECTORS, source=source)
    return pd.Series(
        table["GICS Sector"].to_numpy(),
        index=pd.Index(table["Symbol"], name="ticker"),
        name="sector",
    )


def cpi(source: str | None = None) -> pd.Series:
    """The monthly US consumer price index (Shiller's file, from 1871) on a monthly
    PeriodIndex; months without a value are dropped."""
    table = load(SHILLER_MONTHLY, source=source)
    values = table["Consumer Price Index CPI"].to_numpy()
    series = pd.Series(values, index=shiller_months(table.iloc[:, 0]), name="cpi")
    return series.dropna()


@dataclass(frozen=True)
class Holdings:
    """A fund's equity holdings on one date (index: price-file ticker; columns name, sector,
    market_value, weight_pct)."""

    as_of: pd.Timestamp
    table: pd.DataFrame


def ivv_holdings(source: str | None = None) -> Holdings:
    """IVV's holdings export of 2025-11-18, the only one near the articles (snapshot only)."""
    table = load(SP500_HOLDINGS, source=source)
    return Holdings(pd.Timestamp(table["as_of"].iloc[0]), table.drop(columns="as_of"))


def snapshot_table(relative_path: str, source: str | None = None) -> pd.DataFrame:
    """Any other CSV of the snapshot (e.g. "valuation/cape_SecondOrderEdge.csv"), as it is."""
    return load(f"file:{relative_path}", source=source)


def sessions(keys: Iterable[str] = ()) -> pd.DatetimeIndex:
    """The trading days a date handed to the package (a notebook's `as_of`, a ledger row's)
    must be one of: ^GSPC's closes from the first day ^RUT has one too, up to the last day
    ^RUT, ^GSPC and every Yahoo series in `keys` all have a row."""
    closes = prices(list(CALENDAR_SERIES), join="outer")
    market = closes[CALENDAR_SERIES[-1]].dropna().index
    both = closes.dropna().index
    yahoo = [key for key in keys if kind_of(key) == "yahoo"]
    last = min([both[-1], *(load(key).dropna(how="all").index[-1] for key in yahoo)])
    return market[(market >= both[0]) & (market <= last)]


def load_core() -> dict[str, pd.DataFrame]:
    """Every series in CORE_SERIES as the notebooks read it (member panel: Close)."""
    return {key: sp500_prices() if key == SP500_PRICES else load(key) for key in CORE_SERIES}
