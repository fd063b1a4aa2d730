"""Loading series through the cache, refreshing them, and recording which files each load read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.config import data_mode, snapshot_dir, vintage_dir
from helpers.data import cache, freshness, quality, vintage
from helpers.data.keys import (
    CORE_SERIES,
    DEFAULT_PART,
    PRICE_FIELDS,
    SP500_PRICES,
    Fetched,
    is_variant,
    kind_of,
)
from helpers.data.live import fetch_live, retrieved_now
from helpers.data.parsers import frame_coverage, panel_field
from helpers.data.snapshot import (
    chosen_snapshot,
    read_snapshot,
    snapshot_keys,
    snapshot_path,
    unknown_series_error,
)
from helpers.errors import (
    CorruptCacheError,
    DataError,
    MissingSnapshotFileError,
)

# A window edge may fall on a weekend or holiday next to the data's first or last row.
EDGE_SLACK = pd.Timedelta(days=4)

_used: dict[str, dict] = {}


@dataclass(frozen=True)
class Entry:
    """A cached series: its manifest and lazy access to its parts."""

    manifest: dict

    @property
    def key(self) -> str:
        return self.manifest["series"]

    def part(self, name: str | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """One part (default: the first), validated as it is read unless it is still the very
        file `store` validated before writing it (`freshness.part_as_written`)."""
        name = name or next(iter(self.manifest["parts"]))
        frame = cache.read_part(self.manifest, name, columns)
        if freshness.part_as_written(self.manifest, name, cache.part_path(self.manifest, name)):
            return frame
        return quality.validate(frame, self.key)


def read_from(key: str, source: str | None = None) -> str:
    """Where `key` is read from: vintage, snapshot or live (`source` overrides the mode).

    In live mode a series without a live source (alternates, FOMC tables, S&P 500 members)
    comes from the snapshot when `SNAPSHOT_DIR` is set, else from the vintage.
    """
    if source not in (None, "vintage", "snapshot", "live"):
        raise DataError(
            f"source={source!r} is not understood", "use None, 'vintage', 'snapshot' or 'live'"
        )
    mode = source or data_mode()
    if mode == "snapshot" and snapshot_dir() is None:
        raise MissingSnapshotFileError(
            "source='snapshot' was asked for but SNAPSHOT_DIR is not set",
            "set SNAPSHOT_DIR=../shared/market-data",
        )
    if mode == "live" and not has_live_source(key):
        return "snapshot" if snapshot_dir() is not None else "vintage"
    return mode


def has_live_source(key: str) -> bool:
    """FRED, French and plain Yahoo tickers can be downloaded; everything else cannot."""
    return kind_of(key) in ("fred", "french") or _plain_ticker(key)


def _fetch(key: str, where: str) -> Fetched:
    """Read `key` from `where` (the cache is not consulted)."""
    if where == "live":
        return fetch_live(key)
    if where == "vintage":
        return vintage.read_vintage(vintage_dir(), key)
    root = chosen_snapshot()
    if not snapshot_path(root, key).exists():
        raise _missing(root, key)
    return read_snapshot(root, key)


def _missing(root: Path, key: str) -> Exception:
    if key in CORE_SERIES or kind_of(key) in ("fomc", "sp500", "file"):
        return MissingSnapshotFileError(
            f"snapshot file for {key!r} is missing: {snapshot_path(root, key)}",
            "restore it, or point SNAPSHOT_DIR at a complete copy of the market-data snapshot",
        )
    return unknown_series_error(root, key)


def store(
    key: str, fetched: Fetched, previous: dict | None = None, accept_shorter: bool = False
) -> Entry:
    """Validate freshly read parts and write them to the cache as one entry; touch STAMP
    when what it was read from differs from the `previous` entry's, whoever read it (a
    notebook or `streak` loading a changed vintage part is a change make must see too).

    A series that covers less than the `previous` entry of the same source said (or, read
    from a snapshot with nothing cached, less than the vintage lists) is refused unless
    `accept_shorter`: a file cut short must not quietly shorten every result built on it.
    """
    for frame in fetched.parts.values():
        quality.validate(frame, key)
    if key == SP500_PRICES:
        for field in PRICE_FIELDS:
            quality.validate_panel(panel_field(fetched.parts[DEFAULT_PART], field), key, field)
    first = next(iter(fetched.parts.values()))
    coverage = frame_coverage(first)
    if not accept_shorter:
        quality.check_coverage(key, fetched, coverage, _coverage_before(key, fetched, previous))
    manifest = {
        "source": fetched.source,
        "origin": fetched.origin,
        "retrieved_at": retrieved_now(),
        **coverage,
        "columns": [str(c) for c in first.columns],
    }
    written = cache.write_entry(key, fetched.parts, manifest)
    if freshness.outcome(previous, written) != "unchanged":
        cache.touch_stamp()
    return Entry(written)


def _coverage_before(key: str, fetched: Fetched, previous: dict | None) -> tuple[str, dict] | None:
    """What a fresh read of `key` must cover at least, and who says so: the previous entry
    read from the same kind of source, else, for a snapshot file, the vintage's listing."""
    if previous is not None and _source_kind(previous["source"]) == _source_kind(fetched.source):
        return "the cache", previous
    if fetched.source == "snapshot" and has_vintage_entry(key):
        return "the pinned vintage", vintage.series_entry(vintage_dir(), key)
    return None


def _source_kind(source: str) -> str:
    return "live" if source in freshness.LIVE_SOURCES else source


def has_vintage_entry(key: str) -> bool:
    """Whether the vintage (when there is one) lists `key`."""
    try:
        return key in vintage.read_manifest(vintage_dir())["series"]
    except MissingSnapshotFileError:  # no vintage: a load from it says how to restore it
        return False


def entry(key: str, source: str | None = None) -> Entry:
    """The cache entry for a key, (re)reading its source when the cache cannot serve it."""
    where = read_from(key, source)
    manifest = cache.read_manifest(key)
    if manifest is not None and freshness.entry_is_current(manifest, key, where):
        result = Entry(manifest)
    else:
        result = store(key, _fetch(key, where), previous=manifest)
    _record_use(result.manifest)
    return result


def load(key: str, part: str | None = None, source: str | None = None) -> pd.DataFrame:
    """One part of a series (default: its first) as a validated frame."""
    return entry(key, source).part(part)


def has_series(key: str) -> bool:
    """Whether `key` can be loaded in the current mode, without loading it.

    Snapshot: its file exists. Vintage: the vintage holds it. Live: it has a live source, or
    the snapshot or vintage that stands in for live holds it. Notebooks use it to skip
    cross-checks whose series are not there, and say so, instead of failing.
    """
    where = read_from(key)
    if where == "snapshot":
        return snapshot_path(chosen_snapshot(), key).exists()
    if where == "vintage":
        return has_vintage_entry(key)
    return True


def keep_available(groups: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The entries of `groups` whose series all pass `has_series` (order kept)."""
    return {label: keys for label, keys in groups.items() if all(map(has_series, keys))}


def _plain_ticker(key: str) -> bool:
    return kind_of(key) == "yahoo" and not is_variant(key)


def _readable_manifest(key: str) -> dict | None:
    """The manifest as `refresh_one` compares it: None when it is missing or corrupt.

    When a part it names is missing or unreadable, the manifest comes back marked as of no
    cache format, so the entry is rebuilt rather than called current, and the rebuild still
    compares content hashes: a repair that restores the same content is "unchanged".
    """
    try:
        manifest = cache.read_manifest(key)
    except CorruptCacheError:
        return None
    if manifest is not None and not cache.parts_readable(manifest):
        return {**manifest, "format": None}
    return manifest


def refresh_one(key: str, force: bool = False, accept_shorter: bool = False) -> str:
    """Bring one cache entry up to date; return "unchanged", "updated" or "new".

    Vintage and snapshot entries are re-read only when `freshness.entry_is_current` says
    their source moved (or with force); live ones are always downloaded again. "updated"
    means the sha256 of what was read changed (for the vintage: of its parts); `store` has
    then touched STAMP. `accept_shorter` lets a series
    cover less than before (see `store`).
    """
    where = read_from(key)
    before = _readable_manifest(key)
    if where != "live" and not force and freshness.entry_is_current(before, key, where):
        return "unchanged"
    after = store(key, _fetch(key, where), before, accept_shorter).manifest
    return freshness.outcome(before, after)


def refresh_keys() -> list[str]:
    """What `data refresh` fills by default: every data file of the snapshot in snapshot
    mode, else every core series (live mode downloads those that have a live source).

    In snapshot mode the series cached from the snapshot are listed too, even when their file
    is gone: a deleted file is then a refresh failure naming it, not a silent skip that
    leaves reports citing a file that no longer exists.
    """
    if data_mode() != "snapshot":
        return list(CORE_SERIES)
    present = snapshot_keys(chosen_snapshot())
    cached = [m["series"] for _, m in cache.all_manifests() if m and m.get("source") == "snapshot"]
    return present + sorted(set(cached) - set(present))


def _age(retrieved_at: str, now: pd.Timestamp) -> str:
    seconds = max((now - pd.Timestamp(retrieved_at)).total_seconds(), 0)
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} d"


def _origin_label(origin: dict) -> str:
    """A snapshot file relative to the snapshot root, or the URL of a live download."""
    return origin.get("file") or origin["url"]


def status() -> pd.DataFrame:
    """One row per cache entry: series, source, origin, coverage, rows and age."""
    now = pd.Timestamp.now(tz="UTC")
    rows = []
    for path, manifest in cache.all_manifests():
        if manifest is None or "origin" not in manifest:
            rows.append({"series": path.stem, "source": "CORRUPT", "origin": str(path)})
            continue
        rows.append(
            {
                "series": manifest["series"],
                "source": manifest["source"],
                "origin": _origin_label(manifest["origin"]),
                "first": manifest["first"],
                "last": manifest["last"],
                "rows": manifest["rows"],
                "retrieved_at": manifest["retrieved_at"],
                "age": _age(manifest["retrieved_at"], now),
            }
        )
    columns = ["series", "source", "origin", "first", "last", "rows", "retrieved_at", "age"]
    return pd.DataFrame(rows, columns=columns)


def _record_use(manifest: dict) -> None:
    origin = manifest["origin"]
    _used[manifest["series"]] = {
        "series": manifest["series"],
        "source": _source_label(manifest),
        "origin": origin.get("path") or origin.get("url"),
        "file": origin.get("file") or origin.get("url"),
        "sha256": origin.get("sha256"),
        "first": manifest["first"],
        "last": manifest["last"],
        "rows": manifest["rows"],
        "retrieved_at": manifest["retrieved_at"],
    }


def _source_label(manifest: dict) -> str:
    """Where a series came from, for a reader: "vintage <id>", "snapshot" or the service."""
    vintage_name = manifest["origin"].get("vintage")
    return f"vintage {vintage_name}" if vintage_name else manifest["source"]


def coverage(keys: list[str] | None = None) -> pd.DataFrame:
    """What each series covers and which file (and sha256) it was read from.

    One row per key (default: CORE_SERIES), from the cache manifests; loading a key that is
    not cached yet fills the cache first.
    """
    rows = []
    for key in keys or CORE_SERIES:
        manifest = entry(key).manifest
        rows.append(
            {
                "series": key,
                "source": manifest["source"],
                "file": _origin_label(manifest["origin"]),
                "sha256": manifest["origin"]["sha256"],
                "first": manifest["first"],
                "last": manifest["last"],
                "rows": manifest["rows"],
            }
        )
    return pd.DataFrame(rows).set_index("series")


def used_sources() -> list[dict]:
    """Every series loaded in this process so far, with the file (or URL) and its sha256."""
    return list(_used.values())


def clear_used_sources() -> None:
    """Forget what was loaded (tests, or a notebook citing only what one section used)."""
    _used.clear()
