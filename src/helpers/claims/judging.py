"""Judging: a measured value against a claimed one, by the bands of a resolved rule.

Nothing here reads files or knows about notebooks, so every rule can be tested (and
property-tested) on plain values. `helpers.claims.rules` resolves a row's rule from its
term; `helpers.claims.bands` gives the bands a value is judged by (the same bands the
scorecard describes); this module places the measured value in them and says so in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.claims.bands import (
    Band,
    VerdictBand,
    date_widths,
    tolerance_bands,
    verdict_bands,
)
from helpers.claims.values import (
    as_ordinal,
    fmt_number,
    fmt_value,
    is_date_like,
    is_number,
    period_index,
)
from helpers.claims.verdicts import (
    NOT_TESTABLE,
    PENDING,
    REFUTED,
    SEVERITY,
    Judgement,
)
from helpers.errors import RuleError


def judged(bands: Sequence[VerdictBand], position: float) -> str:
    """The verdict of the first band (supported, then partly) holding the measured value."""
    return next((band.verdict for band in bands if band.holds(position)), REFUTED)


def evaluate(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str = "") -> Judgement:
    """Judge `measured` against `claimed` under a resolved rule (see `rules.resolve_rule`)."""
    comparator = rule["comparator"]
    if comparator == "none":
        return Judgement(NOT_TESTABLE, "no rule can test this claim with the data here")
    if measured is None:
        return Judgement(PENDING, "no measured value yet")
    if comparator in ("equal", "date") and isinstance(claimed, (list, tuple)):
        return _evaluate_each(rule, claimed, measured, unit)
    judge = {
        "equal": _equal,
        "at_least": _one_sided,
        "at_most": _one_sided,
        "range": _in_range,
        "date": _date_match,
        "boolean": _boolean,
    }[comparator]
    return judge(rule, claimed, measured, unit)


def _evaluate_each(
    rule: Mapping[str, Any], claimed: Sequence[Any], measured: Any, unit: str
) -> Judgement:
    """Lists compare element by element; the worst element decides."""
    if not isinstance(measured, (list, tuple)) or len(measured) != len(claimed):
        raise RuleError(f"measured {measured!r} must be a list of {len(claimed)} values")
    judgements = [evaluate(rule, c, m, unit) for c, m in zip(claimed, measured, strict=True)]
    worst = max(judgements, key=lambda j: SEVERITY[j.verdict]).verdict
    return Judgement(
        worst,
        f"measured {fmt_value(list(measured), unit)} vs claimed {fmt_value(list(claimed), unit)}: "
        f"{worst} (worst of: " + "; ".join(j.verdict for j in judgements) + ")",
    )


def _numbers(claimed: Any, measured: Any) -> tuple[float, float]:
    if not is_number(claimed):
        raise RuleError(f"claimed {claimed!r} is not a number")
    if not is_number(measured):
        raise RuleError(f"measured {measured!r} is not a finite number")
    return float(claimed), float(measured)


def _bound_values(claimed: Any, measured: Any) -> tuple[float, float]:
    """A bound and a measured value as numbers: day ordinals when either is a date."""
    if is_date_like(claimed) or is_date_like(measured):
        return as_ordinal(claimed), as_ordinal(measured)
    return _numbers(claimed, measured)


def _band_text(tolerance: Band, partly: Band) -> str:
    text = f"tolerance {tolerance.describe()}" if tolerance != Band() else "tolerance 0"
    if partly != tolerance:
        text += f", partly within {partly.describe()}"
    return text


def _equal(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str) -> Judgement:
    c, m = _numbers(claimed, measured)
    verdict = judged(verdict_bands(rule, c), m)
    tolerance, partly = tolerance_bands(rule, c)
    return Judgement(
        verdict,
        f"measured {fmt_value(m, unit)} vs claimed {fmt_value(c, unit)}: {verdict} "
        f"({_band_text(tolerance, partly)})",
    )


def _one_sided(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str) -> Judgement:
    """at_least / at_most: the band extends the bound on the failing side."""
    c, m = _bound_values(claimed, measured)
    verdict = judged(verdict_bands(rule, claimed), m)
    tolerance, partly = tolerance_bands(rule, c)
    lower = rule["comparator"] == "at_least"
    strict = bool(rule.get("strict", False))
    tolerance_width, partly_width = (
        (tolerance.below, partly.below) if lower else (tolerance.above, partly.above)
    )
    relation = (
        ("more than" if strict else "at least") if lower else ("less than" if strict else "at most")
    )
    shown_m = fmt_value(measured, unit) if is_date_like(measured) else fmt_value(m, unit)
    shown_c = fmt_value(claimed, unit) if is_date_like(claimed) else fmt_value(c, unit)
    bound = "bound excluded" if strict and tolerance_width == 0 else "bound included"
    if tolerance_width > 0:
        bound += f", tolerance {fmt_number(tolerance_width)}"
    if partly_width > tolerance_width:
        bound += f", partly within {fmt_number(partly_width)} of it"
    return Judgement(
        verdict, f"measured {shown_m} vs claimed {relation} {shown_c}: {verdict} ({bound})"
    )


def _in_range(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str) -> Judgement:
    bands = verdict_bands(rule, claimed)
    low, m = _bound_values(claimed[0], measured)
    high, _ = _bound_values(claimed[1], measured)
    verdict = judged(bands, m)
    tolerance, partly = tolerance_bands(rule, (low + high) / 2)
    shown_m = fmt_value(measured, unit) if is_date_like(measured) else fmt_value(m, unit)
    return Judgement(
        verdict,
        f"measured {shown_m} vs claimed {fmt_value(claimed[0])}..{fmt_value(claimed[1], unit)}: "
        f"{verdict} (inclusive; {_band_text(tolerance, partly)})",
    )


def _date_match(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str) -> Judgement:
    granularity = rule.get("granularity", "day")
    offset = period_index(measured, granularity) - period_index(claimed, granularity)
    verdict = judged(verdict_bands(rule, claimed), period_index(measured, granularity))
    tolerance, partly = date_widths(rule)
    return Judgement(
        verdict,
        f"measured {measured} vs claimed {claimed}: {verdict} "
        f"({abs(offset)} {granularity}(s) apart; tolerance {tolerance}, partly within {partly})",
    )


def _boolean(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str) -> Judgement:
    if not isinstance(claimed, bool) or not isinstance(measured, bool):
        raise RuleError(f"a boolean rule needs true/false values, got {claimed!r} / {measured!r}")
    verdict = judged(verdict_bands(rule, claimed), 1.0 if measured else 0.0)
    return Judgement(
        verdict, f"measured {fmt_value(measured)} vs claimed {fmt_value(claimed)}: {verdict}"
    )
