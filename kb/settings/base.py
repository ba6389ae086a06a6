"""Every setting the site shares, read from the environment (django-environ).

These are production's values: debug off, secure cookies, HSTS. ``dev`` relaxes them for a
laptop, ``prod`` requires what production must be given (a secret key, host names), ``test``
fills those in for the test suite. Flags read one way (``env.bool``): ``1``, ``true``, ``yes`` or
``on`` for on; ``0``, ``false``, ``no`` or ``off`` for off; unset for the default.
"""

import datetime
from pathlib import Path

import dj_database_url
import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def env_list(name):
    """A comma-separated variable as a list, spaces around items and empty items left out."""
    return [item for item in env.list(name, cast=str.strip, default=[]) if item]


DEBUG = False

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's apps, each depending only on those listed before it (checked by import-linter in
# `make lint`; see the README's layout). Development tooling (kb.tools) is added by the dev and
# test settings only.
INSTALLED_APPS = [
    "kb.catalogue",
    "kb.search",
    "kb.site",
    "kb.opendata",
    "kb.serving",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "template_partials",
    "import_export",
    "reversion",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "kb.serving.pagecache.PageCacheMiddleware",  # first: it stores the final headers (see kb/serving/pagecache.py)
    "kb.serving.health.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # the policy goes on every response
    "kb.serving.static.StaticFilesMiddleware",  # whitenoise, reading Accept-Encoding's q-values
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kb.serving.methods.AllowedMethodsMiddleware",  # before CSRF: 405, not 403, for other methods
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # django-axes wants to be last
]

# The site's name, written here only: page titles and header (the site_name tag), feeds, JSON-LD,
# the admin and the API's description read it.
KB_SITE_NAME = "AI Models Knowledge Base"

ROOT_URLCONF = "kb.urls"
# The site is served at the root. Its path prefix is configuration, never read from a request:
# gunicorn takes SCRIPT_NAME from a header of its trusted forwarders, and links built from a
# visitor's prefix would be kept for everyone (kb.serving.pagecache, the generated blocks).
FORCE_SCRIPT_NAME = ""
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Widgets render from the same templates as pages, so templates/ can override one (the admin's
# date-and-time widget, to label its two boxes).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite on a laptop: a file in the project folder, WAL so readers never wait for the writer,
# a busy timeout and IMMEDIATE transactions so concurrent writers queue instead of failing.
SQLITE_DEFAULT = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": env.str("KB_SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
    "CONN_MAX_AGE": 600,  # reconnecting costs more than rendering a cached page
    "OPTIONS": {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    },
}


def database_from_env(name):
    """The database a URL variable names, with persistent connections. dj-database-url reads the
    URL rather than ``env.db``, which leaves a socket folder in the host percent-encoded
    (``postgres://%2Fvar%2Frun%2Fpostgresql/kb``). PostgreSQL gets timeouts,
    so a database that stops answering costs a visitor seconds and the 503 page, not a hung
    worker: connecting (``KB_DATABASE_CONNECT_TIMEOUT``, seconds; psycopg's least is 2), each
    statement (``KB_DATABASE_STATEMENT_TIMEOUT``, seconds; gunicorn.conf.py sets it for the web
    processes, management commands have none), and sent data the server leaves unacknowledged,
    a vanished host (``tcp_user_timeout``, with keepalives on idle connections)."""
    database = dj_database_url.parse(env.str(name), conn_max_age=600, conn_health_checks=True)
    if database["ENGINE"] != "django.db.backends.postgresql":
        return database
    statement_ms = int(env.float("KB_DATABASE_STATEMENT_TIMEOUT", default=0) * 1000)
    options = {
        "connect_timeout": env.int("KB_DATABASE_CONNECT_TIMEOUT", default=2),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 15_000,
    }
    if statement_ms:
        options["options"] = f"-c statement_timeout={statement_ms}"
    database["OPTIONS"] = {**options, **database.get("OPTIONS", {})}
    return database


if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": database_from_env("DATABASE_URL")}
else:
    DATABASES = {"default": SQLITE_DEFAULT}
# An optional read replica: anonymous page reads go there, everything else to the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **database_from_env("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["kb.serving.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache that every worker shares: Redis when configured, else a table in the database.
# Redis gets a timeout for connecting and for each reply (``KB_REDIS_TIMEOUT``, seconds): a Redis
# that hangs makes pages render uncached (kb.serving.pagecache), a moment late, instead of waiting on it.
# The URL goes to redis-py as it is (``env.cache`` would move its query into OPTIONS, uncast).
if env.str("REDIS_URL", default=""):
    REDIS_TIMEOUT = env.float("KB_REDIS_TIMEOUT", default=0.5)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "kb",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kb_cache",
            "KEY_PREFIX": "kb",
        }
    }
# Public pages are cached in that shared cache, keyed by the content version (kb/catalogue/freshness.py;
# README "Production"); KB_PAGE_CACHE=0 turns that off.
KB_PAGE_CACHE = env.bool("KB_PAGE_CACHE", default=True)
KB_PAGE_CACHE_SECONDS = 24 * 60 * 60  # old versions' pages age out of the shared cache

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The site's own date formats ("4 December 2026") for everything Django formats, the admin too.
FORMAT_MODULE_PATH = ["kb.settings.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("KB_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("KB_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kb.serving.static.StaticFilesStorage"},
}

LOGIN_URL = "admin:login"
# Where a login goes when its ``next`` is missing or refused (another site): the admin, not
# Django's default /accounts/profile/, which this site does not have.
LOGIN_REDIRECT_URL = "admin:index"

# django-markdownx: the preview renders through the site's own pipeline, so editors see
# exactly what visitors will. Its endpoints are our own staff-only views (kb/site/views/editing.py);
# the widget's script posts to these paths.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "kb.site.markdown.render_preview"
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"
# The longest text a Markdown field takes, in characters (the bundled article has 1,244): the
# editor's forms and preview refuse more, and longer text already stored shows as plain text, so
# one render has a known worst case (see README, "Markdown").
KB_MARKDOWN_MAX_LENGTH = 100_000

# The licence of the site's content: its articles and its data (the downloads, the API). Stated
# in the footer, on the data page, in the downloads' schema.org Dataset and the OpenAPI document.
CONTENT_LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

# django-import-export: editors import and export entries and organizations (CSV or JSON) in the
# admin. Importing needs the change permission (kb.catalogue.spreadsheets also asks for add), exporting the
# view permission. The uploaded file waits for confirmation in MEDIA_ROOT (its
# django-import-export/ folder, never served), which every instance shares as it shares the
# uploads: not in the cache, so importing works while Redis is down, and not on one instance's disk.
# Files of previews never confirmed are removed after a day (kb.catalogue.spreadsheets).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "kb.catalogue.spreadsheets.ExpiringMediaStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

# ---- Security: login throttling, Content Security Policy, HTTPS ------------------------------

# django-axes: five wrong passwords for one username from one address lock that pair out for
# fifteen minutes (a right password included); a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# django-csp 4: scripts and styles from our own origin only, no inline code (Django's admin and
# the markdownx editor need none), nothing may frame the site, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS. Behind a TLS proxy, name the header it sets (X-Forwarded-Proto: https) so Django
# knows a request came in encrypted; only do so when the proxy always sets or strips it.
if proxy_ssl_header := env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# HSTS goes out on HTTPS responses only (dev turns it off: there the site runs on plain HTTP).
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
