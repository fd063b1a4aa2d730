"""The claims ledger (data/claims.yaml): loading, schema checks, and recording verdicts.

Notebooks measure; this module judges. `record()` is the one call a notebook makes per claim:
it looks the claim up, applies the ledger's rule (helpers.claims.verdicts), writes
`<results dir>/<claim_id>.json` atomically, and returns a `Verdict` that renders as a
colored box with an `id="claim-<id>"` anchor, which the scorecard links to.
"""

from helpers.analysis.measurement import Measurement
from helpers.claims.ledger import (
    FAMILIES,
    RULE_CHOICES,
    VERDICT_STYLES,
    Claim,
    Ledger,
    article_label,
    claim,
    ledger_path,
    load_ledger,
    published_results_dir,
    read_ledger,
    shared_rule,
    shared_window,
)
from helpers.claims.recording import (
    NotebookClaims,
    Verdict,
    cited_file,
    read_results,
    readings_table,
    record,
    record_readings,
)
from helpers.claims.schema import checked_ledger, session_problems, validate_ledger
from helpers.config import LEDGER_ENV, NOTEBOOK_ENV, RESULTS_ENV

__all__ = [
    "FAMILIES",
    "LEDGER_ENV",
    "NOTEBOOK_ENV",
    "RESULTS_ENV",
    "RULE_CHOICES",
    "VERDICT_STYLES",
    "Claim",
    "Ledger",
    "Measurement",
    "NotebookClaims",
    "Verdict",
    "article_label",
    "checked_ledger",
    "cited_file",
    "claim",
    "ledger_path",
    "load_ledger",
    "published_results_dir",
    "read_ledger",
    "read_results",
    "readings_table",
    "record",
    "record_readings",
    "session_problems",
    "shared_rule",
    "shared_window",
    "validate_ledger",
]
