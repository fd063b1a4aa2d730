"""The scorecard: reports/claims.csv and reports/index.html from the ledger and the results.

Every ledger row gets exactly one verdict: the one its notebook recorded
(reports/results/<id>.json), else "not testable" for rows the ledger marks so, else "pending".
The page is self-contained (inline CSS, no scripts, no external assets) so it can be mailed or
opened from a file system; links go only to report pages that exist.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import claims as ledger_api
from helpers import verdicts
from helpers.claims import VERDICT_STYLES, Claim, Ledger
from helpers.config import reports_dir
from helpers.files import write_text_atomic

CSV_COLUMNS = (
    "claim_id", "article", "family", "group", "as_of", "claim", "claimed", "measured", "unit",
    "verdict", "testability", "rule", "notebook", "explanation", "data_files",
)  # fmt: skip
# Columns holding JSON text in the CSV, so values round-trip with their types.
JSON_COLUMNS = ("claimed", "measured", "rule")
# Worst first: a reader scanning a table meets what does not hold before what does.
VERDICT_ORDER = (
    verdicts.REFUTED, verdicts.PARTLY, verdicts.SUPPORTED, verdicts.PENDING, verdicts.NOT_TESTABLE,
)  # fmt: skip
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


# ------------------------------------------------------------------ assembling rows


def score_claims(ledger: Ledger, results: Mapping[str, dict], reports: Path) -> list[ScoredClaim]:
    """One ScoredClaim per ledger row, linking to `<notebook>.html#claim-<id>` when both exist."""
    return [_score(ledger, item, results.get(item.id), reports) for item in ledger.claims]


def _score(ledger: Ledger, item: Claim, result: dict | None, reports: Path) -> ScoredClaim:
    rule = ledger.resolved_rule(item)
    claimed = {
        "claimed_text": verdicts.describe_claimed(rule, item.claimed_value, item.unit),
        "claimed_interval": verdicts.claimed_interval(rule, item.claimed_value),
    }
    if result is not None:
        notebook = str(result.get("notebook") or item.notebook)
        page = reports / f"{notebook}.html"
        return ScoredClaim(
            claim=item,
            **claimed,
            verdict=str(result.get("verdict", verdicts.PENDING)),
            explanation=str(result.get("explanation", "")),
            measured=result.get("measured"),
            notebook=notebook,
            data_files=tuple(result.get("data_files") or ()),
            href=f"{page.name}#claim-{item.id}" if page.is_file() else None,
        )
    if item.testability == "not_testable":
        verdict, explanation = verdicts.NOT_TESTABLE, item.testability_note
    else:
        why = "notebook not built yet" if item.is_pending else "no recorded result yet"
        verdict, explanation = verdicts.PENDING, f"{why} ({item.notebook})"
    return ScoredClaim(
        claim=item,
        **claimed,
        verdict=verdict,
        explanation=explanation,
        measured=None,
        notebook=item.notebook,
        data_files=(),
        href=None,
    )


def csv_record(scored: ScoredClaim) -> dict[str, str]:
    """The claims.csv row; JSON_COLUMNS hold JSON so numbers, dates and lists round-trip."""
    item = scored.claim
    row = {
        "claim_id": item.id,
        "article": item.article,
        "family": item.family,
        "group": item.group,
        "as_of": item.as_of,
        "claim": item.claim,
        "claimed": item.claimed_value,
        "measured": scored.measured,
        "unit": item.unit,
        "verdict": scored.verdict,
        "testability": item.testability,
        "rule": item.rule,
        "notebook": scored.notebook,
        "explanation": scored.explanation,
        "data_files": "; ".join(_file_label(f) for f in scored.data_files),
    }
    for column in JSON_COLUMNS:
        row[column] = json.dumps(row[column], ensure_ascii=False, sort_keys=True)
    return row


def _file_label(source: Mapping[str, Any]) -> str:
    sha = str(source.get("sha256") or "")[:12]
    origin = str(source.get("origin", source.get("series", "?")))
    return f"{origin} (sha256 {sha})" if sha else origin


def write_csv(scored: Iterable[ScoredClaim], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_record(s) for s in scored)
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
SAME_DATE_CLASH = "incompatible figures for the same date"
ALL_REFUTED = "all refuted by the data"
NO_CONFLICT = "no conflict found"
_STATUS_RANK = {DATA_SPLITS: 0, SAME_DATE_CLASH: 1, ALL_REFUTED: 2, NO_CONFLICT: 3}


def group_status(members: Sequence[ScoredClaim]) -> str:
    """How the articles in one group relate, from verdicts and claimed values.

    Data first: measurements that support one article and refute another split them. Without
    that, two articles whose claimed intervals (tolerance included) for the same as_of do not
    overlap cannot both be right, whatever the data.
    """
    found = {m.verdict for m in members}
    if verdicts.SUPPORTED in found and verdicts.REFUTED in found:
        return DATA_SPLITS
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


# ------------------------------------------------------------------ HTML


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


_CSS = """
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937;
  margin: 0; background: #f8fafc; line-height: 1.45; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.9em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 36px 0 10px; border-bottom: 2px solid #e5e7eb;
  padding-bottom: 4px; }
h3 { font-size: 1.1em; margin: 22px 0 6px; }
p.lede { color: #4b5563; margin: 0 0 18px; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 6px; }
.tile { flex: 1 1 160px; border-radius: 8px; padding: 14px 16px; border-left: 8px solid; }
.tile .n { font-size: 2.6em; font-weight: 700; line-height: 1; }
.tile .label { font-size: 1.05em; font-weight: 600; }
.bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; margin: 10px 0 4px;
  border: 1px solid #d1d5db; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
  gap: 12px; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px 14px; }
.card h3 { margin: 0 0 2px; font-size: 1.05em; }
.card .meta { color: #4b5563; font-size: 0.88em; margin-bottom: 8px; }
.chip { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 0.85em;
  font-weight: 600; border: 1px solid; white-space: nowrap; margin: 1px 2px 1px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 0.92em; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px;
  border-bottom: 1px solid #e5e7eb; }
th { background: #f1f5f9; font-weight: 600; position: sticky; top: 0; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.val { max-width: 14em; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
td.wrap { word-break: break-all; font-family: ui-monospace, monospace; font-size: 0.85em; }
td.why { color: #374151; font-size: 0.9em; }
code { font-size: 0.9em; }
a { color: #1d4ed8; }
.muted { color: #6b7280; }
ul.pages { columns: 2; }
details { margin: 10px 0; }
summary { cursor: pointer; color: #1d4ed8; }
footer { margin-top: 40px; color: #6b7280; font-size: 0.88em; }
"""


def chip(verdict: str, count: int | None = None) -> str:
    style = VERDICT_STYLES[verdict]
    text = f"{style['mark']} {verdict}" + (f" {count}" if count is not None else "")
    return (
        f'<span class="chip" style="background:{style["bg"]};color:{style["fg"]};'
        f'border-color:{style["edge"]}">{esc(text)}</span>'
    )


def _bar(counts: Mapping[str, int]) -> str:
    total = sum(counts.values()) or 1
    parts = "".join(
        f'<span style="width:{100 * n / total:.2f}%;background:{VERDICT_STYLES[v]["edge"]}" '
        f'title="{esc(v)}: {n}"></span>'
        for v, n in counts.items()
        if n
    )
    return f'<div class="bar" role="img" aria-label="verdict shares">{parts}</div>'


def _totals_html(scored: Sequence[ScoredClaim]) -> str:
    counts = verdict_counts(scored)
    tiles = "".join(
        f'<div class="tile" style="background:{VERDICT_STYLES[v]["bg"]};'
        f'color:{VERDICT_STYLES[v]["fg"]};border-color:{VERDICT_STYLES[v]["edge"]}">'
        f'<div class="n">{n}</div><div class="label">{VERDICT_STYLES[v]["mark"]} {esc(v)}</div>'
        f"</div>"
        for v, n in counts.items()
    )
    return f'<div class="totals">{tiles}</div>{_bar(counts)}'


def _article_cards(scored: Sequence[ScoredClaim]) -> str:
    by_article: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        by_article[s.claim.article].append(s)
    cards = []
    for article, rows in sorted(by_article.items()):
        counts = verdict_counts(rows)
        as_of = Counter(r.claim.as_of for r in rows).most_common(1)[0][0]
        chips = "".join(chip(v, n) for v, n in counts.items() if n)
        cards.append(
            f'<div class="card"><h3>Article {esc(article.split("_")[0])}</h3>'
            f'<div class="meta"><code>{esc(article)}</code><br>numbers as of <b>{esc(as_of)}'
            f"</b> · {len(rows)} claims</div>{_bar(counts)}<div>{chips}</div></div>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _claim_cell(s: ScoredClaim) -> str:
    text = esc(s.claim.claim)
    link = f'<a href="{esc(s.href)}">{text}</a>' if s.href else text
    return f'{link}<br><code class="muted">{esc(s.claim.id)}</code>'


def _family_tables(scored: Sequence[ScoredClaim]) -> str:
    by_family: dict[str, list[ScoredClaim]] = defaultdict(list)
    for s in scored:
        by_family[s.claim.family].append(s)
    order = {v: i for i, v in enumerate(VERDICT_ORDER)}
    sections = []
    for family in ledger_api.FAMILIES:
        rows = sorted(by_family.get(family, []), key=lambda s: (order[s.verdict], s.claim.id))
        if not rows:
            continue
        chips = "".join(chip(v, n) for v, n in verdict_counts(rows).items() if n)
        body = "".join(
            f"<tr><td>{chip(s.verdict)}</td><td>{_claim_cell(s)}</td>"
            f"<td>{esc(s.claim.article.split('_')[0])}</td><td class='num'>{esc(s.claim.as_of)}"
            f"</td><td class='val'>{esc(s.claimed_text)}"
            f"</td><td class='val'>{esc(_measured_text(s))}</td>"
            f"<td class='why'>{esc(s.explanation)}</td></tr>"
            for s in rows
        )
        sections.append(
            f'<h3 id="family-{esc(family)}">{esc(FAMILY_TITLES[family])} '
            f'<span class="muted">({len(rows)})</span> {chips}</h3>'
            "<table><thead><tr><th>verdict</th><th>claim (paraphrased)</th><th>article</th>"
            "<th>as of</th><th>claimed</th><th>measured</th><th>why</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    return "".join(sections)


def _measured_text(s: ScoredClaim) -> str:
    return "—" if s.measured is None else verdicts.fmt_value(s.measured, s.claim.unit)


def _consistency_table(groups: Sequence[GroupConsistency]) -> str:
    """Conflicting groups in full; the rest folded under a <details> to keep the page short."""
    if not groups:
        return "<p class='muted'>No claim appears in more than one article.</p>"
    conflicts = [g for g in groups if g.status != NO_CONFLICT]
    calm = [g for g in groups if g.status == NO_CONFLICT]
    table = _group_table(conflicts) if conflicts else "<p>No conflicts between articles.</p>"
    if calm:
        table += (
            f"<details><summary>{len(calm)} more group(s) with no conflict found</summary>"
            f"{_group_table(calm)}</details>"
        )
    return table


def _group_table(groups: Sequence[GroupConsistency]) -> str:
    body = []
    for g in groups:
        entries = "<br>".join(
            f"<b>{esc(m.claim.article.split('_')[0])}</b> (as of {esc(m.claim.as_of)}): claims "
            f"{esc(m.claimed_text)}"
            + (f", measured {esc(_measured_text(m))}" if m.measured is not None else "")
            + f" {chip(m.verdict)}"
            for m in sorted(g.members, key=lambda m: (m.claim.as_of, m.claim.article))
        )
        status_style = "" if g.status == NO_CONFLICT else "color:#7f1d1d;font-weight:700"
        body.append(
            f"<tr><td><code>{esc(g.group)}</code><br><span class='muted'>{esc(g.family)}</span>"
            f"</td><td style='{status_style}'>{esc(g.status)}</td><td>{entries}</td></tr>"
        )
    return (
        "<table><thead><tr><th>claim group</th><th>consistency</th><th>what each article says"
        f"</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _pages_list(pages: Sequence[Path]) -> str:
    if not pages:
        return "<p class='muted'>No notebook reports have been built yet (run make reports).</p>"
    items = "".join(f'<li><a href="{esc(p.name)}">{esc(p.stem)}</a></li>' for p in pages)
    return f'<ul class="pages">{items}</ul>'


def _vintage_table(files: Sequence[Mapping[str, Any]]) -> str:
    if not files:
        return "<p class='muted'>No recorded result cites a data file yet.</p>"
    known = ("series", "source", "origin", "sha256", "first", "last", "rows", "retrieved")
    keys = [k for k in known if any(f.get(k) not in (None, "") for f in files)]
    head = "".join(f"<th>{k}</th>" for k in keys)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'wrap' if k in ('origin', 'sha256') else 'num'}'>{esc(f.get(k, ''))}</td>"
            for k in keys
        )
        + "</tr>"
        for f in files
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_index(
    scored: Sequence[ScoredClaim],
    pages: Sequence[Path],
    built_at: str,
    orphans: Sequence[str] = (),
) -> str:
    """The landing page: totals, article report cards, family tables, consistency, vintage."""
    articles = len({s.claim.article for s in scored})
    orphan_note = (
        f"<p class='muted'>Results with no ledger row (ignored): {esc(', '.join(orphans))}</p>"
        if orphans
        else ""
    )
    family_links = " · ".join(
        f'<a href="#family-{f}">{esc(FAMILY_TITLES[f])}</a>'
        for f in ledger_api.FAMILIES
        if any(s.claim.family == f for s in scored)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Small-cap claims scorecard</title><style>{_CSS}</style></head>
<body><main>
<h1>Small-cap claims scorecard</h1>
<p class="lede">{len(scored)} claims from {articles} articles about the Russell 2000 beating the
S&amp;P 500 in January 2026, each checked by a stated rule against pinned market data.
Built {esc(built_at)}.</p>
{_totals_html(scored)}
<p class="muted">Verdicts come from the ledger's rules (<code>data/claims.yaml</code>);
click a claim to open the notebook section that measured it.</p>
<h2>Report card by article</h2>
{_article_cards(scored)}
<h2>Where the articles disagree</h2>
<p class="muted">Claims about the same quantity in different articles (ledger groups), with
each article's as-of date, the figure it gives and what the data shows.</p>
{_consistency_table(consistency(scored))}
<h2>Claims by family</h2>
<p>{family_links}</p>
{_family_tables(scored)}
{orphan_note}
<h2>Notebook reports</h2>
{_pages_list(pages)}
<h2>Data vintage</h2>
{_vintage_table(data_vintage(scored))}
<footer>Built {esc(built_at)} by <code>python -m helpers scorecard</code> from the ledger and
reports/results/*.json. Machine-readable: <a href="claims.csv">claims.csv</a>.</footer>
</main></body></html>
"""


# ------------------------------------------------------------------ entry point


def report_pages(reports: Path) -> list[Path]:
    """Notebook reports present: reports/NN_*.html."""
    return sorted(reports.glob("[0-9][0-9]_*.html"))


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
    html_path = reports / "index.html"
    write_text_atomic(html_path, render_index(scored, report_pages(reports), stamp, orphans))
    return csv_path, html_path
