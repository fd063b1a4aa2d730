"""A JupyterLab session under `make lab` saves notebooks in their committed form: what the
nbstripout git filter makes of them, byte for byte, so the files and `git status` stay clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from test_buildinfo import save_as_a_session_would, write_notebook
from traitlets.config import Config

from helpers.config import repo_root
from helpers.notebooks import SESSION_KEYS

NOTEBOOKS = sorted((repo_root() / "notebooks").glob("*.ipynb"))


def lab_contents(root: Path) -> FileContentsManager:
    """The server's file manager, configured as `make lab` configures it."""
    config = Config()
    config.ContentsManager.pre_save_hook = "helpers.notebooks.strip_outputs"
    return FileContentsManager(root_dir=str(root), config=config)


def nbstripout_filter(text: str, cwd: Path) -> str:
    """What the git filter `make setup` sets makes of a notebook."""
    done = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--extra-keys", " ".join(SESSION_KEYS)],
        input=text,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "GIT_CEILING_DIRECTORIES": str(cwd.parent)},  # no repo config
        check=True,
    )
    return done.stdout


@pytest.fixture
def session_notebook(tmp_path) -> Path:
    """A notebook with outputs, counts and kernel details, as a session leaves it in memory."""
    path = tmp_path / "01_demo.ipynb"
    write_notebook(path, "print(as_of)")
    save_as_a_session_would(path)
    return path


def test_a_lab_save_writes_what_the_git_filter_would_commit(session_notebook, tmp_path):
    committed = nbstripout_filter(session_notebook.read_text(encoding="utf-8"), tmp_path)
    model = {"type": "notebook", "format": "json"}
    model["content"] = nbformat.read(session_notebook, as_version=4)
    lab_contents(tmp_path).save(model, session_notebook.name)
    saved = session_notebook.read_text(encoding="utf-8")
    assert saved == committed
    assert '"outputs": []' in saved and '"version"' not in saved


def test_a_lab_save_leaves_other_files_alone(tmp_path):
    model = {"type": "file", "format": "text", "content": '{"outputs": [1]}'}
    lab_contents(tmp_path).save(model, "notes.json")
    assert (tmp_path / "notes.json").read_text() == '{"outputs": [1]}'


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_committed_notebook_saved_unchanged_stays_byte_for_byte(path, tmp_path):
    model = {"type": "notebook", "format": "json"}
    model["content"] = nbformat.read(path, as_version=4)
    lab_contents(tmp_path).save(model, path.name)
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()
