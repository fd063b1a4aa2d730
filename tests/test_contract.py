"""The ledger's JSON Schema: the committed file is the package's vocabulary, and it catches
what it claims to (unknown keys, bad choices, bad numbers) in words an editor can act on."""

from __future__ import annotations

import copy

import pytest

from helpers.claims import contract
from helpers.claims.ledger import RULE_CHOICES, RULE_NUMBERS

ROW = {
    "id": "a-row",
    "group": "g",
    "article": "000_x.txt",
    "as_of": "2026-01-14",
    "as_of_basis": "stated",
    "family": "streak",
    "claim": "small caps won nine sessions in a row",
    "claimed": {"value": 9, "unit": "sessions"},
    "rule": {"measure": "the run", "comparator": "equal", "sessions": 3},
    "notebook": "01_x",
    "testability_note": "closes",
}
TERMS = {"exact": {"meaning": "m", "comparator": "equal", "tolerance": {"abs": 0}}}


def ledger(**changes):
    row = copy.deepcopy(ROW)
    rule = changes.pop("rule", None)
    row.update(changes)
    if rule is not None:
        row["rule"].update(rule)
    return {"terms": TERMS, "claims": [row]}


def test_the_committed_schema_is_the_packages_vocabulary():
    committed = contract.schema_path().read_text(encoding="utf-8")
    assert committed == contract.schema_text(), (
        "data/claims.schema.json is stale: run `python -m helpers claims schema --write`"
    )


def test_every_rule_key_the_package_reads_is_in_the_contract():
    keys = set(contract.ledger_schema()["$defs"]["rule"]["properties"])
    assert set(RULE_CHOICES) | set(RULE_NUMBERS) <= keys
    assert {"measure", "comparator", "term", "series", "window", "readings", "test"} <= keys


def test_a_valid_row_has_no_problems():
    assert contract.contract_problems(ledger()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rule": {"colour": "red"}}, "a-row: rule: unknown key(s) ['colour']"),
        ({"rule": {"base": "ytd"}}, "a-row: rule: base 'ytd' is not one of year_end, run_start"),
        ({"rule": {"sessions": 0}}, "sessions 0 must be a positive whole number"),
        ({"rule": {"sessions": True}}, "sessions True must be a positive whole number"),
        ({"family": "vibes"}, "a-row: unknown family 'vibes'"),
        ({"as_of": "14 Jan"}, "a-row: as_of '14 Jan'"),
        ({"rule": {"test": {"method": "hac_ols", "alpha": 2, "controls": []}}}, "alpha 2"),
        ({"rule": {"readings": {"x": {"kind": "mood"}}}}, "readings {'x'"),
    ],
)
def test_a_broken_row_is_named_with_its_problem(changes, message):
    problems = contract.contract_problems(ledger(**changes))
    assert any(message in p for p in problems), problems


def test_readings_are_named_once_and_listed_by_name():
    raw = ledger(rule={"readings": ["x"]})
    raw["readings"] = {"x": {"about": "another file", "kind": "mood"}}
    assert any(
        "readings: x: kind 'mood' is not one of" in p for p in contract.contract_problems(raw)
    )
    raw["readings"]["x"]["kind"] = "source"
    assert contract.contract_problems(raw) == []
    raw["claims"][0]["rule"]["readings"] = []
    assert any("readings" in p for p in contract.contract_problems(raw))


def test_a_row_missing_fields_and_an_unknown_section_are_both_reported():
    raw = ledger()
    del raw["claims"][0]["claim"]
    raw["extras"] = {}
    problems = contract.contract_problems(raw)
    assert any("a-row: 'claim' is a required property" in p for p in problems)
    assert any("unknown key(s) ['extras']" in p for p in problems)
