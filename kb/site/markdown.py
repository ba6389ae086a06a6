"""The one rendering pipeline: Markdown -> HTML -> sanitised (nh3 allow-list) -> generated blocks.

Public pages and the admin's live preview call the same code, so an editor sees what visitors
see. Markdown is read by markdown-it-py (CommonMark, with tables, footnotes and definition
lists): its parser takes time in proportion to the text, whatever the text (Python-Markdown,
used before, took minutes on a few thousand brackets). A text longer than
``settings.KB_MARKDOWN_MAX_LENGTH`` is not parsed at all, so one render has a known worst case.

A placeholder such as ``[[pros closed]]`` is recognised only by the block parser (so never inside
code), stands in the HTML as a random token that sanitising keeps, and is expanded after
sanitising from autoescaped templates: no text an editor writes, escaped or entity-encoded, can
forge one.

Everything before the expansion depends on the text alone, so it is cached per process; the
expansion depends on the data too, so it is kept per process for the current content version.
A text that cannot be rendered (too long, or a parser failure) shows as plain escaped text, with
a warning in the preview, rather than failing the page.
"""

import functools
import html
import logging
import re
import secrets
from dataclasses import dataclass

import nh3
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from kb.catalogue.freshness import PerVersion
from kb.catalogue.models import validate_markdown_length

from .blocks import expand_placeholders, parse_placeholder

logger = logging.getLogger(__name__)

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


def slugify(value, separator="-"):
    """Python-Markdown's ``slugify_unicode``, which made the anchors links already point to."""
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def heading_id(value, separator="-"):
    """Stable anchors from heading text, kept clear of the page's own ids."""
    slug = slugify(value, separator)
    return f"{slug}{separator}section" if slug in PAGE_IDS else slug


def unique(slug, taken, last_suffix):
    """``slug``, or ``slug_1``, ``slug_2``, ... when taken. ``last_suffix`` remembers the last
    suffix tried for each slug, so a thousand equal headings cost a thousand steps, not a
    million."""
    if slug and slug not in taken:
        taken.add(slug)
        return slug
    suffix = last_suffix.get(slug, 0)
    while True:
        suffix += 1
        candidate = f"{slug}_{suffix}"
        if candidate not in taken:
            break
    last_suffix[slug] = suffix
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    level: int
    children: tuple


# Headings of these levels make the table of contents (h1 is the page's title).
TOC_LEVELS = range(2, 5)


def nest(headings):
    """(level, id, title) in document order -> a tree of Heading: each heading holds the
    deeper ones that follow it."""
    root, open_ = [], []  # open_: (level, children) of the headings a deeper one may go under
    for level, anchor, title in headings:
        children = []
        while open_ and open_[-1][0] >= level:
            open_.pop()
        (open_[-1][1] if open_ else root).append((anchor, title, level, children))
        open_.append((level, children))

    def frozen(nodes):
        return tuple(Heading(a, t, lv, frozen(c)) for a, t, lv, c in nodes)

    return frozen(root)


def anchor_headings(state):
    """Core rule: an id on every heading, and the table of contents in ``env["toc"]``."""
    taken, last_suffix, listed = set(), {}, []
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        words = (c.content for c in inline.children or () if c.type in ("text", "code_inline"))
        title = " ".join("".join(words).split())
        anchor = unique(heading_id(title), taken, last_suffix)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if level in TOC_LEVELS:
            listed.append((level, anchor, title))
    state.env["toc"] = nest(listed)


# A placeholder on a line of its own, from its first non-blank character: [[kind]] or [[kind slug]].
PLACEHOLDER_LINE = re.compile(r"\[\[(?P<content>[^\[\]\n]*)\]\][ \t]*")


def placeholder_block(state, start_line, end_line, silent):
    """Block rule: a placeholder line becomes a block of its own, ending a paragraph, list or
    quote it follows. Code blocks, fences and HTML blocks take their lines first."""
    if state.is_code_block(start_line):
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    match = PLACEHOLDER_LINE.fullmatch(state.src, start, state.eMarks[start_line])
    if not match:
        return False
    if not silent:
        token = state.push("kb_placeholder", "", 0)
        token.content = match["content"]
        token.map = [start_line, start_line + 1]
        state.line = start_line + 1
    return True


def render_placeholder(renderer, tokens, index, options, env):
    placeholders = env["placeholders"]
    placeholders.append(parse_placeholder(tokens[index].content))
    return f"<p>kb-block-{env['nonce']}-{len(placeholders) - 1}</p>\n"


# Footnotes as Python-Markdown wrote them, which the sanitiser's id rule expects:
# <sup id="fnref:LABEL"><a href="#fn:LABEL">1</a></sup> ... <li id="fn:LABEL">.
FOOTNOTE_LABEL = re.compile(r"[\w-]+")


def footnote_name(token):
    label = token.meta.get("label")
    return label if label and FOOTNOTE_LABEL.fullmatch(label) else str(token.meta["id"] + 1)


def render_footnote_ref(renderer, tokens, index, options, env):
    token = tokens[index]
    name, number = escape(footnote_name(token)), token.meta["id"] + 1
    # Only the first reference to a footnote is its back link's target.
    anchor = "" if token.meta.get("subId", 0) else f' id="fnref:{name}"'
    return f'<sup{anchor}><a href="#fn:{name}">{number}</a></sup>'


def render_footnote_open(renderer, tokens, index, options, env):
    return f'<li id="fn:{escape(footnote_name(tokens[index]))}">\n'


def render_footnote_anchor(renderer, tokens, index, options, env):
    token = tokens[index]
    if token.meta.get("subId", 0):
        return ""
    name, number = escape(footnote_name(token)), token.meta["id"] + 1
    title = f"Jump back to footnote {number} in the text"
    return f'&#160;<a href="#fnref:{name}" title="{title}">&#8617;</a>'


def _parser():
    md = (
        MarkdownIt("commonmark", {"typographer": False, "linkify": False})
        .enable("table")
        .use(deflist_plugin)
        .use(footnote_plugin, inline=False)
    )
    # The sanitiser decides which links stay (URL_SCHEMES), as it did with Python-Markdown: a
    # link to a refused scheme keeps its text and loses its target, not shown as raw Markdown.
    md.validateLink = lambda url: True
    md.block.ruler.before(
        "lheading",
        "kb_placeholder",
        placeholder_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.push("kb_anchor_headings", anchor_headings)
    md.add_render_rule("kb_placeholder", render_placeholder)
    md.add_render_rule("footnote_ref", render_footnote_ref)
    md.add_render_rule("footnote_open", render_footnote_open)
    md.add_render_rule("footnote_anchor", render_footnote_anchor)
    md.add_render_rule("footnote_block_open", lambda *args: "<hr>\n<ol>\n")
    md.add_render_rule("footnote_block_close", lambda *args: "</ol>\n")
    return md


# The parser keeps no state between texts (each render has its own env), so threads share it.
PARSER = _parser()


@dataclass(frozen=True)
class Converted:
    """Markdown converted and sanitised, with a token where each placeholder goes."""

    html: str
    placeholders: tuple
    nonce: str
    toc: tuple
    # Why the text shows as plain text instead of rendered, if it does (for the editor).
    problem: str = ""

    def fill(self, blocks):
        """Put ``blocks[i]`` where placeholder ``i`` stood."""
        if not self.placeholders:
            return self.html
        token = re.compile(rf"(?:<p>)?kb-block-{self.nonce}-(\d+)(?:</p>)?")
        return token.sub(lambda match: blocks[int(match[1])], self.html)


def as_plain_text(text, problem):
    """The text, escaped, in paragraphs: what a document that cannot be rendered shows."""
    return Converted(
        html=linebreaks(text, autoescape=True), placeholders=(), nonce="", toc=(), problem=problem
    )


def _convert(text):
    env = {"placeholders": [], "nonce": secrets.token_hex(8)}
    unsafe_html = PARSER.render(text, env)
    return Converted(
        html=sanitise(unsafe_html).strip(),
        placeholders=tuple(env["placeholders"]),
        nonce=env["nonce"],
        toc=env["toc"],
    )


def convert_text(text):
    """The text converted and sanitised; as plain text when it is too long or fails to render."""
    try:
        validate_markdown_length(text)
    except ValidationError as too_long:
        logger.warning("Markdown text of %d characters shown as plain text: too long", len(text))
        return as_plain_text(text, too_long.messages[0])
    try:
        return _convert(text)
    except Exception:
        logger.exception("Markdown text of %d characters shown as plain text", len(text))
        return as_plain_text(text, "This text could not be rendered as Markdown.")


# Stored texts, converted once per process (a failing text too: one attempt, not one per
# request). Previews are not kept: each keystroke's draft would push pages' texts out.
convert = functools.lru_cache(maxsize=512)(convert_text)


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its HTML, its headings, and the rows its generated blocks show."""

    html: str
    toc: tuple
    shown: tuple


# The generated blocks of recent documents, built once per content version (they read the data).
_expanded = PerVersion(maxsize=256)


def render_document(text, *, preview=False):
    """The full pipeline. ``preview`` shows a warning where a placeholder cannot be expanded,
    or where the text shows as plain text; visitors see nothing there."""
    converted = (convert_text if preview else convert)(text or "")
    if converted.problem:
        warning = render_to_string("blocks/not_rendered.html", {"problem": converted.problem})
        shown_html = warning + converted.html if preview else converted.html
        return Rendered(mark_safe(shown_html), (), ())
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


def blocks_html(text):
    """The HTML of the generated blocks ``text`` places, one after another, as visitors see
    them: what search indexes of them (``kb.catalogue.shown``)."""
    converted = convert(text or "")
    if converted.problem or not converted.placeholders:
        return ""
    blocks, _ = expand_placeholders(converted.placeholders, preview=False)
    return "\n".join(blocks)
