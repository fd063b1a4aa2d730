"""A kernel forked warm (report.warm_kernels) starts as a cold one would: the same folder,
path, environment, signals and session, none of the driver's `helpers` modules, the inline
matplotlib backend, and a figure on the page; only the libraries it would import are already
there. The command line forks warm when it runs several notebooks; a notebook alone, or a
process that is not fit to fork, starts cold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import nbformat
import pytest
from test_pipeline import TEST_KERNEL, write_notebook

from helpers.report import warm_kernels

FINGERPRINT = """\
import json, os, signal, sys
start = {
    "numpy already imported": "numpy" in sys.modules,
    "helpers modules": sorted(m for m in sys.modules if m.split(".")[0] == "helpers"),
    "cwd": os.getcwd(),
    "sys.path": sys.path,
    "JPY_PARENT_PID is the parent": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "watches its parent": get_ipython().kernel.parent.parent_handle == os.getppid(),
    "leads its session": os.getsid(0) == os.getpid(),
    "MPLBACKEND": os.environ.get("MPLBACKEND"),
    "signals": {
        name: repr(signal.getsignal(getattr(signal, name)))
        for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", "SIGCHLD")
    },
    "blocked": sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])),
    "stdin": sys.stdin is None or sys.stdin.read() == "",
    "marker": os.environ.get("WARM_KERNEL_TEST"),
}
name = open("/proc/self/comm").read().strip() if os.path.exists("/proc/self/comm") else ""
import matplotlib
import matplotlib.pyplot as plt
start["backend"] = matplotlib.get_backend()
fig, ax = plt.subplots()
ax.plot([1, 2])
print("FINGERPRINT=" + json.dumps(start))
print("NAME=" + name)
"""


def fingerprint(tmp_path, warm: bool) -> dict:
    """What a kernel started by `python -m helpers run-notebook` sees in its first cell,
    whether its figure reached the page, and what the command printed: warm, two notebooks
    run together; cold, one alone (its kernel starts cold)."""
    name = "warm" if warm else "cold"
    notebooks = [
        write_notebook(tmp_path / "nb" / f"{n}_{name}.ipynb", FINGERPRINT)
        for n in ((42, 43) if warm else (42,))
    ]
    reports = tmp_path / f"reports-{name}"
    command = [sys.executable, "-m", "helpers", "run-notebook", *map(str, notebooks)]
    done = subprocess.run(
        [*command, "--kernel", TEST_KERNEL, "--reports-dir", str(reports)],
        capture_output=True,
        text=True,
        env={
            **_environment_without(warm_kernels.COLD_ENV),
            "WARM_KERNEL_TEST": "from the run's environment",
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = nbformat.read(reports / "executed" / notebooks[0].name, 4).cells[-1].outputs
    [text] = [o.text for o in outputs if o.get("name") == "stdout"]
    fingerprint_line, name_line = text.strip().splitlines()
    found = json.loads(fingerprint_line.split("FINGERPRINT=", 1)[1])
    found["process name"] = name_line.split("NAME=", 1)[1]
    found["figure shown"] = any("image/png" in o.get("data", {}) for o in outputs)
    found["terminal"] = done.stdout
    return found


def _environment_without(name: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != name}


def test_a_warm_kernel_starts_as_a_cold_one_would(tmp_path):
    warm = fingerprint(tmp_path, warm=True)
    cold = fingerprint(tmp_path, warm=False)

    assert warm.pop("numpy already imported") and not cold.pop("numpy already imported")
    assert "Ctrl-C will not work" not in warm.pop("terminal") + cold.pop("terminal")
    named = os.path.exists("/proc/self/comm")  # Linux
    assert warm.pop("process name") == (warm_kernels.PROCESS_NAME if named else "")
    cold.pop("process name")
    assert warm == cold
    assert warm["helpers modules"] == []
    assert warm["cwd"] == str(tmp_path / "nb")
    assert warm["JPY_PARENT_PID is the parent"] and warm["leads its session"]
    assert warm["watches its parent"]
    assert warm["stdin"] and warm["marker"] == "from the run's environment"
    assert warm["backend"] == warm_kernels.INLINE_BACKEND and warm["figure shown"]


@pytest.mark.parametrize(("value", "warm"), [("", True), ("0", True), ("1", False)])
def test_smallcap_cold_kernels_1_starts_them_cold(monkeypatch, value, warm):
    monkeypatch.setenv(warm_kernels.COLD_ENV, value)
    assert warm_kernels.enabled() == warm


def test_a_process_with_another_thread_or_pyplot_is_not_fit_to_fork(monkeypatch):
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot", raising=False)
    fit = threading.active_count() == 1
    assert warm_kernels.fit_to_fork() == fit
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", sys)
    assert not warm_kernels.fit_to_fork()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        monkeypatch.delitem(sys.modules, "matplotlib.pyplot")
        assert not warm_kernels.fit_to_fork()
    finally:
        stop.set()
        thread.join()


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
    command = [arg.replace("{python}", sys.executable) for arg in command]
    arguments = warm_kernels.kernel_arguments(command)
    assert (arguments == ["-f", "c.json"]) if forks else arguments is None
