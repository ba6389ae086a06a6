from django.apps import AppConfig


class ServingConfig(AppConfig):
    """How pages are served: the page cache, static files, allowed methods, the read replica, health and error pages, backups."""

    name = "kb.serving"
    label = "serving"
    verbose_name = "Serving"
