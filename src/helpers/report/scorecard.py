"""The scorecard: reports/claims.csv and reports/index.html from the ledger and the results.

Every ledger row gets exactly one verdict: the one its notebook recorded
(reports/results/<id>.json), else "not testable" for rows the ledger marks so, else "pending".
The page is self-contained (inline CSS, no scripts, no external assets) so it can be mailed or
opened from a file system; links go only to report pages that exist.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from helpers import buildinfo
from helpers import claims as ledger_api
from helpers.claims import VERDICT_STYLES, Claim, Ledger, pinned, verdicts
from helpers.claims import consistency as consistency_checks
from helpers.config import reports_dir, vintage_dir
from helpers.data import vintage
from helpers.errors import MissingSnapshotFileError
from helpers.files import write_text_atomic
from helpers.report import run_parameters, tables

# claims.csv, column by column: the codebook shown on the page and written beside the CSV.
CODEBOOK = {
    "claim_id": "Stable id of the ledger row (data/claims.yaml); reports anchor it as claim-<id>.",
    "article": "File name of the article under ../shared/articles the claim comes from.",
    "family": "Topic: streak, record, return, valuation, rates, breadth, analog or other.",
    "group": "Ledger group: rows of one group measure the same quantity, across articles.",
    "as_of": "ISO date of the close the article's figure refers to (stated or inferred).",
    "claim": "Our paraphrase of the claim (never the article's own sentence).",
    "claimed": "The figure the article gives: a number, ISO date, true/false or text; "
    "a list is a JSON array.",
    "judged_against": "The measured values that make the claim supported, then partly "
    "supported, from its rule; anything outside is refuted.",
    "measured": "What the notebook measured, in the claim's unit (same types as claimed); "
    "empty when nothing was measured.",
    "unit": "Unit of claimed and measured (percent = 8.0 means 8 %, pp = percentage points).",
    "verdict": "supported, partly supported, inconclusive (a stated significance test the "
    "data do not pass: the data cannot decide the claim), refuted, not testable, or pending.",
    "robustness": "robust (every reading and source gives the same verdict), depends on "
    "reading, or depends on source; empty for a row with one reading.",
    "robustness_detail": "Which reading or source flips the verdict, and to what.",
    "consistency": "For a row whose figure a ledger consistency check compares with other "
    "articles' figures for the same quantity and date: the check's id, its verdict "
    "(contradictory: the figures form more than one compatible set and at most one set can "
    "hold; consistent: all can hold together) and the compatible set this row belongs to.",
    "consistency_detail": "The check's explanation (every compatible set and the values it "
    "allows), its robustness over the band readings it lists, and the band term.",
    "caveat": "What to keep in mind beside the verdict (proxy limits, look-ahead, a file of "
    "lower confidence), from the ledger row.",
    "testability": "data (measured directly), proxy (a stand-in series) or not_testable.",
    "rule": "The resolved rule as JSON: what is measured, comparator and tolerance bands.",
    "notebook": "The notebook that measured the claim; its report is <notebook>.html.",
    "explanation": "The verdict in words, or why the claim cannot be tested.",
    "data_files": "Data files behind the measurement: relative name and the first 12 hex "
    "digits of its sha256, separated by '; '.",
}
CSV_COLUMNS = tuple(CODEBOOK)
# Columns holding JSON text in the CSV; claimed and measured are JSON only when not a scalar.
JSON_COLUMNS = ("rule",)
VALUE_COLUMNS = ("claimed", "measured")
# How many repeated errors the bottom line names.
BOTTOM_LINE_ERRORS = 3
# Worst first: a reader scanning a table meets what does not hold before what does.
VERDICT_ORDER = (
    verdicts.REFUTED, verdicts.INCONCLUSIVE, verdicts.PARTLY, verdicts.SUPPORTED,
    verdicts.PENDING, verdicts.NOT_TESTABLE,
)  # fmt: skip
# Verdicts of claims the data could test (inconclusive: tested, but undecided).
TESTED = (verdicts.SUPPORTED, verdicts.PARTLY, verdicts.INCONCLUSIVE, verdicts.REFUTED)
FAMILY_TITLES = {
    "streak": "The January 2026 run",
    "record": "Records and last occurrences",
    "return": "Returns",
    "valuation": "Valuation",
    "rates": "Rates and the Fed",
    "breadth": "Market breadth",
    "analog": "Historical analogs",
    "other": "Other claims",
}


@dataclass(frozen=True)
class ScoredClaim:
    """A ledger row with the verdict the scorecard shows and where its evidence lives."""

    claim: Claim
    claimed_text: str
    claimed_interval: tuple[float, float] | None
    verdict: str
    explanation: str
    measured: Any
    notebook: str
    data_files: tuple[dict, ...]
    href: str | None
    judged_against: str = ""
    robustness: str = ""
    robustness_detail: str = ""
    consistency: str = ""
    consistency_detail: str = ""


# ------------------------------------------------------------------ assembling rows


def score_claims(ledger: Ledger, results: Mapping[str, dict], reports: Path) -> list[ScoredClaim]:
    """One ScoredClaim per ledger row, linking to `<notebook>.html#claim-<id>` when both exist;
    rows a consistency check compares carry its verdict (computed from the ledger here)."""
    scored = [_score(ledger, item, results.get(item.id), reports) for item in ledger.claims]
    return with_consistency(scored, consistency_checks.judge_all(ledger))


def consistency_text(check: consistency_checks.CheckResult, claim_id: str) -> tuple[str, str]:
    """(consistency, consistency_detail) of one member row of a check, for claims.csv."""
    summary = f"{check.verdict} (check {check.id})"
    if check.verdict == consistency_checks.CONTRADICTORY:
        summary += f": at most one of {len(check.sets)} compatible sets can hold"
    summary += "; this figure's set: " + ", ".join(check.set_of(claim_id))
    detail = check.explanation
    if check.robustness:
        detail += f"; robustness: {check.robustness}"
        if check.robustness_detail:
            detail += f" ({check.robustness_detail})"
    return summary, detail


def with_consistency(
    scored: Sequence[ScoredClaim], checks: Sequence[consistency_checks.CheckResult]
) -> list[ScoredClaim]:
    """`scored` with each checked row's consistency columns filled from its check."""
    by_row = {row: check for check in checks for row in check.rows}
    out = []
    for s in scored:
        check = by_row.get(s.claim.id)
        if check is None:
            out.append(s)
            continue
        summary, detail = consistency_text(check, s.claim.id)
        out.append(dataclasses.replace(s, consistency=summary, consistency_detail=detail))
    return out


def _score(ledger: Ledger, item: Claim, result: dict | None, reports: Path) -> ScoredClaim:
    rule = ledger.resolved_rule(item)
    claimed_text = verdicts.describe_claimed(rule, item.claimed_value, item.unit)
    claimed_interval = verdicts.claimed_interval(rule, item.claimed_value)
    judged_against = verdicts.describe_bands(rule, item.claimed_value, item.unit)
    if result is not None:
        notebook = str(result.get("notebook") or item.notebook)
        page = reports / f"{notebook}.html"
        return ScoredClaim(
            claim=item,
            claimed_text=claimed_text,
            claimed_interval=claimed_interval,
            judged_against=judged_against,
            verdict=str(result.get("verdict", verdicts.PENDING)),
            explanation=str(result.get("explanation", "")),
            measured=result.get("measured"),
            notebook=notebook,
            data_files=tuple(result.get("data_files") or ()),
            href=f"{page.name}#claim-{item.id}" if page.is_file() else None,
            robustness=str(result.get("robustness") or ""),
            robustness_detail=str(result.get("robustness_detail") or ""),
        )
    if item.testability == "not_testable":
        verdict, explanation = verdicts.NOT_TESTABLE, item.testability_note
    else:
        why = "notebook not built yet" if item.is_pending else "no recorded result yet"
        verdict, explanation = verdicts.PENDING, f"{why} ({item.notebook})"
    return ScoredClaim(
        claim=item,
        claimed_text=claimed_text,
        claimed_interval=claimed_interval,
        judged_against=judged_against,
        verdict=verdict,
        explanation=explanation,
        measured=None,
        notebook=item.notebook,
        data_files=(),
        href=None,
    )


def csv_value(value: Any) -> str:
    """A claimed or measured value as a spreadsheet reads it: plain when a scalar (true/false
    for booleans, empty for none), JSON when a list or mapping."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_record(scored: ScoredClaim) -> dict[str, str]:
    """The claims.csv row: scalars plain, lists and the rule as JSON (see CODEBOOK)."""
    item = scored.claim
    row: dict[str, Any] = {
        "claim_id": item.id,
        "article": item.article,
        "family": item.family,
        "group": item.group,
        "as_of": item.as_of,
        "claim": item.claim,
        "claimed": csv_value(item.claimed_value),
        "judged_against": scored.judged_against,
        "measured": csv_value(scored.measured),
        "unit": item.unit,
        "verdict": scored.verdict,
        "testability": item.testability,
        "rule": item.rule,
        "notebook": scored.notebook,
        "explanation": scored.explanation,
        "data_files": "; ".join(_file_label(f) for f in scored.data_files),
        "robustness": scored.robustness,
        "robustness_detail": scored.robustness_detail,
        "consistency": scored.consistency,
        "consistency_detail": scored.consistency_detail,
        "caveat": item.caveat,
    }
    for column in JSON_COLUMNS:
        row[column] = json.dumps(row[column], ensure_ascii=False, sort_keys=True)
    return row


def _file_label(source: Mapping[str, Any]) -> str:
    name = tables.file_name(source)
    sha = source.get("sha256")
    return f"{name} (sha256 {tables.short_hash(sha)})" if sha else name


def write_csv(scored: Iterable[ScoredClaim], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_record(s) for s in scored)
    write_text_atomic(path, buffer.getvalue())
    return path


def write_codebook(path: Path) -> Path:
    """claims_codebook.csv: one row per claims.csv column and what it holds."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["column", "meaning"])
    writer.writerows(CODEBOOK.items())
    write_text_atomic(path, buffer.getvalue())
    return path


# ------------------------------------------------------------------ derived tables


def verdict_counts(scored: Iterable[ScoredClaim]) -> dict[str, int]:
    counts = Counter(s.verdict for s in scored)
    return {v: counts.get(v, 0) for v in VERDICT_ORDER}


def data_vintage(scored: Iterable[ScoredClaim]) -> list[dict]:
    """Each distinct data file (origin + sha256) the recorded results cite, once."""
    seen: dict[tuple[str, str], dict] = {}
    for s in scored:
        for source in s.data_files:
            key = (str(source.get("origin", "")), str(source.get("sha256", "")))
            seen.setdefault(key, dict(source))
    return sorted(seen.values(), key=lambda f: (str(f.get("series", "")), str(f.get("origin"))))


@dataclass(frozen=True)
class GroupConsistency:
    group: str
    family: str
    members: tuple[ScoredClaim, ...]
    status: str


def consistency(scored: Sequence[ScoredClaim]) -> list[GroupConsistency]:
    """Groups claimed by two or more articles, with whether the articles agree."""
    by_group: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        by_group[s.claim.group].append(s)
    table = []
    for group, members in by_group.items():
        if len({m.claim.article for m in members}) < 2:
            continue
        family = members[0].claim.family
        table.append(GroupConsistency(group, family, tuple(members), group_status(members)))
    return sorted(table, key=lambda g: (_STATUS_RANK[g.status], g.family, g.group))


DATA_SPLITS = "data backs one article, refutes another"
SAME_DATE_CLASH = "incompatible figures for the same date: at most one can hold"
CHECKED_CLASH = "contradictory (ledger consistency check): at most one compatible set can hold"
ALL_REFUTED = "all refuted by the data"
NO_CONFLICT = "no conflict found"
_STATUS_RANK = {
    DATA_SPLITS: 0, CHECKED_CLASH: 1, SAME_DATE_CLASH: 1, ALL_REFUTED: 2, NO_CONFLICT: 3
}  # fmt: skip


def group_status(members: Sequence[ScoredClaim]) -> str:
    """How the articles in one group relate, from verdicts and claimed values.

    Data first: measurements that support one article and refute another split them. Without
    that, two articles whose claimed intervals (tolerance included) for the same as_of do not
    overlap cannot both be right, whatever the data.
    """
    found = {m.verdict for m in members}
    if verdicts.SUPPORTED in found and verdicts.REFUTED in found:
        return DATA_SPLITS
    if any(m.consistency.startswith(consistency_checks.CONTRADICTORY) for m in members):
        return CHECKED_CLASH
    if any(_clash(a, b) for a in members for b in members):
        return SAME_DATE_CLASH
    return ALL_REFUTED if found == {verdicts.REFUTED} else NO_CONFLICT


def _clash(a: ScoredClaim, b: ScoredClaim) -> bool:
    if a.claim.article == b.claim.article or a.claim.as_of != b.claim.as_of:
        return False
    if a.claimed_interval is None or b.claimed_interval is None:
        return False
    (a_low, a_high), (b_low, b_high) = a.claimed_interval, b.claimed_interval
    return a_high < b_low or b_high < a_low


# ------------------------------------------------------------------ what the page says


def _templates() -> jinja2.Environment:
    """The package's templates, autoescaped: ledger text never becomes markup."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("helpers.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _measured_text(s: ScoredClaim) -> str:
    return "—" if s.measured is None else verdicts.fmt_value(s.measured, s.claim.unit)


def claim_row(s: ScoredClaim) -> dict[str, Any]:
    """One claim as the page shows it: plain text for every cell, the link if its page exists."""
    return {
        "id": s.claim.id,
        "verdict": s.verdict,
        "claim": s.claim.claim,
        "href": s.href,
        "article": ledger_api.article_label(s.claim.article),
        "as_of": s.claim.as_of,
        "claimed": s.claimed_text,
        "judged_against": s.judged_against,
        "measured": _measured_text(s),
        "explanation": s.explanation,
        "robustness": s.robustness,
        "robustness_detail": s.robustness_detail,
        "caveat": s.claim.caveat,
    }


def bottom_line(scored: Sequence[ScoredClaim]) -> dict[str, Any]:
    """The headline numbers and the errors repeated across the most articles."""
    counts = verdict_counts(scored)
    tested = sum(counts[v] for v in TESTED)
    return {
        "n_claims": len(scored),
        "n_articles": len({s.claim.article for s in scored}),
        "n_tested": tested,
        "counts": counts,
        "errors": repeated_errors(scored)[:BOTTOM_LINE_ERRORS],
    }


def repeated_errors(scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Refuted claims by ledger group, the group refuted in the most articles first.

    An error several articles repeat is the one most readers met, which is what makes it
    consequential here; each article's figure links to its evidence.
    """
    by_group: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        if s.verdict == verdicts.REFUTED:
            by_group[s.claim.group].append(s)
    ranked = sorted(
        by_group.items(),
        key=lambda kv: (-len({m.claim.article for m in kv[1]}), -len(kv[1]), kv[0]),
    )
    return [
        {
            "group": group,
            "claim": members[0].claim.claim,
            "n_articles": len({m.claim.article for m in members}),
            "members": [claim_row(m) for m in sorted(members, key=lambda m: m.claim.id)],
        }
        for group, members in ranked
    ]


def contrast_example(scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Two claims of one group judged against the same measurement with different verdicts,
    because their words carry different tolerances: the live example of how terms work.
    Falls back to one partly supported claim; empty when there is neither."""
    by_group: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        if verdicts.is_number(s.measured) and s.claim.rule.get("term"):
            by_group[s.claim.group].append(s)
    for members in by_group.values():
        for a in members:
            for b in members:
                if a.measured == b.measured and _worse(a, b):
                    return [_example_row(a), _example_row(b)]
    partly = [s for s in scored if s.verdict == verdicts.PARTLY and s.claim.rule.get("term")]
    return [_example_row(partly[0])] if partly else []


def _worse(a: ScoredClaim, b: ScoredClaim) -> bool:
    return VERDICT_ORDER.index(a.verdict) < VERDICT_ORDER.index(b.verdict)


def _example_row(s: ScoredClaim) -> dict[str, Any]:
    return {**claim_row(s), "term": s.claim.rule["term"]}


def term_rows(ledger: Ledger, scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Each tolerance term of the ledger, what it means and how many claims use it."""
    used = Counter(s.claim.rule.get("term") for s in scored)
    return [
        {"name": name, "meaning": " ".join(str(spec.get("meaning", "")).split()), "n": used[name]}
        for name, spec in ledger.terms.items()
        if used[name]
    ]


def _reasons(rows: Iterable[ScoredClaim]) -> list[dict[str, Any]]:
    """Claims grouped by the ledger's testability note, the most common reason first."""
    by_note: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in rows:
        by_note[s.claim.testability_note].append(s)
    ranked = sorted(by_note.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [{"note": note, "claims": [claim_row(m) for m in members]} for note, members in ranked]


def methods(scored: Sequence[ScoredClaim]) -> dict[str, Any]:
    """Methods and limitations from the ledger and results: the data, the proxies, what could
    not be tested and why, and the readings a rule fixes where a figure could be read two ways."""
    files = data_vintage(scored)
    readings = {
        key: Counter(str(s.claim.rule[key]) for s in scored if key in s.claim.rule)
        for key in ledger_api.RULE_CHOICES
    }
    return {
        "n_files": len(files),
        "sources": sorted({str(f.get("source")) for f in files if f.get("source")}),
        "last": max((str(f["last"]) for f in files if f.get("last")), default=None),
        "proxies": _reasons(s for s in scored if s.claim.testability == "proxy"),
        "not_testable": _reasons(s for s in scored if s.verdict == verdicts.NOT_TESTABLE),
        "readings": [
            {"key": key, "counts": dict(values.most_common()), "n": sum(values.values())}
            for key, values in readings.items()
            if values
        ],
    }


def article_cards(ledger: Ledger, scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Per article: the ledger's description and as-of date, its claim and verdict counts."""
    by_article: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        by_article[s.claim.article].append(s)
    cards = []
    for article, rows in sorted(by_article.items()):
        described = ledger.articles.get(article)
        common_as_of = Counter(r.claim.as_of for r in rows).most_common(1)[0][0]
        cards.append(
            {
                "label": ledger_api.article_label(article),
                "file": article,
                "description": described.description if described else "",
                "as_of": described.as_of if described else common_as_of,
                "n_claims": len(rows),
                "counts": verdict_counts(rows),
            }
        )
    return cards


def family_sections(scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """One table per family in ledger order, worst verdict first within it."""
    by_family: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        by_family[s.claim.family].append(s)
    order = {v: i for i, v in enumerate(VERDICT_ORDER)}
    sections = []
    for family in ledger_api.FAMILIES:
        rows = sorted(by_family.get(family, []), key=lambda s: (order[s.verdict], s.claim.id))
        if rows:
            sections.append(
                {
                    "id": family,
                    "title": FAMILY_TITLES[family],
                    "counts": verdict_counts(rows),
                    "rows": [claim_row(s) for s in rows],
                }
            )
    return sections


def group_rows(groups: Sequence[GroupConsistency]) -> list[dict[str, Any]]:
    """Consistency groups as table rows, each member's figure in as-of order."""
    return [
        {
            "group": g.group,
            "family": g.family,
            "status": g.status,
            "conflict": g.status != NO_CONFLICT,
            "checks": sorted({m.consistency_detail for m in g.members if m.consistency_detail}),
            "members": [
                {
                    "article": ledger_api.article_label(m.claim.article),
                    "as_of": m.claim.as_of,
                    "claimed": m.claimed_text,
                    "measured": None if m.measured is None else _measured_text(m),
                    "verdict": m.verdict,
                }
                for m in sorted(g.members, key=lambda m: (m.claim.as_of, m.claim.article))
            ],
        }
        for g in groups
    ]


def vintage_rows(files: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The cited data files by relative name and short hash."""
    return tables.provenance(files).fillna(tables.MISSING).to_dict("records")


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def page_title(page: Path) -> str:
    """A report's <title> (its notebook's first heading), else its file stem."""
    found = _TITLE.search(page.read_text(encoding="utf-8", errors="replace"))
    return html.unescape(found.group(1)).strip() if found else page.stem


def tiles(counts: Mapping[str, int]) -> dict[str, int]:
    """The verdict tiles: every verdict, except pending when nothing is pending."""
    return {v: n for v, n in counts.items() if n or v != verdicts.PENDING}


def index_context(
    ledger: Ledger,
    scored: Sequence[ScoredClaim],
    pages: Sequence[Path],
    built_at: str,
    orphans: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything the scorecard template shows, computed here so the template only lays out.

    The template keeps empty `vintage_diff` and `build_info` blocks for sections fed by
    optional keys of those names.
    """
    groups = consistency(scored)
    return {
        "css": (Path(__file__).parent / "templates" / "scorecard.css").read_text(encoding="utf-8"),
        "styles": VERDICT_STYLES,
        "built_at": built_at,
        "bottom": bottom_line(scored),
        "tiles": tiles(verdict_counts(scored)),
        "example": contrast_example(scored),
        "terms": term_rows(ledger, scored),
        "methods": methods(scored),
        "codebook": CODEBOOK,
        "articles": article_cards(ledger, scored),
        "conflicts": group_rows([g for g in groups if g.status != NO_CONFLICT]),
        "calm": group_rows([g for g in groups if g.status == NO_CONFLICT]),
        "families": family_sections(scored),
        "orphans": list(orphans),
        "pages": [{"href": p.name, "title": page_title(p)} for p in pages],
        "vintage": vintage_rows(data_vintage(scored)),
    }


def render_index(context: Mapping[str, Any]) -> str:
    """The landing page from index_context()."""
    return _templates().get_template("scorecard.html.j2").render(context)


# ------------------------------------------------------------------ entry point


def report_pages(reports: Path) -> list[Path]:
    """Notebook reports present: reports/NN_*.html."""
    return sorted(reports.glob("[0-9][0-9]_*.html"))


def pinned_view(recorded: Mapping[str, dict]) -> dict:
    """The results against the pinned vintage's verdicts (no vintage: nothing is pinned)."""
    folder = vintage_dir()
    try:
        current = f"vintage {vintage.read_manifest(folder)['vintage']}"
    except MissingSnapshotFileError:
        current = None
    return pinned.scorecard_view(recorded, pinned.read(folder / pinned.PINNED_FILE), current)


def build_scorecard(
    reports: Path | None = None,
    results: Path | None = None,
    ledger: Path | None = None,
    now: dt.datetime | None = None,
) -> tuple[Path, Path]:
    """Write reports/claims.csv and reports/index.html; return their paths.

    The ledger is schema-checked first: a broken row stops the build (the previous page
    stays) instead of showing a duplicate's verdict under another row or a result as pending.
    """
    reports = Path(reports) if reports else reports_dir()
    results_path = Path(results) if results else reports / "results"
    book = ledger_api.checked_ledger(ledger)
    recorded = ledger_api.read_results(results_path) if results_path.is_dir() else {}
    scored = score_claims(book, recorded, reports)
    orphans = sorted(set(recorded) - set(book.by_id()))
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    csv_path = write_csv(scored, reports / "claims.csv")
    write_codebook(reports / "claims_codebook.csv")
    html_path = reports / "index.html"
    context = index_context(book, scored, report_pages(reports), stamp, orphans)
    context["vintage_diff"] = pinned_view(recorded)
    context["non_default_runs"] = run_parameters.non_default_runs(reports)
    context["build_info"] = buildinfo.summarize(
        [r["build"] for r in recorded.values() if "build" in r]
    )
    write_text_atomic(html_path, render_index(context))
    return csv_path, html_path
