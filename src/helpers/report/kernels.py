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
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, Unicode
from traitlets.config import Config

from helpers.report import warm_kernels

KERNEL_NAME = "smallcap-claims"
CELL_TIMEOUT_SECONDS = 600
# Where a run keeps its kernel's own stderr (ipykernel's log, not cell output).
KERNEL_LOG = "kernel.log"
# Encrypt kernel traffic when the kernelspec supports it; also silences ipykernel's warning
# about plain-text TCP on every run.
_KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})

# The kernel processes this process launched and that may still run.
_launched: dict[int, subprocess.Popen | warm_kernels.ForkedKernel] = {}


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
    fork_warm = Bool(False, config=True, help="fork the kernel from this warmed-up process")

    async def _async_interrupt_kernel(self) -> None:
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        warm = self.fork_warm and warm_kernels.is_warm()
        arguments = warm_kernels.kernel_arguments(kernel_cmd) if warm else None
        with open(self.stderr_log, "ab") if self.stderr_log else contextlib.nullcontext() as log:
            if arguments is None:  # the child keeps its own copy of the log's fd
                await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})
            else:
                self._adopt(warm_kernels.fork_kernel(arguments, kw["env"], kw.get("cwd"), log))
        process = getattr(self.provisioner, "process", None)
        if isinstance(process, subprocess.Popen | warm_kernels.ForkedKernel):
            _launched[process.pid] = process

    def _adopt(self, process: warm_kernels.ForkedKernel) -> None:
        """Hand a forked kernel to the provisioner, as its launch_kernel does a Popen (the
        kernel leads its own session, so its process group is its pid)."""
        provisioner = self.provisioner
        assert isinstance(provisioner, LocalProvisioner)
        provisioner.process = process  # type: ignore[assignment]
        provisioner.pid = provisioner.pgid = process.pid
        self._reconcile_connection_info(provisioner.connection_info)


def kernel_config(stderr_log: Path, fork_warm: bool = False) -> Config:
    """The kernel manager's configuration for one run, its kernel's stderr going to a file,
    its kernel forked warm from this process when `fork_warm` (`warm_kernels`)."""
    config = Config(_KERNEL_CONFIG)
    config.QuietShutdownKernelManager.stderr_log = str(stderr_log)
    config.QuietShutdownKernelManager.fork_warm = fork_warm
    return config


def kill_all() -> None:
    """Kill every kernel this process launched that still runs, with whatever it started
    (a kernel leads its own process group)."""
    for pid, process in list(_launched.items()):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        _launched.pop(pid, None)
