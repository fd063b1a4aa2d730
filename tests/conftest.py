"""Shared fixtures: an isolated cache for every test and a tiny fake snapshot in tmp_path.

- Every test gets ``SMALLCAP_CACHE_DIR`` pointing into its own tmp_path, an empty
  ``SMALLCAP_VINTAGE_DIR`` there, a fresh `data.used_sources()` registry, no
  ``SMALLCAP_DATA`` and no ``SNAPSHOT_DIR`` unless the test is marked
  ``@pytest.mark.snapshot``, which keeps the real snapshot and is skipped without it. So a
  test reads the (missing) vintage unless it picks a source, and never the network by
  accident; tests of live mode set ``SMALLCAP_DATA=live`` (``live_mode`` fixture).
- ``fake_snapshot`` builds a small folder in the real snapshot layout (yahoo/, fred/,
  french/, fomc/, sp500/) and points ``SNAPSHOT_DIR`` at it. Its content is documented on
  `FakeSnapshot`; tests add or rewrite files with its ``write_*`` methods.
- ``fake_vintage`` is a vintage built from the fake snapshot, selected as the data source.
- ``real_snapshot`` is the real snapshot folder (only inside ``snapshot``-marked tests).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

from helpers import data
from helpers.config import CACHE_ENV, DATA_ENV, SNAPSHOT_ENV, VINTAGE_ENV
from helpers.data import vintage
from helpers.data.snapshot import sha256_file

# Hypothesis's default deadline (200 ms an example) is a timed assertion: on shared cores a
# pandas-heavy example overruns it and the test fails for no fault of the code.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

# Days of the fake series: a year of business days, all in the past (enough rows for the
# volume rules, which look at shares of a file's rows).
FAKE_DAYS = pd.bdate_range("2024-09-02", periods=250, name="Date")
STALE_AT = 100
STALE_DAY = FAKE_DAYS[STALE_AT]  # ^RUT.csv has an intraday row here (Volume 0, close 0.1 % low)
FRED_GLITCH_DAY = FAKE_DAYS[150]  # ^GSPC.alt3.csv is 0.2 % off here
ODD_VOLUME_DAY = FAKE_DAYS[120]  # SPY.csv has a volume that is not a round lot here

FRENCH_SAMPLE = """\
This file was created using the 202602 CRSP database.
It contains value- and equal-weighted returns for portfolios formed on ME and BEME.

Missing data are indicated by -99.99 or -999.


  Average Value Weighted Returns -- Monthly
,SMALL LoBM,ME1 BM2,BIG HiBM
192607,   5.8276,  -1.7006,   0.5118
192608,  -2.0206, -99.99,   1.3968
192609,  -4.8291,  -2.6806,  -999


  Average Equal Weighted Returns -- Monthly
,SMALL LoBM,ME1 BM2,BIG HiBM
192607,   1.0000,   2.0000,   3.0000
192608,   4.0000,   5.0000,   6.0000


  Average Value Weighted Returns -- Annual
,SMALL LoBM,ME1 BM2,BIG HiBM
  1927,  29.44,  -2.20,  -4.58
  1928,  35.56,   3.73,  -5.26


  For portfolios formed in June of year t
  Value Weight Average of BE/ME Calculated for June of t to June of t+1 as:
,SMALL LoBM,ME1 BM2,BIG HiBM
192607,   0.3023,   0.7537,   1.0817

Copyright 2026 Eugene F. Fama and Kenneth R. French
"""

HOLDINGS_SAMPLE = """\ufeffiShares Core S&P 500 ETF
Fund Holdings as of,"Nov 18, 2025"
\x20
Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Quantity,Price
"AAA","AAA CORP","Tech","Equity","1,000.00","62.50","10.00","100.00"
"BBB","BBB CORP","Tech","Equity","600.00","37.50","6.00","100.00"
\x20
"The content contained herein is owned by someone."
"""

FACTORS_DAILY_SAMPLE = """\
,Mkt-RF,SMB,HML,RF
19260701,    0.09,   -0.25,   -0.27,    0.01
19260702,    0.45,   -0.33,   -0.06,    0.01

Copyright 2025 Eugene F. Fama and Kenneth R. French
"""


def yahoo_frame(closes: np.ndarray, days: pd.DatetimeIndex = FAKE_DAYS, volume=1_000_000):
    """A Yahoo-layout frame (Date index, OHLCV) around the given closes."""
    closes = np.asarray(closes, dtype=float)
    return pd.DataFrame(
        {
            "Open": closes * 0.999,
            "High": closes * 1.01,
            "Low": closes * 0.99,
            "Close": closes,
            "Adj Close": closes,
            "Volume": volume,
        },
        index=pd.DatetimeIndex(days, name="Date"),
    )


def random_walk(start: float, seed: int, n: int = len(FAKE_DAYS)) -> np.ndarray:
    moves = np.random.default_rng(seed).normal(0, 0.01, n)
    return start * np.exp(np.cumsum(moves))


def ledger_row(claim_id: str, **fields) -> dict:
    """A row for a fixture ledger: every field a row needs, `fields` replacing any of them; a
    testable row whose `rule` names no measure is measured by `streak_length`."""
    row = {
        "id": claim_id,
        "group": "demo",
        "article": "000_demo.txt",
        "as_of": "2025-01-02",
        "as_of_basis": "fixture",
        "family": "streak",
        "claim": f"paraphrase of {claim_id}",
        "claimed": {"value": 3, "unit": "sessions"},
        "rule": {"measure": "a count", "comparator": "equal", "tolerance": {"abs": 0}},
        "notebook": "01_demo",
        "testability_note": "fixture",
        **fields,
    }
    if row.get("testability") != "not_testable":  # `data`, the default, is not written
        row["rule"] = {"measured_by": "streak_length", **row["rule"]}
    return row


def frame_of_wins(days: pd.DatetimeIndex, *spans: tuple[str, str]) -> pd.DataFrame:
    """A against a flat B: A gains 1 % on the days inside `spans` (inclusive), loses 1 % else,
    so the runs of A over B are known by construction."""
    wins = pd.Series(False, index=days)
    for first, last in spans:
        wins.loc[first:last] = True
    a = (1 + np.where(wins, 0.01, -0.01)).cumprod() * 100
    return pd.DataFrame({"A": a, "B": 100.0}, index=days)


def with_named_readings(doc: dict) -> dict:
    """A fixture ledger as the ledger writes readings: each reading a row or consistency
    check spells out moves to the top-level `readings:` and the row lists it by name."""
    named = dict(doc.get("readings") or {})
    for entry in [*doc.get("claims", []), *doc.get("consistency", [])]:
        rule = entry.get("rule") if isinstance(entry, dict) else None
        readings = rule.get("readings") if isinstance(rule, dict) else None
        if not isinstance(readings, dict):
            continue
        for name, spec in readings.items():
            assert named.setdefault(name, spec) == spec, f"two readings named {name}"
        entry["rule"] = {**rule, "readings": list(readings)}
    return {**doc, "readings": named} if named else doc


def make_row(rule: dict, claimed: dict | None = None, as_of: str = "2024-01-12", **fields):
    """A ledger row (`claims.Row`) for a measure to read: `rule` and `claimed` as a ledger
    states them, every other field a placeholder unless `fields` names it."""
    from helpers import claims

    defaults = {
        "id": "x",
        "group": "g",
        "article": "000_demo.txt",
        "as_of": as_of,
        "as_of_basis": "fixture",
        "family": "record",
        "claim": "c",
        "claimed": claimed if claimed is not None else {"value": 0, "unit": ""},
        "rule": rule,
        "notebook": "n",
        "testability": "data",
        "testability_note": "",
    }
    return claims.Row(**{**defaults, **fields})


def write_checksums(root: Path) -> None:
    """SHA256SUMS over every file of a snapshot folder, in the snapshot's own format."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_file(p)}  ./{p.relative_to(root).as_posix()}" for p in files]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")


class FakeSnapshot:
    """A small snapshot folder in the real layout.

    yahoo/: ^RUT (intraday row on STALE_DAY: Volume 0, close 0.1 % below the final one),
    ^RUT.alt (2-dp final closes, so it disagrees only on STALE_DAY), ^GSPC, ^GSPC.alt3
    (Date,Close only; 0.2 % off on FRED_GLITCH_DAY), SPY (round-lot volumes except
    ODD_VOLUME_DAY), IJR (Adj Close only). fred/: DFF, DGS2 (with a negative yield).
    french/: 25_Portfolios_5x5 (FRENCH_SAMPLE), F-F_Research_Data_Factors_daily.
    fomc/: the four files `parse_fomc` reads. sp500/: prices/AAA.csv, BBB.csv and a
    membership-interval file for 2025-09-01..2025-10-31.
    """

    def __init__(self, root: Path):
        self.root = root
        rut = random_walk(2400, seed=1)
        rut[STALE_AT:] *= rut[STALE_AT - 1] * 1.01 / rut[STALE_AT]  # clearly up on STALE_DAY
        self.rut_final = np.round(rut, 2)
        self.gspc = np.round(random_walk(6500, seed=2), 2)

    def path(self, relative: str) -> Path:
        return self.root / relative

    def write_text(self, relative: str, text: str) -> Path:
        """Write a file and list it in SHA256SUMS, as the snapshot's author would."""
        path = self.path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.write_checksums()
        return path

    def write_yahoo(self, name: str, frame: pd.DataFrame) -> Path:
        """Write a frame as yahoo/<name>.csv (only the columns it has, like the real files)."""
        return self.write_text(f"yahoo/{name}.csv", frame.to_csv(date_format="%Y-%m-%d"))

    def build(self) -> FakeSnapshot:
        stale = yahoo_frame(self.rut_final)
        stale.loc[STALE_DAY, "Close"] = self.rut_final[STALE_AT] * 0.999
        stale.loc[STALE_DAY, "Volume"] = 0
        self.write_yahoo("^RUT", stale)
        self.write_yahoo("^RUT.alt", yahoo_frame(self.rut_final))
        self.write_yahoo("^GSPC", yahoo_frame(self.gspc))
        fred_copy = pd.DataFrame({"Close": self.gspc}, index=FAKE_DAYS)
        fred_copy.loc[FRED_GLITCH_DAY, "Close"] *= 1.002
        self.write_yahoo("^GSPC.alt3", fred_copy)
        spy = yahoo_frame(random_walk(650, seed=3), volume=50_000_000)
        spy.loc[ODD_VOLUME_DAY, "Volume"] = 12_345_678
        self.write_yahoo("SPY", spy)
        self.write_yahoo("IJR", pd.DataFrame({"Adj Close": random_walk(110, 4)}, FAKE_DAYS))
        self.write_text(
            "fred/DFF.csv", "DATE,DFF\n2025-09-01,4.33\n2025-09-02,.\n2025-09-03,4.33\n"
        )
        self.write_text("fred/DGS2.csv", "DATE,DGS2\n2025-09-01,-0.10\n2025-09-02,0.00\n")
        self.write_text("french/25_Portfolios_5x5.csv", FRENCH_SAMPLE)
        self.write_text("french/F-F_Research_Data_Factors_daily.csv", FACTORS_DAILY_SAMPLE)
        self._write_fomc()
        self._write_sp500()
        self.write_text("sp500/weights/ivv_holdings_2025-11-18.csv", HOLDINGS_SAMPLE)
        return self.write_checksums()

    def write_checksums(self) -> FakeSnapshot:
        write_checksums(self.root)
        return self

    def _write_fomc(self) -> None:
        self.write_text(
            "fomc/DERIVED_fed_target_changes_from_FRED.csv",
            "fred_effective_date,series,new_target,new_lower,new_upper,prev_target_or_upper,"
            "change_bp\n"
            "2001-01-03,DFEDTAR,6.0,,,6.5,-50.0\n"
            "2025-09-18,DFEDTARL/U,,4.0,4.25,4.5,-25.0\n",
        )
        self.write_text(
            "fomc/FOMC_DATES_1978_2023_andrewhall1124.csv", "Date,fomc\n20001219,1\n20010131,1\n"
        )
        self.write_text(
            "fomc/FOMC_DATA_1994_2023_andrewhall1124.csv",
            "index,date,rate_before,rate_after,action\n0,2001-01-31,6,5.5,lower\n",
        )
        self.write_text(
            "fomc/fomc_dates_2021_2025_HuseynliGulara.csv",
            "year,meeting_start,decision_date\n2025,2025-07-29,2025-07-30\n"
            "2025,2025-09-16,2025-09-17\n",
        )

    def _write_sp500(self) -> None:
        for n, ticker in enumerate(["AAA", "BBB"]):
            frame = yahoo_frame(random_walk(50 + n, seed=10 + n))
            self.write_text(f"sp500/prices/{ticker}.csv", frame.to_csv(date_format="%Y-%m-%d"))
        self.write_text(
            "sp500/constituents/sp500_membership_intervals_2025-09-01_2025-10-31_DERIVED.csv",
            "ticker,member_from,member_to,note\nAAA,2025-09-01,,\nBBB,2025-09-01,2025-09-19,\n"
            "CCC,2025-09-22,,replaced BBB\n",
        )


@pytest.fixture(autouse=True)
def _isolated_data_env(request, tmp_path, monkeypatch):
    """Own cache and vintage dirs, fresh used_sources(); live mode unless marked `snapshot`."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(VINTAGE_ENV, str(tmp_path / "no-vintage"))
    monkeypatch.delenv(DATA_ENV, raising=False)
    if request.node.get_closest_marker("snapshot") is None:
        monkeypatch.delenv(SNAPSHOT_ENV, raising=False)
    elif not os.environ.get(SNAPSHOT_ENV):
        pytest.skip("needs the market-data snapshot: set SNAPSHOT_DIR")
    data.clear_used_sources()
    yield
    data.clear_used_sources()


@pytest.fixture
def live_mode(monkeypatch) -> None:
    """Live mode (yfinance, FRED, French); tests using it fake the services."""
    monkeypatch.setenv(DATA_ENV, "live")


@pytest.fixture(scope="session")
def _built_fake_snapshot(tmp_path_factory) -> Path:
    """The FakeSnapshot folder, built once per test process: tests get copies (see there)."""
    return FakeSnapshot(tmp_path_factory.mktemp("built") / "snapshot").build().root


def fresh_copy(built: Path, to: Path) -> Path:
    """A copy of a folder a session fixture built, its files with new times, as a build of
    its own would have (a copy costs milliseconds, a build a tenth of a second)."""
    return Path(shutil.copytree(built, to, copy_function=shutil.copy))


@pytest.fixture
def fake_snapshot(_built_fake_snapshot, tmp_path, monkeypatch) -> FakeSnapshot:
    """The FakeSnapshot folder, built, with SNAPSHOT_DIR pointing at it."""
    snapshot = FakeSnapshot(fresh_copy(_built_fake_snapshot, tmp_path / "snapshot"))
    monkeypatch.setenv(SNAPSHOT_ENV, str(snapshot.root))
    monkeypatch.delenv(DATA_ENV, raising=False)
    return snapshot


# The keys the fake snapshot holds: its core series (what a refresh must find, and what a
# vintage of it stores).
FAKE_CORE_SERIES = [
    "^RUT",
    "^RUT.alt",
    "^GSPC",
    "^GSPC.alt3",
    "SPY",
    "IJR",
    "fred:DFF",
    "fred:DGS2",
    "french:25_Portfolios_5x5",
    "fomc",
    "sp500:prices",
    "sp500:members",
    "sp500:holdings",
]


@pytest.fixture(scope="session")
def _built_fake_vintage(_built_fake_snapshot, tmp_path_factory) -> Path:
    """A vintage of the fake snapshot, built once per test process (it names no path)."""
    folder = tmp_path_factory.mktemp("built") / "vintage"
    vintage.build(_built_fake_snapshot, folder, FAKE_CORE_SERIES)
    return folder


@pytest.fixture
def fake_vintage(fake_snapshot, _built_fake_vintage, tmp_path, monkeypatch) -> Path:
    """A vintage built from the fake snapshot, selected as the data source (no SNAPSHOT_DIR)."""
    folder = fresh_copy(_built_fake_vintage, tmp_path / "vintage")
    monkeypatch.setenv(VINTAGE_ENV, str(folder))
    monkeypatch.delenv(SNAPSHOT_ENV, raising=False)
    monkeypatch.delenv(DATA_ENV, raising=False)
    return folder


@pytest.fixture
def real_snapshot() -> Path:
    """The real snapshot folder (use in tests marked `snapshot`)."""
    return Path(os.environ[SNAPSHOT_ENV]).resolve()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that drive `make` first: they take seconds each, so under `make test`
    (pytest-xdist, work stealing) they start at once and the quick ones fill in around them."""
    items.sort(key=lambda item: item.get_closest_marker("make") is None)
