"""The parameters a notebook ran with, where readers and `make` see them.

`run-notebook` records each parameter of a run (its value and the notebook's default) in every
result the run publishes (key "parameters") and on its page. A run whose values differ from the
defaults is marked: a banner on its page and on the scorecard, and a note in
reports/non-default/<notebook>.json, from which a plain `make reports` knows to run that
notebook again with its defaults. A default run removes the note. The note is staged in
the run's folder and published with the page (`promotion.publish`), so it never says more or
less than the page beside it.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.files import write_text_atomic

NON_DEFAULT_DIR = "non-default"


def parameters_record(defaults: Mapping[str, str], given: Mapping[str, Any]) -> dict[str, dict]:
    """Every parameter of a run: {"value": what it ran with, "default": the parameters cell's
    value (its source text when that is not a literal; None for a name the cell lacks)}."""
    record = {}
    for name, text in defaults.items():
        default = _literal(text)
        record[name] = {"value": default, "default": default}
    for name, value in given.items():
        record.setdefault(name, {"default": None})["value"] = value
    return record


def non_default(record: Mapping[str, dict]) -> dict[str, dict]:
    """The parameters whose value is not their default."""
    return {name: entry for name, entry in record.items() if entry["value"] != entry["default"]}


def describe(record: Mapping[str, dict], *, defaults: bool = False) -> str:
    """'as_of = "2026-01-30", hac_lags = 5', each with its default after it when asked."""
    return ", ".join(
        f"{name} = {_shown(entry['value'])}"
        + (f" (default {_shown(entry['default'])})" if defaults else "")
        for name, entry in record.items()
    )


def page_context(record: Mapping[str, dict]) -> dict[str, str]:
    """What a page shows: every parameter, and the banner's text when a run is not the
    default ('' when it is)."""
    return {
        "all": describe(record) or "none",
        "non_default": describe(non_default(record), defaults=True),
    }


def stamp_results(staging: Path, record: Mapping[str, dict]) -> None:
    """Add the run's parameters to each result it staged (one the scorecard cannot read is
    left as it is, for the scorecard to flag)."""
    for path in sorted(staging.glob("*.json")):
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        result["parameters"] = record
        write_text_atomic(path, json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def note_path(folder: Path, stem: str) -> Path:
    """Where a non-default run's note lives under `folder` (reports/, or a run's folder)."""
    return folder / NON_DEFAULT_DIR / f"{stem}.json"


def remember(folder: Path, stem: str, record: Mapping[str, dict]) -> None:
    """Leave <folder>/non-default/<stem>.json after a non-default run; remove it after a
    default one."""
    note = note_path(folder, stem)
    if non_default(record):
        note.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"notebook": stem, "parameters": record}, indent=2)
        write_text_atomic(note, text + "\n")
    else:
        note.unlink(missing_ok=True)


def non_default_runs(reports: Path) -> list[dict[str, str]]:
    """The published pages whose last run was not the default, for the scorecard's banner:
    notebook, page and what differed."""
    runs = []
    for note in sorted((reports / NON_DEFAULT_DIR).glob("*.json")):
        try:
            record = json.loads(note.read_text(encoding="utf-8"))["parameters"]
        except (OSError, ValueError, KeyError):
            record = {}
        runs.append(
            {
                "notebook": note.stem,
                "page": f"{note.stem}.html",
                "parameters": describe(non_default(record), defaults=True) or "unknown values",
            }
        )
    return runs


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
