from django import template

from .. import markdown

register = template.Library()


@register.filter
def markdownify(text):
    """Render an editor's Markdown through the site's one pipeline."""
    return markdown.render(text)
