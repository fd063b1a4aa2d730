"""The package's writes and its one lock: what a full disk, a killed writer or a dead lock holder
leaves, and what the next process makes of it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap

import pytest

from helpers import files
from helpers.errors import LedgerError, StorageError, storage_error


def test_a_full_disk_names_the_file_being_written(tmp_path):
    target = tmp_path / "reports" / "claims.csv"

    def fill_the_disk(tmp: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")  # write() names no file

    with pytest.raises(OSError) as caught:
        files.atomic_write(target, fill_the_disk)
    assert caught.value.filename == str(target)
    assert str(storage_error(caught.value)).startswith(f"cannot use {target}: No space left")
    assert not list(target.parent.iterdir())  # no temp file left


def test_several_files_are_written_as_one_unit(tmp_path, monkeypatch):
    first, second = tmp_path / "claims.csv", tmp_path / "index.html"
    first.write_text("old csv")
    second.write_text("old page")
    real = files._text_writer

    def fail_on_the_page(text: str):
        if text == "new page":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(text)

    monkeypatch.setattr(files, "_text_writer", fail_on_the_page)
    with pytest.raises(OSError, match="No space"):
        files.write_texts_atomic({first: "new csv", second: "new page"})
    assert (first.read_text(), second.read_text()) == ("old csv", "old page")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "index.html"]
    monkeypatch.undo()
    files.write_texts_atomic({first: "new csv", second: "new page"})
    assert (first.read_text(), second.read_text()) == ("new csv", "new page")


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], stdout=subprocess.PIPE
    )
    return int(done.stdout)


def test_temp_files_of_dead_writers_are_swept_and_live_ones_kept(tmp_path):
    dead = tmp_path / f".claims.csv.abcd1234.{dead_pid()}.tmp"
    mine = tmp_path / f".index.html.efgh5678.{os.getpid()}.tmp"
    other = tmp_path / "notes.tmp"
    for path in (dead, mine, other):
        path.write_text("x")
    assert files.sweep_tmp(tmp_path) == [dead]
    assert mine.exists() and other.exists()


def test_a_name_that_leaves_its_folder_is_refused(tmp_path):
    assert (
        files.child_path(tmp_path, "a000-streak-9.json", "fix") == tmp_path / "a000-streak-9.json"
    )
    for name in ("../../../data/evil.json", "/etc/evil.json", "..", "a/b.json", ""):
        with pytest.raises(StorageError, match="refusing to write"):
            files.child_path(tmp_path, name, "use a plain id")


def test_a_byte_that_is_not_utf8_names_its_line_and_column(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"claims:\n- id: a\n  claim: caf\xe9\n")
    with pytest.raises(LedgerError, match=r"claims.yaml line 3, column 13: byte 0xe9 is not UTF-8"):
        files.read_utf8(path, LedgerError, "save the file as UTF-8")


# ------------------------------------------------------------------ the lock


def test_a_held_lock_is_refused_without_waiting_and_taken_once_free(tmp_path):
    lock = tmp_path / ".build.lock"
    with files.exclusive_lock(lock) as held:
        assert held and lock.read_text().strip() == str(os.getpid())
        holder = subprocess.run(
            [sys.executable, "-c", TRY_LOCK, str(lock)], capture_output=True, text=True
        )
        assert holder.stdout.strip() == "False"
    assert lock.read_text() == ""  # released: nobody recorded
    again = subprocess.run(
        [sys.executable, "-c", TRY_LOCK, str(lock)], capture_output=True, text=True
    )
    assert again.stdout.strip() == "True"


TRY_LOCK = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    from helpers.files import exclusive_lock
    with exclusive_lock(Path(sys.argv[1]), wait=False) as held:
        print(held)
    """
)


def test_a_lock_left_by_a_process_that_died_holding_it_is_taken_with_a_note(tmp_path):
    lock = tmp_path / ".build.lock"
    lock.write_text(f"{dead_pid()}\n")  # a holder killed before it could release the lock
    notes: list[str] = []
    with files.exclusive_lock(lock, say=notes.append) as held:
        assert held
    assert len(notes) == 1 and "ended without releasing it" in notes[0]


# Takes the lock, records itself, then forks a child that keeps the lock (as an orphaned
# worker would) and exits at once: the recorded holder is dead, the lock still held.
ORPHAN_HOLDER = textwrap.dedent(
    """\
    import os, sys, time
    from pathlib import Path
    from helpers.files import exclusive_lock
    with exclusive_lock(Path(sys.argv[1])):
        if os.fork() == 0:
            print(os.getpid(), flush=True)
            time.sleep(120)
            os._exit(0)
        os._exit(0)
    """
)


def test_a_lock_kept_by_what_a_dead_holder_left_running_is_taken_over(tmp_path):
    lock = tmp_path / ".build.lock"
    started = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_HOLDER, str(lock)], stdout=subprocess.PIPE, text=True
    )
    orphan = int(started.stdout.readline())
    started.wait()
    try:
        assert files.process_alive(orphan)
        notes: list[str] = []
        with files.exclusive_lock(lock, say=notes.append) as held:
            assert held and lock.read_text().strip() == str(os.getpid())
        assert len(notes) == 1 and f"held by process {started.pid}, which has ended" in notes[0]
    finally:
        os.kill(orphan, 9)
