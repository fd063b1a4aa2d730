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
from helpers.claims import bands, robustness, significance, values, verdicts
from helpers.claims.ledger import (
    VERDICT_STYLES,
    Ledger,
    Row,
    ledger_path,
    near_misses,
    published_results_dir,
    read_ledger,
    results_dir,
)
from helpers.config import NOTEBOOK_ENV, RESULTS_ENV
from helpers.errors import DataError, LedgerError, RuleError
from helpers.files import child_path, write_json_atomic


@dataclass(frozen=True)
class Verdict:
    """What recording a row returns: shows as a colored verdict box in a notebook."""

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
    # what the reading the verdict came from measured (its details, evidence), for narration
    measurement: Measurement | None = None
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
            claimed=self.claimed_text or values.fmt_value(self.claimed, self.unit),
            judged_against=self.judged_against,
            measured="—" if self.measured is None else values.fmt_value(self.measured, self.unit),
            measured_label=self.measured_label, evidence_sentence=self.evidence_sentence,
            explanation=self.explanation, robustness=self.robustness,
            robustness_detail=self.robustness_detail, caveat=self.caveat,
        )  # fmt: skip

    def _repr_html_(self) -> str:
        return verdict_box.render(self.box())


def _testable_row(ledger: Ledger, claim_id: str) -> Row:
    """The ledger row a result is recorded for; unknown or not-testable rows are errors."""
    rows = ledger.by_id()
    if claim_id not in rows:
        raise LedgerError(f"no claim {claim_id!r} in the ledger", near_misses(claim_id, rows))
    row = rows[claim_id]
    if row.testability == "not_testable":
        raise LedgerError(
            f"claim {claim_id} is marked not_testable; it has no rule to evaluate",
            "do not record it (the scorecard shows it from the ledger), or change its row",
        )
    return row


def _write_result(result: dict) -> None:
    """Write a result json where this run's results go (an interactive run is told once)."""
    target = results_dir()
    if RESULTS_ENV not in os.environ:
        _say_scratch_once(target)
    name = f"{result['claim_id']}.json"
    fix = "give the row an id of letters, digits and '-' in data/claims.yaml (claims check)"
    write_json_atomic(child_path(target, name, fix), result)


def record(
    claim_id: str,
    measured: Any,
    *,
    as_of: str | dt.date | None = None,
    details: Mapping[str, Any] | None = None,
    evidence: Any = None,
    series: Iterable[str] | None = None,
) -> Verdict:
    """Judge one measured value for a row with no readings and write its result json: the
    plain form of `record_measurements` (`series` None cites every file loaded so far)."""
    measurement = Measurement(measured, series=None if series is None else tuple(series))
    return record_measurements(
        claim_id,
        {robustness.HEADLINE: measurement},
        as_of=as_of,
        details=details,
        evidence=evidence,
    )


def record_measurements(
    claim_id: str,
    measurements: Mapping[str, Measurement],
    *,
    as_of: str | dt.date | None = None,
    details: Mapping[str, Any] | None = None,
    evidence: Any = None,
) -> Verdict:
    """Judge every reading of a row by its own rule (tolerance, term, test), pick the verdict
    the row's `verdict_from` states, label its robustness, and write the result json.

    `measurements` holds one `Measurement` per reading the row lists (`Row.reading_names`),
    as `helpers.measures` measured them. `as_of` is the close the result refers to (default:
    the row's); `details` the numbers a reader may want (default: the chosen reading's);
    `evidence` anything else citable. Data files are those of the series each reading read.
    """
    ledger = read_ledger()
    row = _testable_row(ledger, claim_id)
    if set(measurements) != set(row.reading_names):
        raise LedgerError(
            f"claim {claim_id}: measured readings {sorted(measurements)} are not the row's "
            f"{row.reading_names}",
            "measure every reading the row lists (book.measure_group does)",
        )
    used = _used_sources()
    readings: list[robustness.ReadingVerdict] = []
    stored: list[dict] = []
    files: dict[str, dict] = {}
    for name in row.reading_names:
        view, measurement = row.reading(name), measurements[name]
        value = to_jsonable(measurement.value)
        judgement = judge(ledger, view, value, measurement.p_value)
        about = row.reading_about(name)
        reading = robustness.ReadingVerdict(
            name, row.reading_kind(name), judgement.verdict, value, judgement.explanation, about
        )
        readings.append(reading)
        for source in sources_for(measurement.series, used):
            files.setdefault(f"{source.get('series')}|{source.get('file')}", source)
        stored.append(
            {
                "name": name,
                "kind": reading.kind,
                "about": about,
                "rule": to_jsonable({k: v for k, v in view.rule.items() if k != "measure"}),
                "claimed": to_jsonable(view.claimed_value),
                "measured": value,
                "p_value": to_jsonable(measurement.p_value),
                "verdict": judgement.verdict,
                "explanation": judgement.explanation,
                "details": to_jsonable(dict(measurement.details)),
                "evidence_sentence": measurement.evidence_sentence,
            }
        )
    chosen = robustness.headline_verdict(readings, row.choice("verdict_from"))
    label, robust_detail = robustness.robustness(readings, chosen, row.no_alternative)
    explanation = chosen.explanation
    if chosen.name != robustness.HEADLINE:
        explanation = f"the least favourable reading, {chosen.described}: {explanation}"
    shown = measurements[chosen.name]
    result = _result(
        row, chosen.measured, verdicts.Judgement(chosen.verdict, explanation),
        ledger.resolved_rule(row.reading(robustness.HEADLINE)), list(files.values()),
        as_of=as_of, details=shown.details if details is None else details, evidence=evidence,
    )  # fmt: skip
    result |= {
        "headline_reading": chosen.name,
        "p_value": to_jsonable(shown.p_value),
        "evidence_sentence": shown.evidence_sentence,
        "measured_label": shown.measured_label,
        "readings": stored,
        "robustness": label,
        "robustness_detail": robust_detail,
        "caveat": row.caveat,
    }
    _write_result(result)
    return _verdict(row, result, shown)


def _result(
    row: Row,
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
        "claim_id": row.id,
        "article": row.article,
        "family": row.family,
        "group": row.group,
        "claim": row.claim,
        "claimed": row.claimed_value,
        "unit": row.unit,
        "measured": measured,
        "verdict": judgement.verdict,
        "explanation": judgement.explanation,
        "rule": rule,
        "notebook": os.environ.get(NOTEBOOK_ENV) or row.notebook,
        "as_of": to_jsonable(as_of) if as_of is not None else row.as_of,
        "data_files": to_jsonable([cited_file(source) for source in sources]),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "build": buildinfo.build_info(sources, ledger_path().read_bytes()),
        "details": to_jsonable(dict(details or {})),
        "evidence": to_jsonable(evidence),
        "evidence_sentence": "",
        "measured_label": "",
    }


def _verdict(row: Row, result: Mapping[str, Any], measurement: Measurement) -> Verdict:
    """What a notebook shows of a written result: the verdict, the figures as the rule
    reads them, the evidence sentence and the caveat beside it."""
    rule = result["rule"]
    return Verdict(
        row.id, result["verdict"], result["explanation"], row.claim, result["measured"],
        row.claimed_value, row.unit, robustness=result.get("robustness", ""),
        robustness_detail=result.get("robustness_detail", ""), caveat=row.caveat,
        measurement=measurement,
        claimed_text=bands.describe_claimed(rule, row.claimed_value, row.unit),
        judged_against=bands.describe_bands(rule, row.claimed_value, row.unit),
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


def judge(ledger: Ledger, row: Row, measured: Any, p_value: Any = None) -> verdicts.Judgement:
    """One measured value against a row's resolved rule, with the rule's significance test
    when it states one (a LedgerError naming the row on a bad rule or value)."""
    try:
        return significance.evaluate_tested(
            ledger.resolved_rule(row),
            row.claimed_value,
            measured,
            row.unit,
            p_value,
            stands_for=row.testability_note,
        )
    except RuleError as exc:
        raise LedgerError(
            f"claim {row.id}: cannot judge measured {measured!r} (p {p_value!r}): {exc.cause}",
            f"pass a value of the kind the rule measures: {row.rule.get('measure')}",
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
    """The loaded sources a measurement read: those of the named series keys, in the order the
    measurement names them (not the order a notebook happened to load them), or every loaded
    source when `series` is None; each with its path relative to the data root (`file`)."""
    if series is None:
        return list(used)
    by_key = {s.get("series"): s for s in used}
    return [by_key[key] for key in dict.fromkeys(series) if key in by_key]


def readings_table(claim_id: str, directory: Path | None = None):
    """The readings a result stores, one row each, named by what the reading means (kind,
    measured, p-value, verdict), for a notebook to show under the verdict."""
    import pandas as pd

    path = (Path(directory) if directory else results_dir()) / f"{claim_id}.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LedgerError(
            f"no readable result for {claim_id} at {path}: {exc}",
            "measure its group with book.measure_group() first",
        ) from None
    columns = ["about", "kind", "measured", "p_value", "verdict"]
    table = pd.DataFrame(payload.get("readings") or [], columns=columns)
    return table.rename(columns={"about": "reading"}).set_index("reading")


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
    """Result jsons by claim id; an unreadable file raises a LedgerError naming the file and
    the rerun that rewrites it."""
    directory = Path(directory) if directory else published_results_dir()
    results = {}
    for path in sorted(directory.glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LedgerError(f"result {path} is unreadable: {exc}", _rewrite_fix(path)) from None
        if not isinstance(payload, dict):
            raise LedgerError(f"result {path} is not a result object", _rewrite_fix(path))
        results[str(payload.get("claim_id", path.stem))] = payload
    return results


def _rewrite_fix(path: Path) -> str:
    """How to get a damaged result file written again: rerun the notebook the ledger says
    judges it (make would not: its report is up to date), or remove a file no row makes."""
    try:
        row = read_ledger().by_id().get(path.stem)
    except LedgerError:
        row = None
    if row is None:
        return f"no ledger row makes it: remove it (rm {path}), then run make reports"
    return f"rerun its notebook: make reports -W notebooks/{row.notebook}.ipynb"
