"""`streak` and `records` commands on a tiny fake snapshot built in tmp_path."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import write_checksums

from helpers.cli import main

# Closes on business days Mon 2024-01-01 .. Fri 01-12; outcomes from the second close on:
# ^RUT wins Jan 2-4, ^GSPC wins Fri Jan 5 and Mon Jan 8, ^RUT wins Jan 9-12.
OUTCOMES = "rrrggrrrr"


def write_yahoo_csv(folder, ticker: str, closes: np.ndarray) -> None:
    dates = pd.bdate_range("2024-01-01", periods=len(closes), name="Date")
    frame = pd.DataFrame(
        {
            "Open": closes,
            "High": closes,
            "Low": closes,
            "Close": closes,
            "Adj Close": closes,
            "Volume": 1000,
        },
        index=dates,
    )
    frame.to_csv(folder / f"{ticker}.csv")


@pytest.fixture
def fake_snapshot(tmp_path, monkeypatch):
    yahoo = tmp_path / "snapshot" / "yahoo"
    yahoo.mkdir(parents=True)
    rut = np.cumprod([100.0] + [1.01 if o == "r" else 0.99 for o in OUTCOMES])
    write_yahoo_csv(yahoo, "^RUT", rut)
    write_yahoo_csv(yahoo, "^GSPC", np.full(len(rut), 50.0))
    write_checksums(tmp_path / "snapshot")
    monkeypatch.setenv("SNAPSHOT_DIR", str(tmp_path / "snapshot"))
    monkeypatch.setenv("SMALLCAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SMALLCAP_DATA", raising=False)
    return tmp_path


def run_json(capsys, *argv: str):
    return json.loads(run_text(capsys, *argv, "--json"))


def run_text(capsys, *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0
    return out


def test_streak_on_a_trading_day(fake_snapshot, capsys):
    result = run_json(capsys, "streak", "--as-of", "2024-01-10")
    assert result == {
        "as_of": "2024-01-10",
        "as_of_used": "2024-01-10",
        "leader": "^RUT",
        "length": 2,
        "start": "2024-01-09",
    }


def test_streak_on_a_weekend_uses_the_last_close_before_it(fake_snapshot, capsys):
    result = run_json(capsys, "streak", "--as-of", "2024-01-07")
    assert (result["as_of_used"], result["leader"], result["length"]) == ("2024-01-05", "^GSPC", 1)


def test_streak_with_the_pair_reversed_names_the_other_leader(fake_snapshot, capsys):
    result = run_json(capsys, "streak", "--as-of", "2024-01-04", "--a", "^GSPC", "--b", "^RUT")
    assert (result["leader"], result["length"]) == ("^RUT", 3)


def test_records_lists_runs_oldest_first(fake_snapshot, capsys):
    assert run_json(capsys, "records", "--min-length", "3") == [
        {"start": "2024-01-02", "end": "2024-01-04", "length": 3, "leader": "^RUT"},
        {"start": "2024-01-09", "end": "2024-01-12", "length": 4, "leader": "^RUT"},
    ]
    ours = run_json(capsys, "records", "--min-length", "2", "--leader", "^GSPC")
    assert [r["length"] for r in ours] == [2]
    late = run_json(capsys, "records", "--min-length", "1", "--start", "2024-01-10")
    assert [r["start"] for r in late] == ["2024-01-09"]


def test_streak_prints_a_table_for_people_by_default(fake_snapshot, capsys):
    assert run_text(capsys, "streak", "--as-of", "2024-01-07").splitlines() == [
        "close     2024-01-05 (the last close on or before 2024-01-07)",
        "leader    ^GSPC (beat ^RUT)",
        "sessions  1",
        "since     2024-01-05",
    ]


def test_records_prints_a_table_for_people_by_default(fake_snapshot, capsys):
    assert run_text(capsys, "records", "--min-length", "3").splitlines() == [
        "2 runs of 3 sessions or more:",
        "     start        end  sessions leader",
        "2024-01-02 2024-01-04         3   ^RUT",
        "2024-01-09 2024-01-12         4   ^RUT",
    ]
    assert run_text(capsys, "records", "--min-length", "5") == "no run of 5 sessions or more\n"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["streak", "--as-of", "2030-01-01"], "outside"),
        (["streak", "--as-of", "2024-01-01"], "outside"),  # first close: no outcome yet
        (["streak", "--as-of", "2024-01-05", "--a", "^NOPE"], "^NOPE"),
        (["streak", "--as-of", "2024-01-05", "--b", "^RUT"], "cannot beat itself"),
        (["records", "--min-length", "3", "--leader", "SPY"], "neither"),
        (["records", "--min-length", "0"], "min-length"),
        (["records", "--min-length", "3", "--start", "2031-01-01"], "misses"),
        (
            ["records", "--min-length", "1", "--start", "2024-01-10", "--end", "2024-01-02"],
            "--start 2024-01-10 is after --end 2024-01-02",
        ),
        (["streak", "--as-of", "2024-01-05", "--b", "fred:DFF"], "--b fred:DFF is a FRED series"),
        (
            ["records", "--min-length", "3", "--a", "french:25_Portfolios_5x5"],
            "--a french:25_Portfolios_5x5 is a Ken French file",
        ),
    ],
)
def test_errors_are_messages_with_exit_code_2(fake_snapshot, capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "fix" in err


@pytest.mark.parametrize("text", ["15/01/2026x", "", "2026", "20240105", "2024-02-30"])
def test_a_date_that_is_not_a_real_yyyy_mm_dd_is_a_usage_error(fake_snapshot, capsys, text):
    with pytest.raises(SystemExit) as exit_info:
        main(["streak", "--as-of", text])
    assert exit_info.value.code == 2
    assert f"{text!r} is not a date" in capsys.readouterr().err
