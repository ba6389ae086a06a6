"""What the site renders from Markdown, for code that may not import the site.

The site renders Markdown and its generated blocks (``kb.site.markdown``, ``kb.site.blocks``).
Search indexes what the blocks show as part of the page that shows them ("guardrails", a row of
the comparison an article places with ``[[comparison]]``, finds the article); the open data gives
each text's HTML beside its Markdown (the API's ``*_html`` fields). The site registers its
renderers when it starts (``kb.site.apps``); without them, blocks show nothing here and
``markdown_html`` refuses.
"""

from django.core.exceptions import ImproperlyConfigured

_renderer = None
_markdown = None


def register(render):
    """Use ``render(markdown_text)``, the HTML of the text's blocks as visitors see them."""
    global _renderer
    _renderer = render
    return render


def blocks_html(markdown_text):
    """The HTML of the generated blocks ``markdown_text`` places, or "" if it places none."""
    if _renderer is None or "[[" not in (markdown_text or ""):
        return ""
    return _renderer(markdown_text)


def register_markdown(render):
    """Use ``render(markdown_text)``, a text's HTML as the public pages show it."""
    global _markdown
    _markdown = render
    return render


def markdown_html(markdown_text):
    """``markdown_text`` as the public pages render it (safe HTML)."""
    if _markdown is None:
        raise ImproperlyConfigured("No Markdown renderer registered: is kb.site installed?")
    return _markdown(markdown_text)
