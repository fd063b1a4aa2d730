"""What makes `make reports` fast, checked for behaviour only (never for time): several
notebooks in one driver, the ledger parsed once per process, narrowed make dependencies, the
no-op refresh shortcut and notebook 02's remembered simulations."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_pipeline import TEST_KERNEL, WRITE_RESULT, write_notebook

from helpers.analysis import streak_odds
from helpers.claims import ledger
from helpers.cli import main
from helpers.config import LEDGER_ENV, cache_dir, repo_root
from helpers.data import freshness
from helpers.report import pipeline


def test_several_notebooks_run_together_and_one_failure_spares_the_others(tmp_path):
    reports = tmp_path / "reports"
    good = write_notebook(tmp_path / "nb" / "50_good.ipynb", WRITE_RESULT)
    bad = write_notebook(tmp_path / "nb" / "51_bad.ipynb", "raise ValueError('no data')")
    outcomes = pipeline.run_notebooks([good, bad], jobs=2, reports=reports, kernel=TEST_KERNEL)
    assert [o.notebook.name for o in outcomes] == ["50_good.ipynb", "51_bad.ipynb"]
    assert outcomes[0].ok and outcomes[0].html == reports / "50_good.html"
    assert (reports / "results" / "demo-claim.json").is_file()
    assert not outcomes[1].ok and "ValueError: no data" in outcomes[1].cause
    assert "51_bad.ipynb" in outcomes[1].fix
    assert not (reports / "51_bad.html").exists()
    assert (reports / "failed" / "51_bad.ipynb").is_file()
    assert not list(reports.glob(".run-*"))


def test_the_command_names_every_failed_notebook_and_exits_non_zero(tmp_path, capsys):
    bad = [write_notebook(tmp_path / f"{n}_bad.ipynb", "1 / 0") for n in (60, 61)]
    argv = ["run-notebook", *map(str, bad), "--kernel", TEST_KERNEL]
    assert main([*argv, "--reports-dir", str(tmp_path / "reports")]) == 2
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "2 of 2 notebooks not published: 60_bad, 61_bad" in err
    assert "Traceback" not in err


def test_the_command_says_when_each_notebook_starts_and_counts_them_as_they_finish(tmp_path, capfd):
    good = write_notebook(tmp_path / "nb" / "52_good.ipynb", "print(as_of)")
    bad = write_notebook(tmp_path / "nb" / "53_bad.ipynb", "1 / 0")
    argv = ["run-notebook", str(good), str(bad), "--kernel", TEST_KERNEL, "--jobs", "2"]
    assert main([*argv, "--reports-dir", str(tmp_path / "reports")]) == 2
    lines = capfd.readouterr().out.splitlines()
    assert sorted(line.strip() for line in lines if line.endswith("started")) == [
        "52_good started",
        "53_bad started",
    ]
    finished = [line for line in lines if line.startswith("[")]
    assert [line[:6] for line in finished] == ["[1/2] ", "[2/2] "]
    assert any(re.fullmatch(r"\[\d/2\] 52_good done in \d+\.\d s", line) for line in finished)
    assert any(re.fullmatch(r"\[\d/2\] 53_bad FAILED after \d+\.\d s", line) for line in finished)


def test_the_ledger_is_parsed_once_per_text_and_an_edit_is_always_seen(tmp_path, monkeypatch):
    path = tmp_path / "claims.yaml"
    path.write_text((repo_root() / "data" / "claims.yaml").read_text(encoding="utf-8"))
    monkeypatch.setenv(LEDGER_ENV, str(path))
    first = ledger.load_ledger()
    parsed = dict(ledger._PARSED)
    again = ledger.load_ledger()
    assert parsed == ledger._PARSED and again == first and again[0] is not first[0]
    again[0].rule["mutated"] = True  # rows are new objects: a caller cannot poison the cache
    assert "mutated" not in ledger.load_ledger()[0].rule
    text = path.read_text(encoding="utf-8")
    renamed = f"{first[0].id}-renamed"  # its article's prefix kept: the id gives the article
    path.write_text(text.replace(f"id: {first[0].id}\n", f"id: {renamed}\n", 1))
    assert ledger.load_ledger()[0].id == renamed


def _deps_module():
    spec = importlib.util.spec_from_file_location(
        "notebook_deps", repo_root() / "scripts" / "notebook_deps.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_report_depends_on_the_modules_its_notebook_reaches(monkeypatch):
    monkeypatch.chdir(repo_root())
    deps = _deps_module()
    notebooks = sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    rules = {
        line.split(":")[0]: set(line.split(": ")[1].split())
        for line in deps.rules(notebooks).splitlines()
        if line.startswith("reports/")
    }
    assert len(rules) == len(notebooks)
    for files in rules.values():
        assert not any("/cli/" in f or f.endswith("scorecard.py") for f in files)
        assert "src/helpers/report/templates/report.html.j2" in files
        assert "src/helpers/templates/verdict.html.j2" in files  # the boxes a notebook shows
        assert "src/helpers/claims/ledger.py" in files
    with_odds = [t for t, files in rules.items() if any("streak_odds" in f for f in files)]
    assert with_odds == ["reports/02_streak_records.html"]
    with_streaks = {t for t, files in rules.items() if any("/streaks.py" in f for f in files)}
    assert "reports/00_data_overview.html" not in with_streaks
    assert "reports/02_streak_records.html" in with_streaks


def test_each_report_depends_on_the_measure_modules_of_its_rows(monkeypatch):
    # The registry imports measure modules by name; the text scan of the ledger must find the
    # same notebook -> measure modules as the package, or an edited measure reruns nothing.
    from helpers.measures.registry import MEASURES

    monkeypatch.chdir(repo_root())
    deps = _deps_module()
    assert deps.registry_modules() == MEASURES
    rows = ledger.load_ledger()
    text = ledger.ledger_path().read_text(encoding="utf-8")
    # row by row, the row's own notebook and measure or its group's (groups:)
    assert deps.scanned_rows(text) == {
        row.id: (row.notebook, row.rule.get("measured_by")) for row in rows
    }
    expected: dict[str, set[str]] = {}
    for row in rows:
        if row.rule.get("measured_by"):
            module = f"helpers.measures.{MEASURES[row.rule['measured_by']]}"
            expected.setdefault(row.notebook, set()).add(module)
    assert deps.measured_modules(text, MEASURES) == expected and expected
    text = deps.rules(sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb")))
    rules = {
        line.split(":")[0]: set(line.split(": ")[1].split())
        for line in text.splitlines()
        if line.startswith("reports/")
    }
    for notebook, modules in expected.items():
        files = {f"src/{module.replace('.', '/')}.py" for module in modules}
        assert files <= rules[f"reports/{notebook}.html"]
    # the pages of the rows that valuation's measures measure, and no other page
    measuring = sorted(
        f"reports/{nb}.html" for nb, m in expected.items() if "helpers.measures.valuation" in m
    )
    valuation = sorted(
        t for t, files in rules.items() if "src/helpers/measures/valuation.py" in files
    )
    assert valuation == measuring and "reports/04_valuation_gap.html" in measuring


def test_a_refresh_with_nothing_moved_stops_before_the_data_layer(vintage_mode, monkeypatch):
    assert main(["data", "refresh"]) == 0
    token = (cache_dir() / freshness.TOKEN).read_text().strip()
    assert token == freshness.files_token()
    check = "from helpers.cli import main; import sys; main(); print('pandas' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", check, "data", "refresh"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "nothing changed" in done.stdout and done.stdout.split()[-1] == "False"
    (cache_dir() / "STAMP").unlink()
    assert freshness.files_token() != token  # a deleted stamp takes the full path
    assert main(["data", "refresh"]) == 0 and (cache_dir() / "STAMP").exists()


def test_on_a_snapshot_a_refresh_with_nothing_moved_stops_too_and_an_edited_file_does_not(
    fake_snapshot,
):
    assert main(["data", "refresh"]) == 0
    check = "from helpers.cli import main; import sys; main(); print('pandas' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", check, "data", "refresh"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "nothing changed" in done.stdout and done.stdout.split()[-1] == "False"
    token = freshness.files_token()
    fake_snapshot.write_text("fred/DGS2.csv", "DATE,DGS2\n2025-09-01,0.10\n2025-09-02,0.00\n")
    assert freshness.files_token() != token  # an edited snapshot file takes the full path
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "data", "refresh"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "1 updated" in done.stdout and "fred:DGS2" in done.stdout


def test_the_null_model_tables_are_remembered_by_their_inputs():
    days = pd.bdate_range("2001-01-01", periods=600)
    margin = pd.Series(np.random.default_rng(3).normal(size=600), index=days)
    first = streak_odds.odds_table(margin, [3, 5], histories=50, seed=1, year=100)
    kept = sorted((cache_dir() / streak_odds.COMPUTED).glob("odds_table-*.pkl"))
    assert len(kept) == 1
    again = streak_odds.odds_table(margin, [3, 5], histories=50, seed=1, year=100)
    pd.testing.assert_frame_equal(first, again)
    kept[0].write_bytes(b"damaged")  # an unreadable entry is computed again
    pd.testing.assert_frame_equal(
        first, streak_odds.odds_table(margin, [3, 5], histories=50, seed=1, year=100)
    )
    streak_odds.odds_table(margin.shift(1, freq="B"), [3, 5], histories=50, seed=1, year=100)
    streak_odds.odds_table(margin, [3, 5], histories=50, seed=2, year=100)
    assert len(list((cache_dir() / streak_odds.COMPUTED).glob("odds_table-*.pkl"))) == 3


@pytest.fixture
def vintage_mode(monkeypatch):
    """The repository's vintage, read into this test's own cache."""
    monkeypatch.delenv("SNAPSHOT_DIR", raising=False)
    monkeypatch.setenv("SMALLCAP_DATA", "vintage")
    monkeypatch.setenv("SMALLCAP_VINTAGE_DIR", str(repo_root() / "data" / "vintage"))


def test_reading_notebooks_skips_jsonschemas_slow_iri_checker():
    """nbformat's jsonschema would import rfc3987_syntax (~1.5 s of parser building) in the
    run-notebook driver, the scorecard and the claims check; the package keeps it out."""
    check = (
        "import sys; import helpers.report.pipeline, jsonschema; "
        "print(sys.modules.get('rfc3987_syntax'))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None"]
