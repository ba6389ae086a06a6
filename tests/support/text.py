"""What a reader sees: the visible text of an HTML page, whitespace folded."""

from tests.support.html import parse


def visible_text(html):
    return parse(html).text
