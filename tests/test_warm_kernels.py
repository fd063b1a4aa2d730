"""A kernel forked warm (report.warm_kernels) starts as a cold one would: the same folder,
path, environment, signals and session, none of the worker's `helpers` modules, and the
inline matplotlib backend; only the libraries it would import are already there."""

from __future__ import annotations

import json

import nbformat
import pytest
from test_pipeline import TEST_KERNEL, write_notebook

from helpers.report import warm_kernels
from helpers.report.pipeline import run_notebooks

FINGERPRINT = """\
import json, os, signal, sys
start = {
    "numpy already imported": "numpy" in sys.modules,
    "helpers modules": sorted(m for m in sys.modules if m.split(".")[0] == "helpers"),
    "cwd": os.getcwd(),
    "sys.path": sys.path,
    "JPY_PARENT_PID is the parent": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "leads its session": os.getsid(0) == os.getpid(),
    "MPLBACKEND": os.environ.get("MPLBACKEND"),
    "signals": {
        name: repr(signal.getsignal(getattr(signal, name)))
        for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", "SIGCHLD")
    },
    "blocked": sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])),
    "stdin": sys.stdin is None or sys.stdin.read() == "",
    "marker": os.environ.get("WARM_KERNEL_TEST"),
    "watches its parent": get_ipython().kernel.parent.parent_handle == os.getppid(),
}
import matplotlib
import matplotlib.pyplot as plt
start["backend"] = matplotlib.get_backend()
fig, ax = plt.subplots()
ax.plot([1, 2])
print("FINGERPRINT=" + json.dumps(start))
"""


def fingerprint(tmp_path, monkeypatch, capfd, cold: bool) -> dict:
    """What a kernel started by run_notebooks (the pool) sees in its first cell, and whether
    its figure reached the page."""
    if cold:
        monkeypatch.setenv(warm_kernels.COLD_ENV, "1")
    else:
        monkeypatch.delenv(warm_kernels.COLD_ENV, raising=False)
    monkeypatch.setenv("WARM_KERNEL_TEST", "from the run's environment")
    name = "cold" if cold else "warm"
    notebook = write_notebook(tmp_path / "nb" / f"42_{name}.ipynb", FINGERPRINT)
    [outcome] = run_notebooks(
        [notebook], jobs=1, reports=tmp_path / f"reports-{name}", kernel=TEST_KERNEL
    )
    assert outcome.error is None, outcome.error
    executed = nbformat.read(tmp_path / f"reports-{name}" / "executed" / notebook.name, 4)
    outputs = executed.cells[-1].outputs
    [line] = [o.text for o in outputs if o.get("name") == "stdout"]
    found = json.loads(line.split("FINGERPRINT=", 1)[1])
    found["figure shown"] = any("image/png" in o.get("data", {}) for o in outputs)
    found["terminal"] = capfd.readouterr().out
    return found


def test_a_warm_kernel_starts_as_a_cold_one_would(tmp_path, monkeypatch, capfd):
    warm = fingerprint(tmp_path, monkeypatch, capfd, cold=False)
    cold = fingerprint(tmp_path, monkeypatch, capfd, cold=True)

    assert warm.pop("numpy already imported") and not cold.pop("numpy already imported")
    assert warm == cold
    assert warm["helpers modules"] == []
    assert warm["cwd"] == str(tmp_path / "nb")
    assert warm["JPY_PARENT_PID is the parent"] and warm["leads its session"]
    assert warm["watches its parent"] and "Ctrl-C will not work" not in warm["terminal"]
    assert warm["stdin"]
    assert warm["marker"] == "from the run's environment"
    assert warm["backend"] == warm_kernels.INLINE_BACKEND and warm["figure shown"]


@pytest.mark.parametrize(
    ("command", "forks"),
    [
        (["/elsewhere/python", "-m", "ipykernel_launcher", "-f", "c.json"], False),
        (["{python}", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"], True),
        (["{python}", "-m", "some_other_kernel", "-f", "c.json"], False),
        (["{python}", "-Xdev", "-m", "ipykernel_launcher", "-f", "c.json"], False),
    ],
)
def test_only_this_interpreters_ipykernel_is_forked(command, forks):
    import sys

    command = [arg.replace("{python}", sys.executable) for arg in command]
    arguments = warm_kernels.kernel_arguments(command)
    assert (arguments == ["-f", "c.json"]) if forks else arguments is None
