import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from kb.catalogue.models import (
    RELEASE_DATE_HORIZON,
    Article,
    ModelEntry,
    ProCon,
    Status,
    validate_uri_characters,
)
from kb.catalogue.text import sort_key
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModelEntryFactory,
    OrganizationFactory,
    ProConFactory,
)

pytestmark = pytest.mark.django_db


def test_procon_needs_exactly_one_owner_in_the_database():
    category = CategoryFactory()
    entry = ModelEntryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProCon.objects.create(kind="pro", text="No owner")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProCon.objects.create(kind="pro", text="Two owners", category=category, entry=entry)
    assert ProCon.objects.count() == 0


def test_procon_without_owner_fails_validation_as_a_whole():
    # Not keyed to the owner fields, which a form (an inline) may not have.
    with pytest.raises(ValidationError) as excinfo:
        ProCon(kind="pro", text="No owner").full_clean()
    message = "Choose either a category or a model entry (exactly one)."
    assert message in excinfo.value.message_dict[NON_FIELD_ERRORS]


@pytest.mark.parametrize("field", ["parameter_count", "context_window"])
def test_counts_cannot_be_zero_or_negative_in_the_database(field):
    entry = ModelEntryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelEntry.objects.filter(pk=entry.pk).update(**{field: 0})


def test_unknown_facts_are_null_not_zero():
    entry = ModelEntryFactory()
    entry.refresh_from_db()
    assert entry.parameter_count is None
    assert entry.context_window is None
    assert entry.release_date is None
    assert entry.licence_osi_approved is None


def released_in(release_date):
    return ModelEntryFactory.build(
        organization=OrganizationFactory(), category=CategoryFactory(), release_date=release_date
    )


def test_a_release_date_up_to_a_year_ahead_is_accepted(frozen_now):
    released_in(frozen_now.date() + RELEASE_DATE_HORIZON).full_clean()


@pytest.mark.parametrize(
    "ahead", [RELEASE_DATE_HORIZON + datetime.timedelta(days=1), datetime.timedelta(days=800)]
)
def test_release_date_far_in_the_future_is_refused(frozen_now, ahead):
    entry = released_in(frozen_now.date() + ahead)
    with pytest.raises(ValidationError) as excinfo:
        entry.full_clean()
    assert "release_date" in excinfo.value.message_dict


@pytest.mark.parametrize("owner", ["category", "organization"])
def test_deleting_what_entries_use_is_refused(owner):
    entry = ModelEntryFactory()
    with pytest.raises(ProtectedError):
        getattr(entry, owner).delete()
    assert ModelEntry.objects.filter(pk=entry.pk).exists()


def test_slugs_are_unique():
    ModelEntryFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelEntryFactory(slug="same")


def test_published_querysets_leave_drafts_out():
    ModelEntryFactory(name="Shown")
    ModelEntryFactory(name="Hidden", status=Status.DRAFT)
    ArticleFactory(title="Shown")
    ArticleFactory(title="Hidden", status=Status.DRAFT)
    assert [e.name for e in ModelEntry.objects.published()] == ["Shown"]
    assert [a.title for a in Article.objects.published()] == ["Shown"]


def test_publishing_sets_the_published_time_once():
    article = ArticleFactory(status=Status.DRAFT)
    assert article.published_at is None
    article.status = Status.PUBLISHED
    article.save()
    first = article.published_at
    assert first is not None
    article.status = Status.DRAFT
    article.save()
    article.status = Status.PUBLISHED
    article.save()
    assert article.published_at == first


def test_absolute_urls_use_the_public_routes():
    entry = ModelEntryFactory(slug="llama-2")
    assert entry.get_absolute_url() == "/models/llama-2/"
    assert entry.category.get_absolute_url() == f"/categories/{entry.category.slug}/"
    assert entry.organization.get_absolute_url() == f"/organizations/{entry.organization.slug}/"
    assert ArticleFactory(slug="a").get_absolute_url() == "/articles/a/"


def test_procon_owner_is_its_category_or_entry():
    assert ProConFactory().owner.__class__.__name__ == "Category"
    entry = ModelEntryFactory()
    assert ProConFactory(category=None, entry=entry).owner == entry


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ('https://example.org/"x"', 'A URL cannot contain “"”: write it as %22.'),
        ("https://example.org/<x>", "A URL cannot contain “<”: write it as %3C."),
        ("https://example.org/a>b", "A URL cannot contain “>”: write it as %3E."),
        ("https://example.org/a b", "A URL cannot contain a space: write it as %20."),
        ("https://example.org/\x01", "A URL cannot contain the invisible character U+0001"),
        ("https://example.org/a\u200bb", "A URL cannot contain the invisible character U+200B"),
        ("https://example.org/{x}", "A URL cannot contain “{”: write it as %7B."),
        ("https://example.org/100%", "A URL cannot contain a “%” that starts no escape"),
    ],
)
def test_url_fields_refuse_what_no_uri_holds(url, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_uri_characters(url)
    assert excinfo.value.messages[0].startswith(message)
    entry = ModelEntryFactory.build(homepage=url, organization=None, category=None)
    with pytest.raises(ValidationError) as excinfo:
        entry.clean_fields(exclude=["organization", "category"])
    assert "homepage" in excinfo.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "https://example.org/a%20b?q=1&r=(2)#part",
        "https://user@example.org:8443/it's;v=1,2*+!$~",
        "https://[2001:db8::1]/",
    ],
)
def test_url_fields_take_every_uri(url):
    validate_uri_characters(url)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (
            "https://de.example.org/wiki/K\u00fcnstliche_Intelligenz",
            "https://de.example.org/wiki/K%C3%BCnstliche_Intelligenz",
        ),
        (
            "https://b\u00fccher.example:8080/caf\u00e9?q=\u00e9#\u00fc",
            "https://xn--bcher-kva.example:8080/caf%C3%A9?q=%C3%A9#%C3%BC",
        ),
        ("https://example.org/plain", "https://example.org/plain"),
    ],
)
def test_url_fields_store_letters_beyond_ascii_as_a_uri(written, stored):
    """An address copied from a browser's address bar is kept, in the form a URI holds it."""
    entry = ModelEntryFactory.build(homepage=written, organization=None, category=None)
    entry.clean_fields(exclude=["organization", "category"])
    assert entry.homepage == stored
    validate_uri_characters(stored)


def test_url_fields_still_refuse_invisible_characters_beyond_ascii():
    entry = ModelEntryFactory.build(
        homepage="https://example.org/a\u200bb", organization=None, category=None
    )
    with pytest.raises(ValidationError) as excinfo:
        entry.clean_fields(exclude=["organization", "category"])
    assert "U+200B" in excinfo.value.message_dict["homepage"][0]


def test_an_entry_keeps_its_folded_name_for_lookups_by_name():
    entry = ModelEntryFactory(name="Ｍístral  7B")
    assert ModelEntry.objects.get(pk=entry.pk).name_key == "mistral 7b"
    entry.name = "Mixtral\u200b 8x7B"
    entry.save(update_fields=["name"])
    assert ModelEntry.objects.get(pk=entry.pk).name_key == "mixtral 8x7b"


def test_an_entry_keeps_its_sort_name_in_step_with_its_name():
    entry = ModelEntryFactory(name="(ensemble): AWD-LSTM")
    assert ModelEntry.objects.get(pk=entry.pk).sort_name == "ensemble): awd-lstm"
    entry.name = "“Ｍístral” 7B"
    entry.save(update_fields=["name"])
    assert ModelEntry.objects.get(pk=entry.pk).sort_name == "mistral” 7b"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("GPT-4", "gpt-4"),
        ("(ensemble): AWD-LSTM-DOC (fin) × 5 (WT2)", "ensemble): awd-lstm-doc (fin) × 5 (wt2)"),
        ("  -- 4 layer QRNN", "4 layer qrnn"),
        ("λ-WASP", "λ-wasp"),
        ("Ｍístral", "mistral"),
        ("?!", "?!"),
        ("", ""),
    ],
)
def test_sort_names_ignore_case_accents_and_leading_punctuation(name, key):
    assert sort_key(name) == key


def test_the_migration_makes_sort_names_as_the_catalogue_does():
    """Migration 0016 filled the column with a frozen copy of text.sort_key: they must agree."""
    from importlib import import_module

    frozen = import_module("kb.catalogue.migrations.0016_entry_sort_name").sort_key
    for name in ["GPT-4", "(ensemble): AWD", "Ｍístral  7B", "“Qwen3\u200b”", "?!", ""]:
        assert frozen(name) == sort_key(name)


def test_the_migration_folds_names_as_the_catalogue_does():
    """Migration 0011 filled the column with a frozen copy of text.fold: they must agree."""
    from importlib import import_module

    from kb.catalogue.text import fold

    frozen = import_module("kb.catalogue.migrations.0011_name_key").fold
    for name in ["GPT-4", "Ｍístral  7B", "Llama\t3.1 405B", "Qwen3\u200b-235B", "Ⅻ ﬁne", ""]:
        assert frozen(name) == fold(name)
