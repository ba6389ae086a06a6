import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, connections
from hypothesis import settings as hypothesis_settings

from kb.catalogue.bundled import load_bundled_content
from kb.catalogue.freshness import bump_content_version
from kb.search import statements
from kb.serving.pagecache import pages
from tests.support.dates import NOW
from tests.support.factories import UserFactory
from tests.support.snapshot import RowSnapshot, shape

# Property-based tests (Hypothesis, and schemathesis through it) draw the same examples on every
# run and every machine: each test's random choices follow from its own code, so a failure seen
# once is seen again. As many examples as before; `pytest --hypothesis-profile explore` draws new
# ones to look further.
hypothesis_settings.register_profile("kb", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False, database=None)
hypothesis_settings.load_profile("kb")


def pytest_configure(config):
    """Under pytest-xdist, each worker process gets a Redis database of its own (REDIS_URL's
    number plus the worker's): ``cache.clear()`` empties a whole database, and workers must not
    empty each other's. The app processes some tests start inherit it from the environment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL")
    if not (worker.startswith("gw") and url):
        return
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{number}"))
    settings.CACHES["default"]["LOCATION"] = os.environ["REDIS_URL"]


def pytest_itemcollected(item):
    """No test asks for ``serialized_rollback``: Django flushes such a test's database without
    post_migrate, leaving no content types, permissions or Editors group, and whichever test runs
    next in that process fails on a foreign key (the order pytest-xdist deals out varies). A
    transactional test starts from a flushed database and builds what it needs."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: serialized_rollback leaves the next test no content types"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, dropped at the end even if a session is still on it.

    pytest-django closes the default connection only, and PostgreSQL refuses to drop a database
    another session is on (a thread's idle connection, or one the server is still ending): close
    every connection of this process, then end whatever sessions remain.
    """
    yield
    connections.close_all()
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture
def frozen_now(time_machine):
    """The clock stopped at ``NOW`` (tests/support/dates.py) for the whole test, for code that
    reads it in-process (``timezone.now()``, ``time.time()``): never under an app process."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def media_root(settings, tmp_path):
    """Editors' uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def page_cache(settings, db):
    """The page cache on, empty, and a content version no earlier test used."""
    settings.KB_PAGE_CACHE = True
    cache.clear()
    pages.clear_local()
    bump_content_version()
    yield pages
    pages.clear_local()


@pytest.fixture(scope="session")
def bundled_rows(django_db_setup, django_db_blocker):
    """The rows loading the bundled content adds, taken once per test process."""
    with django_db_blocker.unblock():
        return RowSnapshot.of(load_bundled_content)


@pytest.fixture(scope="session")
def bundled_rows_by_shape():
    """Rows the load added on databases of other shapes (a transactional test's, flushed), taken
    in this process the second time a shape is met: {shape: RowSnapshot, or None once met}."""
    return {}


@pytest.fixture
def seed(db, bundled_rows, bundled_rows_by_shape):
    """The bundled content, as `make run` loads it: its rows copied in (tests/support/snapshot.py),
    or loaded anew when the test already put rows where they go, unless the database has the
    shape of one already met twice (a flushed one: its rows are put back, then the load's
    rows copied in)."""
    if bundled_rows.fits():
        bundled_rows.restore()
        return
    now = shape()
    if now not in bundled_rows_by_shape:
        bundled_rows_by_shape[now] = None
        load_bundled_content()
        return
    snapshot = bundled_rows_by_shape[now]
    if snapshot is None:
        bundled_rows_by_shape[now] = RowSnapshot.of(load_bundled_content, models_only=True)
        bundled_rows_by_shape[now].restore()
        return
    snapshot.put_back()
    if snapshot.fits():
        snapshot.restore()
    else:
        load_bundled_content()


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# django-axes checks every login and needs the request for it: log test clients in with
# force_login, or with client.login(request=HttpRequest(), username=..., password=...).
@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def search_statements_checked(monkeypatch):
    """Each search statement is compiled again at every run and compared with the SQL kept for
    its shape (kb.search.statements): a shape that leaves out something its SQL depends on
    fails the test that meets it."""
    monkeypatch.setattr(statements, "VERIFY", True)
