"""The directory's filter panel: folded on a phone from the first paint, open on a desktop."""

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

# The page's layout shifts once it is parsed (what Lighthouse adds up as Cumulative Layout
# Shift, from the moment scripts can run: the panel folding late is what is measured), with the
# elements that moved. Shifts while the HTML still arrives, a partly parsed header painted on a
# starved CPU, are the browser's progressive rendering, not the page's scripts.
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  const parsed = performance.getEntriesByType("navigation")[0].domInteractive;
  new PerformanceObserver((list) => {
    const late = list.getEntries().filter((entry) => entry.startTime >= parsed);
    resolve({
      total: late.reduce((sum, entry) => sum + entry.value, 0),
      moved: late.flatMap((entry) => entry.sources.map((source) =>
        source.node ? `${source.node.nodeName}.${source.node.className}` : "?")),
    });
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve({total: 0, moved: []}), 500);
})"""


def layout_shift(page):
    shift = page.evaluate(LAYOUT_SHIFT)
    return shift["total"], shift["moved"]


def test_on_a_phone_the_filters_start_folded_without_shifting_the_page(page, site, problems, shot):
    page.set_viewport_size(PHONE)
    page.goto(site + "/models/")
    page.wait_for_load_state("load")
    filters = page.locator("details.filters")
    assert filters.evaluate("details => details.open") is False
    assert page.get_by_role("button", name="Apply filters").is_hidden()
    total, moved = layout_shift(page)
    assert total < 0.01, moved
    shot("folded")

    page.locator("details.filters > summary").click()
    assert page.get_by_role("button", name="Apply filters").is_visible()
    assert page.get_by_role("group", name="Category").is_visible()
    shot("unfolded")


def test_on_a_desktop_the_filters_are_open(page, site, problems):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/models/")
    assert page.get_by_role("button", name="Apply filters").is_visible()
    total, moved = layout_shift(page)
    assert total < 0.01, moved
