"""The search, the same on every engine: find, rank, count facets, paginate, help with spelling.

A query is tried as typed; if nothing matches, with its last word as a prefix (a half-typed
word); if still nothing, with misspelled words replaced by the closest known word ("did you
mean"; see ``spelling``).

Results are ordered: the model whose name is exactly the query, titles that start with the
query, the other titles holding every word, then everything else by relevance. A page inside
the title matches ranks the title matches alone, which stay few even for a common word that
matches most documents; when they too are more than ``EXACT_LIMIT`` (a short prefix such as
"cod"), the exact name comes first and the other titles newest first. Past them, a query with more than ``EXACT_LIMIT`` matches lists the
others newest first: ranking them all would cost time in proportion to their number (at
100,000 documents, 30 to 200 ms for a common word), and a word found in thousands of
documents says little about which of them matters most.

Counting is exact up to ``EXACT_LIMIT`` matches. Beyond, the total and the facet counts are
estimated from a sample of the documents (by id) and shown as approximate, so a common word
costs about what a rare one does: one in 64 documents, or one in 16 when that holds fewer than
``MIN_SAMPLE`` matches.

Every statement is built with the ORM once per shape of query and then run with each search's
values (see ``statements``): building and compiling the querysets cost more than running them.
"""

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache, reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, TextField, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kb.catalogue.text import fold

from . import statements
from .backends import (
    ELLIPSIS,
    MARK_END,
    MARK_START,
    SAMPLE_MODULUS,
    SAMPLE_SHARES,
    everything,
    get_backend,
    has_variants,
)
from .models import Kind, SearchDocument
from .names import WORD
from .query import parse
from .spelling import closest
from .statements import Param
from .synonyms import table as synonym_table

PER_PAGE = 20
MAX_PER_PAGE = 50
SUGGESTIONS = 6
FACET_SIZE = 10
MIN_CORRECTED_LENGTH = 3
EXACT_LIMIT = 2000
MIN_SAMPLE = 100


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int  # the article's, entry's or pro or con's primary key
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
    approximate: bool = False  # total and facet counts estimated from a sample
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


def narrow(documents, filters):
    for name, value in filters.items():
        if value:
            documents = FILTERS[name](documents, value)
    return documents


@dataclass(frozen=True)
class Scope:
    """Where a search looks: every document, or those the chosen facet filters keep. Its
    statements name the filters chosen (``shape``) and take their values as parameters."""

    chosen: dict = field(default_factory=dict)  # filter name: value, for those chosen

    @classmethod
    def of(cls, filters):
        return cls({name: value for name, value in (filters or {}).items() if value})

    @property
    def shape(self):
        return tuple(self.chosen)

    @property
    def values(self):
        return {f"filter_{name}": value for name, value in self.chosen.items()}

    def documents(self):
        """The documents narrowed by the filters (their values as parameters), None for all."""
        if not self.chosen:
            return None
        return narrow(
            SearchDocument.objects.all(), {name: Param(f"filter_{name}") for name in self.chosen}
        )


def highlight(text):
    """Escaped text with the engine's match markers turned into ``<mark>``."""
    return mark_safe(escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def extracts_in_turn(matcher):
    """The highlighted extract of each of the matcher's snippet fields, each worked out only
    when those before it show no match: ``best_snippet`` takes the first that does, and a long
    body's extract costs PostgreSQL about half a millisecond."""
    extracts, shown = {}, []
    for name in matcher.snippet_fields:
        extract = matcher.snippet(name)
        if shown:
            unused = When(reduce(or_, shown), then=Value(""))
            extract = Case(unused, default=extract, output_field=TextField())
        extracts[f"{name}_snippet"] = extract
        shown.append(Q(GreaterThan(StrIndex(matcher.snippet(name), Value(MARK_START)), 0)))
    return extracts


def best_snippet(*snippets):
    """The first extract that shows a match, else the first that has any text."""
    for snippet in snippets:
        if snippet and MARK_START in snippet:
            return highlight(snippet)
    return highlight(next((s for s in snippets if s), ""))


HIT_FIELDS = ("kind", "object_id", "label", "title", "url", "context")


def mark_words(text, query):
    """``text`` with the words of ``query`` (its last, unfinished word as a prefix) between the
    highlight markers: the snippet of a search whose index cannot make one."""
    words = {word for term in query.terms for form in term.forms for word in form.words}
    prefix = query.prefix_word

    def mark(match):
        typed = match.group()
        word = typed.lower() if typed.isascii() else fold(typed)  # fold, in short for ASCII
        hit = word in words or (prefix and word.startswith(prefix))
        return f"{MARK_START}{typed}{MARK_END}" if hit else typed

    return WORD.sub(mark, text)


def quoted_points(points, query):
    """The pros and cons (``points``, one a line) that hold a word of ``query``, marked: a
    page found by one of its points quotes it in its snippet."""
    marked = (mark_words(point, query) for point in (points or "").splitlines())
    return f" {ELLIPSIS} ".join(point for point in marked if MARK_START in point)


def numbered(name, values):
    """``values`` as the values of parameters ``name0``, ``name1``, ... (a list of ids)."""
    return {f"{name}{n}": value for n, value in enumerate(values)}


def numbered_params(name, count):
    """The parameters of ``count`` values ``numbered`` as ``name``."""
    return [Param(f"{name}{n}") for n in range(count)]


def window(head, size, rest, start, stop):
    """Items ``start`` to ``stop`` of a list of ``size`` items followed by the items ``rest(a,
    b)`` lists (from ``a`` to ``b``), where ``head`` holds the list's items from ``start`` to
    ``stop``."""
    a, b = max(0, start - size), max(0, stop - size)
    return [*head, *(rest(a, b) if b > a else [])]


class Ranking:
    """The matches of a query in order, a window at a time.

    A window inside the title matches ranks the title matches alone (see the module's doc).
    ``scope`` says which documents (see ``Scope``).
    """

    def __init__(self, matcher, query, scope=None, broad=False):
        self.matcher = matcher
        self.query = query
        self.scope = scope or Scope()
        self.broad = broad
        self.values = {**matcher.values, **self.scope.values}

    def ask(self, read, name, build, *shape):
        return ask(read, name, self.matcher, self.scope, build, *shape, values=self.values)

    def ids(self, start, stop):
        if stop <= start:
            return []
        # A broad query counts its title matches further, to tell whether they can be ranked.
        limit = max(EXACT_LIMIT + 1, stop) if self.broad else stop
        in_title = self.ask(
            statements.count,
            "titles counted",
            lambda documents: self.matcher.found(documents, title=True).values("pk")[:limit],
            limit,
        )
        if in_title > EXACT_LIMIT:
            exact = self.ask(statements.flat, "exact titles", self.matcher.exact_titles)
            return window(exact[start:stop], len(exact), self.newest_titles(exact), start, stop)
        in_title = min(in_title, stop)
        ordered = self.ordered(has_variants(self.matcher))
        if in_title == stop or not self.broad:
            return ordered(in_title == stop, start, stop)
        # Past the title matches of a broad query: the others newest first (see the module).
        titles = ordered(True, start, in_title) if start < in_title else []
        return window(titles, in_title, self.newest_outside_titles, start, stop)

    def ordered(self, with_variants):
        """A function of ``title_only``, ``a`` and ``b``: the ids from ``a`` to ``b`` of the
        matches in order (see ``Matcher.ordered``)."""

        def ids(title_only, a, b):
            return self.ask(
                statements.flat,
                "ordered",
                lambda documents: self.matcher.ordered(title_only, with_variants, documents)[a:b],
                title_only,
                with_variants,
                a,
                b,
            )

        return ids

    def newest_titles(self, exact):
        """A function of ``a`` and ``b``: the ids from ``a`` to ``b`` of the title matches
        newest first, but ``exact``."""
        self.values |= numbered("exact", exact)

        def ids(a, b):
            return self.ask(
                statements.flat,
                "newest titles",
                lambda documents: self.matcher.newest_in_titles(
                    numbered_params("exact", len(exact)), documents
                )[a:b],
                len(exact),
                a,
                b,
            )

        return ids

    def newest_outside_titles(self, a, b):
        """The ids from ``a`` to ``b`` of the other matches, newest first."""
        return self.ask(
            statements.flat,
            "newest outside titles",
            lambda documents: self.matcher.newest_outside_titles(documents)[a:b],
            a,
            b,
        )

    def rows(self, start, stop, snippets=False):
        """Dictionaries of HIT_FIELDS (and a ``snippet``, if asked) for the window, in order."""
        ids = self.ids(start, stop)
        if not ids:
            return []
        extracts = [f"{name}_snippet" for name in self.matcher.snippet_fields]
        values = {**self.values, **numbered("id", ids)}

        def build():
            params = numbered_params("id", len(ids))
            fields, found = list(HIT_FIELDS), SearchDocument.objects.filter(pk__in=params)
            if snippets and extracts:
                found = self.matcher.filter_ids(params).annotate(**extracts_in_turn(self.matcher))
                fields += extracts
            elif snippets:
                fields.append("summary")
            if snippets:
                fields.append("points")
            return found.values("pk", *fields).order_by()

        shape = ("rows", self.matcher.shape, len(ids), snippets)
        by_id = {row["pk"]: row for row in statements.records(shape, build, values)}
        rows = [by_id[pk] for pk in ids]
        for row in rows if snippets else ():
            if point := quoted_points(row.pop("points"), self.query):
                row["snippet"] = highlight(point)
                for name in [*extracts, "summary"]:
                    row.pop(name, None)
            elif extracts:
                row["snippet"] = best_snippet(*(row.pop(name) for name in extracts))
            else:
                row["snippet"] = best_snippet(mark_words(row.pop("summary"), self.query))
        return rows


class RankedResults:
    """The ranked matches with their snippets, a page at a time, for ``Paginator``."""

    def __init__(self, ranking, total):
        self.ranking = ranking
        self.total = total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, window):
        rows = self.ranking.rows(window.start, window.stop, snippets=True)
        return [Hit(**{k: row[k] for k in (*HIT_FIELDS, "snippet")}) for row in rows]


def correct(query, backend):
    """The query with each misspelled word replaced by the closest known word, or None.

    Words holding digits are names or versions ("gpt4", "405b"), never corrected into another
    word ("gpt")."""
    corrections = {}
    for phrase in query.positive:
        word = phrase.words[0]
        if (
            len(phrase.words) == 1
            and len(word) >= MIN_CORRECTED_LENGTH
            and not any(ch.isdigit() for ch in word)
        ):
            better = closest(word, backend.spelling_candidates(word))
            if better and better != word:
                corrections[word] = better
    return query.with_words(corrections) if corrections else None


@dataclass(frozen=True)
class Tally:
    """The matches counted by facet (see ``tally``), in a sample at ``scale`` (1: all)."""

    counts: dict
    names: dict
    scale: float

    @property
    def found(self):
        return self.scale > 1 or self.counts["type"].total() > 0


def ask(read, name, matcher, scope, build, *shape, values=None):
    """The answer of one statement about the matches of ``matcher`` in ``scope`` (``read``:
    ``statements.rows``, ``count``, ...), named ``name`` and built by ``build(documents)``;
    ``shape``, what else its SQL depends on (see ``statements``)."""
    values = {**matcher.values, **scope.values} if values is None else values
    shape = (name, matcher.shape, scope.shape, *shape)
    return read(shape, lambda: build(scope.documents()), values)


def tallied(matcher, scope, share=None, limit=None):
    """The matches counted by facet (see ``tally``): in the sample ``share`` if given, else
    the first ``limit`` matches, or all of them."""

    def build(documents):
        matches = matcher.filter(everything(documents))
        matches = matcher.sample(matches, share) if share else matches
        if limit:
            return matches.values_list("kind", "facets")[:limit]
        return matches.values_list("kind", "facets").annotate(n=Count("pk")).order_by()

    read = statements.counted_by("kind", "facets") if limit else statements.rows
    counts, names = tally(ask(read, "tally", matcher, scope, build, share, limit))
    return Tally(counts, names, SAMPLE_MODULUS / share if share else 1)


def matches_counted(matcher, scope, limit):
    """How many documents match, counting up to ``limit``."""
    return ask(
        statements.count,
        "counted",
        matcher,
        scope,
        lambda documents: matcher.found(documents).values("pk")[:limit],
        limit,
    )


def measure(matcher, scope=None):
    """The matches of ``matcher`` in ``scope`` counted by facet: exactly up to ``EXACT_LIMIT``,
    beyond from a sample. The smallest sample is counted first: when it already holds enough
    matches, the query is broad and the engine goes over its matches once, not twice (finding
    the matches of a common word or a short prefix is the costly part). Otherwise the first
    ``EXACT_LIMIT + 1`` matches are counted by facet: all of them, unless there are more; when
    the sample says there may be more (its estimate above half the limit), they are counted
    first, which is cheaper than reading them (on SQLite, from the index alone).
    """
    scope = scope or Scope()
    first, *larger = SAMPLE_SHARES
    measured = tallied(matcher, scope, first)
    sampled = measured.counts["type"].total()
    if sampled >= MIN_SAMPLE and sampled * measured.scale > EXACT_LIMIT:
        return measured
    if sampled * measured.scale > EXACT_LIMIT / 2:
        if matches_counted(matcher, scope, EXACT_LIMIT + 1) <= EXACT_LIMIT:
            return tallied(matcher, scope)
    else:
        exact = tallied(matcher, scope, limit=EXACT_LIMIT + 1)
        if exact.counts["type"].total() <= EXACT_LIMIT:
            return exact
    for share in larger:
        measured = tallied(matcher, scope, share)
        if measured.counts["type"].total() >= MIN_SAMPLE:
            break
    return measured


def attempts(query, backend):
    """The query as typed, with its last word as a prefix, then corrected (worked out only
    when the others found nothing)."""
    yield query, False
    if query.prefix_word is not None:
        yield query, True
    if corrected := correct(query, backend):
        yield corrected, False


def find(query, backend, measured=True):
    """The query and matcher that find something (see ``attempts``), with their matches
    counted (see ``measure``) if ``measured``."""
    for attempt, prefix in attempts(query, backend):
        matcher = backend.matcher(attempt, prefix)
        if not measured:
            if matches_counted(matcher, Scope(), 1):
                return attempt, matcher, None
        elif (measured_matches := measure(matcher)).found:
            return attempt, matcher, measured_matches
    return query, None, None


def estimate(count, scale):
    """A count, or its estimate from a sample rounded to two significant figures."""
    if scale == 1:
        return count
    estimated = round(count * scale)
    return round(estimated, 2 - len(str(estimated)))


def options(counts, names, selected, scale):
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]]))
    shown = [
        FacetOption(value, names[value], estimate(n, scale), value == selected)
        for value, n in ordered
    ]
    return shown[:FACET_SIZE] + [o for o in shown[FACET_SIZE:] if o.selected]


@lru_cache(maxsize=4096)
def facet_values(facets):
    """The (facet, slug, label) triples of a ``facets`` column as stored (JSON text): the same
    few hundred texts come back search after search, each decoded once."""
    facets = json.loads(facets)
    owners = [facets["organization"]] if facets.get("organization") else []
    return tuple(
        (name, slug, label)
        for name, pairs in (("organization", owners), ("category", facets.get("categories", [])))
        for slug, label in pairs
    )


def tally(rows):
    """Counts and names, by facet, of the documents counted in ``rows`` by type and facet
    values (each distinct combination is decoded once)."""
    counts = {name: Counter() for name in FILTERS}
    names = {"type": dict(Kind.choices), "category": {}, "organization": {}}
    for kind, facets, n in rows:
        counts["type"][kind] += n
        for name, slug, label in facet_values(facets):
            counts[name][slug] += n
            names[name][slug] = label
    return counts, names


def count(results, counted, filters):
    """The total and the facets, from the matches ``counted``."""
    counts, names, scale = counted.counts, counted.names, counted.scale
    results.total = estimate(counts["type"].total(), scale)
    results.approximate = scale > 1
    results.facets = [
        Facet(name, label, options(counts[name], names[name], filters.get(name), scale))
        for name, label in (
            ("type", "Type"),
            ("category", "Category"),
            ("organization", "Organization"),
        )
    ]


def search(text, filters=None, page=1, per_page=PER_PAGE):
    """The search page's answer: ranked hits a page at a time, facet counts, spelling help."""
    filters = filters or {}
    results = Results(asked=parse(text))
    if not results.asked:
        return results
    results.asked = replace(results.asked, synonyms=synonym_table())
    backend = get_backend()
    with backend.searching():
        # With facet filters, the query is settled on every document, then counted in the
        # filtered ones.
        filtered = any(filters.values())
        results.query, matcher, counted = find(results.asked, backend, measured=not filtered)
        if matcher is None:
            return results
        scope = Scope.of(filters)
        if filtered:
            counted = measure(matcher, scope)
        count(results, counted, filters)
        ranking = Ranking(matcher, results.query, scope, broad=results.approximate)
        ranked = RankedResults(ranking, results.total)
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        results.page = Paginator(ranked, per_page).get_page(page)
    return results


def first_rows(backend, query, limit, scope):
    return Ranking(backend.matcher(query, prefix=True), query, scope).rows(0, limit)


def suggest(text, limit=SUGGESTIONS, filters=None):
    """The first few matches for a query being typed: its last word may be unfinished.
    ``filters`` narrows them as the search page's do (the model pickers ask for models only)."""
    results = Results(asked=parse(text))
    if not results.asked:
        return results, []
    results.asked = replace(results.asked, synonyms=synonym_table())
    scope = Scope.of(filters)
    backend = get_backend()
    with backend.searching():
        results.query = results.asked
        rows = first_rows(backend, results.query, limit, scope)
        corrected = None if rows else correct(results.asked, backend)
        if corrected:
            results.query = corrected
            rows = first_rows(backend, corrected, limit, scope)
    return results, [Hit(**{k: row[k] for k in HIT_FIELDS}) for row in rows]
