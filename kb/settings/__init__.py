"""The site's settings: ``base`` (everything shared, read from the environment), ``dev`` (a
laptop: debug on, SQLite), ``prod`` (debug off; a secret key and host names required), ``test``
(the test suite: debug off, a throwaway key).

Each entry point names its module: pytest ``kb.settings.test`` (pyproject.toml), the Makefile's
targets ``dev`` or ``prod``. Where DJANGO_SETTINGS_MODULE is unset, manage.py and kb.wsgi take
``use_default_module()``'s: production's unless DJANGO_DEBUG asks for debug, so a server given
nothing refuses to start without its secret instead of running with the laptop's.
"""

import os

import environ


def use_default_module():
    """Set DJANGO_SETTINGS_MODULE, unless set, to ``kb.settings.dev`` when DJANGO_DEBUG is on,
    else to ``kb.settings.prod``."""
    debug = environ.Env().bool("DJANGO_DEBUG", default=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"kb.settings.{'dev' if debug else 'prod'}")
