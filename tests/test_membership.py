"""S&P 500 membership rebuilt from a dated member list and the change log, on a hand-made
log whose answers are known by construction."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import membership
from helpers.errors import DateRangeError, ValidationError

# On 2025-05-01 G replaced H (the log's first line); on 2025-06-02 D replaced A; on
# 2025-08-01 E replaced B; the list is dated 2025-07-15; on 2025-09-01 F replaced C.
LOG = pd.DataFrame(
    {
        "date": ["2025-08-01", "2025-06-02", "2025-09-01", "2025-05-01"],
        "add": ["E", "D", "F", "G"],
        "remove": ["B", "A", "C", "H"],
    }
)
LISTED = ["B", "C", "D", "G"]  # the members on 2025-07-15


def changes() -> list[membership.Change]:
    return membership.parse_change_log(LOG)


def test_the_log_is_parsed_oldest_first_with_several_tickers_a_cell():
    parsed = membership.parse_change_log(
        pd.DataFrame(
            {"date": ["2025-02-03", "2025-01-02"], "add": ["X, Y", None], "remove": ["Z", "W"]}
        )
    )
    assert [c.date for c in parsed] == [pd.Timestamp("2025-01-02"), pd.Timestamp("2025-02-03")]
    assert parsed[1].added == ("X", "Y") and parsed[0].added == () and parsed[0].removed == ("W",)


@pytest.mark.parametrize(
    "table",
    [
        pd.DataFrame({"date": ["2025-13-01"], "add": ["X"], "remove": ["Y"]}),
        pd.DataFrame({"date": ["2025-01-02"], "add": [None], "remove": [None]}),
        pd.DataFrame({"day": ["2025-01-02"], "add": ["X"], "remove": ["Y"]}),
    ],
)
def test_a_bad_line_or_a_missing_column_is_an_error_with_a_fix(table):
    with pytest.raises(ValidationError, match="change log") as raised:
        membership.parse_change_log(table)
    assert "restore" in raised.value.fix


def test_changes_after_the_day_up_to_the_lists_date_are_undone():
    assert membership.members_on("2025-07-15", LISTED, "2025-07-15", changes()) == LISTED
    assert membership.members_on("2025-06-02", LISTED, "2025-07-15", changes()) == LISTED
    assert membership.members_on("2025-06-01", LISTED, "2025-07-15", changes()) == [
        "A",
        "B",
        "C",
        "G",
    ]
    assert membership.members_on("2025-05-01", LISTED, "2025-07-15", changes())[-1] == "G"


def test_changes_after_the_lists_date_up_to_the_day_are_applied():
    assert membership.members_on("2025-08-01", LISTED, "2025-07-15", changes()) == [
        "C",
        "D",
        "E",
        "G",
    ]
    assert membership.members_on("2025-09-30", LISTED, "2025-07-15", changes()) == [
        "D",
        "E",
        "F",
        "G",
    ]


def test_a_day_before_the_log_cannot_be_rebuilt():
    with pytest.raises(DateRangeError, match="back to 2025-05-01"):
        membership.members_on("2025-04-30", LISTED, "2025-07-15", changes())
    with pytest.raises(DateRangeError, match="back to nothing"):
        membership.members_on("2025-05-30", LISTED, "2025-07-15", [])


def test_shiller_months_read_october_without_its_trailing_zero():
    from helpers.data import parsers

    months = parsers.shiller_months(pd.Series([1990.09, 1990.1, 1990.11, 1990.12]))
    assert [str(m) for m in months] == ["1990-09", "1990-10", "1990-11", "1990-12"]
    with pytest.raises(ValidationError, match="1990.13"):
        parsers.shiller_months(pd.Series([1990.13]))
