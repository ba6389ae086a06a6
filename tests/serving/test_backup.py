"""Backups round-trip: dump, restore into an empty database, dump again: the same bytes."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Revision

from kb.catalogue import models
from kb.catalogue.freshness import read_content_version
from kb.search.models import SearchDocument
from tests.support.admin_forms import changeform_data
from tests.support.search_pages import search_url, titles
from tests.support.seed import SEED_ARTICLE
from tests.support.servers import (
    App,
    base_env,
    drop_postgres_database,
    postgres_url,
    recreate_postgres_database,
    running,
    with_database_name,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Deleted owners first: what a row needs outlives it.
CONTENT = [
    models.Article,
    models.ProCon,
    models.ComparisonRow,
    models.ModelEntry,
    models.Organization,
    models.Category,
    models.Modality,
]


LIST_DOCUMENTS = (
    "import json; from kb.search.models import SearchDocument as D; "
    "print(json.dumps(sorted(D.objects.values_list('kind', 'object_id', 'title', 'url'))))"
)


def backup():
    out = StringIO()
    call_command("backup", stdout=out)
    return out.getvalue()


@pytest.fixture
def content(seed, editor_client):
    """The bundled content after an editor's day: revisions, log entries, an author."""
    article = models.Article.objects.get(slug=SEED_ARTICLE)
    url = reverse("admin:kb_article_change", args=[article.pk])
    editor_client.post(url, changeform_data(editor_client.get(url), lede="Edited."))
    entry = models.ModelEntry.objects.get(slug="bloom")
    editor_client.post(reverse("admin:kb_modelentry_delete", args=[entry.pk]), {"post": "yes"})
    assert LogEntry.objects.count() == 2
    # A time whose milliseconds are zero but whose microseconds are not survives too.
    models.Article.objects.update(
        updated_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 123, datetime.UTC)
    )


def empty_the_database():
    Revision.objects.all().delete()
    LogEntry.objects.all().delete()
    for model in CONTENT:
        model.objects.all().delete()
    get_user_model().objects.all().delete()


def test_dump_restore_dump_is_identical(content, tmp_path):
    first = backup()
    assert '"model": "kb.comparisoncell"' in first
    assert '"category": [\n      "open-source"\n    ]' in first  # natural keys, not ids
    assert '"content_type": [\n      "kb",' in first
    path = tmp_path / "backup.json"
    path.write_text(first)

    empty_the_database()
    assert backup() == "[\n]\n"
    call_command("loaddata", path, verbosity=0)

    assert backup() == first
    article = models.Article.objects.get(slug=SEED_ARTICLE)
    assert article.updated_at.microsecond == 123
    assert article.lede == "Edited."
    assert article.updated_by.username == "editor"
    assert article.updated_by.groups.get().name == "Editors"


def search_documents():
    return sorted(SearchDocument.objects.values_list("kind", "object_id", "title", "url"))


def test_restore_rebuilds_the_search_index_and_moves_the_content_version_on(
    content, tmp_path, client
):
    """``loaddata`` saves rows raw, past the receivers that index them: restore rebuilds."""
    first = backup()
    documents = search_documents()
    assert {kind for kind, *_ in documents} == {"article", "model", "category", "comparison"}
    path = tmp_path / "backup.json"
    path.write_text(first)
    empty_the_database()
    version = read_content_version("default")

    out = StringIO()
    call_command("restore", str(path), stdout=out, verbosity=0)

    assert backup() == first
    assert search_documents() == documents
    assert read_content_version("default") > version
    assert f"search index rebuilt with {len(documents)} documents" in out.getvalue()
    assert "LLaMA 2" in titles(client.get(search_url("llama")))


def test_restore_refuses_a_database_that_holds_content(content, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text(backup())
    before = search_documents()
    with pytest.raises(CommandError, match=r"already holds data \(.*9 model entries.*\)"):
        call_command("restore", str(path), verbosity=0)
    assert search_documents() == before
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "missing.json"), verbosity=0)


@pytest.fixture
def scratch_env(tmp_path):
    """The environment of processes on an empty database of their own, on the tests' engine:
    a new PostgreSQL database when tests run on PostgreSQL, else a new SQLite file."""
    url = postgres_url()
    if url is None:
        env = base_env(KB_SQLITE_PATH=str(tmp_path / "restored.sqlite3"))
    else:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = urlsplit(url).path.lstrip("/") + "_restore" + (f"_{worker}" if worker else "")
        env = base_env(DATABASE_URL=with_database_name(url, name))
        recreate_postgres_database(env["DATABASE_URL"])
    env["KB_STATIC_ROOT"] = str(tmp_path / "static")
    yield env
    if url is not None:
        drop_postgres_database(env["DATABASE_URL"])


def test_make_restore_into_a_new_database_gives_a_working_site(content, tmp_path, scratch_env):
    """The documented procedure: `manage.py restore` (what `make restore` runs) into a new
    database; the site answers its health check and finds what it found before."""
    first = backup()
    documents = search_documents()
    path = tmp_path / "backup.json"
    path.write_text(first)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=scratch_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert f"{len(documents)} documents" in manage("restore", str(path))
    assert manage("backup") == first
    assert json.loads(manage("shell", "--verbosity", "0", "-c", LIST_DOCUMENTS)) == [
        list(d) for d in documents
    ]
    manage("collectstatic", "--noinput", "--verbosity", "0")
    with running(App(scratch_env)) as (app,):
        assert app.get_json("/healthz") == (200, {"database": "ok", "cache": "ok"})
        status, _, body = app.get(search_url("llama"))
        assert status == 200
        assert "LLaMA 2" in body
