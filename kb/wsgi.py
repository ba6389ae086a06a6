"""WSGI entry point for gunicorn: ``gunicorn kb.wsgi``.

Cached pages are answered by ``PageCacheApp`` before Django's request handling starts.
"""

from django.core.wsgi import get_wsgi_application

from kb.settings import use_default_module

use_default_module()  # production's settings unless DJANGO_DEBUG asks for debug

application = get_wsgi_application()

from kb.serving.pagecache import PageCacheApp  # noqa: E402  (needs the apps loaded above)

application = PageCacheApp(application)
