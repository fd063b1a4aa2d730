"""Breadth arithmetic on small hand-made member panels with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import data
from helpers.analysis import breadth
from helpers.data import parsers
from helpers.errors import DateRangeError, ValidationError

DAYS = pd.to_datetime(["2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05", "2026-01-06"])


def panel(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame(columns, index=pd.DatetimeIndex(DAYS, name="Date"), dtype=float)


def all_members(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(True, index=frame.index, columns=frame.columns)


# ---------------------------------------------------------------------------- members


@pytest.mark.parametrize(
    ("member", "column"), [("BRK.B", "BRK-B"), ("BF.B", "BF-B"), ("FI", "FISV"), ("AAPL", "AAPL")]
)
def test_membership_tickers_map_to_price_file_names(member, column):
    assert breadth.price_column(member) == column


def test_membership_mask_marks_members_and_carries_the_last_list_forward():
    lists = {DAYS[0]: ["A", "BRK.B"], DAYS[1]: ["A", "C"]}

    def members_on(day):
        if day not in lists:
            raise DateRangeError("outside", "inside")
        return lists[day]

    mask, carried = breadth.membership_mask(DAYS[:3], ["A", "BRK-B", "C"], members_on)
    assert mask.loc[DAYS[0]].to_dict() == {"A": True, "BRK-B": True, "C": False}
    assert mask.loc[DAYS[2]].to_dict() == {"A": True, "BRK-B": False, "C": True}
    assert carried == [DAYS[2]]


def test_membership_mask_cannot_carry_a_list_backwards():
    def members_on(day):
        raise DateRangeError("outside", "inside")

    with pytest.raises(DateRangeError):
        breadth.membership_mask(DAYS[:1], ["A"], members_on)


def test_members_without_a_price_file_are_listed():
    assert breadth.missing_price_files(["K", "BRK.B", "A"], ["A", "BRK-B"]) == ["K"]


# ---------------------------------------------------------------------------- panel


def test_member_closes_fill_empty_close_columns_and_only_interior_gaps():
    close = panel(A=[1, np.nan, 3, 4, np.nan], B=[np.nan] * 5)
    adjusted = panel(A=[9, 9, 9, 9, 9], B=[5, 6, 7, 8, 9])
    filled = breadth.member_closes(close, adjusted)
    assert filled["A"].tolist()[:4] == [1, 1, 3, 4]
    assert np.isnan(filled["A"].iloc[-1])  # an ended file is not extended
    assert filled["B"].tolist() == [5, 6, 7, 8, 9]


def test_share_above_mean_counts_only_members_with_a_full_window():
    closes = panel(up=[1, 2, 3, 4, 5], down=[5, 4, 3, 2, 1], young=[np.nan] * 3 + [1, 2])
    table = breadth.share_above_mean(closes, all_members(closes), window=3)
    last = table.iloc[-1]
    assert (last["count"], last["counted"], last["missing"]) == (1, 2, 1)
    assert last["share_pct"] == pytest.approx(50.0)
    assert np.isnan(table["share_pct"].iloc[0])  # nobody has three closes yet


def test_a_close_equal_to_its_mean_is_not_above_it():
    closes = panel(flat=[2.0] * 5)
    flags = breadth.above_mean(closes, window=2)
    assert flags["flat"].iloc[1:].tolist() == [0.0] * 4


def test_non_members_are_left_out_of_the_share():
    closes = panel(up=[1, 2, 3, 4, 5], down=[5, 4, 3, 2, 1])
    mask = all_members(closes)
    mask["down"] = False
    table = breadth.share_above_mean(closes, mask, window=2)
    assert table["share_pct"].iloc[-1] == 100.0


def test_share_on_reads_the_session_in_force():
    table = pd.DataFrame(
        {
            "share_pct": [50.0, 40.0, 70.0],
            "count": [5, 4, 7],
            "counted": [10] * 3,
            "missing": [0, 1, 0],
        },
        index=DAYS[:3],
    )
    on_day = breadth.share_on(table, "2026-01-01")  # a holiday: the 12-31 close
    assert on_day == {
        "share_pct": 40.0,
        "session": DAYS[1],
        "count": 4,
        "counted": 10,
        "missing": 1,
    }


def test_lowest_share_reports_the_session():
    table = pd.DataFrame({"share_pct": [50.0, 40.0, 45.0, 30.0, 60.0]}, index=DAYS)
    low = breadth.lowest_share(table, "2025-12-30", "2026-01-02")
    assert low == {"share_pct": 40.0, "session": DAYS[1], "sessions": 3}
    with pytest.raises(DateRangeError):
        breadth.lowest_share(table, "2026-02-01", "2026-02-05")


# ---------------------------------------------------------------------------- up/down days


def test_advance_decline_counts_members_that_rose_and_fell():
    closes = panel(a=[1, 2, 3, 3, 2], b=[1, 0.5, 4, 5, 1], c=[1, 2, 1, 0.5, 3])
    table = breadth.advance_decline(closes, all_members(closes))
    assert table["advancers"].tolist() == [0, 2, 2, 1, 1]
    assert table["decliners"].tolist() == [0, 1, 1, 1, 2]
    assert table["unchanged"].tolist() == [0, 0, 0, 1, 0]
    assert table["more_up"].tolist() == [False, True, True, False, False]
    assert table["missing"].tolist() == [3, 0, 0, 0, 0]  # the first day has no previous close


def test_advance_decline_reports_members_without_a_move():
    closes = panel(a=[1, 2, np.nan, 3, 2], b=[1, 2, 3, 4, 5])
    mask = all_members(closes)
    mask.loc[DAYS[4], "b"] = False  # b left the index
    table = breadth.advance_decline(closes, mask)
    assert table["missing"].tolist() == [2, 0, 1, 1, 0]
    assert table["advancers"].tolist() == [0, 2, 1, 1, 0]


def test_down_closes_count_the_last_n_moves():
    prices = pd.Series([10, 9, 8, 8, 9, 7], index=pd.bdate_range("2026-01-01", periods=6))
    counts = breadth.down_closes(prices, sessions=3)
    assert counts.tolist() == [2, 1, 1]  # an unchanged close is not a down close
    assert counts.index[0] == prices.index[3]


@settings(max_examples=50)
@given(st.lists(st.floats(1, 100), min_size=6, max_size=40))
def test_down_counts_stay_between_zero_and_the_window(values):
    prices = pd.Series(values, index=pd.bdate_range("2020-01-01", periods=len(values)))
    counts = breadth.down_closes(prices, sessions=5)
    assert counts.between(0, 5).all()
    assert len(counts) == len(values) - 5


def test_last_window_at_least_excludes_windows_from_the_boundary_on():
    counts = pd.Series([8, 3, 9, 2, 9], index=DAYS)
    assert breadth.last_window_at_least(counts, DAYS[4], 9) == DAYS[2]
    assert breadth.last_window_at_least(counts, DAYS[2], 9) is None
    assert breadth.last_window_at_least(counts, DAYS[4], 8) == DAYS[2]


def test_window_start_is_n_minus_one_sessions_back():
    assert breadth.window_start(DAYS, DAYS[4], 3) == DAYS[2]
    with pytest.raises(DateRangeError):
        breadth.window_start(DAYS, DAYS[1], 3)


def test_below_high_uses_the_highest_close_of_the_window():
    prices = pd.Series([120.0, 100.0, 110.0, 90.0, 99.0], index=DAYS, name="X")
    result = breadth.below_high_pct(prices, "2026-01-06", sessions=4)
    assert result["pct"] == pytest.approx(-10.0)
    assert result["high_on"] == DAYS[2]
    with pytest.raises(DateRangeError):
        breadth.below_high_pct(prices, "2026-01-06", sessions=6)


# ---------------------------------------------------------------------------- year to date


def test_ytd_table_never_replaces_a_missing_close_with_an_older_one():
    closes = panel(a=[1, 100, 110, 90, 120], ended=[1, 50, 55, np.nan, np.nan])
    ytd = breadth.column_ytd_pct(closes, "2026-01-06")
    assert ytd["a"] == pytest.approx(20.0)
    assert np.isnan(ytd["ended"])


def test_ytd_by_session_uses_one_base():
    closes = panel(a=[1, 100, 110, 90, 120])
    path = breadth.ytd_by_session(closes, "2026-01-02", "2026-01-06")
    assert path["a"].round(6).tolist() == [10.0, -10.0, 20.0]


def test_members_ytd_and_count_summary():
    closes = panel(A=[1, 100, 110, 90, 120], **{"BRK-B": [1, 10, 9, 8, 7]})
    ytd = breadth.members_ytd(closes, ["A", "BRK.B", "K"], "2026-01-06")
    summary = breadth.count_summary(ytd, ytd > 0)
    assert summary == {
        "count": 1,
        "counted": 2,
        "share_pct": 50.0,
        "missing": ["K"],
        "excluded": 1,
    }


def test_an_unknown_ytd_is_neither_negative_nor_counted():
    ytd = pd.Series({"A": -1.0, "B": np.nan, "C": 2.0})
    summary = breadth.count_summary(ytd, ytd < 0)
    assert summary["count"] == 1 and summary["counted"] == 2 and summary["missing"] == ["B"]


def test_spreads_are_stock_minus_index():
    stocks = panel(x=[1, 100, 105, 106, 110])
    index = pd.Series([1, 200, 210, 212, 230], index=DAYS)
    assert breadth.spreads_pp(stocks, index, "2026-01-06")["x"] == pytest.approx(10.0 - 15.0)


# ---------------------------------------------------------------------------- holdings

HOLDINGS = """\ufeffiShares Core S&P 500 ETF
Fund Holdings as of,"Nov 18, 2025"
Inception Date,"May 15, 2000"
\x20
Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Quantity,Price
"BIG","BIG CORP","Tech","Equity","1,000.00","50.00","10.00","100.00"
"BRKB","BERKSHIRE","Financials","Equity","600.00","30.00","6.00","100.00"
"SMALL","SMALL CORP","Tech","Equity","400.00","20.00","4.00","100.00"
"ESZ5","S&P500 EMINI","Cash and/or Derivatives","Futures","0.00","0.00","1.00","-"
\x20
"The content contained herein is owned by someone, with, commas."
"""


def test_holdings_parser_reads_the_table_between_title_and_disclaimer():
    table = parsers.parse_ishares_holdings(HOLDINGS)
    assert (table["as_of"] == pd.Timestamp("2025-11-18")).all()
    assert table.index.tolist() == ["BIG", "BRK-B", "SMALL"]
    assert table["market_value"].tolist() == [1000.0, 600.0, 400.0]


def test_holdings_parser_refuses_a_plain_table():
    with pytest.raises(ValidationError, match="Fund Holdings as of"):
        parsers.parse_ishares_holdings("Ticker,Name\nA,a\n")


def test_repriced_weights_follow_price_moves_and_membership():
    table = parsers.parse_ishares_holdings(HOLDINGS)
    closes = panel(BIG=[1, 1, 1, 1, 2], **{"BRK-B": [1] * 5}, SMALL=[1] * 5)
    weights = breadth.repriced_weights(
        table["market_value"], closes, "2025-12-30", "2026-01-06", ["BIG", "BRK.B", "NEW"]
    )
    assert weights.to_dict() == pytest.approx({"BIG": 2000 / 26, "BRK-B": 600 / 26})


def test_top_share_can_merge_share_classes():
    weights = pd.Series({"A": 30.0, "GOOGL": 20.0, "GOOG": 15.0, "B": 25.0, "C": 10.0})
    assert breadth.top_share(weights, n=2) == 55.0
    assert breadth.top_share(weights, n=2, merge={"GOOG": "GOOGL"}) == 65.0


@settings(max_examples=50)
@given(st.lists(st.floats(0.01, 1e6), min_size=1, max_size=30), st.integers(1, 40))
def test_top_share_is_at_most_the_whole(values, n):
    weights = pd.Series(values, index=[f"T{i}" for i in range(len(values))])
    weights = 100 * weights / weights.sum()
    assert 0 < breadth.top_share(weights, n=n) <= 100 + 1e-9


# ---------------------------------------------------------------------------- real data


@pytest.mark.snapshot
def test_real_holdings_file_parses_to_about_500_stocks():
    holdings = data.ivv_holdings()
    assert holdings.as_of == pd.Timestamp("2025-11-18")
    assert 490 <= len(holdings.table) <= 510
    assert holdings.table["weight_pct"].sum() == pytest.approx(100, abs=1)


def test_lead_over_earlier_high_compares_with_every_earlier_session():
    days = pd.bdate_range("2025-09-01", periods=5)
    table = pd.DataFrame(
        {
            "share_pct": [np.nan, 60.0, 70.0, 65.0, 72.0],
            "counted": [0, 10, 10, 10, 10],
            "missing": [10, 0, 0, 0, 0],
        },
        index=days,
    )
    lead = breadth.lead_over_earlier_high(table, days[4])
    assert lead["lead_pp"] == pytest.approx(2.0) and lead["earlier_high_on"] == days[2]
    assert lead["compared_from"] == days[1]
    assert lead["earlier_sessions"] == 3 and lead["earlier_sessions_higher"] == 0
    assert breadth.lead_over_earlier_high(table, days[3])["lead_pp"] == pytest.approx(-5.0)
    with pytest.raises(DateRangeError):
        breadth.lead_over_earlier_high(table, days[1])


def test_sessions_with_few_members_counted_enter_no_comparison():
    days = pd.bdate_range("2025-05-01", periods=4)
    table = pd.DataFrame(
        {
            "share_pct": [95.0, 60.0, 70.0, 65.0],
            "counted": [5, 10, 10, 10],  # the first session counts half of its members
            "missing": [5, 0, 0, 0],
        },
        index=days,
    )
    assert list(breadth.covered_shares(table).index) == list(days[1:])
    lead = breadth.lead_over_earlier_high(table, days[3])
    assert lead["earlier_high_pct"] == 70.0 and lead["earlier_sessions_higher"] == 1
    ranked = breadth.rank_on(table, days[3])
    assert ranked["rank"] == 2 and ranked["sessions"] == 3
    assert ranked["higher_on"] == {days[2]: 70.0}
    assert breadth.rank_on(table, days[2])["rank"] == 1


def test_beating_index_compares_returns_over_the_sessions_and_leaves_gaps_missing():
    days = pd.bdate_range("2025-05-01", periods=4)
    closes = pd.DataFrame({"A": [100, 103, 106, 109.0], "B": [100, 100, np.nan, 100.0]}, index=days)
    index = pd.Series([100, 101, 102, 103.0], index=days)
    flags = breadth.beating_index(closes, index, 2)
    assert flags["A"].tolist()[2:] == [1.0, 1.0]
    assert np.isnan(flags["A"].iloc[1]) and np.isnan(flags["B"].iloc[2])
    assert flags["B"].iloc[3] == 0.0  # flat against a rising index


def test_group_figures_weight_their_members_and_sum_contributions():
    ytd = pd.Series({"A": 10.0, "B": -10.0, "C": 2.0})
    weights = pd.Series({"A": 30.0, "B": 10.0, "C": 60.0})
    assert breadth.group_ytd_pct(ytd) == pytest.approx(2 / 3)
    assert breadth.group_ytd_pct(ytd, weights) == pytest.approx((300 - 100 + 120) / 100)
    assert breadth.contribution_pp(ytd[["A", "B"]], weights) == pytest.approx(2.0)
    by = breadth.group_ytd_by(ytd, pd.Series({"A": "Tech", "B": "Tech", "C": "Energy"}))
    assert by.to_dict() == pytest.approx({"Energy": 2.0, "Tech": 0.0})


def test_share_of_index_gain_backs_weights_out_to_the_start_with_share_counts_fixed():
    days = pd.bdate_range("2025-01-01", periods=3)
    index = pd.Series([100.0, 110.0, 110.0], index=days)  # +10 % from day 0 to day 1
    closes = pd.DataFrame({"X": [50.0, 60.0, 60.0]}, index=days)  # +20 %
    # 12 % of the index on day 2: at day 0, 12 x (50 / 60) / (100 / 110) = 11 %
    found = breadth.share_of_index_gain(
        closes, pd.Series({"X": 12.0}), index, days[2], days[0], days[1]
    )
    assert found["start_weight_pct"] == pytest.approx(11.0)
    assert found["contribution_pp"] == pytest.approx(2.2)
    assert found["share_pct"] == pytest.approx(22.0)


def test_top_deciles_share_divides_the_largest_deciles_cap_by_the_total():
    names = ["Lo 10", *(f"{i}-Dec" for i in range(2, 10)), "Hi 10"]
    firms = pd.DataFrame([[10] * 10], columns=names)
    size = pd.DataFrame([[1, 1, 1, 1, 1, 1, 1, 1, 1, 91]], columns=names)
    assert breadth.top_deciles_share(firms, size).iloc[0] == pytest.approx(91.0)
    assert breadth.top_deciles_share(firms, size, 2).iloc[0] == pytest.approx(92.0)
    with pytest.raises(ValidationError, match="ten size deciles"):
        breadth.top_deciles_share(firms[names[:9]], size[names[:9]])
