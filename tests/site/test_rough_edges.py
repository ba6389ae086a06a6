"""No placeholder or rough edge left on the public pages (issue 16, point 6): the site's own icons
instead of emoji, words a reader understands where something is unknown, and every page kind in
the menu and the breadcrumbs."""

import pytest

from kb.catalogue.epoch.sync import UNKNOWN_CATEGORY_VALUES
from kb.catalogue.models import Category, ModelEntry, OpennessGrade
from kb.site import icons
from tests.support.factories import ModelEntryFactory
from tests.support.html import parse

pytestmark = pytest.mark.django_db

EMOJI = ("🔓", "🔒", "❔")

# Every page kind that names a category.
CATEGORY_PAGES = {
    "home": "/",
    "directory": "/models/",
    "model": "/models/llama-2/",
    "category": "/categories/open-source/",
    "category-comparison": "/compare/",
    "model-comparison": "/compare/models/?m=llama-2&m=gpt-4",
    "article": "/articles/open-source-vs-closed-models/",
    "search": "/search/?q=llama",
}


def site_icons(element):
    return [svg for svg in element.find_all("svg") if "icon" in svg.get("class", "").split()]


@pytest.mark.parametrize("path", CATEGORY_PAGES.values(), ids=CATEGORY_PAGES.keys())
def test_open_and_closed_marks_are_the_sites_icons_not_emoji(client, seed, path):
    # Without an emoji font (Debian's headless Chromium) 🔓 and 🔒 are empty boxes.
    page = parse(client.get(path).content)
    # An article's own words (the seed's headings, and its contents list, carry emoji) are its
    # editors' to choose.
    for words in [*page.find_all("div", class_="prose"), *page.find_all("nav", class_="toc")]:
        words.children.clear()
    for emoji in EMOJI:
        assert emoji not in page.text, f"{emoji} on {path}"
    if path != "/search/?q=llama":  # search results name no category
        drawn = site_icons(page.find("main"))
        assert drawn, f"no icon on {path}"
        for svg in drawn:
            assert svg["aria-hidden"] == "true"
            assert svg["stroke"] == "currentColor"
            assert "style" not in svg.attrs


def test_each_category_gets_its_own_icon(client, seed):
    page = parse(client.get("/").content)
    cards = page.find("ul", class_="card-grid worlds").find_all("li")
    drawings = [site_icons(card)[0]["class"] for card in cards]
    assert len(set(drawings)) == len(cards) == Category.objects.count()


def test_every_bundled_and_imported_category_emoji_has_a_drawing(seed):
    # The seed's two and the Epoch import's "Not released or access unknown".
    for emoji in [
        *Category.objects.values_list("icon", flat=True),
        UNKNOWN_CATEGORY_VALUES["icon"],
    ]:
        assert icons.category_icon(emoji), emoji


def test_directory_category_facet_shows_icons_beside_plain_names(client, seed):
    page = parse(client.get("/models/").content)
    legend = next(fs for fs in page.find_all("fieldset") if fs.find("legend").text == "Category")
    labels = legend.find_all("label")
    assert labels
    for label in labels:
        assert site_icons(label)
        assert label.find("span", class_="facet-label").text in set(
            Category.objects.values_list("name", flat=True)
        )


def facts_rows(page):
    table = parse(page.content).find("table", class_="data-table facts-table")
    rows = {}
    for row in table.find("tbody").find_all("tr"):
        header, *cells = row.elements
        rows[header.text] = [cell.text for cell in cells]
    return rows


def test_model_facts_say_what_is_unknown_in_words(client, db):
    entry = ModelEntryFactory(parameters="7B", context_window=None)
    rows = facts_rows(client.get(entry.get_absolute_url()))
    # A known fact with no source says so; an unknown one has nothing to source.
    assert rows["Parameters"] == ["7B", "Not recorded"]
    assert rows["Context window"] == ["Not published", ""]
    assert "None given yet" not in " ".join(source for _value, source in rows.values())


def test_scorecard_says_what_is_unknown_in_words(client, seed):
    entry = ModelEntry.objects.get(slug="llama-2")
    OpennessGrade.objects.filter(entry=entry).update(source_url="", checked_on=None)
    page = parse(client.get(entry.get_absolute_url()).content)
    table = page.find("table", class_="data-table scorecard-table")
    text = table.text
    assert "No source yet" not in text and "Not checked" not in text
    for row in table.find("tbody").find_all("tr"):
        _dimension, _grade, source, checked = row.elements
        assert source.text == "Not recorded"
        assert checked.text == "No date recorded"


@pytest.mark.parametrize(
    ("path", "label"), [("/timeline/", "Release timeline"), ("/data/", "Open data")]
)
def test_timeline_and_data_pages_are_in_the_menu_and_breadcrumbs(client, seed, path, label):
    page = parse(client.get(path).content)
    menu = page.find("nav", class_="site-nav")
    current = [link for link in menu.find_all("a") if "aria-current" in link.attrs]
    assert [(link["href"], link["aria-current"]) for link in current] == [(path, "page")]
    crumbs = page.find("nav", class_="breadcrumbs").find_all("li")
    assert [crumb.text for crumb in crumbs] == ["Home", label]
    # Every other page has both links in its menu too.
    home_menu = parse(client.get("/").content).find("nav", class_="site-nav")
    assert path in [link["href"] for link in home_menu.find_all("a")]


def test_data_page_parameters_read_as_written(client, seed):
    page = parse(client.get("/data/").content)
    text = page.find("dl", class_="parameters").text
    assert "A least" not in text
    assert "The lowest openness score to list" in text
    assert "(api" not in text and "api or product" not in text
    values = {
        item.find("code").text: item.text.split(": ", 1)[1]
        for item in page.find_all("li")
        if item.parent.get("class") == "parameter-values"
    }
    assert values["hosted"] == "API or product only"
    assert values["name"] == "Name (A–Z)"
