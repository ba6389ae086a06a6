from django import template

from .. import markdown

register = template.Library()


@register.filter
def markdownify(text):
    """Render an editor's Markdown through the site's one pipeline."""
    return markdown.render(text)


@register.filter
def inline_markdown(text):
    """A short Markdown text, such as a table cell, without a wrapping paragraph."""
    return markdown.render_inline(text)
