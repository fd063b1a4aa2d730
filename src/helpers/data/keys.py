"""Readers for every place data comes from: the offline snapshot and the live services.

A series is named by a *key*:

- a Yahoo ticker, optionally with a snapshot variant suffix: ``^RUT``, ``^RUT.alt``,
  ``AAPL.ndxpanel`` (file ``yahoo/<key>.csv``);
- ``fred:<ID>`` (``fred/<ID>.csv``; live: the FRED graph CSV);
- ``french:<dataset>`` (``french/<dataset>.csv``; live: the Ken French library zip);
- ``fomc`` (every file in ``fomc/``, combined into one decision table);
- ``sp500:prices`` (the member files in ``sp500/prices/``, stored as one panel),
  ``sp500:members`` (the membership-interval file in ``sp500/constituents/``) and
  ``sp500:holdings`` (the IVV holdings export in ``sp500/weights/``);
- ``file:<relative path>`` for any other CSV table in the snapshot, read as it is.

Every reader returns *parts*: named DataFrames (most series have one part, ``data``; the sp500
panel has one wide frame per price field; a French file has one part per section). Nothing in
the readers caches or validates; `helpers.data.store` does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

OHLCV_COLUMNS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
PRICE_FIELDS = OHLCV_COLUMNS[:-1]
DEFAULT_PART = "data"
SP500_PRICES = "sp500:prices"
SP500_MEMBERS = "sp500:members"
SP500_HOLDINGS = "sp500:holdings"
IVV_HOLDINGS_FILE = "sp500/weights/ivv_holdings_2025-11-18.csv"
# The member list of one date and the change log that rebuild membership before the interval
# file begins (helpers.data.membership), and the January-2026 list with GICS sectors.
SP500_MEMBER_LIST = "file:sp500/constituents/datasets_constituents_2025-08-12.csv"
SP500_CHANGE_LOG = "file:sp500/constituents/fja05680_sp500_changes_since_2019_asof_2025-11-16.csv"
SP500_SECTORS = "file:sp500/constituents/sp500_members_2026-01_RECONSTRUCTED.csv"
# Shiller's monthly market file (the CPI column is the inflation series).
SHILLER_MONTHLY = "file:shiller/ie_data_Data_sheet_export.csv"
# Holdings tickers that differ from the price-file names: iShares drops the class separator,
# and Marsh McLennan trades as MRSH in the price files (it was MMC on 2025-11-18).
HOLDINGS_ALIASES = {"BRKB": "BRK-B", "BFB": "BF-B", "MMC": "MRSH"}
CHECKSUMS = "SHA256SUMS"
FOMC = "fomc"
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv?id={series}"
FRENCH_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/{dataset}_CSV.zip"
FRENCH_MISSING = (-99.99, -999.0)

# The series the notebooks read: what the pinned vintage holds, what `load_core()` loads, and
# what `data refresh` in live mode fetches where a live source exists.
CORE_SERIES: list[str] = [
    "^RUT",
    "^RUT.alt",
    "^RUT.alt2",
    "^RUT.alt3",
    "^GSPC",
    "^GSPC.alt",
    "^GSPC.alt2",
    "^GSPC.alt3",
    "IWM",
    "IWM.alt",
    "IWM.alt2",
    "IWM.alt3",
    "SPY",
    "SPY.alt",
    "SPY.alt2",
    "SPY.alt3",
    "^NDX",
    "^NDX.alt",
    "^IXIC",
    "^VIX",
    "^VIX.alt",
    "^VIX.alt2",
    "RSP",
    "IJR",
    "VB",
    "VBR",
    "AAPL",
    "MSFT",
    "AMZN",
    "GOOG",
    "META",
    "NVDA",
    "TSLA",
    "HBAN",
    "RF",
    "KTOS",
    "fred:DFF",
    "fred:DFEDTARU",
    "fred:DFEDTARL",
    "fred:DGS2",
    "fred:DGS10",
    "french:25_Portfolios_5x5",
    "french:Portfolios_Formed_on_ME",
    "french:F-F_Research_Data_Factors_daily",
    FOMC,
    "file:fomc/fomc_statements_clean_2021_2025_HuseynliGulara.csv",
    SP500_PRICES,
    SP500_MEMBERS,
    SP500_HOLDINGS,
    "file:sp500/benchmarks/IWM.csv",
    "file:sp500/benchmarks/SPY.csv",
    "file:sp500/benchmarks/RSP.csv",
    "file:sp500/benchmarks/IVV.csv",
    "file:sp500/benchmarks/VOO.csv",
    SP500_SECTORS,
    SP500_MEMBER_LIST,
    SP500_CHANGE_LOG,
    SHILLER_MONTHLY,
]

SNAPSHOT_FIX = "set SNAPSHOT_DIR=../shared/market-data to work from the offline snapshot"
HTTP_TIMEOUT_S = 30

# FRED dates a target change on its effective day; from the range era on (after this date)
# that is the day after the FOMC announcement (../shared/market-data/PROVENANCE-macro.md).
FRED_SAME_DAY_UNTIL = pd.Timestamp("2008-12-16")


@dataclass(frozen=True)
class Fetched:
    """What a reader hands back: the frames, which service they came from, and their origin."""

    parts: dict[str, pd.DataFrame]
    source: str  # "snapshot" | "yfinance" | "fred" | "french"
    origin: dict


def kind_of(key: str) -> str:
    """The reader family of a key: yahoo, fred, french, fomc, sp500 or file."""
    if key in (SP500_PRICES, SP500_MEMBERS, SP500_HOLDINGS):
        return "sp500"
    if key == FOMC:
        return "fomc"
    prefix, sep, _ = key.partition(":")
    if sep and prefix in ("fred", "french", "file"):
        return prefix
    return "yahoo"


def name_of(key: str) -> str:
    """The key without its family prefix (ticker, FRED id, dataset, relative path, ...)."""
    return key.split(":", 1)[-1]


def is_variant(ticker: str) -> bool:
    """True for snapshot-only alternates such as ``^RUT.alt2`` or ``AAPL.ndxpanel``."""
    return bool(re.search(r"\.(alt\d*|ndxpanel)$", ticker))


def base_ticker(ticker: str) -> str:
    return re.sub(r"\.(alt\d*|ndxpanel)$", "", ticker)
