"""Errors for people: each names what went wrong and what to do about it."""

from __future__ import annotations


class SmallcapError(Exception):
    """Base class: every message states the cause and the fix."""

    def __init__(self, cause: str, fix: str):
        self.cause = cause
        self.fix = fix
        super().__init__(f"{cause}\n  -> fix: {fix}")


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
