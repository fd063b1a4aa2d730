"""Run one notebook headlessly into a self-contained HTML report, all or nothing.

A run executes in a private work directory under reports/ (so parallel `make -j` runs share
nothing and the final moves are same-filesystem renames). Only after the notebook and its HTML
conversion both succeed are reports/<stem>.html, reports/executed/<stem>.ipynb and the staged
claim results swapped in; a failure leaves every previous output untouched and keeps the failed
notebook in reports/failed/ for inspection.
"""

from __future__ import annotations

import ast
import datetime as dt
import html
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import nbformat
import pandas as pd
import papermill
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import NoSuchKernel
from nbclient.exceptions import DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune
from papermill.exceptions import PapermillExecutionError
from traitlets import Unicode
from traitlets.config import Config

from helpers.analysis.returns import session_on_or_before
from helpers.config import NOTEBOOK_ENV, RESULTS_ENV, reports_dir
from helpers.errors import NotebookRunError, SmallcapError, storage_error
from helpers.files import exclusive_lock
from helpers.report import run_parameters

try:  # POSIX; elsewhere stale run folders are not swept
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

KERNEL_NAME = "smallcap-claims"
CELL_TIMEOUT_SECONDS = 600
# Touched on every promotion: what the Makefile's scorecard rule depends on (see there).
RESULTS_STAMP = "STAMP"
# Encrypt kernel traffic when the kernelspec supports it; also silences ipykernel's warning
# about plain-text TCP on every run.
_KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})

# The report page (templates/report.html.j2) extends nbconvert's lab template.
REPORT_TEMPLATE = "report.html.j2"
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


class QuietShutdownKernelManager(AsyncKernelManager):
    """A kernel manager that stops a finished kernel with a shutdown request alone, and sends
    the kernel process's own stderr (ipykernel's log, not cell output) to a file.

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
            return
        with open(self.stderr_log, "ab") as log:  # the child keeps its own copy of the fd
            await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})


# `as_of` is checked against the market calendar (the S&P 500's trading days), from the first
# close the small-vs-large comparisons share (^RUT with ^GSPC) to the last close there is.
CALENDAR_SERIES = ("^RUT", "^GSPC")


@dataclass(frozen=True)
class CheckedParameters:
    """Parameters a run may pass, and what was adjusted on the way (said once to the user)."""

    values: dict[str, Any]
    notes: list[str]


def existing_notebook(notebook: Path) -> Path:
    """The notebook's absolute path; a missing file is a NotebookRunError."""
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise NotebookRunError(
            f"notebook {notebook} does not exist",
            "pass a path like notebooks/00_data_overview.ipynb",
        )
    return notebook


def notebook_parameters(notebook: Path) -> dict[str, str]:
    """The names the `parameters`-tagged cell assigns, each with its source text (its default)."""
    nb = nbformat.read(existing_notebook(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    source = cells[0].source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookRunError(
            f"{notebook.name}: its parameters cell is not valid Python ({exc.msg}, line "
            f"{exc.lineno})",
            "fix the cell tagged `parameters` in the notebook",
        ) from None
    found: dict[str, str] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            for name in names:
                if isinstance(name, ast.Name):
                    found[name.id] = ast.get_source_segment(source, node.value) or ""
    return found


def check_parameters(notebook: Path, given: Mapping[str, Any]) -> CheckedParameters:
    """Refuse unknown names and an `as_of` outside the data before a kernel starts.

    papermill only warns about a name the notebook does not have, and the report is then
    republished with the defaults; a bad `as_of` would fail deep inside a cell, or not at all.
    """
    known = notebook_parameters(notebook)
    unknown = sorted(set(given) - set(known))
    if unknown:
        listed = ", ".join(f"{name} (default {value})" for name, value in known.items())
        raise NotebookRunError(
            f"{notebook.stem} has no parameter {', '.join(map(repr, unknown))}",
            f"use one of its parameters: {listed or 'none'}",
        )
    values, notes = dict(given), []
    if "as_of" in given:
        try:
            session = as_of_session(str(given["as_of"]), _calendar())
            check_covers_claims(session, notebook.stem)
        except NotebookRunError as exc:
            raise NotebookRunError(f"{notebook.stem}: {exc.cause}", exc.fix) from None
        if session != pd.Timestamp(str(given["as_of"])):
            notes.append(
                f"as_of {given['as_of']} is not a trading day: using {session:%Y-%m-%d}, "
                "the last close on or before it"
            )
        values["as_of"] = f"{session:%Y-%m-%d}"
    return CheckedParameters(values, notes)


def check_covers_claims(session: pd.Timestamp, stem: str) -> None:
    """An `as_of` is the last close a notebook loads: it must not end before the dates of the
    claims the notebook judges, or the run fails deep inside a cell about a ledger date."""
    from helpers import claims  # the ledger is read only when an as_of needs checking

    dated = [c for c in claims.load_ledger() if c.notebook == stem and not c.is_pending]
    latest = max(dated, key=lambda c: c.as_of, default=None)
    if latest is not None and session < pd.Timestamp(latest.as_of):
        raise NotebookRunError(
            f"as_of {session:%Y-%m-%d} ends before {latest.as_of}, the date of claim "
            f"{latest.id} this notebook judges",
            f"pass an as_of on or after {latest.as_of}",
        )


def _calendar() -> pd.DatetimeIndex:
    from helpers import data  # the data layer is loaded only when an as_of needs checking

    closes = data.prices(list(CALENDAR_SERIES), join="outer")
    market = closes[CALENDAR_SERIES[-1]].dropna().index
    return market[market >= closes.dropna().index[0]]


def as_of_session(text: str, sessions: pd.DatetimeIndex) -> pd.Timestamp:
    """The session an `as_of` names: itself when it is one, else the last one before it (as
    the `streak` command reads a date); a date that does not parse or lies outside the
    sessions is a NotebookRunError."""
    try:
        day = pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise NotebookRunError(
            f"as_of {text!r} is not a date", "pass an ISO date, e.g. -p as_of 2026-01-30"
        ) from None
    first, last = sessions[0], sessions[-1]
    if not first <= day <= last:
        raise NotebookRunError(
            f"as_of {text} is outside the data: closes run {first:%Y-%m-%d}..{last:%Y-%m-%d} "
            f"({' and '.join(CALENDAR_SERIES)})",
            f"pass a date between {first:%Y-%m-%d} and {last:%Y-%m-%d}",
        )
    return session_on_or_before(sessions, day)


@dataclass(frozen=True)
class ReportPaths:
    """Where one notebook's outputs live under a reports directory."""

    html: Path
    executed: Path
    failed: Path
    results: Path

    @classmethod
    def for_stem(cls, reports: Path, stem: str) -> ReportPaths:
        return cls(
            html=reports / f"{stem}.html",
            executed=reports / "executed" / f"{stem}.ipynb",
            failed=reports / "failed" / f"{stem}.ipynb",
            results=reports / "results",
        )


def run_notebook(
    notebook: Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    reports: Path | None = None,
    kernel: str = KERNEL_NAME,
    cell_timeout: int = CELL_TIMEOUT_SECONDS,
) -> Path:
    """Execute `notebook` with papermill and publish its HTML report; return the HTML path.

    Raises NotebookRunError (previous outputs untouched) when the notebook fails.
    """
    notebook = existing_notebook(notebook)
    stem = notebook.stem
    paths = ReportPaths.for_stem(Path(reports) if reports else reports_dir(), stem)
    record = run_parameters.parameters_record(notebook_parameters(notebook), parameters or {})
    paths.html.parent.mkdir(parents=True, exist_ok=True)
    with run_folder(paths.html.parent, stem) as work_dir:
        staging = work_dir / "results"
        staging.mkdir()
        executed = work_dir / f"{stem}.ipynb"
        env = {NOTEBOOK_ENV: stem, RESULTS_ENV: str(staging)}
        try:
            with _environ(env):
                papermill.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters=dict(parameters or {}),
                    kernel_name=kernel,
                    cwd=str(notebook.parent),
                    execution_timeout=cell_timeout,
                    progress_bar=False,
                    # Saved after each cell, so a timeout or a dead kernel leaves the cells
                    # run so far for reports/failed/ (papermill saves nothing else then).
                    request_save_on_cell_execute=True,
                    config=_kernel_config(work_dir / KERNEL_LOG),
                    kernel_manager_class=QuietShutdownKernelManager,
                    # Once the last cell's outputs are in (nbclient waits for each cell's idle
                    # status), the kernel has nothing left to say: stopped at once, not after
                    # its ~0.5 s graceful shutdown.
                    shutdown_kernel="immediate",
                )
        except (PapermillExecutionError, NoSuchKernel, TimeoutError, DeadKernelError) as exc:
            _keep_kernel_log(work_dir / KERNEL_LOG, paths.failed)
            raise _run_error(stem, exc, _keep_failed(executed, paths.failed)) from exc
        html = work_dir / f"{stem}.html"
        html.write_text(notebook_to_html(executed, record), encoding="utf-8")
        run_parameters.stamp_results(staging, record)
        promote_results(staging, paths.results, stem)
        _replace(executed, paths.executed)
        _replace(html, paths.html)
        run_parameters.remember(paths.html.parent, stem, record)
    paths.failed.unlink(missing_ok=True)
    return paths.html


@dataclass(frozen=True)
class RunOutcome:
    """How one notebook of a `run_notebooks` batch ended: its report, or the error's cause and
    fix (kept as text: a worker process hands it back to the driver)."""

    notebook: Path
    seconds: float
    html: Path | None = None
    cause: str | None = None
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.html is not None


# Held for a whole batch, so two `make reports` started at once take turns instead of
# executing the same notebooks side by side.
BUILD_LOCK = ".build.lock"


def default_jobs() -> int:
    """Kernels run at once: one per core."""
    return max(1, os.cpu_count() or 1)


def run_notebooks(
    notebooks: list[Path],
    *,
    jobs: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    reports: Path | None = None,
    kernel: str = KERNEL_NAME,
    cell_timeout: int = CELL_TIMEOUT_SECONDS,
    on_start: Any = None,
    on_done: Any = None,
) -> list[RunOutcome]:
    """Run several notebooks, up to `jobs` kernels at once, each all or nothing as in
    `run_notebook`; return one outcome per notebook, in the order given.

    One process imports papermill and nbconvert; each notebook runs in a worker forked from
    it (so the imports are paid once and each run keeps its own environment variables for its
    kernel). A failing notebook does not stop the others. `on_start(notebook)` is called as
    each one starts (in its worker: a module-level function), `on_done(outcome)` as each one
    finishes.
    """
    paths = [existing_notebook(path) for path in notebooks]
    root = Path(reports) if reports else reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    options = {
        "parameters": dict(parameters or {}),
        "reports": root,
        "kernel": kernel,
        "cell_timeout": cell_timeout,
    }
    workers = max(1, min(jobs or default_jobs(), len(paths)))
    done: dict[Path, RunOutcome] = {}

    def finish(outcome: RunOutcome) -> None:
        done[outcome.notebook] = outcome
        if on_done is not None:
            on_done(outcome)

    with exclusive_lock(root / BUILD_LOCK):
        if workers == 1 or not hasattr(os, "fork"):
            for path in paths:
                finish(_run_one(path, options, on_start))
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = [pool.submit(_run_one, path, options, on_start) for path in paths]
                for future in as_completed(futures):
                    finish(future.result())
    return [done[path] for path in paths]


def _run_one(notebook: Path, options: Mapping[str, Any], on_start: Any = None) -> RunOutcome:
    """`run_notebook`, its error turned into text (SmallcapError does not pickle)."""
    if on_start is not None:
        on_start(notebook)
    start = time.perf_counter()
    try:
        html = run_notebook(notebook, **options)
    except SmallcapError as exc:
        return RunOutcome(notebook, time.perf_counter() - start, cause=exc.cause, fix=exc.fix)
    except OSError as exc:  # a read-only reports/, a full disk
        error = storage_error(exc)
        return RunOutcome(notebook, time.perf_counter() - start, cause=error.cause, fix=error.fix)
    return RunOutcome(notebook, time.perf_counter() - start, html=html)


KERNEL_LOG = "kernel.log"


def _kernel_config(stderr_log: Path) -> Config:
    config = Config(_KERNEL_CONFIG)
    config.QuietShutdownKernelManager.stderr_log = str(stderr_log)
    return config


def _keep_kernel_log(log: Path, failed: Path) -> None:
    """A failed run's kernel log, when the kernel wrote one, goes beside its notebook."""
    kept = failed.with_suffix(".kernel.log")
    if log.exists() and log.stat().st_size:
        _replace(log, kept)
    else:
        kept.unlink(missing_ok=True)


def _keep_failed(executed: Path, failed: Path) -> Path | None:
    """Move what a failed run saved to reports/failed/; None (and no older copy left there to
    be mistaken for it) when the run saved nothing."""
    if executed.exists():
        _replace(executed, failed)
        return failed
    failed.unlink(missing_ok=True)
    return None


RUN_PREFIX = ".run-"


@contextmanager
def run_folder(reports: Path, stem: str) -> Iterator[Path]:
    """A private work folder under reports/ for one run, removed afterwards.

    Each run holds a lock on its folder; a folder nobody holds is left by a killed runner and
    is removed here. Creating and sweeping happen under one lock, so a sweep never takes a
    folder whose run has not locked it yet (two notebooks under `make -j2`).
    """
    with exclusive_lock(reports / ".runs.lock"):
        remove_stale_run_folders(reports)
        work = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{stem}-", dir=reports))
        hold = _try_lock(work)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if hold is not None:
            os.close(hold)


def remove_stale_run_folders(reports: Path) -> list[Path]:
    """Remove the `.run-*` folders no live run holds; return them."""
    removed = []
    for folder in sorted(p for p in reports.glob(f"{RUN_PREFIX}*") if p.is_dir()):
        hold = _try_lock(folder)
        if hold is None:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        os.close(hold)
        removed.append(folder)
    return removed


def _try_lock(folder: Path) -> int | None:
    """A descriptor holding an exclusive lock on `folder`, or None when another run holds it
    (or locks are unavailable: then nothing is ever swept)."""
    if fcntl is None:
        return None
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    return handle


def notebook_to_html(executed: Path, parameters: Mapping[str, dict] | None = None) -> str:
    """Render an executed notebook as one page: figures inline, code folded, HTML outputs kept,
    titled by the notebook's first heading, with a contents list of its sections and the
    parameters it ran with (`run_parameters.parameters_record`)."""
    exporter = _html_exporter()
    nb = nbformat.read(executed, as_version=4)
    outline = notebook_outline(nb)
    nb.metadata["title"] = outline["title"] or executed.stem
    resources = {
        "metadata": {"name": executed.stem},
        "outline": outline,
        "parameters": run_parameters.page_context(parameters or {}),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


@cache
def _html_exporter() -> HTMLExporter:
    """One exporter per process: compiling its templates costs more than a conversion."""
    return HTMLExporter(
        extra_loaders=[jinja2.PackageLoader("helpers.report", "templates")],
        template_file=REPORT_TEMPLATE,
    )


def notebook_outline(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The first heading's text (the page title) and each level-2 heading's text and anchor,
    the anchors made by the same markdown renderer that writes the page."""
    headings = [
        (int(level), html.unescape(anchor), html.unescape(_TAG.sub("", text)).strip("¶ \n"))
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for level, anchor, text in _HEADING.findall(markdown2html_mistune(cell.source))
    ]
    return {
        "title": next((text for _, _, text in headings), ""),
        "sections": [
            {"id": anchor, "text": text} for level, anchor, text in headings if level == 2
        ],
    }


def promote_results(staging: Path, results: Path, stem: str) -> list[Path]:
    """Move staged claim results into `results`; drop this notebook's results it no longer makes.

    A result belongs to the notebook named in its "notebook" field, so a claim moved to
    another notebook or removed from this one stops showing a stale verdict.
    """
    results.mkdir(parents=True, exist_ok=True)
    produced = sorted(staging.glob("*.json"))
    names = {path.name for path in produced}
    for old in results.glob("*.json"):
        if old.name not in names and _result_notebook(old) == stem:
            old.unlink()
    promoted = []
    for new in produced:
        target = results / new.name
        _replace(new, target)
        promoted.append(target)
    (results / RESULTS_STAMP).touch()
    return promoted


def _result_notebook(path: Path) -> str | None:
    """The notebook a result file names; None when unreadable (left for the scorecard to flag)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("notebook")
    except (OSError, ValueError, AttributeError):
        return None


def _replace(source: Path, target: Path) -> None:
    """Atomically put `source` at `target` (same filesystem), creating parent folders."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


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


def _run_error(stem: str, exc: Exception, failed: Path | None) -> NotebookRunError:
    """Say which notebook, which cell and which exception, and where to look (if anywhere)."""
    kept = "the previous report and results were left unchanged"
    saved = f"the cells run so far are in {failed}" if failed else "no partial notebook was saved"
    if isinstance(exc, NoSuchKernel):
        return NotebookRunError(
            f"notebook {stem}: Jupyter kernel {exc.name!r} is not installed",
            "run `make setup` (it registers the smallcap-claims kernel in .venv)",
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
    else:
        where, what = "a cell", f"{type(exc).__name__}: {exc}"
    look = f"read the traceback in {failed}" if failed else saved
    return NotebookRunError(f"notebook {stem} failed in {where}: {what}", f"{look}; {kept}")
