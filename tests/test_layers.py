"""The package's rooms import one way (README, Architecture): a test, so a shortcut across
rooms fails here instead of growing into a tangle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "helpers"
FOUNDATION = {
    "helpers",
    "helpers.errors",
    "helpers.config",
    "helpers.files",
    "helpers.buildinfo",
    "helpers.verdict_box",  # the one verdict box: claims records it, report lays pages out
    "helpers.notebooks",
}
# What each room may import besides the foundation and its own modules.
ALLOWED: dict[str, set[str]] = {
    "data": set(),
    "analysis": set(),  # pure: frames and numbers in and out, no data and no ledger
    "measures": {"helpers.data", "helpers.analysis"},  # data: the public API only
    # measures: the registry (which function a row names); data: used_sources only
    "claims": {"helpers.analysis.measurement", "helpers.measures", "helpers.data"},
    "report": {"data", "analysis", "claims"},
    "cli": {"data", "analysis", "measures", "claims", "report"},
}
# The data-layer calls the claims room may make: citing what was read, never loading.
CLAIMS_DATA_CALLS = {"used_sources", "clear_used_sources"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _room(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imports(tree: ast.AST) -> set[str]:
    """Every helpers module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            if node.module == "helpers":
                found |= {f"helpers.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("helpers")}
    return found


def _allowed(room: str | None, module: str) -> bool:
    if module in FOUNDATION:
        return True
    if room is None:  # the foundation imports only the foundation
        return False
    own = f"helpers.{room}"
    if module == own or module.startswith(own + "."):
        return True
    for other in ALLOWED[room]:
        target = other if other.startswith("helpers") else f"helpers.{other}"
        public_only = target == "helpers.data" and room in ("measures", "claims")
        if module == target or (not public_only and module.startswith(target + ".")):
            return True
    return False


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_imports_only_what_its_room_may(path):
    room = _room(path)
    if room is None and path.name in ("__init__.py", "__main__.py"):
        return  # the package root re-exports and starts the CLI
    bad = sorted(m for m in _imports(ast.parse(path.read_text())) if not _allowed(room, m))
    assert not bad, f"{path.relative_to(PACKAGE)} (room {room or 'foundation'}) imports {bad}"


def test_the_claims_room_cites_data_but_never_loads_it():
    for path in (PACKAGE / "claims").glob("*.py"):
        tree = ast.parse(path.read_text())
        calls = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "data"
        }
        assert calls <= CLAIMS_DATA_CALLS, (
            f"{path.name} calls data.{sorted(calls - CLAIMS_DATA_CALLS)}"
        )


def test_a_room_crossing_is_caught():
    """The check itself can fail: analysis loading data or reading the ledger, and a measure
    reaching into the data layer's internals or the claims room."""
    tree = ast.parse("from helpers import data\nfrom helpers.claims import record\n")
    assert {m for m in _imports(tree) if not _allowed("analysis", m)} == {
        "helpers.data",
        "helpers.claims",
    }
    tree = ast.parse("from helpers.data.store import load\nfrom helpers.claims import Row\n")
    assert {m for m in _imports(tree) if not _allowed("measures", m)} == {
        "helpers.data.store",
        "helpers.claims",
    }
