from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public pages: articles, the directory, model pages, comparisons, the timeline, and the Markdown pipeline with its generated blocks."""

    name = "kb.site"
    label = "site"
    verbose_name = "Site"

    def ready(self):
        from kb.catalogue import shown

        from .markdown import blocks_html, render

        shown.register(blocks_html)
        shown.register_markdown(render)
