"""Verdict bands: the measured values that make a claim supported, then partly supported.

One implementation for two readers: `judging.evaluate` judges a measured value by the band
that holds it, and the scorecard describes the same bands to a reader ("supported within
5.75–5.85 %"), so what is shown is what was judged. Bands are inclusive of their edges (with
a 1e-9 relative slack for floating-point noise) unless a strict bound opens one, and the
"partly" band is never narrower than the "supported" band, so widening a tolerance can only
move a verdict towards "supported". Pure: plain values in, bands out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from helpers.claims.values import (
    as_ordinal,
    date_like,
    date_of_period,
    fmt_number,
    fmt_value,
    is_date_like,
    is_number,
    period_index,
)
from helpers.claims.verdicts import PARTLY, SUPPORTED
from helpers.errors import RuleError

FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class Band:
    """How far below and above the claimed value (or bound) a measurement may sit."""

    below: float = 0.0
    above: float = 0.0

    def widest(self, other: Band) -> Band:
        return Band(max(self.below, other.below), max(self.above, other.above))

    def describe(self) -> str:
        if self.below == self.above:
            return f"±{fmt_number(self.below)}"
        return f"-{fmt_number(self.below)}/+{fmt_number(self.above)}"


def band_for(spec: Mapping[str, Any] | None, claimed: float) -> Band:
    """Widths from a tolerance spec: {abs, rel} or {below: {abs, rel}, above: {abs, rel}}."""
    if not spec:
        return Band()
    if "below" in spec or "above" in spec:
        return Band(_width(spec.get("below"), claimed), _width(spec.get("above"), claimed))
    width = _width(spec, claimed)
    return Band(width, width)


def _width(spec: Mapping[str, Any] | None, claimed: float) -> float:
    if not spec:
        return 0.0
    width = max(float(spec.get("abs", 0.0)), float(spec.get("rel", 0.0)) * abs(claimed))
    if width < 0 or math.isnan(width):
        raise RuleError(f"tolerance {dict(spec)} gives a negative or NaN width")
    return width


def tolerance_bands(rule: Mapping[str, Any], claimed: float) -> tuple[Band, Band]:
    """(supported, partly) widths around `claimed`; partly never narrower than supported."""
    tolerance = band_for(rule.get("tolerance"), claimed)
    partly = band_for(rule.get("partly"), claimed).widest(tolerance)
    return tolerance, partly


# ------------------------------------------------------------------ the bands


@dataclass(frozen=True)
class VerdictBand:
    """The measured values that earn `verdict`: low to high (None = unbounded), each bound
    included unless its *_open flag says otherwise. Bounds are shown in the claim's own kind
    (numbers, ISO dates at the rule's granularity, bools); `scale` says how a measured value
    is placed against them: "number", "day" (day ordinals), "month"/"year" (whole periods,
    for a `date` rule) or "bool"; `edges` and `slack` are the bounds as those numbers."""

    verdict: str
    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False
    scale: str = field(default="number", repr=False, compare=False)
    edges: tuple[float | None, float | None] = field(
        default=(None, None), repr=False, compare=False
    )
    slack: float = field(default=0.0, repr=False, compare=False)

    def holds(self, position: float) -> bool:
        """Whether a measured value, placed on this band's scale (see `position`), is inside."""
        low, high = self.edges
        if low is not None and not (
            position > low + self.slack if self.low_open else position >= low - self.slack
        ):
            return False
        return high is None or (
            position < high - self.slack if self.high_open else position <= high + self.slack
        )

    def describe(self, unit: str = "") -> str:
        """ "within 5.75–5.85 %", "above 0 %", "from 4.5 %", "in 1990", "only if yes"."""
        if isinstance(self.low, bool):
            return f"only if {fmt_value(self.low)}"
        if self.low is not None and self.low == self.high:
            return _point_word(self.low) + fmt_value(self.low, unit)
        if self.high is None:
            return ("above " if self.low_open else "from ") + fmt_value(self.low, unit)
        if self.low is None:
            return ("below " if self.high_open else "up to ") + fmt_value(self.high, unit)
        dash = " to " if is_date_like(self.low) else "–"
        return f"within {fmt_value(self.low)}{dash}{fmt_value(self.high, unit)}"


def _point_word(value: Any) -> str:
    """ "on 2026-01-02", "in 1990-08", "at 9 sessions"."""
    if not is_date_like(value):
        return "at "
    return "on " if len(str(value)) == 10 else "in "


def verdict_bands(rule: Mapping[str, Any], claimed: Any) -> tuple[VerdictBand, ...]:
    """The bands a resolved rule judges one claimed value by: supported, then partly
    supported when that band is wider; anything outside both is refuted. Empty for `none`;
    a list claim has one set of bands per element (`describe_bands`)."""
    comparator = rule["comparator"]
    if comparator == "none":
        return ()
    if comparator == "boolean":
        edge = 1.0 if claimed else 0.0
        return (VerdictBand(SUPPORTED, claimed, claimed, scale="bool", edges=(edge, edge)),)
    if comparator == "date":
        return _date_bands(rule, claimed)
    if comparator == "range":
        return _range_bands(rule, claimed)
    c = as_ordinal(claimed)
    tolerance, partly = tolerance_bands(rule, c)
    scale = "day" if is_date_like(claimed) else "number"
    slack = FLOAT_SLACK * max(1.0, abs(c))
    if comparator == "equal":
        return tuple(
            VerdictBand(
                verdict, c - band.below, c + band.above, scale=scale,
                edges=(c - band.below, c + band.above), slack=slack,
            )
            for verdict, band in _graded(tolerance, partly)
        )  # fmt: skip
    return _one_sided_bands(rule, claimed, c, (tolerance, partly), slack)


def _graded(tolerance: Band, partly: Band) -> list[tuple[str, Band]]:
    """(supported, tolerance), then (partly, partly) when the partly band is wider."""
    return [(SUPPORTED, tolerance)] + ([(PARTLY, partly)] if partly != tolerance else [])


def _one_sided_bands(
    rule: Mapping[str, Any], claimed: Any, c: float, widths: tuple[Band, Band], slack: float
) -> tuple[VerdictBand, ...]:
    """at_least / at_most: the bound, moved out by the tolerance (then the partly) width on
    the failing side; a strict bound with no width excludes the bound itself."""
    lower = rule["comparator"] == "at_least"
    strict = bool(rule.get("strict", False))
    tolerance, partly = widths
    sides = (tolerance.below, partly.below) if lower else (tolerance.above, partly.above)
    scale = "day" if is_date_like(claimed) else "number"
    bands: list[VerdictBand] = []
    for verdict, width in zip((SUPPORTED, PARTLY), sides, strict=True):
        if bands and width <= sides[0]:
            break
        edge = c - width if lower else c + width
        shown = date_like(claimed, edge)
        is_open = strict and width == 0
        bands.append(
            VerdictBand(
                verdict, low=shown, low_open=is_open, scale=scale, edges=(edge, None), slack=slack
            )
            if lower
            else VerdictBand(
                verdict,
                high=shown,
                high_open=is_open,
                scale=scale,
                edges=(None, edge),
                slack=slack,
            )  # fmt: skip
        )
    return tuple(bands)


def _range_bands(rule: Mapping[str, Any], claimed: Any) -> tuple[VerdictBand, ...]:
    if not isinstance(claimed, (list, tuple)) or len(claimed) != 2:
        raise RuleError(f"a range claim needs [low, high], got {claimed!r}")
    low, high = as_ordinal(claimed[0]), as_ordinal(claimed[1])
    if low > high:
        raise RuleError(f"range {claimed!r} has low above high")
    tolerance, partly = tolerance_bands(rule, (low + high) / 2)
    scale = "day" if is_date_like(claimed[0]) or is_date_like(claimed[1]) else "number"
    slack = FLOAT_SLACK * max(1.0, abs(low), abs(high))
    return tuple(
        VerdictBand(
            verdict,
            date_like(claimed[0], low - band.below),
            date_like(claimed[1], high + band.above),
            scale=scale,
            edges=(low - band.below, high + band.above),
            slack=slack,
        )
        for verdict, band in _graded(tolerance, partly)
    )


def date_widths(rule: Mapping[str, Any]) -> tuple[int, int]:
    """(supported, partly) whole periods a `date` rule allows either side of the claim."""
    tolerance = int(band_for(rule.get("tolerance"), 0).above)
    partly = max(int(band_for(rule.get("partly"), 0).above), tolerance)
    return tolerance, partly


def _date_bands(rule: Mapping[str, Any], claimed: Any) -> tuple[VerdictBand, ...]:
    granularity = rule.get("granularity", "day")
    center = period_index(claimed, granularity)
    tolerance, partly = date_widths(rule)
    widths = [(SUPPORTED, tolerance)] + ([(PARTLY, partly)] if partly > tolerance else [])
    return tuple(
        VerdictBand(
            verdict,
            date_of_period(center - width, granularity),
            date_of_period(center + width, granularity),
            scale=granularity,
            edges=(center - width, center + width),
        )
        for verdict, width in widths
    )


def describe_bands(rule: Mapping[str, Any], claimed: Any, unit: str = "") -> str:
    """The bands in words: "supported within 5.75–5.85 %, partly within 5.3–6.3 %"."""
    if isinstance(claimed, (list, tuple)) and rule["comparator"] in ("equal", "date"):
        return "; ".join(
            f"{fmt_value(c)}: {describe_bands(rule, c, unit)}" for c in claimed if c is not None
        )
    return ", ".join(
        ("supported " if band.verdict == SUPPORTED else "partly ") + band.describe(unit)
        for band in verdict_bands(rule, claimed)
    )


# ------------------------------------------------------------------ describing claims


def describe_claimed(rule: Mapping[str, Any], claimed: Any, unit: str = "") -> str:
    """The claim as a reader should see it: "≈ 8 %", "more than 5 pp", "6 to 7 years"."""
    comparator = rule["comparator"]
    if comparator in ("at_least", "at_most"):
        strict = bool(rule.get("strict", False))
        words = {("at_least", True): "more than", ("at_least", False): "at least",
                 ("at_most", True): "less than", ("at_most", False): "at most"}  # fmt: skip
        return f"{words[comparator, strict]} {fmt_value(claimed, unit)}"
    if comparator == "range" or (comparator == "none" and is_ascending_pair(claimed)):
        return f"{fmt_value(claimed[0])} to {fmt_value(claimed[1], unit)}"
    loose = band_for(rule.get("tolerance"), claimed if is_number(claimed) else 0) != Band()
    return ("≈ " if comparator == "equal" and loose else "") + fmt_value(claimed, unit)


def claimed_interval(rule: Mapping[str, Any], claimed: Any) -> tuple[float, float] | None:
    """The numbers a numeric claim allows, its tolerance band included; None if not numeric.

    Two articles whose intervals for the same quantity and date do not overlap cannot both be
    right. For a not-testable row an ascending pair of numbers is read as a range ("12-13x").
    """
    comparator = rule["comparator"]
    if comparator in ("range", "none") and is_ascending_pair(claimed):
        band = band_for(rule.get("tolerance"), (claimed[0] + claimed[1]) / 2)
        return claimed[0] - band.below, claimed[1] + band.above
    if not is_number(claimed):
        return None
    band = band_for(rule.get("tolerance"), claimed)
    low, high = claimed - band.below, claimed + band.above
    return {
        "equal": (low, high),
        "none": (low, high),
        "at_least": (low, math.inf),
        "at_most": (-math.inf, high),
    }.get(comparator)


def is_ascending_pair(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(is_number(x) for x in value)
        and value[0] <= value[1]
    )
