"""One chart style for every notebook, and a stamp saying where a chart's numbers came from."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.text import Text

# Shared look: colour-blind-safe palette, light grid, left-aligned titles, room for a source line.
_RC = {
    "figure.figsize": (9.0, 4.5),
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


def use_style() -> None:
    """Apply the project style; call once at the top of a notebook so all figures match."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", rc=_RC)
    mpl.rcParams.update(_RC)


def source_note(ax: Axes, *, series: str, source: str, as_of: str) -> Text:
    """Print series, source and as-of date under the figure holding `ax`.

    The note sits below the figure's bottom edge; tight bounding boxes (the inline backend's
    default and `savefig.bbox` here) grow the image to include it, so a copied chart still
    says what it shows.
    """
    text = f"Series: {series}   Source: {source}   As of: {as_of}"
    # A little below the edge, so it clears the x-axis label that ends at the figure's bottom.
    return ax.figure.text(0.01, -0.03, text, ha="left", va="top", fontsize=8, color="0.35")
