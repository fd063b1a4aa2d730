"""Live downloads: Yahoo Finance (yfinance), FRED's graph CSV and the Ken French library."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
import zipfile
from datetime import datetime, timezone

import pandas as pd

from helpers.data.keys import (
    DEFAULT_PART,
    FRED_URL,
    FRENCH_URL,
    HTTP_TIMEOUT_S,
    OHLCV_COLUMNS,
    SNAPSHOT_FIX,
    Fetched,
    base_ticker,
    is_variant,
    kind_of,
    name_of,
)
from helpers.data.parsers import parse_fred_csv, parse_french_csv
from helpers.errors import (
    EmptyDownloadError,
    NoNetworkError,
    RateLimitError,
    UnknownTickerError,
)


def fetch_live(key: str) -> Fetched:
    """Download one key from its service. Only Yahoo tickers, FRED and French have one."""
    kind = kind_of(key)
    if kind == "yahoo" and not is_variant(key):
        return _fetch_yahoo(key)
    if kind == "fred":
        return _fetch_fred(name_of(key))
    if kind == "french":
        return _fetch_french(name_of(key))
    raise UnknownTickerError(
        f"{key!r} exists only in the offline snapshot; there is no live source for it",
        f"{SNAPSHOT_FIX}, or use the plain ticker ({base_ticker(key)!r}) for live data",
    )


def _bytes_origin(url: str, payload: bytes) -> dict:
    return {"url": url, "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}


def _one_line(text: str, width: int = 200) -> str:
    """What yfinance said, on one shortened line: it repeats the same failure several ways."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


class _Collect(logging.Handler):
    """Keeps yfinance's log messages: yf.download reports failures there, not by raising."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _yahoo_failure(ticker: str, detail: str) -> Exception:
    """Map what yfinance said to the package error a person can act on."""
    text, detail = detail.lower(), _one_line(detail)
    if "ratelimit" in text or "rate limit" in text or "too many requests" in text:
        return RateLimitError(
            f"Yahoo rate-limited the download of {ticker}: {detail}",
            f"wait a few minutes and retry, or {SNAPSHOT_FIX}",
        )
    network = ("connect", "resolve host", "timed out", "timeout", "network", "curl: (")
    if any(word in text for word in network):
        return NoNetworkError(
            f"could not reach Yahoo Finance for {ticker}: {detail}",
            f"check the network, or {SNAPSHOT_FIX}",
        )
    return EmptyDownloadError(
        f"Yahoo returned no rows for {ticker}" + (f": {detail}" if detail else ""),
        "check the ticker spelling on finance.yahoo.com; if it is right, retry later",
    )


def _fetch_yahoo(ticker: str) -> Fetched:
    import yfinance as yf
    from yfinance.exceptions import YFRateLimitError

    handler = _Collect()
    log = logging.getLogger("yfinance")
    log.addHandler(handler)
    propagate, log.propagate = log.propagate, False  # its per-ticker lines become our message
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # yfinance's own pandas deprecation warnings
            raw = yf.download(
                ticker, period="max", auto_adjust=False, progress=False, threads=False
            )
    except YFRateLimitError as exc:
        raise _yahoo_failure(ticker, f"rate limit: {exc}") from exc
    except (ConnectionError, OSError) as exc:
        raise _yahoo_failure(ticker, f"connection failed: {exc}") from exc
    finally:
        log.removeHandler(handler)
        log.propagate = propagate
    if raw is None or raw.dropna(how="all").empty:
        raise _yahoo_failure(ticker, "; ".join(handler.messages))
    frame = flatten_yahoo(raw)
    payload = frame.to_csv().encode()
    return Fetched({DEFAULT_PART: frame}, "yfinance", _bytes_origin(f"yfinance:{ticker}", payload))


def flatten_yahoo(raw: pd.DataFrame) -> pd.DataFrame:
    """yf.download's (Price, Ticker) MultiIndex columns -> one flat OHLCV frame, naive dates."""
    frame = raw.copy()
    if isinstance(raw.columns, pd.MultiIndex):
        price_level = next(i for i, values in enumerate(raw.columns.levels) if "Close" in values)
        frame.columns = raw.columns.get_level_values(price_level)
    frame = frame.reindex(columns=OHLCV_COLUMNS).astype(float).dropna(how="all")
    index = pd.DatetimeIndex(frame.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    frame.index = index.normalize().rename("Date")
    frame.columns.name = None
    return frame


def _http_get(url: str, what: str) -> bytes:
    import requests

    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_S)
    except requests.RequestException as exc:
        raise NoNetworkError(
            f"could not download {what} from {url}: {exc}", f"check the network, or {SNAPSHOT_FIX}"
        ) from exc
    if response.status_code == 429:
        raise RateLimitError(
            f"{url} answered 429 Too Many Requests", f"wait a few minutes, or {SNAPSHOT_FIX}"
        )
    if response.status_code != 200 or not response.content:
        raise EmptyDownloadError(
            f"{url} answered HTTP {response.status_code} with {len(response.content)} bytes",
            f"check that {what} exists at the source; retry later",
        )
    return response.content


def _fetch_fred(series_id: str) -> Fetched:
    url = FRED_URL.format(series=series_id)
    payload = _http_get(url, f"FRED series {series_id}")
    frame = parse_fred_csv(io.StringIO(payload.decode()), series_id)
    if frame[series_id].dropna().empty:
        raise EmptyDownloadError(
            f"FRED series {series_id} came back without values", "check the series id on FRED"
        )
    return Fetched({DEFAULT_PART: frame}, "fred", _bytes_origin(url, payload))


def _fetch_french(dataset: str) -> Fetched:
    url = FRENCH_URL.format(dataset=dataset)
    payload = _http_get(url, f"Ken French dataset {dataset}")
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        text = archive.read(archive.namelist()[0]).decode("latin-1")
    parts = parse_french_csv(text)
    if not parts:
        raise EmptyDownloadError(
            f"{url} held no tables in the library's layout", "check the dataset name"
        )
    return Fetched(parts, "french", _bytes_origin(url, payload))


def retrieved_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
