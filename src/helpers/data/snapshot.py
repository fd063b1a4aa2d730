"""The offline snapshot: where each key's files are, their checksums and origins, and reading a
key's files into parts."""

from __future__ import annotations

import difflib
import hashlib
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import pandas as pd

from helpers.config import snapshot_dir
from helpers.data.freshness import stat_signature
from helpers.data.keys import (
    CHECKSUMS,
    DEFAULT_PART,
    FOMC,
    IVV_HOLDINGS_FILE,
    SP500_HOLDINGS,
    SP500_MEMBERS,
    SP500_PRICES,
    Fetched,
    kind_of,
    name_of,
)
from helpers.data.parsers import (
    folder_files,
    parse_fomc,
    parse_fred_csv,
    parse_french_csv,
    parse_ishares_holdings,
    parse_membership,
    parse_yahoo_csv,
    read_sp500_panel,
)
from helpers.errors import (
    ChecksumError,
    MissingSnapshotFileError,
    UnknownTickerError,
)


def chosen_snapshot() -> Path:
    """The snapshot folder, where the data mode has chosen the snapshot (`store.read_from`
    refuses snapshot mode without SNAPSHOT_DIR, so this raises only on a misuse)."""
    root = snapshot_dir()
    if root is None:
        raise MissingSnapshotFileError(
            "the snapshot is not set", "set SNAPSHOT_DIR=../shared/market-data"
        )
    return root


def snapshot_path(root: Path, key: str) -> Path:
    """The file (or folder, for ``fomc`` and ``sp500:prices``) a key is read from."""
    kind, name = kind_of(key), name_of(key)
    if kind == "yahoo":
        return root / "yahoo" / f"{name}.csv"
    if kind == "fred":
        return root / "fred" / f"{name}.csv"
    if kind == "french":
        return root / "french" / f"{name}.csv"
    if kind == "file":
        return root / name
    if key == FOMC:
        return root / "fomc"
    if key == SP500_PRICES:
        return root / "sp500" / "prices"
    if key == SP500_HOLDINGS:
        return root / IVV_HOLDINGS_FILE
    return _membership_file(root)


def _membership_file(root: Path) -> Path:
    folder = root / "sp500" / "constituents"
    found = sorted(folder.glob("sp500_membership_intervals_*.csv"))
    if not found:
        raise MissingSnapshotFileError(
            f"no sp500_membership_intervals_*.csv in {folder}",
            "point SNAPSHOT_DIR at a complete copy of the market-data snapshot",
        )
    return found[-1]


def available(root: Path, kind: str) -> list[str]:
    """Names the snapshot offers for one family (tickers, FRED ids or French datasets)."""
    folder = {"yahoo": "yahoo", "fred": "fred", "french": "french"}[kind]
    return sorted(p.stem for p in (root / folder).glob("*.csv"))


def unknown_series_error(root: Path, key: str) -> UnknownTickerError:
    """An UnknownTickerError listing close matches among what the snapshot holds."""
    kind, name = kind_of(key), name_of(key)
    names = available(root, kind) if kind in ("yahoo", "fred", "french") else []
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    hint = f"close matches: {', '.join(close)}; " if close else ""
    return UnknownTickerError(
        f"{key!r} is not in the snapshot ({snapshot_path(root, key)} does not exist)",
        f"{hint}available {kind} series: {', '.join(names) or 'none'}",
    )


def snapshot_keys(root: Path) -> list[str]:
    """Every data file of the snapshot as a key: what `data refresh` fills the cache with.

    A SNAPSHOT_DIR that is not a folder is said as such, not as its first missing file.
    """
    if not root.is_dir():
        raise MissingSnapshotFileError(
            f"SNAPSHOT_DIR points at {root}, which is not a folder",
            "set SNAPSHOT_DIR to the market-data folder, e.g. ../shared/market-data",
        )
    keys = available(root, "yahoo")
    keys += [f"fred:{s}" for s in available(root, "fred")]
    keys += [f"french:{s}" for s in available(root, "french")]
    keys += [FOMC, SP500_PRICES, SP500_MEMBERS, SP500_HOLDINGS]
    special = {_membership_file(root), root / IVV_HOLDINGS_FILE}
    for folder in ("sp500", "shiller", "valuation"):
        for path in sorted((root / folder).rglob("*.csv")):
            if path.parent.name != "prices" and path not in special and _is_plain_table(path):
                keys.append(f"file:{path.relative_to(root).as_posix()}")
    return keys


def _is_plain_table(path: Path) -> bool:
    """A CSV whose first line is a header row; the iShares holdings file opens with a title."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        return "," in handle.readline()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot_origin(root: Path, path: Path) -> dict:
    """Path, sha256, size and mtime of a snapshot file, checked against `SHA256SUMS`.

    For a folder the sha256 is taken over the sorted lines ``<sha256>  <name>`` of its CSV
    files, so any changed, added or removed file changes it. The hashes are computed anyway,
    so the check against the snapshot's own list costs nothing more.
    """
    digests = {p.relative_to(root).as_posix(): sha256_file(p) for p in files_of(path)}
    check_against_sums(root, digests, read_checksums(root))
    if path.is_dir():
        sha = folder_sha256({Path(name).name: digest for name, digest in digests.items()})
    else:
        sha = next(iter(digests.values()))
    signature = stat_signature(path)
    mtime = datetime.fromtimestamp(signature["mtime_ns"] / 1e9, tz=timezone.utc)
    return {
        "path": str(path),
        "snapshot": str(root),
        "file": path.relative_to(root).as_posix(),
        "sha256": sha,
        "mtime": mtime.isoformat(timespec="seconds"),
        **signature,
    }


def read_checksums(root: Path) -> dict[str, str]:
    """`SHA256SUMS` of a snapshot: relative path -> sha256 (a missing list is an error)."""
    listing = root / CHECKSUMS
    if not listing.is_file():
        raise ChecksumError(
            f"{listing} is missing, so the snapshot's files cannot be checked",
            "point SNAPSHOT_DIR (or --from) at a complete copy of the market-data snapshot",
        )
    signature = stat_signature(listing)
    return dict(_parsed_checksums(str(listing), signature["size"], signature["mtime_ns"]))


@cache
def _parsed_checksums(listing: str, size: int, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    """Parsed once per process while the list keeps its size and mtime."""
    pairs = []
    for line in Path(listing).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            pairs.append((name.removeprefix("./"), digest))
    return tuple(pairs)


def files_of(path: Path) -> list[Path]:
    """The data files behind a key's path: the file itself, or a folder's CSV files."""
    return folder_files(path) if path.is_dir() else [path]


def check_against_sums(root: Path, files: dict[str, str], sums: dict[str, str]) -> None:
    """Raise when a file's sha256 is not the one `SHA256SUMS` lists (or it is not listed)."""
    bad = [
        f"{name} (sha256 {digest[:12]}, listed {sums.get(name, 'nothing')[:12]})"
        for name, digest in files.items()
        if sums.get(name) != digest
    ]
    if bad:
        raise ChecksumError(
            f"{len(bad)} file(s) in {root} do not match its SHA256SUMS: {'; '.join(bad[:5])}",
            "restore them from an intact copy of the snapshot; never edit the snapshot in place",
        )


def folder_sha256(digests: dict[str, str]) -> str:
    """The sha256 cited for a folder key: over the sorted ``<sha256>  <name>`` lines."""
    lines = "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))
    return hashlib.sha256(lines.encode()).hexdigest()


def read_table(path: Path) -> pd.DataFrame:
    """Any other snapshot CSV as it is; text columns kept as strings."""
    table = pd.read_csv(path, encoding="utf-8-sig")
    text = table.select_dtypes(include=["object", "string"]).columns
    table[text] = table[text].astype("string")
    return table


def read_snapshot(root: Path, key: str) -> Fetched:
    """Read one key from the snapshot; a missing file raises with its path named."""
    if not root.is_dir():
        raise MissingSnapshotFileError(
            f"SNAPSHOT_DIR points at {root}, which is not a folder",
            "set SNAPSHOT_DIR to the market-data folder, e.g. ../shared/market-data",
        )
    path = snapshot_path(root, key)
    if not path.exists():
        raise MissingSnapshotFileError(
            f"snapshot file for {key!r} is missing: {path}",
            "restore the file in the snapshot, or point SNAPSHOT_DIR at a complete copy",
        )
    kind = kind_of(key)
    if kind == "yahoo":
        parts = {DEFAULT_PART: parse_yahoo_csv(path)}
    elif kind == "fred":
        parts = {DEFAULT_PART: parse_fred_csv(path, name_of(key))}
    elif kind == "french":
        parts = parse_french_csv(path.read_text(encoding="latin-1"))
    elif kind == "file":
        parts = {DEFAULT_PART: read_table(path)}
    elif key == FOMC:
        parts = {DEFAULT_PART: parse_fomc(path)}
    elif key == SP500_PRICES:
        parts = {DEFAULT_PART: read_sp500_panel(path)}
    elif key == SP500_HOLDINGS:
        parts = {DEFAULT_PART: parse_ishares_holdings(path.read_text(encoding="utf-8-sig"))}
    else:
        parts = {DEFAULT_PART: parse_membership(path)}
    return Fetched(parts, "snapshot", snapshot_origin(root, path))
