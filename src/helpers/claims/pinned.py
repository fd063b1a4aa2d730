"""The verdicts the pinned vintage must reproduce: ``data/vintage/verdicts.csv``.

A build on the vintage that measures or judges any claim differently fails with a table of
what changed; `accept` rewrites the file on purpose, so a change in verdicts is a reviewed
diff in git. Builds on other data (snapshot, live) list their differences instead. Only the
standard library is used, so the check after every `make reports` starts in milliseconds.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.config import PINNED_VERDICTS, shown_path
from helpers.errors import LedgerError, first_line
from helpers.files import read_utf8

PINNED_FILE = PINNED_VERDICTS
COLUMNS = ("claim_id", "measured", "verdict")
# What to do about results that differ from the pinned ones (the vintage check and the
# pipeline, which publishes no such result, both say it).
CHANGED_FIX = (
    "if the change is intended, run `make accept-verdicts` and commit "
    "data/vintage/verdicts.csv; otherwise find what moved the values (git status: a changed "
    "vintage file comes back with git checkout -- data/vintage)"
)
# Float noise: last-bit differences between machines or library builds are not a change.
REL_TOL = 1e-9
ABS_TOL = 1e-12


def canonical(value: Any) -> str:
    """A measured value as one stable JSON text (what the CSV stores)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def rows_from_results(results: Mapping[str, Mapping]) -> list[dict]:
    """One pinned row per result, sorted by claim id."""
    return [
        {"claim_id": cid, "measured": canonical(r["measured"]), "verdict": r["verdict"]}
        for cid, r in sorted(results.items())
    ]


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_of(vintage: Path) -> dict[str, dict]:
    """The pinned verdicts of a vintage folder: required beside its manifest, and nothing
    (none pinned) where there is no vintage at all."""
    return read(vintage / PINNED_FILE, required=(vintage / "manifest.json").is_file())


def read(path: Path, required: bool = True) -> dict[str, dict]:
    """claim id -> {"measured": value, "verdict": text}.

    A missing file is an error (said once, with how to restore it) unless not `required`
    (then {}: nothing pinned yet); a row that cannot be read names its line.
    """
    fix = f"restore it: git checkout -- {shown_path(path)}"
    if not path.is_file():
        if required:
            raise LedgerError(f"{path} is missing, so no verdict can be checked against it", fix)
        return {}
    reader = csv.DictReader(io.StringIO(read_utf8(path, LedgerError, fix), newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise LedgerError(f"{path} line 1: the header is not {','.join(COLUMNS)}", fix)
    pinned = {}
    try:
        for row in reader:
            pinned[row["claim_id"]] = {
                "measured": json.loads(row["measured"]),
                "verdict": _text(row["verdict"]),
            }
    except (ValueError, TypeError, csv.Error) as exc:
        raise LedgerError(
            f"{path} line {reader.line_num}: cannot read the row ({first_line(exc)})", fix
        ) from None
    return pinned


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("a field is missing")
    return value


def same_value(a: Any, b: Any) -> bool:
    """Equal, with floats compared to within float noise (ints and floats alike)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same_value, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return a == b


def differences(pinned: Mapping[str, dict], results: Mapping[str, Mapping]) -> list[dict]:
    """Claims whose measured value or verdict differs from the pinned one, or that exist on
    one side only: claim, pinned measured/verdict, new measured/verdict (None when absent)."""
    rows = []
    for cid in sorted(set(pinned) | set(results)):
        old, new = pinned.get(cid), results.get(cid)
        if (
            old is not None
            and new is not None
            and old["verdict"] == new.get("verdict")
            and same_value(old["measured"], new.get("measured"))
        ):
            continue
        rows.append(
            {
                "claim_id": cid,
                "pinned_measured": old["measured"] if old else None,
                "pinned_verdict": old["verdict"] if old else None,
                "new_measured": new.get("measured") if new else None,
                "new_verdict": new.get("verdict") if new else None,
            }
        )
    return rows


def format_table(rows: list[dict]) -> str:
    """The differences as a plain-text table a person reads in a terminal."""
    header = ("claim", "expected", "got")
    cells = [
        (
            r["claim_id"],
            _cell(r["pinned_measured"], r["pinned_verdict"]),
            _cell(r["new_measured"], r["new_verdict"]),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(3)]
    lines = [
        "  ".join(text.ljust(w) for text, w in zip(line, widths, strict=True))
        for line in [header, *cells]
    ]
    return "\n".join(line.rstrip() for line in lines)


def _cell(measured: Any, verdict: str | None) -> str:
    return "(absent)" if verdict is None else f"{verdict}: {canonical(measured)}"


def built_on(results: Mapping[str, Mapping]) -> set[str]:
    """The data labels the results were built on ("vintage <id>", "snapshot", ...)."""
    return {str(r.get("build", {}).get("data", "unknown")) for r in results.values()}


def scorecard_view(
    results: Mapping[str, Mapping], expected: Mapping[str, dict], current: str | None
) -> dict:
    """What the scorecard says about the pinned verdicts: which data the results were built
    on, whether that is the pinned vintage, and every claim that differs from it."""
    on = sorted(built_on(results) - {"none"})
    return {
        "pinned": current,
        "built_on": on,
        "on_pinned": bool(current) and on == [current],
        "n_results": len(results),
        "rows": [
            {
                **row,
                "pinned": _cell(row["pinned_measured"], row["pinned_verdict"]),
                "new": _cell(row["new_measured"], row["new_verdict"]),
            }
            for row in differences(expected, results)
        ],
    }
