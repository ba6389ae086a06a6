"""Real gunicorn processes on one database and one cache, as in production."""

import json
import os
import re
import shutil
import time
from urllib.parse import urlsplit

import pytest

from kb.serving.health import OUTAGE_MESSAGE
from tests.support.html import parse
from tests.support.servers import (
    App,
    TcpProxy,
    base_env,
    drop_postgres_database,
    manage,
    postgres_url,
    prepare_site,
    recreate_postgres_database,
    running,
    silent_server,
    with_database_name,
    with_port,
)

ARTICLE = "/articles/open-source-vs-closed-models/"

# One scratch site (site_env) for the whole file: `make test` distributes with --dist loadgroup,
# which runs a group's tests in one worker.
pytestmark = pytest.mark.xdist_group("app-processes")


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """A migrated scratch database with the bundled content, and the environment to use it."""
    url = postgres_url()
    if url:
        # One per test process when tests run in parallel (pytest-xdist names its workers).
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = urlsplit(url).path.lstrip("/") + "_procs" + (f"_{worker}" if worker else "")
        env = base_env(DATABASE_URL=with_database_name(url, name))
        recreate_postgres_database(env["DATABASE_URL"])
    else:
        env = base_env(KB_SQLITE_PATH=str(tmp_path_factory.mktemp("site") / "kb.sqlite3"))
    env["KB_STATIC_ROOT"] = str(tmp_path_factory.mktemp("static"))
    prepare_site(env)
    yield env
    if url:
        drop_postgres_database(env["DATABASE_URL"])


@pytest.fixture(scope="module")
def two_apps(site_env):
    with running(App(site_env), App(site_env)) as apps:
        yield apps


def title_of(body):
    (heading,) = parse(body).find_all("h1")
    return heading.text


def test_an_edit_shows_at_once_on_every_app_process(two_apps, site_env):
    first, second = two_apps
    seed_title = title_of(first.get(ARTICLE)[2])
    for app in (first, second, first, second):  # the second round is served from the cache
        status, headers, body = app.get(ARTICLE)
        assert status == 200
        assert title_of(body) == seed_title
    etag = headers["ETag"]
    assert first.get(ARTICLE)[1]["ETag"] == etag
    manage(
        site_env,
        "from kb.catalogue.models import Article\n"
        "article = Article.objects.get(slug='open-source-vs-closed-models')\n"
        "article.title = 'Edited on another host'\n"
        "article.save()",
    )
    for app in (second, first):
        status, headers, body = app.get(ARTICLE)
        assert title_of(body) == "Edited on another host"
        assert headers["ETag"] != etag


def test_a_script_name_header_changes_nothing_for_other_visitors(two_apps, site_env):
    """gunicorn's default forwarders (127.0.0.1) may set SCRIPT_NAME by a header; the site's
    gunicorn configuration takes it from no one, and nothing such a request renders is kept."""
    app = two_apps[0]
    manage(
        site_env, "from kb.catalogue.freshness import bump_content_version\nbump_content_version()"
    )
    app.get("/models/?probe=1", {"SCRIPT_NAME": "/models"})  # would be the home page
    # Every link under /elsewhere/ if gunicorn took the header: it takes none, so a 404.
    assert app.get("/elsewhere" + ARTICLE, {"SCRIPT_NAME": "/elsewhere"})[0] == 404
    for _ in range(2):
        status, _, body = app.get("/models/?probe=1")
        assert status == 200
        assert title_of(body) == "Model directory"
        status, _, body = app.get(ARTICLE)
        assert status == 200
        hrefs = [element.get("href", "") for element in parse(body).iter()]
        assert [href for href in hrefs if href.startswith("/elsewhere/")] == []
        assert "/models/llama-2/" in hrefs


def test_a_browser_revalidates_and_gets_304(two_apps):
    app = two_apps[0]
    _, headers, _ = app.get(ARTICLE)
    assert headers["Cache-Control"] == "no-cache"
    status, again, body = app.get(ARTICLE, {"If-None-Match": headers["ETag"]})
    assert status == 304
    assert body == ""
    assert again["ETag"] == headers["ETag"]


def test_hashed_static_files_are_cached_for_a_year_and_compressed(two_apps):
    app = two_apps[0]
    links = parse(app.get("/")[2]).find_all("link", rel="stylesheet")
    (stylesheet,) = [link["href"] for link in links if link["href"].startswith("/static/css/site.")]
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)
    status, headers, _ = app.get(stylesheet, {"Accept-Encoding": "br, gzip"})
    assert status == 200
    max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "br"
    for accept_encoding, coding in [
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("gzip;q=0.000", None),
        ("br;q=0.5, identity", "br"),
    ]:
        status, headers, _ = app.get(stylesheet, {"Accept-Encoding": accept_encoding})
        assert (status, headers.get("Content-Encoding")) == (200, coding), accept_encoding


def test_health_check_of_a_running_app(two_apps):
    assert two_apps[1].get_json("/healthz") == (200, {"database": "ok", "cache": "ok"})


def assert_friendly_503(app):
    status, headers, body = app.get(ARTICLE)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Back soon" in body
    assert "Traceback" not in body
    assert app.get_json("/healthz")[0] == 503


def test_database_outage_gives_503_and_the_app_recovers_without_restart(site_env, tmp_path):
    url = postgres_url()
    if url:
        # Behind a proxy we can cut: the app's live connection drops, new ones are refused.
        target = (urlsplit(url).hostname, urlsplit(url).port or 5432)
        proxy = TcpProxy(target)
        proxy.restore()
        env = {**site_env, "DATABASE_URL": with_port(site_env["DATABASE_URL"], proxy.port)}
        first_up, go_down, come_back = True, proxy.cut, proxy.restore
    else:
        # SQLite keeps an open file working, so the outage is a database file that is not
        # there when the app first needs it, and appears later.
        folder = tmp_path / "db"
        env = {**site_env, "KB_SQLITE_PATH": str(folder / "kb.sqlite3")}

        def come_back():
            folder.mkdir()
            shutil.copy(site_env["KB_SQLITE_PATH"], folder / "kb.sqlite3")

        first_up, go_down = False, None

    with running(App(env)) as (app,):
        if first_up:
            assert app.get(ARTICLE)[0] == 200
            go_down()
        try:
            assert_friendly_503(app)
            assert_friendly_503(app)
        finally:
            come_back()
        status, _, body = app.get(ARTICLE)
        assert status == 200
        assert "<h1>" in body
        assert app.get_json("/healthz")[0] == 200
    if url:
        proxy.close()


def timed_get(app, path, headers=None):
    started = time.monotonic()
    status, _, body = app.get(path, headers)
    return status, body, time.monotonic() - started


def test_a_hung_cache_costs_pages_little(site_env):
    """Redis takes connections and never answers: pages render uncached, a moment late."""
    with silent_server() as port:
        env = {**site_env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        with running(App(env)) as (app,):
            app.get("/favicon.ico")  # the worker has booted
            for path in (ARTICLE, "/models/"):
                status, body, seconds = timed_get(app, path)
                assert status == 200
                assert "<h1>" in body
                assert seconds < 2, path


def test_a_hung_database_gets_the_503_fast(site_env):
    """PostgreSQL takes connections and never answers: the 503 within seconds (two attempts
    to connect, of KB_DATABASE_CONNECT_TIMEOUT each), not a worker killed after 30."""
    with silent_server() as port:
        env = {**site_env, "DATABASE_URL": f"postgres://kb@127.0.0.1:{port}/kb"}
        with running(App(env)) as (app,):
            app.get("/favicon.ico")  # the worker has booted
            status, body, seconds = timed_get(app, ARTICLE)
            assert (status, "Back soon" in body) == (503, True)
            assert seconds < 5
            status, body, seconds = timed_get(app, "/api/models/")
            assert (status, json.loads(body)["error"]) == (503, OUTAGE_MESSAGE)
            assert seconds < 5


def test_a_module_imports_the_hashed_name_of_the_module_it_needs(two_apps):
    """search.js imports suggest.js: under its hashed name, so a release changes both."""
    app = two_apps[0]
    script = re.search(r'src="(/static/js/search\.[0-9a-f]{12}\.js)"', app.get("/")[2])
    status, _, body = app.get(script.group(1))
    assert status == 200
    imported = re.search(r'from "\./(suggest\.[0-9a-f]{12}\.js)"', body)
    assert imported, body[:300]
    assert app.get(f"/static/js/{imported.group(1)}")[0] == 200
