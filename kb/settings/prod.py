"""Production (``make serve``, gunicorn, and manage.py or kb.wsgi without DJANGO_DEBUG): debug
off, and no default for what only the operator can give: it refuses to start without a secret
key or the site's host names."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_list

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set for the production settings (debug off); on a laptop, "
        "DJANGO_DEBUG=1 chooses the development settings."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set for the production settings (debug off): the site's "
        "host names, comma-separated."
    )
