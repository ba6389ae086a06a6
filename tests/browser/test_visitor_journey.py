"""Journey 1: a visitor reads the seed article, opens a model, compares two, browses."""

import re

import pytest
from playwright.sync_api import expect

from .accessibility import assert_accessible
from .conftest import DESKTOP, PHONE, assert_no_page_scroll
from .keyboard import tab_to

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE_TITLE = "Open-Source vs Closed Models"


def test_visitor_reads_compares_and_browses(page, site, problems, shot):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/")
    shot("home")

    page.get_by_role("link", name=ARTICLE_TITLE).first.click()
    expect(page).to_have_url(re.compile(r"/articles/open-source-vs-closed-models/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)
    shot("article")

    # The table of contents jumps to the comparison.
    toc = page.get_by_role("navigation", name="Contents")
    toc.get_by_role("link", name=re.compile("Side-by-Side Comparison")).click()
    expect(page).to_have_url(re.compile(r"#.*side-by-side-comparison$"))
    heading = page.get_by_role("heading", name=re.compile("Side-by-Side Comparison"))
    expect(heading).to_be_in_viewport()

    table = page.locator("table", has=page.locator("caption")).first
    header = table.locator("thead th")
    expect(header).to_have_count(3)
    expect(header.nth(1)).to_contain_text("Open-source")
    expect(header.nth(2)).to_contain_text("Closed")
    row_names = table.locator("tbody th[scope=row]").all_inner_texts()
    # The seed article's rows in the seed's order, then those computed from the directory.
    assert row_names[:6] == [
        "Access",
        "Customization",
        "Transparency",
        "Safety & Guardrails",
        "Examples",
        "Use Cases",
    ]
    shot("comparison-desktop", table)

    page.set_viewport_size(PHONE)
    expect(table).to_be_visible()
    assert_no_page_scroll(page)
    shot("comparison-phone")
    page.set_viewport_size(DESKTOP)

    # A model from the Examples row.
    examples = table.locator("tbody tr", has=page.locator("th", has_text="Examples"))
    examples.get_by_role("link", name="Mistral", exact=True).click()
    expect(page).to_have_url(re.compile(r"/models/mistral/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mistral")
    shot("model")

    # Compare it with a second model.
    picker = page.locator("form", has=page.get_by_role("heading", name="Compare with…"))
    picker.get_by_label("Another model").select_option(label="GPT-4")
    picker.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare/models/\?m=mistral&m=gpt-4$"))
    compared = page.locator("table thead th").all_inner_texts()
    assert any("Mistral" in text for text in compared)
    assert any("GPT-4" in text for text in compared)
    shot("model-vs-model")


def test_visitor_filters_and_sorts_the_directory_with_the_keyboard(page, site, problems, shot):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/models/")
    expect(page.locator("tbody tr")).to_have_count(10)

    tab_to(page, "#f-category-closed")
    page.keyboard.press("Space")
    tab_to(page, ".filter-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"category=closed"))
    expect(page.locator("tbody tr")).to_have_count(4)
    shot("filtered")

    tab_to(page, "#sort")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#sort").input_value()
    assert chosen != "name"
    tab_to(page, ".sort-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"sort={chosen}"))
    expect(page).to_have_url(re.compile(r"category=closed"))
    expect(page.locator("tbody tr")).to_have_count(4)
    shot("sorted")


def test_visitor_finds_the_most_open_models(page, site, problems, shot):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/models/")
    # A radio group is one tab stop; the arrow keys choose within it.
    tab_to(page, "#f-min_openness-any")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#f-min_openness-50")).to_be_checked()
    tab_to(page, ".filter-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"min_openness=50"))
    expect(page.locator("#f-min_openness-50")).to_be_checked()
    page.select_option("#sort", "openness")
    page.locator(".sort-form button[type=submit]").click()
    expect(page).to_have_url(
        re.compile(r"min_openness=50.*sort=openness|sort=openness.*min_openness=50")
    )
    cells = page.locator('tbody td[data-label="Openness"] .openness-score').all_inner_texts()
    scores = [int(text) for text in cells]
    assert scores and all(score >= 50 for score in scores)
    assert scores == sorted(scores, reverse=True)
    expect(page.locator("tbody tr").first).to_contain_text("BLOOM")
    assert_accessible(page)
    shot("most-open")

    page.goto(site + "/compare/")
    row = page.locator("tr.comparison-openness")
    expect(row).to_contain_text("Average score")
    row.locator("summary").first.click()
    expect(row.locator("dl").first).to_contain_text("Weights")
    assert_accessible(page)
    shot("compare-openness")
