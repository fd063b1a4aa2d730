"""The ledger's machine-readable contract: a JSON Schema (data/claims.schema.json) built from
the claims room's vocabulary (ledger, rules, values, significance, robustness), so the file
other tools validate against and the words the package accepts cannot drift apart.

The schema owns structure: which fields and rule keys exist, their types, the choices each
may take, positive whole numbers. `helpers.claims.schema` owns what a schema cannot say:
cross-field rules (a window that starts after it ends, a choice that needs another key, a
reading whose merged rule must pass the row's checks). `tests/test_contract.py` holds the
committed file equal to `ledger_schema()`; `python -m helpers claims schema --write`
regenerates it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from helpers.claims import robustness, rules, significance, values
from helpers.claims.consistency import CHECK_KEYS, CHECK_RULE_KEYS
from helpers.claims.ledger import (
    AS_OF_OFFSET,
    FAMILIES,
    GROUP_DEFAULTS,
    GROUP_RULE,
    REQUIRED_FIELDS,
    RULE_CHOICES,
    RULE_NUMBERS,
    STATUSES,
    TESTABILITIES,
    TESTABILITY_DEFAULT,
    number_problem,
)
from helpers.config import repo_root
from helpers.measures import registry

SCHEMA_FILE = "claims.schema.json"  # in data/, beside claims.yaml
# Top-level row fields whose bad value reads "unknown <field> ..." (the rest "<key> ... is
# not one of ...").
_ROW_ENUMS = ("family", "testability", "status")

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}
_TEXT = {"type": "string", "minLength": 1}


def _band() -> dict:
    """A tolerance or `partly` band: an absolute and a relative width, or (`below`, `above`)
    a width of each kind on each side of the claimed value."""
    width = {
        "abs": {"type": "number", "minimum": 0},
        "rel": {"type": "number", "minimum": 0},
    }
    side = {"type": "object", "additionalProperties": False, "properties": width}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {**width, "below": side, "above": side},
    }


def _test() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["method", "alpha", "controls"],
        "properties": {
            "method": {"enum": list(significance.TEST_METHODS)},
            "alpha": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "controls": {"type": "array", "items": {"type": "string"}},
            "cov": {
                "enum": list(significance.TEST_COVARIANCES),
                "description": "the standard errors, chosen for the design (default "
                f"{significance.DEFAULT_COVARIANCE})",
            },
            "about": _TEXT,
        },
    }


def _rule_properties() -> dict[str, Any]:
    """Every key a rule may carry, with what it may hold."""
    properties: dict[str, Any] = {
        "measure": {**_TEXT, "description": "exactly what is measured, in words"},
        "measured_by": {
            "enum": list(registry.names()),
            "description": "the helpers.measures function that measures the row",
        },
        "series": {"type": "array", "items": {"type": "string"}},
        "source": {"type": "string"},
        "comparator": {"enum": list(rules.COMPARATORS)},
        "term": {"type": "string", "description": "a name under `terms:`"},
        "tolerance": {"$ref": "#/$defs/band"},
        "partly": {"$ref": "#/$defs/band"},
        "strict": {"type": "boolean"},
        "granularity": {"enum": list(values.GRANULARITIES)},
        "window": {"type": "array", "items": _DATE, "minItems": 2, "maxItems": 2},
        "start": _DATE,
        "end": _DATE,
        "run_month": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}$",
            "description": "the month a run is looked up in (`anchor: run_from_month`)",
        },
        "ratio_of": {
            "type": "array",
            "items": _TEXT,
            "minItems": 2,
            "maxItems": 2,
            "description": "ids of the rows whose claimed multiples are compared (small, large)",
        },
        "skip_current_stretch": {"type": "boolean"},
        AS_OF_OFFSET: {
            "type": "integer",
            "not": {"const": 0},
            "description": "sessions the claim's date moves on the trading calendar (1: the "
            "next session, -1: the one before)",
        },
        "sectors": {
            "type": "array",
            "items": _TEXT,
            "minItems": 1,
            "description": "GICS sectors, each a group of S&P 500 members a row compares",
        },
        "test": {"$ref": "#/$defs/test"},
        "readings": {"$ref": "#/$defs/reading_names"},
    }
    properties |= {key: {"enum": list(allowed)} for key, allowed in RULE_CHOICES.items()}
    properties |= {
        key: {"type": "integer", "minimum": 1, "description": meaning}
        for key, meaning in RULE_NUMBERS.items()
    }
    return dict(sorted(properties.items()))


def _reading() -> dict:
    """A named reading under `readings:`: what it means, whether it changes the reading or
    only the data source, and the rule keys (or the claimed figure) it changes."""
    # every rule key, the fixed ones too: schema.py says "may not change" for those
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["about"],
        "properties": {
            "about": {**_TEXT, "description": "what this reading means, in words"},
            "kind": {"enum": list(robustness.READING_KINDS)},
            "rule": {"$ref": "#/$defs/rule"},
            "claimed": {"description": "another reading of the article's figure"},
        },
    }


def _consistency() -> dict:
    """A check that the figures of one group of rows can all hold (helpers.claims.consistency)."""
    rule_keys = {k: v for k, v in _rule_properties().items() if k in CHECK_RULE_KEYS}
    rule_keys["readings"] = {"$ref": "#/$defs/reading_names"}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(CHECK_KEYS),
        "properties": {
            "id": _TEXT,
            "group": _TEXT,
            "as_of": _DATE,
            "about": _TEXT,
            "rule": {
                "type": "object",
                "additionalProperties": False,
                "required": ["measure", "term"],
                "properties": rule_keys,
            },
        },
    }


# A claim id names its result file (reports/results/<id>.json) and its anchor in the pages:
# letters, digits and '-' only, so no id can name a path outside the results folder.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"


def _claim() -> dict:
    text_fields = ("group", "article", "as_of_basis", "claim", "notebook")
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            name for name in REQUIRED_FIELDS if name not in ("article", *GROUP_DEFAULTS, GROUP_RULE)
        ],
        "description": "article defaults to the one whose id_prefix starts the id; "
        "as_of and as_of_basis to the article's (`articles:`); "
        f"{', '.join(GROUP_DEFAULTS)} and rule keys to the group's (`groups:`)",
        "properties": {
            "id": {
                "type": "string",
                "pattern": ID_PATTERN,
                "description": "letters, digits and '-' (it names the result file)",
            },
            **{name: _TEXT for name in text_fields},
            "as_of": _DATE,
            "family": {"enum": list(FAMILIES)},
            "testability": {
                "enum": list(TESTABILITIES),
                "description": f"the group's, else {TESTABILITY_DEFAULT} (never written)",
            },
            "testability_note": {"type": "string"},
            "status": {"enum": list(STATUSES)},
            "caveat": {"type": "string"},
            "no_alternative": {
                **_TEXT,
                "description": "why a testable row lists no other reading, window, date or "
                "source (its robustness label is then 'headline only')",
            },
            "claimed": {
                "type": "object",
                "required": ["value", "unit"],
                "properties": {
                    "unit": {"type": "string"},
                    "length": {"type": "integer", "minimum": 1},
                    "window_years": {"type": "integer", "minimum": 1},
                },
            },
            "rule": {
                "$ref": "#/$defs/rule",
                "description": "its group's rule keys unless it states its own",
            },
        },
    }


def ledger_schema() -> dict:
    """The JSON Schema (draft 2020-12) of data/claims.yaml, from the package's vocabulary."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_FILE,
        "title": "smallcap-claims ledger (data/claims.yaml)",
        "description": "Generated by `python -m helpers claims schema --write`; do not edit.",
        "type": "object",
        "additionalProperties": False,
        "required": ["claims"],
        "properties": {
            "terms": {"type": "object", "additionalProperties": {"$ref": "#/$defs/term"}},
            "articles": {"type": "object", "additionalProperties": {"$ref": "#/$defs/article"}},
            "readings": {"type": "object", "additionalProperties": {"$ref": "#/$defs/reading"}},
            "claims": {"type": "array", "items": {"$ref": "#/$defs/claim"}},
            "consistency": {"type": "array", "items": {"$ref": "#/$defs/consistency"}},
            "groups": {"type": "object", "additionalProperties": {"$ref": "#/$defs/group"}},
        },
        "$defs": {
            "band": _band(),
            "rule": {
                "type": "object",
                "additionalProperties": False,
                "properties": _rule_properties(),
            },
            "test": _test(),
            "reading": _reading(),
            "reading_names": {
                "type": "array",
                "items": _TEXT,
                "minItems": 1,
                "uniqueItems": True,
                "description": "names under the ledger's `readings:`",
            },
            "claim": _claim(),
            "term": {
                "type": "object",
                "additionalProperties": False,
                "required": ["comparator"],
                "properties": {
                    "meaning": _TEXT,
                    "comparator": {"enum": list(rules.COMPARATORS)},
                    "tolerance": {"$ref": "#/$defs/band"},
                    "partly": {"$ref": "#/$defs/band"},
                    "strict": {"type": "boolean"},
                    "granularity": {"enum": list(values.GRANULARITIES)},
                },
            },
            "consistency": _consistency(),
            "article": {
                "type": "object",
                "additionalProperties": False,
                "required": ["as_of", "title", "description"],
                "properties": {
                    "as_of": _DATE,
                    "as_of_basis": _TEXT,
                    "title": {**_TEXT, "description": "a short title in our words"},
                    "id_prefix": {
                        "type": "string",
                        "pattern": ID_PATTERN,
                        "description": "what, followed by '-', starts the id of each of its "
                        "rows (which then state no `article`)",
                    },
                    "description": {"type": "string"},
                },
            },
            "group": {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": {
                    "heading": {**_TEXT, "description": "what every row of the group is about"},
                    "notebook": {**_TEXT, "description": "the page of the group's rows"},
                    "family": {"enum": list(FAMILIES)},
                    "testability": {"enum": list(TESTABILITIES)},
                    "testability_note": {"type": "string"},
                    "caveat": {"type": "string"},
                    "rule": {
                        "$ref": "#/$defs/rule",
                        "description": "the rule keys the group's rows share (a row's own "
                        "key wins; its `readings` list replaces the group's)",
                    },
                },
            },
        },
    }


def schema_path(ledger: Path | None = None) -> Path:
    """data/claims.schema.json beside the ledger (the repo's data/ by default)."""
    return (ledger.parent if ledger else repo_root() / "data") / SCHEMA_FILE


def schema_text() -> str:
    return json.dumps(ledger_schema(), indent=2, ensure_ascii=False) + "\n"


@cache
def _validator():
    import jsonschema  # without its slow IRI checker (see helpers/__init__.py)

    return jsonschema.Draft202012Validator(ledger_schema())


def contract_problems(raw: Any) -> list[str]:
    """Every place the parsed ledger breaks the contract, in words a ledger editor acts on:
    '<row id>: <what is wrong>' for a row, '<where>: <what is wrong>' elsewhere."""
    errors = sorted(_validator().iter_errors(raw), key=lambda e: list(map(str, e.path)))
    return [_explain(error, raw) for error in errors]


def _where(path: Iterable[Any], raw: Any) -> tuple[str, list[str]]:
    """The row id (or top-level section) an error sits in, and the keys below it."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "claims" and isinstance(raw, Mapping):
        entry = raw["claims"][parts[1]]
        name = entry.get("id") if isinstance(entry, Mapping) else None
        return str(name or f"claims[{parts[1]}]"), [str(p) for p in parts[2:]]
    return (str(parts[0]) if parts else "ledger"), [str(p) for p in parts[1:]]


def _explain(error: Any, raw: Any) -> str:
    where, keys = _where(error.path, raw)
    key = keys[-1] if keys else ""
    inside = " ".join(keys[:-1])
    prefix = f"{where}: " + (f"{inside}: " if inside else "")
    value = error.instance
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        if keys == [key] and key in _ROW_ENUMS:
            return f"{prefix}unknown {key} {value!r} (one of {allowed})"
        return f"{prefix}{key} {value!r} is not one of {allowed}"
    if key in RULE_NUMBERS and error.validator in ("type", "minimum"):
        return f"{prefix}{number_problem(key, value)}"
    if error.validator == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return f"{prefix}{key + ': ' if key else ''}unknown key(s) {extra}"
    if error.validator == "pattern" and keys == ["id"]:
        return f"{prefix}id {value!r} may hold only letters, digits and '-' (it names files)"
    if error.validator == "required":
        return f"{prefix}{key + ': ' if key else ''}{error.message}"
    return f"{prefix}{key + ' ' if key else ''}{value!r}: {error.message}"
