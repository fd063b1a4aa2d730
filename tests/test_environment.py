"""pyproject.toml (what the project needs), requirements.lock (what pip installs) and
environment.yml (what conda installs) must agree: every package the project names is pinned
to the same version in the lock and in the conda file, and that version meets its floor."""

from __future__ import annotations

import re

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from helpers.config import repo_root

tomllib = pytest.importorskip("tomllib")  # standard library from Python 3.11

# Conda-only entries with no pip counterpart in the dependency lists.
CONDA_ONLY = {"python", "pip"}
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)", re.MULTILINE)


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {canonicalize_name(Requirement(t).name): Requirement(t) for t in texts}


def lock_pins() -> dict[str, str]:
    text = (repo_root() / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def conda_environment() -> dict:
    return yaml.safe_load((repo_root() / "environment.yml").read_text(encoding="utf-8"))


def conda_pins() -> dict[str, str]:
    pins = {}
    for dep in conda_environment()["dependencies"]:
        if isinstance(dep, str):
            name, _, version = re.split(r"(==|=)", dep, maxsplit=1) if "=" in dep else (dep, "", "")
            pins[canonicalize_name(name)] = version
    return pins


def test_every_declared_package_is_locked_at_a_version_meeting_its_floor():
    pins = lock_pins()
    for name, requirement in declared().items():
        assert name in pins, f"{name} is declared in pyproject.toml but not in the lock"
        assert requirement.specifier.contains(Version(pins[name])), name


def test_conda_pins_exactly_what_the_lock_pins_for_every_declared_package():
    conda = {k: v for k, v in conda_pins().items() if k not in CONDA_ONLY}
    locked = lock_pins()
    assert conda == {name: locked[name] for name in declared()}


def test_conda_python_is_the_one_the_lock_was_resolved_with():
    header = (repo_root() / "requirements.lock").read_text(encoding="utf-8")
    resolved = re.search(r"with Python (\d+\.\d+)", header)[1]
    assert conda_pins()["python"] == resolved


def test_conda_environment_installs_this_project_editable():
    pip_entries = [dep for dep in conda_environment()["dependencies"] if isinstance(dep, dict)]
    assert {"pip": ["-e ."]} in pip_entries
