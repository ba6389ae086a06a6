"""Pages read as a browser reads them (the standard library's html.parser): elements with their
attributes in any order, whatever the whitespace between them.

``parse(html).find_all("a", class_="model-name")`` gives the elements named ``a`` whose
attributes include those (``class_`` for ``class``, ``aria_label`` for ``aria-label``); an
element's ``attrs`` are all of its attributes, its ``text`` what a reader sees of it. For a
whole fragment (tag, attributes and content) use ``assertInHTML``, which compares the same way.
"""

import json
from html.parser import HTMLParser

# Elements that have no end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
UNSEEN = {"script", "style", "template"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = {name: "" if value is None else value for name, value in attrs}
        self.parent = parent
        self.children = []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    def __getitem__(self, name):
        return self.attrs[name]

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    @property
    def elements(self):
        """The elements directly inside it."""
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if element is not self
            and (tag is None or element.tag == tag)
            and all(element.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag=None, **attrs):
        """The one element that matches."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} elements match {tag} {attrs}: {found}"
        return found[0]

    def strings(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in UNSEEN:
                yield from child.strings()

    @property
    def text(self):
        """What a reader sees of it, whitespace folded."""
        return " ".join(" ".join(self.strings()).split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Element("#document", [])

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        # Close up to the nearest open element of that name; a stray end tag closes nothing.
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    if isinstance(html, bytes):
        html = html.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def json_ld(html):
    """The page's one JSON-LD block, read."""
    (block,) = parse(html).find_all("script", type="application/ld+json")
    return json.loads("".join(block.children))


def meta(html, key):
    """The content of the page's ``<meta>`` for ``key`` (its property or name), or None."""
    found = [
        tag for tag in parse(html).find_all("meta") if key in (tag.get("property"), tag.get("name"))
    ]
    assert len(found) <= 1, found
    return found[0]["content"] if found else None


def inline_code(html, data_blocks=True):
    """What a strict Content Security Policy would refuse: style and event handler attributes,
    ``<style>`` elements and scripts written in the page. JSON-LD blocks are data the browser
    never runs, allowed unless ``data_blocks`` is false."""
    return [
        element
        for element in parse(html).iter()
        if any(name == "style" or name.startswith("on") for name in element.attrs)
        or element.tag == "style"
        or (
            element.tag == "script"
            and "src" not in element.attrs
            and not (data_blocks and element.get("type") == "application/ld+json")
        )
    ]
