"""Kernels that start warm: forked from the worker running the notebook, with the heavy
libraries every notebook imports already loaded, instead of a cold `python -m
ipykernel_launcher` that imports them again.

A cold kernel spends about 1.5 s of CPU before its first cell does anything useful (Python,
IPython and ipykernel, then numpy, pandas, pyarrow and matplotlib in the imports cell); ten
notebooks pay that ten times. The process that runs the notebooks imports those libraries
once (`warm_up`), its workers inherit them, and each kernel is a fork of its worker that
becomes a kernel as a cold one would: its own session, signals as exec leaves them, its
environment, folder, stdin and stderr as the kernel manager gives them, a fresh sys.path, and
the project's own package (`helpers`) dropped, so the notebook imports it afresh and nothing
of the worker's state reaches the notebook. Only libraries are shared, with what importing
them did (their warning filters, as a cold kernel gets them when it imports them);
matplotlib gets the backend a cold kernel would choose. A kernelspec that runs another
interpreter, or SMALLCAP_COLD_KERNELS=1, starts kernels cold.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import IO

# What a cold kernel imports before or in every notebook's imports cell (never
# matplotlib.pyplot or matplotlib_inline: importing them hooks into the running IPython
# shell, which only the kernel has).
WARM_IMPORTS = (
    "numpy",
    "pandas",
    "pyarrow",
    "yaml",
    "jsonschema",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.axes",
    "matplotlib.backend_bases",
    "scipy.stats",
    "statsmodels.regression.linear_model",
)
# The backend ipykernel gives matplotlib unless MPLBACKEND says otherwise.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# Set to 1 to start every kernel cold.
COLD_ENV = "SMALLCAP_COLD_KERNELS"
# The interpreter options a kernelspec may give that a fork can do without
# (frozen_modules=off only matters to a debugger attached to the kernel).
HARMLESS_OPTIONS = ("-Xfrozen_modules=off",)
# The name a forked kernel gives itself where the system shows one (its command line stays
# its worker's: `ps` lists it as `python -m helpers run-notebook ...`).
PROCESS_NAME = "ipykernel-warm"
# Packages whose modules a forked kernel drops, so that the notebook imports them afresh.
OWN_PACKAGES = ("helpers",)
# A fresh interpreter's sys.path without its script folder (what ipykernel_launcher leaves);
# empty until warm_up runs.
_fresh_path: list[str] = []


def enabled() -> bool:
    """Whether the command line forks kernels warm (unless SMALLCAP_COLD_KERNELS=1)."""
    return os.environ.get(COLD_ENV, "") not in ("1", "true", "yes")


def fit_to_fork() -> bool:
    """Whether a fork of this process can become a kernel like a cold one: no other thread
    (a fork keeps only the calling one, and whatever locks the others held), and no pyplot
    (its backend, once chosen, would not be the kernel's). The command line's driver is;
    a process that has done other things, such as a test run, may not be."""
    return threading.active_count() == 1 and "matplotlib.pyplot" not in sys.modules


def warm_up() -> None:
    """Import WARM_IMPORTS in this process, for the kernels its workers fork (a library that
    is missing is left to the notebook that needs it to report), and note the sys.path a
    fresh interpreter has, which each of them takes. A process not `fit_to_fork` stays
    cold: its workers start their kernels the usual way."""
    if not fit_to_fork():
        return
    for name in WARM_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    shown = subprocess.run(
        [sys.executable, "-c", "import sys; print(repr(sys.path[1:]))"],
        capture_output=True,
        text=True,
        check=True,
    )
    _fresh_path[:] = ast.literal_eval(shown.stdout)


def is_warm() -> bool:
    """Whether `warm_up` warmed this process (or the one it was forked from) up."""
    return bool(_fresh_path)


def kernel_arguments(kernel_cmd: list[str]) -> list[str] | None:
    """The arguments after `-m ipykernel_launcher` when `kernel_cmd` runs this interpreter's
    ipykernel (so a fork of this process is the same kernel), else None."""
    if not kernel_cmd or os.path.abspath(kernel_cmd[0]) != os.path.abspath(sys.executable):
        return None
    rest = [arg for arg in kernel_cmd[1:] if arg not in HARMLESS_OPTIONS]
    if rest[:2] != ["-m", "ipykernel_launcher"]:
        return None
    return rest[2:]


class ForkedKernel:
    """The part of subprocess.Popen a kernel provisioner uses, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(ChildProcessError):  # reaped elsewhere: it has ended
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    return None
                self.returncode = os.waitstatus_to_exitcode(status)
                return self.returncode
            self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def fork_kernel(
    arguments: list[str], env: Mapping[str, str], cwd: str | None, stderr: IO[bytes] | None
) -> ForkedKernel:
    """Fork this process into an ipykernel given `arguments` (e.g. ['-f', connection_file]),
    as jupyter_client's launcher would start it: its own session, stdin from /dev/null,
    stderr to `stderr` (default: this process's), the environment `env` (with
    JPY_PARENT_PID, so that it ends with this process) and the folder `cwd`."""
    for stream in (sys.stdout, sys.stderr):  # or the child writes our buffered text again
        stream.flush()
    pid = os.fork()
    if pid:
        return ForkedKernel(pid)
    code = 1
    try:
        _become_fresh(
            {**env, "JPY_PARENT_PID": str(os.getppid())},
            cwd,
            stderr.fileno() if stderr else None,
        )
        from ipykernel import kernelapp

        # ipykernel read JPY_PARENT_PID when the warm-up imported it: given as a cold kernel
        # would read it (the kernel ends with its worker, and prints no terminal banner).
        parent = f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}"
        sys.argv = [kernelapp.__file__, *arguments, parent]
        kernelapp.launch_new_instance()
        code = 0
    except BaseException:  # a kernel that cannot start says why on its stderr
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)  # never the worker's atexit handlers


def _become_fresh(env: Mapping[str, str], cwd: str | None, stderr_fd: int | None) -> None:
    """Undo, in a forked child, what the worker's process state would otherwise lend it."""
    os.setsid()
    with contextlib.suppress(OSError):  # Linux: `top` and `pgrep` call it a kernel, not its worker
        Path("/proc/self/comm").write_text(PROCESS_NAME)
    signal.set_wakeup_fd(-1)  # the worker's event loop listens on it
    _signals_as_after_exec()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    if stderr_fd is not None:
        os.dup2(stderr_fd, 2)
    if cwd:
        os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # what ipykernel would set
    if "matplotlib" in sys.modules:  # and what matplotlib, imported now, would read
        sys.modules["matplotlib"].rcParams["backend"] = os.environ["MPLBACKEND"]
    asyncio.set_event_loop_policy(None)  # a new policy: no loop of the worker's
    for name in [m for m in sys.modules if m.split(".")[0] in OWN_PACKAGES]:
        del sys.modules[name]
    sys.path[:] = _fresh_path  # ipykernel then puts the kernel's folder first, as always


def _signals_as_after_exec() -> None:
    """Signal handling as a new Python started by this process would find it: exec resets
    handled signals to their default and keeps ignored ones ignored (and the blocked mask),
    then Python ignores SIGPIPE and SIGXFSZ and raises KeyboardInterrupt on SIGINT."""
    for signum in signal.valid_signals():
        handler = signal.getsignal(signum)
        if callable(handler):
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signum, signal.SIG_DFL)
    for signum in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(signum, signal.SIG_IGN)
    if signal.getsignal(signal.SIGINT) == signal.SIG_DFL:
        signal.signal(signal.SIGINT, signal.default_int_handler)
