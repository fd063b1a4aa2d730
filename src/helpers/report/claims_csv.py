"""reports/claims.csv and its codebook: every claim, verdict and measurement as a spreadsheet
reads it, one row per ledger row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from helpers import verdict_box
from helpers.claims import Ledger
from helpers.claims.consistency import CheckResult
from helpers.report import disagreements, tables
from helpers.report.scored import ScoredClaim, article_title

# claims.csv, column by column: the codebook shown on the page and written beside the CSV.
CODEBOOK = {
    "claim_id": "Stable id of the ledger row (data/claims.yaml); the scorecard links it as "
    "index.html#<id>, the notebook report as <notebook>.html#claim-<id>.",
    "article": "File name of the article under ../shared/articles the claim comes from.",
    "article_title": "Our short title for the article (from the ledger's `articles:`).",
    "family": "Topic: streak, record, return, valuation, rates, breadth, analog or other.",
    "group": "Ledger group: rows of one group measure the same quantity, across articles.",
    "as_of": "ISO date of the close the article's figure refers to (stated or inferred).",
    "claim": "Our paraphrase of the claim (never the article's own sentence).",
    "claimed": "The figure the article gives: a number, ISO date, true/false or text; "
    "a list is a JSON array.",
    "judged_against": "The measured values that make the claim supported, then partly "
    "supported, from its rule; anything outside is refuted.",
    "measured": "What the notebook measured, in the claim's unit (same types as claimed); "
    "empty when nothing was measured.",
    "measured_label": "What the measured value is when its unit does not say (e.g. the "
    "session a date marks); empty otherwise.",
    "unit": "Unit of claimed and measured (percent = 8.0 means 8 %, pp = percentage points).",
    "verdict": "supported, partly supported (also when readings of genuinely ambiguous "
    "words disagree, one supporting and one refuting: verdict_from disputed), inconclusive "
    "(the data measured cannot decide the claim: a stated significance test not passed, or "
    "a proxy that can only support), refuted, not testable, or pending.",
    "evidence_sentence": "One plain sentence of the decisive evidence: what was found, when "
    "and where; empty until the measurement states one.",
    "robustness": "robust (every reading and source gives the same verdict), depends on "
    "reading, depends on source, or headline only (no other reading, window, date or source "
    "exists; the reason is in robustness_detail).",
    "robustness_detail": "Which reading or source flips the verdict, named by what it means, "
    "and to what; for a headline-only row, why no alternative exists.",
    "consistency": "For a row whose figure a ledger consistency check compares with other "
    "articles' figures for the same quantity and date: the check's id, its verdict "
    "(contradictory: the figures form more than one compatible set and at most one set can "
    "hold; consistent: all can hold together) and the compatible set this row belongs to.",
    "consistency_detail": "The check's explanation (every compatible set and the values it "
    "allows), its robustness over the band readings it lists, and the band term.",
    "caveat": "What to keep in mind beside the verdict (proxy limits, look-ahead, a file of "
    "lower confidence), from the ledger row.",
    "testability": "data (measured directly), proxy (a stand-in series) or not_testable.",
    "rule": "The rule as JSON, with its term's comparator and tolerance bands filled in: "
    "what is measured, on which series, and how the verdict is decided.",
    "notebook": "The notebook that measured the claim; its report is <notebook>.html.",
    "explanation": "The verdict in words, or why the claim cannot be tested.",
    "data_files": "Data files behind the measurement: relative name and the first 12 hex "
    "digits of its sha256, separated by '; '.",
}
CSV_COLUMNS = tuple(CODEBOOK)
# Columns holding JSON text in the CSV; claimed and measured are JSON only when not a scalar.
JSON_COLUMNS = ("rule",)
VALUE_COLUMNS = ("claimed", "measured")


def csv_value(value: Any) -> str:
    """A claimed or measured value as a spreadsheet reads it: plain when a scalar (true/false
    for booleans, empty for none), JSON when a list or mapping."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_record(ledger: Ledger, scored: ScoredClaim, check: CheckResult | None) -> dict[str, str]:
    """The claims.csv row: scalars plain, lists and the rule as JSON (see CODEBOOK)."""
    ledger_row = scored.claim
    consistency, consistency_detail = (
        disagreements.csv_columns(check, ledger_row.id) if check else ("", "")
    )
    row: dict[str, Any] = {
        "claim_id": ledger_row.id,
        "article": ledger_row.article,
        "article_title": article_title(ledger, ledger_row.article),
        "family": ledger_row.family,
        "group": ledger_row.group,
        "as_of": ledger_row.as_of,
        "claim": ledger_row.claim,
        "claimed": csv_value(ledger_row.claimed_value),
        "judged_against": scored.judged_against,
        "measured": csv_value(scored.measured),
        "measured_label": scored.measured_label,
        "unit": ledger_row.unit,
        "verdict": scored.verdict,
        "evidence_sentence": verdict_box.sentence(scored.evidence_sentence),
        "testability": ledger_row.testability,
        "rule": scored.rule,
        "notebook": scored.notebook,
        "explanation": scored.explanation,
        "data_files": "; ".join(_file_label(f) for f in scored.data_files),
        "robustness": scored.robustness,
        "robustness_detail": scored.robustness_detail,
        "consistency": consistency,
        "consistency_detail": consistency_detail,
        "caveat": ledger_row.caveat,
    }
    for column in JSON_COLUMNS:
        row[column] = json.dumps(row[column], ensure_ascii=False, sort_keys=True)
    return row


def _file_label(source: Mapping[str, Any]) -> str:
    name = tables.file_name(source)
    sha = source.get("sha256")
    return f"{name} (sha256 {tables.short_hash(sha)})" if sha else name


def csv_text(ledger: Ledger, scored: Iterable[ScoredClaim], checks: Sequence[CheckResult]) -> str:
    """reports/claims.csv: one row per scored claim, the consistency columns from `checks`."""
    checked = disagreements.by_row(checks)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_record(ledger, s, checked.get(s.claim.id)) for s in scored)
    return buffer.getvalue()


def codebook_text() -> str:
    """claims_codebook.csv: one row per claims.csv column and what it holds."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["column", "meaning"])
    writer.writerows(CODEBOOK.items())
    return buffer.getvalue()
