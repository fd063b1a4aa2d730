"""Write the make rules that tie each report to the code its notebook runs.

For every notebooks/NN_x.ipynb, the `helpers` modules its code cells import, followed
transitively through every import inside src/helpers (imports inside functions too, and the
packages' __init__ files, which Python runs on the way), plus what renders every page (the
HTML conversion and the report template). The registry imports a measure's module by name,
which no import statement shows, so a notebook also depends on the measure modules of the
ledger rows it shows (their `measured_by`, mapped by the registry's MEASURES). Editing the
scorecard or the command line then reruns no notebook, and editing one analysis or measure
module reruns only the notebooks that reach it.

Usage: python scripts/notebook_deps.py OUTPUT NOTEBOOK... (the Makefile's .make/deps.mk).
Standard library only: make runs it whenever a notebook or a module changes.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import sys
from pathlib import Path

SRC = Path("src")
PACKAGE = "helpers"
# What shapes every report page whatever the notebook imports (the verdict box's template is
# read by helpers.verdict_box, which a notebook imports through the claims room).
LEDGER = Path("data/claims.yaml")
REGISTRY = SRC / "helpers" / "measures" / "registry.py"
PAGE_FILES = [
    "src/helpers/report/conversion.py",
    "src/helpers/report/templates/report.html.j2",
    "src/helpers/templates/verdict.html.j2",
]


def module_file(name: str) -> Path | None:
    """The file of a `helpers...` module or package, None when there is none."""
    base = SRC.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_names(tree: ast.AST, current: str, is_package: bool) -> set[str]:
    """Every `helpers` module an AST imports, as dotted names (parents included)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = current.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    names: set[str] = set()
    for name in found:
        parts = name.split(".")
        if parts[0] != PACKAGE:
            continue
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {name for name in names if module_file(name) is not None}


@functools.cache
def module_imports(name: str) -> frozenset[str]:
    """The `helpers` modules one module imports (parsed once, however many notebooks reach it)."""
    path = module_file(name)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return frozenset(imported_names(tree, name, path.name == "__init__.py"))


def closure(start: set[str]) -> set[str]:
    """The modules `start` reaches through imports."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(module_imports(name) - seen)
    return seen


def notebook_imports(notebook: Path) -> set[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    names: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue  # the run itself will say so
        names |= imported_names(tree, "__main__", False)
    return names


def registry_modules() -> dict[str, str]:
    """The registry's MEASURES literal: measure name -> `helpers.measures` module name."""
    if not REGISTRY.is_file():
        return {}
    for node in ast.walk(ast.parse(REGISTRY.read_text(encoding="utf-8"))):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id == "MEASURES":
            return ast.literal_eval(node.value)
    return {}


def scanned_rows(ledger_text: str) -> dict[str, tuple[str | None, str | None]]:
    """Row id -> (its notebook, its rule's measured_by), each the row's own or else its
    group's. The ledger is read as text (this script runs before the project's environment
    exists): each row is a `- id:` block, each group an entry under `groups:` (one flow line,
    or a block whose `rule:` keys sit under it), their keys indented by convention;
    tests/test_speed.py holds this reading to the package's own."""
    head, _, rest = ledger_text.partition("\nclaims:")
    claims = rest.split("\nconsistency:", 1)[0]
    groups: dict[str, tuple[str | None, str | None]] = {}
    for entry in re.split(r"^(?=  [\w-]+:)", head.partition("\ngroups:\n")[2], flags=re.M):
        name = re.match(r"  ([\w-]+):", entry)
        if name:
            groups[name.group(1)] = (
                _found(r"(?:^    |[{,] *)notebook: *([\w-]+)", entry),
                _found(r"(?:^      |[{,] *)measured_by: *(\w+)", entry),
            )
    found = {}
    for block in re.split(r"^- id: ", claims, flags=re.M)[1:]:
        group = groups.get(_found(r"^  group: *(\S+)", block) or "", (None, None))
        found[block.split(None, 1)[0]] = (
            _found(r"^  notebook: *(\S+)", block) or group[0],
            _found(r"^    measured_by: *(\w+)", block) or group[1],
        )
    return found


def _found(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text, re.M)
    return match.group(1) if match else None


def measured_modules(ledger_text: str, measures: dict[str, str]) -> dict[str, set[str]]:
    """Notebook stem -> the measure modules of its ledger rows (scanned_rows)."""
    found: dict[str, set[str]] = {}
    for notebook, key in scanned_rows(ledger_text).values():
        if notebook and key in measures:
            found.setdefault(notebook, set()).add(f"helpers.measures.{measures[key]}")
    return found


def rules(notebooks: list[Path]) -> str:
    lines = ["# Written by scripts/notebook_deps.py: do not edit."]
    page = [path for path in PAGE_FILES if Path(path).is_file()]
    every: set[str] = set(page)
    ledger = LEDGER.read_text(encoding="utf-8") if LEDGER.is_file() else ""
    measured = measured_modules(ledger, registry_modules())
    for notebook in notebooks:
        reached = closure(notebook_imports(notebook) | measured.get(notebook.stem, set()))
        files = sorted({str(module_file(name)) for name in reached})
        every.update(files)
        lines.append(f"reports/{notebook.stem}.html: {' '.join(files + page)}")
    # An empty rule per file (as gcc -MP writes): a module deleted or moved since these rules
    # were written is then no "No rule to make target" error before they are rewritten.
    lines += [f"{path}:" for path in sorted(every)]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    output, notebooks = Path(argv[0]), [Path(arg) for arg in argv[1:]]
    temporary = output.with_suffix(".tmp")
    try:
        text = rules(notebooks)
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    except OSError as exc:  # a read-only checkout, a notebook that cannot be read
        print(
            f"error: cannot write {exc.filename or output}: {exc.strerror or exc}\n"
            "  -> fix: run make in a writable checkout (make writes .make/ and reports/ there)",
            file=sys.stderr,
        )
        return 2
    except (ValueError, KeyError, SyntaxError) as exc:  # a notebook that does not parse
        print(
            f"error: cannot read the imports of the notebooks: {exc}\n"
            "  -> fix: restore the file it names (git checkout -- <file>), then run make again",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
