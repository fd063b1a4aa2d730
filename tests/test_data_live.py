"""Live mode with yfinance and HTTP monkeypatched: shapes, caching and every failure mode."""

from __future__ import annotations

import io
import logging
import zipfile

import numpy as np
import pandas as pd
import pytest
import requests
import yfinance as yf
from conftest import FACTORS_DAILY_SAMPLE, FAKE_DAYS, yahoo_frame
from yfinance.exceptions import YFRateLimitError

from helpers import data
from helpers.cli import main
from helpers.data import live
from helpers.errors import (
    EmptyDownloadError,
    MissingSnapshotFileError,
    NoNetworkError,
    RateLimitError,
    UnknownTickerError,
)

# Every test here runs in live mode, with the services faked.
pytestmark = pytest.mark.usefixtures("live_mode")


def multiindex_download(ticker: str) -> pd.DataFrame:
    """What yf.download(ticker, auto_adjust=False) returns: (Price, Ticker) columns, tz dates."""
    frame = yahoo_frame(np.linspace(100, 120, len(FAKE_DAYS)))
    frame.index = frame.index.tz_localize("America/New_York")
    frame.columns = pd.MultiIndex.from_product([frame.columns, [ticker]], names=["Price", "Ticker"])
    return frame


@pytest.fixture
def downloads(monkeypatch):
    """Replace yf.download; returns the list of calls (kwargs) it received."""
    calls = []

    def fake_download(ticker, **kwargs):
        calls.append({"ticker": ticker, **kwargs})
        return multiindex_download(ticker)

    monkeypatch.setattr(yf, "download", fake_download)
    return calls


def test_live_download_is_flattened_cached_and_asked_unadjusted(downloads):
    table = data.ohlcv("^RUT")
    assert list(table.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    assert table.index.tz is None and table.index[0] == FAKE_DAYS[0]
    assert downloads[0]["auto_adjust"] is False and downloads[0]["progress"] is False
    data.ohlcv("^RUT")
    assert len(downloads) == 1  # the second load came from the cache
    assert data.used_sources()[0]["source"] == "yfinance"


def test_refresh_downloads_again_in_live_mode(downloads):
    data.prices("^GSPC")
    assert data.refresh_one("^GSPC") == "unchanged"
    assert len(downloads) == 2


def test_silent_empty_download_is_an_empty_download_error(monkeypatch):
    monkeypatch.setattr(yf, "download", lambda ticker, **kw: pd.DataFrame())
    with pytest.raises(EmptyDownloadError, match="no rows for \\^RUT"):
        data.prices("^RUT")


def test_rate_limit_exception_is_a_rate_limit_error(monkeypatch):
    def limited(ticker, **kwargs):
        raise YFRateLimitError()

    monkeypatch.setattr(yf, "download", limited)
    with pytest.raises(RateLimitError, match="rate-limited"):
        data.prices("^RUT")


def test_rate_limit_reported_only_in_the_log_is_still_a_rate_limit_error(monkeypatch):
    def swallowed(ticker, **kwargs):
        logging.getLogger("yfinance").error("['^RUT']: YFRateLimitError('Too Many Requests')")
        return pd.DataFrame()

    monkeypatch.setattr(yf, "download", swallowed)
    with pytest.raises(RateLimitError):
        data.prices("^RUT")


def test_connection_failure_is_no_network_pointing_at_the_snapshot(monkeypatch):
    def offline(ticker, **kwargs):
        raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")

    monkeypatch.setattr(yf, "download", offline)
    with pytest.raises(NoNetworkError, match="SNAPSHOT_DIR=../shared/market-data"):
        data.prices("^RUT")


def test_a_snapshot_variant_in_live_mode_comes_from_the_vintage_and_says_when_it_is_gone():
    with pytest.raises(MissingSnapshotFileError, match="pinned data vintage is missing"):
        data.prices("^RUT.alt")


def test_snapshot_only_tables_in_live_mode_come_from_the_vintage_too():
    with pytest.raises(MissingSnapshotFileError, match=r"git checkout -- \S*no-vintage "):
        data.fomc_decisions()


def test_fetch_live_refuses_a_key_without_a_live_source():
    with pytest.raises(UnknownTickerError, match="only in the offline snapshot"):
        live.fetch_live("^RUT.alt")


class FakeResponse:
    def __init__(self, content: bytes, status_code: int = 200):
        self.content = content
        self.status_code = status_code


def test_fred_live_reads_the_graph_csv(monkeypatch):
    urls = []

    def get(url, timeout):
        urls.append(url)
        return FakeResponse(b"observation_date,DGS2\n2025-09-01,3.6\n2025-09-02,\n2025-09-03,.\n")

    monkeypatch.setattr(requests, "get", get)
    assert data.fred("DGS2").tolist() == [3.6]
    assert urls == ["https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS2"]


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (requests.ConnectionError("no route"), NoNetworkError),
        (FakeResponse(b"slow down", 429), RateLimitError),
        (FakeResponse(b"", 404), EmptyDownloadError),
    ],
)
def test_fred_live_failures(monkeypatch, behaviour, error):
    def get(url, timeout):
        if isinstance(behaviour, Exception):
            raise behaviour
        return behaviour

    monkeypatch.setattr(requests, "get", get)
    with pytest.raises(error):
        data.fred("DGS2")


def test_french_live_unzips_the_library_file(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("F-F_Research_Data_Factors_daily.CSV", FACTORS_DAILY_SAMPLE)
    monkeypatch.setattr(requests, "get", lambda url, timeout: FakeResponse(buffer.getvalue()))
    factors = data.french("F-F_Research_Data_Factors_daily")
    assert factors.loc["1926-07-02", "Mkt-RF"] == 0.45


def test_live_refresh_without_network_fails_with_the_snapshot_hint(monkeypatch, capsys):
    def offline(*args, **kwargs):
        raise ConnectionError("network is unreachable")

    monkeypatch.setattr(yf, "download", offline)
    monkeypatch.setattr(requests, "get", lambda url, timeout: offline())
    assert main(["data", "refresh", "^RUT"]) == 1
    assert "SNAPSHOT_DIR=../shared/market-data" in capsys.readouterr().err


def test_yfinance_noise_stays_inside_one_message(monkeypatch, capsys, recwarn):
    def noisy_download(ticker, **kwargs):
        import warnings

        warnings.warn("The inplace keyword is deprecated", FutureWarning, stacklevel=1)
        logging.getLogger("yfinance").error(
            f"1 Failed download:\n['{ticker}']: DNSError('Could not resolve host: yahoo')"
        )
        return pd.DataFrame()

    seen = []
    root = logging.getLogger()
    handler = logging.Handler()
    handler.emit = seen.append
    root.addHandler(handler)
    monkeypatch.setattr(yf, "download", noisy_download)
    try:
        with pytest.raises(NoNetworkError) as caught:
            data.prices("^RUT")
    finally:
        root.removeHandler(handler)
    assert caught.value.cause == (
        "could not reach Yahoo Finance for ^RUT: "
        "1 Failed download: ['^RUT']: DNSError('Could not resolve host: yahoo')"
    )
    assert not seen and not list(recwarn) and capsys.readouterr().err == ""


def test_offline_refresh_says_once_that_live_sources_are_unreachable(monkeypatch, capsys):
    def offline(ticker, **kwargs):
        raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")

    monkeypatch.setattr(yf, "download", offline)
    assert main(["data", "refresh", "^RUT", "^GSPC", "IWM"]) == 1
    err = capsys.readouterr().err
    assert err.count("live sources are unreachable: 3 series not downloaded") == 1
    assert err.count("-> fix:") == 1 and "^RUT, ^GSPC, IWM" in err
