"""Scorecard on fixture reports: claims.csv round trip, links that resolve, the verdict box,
the bottom line by ledger group, and contradictions only from the ledger's checks."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import ledger_row

from helpers import claims, verdict_box
from helpers.claims import verdicts
from helpers.cli import main
from helpers.config import ROOT_ENV
from helpers.errors import LedgerError
from helpers.files import write_json_atomic
from helpers.report import claims_csv, scorecard, scorecard_page, scored, stylesheet

EXACT = {"comparator": "equal", "tolerance": {"abs": 0}}
ABOUT = {"comparator": "equal", "tolerance": {"abs": 0.5, "rel": 0.1}}


def row(claim_id: str, article: str, group: str, value, **extra) -> dict:
    fields = {
        "group": group,
        "article": article,
        "as_of": "2026-01-14",
        "claimed": {"value": value, "unit": "sessions"},
        "rule": {"measure": "run length", "term": "exact"},
    }
    return ledger_row(claim_id, **{**fields, **extra})


ROWS = [
    row("a-streak-9", "000_a.txt", "streak-length", 9),
    row("b-streak-10", "001_b.txt", "streak-length", 10, as_of="2026-01-15"),
    row(
        "a-ytd-8",
        "000_a.txt",
        "ytd",
        8.0,
        family="return",
        rule={"measure": "YTD", "term": "about"},
        notebook="03_later",
        status="pending",
    ),
    row(
        "c-ytd-5-8",
        "002_c.txt",
        "ytd",
        5.8,
        family="return",
        rule={"measure": "YTD", "term": "about"},
        notebook="03_later",
        status="pending",
    ),
    row(
        "a-months",
        "000_a.txt",
        "cuts",
        ["2025-09", "2025-12"],
        family="rates",
        rule={"measure": "months", "comparator": "date", "granularity": "month"},
        notebook="02_unbuilt",
    ),
    row(
        "a-opinion",
        "000_a.txt",
        "quotes",
        "opinion",
        family="other",
        rule={"measure": "none", "comparator": "none"},
        testability="not_testable",
    ),
]


# Groups that rows of two articles share need a reader heading (what every row is about).
GROUPS = {
    "streak-length": {"heading": "How long the run was"},
    "ytd": {"heading": "The year-to-date gain"},
}
LEDGER = {"terms": {"exact": EXACT, "about": ABOUT}, "groups": GROUPS}


class Reports:
    """A reports/ folder whose results come from real record() calls on a fixture ledger."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.root = root / "reports"
        self.results = self.root / "results"
        self.ledger = root / "claims.yaml"
        self.ledger.write_text(yaml.safe_dump({**LEDGER, "claims": ROWS}))
        monkeypatch.setenv(claims.LEDGER_ENV, str(self.ledger))
        monkeypatch.setenv(claims.RESULTS_ENV, str(self.results))
        # The ledger is schema-checked on load: the rows' notebooks exist in this tree.
        monkeypatch.setenv(ROOT_ENV, str(root))
        for notebook in {r["notebook"] for r in ROWS}:
            (root / "notebooks").mkdir(exist_ok=True)
            (root / "notebooks" / f"{notebook}.ipynb").write_text("{}")
        monkeypatch.delenv(claims.NOTEBOOK_ENV, raising=False)
        self.boxes = [
            claims.record("a-streak-9", 9),
            claims.record("b-streak-10", 9),
            claims.record("a-months", ["2025-09-17", "2025-12-10"]),
        ]
        (self.root / "01_demo.html").write_text(
            "<html><body>" + "".join(b._repr_html_() for b in self.boxes[:2]) + "</body></html>"
        )

    def build(self) -> tuple[Path, Path]:
        return scorecard.build_scorecard(reports=self.root, ledger=self.ledger)


@pytest.fixture
def reports(tmp_path, monkeypatch) -> Reports:
    return Reports(tmp_path, monkeypatch)


def plain(text: str):
    """A claims.csv value as a reader's code would parse it by the codebook."""
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    if text[0] in "[{":
        return json.loads(text)
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def read_csv(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        for column in claims_csv.JSON_COLUMNS:
            r[column] = json.loads(r[column])
        for column in claims_csv.VALUE_COLUMNS:
            r[column] = plain(r[column])
    return {r["claim_id"]: r for r in rows}


# ------------------------------------------------------------------ claims.csv


def test_csv_round_trips_the_result_jsons(reports):
    csv_path, _ = reports.build()
    table = read_csv(csv_path)
    assert set(table) == {r["id"] for r in ROWS}
    assert set(next(iter(table.values()))) == set(claims_csv.CSV_COLUMNS)
    for result_path in reports.results.glob("*.json"):
        result = json.loads(result_path.read_text())
        line = table[result["claim_id"]]
        assert line["measured"] == result["measured"]
        assert line["claimed"] == result["claimed"]
        assert line["verdict"] == result["verdict"]
        assert line["explanation"] == result["explanation"]


def test_rows_without_results_are_pending_or_not_testable(reports):
    table = read_csv(reports.build()[0])
    assert table["a-opinion"]["verdict"] == verdicts.NOT_TESTABLE
    assert table["a-ytd-8"]["verdict"] == verdicts.PENDING
    assert table["a-streak-9"]["verdict"] == verdicts.SUPPORTED
    assert table["b-streak-10"]["verdict"] == verdicts.REFUTED


# ------------------------------------------------------------------ index.html


class Links(HTMLParser):
    """Collects every href and every id of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("href"):
            self.hrefs.append(values["href"])
        if values.get("id"):
            self.ids.add(values["id"])


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_every_local_link_resolves_and_every_claim_fragment_exists(reports):
    _, index = reports.build()
    page = parse(index)
    claim_links = {h for h in page.hrefs if "#claim-" in h}
    assert len(claim_links) == 2  # a-months has a result but no built report: no link
    for href in page.hrefs:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"external link {href}"
        target = (index.parent / unquote(parts.path)) if parts.path else index
        assert target.is_file(), f"{href} points at a missing file"
        if parts.fragment:
            assert parts.fragment in parse(target).ids, f"{href}: no such anchor"


def test_index_shows_totals_and_lists_reports(reports):
    _, index = reports.build()
    text = index.read_text(encoding="utf-8")
    counts = scored.verdict_counts(
        scored.score_claims(
            claims.read_ledger(reports.ledger), claims.read_results(reports.results), reports.root
        )
    )
    assert counts == {
        verdicts.REFUTED: 1,
        verdicts.INCONCLUSIVE: 0,
        verdicts.PARTLY: 0,
        verdicts.SUPPORTED: 2,
        verdicts.PENDING: 2,
        verdicts.NOT_TESTABLE: 1,
    }
    assert '<span class="n">2</span>' in text
    assert 'href="01_demo.html"' in text
    assert "http://" not in text and "https://" not in text and "<script src" not in text


def test_scalars_are_plain_and_every_column_has_a_codebook_entry(reports):
    csv_path, index = reports.build()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = {r["claim_id"]: r for r in csv.DictReader(handle)}
    assert (rows["a-streak-9"]["measured"], rows["a-opinion"]["measured"]) == ("9", "")
    assert rows["a-months"]["claimed"] == '["2025-09", "2025-12"]'
    assert rows["a-streak-9"]["judged_against"] == "supported at 9 sessions"
    with (reports.root / "claims_codebook.csv").open(encoding="utf-8", newline="") as handle:
        codebook = {r["column"]: r["meaning"] for r in csv.DictReader(handle)}
    assert list(codebook) == list(claims_csv.CSV_COLUMNS) and all(codebook.values())
    text = index.read_text(encoding="utf-8")
    assert 'href="claims.csv"' in text and 'href="claims_codebook.csv"' in text


def test_the_bottom_line_heads_each_repeated_error_by_its_group(reports):
    _, index = reports.build()
    text = index.read_text(encoding="utf-8")
    assert "2 of the 3 claims the data can test hold" in text
    # The ledger's heading for the group, then the article's own claim under it.
    assert "<h4>How long the run was</h4>" in text
    member = '<a href="#b-streak-10">001_b.txt</a> (as of 2026-01-15): paraphrase of b-streak-10'
    assert member in text
    assert "Claimed 10 sessions; the data show 9 sessions." in text


def test_every_claim_is_a_verdict_box_with_a_permalink_and_the_notebook_box_is_the_same(reports):
    _, index = reports.build()
    text = index.read_text(encoding="utf-8")
    page = parse(index)
    assert {r["id"] for r in ROWS} <= page.ids  # index.html#<claim id>
    assert 'class="verdict-box v-refuted" id="b-streak-10"' in text
    assert '<a class="vb-source" href="01_demo.html#claim-b-streak-10">' in text
    # The notebook's box comes from the same template (helpers.verdict_box).
    notebook_box = reports.boxes[1]._repr_html_()
    assert 'class="verdict-box v-refuted" id="claim-b-streak-10"' in notebook_box
    for part in ('class="vb-head"', 'class="vb-figures"', "paraphrase of b-streak-10"):
        assert part in text and part in notebook_box


def test_the_evidence_sentence_and_measured_label_show_beside_the_verdict(reports):
    result_path = reports.results / "a-months.json"
    result = json.loads(result_path.read_text())
    sentence = "The two cuts were announced on 2025-09-17 and 2025-12-10, at scheduled meetings."
    clause = "t" + sentence[1:-1]  # as a measure writes it: the page and the csv make a sentence
    result |= {"evidence_sentence": clause, "measured_label": "announcement dates"}
    write_json_atomic(result_path, result)
    csv_path, index = reports.build()
    row = read_csv(csv_path)["a-months"]
    assert (row["evidence_sentence"], row["measured_label"]) == (sentence, "announcement dates")
    text = index.read_text(encoding="utf-8")
    assert f'<p class="vb-evidence">{sentence}</p>' in text
    assert "<small>(announcement dates)</small>" in text
    # Empty keys show nothing extra.
    assert text.count('class="vb-evidence"') == 1 and text.count("<small>(") == 1
    box = claims.Verdict("x", "supported", "e", "c", 1, 1, "", evidence_sentence=sentence)
    assert sentence in box._repr_html_()


@pytest.mark.parametrize(
    ("clause", "sentence"),
    [
        ("the longest run lasted 16 sessions", "The longest run lasted 16 sessions."),
        ("^RUT beat ^GSPC on 9 sessions", "^RUT beat ^GSPC on 9 sessions."),
        ("fred:DFF went from 6.89 to 9.04", "fred:DFF went from 6.89 to 9.04."),
        ("Already a sentence.", "Already a sentence."),
        ("", ""),
    ],
)
def test_an_evidence_sentence_reads_as_a_sentence_after_the_figures(clause, sentence):
    """Measures write clauses; after "Claimed 9 sessions; the data show 16." a clause read as
    a second sentence starting in lower case."""
    assert verdict_box.sentence(clause) == sentence
    box = verdict_box.box(
        claim_id="x", verdict="refuted", style=claims.VERDICT_STYLES["refuted"], claim="c",
        claimed="1", measured="2", evidence_sentence=clause,
    )  # fmt: skip
    assert box["evidence_sentence"] == sentence


def test_the_finder_lists_every_choice_and_works_without_its_script(reports):
    _, index = reports.build()
    text = index.read_text(encoding="utf-8")
    assert '<form id="finder" class="finder" role="search" hidden>' in text  # the script shows it
    for name in ("q", "article", "verdict", "family", "robustness", "sort"):
        assert f'name="{name}"' in text
    assert '<option value="000">000_a.txt (4)</option>' in text
    assert '<a class="tile" href="#claims" data-filter-verdict="refuted"' in text
    boxes = re.findall(r'<div class="verdict-box [^"]+" id="([^"]+)" data-verdict', text)
    assert sorted(boxes) == sorted(r["id"] for r in ROWS)  # all shown, none hidden


def test_the_page_links_the_shared_stylesheet_written_verbatim(reports):
    """The font rule once went through autoescaping ({{ css }}: quotes became &#34; and the
    browser dropped the rule); the stylesheet is now a file, byte for byte its sources."""
    _, index = reports.build()
    text = index.read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="smallcap.css">' in text and "<style" not in text
    css = (reports.root / stylesheet.FILE).read_text(encoding="utf-8")
    assert css == stylesheet.text()
    assert '"Segoe UI"' in css and "&#34;" not in css and "&quot;" not in css
    assert ".v-refuted { --vb-bg: #fde2e2;" in css


def test_pending_tile_shows_only_when_something_is_pending():
    counts = dict.fromkeys(scored.VERDICT_ORDER, 1)
    assert verdicts.PENDING in scorecard_page.tiles(counts)
    assert verdicts.PENDING not in scorecard_page.tiles({**counts, verdicts.PENDING: 0})


def test_ledger_text_is_escaped_and_articles_are_named_by_title(reports):
    ledger = yaml.safe_load(reports.ledger.read_text())
    ledger["claims"][0]["claim"] = "<script>alert(1)</script>"
    ledger["articles"] = {
        name: {"as_of": as_of, "title": f"Title of {name[:3]}", "description": f"argues {name}"}
        for name, as_of in {r["article"]: r["as_of"] for r in ROWS}.items()
    }
    reports.ledger.write_text(yaml.safe_dump(ledger))
    csv_path, index = reports.build()
    text = index.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "argues 000_a.txt" in text and "<h3>Title of 000</h3>" in text
    assert "Title of 001 · 2026-01-15" in text  # a claim's article, by title
    assert read_csv(csv_path)["a-streak-9"]["article_title"] == "Title of 000"


def test_contrast_example_pairs_one_measurement_with_two_verdicts():
    def judged(claim_id, term, verdict):
        item = claims.Row(
            claim_id, "ytd", "a", "d", "", "return", "c", {"value": 1}, {"term": term}, "n",
            "data", "",
        )  # fmt: skip
        return scored.ScoredClaim(item, {}, "", verdict, "", 6.84, "n", (), None)

    rows = [judged("x", "approximately", verdicts.PARTLY), judged("y", "as_stated", "refuted")]
    ledger = claims.Ledger(terms={})
    assert [r["id"] for r in scorecard_page.contrast_example(ledger, rows)] == ["y", "x"]


def test_index_names_results_without_a_ledger_row(reports):
    write_json_atomic(reports.results / "zz-gone.json", {"claim_id": "zz-gone"})
    _, index = reports.build()
    assert "zz-gone" in index.read_text(encoding="utf-8")


def test_cli_builds_the_scorecard(reports, capsys, monkeypatch):
    monkeypatch.setenv(claims.LEDGER_ENV, str(reports.ledger))
    assert main(["scorecard", "--reports", str(reports.root)]) == 0
    assert "index.html" in capsys.readouterr().out
    assert main(["claims", "show", "a-streak-9"]) == 0
    assert "verdict: supported" in capsys.readouterr().out


# ------------------------------------------------------------------ disagreements


def test_a_contradiction_comes_only_from_the_ledgers_consistency_checks(reports):
    """streak-length is supported in one article and refuted in another, and the ytd figures
    8 and 5.8 cannot both hold, but the ledger checks neither: the page claims no conflict."""
    _, index = reports.build()
    text = index.read_text(encoding="utf-8")
    assert "The ledger compares no articles' figures." in text
    assert "contradict" not in text.split('id="disagree"')[1].split("</section>")[0]


# ------------------------------------------------------------------ a broken ledger


def _rewrite_rows(reports: Reports, rows: list[dict]) -> None:
    reports.ledger.write_text(yaml.safe_dump({**LEDGER, "claims": rows}))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (ROWS + [row("a-streak-9", "001_b.txt", "streak-length", 13)], "duplicate id 'a-streak-9'"),
        ([row("a-streak-9", "000_a.txt", "streak-length", 9, notebook="01_dmeo")], "01_dmeo"),
    ],
)
def test_a_broken_ledger_stops_the_build_and_keeps_the_previous_page(reports, rows, message):
    _, index = reports.build()
    before = index.read_text(encoding="utf-8")
    _rewrite_rows(reports, rows)
    with pytest.raises(LedgerError, match=message):
        reports.build()
    assert index.read_text(encoding="utf-8") == before
    assert main(["scorecard", "--reports", str(reports.root)]) == 2


# ------------------------------------------------------------------ the real ledger


def test_every_group_several_articles_share_has_a_reader_heading():
    """The bottom line heads each group by the ledger's words for what all its rows are about;
    a group without them would show its rows under no heading."""
    ledger = claims.checked_ledger()
    articles: dict[str, set[str]] = {}
    for item in ledger.rows:
        articles.setdefault(item.group, set()).add(item.article)
    shared = {group for group, names in articles.items() if len(names) > 1}
    assert shared and not sorted(g for g in shared if not ledger.groups.get(g))


def test_every_article_has_a_title_of_our_own():
    ledger = claims.checked_ledger()
    titles = [a.title for a in ledger.articles.values()]
    assert len(set(titles)) == len(titles) == 5 and all(len(t) <= 40 for t in titles)


def test_how_it_was_judged_does_not_restate_the_figures_the_box_shows():
    """ "measured 77.44 % vs claimed at least 20 %: supported (bound included)" under a box
    showing both figures said them twice; the remark joins the bands it was judged against."""
    fields = {
        "claim_id": "x", "verdict": "supported", "style": claims.VERDICT_STYLES["supported"],
        "claim": "c", "claimed": "at least 20 %", "measured": "77.44 %",
        "judged_against": "supported from 20 %",
    }  # fmt: skip
    restated = "measured 77.44 % vs claimed at least 20 %: supported (bound included)"
    box = verdict_box.box(**fields, explanation=restated)
    assert (box["judged_against"], box["explanation"]) == (
        "supported from 20 % (bound included)",
        "",
    )
    html = verdict_box.render(box)
    assert (
        "77.44 % vs" not in html and "judged against: supported from 20 % (bound included)." in html
    )
    other = "primary reading (verdict_from: worst): " + restated  # says more: shown as written
    assert verdict_box.box(**fields, explanation=other)["explanation"] == other
    unlike = restated.replace("77.44", "77.4")  # figures the box does not show: kept
    assert verdict_box.box(**fields, explanation=unlike)["explanation"] == unlike
