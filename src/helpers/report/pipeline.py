"""Run notebooks headlessly into self-contained HTML reports, each all or nothing.

A batch holds the build lock (two `make reports` take turns), finishes what a killed run left
(`promotion.recover`), then runs each notebook in a private folder under reports/ (`pool`: one
forked worker per notebook, several kernels at once). When all have ended, this process, and
only it, publishes the notebooks whose run and HTML conversion succeeded, together
(`promotion.publish`), once the pinned verdicts allow it (on the vintage: every verdict of
the run as pinned). A failure leaves every previous output untouched and keeps the failed
notebook in reports/failed/ for inspection.

The jobs live in their own modules: `parameters` (what a run is given), `kernels` (the kernel
manager), `pool` (workers and interrupts), `conversion` (the page), `promotion` (publishing).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import papermill
from jupyter_client.kernelspec import NoSuchKernel
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError

from helpers.config import NOTEBOOK_ENV, RESULTS_ENV, reports_dir
from helpers.errors import NotebookRunError, SmallcapError, storage_error
from helpers.files import exclusive_lock, with_filename
from helpers.report import execution, kernels, pool, promotion, run_parameters, warm_kernels
from helpers.report.conversion import compile_templates, notebook_to_html
from helpers.report.kernels import CELL_TIMEOUT_SECONDS, KERNEL_NAME
from helpers.report.parameters import existing_notebook, notebook_parameters

# Held for a whole batch, so two `make reports` started at once take turns instead of
# executing the same notebooks side by side.
BUILD_LOCK = ".build.lock"


@dataclass(frozen=True)
class RunOutcome:
    """How one notebook of a batch ended: its published report, or the error (cause, fix)."""

    notebook: Path
    seconds: float
    html: Path | None = None
    error: SmallcapError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def cause(self) -> str | None:
        return self.error.cause if self.error else None

    @property
    def fix(self) -> str | None:
        return self.error.fix if self.error else None


@dataclass(frozen=True)
class Task:
    """One notebook to run, the private folder it runs in, how it runs, and what to call as
    it starts (in the worker running it)."""

    notebook: Path
    work: Path
    reports: Path
    options: dict[str, Any] = field(default_factory=dict)
    on_start: Callable[[Path], object] | None = None

    @property
    def stem(self) -> str:
        return self.notebook.stem


@dataclass(frozen=True)
class Staged:
    """What a worker hands back: how long the run took, and its error if it failed."""

    seconds: float
    error: SmallcapError | None = None


def run_notebook(
    notebook: Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    reports: Path | None = None,
    kernel: str = KERNEL_NAME,
    cell_timeout: int = CELL_TIMEOUT_SECONDS,
    allow_changes: bool = False,
) -> Path:
    """Execute `notebook` in this process and publish its HTML report; return the HTML path.

    Raises the run's error (previous outputs untouched) when the notebook fails.
    """
    options = {
        "parameters": dict(parameters or {}),
        "kernel": kernel,
        "cell_timeout": cell_timeout,
        "fork_warm": False,  # this process may hold anything: its kernel starts cold
    }
    [outcome] = _batch([notebook], options, reports, None, None, allow_changes, jobs=None)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.html is not None
    return outcome.html


def run_notebooks(
    notebooks: list[Path],
    *,
    jobs: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    reports: Path | None = None,
    kernel: str = KERNEL_NAME,
    cell_timeout: int = CELL_TIMEOUT_SECONDS,
    on_start: Callable[[Path], object] | None = None,
    on_done: Callable[[RunOutcome], object] | None = None,
    allow_changes: bool = False,
    warm: bool = False,
) -> list[RunOutcome]:
    """Run several notebooks, up to `jobs` kernels at once (default one per core), each all or
    nothing as in `run_notebook`; return one outcome per notebook, in the order given.

    A failing notebook does not stop the others. `on_start(notebook)` is called as each run
    starts, in the worker running it (workers share the terminal: one write per line), and
    `on_done(outcome)` in this process as each run ends. When all have ended, the ones that
    succeeded are published together, unless (on the vintage) their verdicts differ from the
    pinned ones: then none is, and each outcome carries the one table. A stop signal
    (Ctrl-C) stops them all and raises `pool.Interrupted`: nothing of the batch is published.
    `allow_changes` publishes results that differ from the pinned verdicts (what `make
    accept-verdicts` needs). `warm` forks each kernel from this process with the heavy
    libraries loaded, when there are several (`warm_kernels`: for a process that has done
    nothing else, such as the command line's; any other stays cold).
    """
    options = {
        "parameters": dict(parameters or {}),
        "kernel": kernel,
        "cell_timeout": cell_timeout,
        # one notebook alone starts cold: warming the driver up costs what it saves a kernel
        "fork_warm": warm and len(notebooks) > 1,
    }
    workers = max(1, min(jobs or pool.default_jobs(), len(notebooks)))
    return _batch(notebooks, options, reports, on_start, on_done, allow_changes, jobs=workers)


def _batch(
    notebooks: list[Path],
    options: dict[str, Any],
    reports: Path | None,
    on_start: Callable[[Path], object] | None,
    on_done: Callable[[RunOutcome], object] | None,
    allow_changes: bool,
    jobs: int | None,
) -> list[RunOutcome]:
    paths = [existing_notebook(path) for path in notebooks]
    root = Path(reports) if reports else reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    ran: dict[Path, RunOutcome] = {}
    with exclusive_lock(root / BUILD_LOCK, say=_say):
        promotion.recover(root, say=_say)
        gate = promotion.PinnedGate.for_run(allow_changes)
        tasks = [
            Task(p, promotion.new_run_folder(root, p.stem), root, options, on_start) for p in paths
        ]

        def finish(task: Task, result: Any) -> None:
            ran[task.notebook] = outcome = _outcome(task, result)
            if on_done is not None:
                on_done(outcome)

        try:
            if jobs is None:
                pool.run_here(tasks, stage, finish, name=_stem)
            else:
                if options["fork_warm"]:  # before the workers fork: they inherit both
                    warm_kernels.warm_up()
                compile_templates()
                pool.run_all(longest_first(tasks), stage, finish, jobs, name=_stem)
            published = _publish([t for t in tasks if ran[t.notebook].ok], ran, gate, root)
        finally:
            for task in tasks:
                shutil.rmtree(task.work, ignore_errors=True)
    return [published.get(path) or ran[path] for path in paths]


def longest_first(tasks: list[Task]) -> list[Task]:
    """The tasks in the order that ends soonest on a few cores: the longest first, by the
    run of each that is published (a notebook never run counts as the longest)."""
    return sorted(tasks, key=lambda task: -previous_seconds(task))


def previous_seconds(task: Task) -> float:
    """How long the published run of the task's notebook took (papermill's record in its
    executed notebook), or infinity when there is none to read."""
    executed = promotion.ReportPaths.for_stem(task.reports, task.stem).executed
    try:
        return float(json.loads(executed.read_bytes())["metadata"]["papermill"]["duration"])
    except (OSError, ValueError, KeyError, TypeError):
        return math.inf


def _stem(task: Task) -> str:
    return task.stem


def _say(note: str) -> None:
    print(note, file=sys.stderr, flush=True)


def _outcome(task: Task, result: Any) -> RunOutcome:
    """How a notebook's run ended (in the driver; nothing is published yet). `html` names the
    page a successful run will replace."""
    if not isinstance(result, Staged):  # the worker died or failed outside the run itself
        error = NotebookRunError(
            f"notebook {task.stem} did not finish: {result}",
            f"run it alone to see why: python -m helpers run-notebook {task.notebook} --jobs 1",
        )
        return RunOutcome(task.notebook, 0.0, error=error)
    if result.error is not None:
        return RunOutcome(task.notebook, result.seconds, error=result.error)
    return RunOutcome(task.notebook, result.seconds, html=task.reports / f"{task.stem}.html")


def _publish(
    succeeded: list[Task],
    ran: Mapping[Path, RunOutcome],
    gate: promotion.PinnedGate,
    root: Path,
) -> dict[Path, RunOutcome]:
    """Publish every notebook whose run succeeded, as one unit, once the pinned verdicts
    allow it; else each carries why it was not published."""
    runs = [(task.work, task.stem) for task in succeeded]
    try:
        gate.check(root, runs)
        promotion.publish(root, runs)
    except SmallcapError as exc:
        error = exc
    except OSError as exc:  # a read-only reports/, a full disk
        error = storage_error(exc)
    else:
        return {}
    return {
        t.notebook: RunOutcome(t.notebook, ran[t.notebook].seconds, error=error) for t in succeeded
    }


def stage(task: Task) -> Staged:
    """Run one notebook into its folder (in a worker): its executed notebook and page, or
    the error that stopped it (its cells so far kept in reports/failed/)."""
    if task.on_start is not None:
        task.on_start(task.notebook)
    start = time.perf_counter()
    try:
        execute(task)
    except SmallcapError as exc:
        return Staged(time.perf_counter() - start, exc)
    except OSError as exc:  # a read-only reports/, a full disk
        error = storage_error(with_filename(exc, task.work))
        return Staged(time.perf_counter() - start, error)
    return Staged(time.perf_counter() - start)


def execute(task: Task) -> None:
    """papermill, then the HTML conversion, inside the task's folder; NotebookRunError when a
    cell fails, times out, or the kernel dies or is missing. The parameters the run used go
    into its page and each result it staged, and (when they are not the defaults) into a
    note `promotion.publish` puts in reports/non-default/ with the rest."""
    work, stem = task.work, task.stem
    executed = work / f"{stem}.ipynb"
    given = task.options["parameters"]
    record = run_parameters.parameters_record(notebook_parameters(task.notebook), given)
    env = {NOTEBOOK_ENV: stem, RESULTS_ENV: str(work / promotion.STAGED_RESULTS)}
    try:
        with _environ(env):
            papermill.execute_notebook(
                str(task.notebook),
                str(executed),
                parameters=given,
                kernel_name=task.options["kernel"],
                cwd=str(task.notebook.parent),
                execution_timeout=task.options["cell_timeout"],
                progress_bar=False,
                # Saved when the run ends, also after a timeout or a dead kernel, so the
                # cells run so far reach reports/failed/ (never before and after each cell).
                engine_name=execution.ENGINE,
                request_save_on_cell_execute=True,
                config=kernels.kernel_config(work / kernels.KERNEL_LOG, task.options["fork_warm"]),
                kernel_manager_class=kernels.QuietShutdownKernelManager,
                # Once the last cell's outputs are in (nbclient waits for each cell's idle
                # status), the kernel has nothing left to say: stopped at once, not after
                # its ~0.5 s graceful shutdown.
                shutdown_kernel="immediate",
            )
    except (PapermillExecutionError, NoSuchKernel, TimeoutError, DeadKernelError) as exc:
        paths = promotion.ReportPaths.for_stem(task.reports, stem)
        failed = promotion.keep_failed(executed, paths, work / kernels.KERNEL_LOG)
        raise run_error(stem, exc, failed) from exc
    except BaseException:  # an interrupt: the kernel goes with the run
        kernels.kill_all()
        raise
    (work / f"{stem}.html").write_text(notebook_to_html(executed, record), encoding="utf-8")
    run_parameters.stamp_results(work / promotion.STAGED_RESULTS, record)
    run_parameters.remember(work, stem, record)


@contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the kernel (it inherits ours), then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# The repair of a missing kernel or package: -B remakes the setup stamp, which a plain
# `make setup` leaves alone when the lock has not changed.
SETUP_REPAIR = "make setup -B (reinstalls requirements.lock and registers the kernel again)"


def run_error(stem: str, exc: Exception, failed: Path | None) -> NotebookRunError:
    """Say which notebook, which cell and which exception, and where to look (if anywhere)."""
    kept = "the previous report and results were left unchanged"
    saved = f"the cells run so far are in {failed}" if failed else "no partial notebook was saved"
    if isinstance(exc, NoSuchKernel):
        return NotebookRunError(
            f"notebook {stem}: Jupyter kernel {exc.name!r} is not installed", SETUP_REPAIR
        )
    if isinstance(exc, TimeoutError):
        return NotebookRunError(
            f"notebook {stem} stopped: {exc}",
            f"speed the cell up or raise the limit (make reports CELL_TIMEOUT=1200); {saved}; "
            f"{kept}",
        )
    if isinstance(exc, PapermillExecutionError):
        where = f"cell In [{exc.exec_count}] (cell index {exc.cell_index})"
        what = f"{exc.ename}: {exc.evalue}"
        if exc.ename == "ModuleNotFoundError":
            return NotebookRunError(
                f"notebook {stem} failed in {where}: {what} (a package is not installed)",
                f"{SETUP_REPAIR}; {kept}",
            )
    else:
        where, what = "a cell", f"{type(exc).__name__}: {exc}"
    look = f"read the traceback in {failed}" if failed else saved
    return NotebookRunError(f"notebook {stem} failed in {where}: {what}", f"{look}; {kept}")
