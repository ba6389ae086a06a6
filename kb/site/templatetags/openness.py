from urllib.parse import urlsplit

from django import template

from kb.catalogue import openness
from kb.catalogue.openness import scorecard

register = template.Library()


@register.simple_tag
def openness_scorecard(entry):
    """``{% openness_scorecard entry as card %}``: every dimension's grade, and the score."""
    return scorecard(entry)


@register.filter
def openness_coverage(graded):
    """``{{ entry.openness_graded|openness_coverage }}``: "7 of 9 graded"."""
    return openness.coverage(graded)


@register.simple_tag
def openness_too_few():
    """Why an entry has no score: "fewer than 5 of 9 dimensions graded"."""
    return openness.TOO_FEW_GRADED


@register.filter
def url_host(url):
    """The site a link goes to, as a reader recognises it: ``arxiv.org``."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
