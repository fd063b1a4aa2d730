"""Commands `vintage build|list|check|accept`: derive the pinned data vintage from the
snapshot, show it, and hold builds to its pinned verdicts (data/vintage/verdicts.csv)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from helpers.claims import pinned
from helpers.config import data_mode, reports_dir, vintage_dir
from helpers.errors import LedgerError
from helpers.files import write_text_atomic


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "vintage",
        help="build or inspect the pinned data vintage; check results against its verdicts",
        description="The pinned vintage (data/vintage/) holds every series the notebooks "
        "read, derived from the market-data snapshot, and the verdicts it must reproduce.",
    )
    commands = parser.add_subparsers(dest="vintage_command", metavar="ACTION", required=True)
    build = commands.add_parser(
        "build",
        help="derive data/vintage/ from a snapshot (checked against its SHA256SUMS)",
        description="Read every core series from the snapshot and write it to the vintage "
        "folder as Parquet with a manifest. The same snapshot gives byte-identical files.",
    )
    build.add_argument("--from", dest="snapshot", type=Path, required=True, metavar="DIR")
    build.add_argument("--out", type=Path, help="vintage folder (default data/vintage)")
    build.set_defaults(func=run_build)
    listing = commands.add_parser("list", help="the series the vintage holds, with origins")
    listing.set_defaults(func=run_list)
    check = commands.add_parser(
        "check",
        help="compare reports/results with the pinned verdicts (fails on a vintage build)",
        description="On results built from the vintage, any changed measured value or verdict "
        "is an error listing claim, expected and got. On other data the differences are "
        "listed (and shown on the scorecard); --strict makes them an error too.",
    )
    check.add_argument("--strict", action="store_true", help="fail on differences on any data")
    check.add_argument("--results", type=Path, help="results folder (default reports/results)")
    check.set_defaults(func=run_check)
    accept = commands.add_parser(
        "accept",
        help="rewrite data/vintage/verdicts.csv from the current vintage build's results",
    )
    accept.add_argument("--results", type=Path, help="results folder (default reports/results)")
    accept.set_defaults(func=run_accept)


def run_build(args: argparse.Namespace) -> int:
    from helpers import data
    from helpers.data import vintage

    out = args.out or vintage_dir()
    manifest = vintage.build(args.snapshot, out, data.CORE_SERIES)
    size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    print(
        f"vintage {manifest['vintage']}: {len(manifest['series'])} series, "
        f"{size / 2**20:.1f} MiB of Parquet in {out}"
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from helpers.data import vintage

    manifest = vintage.read_manifest(vintage_dir())
    print(f"vintage {manifest['vintage']} ({vintage_dir()})")
    for key, entry in manifest["series"].items():
        origin = entry["origin"]
        print(
            f"  {key:48} {entry['rows']:>7} rows  {entry['first'] or '':10} "
            f"{entry['last'] or '':10}  {origin['file']} ({origin['sha256'][:12]})"
        )
    return 0


def _results(args: argparse.Namespace) -> dict[str, dict]:
    from helpers.claims import read_results

    return read_results(args.results or reports_dir() / "results")


def _current_vintage() -> str:
    """The vintage id, read as plain JSON: the data layer (pandas, pyarrow) loads only when
    the manifest cannot be read, to say what is wrong with it."""
    try:
        manifest = json.loads((vintage_dir() / "manifest.json").read_text(encoding="utf-8"))
        return f"vintage {manifest['vintage']}"
    except (OSError, ValueError, KeyError, TypeError):
        from helpers.data import vintage

        return f"vintage {vintage.read_manifest(vintage_dir())['vintage']}"


def run_check(args: argparse.Namespace) -> int:
    results = _results(args)
    on = pinned.built_on(results) - {"none"}
    on_vintage = data_mode() == "vintage"
    if on_vintage and on != {_current_vintage()}:
        raise LedgerError(
            f"the results were built on {', '.join(sorted(on)) or 'nothing'}, not on the "
            f"current {_current_vintage()}",
            "rebuild them: make reports (a data change reruns every notebook)",
        )
    differences = pinned.differences(pinned.read_of(vintage_dir()), results)
    if not differences:
        print(f"vintage check: {len(results)} results match {pinned.PINNED_FILE}")
        return 0
    table = pinned.format_table(differences)
    if on_vintage or args.strict:
        print(
            f"vintage check: {len(differences)} claim(s) differ from "
            f"data/vintage/{pinned.PINNED_FILE}"
            f":\n{table}\n  -> fix: {pinned.CHANGED_FIX}",
            file=sys.stderr,
        )
        return 1
    print(
        f"vintage check: built on {', '.join(sorted(on))}; {len(differences)} claim(s) differ "
        f"from the pinned vintage (listed on the scorecard):\n{table}"
    )
    return 0


def run_accept(args: argparse.Namespace) -> int:
    results = _results(args)
    on = pinned.built_on(results) - {"none"}
    if on != {_current_vintage()}:
        raise LedgerError(
            f"only results built on the current {_current_vintage()} can be pinned; these "
            f"were built on {', '.join(sorted(on)) or 'nothing'}",
            "build on the vintage first (make reports, with SNAPSHOT_DIR and DATA unset)",
        )
    path = vintage_dir() / pinned.PINNED_FILE
    changed = pinned.differences(pinned.read(path, required=False), results)
    write_text_atomic(path, pinned.to_csv(pinned.rows_from_results(results)))
    print(f"wrote {path}: {len(results)} claims, {len(changed)} changed; review with git diff")
    return 0
