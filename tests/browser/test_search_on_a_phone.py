"""Search on a phone: the first result shows on the first screen, under one search box and a
folded filter panel; unfolded, the panel narrows the results as on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
QUERY = "weights"  # articles, models, pros and cons, comparisons: every facet has choices


def test_on_a_phone_the_first_result_shows_without_scrolling(page, site, problems, shot):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/search/?q={QUERY}")
    page.wait_for_load_state("load")
    first = page.locator(".search-hit").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    # One search box, the page's own, holding the search.
    boxes = page.get_by_role("combobox")
    expect(boxes).to_have_count(1)
    expect(boxes).to_have_accessible_name("Search articles, models, pros and cons")
    expect(boxes).to_have_value(QUERY)
    expect(boxes).to_be_in_viewport()
    shot("first-screen")

    # The filters are folded, and open to narrow the results.
    filters = page.get_by_role("navigation", name="Filter results")
    expect(filters).to_be_hidden()
    page.get_by_text("Filter results").click()
    expect(filters).to_be_visible()
    filters.get_by_role("link", name=re.compile(r"^Models \(\d+\)")).click()
    expect(page).to_have_url(re.compile(r"type=model"))
    for kind in page.locator(".search-hit-kind").all_inner_texts():
        assert kind.startswith("Model"), kind
    shot("narrowed")


def test_on_a_desktop_the_filters_are_open_beside_the_results(page, site, problems):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/search/?q={QUERY}")
    filters = page.get_by_role("navigation", name="Filter results")
    expect(filters).to_be_visible()
    results = page.get_by_role("heading", name=re.compile(r"results? for"))
    assert filters.bounding_box()["x"] < results.bounding_box()["x"]
    expect(page.get_by_role("combobox")).to_have_count(1)
