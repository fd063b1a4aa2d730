"""The public data API on the fake snapshot: shapes, windows, joins and the errors people see."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import FAKE_DAYS, yahoo_frame

from helpers import data
from helpers.data import series
from helpers.errors import (
    DataError,
    DateRangeError,
    MissingSnapshotFileError,
    UnknownTickerError,
    ValidationError,
)


def test_prices_returns_one_column_per_ticker_on_a_date_index(fake_snapshot):
    table = data.prices(["^RUT", "^GSPC"])
    assert list(table.columns) == ["^RUT", "^GSPC"]
    assert table.index.name == "Date" and table.index.tz is None
    assert len(table) == len(FAKE_DAYS)


def test_a_single_ticker_string_works_and_window_is_inclusive(fake_snapshot):
    start, end = FAKE_DAYS[3], FAKE_DAYS[8]
    table = data.prices("^GSPC", start=start.strftime("%Y-%m-%d"), end=end)
    assert table.index[0] == start and table.index[-1] == end


def test_inner_join_keeps_common_days_outer_keeps_all(fake_snapshot):
    short = yahoo_frame(np.full(10, 100.0), FAKE_DAYS[:10])
    fake_snapshot.write_yahoo("VB", short)
    assert len(data.prices(["^GSPC", "VB"])) == 10
    outer = data.prices(["^GSPC", "VB"], join="outer")
    assert len(outer) == len(FAKE_DAYS) and outer["VB"].isna().sum() == len(FAKE_DAYS) - 10


def test_a_variant_file_is_a_ticker_of_its_own(fake_snapshot):
    assert data.prices("^RUT.alt").columns.tolist() == ["^RUT.alt"]


def test_ohlcv_has_all_columns_missing_ones_as_nan(fake_snapshot):
    frame = data.ohlcv("^GSPC.alt3")
    assert list(frame.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    assert frame["Open"].isna().all() and frame["Close"].notna().all()


def test_asking_for_a_field_the_file_lacks_names_what_it_has(fake_snapshot):
    with pytest.raises(ValidationError, match="Adj Close"):
        data.prices("IJR")
    assert data.prices("IJR", field="Adj Close")["IJR"].notna().all()


def test_window_outside_coverage_raises_date_range_error_with_coverage(fake_snapshot):
    first = f"{FAKE_DAYS[0]:%Y-%m-%d}"
    with pytest.raises(DateRangeError, match=f"covers {first}"):
        data.prices("^GSPC", start="2001-01-01")
    with pytest.raises(DateRangeError):
        data.prices("^GSPC", end="2099-01-01")


def test_a_window_edge_on_a_weekend_next_to_the_data_is_fine(fake_snapshot):
    last = FAKE_DAYS[-1]
    assert data.prices("^GSPC", end=last + pd.Timedelta(days=2)).index[-1] == last


def test_unknown_ticker_lists_close_matches(fake_snapshot):
    with pytest.raises(UnknownTickerError, match=r"close matches: \^RUT"):
        data.prices("^RUTX")


def test_unknown_variant_is_unknown(fake_snapshot):
    with pytest.raises(UnknownTickerError, match="available yahoo series"):
        data.prices("^RUT.alt7")


def test_missing_core_file_names_the_path(fake_snapshot):
    fake_snapshot.path("yahoo/^GSPC.csv").unlink()
    with pytest.raises(MissingSnapshotFileError, match=r"yahoo/\^GSPC.csv"):
        data.prices("^GSPC")


def test_snapshot_dir_that_does_not_exist_is_a_missing_snapshot(fake_snapshot, monkeypatch):
    monkeypatch.setenv("SNAPSHOT_DIR", str(fake_snapshot.root / "nowhere"))
    with pytest.raises(MissingSnapshotFileError, match="nowhere"):
        data.prices("^GSPC")


def test_source_snapshot_without_snapshot_dir_is_explained():
    with pytest.raises(MissingSnapshotFileError, match="SNAPSHOT_DIR"):
        data.prices("^GSPC", source="snapshot")


def test_bad_arguments_are_data_errors(fake_snapshot):
    with pytest.raises(DataError, match="field"):
        data.prices("^GSPC", field="close")
    with pytest.raises(DataError, match="join"):
        data.prices("^GSPC", join="left")


def test_fred_series_drops_missing_and_allows_non_positive_yields(fake_snapshot):
    dff = data.fred("DFF")
    assert dff.dtype == float and len(dff) == 2 and dff.name == "DFF"
    assert data.fred("DGS2").min() < 0


def test_french_section_by_title_substring_or_default(fake_snapshot):
    first = data.french("25_Portfolios_5x5")
    assert isinstance(first.index, pd.PeriodIndex) and first.index.freqstr == "M"
    assert np.isnan(first.loc["1926-08", "ME1 BM2"]) and np.isnan(first.loc["1926-09", "BIG HiBM"])
    equal = data.french("25_Portfolios_5x5", "equal weighted returns -- monthly")
    assert equal.iloc[0].tolist() == [1.0, 2.0, 3.0]
    annual = data.french("25_Portfolios_5x5", "Average Value Weighted Returns -- Annual")
    assert annual.index.freqstr.startswith("Y") and len(annual) == 2


def test_french_unknown_or_ambiguous_section_lists_the_titles(fake_snapshot):
    with pytest.raises(DataError, match="Average Equal Weighted Returns -- Monthly"):
        data.french("25_Portfolios_5x5", "Weighted Returns")
    with pytest.raises(DataError, match="no sections"):
        data.french("25_Portfolios_5x5", "nope")


def test_french_daily_factors_come_on_dates(fake_snapshot):
    factors = data.french("F-F_Research_Data_Factors_daily")
    assert isinstance(factors.index, pd.DatetimeIndex) and list(factors.columns)[-1] == "RF"
    assert data.french_sections("F-F_Research_Data_Factors_daily") == ["Daily"]


def test_fomc_decisions_combine_meeting_lists_and_fred_changes(fake_snapshot):
    decisions = data.fomc_decisions()
    # 2001-01-03 was an intermeeting cut (FRED dates it the same day before 2008-12-16);
    # 2025-09-18 in FRED is the day after the 2025-09-17 announcement.
    assert decisions.loc["2001-01-03", "change_bp"] == -50
    assert not decisions.loc["2001-01-03", "listed_meeting"]
    assert decisions.loc["2025-09-17", "change_bp"] == -25
    assert decisions.loc["2025-09-17", "target_after"] == 4.25
    assert decisions.loc["2025-07-30", "change_bp"] == 0
    assert decisions.loc["2001-01-31", "target_after"] == 6.0


def test_sp500_panel_and_members(fake_snapshot):
    panel = data.sp500_prices()
    assert list(panel.columns) == ["AAA", "BBB"] and len(panel) == len(FAKE_DAYS)
    assert data.sp500_members("2025-09-10") == ["AAA", "BBB"]
    assert data.sp500_members("2025-09-22") == ["AAA", "CCC"]
    assert data.sp500_members() == ["AAA", "CCC"]
    with pytest.raises(DateRangeError, match="2025-09-01..2025-10-31"):
        data.sp500_members("2026-01-05")


def test_used_sources_lists_each_loaded_series_with_its_file_hash(fake_snapshot):
    data.prices(["^RUT", "^GSPC"])
    data.fred("DFF")
    used = {u["series"]: u for u in data.used_sources()}
    assert set(used) == {"^RUT", "^GSPC", "fred:DFF"}
    rut = used["^RUT"]
    assert rut["source"] == "snapshot" and rut["origin"].endswith("yahoo/^RUT.csv")
    assert len(rut["sha256"]) == 64 and rut["rows"] == len(FAKE_DAYS)
    assert rut["first"] == f"{FAKE_DAYS[0]:%Y-%m-%d}"


def test_load_core_loads_every_core_series(fake_snapshot, monkeypatch):
    keys = ["^RUT", "fred:DFF", "french:25_Portfolios_5x5", "fomc", "sp500:prices"]
    monkeypatch.setattr(series, "CORE_SERIES", keys)
    loaded = data.load_core()
    assert list(loaded) == keys and all(len(frame) for frame in loaded.values())


def test_coverage_names_file_hash_and_span_per_series(fake_snapshot):
    table = data.coverage(["^RUT", "fred:DFF"])
    assert table.loc["^RUT", "file"] == "yahoo/^RUT.csv"
    assert table.loc["fred:DFF", "rows"] == 3 and len(table.loc["^RUT", "sha256"]) == 64
    assert table.loc["^RUT", "last"] == f"{FAKE_DAYS[-1]:%Y-%m-%d}"


def test_has_series_in_snapshot_mode_follows_the_files(fake_snapshot):
    assert data.has_series("^RUT.alt") and data.has_series("fred:DFF")
    assert not data.has_series("^GSPC.alt") and not data.has_series("IWM")
    pairs = {"yahoo": ("^RUT", "^GSPC"), "alternates": ("^RUT.alt", "^GSPC.alt")}
    assert data.keep_available(pairs) == {"yahoo": ("^RUT", "^GSPC")}


def test_has_series_in_live_mode_without_a_vintage_excludes_snapshot_only_series(live_mode):
    assert data.has_series("^RUT") and data.has_series("fred:DFF")
    assert not data.has_series("^RUT.alt") and not data.has_series("fomc")


def test_used_sources_cite_each_loaded_file_relative_to_the_snapshot(fake_snapshot):
    assert data.used_sources() == []
    data.prices(["^RUT", "^GSPC"])
    used = sorted(data.used_sources(), key=lambda s: s["series"])
    assert [s["file"] for s in used] == ["yahoo/^GSPC.csv", "yahoo/^RUT.csv"]
    assert all(len(s["sha256"]) == 64 and s["source"] == "snapshot" for s in used)


def test_sp500_members_before_the_interval_file_are_rebuilt_from_the_list_and_the_log(
    fake_snapshot,
):
    with pytest.raises(DateRangeError, match="2025-09-01..2025-10-31"):
        data.sp500_members("2025-08-20")  # neither the list nor the log in the data
    fake_snapshot.write_text(
        "sp500/constituents/datasets_constituents_2025-08-12.csv",
        "Symbol,Security\nAAA,A Inc\nBBB,B Inc\nDDD,D Inc\n",
    )
    fake_snapshot.write_text(
        "sp500/constituents/fja05680_sp500_changes_since_2019_asof_2025-11-16.csv",
        "date,add,remove\n2025-06-02,BBB,GGG\n2025-07-01,DDD,EEE\n2025-08-28,,DDD\n"
        "2025-09-22,CCC,BBB\n",
    )
    assert data.sp500_members("2025-08-12") == ["AAA", "BBB", "DDD"]
    assert data.sp500_members("2025-06-30") == ["AAA", "BBB", "EEE"]  # before DDD came in
    assert data.sp500_members("2025-08-29") == ["AAA", "BBB"]  # after the list: DDD left
    assert data.sp500_members("2025-09-22") == ["AAA", "CCC"]  # the interval file from here
    with pytest.raises(DateRangeError, match="back to 2025-06-02"):
        data.sp500_members("2025-05-30")
