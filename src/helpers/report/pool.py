"""Running several notebooks at once, and stopping them all when the run is interrupted.

The driver (the `run-notebook` process, which imported papermill and nbconvert once) forks one
worker per notebook, at most `jobs` at a time. A worker ignores Ctrl-C: the driver decides. On
Ctrl-C (or SIGTERM, SIGHUP) the driver stops every worker, each of which kills its kernel
first, and raises `Interrupted`; nothing a worker was doing is published, because only the
driver publishes. A worker whose driver dies (kill -9) notices through the pipe
multiprocessing keeps to its parent, kills its kernel and exits, so no orphan goes on running,
publishing or holding the build lock.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from helpers.report import kernels

Item = TypeVar("Item")
# How long stopped workers get to kill their kernels before they are killed themselves.
STOP_GRACE_SECONDS = 10
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (Ctrl-C is SIGINT); `stopped` names what was cut off."""

    def __init__(self, signum: int, stopped: Sequence[str] = ()):
        super().__init__(signum)
        self.signum = signum
        self.stopped = list(stopped)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def default_jobs() -> int:
    """Kernels run at once: one per core."""
    return max(1, os.cpu_count() or 1)


def run_all(
    items: Sequence[Item],
    work: Callable[[Item], Any],
    finish: Callable[[Item, Any], None],
    jobs: int,
    name: Callable[[Item], str] = str,
) -> None:
    """`work(item)` for each item in a forked worker, at most `jobs` at once; `finish(item,
    result)` in this process as each ends (a worker that died gives a WorkerDied result).
    Raises Interrupted, after stopping every worker, when a stop signal arrives."""
    context = multiprocessing.get_context("fork")
    queued = list(items)
    running: dict[Any, tuple[Item, Any]] = {}  # a result pipe: its notebook, its worker
    finishing: list[Item] = []
    with _stop_signals_raise():
        try:
            while queued or running:
                while queued and len(running) < jobs:
                    item = queued.pop(0)
                    receive, send = context.Pipe(duplex=False)
                    with _blocked(_STOP_SIGNALS):  # the worker starts with them held back
                        process = context.Process(target=_worker, args=(work, item, send))
                        process.start()
                    send.close()
                    running[receive] = (item, process)
                for ready in wait(list(running)):
                    item, process = running.pop(ready)
                    finishing[:] = [item]
                    finish(item, _result(ready, process))
                    finishing.clear()
        except Interrupted as stop:
            _ignore(_STOP_SIGNALS)
            _stop([process for _, process in running.values()])
            cut = [*finishing, *(item for item, _ in running.values()), *queued]
            raise Interrupted(stop.signum, [name(item) for item in cut]) from None


def run_here(
    items: Sequence[Item],
    work: Callable[[Item], Any],
    finish: Callable[[Item, Any], None],
    name: Callable[[Item], str] = str,
) -> None:
    """`run_all` in this process, one item after another (a library caller's single run).
    An interrupt kills the kernel of the item it cut off."""
    with _stop_signals_raise():
        for n, item in enumerate(items):
            try:
                result = work(item)
            except KeyboardInterrupt as stop:
                kernels.kill_all()
                signum = stop.signum if isinstance(stop, Interrupted) else signal.SIGINT
                raise Interrupted(signum, [name(i) for i in items[n:]]) from None
            finish(item, result)


class WorkerDied(Exception):
    """A worker ended without handing back a result (killed, or crashed in C code)."""

    def __init__(self, exitcode: int | None):
        how = f"signal {-exitcode}" if exitcode and exitcode < 0 else f"exit code {exitcode}"
        super().__init__(f"its worker process ended without a result ({how})")


def _result(receive: Any, process: multiprocessing.process.BaseProcess) -> Any:
    try:
        result = receive.recv()
    except EOFError:
        process.join()
        return WorkerDied(process.exitcode)
    process.join()
    return result


def _worker(work: Callable[[Any], Any], item: Any, send: Connection) -> None:
    """A worker's life: ignore Ctrl-C (the driver decides), die with the driver, kill its
    kernel when told to stop, and hand its result (or its error) back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _die)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_die_with, args=(parent.sentinel,), daemon=True).start()
    try:
        result = work(item)
    except Exception as exc:  # handed back: the driver reports it
        result = exc
    try:
        send.send(result)
    except (pickle.PicklingError, TypeError, AttributeError):  # an error that does not pickle
        send.send(RuntimeError(f"{type(result).__name__}: {result}"))
    send.close()


def _die(signum: int, frame: Any = None) -> None:
    kernels.kill_all()
    os._exit(128 + signum)


def _die_with(parent_sentinel: int) -> None:
    wait([parent_sentinel])  # ready when the driver has exited, whatever killed it
    _die(signal.SIGHUP)


def _stop(processes: list[multiprocessing.process.BaseProcess]) -> None:
    """SIGTERM every worker (each kills its kernel, then exits), then SIGKILL any still there."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(STOP_GRACE_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


@contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """For the block, Ctrl-C, SIGTERM and SIGHUP raise Interrupted (in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, interrupt) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _ignore(signals: Sequence[int]) -> None:
    """A second Ctrl-C while the run is being stopped changes nothing."""
    for signum in signals:
        signal.signal(signum, signal.SIG_IGN)


@contextmanager
def _blocked(signals: Sequence[int]) -> Iterator[None]:
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
