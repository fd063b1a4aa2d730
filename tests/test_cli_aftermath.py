"""The `aftermath` command on index files with known runs, written into the fake snapshot."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import yahoo_frame

from helpers.cli import main

# ^RUT beats a flat ^GSPC on "r" days (+1 %) and loses on "g" days (-1 %): runs of 3
# (closes 1-3) and 4 (closes 6-9), then one of 3 still going at the last close.
OUTCOMES = "rrrggrrrrgggggrrr"
DAYS = pd.bdate_range("2024-01-01", periods=len(OUTCOMES) + 1, name="Date")


@pytest.fixture
def indices(fake_snapshot):
    rut = np.cumprod([100.0] + [1.01 if o == "r" else 0.99 for o in OUTCOMES])
    fake_snapshot.write_yahoo("^RUT", yahoo_frame(rut, DAYS))
    fake_snapshot.write_yahoo("^GSPC", yahoo_frame(np.full(len(DAYS), 50.0), DAYS))
    return fake_snapshot


def test_json_lists_each_ended_run_its_windows_and_the_base_rates(indices, capsys):
    assert main(["aftermath", "--min-length", "3", "--horizons", "2,5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(r["start"], r["end"], r["length"]) for r in result["runs"]] == [
        ("2024-01-02", "2024-01-04", 3),
        ("2024-01-09", "2024-01-12", 4),
    ]
    two = next(row for row in result["summary"] if row["horizon"] == 2)
    assert (two["runs_count"], two["runs_a_up"], two["runs_a_beat_b"]) == (2, 0, 0)
    assert two["runs_mean_a"] == pytest.approx((0.99**2 - 1) * 100, abs=0.01)
    assert two["base_count"] == len(DAYS) - 2
    assert result["base_windows"].startswith("base rates: every window")
    window = result["windows"][0]
    assert (window["run_end"], window["horizon"], window["window_end"]) == (
        "2024-01-04",
        2,
        "2024-01-08",
    )


def test_before_leaves_out_later_runs(indices, capsys):
    argv = ["aftermath", "--min-length", "3", "--horizons", "2", "--before", "2024-01-12"]
    assert main([*argv, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["runs"]) == 1


def test_the_table_names_both_series_and_the_base_rates(indices, capsys):
    assert main(["aftermath", "--min-length", "3", "--horizons", "2,5", "--runs"]) == 0
    out = capsys.readouterr().out
    assert "Runs of 3+ sessions in which ^RUT beat ^GSPC: 2" in out
    assert "base ^RUT up %" in out and "beat ^GSPC %" in out
    assert "2024-01-12" in out and "spread +5 pp" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--min-length", "0"], "minimum run length"),
        (["--min-length", "9", "--horizons", "2"], "no run of 9+ sessions"),
        (["--min-length", "3", "--horizons", "0,2"], "horizon(s) [0]"),
        (["--min-length", "3", "--horizons", "40"], "as long as the data"),
        (["--min-length", "3", "--horizons", "2", "--before", "2024-01-03"], "before 2024-01-03"),
        (["--min-length", "3", "--b", "^RUT"], "cannot beat itself"),
        (["--min-length", "3", "--a", "^NOPE"], "^NOPE"),
    ],
)
def test_errors_are_messages_with_exit_code_2(indices, capsys, argv, words):
    assert main(["aftermath", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and "fix" in err


def test_horizons_that_are_not_numbers_are_a_usage_error(indices, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["aftermath", "--min-length", "3", "--horizons", "21,a"])
    assert exit_info.value.code == 2
    assert "not a list of sessions" in capsys.readouterr().err
