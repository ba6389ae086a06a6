from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """The content as data: the JSON API and its OpenAPI description, the downloads, feeds, sitemap and structured data."""

    name = "kb.opendata"
    label = "opendata"
    verbose_name = "Open data"
