"""smallcap-claims helpers: data access, analysis, claims and presentation for the notebooks.

Notebooks import from here; nothing in a notebook should need more than a few calls into this
package. See README.md for the map of modules.
"""

from helpers.errors import SmallcapError

__all__ = ["SmallcapError"]
