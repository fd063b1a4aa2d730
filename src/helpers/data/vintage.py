"""The pinned data vintage: every series the notebooks read, derived from the snapshot and
committed under ``data/vintage/``, so a clone rebuilds every report with nothing beside it.

Each series is stored as the snapshot reader parses it (`helpers.data.snapshot.read_snapshot`),
defects included, one Parquet file per part; `manifest.json` names, per series, its files,
their sha256, its coverage, and its origin: the snapshot files with the sha256 that
`SHA256SUMS` lists, and the upstream repository, commit and path from the PROVENANCE tables.
The same snapshot gives byte-identical files (no timestamps, fixed compression, sorted
JSON), so a rebuild that changes nothing shows no diff in git.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from functools import cache
from pathlib import Path

import pandas as pd

# Registers pandas' Arrow period type, so French PeriodIndex parts read back as periods.
import pandas.core.arrays.arrow.extension_types  # noqa: F401
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.config import PINNED_VERDICTS, shown_path
from helpers.data import provenance
from helpers.data.freshness import files_signature, stat_signature
from helpers.data.keys import CORE_SERIES, Fetched, kind_of, name_of
from helpers.data.parsers import frame_coverage
from helpers.data.snapshot import (
    check_against_sums,
    files_of,
    folder_sha256,
    read_checksums,
    read_snapshot,
    sha256_file,
    snapshot_path,
)
from helpers.errors import ChecksumError, MissingSnapshotFileError, UnknownTickerError
from helpers.files import atomic_write, write_text_atomic

MANIFEST = "manifest.json"
VINTAGE_FORMAT = 1
# Files of data/vintage/ that a build never writes or removes.
KEPT = {"README.md", PINNED_VERDICTS}
BUILD_FIX = "rebuild it: python -m helpers vintage build --from ../shared/market-data"


def part_file(key: str, index: int) -> str:
    """Where part `index` of `key` is stored, relative to the vintage folder."""
    stem = name_of(key).replace("/", "__")
    return f"{kind_of(key)}/{stem}.{index}.parquet"


def write_part(frame: pd.DataFrame, path: Path) -> None:
    """One part as Parquet, byte-for-byte reproducible (pandas metadata kept for the index)."""
    table = pa.Table.from_pandas(frame, preserve_index=True)
    atomic_write(
        path,
        lambda tmp: pq.write_table(
            table, tmp, compression="zstd", compression_level=9, write_statistics=False
        ),
    )


def _origin(root: Path, key: str, sums: dict[str, str]) -> dict:
    """The snapshot files behind a key, their listed sha256, and where they came from."""
    path = snapshot_path(root, key)
    names = [p.relative_to(root).as_posix() for p in files_of(path)]
    files = {name: sums.get(name, "") for name in names}
    relative = path.relative_to(root).as_posix()
    upstream: list[dict] = []
    for name in files:
        for origin in provenance.upstream(root, name):
            if origin not in upstream:
                upstream.append(origin)
    if path.is_dir():
        sha = folder_sha256({Path(name).name: digest for name, digest in files.items()})
    else:
        sha = files[relative]
    return {"file": relative, "sha256": sha, "files": files, "upstream": upstream}


def build(snapshot: Path, out: Path, keys: list[str]) -> dict:
    """Derive the vintage of `keys` from `snapshot` into `out`; return the manifest.

    Refuses a snapshot whose files do not match its SHA256SUMS (nothing is written then).
    Files of an earlier build that this one does not write are removed.
    """
    snapshot = Path(snapshot).resolve()
    if not snapshot.is_dir():
        raise MissingSnapshotFileError(
            f"{snapshot} is not a folder", "pass --from the market-data snapshot folder"
        )
    sums = read_checksums(snapshot)
    check_against_sums(snapshot, _hash_listed(snapshot, sums), sums)
    origins = {key: _origin(snapshot, key, sums) for key in keys}
    series = {}
    written = {MANIFEST}
    for key in keys:
        fetched = read_snapshot(snapshot, key)
        parts = {}
        for index, (part, frame) in enumerate(fetched.parts.items()):
            relative = part_file(key, index)
            write_part(frame, out / relative)
            parts[part] = {"file": relative, "sha256": sha256_file(out / relative)}
            written.add(relative)
        first = next(iter(fetched.parts.values()))
        series[key] = {"parts": parts, **frame_coverage(first), "origin": origins[key]}
    manifest = {
        "vintage": vintage_id(origins),
        "format": VINTAGE_FORMAT,
        "snapshot": "market-data (see data/vintage/README.md)",
        "series": series,
    }
    write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    _remove_stale(out, written)
    return manifest


def _hash_listed(root: Path, sums: dict[str, str]) -> dict[str, str]:
    """The sha256 of every file `SHA256SUMS` lists ("missing" for one that is gone)."""
    return {
        name: sha256_file(root / name) if (root / name).is_file() else "missing"
        for name in sorted(sums)
    }


def vintage_id(origins: dict[str, dict]) -> str:
    """A name for the vintage: its latest input's checksum list, hashed (same input, same id)."""
    lines = "".join(f"{origins[k]['sha256']}  {k}\n" for k in sorted(origins))
    return "v1-" + hashlib.sha256(lines.encode()).hexdigest()[:12]


def _remove_stale(out: Path, written: set[str]) -> None:
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and relative not in written and relative not in KEPT:
            path.unlink()
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


# ---------------------------------------------------------------------------- reading


def restore_fix(folder: Path, files: list[str] | None) -> str:
    """How to put vintage files back as committed: `git checkout --` naming each of them (with
    the manifest, so a file and its listed sha256 come back together; the whole folder for
    None), or rebuilding them."""
    names = [folder] if files is None else [folder / n for n in sorted({MANIFEST, *files})]
    listed = " ".join(shlex.quote(shown_path(path)) for path in names)
    return f"restore from git: git checkout -- {listed} (or {BUILD_FIX})"


@cache
def _manifest_cached(path: str, size: int, mtime_ns: int) -> dict:
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    problem = manifest_problem(manifest)
    if problem:
        raise ChecksumError(f"{path} {problem}", restore_fix(Path(path).parent, []))
    return manifest


def manifest_problem(manifest: object) -> str | None:
    """What makes a parsed manifest.json unusable (None when it has the shape readers need)."""
    if not isinstance(manifest, dict):
        return f"holds a {type(manifest).__name__}, not the vintage's manifest object"
    missing = [field for field in ("vintage", "series") if field not in manifest]
    if missing:
        return f"lacks {' and '.join(map(repr, missing))}"
    if not isinstance(manifest["series"], dict) or not manifest["series"]:
        return "lists no series"
    for key, entry in manifest["series"].items():
        parts = entry.get("parts") if isinstance(entry, dict) else None
        if not isinstance(parts, dict) or not parts:
            return f"lists no parts for {key!r}"
        if not all(isinstance(p, dict) and {"file", "sha256"} <= p.keys() for p in parts.values()):
            return f"lists a part of {key!r} without its file and sha256"
        if not {"rows", "first", "last", "origin"} <= entry.keys():
            return f"lacks the rows, dates or origin of {key!r}"
    return None


def read_manifest(folder: Path) -> dict:
    """The vintage manifest (parsed once per process while the file is unchanged); a missing,
    unparsable or misshapen one is an error saying how to restore it."""
    path = folder / MANIFEST
    try:
        signature = stat_signature(path)
        manifest = _manifest_cached(str(path), signature["size"], signature["mtime_ns"])
    except FileNotFoundError:
        raise MissingSnapshotFileError(
            f"the pinned data vintage is missing ({path} does not exist)",
            restore_fix(folder, None),
        ) from None
    except ValueError as exc:  # UnicodeDecodeError included
        raise ChecksumError(f"{path} is not valid JSON ({exc})", restore_fix(folder, [])) from None
    return manifest


def series_entry(folder: Path, key: str) -> dict:
    """The manifest entry of one key; an unknown key lists what the vintage holds, and a core
    series (which every vintage holds) says the manifest is damaged."""
    series = read_manifest(folder)["series"]
    if key in series:
        return series[key]
    if key in CORE_SERIES:
        raise UnknownTickerError(
            f"{key!r} is not in the pinned data vintage: {folder / MANIFEST} lists no entry for "
            "it, though every vintage holds the core series (the manifest was edited or damaged)",
            restore_fix(folder, []),
        )
    raise UnknownTickerError(
        f"{key!r} is not in the pinned data vintage ({folder})",
        "use a series the vintage holds (python -m helpers vintage list), add it to "
        "data.CORE_SERIES and rebuild the vintage, or set SNAPSHOT_DIR for the full snapshot",
    )


def part_paths(folder: Path, key: str) -> list[Path]:
    return [folder / part["file"] for part in series_entry(folder, key)["parts"].values()]


def signature(folder: Path, key: str) -> dict | None:
    """The stat signature of a key's stored files together: what a warm load compares
    (None when one of them is gone: the entry must be read again, which says so)."""
    try:
        return files_signature([path.stat() for path in part_paths(folder, key)])
    except FileNotFoundError:
        return None


def parts_digest(folder: Path, key: str) -> str:
    """One sha256 over the sha256 the manifest lists for each part of `key`: what a cache
    entry read from the vintage records, so a part edited in place is a change."""
    parts = series_entry(folder, key)["parts"]
    return folder_sha256({part["file"]: part["sha256"] for part in parts.values()})


def part_problems(folder: Path, key: str) -> list[tuple[str, str]]:
    """(file, problem) for each part of `key` that is missing or is not the file whose
    sha256 the manifest lists."""
    problems = []
    for part in series_entry(folder, key)["parts"].values():
        path = folder / part["file"]
        if not path.is_file():
            problems.append((part["file"], "is missing"))
        elif sha256_file(path) != part["sha256"]:
            problems.append((part["file"], f"does not match the sha256 in {MANIFEST}"))
    return problems


def verify(folder: Path) -> None:
    """Refuse a vintage whose parts do not match its manifest, naming every such part at once."""
    problems = [
        found for key in read_manifest(folder)["series"] for found in part_problems(folder, key)
    ]
    if problems:
        listed = "; ".join(f"{shown_path(folder / name)} {what}" for name, what in problems)
        raise ChecksumError(
            f"{len(problems)} file(s) of the pinned data vintage are damaged: {listed}",
            restore_fix(folder, [name for name, _ in problems]),
        )


def read_vintage(folder: Path, key: str) -> Fetched:
    """Read one key from the vintage: each stored file must be the one whose sha256 the
    manifest lists, and what it holds the rows and dates the manifest lists."""
    manifest = read_manifest(folder)
    found = series_entry(folder, key)
    problems = part_problems(folder, key)
    if problems:
        name, what = problems[0]
        raise ChecksumError(
            f"vintage file {shown_path(folder / name)} {what}", restore_fix(folder, [name])
        )
    parts = {
        part: pq.read_table(folder / stored["file"]).to_pandas()
        for part, stored in found["parts"].items()
    }
    first_file = part_file(key, 0)  # the part the listed rows and dates describe
    by_file = {stored["file"]: part for part, stored in found["parts"].items()}
    held = frame_coverage(parts[by_file[first_file]])
    listed = {field: found[field] for field in held}
    if held != listed:
        raise ChecksumError(
            f"vintage file {shown_path(folder / first_file)} holds {_coverage(held)}, but "
            f"{MANIFEST} lists {_coverage(listed)}",
            restore_fix(folder, [first_file]),
        )
    origin = {
        "vintage": manifest["vintage"],
        "path": str(folder / next(iter(found["parts"].values()))["file"]),
        "file": found["origin"]["file"],
        "sha256": found["origin"]["sha256"],
        "read_sha256": parts_digest(folder, key),
        **(signature(folder, key) or {}),
    }
    return Fetched(parts, "vintage", origin)


def _coverage(coverage: dict) -> str:
    return f"{coverage['rows']} rows {coverage['first']}..{coverage['last']}"
