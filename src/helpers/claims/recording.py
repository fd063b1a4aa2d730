"""Recording verdicts: a notebook's measured value, judged by the row's rule, written as the
row's result json that the scorecard reads."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import buildinfo, verdict_box
from helpers.analysis.measurement import Measurement
from helpers.claims import verdicts
from helpers.claims.ledger import (
    VERDICT_STYLES,
    Claim,
    Ledger,
    ledger_path,
    near_misses,
    published_results_dir,
    read_ledger,
    results_dir,
)
from helpers.claims.schema import checked_ledger, notebooks_home
from helpers.config import NOTEBOOK_ENV, RESULTS_ENV
from helpers.errors import DataError, LedgerError
from helpers.files import write_json_atomic


@dataclass(frozen=True)
class Verdict:
    """What record() returns: shows as a colored verdict box in a notebook."""

    claim_id: str
    verdict: str
    explanation: str
    claim: str
    measured: Any
    claimed: Any
    unit: str
    robustness: str = ""
    robustness_detail: str = ""
    caveat: str = ""
    claimed_text: str = ""
    judged_against: str = ""
    evidence_sentence: str = ""
    measured_label: str = ""

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.verdict} - {self.explanation}"

    def box(self) -> dict[str, Any]:
        """The fields helpers.verdict_box shows: the one box every page uses."""
        return verdict_box.box(
            anchor=f"claim-{self.claim_id}", claim_id=self.claim_id, verdict=self.verdict,
            style=VERDICT_STYLES[self.verdict], claim=self.claim,
            claimed=self.claimed_text or verdicts.fmt_value(self.claimed, self.unit),
            judged_against=self.judged_against,
            measured="—" if self.measured is None else verdicts.fmt_value(self.measured, self.unit),
            measured_label=self.measured_label, evidence_sentence=self.evidence_sentence,
            explanation=self.explanation, robustness=self.robustness,
            robustness_detail=self.robustness_detail, caveat=self.caveat,
        )  # fmt: skip

    def _repr_html_(self) -> str:
        return verdict_box.render(self.box())


def _testable_row(ledger: Ledger, claim_id: str) -> Claim:
    """The ledger row a result is recorded for; unknown or not-testable rows are errors."""
    rows = ledger.by_id()
    if claim_id not in rows:
        raise LedgerError(f"no claim {claim_id!r} in the ledger", near_misses(claim_id, rows))
    item = rows[claim_id]
    if item.testability == "not_testable":
        raise LedgerError(
            f"claim {claim_id} is marked not_testable; it has no rule to evaluate",
            "do not record it (the scorecard shows it from the ledger), or change its row",
        )
    return item


def _write_result(result: dict) -> None:
    """Write a result json where this run's results go (an interactive run is told once)."""
    target = results_dir()
    if RESULTS_ENV not in os.environ:
        _say_scratch_once(target)
    write_json_atomic(target / f"{result['claim_id']}.json", result)


def record(
    claim_id: str,
    measured: Any,
    *,
    as_of: str | dt.date | None = None,
    details: Mapping[str, Any] | None = None,
    evidence: Any = None,
    series: Iterable[str] | None = None,
) -> Verdict:
    """Judge `measured` for `claim_id` by its ledger rule and write the result json.

    `as_of` is the close the measurement refers to (defaults to the ledger's); `details` are
    extra numbers a reader may want (shown in the json); `evidence` is anything else citable
    (dates, row excerpts). Data files come from helpers.data.used_sources(): those of the
    `series` keys the measurement read when given, else every file loaded so far.
    """
    ledger = read_ledger()
    item = _testable_row(ledger, claim_id)
    if "test" in item.rule or "readings" in item.rule:
        raise LedgerError(
            f"claim {claim_id} states a significance test or readings",
            "record it with record_readings(), which measures every reading and its p-value",
        )
    value = to_jsonable(measured)
    judgement = judge(ledger, item, value)
    sources = sources_for(series, _used_sources())
    result = _result(
        item, value, judgement, ledger.resolved_rule(item), sources,
        as_of=as_of, details=details, evidence=evidence,
    )  # fmt: skip
    _write_result(result)
    return _verdict(item, result)


def _result(
    item: Claim,
    measured: Any,
    judgement: verdicts.Judgement,
    rule: Mapping[str, Any],
    sources: list[dict],
    *,
    as_of: str | dt.date | None,
    details: Mapping[str, Any] | None,
    evidence: Any,
) -> dict:
    """The fields every result json has: the row, what was measured and judged, the files
    read and the build that read them."""
    return {
        "claim_id": item.id,
        "article": item.article,
        "family": item.family,
        "group": item.group,
        "claim": item.claim,
        "claimed": item.claimed_value,
        "unit": item.unit,
        "measured": measured,
        "verdict": judgement.verdict,
        "explanation": judgement.explanation,
        "rule": rule,
        "notebook": os.environ.get(NOTEBOOK_ENV) or item.notebook,
        "as_of": to_jsonable(as_of) if as_of is not None else item.as_of,
        "data_files": to_jsonable([cited_file(source) for source in sources]),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "build": buildinfo.build_info(sources, ledger_path().read_bytes()),
        "details": to_jsonable(dict(details or {})),
        "evidence": to_jsonable(evidence),
        "evidence_sentence": "",
        "measured_label": "",
    }


def _verdict(item: Claim, result: Mapping[str, Any]) -> Verdict:
    """What a notebook shows of a written result: the verdict, the figures as the rule
    reads them, the evidence sentence and the caveat beside it."""
    rule = result["rule"]
    return Verdict(
        item.id, result["verdict"], result["explanation"], item.claim, result["measured"],
        item.claimed_value, item.unit, robustness=result.get("robustness", ""),
        robustness_detail=result.get("robustness_detail", ""), caveat=item.caveat,
        claimed_text=verdicts.describe_claimed(rule, item.claimed_value, item.unit),
        judged_against=verdicts.describe_bands(rule, item.claimed_value, item.unit),
        evidence_sentence=result.get("evidence_sentence", ""),
        measured_label=result.get("measured_label", ""),
    )  # fmt: skip


_said_scratch: set[Path] = set()


def _say_scratch_once(folder: Path) -> None:
    """Tell an interactive run, once per process, that its verdicts are not published."""
    if folder not in _said_scratch:
        _said_scratch.add(folder)
        print(
            f"note: not run by `make reports` / run-notebook, so results go to {folder} "
            "(not published; the scorecard reads only what run-notebook promotes)"
        )


def judge_tested(
    ledger: Ledger, item: Claim, measured: Any, p_value: Any = None
) -> verdicts.Judgement:
    """`judge`, with the rule's significance test when it states one (LedgerError on a bad
    rule or value)."""
    try:
        return verdicts.evaluate_tested(
            ledger.resolved_rule(item), item.claimed_value, measured, item.unit, p_value
        )
    except verdicts.RuleError as exc:
        raise LedgerError(
            f"claim {item.id}: cannot judge measured {measured!r} (p {p_value!r}): {exc}",
            f"pass a value of the kind the rule measures: {item.rule.get('measure')}",
        ) from None


def cited_file(source: Mapping[str, Any]) -> dict:
    """One data file as a result cites it: the series key, where it came from, its path
    relative to the data root (`file`), its sha256 and the short sha256 (12 hex digits); no
    machine path."""
    sha = source.get("sha256")
    return {
        "series": source.get("series"),
        "source": source.get("source"),
        "file": source.get("file"),
        "sha256": sha,
        "sha256_short": str(sha)[:12] if sha else None,
        "first": source.get("first"),
        "last": source.get("last"),
        "rows": source.get("rows"),
    }


def sources_for(series: Iterable[str] | None, used: list[dict]) -> list[dict]:
    """The loaded sources a measurement read: those of the named series keys (every loaded
    source when `series` is None), each with its path relative to the data root (`file`)."""
    if series is None:
        return list(used)
    wanted = set(series)
    return [s for s in used if s.get("series") in wanted]


def record_readings(
    claim_id: str,
    measure: Any,
    *,
    as_of: str | dt.date | None = None,
    details: Mapping[str, Any] | None = None,
    evidence: Any = None,
) -> Verdict:
    """Measure and judge every reading of a claim, pick the verdict its rule's `verdict_from`
    states, label its robustness, and write the result json.

    `measure` is a package function taking the row as one reading (`Claim.reading(name)`)
    and returning a `Measurement` (or a plain value): the notebook passes the function, the
    package and the ledger decide what each reading measures. Each reading is judged with
    its own rule (tolerance, term, test) and stored with its measured value and verdict.
    """
    ledger = read_ledger()
    item = _testable_row(ledger, claim_id)
    used_all = _used_sources()
    measured: dict[str, Measurement] = {}
    readings: list[verdicts.ReadingVerdict] = []
    stored: list[dict] = []
    files: dict[str, dict] = {}
    for name in item.reading_names:
        view = item.reading(name)
        result = measure(view)
        m = result if isinstance(result, Measurement) else Measurement(result)
        value = to_jsonable(m.value)
        judgement = judge_tested(ledger, view, value, m.p_value)
        measured[name] = m
        reading = verdicts.ReadingVerdict(
            name, item.reading_kind(name), judgement.verdict, value, judgement.explanation
        )
        readings.append(reading)
        for source in sources_for(m.series, _used_sources() if m.series else used_all):
            files.setdefault(f"{source.get('series')}|{source.get('file')}", source)
        stored.append(
            {
                "name": name,
                "kind": reading.kind,
                "about": item.reading_about(name),
                "rule": to_jsonable({k: v for k, v in view.rule.items() if k != "measure"}),
                "claimed": to_jsonable(view.claimed_value),
                "measured": value,
                "p_value": to_jsonable(m.p_value),
                "verdict": judgement.verdict,
                "explanation": judgement.explanation,
                "details": to_jsonable(dict(m.details)),
            }
        )
    chosen = verdicts.headline_verdict(readings, item.choice("verdict_from", "headline"))
    label, robust_detail = verdicts.robustness(readings, chosen)
    explanation = chosen.explanation
    if chosen.name != verdicts.HEADLINE:
        explanation = f"{chosen.name} reading (verdict_from: worst): {explanation}"
    headline = verdicts.Judgement(chosen.verdict, explanation)
    rule = ledger.resolved_rule(item.reading(verdicts.HEADLINE))
    result = _result(
        item, chosen.measured, headline, rule, list(files.values()),
        as_of=as_of, details=details, evidence=evidence,
    )  # fmt: skip
    result |= {
        "headline_reading": chosen.name,
        "p_value": to_jsonable(measured[chosen.name].p_value),
        "evidence_sentence": measured[chosen.name].evidence_sentence,
        "measured_label": measured[chosen.name].measured_label,
        "readings": stored,
        "robustness": label,
        "robustness_detail": robust_detail,
        "caveat": item.caveat,
    }
    _write_result(result)
    return _verdict(item, result)


def readings_table(claim_id: str, directory: Path | None = None):
    """The readings a `record_readings` result stores, one row each (name, kind, measured,
    p-value, verdict, what the reading means), for a notebook to show under the verdict."""
    import pandas as pd

    path = (Path(directory) if directory else results_dir()) / f"{claim_id}.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LedgerError(
            f"no readable result for {claim_id} at {path}: {exc}",
            "record it with record_readings() first",
        ) from None
    columns = ["name", "kind", "measured", "p_value", "verdict", "about"]
    return pd.DataFrame(payload.get("readings") or [], columns=columns).set_index("name")


class NotebookClaims:
    """The ledger rows one notebook must judge, and the ones it has recorded so far.

    Notebooks select rows by group (an unknown group is an error, so a renamed group stops the
    run instead of silently skipping claims) and end with `check_complete()`, which fails when
    a testable row of the notebook was never recorded.
    """

    def __init__(
        self,
        notebook: str,
        path: Path | None = None,
        notebooks_dir: Path | None = None,
        articles_dir: Path | None = None,
    ):
        """Load the checked ledger: a row whose `notebook` is misspelt would otherwise be
        skipped here, and the pipeline would delete its last good result as no longer made."""
        home = notebooks_home(notebooks_dir)
        if not (home / f"{notebook}.ipynb").is_file():
            raise LedgerError(
                f"NotebookClaims({notebook!r}): there is no notebook {home / notebook}.ipynb",
                "pass this notebook's own file name without .ipynb, e.g. 01_january_2026_streak",
            )
        ledger = checked_ledger(path, notebooks_dir, articles_dir)
        self.notebook = notebook
        self.rows = [c for c in ledger.claims if c.notebook == notebook]
        self.recorded: set[str] = set()

    def group(self, name: str) -> list[Claim]:
        rows = [c for c in self.rows if c.group == name]
        if not rows:
            known = sorted({c.group for c in self.rows})
            raise LedgerError(
                f"notebook {self.notebook} has no ledger rows in group {name!r}",
                f"use one of {known} or fix the group in data/claims.yaml",
            )
        return rows

    def claim(self, claim_id: str) -> Claim:
        """One of this notebook's rows by id (a row of another notebook is an error)."""
        rows = {c.id: c for c in self.rows}
        if claim_id not in rows:
            raise LedgerError(
                f"notebook {self.notebook} has no ledger row {claim_id!r}",
                near_misses(claim_id, rows),
            )
        return rows[claim_id]

    def record(self, claim_id: str, measured: Any, **kwargs: Any) -> Verdict:
        verdict = record(claim_id, measured, **kwargs)
        self.recorded.add(claim_id)
        return verdict

    def record_readings(self, claim_id: str, measure: Any, **kwargs: Any) -> Verdict:
        """`record_readings` for one of this notebook's rows (see there)."""
        verdict = record_readings(claim_id, measure, **kwargs)
        self.recorded.add(claim_id)
        return verdict

    @property
    def not_testable(self) -> list[str]:
        return sorted(c.id for c in self.rows if c.testability == "not_testable")

    def not_testable_table(self) -> list[dict]:
        """The rows this notebook lists but cannot judge, with the ledger's reason; notebooks
        show it (as a DataFrame) so a reader sees what was left out and why."""
        return [
            {
                "claim": c.id,
                "what it says": c.claim,
                "claimed": c.claimed_value,
                "unit": c.unit,
                "why it cannot be tested here": c.testability_note,
            }
            for c in self.rows
            if c.testability == "not_testable"
        ]

    def check_complete(self) -> str:
        """Raise if a testable row was not recorded; else a one-line summary."""
        missing = sorted({c.id for c in self.rows} - self.recorded - set(self.not_testable))
        if missing:
            raise LedgerError(
                f"notebook {self.notebook} did not record {missing}",
                "record each of them with claims.record(), or fix their notebook in the ledger",
            )
        return (
            f"recorded {len(self.recorded)} claims; "
            f"not testable (shown, not judged): {', '.join(self.not_testable) or 'none'}"
        )


def judge(ledger: Ledger, item: Claim, measured: Any) -> verdicts.Judgement:
    """Evaluate one measured value against a claim (errors become LedgerError)."""
    try:
        return verdicts.evaluate(
            ledger.resolved_rule(item), item.claimed_value, measured, item.unit
        )
    except verdicts.RuleError as exc:
        raise LedgerError(
            f"claim {item.id}: cannot judge measured {measured!r}: {exc}",
            f"pass a value of the kind the rule measures: {item.rule.get('measure')}",
        ) from None


def _used_sources() -> list[dict]:
    try:
        from helpers import data
    except ImportError as exc:
        raise DataError(
            f"helpers.data cannot be imported ({exc}), so record() cannot cite data files",
            "install the package with its data layer (`make setup`)",
        ) from None
    return data.used_sources()


def to_jsonable(value: Any) -> Any:
    """Plain JSON types from numpy/pandas scalars, dates, tuples and arrays."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _is_midnight(value: dt.datetime) -> bool:
    return value.time() == dt.time(0) and value.tzinfo is None


def read_results(directory: Path | None = None) -> dict[str, dict]:
    """Result jsons by claim id; unreadable files raise a LedgerError naming the file."""
    directory = Path(directory) if directory else published_results_dir()
    results = {}
    for path in sorted(directory.glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LedgerError(
                f"result {path} is unreadable: {exc}", "re-run its notebook (make reports)"
            ) from None
        results[str(payload.get("claim_id", path.stem))] = payload
    return results
