"""The search, the same on every engine: find, rank, count facets, paginate, help with spelling.

A query is tried as typed; if nothing matches, with its last word as a prefix (a half-typed
word); if still nothing, with misspelled words replaced by the closest word of a title
("did you mean"). Results are ordered: the model whose name is exactly the query, titles that
start with the query, titles that hold every word, then the engine's relevance score.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .backends import MARK_END, MARK_START, get_backend
from .models import Kind, SearchDocument
from .query import WORD, parse
from .spelling import closest

PER_PAGE = 20
MAX_PER_PAGE = 50
SUGGESTIONS = 6
FACET_SIZE = 10
SPELLING_CANDIDATES = 30
MIN_CORRECTED_LENGTH = 3


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str
    title: str
    url: str
    context: str
    snippet: str = ""


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list


@dataclass
class Results:
    asked: object  # the parsed query as typed
    query: object = None  # the query the results are for (corrected, if it had to be)
    total: int = 0
    facets: list = field(default_factory=list)
    page: object = None

    @property
    def corrected(self):
        return self.query is not None and self.query != self.asked


# The filters a visitor can choose, by GET parameter: how each narrows the documents.
FILTERS = {
    "type": lambda documents, value: documents.filter(kind=value),
    "category": lambda documents, value: documents.filter(categories__slug=value),
    "organization": lambda documents, value: documents.filter(organization__slug=value),
}


def narrow(documents, filters, leave_out=None):
    for name, value in filters.items():
        if value and name != leave_out:
            documents = FILTERS[name](documents, value)
    return documents


def highlight(text):
    """Escaped text with the engine's match markers turned into ``<mark>``."""
    return mark_safe(escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def best_snippet(*snippets):
    """The first extract that shows a match, else the first that has any text."""
    for snippet in snippets:
        if snippet and MARK_START in snippet:
            return highlight(snippet)
    return highlight(next((s for s in snippets if s), ""))


def flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


def ranked(documents, query, matcher):
    """Exact model name first, then titles starting with the query, titles holding every word,
    and the rest by relevance."""
    return documents.annotate(
        exact=flag(Q(kind=Kind.MODEL, title_key=query.key)),
        starts=flag(Q(title_key__startswith=query.key)),
        title_hit=matcher.title_hit(),
        rank=matcher.rank(),
    ).order_by("-exact", "-starts", "-title_hit", "-rank", "pk")


HIT_FIELDS = ("pk", "kind", "label", "title", "url", "context")


class RankedResults:
    """The ordered matches, fetched a page at a time, for ``Paginator``."""

    def __init__(self, documents, query, matcher, total):
        self.documents = documents
        self.query = query
        self.matcher = matcher
        self.total = total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, window):
        rows = list(ranked(self.documents, self.query, self.matcher).values(*HIT_FIELDS)[window])
        extracts = {
            pk: (summary, body)
            for pk, summary, body in self.matcher.filter(
                SearchDocument.objects.filter(pk__in=[row["pk"] for row in rows])
            )
            .annotate(
                summary_snippet=self.matcher.snippet("summary"),
                body_snippet=self.matcher.snippet("body"),
            )
            .values_list("pk", "summary_snippet", "body_snippet")
            .order_by()
        }
        return [
            Hit(
                **{k: v for k, v in row.items() if k != "pk"},
                snippet=best_snippet(*extracts[row["pk"]]),
            )
            for row in rows
        ]


def correct(query, backend):
    """The query with each unknown word replaced by the closest word of a title, or None."""
    corrections = {}
    for phrase in query.positive:
        word = phrase.words[0]
        if len(phrase.words) == 1 and len(word) >= MIN_CORRECTED_LENGTH:
            titles = backend.title_candidates(word, SPELLING_CANDIDATES)
            better = closest(word, [w for title in titles for w in WORD.findall(title)])
            if better and better != word:
                corrections[word] = better
    return query.with_words(corrections) if corrections else None


def find(query, backend, prefix_first=False):
    """The query and matcher that find something: as typed, as a prefix, or corrected."""
    documents = SearchDocument.objects.all()
    attempts = [(query, True)] if prefix_first else [(query, False), (query, True)]
    for attempt, prefix in attempts:
        if prefix and not attempt.prefix_word:
            continue
        matcher = backend.matcher(attempt, prefix)
        if matcher.filter(documents).exists():
            return attempt, matcher
    corrected = correct(query, backend)
    if corrected:
        matcher = backend.matcher(corrected)
        if matcher.filter(documents).exists():
            return corrected, matcher
    return query, None


def type_facet(documents, selected):
    counts = dict(documents.values_list("kind").annotate(n=Count("pk")).order_by())
    return [
        FacetOption(kind, label, counts[kind], kind == selected)
        for kind, label in Kind.choices
        if kind in counts
    ]


def related_facet(relation):
    def facet(documents, selected):
        rows = (
            documents.values_list(f"{relation}__slug", f"{relation}__name")
            .annotate(n=Count("pk"))
            .order_by("-n", f"{relation}__name")
        )
        options = [FacetOption(slug, name, n, slug == selected) for slug, name, n in rows if slug]
        shown = options[:FACET_SIZE]
        return shown + [o for o in options[FACET_SIZE:] if o.selected]

    return facet


FACETS = [
    ("type", "Type", type_facet),
    ("category", "Category", related_facet("categories")),
    ("organization", "Organization", related_facet("organization")),
]


def search(text, filters=None, page=1, per_page=PER_PAGE):
    """The search page's answer: ranked hits a page at a time, facet counts, spelling help."""
    filters = filters or {}
    results = Results(asked=parse(text))
    if not results.asked:
        return results
    backend = get_backend()
    results.query, matcher = find(results.asked, backend)
    if matcher is None:
        return results
    matches = matcher.filter(SearchDocument.objects.all())
    for name, label, count in FACETS:
        options = count(narrow(matches, filters, leave_out=name), filters.get(name))
        results.facets.append(Facet(name, label, options))
    kinds = results.facets[0].options
    results.total = sum(o.count for o in kinds if o.selected or not filters.get("type"))
    documents = RankedResults(narrow(matches, filters), results.query, matcher, results.total)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    results.page = Paginator(documents, per_page).get_page(page)
    return results


def suggest(text, limit=SUGGESTIONS):
    """The first few matches for a query being typed: its last word may be unfinished."""
    results = Results(asked=parse(text))
    if not results.asked:
        return results, []
    backend = get_backend()
    results.query, matcher = find(results.asked, backend, prefix_first=True)
    if matcher is None:
        return results, []
    documents = ranked(matcher.filter(SearchDocument.objects.all()), results.query, matcher)
    return results, [Hit(**row) for row in documents.values(*HIT_FIELDS[1:])[:limit]]
