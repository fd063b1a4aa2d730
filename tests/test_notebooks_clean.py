"""Committed notebooks carry no outputs and take papermill parameters."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.config import repo_root

NOTEBOOKS = sorted((repo_root() / "notebooks").glob("*.ipynb"))


def code_cells(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_notebooks_exist():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    dirty = [
        index
        for index, cell in enumerate(code_cells(path))
        if cell.outputs or cell.execution_count is not None
    ]
    assert not dirty, f"{path.name}: code cells {dirty} have outputs; run nbstripout on it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_parameters_cell(path):
    tagged = [cell for cell in code_cells(path) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: tag exactly one code cell `parameters` for papermill"


# What a notebook never writes: it asks the book for a group's measurements
# (book.measure_group), so it neither reads a row's rule nor wires a row to a function by hand
# (record, lambda adapters) nor judges a value itself.
HAND_WIRING = (
    ".rule",
    ".choice(",
    "lambda",
    "record(",
    "record_readings(",
    "record_measurements(",
    "judging.",
    "evaluate(",
    "evaluate_tested(",
)


def hand_wiring(source: str) -> list[str]:
    """The lines of one code cell that read a rule, wire a row or judge a value by hand."""
    return [line.strip() for line in source.splitlines() if any(w in line for w in HAND_WIRING)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_leaves_rules_measures_and_verdicts_to_the_package(path):
    """A notebook measures each group with one call and narrates: the ledger row names its
    measure, the package measures every reading and judges it, so a ledger edit reaches
    every notebook the same way and no verdict is computed in a notebook (issues 9 and 20)."""
    found = [
        f"cell {index}: {line}"
        for index, cell in enumerate(code_cells(path))
        for line in hand_wiring(cell.source)
    ]
    assert not found, f"{path.name} wires rows or judges by hand:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "    display(book.record(claim.id, rank, series=claim.series))",
        "measure = lambda view: streaks.measure_streak_length(view, as_of)  # noqa: E731",
        "display(book.record_readings(claim.id, lambda view: f(view, as_of)))",
        'sessions = claim.rule["sessions"]',
        "verdict = judging.evaluate(rule, 9, 10).verdict",
    ],
)
def test_the_scan_catches_hand_wiring(line):
    assert hand_wiring(line) == [line.strip()]
    assert hand_wiring('book.measure_group("ytd-rut")') == []
