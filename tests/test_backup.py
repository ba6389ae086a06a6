"""Backups round-trip: dump, restore into an empty database, dump again: the same bytes."""

import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision

from kb import models

from .admin_forms import changeform_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
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


def backup():
    out = StringIO()
    call_command("backup", stdout=out)
    return out.getvalue()


@pytest.fixture
def content(seed, editor_client):
    """The bundled content after an editor's day: revisions, log entries, an author."""
    article = models.Article.objects.get()
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
    article = models.Article.objects.get()
    assert article.updated_at.microsecond == 123
    assert article.lede == "Edited."
    assert article.updated_by.username == "editor"
    assert article.updated_by.groups.get().name == "Editors"


def test_restore_into_a_new_database_from_the_command_line(content, tmp_path):
    """The documented procedure, in a fresh SQLite file: migrate, loaddata, dump again."""
    first = backup()
    path = tmp_path / "backup.json"
    path.write_text(first)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KB_SQLITE_PATH=str(tmp_path / "restored.sqlite3"))

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    manage("loaddata", str(path), "--verbosity", "0")
    assert manage("backup") == first
