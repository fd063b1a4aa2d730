"""Command line: thin wrappers over the functions the notebooks call.

Each command module exposes `register(subparsers)`, which adds its subcommand(s) and sets
`func` on the parser; `func(args)` returns the exit code. Errors from this package are shown
as their cause-and-fix message, and so are OSErrors (permissions, a full disk), never as a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from helpers.errors import SmallcapError, storage_error

# Modules that contribute subcommands, in the order `--help` lists them.
COMMAND_MODULES: list[str] = [
    "helpers.cli.data",
    "helpers.cli.pipeline",
    "helpers.cli.streaks",
    "helpers.cli.aftermath",
    "helpers.cli.claims",
    "helpers.cli.vintage",
]


# The module that registers each command, so a run imports only its own command's module
# (`make reports` runs three commands every time; importing all five costs more than they do).
COMMAND_OWNERS: dict[str, str] = {
    "data": "helpers.cli.data",
    "run-notebook": "helpers.cli.pipeline",
    "streak": "helpers.cli.streaks",
    "records": "helpers.cli.streaks",
    "aftermath": "helpers.cli.aftermath",
    "scorecard": "helpers.cli.claims",
    "claims": "helpers.cli.claims",
    "vintage": "helpers.cli.vintage",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line; given `argv`, only the module of its command is imported (every
    module for `--help`, no command or an unknown one, so those list every command)."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers",
        description="smallcap-claims: data, streaks, claims and reports from the command line.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    command = next((arg for arg in argv or [] if not arg.startswith("-")), None)
    owner = COMMAND_OWNERS.get(command or "") if argv and not argv[0].startswith("-") else None
    for name in [owner] if owner else COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SmallcapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a read-only reports/, a full disk: a message, not a traceback
        print(f"error: {storage_error(exc)}", file=sys.stderr)
        return 2
