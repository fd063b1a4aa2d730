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
"""

from helpers.data.agreement import (
    compare_sources,
    quality_report,
    reconciled_close,
    source_agreement,
)
from helpers.data.keys import FOMC, SP500_HOLDINGS, SP500_MEMBERS, SP500_PRICES
from helpers.data.reference import fomc_scheduled, nber_cycles
from helpers.data.series import (
    Holdings,
    fomc_decisions,
    fred,
    french,
    french_sections,
    ivv_holdings,
    load_core,
    ohlcv,
    prices,
    snapshot_table,
    sp500_members,
    sp500_prices,
)
from helpers.data.store import (
    CORE_SERIES,
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

__all__ = [
    "CORE_SERIES",
    "FOMC",
    "SP500_HOLDINGS",
    "SP500_MEMBERS",
    "SP500_PRICES",
    "Entry",
    "Holdings",
    "clear_used_sources",
    "compare_sources",
    "coverage",
    "entry",
    "fomc_decisions",
    "fomc_scheduled",
    "french",
    "french_sections",
    "fred",
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
    "snapshot_table",
    "source_agreement",
    "sp500_members",
    "sp500_prices",
    "status",
    "used_sources",
]
