"""smallcap-claims helpers: data access, analysis, claims and presentation for the notebooks.

Notebooks import from here; nothing in a notebook should need more than a few calls into this
package. See README.md for the map of modules.
"""

import sys

from helpers.errors import SmallcapError

# jsonschema (under nbformat, papermill and the ledger contract) imports its optional `format`
# checkers eagerly, and one of them, rfc3987_syntax (installed for jupyter-events), builds 38
# parsers as it is imported: ~1.5 s in every process that reads a notebook or the ledger.
# Nothing here checks the syntax of an IRI, so the module is marked absent unless something
# imported it already.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__all__ = ["SmallcapError"]
