"""Adding an article is ledger rows plus narrative: a made-up article, built here in a tmp
project (never in data/), with rows in four families (streak, record, return, rates), a
named reading and a not-testable row, measured, judged and put on the scorecard by the
package with no new code: the ledger names each row's measure, the notebook only narrates
and calls `book.measure_group` once per group (README, "Adding an article")."""

from __future__ import annotations

import csv
import json

import nbformat
import pandas as pd
import pytest
import yaml

from helpers import data
from helpers.analysis import returns, streaks, ytd
from helpers.config import RESULTS_ENV, ROOT_ENV
from helpers.report import scorecard

ARTICLE = "900_made_up_small_cap_rally.txt"
NOTEBOOK = "90_made_up_article"
AS_OF = "2025-06-10"  # a close of the fake snapshot on which ^RUT had led 3 sessions
TERMS = {
    "exact": {"meaning": "a count must match", "comparator": "equal", "tolerance": {"abs": 0}},
    "approximately": {
        "meaning": "within the larger of 0.5 units and 10 %",
        "comparator": "equal",
        "tolerance": {"abs": 0.5, "rel": 0.1},
        "partly": {"abs": 1.0, "rel": 0.25},
    },
    "record": {"meaning": "a new high, measured as a boolean", "comparator": "boolean"},
}


def _row(row_id: str, group: str, claim: str, claimed: dict, **fields) -> dict:
    """A row: what its group's entry does not give (notebook, family, shared rule keys)."""
    return {
        "id": row_id,  # m-...: its article is the one whose id_prefix is m
        "group": group,
        "claim": claim,
        "claimed": claimed,
        "testability_note": "Daily closes and FRED rates are in the data.",
        **fields,
    }


def made_up_ledger(streak: int, ytd_pct: float, high: bool) -> dict:
    """The article's ledger: what it claims, paraphrased, and the rule each claim is judged
    by; the figures come from the caller (what the fake data show, or a wrong figure). Each
    group's entry gives its page and family, and the rule keys its rows share."""
    pair = ["^RUT", "^GSPC"]
    return {
        "terms": TERMS,
        "articles": {
            ARTICLE: {
                "id_prefix": "m",
                "as_of": AS_OF,
                "as_of_basis": "Stated in the made-up article.",
                "title": "A made-up small-cap note",
                "description": "A made-up note that small caps are on a run and rates held.",
            }
        },
        "readings": {
            "alt_files": {
                "kind": "source",
                "about": "the alternate ^RUT file against ^GSPC",
                "rule": {"series": ["^RUT.alt", "^GSPC"]},
            }
        },
        "groups": {
            "m-streak": {
                "notebook": NOTEBOOK,
                "family": "streak",
                "rule": {"measured_by": "streak_length", "measure": "run length at as_of",
                         "series": pair, "term": "exact"},
            },
            "m-record": {"notebook": NOTEBOOK, "family": "record"},
            "m-ytd": {"notebook": NOTEBOOK, "family": "return"},
            "m-rates": {"notebook": NOTEBOOK, "family": "rates"},
            "m-opinion": {"notebook": NOTEBOOK, "family": "other"},
        },
        "claims": [
            _row(
                "m-streak", "m-streak",
                f"Small caps beat large caps {streak} sessions running.",
                {"value": streak, "unit": "sessions"},
                rule={"readings": ["alt_files"]},
            ),
            _row(
                "m-streak-wrong", "m-streak",
                f"Small caps beat large caps {streak + 5} sessions running.",
                {"value": streak + 5, "unit": "sessions"},
            ),
            _row(
                "m-record", "m-record",
                "Small caps set an all-time high this year.",
                {"value": high, "unit": "bool"},
                rule={"measured_by": "new_high_this_year",
                      "measure": "a close above every earlier", "series": ["^RUT"],
                      "term": "record"},
            ),
            _row(
                "m-ytd", "m-ytd",
                f"Small caps are up about {ytd_pct:.1f} % this year.",
                {"value": round(ytd_pct, 1), "unit": "percent"},
                rule={"measured_by": "change_to_date", "measure": "YTD price return",
                      "series": ["^RUT"], "term": "approximately"},
            ),
            _row(
                "m-rates", "m-rates",
                "The overnight rate did not move in early September.",
                {"value": 0.0, "unit": "pp"},
                rule={"measured_by": "rate_change", "measure": "change of the effective rate",
                      "series": ["FRED DFF"], "window": ["2025-09-01", "2025-09-03"],
                      "term": "exact"},
            ),
            _row(
                "m-opinion", "m-opinion",
                "The rally has further to run.",
                {"value": "opinion", "unit": "text"},
                rule={"measure": "none", "comparator": "none"},
                testability="not_testable",
                testability_note="A forecast: no data can test it today.",
            ),
        ],
    }  # fmt: skip


def made_up_notebook() -> nbformat.NotebookNode:
    """The narrative: a parameters cell, what each group claims, one call per group."""
    cells = [nbformat.v4.new_code_cell(f'as_of = "{AS_OF}"')]
    cells[0].metadata["tags"] = ["parameters"]
    cells += [
        nbformat.v4.new_markdown_cell("# 90 · A made-up article\n\nWhat it says, and how."),
        nbformat.v4.new_code_cell(
            f'from helpers import claims\n\nbook = claims.NotebookClaims("{NOTEBOOK}", as_of=as_of)'
        ),
    ]
    for group, words in [
        ("m-streak", "The run, on two files."),
        ("m-record", "A record high?"),
        ("m-ytd", "Up this year."),
        ("m-rates", "Rates held."),
    ]:
        cells.append(nbformat.v4.new_markdown_cell(f"## {words}"))
        cells.append(nbformat.v4.new_code_cell(f'book.measure_group("{group}")'))
    cells.append(nbformat.v4.new_code_cell("print(book.check_complete())"))
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture
def project(tmp_path, fake_snapshot, monkeypatch):
    """A project tree (SMALLCAP_ROOT) holding only the made-up article's ledger and notebook,
    with the fake snapshot as its data; the figures claimed are what the data show."""
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "reports" / "results"))
    closes = data.prices(["^RUT", "^GSPC"], end=AS_OF)
    margin = streaks.return_margin(closes["^RUT"], closes["^GSPC"])
    run = streaks.streak_on(margin, AS_OF, "^RUT", "^GSPC")
    rut = data.prices("^RUT")["^RUT"]
    figures = {
        "streak": run.length if run.leader == "^RUT" else 0,
        "ytd_pct": returns.ytd_pct(rut, AS_OF),
        "high": not ytd.new_highs(rut, "2025-01-01", AS_OF).empty,
    }
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "claims.yaml").write_text(
        yaml.safe_dump(made_up_ledger(**figures), sort_keys=False)
    )
    (tmp_path / "notebooks").mkdir()
    nbformat.write(made_up_notebook(), tmp_path / "notebooks" / f"{NOTEBOOK}.ipynb")
    data.clear_used_sources()
    return tmp_path


def run_notebook_code(path) -> None:
    """Each code cell of the notebook, in order, as a kernel would run it."""
    namespace: dict = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(path), "exec"), namespace)


def test_a_new_article_is_ledger_rows_plus_narrative(project):
    run_notebook_code(project / "notebooks" / f"{NOTEBOOK}.ipynb")
    results = {
        path.stem: json.loads(path.read_text())
        for path in (project / "reports" / "results").glob("*.json")
    }
    assert set(results) == {"m-streak", "m-streak-wrong", "m-record", "m-ytd", "m-rates"}
    verdicts = {claim_id: result["verdict"] for claim_id, result in results.items()}
    assert verdicts == {
        "m-streak": "supported",
        "m-streak-wrong": "refuted",
        "m-record": "supported",
        "m-ytd": "supported",
        "m-rates": "supported",
    }
    streak = results["m-streak"]
    assert [r["name"] for r in streak["readings"]] == ["headline", "alt_files"]
    assert streak["robustness"] in ("robust", "depends on source")
    assert streak["evidence_sentence"].startswith("^RUT ")
    assert results["m-rates"]["data_files"][0]["series"] == "fred:DFF"
    assert all(result["evidence_sentence"] for result in results.values())

    scorecard.build_scorecard()
    with (project / "reports" / "claims.csv").open(encoding="utf-8") as handle:
        table = {row["claim_id"]: row for row in csv.DictReader(handle)}
    assert {claim_id: row["verdict"] for claim_id, row in table.items()} == {
        **verdicts,
        "m-opinion": "not testable",
    }
    assert {row["family"] for row in table.values()} >= {"streak", "record", "return", "rates"}
    assert table["m-ytd"]["as_of"] == AS_OF  # from the article's entry, not the row
    assert {row["article"] for row in table.values()} == {ARTICLE}  # from each id's prefix


def test_the_made_up_figures_are_what_the_fake_data_show(project):
    """The fixture is not tuned to pass: the claimed streak is a real run of the fake closes,
    and the wrong claim is off by five sessions."""
    ledger = yaml.safe_load((project / "data" / "claims.yaml").read_text())
    claimed = {row["id"]: row["claimed"]["value"] for row in ledger["claims"]}
    assert claimed["m-streak"] >= 1 and claimed["m-streak-wrong"] == claimed["m-streak"] + 5
    assert pd.Timestamp(AS_OF) in data.prices("^RUT").index
