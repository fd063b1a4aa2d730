"""Reference tables committed with the repository (`data/reference/`): public facts transcribed
by hand with their source in each file's header, read the same way whatever the data mode.

- `nber_cycles()`: the NBER US business-cycle peaks and troughs (monthly, from 1854).
- `fomc_scheduled()`: announcement days of the scheduled FOMC meetings, 2000-2025.

Lines starting with "#" are the file's header. Each read is checked (a typo in a transcribed
date is an error naming the line) and recorded in `used_sources()`, so results cite the file.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pandas as pd

from helpers.buildinfo import COMMITTED
from helpers.config import repo_root
from helpers.data import store
from helpers.data.snapshot import sha256_file
from helpers.errors import DataError, ValidationError

REFERENCE_DIR = Path("data") / "reference"
NBER_CYCLES = "nber_business_cycles.csv"
FOMC_SCHEDULED = "fomc_scheduled_meetings.csv"


def reference_path(name: str) -> Path:
    """Where a committed reference table lives in this checkout."""
    return repo_root() / REFERENCE_DIR / name


def _body(text: str) -> tuple[str, int]:
    """The CSV part of a reference file and how many header lines precede it."""
    lines = text.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[header:]), header


def _months(column: pd.Series, name: str, first_line: int) -> pd.Series:
    """'YYYY-MM' text as monthly periods; a blank stays missing, anything else is an error."""
    parsed = pd.to_datetime(column, format="%Y-%m", errors="coerce")
    bad = column.notna() & parsed.isna()
    if bad.any():
        line = first_line + int(bad.to_numpy().argmax())
        raise ValidationError(
            f"{name}: {column[bad].iloc[0]!r} on line {line} is not a month like 1990-07",
            f"correct line {line} of data/reference/{name} against its source",
        )
    return parsed.dt.to_period("M")


def parse_nber_cycles(text: str, name: str = NBER_CYCLES) -> pd.DataFrame:
    """Columns peak and trough (monthly periods), one row per contraction, oldest first; the
    first row's peak may be missing (the chronology starts at a trough). Checked: months in
    order, each peak before its trough and each trough before the next peak."""
    body, header = _body(text)
    table = pd.read_csv(StringIO(body), dtype=str)
    if list(table.columns) != ["peak", "trough"] or table.empty:
        raise ValidationError(
            f"{name}: expected the columns peak,trough and at least one row",
            f"restore data/reference/{name} from git",
        )
    first_line = header + 2  # the column names take one line
    cycles = pd.DataFrame(
        {
            "peak": _months(table["peak"], name, first_line),
            "trough": _months(table["trough"], name, first_line),
        }
    )
    dates = [
        d
        for pair in zip(cycles["peak"], cycles["trough"], strict=True)
        for d in pair
        if pd.notna(d)
    ]
    out_of_order = [i for i in range(1, len(dates)) if not dates[i - 1] < dates[i]]
    if cycles["trough"].isna().any() or cycles["peak"].iloc[1:].isna().any() or out_of_order:
        raise ValidationError(
            f"{name}: peaks and troughs do not alternate in time"
            + (f" (at {dates[out_of_order[0]]})" if out_of_order else ""),
            f"correct data/reference/{name} against the NBER table",
        )
    return cycles


def parse_fomc_scheduled(text: str, name: str = FOMC_SCHEDULED) -> pd.DatetimeIndex:
    """The announcement days, ascending; at most eight scheduled meetings a year."""
    body, header = _body(text)
    table = pd.read_csv(StringIO(body), dtype=str)
    days = pd.to_datetime(
        table.get("date", pd.Series(dtype=str)), format="%Y-%m-%d", errors="coerce"
    )
    if table.empty or days.isna().any():
        line = header + 2 + (int(days.isna().to_numpy().argmax()) if len(days) else 0)
        raise ValidationError(
            f"{name}: line {line} is not a date like 2025-12-10 (or the file has no `date` rows)",
            f"correct data/reference/{name} against the Federal Reserve's calendars",
        )
    index = pd.DatetimeIndex(days, name="date")
    per_year = index.year.value_counts()
    if not index.is_monotonic_increasing or not index.is_unique or (per_year > 8).any():
        raise ValidationError(
            f"{name}: dates out of order, repeated, or more than eight in a year",
            f"correct data/reference/{name} against the Federal Reserve's calendars",
        )
    return index


def _text(name: str) -> str:
    """A reference file's text; a missing file is an error that says how to get it back."""
    path = reference_path(name)
    if not path.is_file():
        raise DataError(
            f"the reference table {path} is missing",
            f"restore it from git: git checkout -- {(REFERENCE_DIR / name).as_posix()}",
        )
    return path.read_text()


def _record(name: str, first: object, last: object, rows: int) -> None:
    """Cite a reference file in `used_sources()`, like a series the data layer loaded."""
    path = reference_path(name)
    store._record_use(
        {
            "series": f"reference:{path.stem}",
            "source": COMMITTED,
            "origin": {
                "path": str(path),
                "file": (REFERENCE_DIR / name).as_posix(),
                "sha256": sha256_file(path),
            },
            "first": str(first),
            "last": str(last),
            "rows": rows,
            "retrieved_at": None,
        }
    )


def nber_cycles() -> pd.DataFrame:
    """The NBER business-cycle chronology (`parse_nber_cycles`) from data/reference/."""
    cycles = parse_nber_cycles(_text(NBER_CYCLES))
    _record(NBER_CYCLES, cycles["trough"].iloc[0], cycles["trough"].iloc[-1], len(cycles))
    return cycles


def fomc_scheduled() -> pd.DatetimeIndex:
    """Scheduled FOMC announcement days 2000-2025 (`parse_fomc_scheduled`) from data/reference/."""
    days = parse_fomc_scheduled(_text(FOMC_SCHEDULED))
    _record(FOMC_SCHEDULED, days[0].date(), days[-1].date(), len(days))
    return days
