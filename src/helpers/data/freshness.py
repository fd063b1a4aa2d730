"""Is the cache current? The one home for every way the package decides that cached data
still stands for what it was read from, cheapest first:

1. `token_matches()`: on the vintage or a snapshot, no file a refresh depends on has moved
   since the last refresh that succeeded (size, mtime, ctime and inode of every file), so
   `data refresh` stops before it imports pandas.
2. `entry_is_current(manifest, key, where)`: one cache entry against its source: the same
   vintage (its id, the sha256 its manifest lists for each part, and the parts' stat) or the
   same snapshot file whose stat has not moved; a live entry until the next refresh.
3. `part_as_written(manifest, path)`: a cache part is still the file its writer validated,
   so a read may skip validating it again.
4. `outcome(before, after)`: after a re-read, whether the content changed, by the sha256 of
   what was read: the vintage parts (not the snapshot file they were derived from), the
   snapshot file, or the downloaded bytes.

Only the standard library at import: `data refresh` asks (1) before anything loads pandas.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from helpers.config import cache_dir, data_mode, snapshot_dir, vintage_dir

# Bumped when the stored layout or what a reader produces changes (a parser or validation fix):
# entries written under another format are rebuilt instead of serving the old parse.
# 2: blank prices inside a column and non-numeric cells are errors; 3: Arrow IPC parts;
# 4: entries record the sha256 of the vintage parts they were read from.
CACHE_FORMAT = 4
LIVE_SOURCES = ("yfinance", "fred", "french")

# ---------------------------------------------------------------- stat signatures


def stat_signature(path: Path) -> dict:
    """Size, mtime, ctime and inode of a file, or of a folder's CSV files taken together.

    What a warm load compares with the manifest: cheap (one stat per file, no hashing;
    os.scandir because the sp500 folder has 500+ files). ctime and inode catch what size and
    mtime miss: a same-length rewrite whose mtime was put back (`cp -p`, `touch -r`) still
    moves the ctime, and a file replaced by another has a new inode.
    """
    if not path.is_dir():
        stat = path.stat()
        return {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "ctime_ns": stat.st_ctime_ns,
            "inode": stat.st_ino,
        }
    with os.scandir(path) as entries:
        stats = [e.stat() for e in entries if e.name.endswith(".csv") and e.is_file()]
    return files_signature(stats)


def files_signature(stats: list[os.stat_result]) -> dict:
    """Several files' stats as one signature (count, total size, newest times, inode sum)."""
    return {
        "size": sum(s.st_size for s in stats),
        "mtime_ns": max((s.st_mtime_ns for s in stats), default=0),
        "ctime_ns": max((s.st_ctime_ns for s in stats), default=0),
        "inodes": sum(s.st_ino for s in stats),
        "files": len(stats),
    }


def _same_signature(origin: dict, signature: dict | None) -> bool:
    return signature is not None and all(origin.get(k) == v for k, v in signature.items())


# ---------------------------------------------------------------- 1. the refresh token
#
# `make reports` runs `data refresh` every time. On the vintage, a refresh that succeeded
# records the stat of every file it depends on: the vintage, the cache (manifests and parts),
# the STAMP and the data layer's code. When none has moved, the refresh would find every
# entry current again (it trusts the same stats), so it stops before importing pandas. Any
# change, a deleted STAMP included, takes the full path.

TOKEN = ".refresh-token"
STAMP = "STAMP"


def files_token() -> str:
    """A digest of the stats of every file a vintage or snapshot refresh depends on: the
    vintage, the cache, the data code and, in snapshot mode, the snapshot folder."""
    snapshot = snapshot_dir() if data_mode() == "snapshot" else None
    rows: list[str] = [data_mode(), str(cache_dir()), str(vintage_dir()), str(snapshot)]
    roots = [vintage_dir(), cache_dir(), Path(__file__).resolve().parent]
    for root in roots + ([snapshot] if snapshot else []):
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name == TOKEN or name.endswith(".lock"):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except FileNotFoundError:
                    continue
                rows.append(
                    f"{path} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino}"
                )
    if not (cache_dir() / STAMP).exists():
        rows.append("no stamp")
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def token_matches() -> bool:
    """Whether nothing a vintage refresh depends on moved since the last one succeeded."""
    try:
        recorded = (cache_dir() / TOKEN).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return recorded == files_token()


def write_token() -> None:
    from helpers.files import write_text_atomic

    write_text_atomic(cache_dir() / TOKEN, files_token() + "\n")


# ---------------------------------------------------------------- 2. an entry vs its source


def entry_is_current(manifest: dict | None, key: str, where: str) -> bool:
    """Whether the cached entry may be served for a read from `where` without re-reading.

    Live: any live entry of this cache format (reused until `data refresh`). Vintage: an
    entry read from this vintage, from parts whose sha256 the vintage manifest still lists
    and whose stat has not moved (a part edited, or a manifest listing another sha256, is
    read again, and refused there if they disagree). Snapshot: an entry read from the very
    same file, whose stat has not moved.
    """
    if manifest is None or manifest.get("format") != CACHE_FORMAT:
        return False
    if where == "live":
        return manifest["source"] in LIVE_SOURCES
    if manifest["source"] != where:
        return False
    origin = manifest["origin"]
    # Imported here: the token above must not load pandas, which these modules do.
    from helpers.data import snapshot, vintage

    if where == "vintage":
        folder = vintage_dir()
        listed = vintage.read_manifest(folder)
        return (
            origin.get("vintage") == listed["vintage"]
            and origin.get("read_sha256") == vintage.parts_digest(folder, key)
            and _same_signature(origin, vintage.signature(folder, key))
        )
    path = snapshot.snapshot_path(snapshot.chosen_snapshot(), key)
    if origin.get("path") != str(path) or not path.exists():  # a gone file: read it, and fail
        return False
    return _same_signature(origin, stat_signature(path))


# ---------------------------------------------------------------- 3. a part vs its writer


def part_stat(path: Path) -> list[int]:
    """What a part file looked like when it was written: size, mtime and inode."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def part_as_written(manifest: dict, part: str, path: Path) -> bool:
    """Whether a part is still the file its writer validated and stored (same size, mtime and
    inode as the manifest records): a read may then skip validating it again. Any rewrite,
    copy or touch of the file makes this False, so a changed part is validated."""
    written = (manifest.get("written") or {}).get(part)
    try:
        return written is not None and part_stat(path) == list(written)
    except OSError:
        return False


# ---------------------------------------------------------------- 4. what a re-read changed


def read_digest(origin: dict) -> str | None:
    """The sha256 of what an entry was read from: the vintage parts when it came from the
    vintage (a part edited in place is a change even when the snapshot file it was derived
    from is not), else the snapshot file or the downloaded bytes."""
    return origin.get("read_sha256") or origin.get("sha256")


def outcome(before: dict | None, after: dict) -> str:
    """ "new" (nothing cached, or another source), "updated" (other content) or "unchanged"."""
    if before is None or before.get("source") != after["source"]:
        return "new"
    same = read_digest(before.get("origin") or {}) == read_digest(after["origin"])
    return "unchanged" if same else "updated"
