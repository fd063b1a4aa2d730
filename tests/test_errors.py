"""Errors for people survive the trip from a worker process back to the one that reports them."""

from __future__ import annotations

import pickle

import pytest

from helpers import errors


@pytest.mark.parametrize(
    "kind",
    [
        errors.SmallcapError,
        errors.ChecksumError,
        errors.LedgerError,
        errors.NotebookRunError,
        errors.StorageError,
    ],
)
def test_an_error_pickles_with_its_class_cause_and_fix(kind):
    error = kind("vintage file x does not match", "git checkout -- data/vintage/x")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is kind
    assert (back.cause, back.fix, str(back)) == (error.cause, error.fix, str(error))
