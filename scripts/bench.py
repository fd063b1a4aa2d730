"""Time the research loop: set-up of a fresh clone, the floor, a full and a no-op `make
reports`, a warm data load and `make test`.

Run from the repository root with `make bench` (SNAPSHOT_DIR passes through for offline use).
The floor is what running notebooks costs with the stock tools alone: as many trivial
notebooks as the repo has, each through the plain `papermill` and `jupyter nbconvert --to
html` command lines, one after another. The full rebuild is `make reports` with every notebook
pretended modified; the goal is a ratio (full / floor) of at most 0.5. Set-up is `make setup`
in a fresh local clone of HEAD (its .venv from the lock, with whatever download cache this
machine has). Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from helpers.config import repo_root

LOAD_RUNS = 5
NOOP_RUNS = 3
KERNEL = "smallcap-claims"
MAKE = ["make", "--no-print-directory"]
LOAD_CORE = (
    "import time\n"
    "from helpers.data import load_core\n"
    "start = time.perf_counter()\n"
    "load_core()\n"
    "print(time.perf_counter() - start)\n"
)


def run(command: list[str], cwd: Path | None = None) -> str:
    """Run a command (from the repo root by default); on failure show its output and stop."""
    done = subprocess.run(command, cwd=cwd or repo_root(), capture_output=True, text=True)
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


def noop_seconds(runs: int = NOOP_RUNS) -> float:
    """Median time of `make reports` with nothing to do."""
    return statistics.median(seconds([*MAKE, "reports"]) for _ in range(runs))


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
    """`count` trivial notebooks through the `papermill` and `jupyter nbconvert --to html`
    command lines of this environment, one process each, one after another."""
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="smallcap-bench-") as tmp:
        folder = Path(tmp)
        paths = [folder / f"{n:02d}_trivial.ipynb" for n in range(count)]
        for path in paths:
            write_trivial_notebook(path)
        start = time.perf_counter()
        for path in paths:
            executed = path.with_name(f"{path.stem}.out.ipynb")
            papermill = [str(bin_dir / "papermill"), "-k", KERNEL, "--no-progress-bar"]
            run([*papermill, str(path), str(executed)], cwd=folder)
            run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", str(executed)], cwd=folder)
        return time.perf_counter() - start


def setup_seconds() -> float:
    """`make setup` in a fresh local clone of HEAD, in a folder whose name has a space."""
    with tempfile.TemporaryDirectory(prefix="smallcap bench-") as tmp:
        clone = Path(tmp) / "clone"
        run(["git", "clone", "--quiet", str(repo_root()), str(clone)])
        environment = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        start = time.perf_counter()
        done = subprocess.run(
            [*MAKE, "setup"], cwd=clone, env=environment, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"make setup in a fresh clone failed:\n{done.stdout}{done.stderr}")
    return seconds


def main() -> None:
    paths = notebooks()
    print(f"bringing reports up to date before timing ({len(paths)} notebooks) ...", flush=True)
    run([*MAKE, "reports"])
    print("timing set-up of a fresh clone, the floor, the rebuilds and make test ...", flush=True)
    setup = setup_seconds()
    floor = floor_seconds(len(paths))
    full = full_rebuild_seconds(paths)
    rows = [
        ("set-up: make setup in a fresh clone (.venv from the lock)", f"{setup:8.3f}"),
        (f"floor: {len(paths)} trivial notebooks, papermill + nbconvert CLIs", f"{floor:8.3f}"),
        (f"make reports, all {len(paths)} notebooks rerun", f"{full:8.3f}"),
        ("ratio full / floor (goal <= 0.5)", f"{full / floor:8.3f}"),
        (f"make reports, nothing changed (median of {NOOP_RUNS})", f"{noop_seconds():8.3f}"),
        (f"warm load_core(), median of {LOAD_RUNS} fresh processes", f"{warm_load_seconds():8.3f}"),
        ("make test (goal <= 60)", f"{seconds([*MAKE, 'test']):8.3f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  seconds")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
