"""Interrupting `run-notebook`: Ctrl-C, or a kill -9 of the command, while its kernels run.

Each test starts the real command on tiny notebooks (a cell that records its process ids,
then sleeps) and waits until every kernel is inside that cell. Nothing here measures time:
a wait for a process to end is bounded only so a broken build fails instead of hanging.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_pipeline import TEST_KERNEL, write_notebook

from helpers.files import exclusive_lock, process_alive
from helpers.report.pipeline import BUILD_LOCK

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

SLEEPER = """\
import json, os, pathlib, time
here = {"kernel": os.getpid(), "worker": os.getppid()}
pathlib.Path(os.environ["MARKS"], os.environ["SMALLCAP_NOTEBOOK"]).write_text(json.dumps(here))
time.sleep(300)
"""
# Long enough for any machine; reaching it is a failure (a hang), not a slow pass.
GIVE_UP_SECONDS = 60


def start(tmp_path: Path, count: int, **popen) -> tuple[subprocess.Popen, Path, Path]:
    marks, reports = tmp_path / "marks", tmp_path / "reports"
    marks.mkdir()
    notebooks = [
        write_notebook(tmp_path / "nb" / f"7{n}_slow.ipynb", SLEEPER) for n in range(count)
    ]
    command = [sys.executable, "-m", "helpers", "run-notebook", *map(str, notebooks)]
    command += ["--kernel", TEST_KERNEL, "--jobs", str(count), "--reports-dir", str(reports)]
    process = subprocess.Popen(
        command,
        env={**os.environ, "MARKS": str(marks)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    return process, marks, reports


def all_in_their_cell(marks: Path, count: int, process: subprocess.Popen) -> list[dict]:
    """The process ids each kernel recorded, once every one has reached its sleeping cell."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while len(found := sorted(marks.iterdir())) < count or not all(p.stat().st_size for p in found):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the kernels never reached their cell"
        time.sleep(0.1)
    return [json.loads(path.read_text()) for path in found]


def gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while any(process_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def nothing_published(reports: Path) -> bool:
    return not list(reports.glob("*.html")) and not list(reports.glob("results/*.json"))


def test_ctrl_c_kills_the_kernels_publishes_nothing_and_says_one_line(tmp_path):
    process, marks, reports = start(tmp_path, 2, start_new_session=True)
    ids = all_in_their_cell(marks, 2, process)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends the foreground group
    os.killpg(process.pid, signal.SIGINT)  # and an impatient second Ctrl-C
    out, err = process.communicate(timeout=GIVE_UP_SECONDS)
    assert process.returncode == 130, err
    assert err.splitlines() == [
        "interrupted: stopped 70_slow, 71_slow; nothing was published or written half way"
    ]
    assert gone([i["kernel"] for i in ids] + [i["worker"] for i in ids])
    assert nothing_published(reports) and not list(reports.glob(".run-*"))
    assert not (reports / "failed").exists()  # a stopped run is no failure to keep


def test_a_killed_command_takes_its_workers_and_kernels_with_it(tmp_path):
    process, marks, reports = start(tmp_path, 2)
    ids = all_in_their_cell(marks, 2, process)
    process.kill()  # kill -9: nothing of the command's own runs
    process.wait()  # (not communicate: an orphaned worker would keep its pipes open)
    process.stdout.close()
    process.stderr.close()
    assert gone([i["worker"] for i in ids]), "a worker outlived its command"
    assert gone([i["kernel"] for i in ids]), "a kernel outlived its worker"
    assert nothing_published(reports)
    with exclusive_lock(reports / BUILD_LOCK, wait=False) as held:
        assert held  # the next build does not wait for anyone
