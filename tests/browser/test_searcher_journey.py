"""Journey 2: a searcher finds a model from the header box, runs a full search, narrows it by a
facet, and runs the same search again with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = "weights"  # in articles and in model entries of both categories
NARROWED_TO = "Closed (proprietary) models"


def suggestion_box(page):
    return page.get_by_role("combobox", name="Search")


def test_searcher_picks_a_suggestion_with_the_keyboard(page, site, problems, shot):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/")
    box = suggestion_box(page)
    expect(box).to_have_attribute("aria-expanded", "false")

    # "/" anywhere on the page puts the focus in the header's search box.
    page.locator("body").press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # the "/" itself is not typed into the box
    shot("slash-focuses-the-box")

    # Half a word brings up the suggestions.
    page.keyboard.type("mistr")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "site-search-options")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Mistral")
    expect(options.last).to_have_text(re.compile("All results for “mistr”"))
    expect(page.get_by_role("status")).to_contain_text("Use the up and down arrows")
    shot("suggestions")

    # ArrowDown moves the active option; the box points at it for screen readers.
    page.keyboard.press("ArrowDown")
    first = options.first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(box).to_be_focused()
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(first).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowUp")
    expect(first).to_have_attribute("aria-selected", "true")
    chosen = first.locator(".search-suggestion-title").inner_text()
    shot("option-chosen")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/models/mistral/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    shot("landed-on-the-model")

    # Escape closes the list and leaves what was typed.
    page.locator("body").press("/")
    page.keyboard.type("mixt")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("mixt")
    # While typing in a box, "/" is just a character.
    page.keyboard.press("/")
    expect(box).to_have_value("mixt/")


def assert_results_with_highlights(page, query):
    heading = page.get_by_role("heading", level=2, name=re.compile(r"results? for"))
    expect(heading).to_contain_text(f"for “{query}”")
    hits = page.locator(".search-results .search-hit")
    expect(hits.first).to_be_visible()
    marks = page.locator(".search-results mark")
    expect(marks.first).to_be_visible()
    # Each highlight is the word searched for (PostgreSQL may mark its stem).
    for text in marks.all_inner_texts():
        assert query.lower().startswith(text.lower().rstrip("s")), text
    return heading, hits


def result_count(heading):
    return int(re.search(r"(\d+) results? for", heading.inner_text()).group(1))


def test_searcher_runs_a_full_search_and_narrows_it(page, site, problems, shot):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/")
    page.locator("body").press("/")
    page.keyboard.type(QUERY)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    shot("typed")

    # Enter with no option chosen runs the whole search.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/search/\?q={QUERY}$"))
    heading, hits = assert_results_with_highlights(page, QUERY)
    total = result_count(heading)
    expect(hits).to_have_count(total)
    kinds = set(page.locator(".search-hit-kind").all_inner_texts())
    assert len({kind.split(" · ")[0] for kind in kinds}) > 1, kinds
    expect(
        page.get_by_role("combobox", name="Search articles, models, pros and cons")
    ).to_have_value(QUERY)
    shot("results")

    # Narrow to one category.
    facets = page.get_by_role("navigation", name="Filter results")
    facet = facets.get_by_role("link", name=re.compile(rf"^{re.escape(NARROWED_TO)} \(\d+\)"))
    facet_count = int(re.search(r"\((\d+)\)", facet.inner_text()).group(1))
    assert 0 < facet_count < total
    facet.click()
    expect(page).to_have_url(re.compile(r"category=closed"))
    heading, hits = assert_results_with_highlights(page, QUERY)
    assert result_count(heading) == facet_count
    expect(hits).to_have_count(facet_count)
    # Every hit is of the category, or is the category's own page (its pros and cons).
    for kind in page.locator(".search-hit-kind").all_inner_texts():
        assert NARROWED_TO in kind or kind == "Category", kind
    selected = facets.locator("a[aria-current=true]")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text(NARROWED_TO)
    expect(selected).to_contain_text("remove filter")
    shot("narrowed")

    # Removing the filter brings every result back.
    selected.click()
    heading, hits = assert_results_with_highlights(page, QUERY)
    assert result_count(heading) == total
    expect(facets.locator("a[aria-current=true]")).to_have_count(0)


def test_the_same_search_works_without_javascript(another_page, site, shot):
    page = another_page(java_script_enabled=False)
    page.goto(site + "/search/")
    form = page.get_by_role("search", name="Search page")
    form.get_by_label("Search articles, models, pros and cons").fill(QUERY)
    shot("no-js-form", page)
    form.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/search/\?q={QUERY}$"))
    total = result_count(assert_results_with_highlights(page, QUERY)[0])
    shot("no-js-results", page)

    # Facets are plain links: narrowing works without JavaScript too.
    page.get_by_role("navigation", name="Filter results").get_by_role(
        "link", name=re.compile(rf"^{re.escape(NARROWED_TO)}")
    ).click()
    expect(page).to_have_url(re.compile(r"category=closed"))
    narrowed, _ = assert_results_with_highlights(page, QUERY)
    assert 0 < result_count(narrowed) < total
    shot("no-js-narrowed", page)

    # The header's box is a plain form as well.
    page.goto(site + "/")
    header = page.get_by_role("search", name="Site")
    header.get_by_role("combobox", name="Search").fill(QUERY)
    header.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/search/\?q={QUERY}$"))
    assert_results_with_highlights(page, QUERY)
