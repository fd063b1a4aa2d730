"""The ledger's model and loading: rows (`Row`), articles, terms, and the rule vocabulary
the schema accepts."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers.claims import robustness, rules, significance, verdicts
from helpers.config import LEDGER_ENV, RESULTS_ENV, repo_root, reports_dir
from helpers.errors import DataError, LedgerError, RuleError
from helpers.files import read_utf8

# libyaml's safe loader when PyYAML was built with it: the ledger parses ~10x faster, and
# every record() reads it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAMILIES = ("streak", "record", "return", "valuation", "rates", "breadth", "analog", "other")
TESTABILITIES = ("data", "proxy", "not_testable")
# A row's testability when neither it nor its group states one (never written out).
TESTABILITY_DEFAULT = "data"
STATUSES = ("pending",)
# Machine-readable choices a rule may carry, so a notebook reads how to measure a row from its
# `rule:` (Row.choice, Row.statistic_of) instead of guessing it from the measure's prose.
RULE_CHOICES: dict[str, tuple[str, ...]] = {
    # where a return window starts: the prior year's last close, or the close before the run
    "base": ("year_end", "run_start"),
    # which file an ETF name in `series` is read from (helpers.measures.returns.source_key): the
    # Yahoo file of that key (default), or the sp500/benchmarks adjusted closes of one download
    "etf_file": ("yahoo", "sp500_benchmarks"),
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
        "min_lead_pp",
        "max_lead_pp",
        # what followed earlier runs, against every window of that length (the base rate)
        "beat_vs_base_pp",
        "up_vs_base_pp",
        # volatility on stress days, alone or against calm days
        "stress_ratio",
        "stress_over_calm",
        # small against large caps over the NBER business cycle
        "recessions_lagged_pct",
        "troughs_led_pct",
        "expansion_minus_recession_pp",
        "expansion_months",
        "months_to_peak",
        # a soft landing: inflation well off its peak without a recession, or the second half
        "disinflation_and_no_recession",
        "no_recession",
        # what a group of members added to the index (pp)
        "contribution_pp",
        # a level's percentile within a window, or its change over the window
        "percentile",
        "change_pp",
    ),
    # what a late-2025 cut count counts: FRED-dated decreases in the row's `window`, or the
    # run of equal cuts (`cut_bp`) at consecutive scheduled FOMC decisions
    "count": ("fred_cuts", "consecutive_decisions"),
    # how a rate-sensitivity row estimates the tendency: the margin regressed on yield changes
    # alone, with the market return as a control, or the mean margin on FOMC decision days
    # (or, for an overbought row, how its RSI averages gains and losses: Wilder's smoothing
    # or a plain rolling mean)
    "method": ("ols_margin", "ols_market_control", "fomc_event_study", "wilder_rsi", "sma_rsi"),
    # which days an FOMC event study takes: the announcement days of scheduled meetings
    # (data/reference), or every day the decisions file lists (conference calls,
    # intermeeting moves and the March-2020 emergency days too)
    "event_days": ("scheduled", "all_listed"),
    # what a rate-sensitivity row's daily small-minus-large margin is: the first series'
    # price return minus the second's, or the Ken French SMB factor from the file the first
    # series names (the second series stays the market control)
    "margin": ("price_returns", "french_smb"),
    # what a concentration sums: the fund's lines as listed (GOOG and GOOGL two holdings),
    # or companies (share classes of one company folded)
    "lines": ("holdings", "by_company"),
    # which earlier months a "widest since" compares with: every month, or only the same
    # calendar month of each year (book equity of equal staleness)
    "compared_months": ("all", "same_month"),
    # which history a "historically" row counts: the index closes the row's `series` name, or
    # the Ken French size portfolios (smallest vs largest quintile, since 1926)
    "sample": ("index_closes", "french_size"),
    # how a row with `readings` picks the verdict it shows (robustness.headline_verdict)
    "verdict_from": robustness.VERDICT_FROM,
    # what counts as a precedent of a run: one that reached the length (equal or longer), or
    # only a longer one ("no longer run since")
    "precedent": ("equal_or_longer", "strictly_longer"),
    # how a valuation "widest since" dates its months: the French file month, the December
    # prices each month's BE/ME divides by, or the precedent's prices up to the claim's month
    "dated_by": ("file_month", "price_month", "price_to_claim_date"),
    # where an analog window starts that follows a run of the rule's first `series` over its
    # second: the last session of the first run of `length` sessions ending on or after the
    # rule's `run_month` ('YYYY-MM', the month an article names), or of the most recent
    # earlier run of `length` sessions before the run in force on the claim's date; or the
    # last close of `run_month` itself
    "anchor": ("run_from_month", "precedent_run", "month_end"),
    # a proxy measuring another universe than the claim's (large-cap banks for small-cap
    # banks): it can support the claim, never refute it (significance.proxy_limited)
    "proxy_direction": significance.PROXY_DIRECTIONS,
    # how a group of S&P 500 members averages its members' returns: by repriced index weight
    # or equally
    "weighting": ("cap", "equal"),
    # what a group of members is compared with: the index's other members, or the index
    "versus": ("other_members", "index"),
}
# The choice a rule means when it does not name one (never written out in the ledger): the
# one home of these defaults, which every measure reads through Row.choice.
RULE_CHOICE_DEFAULTS: dict[str, str] = {
    "base": "year_end",
    "etf_file": "yahoo",
    "spread": "fixed-december",
    "dated_by": "file_month",
    "precedent": "equal_or_longer",
    "verdict_from": robustness.HEADLINE,
    "event_days": "scheduled",
    "margin": "price_returns",
    "lines": "holdings",
    "compared_months": "all",
    "sample": "index_closes",
    "weighting": "cap",
    "versus": "other_members",
}
# Positive whole numbers a rule may carry (Row.number), so a quantity that is part of the
# rule lives in the ledger, not in a notebook parameter a run could change.
RULE_NUMBERS: dict[str, str] = {
    "sessions": "sessions after an anchor (`start`, a run's end) or ending at as_of",
    "years": "calendar years after an anchor",
    "months": "calendar months before as_of (or after an NBER trough)",
    "first_year": "the first calendar year a ranking of years includes",
    "cut_bp": "the size, in basis points, of each cut a run of cuts counts",
    "top_n": "how many of the largest lines a concentration sums",
    "hac_lags": "Newey-West lags, in sessions, of a regression's standard errors",
    "length": "the sessions a precedent (or an analog's `anchor`) run must reach (a reading's "
    "own `comparable` share)",
    "weight_pct": "the percent of a blended portfolio held in the rule's second series",
    "small_quintile": "the Ken French size quintile a valuation spread's small leg is (1 = the "
    "smallest; the largest quintile is always the big leg)",
    "highest_within": "the sessions ending at the claim's date whose highest value is measured "
    "(an indicator read as reached within that week, not only at the close)",
    "drawdown_pct": "how far (percent) below its high a close must be to count as market stress",
    "inflation_cut_pct": "how much (percent of its peak) inflation must have fallen to count as "
    "landed",
}
# A reading's move of the claim's date by whole sessions of the trading calendar (`1`: the
# next session, `-1`: the one before): "as of +/- one session", a whole number other than 0.
AS_OF_OFFSET = "as_of_offset"
# Keys a reading may not override: what the row is, not how it is measured.
READING_FIXED_KEYS = ("readings", "verdict_from", "measure", "measured_by", "term_meaning")
REQUIRED_FIELDS = (
    "id",
    "group",
    "article",
    "family",
    "claim",
    "claimed",
    "rule",
    "notebook",
    "testability",
    "testability_note",
)
# Fields a row takes from its article's entry under `articles:` unless it states its own.
ARTICLE_DEFAULTS = ("as_of", "as_of_basis")
# Fields a row takes from its group's entry under `groups:` unless it states its own: a group
# is one topic, shown on one notebook's page, in one claim family, and gives what most of its
# rows share (their testability, its note, a caveat).
GROUP_DEFAULTS = ("notebook", "family", "testability", "testability_note", "caveat")
# The group's `rule:` keys its rows share, which a row takes key by key (its own key winning;
# its `readings` list replaces the group's whole list).
GROUP_RULE = "rule"

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
class Row:
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
    # why a testable row lists no other reading, window, date or source (optional ledger
    # field `no_alternative`); its robustness label is then "headline only", with this reason
    no_alternative: str = ""

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
    def ratio_of(self) -> tuple[str, str]:
        """(small, large): the ids of the rows whose claimed multiples this row compares, so
        an arithmetic row names its inputs in the ledger instead of a notebook finding them."""
        small, large = self._rule_key("ratio_of", "ratio_of: [small-row-id, large-row-id]")
        return small, large

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
        """The rule's value for a RULE_CHOICES key; when the row has none, `default`, else the
        ledger's default (RULE_CHOICE_DEFAULTS), else an error (the key is required). An
        unknown value is an error, never a silent fallback."""
        if key not in self.rule:
            fallback = default if default is not None else RULE_CHOICE_DEFAULTS.get(key)
            if fallback is not None:
                return fallback
        value = self._rule_key(key, f"{key}: {RULE_CHOICES[key][0]}")
        if value not in RULE_CHOICES[key]:
            raise LedgerError(
                f"claim {self.id}: rule {key} {value!r} is not one of {RULE_CHOICES[key]}",
                f"set `{key}:` to one of them in data/claims.yaml",
            )
        return str(value)

    def number(self, key: str) -> int:
        """The rule's positive whole number for a RULE_NUMBERS key (required; a bad value is
        an error here too, for a ledger read without validate_ledger)."""
        value = self._rule_key(key, f"{key}: 10")
        problem = number_problem(key, value)
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
    def series(self) -> tuple[str, ...]:
        """The rule's `series` as data-layer keys, the one way a row's series are read:
        'FRED DGS2' -> 'fred:DGS2', 'French 25_Portfolios_5x5' -> 'french:25_Portfolios_5x5',
        tickers and column names as they are, in the rule's order."""
        keys = []
        for name in self.rule.get("series") or []:
            text = str(name)
            for prefix, kind in (("FRED ", "fred:"), ("French ", "french:")):
                if text.startswith(prefix):
                    text = kind + text.removeprefix(prefix)
            keys.append(text)
        return tuple(keys)

    @property
    def pair(self) -> tuple[str, str]:
        """(first, second) of the rule's `series`: a run, spread or ratio of the first over
        the second; a rule naming fewer than two series is a LedgerError."""
        keys = self.series
        if len(keys) < 2:
            raise LedgerError(
                f"claim {self.id}: its rule names {len(keys)} series, and it compares two",
                "list both under `series:` in data/claims.yaml, the first over the second",
            )
        return keys[0], keys[1]

    @property
    def reading_names(self) -> list[str]:
        """'headline' (the row's own rule), then the alternative readings it lists."""
        return [robustness.HEADLINE, *dict(self.rule.get("readings") or {})]

    def reading(self, name: str) -> Row:
        """This row as one of its readings: its rule with the reading's `rule:` keys laid over
        it (`headline` is the row's own rule). The package function measuring the row gets
        this view, so a reading is measured exactly as the ledger states it."""
        base = {k: v for k, v in self.rule.items() if k not in ("readings", "verdict_from")}
        if name == robustness.HEADLINE:
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
        if name == robustness.HEADLINE:
            return "reading"
        return str((self.rule.get("readings") or {}).get(name, {}).get("kind", "reading"))

    def moved_to(self, as_of: str) -> Row:
        """This row judged at another close (a reading's `as_of_offset`, resolved by the
        measures room on the trading calendar); a `window` the rule ends at the claim's date
        ends at the new one, since it is the claim's date typed as a window."""
        rule = dict(self.rule)
        window = rule.get("window")
        if isinstance(window, list) and len(window) == 2 and window[1] == self.as_of:
            rule["window"] = [window[0], as_of]
        return dataclasses.replace(self, as_of=as_of, rule=rule)

    def reading_about(self, name: str) -> str:
        if name == robustness.HEADLINE:
            return "the headline reading"
        return " ".join(str((self.rule["readings"][name] or {}).get("about", "")).split())

    def _rule_key(self, key: str, example: str = "") -> Any:
        if key not in self.rule:
            raise LedgerError(
                f"claim {self.id}: its rule has no `{key}`",
                "add it under the row's `rule:` in data/claims.yaml"
                + (f", e.g. {example}" if example else " (see docs/ledger.md)"),
            )
        return self.rule[key]


@dataclass(frozen=True)
class Article:
    """One article the ledger checks: the close its numbers refer to, how that close was
    found, a short title and what it argues, in our words, so pages name it for a reader
    instead of showing a hash. A row takes `as_of` and `as_of_basis` from here unless it
    states its own, and the article itself when its id starts with `id_prefix` and '-'."""

    file: str
    as_of: str
    description: str
    as_of_basis: str = ""
    title: str = ""
    id_prefix: str = ""

    @property
    def label(self) -> str:
        return article_label(self.file)


def article_label(file: str) -> str:
    """The short name tables use: "000" for "000_741e8016b0056d08.txt"."""
    return file.split("_")[0]


@dataclass(frozen=True)
class Ledger:
    terms: dict
    rows: list[Row] = field(default_factory=list)
    articles: dict[str, Article] = field(default_factory=dict)
    # the parsed file, dates as ISO strings: what the JSON Schema contract is checked against
    document: dict = field(default_factory=dict, repr=False, compare=False)
    # `consistency:` entries (helpers.claims.consistency), checked by validate_ledger
    consistency: list = field(default_factory=list)
    # the named readings (`readings:`) rows and consistency checks list by name
    readings: dict = field(default_factory=dict)
    # `groups:` group -> the heading a reader sees over the group's rows (every article's)
    groups: dict[str, str] = field(default_factory=dict)

    def by_id(self) -> dict[str, Row]:
        return {row.id: row for row in self.rows}

    def resolved_rule(self, row: Row) -> dict:
        """The claim's rule with its term's comparator and tolerances filled in."""
        try:
            return rules.resolve_rule(row.rule, self.terms)
        except RuleError as exc:
            raise LedgerError(
                f"claim {row.id}: {exc.cause}", "fix the rule in data/claims.yaml"
            ) from None


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
    """Parse the ledger file into terms and Row rows (structure only; see validate_ledger)."""
    path = Path(path) if path else ledger_path()
    try:
        text = read_utf8(path, LedgerError, "save the ledger as UTF-8 (retype that character)")
    except OSError as exc:
        raise LedgerError(f"cannot read the ledger {path}: {exc}", "check the path") from None
    raw = _parsed_yaml(path, text)
    if not isinstance(raw, dict) or not isinstance(raw.get("claims"), list):
        raise LedgerError(f"{path} has no top-level `claims:` list", "add `terms:` and `claims:`")
    terms = copy.deepcopy(raw.get("terms") or {})
    if not isinstance(terms, dict):
        raise LedgerError(f"{path}: `terms:` must be a mapping", "see the glossary format")
    articles = _articles_from(raw.get("articles") or {}, path)
    named = raw.get("readings") or {}
    if not isinstance(named, dict) or not all(isinstance(v, dict) for v in named.values()):
        raise LedgerError(
            f"{path}: `readings:` must map each reading's name to {{about, kind, rule}}",
            "see docs/ledger.md",
        )
    named = _normalize_dates(named)
    groups = _groups_from(raw.get("groups") or {}, path)
    rows = [
        _row_from(entry, i, articles, groups, terms, named) for i, entry in enumerate(raw["claims"])
    ]
    duplicates = duplicate_ids(rows)
    if duplicates:
        # Refused on every read: by_id() would keep one row and the scorecard judge the other.
        raise LedgerError(
            f"{path}: {'; '.join(duplicates)}", "give every row of data/claims.yaml its own id"
        )
    checks = raw.get("consistency") or []
    if not isinstance(checks, list):
        raise LedgerError(f"{path}: `consistency:` must be a list", "see docs/ledger.md")
    return Ledger(
        terms=terms,
        rows=rows,
        articles=articles,
        document=_normalize_dates(raw),
        consistency=[_check_with_readings(check, named) for check in checks],
        readings=named,
        groups={name: entry["heading"] for name, entry in groups.items() if entry.get("heading")},
    )


# The parsed YAML of each ledger text this process has read, keyed by path and the text's
# sha256: a notebook reads the ledger for every record(), and parsing is what costs (the
# file is read each time, so an edit, even one that keeps the mtime, is always seen). The
# rows built from it are new objects on every read; only the parse is shared.
_PARSED: dict[tuple[str, str], Any] = {}


def _parsed_yaml(path: Path, text: str) -> Any:
    key = (str(path.resolve()), hashlib.sha256(text.encode("utf-8")).hexdigest())
    if key not in _PARSED:
        try:
            _PARSED[key] = yaml.load(text, Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            raise LedgerError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None
        except ValueError as exc:  # a date YAML reads but the calendar lacks (2026-02-30)
            raise LedgerError(
                f"{path}{_line_of_impossible_date(text)}: {exc}", "write a date that exists"
            ) from None
    return _PARSED[key]


def _line_of_impossible_date(text: str) -> str:
    """' line N' of the first YYYY-MM-DD in the text that names no real day ('' if none)."""
    for number, line in enumerate(text.splitlines(), 1):
        for day in re.findall(r"\b\d{4}-\d{2}-\d{2}\b", line):
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                return f" line {number} ({day})"
    return ""


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
            as_of_basis=str(entry.get("as_of_basis") or "").strip(),
            title=" ".join(str(entry.get("title") or "").split()),
            id_prefix=str(entry.get("id_prefix") or ""),
        )
        for name, entry in raw.items()
    }


def articles_of_id(row_id: str, articles: Mapping[str, Article]) -> list[str]:
    """The articles whose `id_prefix`, followed by '-', starts a row's id (one, or none for a
    row that states its article; two is an error)."""
    return [
        name
        for name, entry in articles.items()
        if entry.id_prefix and row_id.startswith(f"{entry.id_prefix}-")
    ]


def _groups_from(raw: Any, path: Path) -> dict[str, dict[str, Any]]:
    """The `groups:` mapping (group -> {heading, notebook, family, ..., rule}, each optional),
    its text on one line and its rule as written; which groups need a heading is checked later
    by validate_ledger."""
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise LedgerError(
            f"{path}: `groups:` must map each group to {{heading, notebook, family, rule, ...}}",
            "write `jan2026-streak-length: {heading: How long the run was}`",
        )
    groups: dict[str, dict[str, Any]] = {}
    for name, entry in raw.items():
        rule = entry.get(GROUP_RULE, {})
        if not isinstance(rule, dict):
            raise LedgerError(
                f"{path}: group {name}: `rule` must be a mapping of the rule keys its rows share",
                "write `rule: {series: ['^RUT', '^GSPC'], term: exact}` under the group",
            )
        groups[str(name)] = {
            **{
                str(key): " ".join(str(value or "").split())
                for key, value in entry.items()
                if key != GROUP_RULE
            },
            GROUP_RULE: _normalize_dates(rule),
        }
    return groups


def _row_from(
    entry: Any,
    index: int,
    articles: Mapping[str, Article],
    groups: Mapping[str, Mapping[str, Any]],
    terms: Mapping[str, Any],
    named: Mapping[str, Any],
) -> Row:
    """One row as the ledger means it: its own fields, `as_of` and `as_of_basis` from its
    article and what its group shares (GROUP_DEFAULTS, its rule key by key) unless it states
    them, and its rule with what the ledger leaves unwritten filled in (`_rule_as_meant`)."""
    if not isinstance(entry, dict):
        raise LedgerError(f"claims[{index}] is not a mapping", "each entry is `- id: ...` fields")
    by_id = articles_of_id(str(entry.get("id", "")), articles)
    if len(by_id) > 1:
        raise LedgerError(
            f"claim {entry['id']}: its id starts with the id_prefix of {len(by_id)} articles "
            f"({', '.join(by_id)})",
            "give every entry under `articles:` its own id_prefix",
        )
    if by_id and not entry.get("article"):
        entry = {**entry, "article": by_id[0]}
    article = articles.get(str(entry.get("article")))
    group = groups.get(str(entry.get("group")), {})
    group_rule = group.get(GROUP_RULE) or {}
    entry = {
        "testability": TESTABILITY_DEFAULT,
        **{key: getattr(article, key) for key in ARTICLE_DEFAULTS if article is not None},
        **{key: group[key] for key in GROUP_DEFAULTS if group.get(key)},
        **({GROUP_RULE: group_rule} if group_rule else {}),
        **{key: value for key, value in entry.items() if value not in (None, "")},
    }
    if group_rule and isinstance(entry[GROUP_RULE], dict):
        entry[GROUP_RULE] = {**group_rule, **entry[GROUP_RULE]}
    missing = [name for name in (*REQUIRED_FIELDS, *ARTICLE_DEFAULTS) if not entry.get(name)]
    if missing:
        name = entry.get("id", f"claims[{index}]")
        raise LedgerError(
            f"claim {name} lacks required field(s): {', '.join(missing)}",
            f"add them; every entry needs {', '.join(REQUIRED_FIELDS)} (article unless its id "
            "starts with an article's id_prefix and '-'), "
            f"{' and '.join(ARTICLE_DEFAULTS)} unless its article's entry gives them, and "
            f"{', '.join(GROUP_DEFAULTS)} and rule keys unless its group's entry under "
            "`groups:` does",
        )
    if not isinstance(entry["claimed"], dict) or "value" not in entry["claimed"]:
        raise LedgerError(
            f"claim {entry['id']}: `claimed` must be a mapping with `value` and `unit`",
            "write claimed: {value: 9, unit: sessions}",
        )
    if not isinstance(entry["rule"], dict):
        raise LedgerError(f"claim {entry['id']}: `rule` must be a mapping", "see docs/ledger.md")
    return Row(
        id=str(entry["id"]),
        group=str(entry["group"]),
        article=str(entry["article"]),
        as_of=_iso(entry["as_of"]),
        as_of_basis=str(entry["as_of_basis"]).strip(),
        family=str(entry["family"]),
        claim=str(entry["claim"]),
        claimed=_normalize_dates(entry["claimed"]),
        rule=_rule_as_meant(str(entry["id"]), _normalize_dates(entry["rule"]), terms, named),
        notebook=str(entry["notebook"]),
        testability=str(entry["testability"]),
        testability_note=str(entry["testability_note"]),
        status=entry.get("status"),
        caveat=" ".join(str(entry.get("caveat") or "").split()),
        no_alternative=" ".join(str(entry.get("no_alternative") or "").split()),
    )


def _rule_as_meant(
    where: str, rule: dict, terms: Mapping[str, Any], named: Mapping[str, Any]
) -> dict:
    """A rule with what the ledger does not write out filled in: the comparator its term
    gives, the readings it lists by name as {name: reading}, and `verdict_from: headline`
    (the default) beside them. A contradicting comparator is left for the checks to refuse
    (helpers.claims.rules.resolve_rule)."""
    meant = dict(rule)
    term = terms.get(str(rule.get("term")))
    if isinstance(term, Mapping) and "comparator" in term:
        meant.setdefault("comparator", term["comparator"])
    if "readings" in rule:
        meant["readings"] = named_readings(where, rule["readings"], named)
        meant.setdefault("verdict_from", robustness.HEADLINE)
    return meant


def named_readings(where: str, names: Any, named: Mapping[str, Any]) -> dict:
    """The readings a rule lists by name, as {name: the reading under `readings:`}."""
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise LedgerError(
            f"{where}: `readings` must list reading names, got {names!r}",
            "write readings: [name, ...] with names from the ledger's `readings:` section",
        )
    unknown = [name for name in names if name not in named]
    if unknown:
        raise LedgerError(
            f"{where}: reading(s) {unknown} are not under the ledger's `readings:`",
            f"name them there, or use one of {', '.join(sorted(named))}",
        )
    return {name: copy.deepcopy(named[name]) for name in names}


def _check_with_readings(check: Any, named: Mapping[str, Any]) -> Any:
    """A `consistency:` entry with the readings its rule lists by name spelt out."""
    if not isinstance(check, dict) or not isinstance(check.get("rule"), dict):
        return check  # the checks report the shape
    rule = check["rule"]
    if "readings" not in rule:
        return check
    where = f"consistency {check.get('id')!r}"
    return {**check, "rule": {**rule, "readings": named_readings(where, rule["readings"], named)}}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _normalize_dates(value: Any) -> Any:
    """YAML turns bare dates into date objects; the ledger's contract is ISO strings."""
    if isinstance(value, dict):
        return {k: _normalize_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize_dates(v) for v in value]
    return _iso(value) if isinstance(value, dt.date) else value


def load_ledger(path: Path | None = None) -> list[Row]:
    """Every claim in the ledger, in file order."""
    return read_ledger(path).rows


def find_row(claim_id: str, path: Path | None = None) -> Row:
    """One claim by id; a clear error names near misses when the id is unknown."""
    rows = read_ledger(path).by_id()
    if claim_id not in rows:
        raise LedgerError(f"no claim {claim_id!r} in the ledger", near_misses(claim_id, rows))
    return rows[claim_id]


def shared_window(rows: Iterable[Row]) -> tuple[str, str]:
    """The one window several rows measure over (see shared_rule)."""
    start, end = shared_rule(rows, "window")
    return start, end


def shared_series(rows: Iterable[Row]) -> tuple[str, ...]:
    """The one `series` several rows share, as data-layer keys (`Row.series`)."""
    rows = list(rows)
    shared_rule(rows, "series")
    return rows[0].series


def shared_rule(rows: Iterable[Row], key: str) -> Any:
    """The one value of rule `key` several rows share, for a notebook that computes one table
    or fit for all of them; rows that disagree are an error, not a silent pick of the first
    row's. RULE_NUMBERS keys are checked as Row.number checks them."""
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


def near_misses(claim_id: str, rows: Mapping[str, Row]) -> str:
    prefix = claim_id.split("-")[0]
    similar = sorted(i for i in rows if i.startswith(prefix))[:8]
    hint = f" (ids starting {prefix!r}: {', '.join(similar)})" if similar else ""
    return "use an id from data/claims.yaml (`python -m helpers claims list`)" + hint


def duplicate_ids(rows: list[Row]) -> list[str]:
    counts = Counter(row.id for row in rows)
    return [f"duplicate id {i!r} ({n} rows)" for i, n in counts.items() if n > 1]


def number_problem(key: str, value: Any) -> str:
    """'' for a positive whole number (bool is not one), else the problem in words."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return ""
    return f"{key} {value!r} must be a positive whole number ({RULE_NUMBERS[key]})"
