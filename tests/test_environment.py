"""environment.yml (conda) and pyproject.toml (pip) must pin the same packages and floors."""

from __future__ import annotations

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers.config import repo_root

tomllib = pytest.importorskip("tomllib")  # standard library from Python 3.11

# Conda-only entries with no pip counterpart in the dependency lists.
CONDA_ONLY = {"python", "pip"}


def lower_bounds(requirements: list[str]) -> dict[str, str]:
    """{normalised name: ">=" floor or ""} for PEP 508 / conda `name>=x` strings."""
    bounds = {}
    for text in requirements:
        req = Requirement(text)
        floors = [spec.version for spec in req.specifier if spec.operator == ">="]
        bounds[canonicalize_name(req.name)] = floors[0] if floors else ""
    return bounds


def pyproject() -> dict:
    return tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))


def conda_environment() -> dict:
    return yaml.safe_load((repo_root() / "environment.yml").read_text(encoding="utf-8"))


def conda_requirements() -> list[str]:
    return [dep for dep in conda_environment()["dependencies"] if isinstance(dep, str)]


def test_conda_and_pip_list_the_same_packages_and_floors():
    project = pyproject()["project"]
    pip_side = lower_bounds(project["dependencies"] + project["optional-dependencies"]["dev"])
    conda_side = lower_bounds(conda_requirements())
    for name in CONDA_ONLY:
        conda_side.pop(name, None)

    assert conda_side == pip_side


def test_python_floor_matches_requires_python():
    python = lower_bounds(conda_requirements())["python"]
    assert pyproject()["project"]["requires-python"] == f">={python}"


def test_conda_environment_installs_this_project_editable():
    pip_entries = [dep for dep in conda_environment()["dependencies"] if isinstance(dep, dict)]
    assert {"pip": ["-e ."]} in pip_entries
