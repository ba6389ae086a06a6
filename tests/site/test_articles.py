"""Article pages and the article list."""

import datetime
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import (
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    ModelEntry,
    Organization,
    ProCon,
    Status,
)
from kb.site.comparison import EXAMPLES_SHOWN
from kb.site.views.pages import RELATED_ARTICLES_SHOWN
from tests.support.dates import NOW_TEXT, OLD_TEXT, age_everything
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ComparisonCellFactory,
    ComparisonRowFactory,
    ModelEntryFactory,
    OrganizationFactory,
    ProConFactory,
)
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

BODY = """Opening paragraph.

## Examples

[[examples open]]

## Strengths

[[pros open]]

### Weak points

[[cons open]]

## Table

[[comparison]]
"""


@pytest.fixture
def article():
    category = CategoryFactory(name="Open models", short_name="Open", slug="open", icon="🔓")
    maker = OrganizationFactory(name="Maker")
    shown = ModelEntryFactory(name="Shown", slug="shown", category=category, organization=maker)
    ModelEntryFactory(name="Draft one", category=category, status=Status.DRAFT)
    ProConFactory(category=category, kind="pro", text="Cheap")
    ProConFactory(category=category, kind="con", text="Hard")
    ComparisonCellFactory(category=category, row__label="Access", text="Free")
    ComparisonRowFactory(label="Examples", kind=ComparisonRow.Kind.EXAMPLES)
    related = ModelEntryFactory(name="Related model", slug="related")
    hidden = ModelEntryFactory(name="Hidden related", status=Status.DRAFT)
    elsewhere = ModelEntryFactory(name="Elsewhere", slug="elsewhere")  # only in the table
    ProConFactory(category=None, entry=elsewhere, kind="pro", text="Not on the page")
    article = ArticleFactory(title="Open or closed", lede="Two worlds.", body=BODY)
    article.categories.set([category])
    article.entries.set([shown, related, hidden])
    return article


def test_article_page_has_title_lede_body_and_breadcrumbs(client, article):
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assertInHTML("<h1>Open or closed</h1>", html)
    assertInHTML('<p class="lede">Two worlds.</p>', html)
    assert "Opening paragraph." in visible_text(html)
    crumbs = parse(html).find("nav", class_="breadcrumbs", aria_label="Breadcrumb")
    assert [(link.attrs, link.children) for link in crumbs.find_all("a")] == [
        ({"href": "/"}, ["Home"]),
        ({"href": "/articles/"}, ["Articles"]),
    ]
    (here,) = crumbs.find_all("li", aria_current="page")
    assert (here.attrs, here.children) == ({"aria-current": "page"}, ["Open or closed"])


def test_the_table_of_contents_links_to_each_heading(client, article):
    page = parse(client.get(article.get_absolute_url()).content)
    toc = page.find("nav", class_="toc")
    links = [(link.attrs, link.children) for link in toc.find_all("a")]
    assert links == [
        ({"href": "#examples"}, ["Examples"]),
        ({"href": "#strengths"}, ["Strengths"]),
        ({"href": "#weak-points"}, ["Weak points"]),
        ({"href": "#table"}, ["Table"]),
    ]
    for attrs, title in links:
        anchor = attrs["href"].removeprefix("#")
        heading = page.find(id=anchor)
        assert (heading.tag in ("h2", "h3"), heading.attrs, heading.children) == (
            True,
            {"id": anchor},
            title,
        )


def test_no_table_of_contents_without_headings(client):
    html = client.get(ArticleFactory(body="Just a paragraph.").get_absolute_url()).content
    assert parse(html).find_all(class_="toc") == []


def test_the_body_shows_the_generated_blocks(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assertInHTML('<li><a href="/models/shown/">Shown</a> (Maker)</li>', html)
    assertInHTML("<li>Cheap</li>", html)
    assertInHTML("<li>Hard</li>", html)
    assert parse(html).find_all("table", class_="comparison")
    assert "Draft one" not in html


def test_related_categories_and_published_models_are_linked(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    links = parse(html).find("aside", class_="related").find_all("a")
    assert [(link.attrs, link.text) for link in links] == [
        ({"href": "/categories/open/"}, "Open models"),
        ({"href": "/models/related/"}, "Related model"),
        ({"href": "/models/shown/"}, "Shown"),
    ]
    (icon,) = links[0].find_all("svg")  # the site's own, where an emoji could be a box
    assert (icon["class"], icon["aria-hidden"]) == ("icon icon-lock-open", "true")
    assert "Hidden related" not in html


def test_related_articles_are_the_newest_few_then_a_link_to_all(client, article):
    """Articles sharing a category are named under "Related", the newest few: with thousands
    sharing it, the page stays the same size."""
    category = article.categories.get()
    others = []
    for day in range(1, RELATED_ARTICLES_SHOWN + 3):
        other = ArticleFactory(title=f"Other {day}", slug=f"other-{day}")
        Article.objects.filter(pk=other.pk).update(
            published_at=datetime.datetime(2024, 1, day, tzinfo=datetime.UTC)
        )
        other.categories.add(category)
        others.append(other)
    related = parse(client.get(article.get_absolute_url()).content).find("aside", class_="related")
    titles = [link.text for link in related.find_all("a") if link.text.startswith("Other")]
    newest = [other.title for other in reversed(others)][:RELATED_ARTICLES_SHOWN]
    assert titles == newest
    links = {link.text: link["href"] for link in related.find_all("a")}
    assert links["All articles"] == reverse("kb:article_list")


def test_no_link_to_all_articles_when_every_related_one_is_named(client, article):
    other = ArticleFactory(title="Other", slug="other")
    other.categories.add(article.categories.get())
    related = parse(client.get(article.get_absolute_url()).content).find("aside", class_="related")
    texts = [link.text for link in related.find_all("a")]
    assert "Other" in texts
    assert "All articles" not in texts


def last_updated(client, article):
    text = visible_text(client.get(article.get_absolute_url()).content)
    return re.search(r"Last updated (\d+ \w+ \d{4})", text)[1]


def saved(get, **values):
    """A change: set ``values`` on the row ``get()`` returns, and save it as the admin does."""

    def change():
        row = get()
        for name, value in values.items():
            setattr(row, name, value)
        row.save()

    return change


def entry(slug):
    return lambda: ModelEntry.objects.get(slug=slug)


CHANGES = {
    "renamed listed entry": saved(entry("shown"), name="Renamed"),
    "edited comparison cell": saved(
        lambda: ComparisonCell.objects.get(category__slug="open"), text="Paid now"
    ),
    "edited comparison row": saved(
        lambda: ComparisonRow.objects.get(label="Examples"), label="Some examples"
    ),
    "edited pro": saved(lambda: ProCon.objects.get(text="Cheap"), text="Very cheap"),
    "renamed maker of a listed entry": saved(
        lambda: Organization.objects.get(name="Maker"), name="Maker Inc"
    ),
    "edited category": saved(lambda: Category.objects.get(slug="open"), short_name="Open-weight"),
    "renamed related entry": saved(entry("related"), name="Related, renamed"),
    "renamed entry in the table only": saved(entry("elsewhere"), name="Elsewhere, renamed"),
    "published draft": saved(
        lambda: ModelEntry.objects.get(name="Draft one"), status=Status.PUBLISHED
    ),
    "edited article": saved(lambda: Article.objects.get(), lede="New lede."),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES)
def test_a_change_to_anything_shown_moves_last_updated(frozen_now, client, article, change):
    age_everything()
    assert last_updated(client, article) == OLD_TEXT
    change()
    assert last_updated(client, article) == NOW_TEXT


def test_a_change_to_something_not_shown_leaves_last_updated(client, article):
    age_everything()
    draft = ModelEntry.objects.get(name="Draft one")
    draft.summary = "Still a draft."
    draft.save()
    pro = ProCon.objects.get(text="Not on the page")
    pro.text = "Still not on the page"
    pro.save()
    OrganizationFactory(name="Unrelated maker")
    ArticleFactory(title="Another article")
    assert last_updated(client, article) == OLD_TEXT


def test_staff_see_placeholder_warnings_on_a_draft_only(editor_client):
    draft = ArticleFactory(body="[[pros nowhere]]", status=Status.DRAFT)
    published = ArticleFactory(body="[[pros nowhere]]")
    assert (
        "⚠ [[pros nowhere]] is not shown"
        in editor_client.get(draft.get_absolute_url()).content.decode()
    )
    html = editor_client.get(published.get_absolute_url()).content.decode()
    assert "nowhere" not in html


def test_article_list_is_newest_first_with_lede_and_date(client):
    now = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    ArticleFactory(title="Older", lede="The old one.", published_at=now - datetime.timedelta(9))
    ArticleFactory(title="Newer", lede="The new one.", published_at=now)
    ArticleFactory(title="Unfinished", status=Status.DRAFT)
    page = client.get(reverse("kb:article_list"))
    text = visible_text(page.content)
    assert "Newer The new one. 1 June 2025 Older The old one. 23 May 2025" in text
    assert "Unfinished" not in text
    assert [
        link
        for link in parse(page.content).find_all("a")
        if link.get("href", "").startswith("/articles/")
    ]


def test_article_list_without_articles_says_so(client):
    assert "No articles yet." in visible_text(client.get(reverse("kb:article_list")).content)


def add_entries(count):
    category = CategoryFactory(slug="open")
    maker = OrganizationFactory()
    entries = ModelEntryFactory.create_batch(count, category=category, organization=maker)
    for entry in entries[:5]:
        ProConFactory(category=None, entry=entry, kind="pro")
    ProConFactory(category=category)
    ComparisonCellFactory(category=category)
    ComparisonRowFactory(kind=ComparisonRow.Kind.EXAMPLES)
    article = ArticleFactory(
        body=f"## Blocks\n\n[[examples open]]\n\n[[pros open]]\n\n[[cons {entries[0].slug}]]"
        f"\n\n[[pros {entries[1].slug}]]\n\n[[examples {entries[2].slug}]]\n\n[[comparison]]"
        "\n\n[[pros nowhere]]"
    )
    article.categories.set([category])
    article.entries.set(entries)
    return article


@pytest.mark.parametrize("entries", [10, 200])
def test_article_page_queries_do_not_grow_with_the_entries(
    client, django_assert_num_queries, entries
):
    article = add_entries(entries)
    # The article, its categories, its entries, the other articles of its categories; the
    # content version; the blocks' categories,
    # entries, the first entries of the one category, their number, pros and cons; the content
    # version again for the comparison, its categories, rows, cells, numbers of entries and the
    # first entries of the one category.
    with django_assert_num_queries(16):
        page = client.get(article.get_absolute_url())
    # Related entries all; the examples block and the comparison the first few.
    named = entries + 2 * min(entries, EXAMPLES_SHOWN) + 1  # the [[examples SLUG]] of an entry
    links = parse(page.content).find_all("a")
    assert (
        len([link for link in links if link.get("href", "").startswith("/models/model-")]) == named
    )
    # Until content changes, the blocks are not built again.
    with django_assert_num_queries(5):
        again = client.get(article.get_absolute_url())
    assert again.content == page.content


@pytest.mark.parametrize("articles", [3, 30])
def test_article_list_queries_do_not_grow(client, django_assert_num_queries, articles):
    ArticleFactory.create_batch(articles)
    with django_assert_num_queries(1):
        page = client.get(reverse("kb:article_list"))
    assert visible_text(page.content).count("A lede.") == articles


# The seed article takes its lists and table from the data.


def test_seed_article_follows_the_data(client, seed):
    article = Article.objects.get(slug="open-source-vs-closed-models")
    ProCon.objects.filter(text="Free or low-cost").update(text="Free to download")
    ModelEntryFactory(
        name="Newcomer", category=Category.objects.get(slug="closed"), organization__name="Lab"
    )
    ModelEntry.objects.filter(slug="sora").update(status=Status.DRAFT)
    text = visible_text(client.get(article.get_absolute_url()).content)
    assert "Free to download" in text and "Free or low-cost" not in text
    assert "Newcomer (Lab)" in text
    assert "Sora" not in text
    assert "Number of models 6 models 4 models" in text
