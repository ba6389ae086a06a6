"""A laptop (``make run``, or DJANGO_DEBUG=1 with DJANGO_SETTINGS_MODULE unset): debug on, a
development key and localhost unless given others, plain HTTP (no HSTS, cookies without
``Secure``). The database is SQLite in the project folder unless DATABASE_URL names another."""

from .base import *  # noqa: F403
from .base import env, env_list

DEBUG = True

INSTALLED_APPS = [*INSTALLED_APPS, "kb.tools"]  # noqa: F405  (make run's ensure_admin, benchmarks)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or "django-insecure-local-development-only"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["localhost", "127.0.0.1", "[::1]"]

SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
