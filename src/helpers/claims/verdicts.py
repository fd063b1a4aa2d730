"""The verdicts a claim can get, how far each is from the claim, and a judgement in words.

The vocabulary every room shares: `helpers.claims.judging` gives a measured value one of
these by the bands of its row's rule (`helpers.claims.bands`), and the scorecard orders,
counts and colours them.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = "supported"
PARTLY = "partly supported"
REFUTED = "refuted"
NOT_TESTABLE = "not testable"
PENDING = "pending"
# A testable claim whose stated significance test the data does not pass: the measured
# value may lean either way, but the data cannot decide the claim at the ledger's level.
INCONCLUSIVE = "inconclusive"
VERDICTS = (SUPPORTED, PARTLY, INCONCLUSIVE, REFUTED, NOT_TESTABLE, PENDING)
# How far from the claim a verdict is: the worst of several is the highest.
SEVERITY = {SUPPORTED: 0, PARTLY: 1, INCONCLUSIVE: 2, REFUTED: 3}


@dataclass(frozen=True)
class Judgement:
    verdict: str
    explanation: str
