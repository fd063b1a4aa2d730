"""`make reports` itself, on a throwaway project tree: the real Makefile and package, a trivial
notebook, a two-row ledger and the fake snapshot as the data source.

The tree is named by SMALLCAP_ROOT, so the installed package reads its ledger, notebooks and
reports from there; its data cache is the tree's data/cache (the Makefile's STAMP path). It
lives in a folder whose name has a space, and so does the interpreter make runs (the tree's
.venv/bin/python, a wrapper around this one), so an unquoted path in a recipe fails here.

One tree is built by a first `make reports` per test session (pytest-xdist workers share it)
and copied for each test. A failed make shows as its error lines, not its whole log.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import FakeSnapshot, ledger_row
from test_buildinfo import git, save_as_a_session_would

from helpers.config import CACHE_ENV, ROOT_ENV, SNAPSHOT_ENV, repo_root
from helpers.files import exclusive_lock

pytestmark = [
    pytest.mark.make,
    pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make"),
]

NOTEBOOK_CODE = """\
from helpers import claims, data
data.prices("^GSPC")
book = claims.NotebookClaims("01_demo")
for row in book.rows:
    book.record(row.id, row.claimed_value)
print(book.check_complete())
"""


class Project:
    """A project tree with the real Makefile; `make()` runs a target in it."""

    def __init__(self, root: Path, snapshot: Path):
        self.root = root
        self.snapshot = snapshot

    def create(self) -> Project:
        """Write the tree: Makefile, ledger, notebook, and a setup stamp so make skips setup."""
        root = self.root
        root.mkdir()
        shutil.copy(repo_root() / "Makefile", root / "Makefile")
        shutil.copy(repo_root() / "pyproject.toml", root / "pyproject.toml")
        shutil.copy(repo_root() / "requirements.lock", root / "requirements.lock")
        (root / ".venv" / "bin").mkdir(parents=True)
        (root / ".venv" / "pyvenv.cfg").write_text("")
        self.python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        self.python.chmod(0o755)
        (root / "src" / "helpers").mkdir(parents=True)
        (root / "src" / "helpers" / "__init__.py").write_text("")  # what HELPERS_SRC tracks
        (root / "scripts").mkdir()
        for script in ("notebook_deps.py", "install_lock.sh"):  # what the Makefile's rules name
            shutil.copy(repo_root() / "scripts" / script, root / "scripts")
        self.write_ledger(["d-one", "d-two"])
        self.write_notebook()
        (root / ".make").mkdir()
        (root / ".make" / "setup.stamp").write_text("")  # newer than what it is made from
        return self

    @property
    def python(self) -> Path:
        """The interpreter make runs: its path has the tree's space in it."""
        return self.root / ".venv" / "bin" / "python"

    @property
    def results(self) -> Path:
        return self.root / "reports" / "results"

    @property
    def data_stamp(self) -> Path:
        return self.root / "data" / "cache" / "STAMP"

    def write_ledger(self, ids: list[str]) -> None:
        (self.root / "data").mkdir(exist_ok=True)
        rows = [ledger_row(i) for i in ids]
        (self.root / "data" / "claims.yaml").write_text(yaml.safe_dump({"claims": rows}))

    def write_notebook(self) -> None:
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell('as_of = "2025-01-02"')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(NOTEBOOK_CODE)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.metadata["language_info"] = {"name": "python"}  # as the repository's notebooks
        (self.root / "notebooks").mkdir(exist_ok=True)
        nbformat.write(nb, self.root / "notebooks" / "01_demo.ipynb")

    def make(self, target: str = "reports", *flags: str, parameters: str = "") -> Made:
        return self.start(target, *flags, parameters=parameters).wait_done()

    def start(self, target: str = "reports", *flags: str, parameters: str = "") -> Running:
        """Start `make target` without waiting (two may run at once); `parameters` are
        papermill's, e.g. "-p as_of 2025-02-03"."""
        env = {k: v for k, v in os.environ.items() if k != CACHE_ENV}
        env.update({ROOT_ENV: str(self.root), SNAPSHOT_ENV: str(self.snapshot)})
        interpreters = [f"PY={self.python}", f"PYTHON={self.python}"]
        command = ["make", "--no-print-directory", target, *flags, *interpreters]
        return Running(
            subprocess.Popen(
                [*command, f"NOTEBOOK_ARGS=--kernel python3 {parameters}".strip()],
                cwd=self.root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )


class Running:
    """A started `make`; `wait_done()` gives its exit code and output."""

    def __init__(self, process: subprocess.Popen):
        self.process = process

    def wait_done(self) -> Made:
        out, err = self.process.communicate(timeout=300)
        return Made(self.process.args[2], self.process.returncode, out, err)


# A line that says why make failed: ours ("error: ..."), the shell's, or make's own.
ERROR_LINE = re.compile(r"error|Error \d|\*\*\*|No such file|not found|Traceback")


@dataclass(frozen=True)
class Made:
    """A finished `make TARGET`. Its repr is a summary (exit code, commands run, error lines),
    so a failing assertion about it reads in a few lines instead of the whole log."""

    target: str
    returncode: int
    stdout: str
    stderr: str

    def commands(self) -> list[str]:
        return re.findall(r"-m helpers ([a-z-]+(?: [a-z]+)?)", self.stdout)

    def error_lines(self) -> list[str]:
        lines = (self.stdout + self.stderr).splitlines()
        return [line for line in lines if ERROR_LINE.search(line)][:8]

    def __repr__(self) -> str:
        said = "; ".join(self.error_lines()) or "no error lines"
        return (
            f"<make {self.target}: exit {self.returncode}, ran {', '.join(self.commands())}; "
            f"{said}>"
        )


def succeeded(result: Made) -> Made:
    """`result`, or a test failure whose first line is make's error (pytest's summary line
    shows it), followed by the end of the log."""
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        pytest.fail(f"{result!r}\n--- last lines of the log:\n{tail}", pytrace=False)
    return result


def ran(result: Made, command: str) -> bool:
    """Whether make ran the recipe `python -m helpers <command>`."""
    return f"-m helpers {command}" in result.stdout


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Project:
    """One tree built by a first `make reports` (a run costs seconds), shared by the xdist
    workers through a folder beside their own: the first to take the lock builds it."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the session's folder, above each worker's own
        shared = tmp_path_factory.getbasetemp().parent / "make tree"
        shared.mkdir(exist_ok=True)
    else:
        shared = tmp_path_factory.mktemp("make tree")
    built = Project(shared / "a project", shared / "snapshot")
    with exclusive_lock(shared / "build.lock"):
        if not (built.root / "reports" / "index.html").exists():
            shutil.rmtree(built.root, ignore_errors=True)
            FakeSnapshot(built.snapshot).build()
            succeeded(built.create().make())
    return built


@pytest.fixture
def project(built_project, tmp_path) -> Project:
    """A copy of the built tree in a folder whose name has a space; copy2 keeps the times make
    compares."""
    root = tmp_path / "a project"
    shutil.copytree(built_project.root, root, symlinks=True)
    return Project(root, built_project.snapshot)


def test_a_second_make_reports_reruns_nothing(project):
    assert sorted(p.name for p in project.results.glob("*.json")) == ["d-one.json", "d-two.json"]
    again = succeeded(project.make())
    assert not ran(again, "run-notebook") and not ran(again, "scorecard")


def test_a_deleted_data_stamp_is_recreated_without_rebuilding_reports(project):
    project.data_stamp.unlink()
    result = succeeded(project.make())
    assert project.data_stamp.exists()
    assert not ran(result, "run-notebook")
    assert not ran(project.make(), "run-notebook")


def test_a_broken_ledger_stops_make_before_any_notebook_runs(project):
    index = project.root / "reports" / "index.html"
    before = index.read_text()
    project.write_ledger(["d-one", "d-one"])
    result = project.make()
    assert result.returncode != 0
    assert "duplicate id 'd-one'" in result.stderr and "Traceback" not in result.stderr
    assert not ran(result, "run-notebook")
    assert index.read_text() == before


def test_two_make_reports_started_at_once_agree_and_a_removed_claim_goes_away_cleanly(project):
    """One ledger edit serves both checks (each rerun of the notebook costs seconds): a claim
    removed and one added, so both runs have a notebook to rerun."""
    project.write_ledger(["d-one", "d-three"])
    first, second = project.start(), project.start()
    results = [succeeded(first.wait_done()), succeeded(second.wait_done())]
    # the second may find the first's work done, but at least one run rebuilt both
    assert any(ran(result, "run-notebook") and ran(result, "scorecard") for result in results)
    names = sorted(p.name for p in project.results.glob("*.json"))
    assert names == ["d-one.json", "d-three.json"]  # d-two's result is gone, not left stale
    assert not list((project.root / "reports").glob(".run-*"))  # no run folder left behind
    claims_csv = (project.root / "reports" / "claims.csv").read_text()
    assert "d-three" in claims_csv and "d-two" not in claims_csv
    assert not ran(project.make(), "run-notebook")  # and the tree is consistent afterwards


def test_an_edited_notebook_alone_reruns_and_republishes(project):
    index = project.root / "reports" / "index.html"
    before = index.stat().st_mtime_ns
    project.write_notebook()
    result = succeeded(project.make())
    assert ran(result, "run-notebook notebooks/01_demo.ipynb") and ran(result, "scorecard")
    assert index.stat().st_mtime_ns > before
    assert not ran(project.make(), "run-notebook")


def test_a_plain_make_reports_reruns_a_notebook_last_run_with_other_parameters(project):
    rerun = ["-W", "notebooks/01_demo.ipynb"]
    succeeded(project.make("reports", *rerun, parameters="-p as_of 2025-02-03"))
    result = json.loads((project.results / "d-one.json").read_text())
    assert result["parameters"]["as_of"] == {"value": "2025-02-03", "default": "2025-01-02"}
    assert "Not the default build" in (project.root / "reports" / "index.html").read_text()
    assert not ran(project.make("reports", parameters="-p as_of 2025-02-03"), "run-notebook")
    plain = succeeded(project.make())
    assert ran(plain, "run-notebook notebooks/01_demo.ipynb") and ran(plain, "scorecard")
    result = json.loads((project.results / "d-one.json").read_text())
    assert result["parameters"]["as_of"] == {"value": "2025-01-02", "default": "2025-01-02"}
    assert "Not the default build" not in (project.root / "reports" / "index.html").read_text()
    assert not ran(project.make(), "run-notebook")


def test_editing_a_module_no_notebook_imports_reruns_only_the_scorecard(project):
    (project.root / "src" / "helpers" / "unused.py").write_text("X = 1\n")
    result = succeeded(project.make())
    assert not ran(result, "run-notebook") and ran(result, "scorecard")


VARIABLES = ("PYTHON", "DATA", "SNAPSHOT_DIR", "NOTEBOOK_ARGS", "JOBS", "CELL_TIMEOUT", "LAB_ARGS")


def test_help_lists_every_variable_with_an_example():
    done = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=repo_root(), capture_output=True, text=True
    )
    lines = done.stdout.splitlines()
    for name in VARIABLES:
        at = [n for n, line in enumerate(lines) if line.split()[:1] == [name]]
        assert at, f"make help does not list {name}"
        example = lines[at[0] + 1].strip()
        assert example.startswith("e.g. ") and f"{name}=" in example, example


def test_setup_sets_the_git_filter_so_outputs_never_reach_git(tmp_path):
    """A notebook written with outputs outside `make lab` (plain `jupyter lab`, `jupyter
    execute --inplace`): git diffs and commits it without them. (`git status` may still list
    it until it is staged: git trusts a changed file size before asking the filter.)"""
    clone = Project(tmp_path / "a clone", tmp_path / "no snapshot").create()
    for name in (".gitattributes", ".gitignore"):
        shutil.copy(repo_root() / name, clone.root / name)
    git(clone.root, "init", "--quiet")
    setup = succeeded(clone.make("setup"))
    assert "git filter nbstripout set" in setup.stdout
    git(clone.root, "add", ".")  # committed through the filter, as the repository's notebooks
    git(clone.root, "commit", "--quiet", "-m", "start")
    notebook = clone.root / "notebooks" / "01_demo.ipynb"
    save_as_a_session_would(notebook)
    assert nbformat.read(notebook, as_version=4).cells[1].outputs  # the file has outputs ...
    assert git(clone.root, "diff", "HEAD") == ""  # ... git has nothing to show
    git(clone.root, "add", "--all")
    assert git(clone.root, "status", "--porcelain") == ""  # ... nor to commit
