"""What a measure takes: one reading of a ledger row, and the notebook run it belongs to.

`Row` is the part of a ledger row (`helpers.claims.Row`) a measure may read: its id, date,
claimed figure and rule, through the accessors that check the rule's keys. The claims room
builds a `Reading` for each reading a row lists (its rule with the reading's keys laid over
it) and hands it to the row's measure (`helpers.measures.registry`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Row(Protocol):
    """A ledger row as one of its readings (what `helpers.claims.Row.reading` returns)."""

    @property
    def id(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def as_of(self) -> str: ...
    @property
    def claimed(self) -> Mapping[str, Any]: ...
    @property
    def claimed_value(self) -> Any: ...
    @property
    def rule(self) -> Mapping[str, Any]: ...
    @property
    def series(self) -> tuple[str, ...]: ...
    @property
    def pair(self) -> tuple[str, str]: ...
    @property
    def window(self) -> tuple[str, str]: ...
    @property
    def start(self) -> str: ...
    @property
    def end(self) -> str: ...
    @property
    def ratio_of(self) -> tuple[str, str]: ...
    def choice(self, key: str, default: str | None = None) -> str: ...
    def number(self, key: str) -> int: ...
    def statistic_of(self, values: Mapping[str, Any]) -> Any: ...
    def moved_to(self, as_of: str) -> Row: ...


class Frames:
    """Frames the readings of one notebook run share (the S&P 500 member panel, the French
    valuation spreads), built on first use: one notebook measures dozens of readings from
    the same few frames, and each is costly to build."""

    def __init__(self) -> None:
        self._built: dict[Hashable, Any] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        if key not in self._built:
            self._built[key] = build()
        value: T = self._built[key]
        return value


@dataclass(frozen=True)
class Reading:
    """One reading of a ledger row, as every measure takes it.

    `row` is the row with the reading's rule keys laid over its own; `data_end` the last
    close the notebook reads (its `as_of` parameter; None: every close the data has);
    `rows` the ledger's rows by id, for a row whose rule names others (`ratio_of`);
    `frames` the frames the notebook run's readings share.
    """

    row: Row
    data_end: str | None = None
    rows: Mapping[str, Row] = field(default_factory=dict)
    frames: Frames = field(default_factory=Frames, compare=False)

    def moved_to(self, as_of: str) -> Reading:
        """This reading with the row judged at another close (`as_of_offset`)."""
        return dataclasses.replace(self, row=self.row.moved_to(as_of))

    def until(self, date: str) -> str:
        """`date`, or the data end when that comes first: the last close this reading may
        read for a figure dated `date`."""
        if self.data_end is None:
            return date
        return min(date, self.data_end)  # ISO dates order as text


def series_label(key: str) -> str:
    """A data-layer key as an evidence sentence names it: 'FRED DGS2' for 'fred:DGS2',
    'Ken French F-F_Research_Data_Factors_daily' for a French file, 'IVV (adjusted closes)'
    for an sp500/benchmarks file; tickers and index names as they are."""
    if key.startswith("fred:"):
        return f"FRED {key.removeprefix('fred:')}"
    if key.startswith("french:"):
        return f"Ken French {key.removeprefix('french:')}"
    if key.startswith("file:sp500/benchmarks/"):
        ticker = key.removeprefix("file:sp500/benchmarks/").removesuffix(".csv")
        return f"{ticker} (adjusted closes)"
    return key
