"""Every published verdict states its evidence: one plain sentence of what was found, when
and where (for every reading it weighed), and what a measured date is. Checked over the
built results; skipped when `make reports` has not run in this checkout."""

from __future__ import annotations

import re

import pytest

from helpers import claims

DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def published() -> dict[str, dict]:
    results = claims.read_results()
    if not results:
        pytest.skip("no published results: run `make reports` first")
    return results


def is_date(value: object) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(isinstance(v, str) and DATE.match(v) for v in values)


def test_every_result_and_reading_has_an_evidence_sentence():
    missing = [
        f"{claim_id} ({reading['name']})"
        for claim_id, result in published().items()
        for reading in result.get("readings") or [{"name": "headline", **result}]
        if not str(reading.get("evidence_sentence") or "").strip()
    ]
    missing += [i for i, r in published().items() if not str(r.get("evidence_sentence")).strip()]
    assert not missing, f"results without an evidence sentence: {missing}"


def test_a_date_measured_as_a_value_is_labelled():
    unlabelled = [
        claim_id
        for claim_id, result in published().items()
        if is_date(result.get("measured")) and not str(result.get("measured_label") or "").strip()
    ]
    assert not unlabelled, f"dates measured without a measured_label: {unlabelled}"


def test_a_reader_never_sees_a_readings_ledger_name():
    """The robustness detail and explanation name readings by what they mean."""
    named = []
    for claim_id, result in published().items():
        text = f"{result.get('robustness_detail', '')} {result.get('explanation', '')}"
        for reading in result.get("readings") or []:
            name = reading["name"]
            if "_" in name and re.search(rf"\b{re.escape(name)}\b", text):
                named.append(f"{claim_id}: {name}")
    assert not named, f"ledger names shown to readers: {named}"
