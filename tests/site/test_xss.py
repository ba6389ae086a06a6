"""Every known XSS payload renders inert, in the editor's preview and on the public page."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.support.factories import ArticleFactory
from tests.support.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

# Tags that run script, load a document or code, submit somewhere, or restyle the page.
SCRIPT_CAPABLE = {
    "applet", "audio", "base", "body", "button", "embed", "form", "frame", "frameset", "head",
    "html", "iframe", "input", "isindex", "keygen", "link", "marquee", "math", "meta",
    "noscript", "object", "portal", "script", "select", "source", "style", "svg", "template",
    "textarea", "title", "track", "video", "xmp",
}  # fmt: skip
URL_ATTRIBUTES = {
    "action", "background", "cite", "data", "formaction", "href", "longdesc", "poster", "src",
    "srcset", "xlink:href",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def url_scheme(value):
    """The scheme a browser would see: tabs and newlines inside, and controls and spaces
    around, are dropped first (the URL standard's parsing)."""
    value = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = SCHEME.match(value.lower())
    return match.group(1) if match else None


class Hazards(HTMLParser):
    """Everything in a document that could run script, as (tag, what) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = set()

    def handle_starttag(self, tag, attrs):
        if tag in SCRIPT_CAPABLE:
            self.found.add((tag, "tag"))
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.add((tag, f"{name}="))
            if name in URL_ATTRIBUTES and value:
                urls = [part.split()[0] for part in value.split(",") if part.split()]
                urls = urls if name == "srcset" else [value]
                for url in urls:
                    if url_scheme(url) not in (None, *SAFE_SCHEMES):
                        self.found.add((tag, f"{name}={url_scheme(url)}:"))

    handle_startendtag = handle_starttag


def hazards(html):
    parser = Hazards()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_corpus_is_large_and_the_checker_catches_each_kind():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    caught = hazards(
        '<script></script><a href=" JAVA&#x09;SCRIPT:x" onclick="y">x</a>'
        '<img srcset="https://ok/x 1x, data:x 2x"><svg></svg><p style="x">'
    )
    assert caught == {
        ("script", "tag"),
        ("a", "href=javascript:"),
        ("a", "onclick="),
        ("img", "srcset=data:"),
        ("svg", "tag"),
        ("p", "style="),
    }
    assert not hazards('<a href="/ok">x</a><a href="https://x">y</a><a href="mailto:a@b">z</a>')


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_is_inert_in_the_editor_preview(editor_client, payload):
    response = editor_client.post(reverse("markdownx_markdownify"), {"content": payload})
    assert response.status_code == 200
    assert hazards(response.content.decode()) == set()


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_is_inert_on_the_public_page(client, payload):
    # The page around an article legitimately holds stylesheets and meta tags.
    baseline = ArticleFactory(body="Plain text.")
    around = hazards(client.get(baseline.get_absolute_url()).content.decode())
    # No text field can hold NUL (the admin's forms refuse it, and so does PostgreSQL); the
    # preview above takes it raw.
    stored = payload.replace("\x00", "\ufffd")
    article = ArticleFactory(body=stored, lede=stored[:300])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert hazards(response.content.decode()) - around == set()
