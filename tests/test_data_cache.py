"""The cache: round trips, atomic replacement, staleness, corruption, modes, STAMP."""

from __future__ import annotations

import json
import os
import re
import socket

import numpy as np
import pandas as pd
import pyarrow.feather as feather
import pytest
from conftest import FAKE_DAYS, write_checksums, yahoo_frame

from helpers import data, files
from helpers.cli import data as cli_data
from helpers.cli import main
from helpers.data import cache, freshness, keys, snapshot, store
from helpers.errors import ChecksumError, CorruptCacheError, DateRangeError


def _bump_mtime(path, seconds=10):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def test_round_trip_keeps_values_index_and_manifest(fake_snapshot):
    fresh = data.ohlcv("^RUT")
    again = data.ohlcv("^RUT")
    pd.testing.assert_frame_equal(fresh, again)
    manifest = cache.read_manifest("^RUT")
    origin = manifest["origin"]
    assert manifest["source"] == "snapshot" and manifest["rows"] == len(FAKE_DAYS)
    assert manifest["columns"] == keys.OHLCV_COLUMNS
    assert origin["path"] == str(fake_snapshot.path("yahoo/^RUT.csv"))
    assert origin["sha256"] == snapshot.sha256_file(fake_snapshot.path("yahoo/^RUT.csv"))
    assert {"size", "mtime", "mtime_ns"} <= set(origin)
    assert manifest["first"] == f"{FAKE_DAYS[0]:%Y-%m-%d}"


def test_french_periods_round_trip(fake_snapshot):
    first = data.french("25_Portfolios_5x5")
    pd.testing.assert_frame_equal(first, data.french("25_Portfolios_5x5"))
    assert isinstance(first.index, pd.PeriodIndex)


def test_warm_load_does_not_rehash_the_snapshot_file(fake_snapshot, monkeypatch):
    data.prices("^RUT")

    def no_hashing(path):
        raise AssertionError(f"rehashed {path}")

    monkeypatch.setattr(snapshot, "sha256_file", no_hashing)
    assert len(data.prices("^RUT")) == len(FAKE_DAYS)


def test_changed_snapshot_file_is_read_again(fake_snapshot):
    before = data.prices("^GSPC")["^GSPC"]
    path = fake_snapshot.write_yahoo("^GSPC", yahoo_frame(np.full(len(FAKE_DAYS), 5000.0)))
    _bump_mtime(path)
    after = data.prices("^GSPC")["^GSPC"]
    assert (after == 5000.0).all() and not before.equals(after)


def test_a_failing_fetch_leaves_the_old_entry_intact(fake_snapshot, monkeypatch):
    data.prices("^GSPC")
    good = cache.read_manifest("^GSPC")
    _bump_mtime(fake_snapshot.path("yahoo/^GSPC.csv"))

    def broken_read(root, key):
        raise OSError("disk vanished mid-refresh")

    monkeypatch.setattr(store, "read_snapshot", broken_read)
    with pytest.raises(OSError):
        data.refresh_one("^GSPC")
    assert cache.read_manifest("^GSPC") == good
    assert len(cache.read_part(good, "data")) == len(FAKE_DAYS)


def test_a_write_that_dies_half_way_leaves_the_old_entry_intact(fake_snapshot, monkeypatch):
    data.french("25_Portfolios_5x5")
    key = "french:25_Portfolios_5x5"
    good = cache.read_manifest(key)
    real_write = cache.atomic_write
    calls = []

    def dies_on_second_part(path, write):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_write(path, write)

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(cache, "atomic_write", dies_on_second_part)
        data.refresh_one(key, force=True)
    assert cache.read_manifest(key) == good
    for part in good["parts"]:
        assert not cache.read_part(good, part).empty
    assert not list(cache.entry_dir(key).glob("*.tmp"))


def test_a_corrupt_part_is_a_corrupt_cache_error_naming_file_and_fix(fake_snapshot):
    data.prices("^RUT")
    manifest = cache.read_manifest("^RUT")
    part = cache.entry_dir("^RUT") / manifest["parts"]["data"]
    part.write_bytes(b"not an Arrow file at all")
    with pytest.raises(CorruptCacheError) as caught:
        data.prices("^RUT")
    assert str(part) in str(caught.value) and "data refresh --force ^RUT" in str(caught.value)
    assert data.refresh_one("^RUT", force=True) == "unchanged"  # same content, rebuilt
    assert len(data.prices("^RUT")) == len(FAKE_DAYS)


def test_a_part_as_it_was_written_is_not_validated_again(fake_snapshot, monkeypatch):
    data.prices("^RUT")  # stored, validated once
    monkeypatch.setattr(store.quality, "validate", lambda *a: pytest.fail("validated again"))
    assert len(data.prices("^RUT")) == len(FAKE_DAYS)


def test_a_rewritten_part_is_validated_on_read(fake_snapshot):
    from helpers.errors import ValidationError

    data.prices("^RUT")
    manifest = cache.read_manifest("^RUT")
    part = cache.entry_dir("^RUT") / manifest["parts"]["data"]
    frame = cache.read_part(manifest, "data")
    frame.iloc[3, frame.columns.get_loc("Close")] = np.nan  # a blank close inside the column
    feather.write_feather(frame, part)  # a readable part, but no longer the validated file
    assert not freshness.part_as_written(manifest, "data", part)
    with pytest.raises(ValidationError, match="Close"):
        data.prices("^RUT")


def test_corrupt_manifest_is_a_corrupt_cache_error_and_refresh_repairs_it(fake_snapshot):
    data.prices("^RUT")
    cache.manifest_path("^RUT").write_text("{ half a manifest")
    with pytest.raises(CorruptCacheError, match="not valid JSON"):
        data.prices("^RUT")
    assert data.refresh_one("^RUT") == "new"
    assert len(data.prices("^RUT")) == len(FAKE_DAYS)


def test_a_live_entry_is_not_served_in_snapshot_mode(fake_snapshot):
    live = yahoo_frame(np.full(len(FAKE_DAYS), 1.0))
    origin = {"url": "yfinance:^GSPC", "sha256": "0" * 64, "size": 1}
    manifest = {
        "source": "yfinance",
        "origin": origin,
        "retrieved_at": "2026-01-01T00:00:00+00:00",
        "first": None,
        "last": None,
        "rows": 1,
        "columns": [],
    }
    cache.write_entry("^GSPC", {"data": live}, manifest)
    assert (data.prices("^GSPC")["^GSPC"] != 1.0).all()
    assert cache.read_manifest("^GSPC")["source"] == "snapshot"


def test_an_entry_from_another_snapshot_folder_is_not_served(fake_snapshot, tmp_path, monkeypatch):
    data.prices("^GSPC")
    other = tmp_path / "other-snapshot"
    (other / "yahoo").mkdir(parents=True)
    frame = yahoo_frame(np.full(len(FAKE_DAYS), 42.0))
    (other / "yahoo" / "^GSPC.csv").write_text(frame.to_csv(date_format="%Y-%m-%d"))
    write_checksums(other)
    monkeypatch.setenv("SNAPSHOT_DIR", str(other))
    assert (data.prices("^GSPC")["^GSPC"] == 42.0).all()


def test_a_snapshot_file_edited_after_its_checksum_was_listed_is_refused(fake_snapshot):
    path = fake_snapshot.path("yahoo/^GSPC.csv")
    path.write_text(path.read_text().replace("\n2024-09-03,", "\n2024-09-03,1", 1))
    with pytest.raises(ChecksumError, match="yahoo/\\^GSPC.csv"):
        data.prices("^GSPC")


def test_a_snapshot_without_its_checksum_list_is_refused(fake_snapshot):
    fake_snapshot.path("SHA256SUMS").unlink()
    with pytest.raises(ChecksumError, match="SHA256SUMS is missing"):
        data.prices("^GSPC")


def test_snapshot_mode_never_touches_the_network(fake_snapshot, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network used in snapshot mode")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(store, "fetch_live", no_network)
    data.prices(["^RUT", "^GSPC"])
    data.fred("DFF")
    data.french("25_Portfolios_5x5")
    data.fomc_decisions()
    data.sp500_prices()
    data.compare_sources("^RUT")
    assert main(["data", "refresh", "--force"]) == 0


def test_refresh_touches_stamp_only_when_content_changed(fake_snapshot, capsys):
    stamp = cache.cache_dir() / cache.STAMP
    assert main(["data", "refresh"]) == 0
    assert stamp.exists()
    first = stamp.stat().st_mtime_ns
    os.utime(stamp, ns=(first - 10**10, first - 10**10))
    assert main(["data", "refresh"]) == 0
    assert stamp.stat().st_mtime_ns == first - 10**10
    _bump_mtime(fake_snapshot.path("fred/DFF.csv"))
    assert main(["data", "refresh"]) == 0  # touched but same bytes: not a change
    assert stamp.stat().st_mtime_ns == first - 10**10
    fake_snapshot.write_text(
        "fred/DFF.csv", "DATE,DFF\n2025-09-01,4.00\n2025-09-02,.\n2025-09-03,4.33\n"
    )
    assert main(["data", "refresh", "fred:DFF"]) == 0
    assert stamp.stat().st_mtime_ns > first - 10**10
    assert "changed: fred:DFF" in capsys.readouterr().out


def test_a_first_refresh_says_so_in_one_line(fake_snapshot, capsys):
    assert main(["data", "refresh"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and re.fullmatch(r"data refresh: \d+ new", out[0]), out


def test_refresh_covers_every_data_file_of_the_snapshot(fake_snapshot):
    keys = data.refresh_keys()
    assert {"^RUT", "^RUT.alt", "fred:DFF", "french:25_Portfolios_5x5", "fomc"} <= set(keys)
    assert {"sp500:prices", "sp500:members"} <= set(keys)


def test_refresh_reports_failures_and_exits_non_zero(fake_snapshot, capsys):
    assert main(["data", "refresh", "^NOPE"]) == 1
    assert "^NOPE: failed" in capsys.readouterr().err


def test_status_lists_entries_with_origin_coverage_and_age(fake_snapshot, capsys):
    data.prices("^RUT")
    cache.manifest_path("fred:DFF").parent.mkdir(parents=True, exist_ok=True)
    cache.manifest_path("fred:DFF").write_text("garbage")
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "yahoo/^RUT.csv" in out and "CORRUPT" in out and "min" in out
    table = data.status()
    rut = table[table.series == "^RUT"].iloc[0]
    assert rut["rows"] == len(FAKE_DAYS) and rut["source"] == "snapshot"


def test_status_on_an_empty_cache_says_how_to_fill_it(capsys):
    assert main(["data", "status"]) == 0
    assert "data refresh" in capsys.readouterr().out


def test_manifest_is_plain_json_with_the_documented_fields(fake_snapshot):
    data.prices("^RUT")
    manifest = json.loads(cache.manifest_path("^RUT").read_text())
    assert set(cache.MANIFEST_FIELDS) <= set(manifest)


def test_a_reader_holding_a_replaced_manifest_reads_the_new_parts(fake_snapshot):
    data.prices("^RUT")
    old = cache.read_manifest("^RUT")
    data.refresh_one("^RUT", force=True)  # another process replaced the entry meanwhile
    assert not (cache.entry_dir("^RUT") / old["parts"]["data"]).exists()
    assert len(cache.read_part(old, "data")) == len(FAKE_DAYS)


def test_a_part_missing_from_the_current_entry_is_a_corrupt_cache_error(fake_snapshot):
    data.prices("^RUT")
    manifest = cache.read_manifest("^RUT")
    (cache.entry_dir("^RUT") / manifest["parts"]["data"]).unlink()
    with pytest.raises(CorruptCacheError, match="missing"):
        data.prices("^RUT")


@pytest.mark.skipif(files.fcntl is None, reason="needs POSIX file locks")
def test_writers_of_one_key_hold_its_lock_while_replacing_it(fake_snapshot, monkeypatch):
    data.prices("^RUT")
    real_write = cache.atomic_write
    lock_was_held = []

    def write_while_probing_the_lock(path, write):
        with open(cache.manifest_path("^RUT").with_suffix(".lock"), "a") as other:
            try:
                files.fcntl.flock(other, files.fcntl.LOCK_EX | files.fcntl.LOCK_NB)
            except BlockingIOError:
                lock_was_held.append(path.name)
            else:
                files.fcntl.flock(other, files.fcntl.LOCK_UN)
        real_write(path, write)

    monkeypatch.setattr(cache, "atomic_write", write_while_probing_the_lock)
    data.refresh_one("^RUT", force=True)
    assert lock_was_held  # every part write happened under the key's lock


def test_refresh_reads_part_footers_and_rebuilds_a_garbage_part_as_unchanged(fake_snapshot):
    data.prices("^RUT")
    stamp = cache.touch_stamp()
    before = stamp.stat().st_mtime_ns
    manifest = cache.read_manifest("^RUT")
    (cache.entry_dir("^RUT") / manifest["parts"]["data"]).write_bytes(b"garbage, not an Arrow file")
    assert main(["data", "refresh", "^RUT"]) == 0  # no --force: size and mtime still match
    assert len(data.prices("^RUT")) == len(FAKE_DAYS)
    assert stamp.stat().st_mtime_ns == before  # same content: nothing reruns


def test_a_write_that_fails_leaves_no_orphan_parts(fake_snapshot, monkeypatch):
    data.french("25_Portfolios_5x5")
    key = "french:25_Portfolios_5x5"
    listed = set(cache.read_manifest(key)["parts"].values())

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "write_json_atomic", disk_full)
    with pytest.raises(OSError):
        data.refresh_one(key, force=True)
    assert {p.name for p in cache.entry_dir(key).glob("*.arrow")} == listed


def test_refresh_removes_parts_a_killed_writer_left(fake_snapshot):
    data.prices("^RUT")
    folder = cache.entry_dir("^RUT")
    listed = set(cache.read_manifest("^RUT")["parts"].values())
    orphans = [folder / "^RUT.0.deadbeef.arrow", folder / "VB.0.0badf00d.arrow"]
    for orphan in orphans:
        orphan.write_bytes(b"half a part")
    assert main(["data", "refresh", "^RUT"]) == 0
    assert {p.name for p in folder.glob("*.arrow")} == listed


def test_a_snapshot_dir_that_is_not_a_folder_is_said_as_such(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SNAPSHOT_DIR", str(tmp_path / "no-such-snapshot"))
    assert main(["data", "refresh"]) == 2
    err = capsys.readouterr().err
    assert "no-such-snapshot, which is not a folder" in err and "membership" not in err


def test_a_deleted_file_that_was_cached_is_a_refresh_failure_not_a_skip(fake_snapshot, capsys):
    assert main(["data", "refresh"]) == 0
    fake_snapshot.path("yahoo/^RUT.csv").unlink()
    assert main(["data", "refresh"]) == 1
    assert "^RUT: failed: snapshot file for '^RUT' is missing" in capsys.readouterr().err


def test_a_same_length_rewrite_with_its_mtime_put_back_is_noticed(fake_snapshot):
    data.prices("^GSPC")
    path = fake_snapshot.path("yahoo/^GSPC.csv")
    before = path.stat()
    text = path.read_text()
    at = text.index("\n2024-09-03,") + len("\n2024-09-03,")
    path.write_text(text[:at] + ("1" if text[at] != "1" else "2") + text[at + 1 :])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    with pytest.raises(ChecksumError):  # re-read (ctime moved), then refused by SHA256SUMS
        data.prices("^GSPC")


def test_a_window_that_ends_before_the_data_starts_is_refused(fake_snapshot):
    with pytest.raises(DateRangeError, match="not inside it"):
        data.prices("^RUT", end="2020-01-31")


def test_an_entry_of_an_older_cache_format_is_rebuilt_and_its_parquet_parts_removed(
    fake_snapshot,
):
    data.prices("^RUT")
    manifest = cache.read_manifest("^RUT")
    folder = cache.entry_dir("^RUT")
    old_part = folder / "^RUT.0.0123abcd.parquet"
    cache.read_part(manifest, "data").to_parquet(old_part)
    old = {**manifest, "format": 2, "parts": {"data": old_part.name}}
    files.write_json_atomic(cache.manifest_path("^RUT"), old)
    assert len(data.prices("^RUT")) == len(FAKE_DAYS)
    rebuilt = cache.read_manifest("^RUT")
    assert rebuilt["format"] == freshness.CACHE_FORMAT
    assert rebuilt["parts"]["data"].endswith(cache.PART_SUFFIX)
    assert not old_part.exists()


# ------------------------------------------------------------------ coverage never shrinks silently


def test_a_file_cut_inside_its_last_field_is_truncated_not_shorter(fake_snapshot, capsys):
    path = fake_snapshot.path("yahoo/^RUT.csv")
    text = path.read_text()
    fake_snapshot.write_text("yahoo/^RUT.csv", text[: len(text) - 4])  # inside the last Volume
    assert main(["data", "refresh", "^RUT"]) == 1
    err = capsys.readouterr().err
    assert "^RUT.csv: ends without a final newline, inside line 251" in err


def test_a_snapshot_series_that_lost_rows_is_refused_unless_accepted(fake_snapshot, capsys):
    assert main(["data", "refresh", "^RUT"]) == 0
    path = fake_snapshot.path("yahoo/^RUT.csv")
    lines = path.read_text().splitlines(keepends=True)
    fake_snapshot.write_text("yahoo/^RUT.csv", "".join(lines[:101]))  # cut at a line's end
    capsys.readouterr()
    assert main(["data", "refresh", "^RUT"]) == 1
    err = capsys.readouterr().err
    assert "^RUT from yahoo/^RUT.csv now has 100 rows to 2025-01-17" in err
    assert "the cache has 250 rows" in err and "--accept-shorter ^RUT" in err
    assert cache.read_manifest("^RUT")["rows"] == 250  # the good entry is kept
    assert main(["data", "refresh", "--accept-shorter", "^RUT"]) == 0
    assert len(data.prices("^RUT")) == 100


def test_one_cause_of_many_failures_is_said_once(fake_snapshot, capsys):
    error = ChecksumError("the vintage manifest is damaged", "git checkout -- x")
    report = cli_data.failure_report({"^RUT": error, "^GSPC": error, "SPY": error})
    assert report.count("the vintage manifest is damaged") == 1
    assert report.startswith("3 series (^RUT, ^GSPC, SPY) failed:")
