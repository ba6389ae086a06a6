"""What a page shows is what search finds: one result per page, its pros and cons and the
generated blocks it places included; a family query lists the family, then its variants newest
first. On whichever engine the tests run on (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import datetime

import pytest

from kb.catalogue.models import ProCon
from kb.search.models import SearchDocument
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ComparisonCellFactory,
    ComparisonRowFactory,
    ModelEntryFactory,
    OrganizationFactory,
    ProConFactory,
)
from tests.support.search_pages import hits, search, titles

pytestmark = pytest.mark.django_db


# Pros and cons: part of their owner's page.


def test_a_model_whose_points_match_is_one_result_quoting_the_point(client, db):
    entry = ModelEntryFactory(name="Quokka", summary="A marsupial model.")
    ProConFactory(category=None, entry=entry, kind="pro", text="Wombat-grade memory")
    ProConFactory(category=None, entry=entry, kind="con", text="Needs a wombat to run")
    ProConFactory(category=None, entry=entry, kind="con", text="Slow on phones")
    (hit,) = hits(search(client, "wombat"))
    assert (hit["title"], hit["url"]) == ("Quokka", entry.get_absolute_url())
    assert hit["snippet"] == (
        "<mark>Wombat</mark>-grade memory … Needs a <mark>wombat</mark> to run"
    )
    assert titles(search(client, "wombat", type="model")) == ["Quokka"]


def test_a_category_is_found_by_its_points_on_its_own_page(client, db):
    category = CategoryFactory(name="Burrowing models", summary="Models that dig.")
    ProConFactory(category=category, kind="con", text="Hard to audit underground")
    (hit,) = hits(search(client, "underground"))
    assert (hit["title"], hit["kind"]) == ("Burrowing models", "Category")
    assert hit["url"] == category.get_absolute_url()
    assert hit["snippet"] == "Hard to audit <mark>underground</mark>"
    assert titles(search(client, "dig", type="category")) == ["Burrowing models"]


def test_points_follow_their_edits_and_deletion(client, db):
    entry = ModelEntryFactory(name="Quokka")
    point = ProConFactory(category=None, entry=entry, text="Wombat pro")
    point.text = "Numbat pro"
    point.save()
    assert titles(search(client, "wombat")) == []
    assert titles(search(client, "numbat")) == ["Quokka"]
    point.delete()
    assert titles(search(client, "numbat")) == []
    assert titles(search(client, "quokka")) == ["Quokka"]
    assert not SearchDocument.objects.filter(kind="procon").exists()


def test_no_document_per_point(seed):
    assert ProCon.objects.count() > 0
    assert SearchDocument.objects.filter(label__in=["Pro", "Con"]).count() == 0


# Generated blocks: found on the page that places them.


def test_an_article_is_found_by_the_examples_it_lists(
    client, db, django_capture_on_commit_callbacks
):
    category = CategoryFactory(slug="burrowers", name="Burrowers")
    ModelEntryFactory(
        name="Quokka", category=category, organization=OrganizationFactory(name="Zoo")
    )
    ArticleFactory(title="Small animals", body="Our favourites:\n\n[[examples burrowers]]\n")
    assert titles(search(client, "quokka")) == ["Quokka", "Small animals"]
    # A new entry joins the list on the article once its save commits.
    with django_capture_on_commit_callbacks(execute=True):
        ModelEntryFactory(name="Wombat", category=category)
    assert titles(search(client, "wombat")) == ["Wombat", "Small animals"]


def test_an_article_is_found_by_the_comparison_rows_it_shows(
    client, db, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Compared", body="See:\n\n[[comparison]]\n")
    with django_capture_on_commit_callbacks(execute=True):
        row = ComparisonRowFactory(label="Guardrails")
        ComparisonCellFactory(row=row, category=CategoryFactory(short_name="Wild"), text="Few")
    assert titles(search(client, "guardrails")) == ["Compare the categories", "Compared"]
    [*_, hit] = hits(search(client, "guardrails"))
    assert hit["url"] == article.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
    assert titles(search(client, "guardrails")) == []


def test_a_placeholder_inside_code_shows_nothing_and_finds_nothing(client, db):
    ModelEntryFactory(name="Quokka", category=CategoryFactory(slug="burrowers"))
    ArticleFactory(title="Syntax", body="Write `[[examples burrowers]]` on a line.")
    assert titles(search(client, "quokka")) == ["Quokka"]


# Families.


def test_a_family_query_lists_the_family_then_its_variants_newest_first(client, db):
    family = ModelEntryFactory(name="Quokka 2", is_family=True)
    for name, released in [
        ("Quokka 2-7B", datetime.date(2023, 7, 18)),
        ("Quokka 2-70B", datetime.date(2024, 1, 5)),
        ("Quokka 2 Chat", None),
        ("Quokka 2-13B", datetime.date(2023, 9, 1)),
    ]:
        ModelEntryFactory(name=name, family=family, release_date=released)
    ModelEntryFactory(name="Quokka 2 fan edition")  # not a variant: after them
    assert titles(search(client, "quokka 2")) == [
        "Quokka 2",
        "Quokka 2-70B",
        "Quokka 2-13B",
        "Quokka 2-7B",
        "Quokka 2 Chat",
        "Quokka 2 fan edition",
    ]
    assert titles(search(client, "quokka2"))[:2] == ["Quokka 2", "Quokka 2-70B"]
