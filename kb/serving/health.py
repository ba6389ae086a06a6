"""The health check, and the friendly 503 shown while the database is unreachable: a page in the
site's look, or the API's JSON error for API calls, JSON downloads and scripts asking for JSON."""

import logging
import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import get_random_string
from django.views import defaults
from django.views.decorators.cache import never_cache

from kb.opendata.api import error_response

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
OUTAGE_MESSAGE = "The database is unavailable. Please try again in a minute."
API_PATH = "/api/"
FALLBACK_503 = (
    b"<!doctype html><html lang=en><meta charset=utf-8><title>Back soon</title>"
    b"<h1>Back soon</h1><p>The knowledge base is briefly unavailable. Please try again in a "
    b"minute.</p></html>"
)


def database_status():
    try:
        for alias in connections:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
    except DATABASE_DOWN:
        logger.warning("Health check: database unreachable.", exc_info=True)
        return "error"
    return "ok"


def cache_status():
    probe = get_random_string(12)
    try:
        cache.set("healthz", probe, 30)
        answered = cache.get("healthz") == probe
    except Exception:  # any backend's own error (Redis, database) means "not answering"
        logger.warning("Health check: cache unreachable.", exc_info=True)
        answered = False
    return "ok" if answered else "error"


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 when either does not."""
    checks = {"database": database_status(), "cache": cache_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


def wants_json(request):
    path = request.path_info
    return (
        path.startswith(API_PATH)
        or path.endswith(".json")
        or request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )


def outage_page():
    """The 503 page, rendered without a request or the database (no context processors)."""
    try:
        return render_to_string("503.html")
    except Exception:  # the page that reports an outage must not fail itself
        logger.exception("The 503 template failed; sending the plain fallback.")
        return FALLBACK_503


def service_unavailable(request):
    """503 with Retry-After, never cached: JSON for JSON clients, else the 503 page."""
    if wants_json(request):
        response = error_response(503, OUTAGE_MESSAGE)
    else:
        response = HttpResponse(outage_page(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not a 500.

    Django drops a broken connection at the start of the next request (``errors_occurred`` and
    the connection health checks), so the site recovers by itself when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.error("Database unreachable: %s", exception)
            return service_unavailable(request)
        return None


def server_error(request):
    """``handler500``: a database outage outside any view (middleware, sessions) is a 503 too."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return service_unavailable(request)
    return defaults.server_error(request)
