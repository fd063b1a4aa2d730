"""Notebooks as git keeps them: their code, without what a session adds.

A notebook's code is its cells' types, sources and tags; the build's dirty flag compares only
that. Its committed form has no outputs, execution counts or session metadata, and two things
write that form: the nbstripout git filter (`make setup`, through .gitattributes) whenever git
reads a notebook, and `make lab`, whose JupyterLab saves every notebook through
`strip_outputs`. So a session in `make lab` leaves the files, `git status` and the build clean;
its outputs stay on screen until the notebook is closed.
"""

from __future__ import annotations

import json
from typing import Any

# What nbstripout removes by default: its command line's own list, which its API does not
# export (tests/test_notebook_saves.py holds this copy to the command line's output) ...
NBSTRIPOUT_DEFAULT_KEYS = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
)
# ... and the kernel details a session adds beside the language's name, which the committed
# notebooks keep (the git filter is given these as `filter.nbstripout.extrakeys`).
SESSION_KEYS = tuple(
    f"metadata.language_info.{key}"
    for key in (
        "codemirror_mode",
        "file_extension",
        "mimetype",
        "nbconvert_exporter",
        "pygments_lexer",
        "version",
    )
)


def notebook_code(text: str) -> list | None:
    """What a notebook runs: each cell's type, source and tags, without outputs, execution
    counts or other metadata; None when the text is not a notebook."""
    try:
        cells = json.loads(text)["cells"]
        return [
            (
                cell["cell_type"],
                "".join(cell["source"]),
                cell.get("metadata", {}).get("tags", []),
            )
            for cell in cells
        ]
    except (ValueError, KeyError, TypeError):
        return None


def strip_outputs(model: dict[str, Any], **_: Any) -> None:
    """A Jupyter server `pre_save_hook`: a notebook is saved in its committed form (what the
    nbstripout filter makes of it), so the file never grows outputs."""
    if model.get("type") != "notebook" or model.get("content") is None:
        return
    import nbformat  # loaded by the server anyway; not by the package's other users
    from nbstripout import strip_output

    notebook = nbformat.from_dict(model["content"])
    keys = [*NBSTRIPOUT_DEFAULT_KEYS, *SESSION_KEYS]
    model["content"] = strip_output(
        notebook, keep_output=False, keep_count=False, keep_id=False, extra_keys=keys
    )
