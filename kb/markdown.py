"""The one rendering pipeline: Markdown -> HTML -> sanitised with an nh3 allow-list.

Public pages and the admin's live preview both call it, so an editor sees what visitors see.
"""

import markdown
import nh3
from django.utils.safestring import mark_safe

EXTENSIONS = ["extra", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False, "toc_depth": "2-4"}}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
HEADING_ATTRIBUTES = {"id"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    **{f"h{level}": HEADING_ATTRIBUTES for level in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(text):
    """Markdown to HTML, not yet sanitised. Headings get stable ``id`` anchors."""
    return markdown.markdown(text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def sanitise(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render(text):
    """Markdown to safe HTML for public pages."""
    return mark_safe(sanitise(markdown_to_html(text)))


def render_preview(text):
    """django-markdownx's preview function: the same output as the public page."""
    return render(text)
