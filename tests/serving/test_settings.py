"""The settings read in a fresh interpreter, with a controlled environment, as an entry point
reads them: the module DJANGO_SETTINGS_MODULE names, else the one manage.py and kb.wsgi choose
(``kb.settings.use_default_module``). Each variable the README documents is pinned here, and
in tests/serving/test_security.py (HTTPS)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, sys, kb.settings; kb.settings.use_default_module()\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({name: getattr(s, name, None) for name in sys.argv[1:]}, default=str))"
)
# Every variable the settings read, so the tests' own environment never leaks in.
ENV_NAMES = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_LOG_LEVEL",
    "DATABASE_URL",
    "REDIS_URL",
    "DATABASE_REPLICA_URL",
    "KB_SQLITE_PATH",
    "KB_STATIC_ROOT",
    "KB_MEDIA_ROOT",
    "KB_PAGE_CACHE",
    "KB_DATABASE_CONNECT_TIMEOUT",
    "KB_DATABASE_STATEMENT_TIMEOUT",
    "KB_REDIS_TIMEOUT",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_HSTS_PRELOAD",
)
PRODUCTION = {"DJANGO_SECRET_KEY": "k", "DJANGO_ALLOWED_HOSTS": "kb.example.org"}
LAPTOP = {"DJANGO_DEBUG": "1"}


def clean_env(**env):
    return {**{k: v for k, v in os.environ.items() if k not in ENV_NAMES}, **env}


def read_settings(*names, **env):
    return subprocess.run(
        [sys.executable, "-c", SHOW, "SETTINGS_MODULE", *names],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def settings_with(*names, **env):
    result = read_settings(*names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_debug_is_off_and_a_secret_key_is_required_by_default():
    result = read_settings("DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "h"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": "h", "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "k"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "k", "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "k", "DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_a_secret_key_or_hosts(env, missing):
    result = read_settings("DEBUG", **env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_values_come_from_the_environment():
    got = settings_with(
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        DJANGO_SECRET_KEY="k",
        DJANGO_ALLOWED_HOSTS="kb.example.org, www.kb.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://kb.example.org,https://www.kb.example.org",
    )
    assert got == {
        "SETTINGS_MODULE": "kb.settings.prod",
        "DEBUG": False,
        "SECRET_KEY": "k",
        "ALLOWED_HOSTS": ["kb.example.org", "www.kb.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://kb.example.org", "https://www.kb.example.org"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_laptop_defaults():
    got = settings_with(
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "STATIC_ROOT",
        "MEDIA_ROOT",
        "LOGGING",
        **LAPTOP,
    )
    assert got.pop("LOGGING")["root"]["level"] == "WARNING"
    assert got == {
        "SETTINGS_MODULE": "kb.settings.dev",
        "DEBUG": True,
        "SECRET_KEY": "django-insecure-local-development-only",
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
        "CSRF_TRUSTED_ORIGINS": [],
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "STATIC_ROOT": str(ROOT / "staticfiles"),
        "MEDIA_ROOT": str(ROOT / "media"),
    }


def test_a_laptop_takes_a_secret_and_hosts_when_given():
    got = settings_with(
        "SECRET_KEY", "ALLOWED_HOSTS", **LAPTOP, DJANGO_SECRET_KEY="s", DJANGO_ALLOWED_HOSTS="a,b"
    )
    assert (got["SECRET_KEY"], got["ALLOWED_HOSTS"]) == ("s", ["a", "b"])


@pytest.mark.parametrize(
    ("debug", "module"),
    [
        ("1", "kb.settings.dev"),
        ("true", "kb.settings.dev"),
        ("yes", "kb.settings.dev"),
        ("0", "kb.settings.prod"),
        ("false", "kb.settings.prod"),
        ("", "kb.settings.prod"),
    ],
)
def test_django_debug_chooses_the_development_settings(debug, module):
    got = settings_with("DEBUG", DJANGO_DEBUG=debug, **PRODUCTION)
    assert got == {"SETTINGS_MODULE": module, "DEBUG": module == "kb.settings.dev"}


def test_a_named_module_wins_over_django_debug():
    got = settings_with("DEBUG", DJANGO_SETTINGS_MODULE="kb.settings.prod", **LAPTOP, **PRODUCTION)
    assert got == {"SETTINGS_MODULE": "kb.settings.prod", "DEBUG": False}


def test_the_test_settings_need_nothing_set():
    got = settings_with(
        "DEBUG", "ALLOWED_HOSTS", "PASSWORD_HASHERS", DJANGO_SETTINGS_MODULE="kb.settings.test"
    )
    assert got["DEBUG"] is False
    assert "testserver" in got["ALLOWED_HOSTS"]
    assert got["PASSWORD_HASHERS"] == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_paths_and_log_level_from_the_environment(tmp_path):
    got = settings_with(
        "DATABASES",
        "STATIC_ROOT",
        "MEDIA_ROOT",
        "LOGGING",
        **LAPTOP,
        KB_SQLITE_PATH=str(tmp_path / "kb.sqlite3"),
        KB_STATIC_ROOT=str(tmp_path / "static"),
        KB_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_LOG_LEVEL="INFO",
    )
    assert got["DATABASES"]["default"]["NAME"] == str(tmp_path / "kb.sqlite3")
    assert got["STATIC_ROOT"] == str(tmp_path / "static")
    assert got["MEDIA_ROOT"] == str(tmp_path / "media")
    assert got["LOGGING"]["root"]["level"] == "INFO"


def test_postgresql_and_redis_wait_seconds_at_most():
    production = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://kb@db:5432/kb",
        "REDIS_URL": "redis://cache:6379/0",
    }
    got = settings_with("DATABASES", "CACHES", **production)
    options = got["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 2
    assert options["keepalives"] == 1 and options["tcp_user_timeout"] > 0
    assert "options" not in options  # no statement timeout outside gunicorn (gunicorn.conf.py)
    assert got["CACHES"]["default"]["OPTIONS"] == {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
    }
    got = settings_with(
        "DATABASES",
        "CACHES",
        **production,
        KB_DATABASE_CONNECT_TIMEOUT="5",
        KB_DATABASE_STATEMENT_TIMEOUT="2.5",
        KB_REDIS_TIMEOUT="1",
    )
    assert got["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 5
    assert got["DATABASES"]["default"]["OPTIONS"]["options"] == "-c statement_timeout=2500"
    assert got["CACHES"]["default"]["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


def test_laptop_defaults_sqlite_file_with_wal_timeout_and_immediate_transactions():
    got = settings_with("DATABASES", "CACHES", "STORAGES", **LAPTOP)
    db = got["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "db.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] > 0
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["CONN_MAX_AGE"] > 0  # connections are kept between requests
    assert got["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert got["STORAGES"]["staticfiles"]["BACKEND"] == "kb.serving.static.StaticFilesStorage"


def test_database_and_cache_urls():
    got = settings_with(
        "DATABASES",
        "CACHES",
        **LAPTOP,
        DATABASE_URL="postgres://kb:p%40ss@db.internal:5432/kb?sslmode=require",
        REDIS_URL="rediss://:pw@cache.internal:6380/2?ssl_cert_reqs=none",
    )
    db = got["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.internal", 5432, "kb", "kb")
    assert db["PASSWORD"] == "p@ss"
    assert db["OPTIONS"]["sslmode"] == "require"
    assert db["CONN_MAX_AGE"] == 600 and db["CONN_HEALTH_CHECKS"] is True
    cache = got["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    # The URL goes to redis-py whole, its query included.
    assert cache["LOCATION"] == "rediss://:pw@cache.internal:6380/2?ssl_cert_reqs=none"


def test_a_postgresql_socket_folder_in_the_url():
    got = settings_with(
        "DATABASES", **LAPTOP, DATABASE_URL="postgres://%2Fvar%2Frun%2Fpostgresql/kb"
    )
    assert got["DATABASES"]["default"]["HOST"] == "/var/run/postgresql"


def test_a_read_replica_gets_a_router_and_mirrors_the_primary_in_tests():
    got = settings_with(
        "DATABASES",
        "DATABASE_ROUTERS",
        **LAPTOP,
        DATABASE_URL="postgres://kb:pw@primary.internal:5432/kb",
        DATABASE_REPLICA_URL="postgres://kb:pw@replica.internal:5432/kb",
    )
    assert got["DATABASES"]["replica"]["HOST"] == "replica.internal"
    assert got["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert got["DATABASE_ROUTERS"] == ["kb.serving.routers.ReplicaRouter"]


def test_no_replica_no_router():
    got = settings_with("DATABASES", "DATABASE_ROUTERS", **LAPTOP)
    assert set(got["DATABASES"]) == {"default"}
    assert got["DATABASE_ROUTERS"] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("1", True), ("true", True), ("0", False), ("false", False)],
)
def test_the_page_cache_is_on_unless_turned_off(value, expected):
    env = LAPTOP | ({"KB_PAGE_CACHE": value} if value else {})
    assert settings_with("KB_PAGE_CACHE", **env)["KB_PAGE_CACHE"] is expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, [31_536_000, True, True, False]),
        (
            {
                "DJANGO_HSTS_SECONDS": "60",
                "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "0",
                "DJANGO_HSTS_PRELOAD": "0",
                "DJANGO_SECURE_SSL_REDIRECT": "1",
            },
            [60, False, False, True],
        ),
    ],
)
def test_hsts_and_https_redirect_from_the_environment(env, expected):
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
    ]
    got = settings_with(*names, **PRODUCTION, **env)
    assert [got[name] for name in names] == expected


def test_middleware_order_that_the_site_relies_on():
    middleware = settings_with("MIDDLEWARE", **LAPTOP)["MIDDLEWARE"]
    assert middleware[0] == "kb.serving.pagecache.PageCacheMiddleware"  # stores the final headers
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "csp.middleware.CSPMiddleware"
    assert middleware.index("kb.serving.methods.AllowedMethodsMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "set DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "k"}, "set DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_make_serve_refuses_to_start_without_secret_or_hosts(env, message):
    result = subprocess.run(
        ["make", "--no-print-directory", "serve", "PORT=8106"],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "gunicorn" not in result.stdout
