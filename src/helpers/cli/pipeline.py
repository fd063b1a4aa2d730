"""`run-notebook`: the command `make reports` runs once per notebook."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from helpers.config import reports_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run-notebook",
        help="execute one notebook with papermill and publish reports/<name>.html",
        description=(
            "Execute a notebook headlessly (cwd notebooks/), convert it to a self-contained "
            "HTML page and promote its claim results. On failure the previous report stays "
            "and the failed notebook is kept in reports/failed/."
        ),
    )
    parser.add_argument("notebook", type=Path, help="e.g. notebooks/00_data_overview.ipynb")
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="papermill parameter, repeatable (e.g. -p as_of 2026-01-30)",
    )
    parser.add_argument("--kernel", default=None, help="Jupyter kernel (default smallcap-claims)")
    parser.add_argument(
        "--timeout", type=int, default=None, metavar="SECONDS", help="per-cell limit (600)"
    )
    parser.add_argument(
        "--reports-dir", type=Path, default=None, help=f"output folder (default {reports_dir()})"
    )
    parser.set_defaults(func=_run)


def parse_value(text: str) -> int | float | bool | str:
    """Read a command-line parameter as a number or boolean when it is one, else keep the text.

    Dates stay strings on purpose: notebooks take `as_of` as an ISO string.
    """
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _run(args: argparse.Namespace) -> int:
    # Imported here: papermill and nbconvert load slowly and only this command needs them.
    from helpers.report import pipeline

    given = {key: parse_value(value) for key, value in args.parameter}
    checked = pipeline.check_parameters(args.notebook, given) if given else None
    for note in checked.notes if checked else []:
        print(f"{args.notebook.stem}: {note}")
    options = {
        "parameters": checked.values if checked else {},
        "reports": args.reports_dir,
        "kernel": args.kernel or pipeline.KERNEL_NAME,
        "cell_timeout": args.timeout or pipeline.CELL_TIMEOUT_SECONDS,
    }
    start = time.perf_counter()
    html = pipeline.run_notebook(args.notebook, **options)
    print(f"{args.notebook} -> {html} ({time.perf_counter() - start:.1f} s)")
    return 0
