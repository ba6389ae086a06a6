"""WSGI entry point for gunicorn: ``gunicorn kb.wsgi``.

Cached pages are answered by ``PageCacheApp`` before Django's request handling starts.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

application = get_wsgi_application()

from kb.pagecache import PageCacheApp  # noqa: E402  (needs the apps loaded above)

application = PageCacheApp(application)
