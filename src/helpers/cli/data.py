"""Commands `data refresh` and `data status`: fill the cache, and show what is in it.

`data refresh` touches ``<cache_dir>/STAMP`` only when some entry's content changed (its
sha256), so the Makefile rebuilds reports after a real data change and never after a no-op.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from helpers.config import SNAPSHOT_ENV, cache_dir, data_mode, vintage_dir
from helpers.errors import DataError, NoNetworkError, first_line
from helpers.files import write_text_atomic


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
    refresh.set_defaults(func=run_refresh)
    status = commands.add_parser("status", help="table of cached series, coverage and age")
    status.set_defaults(func=run_status)


def run_refresh(args: argparse.Namespace) -> int:
    quick = not (args.series or args.snapshot or args.force) and data_mode() == "vintage"
    if quick and read_token() == files_token():
        print("data refresh: nothing changed since the last refresh")
        return 0
    code = _refresh(args)
    if quick and code == 0:
        write_token()
    return code


# ---------------------------------------------------------------- the no-op shortcut
#
# `make reports` runs `data refresh` every time. On the vintage, a refresh that succeeded
# records the stat (size, mtime, ctime, inode) of every file it depends on: the vintage, the
# cache (manifests and parts), the STAMP and the data layer's code. When none has moved, the
# refresh would find every entry current again (it trusts the same stats), so it stops before
# importing pandas. Any change, a deleted STAMP included, takes the full path.

TOKEN = ".refresh-token"
STAMP = "STAMP"  # helpers.data.cache.STAMP (not imported: it loads pandas)


def files_token() -> str:
    """A digest of the stats of every file a vintage refresh depends on."""
    rows: list[str] = [data_mode(), str(cache_dir()), str(vintage_dir())]
    package = Path(__file__).resolve().parents[1] / "data"
    for root in (vintage_dir(), cache_dir(), package):
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name == TOKEN or name.endswith(".lock"):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except FileNotFoundError:
                    continue
                rows.append(
                    f"{path} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino}"
                )
    if not (cache_dir() / STAMP).exists():
        rows.append("no stamp")
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def read_token() -> str | None:
    try:
        return (cache_dir() / TOKEN).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def write_token() -> None:
    write_text_atomic(cache_dir() / TOKEN, files_token() + "\n")


def _refresh(args: argparse.Namespace) -> int:
    from helpers import data
    from helpers.data import cache

    if args.snapshot:
        os.environ[SNAPSHOT_ENV] = args.snapshot
    keys = args.series or data.refresh_keys()
    cache.remove_orphan_parts()
    outcomes: dict[str, list[str]] = {}
    failures: dict[str, DataError] = {}
    for key in keys:
        try:
            outcome = data.refresh_one(key, force=args.force)
        except (DataError, *UNREADABLE) as exc:
            failures[key] = as_data_error(key, exc)
            continue
        outcomes.setdefault(outcome, []).append(key)
    if failures:
        print(failure_report(failures), file=sys.stderr)
    changed = outcomes.get("new", []) + outcomes.get("updated", [])
    if changed:
        cache.touch_stamp()
    else:
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
    """Each failed key once; unreachable live sources as one line, not one per series."""
    offline = [key for key, exc in failures.items() if isinstance(exc, NoNetworkError)]
    lines = [f"{key}: failed: {exc}" for key, exc in failures.items() if key not in offline]
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
