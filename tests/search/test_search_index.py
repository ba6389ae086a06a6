"""The search index stays in step with the content: edits, deletes, renames, admin actions,
relation changes and the bundled content load; the rebuild command restores it."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse

from kb.catalogue.bundled import load_bundled_content
from kb.catalogue.freshness import read_content_version
from kb.catalogue.models import (
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    Modality,
    ModelEntry,
    Organization,
    ProCon,
    Status,
)
from kb.search.models import SearchDocument
from tests.support.admin_forms import changeform_data
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ComparisonCellFactory,
    ComparisonRowFactory,
    ModelEntryFactory,
    ProConFactory,
)
from tests.support.search_pages import hits, search_url, titles

pytestmark = pytest.mark.django_db


def found(client, text, **params):
    return titles(client.get(search_url(text, **params)))


def test_the_bundled_content_load_indexes_everything_visible(seed):
    kinds = dict(SearchDocument.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    # One document per page: pros and cons are part of their model's or category's.
    assert kinds == {"article": 2, "model": 10, "category": 2, "comparison": 1}


def test_loading_the_bundled_content_again_changes_nothing(client, seed):
    before = set(SearchDocument.objects.values_list("kind", "object_id", "title"))
    load_bundled_content()
    assert set(SearchDocument.objects.values_list("kind", "object_id", "title")) == before
    assert found(client, "mistral", type="model") == ["Mistral", "Mixtral"]


def test_an_edit_is_found_at_once_and_the_old_text_is_gone(client, seed):
    entry = ModelEntry.objects.get(slug="falcon")
    entry.summary = "Now about quokkas."
    entry.save()
    assert found(client, "quokkas") == ["Falcon"]
    assert found(client, '"trained mainly on the RefinedWeb"') == []


def test_a_renamed_entry_is_found_by_its_new_name_only(client, seed):
    entry = ModelEntry.objects.get(slug="bloom")
    entry.name = "Blossom"
    entry.save()
    assert found(client, "blossom")[0] == "Blossom"
    assert "BLOOM" not in found(client, "bloom")


def test_a_deleted_entry_and_its_pros_and_cons_disappear(client, db):
    entry = ModelEntryFactory(name="Quokka")
    ProConFactory(category=None, entry=entry, text="Wombat con")
    assert found(client, "wombat") == ["Quokka"]
    entry.delete()
    assert found(client, "quokka") == []
    assert found(client, "wombat") == []
    assert not SearchDocument.objects.filter(kind="model").exists()


def test_a_deleted_article_disappears(client, db):
    article = ArticleFactory(title="Quokka news")
    article.delete()
    assert found(client, "quokka") == []


def test_renaming_an_organization_reindexes_its_entries(client, seed):
    organization = Organization.objects.get(slug="mistral-ai")
    organization.name = "Vent du Sud"
    organization.save()
    assert found(client, "vent sud", type="model") == ["Mistral", "Mixtral"]
    page = client.get(search_url("mixtral"))
    assert hits(page)[0]["kind"] == "Model · Vent du Sud · Open-source models"


def test_renaming_a_category_reindexes_what_shows_it(client, seed):
    category = Category.objects.get(slug="closed")
    category.name = "Proprietary quokkas"
    category.save()
    page = client.get(search_url("limited customization", type="category"))
    assert hits(page)[0]["title"] == "Proprietary quokkas"
    assert hits(page)[0]["kind"] == "Category"
    assert "Sora" in found(client, "quokkas")
    assert "Open-Source vs Closed Models" in found(client, "quokkas")


def test_renaming_a_modality_reindexes_its_entries(client, seed):
    video = Modality.objects.get(slug="video")
    video.name = "Moving pictures"
    video.save()
    assert set(found(client, '"moving pictures"')) == {"Sora", "Gemini"}


def test_modalities_changed_from_either_side_are_searchable(client, db):
    entry = ModelEntryFactory(name="Listener")
    audio = Modality.objects.create(name="Audio", slug="audio")
    entry.modalities.add(audio)
    assert found(client, "audio") == ["Listener"]
    audio.entries.clear()
    assert found(client, "audio") == []
    audio.entries.add(entry)
    assert found(client, "audio") == ["Listener"]
    audio.delete()
    assert found(client, "audio") == []


def test_article_categories_changed_from_either_side_are_filterable(client, db):
    article = ArticleFactory(title="Quokka essay")
    zoo = Category.objects.create(name="Zoo", short_name="Zoo", slug="zoo")
    article.categories.add(zoo)
    assert found(client, "quokka", category="zoo") == ["Quokka essay"]
    zoo.articles.clear()
    assert found(client, "quokka", category="zoo") == []
    zoo.articles.add(article)
    zoo.delete()
    assert found(client, "quokka") == ["Quokka essay"]
    assert not SearchDocument.objects.get().categories.exists()


def test_unpublishing_an_entry_hides_it_and_its_pros_and_cons(client, db):
    entry = ModelEntryFactory(name="Quokka")
    ProConFactory(category=None, entry=entry, text="Wombat pro")
    entry.status = Status.DRAFT
    entry.save()
    assert found(client, "quokka") == []
    assert found(client, "wombat") == []
    entry.status = Status.PUBLISHED
    entry.save()
    assert found(client, "wombat") == ["Quokka"]


def admin_action(client, model, action, objects):
    return client.post(
        reverse(f"admin:kb_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


def test_bulk_publish_and_unpublish_articles_in_the_admin(editor_client, client):
    drafts = [ArticleFactory(title=f"Quokka {n}", status=Status.DRAFT) for n in range(3)]
    assert found(client, "quokka") == []
    assert admin_action(editor_client, "article", "publish", drafts).status_code == 302
    assert sorted(found(client, "quokka")) == ["Quokka 0", "Quokka 1", "Quokka 2"]
    assert admin_action(editor_client, "article", "unpublish", drafts[:2]).status_code == 302
    assert found(client, "quokka") == ["Quokka 2"]


def test_bulk_publish_and_unpublish_entries_in_the_admin(editor_client, client):
    drafts = [ModelEntryFactory(name=f"Quokka {n}", status=Status.DRAFT) for n in range(2)]
    admin_action(editor_client, "modelentry", "publish", drafts)
    assert sorted(found(client, "quokka")) == ["Quokka 0", "Quokka 1"]
    admin_action(editor_client, "modelentry", "unpublish", drafts)
    assert found(client, "quokka") == []


def test_an_edit_in_the_admin_reaches_the_index_with_its_inlines(editor_client, client, seed):
    entry = ModelEntry.objects.get(slug="llama-2")
    url = reverse("admin:kb_modelentry_change", args=[entry.pk])
    data = changeform_data(editor_client.get(url), summary="Quokka summary.")
    # A pro added after the ones it has.
    new = int(data["pros_cons-TOTAL_FORMS"])
    data["pros_cons-TOTAL_FORMS"] = str(new + 1)
    data.update(
        {f"pros_cons-{new}-kind": "pro", f"pros_cons-{new}-text": "Quokka-friendly licence"}
    )
    data.update({f"pros_cons-{new}-position": "9", f"pros_cons-{new}-entry": entry.pk})
    data[f"pros_cons-{new}-version"] = "0"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    (hit,) = hits(client.get(search_url("quokka")))
    assert hit["title"] == "LLaMA 2"
    assert "<mark>Quokka</mark>-friendly licence" in hit["snippet"]


def test_a_failed_save_leaves_the_index_as_it_was(client, seed):
    entry = ModelEntry.objects.get(slug="gemini")
    entry.name = "Quokka"
    entry.context_window = 0  # refused by a check constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    assert found(client, "quokka") == []
    assert found(client, "gemini")[0] == "Gemini"


# The comparison's rows: the seed article and /compare/ show them through [[comparison]].

COMPARISON = "Compare the categories"  # /compare/'s title, its one document's


def test_the_comparison_rows_are_found_and_lead_to_the_comparison(client, seed):
    # The comparison, one result however many of its rows match, quoting the row that does;
    # and the seed article, which shows the comparison.
    hit, article = hits(client.get(search_url("guardrails")))
    assert article["title"] == "Open-Source vs Closed Models"
    assert hit["title"] == COMPARISON
    assert hit["url"] == reverse("kb:compare")
    assert hit["kind"] == "Comparison · Open-source vs Closed"
    assert (
        "Safety &amp; <mark>Guardrails</mark>: Open-source: You build them yourself; "
        "Closed: Often built-in" in hit["snippet"]
    )
    assert found(client, "fine-tuning on-prem") == [COMPARISON, "Open-Source vs Closed Models"]
    assert found(client, "guardrails", type="comparison") == [COMPARISON]
    assert found(client, "guardrails", category="closed") == [
        COMPARISON,
        "Open-Source vs Closed Models",
    ]
    # Words of several rows: still one result for the page.
    assert found(client, "open", type="comparison") == [COMPARISON]


def test_the_index_follows_the_comparison_cells_and_rows(
    client, seed, django_capture_on_commit_callbacks
):
    # The seed article shows the comparison ([[comparison]]): it follows once each change
    # commits.
    article = "Open-Source vs Closed Models"
    cell = ComparisonCell.objects.get(row__slug="safety-guardrails", category__slug="closed")
    cell.text = "Filters for **quokkas**"
    with django_capture_on_commit_callbacks(execute=True):
        cell.save()
    assert found(client, "quokkas") == [COMPARISON, article]
    assert found(client, '"often built-in"') == []
    with django_capture_on_commit_callbacks(execute=True):
        cell.delete()
    assert found(client, "quokkas") == []

    row = ComparisonRow.objects.get(slug="transparency")
    row.label = "Openness of the weights"
    assert article not in found(client, '"openness of the weights"', type="article")
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    assert found(client, "weights", type="comparison") == [COMPARISON]
    (hit,) = hits(client.get(search_url("openness weights", type="comparison")))
    assert "<mark>Openness</mark> of the <mark>weights</mark>" in hit["snippet"]
    # (On PostgreSQL the phrase, stemmed, may match the numbers article's words too.)
    assert article in found(client, '"openness of the weights"', type="article")
    Category.objects.filter(slug="closed").get().save()  # saved as is: nothing changes
    category = Category.objects.get(slug="open-source")
    category.short_name = "Open"
    category.save()
    assert hits(client.get(search_url("black box")))[0]["kind"] == "Comparison · Open vs Closed"

    row.kind = ComparisonRow.Kind.COUNT  # a generated row is found on the pages showing it
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    assert found(client, "black box") == []
    with django_capture_on_commit_callbacks(execute=True):
        ComparisonRow.objects.get(slug="use-cases").delete()
    assert found(client, "on-prem") == []


def test_a_new_row_and_its_cells_are_found(client, db):
    row = ComparisonRowFactory(label="Quokka support")
    ComparisonCellFactory(row=row, category=CategoryFactory(short_name="Wild"), text="Native")
    (hit,) = hits(client.get(search_url("native")))
    assert (hit["title"], hit["url"]) == ("Compare the categories", reverse("kb:compare"))
    assert hit["snippet"] == "Quokka support: Wild: <mark>Native</mark>"
    assert found(client, "quokka") == ["Compare the categories"]


# The rebuild command.


def test_rebuild_restores_the_index_and_reports_counts(client, seed, capsys):
    SearchDocument.objects.all().delete()
    assert found(client, "mistral") == []
    call_command("rebuild_search_index")
    out, err = capsys.readouterr()
    assert (
        "Search index rebuilt: 15 documents (2 articles, 10 models, 2 categories, "
        "1 comparison)." in out
    )
    assert "Models: 100%" in err
    assert found(client, "mistral", type="model") == ["Mistral", "Mixtral"]


def test_rebuild_picks_up_changes_made_without_signals(client, seed):
    Article.objects.filter(slug="open-source-vs-closed-models").update(title="Quokka handbook")
    ProCon.objects.filter(text="Limited customization").update(text="Quokka limits")
    assert found(client, "quokka") == []
    call_command("rebuild_search_index", verbosity=0)
    assert sorted(found(client, "quokka")) == ["Closed (proprietary) models", "Quokka handbook"]


def test_a_rebuild_moves_the_content_version_so_spelling_help_sees_its_words(client, seed):
    Article.objects.filter(slug="open-source-vs-closed-models").update(title="Quokka handbook")
    before = read_content_version("default")
    assert found(client, "quokkka") == []  # the words kept for spelling help lack "quokka"
    call_command("rebuild_search_index", verbosity=0)
    assert read_content_version("default") != before
    assert found(client, "quokkka") == ["Quokka handbook"]


def test_the_index_keeps_working_after_a_rebuild(client, seed):
    call_command("rebuild_search_index", verbosity=0)
    ModelEntryFactory(name="Quokka")
    assert found(client, "quokka") == ["Quokka"]
