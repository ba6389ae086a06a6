"""What the editor's desk tells an editor about a Markdown text, line by line.

Read from the same parse as the rendering (``markdown.PARSER``), so a placeholder inside code is
never taken for one and the lines are those markdown-it gives its blocks. Each warning names the
line (counted from 1) it is about:

- a placeholder that is not on a line of its own, which visitors would see as text;
- a placeholder that cannot be filled (no such block, a missing or unknown slug);
- a link to a page of the site that does not exist, or that visitors cannot see;
- an image without alt text;
- a heading that skips a level, after the page's own heading the text sits under (the title's
  h1 for an article, the "About" h2 for a model).

``blocks`` are the first lines of the text's top-level blocks, in order: the editor uses them
to keep the preview beside the paragraph being edited.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from kb.catalogue.models import Article, Category, ModelEntry, Organization

from .blocks import BlockData, NotShown, parse_placeholder
from .markdown import PARSER, is_same_site

PLACEHOLDER = re.compile(r"\[\[[^\[\]\n]*\]\]")

# The public pages that show one item, by route name, and the items visitors may see there.
ITEM_PAGES = {
    "kb:article": Article.objects.published,
    "kb:category": Category.objects.all,
    "kb:organization": Organization.objects.all,
    "kb:model": ModelEntry.objects.published,
}


@dataclass(frozen=True)
class Note:
    line: int
    message: str


@dataclass(frozen=True)
class Proofread:
    warnings: tuple
    blocks: tuple


def inline_children(tokens):
    """(line, child) for each piece of inline text, with the line it is on."""
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        line = token.map[0] + 1
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            yield line, child


def misplaced_placeholders(tokens):
    for line, child in inline_children(tokens):
        if child.type != "text":
            continue
        for written in PLACEHOLDER.findall(child.content):
            yield Note(
                line,
                f"{written} is inside other text: a placeholder works only on a line of its own. "
                "Visitors see it as it is written.",
            )


def unfilled_placeholders(tokens):
    written = [
        (t.map[0] + 1, parse_placeholder(t.content)) for t in tokens if t.type == "kb_placeholder"
    ]
    if not written:
        return
    data = BlockData([placeholder for _, placeholder in written])
    for line, placeholder in written:
        try:
            data.block(placeholder)
        except NotShown as reason:
            yield Note(line, f"{placeholder.written} is not shown: {reason}")


def page_at(path):
    """The route ``path`` reaches, or None; without its last slash as well, which Django's
    APPEND_SLASH redirects to."""
    candidates = [path] if path.endswith("/") else [path, f"{path}/"]
    for candidate in candidates:
        try:
            return resolve(candidate)
        except Resolver404:
            continue
    return None


def missing_pages(tokens):
    """Links to the site's own pages that answer 404 to a visitor."""
    wanted = []  # (line, href, route name, slug)
    for line, child in inline_children(tokens):
        href = child.attrGet("href") if child.type == "link_open" else None
        if not href or not is_same_site(href) or not href.startswith("/"):
            continue
        match = page_at(urlsplit(href).path)
        if match is None:
            yield Note(line, f"The link to {href} goes to a page the site does not have.")
            continue
        if match.view_name in ITEM_PAGES and "slug" in match.kwargs:
            wanted.append((line, href, match.view_name, match.kwargs["slug"]))
    found = {}
    for view_name in {view_name for _, _, view_name, _ in wanted}:
        slugs = {slug for _, _, name, slug in wanted if name == view_name}
        items = ITEM_PAGES[view_name]().filter(slug__in=slugs)
        found[view_name] = set(items.values_list("slug", flat=True))
    for line, href, view_name, slug in wanted:
        if slug not in found[view_name]:
            yield Note(
                line,
                f"The link to {href} goes to a page visitors cannot see: nothing published has that address.",
            )


def images_without_alt(tokens):
    for line, child in inline_children(tokens):
        if child.type == "image" and not child.content.strip():
            yield Note(
                line,
                f"The image {child.attrGet('src')} has no alt text: write what it shows between "
                "the brackets, ![like this](…), for those who cannot see it.",
            )


def skipped_headings(tokens, under):
    previous = under
    for token in tokens:
        if token.type != "heading_open":
            continue
        level = int(token.tag[1])
        if level > previous + 1:
            yield Note(
                token.map[0] + 1,
                f"This heading is level {level} after level {previous}: use level {previous + 1} "
                f"({'#' * (previous + 1)}), so the page's outline has no gap.",
            )
        previous = level


CHECKS = (misplaced_placeholders, unfilled_placeholders, missing_pages, images_without_alt)


def proofread(text, *, under=1):
    """The warnings about ``text``, shown on a page under a heading of level ``under``."""
    tokens = PARSER.parse(text or "", {"placeholders": [], "nonce": ""})
    found = [
        *(note for check in CHECKS for note in check(tokens)),
        *skipped_headings(tokens, under),
    ]
    blocks = tuple(t.map[0] + 1 for t in tokens if t.level == 0 and t.nesting >= 0 and t.map)
    return Proofread(tuple(sorted(found, key=lambda note: note.line)), blocks)
