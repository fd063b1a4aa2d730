"""Measures of breadth and concentration: how many S&P 500 members (or named stocks) were up,
down, above their mean or ahead of the index, how far a stock sat below its high, and how
much the largest lines weighed. Member counts read the member panel and the membership
intervals; named stocks read their Yahoo closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from helpers import data
from helpers.analysis import breadth, returns
from helpers.analysis.measurement import Measurement
from helpers.errors import DateRangeError
from helpers.measures.reading import Reading

__all__ = [
    "below_high",
    "breadth_lead_over_earlier_high",
    "member_group_ytd_lead",
    "rank_of_share_beating_index",
    "share_of_index_gain",
    "top_decile_share",
    "down_closes_in_window",
    "largest_ytd_spread_over_index",
    "lowest_ytd_return",
    "members_up_ytd",
    "negative_ytd_count",
    "share_above_mean_close",
    "share_of_members_beating_index",
    "share_of_sessions_advancing",
    "top_weight",
    "ytd_lead_over_index",
]

MEMBER_PANEL = ("sp500:prices",)  # member closes (Close, Adj Close where a name has no Close)
MEMBERS = ("sp500:prices", "sp500:members")  # the panel and the membership intervals
# ... and the list and change log that rebuild membership before the intervals
MEMBERS_REBUILT = (*MEMBERS, data.SP500_MEMBER_LIST, data.SP500_CHANGE_LOG)
SECTORS = data.SP500_SECTORS  # GICS sectors of the January-2026 members
SIZE_DECILES = "french:Portfolios_Formed_on_ME"  # French size deciles, number and size
# The one fact about share classes: each other class of a company -> its class A line, onto
# which a `lines: by_company` reading folds it (Alphabet: GOOG onto GOOGL).
FOLDED_ONTO = {"GOOG": "GOOGL"}
# Both directions: a row's series may name either class, which then stands for both.
SHARE_CLASSES = {**FOLDED_ONTO, **{a: other for other, a in FOLDED_ONTO.items()}}
# The total-return stand-in for ^GSPC beside which members' adjusted closes are counted too
# (a detail of the share beating the index, never its value).
TOTAL_RETURN_FUND = "SPY"


def _day(stamp: Any) -> str:
    return str(pd.Timestamp(stamp).date().isoformat())


def member_panel(reading: Reading) -> pd.DataFrame:
    """Close per member (Adj Close for members whose file has no Close), interior gaps
    filled: `breadth.member_closes`, built once per notebook run."""

    def build() -> pd.DataFrame:
        return breadth.member_closes(data.sp500_prices("Close"), data.sp500_prices("Adj Close"))

    panel: pd.DataFrame = reading.frames.get("member_panel", build)
    return panel


def members_on(reading: Reading) -> Callable[[Any], list[str]]:
    """`data.sp500_members`, each day read once per notebook run: a run's readings ask for
    the same few hundred days again and again (a DateRangeError is remembered too)."""
    known: dict[pd.Timestamp, list[str] | DateRangeError] = reading.frames.get("members", dict)

    def members(day: Any) -> list[str]:
        day = pd.Timestamp(day)
        if day not in known:
            try:
                known[day] = data.sp500_members(day)
            except DateRangeError as exc:
                known[day] = exc
        found = known[day]
        if isinstance(found, DateRangeError):
            raise found.with_traceback(None)
        return list(found)

    return members


def _mask(reading: Reading, closes: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Which panel columns were index members on each of `days`."""
    mask, _ = breadth.membership_mask(days, closes.columns, members_on(reading))
    return mask


def _closes(key: str) -> pd.Series:
    series: pd.Series = data.prices(key)[key]
    return series


def negative_ytd_count(reading: Reading) -> Measurement:
    """How many of the row's `series` (member-panel columns) have a negative YTD price return
    at the claim's date, among those with a known one ("all seven down for the year")."""
    row = reading.row
    ytd = breadth.column_ytd_pct(member_panel(reading)[list(row.series)], row.as_of)
    negative = breadth.count_summary(ytd, ytd < 0)
    down = ", ".join(ytd.index[ytd < 0])
    return Measurement(
        negative["count"],
        series=MEMBER_PANEL,
        details={**negative, "ytd_pct": ytd.round(2).to_dict()},
        evidence_sentence=f"{negative['count']} of {negative['counted']} were down for the year "
        f"at the {row.as_of} close ({down or 'none'})",
    )


def largest_ytd_spread_over_index(reading: Reading) -> Measurement:
    """The largest YTD spread (pp) of the row's stocks over its index: the `series` are the
    stocks (member-panel columns) followed by the index; every stock trails the index exactly
    when the value is below zero."""
    row = reading.row
    *stocks, index_key = row.series
    index = _closes(index_key)
    spreads = breadth.spreads_pp(member_panel(reading)[stocks], index, row.as_of)
    value = float(spreads.max())
    return Measurement(
        value,
        series=(*MEMBER_PANEL, index_key),
        details={
            "spread_pp": spreads.round(2).to_dict(),
            "index_ytd_pct": returns.ytd_pct(index, row.as_of),
        },
        evidence_sentence=f"year to {row.as_of}, "
        + ", ".join(f"{name} {spread:+.2f} pp" for name, spread in spreads.items())
        + f" against {index_key}",
    )


def ytd_lead_over_index(reading: Reading) -> Measurement:
    """YTD price return (pp) of each named stock minus the row's last `series` (the
    benchmark) at the claim's date; `statistic` min_lead_pp (every stock led) or max_lead_pp
    (at least one did). Yahoo closes."""
    row = reading.row
    *names, benchmark = row.series
    ytd = {n: returns.ytd_pct(_closes(n), row.as_of) for n in [*names, benchmark]}
    leads = {n: ytd[n] - ytd[benchmark] for n in names}
    figures = {"min_lead_pp": min(leads.values()), "max_lead_pp": max(leads.values())}
    return Measurement(
        round(float(row.statistic_of(figures)), 2),
        series=row.series,
        details={
            "ytd_pct": {n: round(v, 2) for n, v in ytd.items()},
            "lead_pp": {n: round(v, 2) for n, v in leads.items()},
        },
        evidence_sentence=f"year to {row.as_of}, "
        + ", ".join(f"{n} {ytd[n]:+.2f} %" for n in names)
        + f" against {benchmark} {ytd[benchmark]:+.2f} %",
    )


def lowest_ytd_return(reading: Reading) -> Measurement:
    """The smallest YTD price return (%) among the row's `series` at the claim's date ("both
    up at least 10 %")."""
    row = reading.row
    keys = list(row.series)
    ytd = {key: returns.ytd_pct(_closes(key), row.as_of) for key in keys}
    return Measurement(
        min(ytd.values()),
        series=tuple(keys),
        details={"ytd_pct": ytd},
        evidence_sentence=f"year to {row.as_of}, "
        + ", ".join(f"{key} {value:+.2f} %" for key, value in ytd.items()),
    )


def down_closes_in_window(reading: Reading) -> Measurement:
    """A "down days" row on one stock's closes (the row's one series): over the rule's
    `sessions` ending at the claim's date, the down closes (`statistic: down_closes`) or the
    end of the most recent earlier window with at least as many (`previous_window_end`).
    Details carry both, and the last earlier window reaching the claimed count."""
    row = reading.row
    (key,) = row.series
    prices = _closes(key)
    sessions = row.number("sessions")
    counts = breadth.down_closes(prices, sessions)
    end = pd.Timestamp(row.as_of)
    start = breadth.window_start(prices.index, end, sessions)
    count = int(counts.loc[end])
    before = breadth.last_window_at_least(counts, start, count)
    figures = {"down_closes": count, "previous_window_end": before and _day(before)}
    details: dict[str, Any] = {"window": f"{start.date()}..{end.date()}", **figures}
    if row.choice("statistic") == "down_closes":
        seen = breadth.last_window_at_least(counts, start, int(row.claimed_value))
        details["claimed_count_last_seen"] = seen and _day(seen)
    earlier = f"; the last earlier window with as many ended {_day(before)}" if before else ""
    return Measurement(
        row.statistic_of(figures),
        series=(key,),
        details=details,
        evidence_sentence=f"{key} closed down on {count} of the {sessions} sessions "
        f"{_day(start)} to {_day(end)}{earlier}",
        measured_label=""
        if row.choice("statistic") == "down_closes"
        else f"the end of the last earlier {sessions}-session window with {count}+ down closes",
    )


def below_high(reading: Reading) -> Measurement:
    """How far the close at the claim's date sits below the highest close of the rule's
    `sessions` closes ending there, in percent rounded to 0.01 (`breadth.below_high_pct`)."""
    row = reading.row
    (key,) = row.series
    sessions = row.number("sessions")
    gap = breadth.below_high_pct(_closes(key), row.as_of, sessions)
    value = round(gap["pct"], 2)
    return Measurement(
        value,
        series=row.series,
        details=gap,
        evidence_sentence=f"{key} closed at {gap['close']:,.2f} on {_day(gap['as_of_used'])}, "
        f"{value:.2f} % from its {sessions}-session high of {gap['high']:,.2f} "
        f"({_day(gap['high_on'])})",
    )


# ------------------------------------------------------------------ the member panel


def share_above_mean_close(reading: Reading) -> Measurement:
    """Share of members (%) above their own `sessions`-day mean close: on the claim's date
    (`statistic: share_on_as_of`) or the lowest daily share in the rule's `window`
    (`lowest_share_in_window`)."""
    row = reading.row
    closes = member_panel(reading)
    if row.choice("statistic") == "share_on_as_of":
        days = closes.loc[: row.as_of].index[-1:]
    else:
        days = closes.loc[slice(*row.window)].index
    table = breadth.share_above_mean(closes, _mask(reading, closes, days), row.number("sessions"))
    if row.choice("statistic") == "share_on_as_of":
        found = breadth.share_on(table, row.as_of)
        where = f"on {_day(found['session'])}"
    else:
        found = breadth.lowest_share(table, *row.window)
        where = f"at its lowest in {row.window[0]} to {row.window[1]}, on {_day(found['session'])}"
    value = round(found["share_pct"], 2)
    return Measurement(
        value,
        series=MEMBERS,
        details=found,
        evidence_sentence=f"{value:.1f} % of members closed above their "
        f"{row.number('sessions')}-day mean {where}",
    )


def share_of_sessions_advancing(reading: Reading) -> Measurement:
    """Share (%) of the claim year's sessions up to its date on which more members closed up
    than down; details count the sessions and the members without a move, and list them."""
    row = reading.row
    closes = member_panel(reading)
    days = closes.loc[f"{pd.Timestamp(row.as_of).year}-01-01" : row.as_of].index
    year = breadth.advance_decline(closes, _mask(reading, closes, days))
    more_up = int(year["more_up"].sum())
    value = round(100 * year["more_up"].mean(), 2)
    return Measurement(
        value,
        series=MEMBERS,
        details={
            "sessions": len(year),
            "sessions_more_up": more_up,
            "most_members_missing_on_a_session": int(year["missing"].max()),
            "by_session": year.reset_index().to_dict("records"),
        },
        evidence_sentence=f"advancers outnumbered decliners on {more_up} of the {len(year)} "
        f"sessions from {_day(days[0])} to {_day(days[-1])}",
    )


def members_up_ytd(reading: Reading) -> Measurement:
    """Members on the claim's date whose close is above their prior year-end close; members
    without both closes are listed, not counted."""
    row = reading.row
    ytd = breadth.members_ytd(member_panel(reading), data.sp500_members(row.as_of), row.as_of)
    summary = breadth.count_summary(ytd, ytd > 0)
    return Measurement(
        summary["count"],
        series=MEMBERS,
        details=summary,
        evidence_sentence=f"{summary['count']} of the {summary['counted']} members with both "
        f"closes were up for the year at the {row.as_of} close ({summary['excluded']} "
        f"without)",
    )


def share_of_members_beating_index(reading: Reading) -> Measurement:
    """Share (%) of the claim date's members whose YTD price return beats the index's (the
    rule's last series); the details add the same share on total returns (members' adjusted
    closes against TOTAL_RETURN_FUND's)."""
    row = reading.row
    index_key = row.series[-1]
    panel = member_panel(reading)
    members = data.sp500_members(row.as_of)
    ytd = breadth.members_ytd(panel, members, row.as_of)
    index_ytd = returns.ytd_pct(_closes(index_key), row.as_of)
    beat = breadth.count_summary(ytd, ytd > index_ytd)
    adjusted = breadth.member_closes(data.sp500_prices("Adj Close"), data.sp500_prices("Close"))
    total = breadth.members_ytd(adjusted, members, row.as_of)
    fund_ytd = returns.ytd_pct(_closes(TOTAL_RETURN_FUND), row.as_of)
    value = round(beat["share_pct"], 2)
    return Measurement(
        value,
        series=(*MEMBERS, index_key, TOTAL_RETURN_FUND),
        details={
            **beat,
            "index_ytd_pct": index_ytd,
            "total_return_share_pct": breadth.count_summary(total, total > fund_ytd)["share_pct"],
        },
        evidence_sentence=f"{beat['count']} of {beat['counted']} members ({value:.1f} %) beat "
        f"{index_key}'s {index_ytd:+.2f} % year to {row.as_of}",
    )


def top_weight(reading: Reading) -> Measurement:
    """Summed weight (%) of the rule's `top_n` largest lines on the claim's date: the IVV
    holdings' market values on the file's date repriced with member closes, members on the
    claim's date only; by the rule's `lines`, the fund's lines as listed (GOOGL and GOOG two
    holdings) or companies (share classes folded, FOLDED_ONTO); details carry both."""
    row = reading.row
    top_n = row.number("top_n")
    holdings = data.ivv_holdings()
    weights = breadth.repriced_weights(
        holdings.table["market_value"],
        member_panel(reading),
        holdings.as_of,
        row.as_of,
        data.sp500_members(row.as_of),
    )
    as_listed = round(breadth.top_share(weights, top_n), 2)
    by_company = round(breadth.top_share(weights, top_n, merge=FOLDED_ONTO), 2)
    folded = row.choice("lines") == "by_company"
    value = by_company if folded else as_listed
    counted = "companies (share classes folded)" if folded else "lines as the fund lists them"
    other = f"as listed: {as_listed:.2f} %" if folded else f"as companies: {by_company:.2f} %"
    return Measurement(
        value,
        series=(*MEMBERS, "sp500:holdings"),
        details={
            "lines_weighted": len(weights),
            "by_company_pct": by_company,
            "as_listed_pct": as_listed,
            "top_lines": weights.iloc[:top_n].round(2).to_dict(),
        },
        evidence_sentence=f"the {top_n} largest {counted} weighed {value:.2f} % on {row.as_of} "
        f"(of {len(weights)} lines of the IVV holdings of {_day(holdings.as_of)}, repriced; "
        f"{other})",
    )


def _membership_known(reading: Reading, day: pd.Timestamp) -> bool:
    """Whether the membership intervals cover `day`."""
    try:
        members_on(reading)(day)
    except DateRangeError:
        return False
    return True


def breadth_lead_over_earlier_high(reading: Reading) -> Measurement:
    """The share of members above their `sessions`-day mean close on the claim's date minus
    the highest share on any earlier session with known membership (the interval file, and
    before it the member list rolled back with the change log), from the rule's `start` when
    it has one (`breadth.lead_over_earlier_high`): above zero, broader than at any point the
    data know."""
    row = reading.row
    closes = member_panel(reading)
    first = pd.Timestamp(row.start) if "start" in row.rule else closes.index[0]
    days = pd.DatetimeIndex(
        [day for day in closes.loc[first : row.as_of].index if _membership_known(reading, day)]
    )
    above = breadth.share_above_mean(closes, _mask(reading, closes, days), row.number("sessions"))
    lead = breadth.lead_over_earlier_high(above, row.as_of)
    value = round(lead["lead_pp"], 2)
    return Measurement(
        value,
        series=MEMBERS_REBUILT,
        details={k: v for k, v in lead.items() if k != "lead_pp"},
        evidence_sentence=f"{lead['share_pct']:.1f} % of members were above their mean on "
        f"{_day(lead['session'])} against a high of {lead['earlier_high_pct']:.1f} % on "
        f"{_day(lead['earlier_high_on'])}; {lead['earlier_sessions_higher']} of the "
        f"{lead['earlier_sessions']} earlier sessions from {_day(lead['compared_from'])} were "
        "higher",
    )


def rank_of_share_beating_index(reading: Reading) -> Measurement:
    """Where the share of members beating the index (the rule's last series) over the
    `sessions` sessions ending on the claim's date ranks among the same share on every
    session the member data can measure (membership rebuilt before the interval file), 1 =
    the highest: "the best (second-best) breadth reading" can be no better than the data's
    own record, a necessary condition of any longer history."""
    row = reading.row
    index_key = row.series[-1]
    closes = member_panel(reading)
    sessions = row.number("sessions")
    days = closes.loc[: row.as_of].index[sessions:]
    flags = breadth.beating_index(closes, _closes(index_key), sessions)
    table = breadth.member_share(flags, _mask(reading, closes, days))
    found = breadth.rank_on(table, row.as_of)
    higher = found["higher_on"]
    best = max(higher, key=higher.__getitem__) if higher else None
    above = f"; the highest, {higher[best]:.1f} %, on {_day(best)}" if best is not None else ""
    return Measurement(
        found["rank"],
        series=(*MEMBERS_REBUILT, index_key),
        details={**found, "higher_on": {_day(d): v for d, v in higher.items()}},
        evidence_sentence=f"{found['share_pct']:.1f} % of members beat {index_key} over the "
        f"{sessions} sessions to {_day(found['session'])}; {len(higher)} of the "
        f"{found['sessions'] - 1} earlier sessions from {_day(found['compared_from'])} had as "
        f"high a share{above}",
    )


# ------------------------------------------------------------------ groups of members


def _weights(reading: Reading, as_of: str) -> pd.Series:
    """Index weights (%) on `as_of`: IVV's holdings repriced with member closes."""
    holdings = data.ivv_holdings()
    return breadth.repriced_weights(
        holdings.table["market_value"],
        member_panel(reading),
        holdings.as_of,
        as_of,
        data.sp500_members(as_of),
    )


def _groups(reading: Reading, members: list[str]) -> dict[str, list[str]]:
    """The member groups a row compares: each GICS sector its `sectors` names
    (`data.sp500_sectors`), or the stocks its `series` names before the index."""
    row = reading.row
    if "sectors" in row.rule:
        sector = data.sp500_sectors()
        return {
            name: [breadth.price_column(m) for m in members if sector.get(m) == name]
            for name in row.rule["sectors"]
        }
    return {" + ".join(row.series[:-1]): list(row.series[:-1])}


def member_group_ytd_lead(reading: Reading) -> Measurement:
    """How a group of S&P 500 members did year to date against the rest of the index: each
    group (a GICS sector the rule's `sectors` names, or the stocks its `series` names before
    the index) weighted by repriced IVV weights (`weighting: cap`) or equally (`equal`),
    against the other members weighted the same way (`versus: other_members`) or the index
    itself (`index`, the rule's last series). `statistic` min_lead_pp: the smallest group's
    lead (pp; every group led when above zero); contribution_pp: what the one group added
    to the cap-weighted whole (pp)."""
    row = reading.row
    index_key = row.series[-1]
    members = data.sp500_members(row.as_of)
    ytd = breadth.members_ytd(member_panel(reading), members, row.as_of)
    cap_weights = _weights(reading, row.as_of)
    weights = cap_weights if row.choice("weighting") == "cap" else None
    index_ytd = returns.ytd_pct(_closes(index_key), row.as_of)
    figures: dict[str, dict[str, float]] = {}
    for name, group in _groups(reading, members).items():
        rest = ytd.index.difference(group)
        against = (
            index_ytd
            if row.choice("versus") == "index"
            else breadth.group_ytd_pct(ytd.loc[rest], weights)
        )
        figures[name] = {
            "members": len(group),
            "ytd_pct": breadth.group_ytd_pct(ytd.reindex(group), weights),
            "versus_pct": against,
            "contribution_pp": breadth.contribution_pp(ytd.reindex(group), cap_weights),
        }
        figures[name]["lead_pp"] = figures[name]["ytd_pct"] - against
    statistic = row.choice("statistic")
    if statistic == "contribution_pp":
        (name,) = figures
        value = round(figures[name]["contribution_pp"], 2)
        sentence = (
            f"{name} added {value:+.2f} pp to the S&P 500's {index_ytd:+.2f} % year to {row.as_of}"
        )
    else:
        value = round(min(f["lead_pp"] for f in figures.values()), 2)
        compared = "the index" if row.choice("versus") == "index" else "the other members"
        sentence = (
            f"year to {row.as_of}, "
            + ", ".join(
                f"{name} {f['ytd_pct']:+.2f} % against {f['versus_pct']:+.2f} % for {compared}"
                for name, f in figures.items()
            )
            + f" ({row.choice('weighting')}-weighted)"
        )
    return Measurement(
        value,
        series=(*MEMBERS, "sp500:holdings", *([SECTORS] * ("sectors" in row.rule)), index_key),
        details={
            "groups": {n: {k: round(v, 3) for k, v in f.items()} for n, f in figures.items()},
            "index_ytd_pct": round(index_ytd, 3),
            "weighting": row.choice("weighting"),
        },
        evidence_sentence=sentence,
    )


def _fold_share_classes(weights: pd.Series, names: list[str]) -> pd.Series:
    """Weights with another share class of a named stock added to the class named."""
    onto = {other: named for other, named in SHARE_CLASSES.items() if named in names}
    onto = {other: named for other, named in onto.items() if other not in names}
    return weights.rename(index=onto).groupby(level=0).sum()


def share_of_index_gain(reading: Reading) -> Measurement:
    """The share (%) of the index's price gain over the rule's `window` that the stocks its
    `series` names before the index contributed (`breadth.share_of_index_gain`): their
    weights at the window's start backed out of IVV's holdings weights with share counts
    held fixed, Alphabet's two share classes as one line on the class the series names."""
    row = reading.row
    *names, index_key = row.series
    start, end = row.window
    closes = data.prices([*names, index_key], end=reading.data_end)
    holdings = data.ivv_holdings()
    weights = _fold_share_classes(holdings.table["weight_pct"], names)
    found = breadth.share_of_index_gain(
        closes[names], weights.reindex(names), closes[index_key], holdings.as_of, start, end
    )
    value = round(found["share_pct"], 1)
    return Measurement(
        value,
        series=(*names, index_key, "sp500:holdings"),
        details={k: v for k, v in found.items() if k != "share_pct"},
        evidence_sentence=f"from the {_day(found['start'])} close to the {_day(found['end'])} "
        f"close {index_key} rose {found['index_return_pct']:.2f} %, of which "
        f"{', '.join(names)} (weighing {found['start_weight_pct']:.1f} % at the start) "
        f"contributed {found['contribution_pp']:.2f} pp: {value:.1f} %",
    )


def _largest(n: int) -> str:
    return "largest" if n == 1 else f"largest {n}"


def top_decile_share(reading: Reading) -> Measurement:
    """How concentrated the US market is in its largest firms: the share (%) of total market
    cap held by the `top_n` largest Ken French size deciles (`breadth.top_deciles_share`),
    as the percentile of the window's last month among every month of the rule's `window`
    (`statistic: percentile`), or its change from the window's first month to its last
    (`change_pp`)."""
    row = reading.row
    first, last = (pd.Period(month, freq="M") for month in row.window)
    share = breadth.top_deciles_share(
        data.french(SIZE_DECILES.removeprefix("french:"), "Number of Firms"),
        data.french(SIZE_DECILES.removeprefix("french:"), "Average Firm Size"),
        row.number("top_n"),
    ).loc[first:last]
    figures = {
        "percentile": 100.0 * float((share <= share.loc[last]).mean()),
        "change_pp": float(share.loc[last] - share.loc[first]),
    }
    value = round(float(row.statistic_of(figures)), 1)
    earlier = share.loc[: last - 1]
    return Measurement(
        value,
        series=(SIZE_DECILES,),
        details={
            **{k: round(v, 2) for k, v in figures.items()},
            "share_first_pct": round(float(share.loc[first]), 2),
            "share_last_pct": round(float(share.loc[last]), 2),
            "earlier_high_pct": round(float(earlier.max()), 2),
            "earlier_high_month": str(earlier.idxmax()),
            "months": len(share),
        },
        evidence_sentence=f"the {_largest(row.number('top_n'))} of the ten NYSE size deciles held "
        f"{share.loc[last]:.1f} % of US market cap in {last} ({share.loc[first]:.1f} % in "
        f"{first}); at or above {figures['percentile']:.1f} % of the {len(share)} months, the "
        f"earlier high {earlier.max():.1f} % in {earlier.idxmax()}",
    )
