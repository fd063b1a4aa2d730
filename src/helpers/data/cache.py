"""The on-disk cache: Arrow IPC parts plus one JSON manifest per series, written atomically.

Layout under `config.cache_dir()`::

    <kind>/<name>.json                         manifest (the commit point of an entry)
    <kind>/<name>.<n>.<token>.arrow            part n of the entry, named in the manifest
    <kind>/<name>.lock                         held by a writer while it replaces the entry
    STAMP                                      touched only when some entry changed

An entry is replaced by writing its new parts under fresh names, then swapping the manifest
in with `os.replace`, then removing the old parts. A refresh that dies half way therefore
leaves the previous manifest pointing at the previous, complete parts.

Parts are uncompressed Arrow IPC files, not Parquet like the vintage: the vintage is committed
and wants to be small, the cache is read by every notebook and wants to be fast (reading one
is a copy, not a decode). Files are read into memory, not memory-mapped, so a part that is
truncated under a reader is a CorruptCacheError rather than a crash.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from functools import partial
from pathlib import Path

import pandas as pd

# Registers pandas' Arrow period type (as pandas.io.parquet does): without it a fresh process
# reads a cached PeriodIndex back as plain int64 ordinals.
import pandas.core.arrays.arrow.extension_types  # noqa: F401
import pyarrow as pa
from pyarrow import ArrowException

from helpers.config import cache_dir
from helpers.data.freshness import CACHE_FORMAT, part_stat
from helpers.data.keys import kind_of, name_of
from helpers.errors import CorruptCacheError, first_line
from helpers.files import atomic_write, exclusive_lock, sweep_tmp, write_json_atomic

MANIFEST_FIELDS = (
    "series",
    "source",
    "origin",
    "retrieved_at",
    "first",
    "last",
    "rows",
    "columns",
    "parts",
)
STAMP = "STAMP"
PART_SUFFIX = ".arrow"


def entry_dir(key: str) -> Path:
    return cache_dir() / kind_of(key)


def _stem(key: str) -> str:
    return name_of(key).replace("/", "__")


def manifest_path(key: str) -> Path:
    return entry_dir(key) / f"{_stem(key)}.json"


def _refresh_fix(key: str) -> str:
    return f"rebuild it: python -m helpers data refresh --force {key}"


def read_manifest(key: str) -> dict | None:
    """The manifest of a cached series, None when there is none."""
    path = manifest_path(key)
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return parse_manifest(text, path, key)


def parse_manifest(text: str, path: Path, key: str) -> dict:
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptCacheError(
            f"cache manifest {path} is not valid JSON ({exc})", _refresh_fix(key)
        ) from exc
    missing = [f for f in MANIFEST_FIELDS if not isinstance(manifest, dict) or f not in manifest]
    if missing:
        raise CorruptCacheError(
            f"cache manifest {path} lacks {', '.join(missing)}", _refresh_fix(key)
        )
    return manifest


def read_part(manifest: dict, part: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One part of an entry; an unreadable file is a CorruptCacheError, not a trace.

    If the part vanished because another process replaced the entry after `manifest` was
    read, the part named by the manifest now on disk is read instead (once).
    """
    key = manifest["series"]
    path = part_path(manifest, part)
    try:
        return _read_ipc(path, columns)
    except FileNotFoundError:
        current = read_manifest(key)
        if current is None or current["parts"].get(part) in (None, path.name):
            raise _unreadable(path, key, FileNotFoundError("the part file is missing")) from None
        return read_part(current, part, columns)
    except (OSError, ValueError, ArrowException) as exc:
        raise _unreadable(path, key, exc) from exc


def _read_ipc(path: Path, columns: list[str] | None) -> pd.DataFrame:
    table = pa.ipc.open_file(pa.py_buffer(path.read_bytes())).read_all()
    return (table if columns is None else table.select(columns)).to_pandas(use_threads=False)


def _write_ipc(frame: pd.DataFrame, path: str) -> None:
    table = pa.Table.from_pandas(frame)
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _unreadable(path: Path, key: str, exc: Exception) -> CorruptCacheError:
    return CorruptCacheError(
        f"cache file {path} for {key!r} cannot be read ({first_line(exc)})", _refresh_fix(key)
    )


def write_entry(key: str, parts: dict[str, pd.DataFrame], manifest: dict) -> dict:
    """Store the parts and their manifest; return the manifest as written.

    Writers of one key take turns (`_entry_lock`), so two notebooks filling the same entry
    under `make -j` cannot delete each other's parts and leave a manifest pointing at nothing.
    """
    folder = entry_dir(key)
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    names = {part: f"{_stem(key)}.{n}.{token}{PART_SUFFIX}" for n, part in enumerate(parts)}
    manifest = {**manifest, "series": key, "format": CACHE_FORMAT, "parts": names}
    with _entry_lock(key):
        try:
            for part, frame in parts.items():
                atomic_write(folder / names[part], partial(_write_ipc, frame))
            manifest["written"] = {part: part_stat(folder / name) for part, name in names.items()}
            write_json_atomic(manifest_path(key), manifest, indent=1)
        except BaseException:
            for name in names.values():  # parts no manifest will ever name
                (folder / name).unlink(missing_ok=True)
            raise
        _remove_unlisted_parts(key, set(names.values()))
    return manifest


def part_path(manifest: dict, part: str) -> Path:
    """The file of one part an entry's manifest names."""
    return manifest_path(manifest["series"]).with_name(manifest["parts"][part])


def parts_readable(manifest: dict) -> bool:
    """Whether every part the manifest names exists and has a valid Arrow IPC footer.

    Opens only the footers, so `data refresh` can find a part that was truncated or
    overwritten without loading any data.
    """
    folder = manifest_path(manifest["series"]).parent
    for name in manifest["parts"].values():
        try:
            with pa.OSFile(str(folder / name)) as source:
                pa.ipc.open_file(source)
        except (OSError, ValueError, ArrowException):
            return False
    return True


# Parts end in .arrow; .parquet ones were written by cache format 2 and are swept like orphans.
_PART_NAME = r"\.\d+\.[0-9a-f]{8}\.(?:arrow|parquet)"
_PART = re.compile(r"(?P<stem>.+)" + _PART_NAME)


def remove_orphan_parts() -> list[Path]:
    """Remove what killed writers left: parts no manifest names, and temp files; return them.

    Each entry is swept under its lock, so the parts a running writer has written but not yet
    named in its manifest are never taken; a temp file is taken only when its writer is gone.
    """
    removed = sweep_tmp(cache_dir()) if cache_dir().is_dir() else []
    for folder in sorted(p for p in cache_dir().glob("*") if p.is_dir()):
        removed += sweep_tmp(folder)
        stems = {m["stem"] for m in map(_PART.fullmatch, (p.name for p in folder.iterdir())) if m}
        orphans: list[Path] = []
        for stem in sorted(stems):
            with exclusive_lock(folder / f"{stem}.lock"):
                orphans += _unlisted_parts(folder, stem, _listed_parts(folder / f"{stem}.json"))
        for path in orphans:
            path.unlink(missing_ok=True)
        removed += orphans
    return removed


def _listed_parts(manifest: Path) -> set[str] | None:
    """The part names a manifest file lists; None when it cannot be read (keep its parts)."""
    try:
        return set(json.loads(manifest.read_text())["parts"].values())
    except FileNotFoundError:
        return set()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _unlisted_parts(folder: Path, stem: str, keep: set[str] | None) -> list[Path]:
    if keep is None:
        return []
    own = re.compile(re.escape(stem) + _PART_NAME)
    return [p for p in folder.iterdir() if own.fullmatch(p.name) and p.name not in keep]


def _entry_lock(key: str):
    """An exclusive advisory lock on `<name>.lock` beside the entry (no-op without fcntl)."""
    return exclusive_lock(manifest_path(key).with_suffix(".lock"))


def _remove_unlisted_parts(key: str, keep: set[str]) -> None:
    for path in _unlisted_parts(entry_dir(key), _stem(key), keep):
        path.unlink(missing_ok=True)


def all_manifests() -> list[tuple[Path, dict | None]]:
    """Every manifest file in the cache with its content (None when it cannot be parsed)."""
    found: list[tuple[Path, dict | None]] = []
    for path in sorted(cache_dir().glob("*/*.json")):
        try:
            found.append((path, json.loads(path.read_text())))
        except (OSError, json.JSONDecodeError):
            found.append((path, None))
    return found


def touch_stamp() -> Path:
    """Mark that cached data changed; the Makefile rebuilds reports when this file is newer."""
    stamp = cache_dir() / STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    return stamp


def restore_stamp() -> Path | None:
    """Recreate a missing STAMP, dated at the newest manifest (when the cache last changed).

    Without it make treats the stamp as remade on every run and rebuilds every report; dated
    now, it would rebuild them once for no change. None when there is nothing to date it by.
    """
    stamp = cache_dir() / STAMP
    manifests = [path for path, _ in all_manifests()]
    if stamp.exists() or not manifests:
        return None
    newest = max(path.stat().st_mtime_ns for path in manifests)
    stamp.touch()
    os.utime(stamp, ns=(newest, newest))
    return stamp
