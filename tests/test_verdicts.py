"""Verdict rules on plain values: comparators, bands, boundaries and monotonicity."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.claims import bands, judging, rules
from helpers.claims import verdicts as v
from helpers.errors import RuleError

TERMS = {
    "exact": {"comparator": "equal", "tolerance": {"abs": 0}},
    "approximately": {
        "comparator": "equal",
        "tolerance": {"abs": 0.5, "rel": 0.10},
        "partly": {"abs": 1.0, "rel": 0.25},
    },
    "nearly": {
        "comparator": "equal",
        "tolerance": {"below": {"abs": 0.5, "rel": 0.10}, "above": {"abs": 0.25}},
    },
    "more_than": {"comparator": "at_least", "strict": True, "partly": {"abs": 0.5}},
    "since_year": {"comparator": "date", "granularity": "year", "partly": {"abs": 1}},
}


def judge(rule: dict, claimed, measured, unit: str = "") -> v.Judgement:
    return judging.evaluate(rules.resolve_rule(rule, TERMS), claimed, measured, unit)


# ------------------------------------------------------------------ equal


def test_exact_count_match_and_mismatch_explain_the_numbers():
    ok = judge({"term": "exact"}, 9, 9, "sessions")
    bad = judge({"term": "exact"}, 9, 10, "sessions")
    assert ok.verdict == v.SUPPORTED
    assert bad.verdict == v.REFUTED
    assert bad.explanation == "measured 10 sessions vs claimed 9 sessions: refuted (tolerance 0)"


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        (8.8, v.SUPPORTED),  # claimed 8: tolerance max(0.5, 0.8) = 0.8, edge included
        (7.2, v.SUPPORTED),
        (8.81, v.PARTLY),
        (10.0, v.PARTLY),  # partly band max(1, 2) = 2, edge included
        (10.01, v.REFUTED),
        (5.99, v.REFUTED),
    ],
)
def test_approximately_bands_are_inclusive(measured, expected):
    assert judge({"term": "approximately"}, 8.0, measured, "percent").verdict == expected


def test_approximately_explanation_shows_units_and_bands():
    text = judge({"term": "approximately"}, 8.0, 7.31, "percent").explanation
    assert text == "measured 7.31 % vs claimed 8 %: supported (tolerance ±0.8, partly within ±2)"


def test_nearly_is_asymmetric():
    assert judge({"term": "nearly"}, 8.0, 7.2).verdict == v.SUPPORTED
    assert judge({"term": "nearly"}, 8.0, 8.25).verdict == v.SUPPORTED
    assert judge({"term": "nearly"}, 8.0, 8.3).verdict == v.REFUTED


def test_row_tolerance_overrides_term():
    rule = {"term": "approximately", "tolerance": {"abs": 2.0}, "partly": {"abs": 5.0}}
    assert judge(rule, 69.0, 66.5).verdict == v.PARTLY
    assert judge(rule, 69.0, 67.0).verdict == v.SUPPORTED


def test_lists_compare_elementwise_and_worst_decides():
    rule = {"term": "exact"}
    assert judge(rule, [3.5, 3.75], [3.5, 3.75]).verdict == v.SUPPORTED
    assert judge(rule, [3.5, 3.75], [3.5, 4.0]).verdict == v.REFUTED
    with pytest.raises(RuleError):
        judge(rule, [3.5, 3.75], [3.5])


# ------------------------------------------------------------------ one-sided and ranges


def test_more_than_excludes_the_bound_and_has_a_partly_band():
    rule = {"term": "more_than"}
    assert judge(rule, 5.0, 5.01).verdict == v.SUPPORTED
    assert judge(rule, 5.0, 5.0).verdict == v.PARTLY
    assert judge(rule, 5.0, 4.5).verdict == v.PARTLY
    assert judge(rule, 5.0, 4.49).verdict == v.REFUTED


def test_at_least_includes_the_bound():
    assert judge({"comparator": "at_least"}, 300, 300).verdict == v.SUPPORTED
    assert judge({"comparator": "at_least"}, 300, 299).verdict == v.REFUTED


def test_at_most_strict_and_not_strict():
    assert judge({"comparator": "at_most", "strict": True}, 0.0, 0.0).verdict == v.REFUTED
    assert judge({"comparator": "at_most"}, 0.0, 0.0).verdict == v.SUPPORTED
    assert judge({"comparator": "at_most", "strict": True}, 0.0, -0.1).verdict == v.SUPPORTED


def test_bounds_work_on_dates():
    assert judge({"comparator": "at_most"}, "2005-12-31", "1999-03-01").verdict == v.SUPPORTED
    assert judge({"comparator": "at_most"}, "2005-12-31", "2010-03-01").verdict == v.REFUTED


def test_range_is_inclusive_with_partly_band():
    rule = {"comparator": "range", "partly": {"abs": 2.0}}
    assert judge(rule, [-20.0, -17.0], -20.0).verdict == v.SUPPORTED
    assert judge(rule, [-20.0, -17.0], -17.0).verdict == v.SUPPORTED
    assert judge(rule, [-20.0, -17.0], -15.5).verdict == v.PARTLY
    assert judge(rule, [-20.0, -17.0], -14.0).verdict == v.REFUTED


def test_range_on_dates_uses_days():
    rule = {"comparator": "range", "partly": {"abs": 31}}
    claimed = ["2026-01-12", "2026-01-14"]
    assert judge(rule, claimed, "2026-01-14").verdict == v.SUPPORTED
    assert judge(rule, claimed, "2026-02-10").verdict == v.PARTLY
    assert judge(rule, claimed, "2026-03-01").verdict == v.REFUTED


# ------------------------------------------------------------------ dates, booleans, none


def test_since_year_matches_the_year_and_one_year_off_is_partly():
    assert judge({"term": "since_year"}, "1990", "1990-08-20").verdict == v.SUPPORTED
    assert judge({"term": "since_year"}, "1990", "1991-01-02").verdict == v.PARTLY
    assert judge({"term": "since_year"}, "1990", "2008-06-17").verdict == v.REFUTED


def test_month_and_day_granularity():
    month = {"comparator": "date", "granularity": "month"}
    assert judge(month, "2008-06", "2008-06-30").verdict == v.SUPPORTED
    assert judge(month, "2008-06", "2008-07-01").verdict == v.REFUTED
    day = {"comparator": "date", "granularity": "day"}
    assert judge(day, "2026-01-02", "2026-01-02").verdict == v.SUPPORTED
    with pytest.raises(RuleError):
        judge(day, "2026-01", "2026-01-02")


def test_date_lists_compare_elementwise():
    rule = {"comparator": "date", "granularity": "month"}
    months = ["2025-09", "2025-10", "2025-12"]
    assert judge(rule, months, ["2025-09-17", "2025-10-29", "2025-12-10"]).verdict == v.SUPPORTED


def test_boolean_and_not_testable_and_pending():
    assert judge({"comparator": "boolean"}, True, True).verdict == v.SUPPORTED
    assert judge({"comparator": "boolean"}, True, False).verdict == v.REFUTED
    assert judge({"comparator": "none"}, "opinion", None).verdict == v.NOT_TESTABLE
    assert judge({"term": "exact"}, 9, None).verdict == v.PENDING


@pytest.mark.parametrize(
    ("rule", "claimed", "measured"),
    [
        ({"term": "exact"}, 9, "nine"),
        ({"term": "exact"}, 9, float("nan")),
        ({"comparator": "boolean"}, True, 1),
        ({"comparator": "date"}, "1990", "last summer"),
        ({"comparator": "range"}, [5, 1], 3),
    ],
)
def test_values_of_the_wrong_kind_raise(rule, claimed, measured):
    with pytest.raises(RuleError):
        judge(rule, claimed, measured)


def test_unknown_term_or_comparator_raise():
    with pytest.raises(RuleError):
        rules.resolve_rule({"term": "circa"}, TERMS)
    with pytest.raises(RuleError):
        rules.resolve_rule({"comparator": "about"}, TERMS)


def test_a_term_gives_the_comparator_and_a_contradicting_restatement_is_refused():
    assert rules.resolve_rule({"term": "more_than"}, TERMS)["comparator"] == "at_least"
    assert rules.resolve_rule({"term": "more_than", "comparator": "at_least"}, TERMS)["strict"]
    with pytest.raises(RuleError, match="'at_most' contradicts term 'more_than'") as caught:
        rules.resolve_rule({"term": "more_than", "comparator": "at_most"}, TERMS)
    assert "drop the row's `comparator:`" in caught.value.fix


def test_a_date_claim_needs_the_precision_its_granularity_compares():
    rules.check_claimed({"comparator": "date", "granularity": "year"}, "1990")
    with pytest.raises(RuleError, match="needs a month"):
        rules.check_claimed({"comparator": "date", "granularity": "month"}, "1990")


@pytest.mark.parametrize(
    ("comparator", "claimed"),
    [
        ("equal", "nine"),
        ("range", [3]),
        ("range", [5, 1]),
        ("date", "1990-13"),
        ("boolean", "yes"),
        ("at_least", [1, 2]),
        ("equal", []),
    ],
)
def test_check_claimed_rejects_malformed_values(comparator, claimed):
    with pytest.raises(RuleError):
        rules.check_claimed({"comparator": comparator}, claimed)


# ------------------------------------------------------------------ properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
width = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)
comparators = st.sampled_from(["equal", "at_least", "at_most"])
SEVERITY = {v.SUPPORTED: 0, v.PARTLY: 1, v.REFUTED: 2}


@given(comparators, st.booleans(), finite, finite, width, width, width)
def test_widening_tolerance_never_worsens_a_verdict(
    comparator, strict, claimed, measured, tol, extra, partly
):
    narrow = {
        "comparator": comparator,
        "strict": strict,
        "tolerance": {"abs": tol},
        "partly": {"abs": partly},
    }
    wide = {**narrow, "tolerance": {"abs": tol + extra}}
    before = judging.evaluate(narrow, claimed, measured).verdict
    after = judging.evaluate(wide, claimed, measured).verdict
    assert SEVERITY[after] <= SEVERITY[before]
    if before == v.SUPPORTED:
        assert after == v.SUPPORTED


@given(finite, finite, width, width, width)
def test_widening_a_range_never_worsens_a_verdict(low, measured, span, tol, extra):
    claimed = [low, low + span]
    before = judging.evaluate({"comparator": "range", "tolerance": {"abs": tol}}, claimed, measured)
    after = judging.evaluate(
        {"comparator": "range", "tolerance": {"abs": tol + extra}}, claimed, measured
    )
    assert SEVERITY[after.verdict] <= SEVERITY[before.verdict]


@given(finite, width, st.sampled_from([-1, 1]))
def test_band_edges_are_supported(claimed, tol, side):
    measured = claimed + side * tol
    rule = {"comparator": "equal", "tolerance": {"abs": tol}}
    assert judging.evaluate(rule, claimed, measured).verdict == v.SUPPORTED


@given(finite, width)
def test_partly_band_is_never_narrower_than_tolerance(claimed, tol):
    rule = {"comparator": "equal", "tolerance": {"abs": tol}, "partly": {"abs": tol / 2}}
    assert judging.evaluate(rule, claimed, claimed + tol).verdict == v.SUPPORTED
    assert judging.evaluate(rule, claimed, claimed + tol * 1.5 + 1).verdict == v.REFUTED


# ------------------------------------------------------------------ bands a reader can see

AS_STATED = {"comparator": "equal", "tolerance": {"abs": 0.05}, "partly": {"abs": 0.5}}


@pytest.mark.parametrize(
    ("rule", "claimed", "text"),
    [
        (AS_STATED, 5.8, "supported within 5.75–5.85, partly within 5.3–6.3"),
        ({"comparator": "equal", "tolerance": {"abs": 0}}, 9, "supported at 9"),
        (
            {"comparator": "at_least", "strict": True, "partly": {"abs": 0.5, "rel": 0.1}},
            50,
            "supported above 50, partly from 45",
        ),
        ({"comparator": "at_most", "strict": False}, 5, "supported up to 5"),
        ({"comparator": "range"}, [24, 28], "supported within 24–28"),
        (
            {"comparator": "date", "granularity": "year", "partly": {"abs": 1}},
            "1990",
            "supported in 1990, partly within 1989 to 1991",
        ),
        (
            {"comparator": "date", "granularity": "month", "partly": {"abs": 1}},
            "1990-01",
            "supported in 1990-01, partly within 1989-12 to 1990-02",
        ),
        ({"comparator": "date"}, "2026-01-02", "supported on 2026-01-02"),
        ({"comparator": "boolean"}, True, "supported only if yes"),
        ({"comparator": "none"}, "opinion", ""),
        (
            {"comparator": "date", "granularity": "month"},
            ["2025-09", "2025-12"],
            "2025-09: supported in 2025-09; 2025-12: supported in 2025-12",
        ),
    ],
)
def test_describe_bands(rule, claimed, text):
    assert bands.describe_bands(rule, claimed) == text


def test_bands_carry_the_unit_and_dates_of_the_claim():
    assert bands.describe_bands(AS_STATED, 5.8, "percent").endswith("5.3–6.3 %")
    (band,) = bands.verdict_bands({"comparator": "at_least", "tolerance": {"abs": 2}}, "2026-01-10")
    assert (band.low, band.high) == ("2026-01-08", None)


def _described_verdict(shown: tuple, measured) -> str:
    """The verdict a reader reads off the described bands: the first whose shown edges hold
    `measured` (numbers, or ISO dates written at the band's own precision, compared as text)."""
    for band in shown:
        if isinstance(band.low, bool):
            if measured == band.low:
                return band.verdict
            continue
        low_ok = band.low is None or (
            measured > band.low if band.low_open else measured >= band.low
        )
        high_ok = band.high is None or (
            measured < band.high if band.high_open else measured <= band.high
        )
        if low_ok and high_ok:
            return band.verdict
    return v.REFUTED


def _near_an_edge(shown: tuple, measured: float) -> bool:
    """Within float slack of a numeric edge but not on it, where text and judgement may
    round apart (a value exactly on an edge is judged as the text says)."""
    edges = [e for b in shown for e in (b.low, b.high) if isinstance(e, (int, float))]
    return any(0 < abs(measured - e) < 1e-6 * max(1.0, abs(e)) for e in edges)


def _day(offset: int) -> str:
    return (dt.date(2020, 1, 15) + dt.timedelta(days=offset)).isoformat()


def _at(granularity: str, offset: int) -> str:
    """A date `offset` periods from 2020-01-15, written at `granularity`."""
    if granularity == "year":
        return f"{2020 + offset:04d}"
    if granularity == "month":
        index = 2020 * 12 + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return _day(offset)


rounded = st.floats(-100, 100).map(lambda x: round(x, 2))
widths = st.one_of(st.just(0.0), st.floats(0, 5).map(lambda x: round(x, 2)))
days = st.integers(0, 40)


@st.composite
def judged_cases(draw) -> tuple[dict, object, object]:
    """(resolved rule, claimed, measured) for every comparator, on numbers and on dates."""
    kind = draw(
        st.sampled_from(
            ["equal", "at_least", "at_most", "range", "date_bound", "date_range", "date",
             "boolean", "equal_list", "date_list"]
        )
    )  # fmt: skip
    if kind == "boolean":
        return {"comparator": "boolean"}, draw(st.booleans()), draw(st.booleans())
    if kind in ("date", "date_list"):
        granularity = draw(st.sampled_from(["day", "month", "year"]))
        tolerance, extra = draw(st.integers(0, 3)), draw(st.integers(0, 3))
        rule = {
            "comparator": "date",
            "granularity": granularity,
            "tolerance": {"abs": tolerance},
            "partly": {"abs": tolerance + extra},
        }
        offsets = [draw(st.integers(-10, 10)) for _ in range(2)]
        claimed = [_at(granularity, offset) for offset in offsets]
        measured = [_at(granularity, offset + draw(st.integers(-7, 7))) for offset in offsets]
        return (rule, claimed, measured) if kind == "date_list" else (rule, claimed[0], measured[0])
    tolerance, extra = draw(widths), draw(widths)
    if kind in ("date_bound", "date_range"):
        tolerance, extra = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    rule = {"tolerance": {"abs": tolerance}, "partly": {"abs": tolerance + extra}}
    if kind in ("at_least", "at_most", "date_bound"):
        rule |= {"comparator": draw(st.sampled_from(["at_least", "at_most"]))}
        rule["strict"] = draw(st.booleans())
    else:
        rule["comparator"] = "range" if kind in ("range", "date_range") else "equal"
    if kind == "date_bound":
        bound = draw(days)
        return rule, _day(bound), _day(bound + draw(st.integers(-4, 4)))
    if kind == "date_range":
        first, last = draw(days), draw(days)
        claimed = [_day(first), _day(first + last)]
        return rule, claimed, _day(first + draw(st.integers(-10, last + 10)))
    if kind == "range":
        low = draw(rounded)
        return rule, [low, round(low + draw(widths), 2)], draw(rounded)
    if kind == "equal_list":
        claimed = [draw(rounded), draw(rounded)]
        return (
            rule,
            claimed,
            [c + draw(st.floats(-12, 12).map(lambda x: round(x, 1))) for c in claimed],
        )
    claimed = draw(rounded)
    return rule, claimed, claimed + draw(st.floats(-12, 12).map(lambda x: round(x, 1)))


@settings(max_examples=400)
@given(judged_cases())
def test_described_bands_decide_as_evaluate_does_for_every_comparator(case):
    """What the scorecard shows ("supported within ...", "partly from ...") is what judged the
    value: reading the described bands gives evaluate's verdict, for every comparator, on
    numbers and dates, and for lists element by element (the worst decides)."""
    rule, claimed, measured = case
    pairs = (
        list(zip(claimed, measured, strict=True))
        if isinstance(measured, list)
        else [(claimed, measured)]
    )
    read = []
    for one_claimed, one_measured in pairs:
        shown = bands.verdict_bands(rule, one_claimed)
        if isinstance(one_measured, float) and _near_an_edge(shown, one_measured):
            return
        if rule["comparator"] == "date":
            one_measured = one_measured[: len(str(shown[0].low))]
        read.append(_described_verdict(shown, one_measured))
    worst = max(read, key=SEVERITY.__getitem__)
    assert worst == judging.evaluate(rule, claimed, measured).verdict
    assert bands.describe_bands(rule, claimed)  # every testable comparator describes its bands
