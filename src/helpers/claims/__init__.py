"""The claims ledger (data/claims.yaml): its rows, their schema checks, and their verdicts.

A notebook opens its book (`NotebookClaims(notebook, as_of=...)`) and calls
`book.measure_group(group)`: each row names its measurement (`measured_by`), the measures
room measures every reading it lists, and this room judges them by the row's rule
(`judging`, `significance`, `robustness`), writes `<results dir>/<claim_id>.json`
atomically and returns verdicts that render as colored boxes with an `id="claim-<id>"`
anchor, which the scorecard links to.
"""

from helpers.analysis.measurement import Measurement
from helpers.claims.book import GroupVerdicts, NotebookClaims
from helpers.claims.ledger import (
    FAMILIES,
    RULE_CHOICES,
    VERDICT_STYLES,
    Ledger,
    Row,
    article_label,
    find_row,
    ledger_path,
    load_ledger,
    published_results_dir,
    read_ledger,
    shared_rule,
    shared_series,
    shared_window,
)
from helpers.claims.recording import (
    Verdict,
    cited_file,
    read_results,
    readings_table,
    record,
    record_measurements,
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
    "GroupVerdicts",
    "Ledger",
    "Measurement",
    "NotebookClaims",
    "Row",
    "Verdict",
    "article_label",
    "checked_ledger",
    "cited_file",
    "find_row",
    "ledger_path",
    "load_ledger",
    "published_results_dir",
    "read_ledger",
    "read_results",
    "readings_table",
    "record",
    "record_measurements",
    "session_problems",
    "shared_rule",
    "shared_series",
    "shared_window",
    "validate_ledger",
]
