"""What a visitor sees of search: the hits of the results page, the options of the suggestions."""

from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.search import synonyms
from kb.search.backends import get_backend


class _Hits(HTMLParser):
    """Collects each result (``li.search-hit``) and each suggestion (``li[role=option]``).

    Titles and kinds are text as read; a snippet is kept as served, entities and all, so that
    a ``<mark>`` element and an escaped ``&lt;mark&gt;`` stay apart.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.hits = []
        self.field = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "li" and ("search-hit" in classes or attrs.get("role") == "option"):
            self.hits.append({"kind": "", "title": "", "url": attrs.get("data-url", ""),
                              "snippet": "", "id": attrs.get("id", "")})  # fmt: skip
        elif self.hits and tag == "p" and "search-hit-kind" in classes:
            self.field = "kind"
        elif self.hits and tag == "p" and "search-snippet" in classes:
            self.field = "snippet"
        elif self.hits and tag == "span" and "search-suggestion-title" in classes:
            self.field = "title"
        elif self.hits and tag == "span" and "search-suggestion-kind" in classes:
            self.field = "kind"
        elif self.hits and tag == "a" and self.field is None and not self.hits[-1]["title"]:
            self.hits[-1]["url"] = attrs["href"]
            self.field = "title"
        elif self.field == "snippet":
            self.hits[-1]["snippet"] += self.get_starttag_text()

    def handle_endtag(self, tag):
        if self.field == "snippet" and tag == "mark":
            self.hits[-1]["snippet"] += "</mark>"
        elif tag in ("p", "a", "span"):
            self.field = None

    def handle_data(self, data):
        if self.field:
            self.hits[-1][self.field] += data

    def handle_entityref(self, name):
        self.handle_reference(f"&{name};")

    def handle_charref(self, name):
        self.handle_reference(f"&#{name};")

    def handle_reference(self, reference):
        if self.field:
            text = reference if self.field == "snippet" else unescape(reference)
            self.hits[-1][self.field] += text


def hits(response):
    parser = _Hits()
    parser.feed(response.content.decode())
    return parser.hits


def titles(response):
    return [hit["title"] for hit in hits(response)]


def search_url(text, **params):
    """The search page's URL for ``text``, any character included (as a browser encodes it)."""
    extra = "".join(f"&{name}={value}" for name, value in params.items())
    return f"/search/?q={quote(text, errors='surrogatepass')}{extra}"


def suggest_url(text):
    return f"/search/suggest/?q={quote(text, errors='surrogatepass')}"


def searching_overhead():
    """Queries the engine's backend spends setting up a search (PostgreSQL: planner settings)."""
    with CaptureQueriesContext(connection) as queries, get_backend().searching():
        pass
    return len(queries)


def synonyms_kept():
    """Have this process keep the synonyms, as it does after its first search (a search reads
    them at most once a minute): query counts are then those of the search itself."""
    synonyms.table()


def search(client, text, **params):
    """The search page for ``text`` (filtered by ``params``), which must answer 200."""
    response = client.get(search_url(text, **params))
    assert response.status_code == 200
    return response
