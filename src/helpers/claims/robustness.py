"""Readings of one claim and the verdict they show: the row's own rule (the headline) or
the least favourable reading, and a label saying whether any reading or source flips it.
Pure: the readings' verdicts come in, the choice and its label go out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.claims.values import fmt_value
from helpers.claims.verdicts import SEVERITY
from helpers.errors import RuleError

ROBUST = "robust"
DEPENDS_ON_READING = "depends on reading"
DEPENDS_ON_SOURCE = "depends on source"
ROBUSTNESS_LABELS = (ROBUST, DEPENDS_ON_READING, DEPENDS_ON_SOURCE)
READING_KINDS = ("reading", "source")
# How a row with readings picks its headline verdict (rule key `verdict_from`); the first
# is the default.
VERDICT_FROM = ("headline", "worst")
HEADLINE = "headline"  # the name of the reading the row's own rule defines


@dataclass(frozen=True)
class ReadingVerdict:
    """One reading of a claim (the row's own rule, or an alternative it lists) and its
    verdict; `kind` says whether it changes how the claim is read or only the data source."""

    name: str
    kind: str
    verdict: str
    measured: Any = None
    explanation: str = ""


def headline_verdict(readings: Sequence[ReadingVerdict], verdict_from: str) -> ReadingVerdict:
    """The reading whose verdict the row shows: the row's own rule (`headline`), or the least
    favourable to the claim among all readings (`worst`: refuted, then inconclusive, partly,
    supported), the headline first among equals."""
    if verdict_from not in VERDICT_FROM:
        raise RuleError(f"verdict_from {verdict_from!r} is not one of {VERDICT_FROM}")
    named = {r.name: r for r in readings}
    if HEADLINE not in named:
        raise RuleError("no headline reading among the readings")
    if verdict_from == HEADLINE:
        return named[HEADLINE]
    ranked = sorted(
        readings,
        key=lambda r: (-SEVERITY.get(r.verdict, -1), r.name != HEADLINE),
    )
    return ranked[0]


def robustness(readings: Sequence[ReadingVerdict], chosen: ReadingVerdict) -> tuple[str, str]:
    """(label, detail): `robust` when every reading and source gives the chosen verdict;
    `depends on source` when an alternative source flips it (sources are named first: a
    verdict that changes with the data file is the weaker one); else `depends on reading`.
    The detail names each flipping reading and what it flips to; ("", "") for a row with
    only its headline reading."""
    if len(readings) <= 1:
        return "", ""  # one reading: nothing to be robust against
    flips = [r for r in readings if r.verdict != chosen.verdict]
    if not flips:
        others = len(readings) - 1
        return ROBUST, (f"same verdict under all {others} other reading(s)" if others else "")
    by_source = [r for r in flips if r.kind == "source"]
    label = DEPENDS_ON_SOURCE if by_source else DEPENDS_ON_READING
    ordered = by_source + [r for r in flips if r.kind != "source"]
    detail = "; ".join(
        f"{r.kind} {r.name!r} gives {r.verdict} (measured {fmt_value(r.measured)})" for r in ordered
    )
    return label, detail
