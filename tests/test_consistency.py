"""Consistency checks: figures for one quantity and date, compatible sets, verdicts, ledger
validation, and the claims.csv columns that show them."""

from __future__ import annotations

import copy
import csv

import pytest
import yaml
from conftest import ledger_row, with_named_readings

from helpers import claims
from helpers.claims import consistency, robustness
from helpers.claims.consistency import Figure
from helpers.config import ROOT_ENV
from helpers.errors import LedgerError, RuleError
from helpers.report import scorecard

TERMS = {
    "same_figure": {"comparator": "equal", "tolerance": {"abs": 0.5}},
    "approximately": {"comparator": "equal", "tolerance": {"abs": 0.5, "rel": 0.10}},
}


def fig(claim_id: str, low: float, high: float) -> Figure:
    return Figure(claim_id, f"{claim_id}.txt", low, high)


# ------------------------------------------------------------------ intervals and sets


@pytest.mark.parametrize(
    ("claimed", "band", "interval"),
    [
        (14, {"abs": 0.5}, (13.5, 14.5)),
        ([12, 13], {"abs": 0.5}, (11.5, 13.5)),
        (26, {"abs": 0.5, "rel": 0.10}, (23.4, 28.6)),
        ([22, 23], {"abs": 0.5, "rel": 0.10}, (19.75, 25.25)),  # width from the midpoint
        (22.6, None, (22.6, 22.6)),
    ],
)
def test_figure_interval(claimed, band, interval):
    assert consistency.figure_interval(claimed, band) == pytest.approx(interval)


@pytest.mark.parametrize("claimed", ["18x", [13, 12], [1, 2, 3], True, None])
def test_figure_interval_refuses_what_is_not_a_figure(claimed):
    with pytest.raises(RuleError):
        consistency.figure_interval(claimed, {"abs": 0.5})


def test_disjoint_figures_form_one_set_each():
    sets = consistency.compatible_sets([fig("a", 1, 2), fig("b", 3, 4), fig("c", 5, 6)])
    assert sets == (("a",), ("b",), ("c",))


def test_touching_edges_are_compatible():
    assert consistency.compatible_sets([fig("a", 11.5, 13.5), fig("b", 13.5, 14.5)]) == (
        ("a", "b"),
    )


def test_a_chain_gives_overlapping_largest_sets():
    # a overlaps b, b overlaps c, a and c do not: {a, b} and {b, c}, never {a, b, c}.
    sets = consistency.compatible_sets([fig("a", 0, 2), fig("b", 1, 4), fig("c", 3, 5)])
    assert sets == (("a", "b"), ("b", "c"))


def test_one_common_value_is_one_set():
    sets = consistency.compatible_sets([fig("a", 0, 10), fig("b", 4, 6), fig("c", 5, 12)])
    assert sets == (("a", "b", "c"),)


def test_verdicts_and_what_they_say():
    contradictory = consistency.judge_figures([fig("a", 1, 2), fig("b", 3, 4)], "h", "t")
    assert contradictory.verdict == consistency.CONTRADICTORY
    assert "at most one set can hold" in contradictory.explanation
    consistent = consistency.judge_figures([fig("a", 1, 3), fig("b", 2, 4)], "h", "t")
    assert consistent.verdict == consistency.CONSISTENT
    assert "2–3" in consistent.explanation
    with pytest.raises(RuleError):
        consistency.judge_figures([fig("a", 1, 2)], "h", "t")


# ------------------------------------------------------------------ ledger checks


def pe_row(claim_id: str, article: str, value, as_of: str = "2025-12-31") -> dict:
    return ledger_row(
        claim_id,
        group="pe",
        article=article,
        as_of=as_of,
        family="valuation",
        claimed={"value": value, "unit": "ratio"},
        rule={"measure": "none", "comparator": "none"},
        notebook="04_demo",
        testability="not_testable",
    )


ROWS = [
    pe_row("a-pe", "000_a.txt", [12, 13]),
    pe_row("b-pe", "001_b.txt", 14),
    pe_row("c-pe", "002_c.txt", 18),
    pe_row("d-pe", "003_d.txt", 18),
    pe_row("e-pe-later", "003_d.txt", 30, as_of="2026-01-21"),  # another date: not compared
]
CHECK = {
    "id": "pe-end-2025",
    "group": "pe",
    "as_of": "2025-12-31",
    "about": "fixture",
    "rule": {
        "measure": "compatible sets",
        "term": "same_figure",
        "readings": {"hedged": {"about": "wider", "rule": {"term": "approximately"}}},
    },
}


@pytest.fixture
def ledger_file(tmp_path, monkeypatch):
    def write(rows=ROWS, checks=(CHECK,)):
        path = tmp_path / "claims.yaml"
        doc = {"terms": TERMS, "claims": list(rows), "consistency": copy.deepcopy(list(checks))}
        path.write_text(yaml.safe_dump(with_named_readings(doc)))
        return path

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "04_demo.ipynb").write_text("{}")
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    return write


def test_a_check_compares_its_groups_rows_at_its_date(ledger_file):
    ledger = claims.checked_ledger(ledger_file())
    (result,) = consistency.judge_all(ledger)
    assert result.rows == ("a-pe", "b-pe", "c-pe", "d-pe")
    assert result.verdict == consistency.CONTRADICTORY
    assert result.sets == (("a-pe", "b-pe"), ("c-pe", "d-pe"))
    assert result.set_of("c-pe") == ("c-pe", "d-pe") and result.set_of("e-pe-later") == ()
    assert result.robustness == robustness.ROBUST


def test_a_reading_that_reconciles_the_figures_makes_it_depend_on_reading(ledger_file):
    rows = [pe_row("a", "000_a.txt", 22), pe_row("b", "001_b.txt", 26)]
    ledger = claims.checked_ledger(ledger_file(rows=rows))
    (result,) = consistency.judge_all(ledger)
    assert result.verdict == consistency.CONTRADICTORY  # headline: 21.5-22.5 vs 25.5-26.5
    assert result.robustness == robustness.DEPENDS_ON_READING
    detail = result.robustness_detail
    assert "wider (term approximately)" in detail and "consistent" in detail
    assert "hedged" not in detail  # a reading is named by what it means, not its ledger name
    worst = {
        **CHECK,
        "rule": {
            **CHECK["rule"],
            "term": "approximately",
            "verdict_from": "worst",
            "readings": {"tight": {"about": "t", "rule": {"term": "same_figure"}}},
        },
    }
    (result,) = consistency.judge_all(claims.checked_ledger(ledger_file(rows=rows, checks=[worst])))
    assert result.verdict == consistency.CONTRADICTORY  # worst picks the contradictory reading


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": "nope"}, "fewer than two articles"),
        ({"as_of": "2026-01-21"}, "fewer than two articles"),
        ({"rule": {"measure": "m", "term": "roughly"}}, "term 'roughly' is not under `terms:`"),
        ({"rule": {"measure": "m"}}, "rule needs `measure`"),
        ({"id": "a-pe"}, "repeats"),
        ({"extra": 1}, "unknown"),
        (
            {
                "rule": {
                    "measure": "m",
                    "term": "same_figure",
                    "readings": {"r": {"about": "x", "rule": {"tolerance": {"abs": 1}}}},
                }
            },
            "may change only `term`",
        ),
    ],
)
def test_the_schema_refuses_a_broken_check(ledger_file, change, message):
    with pytest.raises(LedgerError, match=message):
        claims.checked_ledger(ledger_file(checks=[{**CHECK, **change}]))


def test_the_schema_refuses_a_figure_that_is_not_a_number(ledger_file):
    rows = [*ROWS[:3], pe_row("d-pe", "003_d.txt", "eighteen")]
    with pytest.raises(LedgerError, match="d-pe: claimed 'eighteen'"):
        claims.checked_ledger(ledger_file(rows=rows))


def test_claims_csv_shows_the_check_on_its_rows_and_the_scorecard_names_it(
    ledger_file, tmp_path, monkeypatch
):
    path = ledger_file()
    monkeypatch.setenv(claims.LEDGER_ENV, str(path))
    reports = tmp_path / "reports"
    csv_path, html_path = scorecard.build_scorecard(reports=reports, ledger=path)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        table = {r["claim_id"]: r for r in csv.DictReader(handle)}
    assert table["b-pe"]["consistency"].startswith(
        "contradictory (check pe-end-2025): at most one of 2 compatible sets can hold"
    )
    assert table["b-pe"]["consistency"].endswith("this figure's set: a-pe, b-pe")
    assert "robustness: robust" in table["b-pe"]["consistency_detail"]
    assert table["e-pe-later"]["consistency"] == ""
    page = html_path.read_text(encoding="utf-8")
    section = page.split('id="disagree"')[1].split("</section>")[0]
    assert "The figures contradict each other: they form 2 groups" in section
    assert 'Group 2, right only if the value is 17.5 to 18.5: <a href="#c-pe">' in section


def test_the_real_ledger_checks_the_forward_pe_figures():
    ledger = claims.checked_ledger()
    results = {r.id: r for r in consistency.judge_all(ledger)}
    assert {r.group for r in results.values()} >= {"pe-rut-forward", "pe-spx-forward"}
    for result in results.values():
        assert result.verdict in consistency.CHECK_VERDICTS
        assert len(result.rows) >= 2
