"""Fresh but cached pages: what visitors, browsers and editors get from the page cache.

A change made with ``QuerySet.update()`` sends no signal and leaves the version alone: the tests
use it to tell a page served from the cache (old text) from one rendered anew (new text).
"""

import gzip
import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils.http import http_date

from kb.catalogue.freshness import PerVersion, bump_content_version, read_content_version
from kb.catalogue.models import (
    Article,
    Category,
    ContentVersion,
    ModelEntry,
    Status,
    content_models,
)
from kb.serving.pagecache import PageCacheApp
from tests.support.admin_forms import changeform_data
from tests.support.epoch import import_sample
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModalityFactory,
    ModelEntryFactory,
    ProConFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(page_cache):
    return ArticleFactory(title="Original title", body="Some **Markdown**.")


def title_on(response):
    html = response.content.decode()
    return "Original title" if "Original title" in html else html


def retitle_without_signals(article, title="Changed quietly"):
    Article.objects.filter(pk=article.pk).update(title=title)


def content_changed_a_minute_ago():
    """Returns the change's time in whole seconds."""
    changed = int(time.time() - 60)
    ContentVersion.objects.update(value=changed * 1_000_000)
    return changed


def test_a_repeat_visit_is_served_from_the_cache(client, article):
    first = client.get(article.get_absolute_url())
    retitle_without_signals(article)
    second = client.get(article.get_absolute_url())
    assert "Original title" in second.content.decode()
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_an_editors_save_in_the_admin_shows_at_once(client, editor_client, article):
    client.get(article.get_absolute_url())
    url = reverse("admin:kb_article_change", args=[article.pk])
    form = editor_client.get(url)
    response = editor_client.post(url, changeform_data(form, title="Edited in the admin"))
    assert response.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Edited in the admin" in html
    assert "Original title" not in html


def test_deleting_content_shows_at_once(client, article):
    assert client.get("/articles/").content.decode().count("Original title") == 1
    article.delete()
    assert "Original title" not in client.get("/articles/").content.decode()


def test_a_renamed_organization_shows_at_once_on_its_models_pages(client, page_cache):
    entry = ModelEntryFactory(organization__name="Old Org Name")
    assert "Old Org Name" in client.get(entry.get_absolute_url()).content.decode()
    entry.organization.name = "New Org Name"
    entry.organization.save()
    assert "New Org Name" in client.get(entry.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda e, m: e.modalities.add(m), id="m2m-add"),
        pytest.param(lambda e, m: e.modalities.clear(), id="m2m-clear"),
        pytest.param(lambda e, m: m.entries.remove(e), id="m2m-reverse-remove"),
        pytest.param(
            lambda e, m: ProConFactory(entry=e, category=None, kind="pro", text="Fast"),
            id="child-row",
        ),
    ],
)
def test_changes_to_related_content_bump_the_version(page_cache, change):
    modality = ModalityFactory(name="Video", slug="video")
    entry = ModelEntryFactory()
    entry.modalities.add(ModalityFactory())
    entry.modalities.add(modality)
    before = read_content_version("default")
    change(entry, modality)
    assert read_content_version("default") > before


def deletion_order(models):
    """Children before what they point at: categories and organizations are PROTECTed."""
    order, remaining = [], list(models)
    while remaining:
        pointed_at = {
            field.related_model
            for model in remaining
            for field in model._meta.concrete_fields
            if field.many_to_one and field.related_model is not model
        }
        free = [model for model in remaining if model not in pointed_at]
        assert free, f"content models pointing at each other: {remaining}"
        order += free
        remaining = [model for model in remaining if model in pointed_at]
    return order


def test_every_content_model_save_and_queryset_delete_bumps_the_version(page_cache, seed):
    import_sample()  # rows of the models the bundled content has none of (imported facts)
    for model in content_models():
        before = read_content_version("default")
        model.objects.order_by("pk").last().save()
        assert read_content_version("default") > before, model
    for model in deletion_order(content_models()):
        assert model.objects.exists(), model
        before = read_content_version("default")
        if model is ModelEntry:  # variants before their families, which they protect
            model.objects.filter(family__isnull=False).delete()
        model.objects.all().delete()
        assert read_content_version("default") > before, model


def test_bulk_publish_in_the_admin_shows_at_once(client, editor_client, page_cache):
    draft = ArticleFactory(title="Waiting draft", status=Status.DRAFT)
    assert "Waiting draft" not in client.get("/articles/").content.decode()
    url = reverse("admin:kb_article_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Waiting draft" in client.get("/articles/").content.decode()


def test_the_version_row_comes_back_if_lost(page_cache):
    ContentVersion.objects.all().delete()
    assert read_content_version("default") is None
    bump_content_version()
    assert read_content_version("default") > 0


def test_the_version_only_grows(page_cache):
    ContentVersion.objects.update(value=int((time.time() + 3600) * 1_000_000))  # a clock ahead
    before = read_content_version("default")
    bump_content_version()
    assert read_content_version("default") == before + 1


def test_headers_for_browsers(client, article):
    changed = content_changed_a_minute_ago()
    response = client.get(article.get_absolute_url())
    assert response["Cache-Control"] == "no-cache"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(changed)
    assert int(response["Content-Length"]) == len(response.content)


def test_if_none_match_gets_304(client, article):
    etag = client.get(article.get_absolute_url())["ETag"]
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "no-cache"


def test_if_none_match_after_an_edit_gets_the_new_page(client, article):
    etag = client.get(article.get_absolute_url())["ETag"]
    article.title = "A newer title"
    article.save()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "A newer title" in response.content.decode()
    assert response["ETag"] != etag


def test_if_modified_since_gets_304_until_content_changes(client, article):
    content_changed_a_minute_ago()
    modified = client.get(article.get_absolute_url())["Last-Modified"]
    url = article.get_absolute_url()
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    earlier = http_date(int(time.time() - 120))
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200
    article.save()
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 200


def test_no_last_modified_within_the_second_of_a_change(frozen_now, time_machine, client, article):
    """Two edits in one second would otherwise share a date: the ETag alone answers then."""
    ContentVersion.objects.update(value=int(frozen_now.timestamp() * 1_000_000))
    response = client.get(article.get_absolute_url())
    assert "Last-Modified" not in response
    assert "ETag" in response
    time_machine.shift(1)  # the next second
    response = client.get(article.get_absolute_url())
    assert response["Last-Modified"] == http_date(int(frozen_now.timestamp()))


def test_the_first_request_can_already_be_304(client, page_cache, article):
    etag = client.get(article.get_absolute_url())["ETag"]
    page_cache.clear_local()
    cache.clear()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 304


def test_head_is_answered_from_the_cache(client, article):
    get = client.get(article.get_absolute_url())
    retitle_without_signals(article)
    head = client.head(article.get_absolute_url())
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def test_pages_go_compressed_to_browsers_that_accept_gzip(client, article):
    plain = client.get(article.get_absolute_url())
    retitle_without_signals(article)
    accepts = {"accept-encoding": "gzip, deflate, br"}
    compressed = client.get(article.get_absolute_url(), headers=accepts)
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content) / 2
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in compressed["Vary"]
    # Each encoding has its own ETag, and a browser's revalidation of its copy gets a 304.
    assert compressed["ETag"] != plain["ETag"]
    again = {**accepts, "if-none-match": compressed["ETag"]}
    assert client.get(article.get_absolute_url(), headers=again).status_code == 304
    other = {**accepts, "if-none-match": plain["ETag"]}
    assert client.get(article.get_absolute_url(), headers=other).status_code == 200


def test_the_wsgi_layer_answers_hits_compressed(client, article):
    page = client.get(article.get_absolute_url())
    environ = RequestFactory().get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip").environ
    started = {}
    body = PageCacheApp(None)(
        environ, lambda status, headers: started.update(status=status, headers=dict(headers))
    )
    assert started["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(body)) == page.content


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip;q=0", False),
        ("gzip; q=0.000, br", False),
        ("br, GZIP;Q=0.5", True),
        ("*", True),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("identity, *;q=0.1", True),
        ("x-gzip", True),
        ("deflate, gzipper", False),
        ("", False),
    ],
)
def test_gzip_goes_only_where_accepted(client, article, accept_encoding, gzipped):
    headers = {"accept-encoding": accept_encoding}
    rendered = client.get(article.get_absolute_url(), headers=headers)  # the middleware path
    cached = client.get(article.get_absolute_url(), headers=headers)
    environ = RequestFactory().get(article.get_absolute_url()).environ
    environ["HTTP_ACCEPT_ENCODING"] = accept_encoding
    started = {}
    PageCacheApp(None)(environ, lambda status, headers: started.update(headers=dict(headers)))
    for headers in (rendered, cached, started["headers"]):
        assert (headers.get("Content-Encoding") == "gzip") is gzipped


def test_cached_pages_keep_every_security_header(client, article):
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    assert {k for k, _ in first.items()} == {k for k, _ in second.items()}
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[name] == first[name]


def test_logged_in_staff_are_never_served_or_stored(client, editor_client, article):
    client.get(article.get_absolute_url())
    retitle_without_signals(article)
    staff_view = editor_client.get(article.get_absolute_url())
    assert "Changed quietly" in staff_view.content.decode()
    assert "no-cache" in staff_view["Cache-Control"]
    assert "private" in staff_view["Cache-Control"]
    assert "ETag" not in staff_view


@pytest.mark.parametrize("factory", [ArticleFactory, ModelEntryFactory])
def test_draft_previews_are_never_cached(editor_client, page_cache, factory):
    draft = factory(status=Status.DRAFT)
    editor_client.get(draft.get_absolute_url())
    field = "title" if factory is ArticleFactory else "name"
    draft._meta.model.objects.filter(pk=draft.pk).update(**{field: "Quiet draft change"})
    response = editor_client.get(draft.get_absolute_url())
    assert "Draft: only staff can see this page." in response.content.decode()
    assert "Quiet draft change" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not page_cache.local


def test_visitors_with_a_session_cookie_bypass_the_cache(client, article):
    client.get(article.get_absolute_url())
    retitle_without_signals(article)
    client.cookies["sessionid"] = "not-a-session"
    assert "Changed quietly" in client.get(article.get_absolute_url()).content.decode()


def test_the_csrf_cookie_alone_does_not_bypass_the_cache(client, article):
    client.get(article.get_absolute_url())
    retitle_without_signals(article)
    client.cookies["csrftoken"] = "x" * 32
    assert "Original title" in client.get(article.get_absolute_url()).content.decode()


def test_error_pages_are_not_cached(client, page_cache):
    response = client.get("/articles/not-yet/")
    assert response.status_code == 404
    assert "ETag" not in response
    assert not page_cache.local


def test_post_is_never_answered_from_the_cache(client, article):
    client.get(article.get_absolute_url())
    response = client.post(article.get_absolute_url())
    assert response.status_code == 405
    assert response.content == b""
    assert "ETag" not in response


@pytest.mark.urls("tests.support.page_cache_urls")
def test_pages_with_a_csrf_token_are_never_cached(client, page_cache):
    category = CategoryFactory(name="Before")
    first = client.get("/form/")
    assert 'name="csrfmiddlewaretoken"' in first.content.decode()
    assert "ETag" not in first
    # A returning visitor already holds the cookie: the page is still not cached.
    client.cookies["csrftoken"] = first.cookies["csrftoken"].value
    Category.objects.filter(pk=category.pk).update(name="After")
    second = client.get("/form/")
    assert "After" in second.content.decode()
    assert "ETag" not in second
    assert not page_cache.local


def test_the_wsgi_layer_answers_hits_before_django(client, article):
    page = client.get(article.get_absolute_url())
    environ = RequestFactory().get(article.get_absolute_url()).environ

    def django_must_not_run(environ, start_response):
        raise AssertionError("Django was reached for a cached page")

    started = {}
    body = PageCacheApp(django_must_not_run)(
        environ, lambda status, headers: started.update(status=status, headers=dict(headers))
    )
    assert started["status"] == "200 OK"
    assert started["headers"]["ETag"] == page["ETag"]
    assert started["headers"]["X-Frame-Options"] == page["X-Frame-Options"]
    assert b"".join(body) == page.content


def test_the_wsgi_layer_passes_misses_and_staff_to_django(page_cache, article):
    reached = []

    def django(environ, start_response):
        reached.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b""]

    anonymous = RequestFactory().get(article.get_absolute_url()).environ
    staff = {**anonymous, "HTTP_COOKIE": "sessionid=abc"}
    PageCacheApp(django)(anonymous, lambda *a: None)
    PageCacheApp(django)(staff, lambda *a: None)
    assert reached == [article.get_absolute_url()] * 2


def test_pages_for_another_host_are_cached_apart(client, article, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    client.get(article.get_absolute_url())
    retitle_without_signals(article)
    other = client.get(article.get_absolute_url(), headers={"host": "other.example"})
    assert "Changed quietly" in other.content.decode()


def test_pages_behind_a_tls_proxy_are_cached_apart_from_plain_http(client, article, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.get(article.get_absolute_url())
    retitle_without_signals(article)
    secure = client.get(article.get_absolute_url(), headers={"x-forwarded-proto": "https"})
    assert "Changed quietly" in secure.content.decode()


# gunicorn takes SCRIPT_NAME from a request header when the peer is a trusted forwarder (by
# default, any client on 127.0.0.1): "GET /articles/" with "SCRIPT_NAME: /articles" arrives as
# SCRIPT_NAME "/articles", PATH_INFO "/". Such a request must change nothing for anyone else.
FOREIGN_SCRIPT_NAME = {"SCRIPT_NAME": "/articles"}


def test_a_foreign_script_name_is_never_stored_for_others(client, page_cache, article):
    client.get("/", **FOREIGN_SCRIPT_NAME)
    response = client.get("/articles/")
    assert "<h1>Articles</h1>" in response.content.decode()
    assert 'href="/articles/articles/' not in response.content.decode()


def test_a_foreign_script_name_is_never_answered_from_the_cache(client, article):
    client.get("/articles/")
    reached = []

    def django(environ, start_response):
        reached.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b""]

    foreign = RequestFactory().get("/", **FOREIGN_SCRIPT_NAME).environ
    PageCacheApp(django)(foreign, lambda *a: None)
    assert reached == ["/"]


@contextmanager
def wsgi_pages():
    """GETs through Django's WSGI handler (which takes the script prefix from the environ, as
    under gunicorn; the test client does not), inside the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)

    def get(path, **environ):
        body = WSGIHandler()(RequestFactory().get(path, **environ).environ, lambda *a: None)
        return b"".join(body).decode()

    try:
        yield get
    finally:
        set_script_prefix("/")
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_a_foreign_script_name_never_reaches_links_kept_for_other_requests(db):
    # A document's generated blocks are kept per content version in each process.
    entry = ModelEntryFactory(slug="kept-entry")
    article = ArticleFactory(body="[[examples kept-entry]]")
    with wsgi_pages() as get:
        get(article.get_absolute_url(), SCRIPT_NAME="/elsewhere")
        html = get(article.get_absolute_url())
    assert f'href="{entry.get_absolute_url()}"' in html
    assert "/elsewhere/" not in html


# What is costly to build is kept per process for the current content version only.


def test_a_value_is_built_once_per_content_version(db):
    kept, builds = PerVersion(maxsize=2), []

    def build():
        builds.append(read_content_version("default"))
        return len(builds)

    assert kept.get("key", build) == kept.get("key", build) == 1  # no version row: not kept
    bump_content_version()
    assert kept.get("key", build) == kept.get("key", build) == 2
    bump_content_version()
    assert kept.get("key", build) == 3
    assert builds[1] < builds[2]


def test_only_the_newest_keys_are_kept(db):
    kept = PerVersion(maxsize=2)
    bump_content_version()
    for key in ("a", "b", "c"):
        kept.get(key, lambda key=key: key)
    assert list(kept.values) == ["b", "c"]
    assert kept.get("a", lambda: "built again") == "built again"


def test_a_value_built_from_older_content_is_not_kept(db):
    kept = PerVersion(maxsize=2)
    bump_content_version()
    older = read_content_version("default")
    bump_content_version()
    kept.get("key", lambda: "new")
    # The process already keeps the values of a newer version: this build read an older one.
    kept.version, kept.values = older + 10**9, {}
    assert kept.get("key", lambda: "old") == "old"
    assert "key" not in kept.values
