"""Commands `scorecard` and `claims list|show ID`: the ledger and its verdicts from a shell."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

from helpers import claims
from helpers.errors import LedgerError


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser(
        "scorecard",
        help="build reports/claims.csv and reports/index.html from the ledger and results",
        description="Read data/claims.yaml and reports/results/*.json and write "
        "reports/claims.csv and the landing page reports/index.html.",
    )
    build.add_argument("--reports", type=Path, help="reports folder (default reports/)")
    build.add_argument("--results", type=Path, help="results folder (default <reports>/results)")
    build.set_defaults(func=run_scorecard)

    ledger = subparsers.add_parser(
        "claims",
        help="list or show ledger claims (the ledger is schema-checked first)",
        description="Inspect data/claims.yaml. `check` validates the ledger; `list` validates it, "
        "then prints one line per claim; `show ID` prints one row and its recorded result.",
    )
    actions = ledger.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="validate the ledger: its schema, and every as_of a trading day of the data "
        "(what `make reports` runs first)",
    )
    check.set_defaults(func=run_check)
    listing = actions.add_parser("list", help="validate the ledger and list its claims")
    listing.add_argument("--family", choices=claims.FAMILIES, help="only this family")
    listing.add_argument("--article", help="only claims from articles whose name starts so")
    listing.set_defaults(func=run_list)
    show = actions.add_parser("show", help="print one claim and its recorded result")
    show.add_argument("claim_id", help="e.g. a000-streak-9")
    show.set_defaults(func=run_show)
    measures = actions.add_parser(
        "measures", help="list the measures a row's `measured_by` may name, with what each does"
    )
    measures.set_defaults(func=run_measures)
    contract = actions.add_parser(
        "schema", help="print the ledger's JSON Schema (data/claims.schema.json), or --write it"
    )
    contract.add_argument("--write", action="store_true", help="rewrite the committed file")
    contract.set_defaults(func=run_schema)


def run_scorecard(args: argparse.Namespace) -> int:
    from helpers.report import scorecard

    csv_path, html_path = scorecard.build_scorecard(reports=args.reports, results=args.results)
    print(f"wrote {csv_path}\nwrote {html_path}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from helpers import data  # the dates are checked against the data's trading days

    ledger = claims.checked_ledger()
    sessions = [f"{day:%Y-%m-%d}" for day in data.sessions()]
    problems = claims.session_problems(ledger, sessions)
    if problems:
        raise LedgerError(
            f"{len(problems)} problem(s) in the ledger:\n    " + "\n    ".join(problems),
            "give each as_of the trading day its figure refers to, in data/claims.yaml",
        )
    print(
        f"{claims.ledger_path()}: {len(ledger.rows)} claim(s), schema ok, every as_of a "
        "trading day of the data"
    )
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from helpers.claims import contract
    from helpers.files import write_text_atomic

    if not args.write:
        print(contract.schema_text(), end="")
        return 0
    path = contract.schema_path(claims.ledger_path())
    write_text_atomic(path, contract.schema_text())
    print(f"wrote {path}")
    return 0


def run_measures(args: argparse.Namespace) -> int:
    from helpers.measures import registry

    width = max(map(len, registry.MEASURES))
    for name, module in registry.MEASURES.items():
        doc = " ".join((registry.function(name).__doc__ or "").split())
        print(f"{name:<{width}}  {module:<9}  {doc.split(': ')[0].split('. ')[0][:90]}")
    print(f"{len(registry.MEASURES)} measure(s) in helpers.measures")
    return 0


def run_list(args: argparse.Namespace) -> int:
    rows = [
        row
        for row in claims.validate_ledger()
        if (args.family is None or row.family == args.family)
        and (args.article is None or row.article.startswith(args.article))
    ]
    width = max((len(row.id) for row in rows), default=0)
    for row in rows:
        state = row.testability + (" pending" if row.is_pending else "")
        print(f"{row.id:<{width}}  {row.family:<9}  {state:<20}  {row.notebook:<22}  {row.claim}")
    print(f"{len(rows)} claim(s)")
    return 0


def run_show(args: argparse.Namespace) -> int:
    row = claims.find_row(args.claim_id)
    fields = {k: v for k, v in vars(row).items() if v is not None}
    print(yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100).rstrip())
    result_path = claims.published_results_dir() / f"{row.id}.json"
    if result_path.is_file():
        result = json.loads(result_path.read_text(encoding="utf-8"))
        print(f"\nresult ({result_path}):\n  verdict: {result.get('verdict')}")
        print(f"  explanation: {result.get('explanation')}")
    else:
        print(f"\nno published result in {claims.published_results_dir()} (run: make reports)")
    return 0
