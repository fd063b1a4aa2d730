"""Pinned verdicts (data/vintage/verdicts.csv), the `vintage check|accept` commands, the build
block every result carries, and upstream origins read from PROVENANCE tables."""

from __future__ import annotations

import json

import pytest

from helpers import buildinfo
from helpers.claims import pinned
from helpers.cli import main
from helpers.config import DATA_ENV, SNAPSHOT_ENV
from helpers.data import provenance


def result(measured, verdict="supported", data="vintage v1-abc"):
    return {"measured": measured, "verdict": verdict, "build": {"data": data}}


def test_float_noise_is_not_a_change_but_a_real_move_is():
    assert pinned.same_value(6.196035905516717, 6.196035905516717 * (1 + 1e-12))
    assert not pinned.same_value(6.19, 6.20)
    assert pinned.same_value([3.5, 3.75], [3.5, 3.75])
    assert not pinned.same_value(True, 1) and pinned.same_value(9, 9.0)


def test_differences_name_changed_added_and_removed_claims():
    expected = {
        "a": {"measured": 9, "verdict": "supported"},
        "b": {"measured": 1, "verdict": "refuted"},
    }
    results = {"a": result(8, "refuted"), "c": result("2026-01-02")}
    rows = pinned.differences(expected, results)
    assert [r["claim_id"] for r in rows] == ["a", "b", "c"]
    table = pinned.format_table(rows)
    assert "supported: 9" in table and "refuted: 8" in table and "(absent)" in table


def test_the_csv_round_trips_every_kind_of_measured_value(tmp_path):
    results = {"x": result([3.5, 3.75]), "y": result("2008-06-03"), "z": result(True)}
    path = tmp_path / "verdicts.csv"
    path.write_text(pinned.to_csv(pinned.rows_from_results(results)))
    assert pinned.differences(pinned.read(path), results) == []


@pytest.fixture
def build(fake_vintage, tmp_path, monkeypatch):
    """A results folder and a pinned file in the fake vintage; returns a writer of results."""
    folder = tmp_path / "results"
    folder.mkdir()
    vintage_id = json.loads((fake_vintage / "manifest.json").read_text())["vintage"]

    def write(measured, verdict="supported", data=f"vintage {vintage_id}"):
        payload = {"claim_id": "c1", **result(measured, verdict, data)}
        (folder / "c1.json").write_text(json.dumps(payload))

    write.folder = folder
    write.vintage = vintage_id
    return write


def run(*argv):
    return main(["vintage", *argv])


def test_accept_then_check_passes_and_a_changed_verdict_fails_with_a_table(build, capsys):
    build(9)
    assert run("accept", "--results", str(build.folder)) == 0
    assert run("check", "--results", str(build.folder)) == 0
    build(8, "refuted")
    assert run("check", "--results", str(build.folder)) == 1
    err = capsys.readouterr().err
    assert "c1" in err and "supported: 9" in err and "refuted: 8" in err
    assert "make accept-verdicts" in err


def test_results_of_other_data_are_listed_not_failed_unless_strict(
    build, monkeypatch, capsys, fake_snapshot
):
    build(9)
    run("accept", "--results", str(build.folder))
    build(8, "refuted", data="snapshot")
    monkeypatch.setenv(SNAPSHOT_ENV, str(fake_snapshot.root))
    assert run("check", "--results", str(build.folder)) == 0
    assert "differ from the pinned vintage" in capsys.readouterr().out
    assert run("check", "--strict", "--results", str(build.folder)) == 1


def test_a_vintage_build_whose_results_came_from_other_data_is_refused(build, capsys):
    build(9, data="snapshot")
    assert run("check", "--results", str(build.folder)) == 2
    assert "not on the current vintage" in capsys.readouterr().err


def test_accept_refuses_results_not_built_on_the_vintage(build, monkeypatch, capsys):
    build(9, data="live (retrieved 2026-12-01T00:00:00+00:00)")
    monkeypatch.setenv(DATA_ENV, "live")
    assert run("accept", "--results", str(build.folder)) == 2
    assert "only results built on the current vintage" in capsys.readouterr().err


def test_data_label_names_the_vintage_snapshot_or_live_retrieval():
    vintage = {"source": "vintage v1-abc"}
    live = {"source": "yfinance", "retrieved_at": "2026-12-01T10:00:00+00:00"}
    assert buildinfo.data_label([vintage, vintage]) == "vintage v1-abc"
    assert buildinfo.data_label([live, vintage]) == (
        "live (retrieved 2026-12-01T10:00:00+00:00) + vintage v1-abc"
    )
    assert buildinfo.data_label([]) == "none"
    reference = {"source": "repository", "retrieved_at": None}
    assert buildinfo.data_label([reference, vintage]) == "vintage v1-abc"
    assert buildinfo.data_label([reference]) == "none"


def test_build_info_has_commit_ledger_hash_and_versions():
    info = buildinfo.build_info([{"source": "snapshot"}], b"claims: []\n")
    assert info["data"] == "snapshot"
    assert len(info["ledger_sha256"]) == 64
    assert {"python", "pandas", "numpy", "statsmodels", "yfinance"} <= set(info["versions"])
    assert "commit" in info and "dirty" in info


PROVENANCE = """\
# sources

| file | ticker | repo | commit (40 hex) | path in repo | notes |
|---|---|---|---|---|---|
| ^RUT.csv | ^RUT | owner/prices | {c1} | data/RUT.csv | |
| AAPL.csv | AAPL | a/old + b/new | {c1} + {c2} | data/AAPL.csv + stocks/AAPL.csv | spliced |
"""
SP500 = """\
| dataset | repo | commit (40 hex) | path | # tickers | notes |
|---|---|---|---|---|---|
| main | big/prices | {c1} | data/<TICKER>.csv -> prices/<TICKER>.csv (copied) | 503 files | |
| extra | small/prices | {c2} | data/<T>.csv -> prices/<T>.csv | 2: OLD, GONE | |
| one | other/day | {c2} | data/DAY.csv -> prices/DAY.csv | 1 | |
| again | same | same | data/OLD2.csv -> prices/OLD2.csv | 1 | |
| derived | (derived) | – | constituents/members.csv | – | |
"""


def test_upstream_origins_come_from_the_provenance_tables(tmp_path):
    c1, c2 = "1" * 40, "2" * 40
    (tmp_path / "yahoo").mkdir()
    (tmp_path / "sp500").mkdir()
    (tmp_path / "yahoo" / "PROVENANCE.md").write_text(PROVENANCE.format(c1=c1, c2=c2))
    (tmp_path / "sp500" / "PROVENANCE.md").write_text(SP500.format(c1=c1, c2=c2))
    upstream = provenance.upstream
    assert upstream(tmp_path, "yahoo/^RUT.csv") == [
        {"repository": "owner/prices", "commit": c1, "path": "data/RUT.csv"}
    ]
    assert [o["repository"] for o in upstream(tmp_path, "yahoo/AAPL.csv")] == ["a/old", "b/new"]
    assert upstream(tmp_path, "sp500/prices/AAPL.csv")[0]["path"] == "data/AAPL.csv"
    assert [o["repository"] for o in upstream(tmp_path, "sp500/prices/DAY.csv")] == ["other/day"]
    assert {o["repository"] for o in upstream(tmp_path, "sp500/prices/OLD.csv")} == {
        "big/prices",
        "small/prices",
    }
    assert upstream(tmp_path, "sp500/prices/OLD2.csv")[0]["repository"] == "other/day"
    assert upstream(tmp_path, "sp500/constituents/members.csv") == [{"derived": "derived"}]
    assert upstream(tmp_path, "yahoo/^VIX.csv") == []


def test_the_scorecard_view_lists_differences_of_a_build_on_other_data():
    expected = {"a": {"measured": 9, "verdict": "supported"}}
    view = pinned.scorecard_view({"a": result(8, "refuted", "snapshot")}, expected, "vintage v1-x")
    assert view["built_on"] == ["snapshot"] and not view["on_pinned"]
    assert view["rows"][0]["pinned"] == "supported: 9" and view["rows"][0]["new"] == "refuted: 8"
    same = pinned.scorecard_view({"a": result(9, data="vintage v1-x")}, expected, "vintage v1-x")
    assert same["on_pinned"] and same["rows"] == []


def test_build_summary_shows_each_distinct_build():
    blocks = [
        {
            "data": "vintage v1-x",
            "commit": "a" * 40,
            "dirty": False,
            "ledger_sha256": "b" * 64,
            "versions": {"pandas": "3.1.1"},
        },
        {
            "data": "snapshot",
            "commit": "c" * 40,
            "dirty": True,
            "ledger_sha256": "b" * 64,
            "versions": {"pandas": "3.1.1"},
        },
    ]
    summary = buildinfo.summarize(blocks)
    assert summary["data"] == ["snapshot", "vintage v1-x"]
    assert summary["commits"] == [
        {"commit": "a" * 12, "dirty": False},
        {"commit": "c" * 12, "dirty": True},
    ]
    assert summary["ledgers"] == ["b" * 12] and summary["versions"] == ["pandas 3.1.1"]
