import datetime

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from kb.catalogue.models import (
    ApiPrice,
    Article,
    Category,
    ComparisonCell,
    Dataset,
    EntryAlias,
    FactProvenance,
    ModelEntry,
    OpennessGrade,
    Organization,
    ProCon,
    Source,
    Status,
    content_models,
)
from tests.support.admin_forms import changeform_data
from tests.support.factories import ArticleFactory, CategoryFactory, ModelEntryFactory, UserFactory
from tests.support.html import parse

pytestmark = pytest.mark.django_db

# The content models with pages of their own; the others are edited inline in these.
ADMIN_PAGES = [
    model._meta.model_name for model in content_models() if admin.site.is_registered(model)
]


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_editor_can_open_every_content_page(editor_client, seed, model):
    assert editor_client.get(reverse(f"admin:kb_{model}_changelist")).status_code == 200
    assert editor_client.get(reverse(f"admin:kb_{model}_add")).status_code == 200


@pytest.mark.parametrize("url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist"])
def test_editor_cannot_manage_users_or_groups(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


def test_editors_group_holds_only_content_permissions(editor):
    codenames = {p.content_type.app_label for p in editor.groups.get().permissions.all()}
    assert codenames == {"kb"}
    assert editor.has_perm("kb.change_modelentry")
    assert not editor.has_perm("auth.change_user")
    assert not editor.is_superuser


def test_editor_edits_an_entry_and_is_recorded(editor_client, editor, seed):
    entry = ModelEntry.objects.get(slug="llama-2")
    url = reverse("admin:kb_modelentry_change", args=[entry.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert 'class="markdownx' in page.content.decode()
    response = editor_client.post(url, changeform_data(page, summary="Edited by an editor."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.summary == "Edited by an editor."
    assert entry.updated_by == editor


def test_pros_and_cons_are_edited_inline_in_order(editor_client, seed):
    category = Category.objects.get(slug="open-source")
    page = editor_client.get(reverse("admin:kb_category_change", args=[category.pk]))
    texts = [form["text"].value() for form in page.context["inline_admin_formsets"][0].formset]
    assert texts[:2] == ["Free or low-cost", "Transparent and inspectable"]
    assert texts[-1] == "Can raise concerns if misused (e.g., misinformation)"


def test_slug_clash_is_refused_and_the_typing_kept(editor_client, seed):
    page = editor_client.get(reverse("admin:kb_modelentry_add"))
    data = changeform_data(
        page,
        name="Another LLaMA",
        slug="llama-2",
        organization=ModelEntry.objects.get(slug="llama-2").organization_id,
        category=Category.objects.get(slug="open-source").pk,
        summary="Text the editor typed.",
    )
    response = editor_client.post(reverse("admin:kb_modelentry_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug" in errors
    assert "Text the editor typed." in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("parameter_count", "-5"), ("context_window", "-1"), ("release_date", "2999-01-01")],
)
def test_bad_facts_get_a_message_on_the_field(editor_client, seed, field, value):
    entry = ModelEntry.objects.get(slug="mistral")
    url = reverse("admin:kb_modelentry_change", args=[entry.pk])
    page = editor_client.get(url)
    response = editor_client.post(url, changeform_data(page, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert value in response.content.decode()


@pytest.mark.parametrize("owners", ["none", "both"])
def test_pro_without_exactly_one_owner_is_refused_with_a_message(editor_client, owners):
    entry = ModelEntryFactory()
    page = editor_client.get(reverse("admin:kb_procon_add"))
    both = {"category": entry.category_id, "entry": entry.pk} if owners == "both" else {}
    data = changeform_data(page, kind="pro", text="Orphan pro", position="1", **both)
    response = editor_client.post(reverse("admin:kb_procon_add"), data)
    assert response.status_code == 200
    assert "exactly one" in " ".join(response.context["adminform"].form.non_field_errors())
    assert "Orphan pro" in response.content.decode()
    assert not ProCon.objects.filter(text="Orphan pro").exists()


def test_deleting_a_used_category_is_refused_with_a_message(editor_client):
    entry = ModelEntryFactory()
    url = reverse("admin:kb_category_delete", args=[entry.category.pk])
    response = editor_client.post(url, {"post": "yes"})
    assert Category.objects.filter(pk=entry.category.pk).exists()
    assert "would require deleting the following protected" in response.content.decode()


def test_bulk_publish_and_unpublish(editor_client, editor):
    drafts = ArticleFactory.create_batch(2, status=Status.DRAFT)
    url = reverse("admin:kb_article_changelist")
    ids = [a.pk for a in drafts]
    editor_client.post(url, {"action": "publish", "_selected_action": ids})
    assert Article.objects.published().filter(pk__in=ids).count() == 2
    assert all(
        a.published_at and a.updated_by == editor for a in Article.objects.filter(pk__in=ids)
    )
    editor_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert not Article.objects.published().filter(pk__in=ids).exists()


@pytest.mark.parametrize(
    ("count", "message"), [(1, "1 article published."), (2, "2 articles published.")]
)
def test_bulk_publish_counts_in_words(editor_client, count, message):
    ids = [a.pk for a in ArticleFactory.create_batch(count, status=Status.DRAFT)]
    url = reverse("admin:kb_article_changelist")
    page = editor_client.post(url, {"action": "publish", "_selected_action": ids}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [message]
    page = editor_client.post(url, {"action": "unpublish", "_selected_action": ids}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [
        message.replace("published", "returned to draft")
    ]


def test_modality_filter_names_entries_without_one(editor_client, seed):
    page = parse(editor_client.get(reverse("admin:kb_modelentry_changelist")).content)
    modality = next(
        details for details in page.find_all("details") if "modalit" in details.find("summary").text
    )
    choices = [item.text for item in modality.find_all("li")]
    assert "-" not in choices
    assert "None recorded" in choices


def test_admin_dates_read_as_the_sites_do(editor_client):
    moment = datetime.datetime(2026, 3, 4, 15, 30, tzinfo=datetime.UTC)
    ArticleFactory(title="Dated", published_at=moment)
    text = parse(editor_client.get(reverse("admin:kb_article_changelist")).content).text
    assert "4 March 2026, 15:30" in text  # as the site writes "4 March 2026"
    assert "March 4" not in text and "p.m." not in text


def test_view_on_site_links_to_the_public_page(editor_client):
    article = ArticleFactory(slug="on-site")
    page = editor_client.get(reverse("admin:kb_article_change", args=[article.pk]))
    shortcut = page.context["adminform"].form.instance.get_absolute_url()
    assert shortcut == "/articles/on-site/"
    assert "View on site" in page.content.decode()


def test_new_article_records_its_author(editor_client, editor):
    page = editor_client.get(reverse("admin:kb_article_add"))
    data = changeform_data(page, title="Fresh", slug="fresh", body="# Hello", status="draft")
    response = editor_client.post(reverse("admin:kb_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="fresh")
    assert article.author == editor
    assert article.updated_by == editor


def test_markdown_preview_answers_staff_only(editor_client):
    url = reverse("markdownx_markdownify")
    assert Client().post(url, {"content": "**hi**"}).status_code == 403
    response = editor_client.post(url, {"content": "**hi**"})
    assert response.status_code == 200
    assert "<strong>hi</strong>" in response.content.decode()
    assert editor_client.post(url, {}).status_code == 200


def test_non_staff_user_cannot_reach_the_admin(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_category_list_shows_entry_counts(editor_client):
    category = CategoryFactory(name="Counted")
    ModelEntryFactory.create_batch(3, category=category)
    page = editor_client.get(reverse("admin:kb_category_changelist"))
    assert page.context["cl"].result_list.get(pk=category.pk).entry_total == 3


def classes(element):
    return element.get("class", "").split()


@pytest.mark.parametrize(
    ("model", "slug", "desks", "editors"),
    [
        ("article", "open-source-vs-closed-models", 1, 0),  # body
        ("category", "open-source", 1, 0),  # description
        ("organization", "meta", 1, 0),  # description
        ("modelentry", "llama-2", 1, 0),  # description
        ("comparisonrow", "access", 0, 3),  # a cell per category, and the blank "add" row
    ],
)
def test_every_markdown_field_has_the_live_preview_editor(
    editor_client, seed, model, slug, desks, editors
):
    """An item's own Markdown gets the editor's desk (the preview beside the text); the small
    texts of inline rows the plain editor, its preview below."""
    obj = apps.get_model("kb", model).objects.get(slug=slug)
    page = editor_client.get(reverse(f"admin:kb_{model}_change", args=[obj.pk]))
    widgets = [e for e in parse(page.content).iter() if "markdownx" in classes(e)]
    assert sum("editor-desk" in classes(widget) for widget in widgets) == desks
    assert len(widgets) == desks + editors
    for widget in widgets:
        (preview,) = [e for e in widget.iter() if "markdownx-preview" in classes(e)]
        assert preview.children == []
        if "editor-desk" in classes(widget):
            assert preview.tag == "template"  # inert: the desk shows it in its frame
            assert widget.find("iframe", class_="desk-frame")["src"] == reverse(
                "markdown_preview_frame"
            )


def test_date_and_time_boxes_are_labelled(editor_client):
    article = ArticleFactory()
    response = editor_client.get(reverse("admin:kb_article_change", args=[article.pk]))
    assertContains(response, '<label for="id_published_at_0">Date:</label>', html=True)
    assertContains(response, '<label for="id_published_at_1">Time:</label>', html=True)


def test_every_admin_page_names_its_icon_and_the_accessibility_repairs(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assertContains(response, 'rel="icon"')
    assertContains(response, "js/admin-a11y.js")
    assertContains(response, "css/admin.css")


def with_inline_row(data, formset, **fields):
    """``data`` with one more row in ``formset`` of an admin page, holding ``fields``."""
    index = int(data[f"{formset.prefix}-TOTAL_FORMS"])
    data[f"{formset.prefix}-TOTAL_FORMS"] = index + 1
    data.update({f"{formset.prefix}-{index}-{name}": value for name, value in fields.items()})
    return data


# A new row for each inline, as an editor fills it in.
NEW_INLINE_ROWS = {
    ProCon: {"kind": "pro", "text": "Added with its owner", "position": "1", "version": "1"},
    Source: {"fact": "general", "url": "https://example.org/added", "title": "Added"},
    OpennessGrade: {"dimension": "weights", "grade": "open"},
    ComparisonCell: {"text": "Added with its row"},
    EntryAlias: {"name": "Added by another name"},
    FactProvenance: {"fact": "parameters", "retrieved_on": "2026-05-02", "confidence": "likely"},
    ApiPrice: {
        "input_per_million": "2.50",
        "output_per_million": "10",
        "currency": "USD",
        "as_of": "2026-12-01",
        "source_url": "https://example.org/pricing",
    },
}


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        ("category", {"name": "Added", "short_name": "Added", "slug": "added"}),
        ("modelentry", {"name": "Added", "slug": "added", "status": "draft"}),
        ("comparisonrow", {"label": "Added", "slug": "added", "kind": "written"}),
    ],
)
def test_adding_an_item_with_a_row_in_every_inline(editor_client, seed, model, fields):
    url = reverse(f"admin:kb_{model}_add")
    page = editor_client.get(url)
    if model == "modelentry":
        fields |= {
            "organization": Organization.objects.get(slug="meta").pk,
            "category": Category.objects.get(slug="open-source").pk,
        }
    data = changeform_data(page, **fields)
    for inline in page.context["inline_admin_formsets"]:
        row = dict(NEW_INLINE_ROWS[inline.formset.model])
        if inline.formset.model is ComparisonCell:
            row["category"] = Category.objects.get(slug="closed").pk
        if inline.formset.model is FactProvenance:
            row["dataset"] = Dataset.objects.create(
                publisher="Epoch AI",
                name="Notable AI Models",
                slug="epoch-notable",
                url="https://epoch.ai/data/notable-ai-models",
                licence_name="CC BY 4.0",
                licence_url="https://creativecommons.org/licenses/by/4.0/",
            ).pk
        with_inline_row(data, inline.formset, **row)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    added = apps.get_model("kb", model).objects.get(slug="added")
    for inline in page.context["inline_admin_formsets"]:
        rows = inline.formset.model.objects.filter(**{inline.formset.fk.name: added})
        assert rows.count() == 1


def test_a_pro_or_con_form_without_its_owner_fields_shows_the_owner_error():
    """A form that has neither owner field (as an inline has not the other one) gets the
    "exactly one" error as a non-field error, not a crash."""
    form_class = forms.modelform_factory(ProCon, fields=["kind", "text", "position"])
    form = form_class({"kind": "pro", "text": "No owner", "position": "1"})
    assert not form.is_valid()
    assert "exactly one" in " ".join(form.non_field_errors())


# Characters a URL cannot hold: the API declares every URL ``format: uri`` and pages put them
# in ``href``.
URLS_REFUSED = [
    'https://example.org/say-"hi"',
    "https://example.org/<script>",
    "https://example.org/a>b",
    "https://example.org/bell\x07",
    "https://example.org/zero\u200bwidth",
]


@pytest.mark.parametrize(
    ("model", "slug", "field"),
    [
        ("organization", "meta", "website"),
        ("modelentry", "llama-2", "homepage"),
        ("modelentry", "llama-2", "licence_url"),
        ("modelentry", "llama-2", "sources-0-url"),
        ("modelentry", "llama-2", "openness-0-source_url"),
    ],
)
def test_url_fields_refuse_characters_no_url_may_hold(editor_client, seed, model, slug, field):
    obj = apps.get_model("kb", model).objects.get(slug=slug)
    url = reverse(f"admin:kb_{model}_change", args=[obj.pk])
    page = editor_client.get(url)
    for refused in URLS_REFUSED:
        response = editor_client.post(url, changeform_data(page, **{field: refused}))
        assert response.status_code == 200, refused
        errors = [message for error_list in response.context["errors"] for message in error_list]
        assert len(errors) == 1 and errors[0].startswith("A URL cannot contain"), errors
