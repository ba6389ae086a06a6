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
    " 'static': s.STORAGES['staticfiles']['BACKEND'], 'databases': s.DATABASES,"
    " 'routers': getattr(s, 'DATABASE_ROUTERS', []), 'page_cache': s.KB_PAGE_CACHE,"
    " 'cache_options': s.CACHES['default'].get('OPTIONS')},"
    " default=str))"
)
ENV_NAMES = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DATABASE_REPLICA_URL",
    "KB_PAGE_CACHE",
    "KB_DATABASE_CONNECT_TIMEOUT",
    "KB_DATABASE_STATEMENT_TIMEOUT",
    "KB_REDIS_TIMEOUT",
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


def test_postgresql_and_redis_wait_seconds_at_most():
    production = {
        "DJANGO_SECRET_KEY": "k",
        "DJANGO_ALLOWED_HOSTS": "kb.example.org",
        "DATABASE_URL": "postgres://kb@db:5432/kb",
        "REDIS_URL": "redis://cache:6379/0",
    }
    got = settings_with(**production)
    options = got["db"]["OPTIONS"]
    assert options["connect_timeout"] == 2
    assert options["keepalives"] == 1 and options["tcp_user_timeout"] > 0
    assert "options" not in options  # no statement timeout outside gunicorn (gunicorn.conf.py)
    assert got["cache_options"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    got = settings_with(
        **production,
        KB_DATABASE_CONNECT_TIMEOUT="5",
        KB_DATABASE_STATEMENT_TIMEOUT="2.5",
        KB_REDIS_TIMEOUT="1",
    )
    assert got["db"]["OPTIONS"]["connect_timeout"] == 5
    assert got["db"]["OPTIONS"]["options"] == "-c statement_timeout=2500"
    assert got["cache_options"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


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


def test_a_read_replica_gets_a_router_and_mirrors_the_primary_in_tests():
    got = settings_with(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://kb:pw@primary.internal:5432/kb",
        DATABASE_REPLICA_URL="postgres://kb:pw@replica.internal:5432/kb",
    )
    assert got["databases"]["replica"]["HOST"] == "replica.internal"
    assert got["databases"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert got["routers"] == ["kb.routers.ReplicaRouter"]


def test_no_replica_no_router():
    got = settings_with(DJANGO_DEBUG="1")
    assert set(got["databases"]) == {"default"}
    assert got["routers"] == []


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("1", True), ("0", False)])
def test_the_page_cache_is_on_unless_turned_off(value, expected):
    env = {"DJANGO_DEBUG": "1"} | ({"KB_PAGE_CACHE": value} if value else {})
    assert settings_with(**env)["page_cache"] is expected


def test_sqlite_connections_are_kept_between_requests():
    assert settings_with(DJANGO_DEBUG="1")["db"]["CONN_MAX_AGE"] > 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "set DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "k"}, "set DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_make_serve_refuses_to_start_without_secret_or_hosts(env, message):
    clean = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    result = subprocess.run(
        ["make", "--no-print-directory", "serve", "PORT=8106"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "gunicorn" not in result.stdout
