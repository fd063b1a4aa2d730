"""What the data can decide: a tendency claim's significance test, and a proxy that can only
support. When the data measured cannot decide a claim it is `inconclusive`, never refuted
(nor supported). Pure: the p-value comes from the measure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.claims.judging import evaluate
from helpers.claims.values import fmt_number, is_number
from helpers.claims.verdicts import INCONCLUSIVE, NOT_TESTABLE, PENDING, REFUTED, Judgement
from helpers.errors import RuleError

# The tests a tendency claim's `test:` may name (what the p-value passed to evaluate_tested
# comes from); the measure of the row computes it.
TEST_METHODS = (
    "hac_ols",  # OLS slope with Newey-West (HAC) standard errors, two-sided t test
    "fomc_event_study",  # mean margin on FOMC decision days, by yield move, HAC t test
    "binomial_sign",  # share of periods won against 50 %, exact two-sided binomial test
    "binomial_vs_base",  # share of runs followed by a move against the base rate's share, exact
    "jobson_korkie",  # equal Sharpe ratios of two portfolios (Memmel's correction), two-sided
    "welch_t",  # equal means of two samples with unequal variances, two-sided
)
# The standard errors a regression test states (`test: cov`), chosen for the design before
# the results are seen: HAC (Newey-West with the rule's `hac_lags`; the default) for daily
# regressions, whose information overlaps from one day to the next; HC3 (MacKinnon-White
# heteroskedasticity-robust) for an event study on non-overlapping event days.
TEST_COVARIANCES = ("HAC", "HC3")
DEFAULT_COVARIANCE = "HAC"
# `proxy_direction` (a rule choice): `can_only_support` marks a proxy measuring another
# universe than the claim (large-cap banks for small-cap banks), which can support the claim
# but never refute it.
CAN_ONLY_SUPPORT = "can_only_support"
PROXY_DIRECTIONS = (CAN_ONLY_SUPPORT,)


def test_block_problems(test: Any) -> list[str]:
    """What is wrong with a rule's `test:` block ({method, alpha, controls, cov}); [] when
    valid."""
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
    if test.get("cov", DEFAULT_COVARIANCE) not in TEST_COVARIANCES:
        problems.append(f"test cov {test.get('cov')!r} is not one of {TEST_COVARIANCES}")
    unknown = set(test) - {"method", "alpha", "controls", "cov", "about"}
    if unknown:
        problems.append(f"test has unknown key(s) {sorted(unknown)}")
    return problems


def evaluate_tested(
    rule: Mapping[str, Any],
    claimed: Any,
    measured: Any,
    unit: str = "",
    p_value: Any = None,
    stands_for: str = "",
) -> Judgement:
    """`evaluate`, then the rule's significance test when it states one, then its
    `proxy_direction` (`stands_for`: what the proxy stands for, in words).

    The comparator says which way the measurement leans; the test says whether the data can
    decide. A p-value above the rule's alpha makes the verdict `inconclusive` whichever way
    the estimate leans, so a claim the data cannot decide is never refuted (nor supported).
    """
    return proxy_limited(
        rule, _tested(rule, evaluate(rule, claimed, measured, unit), p_value), stands_for
    )


def proxy_limited(rule: Mapping[str, Any], judged: Judgement, stands_for: str = "") -> Judgement:
    """A refuting judgement of a proxy that can only support (`proxy_direction:
    can_only_support`) made `inconclusive`: a stand-in from another universe than the
    claim's may show the claim holds there too, but not that it fails where it was made."""
    direction = rule.get("proxy_direction")
    if direction is None or judged.verdict != REFUTED:
        return judged
    if direction not in PROXY_DIRECTIONS:
        raise RuleError(f"proxy_direction {direction!r} is not one of {PROXY_DIRECTIONS}")
    about = f" ({stands_for.rstrip('.')})" if stands_for else ""
    return Judgement(
        INCONCLUSIVE,
        f"{judged.explanation.split(': ')[0]}: leans refuted, but the proxy{about} measures "
        "another universe than the claim, so it can support the claim but cannot refute it",
    )


def _tested(rule: Mapping[str, Any], judged: Judgement, p_value: Any) -> Judgement:
    """The judgement under the rule's `test:`, when it states one."""
    test = rule.get("test")
    if not test or judged.verdict in (NOT_TESTABLE, PENDING):
        return judged
    problems = test_block_problems(test)
    if problems:
        raise RuleError("; ".join(problems))
    if not is_number(p_value) or not 0 <= float(p_value) <= 1:
        raise RuleError(
            f"the rule states a {test['method']} test, so it needs a p-value in [0, 1], "
            f"got {p_value!r}"
        )
    alpha, p = float(test["alpha"]), float(p_value)
    controls = ", ".join(test.get("controls") or []) or "none"
    cov = f", {test['cov']} errors" if "cov" in test else ""
    stated = f"{test['method']}{cov}, controls: {controls}, p {p:.3g} vs alpha {fmt_number(alpha)}"
    if p > alpha:
        return Judgement(
            INCONCLUSIVE,
            f"{judged.explanation.split(': ')[0]}: leans {judged.verdict}, but not significant "
            f"({stated}): the data cannot decide the claim",
        )
    return Judgement(judged.verdict, f"{judged.explanation}; significant ({stated})")
