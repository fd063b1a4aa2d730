"""`run-notebook`: the command `make reports` runs once, on every notebook that changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.cli import positive_int
from helpers.config import reports_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run-notebook",
        help="execute notebooks with papermill and publish reports/<name>.html for each",
        description=(
            "Execute notebooks headlessly (cwd notebooks/), several kernels at once, convert "
            "each to a self-contained HTML page and promote its claim results. A notebook "
            "that fails keeps its previous report and is saved in reports/failed/; the others "
            "still run. On the pinned vintage, a notebook whose verdicts differ from "
            "data/vintage/verdicts.csv is not published. Ctrl-C stops every kernel and "
            "publishes nothing half done."
        ),
    )
    parser.add_argument(
        "notebook", type=Path, nargs="+", help="e.g. notebooks/00_data_overview.ipynb"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=positive_int("JOBS"),
        default=None,
        metavar="N",
        help="kernels at once, 1 or more (default: one per core)",
    )
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
        "--timeout",
        type=positive_int("CELL_TIMEOUT"),
        default=None,
        metavar="SECONDS",
        help="per-cell limit, 1 or more (600)",
    )
    parser.add_argument(
        "--reports-dir", type=Path, default=None, help=f"output folder (default {reports_dir()})"
    )
    parser.add_argument(
        "--allow-changed-verdicts",
        action="store_true",
        help="on the vintage, publish results that differ from data/vintage/verdicts.csv "
        "(make accept-verdicts passes it before pinning them)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    # Imported here: papermill and nbconvert load slowly and only this command needs them.
    from helpers.report import pipeline, warm_kernels
    from helpers.report.parameters import check_parameters, parse_value

    given = {key: parse_value(value) for key, value in args.parameter}
    values: dict[str, dict] = {}
    for notebook in args.notebook:  # every notebook's parameters checked before any kernel
        checked = check_parameters(notebook, given) if given else None
        for note in checked.notes if checked else []:
            print(f"{notebook.stem}: {note}")
        values[str(notebook)] = checked.values if checked else {}
    progress = Progress(len(args.notebook))
    outcomes = pipeline.run_notebooks(
        args.notebook,
        jobs=args.jobs,
        # the same names and the same resolved as_of for every notebook
        parameters=next(iter(values.values())),
        reports=args.reports_dir,
        kernel=args.kernel or pipeline.KERNEL_NAME,
        cell_timeout=args.timeout or pipeline.CELL_TIMEOUT_SECONDS,
        on_start=say_started,
        on_done=progress.done,
        allow_changes=args.allow_changed_verdicts,
        warm=warm_kernels.enabled(),
    )
    failed = [outcome for outcome in outcomes if not outcome.ok]
    for error in dict.fromkeys(str(outcome.error) for outcome in failed):  # each one once
        print(f"error: {error}", file=sys.stderr)
    if failed and len(outcomes) > 1:
        names = ", ".join(outcome.notebook.stem for outcome in failed)
        print(f"{len(failed)} of {len(outcomes)} notebooks not published: {names}", file=sys.stderr)
    published = [outcome.html for outcome in outcomes if outcome.ok]
    if published:
        print(f"published {', '.join(map(str, published))}")
    return 2 if failed else 0


def say_started(notebook: Path) -> None:
    """A line as a notebook's kernel starts (called in the worker running it): one write, so
    two workers starting at once cannot interleave their lines."""
    sys.stdout.write(f"      {notebook.stem} started\n")
    sys.stdout.flush()


class Progress:
    """`[k/n] NN_name done in 4.1 s` as each of n notebooks' runs ends, in finishing order
    (publishing waits for them all: the `published` line says what was)."""

    def __init__(self, total: int):
        self.total = total
        self.finished = 0

    def done(self, outcome) -> None:
        self.finished += 1
        how = "done in" if outcome.ok else "FAILED after"
        count = f"[{self.finished}/{self.total}]"
        print(f"{count} {outcome.notebook.stem} {how} {outcome.seconds:.1f} s", flush=True)
