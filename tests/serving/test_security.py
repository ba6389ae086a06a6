"""Login throttling, staff-only admin, security headers, cookies and the deploy check."""

import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, reverse

from kb.catalogue.models import Article, ModelEntry
from tests.support.factories import ArticleFactory, UserFactory
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/"
PASSWORD = "a-long-test-password"


def log_in(client, username, password, address="192.0.2.10"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def logged_in(client):
    return SESSION_KEY in client.session


@pytest.fixture
def staff(db):
    return UserFactory(username="alice", is_staff=True)


def test_a_right_password_logs_in(client, staff):
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_a_refused_next_lands_on_the_admin_index(client, staff, next_url):
    # The page's form, as a browser posts it, to the address the link gave.
    page = client.get(LOGIN, {"next": next_url})
    form = {"username": "alice", "password": PASSWORD, "next": page.context["next"]}
    response = client.post(page.wsgi_request.get_full_path(), form, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, staff):
    for _ in range(4):
        response = log_in(client, "alice", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = log_in(client, "alice", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in visible_text(locked.content)
    assert "locked for 15 minutes" in visible_text(locked.content)

    right_password = log_in(client, "alice", PASSWORD)
    assert right_password.status_code == 429
    assert not logged_in(client)


def test_the_lock_is_per_username_and_address(client, staff):
    UserFactory(username="bob", is_staff=True)
    for _ in range(5):
        log_in(client, "alice", "wrong", address="192.0.2.10")
    assert log_in(Client(), "alice", PASSWORD, address="192.0.2.10").status_code == 429
    other_address = Client()
    assert log_in(other_address, "alice", PASSWORD, address="198.51.100.7").status_code == 302
    other_user = Client()
    assert log_in(other_user, "bob", PASSWORD, address="192.0.2.10").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, staff):
    for _ in range(5):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 429
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, staff):
    for _ in range(4):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "alice", "wrong").status_code == 200
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_tests_log_in_by_passing_a_request(client, staff):
    # Axes needs the request to know the address; Client.login passes what it is given.
    assert client.login(request=HttpRequest(), username="alice", password=PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_non_staff_cannot_log_in_to_the_admin(client):
    UserFactory(username="carol", is_staff=False)
    response = log_in(client, "carol", PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)


ADMIN_PAGES = [
    "/admin/",
    "/admin/kb/article/",
    "/admin/kb/article/add/",
    "/admin/kb/article/recover/",
    "/admin/kb/modelentry/",
    "/admin/kb/category/",
    "/admin/kb/procon/",
    "/admin/auth/user/",
    "/admin/axes/accessattempt/",
]


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_every_admin_page_needs_staff(client, who):
    article = ArticleFactory()
    pages = [
        *ADMIN_PAGES,
        f"/admin/kb/article/{article.pk}/change/",
        f"/admin/kb/article/{article.pk}/history/",
        f"/admin/kb/article/{article.pk}/delete/",
    ]
    if who == "not staff":
        client.force_login(UserFactory(is_staff=False))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url


def test_editors_see_no_login_records(editor_client):
    assert editor_client.get("/admin/axes/accessattempt/").status_code == 403


# Headers on every kind of page.


@pytest.fixture
def pages(client, editor):
    article = ArticleFactory(slug="headers")
    return {
        "home": client.get("/"),
        "article": client.get(article.get_absolute_url()),
        "not found": client.get("/no-such-page/"),
        "admin login": client.get(LOGIN),
    }


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("page", ["home", "article", "not found", "admin login"])
def test_security_headers(pages, page):
    response = pages[page]
    assert response.status_code == (404 if page == "not found" else 200)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # plain HTTP


def test_hsts_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_cookies_are_secure_http_only_and_same_site(client, staff):
    client.get(LOGIN)
    response = log_in(client, "alice", PASSWORD)
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


# Settings read in a fresh interpreter, as production starts.


def run(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def production_env(**extra):
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "kb.example.org",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        **extra,
    }


def test_the_deploy_check_passes_with_production_values():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_without_https_redirect():
    env = production_env()
    del env["DJANGO_SECURE_SSL_REDIRECT"]
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_https_settings_from_the_environment():
    show = (
        "import kb.settings; kb.settings.use_default_module(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE)"
    )
    behind_proxy = run(
        "-c", show, **production_env(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    )
    assert behind_proxy.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "31536000",
        "True",
        "True",
    ]
    laptop = run("-c", show.replace("s.SECURE_PROXY_SSL_HEADER, ", ""), DJANGO_DEBUG="1")
    assert laptop.stdout.split() == ["False", "0", "True", "False"]


# HTTP methods: the public site is read-only, the admin also takes POST. A method a route does
# not take gets 405 with Allow (not CSRF's 403), and TRACE and OPTIONS never get the page.


def every_public_url():
    """One URL of each public route, with the bundled content's slugs where a route takes one."""
    from kb.urls import public

    parameterless = [
        reverse(f"kb:{pattern.name}")
        for pattern in public
        if isinstance(pattern, URLPattern) and not pattern.pattern.regex.groups
    ]
    article = Article.objects.published().first()
    entry = ModelEntry.objects.published().first()
    return [
        *parameterless,
        article.get_absolute_url(),
        entry.get_absolute_url(),
        entry.category.get_absolute_url(),
        entry.organization.get_absolute_url(),
        reverse("kb:api_model", args=[entry.slug]),
        reverse("kb:api_article", args=[article.slug]),
        "/healthz",
        "/favicon.ico",
    ]


@pytest.fixture
def csrf_client(seed):
    return Client(enforce_csrf_checks=True)


def test_public_routes_refuse_other_methods_with_405(csrf_client):
    urls = every_public_url()
    assert {"/", "/articles/", "/models/", "/api/models/", "/models.csv"} <= set(urls)
    for url in urls:
        assert csrf_client.get(url).status_code in (200, 302), url
        for method in ("POST", "PUT", "PATCH", "DELETE", "TRACE", "FOO"):
            response = csrf_client.generic(method, url)
            assert response.status_code == 405, (method, url)
            assert response["Allow"] == "GET, HEAD, OPTIONS", (method, url)
            assert response.content == b"", (method, url)


def test_options_answers_the_allowed_methods_without_the_page(csrf_client):
    for url in every_public_url():
        response = csrf_client.options(url)
        assert response.status_code == 200, url
        assert response["Allow"] == "GET, HEAD, OPTIONS", url
        assert response.content == b"", url
    admin = csrf_client.options(LOGIN)
    assert admin["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert admin.content == b""


@pytest.mark.parametrize("method", ["PUT", "TRACE", "FOO"])
def test_the_admin_takes_post_and_refuses_other_methods(csrf_client, method):
    response = csrf_client.generic(method, LOGIN)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    # POST still meets CSRF protection: without the token, 403.
    assert csrf_client.post(LOGIN, {"username": "x", "password": "y"}).status_code == 403


def test_unknown_urls_stay_404_whatever_the_method(csrf_client):
    assert csrf_client.generic("PUT", "/no-such-page/").status_code == 404
