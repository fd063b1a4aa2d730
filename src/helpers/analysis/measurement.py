"""What a measure (`helpers.measures`) returns for one reading of a claim: the value, and
what it read.

The claims room judges a `Measurement` against the row's rule; the contract lives here, in the
pure room, so every room above it can build or read one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Measurement:
    """What a measure found for one reading of a claim.

    `value` is the measured value in the claim's unit; `p_value` the p-value of the row's
    stated test (required when the rule has `test:`); `series` the data-layer keys the
    measurement read, which become the row's `data_files` (None: every file loaded so far);
    `details` extra numbers for the result json; `evidence_sentence` one plain sentence of
    the decisive evidence (what was found, when, where), which the verdict box, the scorecard
    and claims.csv show beside the verdict; `measured_label` what the measured value is when
    its unit does not say (a date measured as a value: "the day the last 8-session run
    reached 8").
    """

    value: Any
    p_value: float | None = None
    series: tuple[str, ...] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    evidence_sentence: str = ""
    measured_label: str = ""
