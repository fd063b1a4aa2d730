"""Validation on every load: what is rejected, what is allowed, and what the message says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import FAKE_DAYS, yahoo_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import data
from helpers.data import quality
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


@settings(max_examples=50)
@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=60),
    st.lists(st.floats(min_value=1e-6, max_value=1e7), min_size=60, max_size=60),
)
def test_validation_accepts_any_strictly_increasing_positive_series(gaps, closes):
    days = pd.Timestamp("2000-01-03") + pd.to_timedelta(np.cumsum(gaps), unit="D")
    frame = yahoo_frame(closes[: len(days)], pd.DatetimeIndex(days))
    assert quality.validate(frame, "VB") is frame


@settings(max_examples=30)
@given(st.integers(min_value=0, max_value=19), st.floats(min_value=-1e9, max_value=0))
def test_validation_rejects_any_non_positive_close(position, bad):
    closes = np.full(20, 5.0)
    closes[position] = bad
    with pytest.raises(ValidationError):
        quality.validate(yahoo_frame(closes, FAKE_DAYS[:20]), "VB")


# ---------------------------------------------------------------- damaged files


def _edit_cell(snapshot, name: str, day: pd.Timestamp, column: str, text: str) -> None:
    """Rewrite one cell of yahoo/<name>.csv as raw text, the way a hand edit or a bad copy does."""
    path = snapshot.path(f"yahoo/{name}.csv")
    header, *rows = path.read_text().splitlines()
    at = header.split(",").index(column)
    for n, row in enumerate(rows):
        if row.startswith(f"{day:%Y-%m-%d},"):
            cells = row.split(",")
            cells[at] = text
            rows[n] = ",".join(cells)
    path.write_text("\n".join([header, *rows]) + "\n")


@pytest.mark.parametrize("text", ["", "n/a", " ", "nan"])
def test_a_blank_close_inside_the_file_names_file_column_and_date(fake_snapshot, text):
    day = FAKE_DAYS[60]
    _edit_cell(fake_snapshot, "^GSPC", day, "Close", text)
    with pytest.raises(ValidationError) as caught:
        data.prices("^GSPC")
    message = str(caught.value)
    assert "^GSPC.csv" in message and "Close" in message and f"{day:%Y-%m-%d}" in message
    assert "data refresh" in caught.value.fix


def test_a_non_numeric_close_is_an_error_naming_the_cell(fake_snapshot):
    _edit_cell(fake_snapshot, "^GSPC", FAKE_DAYS[7], "Close", "abc")
    with pytest.raises(ValidationError, match=r"Close is not a number on .*\('abc'\)"):
        data.prices("^GSPC")


def test_an_empty_or_late_starting_column_is_legitimate(fake_snapshot):
    frame = yahoo_frame(np.full(len(FAKE_DAYS), 10.0))
    frame["Adj Close"] = np.nan
    frame.iloc[:5, frame.columns.get_loc("Open")] = np.nan
    frame.iloc[-5:, frame.columns.get_loc("High")] = np.nan
    fake_snapshot.write_yahoo("VB", frame)
    assert data.prices("VB")["VB"].notna().all()


def test_a_file_truncated_mid_line_names_the_file_and_line(fake_snapshot):
    path = fake_snapshot.path("yahoo/^GSPC.csv")
    text = path.read_text()
    path.write_text(text[: len(text) - 30])
    with pytest.raises(ValidationError, match=rf"\^GSPC.csv: line {len(FAKE_DAYS) + 1} has not"):
        data.prices("^GSPC")


def test_an_unparsable_date_names_the_line(fake_snapshot):
    path = fake_snapshot.path("yahoo/^GSPC.csv")
    lines = path.read_text().splitlines()
    lines[3] = "2024-13-45" + lines[3][10:]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationError, match=r"Date is not a date on line 4 \('2024-13-45'\)"):
        data.prices("^GSPC")


def test_a_non_numeric_fred_value_names_file_and_date(fake_snapshot):
    fake_snapshot.write_text("fred/DFF.csv", "DATE,DFF\n2025-09-01,4.33\n2025-09-02,x\n")
    with pytest.raises(ValidationError, match=r"DFF.csv: DFF is not a number on 2025-09-02"):
        data.fred("DFF")


def test_validation_rejects_a_hole_in_a_live_or_cached_price_column():
    frame = yahoo_frame(np.full(20, 5.0), pd.bdate_range("2020-01-01", periods=20))
    frame.iloc[7, frame.columns.get_loc("Close")] = np.nan
    with pytest.raises(ValidationError, match="blank Close inside a filled column on 2020-01-10"):
        quality.validate(frame, "^RUT")


def test_refresh_reads_past_a_damaged_file_and_lists_each_failure_once(fake_snapshot, capsys):
    from helpers.cli import main

    _edit_cell(fake_snapshot, "^GSPC", FAKE_DAYS[7], "Close", "abc")
    fake_snapshot.write_text("fomc/DERIVED_fed_target_changes_from_FRED.csv", "garbage\n\x00,\n")
    assert main(["data", "refresh"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("^GSPC: failed") == 1 and captured.err.count("fomc: failed") == 1
    assert "Traceback" not in captured.err
    assert data.cache.read_manifest("^RUT") is not None  # files after the damaged ones were read
    assert "2 failed (^GSPC, fomc)" in captured.out
