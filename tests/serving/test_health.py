"""The health check and the 503 page visitors get while the database is unreachable."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from kb.serving import pagecache
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    }
}


def database_down():
    return mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to server")
    )


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_never_cached(client, page_cache):
    client.get("/healthz")
    assert not page_cache.local


def test_healthz_reports_a_database_outage(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok"}


def test_healthz_reports_a_cache_outage(client, settings):
    settings.CACHES = CLOSED_PORT_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error"}


def test_pages_still_render_when_the_shared_cache_is_down(client, page_cache, settings):
    article = ArticleFactory(title="Readable without Redis")
    settings.CACHES = CLOSED_PORT_REDIS
    for _ in range(2):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Readable without Redis" in response.content.decode()


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Back soon" in html
    assert 'class="site-header"' in html  # the site's own look
    assert "Traceback" not in html
    assert "OperationalError" not in html


@pytest.mark.parametrize("cached", [False, True])
def test_visitors_get_a_friendly_503_and_the_site_recovers(client, settings, page_cache, cached):
    settings.KB_PAGE_CACHE = cached
    article = ArticleFactory(title="Still here")
    with database_down():
        assert_friendly_503(client.get(article.get_absolute_url()))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Still here" in response.content.decode()


def test_a_logged_in_editor_gets_the_503_page_too(editor):
    # The session is read outside any view (by the middleware): the 500 handler answers it.
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    with database_down():
        response = client.get("/")
    assert_friendly_503(response)


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert response.json()["error"] == "The database is unavailable. Please try again in a minute."


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/models/", "*/*"),
        ("/api/articles/no-such-article/", "*/*"),
        ("/models.json", "*/*"),
        ("/search/suggest/models/?q=llama", "application/json"),  # as the model pickers ask
    ],
)
def test_json_clients_get_the_outage_as_json(client, path, accept):
    with database_down():
        response = client.get(path, headers={"accept": accept})
    assert_json_503(response)


def test_a_logged_in_api_client_gets_the_outage_as_json(editor):
    # Outside any view (the session middleware): the 500 handler answers it.
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    with database_down():
        assert_json_503(client.get("/api/models/"))


def test_a_failing_shared_cache_is_left_alone_for_a_moment(client, page_cache, monkeypatch):
    """A hung Redis costs one timeout per pause, not a read and a write timeout on every page."""
    article = ArticleFactory(title="Rendered while Redis hangs")
    failing = mock.Mock(**{"get.side_effect": ConnectionError, "set.side_effect": ConnectionError})
    monkeypatch.setattr(pagecache, "shared_cache", failing)
    for _ in range(3):
        page_cache.local.clear()  # every request misses this process's copy
        assert client.get(article.get_absolute_url()).status_code == 200
    assert (failing.get.call_count, failing.set.call_count) == (1, 0)

    monkeypatch.setattr(pagecache, "SHARED_CACHE_PAUSE_SECONDS", 0)
    page_cache.clear_local()  # and the pause is over
    assert client.get(article.get_absolute_url()).status_code == 200
    assert (failing.get.call_count, failing.set.call_count) == (2, 1)
