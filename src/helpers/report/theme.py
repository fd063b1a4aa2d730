"""seaborn's theme, set without importing seaborn.

`seaborn.set_theme(context="notebook", style="whitegrid", palette="colorblind")` only sets
matplotlib rcParams and the single-letter colour codes (and needs seaborn's "rocket"
colormap registered, the theme's default), but importing seaborn imports scipy.stats: about
0.75 s in every notebook kernel, for a theme. `apply()` sets the same values directly;
tests/test_theme.py holds them equal to seaborn's own. Charts that seaborn draws still import
it (notebook 05's regression plot).
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import matplotlib as mpl
from cycler import cycler
from matplotlib.colors import ListedColormap

# seaborn.axes_style("whitegrid") with font.family "sans-serif" (set_theme's font) ...
_STYLE = {
    "figure.facecolor": "white",
    "axes.labelcolor": ".15",
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.color": ".15",
    "ytick.color": ".15",
    "axes.axisbelow": True,
    "grid.linestyle": "-",
    "text.color": ".15",
    "font.family": "sans-serif",
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "image.cmap": "rocket",  # registered by _register_rocket()
    "xtick.top": False,
    "ytick.right": False,
    "axes.grid": True,
    "axes.facecolor": "white",
    "axes.edgecolor": ".8",
    "grid.color": ".8",
    "axes.spines.left": True,
    "axes.spines.bottom": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "xtick.bottom": False,
    "ytick.left": False,
}
# ... seaborn.plotting_context("notebook") ...
_CONTEXT = {
    "axes.linewidth": 1.25,
    "grid.linewidth": 1,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "patch.linewidth": 1,
    "xtick.major.width": 1.25,
    "ytick.major.width": 1.25,
    "xtick.minor.width": 1,
    "ytick.minor.width": 1,
    "xtick.major.size": 6,
    "ytick.major.size": 6,
    "xtick.minor.size": 4,
    "ytick.minor.size": 4,
    "font.size": 12,
    "axes.labelsize": 12,
    "axes.titlesize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.title_fontsize": 12,
}
# ... and seaborn's "colorblind" palette as the colour cycle; its six-colour version (plus
# near-black) redefines the codes "b", "g", "r", "m", "y", "c", "k" (set_color_codes).
COLORBLIND = (
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
)
_COLOR_CODES: dict[str, str | tuple[float, float, float]] = {
    "b": "#0173b2",
    "g": "#029e73",
    "r": "#d55e00",
    "m": "#cc78bc",
    "y": "#ece133",
    "c": "#56b4e9",
    "k": (0.1, 0.1, 0.1),
}


def apply() -> None:
    """Set seaborn's notebook / whitegrid / colorblind theme in matplotlib."""
    _register_rocket()
    mpl.rcParams.update(_CONTEXT)  # type: ignore[arg-type]
    mpl.rcParams.update(_STYLE)  # type: ignore[arg-type]
    mpl.rcParams["axes.prop_cycle"] = cycler("color", [mpl.colors.to_rgb(c) for c in COLORBLIND])
    for code, color in _COLOR_CODES.items():
        mpl.colors.colorConverter.colors[code] = mpl.colors.to_rgb(color)


def _register_rocket() -> None:
    """Register "rocket" and "rocket_r" as importing seaborn does, from seaborn's own colour
    table, read out of its source (about 25 ms) rather than imported."""
    if "rocket" in mpl.colormaps:
        return
    spec = importlib.util.find_spec("seaborn")
    assert spec is not None and spec.origin is not None, "seaborn is a dependency"
    source = Path(spec.origin).with_name("cm.py").read_text(encoding="utf-8")
    lut = next(
        ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "_rocket_lut"
    )
    mpl.colormaps.register(ListedColormap(lut, "rocket"), name="rocket")
    mpl.colormaps.register(ListedColormap(lut[::-1], "rocket_r"), name="rocket_r")
