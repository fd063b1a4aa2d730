"""The committed reference tables (data/reference/): their readers on small fixture texts, and
the transcribed tables against the summary figures their publishers print."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import data
from helpers.data import reference
from helpers.errors import DataError, ValidationError

HEADER = "# a transcribed table\n# source: somewhere public\n"


def test_nber_rows_become_months_with_the_first_peak_missing():
    text = HEADER + "peak,trough\n,1854-12\n1857-06,1858-12\n"
    cycles = reference.parse_nber_cycles(text)
    assert pd.isna(cycles["peak"].iloc[0])
    assert cycles["trough"].tolist() == [pd.Period("1854-12", "M"), pd.Period("1858-12", "M")]
    assert cycles["peak"].iloc[1] == pd.Period("1857-06", "M")


@pytest.mark.parametrize(
    "rows, words",
    [
        (",1854-12\n1857-6x,1858-12\n", "line 5"),  # header 2 lines, column names line 3
        (",1854-12\n1859-06,1858-12\n", "do not alternate"),  # a peak after its trough
        (",1854-12\n1854-06,1858-12\n", "do not alternate"),  # a peak before the last trough
        (",1854-12\n,1858-12\n", "do not alternate"),  # a second row without a peak
    ],
)
def test_nber_errors_name_the_problem_and_the_fix(rows, words):
    with pytest.raises(ValidationError) as error:
        reference.parse_nber_cycles(HEADER + "peak,trough\n" + rows)
    assert words in str(error.value) and "fix" in str(error.value)


def test_the_committed_nber_table_gives_the_averages_the_nber_publishes():
    cycles = data.nber_cycles()
    contractions = (cycles["trough"] - cycles["peak"]).dropna().map(lambda gap: gap.n)
    troughs, next_peaks = cycles["trough"].iloc[:-1], cycles["peak"].iloc[1:]
    expansions = [(peak - trough).n for trough, peak in zip(troughs, next_peaks, strict=True)]
    assert len(contractions) == 34  # 34 cycles, 1854-2020
    assert contractions.mean() == pytest.approx(17.0, abs=0.05)
    assert sum(expansions) / len(expansions) == pytest.approx(41.4, abs=0.05)
    since_1945 = cycles["peak"] >= pd.Period("1948-01", "M")
    assert contractions[since_1945].mean() == pytest.approx(10.3, abs=0.05)
    assert sum(expansions[-12:]) / 12 == pytest.approx(64.2, abs=0.05)
    assert cycles.iloc[-1].tolist() == [pd.Period("2020-02", "M"), pd.Period("2020-04", "M")]


def test_fomc_fixture_parses_and_rejects_a_bad_date():
    days = reference.parse_fomc_scheduled(HEADER + "date\n2025-01-29\n2025-03-19\n")
    assert list(days) == [pd.Timestamp("2025-01-29"), pd.Timestamp("2025-03-19")]
    with pytest.raises(ValidationError, match="line 5"):
        reference.parse_fomc_scheduled(HEADER + "date\n2025-01-29\n2025-13-19\n")
    with pytest.raises(ValidationError, match="out of order"):
        reference.parse_fomc_scheduled(HEADER + "date\n2025-03-19\n2025-01-29\n")
    nine = "\n".join(f"2025-{month:02d}-10" for month in range(1, 10))
    with pytest.raises(ValidationError, match="more than eight"):
        reference.parse_fomc_scheduled(HEADER + "date\n" + nine + "\n")


def test_the_committed_fomc_calendar_has_eight_meetings_a_year_but_seven_in_2020():
    days = data.fomc_scheduled()
    per_year = days.year.value_counts()
    assert len(days) == 207 and days[0].year == 2000 and days[-1].year == 2025
    assert per_year.drop(2020).eq(8).all() and per_year[2020] == 7
    assert pd.Timestamp("2020-03-18") not in days  # replaced by the 15 March emergency meeting
    assert (days.day_of_week < 5).all()


def test_reading_a_table_cites_it_in_used_sources():
    data.nber_cycles()
    cited = {entry["series"]: entry for entry in data.used_sources()}
    entry = cited["reference:nber_business_cycles"]
    assert entry["file"] == "data/reference/nber_business_cycles.csv"
    assert len(entry["sha256"]) == 64 and entry["first"] == "1854-12"


def test_a_missing_table_is_an_error_that_says_how_to_restore_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SMALLCAP_ROOT", str(tmp_path))
    with pytest.raises(DataError, match="git checkout -- data/reference/"):
        data.nber_cycles()


@pytest.mark.snapshot
def test_every_scheduled_meeting_is_in_the_snapshots_meeting_lists():
    decisions = data.fomc_decisions()
    listed = decisions.index[decisions["listed_meeting"]]
    assert data.fomc_scheduled().difference(listed).empty
