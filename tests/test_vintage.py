"""The pinned vintage: a deterministic build from a checked snapshot, and a data source that
serves exactly what the snapshot would, through the cache."""

from __future__ import annotations

import json
import os

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import FAKE_CORE_SERIES

from helpers import data
from helpers.cli import main
from helpers.config import DATA_ENV, SNAPSHOT_ENV
from helpers.data import cache, vintage
from helpers.data.parsers import frame_coverage
from helpers.data.snapshot import sha256_file
from helpers.errors import ChecksumError, MissingSnapshotFileError, UnknownTickerError


def files_of(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_same_snapshot_gives_byte_identical_files(fake_snapshot, tmp_path):
    first = vintage.build(fake_snapshot.root, tmp_path / "a", FAKE_CORE_SERIES)
    second = vintage.build(fake_snapshot.root, tmp_path / "b", FAKE_CORE_SERIES)
    assert first == second
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_a_file_that_does_not_match_sha256sums_is_refused_and_nothing_written(
    fake_snapshot, tmp_path
):
    fake_snapshot.path("fred/DFF.csv").write_text("DATE,DFF\n2025-09-01,9.99\n")
    with pytest.raises(ChecksumError, match="fred/DFF.csv"):
        vintage.build(fake_snapshot.root, tmp_path / "out", FAKE_CORE_SERIES)
    assert not (tmp_path / "out").exists()


def test_a_snapshot_without_sha256sums_is_refused(fake_snapshot, tmp_path):
    fake_snapshot.path("SHA256SUMS").unlink()
    with pytest.raises(ChecksumError, match="SHA256SUMS"):
        vintage.build(fake_snapshot.root, tmp_path / "out", FAKE_CORE_SERIES)


def test_manifest_names_each_file_its_sha256_coverage_and_snapshot_origin(
    fake_vintage, fake_snapshot
):
    manifest = json.loads((fake_vintage / "manifest.json").read_text())
    assert manifest["vintage"].startswith("v1-")
    rut = manifest["series"]["^RUT"]
    assert (rut["first"], rut["rows"]) == ("2024-09-02", 250)
    stored = rut["parts"]["data"]
    assert stored["sha256"] == sha256_file(fake_vintage / stored["file"])
    assert rut["origin"]["file"] == "yahoo/^RUT.csv"
    assert rut["origin"]["sha256"] == sha256_file(fake_snapshot.path("yahoo/^RUT.csv"))
    panel = manifest["series"]["sp500:prices"]["origin"]
    assert sorted(panel["files"]) == ["sp500/prices/AAA.csv", "sp500/prices/BBB.csv"]


def test_a_rebuild_removes_files_it_no_longer_writes_but_keeps_readme_and_verdicts(
    fake_snapshot, tmp_path
):
    out = tmp_path / "v"
    vintage.build(fake_snapshot.root, out, FAKE_CORE_SERIES)
    (out / "README.md").write_text("about")
    (out / "verdicts.csv").write_text("claim_id,measured,verdict\n")
    vintage.build(fake_snapshot.root, out, ["^RUT"])
    assert sorted(files_of(out)) == [
        "README.md",
        "manifest.json",
        "verdicts.csv",
        "yahoo/^RUT.0.parquet",
    ]


@pytest.mark.parametrize("key", FAKE_CORE_SERIES)
def test_the_vintage_serves_what_the_snapshot_serves(fake_vintage, fake_snapshot, monkeypatch, key):
    from_vintage = {part: data.entry(key).part(part) for part in data.entry(key).manifest["parts"]}
    monkeypatch.setenv(SNAPSHOT_ENV, str(fake_snapshot.root))
    from_snapshot = {part: data.entry(key).part(part) for part in data.entry(key).manifest["parts"]}
    assert from_vintage.keys() == from_snapshot.keys()
    for part, frame in from_vintage.items():
        pd.testing.assert_frame_equal(frame, from_snapshot[part])


def test_vintage_is_the_default_and_cited_by_its_id_and_the_snapshot_file(fake_vintage):
    data.prices("^RUT")
    (used,) = data.used_sources()
    manifest = vintage.read_manifest(fake_vintage)
    assert used["source"] == f"vintage {manifest['vintage']}"
    assert used["file"] == "yahoo/^RUT.csv"
    assert used["sha256"] == manifest["series"]["^RUT"]["origin"]["sha256"]


def test_a_warm_load_is_served_from_the_cache(fake_vintage, monkeypatch):
    data.prices("^RUT")
    monkeypatch.setattr(vintage, "read_vintage", lambda *a: pytest.fail("re-read the vintage"))
    assert len(data.prices("^RUT")) == 250


def test_a_damaged_vintage_file_is_a_checksum_error_with_the_fix(fake_vintage):
    stored = fake_vintage / "yahoo" / "^RUT.0.parquet"
    stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ChecksumError, match=r"git checkout -- \S*manifest.json \S*\^RUT.0.parquet"):
        data.prices("^RUT")


def test_a_missing_vintage_says_how_to_restore_it():
    with pytest.raises(MissingSnapshotFileError, match=r"git checkout -- \S*no-vintage "):
        data.prices("^RUT")


def test_a_series_the_vintage_lacks_is_named(fake_vintage):
    assert not data.has_series("^VIX")
    with pytest.raises(UnknownTickerError, match="not in the pinned data vintage"):
        data.prices("^VIX")


def test_live_mode_reads_series_without_a_live_source_from_the_vintage(fake_vintage, monkeypatch):
    monkeypatch.setenv(DATA_ENV, "live")
    assert data.sp500_members("2025-09-10") == ["AAA", "BBB"]
    assert data.has_series("^RUT.alt")
    assert data.used_sources()[0]["source"].startswith("vintage ")


def test_refresh_on_the_vintage_is_new_then_unchanged(fake_vintage):
    assert {data.refresh_one(key) for key in FAKE_CORE_SERIES} == {"new"}
    assert {data.refresh_one(key) for key in FAKE_CORE_SERIES} == {"unchanged"}


def test_switching_from_vintage_to_snapshot_rereads_the_entry(
    fake_vintage, fake_snapshot, monkeypatch
):
    data.refresh_one("^RUT")
    monkeypatch.setenv(SNAPSHOT_ENV, str(fake_snapshot.root))
    assert data.refresh_one("^RUT") == "new"
    assert cache.read_manifest("^RUT")["source"] == "snapshot"


def test_holdings_come_through_the_data_layer(fake_vintage):
    holdings = data.ivv_holdings()
    assert holdings.as_of == pd.Timestamp("2025-11-18")
    assert holdings.table["market_value"].to_dict() == {"AAA": 1000.0, "BBB": 600.0}


def test_an_unknown_data_mode_is_refused(monkeypatch):
    monkeypatch.setenv(DATA_ENV, "offline")
    with pytest.raises(Exception, match="not a data mode"):
        data.prices("^RUT")


# ------------------------------------------------------------------ the cache follows the parts


def edit_part(folder, key, change, *, listed=True):
    """Rewrite part 0 of `key` with `change(frame)`; with `listed`, put its new sha256 (and
    coverage) in the manifest, as someone editing the vintage on purpose would."""
    relative = vintage.part_file(key, 0)
    frame = pq.read_table(folder / relative).to_pandas()
    vintage.write_part(change(frame), folder / relative)
    if listed:
        manifest = json.loads((folder / vintage.MANIFEST).read_text())
        entry = manifest["series"][key]
        next(iter(entry["parts"].values()))["sha256"] = sha256_file(folder / relative)
        entry.update(frame_coverage(change(frame)))
        (folder / vintage.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return folder / relative


def one_close_changed(frame):
    frame = frame.copy()
    frame.iloc[-5, frame.columns.get_loc("Close")] *= 1.01
    return frame


def test_a_vintage_part_edited_in_place_is_a_change(fake_vintage, capsys):
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 0
    before = data.prices("^RUT")["^RUT"].iloc[-5]
    edit_part(fake_vintage, "^RUT", one_close_changed)
    capsys.readouterr()
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 0
    assert "changed: ^RUT" in capsys.readouterr().out  # so make reruns every notebook
    assert data.prices("^RUT")["^RUT"].iloc[-5] == pytest.approx(before * 1.01)


def test_a_load_that_reads_an_edited_part_marks_the_cache_changed(fake_vintage, capsys):
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 0
    stamp = cache.cache_dir() / cache.STAMP
    os.utime(stamp, ns=(0, 0))
    edit_part(fake_vintage, "^RUT", one_close_changed)
    data.prices("^RUT")  # a notebook or `streak` reads it first, not `data refresh`
    assert stamp.stat().st_mtime_ns > 0  # so make still reruns the reports


def test_a_manifest_listing_another_sha256_is_refused_naming_the_part(fake_vintage):
    data.refresh_one("^RUT")
    manifest = json.loads((fake_vintage / vintage.MANIFEST).read_text())
    manifest["series"]["^RUT"]["parts"]["data"]["sha256"] = "0" * 64
    (fake_vintage / vintage.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ChecksumError, match=r"\^RUT.0.parquet does not match the sha256"):
        data.prices("^RUT")


def test_a_damaged_vintage_is_one_error_naming_every_bad_part(fake_vintage, capsys):
    (fake_vintage / vintage.part_file("^RUT", 0)).unlink()
    edit_part(fake_vintage, "SPY", one_close_changed, listed=False)
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 2
    err = capsys.readouterr().err
    assert "2 file(s) of the pinned data vintage are damaged" in err
    assert "^RUT.0.parquet is missing" in err and "SPY.0.parquet does not match" in err
    assert "git checkout -- " in err and "run from the repository root" not in err
    assert len(err.splitlines()) == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [("[]", "holds a list"), ('{"series": {}}', "lacks 'vintage'"), ("{", "is not valid JSON")],
)
def test_a_broken_manifest_is_said_once_with_the_git_fix(fake_vintage, capsys, text, problem):
    (fake_vintage / vintage.MANIFEST).write_text(text)
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 2
    err = capsys.readouterr().err
    assert problem in err and "git checkout -- " in err and "manifest.json" in err
    assert len(err.splitlines()) == 2 and "Traceback" not in err


def test_a_manifest_without_a_core_series_says_it_was_damaged(fake_vintage):
    manifest = json.loads((fake_vintage / vintage.MANIFEST).read_text())
    del manifest["series"]["^RUT"]
    (fake_vintage / vintage.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(UnknownTickerError, match="edited or damaged") as caught:
        data.prices("^RUT")
    assert "git checkout -- " in caught.value.fix and "CORE_SERIES" not in caught.value.fix


def test_a_vintage_part_that_holds_other_rows_than_listed_is_refused(fake_vintage):
    path = edit_part(fake_vintage, "^RUT", lambda f: f.iloc[:-20], listed=False)
    manifest = json.loads((fake_vintage / vintage.MANIFEST).read_text())
    manifest["series"]["^RUT"]["parts"]["data"]["sha256"] = sha256_file(path)
    (fake_vintage / vintage.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ChecksumError, match=r"holds 230 rows .* lists 250 rows"):
        data.prices("^RUT")


def test_a_vintage_series_that_shrinks_is_refused_unless_accepted(fake_vintage, capsys):
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 0
    edit_part(fake_vintage, "^RUT", lambda f: f.iloc[:-20])
    assert main(["data", "refresh", *FAKE_CORE_SERIES]) == 1
    err = capsys.readouterr().err
    assert "^RUT from yahoo/^RUT.csv now has 230 rows" in err and "has 250 rows" in err
    assert "--accept-shorter ^RUT" in err
    assert main(["data", "refresh", "--accept-shorter", "^RUT"]) == 0
    assert len(data.prices("^RUT")) == 230
