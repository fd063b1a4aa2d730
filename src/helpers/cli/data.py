"""Commands `data refresh` and `data status`: fill the cache, and show what is in it.

`data refresh` touches ``<cache_dir>/STAMP`` only when some entry's content changed (the
sha256 of what it was read from), so the Makefile rebuilds reports after a real data change
and never after a no-op; on the vintage, when nothing it depends on moved, it stops before
loading pandas (`helpers.data.freshness`).
"""

from __future__ import annotations

import argparse
import os
import sys

from helpers.config import SNAPSHOT_ENV, cache_dir, data_mode, vintage_dir
from helpers.data import freshness
from helpers.errors import DataError, NoNetworkError, first_line


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        help="fill or inspect the data cache (refresh, status)",
        description="Fill the cache from the snapshot (SNAPSHOT_DIR) or the live "
        "sources, or list what it holds.",
    )
    commands = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    refresh = commands.add_parser(
        "refresh",
        help="read changed snapshot files / download live series into the cache",
        description="Default series: every data file of the snapshot, or in live mode the "
        "core series that have a live source. STAMP is touched only if content changed.",
    )
    refresh.add_argument("series", nargs="*", help="keys such as ^RUT, fred:DFF, french:X")
    refresh.add_argument("--snapshot", metavar="DIR", help="read this snapshot folder")
    refresh.add_argument(
        "--force", action="store_true", help="re-read every file even if size and mtime match"
    )
    refresh.add_argument(
        "--accept-shorter",
        action="store_true",
        help="accept series that now cover less than the cache (or the vintage) said",
    )
    refresh.set_defaults(func=run_refresh)
    status = commands.add_parser("status", help="table of cached series, coverage and age")
    status.set_defaults(func=run_status)


def run_refresh(args: argparse.Namespace) -> int:
    quick = not (args.series or args.snapshot or args.force or args.accept_shorter)
    quick = quick and data_mode() in ("vintage", "snapshot")
    if quick and freshness.token_matches():
        print("data refresh: nothing changed since the last refresh")
        return 0
    code = _refresh(args)
    if quick and code == 0:
        freshness.write_token()
    return code


def _refresh(args: argparse.Namespace) -> int:
    from helpers import data
    from helpers.data import cache, vintage

    if args.snapshot:
        os.environ[SNAPSHOT_ENV] = args.snapshot
    if data_mode() == "vintage":  # a damaged vintage is one failure naming every bad file
        vintage.verify(vintage_dir())
    keys = args.series or data.refresh_keys()
    cache.remove_orphan_parts()
    outcomes: dict[str, list[str]] = {}
    failures: dict[str, DataError] = {}
    for key in keys:
        try:
            outcome = data.refresh_one(key, force=args.force, accept_shorter=args.accept_shorter)
        except (DataError, *UNREADABLE) as exc:
            failures[key] = as_data_error(key, exc)
            continue
        outcomes.setdefault(outcome, []).append(key)
    if failures:
        print(failure_report(failures), file=sys.stderr)
    changed = outcomes.get("new", []) + outcomes.get("updated", [])
    if not changed:  # (a change touched it when it was stored)
        cache.restore_stamp()
    summary = ", ".join(f"{len(v)} {k}" for k, v in sorted(outcomes.items()))
    failed = f", {len(failures)} failed ({', '.join(failures)})" if failures else ""
    print(f"data refresh: {summary or 'nothing done'}{failed}{_named(changed)}")
    return 1 if failures else 0


# Changed series are named on the summary line up to this many (a first fill changes all).
NAMED_CHANGES = 8


def _named(changed: list[str]) -> str:
    return f" (changed: {', '.join(changed)})" if 0 < len(changed) <= NAMED_CHANGES else ""


# What a reader of a damaged table raises when no parser check caught it first (pandas'
# ParserError and UnicodeDecodeError are ValueErrors; a missing column is a KeyError).
UNREADABLE = (ValueError, KeyError)


def failure_report(failures: dict[str, DataError]) -> str:
    """Each distinct failure once, with the keys it hit: unreachable live sources as one line,
    and one cause shared by several series said once for all of them."""
    offline = [key for key, exc in failures.items() if isinstance(exc, NoNetworkError)]
    by_message: dict[str, list[str]] = {}
    for key, exc in failures.items():
        if key not in offline:
            by_message.setdefault(str(exc), []).append(key)
    lines = [
        f"{keys[0]}: failed: {message}"
        if len(keys) == 1
        else f"{len(keys)} series ({', '.join(keys)}) failed: {message}"
        for message, keys in by_message.items()
    ]
    if offline:
        first = failures[offline[0]]
        lines.append(
            f"live sources are unreachable: {len(offline)} series not downloaded "
            f"({', '.join(offline)}); first: {first.cause}\n  -> fix: {first.fix}"
        )
    return "\n".join(lines)


def as_data_error(key: str, exc: Exception) -> DataError:
    """A package error as it is; any other reader failure as one line naming key and cause."""
    if isinstance(exc, DataError):
        return exc
    return DataError(
        f"the source of {key!r} cannot be read ({type(exc).__name__}: {first_line(exc)})",
        "restore the file from a complete copy of the snapshot, then run: "
        f"python -m helpers data refresh {key}",
    )


def run_status(args: argparse.Namespace) -> int:
    import pandas as pd

    from helpers import data

    table = data.status()
    if table.empty:
        print(f"the cache at {cache_dir()} is empty; run: python -m helpers data refresh")
        return 0
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(table.to_string(index=False))
    return 0
