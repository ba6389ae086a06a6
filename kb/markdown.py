"""The one rendering pipeline: Markdown -> HTML -> sanitised (nh3 allow-list) -> generated blocks.

Public pages and the admin's live preview call the same code, so an editor sees what visitors
see. A placeholder such as ``[[pros closed]]`` is recognised only while Markdown reads the text
block by block (so never inside code), stands in the HTML as a random token that sanitising
keeps, and is expanded after sanitising from autoescaped templates: no text an editor writes,
escaped or entity-encoded, can forge one.

Everything before the expansion depends on the text alone, so it is cached per process; the
expansion depends on the data too, so it is kept per process for the current content version.
"""

import functools
import html
import re
import secrets
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
import nh3
from django.utils.safestring import mark_safe
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.util import AtomicString

from .blocks import expand_placeholders, parse_placeholder
from .freshness import PerVersion

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
# Dropped with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "iframe", "noscript", "noembed", "noframes", "object",
    "embed", "svg", "math", "textarea", "select", "title", "xmp",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    # Footnotes link to and back from these.
    "li": {"id"},
    "sup": {"id"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}
FOOTNOTE_ID = re.compile(r"fn(?:ref)?:[\w-]+")
# Ids the page templates use themselves; a heading must not take one.
PAGE_IDS = frozenset({"main", "toc-title", "related-title"})
# A scheme, or a leading // or backslash (which browsers read as another host).
OFF_SITE = re.compile(r"[a-z][a-z0-9+.-]*:|//|/\\|\\", re.IGNORECASE)
# Browsers drop these from URLs before reading them.
URL_IGNORED = re.compile(r"[\t\n\r]")


def is_same_site(url):
    return not OFF_SITE.match(URL_IGNORED.sub("", url).strip())


def keep_attribute(tag, name, value):
    """nh3's attribute filter: the value to keep, or None to drop the attribute."""
    if name == "id":
        if value in PAGE_IDS:
            return None
        if tag in ("li", "sup") and not FOOTNOTE_ID.fullmatch(value):
            return None
    if tag == "img" and name == "src" and not is_same_site(value):
        return None  # a page loads nothing from another host
    return value


CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=keep_attribute,
    url_schemes=URL_SCHEMES,
    link_rel=None,
)
# nh3's output quotes every attribute value and escapes any quote or ">" in it.
LINK_START = re.compile(r"<a\s[^>]*>")
HREF = re.compile(r'\shref="([^"]*)"')


def mark_external_links(sanitised):
    """External links get rel="noopener noreferrer"; the site's own links stay plain."""

    def mark(match):
        href = HREF.search(match[0])
        if href and not is_same_site(html.unescape(href[1])):
            return match[0][:-1] + ' rel="noopener noreferrer">'
        return match[0]

    return LINK_START.sub(mark, sanitised)


def sanitise(unsafe_html):
    return mark_external_links(CLEANER.clean(unsafe_html))


def heading_id(value, separator):
    """Stable anchors from heading text, kept clear of the page's own ids."""
    slug = slugify_unicode(value, separator)
    return f"{slug}{separator}section" if slug in PAGE_IDS else slug


# A placeholder on a line of its own: [[kind]] or [[kind slug]].
PLACEHOLDER_LINE = re.compile(r"(?:^|\n)[ ]{0,3}\[\[(?P<content>[^\[\]\n]*)\]\][ \t]*(?=\n|$)")


class PlaceholderProcessor(BlockProcessor):
    """Takes each placeholder line out of its block and leaves a token paragraph for it.

    Markdown's own processors take code blocks first, and inline code never reaches here.
    """

    def __init__(self, parser, extension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block):
        return bool(PLACEHOLDER_LINE.search(block))

    def run(self, parent, blocks):
        block = blocks.pop(0)
        match = PLACEHOLDER_LINE.search(block)
        before, after = block[: match.start()], block[match.end() :].lstrip("\n")
        if before:
            self.parser.parseBlocks(parent, [before])
        paragraph = etree.SubElement(parent, "p")
        paragraph.text = AtomicString(self.extension.add(match["content"]))
        if after:
            blocks.insert(0, after)


class PlaceholderExtension(Extension):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reset()

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        # After indented code (80), before tables (75) and headings (70).
        md.parser.blockprocessors.register(PlaceholderProcessor(md.parser, self), "kb_block", 78)

    def reset(self):
        self.nonce = secrets.token_hex(8)
        self.placeholders = []

    def add(self, content):
        self.placeholders.append(parse_placeholder(content))
        return f"kb-block-{self.nonce}-{len(self.placeholders) - 1}"


_local = threading.local()


def _markdown():
    """One Markdown converter per thread (and its placeholder extension), reset before use."""
    if not hasattr(_local, "md"):
        _local.extension = PlaceholderExtension()
        _local.md = markdown.Markdown(
            extensions=[
                "abbr",
                "def_list",
                "fenced_code",
                "footnotes",
                "tables",
                "sane_lists",
                "toc",
                _local.extension,
            ],
            extension_configs={"toc": {"toc_depth": "2-4", "marker": "", "slugify": heading_id}},
        )
    return _local.md.reset(), _local.extension


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    level: int
    children: tuple


def _headings(tokens):
    return tuple(
        Heading(t["id"], html.unescape(t["name"]), t["level"], _headings(t["children"]))
        for t in tokens
    )


@dataclass(frozen=True)
class Converted:
    """Markdown converted and sanitised, with a token where each placeholder goes."""

    html: str
    placeholders: tuple
    nonce: str
    toc: tuple

    def fill(self, blocks):
        """Put ``blocks[i]`` where placeholder ``i`` stood."""
        if not self.placeholders:
            return self.html
        token = re.compile(rf"(?:<p>)?kb-block-{self.nonce}-(\d+)(?:</p>)?")
        return token.sub(lambda match: blocks[int(match[1])], self.html)


@functools.lru_cache(maxsize=512)
def convert(text):
    md, extension = _markdown()
    unsafe_html = md.convert(text)
    return Converted(
        html=sanitise(unsafe_html),
        placeholders=tuple(extension.placeholders),
        nonce=extension.nonce,
        toc=_headings(md.toc_tokens),
    )


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its HTML, its headings, and the rows its generated blocks show."""

    html: str
    toc: tuple
    shown: tuple


# The generated blocks of recent documents, built once per content version (they read the data).
_expanded = PerVersion(maxsize=256)


def render_document(text, *, preview=False):
    """The full pipeline. ``preview`` shows a warning where a placeholder cannot be expanded;
    visitors see nothing there."""
    converted = convert(text or "")
    if not converted.placeholders:
        return Rendered(mark_safe(converted.html), converted.toc, ())
    blocks, shown = _expanded.get(
        (converted.placeholders, preview),
        lambda: expand_placeholders(converted.placeholders, preview=preview),
    )
    return Rendered(mark_safe(converted.fill(blocks)), converted.toc, tuple(shown))


def render(text):
    """Markdown to safe HTML for public pages."""
    return render_document(text).html


def render_preview(text):
    """django-markdownx's preview function: the public page's output, plus warnings about
    placeholders that visitors will not see."""
    return render_document(text, preview=True).html


SINGLE_PARAGRAPH = re.compile(r"<p>((?:(?!<p>).)*)</p>", re.DOTALL)


def render_inline(text):
    """A short text such as a table cell: no generated blocks, and one paragraph unwrapped."""
    converted = convert(text or "")
    result = converted.fill([""] * len(converted.placeholders)).strip()
    single = SINGLE_PARAGRAPH.fullmatch(result)
    return mark_safe(single[1] if single else result)
