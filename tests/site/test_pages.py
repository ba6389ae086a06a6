import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from kb.catalogue.models import Status
from tests.support.factories import ArticleFactory, ModelEntryFactory

pytestmark = pytest.mark.django_db


def test_article_page_renders_markdown(client):
    article = ArticleFactory(body="## A heading\n\nSome **bold** text.")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h2 id="a-heading">A heading</h2>' in html
    assert "<strong>bold</strong>" in html


@pytest.mark.parametrize("factory", [ArticleFactory, ModelEntryFactory])
def test_drafts_are_404_for_visitors(client, factory):
    draft = factory(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("factory", [ArticleFactory, ModelEntryFactory])
def test_staff_preview_drafts_with_a_banner_and_no_caching(editor_client, factory):
    draft = factory(status=Status.DRAFT)
    page = editor_client.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert "Draft: only staff can see this page." in page.content.decode()
    assert "no-cache" in page["Cache-Control"]


def test_drafts_are_left_out_of_lists(client):
    ArticleFactory(title="Visible article")
    ArticleFactory(title="Secret draft", status=Status.DRAFT)
    ModelEntryFactory(name="Secret model", status=Status.DRAFT)
    for url in ("/", "/articles/", "/models/"):
        html = client.get(url).content.decode()
        assert "Secret" not in html
    assert "Visible article" in client.get("/articles/").content.decode()


@pytest.mark.parametrize("method", ["get", "head"])
def test_favicon_ico_leads_to_the_site_icon(client, method):
    # Browsers ask for /favicon.ico wherever a page names no icon (error pages, the admin's).
    response = getattr(client, method)("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
