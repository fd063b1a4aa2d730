"""Run one notebook headlessly into a self-contained HTML report, all or nothing.

A run executes in a private work directory under reports/ (so parallel `make -j` runs share
nothing and the final moves are same-filesystem renames). Only after the notebook and its HTML
conversion both succeed are reports/<stem>.html, reports/executed/<stem>.ipynb and the staged
claim results swapped in; a failure leaves every previous output untouched and keeps the failed
notebook in reports/failed/ for inspection.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import nbformat
import papermill
from jupyter_client.kernelspec import NoSuchKernel
from nbclient.exceptions import DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from helpers.config import reports_dir
from helpers.errors import NotebookRunError

KERNEL_NAME = "smallcap-claims"
CELL_TIMEOUT_SECONDS = 600
NOTEBOOK_ENV = "SMALLCAP_NOTEBOOK"
RESULTS_ENV = "SMALLCAP_RESULTS_DIR"
# Encrypt kernel traffic when the kernelspec supports it; also silences ipykernel's warning
# about plain-text TCP on every run.
_KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})

# The report page (templates/report.html.j2) extends nbconvert's lab template.
REPORT_TEMPLATE = "report.html.j2"
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


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
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise NotebookRunError(
            f"notebook {notebook} does not exist",
            "pass a path like notebooks/00_data_overview.ipynb",
        )
    stem = notebook.stem
    paths = ReportPaths.for_stem(Path(reports) if reports else reports_dir(), stem)
    paths.html.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".run-{stem}-", dir=paths.html.parent) as work:
        work_dir = Path(work)
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
                    request_save_on_cell_execute=False,
                    config=_KERNEL_CONFIG,
                )
        except (PapermillExecutionError, NoSuchKernel, TimeoutError, DeadKernelError) as exc:
            if executed.exists():
                _replace(executed, paths.failed)
            raise _run_error(stem, exc, paths.failed) from exc
        html = work_dir / f"{stem}.html"
        html.write_text(notebook_to_html(executed), encoding="utf-8")
        promote_results(staging, paths.results, stem)
        _replace(executed, paths.executed)
        _replace(html, paths.html)
    paths.failed.unlink(missing_ok=True)
    return paths.html


def notebook_to_html(executed: Path) -> str:
    """Render an executed notebook as one page: figures inline, code folded, HTML outputs kept,
    titled by the notebook's first heading, with a contents list of its sections."""
    exporter = HTMLExporter(
        extra_loaders=[jinja2.PackageLoader("helpers", "templates")],
        template_file=REPORT_TEMPLATE,
    )
    nb = nbformat.read(executed, as_version=4)
    outline = notebook_outline(nb)
    nb.metadata["title"] = outline["title"] or executed.stem
    resources = {"metadata": {"name": executed.stem}, "outline": outline}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


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


def _run_error(stem: str, exc: Exception, failed: Path) -> NotebookRunError:
    """Say which notebook, which cell and which exception, and where to look."""
    kept = "the previous report and results were left unchanged"
    if isinstance(exc, NoSuchKernel):
        return NotebookRunError(
            f"notebook {stem}: Jupyter kernel {exc.name!r} is not installed",
            "run `make setup` (it registers the smallcap-claims kernel in .venv)",
        )
    if isinstance(exc, TimeoutError):
        return NotebookRunError(
            f"notebook {stem} stopped: {exc}",
            f"speed the cell up or raise the limit (make reports CELL_TIMEOUT=1200); {kept}",
        )
    if isinstance(exc, PapermillExecutionError):
        where = f"cell In [{exc.exec_count}] (cell index {exc.cell_index})"
        what = f"{exc.ename}: {exc.evalue}"
    else:
        where, what = "a cell", f"{type(exc).__name__}: {exc}"
    return NotebookRunError(
        f"notebook {stem} failed in {where}: {what}",
        f"read the traceback in {failed}; {kept}",
    )
