"""The parameters a run used are recorded in its results and shown on its page; a run with
other values than the defaults says so there and on the scorecard, and leaves the note from
which a plain `make reports` runs it again."""

from __future__ import annotations

import json

from test_pipeline import TEST_KERNEL, WRITE_RESULT, staged_run, write_notebook
from test_scorecard import Reports

from helpers.report import promotion, run_parameters
from helpers.report.pipeline import run_notebook

DEFAULTS = {"as_of": '"2026-02-23"', "hac_lags": "5", "periods": '[("2000-01-01", "2007-12-31")]'}


def test_a_record_has_every_parameter_with_its_value_and_default():
    record = run_parameters.parameters_record(DEFAULTS, {"as_of": "2026-01-30"})
    assert record == {
        "as_of": {"value": "2026-01-30", "default": "2026-02-23"},
        "hac_lags": {"value": 5, "default": 5},
        "periods": {
            "value": [("2000-01-01", "2007-12-31")],
            "default": [("2000-01-01", "2007-12-31")],
        },
    }
    assert run_parameters.non_default(record) == {"as_of": record["as_of"]}
    shown = run_parameters.page_context(record)
    assert shown["non_default"] == 'as_of = "2026-01-30" (default "2026-02-23")'
    assert shown["all"].startswith('as_of = "2026-01-30", hac_lags = 5, periods = ')


def test_the_defaults_given_again_are_a_default_run():
    record = run_parameters.parameters_record(DEFAULTS, {"as_of": "2026-02-23", "hac_lags": 5})
    assert run_parameters.non_default(record) == {}
    assert run_parameters.page_context(record)["non_default"] == ""


def test_a_run_records_its_parameters_and_a_non_default_one_is_marked_until_a_default_run(
    tmp_path,
):
    reports = tmp_path / "reports"
    notebook = write_notebook(tmp_path / "nb" / "42_demo.ipynb", WRITE_RESULT)
    note = reports / "non-default" / "42_demo.json"

    run_notebook(notebook, parameters={"as_of": "2026-01-30"}, reports=reports, kernel=TEST_KERNEL)
    result = json.loads((reports / "results" / "demo-claim.json").read_text())
    assert result["parameters"] == {"as_of": {"value": "2026-01-30", "default": "2026-01-02"}}
    page = (reports / "42_demo.html").read_text(encoding="utf-8")
    assert "Not the default run" in page and 'as_of = "2026-01-30" (default "2026-01-02")' in page
    assert json.loads(note.read_text())["parameters"] == result["parameters"]
    assert run_parameters.non_default_runs(reports) == [
        {
            "notebook": "42_demo",
            "page": "42_demo.html",
            "parameters": 'as_of = "2026-01-30" (default "2026-01-02")',
        }
    ]

    run_notebook(notebook, reports=reports, kernel=TEST_KERNEL)
    result = json.loads((reports / "results" / "demo-claim.json").read_text())
    assert result["parameters"] == {"as_of": {"value": "2026-01-02", "default": "2026-01-02"}}
    page = (reports / "42_demo.html").read_text(encoding="utf-8")
    assert "Not the default run" not in page and "Parameters:" in page
    assert not note.exists() and run_parameters.non_default_runs(reports) == []


def test_the_scorecard_shows_a_banner_while_a_page_is_not_the_default_run(tmp_path, monkeypatch):
    reports = Reports(tmp_path, monkeypatch)
    _, index = reports.build()
    assert "Not the default build" not in index.read_text(encoding="utf-8")
    record = run_parameters.parameters_record({"as_of": '"2026-01-16"'}, {"as_of": "2026-01-09"})
    run_parameters.remember(reports.root, "01_demo", record)
    _, index = reports.build()
    page = index.read_text(encoding="utf-8")
    assert "Not the default build" in page and '<a href="01_demo.html">01_demo</a>' in page
    assert "as_of = &#34;2026-01-09&#34; (default &#34;2026-01-16&#34;)" in page


def test_the_note_is_published_with_its_page_and_removed_by_a_default_publication(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    note = run_parameters.note_path(reports, "01_a")
    record = run_parameters.parameters_record({"as_of": '"2026-01-16"'}, {"as_of": "2026-01-09"})
    work = staged_run(reports, "01_a")
    run_parameters.remember(work, "01_a", record)  # what a non-default run stages
    assert not note.exists()  # nothing reaches reports/ before the publication
    promotion.publish(reports, [(work, "01_a")])
    assert json.loads(note.read_text())["parameters"] == record
    assert (reports / "01_a.html").read_text() == "new page"

    promotion.publish(reports, [(staged_run(reports, "01_a"), "01_a")])  # a default run: no note
    assert not note.exists() and run_parameters.non_default_runs(reports) == []
