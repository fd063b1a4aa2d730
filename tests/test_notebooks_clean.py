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


RULE_READS = (".rule[", ".rule.get(", ".choice(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_leaves_rules_to_the_package(path):
    """A notebook asks the package for a row's measurement; it never reads a rule's keys
    (`claim.rule[...]`, `.rule.get(...)`): the analysis room's measure_* functions resolve
    them, so a ledger edit reaches every notebook the same way (issue 9)."""
    found = [
        f"cell {index}: {line.strip()}"
        for index, cell in enumerate(code_cells(path))
        for line in cell.source.splitlines()
        if any(read in line for read in RULE_READS)
    ]
    assert not found, f"{path.name} reads rule keys itself:\n" + "\n".join(found)
