"""Checks against the real snapshot (SNAPSHOT_DIR): the documented defects are found by rule."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import data

pytestmark = pytest.mark.snapshot


def test_rut_intraday_rows_and_the_one_stale_close():
    report = data.quality_report(["^RUT"])
    flags = report.groupby("flag")["date"].apply(list)
    assert len(flags["volume_zero"]) == 17
    assert flags["stale_close"] == [pd.Timestamp("2025-09-08")]


def test_rut_reconciled_close_takes_the_final_value_from_the_alternate():
    fixed = data.reconciled_close("^RUT")
    raw = data.prices("^RUT")["^RUT"]
    alt = data.prices("^RUT.alt")["^RUT.alt"]
    changed = fixed.index[fixed != raw]
    assert changed.tolist() == [pd.Timestamp("2025-09-08")]
    assert fixed[changed[0]] == alt[changed[0]]


def test_gspc_disagrees_with_fred_on_one_day_and_never_on_sign():
    found = data.compare_sources("^GSPC")
    assert found["sign_disagrees"].sum() == 0
    assert found.loc[found["close_disagrees"], "alternate"].tolist() == ["^GSPC.alt3"]
    assert found.index[found["close_disagrees"]].tolist() == [pd.Timestamp("2021-08-11")]


def test_alitalbi_etf_files_show_the_appended_rows():
    report = data.quality_report(["SPY", "IWM"])
    odd = report[report["flag"] == "odd_volume"].groupby("series")["date"].apply(list)
    assert odd["SPY"] == odd["IWM"] and len(odd["SPY"]) == 14


def test_every_core_series_loads_and_validates():
    loaded = data.load_core()
    assert set(loaded) == set(data.CORE_SERIES)
    assert all(len(frame) > 0 for frame in loaded.values())


def test_french_sections_parse_with_missing_markers_as_nan():
    monthly = data.french("25_Portfolios_5x5", "Average Value Weighted Returns -- Monthly")
    assert monthly.shape[1] == 25 and str(monthly.index[0]) == "1926-07"
    assert not (monthly == -99.99).any().any()


def test_fomc_rate_changes_in_2025_land_on_announcement_days():
    decisions = data.fomc_decisions().loc["2025"]
    cuts = decisions[decisions["change_bp"] != 0]
    expected = pd.to_datetime(["2025-09-17", "2025-10-29", "2025-12-10"])
    assert cuts.index.equals(pd.DatetimeIndex(expected, name="Date"))
    assert cuts["listed_meeting"].all()
