"""The pages in a real browser: headless Chromium (Debian's `chromium`) through Playwright, at
the two widths a reader uses, 1400 px and a 390 px phone.

On a scorecard built from fixture results (always) and on every page `make reports` built
(when it has): no page scrolls sideways; the search, the filters, the sorting and the verdict
tiles narrow the claim list; without JavaScript every claim shows; a permalink
(index.html#<claim id>) lands on its claim, even one a filter hid; the scorecard's font is the
one its stylesheet names (an escaped font rule once left it in the browser's default serif);
on a phone every field of a claim card is on screen, no text is under 9 px, and a table that
does not fit scrolls inside a box that shows it. Every test skips, saying why, when the browser
package or Chromium is missing.

Quick and steady under load: one Chromium and one tab per width for each test worker (a new
tab costs more than loading a page), every check of a page on one load, and every wait on a
condition in the page (Playwright's auto-waiting `expect`, `wait_for_function`), never on
time: a reset applies its filters a task later, which a check made at once once missed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_scorecard import ROWS, Reports

from helpers.config import reports_dir
from helpers.report import browser, stylesheet

pytest.importorskip(
    "playwright.sync_api", reason="the browser tests need Playwright: pip install -e '.[dev]'"
)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.skipif(
    browser.chromium() is None, reason=f"no Chromium: {browser.INSTALL}"
)
WIDE, PHONE = 1400, 390
WIDTHS = (WIDE, PHONE)
HEIGHT = 900
BUILT = sorted(reports_dir().glob("*.html"))
BUILT_INDEX = reports_dir() / "index.html"
NO_BUILD = "no generated pages: run `make reports`"
EVERY_ID = sorted(r["id"] for r in ROWS)
# The smallest text a phone may show (CSS px), as the issue asks of pages and charts.
SMALLEST_TEXT_PX = 9
# A claim box and the fields a reader must see on a phone (a field the box lacks is skipped).
CARD_FIELDS = (
    ".chip",
    ".vb-head > a:first-of-type",  # the claim id, its permalink
    ".vb-claim",
    ".vb-figures",
    ".vb-evidence",
    ".vb-source",
    ".vb-why",
)
WAIT_MS = 10_000


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for every browser test this worker runs."""
    with browser.launched() as launched:
        yield launched


@pytest.fixture(scope="session")
def scorecard_page(tmp_path_factory) -> Path:
    """A scorecard built from fixture results (test_scorecard's), with no network anywhere;
    the environment is restored as soon as it is written."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        reports = Reports(tmp_path_factory.mktemp("browser"), monkeypatch)
        _, index = reports.build()
    finally:
        monkeypatch.undo()
    return index


@pytest.fixture(scope="session")
def tabs(chromium) -> Iterator[Callable[[int, bool], Page]]:
    """One browser tab per width (and with or without JavaScript) for this worker: opening a
    tab costs more than loading a page, so the tests take turns in these."""
    opened: dict[tuple[int, bool], Page] = {}

    def tab(width: int, javascript: bool = True) -> Page:
        if (width, javascript) not in opened:
            context = chromium.new_context(
                viewport={"width": width, "height": HEIGHT}, java_script_enabled=javascript
            )
            opened[width, javascript] = context.new_page()
            opened[width, javascript].set_default_timeout(WAIT_MS)
        return opened[width, javascript]

    yield tab
    for page in opened.values():
        page.context.close()


@pytest.fixture
def load(tabs) -> Callable[..., Page]:
    """`load(path, width, fragment="", javascript=True)`: `path` freshly loaded (a new
    document, whatever the tab showed before) in the tab for `width`."""

    def open_in_tab(path: Path, width: int, fragment: str = "", javascript: bool = True) -> Page:
        page = tabs(width, javascript)
        page.goto("about:blank")  # a fragment change alone would keep the last test's state
        page.goto(path.resolve().as_uri() + fragment)
        return page

    return open_in_tab


def sideways(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


SHOWN = """() => [...document.querySelectorAll('#claim-list > .verdict-box')]
    .filter(b => !b.hidden).map(b => b.id)"""


def until(page: Page, condition: str, arg: object) -> None:
    """Wait until the JavaScript `condition(arg)` holds in the page (checked at once first:
    Playwright's own wait costs a few animation frames even when it already holds)."""
    if not page.evaluate(condition, arg):
        page.wait_for_function(condition, arg=arg)


def expect_shown(page: Page, ids: list[str], ordered: bool = False) -> None:
    """Wait until the claim list shows exactly `ids` (in that order when `ordered`)."""
    want = list(ids) if ordered else sorted(ids)
    same = "ids.join() === want.join()" if ordered else "ids.sort().join() === want.join()"
    try:
        until(page, f"want => {{ const ids = ({SHOWN})(); return {same}; }}", want)
    except PlaywrightError:
        shown = page.evaluate(SHOWN)
        assert (shown if ordered else sorted(shown)) == want


def expect_at_top(page: Page, claim_id: str) -> None:
    """Wait until the claim's box is at the top of the screen (a permalink landed)."""
    until(
        page,
        """id => { const box = document.getElementById(id);
                   if (!box || box.hidden) return false;
                   const top = box.getBoundingClientRect().top;
                   return top >= -1 && top < 200; }""",
        claim_id,
    )


def off_screen_fields(page: Page, selector: str) -> list:
    """Fields of the claim boxes matching `selector` that are not wholly on screen across
    (each as [claim id, field])."""
    return page.eval_on_selector_all(
        selector,
        """(boxes, fields) => boxes.flatMap(box => fields
              .map(sel => [box.id, sel, box.querySelector(sel)])
              .filter(([, , el]) => el)
              .filter(([, , el]) => { const r = el.getBoundingClientRect();
                  return !(r.width > 0 && r.left >= 0 && r.right <= innerWidth); })
              .map(([id, sel]) => [id, sel]))""",
        list(CARD_FIELDS),
    )


# ------------------------------------------------------------------ the fixture scorecard


@pytest.mark.parametrize("width", WIDTHS)
def test_the_scorecard_fits_the_screen_and_uses_its_font(load, scorecard_page, width):
    page = load(scorecard_page, width)
    assert sideways(page) <= 0
    declared = re.search(r"--sans: ([^;]+);", stylesheet.text())[1]
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family == declared
    assert "serif" not in family.split(",")[0]


def test_the_search_filters_and_sorting_narrow_and_order_the_claim_list(load, scorecard_page):
    page = load(scorecard_page, WIDE)
    expect(page.locator("#finder")).to_be_visible()
    expect_shown(page, EVERY_ID)
    page.fill("#finder input[name=q]", "b-streak")
    expect_shown(page, ["b-streak-10"])
    expect(page.locator("#finder-status")).to_have_text("1 of 6 claims match.")
    page.fill("#finder input[name=q]", "no such words")
    expect_shown(page, [])
    expect(page.locator("#no-match")).to_be_visible()
    page.click("#no-match button")  # "show all" (the reset applies after the form clears)
    expect_shown(page, EVERY_ID)
    expect(page.locator("#no-match")).to_be_hidden()
    page.select_option("#finder select[name=verdict]", "pending")
    expect_shown(page, ["a-ytd-8", "c-ytd-5-8"])
    page.select_option("#finder select[name=article]", "002")
    expect_shown(page, ["c-ytd-5-8"])
    page.click("#finder button[type=reset]")
    expect_shown(page, EVERY_ID)
    page.select_option("#finder select[name=sort]", "id")
    expect_shown(page, EVERY_ID, ordered=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_verdict_tile_shows_only_its_claims(load, scorecard_page, width):
    page = load(scorecard_page, width)
    page.fill("#finder input[name=q]", "ytd")  # a tile clears the other filters first
    expect_shown(page, ["a-ytd-8", "c-ytd-5-8"])
    page.click('a.tile[data-filter-verdict="refuted"]')
    expect_shown(page, ["b-streak-10"])
    expect(page.locator("#finder select[name=verdict]")).to_have_value("refuted")
    expect(page.locator("#finder input[name=q]")).to_have_value("")
    page.click('a.tile[data-filter-verdict="pending"]')
    expect_shown(page, ["a-ytd-8", "c-ytd-5-8"])


def test_without_javascript_every_claim_shows(load, scorecard_page):
    page = load(scorecard_page, PHONE, javascript=False)
    boxes = page.locator("#claim-list > .verdict-box")
    expect(boxes).to_have_count(len(ROWS))
    for i in range(len(ROWS)):
        expect(boxes.nth(i)).to_be_visible()
    expect(page.locator("#finder")).to_be_hidden()  # a form that could do nothing
    expect(page.locator("#finder-status")).to_have_text(f"{len(ROWS)} claims.")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_permalink_lands_on_its_claim_even_one_a_filter_hid(load, scorecard_page, width):
    page = load(scorecard_page, width, "#c-ytd-5-8")
    expect_at_top(page, "c-ytd-5-8")
    page.select_option("#finder select[name=verdict]", "refuted")
    expect_shown(page, ["b-streak-10"])
    page.evaluate("location.hash = '#a-opinion'")
    expect_at_top(page, "a-opinion")
    expect_shown(page, EVERY_ID)


def test_on_a_phone_every_field_of_a_claim_card_is_on_screen(load, scorecard_page):
    page = load(scorecard_page, PHONE)
    assert page.locator("#b-streak-10 .vb-source").count() == 1
    assert off_screen_fields(page, "#claim-list > .verdict-box") == []
    expect(page.locator(".claims-head")).to_be_hidden()  # the row headings of the wide layout


# ------------------------------------------------------------------ the built pages


SMALL_TEXT = """min => [...document.querySelectorAll('body *')].filter(el =>
    [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
    && el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < min)
  .map(el => el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 40))"""
CUT_TABLES = """() => [...document.querySelectorAll('table')].filter(table => {
    let box = table.parentElement;
    while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    return box && table.scrollWidth > box.clientWidth + 1
        && (!['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
            || getComputedStyle(box).backgroundImage === 'none');
  }).length"""


@pytest.mark.skipif(not BUILT, reason=NO_BUILD)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", BUILT, ids=[p.name for p in BUILT])
def test_no_built_page_scrolls_sideways_or_cuts_a_table_or_shows_tiny_text(load, path, width):
    page = load(path, width)
    assert sideways(page) <= 0
    cut = page.evaluate(CUT_TABLES)
    assert cut == 0, f"{cut} table(s) cut without a scroll box that shows it"
    if width == PHONE:
        assert page.evaluate(SMALL_TEXT, SMALLEST_TEXT_PX) == []


@pytest.mark.skipif(not BUILT_INDEX.is_file(), reason=NO_BUILD)
def test_on_a_phone_every_built_claim_card_shows_every_field_and_its_evidence(load):
    page = load(BUILT_INDEX, PHONE)
    assert off_screen_fields(page, "#claim-list > .verdict-box") == []
    judged = page.locator("#claim-list > .verdict-box:not(.v-not-testable):not(.v-pending)")
    without = judged.filter(has_not=page.locator(".vb-evidence"))
    assert judged.count() > 100 and without.count() == 0


COVERAGE_PAGE = reports_dir() / "00_data_overview.html"


@pytest.mark.skipif(not COVERAGE_PAGE.is_file(), reason=NO_BUILD)
def test_notebook_00s_tables_fit_a_wide_screen_without_scrolling(load):
    """Its coverage table (long file keys and names) was cut at 1400 px."""
    page = load(COVERAGE_PAGE, WIDE)
    wider = page.evaluate(
        """() => [...document.querySelectorAll('table')]
              .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1).length"""
    )
    assert wider == 0


@pytest.mark.skipif(not BUILT_INDEX.is_file(), reason=NO_BUILD)
def test_the_last_claim_of_the_built_scorecard_has_a_permalink_that_lands(load):
    page = load(BUILT_INDEX, PHONE)
    ids = page.eval_on_selector_all("#claim-list > .verdict-box", "boxes => boxes.map(b => b.id)")
    assert len(ids) > 100
    page.evaluate(f"location.hash = '#{ids[-1]}'")
    expect_at_top(page, ids[-1])
