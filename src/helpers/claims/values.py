"""Values as the ledger writes them: numbers, ISO dates at a granularity, and their text.

Pure: the verdict rules, the bands and the scorecard read and write claimed and measured
values only through these functions, so "2026-01" and 8.0 mean one thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from helpers.errors import RuleError

GRANULARITIES = ("day", "month", "year")
_UNIT_SYMBOLS = {"percent": "%", "ratio": "×"}
_UNITLESS = {"bool", "date", "month", "year", "text"}


def fmt_number(value: float) -> str:
    """Short, stable number text for explanations: 3 decimals at most, no trailing zeros."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    return f"{round(float(value), 3):g}"


def fmt_value(value: Any, unit: str = "") -> str:
    """A claimed or measured value with its unit, for people ("7.2 %", "9 sessions")."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]" + _unit_suffix(unit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return fmt_number(value) + _unit_suffix(unit)
    return str(value)


def _unit_suffix(unit: str) -> str:
    if not unit or unit in _UNITLESS:
        return ""
    return " " + _UNIT_SYMBOLS.get(unit, unit)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_date_like(value: Any) -> bool:
    return isinstance(value, (str, dt.date)) and not is_number(value)


def parse_date(value: Any) -> tuple[int, int | None, int | None]:
    """(year, month, day) from 'YYYY', 'YYYY-MM', 'YYYY-MM-DD[...]', an int year or a date."""
    if isinstance(value, dt.date):
        return value.year, value.month, value.day
    text = str(value).strip()[:10]
    parts = text.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise RuleError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if not 1 <= len(numbers) <= 3 or len(parts[0]) != 4:
        raise RuleError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = numbers[0]
    month, day = (numbers[1:] + [None, None])[:2]
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise RuleError(f"{value!r} is not a valid date: {exc}") from None
    return year, month, day


def as_ordinal(value: Any) -> float:
    """Numbers stay numbers; dates become day ordinals so bounds and ranges work on both."""
    if is_number(value):
        return float(value)
    year, month, day = parse_date(value)
    return float(dt.date(year, month or 1, day or 1).toordinal())


def period_index(value: Any, granularity: str) -> int:
    """A date as a count of whole years, months or days, so two dates at one granularity are
    that many periods apart; a date without the month (or day) the granularity needs is an
    error, never read as the first one."""
    if granularity not in GRANULARITIES:
        raise RuleError(f"unknown granularity {granularity!r}")
    year, month, day = parse_date(value)
    if granularity == "year":
        return year
    if month is None:
        raise RuleError(f"a {granularity} match needs a month in both dates")
    if granularity == "month":
        return year * 12 + month - 1
    if day is None:
        raise RuleError("a day match needs full YYYY-MM-DD dates")
    return dt.date(year, month, day).toordinal()


def date_of_period(index: int, granularity: str) -> str:
    """The date `period_index` counts, written at its granularity: '1990', '1990-08', ISO day."""
    if granularity == "year":
        return f"{index:04d}"
    if granularity == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return dt.date.fromordinal(index).isoformat()


def date_like(claimed: Any, value: float) -> Any:
    """A value in the claim's own kind: an ISO date for a date claim, else the number."""
    if is_date_like(claimed):
        return dt.date.fromordinal(round(value)).isoformat()
    return value
