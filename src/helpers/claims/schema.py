"""The ledger's schema check: every problem of every row, found before any notebook runs."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers.claims import consistency, robustness, rules
from helpers.claims.contract import contract_problems
from helpers.claims.ledger import (
    ARTICLE_DEFAULTS,
    GROUP_DEFAULTS,
    GROUP_RULE,
    READING_FIXED_KEYS,
    RULE_CHOICE_DEFAULTS,
    TESTABILITY_DEFAULT,
    Ledger,
    Row,
    articles_of_id,
    read_ledger,
)
from helpers.config import repo_root
from helpers.errors import LedgerError, RuleError


def validate_ledger(
    path: Path | None = None,
    notebooks_dir: Path | None = None,
    articles_dir: Path | None = None,
) -> list[Row]:
    """Check every row; raise one LedgerError listing all problems, else return the claims."""
    return checked_ledger(path, notebooks_dir, articles_dir).rows


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
    problems = (
        contract_problems(ledger.document)
        + _article_problems(ledger)
        + _group_problems(ledger)
        + _written_out_problems(ledger)
        + _unused_reading_problems(ledger)
    )
    problems += _as_of_problems(ledger)
    existing_notebooks = {p.stem for p in notebooks_home(notebooks_dir).glob("*.ipynb")}
    for row in ledger.rows:
        problems += [f"{row.id}: {p}" for p in _row_problems(ledger, row, existing_notebooks)]
        if articles_dir.is_dir() and not (articles_dir / row.article).is_file():
            problems.append(f"{row.id}: article {row.article} not found in {articles_dir}")
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
    for row in ledger.rows:
        as_of_by_article.setdefault(row.article, set()).add(row.as_of)
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
    prefixes = Counter(entry.id_prefix for entry in ledger.articles.values() if entry.id_prefix)
    return problems + [
        f"id_prefix {prefix}: given to {n} articles; each needs its own"
        for prefix, n in prefixes.items()
        if n > 1
    ]


def _group_problems(ledger: Ledger) -> list[str]:
    """Every entry under `groups:` heads rows (tests/test_scorecard.py asks the real ledger
    for a heading over each group that several articles share)."""
    used = {row.group for row in ledger.rows}
    return [
        f"group {group}: has an entry under `groups:` but no row uses it"
        for group in sorted(set(ledger.document.get("groups") or {}) - used)
    ]


def _written_out_problems(ledger: Ledger) -> list[str]:
    """What a row or group writes that the ledger already says: a comparator its term gives
    (or one that contradicts it), a rule choice or testability at its default
    (`verdict_from: headline`, `base: year_end`, `testability: data`, ...), an article its id
    gives, an as_of or as_of_basis its article's entry gives, and a value or rule key its
    group's entry gives (or one the group gives that every row replaces). Keeping them out
    keeps one home for each."""
    groups = {
        name: entry
        for name, entry in (ledger.document.get("groups") or {}).items()
        if isinstance(entry, Mapping)
    }
    problems = [
        f"group {name}: {key} {value} is the default: drop it"
        for name, entry in groups.items()
        for key, value in [*RULE_CHOICE_DEFAULTS.items(), ("testability", TESTABILITY_DEFAULT)]
        if (entry if key == "testability" else _rule_of(entry)).get(key) == value
    ]
    for raw in ledger.document.get("claims") or []:
        if isinstance(raw, Mapping) and isinstance(raw.get("rule", {}), Mapping):
            # (the contract reports any other shape)
            group = groups.get(str(raw.get("group"))) or {}
            problems += _row_written_out(raw, group, ledger)
    return list(dict.fromkeys(problems)) + _group_values_no_row_takes(ledger, groups)


def _row_written_out(raw: Mapping[str, Any], group: Mapping[str, Any], ledger: Ledger) -> list:
    """What one row writes that its term, the defaults, its id, its article or its group say."""
    where, own, shared = raw.get("id"), _rule_of(raw), _rule_of(group)
    written = where if "comparator" in own else f"group {raw.get('group')}"
    problems = _comparator_problems(written, {**shared, **own}, ledger.terms)
    problems += [
        f"{where}: {key} {value} is the default: drop it"
        for key, value in RULE_CHOICE_DEFAULTS.items()
        if own.get(key) == value and shared.get(key, value) == value
    ]
    # `testability: data` is written only against a group that gives another
    if raw.get("testability") == TESTABILITY_DEFAULT and not group.get("testability"):
        problems.append(f"{where}: testability {TESTABILITY_DEFAULT} is the default: drop it")
    problems += _article_written_out(where, raw, ledger)
    named = raw.get("article") or next(iter(articles_of_id(str(where), ledger.articles)), "")
    article = ledger.articles.get(str(named))
    restated = [
        key
        for key in ARTICLE_DEFAULTS
        if article is not None and _same(raw.get(key, getattr(article, key)), getattr(article, key))
    ]
    if len(restated) == len(ARTICLE_DEFAULTS):  # the row's date says nothing new
        problems += [
            f"{where}: {key} restates its article's: drop it" for key in restated if key in raw
        ]
    problems += [
        f"{where}: {key} restates its group's: drop it"
        for key in GROUP_DEFAULTS
        if key in raw and key in group and _same(raw[key], group[key])
    ]
    return problems + [
        f"{where}: rule {key} restates its group's: drop it"
        for key, value in own.items()
        if key in shared and value == shared[key]
    ]


def _article_written_out(where: Any, raw: Mapping[str, Any], ledger: Ledger) -> list[str]:
    """An `article` a row states that its id's prefix already gives, or contradicts."""
    by_id = articles_of_id(str(where), ledger.articles)
    if "article" not in raw or len(by_id) != 1:
        return []
    prefix = ledger.articles[by_id[0]].id_prefix
    if raw["article"] == by_id[0]:
        return [f"{where}: article restates what its id's prefix {prefix}- gives: drop it"]
    return [
        f"{where}: article {raw['article']} contradicts its id, whose prefix {prefix}- names "
        f"{by_id[0]}: drop it, or rename the row after its article's id_prefix"
    ]


def _rule_of(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    rule = entry.get(GROUP_RULE)
    return rule if isinstance(rule, Mapping) else {}


def _comparator_problems(where: Any, rule: Mapping[str, Any], terms: Mapping) -> list[str]:
    """A comparator the rule's term gives, or one that contradicts it."""
    term = terms.get(str(rule.get("term")))
    if "comparator" not in rule or not isinstance(term, Mapping):
        return []
    given = term.get("comparator")
    if rule["comparator"] == given:
        return [f"{where}: comparator {given!r} restates its term's: drop it"]
    return [
        f"{where}: comparator {rule['comparator']!r} contradicts term {rule['term']!r}, whose "
        f"comparator is {given!r}: drop it or change the term"
    ]


def _group_values_no_row_takes(ledger: Ledger, groups: Mapping[str, Mapping]) -> list[str]:
    """A value a group gives that every one of its rows replaces with its own says nothing."""
    rows: dict[str, list[Mapping]] = {}
    for raw in ledger.document.get("claims") or []:
        if isinstance(raw, Mapping):
            rows.setdefault(str(raw.get("group")), []).append(raw)
    problems = []
    for name, entry in groups.items():
        members = rows.get(name, [])
        if not members:
            continue  # _group_problems says so
        problems += [
            f"group {name}: every row states its own {key}: drop it from the group"
            for key in GROUP_DEFAULTS
            if key in entry and all(key in raw for raw in members)
        ]
        problems += [
            f"group {name}: every row states its own rule {key}: drop it from the group"
            for key in _rule_of(entry)
            if all(key in _rule_of(raw) for raw in members)
        ]
    return problems


def _same(written: Any, given: str) -> bool:
    return " ".join(str(written).split()) == " ".join(given.split())


def _unused_reading_problems(ledger: Ledger) -> list[str]:
    """A named reading no row, group or consistency check lists."""
    listed = set()
    document = ledger.document
    groups = list((document.get("groups") or {}).values())
    for raw in [*(document.get("claims") or []), *groups, *document.get("consistency", [])]:
        rule = raw.get("rule") if isinstance(raw, Mapping) else None
        if isinstance(rule, Mapping) and isinstance(rule.get("readings"), list):
            listed |= set(map(str, rule["readings"]))
    return [
        f"reading {name!r}: named under `readings:` but no row lists it"
        for name in sorted(set(ledger.readings) - listed)
    ]


def _row_problems(ledger: Ledger, row: Row, existing_notebooks: set[str]) -> list[str]:
    problems = []
    if row.notebook not in existing_notebooks and not row.is_pending:
        problems.append(f"notebook {row.notebook} does not exist; mark the row `status: pending`")
    if not row.rule.get("measure"):
        problems.append("rule has no `measure` (say exactly what is measured, in words)")
    if ("measured_by" in row.rule) == (row.testability == "not_testable"):
        problems.append(
            "a testable row names its measure (`measured_by:`, see helpers.measures.registry)"
            " and a not_testable row none"
        )
    problems += _window_problems(row.rule)
    problems += _choice_problems(row)
    problems += _significance_and_reading_problems(ledger, row)
    try:
        rule = rules.resolve_rule(row.rule, ledger.terms)
        rules.check_claimed(rule, row.claimed_value)
    except RuleError as exc:
        return problems + [f"rule/claimed: {exc.cause}"]
    if (rule["comparator"] == "none") != (row.testability == "not_testable"):
        problems.append("comparator `none` goes with testability not_testable, and only with it")
    return problems


_DATE_OR_MONTH = re.compile(r"\d{4}-\d{2}(-\d{2})?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_day(value: Any) -> bool:
    """'YYYY-MM-DD' naming a real day (strictly: not '2026', not '20260114', not 2026-02-30)."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _dated(ledger: Ledger) -> list[tuple[str, str]]:
    """(where, as_of) of every date the ledger pins a claim to: rows, articles, consistency."""
    found = [(row.id, row.as_of) for row in ledger.rows]
    found += [(f"article {name}", entry.as_of) for name, entry in ledger.articles.items()]
    found += [
        (f"consistency {check.get('id', n)}", str(check.get("as_of", "")))
        for n, check in enumerate(ledger.consistency)
        if isinstance(check, Mapping)
    ]
    return found


def _as_of_problems(ledger: Ledger) -> list[str]:
    """An as_of the contract's pattern lets through (a month, 2026-02-30) is no day."""
    return [
        f"{where}: as_of {day!r} is not a real date written YYYY-MM-DD"
        for where, day in _dated(ledger)
        if _DATE_OR_MONTH.fullmatch(day) and not is_day(day)
    ]


def session_problems(ledger: Ledger, sessions: Sequence[str]) -> list[str]:
    """Every as_of of the ledger that is not one of `sessions` (the market's trading days in
    the data, ISO dates in order): a weekend, a holiday, or a day outside the data. A row's
    as_of is the close its claim is judged at; on any other day a notebook fails deep inside
    a cell instead."""
    known = set(sessions)
    problems = []
    for where, day in _dated(ledger):
        if not is_day(day) or day in known:
            continue
        if not sessions or not sessions[0] <= day <= sessions[-1]:
            span = f"{sessions[0]}..{sessions[-1]}" if sessions else "nothing"
            problems.append(f"{where}: as_of {day} is outside the data (closes {span})")
            continue
        after = bisect.bisect(sessions, day)
        problems.append(
            f"{where}: as_of {day} ({dt.date.fromisoformat(day):%A}) is not a trading day; "
            f"the closes around it are {sessions[after - 1]} and {sessions[after]}"
        )
    return problems


def missing_alternatives(rows: Sequence[Row]) -> list[str]:
    """The testable rows that list no other reading (threshold, window, as-of +/- a session,
    source, proxy) and give no `no_alternative` reason why none exists: each row must say
    how its verdict depends on reading the claim another way, or why it cannot."""
    return [
        f"{row.id}: lists no readings and states no `no_alternative` reason"
        for row in rows
        if row.testability != "not_testable"
        and not row.rule.get("readings")
        and not row.no_alternative
    ]


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


def _choice_problems(row: Row) -> list[str]:
    """What each rule choice needs beside it (the choices themselves are the contract's)."""
    rule = row.rule
    problems = []
    if rule.get("length_from") == "claimed" and "length" not in row.claimed:
        problems.append("length_from: claimed needs `length` under `claimed`")
    if rule.get("length_from") == "window" and "window" not in rule:
        problems.append("length_from: window needs a `window`")
    if rule.get("count") == "fred_cuts" and "window" not in rule:
        problems.append("count: fred_cuts needs a `window`")
    if rule.get("count") == "consecutive_decisions" and "cut_bp" not in rule:
        problems.append("count: consecutive_decisions needs `cut_bp`")
    return problems


def _significance_and_reading_problems(ledger: Ledger, row: Row) -> list[str]:
    """What the contract cannot say of a row's `test:` and `readings:`: a test only on a
    testable row, and each reading changing some rule keys (not the fixed ones), its merged
    rule passing every check the row's does."""
    rule = row.rule
    problems = []
    if "test" in rule and row.testability == "not_testable":
        problems.append("a not_testable row states no test")
    if "verdict_from" in rule and "readings" not in rule:
        problems.append("verdict_from needs `readings` to choose among")
    if "proxy_direction" in rule and row.testability != "proxy":
        problems.append("proxy_direction is for a row whose testability is `proxy`")
    if row.no_alternative and (row.testability == "not_testable" or "readings" in rule):
        problems.append(
            "no_alternative says why a testable row lists no readings: drop it from a row "
            "with readings or a not_testable row"
        )
    if "readings" not in rule:
        return problems
    if rule.get("verdict_from") == robustness.DISPUTED and not any(
        row.reading_kind(name) == "reading" for name in rule["readings"]
    ):
        problems.append(
            "verdict_from: disputed needs a reading of kind `reading` (another reading of the "
            "words, not another source) to dispute the headline"
        )
    readings = rule["readings"]
    if not isinstance(readings, dict) or not readings:
        return problems + ["readings must map each reading's name to {about, kind, rule}"]
    for name, spec in readings.items():
        where = f"reading {name!r}"
        if name == robustness.HEADLINE:
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
        view = row.reading(name)
        inner = _window_problems(view.rule) + _choice_problems(view)
        try:
            rules.check_claimed(rules.resolve_rule(view.rule, ledger.terms), view.claimed_value)
        except RuleError as exc:
            inner.append(f"rule/claimed: {exc.cause}")
        problems += [f"{where}: {p}" for p in inner]
    return problems
