"""Pure verdict rules: compare a measured value with a claimed one by a ledger rule.

Nothing here reads files or knows about notebooks, so every rule can be tested (and
property-tested) on plain values. The ledger (data/claims.yaml) supplies the rule; `terms`
supplies named tolerances, and a row's own `tolerance` / `partly` override its term's.

Bands are inclusive of their edges (with a 1e-9 relative slack for floating-point noise), and
the "partly" band is never narrower than the "supported" band, so widening a tolerance can
only move a verdict towards "supported".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.errors import RuleError

SUPPORTED = "supported"
PARTLY = "partly supported"
REFUTED = "refuted"
NOT_TESTABLE = "not testable"
PENDING = "pending"
# A testable claim whose stated significance test the data does not pass: the measured
# value may lean either way, but the data cannot decide the claim at the ledger's level.
INCONCLUSIVE = "inconclusive"
VERDICTS = (SUPPORTED, PARTLY, INCONCLUSIVE, REFUTED, NOT_TESTABLE, PENDING)

COMPARATORS = ("equal", "at_least", "at_most", "range", "date", "boolean", "none")
GRANULARITIES = ("day", "month", "year")
# Keys a term may contribute to a rule; a rule's own keys win.
RULE_KEYS_FROM_TERM = ("comparator", "tolerance", "partly", "strict", "granularity")

_SEVERITY = {SUPPORTED: 0, PARTLY: 1, INCONCLUSIVE: 2, REFUTED: 3}
_FLOAT_SLACK = 1e-9
_UNIT_SYMBOLS = {"percent": "%", "ratio": "×"}
_UNITLESS = {"bool", "date", "month", "year", "text"}


@dataclass(frozen=True)
class Judgement:
    verdict: str
    explanation: str


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


# ------------------------------------------------------------------ rule resolution


def resolve_rule(rule: Mapping[str, Any], terms: Mapping[str, Mapping[str, Any]]) -> dict:
    """The rule with its term's comparator and tolerances filled in (row keys win)."""
    resolved = dict(rule)
    term_name = rule.get("term")
    if term_name is not None:
        if term_name not in terms:
            raise RuleError(f"unknown term {term_name!r}")
        for key in RULE_KEYS_FROM_TERM:
            if key in terms[term_name] and key not in rule:
                resolved[key] = terms[term_name][key]
    if resolved.get("comparator") not in COMPARATORS:
        raise RuleError(f"unknown comparator {resolved.get('comparator')!r}")
    return resolved


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


# ------------------------------------------------------------------ value helpers


def fmt_number(value: float) -> str:
    """Short, stable number text for explanations: 3 decimals at most, no trailing zeros."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    return f"{round(float(value), 3):g}"


def fmt_value(value: Any, unit: str = "") -> str:
    """A claimed or measured value with its unit, for people ("7.2 %", "9 sessions")."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]" + _unit_suffix(unit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return fmt_number(value) + _unit_suffix(unit)
    return str(value)


def _unit_suffix(unit: str) -> str:
    if not unit or unit in _UNITLESS:
        return ""
    return " " + _UNIT_SYMBOLS.get(unit, unit)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_date(value: Any) -> tuple[int, int | None, int | None]:
    """(year, month, day) from 'YYYY', 'YYYY-MM', 'YYYY-MM-DD[...]', an int year or a date."""
    if isinstance(value, dt.date):
        return value.year, value.month, value.day
    text = str(value).strip()[:10]
    parts = text.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise RuleError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if not 1 <= len(numbers) <= 3 or len(parts[0]) != 4:
        raise RuleError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = numbers[0]
    month, day = (numbers[1:] + [None, None])[:2]
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise RuleError(f"{value!r} is not a valid date: {exc}") from None
    return year, month, day


def as_ordinal(value: Any) -> float:
    """Numbers stay numbers; dates become day ordinals so bounds and ranges work on both."""
    if is_number(value):
        return float(value)
    year, month, day = parse_date(value)
    return float(dt.date(year, month or 1, day or 1).toordinal())


def _is_date_like(value: Any) -> bool:
    return isinstance(value, (str, dt.date)) and not is_number(value)


# ------------------------------------------------------------------ comparators


def evaluate(rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str = "") -> Judgement:
    """Judge `measured` against `claimed` under a resolved rule (see `resolve_rule`)."""
    comparator = rule["comparator"]
    if comparator == "none":
        return Judgement(NOT_TESTABLE, "no rule can test this claim with the data here")
    if measured is None:
        return Judgement(PENDING, "no measured value yet")
    if comparator in ("equal", "date") and isinstance(claimed, (list, tuple)):
        return _evaluate_each(rule, claimed, measured, unit)
    judge = {
        "equal": _equal,
        "at_least": _at_least,
        "at_most": _at_most,
        "range": _in_range,
        "date": _date_match,
        "boolean": _boolean,
    }[comparator]
    return judge(rule, claimed, measured, unit)


def _evaluate_each(rule: Mapping[str, Any], claimed: Sequence, measured: Any, unit: str):
    """Lists compare element by element; the worst element decides."""
    if not isinstance(measured, (list, tuple)) or len(measured) != len(claimed):
        raise RuleError(f"measured {measured!r} must be a list of {len(claimed)} values")
    judgements = [evaluate(rule, c, m, unit) for c, m in zip(claimed, measured, strict=True)]
    worst = max(judgements, key=lambda j: _SEVERITY[j.verdict]).verdict
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


def _within(diff: float, band: Band, scale: float) -> bool:
    slack = _FLOAT_SLACK * max(1.0, abs(scale))
    return -band.below - slack <= diff <= band.above + slack


def _grade(inside_tolerance: bool, inside_partly: bool) -> str:
    if inside_tolerance:
        return SUPPORTED
    return PARTLY if inside_partly else REFUTED


def _bands(rule: Mapping[str, Any], claimed: float) -> tuple[Band, Band]:
    tolerance = band_for(rule.get("tolerance"), claimed)
    partly = band_for(rule.get("partly"), claimed).widest(tolerance)
    return tolerance, partly


def _band_text(tolerance: Band, partly: Band) -> str:
    text = f"tolerance {tolerance.describe()}" if tolerance != Band() else "tolerance 0"
    if partly != tolerance:
        text += f", partly within {partly.describe()}"
    return text


def _equal(rule, claimed, measured, unit) -> Judgement:
    c, m = _numbers(claimed, measured)
    tolerance, partly = _bands(rule, c)
    verdict = _grade(_within(m - c, tolerance, c), _within(m - c, partly, c))
    return Judgement(
        verdict,
        f"measured {fmt_value(m, unit)} vs claimed {fmt_value(c, unit)}: {verdict} "
        f"({_band_text(tolerance, partly)})",
    )


def _bound_values(claimed: Any, measured: Any) -> tuple[float, float]:
    if _is_date_like(claimed) or _is_date_like(measured):
        return as_ordinal(claimed), as_ordinal(measured)
    return _numbers(claimed, measured)


def _at_least(rule, claimed, measured, unit) -> Judgement:
    return _one_sided(rule, claimed, measured, unit, sign=1)


def _at_most(rule, claimed, measured, unit) -> Judgement:
    return _one_sided(rule, claimed, measured, unit, sign=-1)


def _one_sided(rule, claimed, measured, unit, sign: int) -> Judgement:
    """at_least (sign 1) / at_most (sign -1): the band extends the bound on the failing side."""
    c, m = _bound_values(claimed, measured)
    tolerance, partly = _bands(rule, c)
    strict = bool(rule.get("strict", False))
    margin = sign * (m - c)  # > 0 means on the claimed side of the bound
    slack = _FLOAT_SLACK * max(1.0, abs(c))

    def passes(width: float) -> bool:
        if width > 0:
            return margin >= -width - slack
        return margin > slack if strict else margin >= -slack

    tolerance_width, partly_width = (
        (tolerance.below, partly.below) if sign > 0 else (tolerance.above, partly.above)
    )
    verdict = _grade(passes(tolerance_width), passes(partly_width))
    relation = (
        ("more than" if strict else "at least")
        if sign > 0
        else ("less than" if strict else "at most")
    )
    shown_m = fmt_value(measured, unit) if _is_date_like(measured) else fmt_value(m, unit)
    shown_c = fmt_value(claimed, unit) if _is_date_like(claimed) else fmt_value(c, unit)
    bound = "bound excluded" if strict and tolerance_width == 0 else "bound included"
    if tolerance_width > 0:
        bound += f", tolerance {fmt_number(tolerance_width)}"
    if partly_width > tolerance_width:
        bound += f", partly within {fmt_number(partly_width)} of it"
    return Judgement(
        verdict, f"measured {shown_m} vs claimed {relation} {shown_c}: {verdict} ({bound})"
    )


def _in_range(rule, claimed, measured, unit) -> Judgement:
    if not isinstance(claimed, (list, tuple)) or len(claimed) != 2:
        raise RuleError(f"a range claim needs [low, high], got {claimed!r}")
    low, m = _bound_values(claimed[0], measured)
    high, _ = _bound_values(claimed[1], measured)
    if low > high:
        raise RuleError(f"range {claimed!r} has low above high")
    tolerance, partly = _bands(rule, (low + high) / 2)

    def inside(band: Band) -> bool:
        slack = _FLOAT_SLACK * max(1.0, abs(low), abs(high))
        return low - band.below - slack <= m <= high + band.above + slack

    verdict = _grade(inside(tolerance), inside(partly))
    shown_m = fmt_value(measured, unit) if _is_date_like(measured) else fmt_value(m, unit)
    return Judgement(
        verdict,
        f"measured {shown_m} vs claimed {fmt_value(claimed[0])}..{fmt_value(claimed[1], unit)}: "
        f"{verdict} (inclusive; {_band_text(tolerance, partly)})",
    )


def _date_match(rule, claimed, measured, unit) -> Judgement:
    granularity = rule.get("granularity", "day")
    if granularity not in GRANULARITIES:
        raise RuleError(f"unknown granularity {granularity!r}")
    offset = _periods_apart(parse_date(claimed), parse_date(measured), granularity)
    tolerance = int(band_for(rule.get("tolerance"), 0).above)
    partly = max(int(band_for(rule.get("partly"), 0).above), tolerance)
    verdict = _grade(abs(offset) <= tolerance, abs(offset) <= partly)
    return Judgement(
        verdict,
        f"measured {measured} vs claimed {claimed}: {verdict} "
        f"({abs(offset)} {granularity}(s) apart; tolerance {tolerance}, partly within {partly})",
    )


def _periods_apart(claimed: tuple, measured: tuple, granularity: str) -> int:
    """Signed distance measured - claimed in whole years, months or days."""
    if granularity == "year":
        return measured[0] - claimed[0]
    if claimed[1] is None or measured[1] is None:
        raise RuleError(f"a {granularity} match needs a month in both dates")
    if granularity == "month":
        return (measured[0] - claimed[0]) * 12 + measured[1] - claimed[1]
    if claimed[2] is None or measured[2] is None:
        raise RuleError("a day match needs full YYYY-MM-DD dates")
    return (dt.date(*measured) - dt.date(*claimed)).days


def _boolean(rule, claimed, measured, unit) -> Judgement:
    if not isinstance(claimed, bool) or not isinstance(measured, bool):
        raise RuleError(f"a boolean rule needs true/false values, got {claimed!r} / {measured!r}")
    verdict = SUPPORTED if claimed == measured else REFUTED
    return Judgement(
        verdict, f"measured {fmt_value(measured)} vs claimed {fmt_value(claimed)}: {verdict}"
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
    if comparator == "range" or (comparator == "none" and _is_ascending_pair(claimed)):
        return f"{fmt_value(claimed[0])} to {fmt_value(claimed[1], unit)}"
    loose = band_for(rule.get("tolerance"), claimed if is_number(claimed) else 0) != Band()
    return ("≈ " if comparator == "equal" and loose else "") + fmt_value(claimed, unit)


def claimed_interval(rule: Mapping[str, Any], claimed: Any) -> tuple[float, float] | None:
    """The numbers a numeric claim allows, its tolerance band included; None if not numeric.

    Two articles whose intervals for the same quantity and date do not overlap cannot both be
    right. For a not-testable row an ascending pair of numbers is read as a range ("12-13x").
    """
    comparator = rule["comparator"]
    if comparator in ("range", "none") and _is_ascending_pair(claimed):
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


def _is_ascending_pair(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(is_number(x) for x in value)
        and value[0] <= value[1]
    )


# ------------------------------------------------------------------ bands a reader can see


@dataclass(frozen=True)
class VerdictBand:
    """The measured values that earn `verdict`: low to high (None = unbounded), each bound
    included unless its *_open flag says otherwise. Bounds are numbers, ISO dates or bools."""

    verdict: str
    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False

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
        dash = " to " if _is_date_like(self.low) else "–"
        return f"within {fmt_value(self.low)}{dash}{fmt_value(self.high, unit)}"


def _point_word(value: Any) -> str:
    """ "on 2026-01-02", "in 1990-08", "at 9 sessions"."""
    if not _is_date_like(value):
        return "at "
    return "on " if len(str(value)) == 10 else "in "


def verdict_bands(rule: Mapping[str, Any], claimed: Any) -> tuple[VerdictBand, ...]:
    """The bands `evaluate` judges one claimed value by under a resolved rule: supported,
    then partly supported when that band is wider; anything outside both is refuted.

    Shown beside each claim so a reader sees why the same measurement can support one figure
    and refute another. Empty for `none`; a list claim has one set of bands per element.
    """
    comparator = rule["comparator"]
    if comparator == "none":
        return ()
    if comparator == "boolean":
        return (VerdictBand(SUPPORTED, claimed, claimed),)
    if comparator == "date":
        return _date_bands(rule, claimed)
    if comparator == "range":
        low, high = as_ordinal(claimed[0]), as_ordinal(claimed[1])
        tolerance, partly = _bands(rule, (low + high) / 2)
        widths = [tolerance] + ([partly] if partly != tolerance else [])
        return tuple(
            VerdictBand(
                verdict,
                _like(claimed[0], low - band.below),
                _like(claimed[1], high + band.above),
            )
            for verdict, band in zip((SUPPORTED, PARTLY), widths, strict=False)
        )
    c = as_ordinal(claimed)
    tolerance, partly = _bands(rule, c)
    if comparator == "equal":
        widths = [tolerance] + ([partly] if partly != tolerance else [])
        return tuple(
            VerdictBand(verdict, c - band.below, c + band.above)
            for verdict, band in zip((SUPPORTED, PARTLY), widths, strict=False)
        )
    return _one_sided_bands(rule, claimed, c, tolerance, partly)


def _one_sided_bands(rule, claimed, c: float, tolerance: Band, partly: Band):
    """at_least / at_most: the bound, moved out by the tolerance (then the partly) width."""
    lower = rule["comparator"] == "at_least"
    strict = bool(rule.get("strict", False))
    widths = (tolerance.below, partly.below) if lower else (tolerance.above, partly.above)
    bands: list[VerdictBand] = []
    for verdict, width in zip((SUPPORTED, PARTLY), widths, strict=True):
        if bands and width <= widths[0]:
            break
        edge = _like(claimed, c - width if lower else c + width)
        is_open = strict and width == 0
        bands.append(
            VerdictBand(verdict, low=edge, low_open=is_open)
            if lower
            else VerdictBand(verdict, high=edge, high_open=is_open)
        )
    return tuple(bands)


def _date_bands(rule: Mapping[str, Any], claimed: Any) -> tuple[VerdictBand, ...]:
    granularity = rule.get("granularity", "day")
    tolerance = int(band_for(rule.get("tolerance"), 0).above)
    partly = max(int(band_for(rule.get("partly"), 0).above), tolerance)
    parsed = parse_date(claimed)
    widths = [tolerance] + ([partly] if partly > tolerance else [])
    return tuple(
        VerdictBand(
            verdict,
            _shift(parsed, -width, granularity),
            _shift(parsed, width, granularity),
        )
        for verdict, width in zip((SUPPORTED, PARTLY), widths, strict=False)
    )


def _shift(parsed: tuple, periods: int, granularity: str) -> str:
    """The date `periods` years, months or days from `parsed`, written at that granularity."""
    year, month, day = parsed
    if granularity == "year":
        return f"{year + periods:04d}"
    if granularity == "month":
        index = year * 12 + (month or 1) - 1 + periods
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return (dt.date(year, month or 1, day or 1) + dt.timedelta(days=periods)).isoformat()


def _like(claimed: Any, value: float) -> Any:
    """A band edge in the claim's own kind: an ISO date for a date claim, else the number."""
    if _is_date_like(claimed):
        return dt.date.fromordinal(round(value)).isoformat()
    return value


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


# ------------------------------------------------------------------ ledger-time checks


def check_claimed(rule: Mapping[str, Any], claimed: Any) -> None:
    """Raise RuleError when `claimed` cannot be the claimed value of this resolved rule."""
    comparator = rule["comparator"]
    if comparator == "none":
        return
    if comparator == "range":
        if not isinstance(claimed, (list, tuple)) or len(claimed) != 2:
            raise RuleError(f"range claim must be [low, high], got {claimed!r}")
        if as_ordinal(claimed[0]) > as_ordinal(claimed[1]):
            raise RuleError(f"range {claimed!r} has low above high")
        return
    values = claimed if isinstance(claimed, (list, tuple)) else [claimed]
    if isinstance(claimed, (list, tuple)) and comparator not in ("equal", "date"):
        raise RuleError(f"{comparator} takes a single claimed value, got a list")
    if not values:
        raise RuleError("claimed list is empty")
    for value in values:
        _check_one_claimed(comparator, value)


def _check_one_claimed(comparator: str, value: Any) -> None:
    if comparator == "equal" and not is_number(value):
        raise RuleError(f"equal needs a number, got {value!r}")
    if comparator == "date":
        parse_date(value)
    if comparator == "boolean" and not isinstance(value, bool):
        raise RuleError(f"boolean needs true/false, got {value!r}")
    if comparator in ("at_least", "at_most"):
        as_ordinal(value)


# ------------------------------------------------------------------ significance


# The tests a tendency claim's `test:` may name (what the p-value passed to evaluate_tested
# comes from); the package function measuring the row computes it.
TEST_METHODS = (
    "hac_ols",  # OLS slope with Newey-West (HAC) standard errors, two-sided t test
    "fomc_event_study",  # mean margin on FOMC decision days, by yield move, HAC t test
    "binomial_sign",  # share of periods won against 50 %, exact two-sided binomial test
    "jobson_korkie",  # equal Sharpe ratios of two portfolios (Memmel's correction), two-sided
)


def test_problems(test: Any) -> list[str]:
    """What is wrong with a rule's `test:` block ({method, alpha, controls}); [] when valid."""
    if not isinstance(test, Mapping):
        return [f"test {test!r} must be a mapping {{method, alpha, controls}}"]
    problems = []
    if test.get("method") not in TEST_METHODS:
        problems.append(f"test method {test.get('method')!r} is not one of {TEST_METHODS}")
    alpha = test.get("alpha")
    if not is_number(alpha) or not 0 < float(alpha) < 1:  # type: ignore[arg-type]
        problems.append(f"test alpha {alpha!r} must be a number strictly between 0 and 1")
    controls = test.get("controls")
    if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
        problems.append(f"test controls {controls!r} must be a list of series names ([] for none)")
    unknown = set(test) - {"method", "alpha", "controls", "about"}
    if unknown:
        problems.append(f"test has unknown key(s) {sorted(unknown)}")
    return problems


def evaluate_tested(
    rule: Mapping[str, Any], claimed: Any, measured: Any, unit: str = "", p_value: Any = None
) -> Judgement:
    """`evaluate`, then the rule's significance test when it states one.

    The comparator says which way the measurement leans; the test says whether the data can
    decide. A p-value above the rule's alpha makes the verdict `inconclusive` whichever way
    the estimate leans, so a claim the data cannot decide is never refuted (nor supported).
    """
    judged = evaluate(rule, claimed, measured, unit)
    test = rule.get("test")
    if not test or judged.verdict in (NOT_TESTABLE, PENDING):
        return judged
    problems = test_problems(test)
    if problems:
        raise RuleError("; ".join(problems))
    if not is_number(p_value) or not 0 <= float(p_value) <= 1:
        raise RuleError(
            f"the rule states a {test['method']} test, so it needs a p-value in [0, 1], "
            f"got {p_value!r}"
        )
    alpha, p = float(test["alpha"]), float(p_value)
    controls = ", ".join(test.get("controls") or []) or "none"
    stated = f"{test['method']}, controls: {controls}, p {p:.3g} vs alpha {fmt_number(alpha)}"
    if p > alpha:
        return Judgement(
            INCONCLUSIVE,
            f"{judged.explanation.split(': ')[0]}: leans {judged.verdict}, but not significant "
            f"({stated}): the data cannot decide the claim",
        )
    return Judgement(judged.verdict, f"{judged.explanation}; significant ({stated})")


# ------------------------------------------------------------------ readings and robustness

ROBUST = "robust"
DEPENDS_ON_READING = "depends on reading"
DEPENDS_ON_SOURCE = "depends on source"
ROBUSTNESS_LABELS = (ROBUST, DEPENDS_ON_READING, DEPENDS_ON_SOURCE)
READING_KINDS = ("reading", "source")
# How a row with readings picks its headline verdict (rule key `verdict_from`).
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
        key=lambda r: (-_SEVERITY.get(r.verdict, -1), r.name != HEADLINE),
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
