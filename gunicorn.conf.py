"""gunicorn's configuration for the site: ``make serve`` and the tests' app processes use it.

gunicorn lets its "forwarders" (``forwarded_allow_ips``: ``FORWARDED_ALLOW_IPS``, by default
127.0.0.1 and ::1) set parts of the WSGI environ by request headers: ``SCRIPT_NAME`` and
``PATH_INFO`` (``forwarder_headers``) and the scheme (``secure_scheme_headers``). With no proxy
in front, or one that passes a client's headers on, any local client could choose them, and a
``SCRIPT_NAME`` header made one visitor's request render another page under the public URL.
Here nothing comes from headers unless the proxy setup says so:

- ``forwarder_headers``: none. The site is served at the root (``FORCE_SCRIPT_NAME``).
- ``secure_scheme_headers``: only the header Django trusts, ``DJANGO_SECURE_PROXY_SSL_HEADER``
  (set it when a TLS proxy always sets or strips it), so gunicorn and Django agree.

Web requests also get a statement timeout on PostgreSQL (``KB_DATABASE_STATEMENT_TIMEOUT``,
seconds, 10 unless set; kb/settings/base.py): a page must not wait on one query for long, while
management commands (migrations, rebuilding the search index) may.

``GUNICORN_CMD_ARGS`` overrides this file (e.g. ``--forwarder-headers REMOTE_USER`` for a proxy
that must pass more on, with its address in ``FORWARDED_ALLOW_IPS``).
"""

import os

forwarder_headers = ""
proxy_ssl_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "")
secure_scheme_headers = {proxy_ssl_header.upper(): "https"} if proxy_ssl_header else {}

os.environ.setdefault("KB_DATABASE_STATEMENT_TIMEOUT", "10")  # read by the workers' settings
