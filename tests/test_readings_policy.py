"""The ledger's policy for readings of a claim (issue 17): a disputed verdict when the words
are genuinely ambiguous, the `entering` term, a proxy that can only support, the standard
errors a test states, `no_alternative` and the "headline only" label, and a claim judged one
session earlier or later (`as_of_offset`)."""

# The ledger and recording fixtures come from test_inconclusive_and_readings; a test naming
# one as its argument is not a redefinition.
# ruff: noqa: F811

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_inconclusive_and_readings import (  # noqa: F401  (fixtures)
    READINGS,
    fixture,
    make_tested_row,
    recording_tested,
)
from test_ledger import GOOD_ROW

from helpers import claims, data
from helpers.claims import judging, robustness, rules, schema, significance, verdicts
from helpers.errors import LedgerError, RuleError
from helpers.measures import registry
from helpers.measures.reading import Reading
from helpers.report import claims_csv, scored

JUDGED = (verdicts.SUPPORTED, verdicts.PARTLY, verdicts.INCONCLUSIVE, verdicts.REFUTED)


def reading(name, verdict, kind="reading", measured=1):
    return robustness.ReadingVerdict(name, kind, verdict, measured, "", f"{name} reading")


# ------------------------------------------------------------------ verdict_from: disputed


def test_a_reading_that_opposes_the_headline_makes_it_partly_supported():
    readings = [
        reading("headline", verdicts.REFUTED, measured=16),
        reading("since_1996", verdicts.SUPPORTED, measured=13),
        reading("alt_file", verdicts.REFUTED, kind="source", measured=16),
    ]
    chosen = robustness.headline_verdict(readings, robustness.DISPUTED)
    assert chosen.verdict == verdicts.PARTLY and chosen.name == robustness.HEADLINE
    assert chosen.measured == 16  # the headline's figure stays the one shown
    assert chosen.explanation == (
        "the readings disagree: supported by since_1996 reading (measured 13); refuted by "
        "headline reading (measured 16), so partly supported"
    )
    label, detail = robustness.robustness(readings, chosen)
    assert label == robustness.DEPENDS_ON_READING  # the source agrees with the headline
    assert detail == "since_1996 reading: supported (measured 13)"


@given(
    headline=st.sampled_from(JUDGED),
    others=st.lists(
        st.tuples(st.sampled_from(JUDGED), st.sampled_from(robustness.READING_KINDS)),
        max_size=5,
    ),
)
def test_only_an_opposed_reading_of_the_words_makes_a_dispute(headline, others):
    readings = [reading("headline", headline)] + [
        reading(f"r{i}", verdict, kind) for i, (verdict, kind) in enumerate(others)
    ]
    chosen = robustness.headline_verdict(readings, robustness.DISPUTED)
    opposed = {verdicts.SUPPORTED: verdicts.REFUTED, verdicts.REFUTED: verdicts.SUPPORTED}
    disputed = any(v == opposed.get(headline) and k == "reading" for v, k in others)
    assert chosen.verdict == (verdicts.PARTLY if disputed else headline)
    assert chosen.disputed == disputed
    # a dispute never makes the row refuted, and a source alone never makes one
    assert chosen.verdict != verdicts.REFUTED or headline == verdicts.REFUTED


def test_disputed_needs_a_reading_of_the_words(fixture):
    sources = {"alt": READINGS["alt"]}
    with pytest.raises(LedgerError, match="disputed needs a reading of kind `reading`"):
        fixture.validate([make_tested_row(readings=sources, verdict_from="disputed")])
    [row] = fixture.validate([make_tested_row(readings=READINGS, verdict_from="disputed")])
    assert row.choice("verdict_from") == robustness.DISPUTED


def test_a_consistency_check_does_not_take_disputed():
    from helpers.claims import consistency

    assert robustness.DISPUTED not in consistency.CHECK_VERDICT_FROM
    assert robustness.DISPUTED in robustness.VERDICT_FROM


def test_a_disputed_row_records_both_sides(recording_tested, fixture):
    row = make_tested_row(hac_lags=5, readings=READINGS, verdict_from="disputed")
    del row["rule"]["test"]
    fixture.write([row])
    found = claims.find_row("a000-rates")
    measured = {
        "headline": claims.Measurement(0.3, series=("^RUT",)),  # at_most 0, strict: refuted
        "lags20": claims.Measurement(-0.2, series=("^RUT",)),  # supported
        "alt": claims.Measurement(0.4, series=("^RUT.alt",)),  # refuted, a source
    }
    verdict = claims.record_measurements(
        "a000-rates", {n: measured[n] for n in found.reading_names}
    )
    payload = json.loads((recording_tested / "a000-rates.json").read_text())
    assert verdict.verdict == payload["verdict"] == verdicts.PARTLY
    assert "supported by twenty HAC lags (measured -0.2)" in payload["explanation"]
    assert payload["robustness"] == robustness.DEPENDS_ON_READING
    assert payload["robustness_detail"] == "twenty HAC lags: supported (measured -0.2)"


# ------------------------------------------------------------------ the `entering` term


def real_terms() -> dict:
    return claims.read_ledger().terms


@pytest.mark.parametrize(
    ("rsi", "expected"),
    [
        (70.0, verdicts.SUPPORTED),
        (68.25, verdicts.SUPPORTED),  # 97.5 % of 70, inclusive
        (68.2, verdicts.PARTLY),
        (63.0, verdicts.PARTLY),  # 90 % of 70, inclusive
        (62.99, verdicts.REFUTED),
    ],
)
def test_entering_a_zone_is_supported_from_97_5_percent_and_partly_from_90(rsi, expected):
    rule = rules.resolve_rule({"term": "entering"}, real_terms())
    assert judging.evaluate(rule, 70.0, rsi, "RSI").verdict == expected


# ------------------------------------------------------------------ proxy that can only support

PROXY = {"comparator": "at_least", "strict": True, "proxy_direction": "can_only_support"}


@given(measured=st.floats(-50, 50), p=st.none() | st.floats(0, 1))
def test_a_proxy_that_can_only_support_never_refutes(measured, p):
    rule = dict(PROXY)
    if p is not None:
        rule["test"] = {"method": "hac_ols", "alpha": 0.05, "controls": []}
    judged = significance.evaluate_tested(rule, 0.0, measured, "pp", p, "banks stand for banks")
    assert judged.verdict != verdicts.REFUTED
    plain = significance.evaluate_tested({**rule, "proxy_direction": None}, 0.0, measured, "pp", p)
    if plain.verdict != verdicts.REFUTED:
        assert judged == plain  # only a refuting judgement changes


def test_the_proxy_explanation_says_what_it_stands_for():
    judged = significance.evaluate_tested(
        PROXY, 0.0, -4.9, "pp", stands_for="Large banks stand for small-cap banks."
    )
    assert judged.verdict == verdicts.INCONCLUSIVE
    assert "(Large banks stand for small-cap banks)" in judged.explanation
    assert "cannot refute it" in judged.explanation
    with pytest.raises(RuleError, match="proxy_direction"):
        significance.evaluate_tested({**PROXY, "proxy_direction": "sideways"}, 0.0, -1.0)


def test_proxy_direction_is_for_proxy_rows(fixture):
    row = make_tested_row(proxy_direction="can_only_support")
    with pytest.raises(LedgerError, match="proxy_direction is for a row whose testability"):
        fixture.validate([row])
    row["testability"] = "proxy"
    assert fixture.validate([row])[0].rule["proxy_direction"] == "can_only_support"
    row["rule"]["proxy_direction"] = "can_only_refute"
    with pytest.raises(LedgerError, match="proxy_direction"):
        fixture.validate([row])


# ------------------------------------------------------------------ standard errors a test states


def test_a_test_states_its_standard_errors():
    test = {"method": "fomc_event_study", "alpha": 0.05, "controls": [], "cov": "HC3"}
    assert significance.test_block_problems(test) == []
    assert any("cov" in p for p in significance.test_block_problems({**test, "cov": "HC9"}))
    judged = significance.evaluate_tested(
        {"comparator": "at_most", "strict": True, "test": test}, 0.0, -0.3, "", 0.7
    )
    assert judged.verdict == verdicts.INCONCLUSIVE and "fomc_event_study, HC3 errors" in (
        judged.explanation
    )


# ------------------------------------------------------------------ no_alternative


def test_a_row_without_readings_says_why_or_is_listed(fixture):
    row = copy.deepcopy(GOOD_ROW)
    [plain] = fixture.validate([row])
    assert schema.missing_alternatives([plain]) == [
        "a000-streak-9: lists no readings and states no `no_alternative` reason"
    ]
    row["no_alternative"] = "an official count; no other reading of the words"
    [reasoned] = fixture.validate([row])
    assert reasoned.no_alternative.startswith("an official count")
    assert schema.missing_alternatives([reasoned]) == []
    with_readings = make_tested_row(readings=READINGS)
    assert schema.missing_alternatives(fixture.validate([with_readings])) == []
    with_readings["no_alternative"] = "none"
    with pytest.raises(LedgerError, match="drop it from a row with readings"):
        fixture.validate([with_readings])


def test_headline_only_shows_the_reason():
    one = [reading("headline", verdicts.SUPPORTED)]
    assert robustness.robustness(one, one[0], "an official figure") == (
        robustness.HEADLINE_ONLY,
        "an official figure",
    )
    assert robustness.robustness(one, one[0]) == ("", "")


def test_a_headline_only_row_carries_its_reason_to_result_csv_and_box(recording_tested, fixture):
    row = copy.deepcopy(GOOD_ROW)
    row["no_alternative"] = "one official series"
    fixture.write([row])
    verdict = claims.record("a000-streak-9", 9)
    payload = json.loads((recording_tested / "a000-streak-9.json").read_text())
    assert payload["robustness"] == robustness.HEADLINE_ONLY
    assert payload["robustness_detail"] == "one official series"
    assert "headline only: one official series" in verdict._repr_html_()
    ledger = claims.read_ledger()
    [shown] = scored.score_claims(ledger, {"a000-streak-9": payload}, recording_tested)
    record = claims_csv.csv_record(ledger, shown, None)
    assert record["robustness"] == "headline only"
    assert record["robustness_detail"] == "one official series"


def test_every_testable_row_of_the_real_ledger_lists_an_alternative_or_says_why():
    assert schema.missing_alternatives(claims.read_ledger().rows) == []


# ------------------------------------------------------------------ as of one session later


def test_a_moved_row_moves_a_window_that_ends_at_its_date():
    from conftest import make_row

    row = make_row({"window": ["2025-12-31", "2026-01-14"]}, as_of="2026-01-14")
    moved = row.moved_to("2026-01-15")
    assert moved.as_of == "2026-01-15" and moved.window == ("2025-12-31", "2026-01-15")
    fixed = make_row({"window": ["2025-01-31", "2025-12-31"]}, as_of="2026-01-14")
    assert fixed.moved_to("2026-01-15").window == ("2025-01-31", "2025-12-31")


def test_as_of_offset_counts_sessions_of_the_trading_calendar(monkeypatch):
    from conftest import make_row

    days = pd.DatetimeIndex(["2026-01-14", "2026-01-15", "2026-01-16", "2026-01-20"])
    monkeypatch.setattr(data, "sessions", lambda keys=(): days)
    base = {"measured_by": "streak_length"}
    row = make_row({**base, "as_of_offset": 2}, as_of="2026-01-15")
    assert registry.shifted(Reading(row)).row.as_of == "2026-01-20"  # over the 19th, a holiday
    back = make_row({**base, "as_of_offset": -1}, as_of="2026-01-15")
    assert registry.shifted(Reading(back)).row.as_of == "2026-01-14"
    assert registry.shifted(Reading(make_row(base, as_of="2026-01-15"))).row.as_of == "2026-01-15"
    with pytest.raises(LedgerError, match="leaves the data"):
        registry.shifted(Reading(row, data_end="2026-01-16"))
    with pytest.raises(LedgerError, match="not a trading day"):
        registry.shifted(Reading(make_row({**base, "as_of_offset": 1}, as_of="2026-01-19")))


def test_as_of_offset_is_a_whole_number_other_than_zero(fixture):
    for bad in (0, 1.5, "next"):
        row = make_tested_row(readings={"moved": {"about": "later", "rule": {"as_of_offset": bad}}})
        with pytest.raises(LedgerError, match="as_of_offset"):
            fixture.validate([row])


def test_the_readings_table_names_each_reading_by_what_it_means(recording_tested):
    found = claims.find_row("a000-rates")
    measured = {
        name: claims.Measurement(0.3, 0.04, series=("^RUT",)) for name in found.reading_names
    }
    claims.record_measurements("a000-rates", measured)
    table = claims.readings_table("a000-rates", recording_tested)
    assert list(table.index) == ["the headline reading", "twenty HAC lags", "the alternate file"]
    assert "name" not in table.columns
