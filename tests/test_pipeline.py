"""The notebook pipeline: tiny notebooks built here run through papermill into HTML reports."""

from __future__ import annotations

import errno
import json
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill.engines
import pytest
from jupyter_client import AsyncKernelManager

from helpers.cli import build_parser, main
from helpers.config import LEDGER_ENV, repo_root
from helpers.errors import NotebookRunError, StorageError
from helpers.report import conversion, parameters, pipeline, promotion
from helpers.report.conversion import notebook_outline
from helpers.report.parameters import parse_value
from helpers.report.pipeline import run_notebook
from helpers.report.promotion import RESULTS_STAMP

# The interpreter running the tests is the kernel: jupyter_client maps "python3" to it, so the
# tests do not depend on `make setup` having registered the project kernel.
TEST_KERNEL = "python3"

PARAMETERS = 'as_of = "2026-01-02"'
WRITE_RESULT = """\
import json, os, pathlib
stem = os.environ["SMALLCAP_NOTEBOOK"]
out = pathlib.Path(os.environ["SMALLCAP_RESULTS_DIR"]) / "demo-claim.json"
out.write_text(json.dumps({"claim": "demo-claim", "notebook": stem, "as_of": as_of}))
"""
SHOW_ANCHOR = """\
from IPython.display import HTML
HTML('<div id="claim-demo-claim">verdict box</div>')
"""
DRAW_CHART = """\
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
from helpers.report.plotting import show, source_note, use_style
use_style()
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [2, 1, 3])
source_note(ax, series="demo", source="test", as_of=as_of)
show(fig, "A demo chart")
"""


def write_notebook(path: Path, *code_cells: str) -> Path:
    """A notebook with a tagged parameters cell followed by `code_cells`."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Demo"), params]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in code_cells]
    nb.metadata["kernelspec"] = {
        "name": TEST_KERNEL,
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run(notebook: Path, reports: Path, **parameters: object) -> Path:
    return run_notebook(notebook, parameters=parameters, reports=reports, kernel=TEST_KERNEL)


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    return tmp_path / "reports"


def test_successful_run_publishes_html_executed_notebook_and_results(tmp_path, reports):
    notebook = write_notebook(
        tmp_path / "nb" / "42_demo.ipynb", WRITE_RESULT, SHOW_ANCHOR, DRAW_CHART
    )

    html = run(notebook, reports, as_of="2026-01-30")

    page = html.read_text(encoding="utf-8")
    assert html == reports / "42_demo.html"
    assert '<div id="claim-demo-claim">verdict box</div>' in page
    assert "data:image/png;base64," in page
    assert "<figcaption><b>Figure 1.</b> A demo chart</figcaption>" in page
    assert "<details" in page
    assert "<title>Demo</title>" in page and 'href="index.html"' in page
    assert "mathjax" not in page.lower() and "<script src=" not in page
    assert (reports / "executed" / "42_demo.ipynb").is_file()
    result = json.loads((reports / "results" / "demo-claim.json").read_text())
    assert result == {
        "claim": "demo-claim",
        "notebook": "42_demo",
        "as_of": "2026-01-30",
        "parameters": {"as_of": {"value": "2026-01-30", "default": "2026-01-02"}},
    }
    assert not list(reports.glob(".run-*")), "work directory left behind"


def test_outline_titles_the_page_and_lists_its_sections():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 09 · A `demo` page\n\nText.\n\n## First part"),
        nbformat.v4.new_code_cell("# a comment, not a heading"),
        nbformat.v4.new_markdown_cell("### detail\n\n## Second, part?"),
    ]
    assert notebook_outline(nb) == {
        "title": "09 · A demo page",
        "sections": [
            {"id": "First-part", "text": "First part"},
            {"id": "Second,-part?", "text": "Second, part?"},
        ],
    }


def test_kernel_runs_in_the_notebook_folder(tmp_path, reports):
    show_cwd = "import os\nprint('CWD=' + os.getcwd())"
    notebook = write_notebook(tmp_path / "nb" / "43_cwd.ipynb", show_cwd)

    page = run(notebook, reports).read_text(encoding="utf-8")

    assert f"CWD={notebook.parent}" in page


def test_failure_keeps_previous_outputs_and_names_the_cell(tmp_path, reports):
    notebook = write_notebook(tmp_path / "nb" / "44_fail.ipynb", WRITE_RESULT)
    html = run(notebook, reports)
    before = html.read_bytes()
    result_before = (reports / "results" / "demo-claim.json").read_bytes()
    write_notebook(notebook, "x = 1", "raise ValueError('threshold is missing')")

    with pytest.raises(NotebookRunError) as caught:
        run(notebook, reports)

    message = str(caught.value)
    assert "44_fail" in message
    assert "ValueError: threshold is missing" in message
    assert "In [3]" in message
    assert html.read_bytes() == before
    assert (reports / "results" / "demo-claim.json").read_bytes() == result_before
    assert (reports / "failed" / "44_fail.ipynb").is_file()
    assert not list(reports.glob(".run-*"))


def test_success_clears_an_old_failed_notebook(tmp_path, reports):
    notebook = write_notebook(tmp_path / "nb" / "45_fix.ipynb", "1 / 0")
    with pytest.raises(NotebookRunError):
        run(notebook, reports)
    write_notebook(notebook, "1 / 1")

    run(notebook, reports)

    assert not (reports / "failed" / "45_fix.ipynb").exists()


def test_missing_kernel_says_how_to_install_it(tmp_path, reports):
    notebook = write_notebook(tmp_path / "nb" / "46_kernel.ipynb")

    with pytest.raises(NotebookRunError, match="make setup"):
        run_notebook(notebook, reports=reports, kernel="no-such-kernel-here")


def test_missing_notebook_is_reported(tmp_path, reports):
    with pytest.raises(NotebookRunError, match="does not exist"):
        run_notebook(tmp_path / "99_absent.ipynb", reports=reports)


def write_result(folder: Path, claim: str, notebook: str, value: float = 1.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{claim}.json"
    path.write_text(json.dumps({"claim": claim, "notebook": notebook, "value": value}))
    return path


def staged_run(reports: Path, stem: str) -> Path:
    """A run folder as a finished run leaves it: its page, executed notebook and results."""
    work = promotion.new_run_folder(reports, stem)
    (work / f"{stem}.html").write_text("new page")
    (work / f"{stem}.ipynb").write_text("{}")
    return work


def test_publishing_replaces_results_and_drops_stale_ones_of_the_same_notebook(tmp_path):
    reports = tmp_path / "reports"
    results = reports / "results"
    write_result(results, "kept-claim", "01_a", value=1.0)
    write_result(results, "dropped-claim", "01_a")
    write_result(results, "other-notebook", "02_b")
    (results / "broken.json").write_text("{not json")  # left for the scorecard to name
    work = staged_run(reports, "01_a")
    write_result(work / "results", "kept-claim", "01_a", value=2.0)

    assert promotion.publish(reports, [(work, "01_a")]) == [reports / "01_a.html"]

    assert sorted(p.name for p in results.glob("*.json")) == [
        "broken.json",
        "kept-claim.json",
        "other-notebook.json",
    ]
    assert json.loads((results / "kept-claim.json").read_text())["value"] == 2.0
    assert (results / RESULTS_STAMP).is_file()  # what the Makefile's scorecard rule watches
    assert (reports / "01_a.html").read_text() == "new page"
    assert not list((work / "results").iterdir()) and not (reports / promotion.JOURNAL).exists()


def test_a_publication_a_kill_cut_short_is_finished_by_the_next_run(tmp_path):
    reports = tmp_path / "reports"
    (reports / "01_a.html").parent.mkdir(parents=True)
    (reports / "01_a.html").write_text("old page")
    write_result(reports / "results", "c", "01_a", value=1.0)
    work = staged_run(reports, "01_a")
    write_result(work / "results", "c", "01_a", value=2.0)
    moved = []
    real = promotion.replace

    def killed_before_the_page(source: Path, target: Path) -> None:
        if target.suffix == ".html":
            raise SystemExit("killed")  # as a kill -9 just before the final rename
        moved.append(target)
        real(source, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(promotion, "replace", killed_before_the_page)
        with pytest.raises(SystemExit):
            promotion.publish(reports, [(work, "01_a")])
    assert json.loads((reports / "results" / "c.json").read_text())["value"] == 2.0
    assert (reports / "01_a.html").read_text() == "old page"  # new results, old page

    notes = []
    promotion.recover(reports, say=notes.append)

    assert (reports / "01_a.html").read_text() == "new page"
    assert notes == ["note: finished publishing 01_a, which a killed run had begun"]
    assert not list(reports.glob(".run-*"))


@pytest.mark.parametrize(
    ("text", "value"),
    [("2026-01-30", "2026-01-30"), ("12", 12), ("0.5", 0.5), ("True", True), ("abc", "abc")],
)
def test_parameter_values_keep_dates_as_text(text, value):
    assert parse_value(text) == value


def test_run_notebook_command_collects_repeated_parameters():
    args = build_parser().parse_args(
        ["run-notebook", "notebooks/00_x.ipynb", "-p", "as_of", "2026-01-30", "-p", "n", "3"]
    )
    assert args.parameter == [["as_of", "2026-01-30"], ["n", "3"]]


@pytest.mark.snapshot
@pytest.mark.slow
def test_data_overview_notebook_runs_against_the_snapshot(tmp_path):
    notebook = repo_root() / "notebooks" / "00_data_overview.ipynb"

    html = run_notebook(notebook, reports=tmp_path / "reports", kernel=TEST_KERNEL)

    assert "data:image/png;base64," in html.read_text(encoding="utf-8")


def test_a_cell_over_the_time_limit_fails_the_run_and_keeps_the_cells_run_so_far(tmp_path, reports):
    notebook = write_notebook(
        tmp_path / "nb" / "47_slow.ipynb", "print('first cell ran')", "import time\ntime.sleep(30)"
    )

    with pytest.raises(NotebookRunError, match="47_slow.*timed out") as caught:
        run_notebook(notebook, reports=reports, kernel=TEST_KERNEL, cell_timeout=1)

    failed = reports / "failed" / "47_slow.ipynb"
    assert "CELL_TIMEOUT" in caught.value.fix and str(failed) in caught.value.fix
    assert "first cell ran" in failed.read_text()
    assert not (reports / "47_slow.html").exists()


def test_a_dead_kernel_keeps_the_cells_run_so_far_where_the_message_says(tmp_path, reports):
    notebook = write_notebook(
        tmp_path / "nb" / "48_dead.ipynb", "print('first cell ran')", "import os\nos._exit(1)"
    )

    with pytest.raises(NotebookRunError, match="48_dead failed.*DeadKernelError") as caught:
        run(notebook, reports)

    failed = reports / "failed" / "48_dead.ipynb"
    assert f"read the traceback in {failed}" in caught.value.fix
    assert "first cell ran" in failed.read_text()


def test_a_failure_that_saved_nothing_says_so_and_leaves_no_older_copy(tmp_path, reports):
    paths = promotion.ReportPaths.for_stem(reports, "49_x")
    paths.failed.parent.mkdir(parents=True)
    paths.failed.write_text("{}")  # from an earlier failure
    error = pipeline.run_error(
        "49_x",
        TimeoutError("stopped"),
        promotion.keep_failed(tmp_path / "never-written.ipynb", paths, tmp_path / "no.log"),
    )
    assert "no partial notebook was saved" in error.fix and not paths.failed.exists()


def test_a_killed_runners_work_folder_and_temp_files_are_removed_by_the_next_run(tmp_path, reports):
    stale = reports / ".run-01_demo-killed"
    (stale / "results").mkdir(parents=True)
    (stale / "results" / "half.json").write_text("{}")
    (reports / "results").mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], stdout=subprocess.PIPE
    )
    left = reports / "results" / f".a-claim.json.x1y2z3w4.{int(dead.stdout)}.tmp"
    left.write_text("{")
    run(write_notebook(tmp_path / "nb" / "01_demo.ipynb", "x = 1"), reports)
    assert not stale.exists() and not left.exists()
    assert not list(reports.glob(".run-*"))


# ------------------------------------------------------------------ parameters, before a kernel


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if papermill is asked to start a kernel."""

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(pipeline.papermill, "execute_notebook", refuse)


def test_notebook_parameters_are_the_names_the_tagged_cell_assigns(tmp_path):
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source = 'as_of = "2026-01-02"  # note\nsmall, large = "IWM", "SPY"\nn: int = 3'
    nbformat.write(nb, notebook)
    assert parameters.notebook_parameters(notebook) == {
        "as_of": '"2026-01-02"',
        "small": '"IWM", "SPY"',
        "large": '"IWM", "SPY"',
        "n": "3",
    }


def test_an_unknown_parameter_is_an_error_listing_the_notebooks_parameters(
    tmp_path, no_kernel, capsys
):
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    assert main(["run-notebook", str(notebook), "-p", "asof", "2026-01-02"]) == 2
    err = capsys.readouterr().err
    assert "01_demo has no parameter 'asof'" in err and 'as_of (default "2026-01-02")' in err


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2024-13-45", "as_of '2024-13-45' is not a date"),
        (
            "1999-01-04",
            "as_of 1999-01-04 is outside the data: the closes this notebook reads run 2024-09-02..",
        ),
        ("2030-01-02", "as_of 2030-01-02 is outside the data"),
    ],
)
def test_an_as_of_that_does_not_parse_or_lies_outside_the_data_is_refused(
    tmp_path, fake_snapshot, no_kernel, capsys, as_of, message
):
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    assert main(["run-notebook", str(notebook), "-p", "as_of", as_of]) == 2
    err = capsys.readouterr().err
    assert f"01_demo: {message}" in err and "-> fix:" in err


def test_a_non_trading_as_of_names_the_session_it_resolves_to(tmp_path, fake_snapshot):
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    checked = parameters.check_parameters(notebook, {"as_of": "2024-09-07"})  # a Saturday
    assert checked.values == {"as_of": "2024-09-06"}
    assert checked.notes == [
        "as_of 2024-09-07 is not a trading day: using 2024-09-06, the last close on or before it"
    ]
    assert parameters.check_parameters(notebook, {"as_of": "2024-09-06"}).notes == []


def test_an_as_of_before_the_notebooks_claims_is_refused(
    tmp_path, fake_snapshot, monkeypatch, no_kernel, capsys
):
    row = {"id": "d-late", "as_of": "2024-12-02", "notebook": "01_demo", "claimed": {"value": 1}}
    ledger = tmp_path / "claims.yaml"
    ledger.write_text(json.dumps({"claims": [{**LEDGER_FIELDS, **row}]}))  # JSON is YAML
    monkeypatch.setenv(LEDGER_ENV, str(ledger))
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    assert main(["run-notebook", str(notebook), "-p", "as_of", "2024-11-01"]) == 2
    err = capsys.readouterr().err
    assert "01_demo: as_of 2024-11-01 ends before 2024-12-02, the date of claim d-late" in err
    assert parameters.check_parameters(notebook, {"as_of": "2024-12-02"}).notes == []


LEDGER_FIELDS = {
    "group": "g",
    "article": "a.txt",
    "as_of_basis": "fixture",
    "family": "streak",
    "claim": "c",
    "rule": {"measure": "m", "comparator": "equal", "tolerance": {"abs": 0}},
    "testability_note": "fixture",
}


@pytest.mark.parametrize(
    ("code", "strerror", "fix"),
    [
        (errno.EROFS, "Read-only file system", "read-only"),
        (errno.ENOSPC, "No space left on device", "free space"),
        (errno.EACCES, "Permission denied", "writable"),
    ],
)
def test_an_os_error_is_one_message_with_cause_and_fix(
    tmp_path, monkeypatch, capsys, code, strerror, fix
):
    target = tmp_path / "reports" / "01_demo.html"

    def fail(*args, **kwargs):
        raise OSError(code, strerror, str(target))

    monkeypatch.setattr(pipeline, "execute", fail)
    notebook = write_notebook(tmp_path / "nb" / "01_demo.ipynb")
    assert main(["run-notebook", str(notebook)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot use {target}: {strerror}\n  -> fix: ")
    assert fix in err and "Traceback" not in err and len(err.splitlines()) == 2


def test_a_finished_kernel_is_shut_down_without_an_interrupt(tmp_path, reports, monkeypatch):
    """The SIGINT jupyter_client sends before a shutdown is what makes a kernel busy with a
    late message log "KeyboardInterrupt caught in kernel" into a successful run."""
    sent = []
    original = AsyncKernelManager._async_signal_kernel

    async def record(self, signum):
        sent.append(signum)
        await original(self, signum)

    monkeypatch.setattr(AsyncKernelManager, "_async_signal_kernel", record)
    run(write_notebook(tmp_path / "nb" / "01_demo.ipynb", "x = 1"), reports)
    assert signal.SIGINT not in sent


KERNEL_NOISE = "import os\nos.write(2, b'kernel process noise\\n')"


def test_the_kernel_processs_own_stderr_stays_out_of_a_successful_run(tmp_path, reports, capfd):
    run(write_notebook(tmp_path / "nb" / "01_demo.ipynb", KERNEL_NOISE), reports)
    assert "kernel process noise" not in capfd.readouterr().err
    assert not (reports / "failed" / "01_demo.kernel.log").exists()


def test_a_failed_run_keeps_the_kernel_processs_stderr_beside_its_notebook(tmp_path, reports):
    notebook = write_notebook(tmp_path / "nb" / "01_demo.ipynb", KERNEL_NOISE, "1 / 0")
    with pytest.raises(NotebookRunError, match="ZeroDivisionError"):
        run(notebook, reports)
    log = reports / "failed" / "01_demo.kernel.log"
    assert "kernel process noise" in log.read_text()


# ------------------------------------------------------------------ inputs, where they enter


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--jobs", "-3", "JOBS must be a whole number of 1 or more, not '-3'"),
        ("--jobs", "0", "JOBS must be a whole number of 1 or more, not '0'"),
        ("--timeout", "-1", "CELL_TIMEOUT must be a whole number of 1 or more, not '-1'"),
        ("--timeout", "0", "CELL_TIMEOUT must be a whole number of 1 or more, not '0'"),
    ],
)
def test_jobs_and_the_cell_limit_must_be_positive(
    tmp_path, no_kernel, capsys, flag, value, message
):
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    with pytest.raises(SystemExit) as caught:
        main(["run-notebook", str(notebook), flag, value])
    assert caught.value.code == 2 and message in capsys.readouterr().err


def test_a_file_that_is_not_a_notebook_is_refused_by_name(tmp_path, no_kernel, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# not a notebook\n")
    broken = tmp_path / "02_broken.ipynb"
    broken.write_text("{ half a notebook")
    assert main(["run-notebook", str(readme)]) == 2
    assert "README.md is not a notebook" in capsys.readouterr().err
    assert main(["run-notebook", str(broken), "-p", "as_of", "2026-01-02"]) == 2
    err = capsys.readouterr().err
    assert "02_broken.ipynb cannot be read as a notebook" in err and "git checkout --" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("as_of", ["2026", "20240906", "", "2024-9-6"])
def test_an_as_of_must_be_written_yyyy_mm_dd(tmp_path, fake_snapshot, no_kernel, capsys, as_of):
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    assert main(["run-notebook", str(notebook), "-p", "as_of", as_of]) == 2
    assert f"01_demo: as_of {as_of!r} is not a date" in capsys.readouterr().err


def test_an_as_of_after_the_last_close_of_a_series_the_notebook_reads_is_refused(
    tmp_path, fake_snapshot, monkeypatch
):
    from conftest import FAKE_DAYS, yahoo_frame

    fake_snapshot.write_yahoo("^RUT", yahoo_frame(fake_snapshot.rut_final[:-3], FAKE_DAYS[:-3]))
    notebook = write_notebook(tmp_path / "01_demo.ipynb")
    last_gspc = f"{FAKE_DAYS[-1]:%Y-%m-%d}"  # ^GSPC has it, ^RUT does not
    with pytest.raises(NotebookRunError, match=f"as_of {last_gspc} is outside the data"):
        parameters.check_parameters(notebook, {"as_of": last_gspc})


# ------------------------------------------------------------------ the pinned verdicts, first


JUDGED = """\
import json, os, pathlib
out = pathlib.Path(os.environ["SMALLCAP_RESULTS_DIR"]) / "d-one.json"
payload = {"claim_id": "d-one", "notebook": os.environ["SMALLCAP_NOTEBOOK"], "measured": 9,
           "verdict": "supported"}
out.write_text(json.dumps(payload))
"""


@pytest.fixture
def pinned_to_eight(tmp_path, fake_vintage, monkeypatch):
    """The fake vintage pins d-one (of notebook 01_demo) at 8: a run that measures 9 differs."""
    (fake_vintage / "verdicts.csv").write_text("claim_id,measured,verdict\nd-one,8,supported\n")
    ledger = tmp_path / "claims.yaml"
    ledger.write_text(json.dumps({"claims": [{**LEDGER_FIELDS, "id": "d-one",
                                              "as_of": "2024-12-02", "notebook": "01_demo",
                                              "claimed": {"value": 9}}]}))  # fmt: skip
    monkeypatch.setenv(LEDGER_ENV, str(ledger))


def test_a_run_whose_verdicts_differ_from_the_pinned_ones_publishes_nothing(
    tmp_path, reports, pinned_to_eight
):
    (reports / "results").mkdir(parents=True)
    old = write_result(reports / "results", "d-one", "01_demo", value=8)
    before = old.read_bytes()
    notebook = write_notebook(tmp_path / "nb" / "01_demo.ipynb", JUDGED)
    with pytest.raises(
        NotebookRunError, match="1 claim.* of 01_demo differ from .*verdicts.csv"
    ) as caught:
        run(notebook, reports)
    assert "supported: 8" in caught.value.cause and "supported: 9" in caught.value.cause
    assert "make accept-verdicts" in caught.value.fix
    assert old.read_bytes() == before and not (reports / "01_demo.html").exists()
    assert (reports / "failed" / "01_demo.ipynb").is_file()  # what it measured, to look at
    html = run_notebook(notebook, reports=reports, kernel=TEST_KERNEL, allow_changes=True)
    assert html.is_file() and json.loads(old.read_text())["measured"] == 9


def test_a_full_disk_during_a_run_names_where_it_was_writing(tmp_path, reports, monkeypatch):
    def full(task):
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write() raises it

    monkeypatch.setattr(pipeline, "execute", full)
    with pytest.raises(StorageError, match=r"cannot use \S*/reports/\.run-01_demo-\S*: No space"):
        run(write_notebook(tmp_path / "nb" / "01_demo.ipynb", "x = 1"), reports)


def test_one_changed_verdict_keeps_the_whole_run_from_publishing(
    tmp_path, reports, pinned_to_eight, capsys
):
    changed = write_notebook(tmp_path / "nb" / "01_demo.ipynb", JUDGED)
    unchanged = write_notebook(tmp_path / "nb" / "02_other.ipynb", "x = 1")
    argv = ["run-notebook", str(changed), str(unchanged), "--kernel", TEST_KERNEL]
    assert main([*argv, "--reports-dir", str(reports)]) == 2
    err = capsys.readouterr().err
    assert err.count("differ from") == 1  # one table, said once for the run
    assert "2 of 2 notebooks not published: 01_demo, 02_other" in err
    assert not list(reports.glob("*.html")) and not list(reports.glob("results/*.json"))
    assert [p.name for p in (reports / "failed").iterdir()] == ["01_demo.ipynb"]


def test_compiling_the_templates_leaves_the_report_template_compiled():
    """What the driver does before its workers fork, so that none compiles it again."""
    conversion._html_exporter.cache_clear()
    conversion.compile_templates()
    cached = conversion._html_exporter().environment.cache or {}
    assert any(name == conversion.REPORT_TEMPLATE for _, name in cached)


def test_the_longest_notebook_last_time_runs_first_and_a_new_one_before_it(tmp_path):
    reports = tmp_path / "reports"
    (reports / "executed").mkdir(parents=True)
    for stem, seconds in {"01_quick": 2.0, "02_slow": 9.5, "03_middling": 4.0}.items():
        nb = nbformat.v4.new_notebook(metadata={"papermill": {"duration": seconds}})
        nbformat.write(nb, reports / "executed" / f"{stem}.ipynb")
    (reports / "executed" / "05_broken.ipynb").write_text("{not json")
    stems = ["01_quick", "02_slow", "03_middling", "04_new", "05_broken"]
    tasks = [pipeline.Task(tmp_path / f"{stem}.ipynb", tmp_path, reports) for stem in stems]

    ordered = [task.stem for task in pipeline.longest_first(tasks)]

    assert ordered == ["04_new", "05_broken", "02_slow", "03_middling", "01_quick"]


def test_a_run_writes_its_notebook_when_it_ends_not_at_every_cell(tmp_path, reports, monkeypatch):
    """papermill's engine writes the whole notebook before and after each cell."""
    writes = []
    write = papermill.engines.write_ipynb
    monkeypatch.setattr(
        papermill.engines, "write_ipynb", lambda nb, path: writes.append(path) or write(nb, path)
    )
    run(write_notebook(tmp_path / "nb" / "01_demo.ipynb", *["x = 1"] * 6), reports)
    assert len(writes) == 1
