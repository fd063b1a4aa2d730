"""A tendency claim's significance test: when the data cannot decide a claim, it is
`inconclusive`, never refuted (nor supported). Pure: the p-value comes from the measure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.claims.judging import evaluate
from helpers.claims.values import fmt_number, is_number
from helpers.claims.verdicts import INCONCLUSIVE, NOT_TESTABLE, PENDING, Judgement
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


def test_block_problems(test: Any) -> list[str]:
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
    stated = f"{test['method']}, controls: {controls}, p {p:.3g} vs alpha {fmt_number(alpha)}"
    if p > alpha:
        return Judgement(
            INCONCLUSIVE,
            f"{judged.explanation.split(': ')[0]}: leans {judged.verdict}, but not significant "
            f"({stated}): the data cannot decide the claim",
        )
    return Judgement(judged.verdict, f"{judged.explanation}; significant ({stated})")
