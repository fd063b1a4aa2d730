"""One chart style for every notebook, a stamp saying where a chart's numbers came from, and
numbered figures with captions and alt text, each drawn twice: as laid out, and narrow for a
phone, where the wide picture would shrink its text to about 5 px."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager

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
# The phone variant: drawn this many inches wide at figure.dpi (about 440 CSS px), it shows at
# about 0.83x on a 390 px screen, so 8 pt (the smallest text here, the source line) is 9 px.
NARROW_INCHES = 4.4
NARROW_COLUMNS = 2  # small multiples wider than this are regridded for the phone
# Text smaller than this (a source line, a legend at 8 pt) is enlarged in the phone variant:
# 9 pt stays at least 9 CSS px while axis labels widen the picture to 500 px.
NARROW_MIN_POINTS = 9.0
PHONE = "(max-width: 600px)"
# Artists the narrow layout moves, marked where they are made.
_OUTSIDE_LEGEND = "_smallcap_outside"
_SOURCE_NOTE = "_smallcap_source"


def use_style() -> None:
    """Apply the project style; call once at the top of a notebook so all figures match and
    every table it shows reads for people (tables.show_frames_for_people)."""
    theme.apply()  # seaborn's theme, without importing seaborn
    mpl.rcParams.update(_RC)  # type: ignore[arg-type]
    _shown.clear()
    tables.show_frames_for_people()


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
    note = ax.figure.text(
        0.01, -0.03, text, ha="left", va="top", fontsize=8, color="0.35", wrap=True
    )
    setattr(note, _SOURCE_NOTE, True)
    return note


def legend_outside(ax: Axes, **kwargs) -> None:
    """The legend to the right of the axes, where it cannot cover the data (below them on a
    phone)."""
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, **kwargs)
    setattr(legend, _OUTSIDE_LEGEND, True)


def _png(fig: Figure) -> tuple[str, int]:
    """The figure as base64 PNG and the CSS width to show it at: its screen size (figure.dpi
    px per inch, tight box included), so the extra savefig pixels make it sharp, not large;
    PNG stores the width at bytes 16-20."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    png = buffer.getvalue()
    width_px = round(int.from_bytes(png[16:20], "big") * fig.dpi / mpl.rcParams["savefig.dpi"])
    return base64.b64encode(png).decode("ascii"), width_px


@contextmanager
def narrow(fig: Figure) -> Iterator[None]:
    """`fig` laid out for a phone for the duration: NARROW_INCHES wide, small multiples in at
    most NARROW_COLUMNS columns, titles wrapped, no text under NARROW_MIN_POINTS, outside
    legends under their axes and the source line under everything; as it was afterwards."""
    width, height = (float(x) for x in fig.get_size_inches())
    specs = [(ax, ax.get_subplotspec()) for ax in fig.axes]
    legends = [ax.get_legend() for ax in fig.axes]
    outside = [leg for leg in legends if leg is not None and getattr(leg, _OUTSIDE_LEGEND, False)]
    notes = [t for t in fig.texts if getattr(t, _SOURCE_NOTE, False)]
    note_y = [n.get_position()[1] for n in notes]
    rows = _regrid(fig, specs)
    _label_outer(fig)
    titles = [t for t in _titles(fig) if t.get_text() and not t.get_wrap()]
    for title in titles:
        title.set_wrap(True)
    sizes = {text: float(text.get_fontsize()) for text in fig.findobj(Text)}
    small = {text: points for text, points in sizes.items() if points < NARROW_MIN_POINTS}
    for text in small:
        text.set_fontsize(NARROW_MIN_POINTS)
    fig.set_size_inches(NARROW_INCHES, max(3.0, height * 0.8 * rows))
    for legend in outside:
        legend.set_loc("upper left")
        legend.set_bbox_to_anchor((0.0, -0.22), transform=legend.axes.transAxes)
    try:
        _below_everything(fig, notes)
        yield
    finally:
        fig.set_size_inches(width, height)
        for ax, spec in specs:
            if spec is not None:
                ax.set_subplotspec(spec)
        _label_outer(fig)
        for title in titles:
            title.set_wrap(False)
        for text, points in small.items():
            text.set_fontsize(points)
        for legend in outside:
            legend.set_bbox_to_anchor((1.01, 1.0), transform=legend.axes.transAxes)
        for note, y in zip(notes, note_y, strict=True):
            note.set_y(y)


def _regrid(fig: Figure, specs: list) -> float:
    """Small multiples of one grid wider than NARROW_COLUMNS, put in NARROW_COLUMNS columns,
    row by row; how many times taller the figure must be (1 when nothing moved)."""
    cells = [spec for _, spec in specs if spec is not None]
    if len(cells) != len(specs) or not cells:
        return 1.0
    grid = cells[0].get_gridspec()
    nrows, ncols = grid.get_geometry()
    if ncols <= NARROW_COLUMNS or any(s.get_gridspec() is not grid for s in cells):
        return 1.0
    if any(s.num1 != s.num2 for s in cells):  # a panel spanning cells: leave the layout
        return 1.0
    new_rows = math.ceil(len(cells) / NARROW_COLUMNS)
    narrow_grid = fig.add_gridspec(new_rows, NARROW_COLUMNS)
    for i, (ax, _) in enumerate(sorted(specs, key=lambda pair: pair[1].num1)):
        ax.set_subplotspec(narrow_grid[i // NARROW_COLUMNS, i % NARROW_COLUMNS])
    return new_rows / nrows


def _label_outer(fig: Figure) -> None:
    """Tick labels of shared axes on the outer panels only, for the grid the axes are in now."""
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None:
            continue
        if len(ax.get_shared_x_axes().get_siblings(ax)) > 1:
            ax.xaxis.set_tick_params(labelbottom=spec.is_last_row())
        if len(ax.get_shared_y_axes().get_siblings(ax)) > 1:
            ax.yaxis.set_tick_params(labelleft=spec.is_first_col())


def _titles(fig: Figure) -> list[Text]:
    """Every axes title (centre, left, right) and the figure's suptitle: text that does not
    wrap unless told to, and would run off a narrow figure."""
    found = [
        getattr(ax, name) for ax in fig.axes for name in ("title", "_left_title", "_right_title")
    ]
    suptitle = getattr(fig, "_suptitle", None)
    return [t for t in [*found, suptitle] if isinstance(t, Text)]


def _below_everything(fig: Figure, notes: list[Text]) -> None:
    """Move the source line under the lowest thing drawn (a legend moved under its axes)."""
    if not notes:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    lowest = min(
        (a.get_window_extent(renderer).y0 for a in [*fig.axes, *fig.legends, *_legends(fig)]),
        default=0.0,
    )
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    tick_room = min((box.y0 for box in boxes if box is not None), default=0.0)
    bottom = fig.transFigure.inverted().transform((0, min(lowest, tick_room)))[1]
    for note in notes:
        note.set_y(min(-0.03, bottom - 0.02))


def _legends(fig: Figure) -> list:
    return [leg for ax in fig.axes if (leg := ax.get_legend()) is not None]


def figure_html(fig: Figure, number: int, caption: str) -> str:
    """A <figure> with the chart as embedded PNGs (as laid out, and narrow on a phone) and its
    caption numbered; the image's alt text names the figure only, as the caption beside it
    (in the same <figure>) says the rest: a screen reader would read it twice."""
    wide, wide_px = _png(fig)
    with narrow(fig):
        phone, phone_px = _png(fig)
    text = html.escape(caption)
    return (
        f'<figure class="smallcap-figure" id="figure-{number}"><picture>'
        f'<source media="{PHONE}" srcset="data:image/png;base64,{phone}" width="{phone_px}">'
        f'<img src="data:image/png;base64,{wide}" width="{wide_px}" '
        f'alt="Figure {number}"></picture>'
        f"<figcaption><b>Figure {number}.</b> {text}</figcaption></figure>"
    )


def show(fig: Figure, caption: str) -> None:
    """Display `fig` as the next numbered figure with `caption`, then close it (so the inline
    backend does not show it a second time, uncaptioned)."""
    from IPython.display import HTML, display

    _shown.append(caption)
    display(HTML(figure_html(fig, len(_shown), caption)))
    plt.close(fig)
