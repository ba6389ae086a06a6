"""Production's settings with the development tools installed: what ``make bench`` and ``make
audit`` run their commands with. The site they measure is served by ``make serve``, with
``kb.settings.prod`` and without the tools."""

from .prod import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "kb.tools"]  # noqa: F405
