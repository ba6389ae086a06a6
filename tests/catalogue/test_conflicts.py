"""Two editors, one item: the second save is refused, shows what changed, and loses nothing."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from kb.catalogue.admin import ArticleAdmin
from kb.catalogue.models import (
    Article,
    Category,
    ComparisonRow,
    EditConflict,
    ModelEntry,
    Organization,
    ProCon,
    Status,
)
from tests.support.admin_forms import changeform_data
from tests.support.factories import ArticleFactory, ProConFactory, UserFactory
from tests.support.seed import SEED_ARTICLE
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor_client(editor):
    """Another editor in another browser."""
    other = UserFactory(username="other-editor", is_staff=True)
    other.groups.set(editor.groups.all())
    browser = Client()
    browser.force_login(other)
    return browser


def change_url(obj):
    return reverse(f"admin:kb_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_save_from_an_old_copy_is_refused_atomically():
    article = ArticleFactory(title="First")
    mine, theirs = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    theirs.title = "Theirs"
    theirs.save()
    mine.title = "Mine"
    with pytest.raises(EditConflict):
        mine.save()
    article.refresh_from_db()
    assert (article.title, article.version) == ("Theirs", 2)


def test_each_save_moves_the_counter_on():
    pro = ProConFactory()
    assert pro.version == 1
    pro.text = "Changed"
    pro.save()
    pro.save()
    pro.refresh_from_db()
    assert pro.version == 3


def test_the_second_editor_is_refused_and_keeps_their_text(
    editor_client, second_editor_client, seed
):
    article = Article.objects.get(slug=SEED_ARTICLE)
    url = change_url(article)
    first_page = editor_client.get(url)
    second_page = second_editor_client.get(url)
    assert first_page.context["adminform"].form["version"].value() == 1
    assert 'type="hidden" name="version" value="1"' in first_page.content.decode()

    saved = editor_client.post(url, changeform_data(first_page, title="The first editor's title"))
    assert saved.status_code == 302

    my_body = "The second editor's long text.\n\nWith a **second** paragraph."
    refused = second_editor_client.post(
        url, changeform_data(second_page, lede="The second editor's lede", body=my_body)
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    text = visible_text(html)
    assert "Someone else saved this article while you were editing it (editor," in text
    assert "Nothing was saved; your text is kept here." in text
    # What changed meanwhile, field by field: theirs next to yours.
    rows = {change.label: change for change in refused.context["adminform"].form.conflict}
    assert rows["title"].before == "The first editor's title"
    assert rows["title"].after == "Open-Source vs Closed Models"
    assert rows["lede"].after == "The second editor's lede"
    assert ("added", "The second editor's long text.") in rows["body"].lines
    assert "Theirs (stored now)" in text and "Yours (kept in the form)" in text
    # Nothing lost: the second editor's text is still in the form.
    assert "The second editor&#x27;s long text." in html
    assert refused.context["adminform"].form["lede"].value() == "The second editor's lede"
    article.refresh_from_db()
    assert article.title == "The first editor's title"
    assert article.body != my_body

    # Having seen the differences, saving again keeps theirs where wanted and mine elsewhere.
    data = changeform_data(refused, title="The first editor's title")
    assert second_editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body, article.version) == (
        "The first editor's title",
        my_body,
        3,
    )


def test_a_race_between_check_and_save_is_still_refused(editor_client, monkeypatch):
    """Another save lands after the form was checked: the compare-and-set catches it."""
    article = ArticleFactory(title="Before")
    url = change_url(article)
    page = editor_client.get(url)
    stale = Article.objects.get(pk=article.pk)
    Article.objects.filter(pk=article.pk).update(title="Landed meanwhile", version=2)

    original_get_object = ArticleAdmin.get_object
    calls = []

    def stale_once(self, request, object_id, from_field=None):
        calls.append(object_id)
        if len(calls) == 1:
            return stale  # read just before the other save landed
        return original_get_object(self, request, object_id, from_field)

    monkeypatch.setattr(ArticleAdmin, "get_object", stale_once)
    response = editor_client.post(url, changeform_data(page, title="Mine"))
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Landed meanwhile"


def test_an_inline_edit_moves_the_owner_counter_on(editor_client, second_editor_client, seed):
    category = Category.objects.get(slug="open-source")
    url = change_url(category)
    first_page = editor_client.get(url)
    second_page = second_editor_client.get(url)
    prefix = first_page.context["inline_admin_formsets"][0].formset.prefix

    data = changeform_data(first_page, **{f"{prefix}-0-text": "Free to download"})
    assert editor_client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.version == 2

    refused = second_editor_client.post(url, changeform_data(second_page, summary="Mine"))
    assert refused.status_code == 200
    rows = {c.label: c for c in refused.context["adminform"].form.conflict}
    assert rows["summary"].after == "Mine"
    assert ProCon.objects.filter(text="Free to download").exists()


def test_an_inline_row_changed_elsewhere_is_refused_with_both_texts(editor_client, seed):
    category = Category.objects.get(slug="closed")
    url = change_url(category)
    page = editor_client.get(url)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    pro = page.context["inline_admin_formsets"][0].formset.forms[0].instance
    # Someone edits that pro on its own page meanwhile.
    elsewhere = ProCon.objects.get(pk=pro.pk)
    elsewhere.text = "Edited on its own page"
    elsewhere.save()

    response = editor_client.post(url, changeform_data(page, **{f"{prefix}-0-text": "Mine"}))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "Someone else saved this pro or con" in text
    assert "Text: theirs “Edited on its own page”, yours “Mine”. Save again to keep yours." in text
    assert ProCon.objects.get(pk=pro.pk).text == "Edited on its own page"


def test_a_bulk_action_moves_counters_on_and_an_open_form_sees_it(editor_client, editor):
    article = ArticleFactory(status=Status.DRAFT, title="Draft")
    url = change_url(article)
    page = editor_client.get(url)
    changelist = reverse("admin:kb_article_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.version == 2

    refused = editor_client.post(url, changeform_data(page, title="Edited draft"))
    assert refused.status_code == 200
    rows = {c.label: c for c in refused.context["adminform"].form.conflict}
    assert (rows["status"].before, rows["status"].after) == ("Published", "Draft")
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


@pytest.mark.parametrize(
    "model", [Article, ModelEntry, Category, Organization, ComparisonRow, ProCon]
)
def test_every_editable_model_carries_the_counter_hidden_in_its_form(editor_client, seed, model):
    form = editor_client.get(change_url(model.objects.first())).context["adminform"].form
    assert form["version"].is_hidden
    assert form["version"].value() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_copy_cannot_both_win():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need a server database; SQLite's tests run in memory.")
    article = ArticleFactory(title="Before")
    both_read = threading.Barrier(2, timeout=10)
    outcomes = []

    def save(title):
        try:
            copy = Article.objects.get(pk=article.pk)
            both_read.wait()
            copy.title = title
            copy.save()
            outcomes.append(("saved", title))
        except EditConflict:
            outcomes.append(("refused", title))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    (winner,) = [title for kind, title in outcomes if kind == "saved"]
    article.refresh_from_db()
    assert (article.title, article.version) == (winner, 2)
