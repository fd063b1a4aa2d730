"""Every generated page checked as a reader's browser would load it: nothing fetched from the
internet, every local file it loads (the shared stylesheet) exists, every internal link and
anchor resolves, no CSS mangled by HTML escaping, no machine paths, no 00:00:00 in a table.

The checker runs on a tiny fixture page (so it is itself tested) and on every page under
reports/ when `make reports` has built them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers.config import reports_dir

# Attributes through which a page loads something (not mere links a reader may follow).
LOADING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
           ("video", "src"), ("audio", "src"), ("embed", "src"), ("link", "href"),
           ("object", "data")}  # fmt: skip
MACHINE_PATH = re.compile(r"/(?:work|home|tmp)/")
CSS_URL = re.compile(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)")
# What autoescaping makes of a quote: a <style> holding it lost the rule it was in.
ESCAPED_QUOTE = re.compile(r"&(?:#34|#39|quot|#x27);")
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


class Page(HTMLParser):
    """What one page loads, links to, names (ids) and shows in table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.cells: list[str] = []
        self.styles: list[str] = []
        self.style_elements: list[str] = []
        self._cell: list[str] | None = None
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id", "name"):
            if values.get(name) and (name == "id" or tag == "a"):
                self.ids.add(values[name])
        for attr, value in values.items():
            if value and (tag, attr) in LOADING:
                self.loads.append(value)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if values.get("style"):
            self.styles.append(values["style"])
        if tag in ("td", "th"):
            self._cell = []
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_style:
            self.styles.append(data)
            self.style_elements.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") or url.startswith("//")


def page_problems(path: Path) -> list[str]:
    """Everything a reader's browser would trip over on `path`, in words."""
    path = path.resolve()
    page = parse(path)
    ids = {path: page.ids}
    problems = [f"loads {url}" for url in page.loads if is_external(url)]
    problems += [
        f"loads {url}: no file {urlsplit(url).path}"
        for url in page.loads
        if not is_external(url)
        and not url.startswith("data:")
        and not (path.parent / unquote(urlsplit(url).path)).is_file()
    ]
    problems += [f"style loads {m}" for s in page.styles for m in CSS_URL.findall(s)]
    problems += [
        f"escaped quote {m!r} in a <style>"
        for s in page.style_elements
        for m in ESCAPED_QUOTE.findall(s)
    ]
    for href in page.links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # a link out is the reader's choice; only loading is checked
        target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        if not target.is_file():
            problems.append(f"link {href}: no file {target.name}")
        elif parts.fragment and not {parts.fragment, unquote(parts.fragment)} & (
            ids.get(target) or ids.setdefault(target, parse(target).ids)
        ):  # browsers try the fragment as written, then percent-decoded
            problems.append(f"link {href}: no anchor #{parts.fragment} in {target.name}")
    text = DATA_URI.sub("", path.read_text(encoding="utf-8"))
    problems += [f"machine path {m!r}" for m in sorted(set(MACHINE_PATH.findall(text)))]
    problems += [f"table cell {c.strip()!r}" for c in page.cells if "00:00:00" in c]
    return problems


# ------------------------------------------------------------------ the checker itself

GOOD = """<html><head><link rel="stylesheet" href="shared.css">
<style>body { font-family: "Segoe UI", sans-serif }</style></head><body>
<h2 id="top">Top</h2><a href="#top">up</a> <a href="other.html#there">other</a>
<a href="https://example.org/">a link out is fine</a>
<img src="data:image/png;base64,AAAA" alt="x"><table><tr><td>2026-01-02</td></tr></table>
</body></html>"""
BAD = """<html><head><script src="https://cdn.example/mathjax.js"></script>
<link rel="stylesheet" href="gone.css">
<style>@font-face { src: url(https://fonts.example/f.woff) }
body { font-family: system-ui, &#34;Segoe UI&#34;, sans-serif }</style></head><body>
<a href="#nowhere">x</a> <a href="missing.html">y</a> <a href="other.html#gone">z</a>
<p>/work/wt/reports/x.csv</p><table><tr><td>2026-01-02 00:00:00</td></tr></table>
</body></html>"""


def test_the_checker_passes_a_clean_page_and_names_every_problem(tmp_path):
    (tmp_path / "other.html").write_text('<p id="there">here</p>')
    (tmp_path / "shared.css").write_text("body { color: red }")
    (tmp_path / "good.html").write_text(GOOD)
    (tmp_path / "bad.html").write_text(BAD)
    assert page_problems(tmp_path / "good.html") == []
    assert page_problems(tmp_path / "bad.html") == [
        "loads https://cdn.example/mathjax.js",
        "loads gone.css: no file gone.css",
        "style loads https://fonts.example/f.woff",
        "escaped quote '&#34;' in a <style>",
        "escaped quote '&#34;' in a <style>",
        "link #nowhere: no anchor #nowhere in bad.html",
        "link missing.html: no file missing.html",
        "link other.html#gone: no anchor #gone in other.html",
        "machine path '/work/'",
        "table cell '2026-01-02 00:00:00'",
    ]


# ------------------------------------------------------------------ the generated pages

BUILT = sorted(reports_dir().glob("*.html"))


@pytest.mark.skipif(not BUILT, reason="no generated pages: run `make reports`")
@pytest.mark.parametrize("page", BUILT, ids=[p.name for p in BUILT])
def test_generated_page_is_self_contained_and_its_links_resolve(page):
    assert page_problems(page) == []
