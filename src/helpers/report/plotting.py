"""One chart style for every notebook, a stamp saying where a chart's numbers came from, and
numbered figures with captions and alt text."""

from __future__ import annotations

import base64
import html
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers import data
from helpers.report import tables, theme

# Shared look: colour-blind-safe palette, light grid, left-aligned titles, room for a source
# line; saved at 160 dpi so charts stay sharp on high-density screens.
_RC = {
    "figure.figsize": (9.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 160,
    "savefig.bbox": "tight",
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "legend.edgecolor": "0.85",
    # Short, non-overlapping date ticks ("Jan", "15", "Feb") on every date axis.
    "date.converter": "concise",
}
# Figures shown so far in this kernel: show() numbers them, use_style() starts again at 1.
_shown: list[str] = []


def use_style() -> None:
    """Apply the project style; call once at the top of a notebook so all figures match."""
    theme.apply()  # seaborn's theme, without importing seaborn
    mpl.rcParams.update(_RC)  # type: ignore[arg-type]
    _shown.clear()


def files_of(*series: str) -> str:
    """The data files behind the named series, for a chart's source line: only the chart's
    own inputs, each once, by relative name. A series is named by its data-layer key
    ("fred:DGS2") or by the name after the key's prefix ("DGS2"); one not loaded is an error."""
    loaded = data.used_sources()
    files = []
    for name in series:
        found = [e for e in loaded if name in (e["series"], e["series"].split(":", 1)[-1])]
        if not found:
            raise KeyError(f"series {name!r} was not loaded; load it before citing it")
        files += [tables.file_name(e) for e in found]
    return ", ".join(dict.fromkeys(files))


def source_note(ax: Axes, *, series: str, source: str, as_of: str) -> Text:
    """Print series, source and as-of date under the figure holding `ax`.

    The note sits below the figure's bottom edge; tight bounding boxes (`savefig.bbox` here)
    grow the image to include it, so a copied chart still says what it shows.
    """
    text = f"Series: {series}   Source: {source}   As of: {as_of}"
    # A little below the edge, so it clears the x-axis label that ends at the figure's bottom.
    return ax.figure.text(
        0.01, -0.03, text, ha="left", va="top", fontsize=8, color="0.35", wrap=True
    )


def legend_outside(ax: Axes, **kwargs) -> None:
    """The legend to the right of the axes, where it cannot cover the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, **kwargs)


def figure_html(fig: Figure, number: int, caption: str) -> str:
    """A <figure> with the chart as an embedded PNG, its caption numbered and as alt text."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    png = buffer.getvalue()
    # Shown at the figure's screen size (figure.dpi px per inch), tight box included, so the
    # extra savefig pixels make it sharp rather than large; PNG stores the width at bytes 16-20.
    width_px = round(int.from_bytes(png[16:20], "big") * fig.dpi / mpl.rcParams["savefig.dpi"])
    encoded = base64.b64encode(png).decode("ascii")
    text = html.escape(caption)
    return (
        f'<figure class="smallcap-figure" id="figure-{number}">'
        f'<img src="data:image/png;base64,{encoded}" width="{width_px}" '
        f'alt="Figure {number}: {text}">'
        f"<figcaption><b>Figure {number}.</b> {text}</figcaption></figure>"
    )


def show(fig: Figure, caption: str) -> None:
    """Display `fig` as the next numbered figure with `caption`, then close it (so the inline
    backend does not show it a second time, uncaptioned)."""
    from IPython.display import HTML, display

    _shown.append(caption)
    display(HTML(figure_html(fig, len(_shown), caption)))
    plt.close(fig)
