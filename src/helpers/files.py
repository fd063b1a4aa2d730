"""Files the package writes: atomic writes, the one lock, and what a killed writer leaves behind.

Every writer in the package (cache parts and manifests, result JSONs, the scorecard) goes
through `atomic_write` or `write_texts_atomic`, so "never destroys a previous good cache or
report" has one home; every lock is `exclusive_lock`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from helpers.errors import SmallcapError, StorageError

try:  # POSIX; elsewhere the locks below are no-ops and concurrent writers are not serialised
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _temp_beside(path: Path, write: Callable[[str], object]) -> str:
    """`write(tmp)` into a temp file beside `path`; return the temp file's name.

    The name carries this process's id (`.<name>.<random>.<pid>.tmp`), so `sweep_tmp` can
    tell a file a killed writer left from one a live writer is still filling. The file gets
    the permissions a plain `open()` would have given (mkstemp's are 0600), so reports stay
    readable by other users. An OSError that names no file (a full disk during a write) is
    raised again naming `path`.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=f".{os.getpid()}.tmp"
        )
    except OSError as exc:
        raise with_filename(exc, path) from exc
    os.close(handle)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise with_filename(exc, path) from exc
        raise
    return tmp


def with_filename(exc: OSError, path: Path) -> OSError:
    """The same error, naming `path` when it named no file (write() on a full disk does not)."""
    if exc.filename or exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))


def atomic_write(path: Path, write: Callable[[str], object]) -> None:
    """Call `write(tmp_path)` on a temp file beside `path`, then rename it over `path`."""
    tmp = _temp_beside(path, write)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise with_filename(exc, path) from exc


def _text_writer(text: str) -> Callable[[str], None]:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    return write


def write_text_atomic(path: Path, text: str) -> None:
    atomic_write(path, _text_writer(text))


def write_json_atomic(path: Path, payload: Mapping[str, Any], indent: int = 2) -> None:
    write_text_atomic(path, json.dumps(payload, indent=indent, ensure_ascii=False) + "\n")


def write_texts_atomic(texts: Mapping[Path, str]) -> None:
    """Write several files as one unit: every temp file first, then all the renames with
    interrupts held back. A failure before the renames (a full disk) leaves every old file;
    a reader never finds one new file beside an old one."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            staged.append((_temp_beside(path, _text_writer(text)), path))
        with signals_deferred():
            for tmp, path in staged:
                os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


_TMP_NAME = re.compile(r"\..+\.(\d+)\.tmp")


def sweep_tmp(folder: Path) -> list[Path]:
    """Remove the temp files in `folder` whose writer is no longer running; return them.

    A writer killed between writing its temp file and renaming it leaves `.<name>.*.tmp`
    behind; one whose process still runs is left alone (it may be about to rename it).
    """
    removed = []
    for path in sorted(folder.glob(".*.tmp")):
        found = _TMP_NAME.fullmatch(path.name)
        if found and int(found[1]) != os.getpid() and not process_alive(int(found[1])):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):  # no /proc (macOS): the signal test is all there is
        return True


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT), SIGTERM and SIGHUP for the block: a commit of several
    files finishes before an interrupt lands, never half way. Outside the main thread (where
    Python runs signal handlers anyway) or without pthread_sigmask, a plain block."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    previous = signal.pthread_sigmask(
        signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    )
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def read_utf8(path: Path, error: type[SmallcapError], fix: str) -> str:
    """A text file's content; a byte that is not UTF-8 is an `error` naming its line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise error(
            f"{path} line {line}, column {column}: byte 0x{data[exc.start]:02x} is not UTF-8 text",
            fix,
        ) from None


def child_path(folder: Path, name: str, fix: str) -> Path:
    """`folder / name`, refused (StorageError) when the name would reach outside `folder`:
    the guard of every writer that names a file after something read from data (a claim id)."""
    path = folder / name
    if not name or Path(name).name != name or name in (".", "..") or "\\" in name:
        raise StorageError(f"refusing to write {path}: {name!r} is not a plain file name", fix)
    return path


# ------------------------------------------------------------------------------ the lock

# How often a waiting process looks again at a held lock (and at whether its holder died).
LOCK_POLL_SECONDS = 0.2


@contextmanager
def exclusive_lock(
    path: Path, *, wait: bool = True, say: Callable[[str], object] | None = None
) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created if missing) for the block: the one way writers
    of a cache entry, or two builds of the reports, take turns. Yields True once held; with
    `wait=False`, False at once when another process holds it.

    The holder's process id is written in the file. A lock whose recorded holder has died is
    taken over (`say` gets a note): when the kernel freed it, at once; when processes the dead
    holder left behind still keep it, by replacing the file, which later lockers open. `say`
    also hears, once, that a wait begins and for whom.
    """
    if fcntl is None:  # pragma: no cover
        yield True
        return
    handle = _open_lock(path)
    try:
        waited = False
        while True:
            handle, held, holder = _attempt(path, handle, say)
            if held:
                break
            if not wait:
                yield False
                return
            if not waited and say is not None:
                who = f"process {holder}" if holder else "another process"
                say(f"waiting for {path}: {who} holds it (another build is running)")
            waited = True
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield True
        finally:
            _set_holder(handle, None)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _attempt(
    path: Path, handle: IO[str], say: Callable[[str], object] | None
) -> tuple[IO[str], bool, int | None]:
    """One try at the lock: (the lock file now open, whether it is held, who holds it).

    Taking the lock and writing the holder happen under a guard lock, and so does a takeover,
    so a takeover never replaces a file a live process has just locked.
    """
    with open(_guard_path(path), "a", encoding="ascii") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        handle = _reopen_if_replaced(path, handle)
        holder = _holder(handle)
        if _try_flock(handle):
            if holder is not None and holder != os.getpid() and say is not None:
                say(f"note: {path} was held by process {holder}, which ended without releasing it")
            _set_holder(handle, os.getpid())
            return handle, True, None
        if holder is None or process_alive(holder):
            return handle, False, holder
        path.unlink(missing_ok=True)  # kept locked by what a dead holder left running
        if say is not None:
            say(
                f"note: {path} was held by process {holder}, which has ended; taking it over "
                "from the processes it left running"
            )
        handle.close()
        handle = _open_lock(path)
        if not _try_flock(handle):  # pragma: no cover - a fresh file nobody else has locked
            return handle, False, None
        _set_holder(handle, os.getpid())
        return handle, True, None


def _guard_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.guard{path.suffix}")


def _open_lock(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a+", encoding="ascii")


def _try_flock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(handle: IO[str]) -> int | None:
    """The process id a lock file records (None when it records none)."""
    handle.seek(0)
    text = handle.read().strip()
    return int(text) if text.isdigit() else None


def _set_holder(handle: IO[str], pid: int | None) -> None:
    handle.seek(0)
    handle.truncate()
    if pid is not None:
        handle.write(f"{pid}\n")
    handle.flush()


def _reopen_if_replaced(path: Path, handle: IO[str]) -> IO[str]:
    """The lock file at `path` now: a takeover may have replaced the one `handle` has open."""
    try:
        same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        same = False
    if same:
        return handle
    handle.close()
    return _open_lock(path)
