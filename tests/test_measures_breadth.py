"""The breadth family's measures (notebooks 07 and 09) on a hand-made member panel, membership list,
index and holdings served as the data layer would: each reads the stocks, window,
statistic and lines its row states."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_row

from helpers import data
from helpers.data.series import Holdings
from helpers.errors import DateRangeError
from helpers.measures import breadth as measures
from helpers.measures.reading import Reading

DAYS = pd.to_datetime(["2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05", "2026-01-06"])


def panel(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame(columns, index=pd.DatetimeIndex(DAYS, name="Date"), dtype=float)


# A: 100 -> 110 (+10 %), B: 100 -> 90 (-10 %), C: 100 -> 102 (+2 %); the index +5 %.
YTD_PANEL = panel(A=[99, 100, 104, 108, 110], B=[101, 100, 95, 92, 90], C=[100, 100, 101, 101, 102])
INDEX = pd.Series([100.0, 100, 102, 104, 105], index=DAYS)
FUND = pd.Series([100.0, 100, 101, 101, 101], index=DAYS)


@pytest.fixture
def served(monkeypatch):
    """The data layer over the fixtures: the member panel (Close and Adj Close), members A, B
    and C on every day, ^GSPC and SPY closes, any panel column by its key, IVV holdings;
    `asked` records the membership days asked for."""
    state = {"panel": YTD_PANEL, "asked": []}

    def members_on(day=None):
        state["asked"].append(day)
        return ["A", "B", "C"]

    def prices(key, **_):
        series = {"^GSPC": INDEX, "SPY": FUND}.get(key)
        return pd.DataFrame({key: series if series is not None else state["panel"][key]})

    monkeypatch.setattr(data, "sp500_prices", lambda field="Close": state["panel"])
    monkeypatch.setattr(data, "sp500_members", members_on)
    monkeypatch.setattr(data, "prices", prices)
    holdings = pd.DataFrame({"market_value": [50.0, 50.0]}, index=["A", "B"])
    monkeypatch.setattr(data, "ivv_holdings", lambda: Holdings(pd.Timestamp(DAYS[1]), holdings))
    return state


def _reading(rule: dict, claimed=0, as_of: str = "2026-01-06") -> Reading:
    row = make_row(rule, {"value": claimed, "unit": "n"}, as_of, family="breadth")
    return Reading(row)


def test_negative_ytd_count_counts_the_rows_series_and_cites_the_panel(served):
    measured = measures.negative_ytd_count(_reading({"series": ["A", "B"]}))
    assert measured.value == 1
    assert measured.series == ("sp500:prices",)
    assert measured.details["ytd_pct"] == {"A": 10.0, "B": -10.0}
    assert measured.evidence_sentence == "1 of 2 were down for the year at the 2026-01-06 close (B)"


def test_largest_spread_over_index_takes_the_largest_and_cites_the_index_key(served):
    measured = measures.largest_ytd_spread_over_index(_reading({"series": ["B", "C", "^GSPC"]}))
    assert measured.value == pytest.approx(2.0 - 5.0)  # C trails least
    assert measured.series == ("sp500:prices", "^GSPC")


def test_down_closes_return_the_statistic_the_row_names(served):
    closes = pd.Series([10.0, 9, 8, 9, 8, 7, 8, 7, 6], pd.bdate_range("2026-01-01", periods=9))
    served["panel"] = pd.DataFrame({"AAPL": closes})
    rule = {"series": ["AAPL"], "sessions": 3, "statistic": "down_closes"}
    as_of = closes.index[-1].date().isoformat()
    count = measures.down_closes_in_window(_reading(rule, claimed=2, as_of=as_of))
    assert count.value == 2 and count.series == ("AAPL",)
    assert count.details["claimed_count_last_seen"] == count.details["previous_window_end"]
    since = measures.down_closes_in_window(
        _reading({**rule, "statistic": "previous_window_end"}, "2026", as_of)
    )
    assert since.value == count.details["previous_window_end"]
    assert "claimed_count_last_seen" not in since.details
    assert since.measured_label.startswith("the end of the last earlier 3-session window")


def test_lowest_ytd_return_reads_each_series_and_cites_it(served):
    measured = measures.lowest_ytd_return(_reading({"series": ["A", "C"]}))
    assert measured.value == pytest.approx(2.0)
    assert measured.series == ("A", "C")


def test_below_high_takes_its_window_from_the_rule(served):
    served["panel"] = pd.DataFrame({"X": [120.0, 100.0, 110.0, 90.0, 99.0]}, index=DAYS)
    found = measures.below_high(_reading({"series": ["X"], "sessions": 4}, -10))
    assert found.value == -10.0 and found.series == ("X",)
    assert found.details["high_on"] == DAYS[2]


def test_share_above_mean_close_resolves_its_statistic(served):
    served["panel"] = panel(A=[1, 2, 3, 4, 5], B=[5, 4, 3, 2, 1])
    on_day = _reading({"statistic": "share_on_as_of", "sessions": 2})
    assert measures.share_above_mean_close(on_day).value == 50.0
    lowest = _reading(
        {
            "statistic": "lowest_share_in_window",
            "sessions": 2,
            "window": ["2026-01-02", "2026-01-06"],
        }
    )
    measured = measures.share_above_mean_close(lowest)
    assert measured.value == 50.0
    assert measured.series == ("sp500:prices", "sp500:members")


def test_member_counts_take_the_members_of_the_claims_date(served):
    up = measures.members_up_ytd(_reading({}))
    assert up.value == 2 and served["asked"] == ["2026-01-06"]
    beat = measures.share_of_members_beating_index(_reading({"series": ["sp500/prices", "^GSPC"]}))
    assert beat.value == round(100 / 3, 2)  # only A beats +5 %
    assert beat.details["total_return_share_pct"] == pytest.approx(200 / 3)  # A and C beat +1 %
    assert beat.series == ("sp500:prices", "sp500:members", "^GSPC", "SPY")


def test_advancing_sessions_count_the_claim_years_sessions(served):
    served["panel"] = panel(A=[1, 2, 3, 4, 3], B=[1, 2, 3, 4, 5])
    measured = measures.share_of_sessions_advancing(_reading({}))
    assert measured.details["sessions"] == 3  # the 2026 sessions only
    assert measured.value == round(200 / 3, 2)  # Jan 6: one up, one down
    assert len(measured.details["by_session"]) == 3


def test_top_weight_reprices_the_holdings_to_the_claims_date(served):
    measured = measures.top_weight(_reading({"top_n": 1}))
    assert measured.value == pytest.approx(round(100 * 110 / 200, 2))
    assert measured.series == ("sp500:prices", "sp500:members", "sp500:holdings")


def test_breadth_lead_compares_with_every_earlier_session_of_known_membership(served):
    served["panel"] = panel(A=[1, 2, 3, 4, 5], B=[1, 2, 1, 2, 3])
    measured = measures.breadth_lead_over_earlier_high(_reading({"sessions": 2}))
    assert measured.value == pytest.approx(0.0)  # all above their mean, as on earlier days
    assert measured.series == measures.MEMBERS_REBUILT
    assert measured.details["earlier_sessions_higher"] == 0
    assert "0 of the " in measured.evidence_sentence


def test_top_weight_counts_lines_or_companies_as_the_rule_says(served, monkeypatch):
    served["panel"] = panel(GOOGL=[1, 1, 1, 1, 1], GOOG=[1, 1, 1, 1, 1], X=[1, 1, 1, 1, 1])
    monkeypatch.setattr(data, "sp500_members", lambda day=None: ["GOOGL", "GOOG", "X"])
    holdings = pd.DataFrame({"market_value": [30.0, 30.0, 40.0]}, index=["GOOGL", "GOOG", "X"])
    monkeypatch.setattr(data, "ivv_holdings", lambda: Holdings(pd.Timestamp(DAYS[1]), holdings))
    as_listed = measures.top_weight(_reading({"top_n": 1}))
    by_company = measures.top_weight(_reading({"top_n": 1, "lines": "by_company"}))
    assert as_listed.value == pytest.approx(40.0)  # X is the largest line
    assert by_company.value == pytest.approx(60.0)  # Alphabet's two classes as one company
    assert by_company.details["as_listed_pct"] == pytest.approx(40.0)
    assert "companies (share classes folded) weighed" in by_company.evidence_sentence


def test_rank_of_share_beating_index_counts_earlier_equal_shares_above(served):
    # over one session, members beating ^GSPC: 1 of 3 on 12-31, 01-02 and 01-05, 2 on 01-06
    best = measures.rank_of_share_beating_index(_reading({"series": ["^GSPC"], "sessions": 1}))
    assert best.value == 1 and best.details["share_pct"] == pytest.approx(200 / 3)
    assert best.series == (*measures.MEMBERS_REBUILT, "^GSPC")
    tied = measures.rank_of_share_beating_index(
        _reading({"series": ["^GSPC"], "sessions": 1}, as_of="2026-01-05")
    )
    assert tied.value == 3 and len(tied.details["higher_on"]) == 2
    assert "2 of the 2 earlier sessions from 2025-12-31 had as high a share" in (
        tied.evidence_sentence
    )


LEAD = {"series": ["A", "^GSPC"], "statistic": "min_lead_pp"}


def test_member_group_ytd_lead_weights_groups_and_compares_as_the_rule_says(served, monkeypatch):
    # YTD: A +10 %, B -10 %, C +2 %; repriced cap weights: A 55 %, B 45 %, C none
    cap = measures.member_group_ytd_lead(_reading({**LEAD, "series": ["A", "^GSPC"]}))
    assert cap.value == pytest.approx(20.0)  # A +10 against B's -10 (C has no weight)
    assert cap.details["groups"]["A"]["contribution_pp"] == pytest.approx(5.5)
    equal = measures.member_group_ytd_lead(_reading({**LEAD, "weighting": "equal"}))
    assert equal.value == pytest.approx(14.0)  # against the mean of -10 and +2
    index = measures.member_group_ytd_lead(_reading({**LEAD, "versus": "index"}))
    assert index.value == pytest.approx(5.0)
    added = measures.member_group_ytd_lead(_reading({**LEAD, "statistic": "contribution_pp"}))
    assert added.value == pytest.approx(5.5) and added.evidence_sentence.startswith("A added")
    sectors = pd.Series({"A": "Tech", "B": "Tech", "C": "Energy"})
    monkeypatch.setattr(data, "sp500_sectors", lambda: sectors)
    by_sector = measures.member_group_ytd_lead(
        _reading({**LEAD, "series": ["^GSPC"], "sectors": ["Tech", "Energy"], "weighting": "equal"})
    )
    assert by_sector.value == pytest.approx(-2.0)  # Tech 0 % against Energy's +2 %
    assert measures.SECTORS in by_sector.series
    assert "Tech +0.00 % against +2.00 % for the other members" in by_sector.evidence_sentence


def test_share_of_index_gain_backs_weights_to_the_windows_start(monkeypatch):
    frame = pd.DataFrame({"A": YTD_PANEL["A"], "^GSPC": INDEX})
    monkeypatch.setattr(data, "prices", lambda names, end=None, **_: frame[list(names)])
    holdings = pd.DataFrame({"weight_pct": [20.0, 80.0]}, index=["A", "B"])
    monkeypatch.setattr(data, "ivv_holdings", lambda: Holdings(pd.Timestamp(DAYS[1]), holdings))
    rule = {"series": ["A", "^GSPC"], "window": ["2025-12-31", "2026-01-06"]}
    measured = measures.share_of_index_gain(_reading(rule))
    assert measured.details["contribution_pp"] == pytest.approx(2.0)  # 20 % x +10 %
    assert measured.value == pytest.approx(40.0)  # of the index's +5 %
    assert measured.series == ("A", "^GSPC", "sp500:holdings")
    assert measured.evidence_sentence.endswith("contributed 2.00 pp: 40.0 %")


def test_share_classes_fold_onto_the_class_a_row_names():
    weights = pd.Series({"GOOGL": 2.0, "GOOG": 1.5, "MSFT": 6.0})
    folded = measures._fold_share_classes(weights, ["GOOGL", "MSFT"])
    assert folded["GOOGL"] == pytest.approx(3.5) and "GOOG" not in folded.index
    both = measures._fold_share_classes(weights, ["GOOGL", "GOOG"])
    assert both["GOOG"] == 1.5 and both["GOOGL"] == 2.0


def test_top_decile_share_reads_its_percentile_or_change_over_the_window(monkeypatch):
    names = ["Lo 10", *(f"{i}-Dec" for i in range(2, 10)), "Hi 10"]
    months = pd.period_range("2000-01", "2000-04", freq="M")
    firms = pd.DataFrame(10.0, index=months, columns=names)
    size = pd.DataFrame(1.0, index=months, columns=names)
    size["Hi 10"] = [9.0, 41.0, 21.0, 31.0]  # top decile 50, 82, 70, 77.5 % of the total
    sections = {"Number of Firms": firms, "Average Firm Size": size}
    monkeypatch.setattr(data, "french", lambda dataset, section=None, **_: sections[section])
    rule = {"window": ["2000-01", "2000-04"], "top_n": 1}
    percentile = measures.top_decile_share(_reading({**rule, "statistic": "percentile"}))
    assert percentile.value == 75.0
    assert percentile.details["earlier_high_month"] == "2000-02"
    change = measures.top_decile_share(_reading({**rule, "statistic": "change_pp"}))
    assert change.value == pytest.approx(27.5)
    assert "held 77.5 % of US market cap in 2000-04" in change.evidence_sentence


def test_a_runs_readings_read_each_membership_day_once(served, monkeypatch):
    """Two readings of one run share the days they asked for; a day the membership cannot
    tell stays a DateRangeError on every ask, read once too."""
    asked_days = []

    def members_on(day=None):
        asked_days.append(pd.Timestamp(day))
        if pd.Timestamp(day) > DAYS[-2]:
            raise DateRangeError("after the file", "ask earlier")
        return ["A", "B"]

    monkeypatch.setattr(data, "sp500_members", members_on)
    first = _reading({"series": ["A"]})
    second = Reading(first.row, frames=first.frames)
    for reading in (first, second):
        members = measures.members_on(reading)
        assert [members(day) for day in DAYS[:-1]] == [["A", "B"]] * (len(DAYS) - 1)
        with pytest.raises(DateRangeError):
            members(DAYS[-1])
    assert asked_days == list(DAYS)
