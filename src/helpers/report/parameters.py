"""What a run is given, checked before any kernel starts: the notebook files, and the papermill
parameters (names the notebook assigns, an `as_of` that is a date inside its data)."""

from __future__ import annotations

import ast
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from helpers.analysis.returns import session_on_or_before
from helpers.claims.schema import is_day
from helpers.config import shown_path
from helpers.errors import NotebookRunError


@dataclass(frozen=True)
class CheckedParameters:
    """Parameters a run may pass, and what was adjusted on the way (said once to the user)."""

    values: dict[str, Any]
    notes: list[str]


def parse_value(text: str) -> int | float | bool | str:
    """Read a command-line parameter as a number or boolean when it is one, else keep the text.

    Dates stay strings on purpose: notebooks take `as_of` as an ISO string.
    """
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def existing_notebook(notebook: Path) -> Path:
    """The notebook's absolute path; a missing file, or one that is not a notebook, is a
    NotebookRunError."""
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise NotebookRunError(
            f"notebook {notebook} does not exist",
            "pass a path like notebooks/00_data_overview.ipynb",
        )
    if notebook.suffix != ".ipynb":
        raise NotebookRunError(
            f"{shown_path(notebook)} is not a notebook (a notebook's name ends in .ipynb)",
            "pass a path like notebooks/00_data_overview.ipynb",
        )
    return notebook


def read_notebook(notebook: Path) -> nbformat.NotebookNode:
    """The notebook file as nbformat reads it; one that is not a notebook's JSON names itself."""
    path = existing_notebook(notebook)
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError, json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        text = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise NotebookRunError(
            f"{shown_path(path)} cannot be read as a notebook ({text})",
            f"restore it: git checkout -- {shown_path(path)}",
        ) from None


def notebook_parameters(notebook: Path) -> dict[str, str]:
    """The names the `parameters`-tagged cell assigns, each with its source text (its default)."""
    nb = read_notebook(notebook)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    source = cells[0].source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookRunError(
            f"{notebook.name}: its parameters cell is not valid Python ({exc.msg}, line "
            f"{exc.lineno})",
            "fix the cell tagged `parameters` in the notebook",
        ) from None
    found: dict[str, str] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            for name in names:
                if isinstance(name, ast.Name):
                    found[name.id] = ast.get_source_segment(source, node.value) or ""
    return found


def check_parameters(notebook: Path, given: Mapping[str, Any]) -> CheckedParameters:
    """Refuse unknown names and an `as_of` outside the data before a kernel starts.

    papermill only warns about a name the notebook does not have, and the report is then
    republished with the defaults; a bad `as_of` would fail deep inside a cell, or not at all.
    """
    known = notebook_parameters(notebook)
    unknown = sorted(set(given) - set(known))
    if unknown:
        listed = ", ".join(f"{name} (default {value})" for name, value in known.items())
        raise NotebookRunError(
            f"{notebook.stem} has no parameter {', '.join(map(repr, unknown))}",
            f"use one of its parameters: {listed or 'none'}",
        )
    values, notes = dict(given), []
    if "as_of" in given:
        try:
            session = as_of_session(str(given["as_of"]), _sessions(notebook.stem))
            check_covers_claims(session, notebook.stem)
        except NotebookRunError as exc:
            raise NotebookRunError(f"{notebook.stem}: {exc.cause}", exc.fix) from None
        if session != pd.Timestamp(str(given["as_of"])):
            notes.append(
                f"as_of {given['as_of']} is not a trading day: using {session:%Y-%m-%d}, "
                "the last close on or before it"
            )
        values["as_of"] = f"{session:%Y-%m-%d}"
    return CheckedParameters(values, notes)


def check_covers_claims(session: pd.Timestamp, stem: str) -> None:
    """An `as_of` is the last close a notebook loads: it must not end before the dates of the
    claims the notebook judges, or the run fails deep inside a cell about a ledger date."""
    dated = _rows_of(stem)
    latest = max(dated, key=lambda c: c.as_of, default=None)
    if latest is not None and session < pd.Timestamp(latest.as_of):
        raise NotebookRunError(
            f"as_of {session:%Y-%m-%d} ends before {latest.as_of}, the date of claim "
            f"{latest.id} this notebook judges",
            f"pass an as_of on or after {latest.as_of}",
        )


def _rows_of(stem: str) -> list:
    from helpers import claims  # the ledger is read only when an as_of needs checking

    return [c for c in claims.load_ledger() if c.notebook == stem and not c.is_pending]


def _sessions(stem: str) -> pd.DatetimeIndex:
    """The trading days inside every price series the notebook's claims name (and ^RUT and
    ^GSPC): an as_of after the last close one of them has fails in a cell otherwise."""
    from helpers import data  # the data layer is loaded only when an as_of needs checking

    keys = {key for row in _rows_of(stem) for key in row.series}
    return data.sessions(sorted(k for k in keys if data.has_series(k)))


def as_of_session(text: str, sessions: pd.DatetimeIndex) -> pd.Timestamp:
    """The session an `as_of` names: itself when it is one, else the last one before it (as
    the `streak` command reads a date); a date that is not YYYY-MM-DD, or lies outside the
    sessions, is a NotebookRunError."""
    if not is_day(text):
        raise NotebookRunError(
            f"as_of {text!r} is not a date", "pass an ISO date, e.g. -p as_of 2026-01-30"
        )
    day = pd.Timestamp(dt.date.fromisoformat(text))
    first, last = sessions[0], sessions[-1]
    if not first <= day <= last:
        raise NotebookRunError(
            f"as_of {text} is outside the data: the closes this notebook reads run "
            f"{first:%Y-%m-%d}..{last:%Y-%m-%d}",
            f"pass a date between {first:%Y-%m-%d} and {last:%Y-%m-%d}",
        )
    return session_on_or_before(sessions, day)
