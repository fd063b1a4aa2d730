"""Errors for people: each names what went wrong and what to do about it."""

from __future__ import annotations

import errno


def first_line(exc: BaseException, width: int = 200) -> str:
    """An exception's first line, shortened, for a one-line cause (its type when it is silent)."""
    text = str(exc).strip()
    return text.splitlines()[0][:width] if text else type(exc).__name__


class SmallcapError(Exception):
    """Base class: every message states the cause and the fix.

    Pickles as (class, cause, fix), so a worker process can hand the error itself back to
    the process that reports it (Exception's default pickling would call it with the joined
    message alone).
    """

    def __init__(self, cause: str, fix: str):
        self.cause = cause
        self.fix = fix
        super().__init__(f"{cause}\n  -> fix: {fix}")

    def __reduce__(self) -> tuple[type[SmallcapError], tuple[str, str]]:
        return type(self), (self.cause, self.fix)


class DataError(SmallcapError):
    """Base class for data access problems."""


class UnknownTickerError(DataError):
    pass


class NoNetworkError(DataError):
    pass


class EmptyDownloadError(DataError):
    pass


class RateLimitError(DataError):
    pass


class DateRangeError(DataError):
    pass


class CorruptCacheError(DataError):
    pass


class MissingSnapshotFileError(DataError):
    pass


class ValidationError(DataError):
    pass


class ChecksumError(DataError):
    """A snapshot or vintage file is not the one its checksum list names."""


class LedgerError(SmallcapError):
    """The claims ledger is malformed."""


class NotebookRunError(SmallcapError):
    """A notebook failed while building reports."""


class StorageError(SmallcapError):
    """A file could not be read or written: permissions, a read-only or a full disk."""


_STORAGE_FIXES = {
    errno.ENOSPC: "free space on the disk holding it (df -h), then run the command again",
    errno.EDQUOT: "free space within your disk quota, then run the command again",
    errno.EROFS: "the file system is mounted read-only: work in a writable checkout",
    errno.EACCES: "make it writable for you (ls -ld; chmod u+w), or work in your own checkout",
    errno.EPERM: "make it writable for you (ls -ld; chmod u+w), or work in your own checkout",
    errno.ENOENT: "check that the path exists (run from the repository root)",
}


def storage_error(exc: OSError) -> StorageError:
    """An OSError as one message naming the file, the cause and what to do about it."""
    where = exc.filename or "a file"
    cause = exc.strerror or str(exc) or type(exc).__name__
    fix = _STORAGE_FIXES.get(exc.errno or 0, "check the path, its permissions and the disk")
    return StorageError(f"cannot use {where}: {cause}", fix)


class RuleError(LedgerError):
    """A rule, or a value judged by it, that the verdict engine cannot evaluate: a pure
    function raises it with the cause, and the claims room names the row it came from."""

    def __init__(
        self,
        cause: str,
        fix: str = "fix the row's rule or claimed value in data/claims.yaml (see docs/ledger.md)",
    ):
        super().__init__(cause, fix)


class EmptySampleError(DataError):
    """A statistic was asked of no observations (an empty sample, a window with no values)."""
