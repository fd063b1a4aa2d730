"""One renderer for a verdict beside its evidence: the box a notebook shows under a recorded
claim and the scorecard's claims are the same template (templates/verdict.html.j2), so the
two cannot drift apart. It sits at the foundation because the claims room (which records
verdicts) may not import the report room (which lays out pages); both import this."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

TEMPLATE = "verdict.html.j2"
STYLESHEET = "verdict.css"
# What a box may say; the optional fields default to nothing shown.
REQUIRED = ("claim_id", "verdict", "style", "claim", "claimed", "measured")
OPTIONAL: dict[str, Any] = {
    "anchor": "",
    "judged_against": "",
    "measured_label": "",
    "evidence_sentence": "",
    "explanation": "",
    "robustness": "",
    "robustness_detail": "",
    "caveat": "",
    "meta": (),
    "href": "",
    "href_text": "",
    "data": {},
    "fold": False,
    "inline": True,
}
# A sentence that starts with a plain word (not a series key such as fred:DFF or ^RUT).
_PLAIN_START = re.compile(r"[a-z]+\b(?![:/])")


@cache
def loader() -> Any:
    """The templates beside this module, for any environment that imports the macros."""
    import jinja2  # here, not at import: recording a verdict should not pay for it

    return jinja2.PackageLoader("helpers", "templates")


@cache
def _macros() -> Any:
    import jinja2

    env = jinja2.Environment(loader=loader(), autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE).module


def box(**fields: Any) -> dict[str, Any]:
    """A complete box: the required fields, every optional one defaulted (the template is
    strict, so a misspelt key is an error here, not a blank on a page)."""
    missing = [k for k in REQUIRED if k not in fields]
    unknown = sorted(set(fields) - set(REQUIRED) - set(OPTIONAL))
    if missing or unknown:
        raise TypeError(f"verdict box: missing {missing}, unknown {unknown}")
    fields = {**OPTIONAL, **fields}
    return fields | {"evidence_sentence": sentence(fields["evidence_sentence"]), **_judged(fields)}


def _judged(fields: Mapping[str, Any]) -> dict[str, str]:
    """How it was judged, without restating the figures the box shows: an explanation that
    opens "measured <measured> vs claimed <claimed>: <verdict>" (claims.judging) keeps only
    its remark in brackets, after the bands it was judged against ("supported from 20 %
    (bound included)"). Any other explanation shows as written."""
    restated = f"measured {fields['measured']} vs claimed {fields['claimed']}: {fields['verdict']}"
    explanation, against = str(fields["explanation"]), str(fields["judged_against"])
    if not against or not explanation.startswith(restated):
        return {}
    remark = explanation.removeprefix(restated).strip()
    if remark and not (remark.startswith("(") and remark.endswith(")")):
        return {}
    return {"judged_against": f"{against} {remark}".strip(), "explanation": ""}


def sentence(text: str) -> str:
    """An evidence sentence as a sentence: a plain first word capitalised (a series key stays
    as it is written) and a full stop at the end; an empty one stays empty. Measures write
    them as clauses ("the longest run of ..."), which read wrongly after "Claimed 9 sessions."."""
    text = text.strip()
    if not text:
        return ""
    if _PLAIN_START.match(text):
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


def render(fields: Mapping[str, Any]) -> str:
    """The verdict box as HTML (every text escaped); `fields` as box() returns them."""
    return str(_macros().box(fields))


def stylesheet() -> str:
    """The box's and chip's CSS, which every page's stylesheet includes."""
    from importlib.resources import files

    return (files("helpers") / "templates" / STYLESHEET).read_text(encoding="utf-8")
