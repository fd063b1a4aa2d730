"""Time the report pipeline: warm data load, full and no-op `make reports`, and the floor.

Run from the repository root with `make bench` (SNAPSHOT_DIR passes through for offline use).
The floor is papermill + nbconvert on as many trivial notebooks as the repo has, run the same
way `make` runs them, so the gap to the full rebuild is the notebooks' own work.
Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from helpers.config import repo_root

LOAD_RUNS = 5
MAKE = ["make", "--no-print-directory"]
LOAD_CORE = (
    "import time\n"
    "from helpers.data import load_core\n"
    "start = time.perf_counter()\n"
    "load_core()\n"
    "print(time.perf_counter() - start)\n"
)


def run(command: list[str]) -> str:
    """Run a command from the repo root; on failure show its output and stop."""
    done = subprocess.run(command, cwd=repo_root(), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    run(command)
    return time.perf_counter() - start


def warm_load_seconds(runs: int = LOAD_RUNS) -> float:
    """Median time of `load_core()` in fresh processes, so only the disk cache is warm."""
    samples = [float(run([sys.executable, "-c", LOAD_CORE]).split()[-1]) for _ in range(runs)]
    return statistics.median(samples)


def notebooks() -> list[Path]:
    return sorted((repo_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def full_rebuild_seconds(paths: list[Path]) -> float:
    """`make reports` with every notebook pretended modified (`--what-if`), touching no file."""
    what_if = [f"--what-if={path.relative_to(repo_root())}" for path in paths]
    return seconds([*MAKE, "reports", *what_if])


def write_trivial_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('as_of = "2026-01-30"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(as_of)")]
    nbformat.write(nb, path)


def floor_seconds(count: int) -> float:
    """Run `count` trivial notebooks through `helpers run-notebook`, one process each."""
    with tempfile.TemporaryDirectory(prefix="smallcap-bench-") as tmp:
        folder = Path(tmp)
        paths = [folder / f"{n:02d}_trivial.ipynb" for n in range(count)]
        for path in paths:
            write_trivial_notebook(path)
        command = [sys.executable, "-m", "helpers", "run-notebook", "--reports-dir", tmp]
        start = time.perf_counter()
        for path in paths:
            run([*command, str(path)])
        return time.perf_counter() - start


def main() -> None:
    paths = notebooks()
    print(f"bringing reports up to date before timing ({len(paths)} notebooks) ...", flush=True)
    run([*MAKE, "reports"])
    rows = [
        (f"warm load_core(), median of {LOAD_RUNS} fresh processes", warm_load_seconds()),
        (f"make reports, all {len(paths)} notebooks rerun", full_rebuild_seconds(paths)),
        ("make reports, nothing changed", seconds([*MAKE, "reports"])),
        (
            f"floor: {len(paths)} trivial notebooks, papermill + nbconvert",
            floor_seconds(len(paths)),
        ),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  seconds")
    for label, value in rows:
        print(f"{label:<{width}}  {value:8.3f}")


if __name__ == "__main__":
    main()
