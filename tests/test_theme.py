"""The plotting style applies seaborn's theme without importing seaborn, and it is exactly
seaborn's: every rcParam and colour code equal to what `seaborn.set_theme` sets."""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import seaborn as sns  # noqa: E402

from helpers.report import plotting  # noqa: E402

CODES = "bgrmyck"


def style_after(apply) -> tuple[dict, dict]:
    """rcParams and colour codes after `apply()`, starting from matplotlib's defaults."""
    mpl.rcdefaults()
    for code in CODES:
        mpl.colors.colorConverter.colors[code] = mpl.colors.BASE_COLORS[code]
    apply()
    codes = {code: mpl.colors.to_rgb(code) for code in CODES}
    return dict(mpl.rcParams), codes


def seaborns_own() -> None:
    """How use_style() set the theme before: seaborn itself, then the project's rc."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", rc=plotting._RC)
    mpl.rcParams.update(plotting._RC)


def test_use_style_sets_exactly_seaborns_theme():
    ours, our_codes = style_after(plotting.use_style)
    theirs, their_codes = style_after(seaborns_own)
    assert our_codes == their_codes
    differing = {k: (ours[k], theirs[k]) for k in theirs if ours[k] != theirs[k]}
    assert not differing, f"set these in helpers/report/theme.py as seaborn does: {differing}"
    assert ours["image.cmap"] == "rocket" and ours["axes.grid"]  # the theme is really there
    mpl.rcdefaults()


def test_use_style_imports_neither_seaborn_nor_scipy_and_registers_seaborns_rocket():
    check = (
        "import json, sys, matplotlib; from helpers.report import plotting; "
        "plotting.use_style(); "
        "print(json.dumps({'imported': [m for m in ('seaborn', 'scipy') if m in sys.modules], "
        "'rocket': [list(c) for c in matplotlib.colormaps['rocket'].colors], "
        "'rocket_r': [list(c) for c in matplotlib.colormaps['rocket_r'].colors]}))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["imported"] == []
    seaborns = [list(c) for c in sns.color_palette("rocket", as_cmap=True).colors]
    assert found["rocket"] == seaborns and found["rocket_r"] == seaborns[::-1]
