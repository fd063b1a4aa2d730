"""Figures: sharp, numbered, captioned with alt text, and citing only their own inputs."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
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
    assert 'alt="Figure 1">' in shown[0] and "<b>Figure 1.</b> First &lt;chart&gt;" in shown[0]
    assert "<b>Figure 2.</b> Second</figcaption>" in shown[1]
    assert plt.get_fignums() == []


# ------------------------------------------------------------------ the phone variant

# A 390 px phone shows about 366 px of a notebook page's width.
PHONE_COLUMN = 366


def smallest_text_on_a_phone(fig, phone_px: int) -> float:
    """The smallest visible text of `fig` in CSS px when its narrow PNG is shown on a phone."""
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    shrink = min(1.0, PHONE_COLUMN / phone_px)
    return min(sizes) * fig.dpi / 72 * shrink


def sample_figures():
    """The notebooks' kinds of chart: one axes with a legend outside, stacked panels, and
    small multiples four across."""
    days = range(60)
    one, ax = plt.subplots(figsize=(10, 5))
    for k in range(4):
        ax.plot(days, [k + d % 7 for d in days], label=f"a rather long series name {k}")
    ax.set_title("A long title that would run off a narrow chart if it did not wrap there")
    plotting.legend_outside(ax, fontsize=8)
    plotting.source_note(ax, series="^RUT, ^GSPC", source="yahoo/^RUT.csv", as_of="2026-01-14")
    stacked, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6))
    top.bar(list(days), [d % 5 - 2 for d in days])
    bottom.step(list(days), [d % 9 for d in days])
    plotting.source_note(bottom, series="^RUT", source="yahoo/^RUT.csv", as_of="2026-02-23")
    stacked.axes[1].set_ylabel("streak\n+ ^RUT / − ^GSPC")  # labels widen the picture
    grid, axes = plt.subplots(2, 4, figsize=(12, 5.5), sharex=True, sharey=True)
    for i, panel in enumerate(axes.flat):
        panel.plot(list(days), [d % (i + 2) for d in days])
        panel.set_title(f"analog {1988 + i}")
    return {"one": one, "stacked": stacked, "grid": grid}


@pytest.mark.parametrize("kind", ["one", "stacked", "grid"])
def test_every_figure_has_a_phone_variant_whose_text_is_at_least_9_px(kind):
    plotting.use_style()
    fig = sample_figures()[kind]
    size = tuple(fig.get_size_inches())
    html = plotting.figure_html(fig, 1, "caption")
    phone_px, wide_px = map(int, re.findall(r'width="(\d+)"', html))
    assert '<source media="(max-width: 600px)" srcset="data:image/png;base64,' in html
    assert phone_px < 520 < wide_px
    assert smallest_text_on_a_phone(fig, wide_px) < 9  # the wide picture, shrunk to a phone
    with plotting.narrow(fig):
        fig.canvas.draw()
        assert smallest_text_on_a_phone(fig, phone_px) >= 9
        if kind == "grid":  # regridded two across: the left column keeps its tick labels
            assert {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes} == {(4, 2)}
    assert tuple(fig.get_size_inches()) == size  # as it was for the wide picture
    if kind == "grid":
        assert {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes} == {(2, 4)}
    plt.close(fig)
