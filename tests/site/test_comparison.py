"""The category comparison: built from the data, shown at /compare/ and by [[comparison]]."""

import importlib
import re
from types import SimpleNamespace

import factory
import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models.functions import Lower
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import (
    ComparisonRow,
    ContentVersion,
    ModelEntry,
    OpennessGrade,
    Status,
)
from kb.site.comparison import EXAMPLES_SHOWN, category_comparison
from tests.support.dates import NOW_TEXT, OLD_TEXT, age_everything
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ComparisonCellFactory,
    ComparisonRowFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

Kind = ComparisonRow.Kind


@pytest.fixture
def table_data():
    """Two categories, written and generated rows, published entries and a draft."""
    open_ = CategoryFactory(
        name="Open models", short_name="Open", slug="open", icon="🔓", position=1
    )
    closed = CategoryFactory(name="Closed models", short_name="Closed", slug="closed", position=2)
    access = ComparisonRowFactory(label="Access", position=1)
    ComparisonCellFactory(row=access, category=open_, text="**Free** to download")
    ComparisonCellFactory(row=access, category=closed, text="Paid API")
    ComparisonRowFactory(label="Examples", kind=Kind.EXAMPLES, position=2)
    ComparisonRowFactory(label="Number of models", kind=Kind.COUNT, position=3)
    ComparisonRowFactory(label="Licences", kind=Kind.LICENCES, position=4)
    maker = OrganizationFactory()
    for name, licence, osi in (
        ("Zephyr", "Apache License 2.0", True),
        ("alpha", "Apache License 2.0", True),
        ("Beta", "Community Licence", False),
    ):
        ModelEntryFactory(
            name=name,
            slug=name.lower(),
            category=open_,
            organization=maker,
            licence_name=licence,
            licence_osi_approved=osi,
        )
    ModelEntryFactory(name="Unknown licence", category=open_, organization=maker)
    ModelEntryFactory(name="Hidden draft", category=open_, status=Status.DRAFT, licence_name="X")
    ModelEntryFactory(name="Gamma", category=closed, licence_name="Proprietary")
    return open_, closed


def cells(comparison, label):
    row = next(row for row in comparison.rows if row.label == label)
    return row.cells


def test_columns_are_the_categories_and_rows_the_comparison_rows_in_order(table_data):
    comparison = category_comparison()
    assert [c.short_name for c in comparison.categories] == ["Open", "Closed"]
    assert [(r.label, r.kind) for r in comparison.rows] == [
        ("Access", "written"),
        ("Examples", "examples"),
        ("Number of models", "count"),
        ("Licences", "licences"),
    ]
    assert [c.text for c in cells(comparison, "Access")] == ["**Free** to download", "Paid API"]


def test_generated_rows_come_from_the_published_entries(table_data):
    examples, count, licences = (
        cells(category_comparison(), label)
        for label in ("Examples", "Number of models", "Licences")
    )
    assert [[e.name for e in cell.examples] for cell in examples] == [
        ["alpha", "Beta", "Unknown licence", "Zephyr"],
        ["Gamma"],
    ]
    assert [cell.count for cell in count] == [4, 1]
    assert [[(lic.name, lic.osi_approved) for lic in cell.licences] for cell in licences] == [
        [("Apache License 2.0", True), ("Community Licence", False)],
        [("Proprietary", False)],
    ]


def test_the_table_changes_with_the_data(table_data):
    open_, closed = table_data
    ModelEntryFactory(name="Delta", category=closed, licence_name="Open Licence")
    draft = ModelEntryFactory(name="Late", category=closed, status=Status.DRAFT)
    open_.cells.update(text="Now **paid**")
    comparison = category_comparison()
    assert [e.name for e in cells(comparison, "Examples")[1].examples] == ["Delta", "Gamma"]
    assert cells(comparison, "Number of models")[1].count == 2
    assert cells(comparison, "Access")[0].text == "Now **paid**"
    draft.status = Status.PUBLISHED
    draft.save()
    assert cells(category_comparison(), "Number of models")[1].count == 3


def test_a_new_category_is_a_new_column(table_data):
    CategoryFactory(name="Mixed models", short_name="Mixed", position=3)
    comparison = category_comparison()
    assert [c.short_name for c in comparison.categories] == ["Open", "Closed", "Mixed"]
    assert [c.text for c in cells(comparison, "Access")] == ["**Free** to download", "Paid API", ""]


def table_html(page):
    """The comparison table's markup as served (the same on every page that shows it)."""
    return re.search(r'<table class="comparison">.*?</table>', page.content.decode(), re.S)[0]


def rows_of(html):
    """Each table row as the list of its cells' visible text."""
    return [
        [cell.text for cell in row.elements if cell.tag in ("th", "td")]
        for row in parse(html).find_all("tr")
    ]


def attrs_of(html, tag):
    return [element.attrs for element in parse(html).find_all(tag)]


def test_compare_page_shows_the_table(client, table_data):
    page = client.get(reverse("kb:compare"))
    assert page.status_code == 200
    html = table_html(page)
    assertInHTML("<caption>Open models vs Closed models, side by side</caption>", html)
    assert rows_of(html) == [
        ["Feature", "Open", "Closed"],
        ["From the seed article"],
        ["Access", "Free to download", "Paid API"],
        ["Examples", "alpha Beta Unknown licence Zephyr", "Gamma"],
        ["From the model directory"],
        ["Number of models", "4 models", "1 model"],
        ["Licences", "Apache License 2.0 OSI-approved Community Licence", "Proprietary"],
    ]
    assert attrs_of(html, "th").count({"scope": "col"}) == 3
    assert attrs_of(html, "th").count({"scope": "row"}) == 4
    assertInHTML('<td data-label="Open"><strong>Free</strong> to download</td>', html)
    assertInHTML('<a href="/models/zephyr/">Zephyr</a>', html)
    assertInHTML('<a href="/categories/open/">4 models</a>', html)
    assertInHTML('<a href="/categories/closed/">Closed</a>', html)
    assert "Hidden draft" not in page.content.decode()


def test_the_seed_articles_rows_are_kept_apart_from_the_computed_ones(client, table_data):
    # A written row placed among the generated ones still goes with the seed article's words,
    # as does the article's Examples row (filled from the directory), each in its place.
    use = ComparisonRowFactory(label="Use cases", position=3)
    ComparisonCellFactory(row=use, category=table_data[0], text="Research")
    table = parse(table_html(client.get(reverse("kb:compare"))))
    groups = [
        (body["class"], [row.elements[0].text for row in body.find_all("tr")])
        for body in table.find_all("tbody")
    ]
    assert groups == [
        ("comparison-group-written", ["From the seed article", "Access", "Examples", "Use cases"]),
        ("comparison-group-computed", ["From the model directory", "Number of models", "Licences"]),
    ]
    heading = table.find("tbody", class_="comparison-group-written").find_all("th")[0]
    assert heading.attrs == {"scope": "rowgroup", "colspan": "3"}


def test_compare_page_scrolls_the_table_in_its_own_box(client, table_data):
    boxes = attrs_of(client.get(reverse("kb:compare")).content, "div")
    (box,) = [box for box in boxes if box.get("class") == "table-scroll"]
    label = box.get("aria-label")
    assert label
    assert box == {"class": "table-scroll", "role": "region", "aria-label": label, "tabindex": "0"}


def test_compare_page_without_data_says_so(client):
    page = client.get(reverse("kb:compare"))
    assert page.status_code == 200
    assert "Nothing to compare yet." in visible_text(page.content)


def test_written_cells_are_sanitised_and_expand_no_blocks(client, table_data):
    open_, closed = table_data
    open_.cells.update(text="<script>alert(1)</script>[x](javascript:alert(1)) ok")
    closed.cells.update(text="[[comparison]]")
    html = table_html(client.get(reverse("kb:compare")))
    assert "<script" not in html and 'href="javascript:' not in html
    # A line that opens with <script> is raw HTML (CommonMark): the link on it stays text.
    assert rows_of(html)[2] == ["Access", "[x](javascript:alert(1)) ok", "—"]


def test_the_comparison_block_is_the_same_table(client, table_data):
    article = ArticleFactory(body="Intro\n\n[[comparison]]")
    on_article = table_html(client.get(article.get_absolute_url()))
    assert on_article == table_html(client.get(reverse("kb:compare")))


def test_compare_page_is_dated_by_its_latest_change(frozen_now, client, table_data):
    age_everything()
    assert f"Last updated {OLD_TEXT}" in visible_text(client.get(reverse("kb:compare")).content)
    cell = table_data[1].cells.get()
    cell.text = "Edited"
    cell.save()
    assert f"Last updated {NOW_TEXT}" in visible_text(client.get(reverse("kb:compare")).content)


def add_entries(count):
    category = CategoryFactory(slug="many")
    maker = OrganizationFactory()
    ModelEntryFactory.create_batch(count, category=category, organization=maker)
    for kind in (Kind.EXAMPLES, Kind.COUNT, Kind.LICENCES, Kind.OPENNESS):
        ComparisonRowFactory(kind=kind)
    for entry in ModelEntry.objects.all():
        OpennessGrade.objects.create(entry=entry, dimension="weights", grade="open")
    ComparisonCellFactory(category=category)


@pytest.mark.parametrize("entries", [10, 200])
def test_compare_page_queries_do_not_grow_with_the_entries(
    client, django_assert_num_queries, entries
):
    add_entries(entries)
    # The content version; categories, rows, their cells; the number of published entries by
    # category and their latest change; the first entries of the one category; the distinct
    # licences; the grades and the scores counted (their tallies).
    with django_assert_num_queries(9):
        page = client.get(reverse("kb:compare"))
    assert page.content.decode().count("/models/model-") == min(entries, EXAMPLES_SHOWN)


def test_examples_name_the_first_entries_then_link_to_the_rest(client):
    add_entries(EXAMPLES_SHOWN + 3)
    ModelEntryFactory(
        name="aaa draft", category=ModelEntry.objects.first().category, status=Status.DRAFT
    )
    examples = next(row for row in category_comparison().rows if row.kind == Kind.EXAMPLES)
    cell = examples.cells[0]
    by_name = ModelEntry.objects.published().order_by(Lower("name"), "pk")
    assert [e.name for e in cell.examples] == [e.name for e in by_name[:EXAMPLES_SHOWN]]
    assert (cell.count, cell.more) == (EXAMPLES_SHOWN + 3, 3)
    html = table_html(client.get(reverse("kb:compare")))
    assertInHTML('<a href="/models/?category=many">and 3 more</a>', html)
    assert f"{EXAMPLES_SHOWN + 3} models" in visible_text(html)
    assert "aaa draft" not in html


@pytest.mark.parametrize("entries", [10, 200])
def test_featured_entries_lead_the_examples_in_as_many_queries(
    client, django_assert_num_queries, entries
):
    add_entries(entries)
    by_name = list(ModelEntry.objects.order_by(Lower("name"), "pk"))
    featured = [by_name[-1], by_name[-2]]  # last by name: shown only because they are featured
    ModelEntry.objects.filter(pk__in=[e.pk for e in featured]).update(featured=True)
    with django_assert_num_queries(9):
        page = client.get(reverse("kb:compare"))
    examples = next(row for row in category_comparison().rows if row.kind == Kind.EXAMPLES)
    cell = examples.cells[0]
    rest = [e.name for e in by_name if e not in featured]
    shown = min(entries, EXAMPLES_SHOWN)
    expected = sorted(e.name for e in featured) + rest[: shown - 2]
    assert [e.name for e in cell.examples] == expected
    assert cell.more == entries - shown
    html = table_html(page)
    links = parse(html).find_all("a")
    names = [link.text for link in links if "/models/model-" in link.get("href", "")]
    assert names == expected
    if cell.more:
        assertInHTML(f'<a href="/models/?category=many">and {cell.more} more</a>', html)


def test_the_seed_comparison_leads_with_the_seed_articles_entries(client, seed):
    open_source = ModelEntry.objects.get(slug="llama-2").category
    ModelEntryFactory.create_batch(
        EXAMPLES_SHOWN, name=factory.Sequence(lambda n: f"A imported {n:02}"), category=open_source
    )
    examples = next(row for row in category_comparison().rows if row.kind == Kind.EXAMPLES)
    cell = next(c for c in examples.cells if c.category == open_source)
    seed_names = sorted(
        (e.name for e in ModelEntry.objects.filter(category=open_source, featured=True)),
        key=str.lower,
    )
    assert seed_names and [e.name for e in cell.examples[: len(seed_names)]] == seed_names
    assert cell.more == EXAMPLES_SHOWN + len(seed_names) - len(cell.examples)


def test_the_table_is_built_once_per_content_version(client, table_data, django_assert_num_queries):
    client.get(reverse("kb:compare"))
    with django_assert_num_queries(1):  # the content version only
        again = client.get(reverse("kb:compare"))
    assert "Gamma" in table_html(again)
    entry = ModelEntry.objects.get(name="Gamma")
    entry.name = "Gamma 2"
    entry.save()
    assert "Gamma 2" in table_html(client.get(reverse("kb:compare")))


def test_the_table_is_not_kept_without_a_content_version(table_data):
    ContentVersion.objects.all().delete()
    assert cells(category_comparison(), "Number of models")[1].count == 1
    ModelEntry.objects.filter(name="Hidden draft").update(status=Status.PUBLISHED)
    assert cells(category_comparison(), "Number of models")[0].count == 5


@pytest.fixture
def graded(table_data):
    """The Openness row, and grades: Zephyr all open (100), Unknown licence all closed (0); alpha
    open weights and partial training data, 2 of 9 graded, too few for a score; Beta and Gamma
    not graded."""
    ComparisonRowFactory(label="Openness", kind=Kind.OPENNESS, position=5)
    grades = {
        "Zephyr": {dimension: "open" for dimension in OpennessGrade.Dimension.values},
        "alpha": {"weights": "open", "training_data": "partial"},
        "Unknown licence": {dimension: "closed" for dimension in OpennessGrade.Dimension.values},
        "Hidden draft": {"weights": "open"},
    }
    for name, by_dimension in grades.items():
        entry = ModelEntry.objects.get(name=name)
        for dimension, grade in by_dimension.items():
            OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=grade)
    return table_data


def test_the_openness_row_summarises_each_categorys_published_entries(graded):
    open_, closed = (cell.openness for cell in cells(category_comparison(), "Openness"))
    # (100 + 0) / 2: alpha, with 2 of 9 dimensions graded, has no score and stays out of the
    # average (which counting its unknowns as closed pulled down to 39).
    assert (open_.average, open_.lowest, open_.highest) == (50, 0, 100)
    assert (open_.scored, open_.not_scored) == (2, 2)
    weights, _, training_data, *_ = open_.dimensions
    assert weights.label == "Weights"
    assert [(c.grade, c.count) for c in weights.counts] == [
        ("open", 2),
        ("closed", 1),
        ("unknown", 1),
    ]
    assert [(c.grade, c.count) for c in training_data.counts] == [
        ("open", 1),
        ("partial", 1),
        ("closed", 1),
        ("unknown", 1),
    ]
    assert (closed.average, closed.scored, closed.not_scored) == (None, 0, 1)


def test_the_openness_row_on_the_page(client, graded):
    html = table_html(client.get(reverse("kb:compare")))
    openness = rows_of(html)[-1]
    assert openness[0] == "Openness"
    assert openness[1].startswith(
        "Average score 50 out of 100, from 0 to 100 "
        "2 models scored, 2 not scored (fewer than 5 of 9 dimensions graded) "
        "By dimension Weights ● 2 open ○ 1 closed ? 1 unknown "
        "Training code ● 1 open ○ 1 closed ? 2 unknown "
    )
    assert openness[2] == "1 model not scored (fewer than 5 of 9 dimensions graded)"
    assert {"class": "comparison-openness"} in attrs_of(html, "tr")
    # The same row where an article embeds the table.
    article = ArticleFactory(body="[[comparison]]")
    assert table_html(client.get(article.get_absolute_url())) == html


def test_the_openness_row_follows_the_grades_through_the_page_cache(client, graded, page_cache):
    first = rows_of(table_html(client.get(reverse("kb:compare"))))[-1]
    assert first[1].startswith("Average score 50 out of 100")
    gamma = ModelEntry.objects.get(name="Gamma")
    for dimension in OpennessGrade.Dimension.values[:5]:
        OpennessGrade.objects.create(entry=gamma, dimension=dimension, grade="partial")
    grade = OpennessGrade.objects.get(entry__name="Unknown licence", dimension="weights")
    grade.grade = "open"
    grade.save()
    after = rows_of(table_html(client.get(reverse("kb:compare"))))[-1]
    assert after[1].startswith("Average score 56 out of 100")  # (100 + 11) / 2 = 55.5
    assert after[2].startswith("Average score 50 out of 100 1 model scored By dimension")


def run_openness_migration():
    migration = importlib.import_module("kb.catalogue.migrations.0006_openness_comparison_row")
    migration.add_openness_row(django_apps, SimpleNamespace(connection=connection))


def test_the_migration_adds_the_openness_row_after_the_existing_rows(table_data):
    before = ContentVersion.objects.get().value
    run_openness_migration()
    row = ComparisonRow.objects.get(slug="openness")
    assert (row.label, row.kind, row.position) == ("Openness", "openness", 5)
    assert ContentVersion.objects.get().value > before  # cached pages show it at once
    run_openness_migration()  # twice changes nothing
    assert ComparisonRow.objects.filter(kind=Kind.OPENNESS).count() == 1


def test_the_migration_leaves_an_empty_database_and_an_editors_row_alone(db):
    run_openness_migration()
    assert not ComparisonRow.objects.exists()  # the bundled content brings the row
    ComparisonRowFactory(label="Openness", slug="how-open", position=1)
    run_openness_migration()
    assert list(ComparisonRow.objects.values_list("slug", "kind")) == [("how-open", "written")]
