"""What a result records about the checkout: a notebook saved with outputs (a JupyterLab
session) is not a code change; an edited cell or any other edited file is."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from helpers import buildinfo
from helpers.config import ROOT_ENV

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# Author details for commits in a throwaway repository (no global git config needed).
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]


def git(root: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


def write_notebook(path: Path, code: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('as_of = "2026-01-30"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Demo"), params, nbformat.v4.new_code_cell(code)]
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return nb


def save_as_a_session_would(path: Path) -> None:
    """Outputs, execution counts and the kernel's language details, as JupyterLab saves them."""
    nb = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2026-01-30\n")]
        cell.metadata["execution"] = {"iopub.status.idle": "2026-01-30T12:00:00Z"}
    nb.metadata["language_info"].update(version="3.11.7", mimetype="text/x-python")
    nbformat.write(nb, path)


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    """A committed repository with one notebook and one module, read as the project root."""
    root = tmp_path / "a checkout"
    (root / "notebooks").mkdir(parents=True)
    write_notebook(root / "notebooks" / "01_demo.ipynb", "print(as_of)")
    (root / "module.py").write_text("X = 1\n")
    git(root, "init", "--quiet")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "start")
    monkeypatch.setenv(ROOT_ENV, str(root))
    buildinfo.git_state.cache_clear()
    yield root
    buildinfo.git_state.cache_clear()


def state() -> dict:
    buildinfo.git_state.cache_clear()
    return buildinfo.git_state()


def test_a_clean_checkout_is_not_dirty(checkout):
    assert state() == {"commit": git(checkout, "rev-parse", "HEAD").strip(), "dirty": False}


def test_a_notebook_saved_with_outputs_is_not_a_code_change(checkout):
    save_as_a_session_would(checkout / "notebooks" / "01_demo.ipynb")
    assert git(checkout, "status", "--porcelain")  # git sees it (no filter here) ...
    assert state()["dirty"] is False  # ... the build does not


def test_an_edited_cell_or_tag_makes_the_checkout_dirty(checkout):
    path = checkout / "notebooks" / "01_demo.ipynb"
    write_notebook(path, "print(as_of, 1)")
    assert state()["dirty"] is True
    nb = write_notebook(path, "print(as_of)")
    assert state()["dirty"] is False
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, path)
    assert state()["dirty"] is True


def test_an_edited_module_or_a_deleted_notebook_makes_the_checkout_dirty(checkout):
    (checkout / "module.py").write_text("X = 2\n")
    assert state()["dirty"] is True
    git(checkout, "checkout", "module.py")
    (checkout / "notebooks" / "01_demo.ipynb").unlink()
    assert state()["dirty"] is True


def test_outside_git_there_is_no_commit_and_no_flag(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert state() == {"commit": None, "dirty": None}


def test_committed_reference_tables_are_not_part_of_the_data_label():
    vintage = {"source": "vintage v1-abc", "series": "^RUT"}
    table = {"source": buildinfo.COMMITTED, "series": "reference:fomc_scheduled_meetings"}
    assert buildinfo.data_label([vintage, table]) == "vintage v1-abc"
    assert buildinfo.data_label([table]) == "none"


def test_asking_git_about_the_checkout_never_writes_its_index(checkout):
    # An index refresh killed mid-way (a timeout under load, a Ctrl-C) left .git/index.lock
    # behind, and every later git command in the clone failed: the build only reads.
    index = checkout / ".git" / "index"
    before = index.stat().st_mtime_ns
    os.utime(checkout / "module.py", ns=(before + 10**9, before + 10**9))  # stat-dirty only
    time.sleep(0.01)
    assert state()["dirty"] is False
    (checkout / "module.py").write_text("X = 2\n")
    assert state()["dirty"] is True
    assert index.stat().st_mtime_ns == before and not (checkout / ".git" / "index.lock").exists()


def test_a_git_that_fails_or_times_out_leaves_dirty_unknown_never_clean(checkout, monkeypatch):
    (checkout / "module.py").write_text("X = 2\n")
    real_run = subprocess.run

    def slow_status(args, **kwargs):
        if "status" in args:
            raise subprocess.TimeoutExpired(args, kwargs.get("timeout"))
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", slow_status)
    assert state()["dirty"] is None


def test_changed_paths_reads_both_sides_of_a_rename_and_leading_spaces():
    listed = " M notebooks/01 demo.ipynb\0R  new.py\0old.py\0 D gone.py\0"
    assert buildinfo.changed_paths(listed) == [
        "notebooks/01 demo.ipynb",
        "new.py",
        "old.py",
        "gone.py",
    ]


def test_a_changed_binary_file_makes_the_checkout_dirty_without_decoding_it(checkout):
    (checkout / "part.parquet").write_bytes(b"PAR1\xf0\x9f\x00\xff")
    git(checkout, "add", "part.parquet")
    git(checkout, "commit", "--quiet", "-m", "a binary file")
    (checkout / "part.parquet").write_bytes(b"PAR1\xf0\x28\x8c\xbc\xff")
    assert state()["dirty"] is True
