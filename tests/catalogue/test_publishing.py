"""Draft, preview, publish: publishing stamps the time, unpublishing hides again, and no
public page, list, feed or export ever shows a draft to a visitor."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, reverse

from kb.catalogue.models import Article, ModelEntry, Status
from kb.site import urls as site_urls
from tests.support.admin_forms import changeform_data
from tests.support.factories import ArticleFactory, ModelEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Unreleased secret"


def public_pages_without_parameters():
    """Every public URL that takes no parameter: lists, feeds, sitemaps, exports, as they come."""
    return [
        reverse(f"kb:{pattern.name}")
        for pattern in site_urls.urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups
    ]


def drafts():
    article = ArticleFactory(title=f"{SECRET} article", status=Status.DRAFT, featured=True)
    entry = ModelEntryFactory(name=f"{SECRET} model", status=Status.DRAFT)
    return article, entry


def test_visitors_never_see_drafts_anywhere(client):
    article, entry = drafts()
    urls = [
        *public_pages_without_parameters(),
        entry.category.get_absolute_url(),
        entry.organization.get_absolute_url(),
    ]
    assert "/" in urls and "/articles/" in urls and "/models/" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(entry.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("model", ["article", "modelentry"])
def test_publishing_in_the_change_form_stamps_the_time(frozen_now, editor_client, model):
    article, entry = drafts()
    obj = article if model == "article" else entry
    assert obj.published_at is None
    url = reverse(f"admin:kb_{model}_change", args=[obj.pk])
    response = editor_client.post(url, changeform_data(editor_client.get(url), status="published"))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.is_published
    assert obj.published_at == frozen_now


def test_unpublishing_hides_a_published_item_again(editor_client):
    client = Client()  # a visitor
    article = ArticleFactory(title=f"{SECRET} article")
    entry = ModelEntryFactory(name=f"{SECRET} model")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert SECRET in client.get("/models/").content.decode()

    for model, obj in (("article", article), ("modelentry", entry)):
        changelist = reverse(f"admin:kb_{model}_changelist")
        editor_client.post(changelist, {"action": "unpublish", "_selected_action": [obj.pk]})

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(entry.get_absolute_url()).status_code == 404
    for url in public_pages_without_parameters():
        assert SECRET not in client.get(url).content.decode(), url
    # Published again later, it keeps the time it was first published.
    published_at = Article.objects.get(pk=article.pk).published_at
    editor_client.post(
        reverse("admin:kb_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
    )
    assert Article.objects.get(pk=article.pk).published_at == published_at
    assert ModelEntry.objects.get(pk=entry.pk).status == Status.DRAFT


def user_with(*codenames, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.parametrize(
    ("who", "sees_article", "sees_entry"),
    [
        ("staff outside the Editors group", False, False),
        ("staff who may view but not change", False, False),
        ("staff who may change articles only", True, False),
        ("a superuser", True, True),
    ],
)
def test_only_those_who_may_change_an_item_see_its_draft(client, who, sees_article, sees_entry):
    article, entry = drafts()
    user = {
        "staff outside the Editors group": lambda: user_with(),
        "staff who may view but not change": lambda: user_with("view_article", "view_modelentry"),
        "staff who may change articles only": lambda: user_with("change_article"),
        "a superuser": lambda: user_with(is_superuser=True),
    }[who]()
    client.force_login(user)
    for obj, sees in ((article, sees_article), (entry, sees_entry)):
        page = client.get(obj.get_absolute_url())
        assert page.status_code == (200 if sees else 404), obj
        assert (SECRET in page.content.decode()) == sees


def test_staff_preview_a_draft_on_its_real_page(editor_client):
    article, entry = drafts()
    for obj in (article, entry):
        page = editor_client.get(obj.get_absolute_url())
        assert page.status_code == 200
        assert SECRET in page.content.decode()
        assert "Draft: only staff can see this page." in page.content.decode()
        assert "no-cache" in page["Cache-Control"]
