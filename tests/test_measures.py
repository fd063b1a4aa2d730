"""The measurement registry and the streak family's measures, on small fixtures built here
(no real data): a row names its measure, the registry finds the one function, and each
measure reads the series and choices its row states."""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import numpy as np
import pandas as pd
import pytest
from conftest import frame_of_wins, make_row

from helpers import data
from helpers.errors import DataError, LedgerError
from helpers.measures import registry
from helpers.measures import streaks as streak_measures
from helpers.measures.reading import Reading

# ------------------------------------------------------------------ the registry


@pytest.mark.parametrize("name", registry.names())
def test_every_registered_measure_is_one_typed_function_of_one_signature(name):
    function = registry.function(name)
    assert function.__name__ == name
    signature = inspect.signature(function)
    (parameter,) = signature.parameters.values()
    assert parameter.annotation == "Reading" and signature.return_annotation == "Measurement"
    assert (function.__doc__ or "").strip(), f"{name} says what it measures"


def test_each_family_module_registers_exactly_its_public_measures():
    for module_name in sorted(set(registry.MEASURES.values())):
        module = importlib.import_module(f"helpers.measures.{module_name}")
        registered = {n for n, m in registry.MEASURES.items() if m == module_name}
        assert set(module.__all__) == registered, module_name


def test_an_unknown_measure_is_a_ledger_error_naming_the_known_ones():
    with pytest.raises(LedgerError, match="no measure 'guess'") as caught:
        registry.function("guess")
    assert "streak_length" in caught.value.fix


def test_the_registry_measures_a_row_by_the_function_its_rule_names(monkeypatch):
    days = pd.bdate_range("2026-01-02", "2026-01-09")
    frame = pd.DataFrame({"A": np.linspace(100, 105, len(days)), "B": 100.0}, index=days)
    monkeypatch.setattr(data, "prices", lambda names, end=None: frame.loc[:end, list(names)])
    row = make_row({"series": ["A", "B"], "measured_by": "streak_length"}, as_of="2026-01-09")
    measured = registry.measure(Reading(row))
    assert measured.value == 5 and measured.evidence_sentence.startswith("A beat B on 5")


def test_a_reading_never_reads_past_the_notebooks_data_end():
    row = make_row({}, as_of="2026-01-14")
    assert Reading(row).until(row.as_of) == "2026-01-14"
    assert Reading(row, data_end="2026-01-09").until(row.as_of) == "2026-01-09"
    assert Reading(row, data_end="2026-02-23").until(row.as_of) == "2026-01-14"


# ------------------------------------------------------------------ streaks


def _serve_prices(monkeypatch, frame: pd.DataFrame, dropna: bool = False) -> list:
    """data.prices() serves the named columns of `frame` up to `end` (without gaps if asked);
    returns the (names, end) it was asked for."""
    asked = []

    def prices(names, end=None, **_):
        asked.append((list(names), end))
        table = frame.loc[:end, list(names)]
        return table.dropna() if dropna else table

    monkeypatch.setattr(data, "prices", prices)
    return asked


@pytest.fixture
def runs_2023(monkeypatch):
    """A beats B in a 4-session run (March 2023), a 3-session run (June 2023) and the
    current 5-session run ending 2024-01-12; prices() serves the named columns up to `end`."""
    days = pd.bdate_range("2023-01-02", "2024-01-12")
    spans = [("2023-03-01", "2023-03-06"), ("2023-06-05", "2023-06-07")]
    frame = frame_of_wins(days, *spans, ("2024-01-08", "2024-01-12"))
    frame["late"] = frame["B"].loc["2023-06-01":]  # a source that starts after the window
    frame["short"] = frame["B"].loc[:"2023-12-29"]  # a source that ends before the claim
    _serve_prices(monkeypatch, frame, dropna=True)
    return frame


def _precedent(**rule) -> Reading:
    claimed = {"value": "2023", "unit": "year", "length": 3}
    return Reading(make_row({"series": ["A", "B"], **rule}, claimed), data_end="2024-01-12")


def test_precedent_readings_change_the_length_a_precedent_must_reach(runs_2023):
    headline = streak_measures.precedent_reached_on(_precedent())
    assert headline.value == "2023-06-07" and headline.series == ("A", "B")
    assert "ran 2023-06-05 to 2023-06-07 (3 sessions)" in headline.evidence_sentence
    assert headline.measured_label.startswith("the session the last earlier run of 3+")
    strict = _precedent(precedent="strictly_longer")
    assert streak_measures.precedent_length(strict.row) == 4
    assert streak_measures.precedent_reached_on(strict).value == "2023-03-06"
    assert streak_measures.precedent_reached_on(_precedent(length=2)).value == "2023-06-06"
    with pytest.raises(DataError, match="no run of 9"):
        streak_measures.precedent_reached_on(_precedent(length=9))


def test_longest_run_in_window_reports_a_run_touching_the_window_whole(runs_2023):
    row = make_row({"series": ["A", "B"], "window": ["2023-03-03", "2023-03-31"]})
    measured = streak_measures.longest_run_in_window(Reading(row, data_end="2024-01-12"))
    assert measured.value == 4  # the March run began before the window: counted in full
    assert measured.details["run"] == {"start": "2023-03-01", "end": "2023-03-06"}
    assert measured.evidence_sentence.startswith("the longest run of A over B touching")
    none = dataclasses.replace(row, rule={**row.rule, "window": ["2023-04-03", "2023-05-31"]})
    with pytest.raises(DataError, match="never beat B"):
        streak_measures.longest_run_in_window(Reading(none))
    late = dataclasses.replace(row, rule={**row.rule, "series": ["A", "late"]})
    with pytest.raises(DataError, match="after the window's start"):
        streak_measures.longest_run_in_window(Reading(late))


def test_record_age_counts_years_to_the_precedent_on_the_rules_series(runs_2023):
    reading = _precedent()
    measured = streak_measures.precedent_age_years(reading)
    assert measured.value == 1 and measured.series == ("A", "B")
    assert measured.details["previous_reached_on"] == "2023-06-07"
    longer = dataclasses.replace(reading.row, claimed={"length": 9})
    with pytest.raises(DataError, match="no run of 9"):
        streak_measures.precedent_age_years(Reading(longer, data_end="2024-01-12"))


def test_longest_earlier_reads_the_rules_start_and_needs_a_source_covering_it(runs_2023):
    row = make_row({"series": ["A", "B"], "start": "2023-01-02"}, {"value": 4, "unit": "s"})
    measured = streak_measures.longest_earlier_run(Reading(row, data_end="2024-01-12"))
    assert measured.value == 4 and measured.series == ("A", "B")
    assert "(2023-03-01 to 2023-03-06)" in measured.evidence_sentence
    later = dataclasses.replace(row, rule={**row.rule, "start": "2023-04-01"})
    assert streak_measures.longest_earlier_run(Reading(later)).value == 3
    late_source = dataclasses.replace(row, rule={**row.rule, "series": ["A", "late"]})
    with pytest.raises(DataError, match="starts 2023-06-01, after the window's start"):
        streak_measures.longest_earlier_run(Reading(late_source))


def test_a_source_ending_before_the_claims_date_is_an_error_not_another_run(runs_2023):
    row = make_row({"series": ["A", "short"]}, {"value": "2023", "unit": "year", "length": 3})
    with pytest.raises(DataError, match="before the claim's date"):
        streak_measures.precedent_reached_on(Reading(row, data_end="2024-01-12"))


def test_streak_readings_measure_the_series_each_source_names(monkeypatch):
    days = pd.bdate_range("2026-01-02", "2026-01-16")
    a = pd.Series(np.linspace(100, 110, len(days)), days)  # A beats B every session
    frame = pd.DataFrame({"A": a, "B": 100.0, "C": a * 1.01 ** np.arange(len(days))}, days)
    _serve_prices(monkeypatch, frame)
    row = make_row({"series": ["A", "B"]}, as_of="2026-01-09")
    assert streak_measures.streak_length(Reading(row, "2026-01-16")).value == 5
    started = streak_measures.streak_start(Reading(row, "2026-01-16"))
    assert started.value == "2026-01-05" and "began on 2026-01-05" in started.evidence_sentence
    flipped = dataclasses.replace(row, rule={"series": ["A", "C"]})
    measured = streak_measures.streak_length(Reading(flipped, "2026-01-16"))
    assert measured.value == 0 and measured.series == ("A", "C")
    assert measured.evidence_sentence == "A did not beat C on 2026-01-09 (C led that session)"


def test_first_day_margin_is_the_runs_first_session_gap(monkeypatch):
    days = pd.bdate_range("2026-01-01", "2026-01-09")
    frame = pd.DataFrame(
        {"A": [100.0, 100.0, 101.5, 102.0, 103.0, 104.0, 105.0], "B": 100.0}, index=days
    )
    _serve_prices(monkeypatch, frame)
    row = make_row({"series": ["A", "B"]}, as_of="2026-01-09")
    measured = streak_measures.first_day_margin(Reading(row, "2026-01-09"))
    assert measured.details["first_session"] == "2026-01-05"
    assert measured.value == pytest.approx(1.5)


def test_down_days_check_every_fall_of_the_second_series_inside_the_run(monkeypatch):
    days = pd.bdate_range("2025-12-29", periods=6)
    frame = pd.DataFrame(
        {
            "A": [100.0, 100, 101, 101.5, 102, 101],  # A leads 12-31, 01-01, 01-02
            "B": [100.0, 101, 100, 100.2, 99, 99.5],
        },
        index=days,
    )
    asked = _serve_prices(monkeypatch, frame)
    row = make_row({"series": ["A", "B"]}, {"value": True, "unit": "bool"}, as_of="2026-01-02")
    measured = streak_measures.resilient_on_down_days(Reading(row, "2026-02-23"))
    assert measured.value is True and measured.series == ("A", "B")
    assert measured.details["sessions"] == 2  # B fell on 12-31 and 01-02, A rose both days
    assert asked == [(["A", "B"], "2026-01-02")]  # to the claim's own close
    assert [f["Date"] for f in measured.details["falls"]] == list(
        pd.to_datetime(["2025-12-31", "2026-01-02"])
    )
    assert measured.evidence_sentence == (
        "B fell on 2 of the run's sessions (2025-12-31, 2026-01-02); A did better on 2 of them"
    )


def test_monthly_rows_resolve_length_from(monkeypatch):
    months = pd.date_range("2020-01-31", "2025-12-31", freq="ME")
    # A wins every month of 2021 (12) and Feb-Dec 2025 (11), loses every other month
    frame = frame_of_wins(months, ("2021-01", "2021-12"), ("2025-02", "2025-12"))
    _serve_prices(monkeypatch, frame)
    rule = {"series": ["A", "B"], "window": ["2025-02", "2025-12"], "length_from": "window"}
    row = make_row(rule, {"value": [3.0, 4.0], "unit": "years", "length": 12}, "2025-12-31")
    won = streak_measures.winning_months(Reading(row))
    assert won.value == 11 and won.evidence_sentence == (
        "A beat B in 11 of the 11 months 2025-02 to 2025-12"
    )
    by_window = streak_measures.years_since_monthly_run(Reading(row))
    assert by_window.value == 4.0 and by_window.details["min_length"] == 11
    claimed = dataclasses.replace(row, rule={**rule, "length_from": "claimed"})
    assert streak_measures.monthly_run_length(claimed, 11) == 12
    # no earlier run of 13: the data's span, flagged as a lower bound
    longer = dataclasses.replace(claimed, claimed={"value": [1, 2], "length": 13})
    lower = streak_measures.years_since_monthly_run(Reading(longer))
    assert lower.details["lower_bound"] and lower.details["precedent"] is None
    assert lower.evidence_sentence.startswith("no earlier run of 13+ winning months")


def test_the_cli_lists_every_measure_with_what_it_measures(capsys):
    from helpers.cli import main

    assert main(["claims", "measures"]) == 0
    out = capsys.readouterr().out
    assert f"{len(registry.MEASURES)} measure(s)" in out
    line = next(line for line in out.splitlines() if line.startswith("streak_length "))
    assert "streaks" in line and "The sessions the first series has beaten" in line
