"""Validation on every load: what is rejected, what is allowed, and what the message says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import FAKE_DAYS, yahoo_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import data, quality
from helpers.errors import ValidationError


def test_repeated_dates_are_rejected_with_the_dates_and_the_fix(fake_snapshot):
    frame = yahoo_frame(np.full(len(FAKE_DAYS), 10.0))
    fake_snapshot.write_yahoo("VB", pd.concat([frame, frame.iloc[[3]]]).sort_index())
    with pytest.raises(ValidationError) as caught:
        data.prices("VB")
    message = str(caught.value)
    assert "repeated dates" in message and f"{FAKE_DAYS[3]:%Y-%m-%d}" in message
    assert "data refresh --force VB" in message


def test_unordered_dates_are_rejected(fake_snapshot):
    frame = yahoo_frame(np.full(len(FAKE_DAYS), 10.0))
    fake_snapshot.write_yahoo("VB", frame.iloc[::-1])
    with pytest.raises(ValidationError, match="out of order"):
        data.prices("VB")


def test_non_positive_prices_are_rejected(fake_snapshot):
    closes = np.full(len(FAKE_DAYS), 10.0)
    closes[4] = 0.0
    fake_snapshot.write_yahoo("VB", yahoo_frame(closes))
    with pytest.raises(ValidationError, match=f"negative prices on {FAKE_DAYS[4]:%Y-%m-%d}"):
        data.prices("VB")


def test_dates_after_today_are_rejected(fake_snapshot):
    days = pd.bdate_range(pd.Timestamp.today().normalize() - pd.Timedelta(days=10), periods=20)
    fake_snapshot.write_yahoo("VB", yahoo_frame(np.full(20, 10.0), days))
    with pytest.raises(ValidationError, match="after today"):
        data.prices("VB")


def test_yield_tickers_may_be_zero_or_negative(fake_snapshot):
    closes = np.full(len(FAKE_DAYS), 0.05)
    closes[:3] = [0.0, -0.01, 0.0]
    fake_snapshot.write_yahoo("^IRX", yahoo_frame(closes))
    assert data.prices("^IRX")["^IRX"].min() < 0


def test_a_bad_file_never_enters_the_cache(fake_snapshot):
    closes = np.full(len(FAKE_DAYS), 10.0)
    closes[0] = -1
    fake_snapshot.write_yahoo("VB", yahoo_frame(closes))
    with pytest.raises(ValidationError):
        data.prices("VB")
    assert not list((data.cache.cache_dir() / "yahoo").glob("VB*"))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=60),
    st.lists(st.floats(min_value=1e-6, max_value=1e7), min_size=60, max_size=60),
)
def test_validation_accepts_any_strictly_increasing_positive_series(gaps, closes):
    days = pd.Timestamp("2000-01-03") + pd.to_timedelta(np.cumsum(gaps), unit="D")
    frame = yahoo_frame(closes[: len(days)], pd.DatetimeIndex(days))
    assert quality.validate(frame, "VB") is frame


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=19), st.floats(min_value=-1e9, max_value=0))
def test_validation_rejects_any_non_positive_close(position, bad):
    closes = np.full(20, 5.0)
    closes[position] = bad
    with pytest.raises(ValidationError):
        quality.validate(yahoo_frame(closes, FAKE_DAYS[:20]), "VB")
