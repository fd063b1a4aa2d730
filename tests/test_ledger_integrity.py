"""What a damaged ledger, pinned-verdict table or result file does: it is refused where it is
read, with the file, the line and a fix that works, and nothing is written outside its folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import FAKE_DAYS, ledger_row
from test_ledger import GOOD_ROW, LedgerFixture, changed
from test_scorecard import Reports

from helpers import claims
from helpers.claims import pinned, schema
from helpers.cli import main
from helpers.config import LEDGER_ENV, RESULTS_ENV, ROOT_ENV
from helpers.errors import LedgerError, StorageError


@pytest.fixture
def ledger(tmp_path) -> LedgerFixture:
    return LedgerFixture(tmp_path)


# ------------------------------------------------------------------ ids are safe names


@pytest.mark.parametrize("bad", ["../../../data/evil", "../../../data/cache/yahoo/^RUT", "a b"])
def test_an_id_that_is_not_a_plain_name_fails_the_ledger_check(ledger, bad):
    with pytest.raises(LedgerError, match="may hold only letters, digits and '-'"):
        ledger.validate([changed(id=bad)])


def test_the_result_writer_refuses_an_id_that_leaves_the_results_folder(tmp_path, monkeypatch):
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump({"claims": [ledger_row("../../evil")]}))
    monkeypatch.setenv(LEDGER_ENV, str(path))
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "reports" / "results"))
    with pytest.raises(StorageError, match="refusing to write"):
        claims.record("../../evil", 3)
    assert not list(tmp_path.rglob("evil*"))


# ------------------------------------------------------------------ dates are real trading days


def test_an_impossible_unquoted_date_names_its_line(ledger):
    ledger.path.write_text("claims:\n- id: x\n  as_of: 2026-02-30\n")
    with pytest.raises(
        LedgerError, match=r"claims.yaml line 3 \(2026-02-30\): day is out of range"
    ):
        claims.read_ledger(ledger.path)


@pytest.mark.parametrize("day", ["2026-02-30", "2026-01"])
def test_an_as_of_that_is_no_real_day_fails_the_ledger_check(ledger, day):
    with pytest.raises(LedgerError, match=f"as_of '{day}' is not a real date written YYYY-MM-DD"):
        ledger.validate([changed(as_of=day)])


SESSIONS = ["2026-01-09", "2026-01-12", "2026-01-13", "2026-01-14", "2026-01-15"]


def test_an_as_of_on_a_weekend_or_outside_the_data_is_named():
    fields = {**GOOD_ROW, "testability": "data"}  # a Row holds the default the ledger leaves out
    book = claims.Ledger(
        terms={},
        rows=[
            claims.Row(**{**fields, "id": "on-a-saturday", "as_of": "2026-01-10"}),
            claims.Row(**{**fields, "id": "after-the-data", "as_of": "2026-02-26"}),
            claims.Row(**{**fields, "id": "a-session", "as_of": "2026-01-14"}),
        ],
    )
    assert schema.session_problems(book, SESSIONS) == [
        "on-a-saturday: as_of 2026-01-10 (Saturday) is not a trading day; the closes around "
        "it are 2026-01-09 and 2026-01-12",
        "after-the-data: as_of 2026-02-26 is outside the data (closes 2026-01-09..2026-01-15)",
    ]


def test_claims_check_refuses_an_as_of_that_is_not_a_trading_day(
    tmp_path, fake_vintage, monkeypatch, capsys
):
    saturday = next(day for day in pd_days() if day.weekday() == 5)
    path = tmp_path / "claims.yaml"
    rows = [ledger_row("d-one"), ledger_row("d-two", as_of=f"{saturday:%Y-%m-%d}")]
    path.write_text(yaml.safe_dump({"claims": rows}))
    monkeypatch.setenv(LEDGER_ENV, str(path))
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))  # its notebooks/, no articles beside it
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_demo.ipynb").write_text("{}")
    assert main(["claims", "check"]) == 2
    err = capsys.readouterr().err
    assert f"d-two: as_of {saturday:%Y-%m-%d} (Saturday) is not a trading day" in err
    assert "d-one" not in err


def pd_days():
    import pandas as pd

    return pd.date_range(FAKE_DAYS[10], FAKE_DAYS[20])


def test_a_byte_that_is_not_utf8_in_the_ledger_names_its_line(ledger):
    ledger.write([GOOD_ROW])
    ledger.path.write_bytes(ledger.path.read_bytes().replace(b"Small caps", b"Small\xffcaps"))
    with pytest.raises(LedgerError, match=r"claims.yaml line \d+, column \d+: byte 0xff"):
        claims.read_ledger(ledger.path)


# ------------------------------------------------------------------ the pinned verdicts


def write_pinned(path: Path, *lines: str) -> Path:
    path.write_bytes(("claim_id,measured,verdict\n" + "".join(lines)).encode("latin-1"))
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('a,"{not json",supported\n', "line 3: cannot read the row"),
        ("a,9\n", "line 3: cannot read the row"),
        ("a,9,r\xe9fut\xe9\n", "line 3, column 6: byte 0xe9 is not UTF-8"),
    ],
)
def test_a_malformed_pinned_table_names_the_file_and_line(tmp_path, line, message):
    path = write_pinned(tmp_path / "verdicts.csv", "b,1,supported\n", line)
    with pytest.raises(LedgerError, match=message) as caught:
        pinned.read(path)
    assert "git checkout -- " in caught.value.fix


def test_a_missing_pinned_table_is_said_once_not_as_every_claim_absent(tmp_path):
    with pytest.raises(LedgerError, match="verdicts.csv is missing") as caught:
        pinned.read(tmp_path / "verdicts.csv")
    assert "git checkout -- " in caught.value.fix
    assert pinned.read(tmp_path / "verdicts.csv", required=False) == {}


def test_a_malformed_pinned_table_leaves_every_scorecard_file_as_it_was(
    tmp_path, monkeypatch, fake_vintage
):
    built = Reports(tmp_path, monkeypatch)
    write_pinned(fake_vintage / pinned.PINNED_FILE, "a-streak-9,9,supported\n")
    csv_path, html_path = built.build()
    before = {p: p.read_bytes() for p in (csv_path, html_path)}
    (built.results / "b-streak-10.json").unlink()  # what the next scorecard would change
    write_pinned(fake_vintage / pinned.PINNED_FILE, 'a-streak-9,"{oops",supported\n')
    with pytest.raises(LedgerError, match="verdicts.csv line 2"):
        built.build()
    assert {p: p.read_bytes() for p in before} == before


# ------------------------------------------------------------------ a damaged result


def test_a_damaged_result_names_the_rerun_that_rewrites_it(tmp_path, monkeypatch):
    built = Reports(tmp_path, monkeypatch)
    result = built.results / "a-streak-9.json"
    result.write_text(result.read_text()[:40])
    with pytest.raises(LedgerError, match="a-streak-9.json is unreadable") as caught:
        claims.read_results(built.results)
    assert caught.value.fix == "rerun its notebook: make reports -W notebooks/01_demo.ipynb"
    (built.results / "a-gone.json").write_text(json.dumps([]))
    result.unlink()
    with pytest.raises(LedgerError, match="a-gone.json is not a result") as caught:
        claims.read_results(built.results)
    assert "no ledger row makes it: remove it" in caught.value.fix
