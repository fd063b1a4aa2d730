"""Publishing a run's outputs: each notebook runs in a private folder under reports/; when the
run ends, the notebooks that succeeded are swapped in together, provided (on the vintage)
their verdicts are the pinned ones.

A publication is written to a journal (reports/.publishing.json) before its first rename,
so a run killed half way through one is finished by the next run (`recover`), never left
with new results beside an old page. Run folders and temp files killed runs left are removed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers import claims
from helpers.claims import pinned
from helpers.config import data_mode, shown_path, vintage_dir
from helpers.errors import NotebookRunError
from helpers.files import signals_deferred, sweep_tmp, write_text_atomic
from helpers.report import run_parameters, stylesheet

# Touched on every promotion: what the Makefile's scorecard rule depends on (see there).
RESULTS_STAMP = "STAMP"
RUN_PREFIX = ".run-"
JOURNAL = ".publishing.json"
STAGED_RESULTS = "results"


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

    @property
    def kernel_log(self) -> Path:
        return self.failed.with_suffix(".kernel.log")


def new_run_folder(reports: Path, stem: str) -> Path:
    """A private work folder under reports/ for one notebook's run (same file system as what
    it replaces, so publishing is renames), with its staging folder for results."""
    work = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{stem}-", dir=reports))
    (work / STAGED_RESULTS).mkdir()
    return work


def recover(reports: Path, say: Callable[[str], object]) -> None:
    """What runs killed before this one left: a publication begun is finished (`say` notes
    it), run folders are removed, and temp files of dead writers swept. Called under the
    build lock, so no live run owns any of them."""
    journal = reports / JOURNAL
    if journal.is_file():
        entries = json.loads(journal.read_text(encoding="utf-8"))
        for entry in entries:
            _apply(reports, entry)
        journal.unlink()
        stems = ", ".join(entry["stem"] for entry in entries)
        say(f"note: finished publishing {stems}, which a killed run had begun")
    for folder in sorted(p for p in reports.glob(f"{RUN_PREFIX}*") if p.is_dir()):
        shutil.rmtree(folder, ignore_errors=True)
    for folder in (reports, reports / "results", reports / "executed", reports / "failed"):
        if folder.is_dir():
            sweep_tmp(folder)


def publish(reports: Path, runs: list[tuple[Path, str]]) -> list[Path]:
    """Swap the outputs of successful runs, (run folder, notebook stem), in as one unit: each
    notebook's results (dropping those it no longer makes), its non-default note (or the
    removal of an old one), its executed notebook, then its page; an old failure of it is
    cleared. Interrupts wait until it is done; a kill half way
    is finished by the next run (`recover`), from the journal written first. Returns the
    pages."""
    entries = [_entry(reports, work, stem) for work, stem in runs]
    stylesheet.write(reports)  # every page links it
    journal = reports / JOURNAL
    with signals_deferred():
        write_text_atomic(journal, json.dumps(entries, indent=1) + "\n")
        for entry in entries:
            _apply(reports, entry)
        journal.unlink()
    return [ReportPaths.for_stem(reports, stem).html for _, stem in runs]


def _entry(reports: Path, work: Path, stem: str) -> dict:
    """One notebook's publication as the journal records it: moves and removals, relative to
    the reports folder."""
    paths = ReportPaths.for_stem(reports, stem)
    produced = sorted((work / STAGED_RESULTS).glob("*.json"))
    names = {path.name for path in produced}
    stale = [p for p in _results_of(paths.results, stem) if p.name not in names]
    moves = [(p, paths.results / p.name) for p in produced]
    removes = [*stale, paths.failed, paths.kernel_log]
    note = run_parameters.note_path(work, stem)
    if note.is_file():
        moves.append((note, run_parameters.note_path(reports, stem)))
    else:
        removes.append(run_parameters.note_path(reports, stem))
    moves += [(work / f"{stem}.ipynb", paths.executed), (work / f"{stem}.html", paths.html)]
    return {
        "stem": stem,
        "moves": [[_inside(reports, a), _inside(reports, b)] for a, b in moves],
        "removes": [_inside(reports, p) for p in removes],
    }


def _apply(reports: Path, entry: dict) -> None:
    """Carry out a journal entry; moves already made are skipped, so it can be replayed."""
    for relative in entry["removes"]:
        (reports / relative).unlink(missing_ok=True)
    for source, target in entry["moves"]:
        if (reports / source).exists():
            replace(reports / source, reports / target)
    (reports / "results").mkdir(parents=True, exist_ok=True)
    (reports / "results" / RESULTS_STAMP).touch()


def _inside(reports: Path, path: Path) -> str:
    return path.relative_to(reports).as_posix()


def _results_of(results: Path, stem: str) -> list[Path]:
    """The published results whose "notebook" field names `stem` (unreadable ones are left
    for the scorecard and the vintage check to name)."""
    return [path for path in sorted(results.glob("*.json")) if _result_notebook(path) == stem]


def _result_notebook(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("notebook")
    except (OSError, ValueError, AttributeError):
        return None


def replace(source: Path, target: Path) -> None:
    """Atomically put `source` at `target` (same filesystem), creating parent folders."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def keep_failed(executed: Path, paths: ReportPaths, kernel_log: Path) -> Path | None:
    """Move what a failed run saved to reports/failed/ (the kernel's log beside it, when the
    kernel wrote one); None, and no older copy left there to be mistaken for it, when the run
    saved nothing."""
    if kernel_log.exists() and kernel_log.stat().st_size:
        replace(kernel_log, paths.kernel_log)
    else:
        paths.kernel_log.unlink(missing_ok=True)
    if executed.exists():
        replace(executed, paths.failed)
        return paths.failed
    paths.failed.unlink(missing_ok=True)
    return None


# ------------------------------------------------------------------ the pinned verdicts


@dataclass(frozen=True)
class PinnedGate:
    """On the vintage, a run whose results differ from data/vintage/verdicts.csv publishes
    nothing: the vintage check runs before anything is replaced, not after. `expected` is
    None where nothing is pinned (other data, or differences allowed on purpose)."""

    expected: dict[str, dict] | None

    @classmethod
    def for_run(cls, allow_changes: bool) -> PinnedGate:
        folder = vintage_dir()
        if allow_changes or data_mode() != "vintage" or not (folder / "manifest.json").is_file():
            return cls(None)
        return cls(pinned.read_of(folder))

    def check(self, reports: Path, runs: list[tuple[Path, str]]) -> None:
        """Raise one NotebookRunError with the table when the runs' results differ from the
        pinned ones (every claim they recorded, and every pinned claim the ledger gives their
        notebooks); the run of each notebook with a difference is kept in reports/failed/."""
        if self.expected is None or not runs:
            return
        staged = {stem: claims.read_results(work / STAGED_RESULTS) for work, stem in runs}
        owner = {row.id: row.notebook for row in claims.load_ledger()}
        owner |= {cid: stem for stem, results in staged.items() for cid in results}
        recorded = {cid: result for results in staged.values() for cid, result in results.items()}
        wanted = set(recorded) | {cid for cid in self.expected if owner.get(cid) in staged}
        expected = {cid: self.expected[cid] for cid in wanted if cid in self.expected}
        differences = pinned.differences(expected, recorded)
        if not differences:
            return
        differing = sorted({owner[row["claim_id"]] for row in differences})
        for work, stem in runs:
            if stem in differing:
                replace(work / f"{stem}.ipynb", ReportPaths.for_stem(reports, stem).failed)
        raise NotebookRunError(
            f"{len(differences)} claim(s) of {', '.join(differing)} differ from "
            f"{shown_path(vintage_dir() / pinned.PINNED_FILE)}, so nothing of this run was "
            f"published (what they measured is in {shown_path(reports / 'failed')}):\n"
            f"{pinned.format_table(differences)}",
            f"{pinned.CHANGED_FIX}; to publish without pinning, run-notebook "
            "--allow-changed-verdicts",
        )
