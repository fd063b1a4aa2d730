"""The `inconclusive` verdict (a stated significance test the data do not pass), readings of a
claim with a robustness label, and how both reach the result json, the ledger checks and the
scorecard."""

from __future__ import annotations

import copy
import json

import pytest
from test_ledger import GOOD_ROW, LedgerFixture  # noqa: F401  (fixtures' helpers)

from helpers import claims
from helpers.claims import recording, robustness, significance, verdicts
from helpers.errors import LedgerError, RuleError
from helpers.report import claims_csv, scorecard_page, scored

TEST = {"method": "hac_ols", "alpha": 0.05, "controls": ["^GSPC return"]}
NEGATIVE = {"comparator": "at_most", "strict": True}


# ------------------------------------------------------------------ the verdict engine


@pytest.mark.parametrize(
    ("measured", "p", "expected"),
    [
        (-0.5, 0.01, verdicts.SUPPORTED),  # leans the claim's way, significant
        (0.5, 0.01, verdicts.REFUTED),  # leans against it, significant
        (0.5, 0.20, verdicts.INCONCLUSIVE),  # would be refuted on the sign alone
        (-0.5, 0.20, verdicts.INCONCLUSIVE),  # would be supported on the sign alone
        (0.5, 0.05, verdicts.REFUTED),  # alpha itself is significant
    ],
)
def test_a_stated_test_decides_whether_the_data_can_decide(measured, p, expected):
    rule = {**NEGATIVE, "test": TEST}
    judged = significance.evaluate_tested(rule, 0.0, measured, "pct", p)
    assert judged.verdict == expected
    assert ("not significant" in judged.explanation) == (expected == verdicts.INCONCLUSIVE)


def test_an_undecided_claim_is_never_refuted():
    rule = {**NEGATIVE, "test": TEST}
    for measured in (-3.0, -0.1, 0.0, 0.1, 3.0):
        for p in (0.051, 0.3, 0.9, 1.0):
            assert significance.evaluate_tested(rule, 0.0, measured, "", p).verdict == (
                verdicts.INCONCLUSIVE
            )


def test_without_a_test_the_p_value_is_ignored_and_with_one_it_is_required():
    assert significance.evaluate_tested(NEGATIVE, 0.0, 0.5, "", 0.9).verdict == verdicts.REFUTED
    with pytest.raises(RuleError, match="needs a p-value"):
        significance.evaluate_tested({**NEGATIVE, "test": TEST}, 0.0, 0.5, "", None)


@pytest.mark.parametrize(
    ("test", "problem"),
    [
        ({**TEST, "alpha": 0}, "alpha"),
        ({**TEST, "alpha": 1.5}, "alpha"),
        ({**TEST, "method": "eyeball"}, "method"),
        ({**TEST, "controls": "^GSPC"}, "controls"),
        ({**TEST, "level": 0.05}, "unknown"),
        ("hac", "mapping"),
    ],
)
def test_test_problems(test, problem):
    assert any(problem in p for p in significance.test_block_problems(test))
    assert significance.test_block_problems(TEST) == []


def reading(name, verdict, kind="reading", measured=1, about=""):
    return robustness.ReadingVerdict(name, kind, verdict, measured, "", about or f"{name} words")


def test_robustness_labels_name_the_flip_by_what_it_means():
    same = [reading("headline", verdicts.SUPPORTED), reading("half", verdicts.SUPPORTED)]
    assert robustness.robustness(same, same[0])[0] == robustness.ROBUST
    flip = [reading("headline", verdicts.SUPPORTED), reading("half", verdicts.REFUTED, measured=3)]
    label, detail = robustness.robustness(flip, flip[0])
    assert label == robustness.DEPENDS_ON_READING
    assert detail == "half words: refuted (measured 3)"  # its `about`, never its ledger name
    source = [*flip, reading("rut_alt", verdicts.PARTLY, kind="source", about="the alt file")]
    label, detail = robustness.robustness(source, source[0])
    assert label == robustness.DEPENDS_ON_SOURCE
    assert detail.startswith("on the alt file: partly supported") and "rut_alt" not in detail


def test_headline_rule_picks_the_row_rule_or_the_worst_reading():
    rows = [
        reading("headline", verdicts.SUPPORTED),
        reading("a", verdicts.INCONCLUSIVE),
        reading("b", verdicts.PARTLY),
    ]
    assert robustness.headline_verdict(rows, "headline").name == "headline"
    assert robustness.headline_verdict(rows, "worst").name == "a"
    rows.append(reading("c", verdicts.REFUTED))
    assert robustness.headline_verdict(rows, "worst").name == "c"
    with pytest.raises(RuleError):
        robustness.headline_verdict(rows, "best")


# ------------------------------------------------------------------ the ledger


def make_tested_row(**rule_extra) -> dict:
    row = copy.deepcopy(GOOD_ROW)
    row.update(
        id="a000-rates",
        family="rates",
        claimed={"value": 0.0, "unit": "pct per 100bp"},
        rule={
            "measure": "slope",
            "measured_by": "yield_sensitivity",
            "comparator": "at_most",
            "strict": True,
            "test": TEST,
        },
    )
    row["rule"].update(rule_extra)
    return row


READINGS = {
    "lags20": {"about": "twenty HAC lags", "rule": {"hac_lags": 20}},
    "alt": {"about": "the alternate file", "kind": "source", "rule": {"series": ["^RUT.alt"]}},
}


@pytest.fixture
def fixture(tmp_path) -> LedgerFixture:
    return LedgerFixture(tmp_path)


def test_a_valid_tested_row_with_readings_passes(fixture):
    [item] = fixture.validate(
        [make_tested_row(hac_lags=5, readings=READINGS, verdict_from="worst")]
    )
    assert item.reading_names == ["headline", "lags20", "alt"]
    assert item.reading("lags20").rule["hac_lags"] == 20
    assert "readings" not in item.reading("headline").rule
    assert item.reading_kind("alt") == "source"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"test": {**TEST, "alpha": 2}}, "alpha"),
        ({"readings": {"x": {"rule": {"hac_lags": 20}}}}, "'about' is a required property"),
        ({"readings": {"x": {"about": "y", "rule": {}}}}, "rule keys it changes"),
        ({"readings": {"x": {"about": "y", "rule": {"hac_lags": 0}}}}, "hac_lags"),
        ({"readings": {"x": {"about": "y", "rule": {"measure": "other"}}}}, "may not change"),
        ({"readings": {"x": {"about": "y", "kind": "mood", "rule": {"hac_lags": 2}}}}, "kind"),
        ({"readings": {"headline": {"about": "y", "rule": {"hac_lags": 2}}}}, "reserved"),
        ({"verdict_from": "worst"}, "needs `readings`"),
        ({"verdict_from": "best", "readings": READINGS}, "verdict_from"),
        ({"method": "vibes"}, "method"),
    ],
)
def test_bad_tests_and_readings_are_ledger_errors(fixture, extra, message):
    with pytest.raises(LedgerError, match=message):
        fixture.validate([make_tested_row(**extra)])


# ------------------------------------------------------------------ recording


@pytest.fixture
def recording_tested(fixture, tmp_path, monkeypatch):
    row = make_tested_row(hac_lags=5, readings=READINGS)
    row["caveat"] = "index returns stand in for balance sheets"
    monkeypatch.setenv(claims.LEDGER_ENV, str(fixture.write([row])))
    results = tmp_path / "results"
    monkeypatch.setenv(claims.RESULTS_ENV, str(results))
    sources = [
        {"series": "^RUT", "file": "yahoo/^RUT.csv", "sha256": "ab" * 32, "source": "vintage"},
        {
            "series": "^RUT.alt",
            "file": "yahoo/^RUT.alt.csv",
            "sha256": "cd" * 32,
            "source": "vintage",
        },
        {"series": "fred:DGS2", "file": "fred/DGS2.csv", "sha256": "ef" * 32, "source": "vintage"},
    ]
    monkeypatch.setattr(recording, "_used_sources", lambda: sources)
    return results


def fake_measure(view: claims.Row) -> claims.Measurement:
    """Slope 0.3 (p 0.04) at 5 lags; p 0.09 at 20 lags; the alternate file: slope -0.3."""
    if view.rule.get("series") == ["^RUT.alt"]:
        return claims.Measurement(-0.3, 0.01, series=("^RUT.alt",))
    p = 0.04 if view.rule["hac_lags"] == 5 else 0.09
    return claims.Measurement(0.3, p, series=("^RUT", "fred:DGS2"), details={"lags": 5})


def measure_every_reading(claim_id: str) -> dict:
    """What book.measure_group hands the recording: each reading the row lists, measured."""
    row = claims.find_row(claim_id)
    return {name: fake_measure(row.reading(name)) for name in row.reading_names}


def test_record_refuses_a_tested_row_with_readings(recording_tested):
    with pytest.raises(LedgerError, match="measure every reading the row lists"):
        claims.record("a000-rates", 0.3)


def test_record_measurements_stores_each_reading_and_the_label(recording_tested):
    verdict = claims.record_measurements("a000-rates", measure_every_reading("a000-rates"))
    payload = json.loads((recording_tested / "a000-rates.json").read_text())
    assert verdict.verdict == payload["verdict"] == verdicts.REFUTED  # headline: 5 lags
    assert payload["p_value"] == 0.04 and payload["headline_reading"] == "headline"
    by_name = {r["name"]: r for r in payload["readings"]}
    assert by_name["lags20"]["verdict"] == verdicts.INCONCLUSIVE
    assert by_name["alt"]["verdict"] == verdicts.SUPPORTED
    assert payload["robustness"] == robustness.DEPENDS_ON_SOURCE
    assert "on the alternate file: supported" in payload["robustness_detail"]
    assert "twenty HAC lags: inconclusive" in payload["robustness_detail"]
    # only the files the readings read, once each, not every loaded file
    assert sorted(f["series"] for f in payload["data_files"]) == ["^RUT", "^RUT.alt", "fred:DGS2"]
    assert payload["caveat"] == "index returns stand in for balance sheets"
    box = verdict._repr_html_()
    assert "<i>robustness</i> depends on source" in box
    assert "caveat: index returns" in verdict._repr_html_()


def test_verdict_from_worst_shows_the_least_favourable_reading(recording_tested, fixture):
    row = make_tested_row(hac_lags=5, readings={"lags20": READINGS["lags20"]}, verdict_from="worst")
    fixture.write([row])
    verdict = claims.record_measurements("a000-rates", measure_every_reading("a000-rates"))
    assert verdict.verdict == verdicts.REFUTED  # refuted (5 lags) is worse than inconclusive
    row["rule"]["hac_lags"], row["rule"]["readings"]["lags20"]["rule"] = 20, {"hac_lags": 5}
    fixture.write([row])
    verdict = claims.record_measurements("a000-rates", measure_every_reading("a000-rates"))
    assert verdict.verdict == verdicts.REFUTED  # now from the reading, named by its meaning
    assert verdict.explanation.startswith("the least favourable reading, twenty HAC lags:")


# ------------------------------------------------------------------ the scorecard


def scored_row(verdict: str, article: str = "a", robustness: str = "") -> scored.ScoredClaim:
    item = claims.Row(
        "x", "g", article, "d", "", "rates", "c", {"value": 1}, {}, "n", "data", "", caveat="cv"
    )
    return scored.ScoredClaim(item, {}, "", verdict, "", 0.3, "n", (), None, robustness=robustness)


def test_inconclusive_has_a_style_a_tile_and_counts_as_tested():
    style = claims.VERDICT_STYLES[verdicts.INCONCLUSIVE]
    assert style["mark"] and style["bg"] != claims.VERDICT_STYLES[verdicts.REFUTED]["bg"]
    rows = [
        scored_row(verdicts.INCONCLUSIVE),
        scored_row(verdicts.SUPPORTED),
        scored_row("not testable"),
    ]
    bottom = scorecard_page.bottom_line(claims.Ledger(terms={}), rows)
    assert bottom["counts"][verdicts.INCONCLUSIVE] == 1 and bottom["n_tested"] == 2
    assert verdicts.INCONCLUSIVE in scorecard_page.tiles(scored.verdict_counts(rows))
    assert verdicts.INCONCLUSIVE in claims_csv.CODEBOOK["verdict"]


def test_csv_carries_robustness_and_caveat():
    row = scored_row(verdicts.INCONCLUSIVE, robustness="robust")
    record = claims_csv.csv_record(claims.Ledger(terms={}), row, None)
    assert record["robustness"] == "robust" and record["caveat"] == "cv"
    assert {"robustness", "robustness_detail", "caveat"} <= set(claims_csv.CSV_COLUMNS)


def test_a_reading_may_read_the_claimed_figure_another_way(fixture):
    row = make_tested_row()
    del row["rule"]["test"]
    row["rule"]["readings"] = {
        "beyond_1pct": {"about": "a loss of more than 1 %", "claimed": -1.0},
    }
    [item] = fixture.validate([row])
    assert item.reading("beyond_1pct").claimed_value == -1.0
    assert item.reading("beyond_1pct").rule == item.reading("headline").rule
    row["rule"]["readings"]["beyond_1pct"]["claimed"] = "a lot"
    with pytest.raises(LedgerError, match="rule/claimed"):
        fixture.validate([row])


def test_a_single_reading_has_no_robustness_label():
    only = [reading("headline", verdicts.SUPPORTED)]
    assert robustness.robustness(only, only[0]) == ("", "")


def test_record_cites_only_the_series_it_read_relative_and_short(recording_tested, fixture):
    row = copy.deepcopy(GOOD_ROW)
    fixture.write([row])
    claims.record("a000-streak-9", 9, series=["^RUT"])
    payload = json.loads((recording_tested / "a000-streak-9.json").read_text())
    assert [f["file"] for f in payload["data_files"]] == ["yahoo/^RUT.csv"]
    assert payload["data_files"][0]["sha256_short"] == "ab" * 6
    claims.record("a000-streak-9", 9)  # without `series`: every loaded file, as before
    payload = json.loads((recording_tested / "a000-streak-9.json").read_text())
    assert len(payload["data_files"]) == 3


def test_a_plain_record_shows_the_rows_caveat_beside_its_verdict(recording_tested, fixture):
    row = copy.deepcopy(GOOD_ROW)
    row["caveat"] = "a lower-confidence file"
    fixture.write([row])
    box = claims.record("a000-streak-9", 9)._repr_html_()
    assert "caveat: a lower-confidence file" in box
