"""What the generated blocks of a Markdown text show, for code that cannot render them itself.

The site renders generated blocks (``kb.site.blocks``); search, which may not import the site,
indexes what they show as part of the page that shows them ("guardrails", a row of the
comparison an article places with ``[[comparison]]``, finds the article). The site registers
its renderer when it starts (``kb.site.apps``); without one, blocks show nothing here.
"""

_renderer = None


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
