"""Revisions: every save keeps one; editors view, compare, restore and recover from the admin."""

import pytest
from django.urls import reverse
from reversion.models import Version

from kb.catalogue.models import Article, Category, ComparisonRow, ModelEntry, ProCon, Status
from tests.support.admin_forms import changeform_data
from tests.support.factories import ArticleFactory
from tests.support.html import parse
from tests.support.seed import SEED_ARTICLE
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


def versions_of(obj):
    return Version.objects.get_for_object(obj).select_related("revision__user")


def edit(client, obj, **changes):
    """Open the change page of ``obj`` and save it with ``changes``, as an editor would."""
    url = reverse(f"admin:kb_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.post(url, changeform_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_bundled_content_starts_with_one_revision_per_item(seed):
    for obj in [*Article.objects.all(), *ModelEntry.objects.all(), *Category.objects.all()]:
        assert versions_of(obj).count() == 1, obj
    category = Category.objects.get(slug="open-source")
    revision = versions_of(category).get().revision
    kept = {v.object_repr for v in revision.version_set.all()}
    assert "Free or low-cost" in kept  # its pros and cons ride along
    assert not revision.version_set.get_for_model(Article).exists()  # nothing else does


def test_loading_twice_adds_no_revision(seed):
    from kb.catalogue.bundled import load_bundled_content

    before = Version.objects.count()
    load_bundled_content()
    assert Version.objects.count() == before


def test_a_save_in_the_admin_keeps_a_revision_with_who_and_what(editor_client, editor, seed):
    entry = ModelEntry.objects.get(slug="mistral")
    edit(editor_client, entry, summary="A sharper summary.")
    latest = versions_of(entry).first()
    assert latest.revision.user == editor
    assert latest.revision.get_comment() == "Changed Summary."
    assert latest.field_dict["summary"] == "A sharper summary."

    history = editor_client.get(reverse("admin:kb_modelentry_history", args=[entry.pk]))
    text = visible_text(history.content)
    assert "editor" in text and "Changed Summary" in text
    # The newest revision is the item as it is now: nothing to compare it with.
    rows = parse(history.content).find("table", id="change-history").find("tbody").find_all("tr")
    assert [row.elements[-1].text for row in rows] == ["Compare with now", "The item as it is now"]


def test_a_revision_older_than_the_item_is_compared_with_now(editor_client, seed):
    entry = ModelEntry.objects.get(slug="mistral")
    edit(editor_client, entry, summary="A sharper summary.")
    # Changed without a revision (a shell, a data migration): the newest one is not "now".
    ModelEntry.objects.filter(pk=entry.pk).update(summary="Changed behind the admin's back.")
    history = editor_client.get(reverse("admin:kb_modelentry_history", args=[entry.pk]))
    assert visible_text(history.content).count("Compare with now") == 2


def test_inline_pros_and_cons_are_kept_with_their_owner(editor_client, seed):
    category = Category.objects.get(slug="closed")
    page = editor_client.get(reverse("admin:kb_category_change", args=[category.pk]))
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    edit(editor_client, category, **{f"{prefix}-0-text": "Reliable, if you pay"})
    revision = versions_of(category).first().revision
    texts = {v.field_dict.get("text") for v in revision.version_set.all()}
    assert "Reliable, if you pay" in texts
    assert revision.version_set.count() == 1 + category.pros_cons.count()


def test_compare_shows_the_revision_next_to_now(editor_client, seed):
    article = Article.objects.get(slug=SEED_ARTICLE)
    first = versions_of(article).get()
    old_body = article.body
    edit(editor_client, article, title="A new title", body=old_body + "\n\nA closing line.")
    url = reverse("admin:kb_article_compare", args=[article.pk, first.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    changes = {change.label: change for change in page.context["changes"]}
    assert set(changes) == {"title", "body"}
    assert changes["title"].before == "Open-Source vs Closed Models"
    assert changes["title"].after == "A new title"
    assert ("added", "A closing line.") in changes["body"].lines
    assert "Restore this revision" in page.content.decode()


def test_compare_lists_inline_rows_that_changed(editor_client, seed):
    row = ComparisonRow.objects.get(slug="access")
    first = versions_of(row).get()
    cell = row.cells.get(category__slug="closed")
    cell.text = "Only through an API."
    cell.save()
    page = editor_client.get(reverse("admin:kb_comparisonrow_compare", args=[row.pk, first.pk]))
    (change,) = page.context["changes"]
    assert change.label == "Comparison cells"
    assert ("added", "Closed (proprietary) models · Only through an API.") in change.lines


def test_restoring_a_revision_puts_back_text_and_inline_rows(editor_client, editor, seed):
    category = Category.objects.get(slug="open-source")
    original = versions_of(category).get()
    pros_before = list(category.pros_cons.values_list("text", flat=True))
    page = editor_client.get(reverse("admin:kb_category_change", args=[category.pk]))
    formset = page.context["inline_admin_formsets"][0].formset
    edit(
        editor_client,
        category,
        summary="Vandalised.",
        **{f"{formset.prefix}-0-DELETE": "on"},
    )
    category.refresh_from_db()
    assert category.summary == "Vandalised."
    assert category.pros_cons.count() == len(pros_before) - 1

    url = reverse("admin:kb_category_revision", args=[category.pk, original.pk])
    form_page = editor_client.get(url)
    assert form_page.status_code == 200
    assert "Vandalised." not in form_page.content.decode()
    response = editor_client.post(url, changeform_data(form_page))
    assert response.status_code == 302

    category.refresh_from_db()
    assert category.summary != "Vandalised."
    assert list(category.pros_cons.values_list("text", flat=True)) == pros_before
    latest = versions_of(category).first()
    assert latest.revision.user == editor
    assert "Reverted" in latest.revision.get_comment()


def test_restoring_never_moves_an_edit_counter_back(editor_client, seed):
    article = Article.objects.get(slug=SEED_ARTICLE)
    first = versions_of(article).get()
    for title in ("Second", "Third"):
        edit(editor_client, article, title=title)
    article.refresh_from_db()
    assert article.version == 3
    url = reverse("admin:kb_article_revision", args=[article.pk, first.pk])
    form_page = editor_client.get(url)
    assert form_page.context["adminform"].form["version"].value() == 3
    assert editor_client.post(url, changeform_data(form_page)).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.version) == ("Open-Source vs Closed Models", 4)


def test_a_restore_over_a_newer_save_is_refused(editor_client, seed):
    article = Article.objects.get(slug=SEED_ARTICLE)
    first = versions_of(article).get()
    url = reverse("admin:kb_article_revision", args=[article.pk, first.pk])
    form_page = editor_client.get(url)
    edit(editor_client, article, lede="Saved by someone else meanwhile.")
    response = editor_client.post(url, changeform_data(form_page))
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.lede == "Saved by someone else meanwhile."


def test_a_deleted_item_is_recovered_with_its_inline_rows(editor_client, seed):
    entry = ModelEntry.objects.get(slug="falcon")
    pros = sorted(entry.pros_cons.values_list("text", flat=True))
    sources = entry.sources.count()
    delete_url = reverse("admin:kb_modelentry_delete", args=[entry.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not ModelEntry.objects.filter(slug="falcon").exists()

    changelist = editor_client.get(reverse("admin:kb_modelentry_changelist"))
    assert "Recover deleted model entries" in visible_text(changelist.content)
    recover_list = editor_client.get(reverse("admin:kb_modelentry_recoverlist"))
    assert "Falcon" in visible_text(recover_list.content)
    (deleted,) = recover_list.context["deleted"]
    url = reverse("admin:kb_modelentry_recover", args=[deleted.pk])
    form_page = editor_client.get(url)
    assert form_page.status_code == 200
    assert editor_client.post(url, changeform_data(form_page)).status_code == 302

    entry = ModelEntry.objects.get(slug="falcon")
    assert sorted(entry.pros_cons.values_list("text", flat=True)) == pros
    assert entry.sources.count() == sources
    assert entry.get_absolute_url() == "/models/falcon/"


def test_bulk_actions_keep_one_revision_per_item(editor_client, editor):
    drafts = ArticleFactory.create_batch(2, status=Status.DRAFT)
    url = reverse("admin:kb_article_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [a.pk for a in drafts]})
    for article in drafts:
        (version,) = versions_of(article)
        assert version.revision.user == editor
        assert version.revision.get_comment() == "Published."
        assert version.revision.version_set.count() == 1
        assert version.field_dict["status"] == Status.PUBLISHED


def test_list_edits_keep_one_revision_per_item(editor_client, seed):
    url = reverse("admin:kb_comparisonrow_changelist")
    page = editor_client.get(url)
    formset = page.context["cl"].formset
    data = {
        f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()
    }
    for i, form in enumerate(formset.forms):
        data[f"{formset.prefix}-{i}-id"] = form.instance.pk
        data[f"{formset.prefix}-{i}-position"] = 100 - i
    data["_save"] = "Save"
    assert editor_client.post(url, data).status_code == 302
    for row in ComparisonRow.objects.all():
        latest = versions_of(row).first()
        assert latest.revision.get_comment() == "Changed position in the list."
        assert latest.revision.version_set.get_for_model(ComparisonRow).count() == 1


def test_history_pages_need_permission(client, seed):
    article = Article.objects.get(slug=SEED_ARTICLE)
    version = versions_of(article).get()
    urls = [
        reverse("admin:kb_article_history", args=[article.pk]),
        reverse("admin:kb_article_compare", args=[article.pk, version.pk]),
        reverse("admin:kb_article_revision", args=[article.pk, version.pk]),
        reverse("admin:kb_article_recoverlist"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_compare_with_a_version_of_another_item_is_404(editor_client, seed):
    entry = ModelEntry.objects.get(slug="bloom")
    other = versions_of(ModelEntry.objects.get(slug="falcon")).get()
    url = reverse("admin:kb_modelentry_compare", args=[entry.pk, other.pk])
    assert editor_client.get(url).status_code == 404


def test_procon_history_for_a_standalone_edit(editor_client, editor, seed):
    pro = ProCon.objects.get(text="Free or low-cost")
    edit(editor_client, pro, text="Free to download")
    assert versions_of(pro).first().revision.user == editor
