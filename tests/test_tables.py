"""Tables for people: dates as dates, whole numbers whole, a dash for missing, no reprs."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.report import tables


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (pd.Timestamp("2026-01-02"), "2026-01-02"),
        (pd.Timestamp("2026-01-02 15:30"), "2026-01-02 15:30:00"),
        (None, "–"),
        (float("nan"), "–"),
        (pd.NaT, "–"),
        (np.float64(9.0), "9"),
        (np.int64(1990), "1990"),
        (6.8387, "6.84"),
        (True, "yes"),
        ({"start": pd.Timestamp("1990-08-01"), "length": 9.0}, "start: 1990-08-01; length: 9"),
        ((1988, 2025), "1988, 2025"),
        (pd.Period("2025-12", freq="M"), "2025-12"),
    ],
)
def test_cell(value, text):
    assert tables.cell(value) == text


def shown(styler) -> list[str]:
    """The words a reader sees in the rendered table (style rules dropped)."""
    page = re.sub(r"<style.*?</style>", " ", styler.to_html(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", page).split()


def test_short_cells_do_not_wrap_long_ones_break_and_text_reads_from_the_left():
    frame = pd.DataFrame({"day": ["1987-09-10"], "note": ["x" * 40], "path": ["a/" * 30]})
    text = tables.for_people(frame).to_html()
    cells = re.findall(r'<td class="data row0 col\d ?([^"]*)" >', text)
    assert cells == ["text", "mid text", "long text"]  # a short cell, the most common, has none
    # Styled once per table (JupyterLab has no page stylesheet), never per cell by id.
    assert re.search(r"#T_\w+ td \{\n  white-space: nowrap;", text) and "_row0_col0" not in text


def test_for_people_formats_dates_counts_missing_and_named_columns():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-01-02", "2026-01-05"]),
            "rows": [9686.0, np.nan],
            "ret": [0.01234, -0.005],
            "level": [1.5, 2.0],
        },
        index=pd.to_datetime(["2026-01-02", "2026-01-05"]),
    )
    text = shown(tables.for_people(frame, formats={"ret": "{:+.2%}"}))
    assert "00:00:00" not in " ".join(text)
    assert text.count("2026-01-02") == 2
    assert {"9686", "–", "+1.23%", "-0.50%", "1.50", "2.00"} <= set(text)


def test_for_people_hides_row_numbers_even_after_rows_were_picked_or_sorted():
    frame = pd.DataFrame({"count": [1, 2, 3]})
    assert shown(tables.for_people(frame)) == ["count", "1", "2", "3"]
    picked = frame.iloc[[2, 0]]  # what filtering or sorting leaves: 2, 0
    assert shown(tables.for_people(picked)) == ["count", "3", "1"]
    years = pd.DataFrame({"count": [1, 2]}, index=[1990, 1991])  # consecutive: data
    assert shown(tables.for_people(years))[1:] == ["count", "1990", "1", "1991", "2"]


@pytest.mark.parametrize(
    ("file", "who"),
    [
        ("yahoo/^RUT.csv", "Yahoo Finance"),
        ("fred/DGS2.csv", "FRED (Federal Reserve Bank of St. Louis)"),
        ("french/25_Portfolios_5x5.csv", "Ken French data library"),
        ("sp500/weights/ivv_holdings_2025-11-18.csv", "iShares (IVV fund holdings)"),
        ("sp500/prices", "Yahoo Finance"),
        ("somewhere/else.csv", "other"),
    ],
)
def test_sources_are_named_by_institution(file, who):
    assert tables.institution({"file": file}) == who


def test_provenance_shows_relative_names_and_short_hashes():
    entries = [
        {"series": "^RUT", "origin": "/work/shared/market-data/yahoo/^RUT.csv", "sha256": "a" * 64},
        {"series": "x", "file": "yahoo/x.csv", "origin": "/elsewhere/x.csv", "sha256": None},
    ]
    table = tables.provenance(entries)
    assert list(table["file"]) == ["^RUT.csv", "yahoo/x.csv"]
    assert list(table["sha256"]) == ["a" * 12, "–"]


def test_a_long_row_label_may_wrap_and_a_short_one_may_not():
    frame = pd.DataFrame({"rows": [1, 2]}, index=["^RUT", "file:fomc/" + "x" * 30])
    text = tables.for_people(frame)._repr_html_()
    assert "<th>^RUT</th>" in text  # row labels do not wrap (a table-wide rule) ...
    assert f'<th><span class="wrap">file:fomc/{"x" * 30}</span></th>' in text  # ... unless long
    assert re.search(r"tbody th \{\n  white-space: nowrap;", text)
    assert re.search(r"th \.wrap \{[^}]*white-space: normal;", text)
    # no rule per row, so no ids and no positional classes either
    assert "_level0_row" not in text and "row_heading" not in text and "col0" not in text


def test_columns_read_by_their_reader_names_and_text_is_escaped():
    frame = pd.DataFrame(
        {"ret_a": [0.01], "max_abs_rel_diff": [0.0005], "days_up": [3], "note": ["S&P <500>"]},
        index=pd.Index([pd.Timestamp("2026-01-02")], name="Date"),
    )
    words = " ".join(shown(tables.for_people(frame, decimals=None)))
    assert "A's return" in words and "largest relative difference" in words
    assert "days up" in words and "date" in words.split() and "Date" not in words
    assert "0.00050" in words  # enough decimals for a small value, when asked
    assert "S&amp;P &lt;500&gt;" in words
    assert tables.label("p_year") == tables.READER_NAMES["p_year"]


def test_compact_html_keeps_ids_and_classes_a_style_rule_names():
    styler = pd.DataFrame({"x": [1, 2]}).style.map(lambda v: "color: red" if v == 2 else "")
    text = tables.compact_html(styler.to_html())
    row = re.search(r'id="(T_\w+_row1_col0)"', text)
    assert row and f"#{row[1]}" in text  # the styled cell keeps the id its rule selects
    assert "_row0_col0" not in text and "&nbsp;" not in text and "level0" not in text


def test_a_notebook_shows_every_frame_for_people():
    shell = pytest.importorskip("IPython.core.interactiveshell").InteractiveShell.instance()
    tables.show_frames_for_people()
    frame = pd.DataFrame({"rel_diff": [-0.000501, 0.0], "same_basis": [True, False]})
    page = shell.display_formatter.format(frame)[0]["text/html"]
    assert "relative difference" in page and "-0.00050" in page and "yes" in page
    assert "rel_diff" not in page and "True" not in page
    series = shell.display_formatter.format(frame["rel_diff"].rename("p_year"))[0]
    assert tables.READER_NAMES["p_year"] in series["text/html"]
    styled = frame.style.format({"rel_diff": "{:.4%}"})
    page = shell.display_formatter.format(styled)[0]["text/html"]
    assert "-0.0501%" in page and "relative difference" in page  # its own format stays
    long = pd.DataFrame({"x": range(pd.get_option("display.max_rows") + 1)})
    assert "..." in shell.display_formatter.format(long)[0]["text/html"]  # pandas truncates


def test_a_range_index_that_is_data_stays_and_names_read_as_words():
    """Lengths 7..16 as the index (pandas stores them as a range) are the table's first
    column, not row numbers; column and index names lose their underscores, and the index's
    name heads its column in the one header row (not a second, near-empty one)."""
    frame = pd.DataFrame({"reached_on": ["2022-09-15", "2019-01-11"]}, index=pd.RangeIndex(7, 9))
    frame.index.name = "at_least"
    styler = tables.for_people(frame)
    assert shown(styler) == ["at", "least", "reached", "on", "7", "2022-09-15", "8", "2019-01-11"]
    assert styler._repr_html_().count("<tr>") == 3  # one header row, two rows
