"""Consistency checks: can the articles' figures for one quantity on one date all hold?

A ledger `consistency:` entry names a `group` and an `as_of`; every row of that group dated
so is one article's figure for the same quantity. The check's `term` (under `terms:`) widens
each figure (a printed range stays a range) into the interval of values under which that
figure holds. Figures whose intervals share a value can hold together; the largest such sets
are the compatible sets. If the true value made two different compatible sets hold, every
figure of both would contain it, so their union would be compatible too and neither set
would be largest: at most one compatible set can hold. More than one set means the articles
contradict each other, whatever the data say, and every figure outside the set that holds
is wrong.

Pure: nothing here reads files. The figures are the rows' `claimed` values in the ledger,
so the verdict is computed from the ledger by its own rule, never typed or measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.claims import bands, robustness, values
from helpers.errors import RuleError

CONSISTENT = "consistent"
CONTRADICTORY = "contradictory"
CHECK_VERDICTS = (CONSISTENT, CONTRADICTORY)
CHECK_KEYS = ("id", "group", "as_of", "about", "rule")
CHECK_RULE_KEYS = ("measure", "term", "verdict_from", "readings")
# How a check picks the verdict it shows: its own term, or a contradictory reading (a
# dispute between readings is a claim row's matter, not a check's).
CHECK_VERDICT_FROM = (robustness.HEADLINE, robustness.WORST)
_SLACK = 1e-9


@dataclass(frozen=True)
class Figure:
    """One article's figure as an interval: the values under which it holds."""

    claim_id: str
    article: str
    low: float
    high: float

    def describe(self) -> str:
        return f"{values.fmt_number(self.low)}–{values.fmt_number(self.high)}"


@dataclass(frozen=True)
class CheckReading:
    """The check under one band: its compatible sets and what they imply."""

    name: str
    term: str
    verdict: str
    sets: tuple[tuple[str, ...], ...]
    figures: tuple[Figure, ...]
    explanation: str


@dataclass(frozen=True)
class CheckResult:
    """A consistency check with the verdict it shows and every reading behind it."""

    id: str
    group: str
    as_of: str
    about: str
    rows: tuple[str, ...]
    verdict: str
    explanation: str
    sets: tuple[tuple[str, ...], ...]
    readings: tuple[CheckReading, ...]
    robustness: str = ""
    robustness_detail: str = ""

    def set_of(self, claim_id: str) -> tuple[str, ...]:
        """The compatible set (headline reading) the row belongs to; () if none."""
        return next((s for s in self.sets if claim_id in s), ())


def is_figure(value: Any) -> bool:
    """A number, or an ascending pair of numbers (a printed range such as 12-13)."""
    if values.is_number(value):
        return True
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(values.is_number(v) for v in value)
        and value[0] <= value[1]
    )


def figure_interval(claimed: Any, band: Mapping[str, Any] | None) -> tuple[float, float]:
    """[low, high] under which a claimed figure holds: the figure (or printed range) widened
    by the band's widths, computed on the figure (a range: on its midpoint)."""
    if not is_figure(claimed):
        raise RuleError(f"{claimed!r} is not a number or an ascending [low, high]")
    low, high = (claimed, claimed) if values.is_number(claimed) else claimed
    widths = bands.band_for(band, (low + high) / 2)
    return float(low) - widths.below, float(high) + widths.above


def compatible_sets(figures: Sequence[Figure]) -> tuple[tuple[str, ...], ...]:
    """The largest sets of figures whose intervals share a value (edges included), ordered
    from the lowest values up; each set lists claim ids in sorted order.

    For intervals, every largest set's common part ends at one figure's high end, so the sets
    of figures containing each high end include every largest set; the others are dropped.
    """
    candidates: list[frozenset[str]] = []
    for point in sorted({f.high for f in figures}):
        slack = _SLACK * max(1.0, abs(point))
        members = frozenset(f.claim_id for f in figures if f.low - slack <= point <= f.high + slack)
        if members not in candidates:
            candidates.append(members)
    largest = [s for s in candidates if not any(s < other for other in candidates)]
    return tuple(tuple(sorted(s)) for s in largest)


def common_values(figures: Sequence[Figure]) -> tuple[float, float]:
    """The values under which every one of `figures` holds: (low, high)."""
    return max(f.low for f in figures), min(f.high for f in figures)


def judge_figures(figures: Sequence[Figure], name: str, term: str) -> CheckReading:
    """The verdict of one reading: consistent when one set holds every figure."""
    if len(figures) < 2:
        raise RuleError("a consistency check needs at least two figures")
    sets = compatible_sets(figures)
    by_id = {f.claim_id: f for f in figures}
    if len(sets) == 1:
        low, high = common_values(figures)
        text = (
            f"consistent: all {len(figures)} figures can hold together (common values "
            f"{values.fmt_number(low)}–{values.fmt_number(high)}; band: term {term})"
        )
        return CheckReading(name, term, CONSISTENT, sets, tuple(figures), text)
    parts = []
    for members in sets:
        low, high = common_values([by_id[i] for i in members])
        parts.append(
            "{" + ", ".join(members) + f"}} at {values.fmt_number(low)}–{values.fmt_number(high)}"
        )
    text = (
        f"contradictory: the {len(figures)} figures form {len(sets)} compatible sets "
        f"({'; '.join(parts)}); at most one set can hold (band: term {term})"
    )
    return CheckReading(name, term, CONTRADICTORY, sets, tuple(figures), text)


def check_rows(check: Mapping[str, Any], rows: Sequence[Any]) -> list[Any]:
    """The ledger rows a check compares: its group's rows dated at its as_of, ledger order."""
    return [row for row in rows if row.group == check["group"] and row.as_of == str(check["as_of"])]


def _readings(rule: Mapping[str, Any]) -> dict[str, str]:
    """Reading name -> term: the headline (the rule's own term) first, then `readings:`."""
    named = {robustness.HEADLINE: rule["term"]}
    for reading, spec in (rule.get("readings") or {}).items():
        named[reading] = spec["rule"]["term"]
    return named


def judge_check(
    check: Mapping[str, Any], ledger_rows: Sequence[Any], terms: Mapping[str, Any]
) -> CheckResult:
    """Judge one `consistency:` entry under its own term and every reading it lists."""
    rows = check_rows(check, ledger_rows)
    rule = check["rule"]
    readings = []
    for name, term in _readings(rule).items():
        if term not in terms:
            raise RuleError(f"check {check['id']}: unknown term {term!r}")
        band = terms[term].get("tolerance")
        figures = [
            Figure(row.id, row.article, *figure_interval(row.claimed_value, band)) for row in rows
        ]
        readings.append(judge_figures(figures, name, term))
    chosen = _chosen(readings, rule.get("verdict_from", robustness.HEADLINE))
    label, detail = _robustness(readings, chosen, rule.get("readings") or {})
    return CheckResult(
        id=str(check["id"]),
        group=str(check["group"]),
        as_of=str(check["as_of"]),
        about=str(check.get("about", "")),
        rows=tuple(row.id for row in rows),
        verdict=chosen.verdict,
        explanation=chosen.explanation,
        sets=chosen.sets,
        readings=tuple(readings),
        robustness=label,
        robustness_detail=detail,
    )


def _chosen(readings: Sequence[CheckReading], verdict_from: str) -> CheckReading:
    """The reading the check shows: its own term (`headline`), or a contradictory reading
    when any reading finds one (`worst`), the headline first among equals."""
    if verdict_from not in CHECK_VERDICT_FROM:
        raise RuleError(f"verdict_from {verdict_from!r} is not one of {CHECK_VERDICT_FROM}")
    headline = readings[0]
    if verdict_from == robustness.HEADLINE or headline.verdict == CONTRADICTORY:
        return headline
    return next((r for r in readings if r.verdict == CONTRADICTORY), headline)


def _robustness(
    readings: Sequence[CheckReading], chosen: CheckReading, named: Mapping[str, Any]
) -> tuple[str, str]:
    """(label, detail) as for claim rows: `robust` when every reading gives the chosen
    verdict, else `depends on reading` naming each flipping reading by what it means (its
    `about` in `named`); ("", "") for one."""
    if len(readings) <= 1:
        return "", ""
    flips = [r for r in readings if r.verdict != chosen.verdict]
    if not flips:
        return robustness.ROBUST, f"same verdict under all {len(readings) - 1} other reading(s)"
    detail = "; ".join(
        f"{(named.get(r.name) or {}).get('about') or r.name} (term {r.term}): {r.verdict} "
        f"({len(r.sets)} compatible set(s))"
        for r in flips
    )
    return robustness.DEPENDS_ON_READING, detail


def judge_all(ledger: Any) -> list[CheckResult]:
    """Every `consistency:` entry of a loaded ledger, judged in ledger order."""
    return [judge_check(check, ledger.rows, ledger.terms) for check in ledger.consistency]


def check_problems(ledger: Any) -> list[str]:
    """What is wrong with the ledger's `consistency:` entries; [] when every one is valid."""
    problems: list[str] = []
    seen: set[str] = set()
    claim_ids = {row.id for row in ledger.rows}
    for index, check in enumerate(ledger.consistency):
        where = f"consistency[{index}]"
        if not isinstance(check, Mapping):
            problems.append(f"{where} must be a mapping {{{', '.join(CHECK_KEYS)}}}")
            continue
        where = f"consistency {check.get('id', index)!r}"
        missing = [k for k in CHECK_KEYS if k not in check]
        unknown = sorted(set(check) - set(CHECK_KEYS))
        if missing or unknown:
            problems.append(f"{where}: missing {missing} / unknown {unknown} key(s)")
            continue
        if check["id"] in seen or check["id"] in claim_ids:
            problems.append(f"{where}: id repeats another check's or a claim's")
        seen.add(check["id"])
        problems += [f"{where}: {p}" for p in _entry_problems(check, ledger)]
    return problems


def _entry_problems(check: Mapping[str, Any], ledger: Any) -> list[str]:
    rule = check["rule"]
    if not isinstance(rule, Mapping) or not rule.get("measure") or "term" not in rule:
        return ["rule needs `measure` (in words) and `term` (the band each figure is widened by)"]
    problems = (
        [f"unknown rule key(s) {sorted(set(rule) - set(CHECK_RULE_KEYS))}"]
        if (set(rule) - set(CHECK_RULE_KEYS))
        else []
    )
    terms = [rule["term"]]
    for name, spec in (rule.get("readings") or {}).items():
        if not isinstance(spec, Mapping) or not str(spec.get("about") or "").strip():
            problems.append(f"reading {name!r} needs `about` and `rule: {{term}}`")
        elif not isinstance(spec.get("rule"), Mapping) or set(spec["rule"]) != {"term"}:
            problems.append(f"reading {name!r}: `rule` may change only `term`")
        else:
            terms.append(spec["rule"]["term"])
    problems += [f"term {t!r} is not under `terms:`" for t in terms if t not in ledger.terms]
    if rule.get("verdict_from", robustness.HEADLINE) not in CHECK_VERDICT_FROM:
        problems.append(f"verdict_from must be one of {CHECK_VERDICT_FROM}")
    rows = check_rows(check, ledger.rows)
    if len({row.article for row in rows}) < 2:
        problems.append(
            f"group {check['group']!r} has rows from fewer than two articles at {check['as_of']}"
        )
    problems += [
        f"row {row.id}: claimed {row.claimed_value!r} is not a number or an ascending [low, high]"
        for row in rows
        if not is_figure(row.claimed_value)
    ]
    return problems
