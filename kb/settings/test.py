"""The test suite (pytest, from pyproject.toml; ``make test``): production's settings (debug
off) with a throwaway key and the test client's host names, so a bare ``pytest`` needs nothing
set. DATABASE_URL and REDIS_URL still choose the engines (the suite runs on both)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

# The tools are tested too (the benchmarks' and the audit's scratch sites, synthetic data).
INSTALLED_APPS = [*INSTALLED_APPS, "kb.tools"]  # noqa: F405

# Every test user gets a password; the real hasher is slow on purpose, which tests need not be.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests (and the live server) use the plain files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Pages render on every request unless a test asks for the page cache (the ``page_cache``
# fixture), so query counts are those of the page itself.
KB_PAGE_CACHE = False
