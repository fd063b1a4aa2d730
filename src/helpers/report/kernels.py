"""The Jupyter kernels a run starts: how they are launched and stopped, and how an interrupted
run kills every one it started (a kernel runs in its own session, so a Ctrl-C at the terminal
never reaches it)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from traitlets import Unicode
from traitlets.config import Config

KERNEL_NAME = "smallcap-claims"
CELL_TIMEOUT_SECONDS = 600
# Where a run keeps its kernel's own stderr (ipykernel's log, not cell output).
KERNEL_LOG = "kernel.log"
# Encrypt kernel traffic when the kernelspec supports it; also silences ipykernel's warning
# about plain-text TCP on every run.
_KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})

# The kernel processes this process launched and that may still run.
_launched: dict[int, subprocess.Popen] = {}


class QuietShutdownKernelManager(AsyncKernelManager):
    """A kernel manager that stops a finished kernel with a shutdown request alone, sends the
    kernel process's own stderr to a file, and registers the kernel for `kill_all`.

    jupyter_client interrupts (SIGINT) a kernel before asking it to shut down; a kernel still
    handling a late message then logs "KeyboardInterrupt caught in kernel" into the output of
    a run that succeeded. Interrupts outside a shutdown are left as they are. After a timeout
    ipykernel logs a traceback about its closed sockets: it goes to `stderr_log`, which a
    failed run keeps beside its notebook.
    """

    stderr_log = Unicode("", config=True, help="file for the kernel's stderr ('' = inherit)")

    async def _async_interrupt_kernel(self) -> None:
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if not self.stderr_log:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        else:
            with open(self.stderr_log, "ab") as log:  # the child keeps its own copy of the fd
                await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})
        process = getattr(self.provisioner, "process", None)
        if isinstance(process, subprocess.Popen):
            _launched[process.pid] = process


def kernel_config(stderr_log: Path) -> Config:
    """The kernel manager's configuration for one run, its kernel's stderr going to a file."""
    config = Config(_KERNEL_CONFIG)
    config.QuietShutdownKernelManager.stderr_log = str(stderr_log)
    return config


def kill_all() -> None:
    """Kill every kernel this process launched that still runs, with whatever it started
    (a kernel leads its own process group)."""
    for pid, process in list(_launched.items()):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        _launched.pop(pid, None)
