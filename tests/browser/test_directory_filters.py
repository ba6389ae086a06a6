"""The directory's filter panel: folded on a phone from the first paint, open on a desktop."""

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

# The page's layout shifts so far (what Lighthouse adds up as Cumulative Layout Shift).
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    resolve(list.getEntries().reduce((sum, entry) => sum + entry.value, 0));
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(0), 500);
})"""


def test_on_a_phone_the_filters_start_folded_without_shifting_the_page(page, site, problems, shot):
    page.set_viewport_size(PHONE)
    page.goto(site + "/models/")
    page.wait_for_load_state("load")
    filters = page.locator("details.filters")
    assert filters.evaluate("details => details.open") is False
    assert page.get_by_role("button", name="Apply filters").is_hidden()
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    shot("folded")

    page.locator("details.filters > summary").click()
    assert page.get_by_role("button", name="Apply filters").is_visible()
    assert page.get_by_role("group", name="Category").is_visible()
    shot("unfolded")


def test_on_a_desktop_the_filters_are_open(page, site, problems):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/models/")
    assert page.get_by_role("button", name="Apply filters").is_visible()
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
