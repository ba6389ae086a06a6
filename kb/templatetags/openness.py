from urllib.parse import urlsplit

from django import template

from ..openness import scorecard

register = template.Library()


@register.simple_tag
def openness_scorecard(entry):
    """``{% openness_scorecard entry as card %}``: every dimension's grade, and the score."""
    return scorecard(entry)


@register.filter
def url_host(url):
    """The site a link goes to, as a reader recognises it: ``arxiv.org``."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
