import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import Article, Category, ModelEntry, Organization, Status
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.html import json_ld, meta, parse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "published": entry.findtext(f"{ATOM}published"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_the_article_feed_lists_new_and_updated_articles_latest_change_first(client, seed):
    ArticleFactory(title="A draft", status=Status.DRAFT)
    ArticleFactory(title="Fresh article", lede="Just out.")
    entries = atom_entries(client.get("/feeds/articles/"))
    titles = [e["title"] for e in entries]
    assert titles[0] == "Fresh article" and "A draft" not in titles
    assert sorted(titles[1:]) == ["Open-Source vs Closed Models", "The two worlds in numbers"]
    assert entries[0]["summary"] == "Just out."
    seed_entry = entries[titles.index("Open-Source vs Closed Models")]
    assert seed_entry["link"] == "http://testserver/articles/open-source-vs-closed-models/"

    # Editing the older article brings it to the top, with its new updated time.
    seed_article = Article.objects.get(slug="open-source-vs-closed-models")
    seed_article.lede = "Rewritten."
    seed_article.save()
    entries = atom_entries(client.get("/feeds/articles/"))
    assert entries[0]["title"] == "Open-Source vs Closed Models"
    assert entries[0]["updated"] > entries[0]["published"]


def test_the_model_feed_lists_new_entries_newest_first(client, seed):
    ModelEntryFactory(name="Hidden", status=Status.DRAFT)
    newest = ModelEntryFactory(
        name="Brand new", organization=OrganizationFactory(name="New Lab"), summary="Fresh."
    )
    ModelEntry.objects.filter(pk=newest.pk).update(
        published_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    entries = atom_entries(client.get("/feeds/models/"))
    assert entries[0]["title"] == "Brand new (New Lab)"
    assert entries[0]["summary"] == "Fresh."
    assert len(entries) == 11 and "Hidden" not in [e["title"] for e in entries]


HOSTILE = "<img src=x onerror=alert(1)> & <script>alert(2)</script> [a](javascript:alert(3))"


def test_feeds_send_text_as_text_never_as_html(client, db):
    """A feed reader shows an entry's fields; none of them may be read as markup."""
    category = CategoryFactory(name=f"Cat {HOSTILE}"[:80])
    ArticleFactory(title=f"Title {HOSTILE}"[:200], lede=HOSTILE)
    ModelEntryFactory(
        name=HOSTILE[:40],
        organization=OrganizationFactory(name=f"Org {HOSTILE}"[:50]),
        category=category,
        summary=HOSTILE,
    )
    for url in ("/feeds/articles/", "/feeds/models/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = ET.fromstring(response.content)
        (entry,) = feed.findall(f"{ATOM}entry")
        for element in feed.iter():
            # Atom's default for title, summary, content, subtitle and rights is text.
            assert element.get("type") in (None, "text", "application/atom+xml"), (
                url,
                element.tag,
            )
        assert entry.findtext(f"{ATOM}summary") == HOSTILE
        assert HOSTILE[:40] in entry.findtext(f"{ATOM}title")
        if url == "/feeds/models/":
            assert entry.find(f"{ATOM}category").get("term") == category.name


def test_feeds_leave_out_characters_xml_cannot_carry(client, db):
    # A vertical tab pasted from a word processor: XML 1.0 has no way to write it.
    ArticleFactory(title="Tab\x0bbed", lede="One\x0btwo\x1fthree.")
    ModelEntryFactory(name="Form\x0cfeed", summary="Odd\x08bytes")
    articles = atom_entries(client.get("/feeds/articles/"))
    assert (articles[0]["title"], articles[0]["summary"]) == ("Tabbed", "Onetwothree.")
    models = atom_entries(client.get("/feeds/models/"))
    assert models[0]["title"].startswith("Formfeed (")
    assert models[0]["summary"] == "Oddbytes"


def test_pages_announce_the_feeds(client, seed):
    html = client.get("/").content.decode()
    assertInHTML(
        '<link rel="alternate" type="application/atom+xml" title="New model entries" href="/feeds/models/">',
        html,
    )


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_every_public_page_with_its_last_change(client, seed):
    ArticleFactory(slug="draft-article", status=Status.DRAFT)
    ModelEntryFactory(slug="draft-model", status=Status.DRAFT)
    urls = sitemap(client)
    base = "http://testserver"
    for path in ["/", "/models/", "/articles/", "/compare/", "/timeline/", "/data/"]:
        assert base + path in urls, path
    for entry in ModelEntry.objects.published():
        assert urls[base + entry.get_absolute_url()] == entry.updated_at.date().isoformat()
    assert base + "/articles/open-source-vs-closed-models/" in urls
    assert base + "/categories/closed/" in urls and base + "/organizations/meta/" in urls
    assert not [url for url in urls if "draft" in url]
    listings = Category.objects.count() + Organization.objects.count()
    articles = Article.objects.published().count()  # the seed's and the numbers'
    assert articles == 2
    assert len(urls) == 6 + articles + 10 + listings


def test_a_listing_changes_when_one_of_its_entries_does(client, seed):
    later = timezone.now() + datetime.timedelta(days=3)
    ModelEntry.objects.filter(slug="sora").update(updated_at=later)
    urls = sitemap(client)
    assert urls["http://testserver/categories/closed/"] == later.date().isoformat()
    assert urls["http://testserver/organizations/openai/"] == later.date().isoformat()
    assert urls["http://testserver/timeline/"] == later.date().isoformat()
    assert urls["http://testserver/categories/open-source/"] != later.date().isoformat()


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_an_article_has_canonical_social_tags_and_article_json_ld(client, seed):
    article = Article.objects.get(slug="open-source-vs-closed-models")
    html = client.get(article.get_absolute_url()).content.decode()
    url = "http://testserver/articles/open-source-vs-closed-models/"
    assertInHTML(f'<link rel="canonical" href="{url}">', html)
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Open-Source vs Closed Models"
    assert meta(html, "og:url") == url
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:description") == "Understanding the Two Worlds of AI Models"
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == article.title
    assert data["url"] == url
    # JSON dates carry milliseconds.
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert abs(modified - article.updated_at) < datetime.timedelta(milliseconds=1)
    assert data["publisher"]["name"] == "AI Models Knowledge Base"


def test_a_model_page_has_creative_work_json_ld(client, seed):
    html = client.get("/models/llama-2/?utm=x").content.decode()
    assertInHTML('<link rel="canonical" href="http://testserver/models/llama-2/">', html)
    data = json_ld(html)
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "LLaMA 2"
    assert data["creator"] == {
        "@type": "Organization",
        "name": "Meta",
        "url": "https://ai.meta.com/",
    }
    assert data["dateCreated"] == "2023-07-18"
    assert data["license"] == "https://ai.meta.com/llama/license/"
    assert "https://arxiv.org/abs/2307.09288" in data["citation"]
    assert len(data["citation"]) == len(set(data["citation"]))


def test_json_ld_cannot_close_its_script_element(client, db):
    article = ArticleFactory(title="</script><script>alert(1)</script> & <!--", lede="a > b")
    html = client.get(article.get_absolute_url()).content.decode()
    (block,) = parse(html).find_all("script", type="application/ld+json")
    assert "<" not in block.children[0] and ">" not in block.children[0]
    assert json_ld(html)["headline"] == "</script><script>alert(1)</script> & <!--"
    assert "<script>alert(1)" not in html


def test_a_draft_preview_asks_not_to_be_indexed(editor_client):
    draft = ModelEntryFactory(status=Status.DRAFT)
    html = editor_client.get(draft.get_absolute_url()).content.decode()
    assertInHTML('<meta name="robots" content="noindex">', html)
    published = ModelEntryFactory()
    assert "noindex" not in editor_client.get(published.get_absolute_url()).content.decode()


def test_the_timeline_page_is_reachable_from_every_page(client, seed):
    html = client.get(reverse("kb:home")).content.decode()
    assertInHTML('<a href="/timeline/">Release timeline</a>', html)
    assertInHTML('<a href="/data/">Open data (CSV, JSON, API)</a>', html)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/feeds/articles/", 1),
        ("/feeds/models/", 1),
        # a count and a page for each of 4 sections; the latest change of 5 models
        ("/sitemap.xml", 2 * 4 + 5),
        # one as before, and the datasets to credit with their latest retrieval
        ("/data/", 2),
    ],
)
def test_query_counts_do_not_grow_with_rows(client, seed, url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    ArticleFactory.create_batch(3)
    ModelEntryFactory.create_batch(3)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
