"""Command line: thin wrappers over the functions the notebooks call.

Each command module exposes `register(subparsers)`, which adds its subcommand(s) and sets
`func` on the parser; `func(args)` returns the exit code. Errors from this package are shown
as their cause-and-fix message, and so are OSErrors (permissions, a full disk), a missing
package and an interrupt, never as a traceback (`--debug` shows one for an unexpected error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

from helpers.errors import SmallcapError, first_line, storage_error

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


DEBUG_ENV = "SMALLCAP_DEBUG"


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is a message naming its cause and fix, never a
    traceback (`--debug`, or SMALLCAP_DEBUG=1, shows the traceback of an unexpected error)."""
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    argv = [arg for arg in argv if arg != "--debug"]
    command = next((arg for arg in argv if not arg.startswith("-")), "helpers")
    try:  # the command's module is imported here: a missing package shows already
        args = build_parser(argv).parse_args(argv)
        return int(args.func(args) or 0)
    except SmallcapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a read-only reports/, a full disk: a message, not a traceback
        print(f"error: {storage_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C: what stopped, in one line
        stopped = list(getattr(exc, "stopped", []))
        what = f"stopped {', '.join(stopped)}; " if stopped else ""
        print(f"interrupted: {what}nothing was published or written half way", file=sys.stderr)
        return int(getattr(exc, "exit_code", 130))
    except ModuleNotFoundError as exc:
        if debug:
            raise
        print(
            f"error: the package {exc.name!r} is not installed in {sys.executable}\n"
            "  -> fix: make setup -B (reinstalls every package of requirements.lock)",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        if debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__} in `{command}`: {first_line(exc)}\n"
            "  -> fix: this is a bug; run it again with --debug (python -m helpers --debug "
            f"{command} ...) for the traceback, and report it",
            file=sys.stderr,
        )
        return 3


def positive_int(name: str) -> Callable[[str], int]:
    """An argparse type: a whole number of 1 or more, named as the make variable that sets it
    (JOBS, CELL_TIMEOUT), so `JOBS=-3` is a usage error instead of a silent default."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number of 1 or more, not {text!r}"
            )
        return value

    return parse
