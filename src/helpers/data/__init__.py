"""The data layer the notebooks call: validated frames from the vintage, snapshot or live
sources, via the cache.

Where data comes from is one switch (`helpers.config.data_mode`): the pinned vintage in
``data/vintage/`` by default, the full snapshot with ``SNAPSHOT_DIR`` set, or the live
services (Yahoo Finance, FRED, the Ken French library) with ``SMALLCAP_DATA=live``, where
series without a live source still come from the snapshot or the vintage. Either way a
series is parsed once into the cache (`helpers.data.cache`) and later loads read the
cache. A vintage or snapshot entry is reused while its files keep their size and mtime; a
live entry is reused until ``data refresh``.

Every load is validated (`helpers.data.quality.validate`; a cache part that is still the
file validated when it was stored is not validated again) and recorded for `used_sources()`,
which the claims ledger uses to cite the exact files behind each verdict.

The names below load on first use (PEP 562): importing one light module of this package
(`helpers.data.freshness`, which `data refresh` asks before anything else) does not import
pandas with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpers.data.agreement import (
        compare_sources,
        quality_report,
        reconciled_close,
        source_agreement,
    )
    from helpers.data.keys import (
        CORE_SERIES,
        FOMC,
        SP500_CHANGE_LOG,
        SP500_HOLDINGS,
        SP500_MEMBER_LIST,
        SP500_MEMBERS,
        SP500_PRICES,
        SP500_SECTORS,
    )
    from helpers.data.reference import fomc_scheduled, nber_cycles
    from helpers.data.series import (
        Holdings,
        cpi,
        fomc_decisions,
        fred,
        french,
        french_sections,
        ivv_holdings,
        load_core,
        ohlcv,
        prices,
        sessions,
        snapshot_table,
        sp500_members,
        sp500_prices,
        sp500_sectors,
    )
    from helpers.data.store import (
        Entry,
        clear_used_sources,
        coverage,
        entry,
        has_live_source,
        has_series,
        keep_available,
        load,
        refresh_keys,
        refresh_one,
        status,
        used_sources,
    )

# Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "compare_sources": "agreement",
    "quality_report": "agreement",
    "reconciled_close": "agreement",
    "source_agreement": "agreement",
    "CORE_SERIES": "keys",
    "FOMC": "keys",
    "SP500_CHANGE_LOG": "keys",
    "SP500_HOLDINGS": "keys",
    "SP500_MEMBER_LIST": "keys",
    "SP500_MEMBERS": "keys",
    "SP500_PRICES": "keys",
    "SP500_SECTORS": "keys",
    "fomc_scheduled": "reference",
    "nber_cycles": "reference",
    "Holdings": "series",
    "cpi": "series",
    "fomc_decisions": "series",
    "fred": "series",
    "french": "series",
    "french_sections": "series",
    "ivv_holdings": "series",
    "load_core": "series",
    "ohlcv": "series",
    "prices": "series",
    "sessions": "series",
    "snapshot_table": "series",
    "sp500_members": "series",
    "sp500_prices": "series",
    "sp500_sectors": "series",
    "Entry": "store",
    "clear_used_sources": "store",
    "coverage": "store",
    "entry": "store",
    "has_live_source": "store",
    "has_series": "store",
    "keep_available": "store",
    "load": "store",
    "refresh_keys": "store",
    "refresh_one": "store",
    "status": "store",
    "used_sources": "store",
}

__all__ = [
    "CORE_SERIES",
    "Entry",
    "FOMC",
    "Holdings",
    "SP500_CHANGE_LOG",
    "SP500_HOLDINGS",
    "SP500_MEMBER_LIST",
    "SP500_MEMBERS",
    "SP500_PRICES",
    "SP500_SECTORS",
    "clear_used_sources",
    "compare_sources",
    "coverage",
    "cpi",
    "entry",
    "fomc_decisions",
    "fomc_scheduled",
    "fred",
    "french",
    "french_sections",
    "has_live_source",
    "has_series",
    "ivv_holdings",
    "keep_available",
    "load",
    "load_core",
    "nber_cycles",
    "ohlcv",
    "prices",
    "quality_report",
    "reconciled_close",
    "refresh_keys",
    "refresh_one",
    "sessions",
    "snapshot_table",
    "source_agreement",
    "sp500_members",
    "sp500_prices",
    "sp500_sectors",
    "status",
    "used_sources",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use, then keep it here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'helpers.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"helpers.data.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
