"""Figures: sharp, numbered, captioned with alt text, and citing only their own inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers import data  # noqa: E402
from helpers.report import plotting  # noqa: E402

USED = [
    {"series": "^RUT", "origin": "/snap/yahoo/^RUT.csv", "sha256": "1"},
    {"series": "fred:DGS2", "origin": "/snap/fred/DGS2.csv", "sha256": "2"},
    {"series": "^GSPC", "origin": "/snap/yahoo/^GSPC.csv", "sha256": "3"},
]


def test_files_of_cites_only_the_named_series(monkeypatch):
    monkeypatch.setattr(data, "used_sources", lambda: USED)
    assert plotting.files_of("^RUT", "DGS2") == "^RUT.csv, DGS2.csv"
    assert plotting.files_of("fred:DGS2", "DGS2") == "DGS2.csv"
    with pytest.raises(KeyError, match="not loaded"):
        plotting.files_of("^NDX")


def test_style_saves_sharp_figures():
    plotting.use_style()
    assert matplotlib.rcParams["savefig.dpi"] >= 150


def test_show_numbers_figures_and_uses_the_caption_as_alt_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    plotting.use_style()
    for caption in ("First <chart>", "Second"):
        fig, ax = plt.subplots()
        ax.plot([1, 2], [2, 1])
        plotting.show(fig, caption)
    assert 'id="figure-1"' in shown[0] and 'id="figure-2"' in shown[1]
    assert 'alt="Figure 1: First &lt;chart&gt;"' in shown[0]
    assert "<b>Figure 2.</b> Second</figcaption>" in shown[1]
    assert plt.get_fignums() == []
