"""The pages in a real browser: headless Chromium (Debian's `chromium`) through Playwright, at
the two widths a reader uses, 1400 px and a 390 px phone.

On a scorecard built from fixture results (always) and on every page `make reports` built
(when it has): no page scrolls sideways; the search, the filters and the verdict tiles narrow
the claim list; a permalink (index.html#<claim id>) lands on its claim, even one a filter
hid; the scorecard's font is the one its stylesheet names (an escaped font rule once left it
in the browser's default serif); on a phone every field of a claim card is on screen and a
table that does not fit scrolls inside a box that shows it. Every test skips, saying why,
when the browser package or Chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_scorecard import ROWS, Reports

from helpers.config import reports_dir
from helpers.report import browser, stylesheet

pytest.importorskip(
    "playwright.sync_api", reason="the browser tests need Playwright: pip install -e '.[dev]'"
)
pytestmark = pytest.mark.skipif(
    browser.chromium() is None, reason=f"no Chromium: {browser.INSTALL}"
)
WIDE, PHONE = 1400, 390
WIDTHS = (WIDE, PHONE)
BUILT = sorted(reports_dir().glob("*.html"))
BUILT_INDEX = reports_dir() / "index.html"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with browser.launched() as launched:
        yield launched


@pytest.fixture(scope="module")
def scorecard_page(tmp_path_factory) -> Path:
    """A scorecard built from fixture results (test_scorecard's), with no network anywhere."""
    monkeypatch = pytest.MonkeyPatch()
    reports = Reports(tmp_path_factory.mktemp("browser"), monkeypatch)
    _, index = reports.build()
    yield index
    monkeypatch.undo()


def open_page(chromium, path: Path, width: int, fragment: str = ""):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(path.resolve().as_uri() + fragment)
    return page


def sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def shown_claims(page) -> list[str]:
    return page.eval_on_selector_all(
        "#claim-list > .verdict-box", "boxes => boxes.filter(b => !b.hidden).map(b => b.id)"
    )


# ------------------------------------------------------------------ the fixture scorecard


@pytest.mark.parametrize("width", WIDTHS)
def test_the_scorecard_fits_the_screen_and_uses_its_font(chromium, scorecard_page, width):
    page = open_page(chromium, scorecard_page, width)
    assert sideways(page) <= 0
    declared = re.search(r"--sans: ([^;]+);", stylesheet.text())[1]
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == declared
    assert "serif" not in page.evaluate("getComputedStyle(document.body).fontFamily").split(",")[0]
    page.close()


def test_search_filters_and_tiles_narrow_the_claim_list(chromium, scorecard_page):
    page = open_page(chromium, scorecard_page, WIDE)
    every = sorted(r["id"] for r in ROWS)
    assert sorted(shown_claims(page)) == every and page.is_visible("#finder")
    page.fill("#finder input[name=q]", "b-streak")
    assert shown_claims(page) == ["b-streak-10"]
    assert page.text_content("#finder-status") == "1 of 6 claims match."
    page.fill("#finder input[name=q]", "no such words")
    assert shown_claims(page) == [] and page.is_visible("#no-match")
    page.click("#finder button[type=reset]")
    assert sorted(shown_claims(page)) == every
    page.select_option("#finder select[name=verdict]", "pending")
    assert sorted(shown_claims(page)) == ["a-ytd-8", "c-ytd-5-8"]
    page.select_option("#finder select[name=article]", "002")
    assert shown_claims(page) == ["c-ytd-5-8"]
    page.click('a.tile[data-filter-verdict="refuted"]')  # a tile clears the rest, then filters
    assert shown_claims(page) == ["b-streak-10"]
    page.select_option("#finder select[name=verdict]", "")
    page.select_option("#finder select[name=sort]", "id")
    assert (
        page.eval_on_selector_all("#claim-list > .verdict-box", "bs => bs.map(b => b.id)") == every
    )
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_permalink_lands_on_its_claim_even_one_a_filter_hid(chromium, scorecard_page, width):
    page = open_page(chromium, scorecard_page, width, "#c-ytd-5-8")
    top = page.eval_on_selector("#c-ytd-5-8", "box => box.getBoundingClientRect().top")
    assert -1 <= top < 200
    page.select_option("#finder select[name=verdict]", "refuted")
    assert "a-opinion" not in shown_claims(page)
    page.evaluate("location.hash = '#a-opinion'")
    page.wait_for_function("!document.getElementById('a-opinion').hidden")
    top = page.eval_on_selector("#a-opinion", "box => box.getBoundingClientRect().top")
    assert -1 <= top < 200
    page.close()


def test_on_a_phone_every_field_of_a_claim_card_is_on_screen(chromium, scorecard_page):
    page = open_page(chromium, scorecard_page, PHONE)
    parts = page.eval_on_selector(
        "#b-streak-10",
        """box => ['.chip', '.vb-id', '.vb-claim', '.vb-figures', '.vb-source', '.vb-why']
            .map(sel => { const r = box.querySelector(sel).getBoundingClientRect();
                          return [sel, r.width > 0 && r.left >= 0 && r.right <= innerWidth]; })""",
    )
    assert all(on_screen for _, on_screen in parts), parts
    assert page.is_hidden(".claims-head")  # the row headings belong to the wide layout
    page.close()


# ------------------------------------------------------------------ the built pages


@pytest.mark.skipif(not BUILT, reason="no generated pages: run `make reports`")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", BUILT, ids=[p.name for p in BUILT])
def test_no_built_page_scrolls_sideways_and_wide_tables_scroll_in_a_box(chromium, path, width):
    page = open_page(chromium, path, width)
    assert sideways(page) <= 0
    cut = page.evaluate(
        """() => [...document.querySelectorAll('table')].filter(table => {
              let box = table.parentElement;
              while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
              return box && table.scrollWidth > box.clientWidth + 1
                  && (!['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
                      || getComputedStyle(box).backgroundImage === 'none');
           }).length"""
    )
    assert cut == 0, f"{cut} table(s) cut without a scroll box that shows it"
    page.close()


COVERAGE_PAGE = reports_dir() / "00_data_overview.html"


@pytest.mark.skipif(not COVERAGE_PAGE.is_file(), reason="no generated pages: run `make reports`")
def test_notebook_00s_tables_fit_a_wide_screen_without_scrolling(chromium):
    """Its coverage table (long file keys and names) was cut at 1400 px."""
    page = open_page(chromium, COVERAGE_PAGE, WIDE)
    wider = page.evaluate(
        """() => [...document.querySelectorAll('table')]
              .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1).length"""
    )
    assert wider == 0
    page.close()


@pytest.mark.skipif(not BUILT_INDEX.is_file(), reason="no generated pages: run `make reports`")
def test_the_last_claim_of_the_built_scorecard_has_a_permalink_that_lands(chromium):
    page = open_page(chromium, BUILT_INDEX, PHONE)
    ids = page.eval_on_selector_all("#claim-list > .verdict-box", "boxes => boxes.map(b => b.id)")
    assert len(ids) > 100
    last = ids[-1]
    page.evaluate(f"location.hash = '#{last}'")
    top = page.eval_on_selector(f"#{last}", "box => box.getBoundingClientRect().top")
    assert -1 <= top < 200
    page.close()
