"""Notebook prose never contradicts the ledger: a markdown sentence that says a row is not
judged must be about rows the ledger marks not testable, one that gives a row's verdict must
give the pinned one, and one that dates an article must use the ledger's as-of date.

A sentence names rows by claim id, or by a quoted phrase of a row's claim (rows of the same
notebook). The check runs on small notebooks built here (so it can fail) and on every
notebook in notebooks/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import nbformat
import pytest

from helpers import claims
from helpers.claims import Row, pinned, verdicts
from helpers.config import repo_root

NOTEBOOKS = sorted((repo_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NOT_JUDGED = re.compile(
    r"not[ _]testable|not judged|cannot be (?:tested|judged)|can only list|carr(?:y|ies) no "
    r"verdict|untestable",
    re.IGNORECASE,
)
VERDICT_WORDS = re.compile(r"\b(partly supported|supported|refuted|inconclusive)\b", re.IGNORECASE)
# "articles 000/002 at 2026-01-14", "article 003 at 2026-01-21"
DATED = re.compile(r"\b(\d{3}(?:/\d{3})*) (?:at|as of) (\d{4}-\d{2}-\d{2})\b")
QUOTED = re.compile(r"[\"“]([^\"”]{4,80})[\"”]")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"“(`*])")


def sentences(markdown: str) -> list[str]:
    """The markdown's sentences, one line each (headings and list items count as one)."""
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*] |#))", markdown):
        out += _SENTENCE_END.split(" ".join(block.split()))
    return [s for s in out if s]


def rows_named(sentence: str, rows: Mapping[str, Row], notebook: str) -> tuple[set, set]:
    """(rows named by id, rows named by a quoted phrase of their claim in this notebook)."""
    by_id = {i for i in rows if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", sentence)}
    by_phrase = set()
    for phrase in QUOTED.findall(sentence):
        words = phrase.lower().removeprefix("the ").strip(" .,")
        by_phrase |= {
            i for i, row in rows.items() if row.notebook == notebook and words in row.claim.lower()
        }
    return by_id, by_phrase


def contradictions(
    notebook: Path, ledger: claims.Ledger, pinned_verdicts: Mapping[str, str]
) -> list[str]:
    """Each sentence of `notebook`'s markdown that the ledger contradicts, and why."""
    rows = ledger.by_id()
    as_of = {a.label: a.as_of for a in ledger.articles.values()}
    problems = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for sentence in sentences(cell.source):
            problems += [f"{notebook.stem}: {p}: {sentence!r}" for p in _sentence(
                sentence, rows, notebook.stem, as_of, pinned_verdicts
            )]  # fmt: skip
    return problems


def _sentence(
    sentence: str,
    rows: Mapping[str, Row],
    stem: str,
    as_of: Mapping[str, str],
    pinned_verdicts: Mapping[str, str],
) -> Iterable[str]:
    by_id, by_phrase = rows_named(sentence, rows, stem)
    if NOT_JUDGED.search(sentence):
        for i in sorted(by_id | by_phrase):
            if rows[i].testability != "not_testable":
                yield f"calls {i} not judged; the ledger judges it ({rows[i].testability})"
    said = {w.lower() for w in VERDICT_WORDS.findall(sentence)}
    if len(said) == 1 and not NOT_JUDGED.search(sentence):
        (verdict,) = said
        for i in sorted(by_id):
            if i in pinned_verdicts and pinned_verdicts[i] != verdict:
                yield f"calls {i} {verdict}; its pinned verdict is {pinned_verdicts[i]}"
    for labels, date in DATED.findall(sentence):
        for label in labels.split("/"):
            if label in as_of and as_of[label] != date:
                yield f"dates article {label} at {date}; the ledger's as_of is {as_of[label]}"


# ------------------------------------------------------------------ the check itself


def _row(claim_id: str, claim: str, testability: str = "data") -> Row:
    return Row(
        claim_id, "g", "000_a.txt", "2026-01-14", "", "streak", claim, {"value": 1}, {},
        "01_demo", testability, "",
    )  # fmt: skip


ROWS = {
    "a-modest": _row("a-modest", "The first day's margin was modest."),
    "a-cause": _row("a-cause", "Policy caused the rally.", "not_testable"),
}
LEDGER = claims.Ledger(
    terms={},
    rows=list(ROWS.values()),
    articles={"000_a.txt": claims.ledger.Article("000_a.txt", "2026-01-14", "d", title="t")},
)


def _notebook(tmp_path: Path, *markdown: str) -> Path:
    path = tmp_path / "01_demo.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(m) for m in markdown])
    nbformat.write(nb, path)
    return path


def test_the_check_names_each_contradiction(tmp_path):
    path = _notebook(
        tmp_path,
        '"Modest" has no threshold, so that row is not testable and is not judged here.',
        "The cause (`a-cause`) is not testable. Row `a-modest` is supported by the data.",
        "Measured at each article's close (article 000 at 2026-01-15).",
    )
    assert contradictions(path, LEDGER, {"a-modest": verdicts.REFUTED}) == [
        "01_demo: calls a-modest not judged; the ledger judges it (data): "
        "'\"Modest\" has no threshold, so that row is not testable and is not judged here.'",
        "01_demo: calls a-modest supported; its pinned verdict is refuted: "
        "'Row `a-modest` is supported by the data.'",
        "01_demo: dates article 000 at 2026-01-15; the ledger's as_of is 2026-01-14: "
        + repr("Measured at each article's close (article 000 at 2026-01-15)."),
    ]


def test_the_check_passes_prose_the_ledger_agrees_with(tmp_path):
    path = _notebook(
        tmp_path,
        'The ledger fixes how "modest" is read; the verdict box below shows it.',
        "The cause (`a-cause`) is not testable; article 000 at 2026-01-14.",
    )
    assert contradictions(path, LEDGER, {"a-modest": verdicts.REFUTED}) == []


# ------------------------------------------------------------------ the notebooks


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_prose_agrees_with_the_ledger(notebook):
    ledger = claims.read_ledger()
    pinned_verdicts = {
        claim_id: row["verdict"]
        for claim_id, row in pinned.read(
            repo_root() / "data" / "vintage" / pinned.PINNED_FILE
        ).items()
    }
    assert contradictions(notebook, ledger, pinned_verdicts) == []
