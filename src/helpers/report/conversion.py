"""An executed notebook as one self-contained page: figures inline, code folded, titled by its
first heading, with a contents list of its sections and the parameters it ran with
(templates/report.html.j2)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune

from helpers.report import run_parameters, tables

# The report page extends nbconvert's lab template.
REPORT_TEMPLATE = "report.html.j2"
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">(?:&#182;|¶)</a>')
_BOX_COLOURS = re.compile(r'(<div class="verdict-box [^"]*"[^>]*?) style="[^"]*"')


def notebook_to_html(executed: Path, parameters: Mapping[str, dict] | None = None) -> str:
    """Render an executed notebook as one page: figures inline, code folded, HTML outputs kept,
    titled by the notebook's first heading, with a contents list of its sections and the
    parameters it ran with (`run_parameters.parameters_record`)."""
    return _page(nbformat.read(executed, as_version=4), executed.stem, parameters or {})


def compile_templates() -> None:
    """Render a one-cell notebook, so that this process's exporter has compiled its
    templates (about 0.2 s) before the workers that convert the notebooks fork from it."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Templates")])
    _page(nb, "templates", {})


def _page(nb: nbformat.NotebookNode, name: str, parameters: Mapping[str, dict]) -> str:
    outline = notebook_outline(nb)
    nb.metadata["title"] = outline["title"] or name
    resources = {
        "metadata": {"name": name},
        "outline": outline,
        "parameters": run_parameters.page_context(parameters),
    }
    body, _ = _html_exporter().from_notebook_node(nb, resources=resources)
    return body


@cache
def _html_exporter() -> HTMLExporter:
    """One exporter per process (each worker's, or the driver's before it forks them):
    compiling its templates costs more than a conversion (`compile_templates`)."""
    exporter = HTMLExporter(
        extra_loaders=[jinja2.PackageLoader("helpers.report", "templates")],
        template_file=REPORT_TEMPLATE,
    )
    exporter.register_filter("page_output", page_output)
    exporter.register_filter("drop_anchor_links", drop_anchor_links)
    return exporter


def drop_anchor_links(markdown_html: str) -> str:
    """Rendered markdown without the headings' ¶ links (the page never shows them), keeping
    the headings' ids, which the contents list and permalinks link to (nbconvert's
    exclude_anchor_links would drop both)."""
    return _ANCHOR_LINK.sub("", markdown_html)


def page_output(output: str) -> str:
    """An HTML output as the report page shows it, without what the page's stylesheet already
    says: each table's stock rules (tables.stock_rules) and a verdict box's inline colours
    (kept in the notebook, for JupyterLab, where no page stylesheet applies)."""
    output = _STYLE_ELEMENT.sub(lambda m: "" if tables.stock_rules(m[1]) else m[0], output)
    return _BOX_COLOURS.sub(r"\1", output)


def notebook_outline(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The first heading's text (the page title) and each level-2 heading's text and anchor,
    the anchors made by the same markdown renderer that writes the page."""
    headings = [
        (int(level), html.unescape(anchor), html.unescape(_TAG.sub("", text)).strip("¶ \n"))
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for level, anchor, text in _HEADING.findall(markdown2html_mistune(cell.source))
    ]
    return {
        "title": next((text for _, _, text in headings), ""),
        "sections": [
            {"id": anchor, "text": text} for level, anchor, text in headings if level == 2
        ],
    }
