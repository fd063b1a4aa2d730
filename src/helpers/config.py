"""Where things live. One place decides the repo root, the cache and the data source.

Where data comes from is one switch, `data_mode()`:

- ``vintage`` (the default): the pinned vintage committed under ``data/vintage/``; no network.
- ``snapshot``: the full offline snapshot named by ``SNAPSHOT_DIR`` (setting it selects this).
- ``live``: yfinance, FRED and the Ken French library (``SMALLCAP_DATA=live``, or
  ``make reports DATA=live``) for every series that has a live source; the others come from
  the snapshot when ``SNAPSHOT_DIR`` is set, else from the vintage.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from helpers.errors import DataError

SNAPSHOT_ENV = "SNAPSHOT_DIR"
CACHE_ENV = "SMALLCAP_CACHE_DIR"
DATA_ENV = "SMALLCAP_DATA"
VINTAGE_ENV = "SMALLCAP_VINTAGE_DIR"
DATA_MODES = ("vintage", "snapshot", "live")
ROOT_ENV = "SMALLCAP_ROOT"
LEDGER_ENV = "SMALLCAP_LEDGER"  # another claims.yaml (tests use fixtures)
# Set by `run-notebook` for the kernel: the run's staging folder for results, and the notebook.
RESULTS_ENV = "SMALLCAP_RESULTS_DIR"
NOTEBOOK_ENV = "SMALLCAP_NOTEBOOK"
# The verdict regression table inside the vintage folder (helpers.claims.pinned reads it).
PINNED_VERDICTS = "verdicts.csv"


def repo_root() -> Path:
    """The project tree: `SMALLCAP_ROOT` when set (the Makefile tests run a throwaway tree
    with the installed package), else the checkout the package was installed from."""
    override = os.environ.get(ROOT_ENV)
    return _resolved(override) if override else _installed_root()


@cache
def _installed_root() -> Path:
    """The checkout this package was installed from (editable install), else the cwd.

    Cached: every cache and snapshot lookup asks, and the answer cannot change in a process.
    """
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd()


def shown_path(path: Path) -> str:
    """A path as a command run from the repository root names it (absolute when outside)."""
    try:
        return Path(path).resolve().relative_to(repo_root()).as_posix()
    except ValueError:
        return str(path)


def cache_dir() -> Path:
    """The cache (Arrow IPC parts, JSON manifests); `SMALLCAP_CACHE_DIR` overrides it."""
    override = os.environ.get(CACHE_ENV)
    return _resolved(override) if override else repo_root() / "data" / "cache"


@cache
def _resolved(raw: str) -> Path:
    return Path(raw).resolve()


def vintage_dir() -> Path:
    """The pinned data vintage; `SMALLCAP_VINTAGE_DIR` overrides (tests use a temp dir)."""
    override = os.environ.get(VINTAGE_ENV)
    return _resolved(override) if override else repo_root() / "data" / "vintage"


def data_mode() -> str:
    """vintage, snapshot or live: `SMALLCAP_DATA` if set, else snapshot when `SNAPSHOT_DIR`
    is set, else vintage. Asking for snapshot without `SNAPSHOT_DIR` is an error."""
    raw = os.environ.get(DATA_ENV, "").strip().lower()
    if raw and raw not in DATA_MODES:
        raise DataError(
            f"{DATA_ENV}={raw!r} is not a data mode",
            f"use one of {', '.join(DATA_MODES)} (make reports DATA=live), or leave it unset",
        )
    if raw == "snapshot" and snapshot_dir() is None:
        raise DataError(
            f"{DATA_ENV}=snapshot but {SNAPSHOT_ENV} is not set",
            f"set {SNAPSHOT_ENV}=../shared/market-data, or leave {DATA_ENV} unset for the vintage",
        )
    return raw or ("snapshot" if snapshot_dir() is not None else "vintage")


def reports_dir() -> Path:
    return repo_root() / "reports"


def snapshot_dir() -> Path | None:
    """The offline snapshot folder when `SNAPSHOT_DIR` is set, else None.

    A relative path is resolved against the current directory first, then the repo root, so
    `SNAPSHOT_DIR=../shared/market-data` works from the repo root and from `notebooks/`.
    """
    raw = os.environ.get(SNAPSHOT_ENV, "").strip()
    return _resolve_snapshot(raw, os.getcwd()) if raw else None


@cache
def _resolve_snapshot(raw: str, cwd: str) -> Path:
    """Cached per (setting, cwd): warm loads ask for the snapshot folder once per series."""
    path = Path(raw).expanduser()
    if not path.is_absolute():
        candidates = [Path(cwd) / path, repo_root() / path]
        path = next((c for c in candidates if c.is_dir()), candidates[0])
    return path.resolve()
