"""Quality detectors, cross-source comparison and reconciliation on hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import FAKE_DAYS, FRED_GLITCH_DAY, ODD_VOLUME_DAY, STALE_AT, STALE_DAY, yahoo_frame

from helpers import data
from helpers.data import quality


def closes(values, days=None) -> pd.Series:
    days = FAKE_DAYS[: len(values)] if days is None else days
    return pd.Series(np.asarray(values, dtype=float), index=days)


def test_volume_zero_rule_needs_an_index_file_that_normally_has_volume():
    frame = yahoo_frame(np.full(len(FAKE_DAYS), 10.0))
    frame.iloc[50, frame.columns.get_loc("Volume")] = 0
    flags = quality.volume_zero_rows(frame, "^RUT")
    assert flags["date"].tolist() == [FAKE_DAYS[50]] and flags["flag"].iloc[0] == "volume_zero"
    assert quality.volume_zero_rows(frame, "IWM").empty  # not an index
    mostly_zero = frame.assign(Volume=0.0)
    mostly_zero.iloc[:5, mostly_zero.columns.get_loc("Volume")] = 100
    assert quality.volume_zero_rows(mostly_zero, "^TNX").empty  # zeros are normal there


def test_odd_volume_rule_needs_a_round_lot_file():
    frame = yahoo_frame(np.full(len(FAKE_DAYS), 10.0), volume=1_000_000)
    frame.iloc[7, frame.columns.get_loc("Volume")] = 1_234_567
    flags = quality.odd_volume_rows(frame, "SPY")
    assert flags["date"].tolist() == [FAKE_DAYS[7]] and "1234567" in flags["detail"].iloc[0]
    ragged = frame.assign(Volume=np.arange(len(FAKE_DAYS)) * 7 + 1)
    assert quality.odd_volume_rows(ragged, "SPY").empty


def test_compare_pair_flags_level_gaps_above_tolerance_only():
    a = closes(np.linspace(100, 110, 20))
    b = a.copy()
    b.iloc[5] *= 1.0004
    b.iloc[9] *= 1.0006
    found = quality.compare_pair(a, b, "alt")
    assert found.index.tolist() == [FAKE_DAYS[9]]
    assert bool(found["close_disagrees"].iloc[0]) and not found["sign_disagrees"].iloc[0]


def test_compare_pair_flags_sign_of_the_move():
    a = closes([100, 101, 101.00, 102])
    b = closes([100, 101, 100.99, 102])
    found = quality.compare_pair(a, b, "alt")
    assert found.index.tolist() == [FAKE_DAYS[2]]
    assert (found["move"].iloc[0], found["alternate_move"].iloc[0]) == ("flat", "down")


def test_files_on_another_price_basis_are_compared_by_sign_only():
    a = closes([100, 101, 102, 103])
    found = quality.compare_pair(a, a * 0.97, "adjusted")
    assert found.empty
    assert not quality.same_basis(a, a * 0.97) and quality.same_basis(a, a.round(2))


def test_compare_sources_on_the_fake_snapshot(fake_snapshot):
    rut = data.compare_sources("^RUT")
    assert rut.index.tolist() == [STALE_DAY]
    assert rut["alternate"].iloc[0] == "^RUT.alt" and rut["close_disagrees"].iloc[0]
    gspc = data.compare_sources("^GSPC")
    assert gspc.index.tolist() == [FRED_GLITCH_DAY] and gspc["alternate"].iloc[0] == "^GSPC.alt3"


def test_compare_sources_without_alternates_is_empty(fake_snapshot):
    assert data.compare_sources("SPY").empty


def test_reconciled_close_replaces_only_the_stale_row(fake_snapshot):
    raw = data.prices("^RUT")["^RUT"]
    fixed = data.reconciled_close("^RUT")
    assert fixed[STALE_DAY] == pytest.approx(fake_snapshot.rut_final[STALE_AT])
    assert raw[STALE_DAY] != fixed[STALE_DAY]
    assert fixed.drop(STALE_DAY).equals(raw.drop(STALE_DAY))


def test_reconciled_close_keeps_a_disagreement_that_is_not_an_appended_row(fake_snapshot):
    raw = data.prices("^GSPC")["^GSPC"]
    assert data.reconciled_close("^GSPC").equals(raw)  # FRED glitch: ^GSPC's own row is fine


def test_quality_report_has_one_row_per_flag_with_its_rule(fake_snapshot):
    report = data.quality_report(["^RUT", "^RUT.alt", "^GSPC", "SPY"])
    assert list(report.columns) == quality.FLAG_COLUMNS
    found = set(zip(report["series"], report["date"], report["flag"], strict=True))
    assert found == {
        ("^RUT", STALE_DAY, "volume_zero"),
        ("^RUT", STALE_DAY, "close_disagrees"),
        ("^RUT", STALE_DAY, "stale_close"),
        ("^GSPC", FRED_GLITCH_DAY, "close_disagrees"),
        ("SPY", ODD_VOLUME_DAY, "odd_volume"),
    }
    assert report["rule"].str.len().min() > 40


def test_source_agreement_counts_disagreements_per_alternate(fake_snapshot):
    table = data.source_agreement("^RUT")
    assert table.index.tolist() == ["^RUT.alt"]
    row = table.loc["^RUT.alt"]
    assert row["common_days"] == len(FAKE_DAYS) and row["same_basis"]
    assert (row["close_disagreements"], row["sign_disagreements"]) == (1, 0)
    assert row["max_abs_rel_diff"] == pytest.approx(0.001, rel=1e-3)
