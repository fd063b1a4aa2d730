"""Where the articles disagree: the ledger's `consistency:` checks (helpers.claims.consistency)
shown to a reader, on the scorecard and in claims.csv. They are the scorecard's only way of
saying that two articles contradict each other: computed from the claimed figures by the
ledger's own rule, never inferred here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.claims import Ledger, values
from helpers.claims import consistency as checks_api
from helpers.claims.consistency import CheckResult
from helpers.report.scored import ScoredClaim, article_title


def judged_checks(ledger: Ledger) -> list[CheckResult]:
    """Every consistency check of the ledger, judged, in ledger order."""
    return checks_api.judge_all(ledger)


def by_row(checks: Sequence[CheckResult]) -> dict[str, CheckResult]:
    """The check each compared row belongs to."""
    return {row: check for check in checks for row in check.rows}


def csv_columns(check: CheckResult, claim_id: str) -> tuple[str, str]:
    """(consistency, consistency_detail) of one member row of a check, for claims.csv."""
    summary = f"{check.verdict} (check {check.id})"
    if check.verdict == checks_api.CONTRADICTORY:
        summary += f": at most one of {len(check.sets)} compatible sets can hold"
    summary += "; this figure's set: " + ", ".join(check.set_of(claim_id))
    detail = check.explanation
    if check.robustness:
        detail += f"; robustness: {check.robustness}"
        if check.robustness_detail:
            detail += f" ({check.robustness_detail})"
    return summary, detail


def sections(
    ledger: Ledger, checks: Sequence[CheckResult], scored: Mapping[str, ScoredClaim]
) -> list[dict[str, Any]]:
    """Each check as the page shows it: what is compared, whether the figures can all hold,
    each set of figures that can hold together (by article title) and the values it allows,
    and whether a wider reading of the figures changes that. Contradictions first."""
    abouts = {str(c["id"]): c for c in ledger.consistency}
    shown = [_section(ledger, check, abouts[check.id], scored) for check in checks]
    return sorted(shown, key=lambda s: not s["contradictory"])


def _section(
    ledger: Ledger, check: CheckResult, entry: Mapping[str, Any], scored: Mapping[str, ScoredClaim]
) -> dict[str, Any]:
    headline = check.readings[0]
    figures = {f.claim_id: f for f in headline.figures}
    contradictory = check.verdict == checks_api.CONTRADICTORY
    return {
        "id": check.id,
        "about": check.about,
        "as_of": check.as_of,
        "contradictory": contradictory,
        "verdict": (
            f"The figures contradict each other: they form {len(check.sets)} groups, and at "
            "most one group can be right."
            if contradictory
            else f"All {len(check.rows)} figures can be right together."
        ),
        "sets": [
            {
                "between": _between(checks_api.common_values([figures[i] for i in members])),
                "figures": [_figure(ledger, scored[i]) for i in members],
            }
            for members in check.sets
        ],
        "band": band_words(ledger.terms[headline.term].get("tolerance") or {}),
        "readings": [
            {
                "about": _plain(entry["rule"]["readings"][r.name]["about"]),
                "same": r.verdict == check.verdict,
                "verdict": r.verdict,
            }
            for r in check.readings[1:]
        ],
    }


def band_words(band: Mapping[str, Any]) -> str:
    """How far from its printed value a figure may be and still hold, in words: "within 0.5
    of it", "within the larger of 0.5 and 10 % of it" (a printed range: of either end)."""
    widths = []
    if band.get("abs"):
        widths.append(values.fmt_number(band["abs"]))
    if band.get("rel"):
        widths.append(f"{values.fmt_number(100 * band['rel'])} %")
    if not widths:
        return "only at the value it prints"
    return "within " + ("the larger of " + " and ".join(widths) if len(widths) > 1 else widths[0])


def _plain(text: Any) -> str:
    """Ledger prose for a reader: one line, term names quoted as words rather than code."""
    return " ".join(str(text).replace("`", '"').split())


def _between(allowed: tuple[float, float]) -> str:
    """The values a set allows: "17.5 to 18.5", or "13.5" when it is one value."""
    low, high = (values.fmt_number(v) for v in allowed)
    return low if low == high else f"{low} to {high}"


def _figure(ledger: Ledger, s: ScoredClaim) -> dict[str, Any]:
    return {
        "id": s.claim.id,
        "article": article_title(ledger, s.claim.article),
        "claimed": s.claimed_text,
        "verdict": s.verdict,
    }
