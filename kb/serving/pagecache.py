"""Fresh but cached public pages.

A page is cached when an anonymous visitor GETs it: keyed by the code release, the content
version (``kb.catalogue.freshness``) and what identifies the request (scheme, host, path, query). Any
content change moves the version forward, so the next request on any worker misses and renders
anew; nothing is ever deleted to invalidate.

Two layers hold pages: a small per-process LRU in front of the shared cache (Redis or the
database cache). Entries never change once written (a new version means new keys), so the
per-process copy can never be staler than the shared one: freshness depends only on reading the
version, which happens on every request.

Two entry points use the same pieces:

- ``PageCacheApp`` wraps the WSGI application (``kb.wsgi``) and answers hits and 304s before
  Django builds a request or runs any middleware: the fast path.
- ``PageCacheMiddleware`` (first in ``MIDDLEWARE``, so it sees the final headers, security
  headers included) stores pages after Django renders them, and answers hits itself when the
  WSGI wrapper is not in front (the test client).

A page is compressed once, when stored, and goes gzip-encoded (with its own ETag) to clients
that accept it: gunicorn serves pages uncompressed otherwise, and whitenoise compresses only
static files.

What is never cached: requests with any cookie but the CSRF cookie (a session means a logged-in
editor or pending messages), with an Authorization header or a script name other than the
configured one (``FORCE_SCRIPT_NAME``), non-GET/HEAD requests, the admin,
static and media files; and responses that are not 200, stream, set a cookie, used the CSRF
token, carry a CSP nonce, vary on anything but ``Cookie``/``Accept-Encoding`` or ask not to be
cached (drafts, the health check).

Read top to bottom, the module follows a request:

1. Which requests may be cached: ``request_key`` (None: never cached).
2. Where a cached page is answered: ``PageCacheApp`` (before Django) or ``PageCacheMiddleware``
   (under the test client), through ``lookup`` and ``CachedPage.response_parts`` (200 or 304).
3. Where a page is stored: ``PageCacheMiddleware`` after the view, when ``page_from_response``
   finds the response cacheable.
4. The store itself: ``PageStore``, the per-process LRU in front of the shared cache.
"""

import gzip
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import DatabaseError, router
from django.http import HttpResponse, parse_cookie
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from kb.catalogue.freshness import read_content_version
from kb.catalogue.models import ContentVersion

from .encoding import accepts_coding
from .routers import replica_reads

logger = logging.getLogger(__name__)

VERSION_ENVIRON_KEY = "kb.content_version"
LOOKED_UP_ENVIRON_KEY = "kb.page_cache_looked_up"
# Headers a 304 repeats from the full response (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = {
    "cache-control",
    "content-location",
    "etag",
    "expires",
    "last-modified",
    "vary",
}
# Set per response, never stored.
UNSTORED_HEADERS = {"content-length", "date", "etag", "last-modified"}
ALLOWED_VARY = {"cookie", "accept-encoding"}
MAX_PAGE_BYTES = 1024 * 1024
# Pages are compressed once, when stored; smaller bodies gain nothing from it.
MIN_GZIP_BYTES = 200
LOCAL_MAX_ITEMS = 512
LOCAL_MAX_BYTES = 32 * 1024 * 1024
# After the shared cache fails, each process leaves it alone this long: a Redis that hangs
# costs one timeout per pause, not a read and a write timeout on every page.
SHARED_CACHE_PAUSE_SECONDS = 5


def enabled():
    return getattr(settings, "KB_PAGE_CACHE", True)


@cache
def release_id():
    """Tells code releases apart, so a deploy never serves pages rendered by older code.

    ``KB_RELEASE`` when set (e.g. the commit), else a digest of the code, the templates and the
    static files' manifest, computed once per process.
    """
    if os.environ.get("KB_RELEASE"):
        return os.environ["KB_RELEASE"]
    base = Path(settings.BASE_DIR)
    files = sorted(
        [*base.joinpath("kb").rglob("*.py"), *base.joinpath("templates").rglob("*.html")]
    )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    digest = hashlib.md5(usedforsecurity=False)
    for path in [*files, manifest]:
        if path.is_file():
            digest.update(
                str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
            )
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# ---- 1. Which requests may be cached -----------------------------------------------------------


def request_key(environ):
    """What identifies a cacheable request, or None when the request must not be cached."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
        return None
    cookies = environ.get("HTTP_COOKIE")
    if cookies and set(parse_cookie(cookies)) - {settings.CSRF_COOKIE_NAME}:
        return None
    # The key holds nothing a client chooses but the public URL (and the scheme and host the
    # URL names). A request naming another script name (a SCRIPT_NAME header a proxy passed
    # on) is not the page at this URL: it is never cached.
    script_name = settings.FORCE_SCRIPT_NAME or ""
    if environ.get("SCRIPT_NAME", "") != script_name:
        return None
    path = script_name + environ.get("PATH_INFO", "")
    if path.startswith(skipped_prefixes()):
        return None
    proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
    parts = [
        environ.get("wsgi.url_scheme", ""),
        environ.get(proxy_ssl_header[0], "") if proxy_ssl_header else "",
        environ.get("HTTP_X_FORWARDED_HOST", "") if settings.USE_X_FORWARDED_HOST else "",
        environ.get("HTTP_HOST", ""),
        path,
        environ.get("QUERY_STRING", ""),
    ]
    text = "\n".join(parts).encode("latin-1", "backslashreplace")
    return hashlib.md5(text, usedforsecurity=False).hexdigest()


@cache
def skipped_prefixes():
    prefixes = {reverse("admin:index"), settings.STATIC_URL, settings.MEDIA_URL}
    return tuple("/" + prefix.lstrip("/") for prefix in prefixes if prefix)


# ---- 2. Where a cached page is answered --------------------------------------------------------


class PageCacheApp:
    """WSGI wrapper answering cached pages before Django runs at all."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if enabled():
            with replica_reads():
                page, version = lookup(environ)
            if page is not None:
                return page.wsgi(environ, version, start_response)
        return self.application(environ, start_response)


def lookup(environ):
    """The cached page and content version for a request: (page or None, version or None)."""
    key = request_key(environ)
    if key is None:
        return None, None
    version = current_version(environ)
    if version is None:
        return None, None
    environ[LOOKED_UP_ENVIRON_KEY] = True
    return pages.get(PageStore.key(version, key)), version


def current_version(environ):
    """The content version for this request (read once per request), or None when unknown."""
    if VERSION_ENVIRON_KEY not in environ:
        try:
            environ[VERSION_ENVIRON_KEY] = read_content_version(router.db_for_read(ContentVersion))
        except DatabaseError as error:
            logger.warning("Content version unreadable (%s); page served uncached.", error)
            environ[VERSION_ENVIRON_KEY] = None
    return environ[VERSION_ENVIRON_KEY]


@dataclass(frozen=True)
class CachedPage:
    """A stored page; ``gzipped`` is its body compressed (empty when that gains nothing).

    Compressing cached pages is safe from BREACH-style attacks: they hold no secret (no CSRF
    token, nothing of a session), and it costs nothing per request.
    """

    headers: tuple
    body: bytes
    etag: str
    gzipped: bytes = b""

    @property
    def size(self):
        return len(self.body) + len(self.gzipped)

    def representation(self, environ):
        """Body, ETag and extra headers for the client: gzip when it accepts it."""
        if self.gzipped and accepts_coding(environ.get("HTTP_ACCEPT_ENCODING", ""), "gzip"):
            return self.gzipped, self.etag[:-1] + '-gzip"', [("Content-Encoding", "gzip")]
        return self.body, self.etag, []

    def response_parts(self, environ, version):
        """Status, headers and body for this request: 200 or 304, with validators."""
        modified = last_modified(version)
        body, etag, encoding = self.representation(environ)
        headers = [*self.headers, *encoding, ("ETag", etag)]
        if modified is not None:
            headers.append(("Last-Modified", http_date(modified)))
        if is_not_modified(environ, etag, modified):
            return 304, [(k, v) for k, v in headers if k.lower() in NOT_MODIFIED_HEADERS], b""
        headers.append(("Content-Length", str(len(body))))
        return 200, headers, b"" if environ.get("REQUEST_METHOD") == "HEAD" else body

    def wsgi(self, environ, version, start_response):
        status, headers, body = self.response_parts(environ, version)
        start_response("200 OK" if status == 200 else "304 Not Modified", headers)
        return [body]

    def django_response(self, environ, version):
        status, headers, body = self.response_parts(environ, version)
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response[name] = value
        return response


def last_modified(version):
    """When content last changed, in whole seconds; None while that second is not over.

    HTTP dates have one-second resolution: a date handed out during the second of a change
    could equal the date of a second change within that same second, and a client holding
    the first page would then be told it is current.
    """
    changed = version // 1_000_000
    return changed if int(time.time()) > changed else None


def is_not_modified(environ, etag, modified):
    """Whether the client's copy is current (If-None-Match first, as RFC 9110 says)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        return "*" in tags or etag in tags
    since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE") or "")
    return since is not None and modified is not None and modified <= since


# ---- 3. Where a page is stored -----------------------------------------------------------------


class PageCacheMiddleware:
    """Stores anonymous pages after rendering; answers hits when no WSGI wrapper did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        environ = request.META
        key = request_key(environ) if enabled() else None
        if key is None:
            response = self.get_response(request)
            if getattr(getattr(request, "user", None), "is_authenticated", False):
                add_never_cache_headers(response)
            return response
        with replica_reads():
            if environ.get(LOOKED_UP_ENVIRON_KEY):
                page, version = None, environ.get(VERSION_ENVIRON_KEY)
            else:
                page, version = lookup(environ)
            if page is not None:
                return page.django_response(environ, version)
            response = self.get_response(request)
        page = page_from_response(request, response) if version is not None else None
        if page is None:
            return response
        pages.put(PageStore.key(version, key), page)
        return page.django_response(environ, version)


def page_from_response(request, response):
    """The response as a page to cache, or None when it must not be cached."""
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(getattr(request, "user", None), "is_authenticated", False)
    ):
        return None
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return None
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    if vary - ALLOWED_VARY or any("nonce-" in value for _, value in response.items()):
        return None
    body = response.content
    if len(body) > MAX_PAGE_BYTES or b"csrfmiddlewaretoken" in body:
        return None
    gzipped = b""
    if len(body) >= MIN_GZIP_BYTES and not response.has_header("Content-Encoding"):
        gzipped = gzip.compress(body, mtime=0)
        if len(gzipped) < len(body):
            patch_vary_headers(response, ["Accept-Encoding"])
        else:
            gzipped = b""
    headers = [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS]
    if not cache_control:
        headers.append(("Cache-Control", "no-cache"))
    etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
    return CachedPage(headers=tuple(headers), body=body, etag=etag, gzipped=gzipped)


# ---- 4. The store ------------------------------------------------------------------------------


class PageStore:
    """Pages by key: a per-process LRU in front of the shared cache.

    A shared cache that fails (Redis down or hung) turns into a miss, never into an error page,
    and is left alone for ``SHARED_CACHE_PAUSE_SECONDS`` before this process tries it again.
    """

    def __init__(self, max_items=LOCAL_MAX_ITEMS, max_bytes=LOCAL_MAX_BYTES):
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.local = OrderedDict()
        self.local_bytes = 0
        self.lock = threading.Lock()
        self.shared_paused_until = 0.0

    @staticmethod
    def key(version, request_key):
        return f"page:{release_id()}:{version}:{request_key}"

    def get(self, key):
        with self.lock:
            page = self.local.get(key)
            if page is not None:
                self.local.move_to_end(key)
                return page
        if self.shared_paused():
            return None
        try:
            page = shared_cache.get(key)
        except Exception as error:  # any backend's own error (Redis, database)
            self.pause_shared("unreadable", error)
            return None
        if page is not None:
            self.remember(key, page)
        return page

    def put(self, key, page):
        self.remember(key, page)
        if self.shared_paused():
            return
        try:
            shared_cache.set(key, page, settings.KB_PAGE_CACHE_SECONDS)
        except Exception as error:
            self.pause_shared("unwritable", error)

    def shared_paused(self):
        return time.monotonic() < self.shared_paused_until

    def pause_shared(self, failure, error):
        self.shared_paused_until = time.monotonic() + SHARED_CACHE_PAUSE_SECONDS
        logger.warning(
            "Shared cache %s (%s); pages kept in this process only for %s s.",
            failure,
            error,
            SHARED_CACHE_PAUSE_SECONDS,
        )

    def remember(self, key, page):
        with self.lock:
            if key in self.local:
                return
            self.local[key] = page
            self.local_bytes += page.size
            while len(self.local) > self.max_items or self.local_bytes > self.max_bytes:
                _, old = self.local.popitem(last=False)
                self.local_bytes -= old.size

    def clear_local(self):
        with self.lock:
            self.local.clear()
            self.local_bytes = 0
            self.shared_paused_until = 0.0


pages = PageStore()
