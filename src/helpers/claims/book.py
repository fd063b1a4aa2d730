"""A notebook's book of ledger rows: which rows it must judge, measuring them group by group
through the measurement registry, and proof at the end that none was left out.

A notebook calls `book.measure_group("group")` and narrates: the ledger row names its
measurement (`measured_by`), `helpers.measures` measures each reading it lists, and
`helpers.claims.recording` judges them and writes the result json. Nothing about a row's
rule or verdict is computed in a notebook.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.claims.ledger import Row, near_misses
from helpers.claims.recording import Verdict, record, record_measurements
from helpers.claims.schema import checked_ledger, notebooks_home
from helpers.errors import LedgerError
from helpers.measures import registry
from helpers.measures.reading import Frames, Reading


@dataclass(frozen=True)
class GroupVerdicts:
    """The verdicts of one `measure_group` call: shows as their verdict boxes, one after
    another; `verdicts[claim_id]` is one of them (its `measurement` holds the details)."""

    shown: tuple[Verdict, ...]

    def __iter__(self) -> Iterator[Verdict]:
        return iter(self.shown)

    def __len__(self) -> int:
        return len(self.shown)

    def __getitem__(self, claim_id: str) -> Verdict:
        for verdict in self.shown:
            if verdict.claim_id == claim_id:
                return verdict
        raise KeyError(claim_id)

    def _repr_html_(self) -> str:
        return "".join(verdict._repr_html_() for verdict in self.shown)

    def __str__(self) -> str:
        return "\n".join(str(verdict) for verdict in self.shown)


class NotebookClaims:
    """The ledger rows one notebook must judge, and the ones it has recorded so far.

    Notebooks measure rows by group (an unknown group is an error, so a renamed group stops
    the run instead of silently skipping claims) and end with `check_complete()`, which fails
    when a testable row of the notebook was never recorded. `as_of` is the notebook's last
    close: every measure reads data up to it.
    """

    def __init__(
        self,
        notebook: str,
        as_of: str | None = None,
        path: Path | None = None,
        notebooks_dir: Path | None = None,
        articles_dir: Path | None = None,
    ):
        """Load the checked ledger: a row whose `notebook` is misspelt would otherwise be
        skipped here, and the pipeline would delete its last good result as no longer made."""
        home = notebooks_home(notebooks_dir)
        if not (home / f"{notebook}.ipynb").is_file():
            raise LedgerError(
                f"NotebookClaims({notebook!r}): there is no notebook {home / notebook}.ipynb",
                "pass this notebook's own file name without .ipynb, e.g. 01_january_2026_streak",
            )
        ledger = checked_ledger(path, notebooks_dir, articles_dir)
        self.notebook = notebook
        self.as_of = str(as_of) if as_of is not None else None
        self.rows = [row for row in ledger.rows if row.notebook == notebook]
        self.recorded: set[str] = set()
        self._by_id = ledger.by_id()
        self._frames = Frames()

    def group(self, name: str) -> list[Row]:
        rows = [row for row in self.rows if row.group == name]
        if not rows:
            known = sorted({row.group for row in self.rows})
            raise LedgerError(
                f"notebook {self.notebook} has no ledger rows in group {name!r}",
                f"use one of {known} or fix the group in data/claims.yaml",
            )
        return rows

    def row(self, claim_id: str) -> Row:
        """One of this notebook's rows by id (a row of another notebook is an error)."""
        rows = {row.id: row for row in self.rows}
        if claim_id not in rows:
            raise LedgerError(
                f"notebook {self.notebook} has no ledger row {claim_id!r}",
                near_misses(claim_id, rows),
            )
        return rows[claim_id]

    def measure_group(self, *groups: str) -> GroupVerdicts:
        """Measure, judge and record every row of the named groups, in ledger order: each
        reading a row lists is measured by the function its `measured_by` names, with data
        up to the notebook's `as_of`. Shows as the rows' verdict boxes."""
        shown = []
        for name in groups:
            for row in self.group(name):
                if row.testability == "not_testable":
                    continue  # shown from the ledger (not_testable_table), never measured
                measurements = {
                    reading: registry.measure(self._reading(row.reading(reading)))
                    for reading in row.reading_names
                }
                shown.append(record_measurements(row.id, measurements))
                self.recorded.add(row.id)
        return GroupVerdicts(tuple(shown))

    def _reading(self, view: Row) -> Reading:
        return Reading(view, data_end=self.as_of, rows=self._by_id, frames=self._frames)

    def record(self, claim_id: str, measured: Any, **kwargs: Any) -> Verdict:
        """`recording.record` for one of this notebook's rows: a value measured elsewhere
        (a row with no readings)."""
        verdict = record(self.row(claim_id).id, measured, **kwargs)
        self.recorded.add(claim_id)
        return verdict

    @property
    def not_testable(self) -> list[str]:
        return sorted(row.id for row in self.rows if row.testability == "not_testable")

    def not_testable_table(self) -> list[dict]:
        """The rows this notebook lists but cannot judge, with the ledger's reason; notebooks
        show it (as a DataFrame) so a reader sees what was left out and why."""
        return [
            {
                "claim": row.id,
                "what it says": row.claim,
                "claimed": row.claimed_value,
                "unit": row.unit,
                "why it cannot be tested here": row.testability_note,
            }
            for row in self.rows
            if row.testability == "not_testable"
        ]

    def check_complete(self) -> str:
        """Raise if a testable row was not recorded; else a one-line summary."""
        missing = sorted({row.id for row in self.rows} - self.recorded - set(self.not_testable))
        if missing:
            raise LedgerError(
                f"notebook {self.notebook} did not record {missing}",
                "measure their groups with book.measure_group(), or fix their notebook in "
                "the ledger",
            )
        return (
            f"recorded {len(self.recorded)} claims; "
            f"not testable (shown, not judged): {', '.join(self.not_testable) or 'none'}"
        )
