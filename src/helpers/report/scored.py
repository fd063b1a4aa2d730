"""Every ledger row with the one verdict the scorecard shows: the one its notebook recorded
(reports/results/<id>.json), else "not testable" for rows the ledger marks so, else "pending".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.claims import Ledger, Row, bands, values, verdicts

# Worst first: a reader scanning a list meets what does not hold before what does.
VERDICT_ORDER = (
    verdicts.REFUTED, verdicts.INCONCLUSIVE, verdicts.PARTLY, verdicts.SUPPORTED,
    verdicts.PENDING, verdicts.NOT_TESTABLE,
)  # fmt: skip
# Verdicts of claims the data could test (inconclusive: tested, but undecided).
TESTED = (verdicts.SUPPORTED, verdicts.PARTLY, verdicts.INCONCLUSIVE, verdicts.REFUTED)


@dataclass(frozen=True)
class ScoredClaim:
    """A ledger row with the verdict the scorecard shows and where its evidence lives."""

    claim: Row
    rule: dict  # resolved: the term's comparator and bands filled in
    claimed_text: str
    verdict: str
    explanation: str
    measured: Any
    notebook: str
    data_files: tuple[dict, ...]
    href: str | None
    judged_against: str = ""
    robustness: str = ""
    robustness_detail: str = ""
    evidence_sentence: str = ""
    measured_label: str = ""

    @property
    def measured_text(self) -> str:
        """The measured value with its unit, a dash when nothing was measured."""
        return "—" if self.measured is None else values.fmt_value(self.measured, self.claim.unit)


def score_claims(ledger: Ledger, results: Mapping[str, dict], reports: Path) -> list[ScoredClaim]:
    """One ScoredClaim per ledger row, linking to `<notebook>.html#claim-<id>` when both exist."""
    return [_score(ledger, row, results.get(row.id), reports) for row in ledger.rows]


def _score(ledger: Ledger, row: Row, result: dict | None, reports: Path) -> ScoredClaim:
    rule = ledger.resolved_rule(row)
    described: dict[str, Any] = {
        "claim": row,
        "rule": rule,
        "claimed_text": bands.describe_claimed(rule, row.claimed_value, row.unit),
        "judged_against": bands.describe_bands(rule, row.claimed_value, row.unit),
    }
    if result is not None:
        notebook = str(result.get("notebook") or row.notebook)
        page = reports / f"{notebook}.html"
        return ScoredClaim(
            **described,
            verdict=str(result.get("verdict", verdicts.PENDING)),
            explanation=str(result.get("explanation", "")),
            measured=result.get("measured"),
            notebook=notebook,
            data_files=tuple(result.get("data_files") or ()),
            href=f"{page.name}#claim-{row.id}" if page.is_file() else None,
            robustness=str(result.get("robustness") or ""),
            robustness_detail=str(result.get("robustness_detail") or ""),
            evidence_sentence=str(result.get("evidence_sentence") or ""),
            measured_label=str(result.get("measured_label") or ""),
        )
    if row.testability == "not_testable":
        verdict, explanation = verdicts.NOT_TESTABLE, row.testability_note
    else:
        why = "notebook not built yet" if row.is_pending else "no recorded result yet"
        verdict, explanation = verdicts.PENDING, f"{why} ({row.notebook})"
    return ScoredClaim(
        **described,
        verdict=verdict,
        explanation=explanation,
        measured=None,
        notebook=row.notebook,
        data_files=(),
        href=None,
    )


def verdict_counts(scored: Iterable[ScoredClaim]) -> dict[str, int]:
    """How many claims have each verdict, every verdict listed, worst first."""
    counts = Counter(s.verdict for s in scored)
    return {v: counts.get(v, 0) for v in VERDICT_ORDER}


def worst_first(s: ScoredClaim) -> tuple[int, str]:
    """Sort key: worst verdict first, then claim id."""
    return VERDICT_ORDER.index(s.verdict), s.claim.id


def article_title(ledger: Ledger, file: str) -> str:
    """An article as a reader knows it: the ledger's short title (the file name when the
    ledger gives none; the file name is otherwise only provenance)."""
    article = ledger.articles.get(file)
    return article.title if article and article.title else file
