"""Ledger schema checks on small YAML fixtures, record(), and the real data/claims.yaml."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import with_named_readings

from helpers import claims, data
from helpers.claims import verdicts
from helpers.config import ROOT_ENV, repo_root
from helpers.errors import DataError, LedgerError

ARTICLE = "000_test_article.txt"
TERMS = {"exact": {"meaning": "count must match", "comparator": "equal", "tolerance": {"abs": 0}}}
GOOD_ROW = {
    "id": "a000-streak-9",
    "group": "jan2026-streak-length",
    "article": ARTICLE,
    "as_of": "2026-01-14",
    "as_of_basis": "Inferred from the run length.",
    "family": "streak",
    "claim": "Small caps beat large caps for 9 sessions.",
    "claimed": {"value": 9, "unit": "sessions"},
    "rule": {
        "measure": "integer, run length at as_of",
        "measured_by": "streak_length",
        "term": "exact",
    },
    "notebook": "01_demo",
    "testability_note": "Daily closes.",
}
OPINION_ROW = {
    **GOOD_ROW,
    "id": "a000-opinion",
    "group": "quotes",
    "family": "other",
    "claimed": {"value": "opinion", "unit": "text"},
    "rule": {"measure": "none", "comparator": "none"},
    "testability": "not_testable",
}


class LedgerFixture:
    """A ledger file, a notebooks/ folder with 01_demo.ipynb and an articles/ folder."""

    def __init__(self, root: Path):
        self.root = root
        self.path = root / "claims.yaml"
        self.notebooks = root / "notebooks"
        self.articles = root / "articles"
        self.notebooks.mkdir()
        (self.notebooks / "01_demo.ipynb").write_text("{}")
        self.articles.mkdir()
        (self.articles / ARTICLE).write_text("text")

    def write(
        self,
        rows: list[dict],
        terms: dict | None = None,
        articles: dict | None = None,
        groups: dict | None = None,
        readings: dict | None = None,
    ) -> Path:
        doc = {"terms": TERMS if terms is None else terms, "claims": copy.deepcopy(rows)}
        if articles is not None:
            doc["articles"] = articles
        if groups is not None:
            doc["groups"] = groups
        if readings is not None:
            doc["readings"] = readings
        self.path.write_text(yaml.safe_dump(with_named_readings(doc), sort_keys=False))
        return self.path

    def validate(self, rows: list[dict], articles: Path | None = None) -> list[claims.Row]:
        self.write(rows)
        return claims.validate_ledger(self.path, self.notebooks, articles or self.articles)


@pytest.fixture
def ledger(tmp_path) -> LedgerFixture:
    return LedgerFixture(tmp_path)


def changed(**fields) -> dict:
    row = copy.deepcopy(GOOD_ROW)
    row.update(fields)
    return row


def with_rule(row_id: str = GOOD_ROW["id"], **keys) -> dict:
    """GOOD_ROW (under another id if given) with extra keys under its rule."""
    return changed(id=row_id, rule={**GOOD_ROW["rule"], **keys})


def without(name: str) -> dict:
    row = copy.deepcopy(GOOD_ROW)
    del row[name]
    return row


# ------------------------------------------------------------------ schema


def test_a_good_fixture_validates(ledger):
    rows = ledger.validate([GOOD_ROW, OPINION_ROW])
    assert [r.id for r in rows] == ["a000-streak-9", "a000-opinion"]
    assert rows[0].claimed_value == 9 and rows[0].unit == "sessions"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([without("rule")], "lacks required field(s): rule"),
        ([changed(rule={"comparator": "equal", "term": "exact"})], "no `measure`"),
        ([changed(family="vibes")], "unknown family 'vibes'"),
        ([changed(testability="maybe")], "unknown testability 'maybe'"),
        ([changed(notebook="09_missing")], "notebook 09_missing does not exist"),
        ([GOOD_ROW, GOOD_ROW], "duplicate id 'a000-streak-9'"),
        ([changed(article="999_missing.txt")], "article 999_missing.txt not found"),
        ([changed(claimed={"value": "nine", "unit": "sessions"})], "equal needs a number"),
        ([changed(claimed={"unit": "sessions"})], "`claimed` must be a mapping with `value`"),
        ([changed(rule={"measure": "x", "comparator": "range"})], "range claim must be"),
        ([changed(rule={"measure": "x", "term": "circa"})], "unknown term 'circa'"),
        ([changed(status="done")], "unknown status 'done'"),
        ([changed(testability="not_testable")], "comparator `none` goes with"),
        ([with_rule(window="2025-01-31")], "must be a list [START, END]"),
        ([with_rule(window=["2025-01-31"])], "must be a list [START, END]"),
        ([with_rule(window=["2025-01-31", "2025-13"])], "must be 'YYYY-MM-DD' or 'YYYY-MM'"),
        ([with_rule(window=["2025-02-30", "2025-12-31"])], "must be 'YYYY-MM-DD' or 'YYYY-MM'"),
        ([with_rule(window=["2025", "2026"])], "must be 'YYYY-MM-DD' or 'YYYY-MM'"),
        ([with_rule(window=["2025-12-31", "2025-01-31"])], "starts after it ends"),
        ([with_rule(window=["2025-01", "2025-12"], start="2025-01")], "not both"),
        ([with_rule(start="March 1991")], "start 'March 1991' must be"),
        ([with_rule(end=20081231)], "end 20081231 must be"),
        ([with_rule(base="ytd")], "base 'ytd' is not one of year_end, run_start"),
        ([with_rule(spread="fixed December")], "spread 'fixed December' is not one of"),
        ([with_rule(statistic="spread")], "statistic 'spread' is not one of"),
        ([with_rule(length_from="claimed")], "length_from: claimed needs `length`"),
        ([with_rule(length_from="window")], "length_from: window needs a `window`"),
        ([with_rule(sessions="756")], "sessions '756' must be a positive whole number"),
        ([with_rule(years=0)], "years 0 must be a positive whole number"),
        ([with_rule(months=-6)], "months -6 must be a positive whole number"),
        ([with_rule(first_year="1988")], "first_year '1988' must be a positive whole number"),
        ([with_rule(cut_bp=2.5)], "cut_bp 2.5 must be a positive whole number"),
        ([with_rule(top_n=True)], "top_n True must be a positive whole number"),
        ([with_rule(count="cuts")], "count 'cuts' is not one of fred_cuts, consecutive_decisions"),
        ([with_rule(count="fred_cuts")], "count: fred_cuts needs a `window`"),
        ([with_rule(count="consecutive_decisions")], "count: consecutive_decisions needs `cut_bp`"),
    ],
)
def test_each_schema_failure_is_reported(ledger, rows, message):
    with pytest.raises(LedgerError) as caught:
        ledger.validate(rows)
    assert message in str(caught.value)


def test_a_pending_row_may_name_a_notebook_not_built_yet(ledger):
    rows = ledger.validate([changed(notebook="05_later", status="pending")])
    assert rows[0].is_pending


def test_article_check_is_skipped_without_an_articles_folder(ledger):
    rows = ledger.validate([changed(article="elsewhere.txt")], articles=ledger.root / "absent")
    assert rows[0].article == "elsewhere.txt"


def test_all_problems_are_listed_at_once(ledger):
    with pytest.raises(LedgerError) as caught:
        ledger.validate([changed(family="vibes"), changed(id="b", testability="maybe")])
    assert "2 problem(s)" in str(caught.value)


def test_yaml_dates_become_iso_strings(ledger):
    ledger.path.write_text(
        yaml.safe_dump({"terms": TERMS, "claims": [GOOD_ROW]}).replace(
            "as_of: '2026-01-14'", "as_of: 2026-01-14"
        )
    )
    assert claims.load_ledger(ledger.path)[0].as_of == "2026-01-14"


def test_windows_in_yaml_dates_or_months_become_iso_string_pairs(ledger):
    text = yaml.safe_dump({"terms": TERMS, "claims": [with_rule(window=["X", "Y"])]})
    ledger.path.write_text(text.replace("- X\n", "- 2025-01-31\n").replace("- Y\n", "- 2025-12\n"))
    (row,) = claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    assert row.window == ("2025-01-31", "2025-12")


def test_start_and_end_dates_are_read_from_the_rule(ledger):
    rows = ledger.validate([with_rule(start="1991-03-28"), with_rule("b", end="2008-12")])
    assert rows[0].start == "1991-03-28" and rows[1].end == "2008-12"


@pytest.mark.parametrize("key", ["window", "start", "end"])
def test_a_missing_date_key_names_the_claim_and_the_fix(ledger, key):
    (row,) = ledger.validate([GOOD_ROW])
    with pytest.raises(LedgerError) as caught:
        getattr(row, key)
    assert f"claim a000-streak-9: its rule has no `{key}`" in str(caught.value)
    assert "data/claims.yaml" in str(caught.value)


def test_rule_choices_are_read_with_their_default_and_checked(ledger):
    with_base, plain = ledger.validate(
        [
            with_rule(base="run_start"),
            with_rule("a000-plain", length_from="window", window=["2025-02", "2025-12"]),
        ]
    )
    assert with_base.choice("base") == "run_start"
    assert plain.choice("spread", default="fixed-december") == "fixed-december"
    assert plain.choice("base") == "year_end"  # the ledger's default, never written out
    with pytest.raises(LedgerError, match="its rule has no `statistic`"):
        plain.choice("statistic")  # a choice without a default is required
    ledger.write([with_rule(base="ytd")])  # read_ledger does not validate; choice() still checks
    with pytest.raises(LedgerError, match="rule base 'ytd' is not one of"):
        claims.read_ledger(ledger.path).rows[0].choice("base")


def test_statistic_of_picks_the_rules_figure_and_refuses_an_unmeasurable_one(ledger):
    (row,) = ledger.validate([with_rule(statistic="down_closes")])
    assert row.statistic_of({"down_closes": 9, "previous_window_end": "2025-12-17"}) == 9
    with pytest.raises(LedgerError, match="statistic 'down_closes' is not among"):
        row.statistic_of({"spread_pp": 1.0})
    for missing in (None, float("nan")):
        with pytest.raises(DataError, match="down_closes cannot be measured"):
            row.statistic_of({"down_closes": missing})


def test_shared_window_is_the_one_window_of_all_rows(ledger):
    first = with_rule(window=["2025-02", "2025-12"])
    same = ledger.validate([first, with_rule("b", window=["2025-02", "2025-12"])])
    assert claims.shared_window(same) == ("2025-02", "2025-12")
    rows = ledger.validate([first, with_rule("b", window=["2025-03", "2025-12"])])
    with pytest.raises(LedgerError, match="do not share exactly one window"):
        claims.shared_window(rows)
    with pytest.raises(LedgerError, match="do not share exactly one window"):
        claims.shared_window([])


def test_rule_numbers_are_read_and_checked_even_without_validation(ledger):
    (row,) = ledger.validate([with_rule(sessions=10, top_n=10)])
    assert row.number("sessions") == 10 and row.number("top_n") == 10
    with pytest.raises(LedgerError, match="its rule has no `months`"):
        row.number("months")
    ledger.write([with_rule(sessions=0)])  # read_ledger does not validate; number() still checks
    with pytest.raises(LedgerError, match="rule sessions 0 must be a positive whole number"):
        claims.read_ledger(ledger.path).rows[0].number("sessions")


def test_shared_rule_is_the_one_value_of_all_rows(ledger):
    rows = ledger.validate(
        [
            with_rule(series=["^RUT", "FRED DGS2"], sessions=50),
            with_rule("b", series=["^RUT", "FRED DGS2"], sessions=50),
        ]
    )
    assert claims.shared_rule(rows, "series") == ["^RUT", "FRED DGS2"]
    assert claims.shared_rule(rows, "sessions") == 50
    rows = ledger.validate([with_rule(sessions=50), with_rule("b", sessions=20)])
    with pytest.raises(LedgerError, match="do not share exactly one sessions"):
        claims.shared_rule(rows, "sessions")
    ledger.write([with_rule(top_n="ten")])
    with pytest.raises(LedgerError, match="top_n 'ten' must be a positive whole number"):
        claims.shared_rule(claims.read_ledger(ledger.path).rows, "top_n")


def test_unknown_claim_id_names_near_misses(ledger, monkeypatch):
    monkeypatch.setenv(claims.LEDGER_ENV, str(ledger.write([GOOD_ROW])))
    with pytest.raises(LedgerError) as caught:
        claims.find_row("a000-streak-10")
    assert "a000-streak-9" in str(caught.value)


# ------------------------------------------------------------------ record()


@pytest.fixture
def recording(ledger, tmp_path, monkeypatch) -> Path:
    """The fixture ledger in use and an empty results dir; returns the results dir."""
    monkeypatch.setenv(claims.LEDGER_ENV, str(ledger.write([GOOD_ROW, OPINION_ROW])))
    monkeypatch.setenv(ROOT_ENV, str(ledger.root))  # its notebooks/, no ../shared/articles
    results = tmp_path / "results"
    monkeypatch.setenv(claims.RESULTS_ENV, str(results))
    monkeypatch.delenv(claims.NOTEBOOK_ENV, raising=False)
    return results


def test_record_writes_the_result_json(recording, monkeypatch):
    source = {
        "series": "^RUT",
        "source": "snapshot",
        "origin": "yahoo/^RUT.csv",
        "sha256": "ab" * 32,
        "first": "1987-09-10",
        "last": "2026-02-23",
        "rows": 9,
    }
    monkeypatch.setattr(data, "used_sources", lambda: [source])
    verdict = claims.record("a000-streak-9", 10, details={"start": "2026-01-02"})
    payload = json.loads((recording / "a000-streak-9.json").read_text())
    assert verdict.verdict == verdicts.REFUTED
    assert payload["verdict"] == verdicts.REFUTED
    assert payload["explanation"] == verdict.explanation
    assert payload["measured"] == 10 and payload["claimed"] == 9
    assert payload["notebook"] == "01_demo" and payload["as_of"] == "2026-01-14"
    assert payload["data_files"] == [claims.cited_file(source)]
    assert "origin" not in payload["data_files"][0]  # no machine path
    assert payload["data_files"][0]["sha256_short"] == "ab" * 6
    assert payload["rule"]["tolerance"] == {"abs": 0}  # resolved from the term
    assert set(payload) >= {"claim_id", "article", "family", "claim", "unit", "built_at", "details"}
    assert [p.name for p in recording.iterdir()] == ["a000-streak-9.json"]  # no temp files


def test_record_uses_the_pipeline_notebook_name_and_plain_json_types(recording, monkeypatch):
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    monkeypatch.setenv(claims.NOTEBOOK_ENV, "01_renamed")
    claims.record(
        "a000-streak-9",
        np.int64(9),
        as_of=pd.Timestamp("2026-01-15"),
        details={"when": pd.Timestamp("2026-01-02"), "margins": np.array([0.5, 1.5])},
    )
    payload = json.loads((recording / "a000-streak-9.json").read_text())
    assert payload["notebook"] == "01_renamed"
    assert payload["as_of"] == "2026-01-15"
    assert payload["details"] == {"when": "2026-01-02", "margins": [0.5, 1.5]}


def test_verdict_renders_a_box_with_the_claim_anchor(recording):
    box = claims.record("a000-streak-9", 9)._repr_html_()
    assert 'class="verdict-box v-supported" id="claim-a000-streak-9"' in box
    assert "✓ supported" in box


@pytest.mark.parametrize(
    ("claim_id", "measured", "message"),
    [
        ("a000-nope", 9, "no claim 'a000-nope'"),
        ("a000-opinion", 1, "marked not_testable"),
        ("a000-streak-9", "nine", "cannot judge measured"),
    ],
)
def test_record_refuses_what_it_cannot_judge(recording, claim_id, measured, message):
    with pytest.raises(LedgerError) as caught:
        claims.record(claim_id, measured)
    assert message in str(caught.value)
    assert not recording.exists() or not any(recording.iterdir())


# ------------------------------------------------------------------ the real ledger

REAL_ARTICLES = repo_root().parent / "shared" / "articles"


def test_the_real_ledger_validates():
    rows = claims.validate_ledger()
    assert len(rows) > 30
    assert {r.family for r in rows} <= set(claims.FAMILIES)


def test_the_real_ledger_every_family_and_article_is_covered():
    ledger = claims.read_ledger()
    assert {r.family for r in ledger.rows} == set(claims.FAMILIES)
    assert len({r.article for r in ledger.rows}) == 5
    assert set(ledger.articles) == {r.article for r in ledger.rows}


DESCRIBED = {
    ARTICLE: {
        "as_of": "2026-01-14",
        "title": "A short title",
        "description": "Argues something, in our words.",
    }
}


def test_described_articles_validate_and_are_read(ledger):
    ledger.write([GOOD_ROW], articles=DESCRIBED)
    claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    article = claims.read_ledger(ledger.path).articles[ARTICLE]
    assert (article.as_of, article.label, article.title) == ("2026-01-14", "000", "A short title")


@pytest.mark.parametrize(
    ("articles", "message"),
    [
        ({"999_other.txt": DESCRIBED[ARTICLE]}, "missing from `articles:`"),
        ({**DESCRIBED, "999_other.txt": DESCRIBED[ARTICLE]}, "no claim cites it"),
        ({ARTICLE: {**DESCRIBED[ARTICLE], "as_of": "2026-01-15"}}, "none of its rows'"),
        ({ARTICLE: {"as_of": "2026-01-14", "title": "T"}}, "no `description`"),
        ({ARTICLE: {"as_of": "2026-01-14", "description": "d"}}, "'title' is a required"),
    ],
)
def test_article_entries_are_checked(ledger, articles, message):
    ledger.write([GOOD_ROW], articles=articles)
    with pytest.raises(LedgerError, match=re.escape(message)):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)


def test_a_group_entry_needs_rows(ledger):
    path = ledger.write([GOOD_ROW])
    doc = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**doc, "groups": {"no-such-group": {"heading": "None"}}}))
    with pytest.raises(LedgerError, match="no-such-group: has an entry .* but no row uses it"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)


def test_the_real_ledger_writes_in_the_past_n_years_out_as_its_start():
    rows = [r for r in claims.load_ledger() if "window_years" in r.claimed]
    assert rows
    for row in rows:
        years_back = dt.date.fromisoformat(row.as_of).replace(
            year=int(row.as_of[:4]) - row.claimed["window_years"]
        )
        assert row.start == years_back.isoformat(), row.id


@pytest.mark.skipif(not REAL_ARTICLES.is_dir(), reason="articles folder not present")
def test_the_real_ledger_quotes_no_article_sentence():
    """Paraphrase rule: no run of 10 words from an article appears in the ledger, or in the
    documentation of its conventions (docs/ledger.md, once the ledger's header)."""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9%']+", text.lower())

    article_runs = set()
    for path in REAL_ARTICLES.glob("*.txt"):
        w = words(path.read_text(encoding="utf-8"))
        article_runs |= {tuple(w[i : i + 10]) for i in range(len(w) - 9)}
    ledger_words = words(claims.ledger_path().read_text(encoding="utf-8"))
    ledger_words += words((repo_root() / "docs" / "ledger.md").read_text(encoding="utf-8"))
    copied = [
        " ".join(ledger_words[i : i + 10])
        for i in range(len(ledger_words) - 9)
        if tuple(ledger_words[i : i + 10]) in article_runs
    ]
    assert copied == []


# ------------------------------------------------------------------ a notebook's claims


def test_notebook_claims_select_groups_and_track_what_was_recorded(recording):
    book = claims.NotebookClaims("01_demo")
    assert [c.id for c in book.group("jan2026-streak-length")] == ["a000-streak-9"]
    assert book.not_testable == ["a000-opinion"]
    with pytest.raises(LedgerError, match="did not record \\['a000-streak-9'\\]"):
        book.check_complete()
    book.record("a000-streak-9", 9)
    assert book.check_complete().startswith("recorded 1 claims")


def test_notebook_claims_look_up_only_their_own_rows(recording):
    book = claims.NotebookClaims("01_demo")
    assert book.row("a000-streak-9").claimed_value == 9
    with pytest.raises(LedgerError, match="notebook 01_demo has no ledger row 'a000-streak-10'"):
        book.row("a000-streak-10")


def test_notebook_claims_refuse_an_unknown_group(recording):
    with pytest.raises(LedgerError) as caught:
        claims.NotebookClaims("01_demo").group("renamed-group")
    assert "jan2026-streak-length" in str(caught.value)  # the fix lists the known groups


def test_not_testable_table_lists_only_unjudged_rows_with_the_reason(recording):
    table = claims.NotebookClaims("01_demo").not_testable_table()
    assert [row["claim"] for row in table] == ["a000-opinion"]
    assert table[0]["why it cannot be tested here"] == OPINION_ROW["testability_note"]


def test_a_duplicate_id_is_refused_by_every_reader(ledger, monkeypatch):
    monkeypatch.setenv(
        claims.LEDGER_ENV,
        str(ledger.write([GOOD_ROW, changed(claimed={"value": 13, "unit": "sessions"})])),
    )
    for read in (claims.read_ledger, claims.load_ledger, lambda: claims.find_row("a000-streak-9")):
        with pytest.raises(LedgerError, match="duplicate id 'a000-streak-9' \\(2 rows\\)"):
            read()
    with pytest.raises(LedgerError, match="duplicate id"):
        claims.record("a000-streak-9", 9)


def test_notebook_claims_refuse_a_row_whose_notebook_does_not_exist(recording, ledger):
    ledger.write([GOOD_ROW, changed(id="a000-streak-10", notebook="01_dmeo")])
    with pytest.raises(LedgerError, match="a000-streak-10: notebook 01_dmeo does not exist"):
        claims.NotebookClaims("01_demo")


def test_notebook_claims_refuse_a_notebook_name_with_no_file(recording):
    with pytest.raises(LedgerError, match="there is no notebook .*01_dmeo.ipynb"):
        claims.NotebookClaims("01_dmeo")


def test_record_outside_the_pipeline_writes_to_scratch_and_says_so_once(
    recording, ledger, monkeypatch, capsys
):
    monkeypatch.delenv(claims.RESULTS_ENV)  # a notebook run in JupyterLab or by nbconvert
    claims.record("a000-streak-9", 9)
    claims.record("a000-streak-9", 10)
    reports = ledger.root / "reports"
    assert json.loads((reports / "scratch" / "a000-streak-9.json").read_text())["measured"] == 10
    assert not (reports / "results").exists()
    assert claims.read_results() == {}  # the scorecard's default: published results only
    assert capsys.readouterr().out.count("not published") == 1


# ------------------------------------------------------------------ nothing written twice


def test_a_rows_comparator_comes_from_its_term_and_a_restatement_is_refused(ledger):
    (row,) = ledger.validate([GOOD_ROW])
    assert row.rule["comparator"] == "equal"  # from term `exact`, as claims.csv shows it
    with pytest.raises(LedgerError, match="comparator 'equal' restates its term's: drop it"):
        ledger.validate([with_rule(comparator="equal")])
    with pytest.raises(LedgerError, match="comparator 'at_most' contradicts term 'exact'"):
        ledger.validate([with_rule(comparator="at_most")])


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"base": "year_end"}, "base year_end is the default: drop it"),
        ({"verdict_from": "headline", "readings": {"w": {"about": "w", "claimed": 8}}},
         "verdict_from headline is the default: drop it"),
    ],
)  # fmt: skip
def test_a_rule_choice_at_its_default_is_not_written_out(ledger, keys, message):
    with pytest.raises(LedgerError, match=message):
        ledger.validate([with_rule(**keys)])


def test_testability_data_is_the_default_and_is_not_written_out(ledger):
    (row,) = ledger.validate([GOOD_ROW])
    assert row.testability == "data"
    with pytest.raises(LedgerError, match="a000-streak-9: testability data is the default: dro"):
        ledger.validate([changed(testability="data")])
    proxy = {**SHARED_GROUP, "testability": "proxy"}
    rows = _validate_group(
        ledger, [_group_row("a000-a"), _group_row("a000-b", testability="data")], proxy
    )
    assert [r.testability for r in rows] == ["proxy", "data"]  # against its group's: not refused
    with pytest.raises(LedgerError, match="group jan2026-streak-length: testability data is the"):
        _validate_group(ledger, [_group_row("a000-a")], {**SHARED_GROUP, "testability": "data"})


def test_a_row_takes_its_date_from_its_article_unless_it_states_its_own(ledger):
    entry = {"as_of": "2026-01-14", "as_of_basis": "Stated.", "title": "T", "description": "d"}
    row = {k: v for k, v in GOOD_ROW.items() if k not in ("as_of", "as_of_basis")}
    ledger.write([row], articles={ARTICLE: entry})
    (read,) = claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    assert (read.as_of, read.as_of_basis) == ("2026-01-14", "Stated.")
    own = {**row, "as_of": "2025-12-31", "as_of_basis": "The figure's own date."}
    ledger.write([row, {**own, "id": "a000-other"}], articles={ARTICLE: entry})
    rows = claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    assert [r.as_of for r in rows] == ["2026-01-14", "2025-12-31"]
    ledger.write([{**row, "as_of": "2026-01-14"}], articles={ARTICLE: entry})
    with pytest.raises(LedgerError, match="as_of restates its article's: drop it"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    ledger.write([row])  # no article entry to take the date from
    with pytest.raises(LedgerError, match="lacks required field.*as_of"):
        claims.read_ledger(ledger.path)


def test_a_row_takes_its_article_from_its_ids_prefix_and_never_restates_it(ledger):
    entry = {"id_prefix": "a000", "as_of": "2026-01-14", "title": "T", "description": "d"}
    other = {**entry, "id_prefix": "a001"}
    articles = {ARTICLE: entry, "001_other.txt": other}
    (ledger.articles / "001_other.txt").write_text("text")
    row = {k: v for k, v in GOOD_ROW.items() if k != "article"}
    stated = {**row, "id": "x-own", "article": "001_other.txt"}
    ledger.write([row, stated], articles=articles)
    rows = claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    assert [r.article for r in rows] == [ARTICLE, "001_other.txt"]  # no prefix: its own
    ledger.write([{**row, "article": ARTICLE}, stated], articles=articles)
    with pytest.raises(LedgerError, match="a000-streak-9: article restates what its id's prefix"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    ledger.write([{**row, "article": "001_other.txt"}, stated], articles=articles)
    with pytest.raises(LedgerError, match="article 001_other.txt contradicts its id, whose pre"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    ledger.write([row], articles={ARTICLE: entry, "001_other.txt": {**other, "id_prefix": "a000"}})
    with pytest.raises(LedgerError, match="starts with the id_prefix of 2 articles") as caught:
        claims.read_ledger(ledger.path)
    assert "its own id_prefix" in str(caught.value)
    twins = {ARTICLE: {**entry, "id_prefix": "zz"}, "001_other.txt": {**other, "id_prefix": "zz"}}
    ledger.write([{**row, "article": ARTICLE}, stated], articles=twins)
    with pytest.raises(LedgerError, match="id_prefix zz: given to 2 articles; each needs its own"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    ledger.write([{**row, "id": "x-no-prefix"}], articles=articles)
    with pytest.raises(LedgerError, match="(?s)lacks required field.*article.*id_prefix"):
        claims.read_ledger(ledger.path)


def test_a_row_takes_its_notebook_and_family_from_its_group_unless_it_states_its_own(ledger):
    row = {k: v for k, v in GOOD_ROW.items() if k not in ("notebook", "family")}
    group = {GOOD_ROW["group"]: {"notebook": "01_demo", "family": "streak"}}
    own = {**row, "id": "a000-other", "family": "record"}
    ledger.write([row, own], groups=group)
    rows = claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    assert [(r.notebook, r.family) for r in rows] == [("01_demo", "streak"), ("01_demo", "record")]
    ledger.write([{**row, "family": "streak"}], groups=group)
    with pytest.raises(LedgerError, match="family restates its group's: drop it"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
    ledger.write([row])  # no group entry to take them from
    with pytest.raises(LedgerError, match="(?s)lacks required field.*notebook.*unless its group"):
        claims.read_ledger(ledger.path)


SHARED_GROUP = {
    "notebook": "01_demo",
    "family": "streak",
    "testability_note": "Daily closes.",
    "caveat": "One file.",
    "rule": {"measured_by": "streak_length", "term": "exact", "readings": ["alt", "panel"]},
}
TWO_READINGS = {
    "alt": {"about": "another file", "kind": "source", "rule": {"series": ["^RUT.alt"]}},
    "panel": {"about": "a panel", "kind": "source", "rule": {"series": ["^RUT.alt3"]}},
}


def _group_row(row_id: str, **fields) -> dict:
    """GOOD_ROW with only what its group (SHARED_GROUP) does not give, then `fields`."""
    given = ("notebook", "family", "testability_note")
    row = {k: v for k, v in GOOD_ROW.items() if k not in given}
    return {**row, "id": row_id, "rule": {"measure": "integer, run length at as_of"}, **fields}


def _validate_group(ledger, rows: list[dict], group: dict | None = None) -> list[claims.Row]:
    ties = {"meaning": "equals the longest", "comparator": "equal", "tolerance": {"abs": 0}}
    ledger.write(
        rows,
        terms={**TERMS, "ties": ties},
        groups={GOOD_ROW["group"]: group or SHARED_GROUP},
        readings=TWO_READINGS,
    )
    return claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)


def test_a_row_takes_its_groups_shared_values_and_rule_keys_unless_it_states_its_own(ledger):
    own_rule = {"measure": "the run", "term": "ties", "readings": ["panel"]}
    rows = _validate_group(
        ledger,
        [
            _group_row("a000-shared"),
            _group_row("a000-own", rule=own_rule, testability_note="Own note.", caveat="Own."),
        ],
    )
    shared, own = rows
    assert (shared.testability_note, shared.caveat) == ("Daily closes.", "One file.")
    assert shared.rule["measured_by"] == "streak_length" and shared.rule["term"] == "exact"
    assert list(shared.rule["readings"]) == ["alt", "panel"]
    assert (own.testability_note, own.caveat) == ("Own note.", "Own.")
    assert own.rule["measured_by"] == "streak_length"  # key by key: the group's where silent
    assert own.rule["term"] == "ties" and own.rule["measure"] == "the run"
    assert list(own.rule["readings"]) == ["panel"]  # the row's list replaces the group's


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rule": {"measure": "m", "term": "exact"}}, "rule term restates its group's: drop it"),
        ({"rule": {"measure": "m", "readings": ["alt", "panel"]}},
         "rule readings restates its group's: drop it"),
        ({"testability_note": "Daily  closes."}, "testability_note restates its group's"),
        ({"caveat": "One file."}, "caveat restates its group's: drop it"),
    ],
)  # fmt: skip
def test_a_row_restating_its_groups_value_is_refused(ledger, fields, message):
    with pytest.raises(LedgerError, match=message) as caught:
        _validate_group(ledger, [_group_row("a000-shared"), _group_row("a000-b", **fields)])
    assert "fix these rows in data/claims.yaml" in str(caught.value)


def test_a_groups_rule_is_checked_as_a_rows_would_be(ledger):
    rows = [_group_row("a000-a", rule={"measure": "m", "term": "ties"}), _group_row("a000-b")]
    rows[1]["rule"]["term"] = "ties"
    with pytest.raises(LedgerError, match="every row states its own rule term: drop it from"):
        _validate_group(ledger, rows)
    default = {**SHARED_GROUP, "rule": {**SHARED_GROUP["rule"], "base": "year_end"}}
    with pytest.raises(LedgerError, match="group jan2026-streak-length: base year_end is the de"):
        _validate_group(ledger, [_group_row("a000-a")], default)
    restated = {**SHARED_GROUP, "rule": {**SHARED_GROUP["rule"], "comparator": "equal"}}
    with pytest.raises(LedgerError, match="group jan2026-streak-length: comparator 'equal' rest"):
        _validate_group(ledger, [_group_row("a000-a")], restated)
    unused = {**SHARED_GROUP, "rule": {**SHARED_GROUP["rule"], "readings": ["alt"]}}
    with pytest.raises(LedgerError, match="reading 'panel': named under `readings:` but no"):
        _validate_group(ledger, [_group_row("a000-a")], unused)
    ledger.write([_group_row("a000-a")], groups={GOOD_ROW["group"]: {"rule": ["term"]}})
    with pytest.raises(LedgerError, match="group jan2026-streak-length: `rule` must be a mapping"):
        claims.read_ledger(ledger.path)


def test_readings_are_named_once_and_spelt_out_for_every_row_listing_them(ledger):
    reading = {"about": "another file", "kind": "source", "rule": {"series": ["^RUT.alt"]}}
    rows = [with_rule(readings={"alt": reading}), with_rule("a000-b", readings={"alt": reading})]
    first, second = ledger.validate(rows)
    assert first.rule["readings"] == second.rule["readings"] == {"alt": reading}
    assert first.rule["verdict_from"] == "headline"  # the default, as claims.csv shows it
    assert yaml.safe_load(ledger.path.read_text())["claims"][0]["rule"]["readings"] == ["alt"]
    doc = yaml.safe_load(ledger.path.read_text())
    doc["claims"][1]["rule"]["readings"] = ["atl"]
    ledger.path.write_text(yaml.safe_dump(doc))
    with pytest.raises(LedgerError, match=r"reading\(s\) \['atl'\] are not under"):
        claims.read_ledger(ledger.path)
    doc["claims"][1]["rule"]["readings"] = ["alt"]
    doc["readings"]["unused"] = {"about": "nobody lists it", "rule": {"hac_lags": 3}}
    ledger.path.write_text(yaml.safe_dump(doc))
    with pytest.raises(LedgerError, match="reading 'unused': named under `readings:` but no"):
        claims.validate_ledger(ledger.path, ledger.notebooks, ledger.articles)
