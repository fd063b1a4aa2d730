"""The ledger's schema check: every problem of every row, found before any notebook runs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.claims import consistency, verdicts
from helpers.claims.contract import contract_problems
from helpers.claims.ledger import (
    READING_FIXED_KEYS,
    Claim,
    Ledger,
    read_ledger,
)
from helpers.config import repo_root
from helpers.errors import LedgerError


def validate_ledger(
    path: Path | None = None,
    notebooks_dir: Path | None = None,
    articles_dir: Path | None = None,
) -> list[Claim]:
    """Check every row; raise one LedgerError listing all problems, else return the claims."""
    return checked_ledger(path, notebooks_dir, articles_dir).claims


def notebooks_home(notebooks_dir: Path | None = None) -> Path:
    """The folder whose NN_*.ipynb the ledger's `notebook` fields name (default notebooks/)."""
    return Path(notebooks_dir) if notebooks_dir else repo_root() / "notebooks"


def checked_ledger(
    path: Path | None = None,
    notebooks_dir: Path | None = None,
    articles_dir: Path | None = None,
) -> Ledger:
    """The ledger after the full schema check: what every reader that judges or shows verdicts
    (NotebookClaims, the scorecard, `make reports`) loads, so a broken row stops the run.

    Articles are checked against ../shared/articles beside the repo when that folder exists.
    """
    ledger = read_ledger(path)
    default_articles = repo_root().parent / "shared" / "articles"
    articles_dir = Path(articles_dir) if articles_dir else default_articles
    problems = contract_problems(ledger.document) + _article_problems(ledger)
    problems += _group_problems(ledger)
    existing_notebooks = {p.stem for p in notebooks_home(notebooks_dir).glob("*.ipynb")}
    for item in ledger.claims:
        problems += [f"{item.id}: {p}" for p in _row_problems(ledger, item, existing_notebooks)]
        if articles_dir.is_dir() and not (articles_dir / item.article).is_file():
            problems.append(f"{item.id}: article {item.article} not found in {articles_dir}")
    problems += consistency.check_problems(ledger)
    if problems:
        raise LedgerError(
            f"{len(problems)} problem(s) in the ledger:\n    " + "\n    ".join(problems),
            "fix these rows in data/claims.yaml",
        )
    return ledger


def _article_problems(ledger: Ledger) -> list[str]:
    """When the ledger describes its articles, every cited article needs a well-formed entry
    whose as_of is one its rows use, and every entry needs rows."""
    if not ledger.articles:
        return []
    as_of_by_article: dict[str, set[str]] = {}
    for item in ledger.claims:
        as_of_by_article.setdefault(item.article, set()).add(item.as_of)
    problems = [
        f"article {name}: cited by claims but missing from `articles:`"
        for name in sorted(set(as_of_by_article) - set(ledger.articles))
    ]
    for name, entry in ledger.articles.items():
        if name not in as_of_by_article:
            problems.append(f"article {name}: listed under `articles:` but no claim cites it")
        elif entry.as_of not in as_of_by_article[name]:
            problems.append(
                f"article {name}: as_of {entry.as_of!r} is none of its rows' "
                f"({', '.join(sorted(as_of_by_article[name]))})"
            )
        if not entry.description:
            problems.append(f"article {name}: no `description` (what it argues, in our words)")
    return problems


def _group_problems(ledger: Ledger) -> list[str]:
    """Every heading under `groups:` heads rows (tests/test_scorecard.py asks the real ledger
    for a heading over each group that several articles share)."""
    used = {item.group for item in ledger.claims}
    return [
        f"group {group}: has a heading under `groups:` but no row uses it"
        for group in sorted(set(ledger.groups) - used)
    ]


def _row_problems(ledger: Ledger, item: Claim, existing_notebooks: set[str]) -> list[str]:
    problems = []
    if item.notebook not in existing_notebooks and not item.is_pending:
        problems.append(f"notebook {item.notebook} does not exist; mark the row `status: pending`")
    if not item.rule.get("measure"):
        problems.append("rule has no `measure` (say exactly what the notebook measures)")
    problems += _window_problems(item.rule)
    problems += _choice_problems(item)
    problems += _significance_and_reading_problems(ledger, item)
    try:
        rule = verdicts.resolve_rule(item.rule, ledger.terms)
        verdicts.check_claimed(rule, item.claimed_value)
    except verdicts.RuleError as exc:
        return problems + [f"rule/claimed: {exc}"]
    if (rule["comparator"] == "none") != (item.testability == "not_testable"):
        problems.append("comparator `none` goes with testability not_testable, and only with it")
    return problems


_DATE_OR_MONTH = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def _is_date_or_month(value: Any) -> bool:
    """'YYYY-MM-DD' naming a real day, or 'YYYY-MM' naming a real month."""
    if not isinstance(value, str) or not _DATE_OR_MONTH.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
    except ValueError:
        return False
    return True


def _window_problems(rule: Mapping[str, Any]) -> list[str]:
    """Checks of the machine-readable dates a rule may carry: `window`, `start`, `end`."""
    problems = []
    window = rule.get("window")
    if "window" in rule:
        if not (isinstance(window, list) and len(window) == 2):
            problems.append(f"window {window!r} must be a list [START, END]")
        elif not all(_is_date_or_month(day) for day in window):
            problems.append(f"window {window!r}: dates must be 'YYYY-MM-DD' or 'YYYY-MM'")
        elif window[0] > window[1]:
            problems.append(f"window {window!r} starts after it ends")
        if {"start", "end"} & rule.keys():
            problems.append("a rule has either `window` or `start`/`end`, not both")
    problems += [
        f"{key} {rule[key]!r} must be 'YYYY-MM-DD' or 'YYYY-MM'"
        for key in ("start", "end")
        if key in rule and not _is_date_or_month(rule[key])
    ]
    return problems


def _choice_problems(item: Claim) -> list[str]:
    """What each rule choice needs beside it (the choices themselves are the contract's)."""
    rule = item.rule
    problems = []
    if rule.get("length_from") == "claimed" and "length" not in item.claimed:
        problems.append("length_from: claimed needs `length` under `claimed`")
    if rule.get("length_from") == "window" and "window" not in rule:
        problems.append("length_from: window needs a `window`")
    if rule.get("count") == "fred_cuts" and "window" not in rule:
        problems.append("count: fred_cuts needs a `window`")
    if rule.get("count") == "consecutive_decisions" and "cut_bp" not in rule:
        problems.append("count: consecutive_decisions needs `cut_bp`")
    return problems


def _significance_and_reading_problems(ledger: Ledger, item: Claim) -> list[str]:
    """What the contract cannot say of a row's `test:` and `readings:`: a test only on a
    testable row, and each reading changing some rule keys (not the fixed ones), its merged
    rule passing every check the row's does."""
    rule = item.rule
    problems = []
    if "test" in rule and item.testability == "not_testable":
        problems.append("a not_testable row states no test")
    if "verdict_from" in rule and "readings" not in rule:
        problems.append("verdict_from needs `readings` to choose among")
    if "readings" not in rule:
        return problems
    readings = rule["readings"]
    if not isinstance(readings, dict) or not readings:
        return problems + ["readings must map each reading's name to {about, kind, rule}"]
    for name, spec in readings.items():
        where = f"reading {name!r}"
        if name == verdicts.HEADLINE:
            problems.append(f"{where}: the name is reserved for the row's own rule")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{where} must be a mapping {{about, kind, rule}}")
            continue
        overrides = spec.get("rule", {} if "claimed" in spec else None)
        if not isinstance(overrides, dict) or not (overrides or "claimed" in spec):
            problems.append(f"{where}: `rule` must list the rule keys it changes")
            continue
        fixed = sorted(set(overrides) & set(READING_FIXED_KEYS))
        if fixed:
            problems.append(f"{where}: may not change {fixed}")
        view = item.reading(name)
        inner = _window_problems(view.rule) + _choice_problems(view)
        try:
            verdicts.check_claimed(
                verdicts.resolve_rule(view.rule, ledger.terms), view.claimed_value
            )
        except verdicts.RuleError as exc:
            inner.append(f"rule/claimed: {exc}")
        problems += [f"{where}: {p}" for p in inner]
    return problems
