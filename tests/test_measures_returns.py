"""The returns family's measures (notebook 03) on hand-made closes: each reads the series,
file, base and window its row states, and the measures that notebook 03 used to compute
itself (ranks of starts, records, the fastest gain, the first back-to-back losses, a spread
over a window) now come from the package with their evidence."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from conftest import make_row

from helpers import data
from helpers.errors import DataError, ValidationError
from helpers.measures import returns as measures
from helpers.measures.reading import Reading

DAYS = pd.to_datetime(
    ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05", "2026-01-06"]
)
CLOSES = pd.Series([120.0, 90.0, 100.0, 95.0, 94.0, 110.0], index=DAYS, name="X")


def _serve(monkeypatch, closes: dict[str, pd.Series]) -> list[str]:
    """The data layer over hand-made closes: prices() of any key, a benchmark table of a
    `file:` key; returns the keys asked for."""
    asked: list[str] = []

    def prices(tickers, end=None, field="Close", join="inner", **_):
        names = [tickers] if isinstance(tickers, str) else list(tickers)
        asked.extend(names)
        return pd.concat({n: closes[n] for n in names}, axis=1, join=join).loc[:end]

    def snapshot_table(path):
        series = closes[f"file:{path}"]
        return pd.DataFrame({"Date": series.index, "Adj Close": series.to_numpy()})

    monkeypatch.setattr(data, "prices", prices)
    monkeypatch.setattr(data, "has_series", lambda key: key in closes)
    monkeypatch.setattr(data, "snapshot_table", snapshot_table)
    return asked


def _reading(rule: dict, as_of: str = "2026-01-09", data_end: str | None = None) -> Reading:
    row = make_row(rule, {"value": 5.0, "unit": "percent"}, as_of, family="return")
    return Reading(row, data_end=data_end)


# ------------------------------------------------------------------ files


def test_etf_closes_come_from_the_benchmark_files_when_the_snapshot_has_them(fake_snapshot):
    for ticker, scale in (("RSP", 1.0), ("SPY", 3.0)):
        table = pd.DataFrame(
            {"Date": [d.date().isoformat() for d in DAYS], "Adj Close": CLOSES.to_numpy() * scale}
        )
        fake_snapshot.write_text(f"sp500/benchmarks/{ticker}.csv", table.to_csv(index=False))
    closes = measures.etf_adjusted_closes(["RSP", "SPY"])
    assert list(closes.columns) == ["RSP", "SPY"]
    assert closes["SPY"].tolist() == pytest.approx((CLOSES * 3).tolist())
    assert any("benchmarks/RSP.csv" in s["origin"] for s in data.used_sources())


def test_etf_closes_fall_back_to_adjusted_yahoo_closes_without_benchmark_files(monkeypatch):
    asked = {}

    def fake_prices(tickers, field="Close"):
        asked.update(tickers=tickers, field=field)
        return pd.DataFrame({t: CLOSES for t in tickers})

    monkeypatch.setattr(data, "has_series", lambda key: False)
    monkeypatch.setattr(data, "prices", fake_prices)
    closes = measures.etf_adjusted_closes(["RSP"])
    assert asked == {"tickers": ["RSP"], "field": "Adj Close"}
    assert closes["RSP"].equals(CLOSES)


def test_etf_names_read_the_benchmark_files_only_when_the_row_says_so(monkeypatch):
    assert measures.source_key("RSP") == "RSP"
    assert measures.source_key("RSP", "sp500_benchmarks") == "file:sp500/benchmarks/RSP.csv"
    assert measures.source_key("^GSPC", "sp500_benchmarks") == "^GSPC"  # no ETF file
    with pytest.raises(ValidationError, match="etf_file"):
        measures.source_key("RSP", "adjusted")
    rsp = pd.Series([10.0, 11.0], pd.to_datetime(["2025-12-31", "2026-01-05"]))
    _serve(monkeypatch, {"file:sp500/benchmarks/RSP.csv": rsp})
    reading = _reading({"series": ["RSP"], "etf_file": "sp500_benchmarks"}, "2026-01-05")
    measured = measures.change_to_date(reading)
    assert measured.value == pytest.approx(10.0)
    assert measured.series == ("file:sp500/benchmarks/RSP.csv",)


def test_the_ledger_vocabulary_names_the_etf_files_this_module_reads():
    from helpers.claims.ledger import RULE_CHOICES

    assert set(RULE_CHOICES["etf_file"]) == set(measures.ETF_FILES)


# ------------------------------------------------------------------ changes


def test_change_to_date_reads_base_and_series_from_the_reading(monkeypatch):
    days = pd.bdate_range("2025-12-26", "2026-01-09")
    rut = pd.Series([100.0, 99, 98, 99, 100, 101, 102, 103, 104, 105, 106], days[:11])
    spx = pd.Series(100.0, index=rut.index)
    _serve(monkeypatch, {"^RUT": rut, "^GSPC": spx})
    reading = _reading({"series": ["^RUT"], "base": "year_end"})
    year_end = measures.change_to_date(reading)
    assert year_end.value == pytest.approx(106 / 99 * 100 - 100)
    assert year_end.series == ("^RUT",)  # a year-end return reads no margin
    assert year_end.evidence_sentence == (
        "^RUT changed +7.07 % from the 2025-12-31 close to the 2026-01-09 close"
    )
    run_row = dataclasses.replace(reading.row, rule={**reading.row.rule, "base": "run_start"})
    over_run = measures.change_to_date(Reading(run_row))
    assert over_run.details["base"] == "run_start"
    assert over_run.value == pytest.approx(106 / 98 * 100 - 100)
    assert over_run.series == ("^RUT", "^GSPC")  # the run is found on both
    assert "before the run that began 2025-12-31" in over_run.evidence_sentence


def test_change_to_date_cites_the_source_a_reading_names(monkeypatch):
    days = pd.bdate_range("2025-12-30", "2026-01-06")
    alt = pd.Series([50.0, 40.0, 41.0, 42.0, 44.0, 46.0], days)
    etf = pd.Series([5.0, 4.0, 4.2, 4.4, 4.6, 4.8], days)
    asked = _serve(monkeypatch, {"^RUT.alt": alt, "IWM.alt2": etf})
    reading = _reading({"series": ["^RUT.alt", "IWM.alt2"]}, "2026-01-06")  # base: year_end
    spread = measures.change_to_date(reading)
    assert spread.value == pytest.approx((46 / 40 - 1) * 100 - (4.8 / 4 - 1) * 100)
    assert spread.series == ("^RUT.alt", "IWM.alt2") and asked == ["^RUT.alt", "IWM.alt2"]
    assert spread.evidence_sentence.startswith("^RUT.alt minus IWM.alt2 came to")


def test_change_over_window_is_the_spread_between_the_windows_closes(monkeypatch):
    days = pd.bdate_range("2025-01-30", "2025-12-31")
    a = pd.Series(100.0, index=days)
    a.loc["2025-12-31"] = 110.0
    _serve(monkeypatch, {"A": a, "B": pd.Series(100.0, index=days)})
    reading = _reading({"series": ["A", "B"], "window": ["2025-01-31", "2025-12-31"]})
    measured = measures.change_over_window(reading)
    assert measured.value == pytest.approx(10.0) and measured.series == ("A", "B")
    assert measured.details == {"start": "2025-01-31", "end": "2025-12-31"}


# ------------------------------------------------------------------ highs and records


def test_highest_close_takes_the_years_best_close_of_the_one_series(monkeypatch):
    days = pd.to_datetime(["2025-12-30", "2026-01-02", "2026-01-05", "2026-01-06"])
    _serve(monkeypatch, {"IWM.alt2": pd.Series([300.0, 250.0, 268.0, 260.0], days)})
    measured = measures.highest_close_this_year(_reading({"series": ["IWM.alt2"]}, "2026-01-06"))
    assert measured.value == 268.0  # the 2025 close is outside the year
    assert measured.details["date"] == pd.Timestamp("2026-01-05")
    assert measured.series == ("IWM.alt2",)


def test_a_new_high_must_beat_every_earlier_close(monkeypatch):
    _serve(monkeypatch, {"X": CLOSES})
    reading = _reading({"series": ["X"]}, "2026-01-06")
    measured = measures.new_high_this_year(reading)
    assert measured.value is False  # 110 never beats the 120 of 2025-12-29
    assert measured.details["earlier_high"] == 120.0
    assert measured.evidence_sentence.startswith("no close of 2026 to 2026-01-06 beat")
    higher = CLOSES.copy()
    higher.iloc[-1] = 125.0
    _serve(monkeypatch, {"X": higher})
    assert measures.new_high_this_year(reading).value is True
    in_sessions = dataclasses.replace(reading.row, rule={"series": ["X"], "sessions": 2})
    found = measures.new_high_in_sessions(Reading(in_sessions))
    assert found.value is True and found.details["window_start"] == pd.Timestamp("2026-01-05")
    assert found.evidence_sentence == (
        "record closes on 2026-01-06 in the 2 sessions 2026-01-05 to 2026-01-06"
    )


# ------------------------------------------------------------------ starts and short windows


def test_start_of_year_rank_and_years_since_as_good(monkeypatch):
    years = range(2020, 2027)
    gains = {2020: 1.0, 2021: 5.0, 2022: -2.0, 2023: 4.0, 2024: 0.5, 2025: 2.0, 2026: 4.5}
    pieces = []
    for year in years:
        pieces.append(pd.Series([100.0], index=[pd.Timestamp(year - 1, 12, 31)]))
        days = pd.bdate_range(f"{year}-01-02", periods=3)
        pieces.append(pd.Series([100.0, 100 + gains[year] / 2, 100 + gains[year]], index=days))
    a = pd.concat(pieces).sort_index()
    _serve(monkeypatch, {"A": a, "B": pd.Series(100.0, index=a.index)})
    as_of = a.index[-1].date().isoformat()  # the third session of 2026
    rank = measures.start_of_year_spread_rank(
        _reading({"series": ["A", "B"], "first_year": 2020}, as_of)
    )
    assert rank.value == 2 and rank.details["sessions"] == 3  # 2021 (5.0) was better
    assert rank.details["by_year"][2026] == pytest.approx(4.5)
    own = measures.start_of_year_spread_rank(_reading({"series": ["A"], "first_year": 2020}, as_of))
    assert own.value == 2 and own.series == ("A",)  # one series: its own return is ranked
    assert own.evidence_sentence.startswith("A returned +4.50 % over the first 3 sessions")
    years_since = measures.years_since_as_good_start(
        _reading({"series": ["A"], "first_year": 2020}, as_of)
    )
    assert years_since.value == 5  # 2021 was the last start at least as good
    assert "the last start as good: 2021" in years_since.evidence_sentence


def test_largest_gain_and_first_back_to_back_losses(monkeypatch):
    _serve(monkeypatch, {"X": CLOSES})
    gain = measures.largest_gain_into_date(_reading({"series": ["X"], "sessions": 4}, "2026-01-06"))
    assert gain.value == pytest.approx((110 / 90 - 1) * 100)
    assert gain.details["base_close_date"] == pd.Timestamp("2025-12-30")
    losses = measures.first_back_to_back_losses(_reading({"series": ["X"]}, "2026-01-06"))
    assert losses.value == "2026-01-05" and losses.measured_label.startswith("the second")
    _serve(monkeypatch, {"X": CLOSES.loc[:"2026-01-02"]})
    with pytest.raises(DataError, match="no two back-to-back down closes in 2026"):
        measures.first_back_to_back_losses(_reading({"series": ["X"]}, "2026-01-02"))


def test_rsi_at_date_reads_the_rules_sessions_and_method(monkeypatch):
    days = pd.bdate_range("2025-12-01", periods=20)
    rising = pd.Series(range(100, 120), index=days, dtype=float)
    _serve(monkeypatch, {"^RUT": rising})
    rule = {"series": ["^RUT"], "sessions": 5, "method": "sma_rsi"}
    measured = measures.rsi_at_date(_reading(rule, days[-1].date().isoformat()))
    assert measured.value == 100.0 and measured.details["method"] == "sma_rsi"
    assert measured.evidence_sentence.startswith(
        "the 5-session RSI of ^RUT (simple averages) was 100.0"
    )
    falling = pd.Series([*range(100, 115), 110, 105, 100, 95, 90], index=days, dtype=float)
    _serve(monkeypatch, {"^RUT": falling})
    week = {**rule, "method": "wilder_rsi", "highest_within": 5}
    peak = measures.rsi_at_date(_reading(week, days[-1].date().isoformat()))
    at_close = measures.rsi_at_date(_reading({**week, "highest_within": 1}, days[-1].isoformat()))
    assert peak.details["session"] == days[-5].date().isoformat()  # the week's first session
    assert peak.value > at_close.value and "at its highest of the 5 sessions" in (
        peak.evidence_sentence
    )


def test_first_back_to_back_losses_read_the_file_the_rule_names(monkeypatch):
    """An ETF source reading (the sp500/benchmarks adjusted file) finds its own first pair
    of losses; the evidence names both sessions and their changes."""
    fund = pd.Series([100.0, 100, 100, 99.0, 98.5, 99.0], index=DAYS)
    _serve(monkeypatch, {"^GSPC": CLOSES, "file:sp500/benchmarks/IVV.csv": fund})
    index = measures.first_back_to_back_losses(_reading({"series": ["^GSPC"]}, "2026-01-06"))
    ivv = measures.first_back_to_back_losses(
        _reading({"series": ["IVV"], "etf_file": "sp500_benchmarks"}, "2026-01-06")
    )
    assert index.value == "2026-01-05" and ivv.value == "2026-01-05"
    assert ivv.series == ("file:sp500/benchmarks/IVV.csv",)
    assert "on 2026-01-02 (-1.00 %) and 2026-01-05 (-0.51 %)" in ivv.evidence_sentence
    assert ivv.details["daily_change_pct"]["2026-01-06"] == pytest.approx(0.5076, abs=1e-4)
