"""Readings of one claim and the verdict they show: the row's own rule (the headline), the
least favourable reading, or "partly supported" when the readings of genuinely ambiguous
words disagree; and a label saying whether any reading or source flips it, in words a
reader follows (each reading named by what it means, never by its ledger name).
Pure: the readings' verdicts come in, the choice and its label go out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.claims.values import fmt_value
from helpers.claims.verdicts import PARTLY, REFUTED, SEVERITY, SUPPORTED
from helpers.errors import RuleError

ROBUST = "robust"
DEPENDS_ON_READING = "depends on reading"
DEPENDS_ON_SOURCE = "depends on source"
# A row measured one way only, with the ledger's reason no other reading exists
# (`no_alternative:`); the reason is the label's detail.
HEADLINE_ONLY = "headline only"
ROBUSTNESS_LABELS = (ROBUST, DEPENDS_ON_READING, DEPENDS_ON_SOURCE, HEADLINE_ONLY)
READING_KINDS = ("reading", "source")
HEADLINE = "headline"  # the name of the reading the row's own rule defines
WORST = "worst"
# Genuinely ambiguous words: when the headline and a reading of the words (not a source)
# disagree as supported vs refuted, the row is partly supported.
DISPUTED = "disputed"
# How a row with readings picks its headline verdict (rule key `verdict_from`); the first
# is the default.
VERDICT_FROM = (HEADLINE, WORST, DISPUTED)
# The verdicts that make a dispute: one reading supports what another refutes.
_OPPOSED = {SUPPORTED: REFUTED, REFUTED: SUPPORTED}


@dataclass(frozen=True)
class ReadingVerdict:
    """One reading of a claim (the row's own rule, or an alternative it lists) and its
    verdict; `kind` says whether it changes how the claim is read or only the data source,
    `about` what it means in words (what a reader sees instead of its name). `disputed`
    marks the verdict a dispute between readings made (`verdict_from: disputed`)."""

    name: str
    kind: str
    verdict: str
    measured: Any = None
    explanation: str = ""
    about: str = ""
    disputed: bool = False

    @property
    def described(self) -> str:
        """The reading as a reader knows it: what it means, else its name."""
        if self.name == HEADLINE:
            return self.about or "the headline reading"
        return self.about or self.name


def headline_verdict(readings: Sequence[ReadingVerdict], verdict_from: str) -> ReadingVerdict:
    """The verdict the row shows: the row's own rule (`headline`); the least favourable to
    the claim among all readings (`worst`: refuted, then inconclusive, partly, supported),
    the headline first among equals; or (`disputed`) the headline's, made "partly
    supported" when it and a reading of kind `reading` disagree as supported vs refuted."""
    if verdict_from not in VERDICT_FROM:
        raise RuleError(f"verdict_from {verdict_from!r} is not one of {VERDICT_FROM}")
    named = {r.name: r for r in readings}
    if HEADLINE not in named:
        raise RuleError("no headline reading among the readings")
    if verdict_from == DISPUTED:
        return disputed_verdict(readings)
    if verdict_from == HEADLINE:
        return named[HEADLINE]
    ranked = sorted(
        readings,
        key=lambda r: (-SEVERITY.get(r.verdict, -1), r.name != HEADLINE),
    )
    return ranked[0]


def disputed_verdict(readings: Sequence[ReadingVerdict]) -> ReadingVerdict:
    """The headline, or "partly supported" with both sides named (what each reading
    measured) when a reading of the words (not another source) opposes it."""
    headline = next(r for r in readings if r.name == HEADLINE)
    opposed = _OPPOSED.get(headline.verdict)
    against = [r for r in readings if r.kind == "reading" and r.verdict == opposed]
    if not against:
        return headline
    sides = {headline.verdict: [headline], str(opposed): against}
    explanation = "the readings disagree: " + "; ".join(
        f"{verdict} by {' and by '.join(_measured(r) for r in side)}"
        for verdict, side in sorted(sides.items(), key=lambda kv: kv[0] != SUPPORTED)
    )
    return dataclasses.replace(
        headline, verdict=PARTLY, explanation=f"{explanation}, so partly supported", disputed=True
    )


def _measured(reading: ReadingVerdict) -> str:
    return f"{reading.described} (measured {fmt_value(reading.measured)})"


def robustness(
    readings: Sequence[ReadingVerdict], chosen: ReadingVerdict, no_alternative: str = ""
) -> tuple[str, str]:
    """(label, detail): `robust` when every reading and source gives the chosen verdict;
    `depends on source` when an alternative source flips it (sources are named first: a
    verdict that changes with the data file is the weaker one); else `depends on reading`.
    A disputed verdict is compared with the headline's, so the detail names the readings
    that oppose it. The detail names each flipping reading by what it means and what it
    gives. A row with only its headline reading is `headline only` with the ledger's reason
    (`no_alternative`), or ("", "") when the ledger gives none."""
    if len(readings) <= 1:
        return (HEADLINE_ONLY, no_alternative) if no_alternative else ("", "")
    reference = next(r for r in readings if r.name == HEADLINE) if chosen.disputed else chosen
    flips = [r for r in readings if r.verdict != reference.verdict]
    if not flips:
        others = len(readings) - 1
        return ROBUST, f"same verdict under all {others} other reading(s)"
    by_source = [r for r in flips if r.kind == "source"]
    label = DEPENDS_ON_SOURCE if by_source else DEPENDS_ON_READING
    ordered = by_source + [r for r in flips if r.kind != "source"]
    detail = "; ".join(
        f"{'on ' if r.kind == 'source' else ''}{r.described}: {r.verdict} "
        f"(measured {fmt_value(r.measured)})"
        for r in ordered
    )
    return label, detail
