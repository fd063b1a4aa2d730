"""What the scorecard page (templates/scorecard.html.j2) says, computed here so the template
only lays it out: the bottom line, the articles, where they disagree, every claim as a verdict
box a reader can find, filter and link to, methods and provenance."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from helpers import verdict_box
from helpers.claims import (
    FAMILIES,
    VERDICT_STYLES,
    Ledger,
    article_label,
    robustness,
    values,
    verdicts,
)
from helpers.claims.consistency import CheckResult
from helpers.report import disagreements, tables
from helpers.report.claims_csv import CODEBOOK
from helpers.report.scored import (
    TESTED,
    VERDICT_ORDER,
    ScoredClaim,
    article_title,
    verdict_counts,
    worst_first,
)

# How many repeated errors the bottom line names.
BOTTOM_LINE_ERRORS = 3
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
# The robustness filter's value for a row measured one way only.
ONE_READING = "one reading"
ROBUSTNESS_CHOICES = (*robustness.ROBUSTNESS_LABELS, ONE_READING)
# What a data-vintage label says to a reader.
_NO_DATA = "none"


def templates() -> jinja2.Environment:
    """The report room's templates and the verdict box's, autoescaped: ledger text never
    becomes markup."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("helpers.report", "templates"), verdict_box.loader()]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


# ------------------------------------------------------------------ one claim


def claim_box(ledger: Ledger, s: ScoredClaim) -> dict[str, Any]:
    """A claim as the scorecard lists it: the notebook's verdict box, anchored at the claim
    id (the permalink), with its article and date, a link to the notebook section that
    measured it, and the data-* values the page's filters read."""
    row = s.claim
    title = article_title(ledger, row.article)
    return verdict_box.box(
        anchor=row.id,
        claim_id=row.id,
        verdict=s.verdict,
        style=VERDICT_STYLES[s.verdict],
        claim=row.claim,
        meta=(f"{title} · {row.as_of}",),
        claimed=s.claimed_text,
        judged_against=s.judged_against,
        measured=s.measured_text,
        measured_label=s.measured_label,
        evidence_sentence=s.evidence_sentence,
        explanation=s.explanation,
        robustness=s.robustness,
        robustness_detail=s.robustness_detail,
        caveat=row.caveat,
        href=s.href or "",
        href_text="evidence ›" if s.href else "",
        fold=True,
        inline=False,
        data={
            "verdict": s.verdict,
            "rank": VERDICT_ORDER.index(s.verdict),
            "article": article_label(row.article),
            "family": row.family,
            "robustness": s.robustness or ONE_READING,
            "as-of": row.as_of,
        },
    )


def claim_line(ledger: Ledger, s: ScoredClaim) -> dict[str, Any]:
    """A claim in one line (bottom line, examples): who said what, and what the data show."""
    return {
        "id": s.claim.id,
        "article": article_title(ledger, s.claim.article),
        "as_of": s.claim.as_of,
        "claim": s.claim.claim,
        "claimed": s.claimed_text,
        "measured": s.measured_text,
        "measured_label": s.measured_label,
        "evidence_sentence": verdict_box.sentence(s.evidence_sentence),
        "verdict": s.verdict,
        "href": s.href,
    }


# ------------------------------------------------------------------ sections


def bottom_line(ledger: Ledger, scored: Sequence[ScoredClaim]) -> dict[str, Any]:
    """The headline numbers and the errors repeated across the most articles."""
    counts = verdict_counts(scored)
    return {
        "n_claims": len(scored),
        "n_articles": len({s.claim.article for s in scored}),
        "n_tested": sum(counts[v] for v in TESTED),
        "counts": counts,
        "errors": repeated_errors(ledger, scored)[:BOTTOM_LINE_ERRORS],
    }


def repeated_errors(ledger: Ledger, scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Refuted claims by ledger group, the group refuted in the most articles first.

    An error several articles repeat is the one most readers met. The heading is the
    ledger's heading for the group (what every row of it is about); under it each article's
    own claim, figure and evidence, so every claim fits the heading it stands under.
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
            "heading": ledger.groups.get(group, ""),
            "n_articles": len({m.claim.article for m in members}),
            "members": [claim_line(ledger, m) for m in sorted(members, key=lambda m: m.claim.id)],
        }
        for group, members in ranked
    ]


def contrast_example(ledger: Ledger, scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Two claims of one group judged against the same measurement with different verdicts,
    because their words carry different tolerances: the live example of how terms work.
    Falls back to one partly supported claim; empty when there is neither."""
    by_group: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        if values.is_number(s.measured) and s.claim.rule.get("term"):
            by_group[s.claim.group].append(s)
    for members in by_group.values():
        for a in members:
            for b in members:
                if a.measured == b.measured and worst_first(a)[0] < worst_first(b)[0]:
                    return [_example(ledger, a), _example(ledger, b)]
    partly = [s for s in scored if s.verdict == verdicts.PARTLY and s.claim.rule.get("term")]
    return [_example(ledger, partly[0])] if partly else []


def _example(ledger: Ledger, s: ScoredClaim) -> dict[str, Any]:
    term = s.claim.rule["term"]
    return {
        **claim_line(ledger, s),
        "word": term_word(term),
        "judged_against": s.judged_against,
    }


def term_word(name: str) -> str:
    """A ledger term as the word it stands for ("more_than" -> "more than")."""
    return name.replace("_", " ")


def term_rows(ledger: Ledger, scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Each tolerance term of the ledger, what it means and how many claims use it."""
    used = Counter(s.claim.rule.get("term") for s in scored)
    return [
        {
            "word": term_word(name),
            "meaning": " ".join(str(spec.get("meaning", "")).split()),
            "n": used[name],
        }  # fmt: skip
        for name, spec in ledger.terms.items()
        if used[name]
    ]


def article_cards(ledger: Ledger, scored: Sequence[ScoredClaim]) -> list[dict[str, Any]]:
    """Per article: our title, its as-of date and description, its claim and verdict counts;
    the file name only as provenance."""
    by_article: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        by_article[s.claim.article].append(s)
    cards = []
    for article, rows in sorted(by_article.items()):
        described = ledger.articles.get(article)
        common_as_of = Counter(r.claim.as_of for r in rows).most_common(1)[0][0]
        cards.append(
            {
                "title": article_title(ledger, article),
                "file": article,
                "description": described.description if described else "",
                "as_of": described.as_of if described else common_as_of,
                "n_claims": len(rows),
                "counts": verdict_counts(rows),
            }
        )
    return cards


def finder(ledger: Ledger, scored: Sequence[ScoredClaim]) -> dict[str, Any]:
    """The claim list's filter choices (value, words, how many claims) and every claim's
    box, worst verdict first (the order a page without scripts shows)."""
    counts = {
        "article": Counter(article_label(s.claim.article) for s in scored),
        "verdict": Counter(s.verdict for s in scored),
        "family": Counter(s.claim.family for s in scored),
        "robustness": Counter(s.robustness or ONE_READING for s in scored),
    }
    words = {
        "article": {
            article_label(a): article_title(ledger, a)
            for a in sorted({s.claim.article for s in scored})
        },
        "verdict": {v: v for v in VERDICT_ORDER},
        "family": {f: FAMILY_TITLES[f] for f in FAMILIES},
        "robustness": {r: r for r in ROBUSTNESS_CHOICES},
    }
    return {
        "filters": {
            key: [
                {"value": value, "text": text, "n": counts[key][value]}
                for value, text in words[key].items()
                if counts[key][value]
            ]
            for key in words
        },
        "boxes": [claim_box(ledger, s) for s in sorted(scored, key=worst_first)],
    }


def _reasons(ledger: Ledger, rows: Iterable[ScoredClaim]) -> list[dict[str, Any]]:
    """Claims grouped by the ledger's testability note, the most common reason first."""
    by_note: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in rows:
        by_note[s.claim.testability_note].append(s)
    ranked = sorted(by_note.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        {"note": note, "claims": [claim_line(ledger, m) for m in members]}
        for note, members in ranked
    ]


def data_vintage(scored: Iterable[ScoredClaim]) -> list[dict]:
    """Each distinct data file (origin + sha256) the recorded results cite, once."""
    seen: dict[tuple[str, str], dict] = {}
    for s in scored:
        for source in s.data_files:
            key = (str(source.get("origin", "")), str(source.get("sha256", "")))
            seen.setdefault(key, dict(source))
    return sorted(seen.values(), key=lambda f: (str(f.get("series", "")), str(f.get("origin"))))


def methods(ledger: Ledger, scored: Sequence[ScoredClaim]) -> dict[str, Any]:
    """Methods and limitations from the ledger and results: the data by institution, the
    proxies, what could not be tested and why, and how many verdicts survive other readings."""
    files = data_vintage(scored)
    robustness = Counter(s.robustness or ONE_READING for s in scored if s.verdict in TESTED)
    return {
        "n_files": len(files),
        "institutions": sorted({tables.institution(f) for f in files}),
        "last": max((str(f["last"]) for f in files if f.get("last")), default=None),
        "proxies": _reasons(ledger, (s for s in scored if s.claim.testability == "proxy")),
        "not_testable": _reasons(ledger, (s for s in scored if s.verdict == verdicts.NOT_TESTABLE)),
        "robustness": {r: robustness[r] for r in ROBUSTNESS_CHOICES if robustness[r]},
    }


def vintage_rows(files: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The cited data files by institution, relative name and short hash."""
    return tables.provenance(files).fillna(tables.MISSING).to_dict("records")


def build_footer(build: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The footer's build lines: which data (a result that read no file says so in words,
    never "none"), which commit, ledger and library versions."""
    if not build or not build.get("n_results"):
        return None
    data = [d for d in build["data"] if d != _NO_DATA]
    return {
        **build,
        "data": data,
        "n_without_data": sum(1 for d in build["data"] if d == _NO_DATA),
    }


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
    checks: Sequence[CheckResult],
    pages: Sequence[Path],
    built_at: str,
    orphans: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything the scorecard template shows. The template keeps empty `vintage_diff` and
    `build_info` blocks for sections fed by optional keys of those names."""
    by_id = {s.claim.id: s for s in scored}
    return {
        "styles": VERDICT_STYLES,
        "built_at": built_at,
        "bottom": bottom_line(ledger, scored),
        "tiles": tiles(verdict_counts(scored)),
        "example": contrast_example(ledger, scored),
        "terms": term_rows(ledger, scored),
        "methods": methods(ledger, scored),
        "codebook": CODEBOOK,
        "articles": article_cards(ledger, scored),
        "disagreements": disagreements.sections(ledger, checks, by_id),
        "finder": finder(ledger, scored),
        "orphans": list(orphans),
        "pages": [{"href": p.name, "title": page_title(p)} for p in pages],
        "vintage": vintage_rows(data_vintage(scored)),
    }


def render_index(context: Mapping[str, Any]) -> str:
    """The landing page from index_context()."""
    return templates().get_template("scorecard.html.j2").render(context)
