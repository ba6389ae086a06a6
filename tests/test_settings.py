"""The settings module read in a fresh interpreter, with a controlled environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import json, kb.settings as s; print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS,"
    " 'db': s.DATABASES['default'], 'cache': s.CACHES['default']['BACKEND'],"
    " 'static': s.STORAGES['staticfiles']['BACKEND']}, default=str))"
)
ENV_NAMES = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
)


def read_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def settings_with(**env):
    result = read_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_debug_is_off_and_a_secret_key_is_required_by_default():
    result = read_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_allowed_hosts_are_required_without_debug():
    result = read_settings(DJANGO_SECRET_KEY="k")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_values_come_from_the_environment():
    got = settings_with(
        DJANGO_SECRET_KEY="k", DJANGO_ALLOWED_HOSTS="kb.example.org, www.kb.example.org"
    )
    assert got["debug"] is False
    assert got["hosts"] == ["kb.example.org", "www.kb.example.org"]


def test_laptop_defaults_sqlite_file_with_wal_timeout_and_immediate_transactions():
    got = settings_with(DJANGO_DEBUG="1")
    assert got["debug"] is True
    db = got["db"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "db.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] > 0
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert got["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert got["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize("debug", ["0", "true", "yes", ""])
def test_only_1_turns_debug_on(debug):
    got = settings_with(DJANGO_DEBUG=debug, DJANGO_SECRET_KEY="k", DJANGO_ALLOWED_HOSTS="h")
    assert got["debug"] is False


def test_database_and_cache_urls():
    got = settings_with(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://kb:pw@db.internal:5432/kb",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert got["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert got["db"]["HOST"] == "db.internal"
    assert got["db"]["CONN_HEALTH_CHECKS"] is True
    assert got["cache"] == "django.core.cache.backends.redis.RedisCache"
