"""The command line never shows a person a traceback: a package error, a missing package, an
interrupt or a bug each end in one message (a bug's traceback only with --debug)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.cli import claims as cli_claims
from helpers.cli import main
from helpers.config import repo_root


def failing_with(exc: BaseException):
    def run(args):
        raise exc

    return run


@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (KeyError("Close"), 3, "error: unexpected KeyError in `claims`: 'Close'"),
        (
            ModuleNotFoundError("No module named 'statsmodels'", name="statsmodels"),
            2,
            "error: the package 'statsmodels' is not installed",
        ),
        (KeyboardInterrupt(), 130, "interrupted: nothing was published or written half way"),
    ],
)
def test_every_failure_is_one_message_without_a_traceback(
    monkeypatch, capsys, raised, code, message
):
    monkeypatch.setattr(cli_claims, "run_check", failing_with(raised))
    assert main(["claims", "check"]) == code
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err
    if isinstance(raised, ModuleNotFoundError):
        assert "make setup -B" in err


def test_debug_shows_the_traceback_of_an_unexpected_error(monkeypatch):
    monkeypatch.setattr(cli_claims, "run_check", failing_with(KeyError("Close")))
    with pytest.raises(KeyError):
        main(["--debug", "claims", "check"])


def test_the_notebook_rules_in_a_read_only_checkout_are_one_message(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # .make/ cannot be created where a file is
    done = subprocess.run(
        [sys.executable, "scripts/notebook_deps.py", str(blocked / "deps.mk")],
        cwd=repo_root(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot write ") and "writable checkout" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_package_missing_when_the_command_is_loaded_is_one_message(monkeypatch, capsys):
    import helpers.cli

    def missing(argv):
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")

    monkeypatch.setattr(helpers.cli, "build_parser", missing)
    assert main(["claims", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the package 'yaml' is not installed") and "make setup -B" in err
