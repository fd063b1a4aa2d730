"""A row's rule as the verdict engine reads it: the comparator and tolerances its term gives,
and the claimed values each comparator accepts.

Pure: the ledger supplies the rule and `terms`; a row's own `tolerance` / `partly` /
`strict` / `granularity` override its term's. The comparator is the term's: a row that
restates it must agree, so `term: more_than` with `comparator: at_most` is refused instead
of being judged `at_most`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.claims.values import as_ordinal, is_number, parse_date, period_index
from helpers.errors import RuleError

COMPARATORS = ("equal", "at_least", "at_most", "range", "date", "boolean", "none")
# Keys a term gives a rule; a rule's own keys win (the comparator must agree).
RULE_KEYS_FROM_TERM = ("comparator", "tolerance", "partly", "strict", "granularity")


def resolve_rule(rule: Mapping[str, Any], terms: Mapping[str, Mapping[str, Any]]) -> dict:
    """The rule with its term's comparator and tolerances filled in (row keys win)."""
    resolved = dict(rule)
    term_name = rule.get("term")
    if term_name is not None:
        if term_name not in terms:
            raise RuleError(f"unknown term {term_name!r}")
        term = terms[term_name]
        stated = rule.get("comparator")
        if stated is not None and stated != term.get("comparator"):
            raise RuleError(
                f"comparator {stated!r} contradicts term {term_name!r}, whose comparator is "
                f"{term.get('comparator')!r}",
                "drop the row's `comparator:` (its term gives it), or choose another term",
            )
        for key in RULE_KEYS_FROM_TERM:
            if key in term and key not in rule:
                resolved[key] = term[key]
    if resolved.get("comparator") not in COMPARATORS:
        raise RuleError(f"unknown comparator {resolved.get('comparator')!r}")
    return resolved


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
        _check_one_claimed(rule, value)


def _check_one_claimed(rule: Mapping[str, Any], value: Any) -> None:
    comparator = rule["comparator"]
    if comparator == "equal" and not is_number(value):
        raise RuleError(f"equal needs a number, got {value!r}")
    if comparator == "date":
        parse_date(value)
        period_index(value, rule.get("granularity", "day"))
    if comparator == "boolean" and not isinstance(value, bool):
        raise RuleError(f"boolean needs true/false, got {value!r}")
    if comparator in ("at_least", "at_most"):
        as_ordinal(value)
