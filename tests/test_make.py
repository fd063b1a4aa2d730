"""`make reports` itself, on a throwaway project tree: the real Makefile and package, a trivial
notebook, a two-row ledger and the fake snapshot as the data source.

The tree is named by SMALLCAP_ROOT, so the installed package reads its ledger, notebooks and
reports from there; its data cache is the tree's data/cache (the Makefile's STAMP path).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import FakeSnapshot, ledger_row

from helpers.config import CACHE_ENV, ROOT_ENV, SNAPSHOT_ENV, repo_root

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
        (root / ".venv").mkdir()
        (root / ".venv" / "pyvenv.cfg").write_text("")
        (root / "src" / "helpers").mkdir(parents=True)
        (root / "src" / "helpers" / "__init__.py").write_text("")  # what HELPERS_SRC tracks
        (root / "scripts").mkdir()
        shutil.copy(repo_root() / "scripts" / "notebook_deps.py", root / "scripts")
        self.write_ledger(["d-one", "d-two"])
        self.write_notebook()
        (root / ".make").mkdir()
        (root / ".make" / "setup.stamp").write_text("")  # newer than the lock, pyproject, venv
        return self

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
        (self.root / "notebooks").mkdir(exist_ok=True)
        nbformat.write(nb, self.root / "notebooks" / "01_demo.ipynb")

    def make(self, target: str = "reports", *flags: str) -> subprocess.CompletedProcess:
        return self.start(target, *flags).wait_done()

    def start(self, target: str = "reports", *flags: str) -> Running:
        """Start `make target` without waiting (two may run at once)."""
        env = {k: v for k, v in os.environ.items() if k != CACHE_ENV}
        env.update({ROOT_ENV: str(self.root), SNAPSHOT_ENV: str(self.snapshot)})
        command = ["make", "--no-print-directory", target, *flags, f"PY={sys.executable}"]
        return Running(
            subprocess.Popen(
                [*command, "NOTEBOOK_ARGS=--kernel python3"],
                cwd=self.root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )


class Running:
    """A started `make`; `wait_done()` gives its exit code and output like subprocess.run."""

    def __init__(self, process: subprocess.Popen):
        self.process = process

    def wait_done(self) -> subprocess.CompletedProcess:
        out, err = self.process.communicate(timeout=300)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, out, err)


def ran(result: subprocess.CompletedProcess, command: str) -> bool:
    """Whether make ran the recipe `python -m helpers <command>`."""
    return f"-m helpers {command}" in result.stdout


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Project:
    """One tree built by a first `make reports`, copied for each test (a run costs seconds)."""
    base = tmp_path_factory.mktemp("make")
    snapshot = FakeSnapshot(base / "snapshot").build()
    built = Project(base / "project", snapshot.root).create()
    first = built.make()
    assert first.returncode == 0, first.stdout + first.stderr
    return built


@pytest.fixture
def project(built_project, tmp_path) -> Project:
    """A copy of the built tree; copy2 keeps the times make compares."""
    root = tmp_path / "project"
    shutil.copytree(built_project.root, root, symlinks=True)
    return Project(root, built_project.snapshot)


def test_a_second_make_reports_reruns_nothing(project):
    assert sorted(p.name for p in project.results.glob("*.json")) == ["d-one.json", "d-two.json"]
    again = project.make()
    assert again.returncode == 0, again.stderr
    assert not ran(again, "run-notebook") and not ran(again, "scorecard")


def test_a_claim_removed_from_the_ledger_goes_away_cleanly(project):
    project.write_ledger(["d-one"])
    result = project.make()
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(result, "run-notebook") and ran(result, "scorecard")
    assert [p.name for p in project.results.glob("*.json")] == ["d-one.json"]
    assert "d-two" not in (project.root / "reports" / "claims.csv").read_text()


def test_a_deleted_data_stamp_is_recreated_without_rebuilding_reports(project):
    project.data_stamp.unlink()
    result = project.make()
    assert result.returncode == 0, result.stderr
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


def test_two_make_reports_started_at_once_both_succeed_and_agree(project):
    project.write_ledger(["d-one", "d-two", "d-three"])  # both runs have a notebook to rerun
    first, second = project.start(), project.start()
    results = [first.wait_done(), second.wait_done()]
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
    names = sorted(p.name for p in project.results.glob("*.json"))
    assert names == ["d-one.json", "d-three.json", "d-two.json"]
    assert not list((project.root / "reports").glob(".run-*"))  # no run folder left behind
    assert "d-three" in (project.root / "reports" / "claims.csv").read_text()
    assert not ran(project.make(), "run-notebook")  # and the tree is consistent afterwards


def test_an_edited_notebook_alone_reruns_and_republishes(project):
    index = project.root / "reports" / "index.html"
    before = index.stat().st_mtime_ns
    project.write_notebook()
    result = project.make()
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(result, "run-notebook notebooks/01_demo.ipynb") and ran(result, "scorecard")
    assert index.stat().st_mtime_ns > before
    assert not ran(project.make(), "run-notebook")


def test_editing_a_module_no_notebook_imports_reruns_only_the_scorecard(project):
    (project.root / "src" / "helpers" / "unused.py").write_text("X = 1\n")
    result = project.make()
    assert result.returncode == 0, result.stdout + result.stderr
    assert not ran(result, "run-notebook") and ran(result, "scorecard")
