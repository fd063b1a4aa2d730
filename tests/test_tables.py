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
    assert cells == ["short text", "text", "long text"]
    # Styled once per table (JupyterLab has no page stylesheet), never per cell by id.
    assert "td.short {\n  white-space: nowrap;" in text and "_row0_col0" not in text


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


def test_for_people_hides_a_plain_row_number_index():
    assert shown(tables.for_people(pd.DataFrame({"a": [1, 2]}))) == ["a", "1", "2"]


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
    frame = pd.DataFrame({"rows": [1, 2]}, index=["^RUT", "file:fomc/" + "x" * 60])
    text = tables.for_people(frame)._repr_html_()
    assert text.count("overflow-wrap: anywhere") == 2  # td.long's rule, and the long label's
    assert re.search(r"_level0_row0 \{\n  white-space: nowrap;", text)


def test_a_range_index_that_is_data_stays_and_names_read_as_words():
    """Lengths 7..16 as the index (pandas stores them as a range) are the table's first
    column, not row numbers; column and index names lose their underscores."""
    frame = pd.DataFrame({"reached_on": ["2022-09-15", "2019-01-11"]}, index=pd.RangeIndex(7, 9))
    frame.index.name = "at_least"
    text = [w for w in shown(tables.for_people(frame)) if w != "&nbsp;"]
    assert text == ["reached", "on", "at", "least", "7", "2022-09-15", "8", "2019-01-11"]
