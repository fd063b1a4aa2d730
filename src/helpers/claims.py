"""The claims ledger (data/claims.yaml): loading, schema checks, and recording verdicts.

Notebooks measure; this module judges. `record()` is the one call a notebook makes per claim:
it looks the claim up, applies the ledger's rule (helpers.verdicts), writes
`<results dir>/<claim_id>.json` atomically, and returns a `Verdict` that renders as a
colored box with an `id="claim-<id>"` anchor, which the scorecard links to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers import buildinfo, verdicts
from helpers.config import LEDGER_ENV, NOTEBOOK_ENV, RESULTS_ENV, repo_root, reports_dir
from helpers.errors import DataError, LedgerError
from helpers.files import write_json_atomic

# libyaml's safe loader when PyYAML was built with it: the ledger parses ~10x faster, and
# every record() reads it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAMILIES = ("streak", "record", "return", "valuation", "rates", "breadth", "analog", "other")
TESTABILITIES = ("data", "proxy", "not_testable")
STATUSES = ("pending",)
# Machine-readable choices a rule may carry, so a notebook reads how to measure a row from its
# `rule:` (Claim.choice, Claim.statistic_of) instead of guessing it from the measure's prose.
RULE_CHOICES: dict[str, tuple[str, ...]] = {
    # where a return window starts: the prior year's last close, or the close before the run
    "base": ("year_end", "run_start"),
    # which size valuation spread: B/M on December prices, or rolled forward with returns
    "spread": ("fixed-december", "price-updated"),
    # the length a precedent run must reach: the claim's `length`, or the months of `window`
    "length_from": ("claimed", "window"),
    # which computed figure of a row is its measured value
    "statistic": (
        "return_a",
        "annualized_a",
        "spread_pp",
        "annualized_spread_pp",
        "down_closes",
        "previous_window_end",
        "share_on_as_of",
        "lowest_share_in_window",
    ),
    # what a late-2025 cut count counts: FRED-dated decreases in the row's `window`, or the
    # run of equal cuts (`cut_bp`) at consecutive scheduled FOMC decisions
    "count": ("fred_cuts", "consecutive_decisions"),
    # how a rate-sensitivity row estimates the tendency: the margin regressed on yield changes
    # alone, with the market return as a control, or the mean margin on FOMC decision days
    "method": ("ols_margin", "ols_market_control", "fomc_event_study"),
    # which history a "historically" row counts: the index closes the row's `series` name, or
    # the Ken French size portfolios (smallest vs largest quintile, since 1926)
    "sample": ("index_closes", "french_size"),
    # how a row with `readings` picks the verdict it shows (helpers.verdicts.headline_verdict)
    "verdict_from": verdicts.VERDICT_FROM,
    # what counts as a precedent of a run: one that reached the length (equal or longer), or
    # only a longer one ("no longer run since")
    "precedent": ("equal_or_longer", "strictly_longer"),
    # how a valuation "widest since" dates its months: the French file month, the December
    # prices each month's BE/ME divides by, or the precedent's prices up to the claim's month
    "dated_by": ("file_month", "price_month", "price_to_claim_date"),
}
# Positive whole numbers a rule may carry (Claim.number), so a quantity that is part of the
# rule lives in the ledger, not in a notebook parameter a run could change.
RULE_NUMBERS: dict[str, str] = {
    "sessions": "sessions after an anchor (`start`, a run's end) or ending at as_of",
    "years": "calendar years after an anchor",
    "months": "calendar months before as_of",
    "first_year": "the first calendar year a ranking of years includes",
    "cut_bp": "the size, in basis points, of each cut a run of cuts counts",
    "top_n": "how many of the largest lines a concentration sums",
    "hac_lags": "Newey-West lags, in sessions, of a regression's standard errors",
    "length": "the sessions a precedent run must reach (a reading's own `comparable` share)",
    "weight_pct": "the percent of a blended portfolio held in the rule's second series",
}
# Keys a reading may not override: what the row is, not how it is measured.
READING_FIXED_KEYS = ("readings", "verdict_from", "measure", "term_meaning")
REQUIRED_FIELDS = (
    "id",
    "group",
    "article",
    "as_of",
    "as_of_basis",
    "family",
    "claim",
    "claimed",
    "rule",
    "notebook",
    "testability",
    "testability_note",
)

# Colors chosen for >= 4.5:1 text contrast; each verdict also carries a symbol so color is
# never the only signal.
VERDICT_STYLES: dict[str, dict[str, str]] = {
    verdicts.SUPPORTED: {"bg": "#e3f4e8", "fg": "#14532d", "edge": "#2f855a", "mark": "✓"},
    verdicts.PARTLY: {"bg": "#fff4d6", "fg": "#713f12", "edge": "#b7791f", "mark": "≈"},
    verdicts.REFUTED: {"bg": "#fde2e2", "fg": "#7f1d1d", "edge": "#c53030", "mark": "✗"},
    verdicts.NOT_TESTABLE: {"bg": "#eceff3", "fg": "#374151", "edge": "#6b7280", "mark": "–"},
    verdicts.PENDING: {"bg": "#e6effa", "fg": "#1e3a5f", "edge": "#4a6fa5", "mark": "…"},
    verdicts.INCONCLUSIVE: {"bg": "#efe8fb", "fg": "#3b1f6e", "edge": "#6b46c1", "mark": "?"},
}


@dataclass(frozen=True)
class Claim:
    """One ledger row; `claimed` keeps `value`, `unit` and any extra descriptive keys."""

    id: str
    group: str
    article: str
    as_of: str
    as_of_basis: str
    family: str
    claim: str
    claimed: dict
    rule: dict
    notebook: str
    testability: str
    testability_note: str
    status: str | None = None
    # what a reader must know beside the verdict: proxy limits, look-ahead, a file of lower
    # confidence (optional ledger field `caveat`; claims.csv column and verdict box line)
    caveat: str = ""

    @property
    def claimed_value(self) -> Any:
        return self.claimed.get("value")

    @property
    def unit(self) -> str:
        return str(self.claimed.get("unit", ""))

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    @property
    def window(self) -> tuple[str, str]:
        """(start, end) of the rule's fixed measurement window, ISO dates or months.

        Read from `rule.window`, the machine-readable copy of the dates `rule.measure` names,
        so a notebook never types them and an edit of the ledger reaches the measurement.
        """
        start, end = self._rule_key("window", "window: ['2025-01-31', '2025-12-31']")
        return start, end

    @property
    def start(self) -> str:
        """The rule's fixed first date (`rule.start`) for a window whose end the notebook
        counts from it (e.g. the close 756 sessions later)."""
        return self._rule_key("start", "start: '1991-03-28'")

    @property
    def end(self) -> str:
        """The rule's fixed last date (`rule.end`) for a window whose start the notebook
        finds (e.g. the last session of a run)."""
        return self._rule_key("end", "end: '2008-12-31'")

    def choice(self, key: str, default: str | None = None) -> str:
        """The rule's value for a RULE_CHOICES key; `default` when the row has none (None =
        the key is required). An unknown value is an error, never a silent fallback."""
        if key not in self.rule and default is not None:
            return default
        value = self._rule_key(key, f"{key}: {RULE_CHOICES[key][0]}")
        if value not in RULE_CHOICES[key]:
            raise LedgerError(
                f"claim {self.id}: rule {key} {value!r} is not one of {RULE_CHOICES[key]}",
                f"set `{key}:` to one of them in data/claims.yaml",
            )
        return value

    def number(self, key: str) -> int:
        """The rule's positive whole number for a RULE_NUMBERS key (required; a bad value is
        an error here too, for a ledger read without validate_ledger)."""
        value = self._rule_key(key, f"{key}: 10")
        problem = _number_problem(key, value)
        if problem:
            raise LedgerError(
                f"claim {self.id}: rule {problem}", f"fix `{key}:` in data/claims.yaml"
            )
        return value

    def statistic_of(self, values: Mapping[str, Any]) -> Any:
        """The figure named by the rule's `statistic` among the `values` a notebook computed.

        A statistic the notebook does not compute is a LedgerError; one it computed as None
        or NaN is a DataError: the row is unmeasurable, which must stop the run rather than
        be recorded as pending or as a number it is not.
        """
        name = self.choice("statistic")
        if name not in values:
            raise LedgerError(
                f"claim {self.id}: its statistic {name!r} is not among {sorted(values)}",
                "fix the row's `statistic:` in data/claims.yaml or the notebook that measures it",
            )
        value = values[name]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise DataError(
                f"claim {self.id}: {name} cannot be measured in the data (no value)",
                "state in the row's rule what to record when there is none, or extend the data",
            )
        return value

    @property
    def data_series(self) -> tuple[str, ...]:
        """The rule's `series` as data-layer keys ('FRED DGS2' -> 'fred:DGS2', 'French
        25_Portfolios_5x5' -> 'french:25_Portfolios_5x5', tickers as they are): what a
        measurement of exactly those series passes to record(series=...)."""
        keys = []
        for name in self.rule.get("series") or []:
            text = str(name)
            for prefix, kind in (("FRED ", "fred:"), ("French ", "french:")):
                if text.startswith(prefix):
                    text = kind + text.removeprefix(prefix)
            keys.append(text)
        return tuple(keys)

    @property
    def reading_names(self) -> list[str]:
        """'headline' (the row's own rule), then the alternative readings it lists."""
        return [verdicts.HEADLINE, *dict(self.rule.get("readings") or {})]

    def reading(self, name: str) -> Claim:
        """This row as one of its readings: its rule with the reading's `rule:` keys laid over
        it (`headline` is the row's own rule). The package function measuring the row gets
        this view, so a reading is measured exactly as the ledger states it."""
        base = {k: v for k, v in self.rule.items() if k not in ("readings", "verdict_from")}
        if name == verdicts.HEADLINE:
            return dataclasses.replace(self, rule=base)
        readings = dict(self.rule.get("readings") or {})
        if name not in readings:
            raise LedgerError(
                f"claim {self.id} has no reading {name!r} (it has {self.reading_names})",
                "add it under the row's `rule: readings:` in data/claims.yaml",
            )
        spec = readings[name] if isinstance(readings[name], dict) else {}
        claimed = self.claimed
        if "claimed" in spec:  # the reading reads the article's figure another way
            claimed = {**self.claimed, "value": _normalize_dates(spec["claimed"])}
        return dataclasses.replace(
            self, rule={**base, **dict(spec.get("rule") or {})}, claimed=claimed
        )

    def reading_kind(self, name: str) -> str:
        """'reading' (another way to read the claim) or 'source' (another data source)."""
        if name == verdicts.HEADLINE:
            return "reading"
        return str((self.rule.get("readings") or {}).get(name, {}).get("kind", "reading"))

    def reading_about(self, name: str) -> str:
        if name == verdicts.HEADLINE:
            return "the row's own rule"
        return " ".join(str((self.rule["readings"][name] or {}).get("about", "")).split())

    def _rule_key(self, key: str, example: str = "") -> Any:
        if key not in self.rule:
            raise LedgerError(
                f"claim {self.id}: its rule has no `{key}`",
                "add it under the row's `rule:` in data/claims.yaml"
                + (f", e.g. {example}" if example else " (see the ledger header)"),
            )
        return self.rule[key]


@dataclass(frozen=True)
class Article:
    """One article the ledger checks: the close its numbers refer to and what it argues, in
    our words, so the scorecard can name it for a reader instead of showing a hash."""

    file: str
    as_of: str
    description: str

    @property
    def label(self) -> str:
        return article_label(self.file)


def article_label(file: str) -> str:
    """The short name tables use: "000" for "000_741e8016b0056d08.txt"."""
    return file.split("_")[0]


@dataclass(frozen=True)
class Ledger:
    terms: dict
    claims: list[Claim] = field(default_factory=list)
    articles: dict[str, Article] = field(default_factory=dict)

    def by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.claims}

    def resolved_rule(self, item: Claim) -> dict:
        """The claim's rule with its term's comparator and tolerances filled in."""
        try:
            return verdicts.resolve_rule(item.rule, self.terms)
        except verdicts.RuleError as exc:
            raise LedgerError(
                f"claim {item.id}: {exc}", "fix the rule in data/claims.yaml"
            ) from None


# ------------------------------------------------------------------ loading


def ledger_path() -> Path:
    """data/claims.yaml, or the file named by SMALLCAP_LEDGER (tests use fixtures)."""
    override = os.environ.get(LEDGER_ENV)
    return Path(override) if override else repo_root() / "data" / "claims.yaml"


def published_results_dir() -> Path:
    """reports/results: the verdicts the scorecard shows; only `run-notebook` promotes here."""
    return reports_dir() / "results"


def scratch_results_dir() -> Path:
    """reports/scratch: where record() writes in a run not started by `run-notebook`."""
    return reports_dir() / "scratch"


def results_dir() -> Path:
    """Where record() writes: the run's staging folder (SMALLCAP_RESULTS_DIR, set by
    `run-notebook`), else reports/scratch, so a notebook explored in Lab never publishes."""
    override = os.environ.get(RESULTS_ENV)
    return Path(override) if override else scratch_results_dir()


def read_ledger(path: Path | None = None) -> Ledger:
    """Parse the ledger file into terms and Claim rows (structure only; see validate_ledger)."""
    path = Path(path) if path else ledger_path()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as exc:
        raise LedgerError(f"cannot read the ledger {path}: {exc}", "check the path") from None
    except yaml.YAMLError as exc:
        raise LedgerError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("claims"), list):
        raise LedgerError(f"{path} has no top-level `claims:` list", "add `terms:` and `claims:`")
    terms = raw.get("terms") or {}
    if not isinstance(terms, dict):
        raise LedgerError(f"{path}: `terms:` must be a mapping", "see the glossary format")
    rows = [_claim_from_row(row, i) for i, row in enumerate(raw["claims"])]
    duplicates = _duplicate_ids(rows)
    if duplicates:
        # Refused on every read: by_id() would keep one row and the scorecard judge the other.
        raise LedgerError(
            f"{path}: {'; '.join(duplicates)}", "give every row of data/claims.yaml its own id"
        )
    return Ledger(
        terms=terms, claims=rows, articles=_articles_from(raw.get("articles") or {}, path)
    )


def _articles_from(raw: Any, path: Path) -> dict[str, Article]:
    """The `articles:` mapping (file -> as_of, description); contents are checked later by
    validate_ledger, so one bad entry is reported with every other problem."""
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise LedgerError(
            f"{path}: `articles:` must map each file to {{as_of, description}}",
            "write `000_x.txt: {as_of: '2026-01-14', description: ...}`",
        )
    return {
        str(name): Article(
            file=str(name),
            as_of=_iso(entry.get("as_of", "")),
            description=" ".join(str(entry.get("description") or "").split()),
        )
        for name, entry in raw.items()
    }


def _claim_from_row(row: Any, index: int) -> Claim:
    if not isinstance(row, dict):
        raise LedgerError(f"claims[{index}] is not a mapping", "each row is `- id: ...` fields")
    missing = [name for name in REQUIRED_FIELDS if name not in row or row[name] in (None, "")]
    if missing:
        name = row.get("id", f"claims[{index}]")
        raise LedgerError(
            f"claim {name} lacks required field(s): {', '.join(missing)}",
            f"add them; every row needs {', '.join(REQUIRED_FIELDS)}",
        )
    if not isinstance(row["claimed"], dict) or "value" not in row["claimed"]:
        raise LedgerError(
            f"claim {row['id']}: `claimed` must be a mapping with `value` and `unit`",
            "write claimed: {value: 9, unit: sessions}",
        )
    if not isinstance(row["rule"], dict):
        raise LedgerError(f"claim {row['id']}: `rule` must be a mapping", "see the ledger header")
    return Claim(
        id=str(row["id"]),
        group=str(row["group"]),
        article=str(row["article"]),
        as_of=_iso(row["as_of"]),
        as_of_basis=str(row["as_of_basis"]).strip(),
        family=str(row["family"]),
        claim=str(row["claim"]),
        claimed=_normalize_dates(row["claimed"]),
        rule=_normalize_dates(row["rule"]),
        notebook=str(row["notebook"]),
        testability=str(row["testability"]),
        testability_note=str(row["testability_note"]),
        status=row.get("status"),
        caveat=" ".join(str(row.get("caveat") or "").split()),
    )


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _normalize_dates(value: Any) -> Any:
    """YAML turns bare dates into date objects; the ledger's contract is ISO strings."""
    if isinstance(value, dict):
        return {k: _normalize_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize_dates(v) for v in value]
    return _iso(value) if isinstance(value, dt.date) else value


def load_ledger(path: Path | None = None) -> list[Claim]:
    """Every claim in the ledger, in file order."""
    return read_ledger(path).claims


def claim(claim_id: str, path: Path | None = None) -> Claim:
    """One claim by id; a clear error names near misses when the id is unknown."""
    rows = read_ledger(path).by_id()
    if claim_id not in rows:
        raise LedgerError(f"no claim {claim_id!r} in the ledger", _near_misses(claim_id, rows))
    return rows[claim_id]


def shared_window(rows: Iterable[Claim]) -> tuple[str, str]:
    """The one window several rows measure over (see shared_rule)."""
    start, end = shared_rule(rows, "window")
    return start, end


def shared_rule(rows: Iterable[Claim], key: str) -> Any:
    """The one value of rule `key` several rows share, for a notebook that computes one table
    or fit for all of them; rows that disagree are an error, not a silent pick of the first
    row's. RULE_NUMBERS keys are checked as Claim.number checks them."""
    values = {
        row.id: row.number(key) if key in RULE_NUMBERS else row._rule_key(key) for row in rows
    }
    first = next(iter(values.values()), None)
    if not values or any(value != first for value in values.values()):
        raise LedgerError(
            f"rows {sorted(values)} do not share exactly one {key}: {values}",
            f"give them the same `{key}` in data/claims.yaml, or measure each with its own",
        )
    return first


def _near_misses(claim_id: str, rows: Mapping[str, Claim]) -> str:
    prefix = claim_id.split("-")[0]
    similar = sorted(i for i in rows if i.startswith(prefix))[:8]
    hint = f" (ids starting {prefix!r}: {', '.join(similar)})" if similar else ""
    return "use an id from data/claims.yaml (`python -m helpers claims list`)" + hint


# ------------------------------------------------------------------ schema check


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
    problems = _term_problems(ledger.terms) + _article_problems(ledger)
    existing_notebooks = {p.stem for p in notebooks_home(notebooks_dir).glob("*.ipynb")}
    for item in ledger.claims:
        problems += [f"{item.id}: {p}" for p in _row_problems(ledger, item, existing_notebooks)]
        if articles_dir.is_dir() and not (articles_dir / item.article).is_file():
            problems.append(f"{item.id}: article {item.article} not found in {articles_dir}")
    if problems:
        raise LedgerError(
            f"{len(problems)} problem(s) in the ledger:\n    " + "\n    ".join(problems),
            "fix these rows in data/claims.yaml",
        )
    return ledger


def _duplicate_ids(claims: list[Claim]) -> list[str]:
    counts = Counter(c.id for c in claims)
    return [f"duplicate id {i!r} ({n} rows)" for i, n in counts.items() if n > 1]


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


def _term_problems(terms: Mapping[str, Any]) -> list[str]:
    return [
        f"term {name!r}: unknown comparator {spec.get('comparator')!r}"
        for name, spec in terms.items()
        if not isinstance(spec, dict) or spec.get("comparator") not in verdicts.COMPARATORS
    ]


def _row_problems(ledger: Ledger, item: Claim, existing_notebooks: set[str]) -> list[str]:
    problems = []
    if item.family not in FAMILIES:
        problems.append(f"unknown family {item.family!r} (one of {', '.join(FAMILIES)})")
    if item.testability not in TESTABILITIES:
        problems.append(f"unknown testability {item.testability!r}")
    if item.status is not None and item.status not in STATUSES:
        problems.append(f"unknown status {item.status!r} (only `pending`)")
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
    """Checks of the RULE_CHOICES and RULE_NUMBERS keys and of what each choice needs."""
    rule = item.rule
    problems = [
        f"{key} {rule[key]!r} is not one of {', '.join(allowed)}"
        for key, allowed in RULE_CHOICES.items()
        if key in rule and rule[key] not in allowed
    ]
    if rule.get("length_from") == "claimed" and "length" not in item.claimed:
        problems.append("length_from: claimed needs `length` under `claimed`")
    if rule.get("length_from") == "window" and "window" not in rule:
        problems.append("length_from: window needs a `window`")
    if rule.get("count") == "fred_cuts" and "window" not in rule:
        problems.append("count: fred_cuts needs a `window`")
    if rule.get("count") == "consecutive_decisions" and "cut_bp" not in rule:
        problems.append("count: consecutive_decisions needs `cut_bp`")
    problems += [_number_problem(key, rule[key]) for key in RULE_NUMBERS if key in rule]
    return [p for p in problems if p]


def _significance_and_reading_problems(ledger: Ledger, item: Claim) -> list[str]:
    """Checks of a row's `test:` (method, alpha, controls) and of its `readings:`: each a
    mapping with `about` (what the reading means, in words), `kind` (reading | source) and
    `rule` (the keys it changes), whose merged rule must pass every check the row's does."""
    rule = item.rule
    problems = []
    if "test" in rule:
        problems += verdicts.test_problems(rule["test"])
        if item.testability == "not_testable":
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
        unknown = set(spec) - {"about", "kind", "rule", "claimed"}
        if unknown:
            problems.append(f"{where}: unknown key(s) {sorted(unknown)}")
        if not str(spec.get("about") or "").strip():
            problems.append(f"{where}: no `about` (what this reading means, in words)")
        if spec.get("kind", "reading") not in verdicts.READING_KINDS:
            problems.append(f"{where}: kind {spec.get('kind')!r} not in {verdicts.READING_KINDS}")
        overrides = spec.get("rule", {} if "claimed" in spec else None)
        if not isinstance(overrides, dict) or not (overrides or "claimed" in spec):
            problems.append(f"{where}: `rule` must list the rule keys it changes")
            continue
        fixed = sorted(set(overrides) & set(READING_FIXED_KEYS))
        if fixed:
            problems.append(f"{where}: may not change {fixed}")
        view = item.reading(name)
        inner = _window_problems(view.rule) + _choice_problems(view)
        if "test" in view.rule:
            inner += verdicts.test_problems(view.rule["test"])
        try:
            verdicts.check_claimed(
                verdicts.resolve_rule(view.rule, ledger.terms), view.claimed_value
            )
        except verdicts.RuleError as exc:
            inner.append(f"rule/claimed: {exc}")
        problems += [f"{where}: {p}" for p in inner]
    return problems


def _number_problem(key: str, value: Any) -> str:
    """'' for a positive whole number (bool is not one), else the problem in words."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return ""
    return f"{key} {value!r} must be a positive whole number ({RULE_NUMBERS[key]})"


# ------------------------------------------------------------------ recording


@dataclass(frozen=True)
class Verdict:
    """What record() returns: shows as a colored verdict box in a notebook."""

    claim_id: str
    verdict: str
    explanation: str
    claim: str
    measured: Any
    claimed: Any
    unit: str
    robustness: str = ""
    robustness_detail: str = ""
    caveat: str = ""

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.verdict} - {self.explanation}"

    def _extra_html(self) -> str:
        """Robustness and caveat lines beside the verdict (empty for a plain record)."""
        lines = []
        if self.robustness:
            detail = f": {self.robustness_detail}" if self.robustness_detail else ""
            lines.append(f"robustness: {self.robustness}{detail}")
        if self.caveat:
            lines.append(f"caveat: {self.caveat}")
        return "".join(
            f'<br><span style="font-size:0.85em">{html.escape(line)}</span>' for line in lines
        )

    def _repr_html_(self) -> str:
        style = VERDICT_STYLES[self.verdict]
        return (
            f'<div style="border-left:6px solid {style["edge"]};background:{style["bg"]};'
            f"color:{style['fg']};padding:8px 12px;margin:8px 0;border-radius:4px;"
            f'font-family:system-ui,sans-serif"><a id="claim-{html.escape(self.claim_id)}"></a>'
            f"<strong>{style['mark']} {html.escape(self.verdict.upper())}</strong> "
            f"<code>{html.escape(self.claim_id)}</code><br>"
            f"{html.escape(self.claim)}<br>"
            f'<span style="font-size:0.9em">{html.escape(self.explanation)}</span>'
            f"{self._extra_html()}</div>"
        )


def _testable_row(ledger: Ledger, claim_id: str) -> Claim:
    """The ledger row a result is recorded for; unknown or not-testable rows are errors."""
    rows = ledger.by_id()
    if claim_id not in rows:
        raise LedgerError(f"no claim {claim_id!r} in the ledger", _near_misses(claim_id, rows))
    item = rows[claim_id]
    if item.testability == "not_testable":
        raise LedgerError(
            f"claim {claim_id} is marked not_testable; it has no rule to evaluate",
            "do not record it (the scorecard shows it from the ledger), or change its row",
        )
    return item


def _write_result(result: dict) -> None:
    """Write a result json where this run's results go (an interactive run is told once)."""
    target = results_dir()
    if RESULTS_ENV not in os.environ:
        _say_scratch_once(target)
    write_json_atomic(target / f"{result['claim_id']}.json", result)


def record(
    claim_id: str,
    measured: Any,
    *,
    as_of: str | dt.date | None = None,
    details: Mapping[str, Any] | None = None,
    evidence: Any = None,
    series: Iterable[str] | None = None,
) -> Verdict:
    """Judge `measured` for `claim_id` by its ledger rule and write the result json.

    `as_of` is the close the measurement refers to (defaults to the ledger's); `details` are
    extra numbers a reader may want (shown in the json); `evidence` is anything else citable
    (dates, row excerpts). Data files come from helpers.data.used_sources(): those of the
    `series` keys the measurement read when given, else every file loaded so far.
    """
    ledger = read_ledger()
    item = _testable_row(ledger, claim_id)
    if "test" in item.rule or "readings" in item.rule:
        raise LedgerError(
            f"claim {claim_id} states a significance test or readings",
            "record it with record_readings(), which measures every reading and its p-value",
        )
    value = to_jsonable(measured)
    judgement = judge(ledger, item, value)
    sources = sources_for(series, _used_sources())
    used = [cited_file(source) for source in sources]
    result = {
        "claim_id": item.id,
        "article": item.article,
        "family": item.family,
        "group": item.group,
        "claim": item.claim,
        "claimed": item.claimed_value,
        "unit": item.unit,
        "measured": value,
        "verdict": judgement.verdict,
        "explanation": judgement.explanation,
        "rule": ledger.resolved_rule(item),
        "notebook": os.environ.get(NOTEBOOK_ENV) or item.notebook,
        "as_of": to_jsonable(as_of) if as_of is not None else item.as_of,
        "data_files": to_jsonable(used),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "build": buildinfo.build_info(sources, ledger_path().read_bytes()),
        "details": to_jsonable(dict(details or {})),
        "evidence": to_jsonable(evidence),
    }
    _write_result(result)
    return Verdict(
        item.id,
        judgement.verdict,
        judgement.explanation,
        item.claim,
        value,
        item.claimed_value,
        item.unit,
        caveat=item.caveat,  # shown beside the verdict
    )


_said_scratch: set[Path] = set()


def _say_scratch_once(folder: Path) -> None:
    """Tell an interactive run, once per process, that its verdicts are not published."""
    if folder not in _said_scratch:
        _said_scratch.add(folder)
        print(
            f"note: not run by `make reports` / run-notebook, so results go to {folder} "
            "(not published; the scorecard reads only what run-notebook promotes)"
        )


@dataclass(frozen=True)
class Measurement:
    """What a package function measured for one reading of a claim.

    `value` is the measured value in the claim's unit; `p_value` the p-value of the row's
    stated test (required when the rule has `test:`); `series` the data-layer keys the
    measurement read, which become the row's `data_files` (None: every file loaded so far);
    `details` extra numbers for the result json.
    """

    value: Any
    p_value: float | None = None
    series: tuple[str, ...] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def judge_tested(
    ledger: Ledger, item: Claim, measured: Any, p_value: Any = None
) -> verdicts.Judgement:
    """`judge`, with the rule's significance test when it states one (LedgerError on a bad
    rule or value)."""
    try:
        return verdicts.evaluate_tested(
            ledger.resolved_rule(item), item.claimed_value, measured, item.unit, p_value
        )
    except verdicts.RuleError as exc:
        raise LedgerError(
            f"claim {item.id}: cannot judge measured {measured!r} (p {p_value!r}): {exc}",
            f"pass a value of the kind the rule measures: {item.rule.get('measure')}",
        ) from None


def cited_file(source: Mapping[str, Any]) -> dict:
    """One data file as a result cites it: the series key, where it came from, its path
    relative to the data root (`file`), its sha256 and the short sha256 (12 hex digits); no
    machine path."""
    sha = source.get("sha256")
    return {
        "series": source.get("series"),
        "source": source.get("source"),
        "file": source.get("file"),
        "sha256": sha,
        "sha256_short": str(sha)[:12] if sha else None,
        "first": source.get("first"),
        "last": source.get("last"),
        "rows": source.get("rows"),
    }


def sources_for(series: Iterable[str] | None, used: list[dict]) -> list[dict]:
    """The loaded sources a measurement read: those of the named series keys (every loaded
    source when `series` is None), each with its path relative to the data root (`file`)."""
    if series is None:
        return list(used)
    wanted = set(series)
    return [s for s in used if s.get("series") in wanted]


def record_readings(
    claim_id: str,
    measure: Any,
    *,
    as_of: str | dt.date | None = None,
    details: Mapping[str, Any] | None = None,
    evidence: Any = None,
) -> Verdict:
    """Measure and judge every reading of a claim, pick the verdict its rule's `verdict_from`
    states, label its robustness, and write the result json.

    `measure` is a package function taking the row as one reading (`Claim.reading(name)`)
    and returning a `Measurement` (or a plain value): the notebook passes the function, the
    package and the ledger decide what each reading measures. Each reading is judged with
    its own rule (tolerance, term, test) and stored with its measured value and verdict.
    """
    ledger = read_ledger()
    item = _testable_row(ledger, claim_id)
    used_all = _used_sources()
    measured: dict[str, Measurement] = {}
    readings: list[verdicts.ReadingVerdict] = []
    stored: list[dict] = []
    files: dict[str, dict] = {}
    for name in item.reading_names:
        view = item.reading(name)
        result = measure(view)
        m = result if isinstance(result, Measurement) else Measurement(result)
        value = to_jsonable(m.value)
        judgement = judge_tested(ledger, view, value, m.p_value)
        measured[name] = m
        reading = verdicts.ReadingVerdict(
            name, item.reading_kind(name), judgement.verdict, value, judgement.explanation
        )
        readings.append(reading)
        for source in sources_for(m.series, _used_sources() if m.series else used_all):
            files.setdefault(f"{source.get('series')}|{source.get('file')}", source)
        stored.append(
            {
                "name": name,
                "kind": reading.kind,
                "about": item.reading_about(name),
                "rule": to_jsonable({k: v for k, v in view.rule.items() if k != "measure"}),
                "claimed": to_jsonable(view.claimed_value),
                "measured": value,
                "p_value": to_jsonable(m.p_value),
                "verdict": judgement.verdict,
                "explanation": judgement.explanation,
                "details": to_jsonable(dict(m.details)),
            }
        )
    chosen = verdicts.headline_verdict(readings, item.choice("verdict_from", "headline"))
    label, robust_detail = verdicts.robustness(readings, chosen)
    explanation = chosen.explanation
    if chosen.name != verdicts.HEADLINE:
        explanation = f"{chosen.name} reading (verdict_from: worst): {explanation}"
    used = [cited_file(source) for source in files.values()]
    result_json = {
        "claim_id": item.id,
        "article": item.article,
        "family": item.family,
        "group": item.group,
        "claim": item.claim,
        "claimed": item.claimed_value,
        "unit": item.unit,
        "measured": chosen.measured,
        "verdict": chosen.verdict,
        "explanation": explanation,
        "rule": ledger.resolved_rule(item.reading(verdicts.HEADLINE)),
        "notebook": os.environ.get(NOTEBOOK_ENV) or item.notebook,
        "as_of": to_jsonable(as_of) if as_of is not None else item.as_of,
        "data_files": to_jsonable(used),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "build": buildinfo.build_info(list(files.values()), ledger_path().read_bytes()),
        "details": to_jsonable(dict(details or {})),
        "evidence": to_jsonable(evidence),
        "headline_reading": chosen.name,
        "p_value": to_jsonable(measured[chosen.name].p_value),
        "readings": stored,
        "robustness": label,
        "robustness_detail": robust_detail,
        "caveat": item.caveat,
    }
    _write_result(result_json)
    return Verdict(
        item.id, chosen.verdict, explanation, item.claim, chosen.measured, item.claimed_value,
        item.unit, robustness=label, robustness_detail=robust_detail, caveat=item.caveat,
    )  # fmt: skip


def readings_table(claim_id: str, directory: Path | None = None):
    """The readings a `record_readings` result stores, one row each (name, kind, measured,
    p-value, verdict, what the reading means), for a notebook to show under the verdict."""
    import pandas as pd

    path = (Path(directory) if directory else results_dir()) / f"{claim_id}.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LedgerError(
            f"no readable result for {claim_id} at {path}: {exc}",
            "record it with record_readings() first",
        ) from None
    columns = ["name", "kind", "measured", "p_value", "verdict", "about"]
    return pd.DataFrame(payload.get("readings") or [], columns=columns).set_index("name")


class NotebookClaims:
    """The ledger rows one notebook must judge, and the ones it has recorded so far.

    Notebooks select rows by group (an unknown group is an error, so a renamed group stops the
    run instead of silently skipping claims) and end with `check_complete()`, which fails when
    a testable row of the notebook was never recorded.
    """

    def __init__(
        self,
        notebook: str,
        path: Path | None = None,
        notebooks_dir: Path | None = None,
        articles_dir: Path | None = None,
    ):
        """Load the checked ledger: a row whose `notebook` is misspelt would otherwise be
        skipped here, and the pipeline would delete its last good result as no longer made."""
        home = notebooks_home(notebooks_dir)
        if not (home / f"{notebook}.ipynb").is_file():
            raise LedgerError(
                f"NotebookClaims({notebook!r}): there is no notebook {home / notebook}.ipynb",
                "pass this notebook's own file name without .ipynb, e.g. 01_january_2026_streak",
            )
        ledger = checked_ledger(path, notebooks_dir, articles_dir)
        self.notebook = notebook
        self.rows = [c for c in ledger.claims if c.notebook == notebook]
        self.recorded: set[str] = set()

    def group(self, name: str) -> list[Claim]:
        rows = [c for c in self.rows if c.group == name]
        if not rows:
            known = sorted({c.group for c in self.rows})
            raise LedgerError(
                f"notebook {self.notebook} has no ledger rows in group {name!r}",
                f"use one of {known} or fix the group in data/claims.yaml",
            )
        return rows

    def claim(self, claim_id: str) -> Claim:
        """One of this notebook's rows by id (a row of another notebook is an error)."""
        rows = {c.id: c for c in self.rows}
        if claim_id not in rows:
            raise LedgerError(
                f"notebook {self.notebook} has no ledger row {claim_id!r}",
                _near_misses(claim_id, rows),
            )
        return rows[claim_id]

    def record(self, claim_id: str, measured: Any, **kwargs: Any) -> Verdict:
        verdict = record(claim_id, measured, **kwargs)
        self.recorded.add(claim_id)
        return verdict

    def record_readings(self, claim_id: str, measure: Any, **kwargs: Any) -> Verdict:
        """`record_readings` for one of this notebook's rows (see there)."""
        verdict = record_readings(claim_id, measure, **kwargs)
        self.recorded.add(claim_id)
        return verdict

    @property
    def not_testable(self) -> list[str]:
        return sorted(c.id for c in self.rows if c.testability == "not_testable")

    def not_testable_table(self) -> list[dict]:
        """The rows this notebook lists but cannot judge, with the ledger's reason; notebooks
        show it (as a DataFrame) so a reader sees what was left out and why."""
        return [
            {
                "claim": c.id,
                "what it says": c.claim,
                "claimed": c.claimed_value,
                "unit": c.unit,
                "why it cannot be tested here": c.testability_note,
            }
            for c in self.rows
            if c.testability == "not_testable"
        ]

    def check_complete(self) -> str:
        """Raise if a testable row was not recorded; else a one-line summary."""
        missing = sorted({c.id for c in self.rows} - self.recorded - set(self.not_testable))
        if missing:
            raise LedgerError(
                f"notebook {self.notebook} did not record {missing}",
                "record each of them with claims.record(), or fix their notebook in the ledger",
            )
        return (
            f"recorded {len(self.recorded)} claims; "
            f"not testable (shown, not judged): {', '.join(self.not_testable) or 'none'}"
        )


def judge(ledger: Ledger, item: Claim, measured: Any) -> verdicts.Judgement:
    """Evaluate one measured value against a claim (errors become LedgerError)."""
    try:
        return verdicts.evaluate(
            ledger.resolved_rule(item), item.claimed_value, measured, item.unit
        )
    except verdicts.RuleError as exc:
        raise LedgerError(
            f"claim {item.id}: cannot judge measured {measured!r}: {exc}",
            f"pass a value of the kind the rule measures: {item.rule.get('measure')}",
        ) from None


def _used_sources() -> list[dict]:
    try:
        from helpers import data
    except ImportError as exc:
        raise DataError(
            f"helpers.data cannot be imported ({exc}), so record() cannot cite data files",
            "install the package with its data layer (`make setup`)",
        ) from None
    return data.used_sources()


def to_jsonable(value: Any) -> Any:
    """Plain JSON types from numpy/pandas scalars, dates, tuples and arrays."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _is_midnight(value: dt.datetime) -> bool:
    return value.time() == dt.time(0) and value.tzinfo is None


def read_results(directory: Path | None = None) -> dict[str, dict]:
    """Result jsons by claim id; unreadable files raise a LedgerError naming the file."""
    directory = Path(directory) if directory else published_results_dir()
    results = {}
    for path in sorted(directory.glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LedgerError(
                f"result {path} is unreadable: {exc}", "re-run its notebook (make reports)"
            ) from None
        results[str(payload.get("claim_id", path.stem))] = payload
    return results
