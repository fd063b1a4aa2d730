"""The scorecard: reports/index.html, reports/claims.csv and its codebook, from the ledger and
the recorded results (`python -m helpers scorecard`).

The jobs live beside this entry point: helpers.report.scored (one verdict per ledger row),
claims_csv (the spreadsheet and codebook), disagreements (the ledger's consistency checks,
the only source of a contradiction between articles) and scorecard_page (what the page says).
The page links the shared stylesheet (helpers.report.stylesheet) and carries one small inline
script for finding claims; without it every claim still shows, and nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from helpers import buildinfo
from helpers import claims as ledger_api
from helpers.claims import pinned
from helpers.config import reports_dir, vintage_dir
from helpers.data import vintage
from helpers.errors import MissingSnapshotFileError
from helpers.files import sweep_tmp, write_texts_atomic
from helpers.report import claims_csv, disagreements, run_parameters, scorecard_page, stylesheet
from helpers.report.scored import score_claims


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
    return pinned.scorecard_view(recorded, pinned.read_of(folder), current)


def build_scorecard(
    reports: Path | None = None,
    results: Path | None = None,
    ledger: Path | None = None,
    now: dt.datetime | None = None,
) -> tuple[Path, Path]:
    """Write reports/claims.csv, its codebook, the stylesheet and reports/index.html; return
    the CSV's and the page's paths.

    The ledger is schema-checked first: a broken row stops the build (the previous page
    stays) instead of showing a duplicate's verdict under another row or a result as pending.
    Everything is computed before anything is written, and the files are written as one unit:
    a failure (a malformed verdicts.csv, a full disk) leaves all of them as they were.
    """
    reports = Path(reports) if reports else reports_dir()
    results_path = Path(results) if results else reports / "results"
    book = ledger_api.checked_ledger(ledger)
    recorded = ledger_api.read_results(results_path) if results_path.is_dir() else {}
    scored = score_claims(book, recorded, reports)
    checks = disagreements.judged_checks(book)
    orphans = sorted(set(recorded) - set(book.by_id()))
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    csv_path, html_path = reports / "claims.csv", reports / "index.html"
    context = scorecard_page.index_context(
        book, scored, checks, report_pages(reports), stamp, orphans
    )
    context["vintage_diff"] = pinned_view(recorded)
    context["non_default_runs"] = run_parameters.non_default_runs(reports)
    context["build_info"] = scorecard_page.build_footer(
        buildinfo.summarize([r["build"] for r in recorded.values() if "build" in r])
    )
    if reports.is_dir():  # what a scorecard killed before its renames left
        sweep_tmp(reports)
    stylesheet.write(reports)
    write_texts_atomic(
        {
            csv_path: claims_csv.csv_text(book, scored, checks),
            reports / "claims_codebook.csv": claims_csv.codebook_text(),
            html_path: scorecard_page.render_index(context),
        }
    )
    return csv_path, html_path
