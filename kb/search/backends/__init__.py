"""One search backend per database engine, chosen from the connection's vendor.

A backend knows how its engine indexes ``SearchDocument`` rows and how to ask it; everything
else (what is searched, facets, pages, spelling help) is shared in :mod:`kb.search.engine`.

A backend answers with a :class:`Matcher` for a parsed query: filters for the matching
documents and for those matching in their title, relevance scores (higher is better), a
highlighted extract of a field and a cheap sample. Both engines mark highlights with the same
private-use characters, which the shared code escapes and turns into ``<mark>``.
"""

from contextlib import nullcontext
from functools import cached_property

from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When
from django.db.models.lookups import In

from .. import statements
from ..models import Kind, SearchDocument
from ..statements import Param, params

# Highlight markers: private-use characters, stripped from indexed text and from queries, so
# only the engine can put them in a snippet.
MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"
SNIPPET_WORDS = 24
# Counting the matches of a common word row by row is slow at scale: a sample of the documents
# whose id modulo SAMPLE_MODULUS is below some share estimates them instead.
SAMPLE_MODULUS = 64
SAMPLE_SHARES = (1, 4)  # of SAMPLE_MODULUS, tried in turn (see kb.search.engine.measure)
# On PostgreSQL, indexes written for these values serve the samples (search migrations 0002 and
# 0003): changing them needs a migration with new indexes.


def flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


class Matcher:
    """How one engine finds a query.

    Its querysets are built for :mod:`kb.search.statements`: every value that comes from the
    query is a :class:`~kb.search.statements.Param` (``self.param``), named in ``values``; what
    else changes the SQL is in ``shape``.
    """

    # The fields ``snippet`` extracts from; none when the engine cannot (then the shared code
    # marks the query's words in the summary itself).
    snippet_fields = ("summary", "body")

    def __init__(self, query, prefix):
        self.prefix = prefix and query.prefix_word is not None
        self.values = {"key": query.key}
        self.shape = (self.prefix,)

    @cached_property
    def param(self):
        return params(self.values)

    def filter(self, queryset):
        """The documents of ``queryset`` that match."""
        raise NotImplementedError

    def filter_ids(self, ids):
        """The matching documents among ``ids`` (for their snippets)."""
        return self.filter(SearchDocument.objects.filter(pk__in=ids))

    def filter_title(self, queryset):
        """The documents of ``queryset`` that match with every word in the title, from an index
        of titles (cheap even when a common word matches most documents)."""
        raise NotImplementedError

    # ``documents``, below, is a set of documents narrowed by facet filters, or None for all.

    def found(self, documents=None, title=False):
        """The matches (with every word in the title, if ``title``), to count or list by id
        (``pk``)."""
        return (self.filter_title if title else self.filter)(everything(documents))

    def ordered(self, title_only, with_variants, documents=None):
        """The ids of the matches in order, titles only or all: the model named exactly as the
        query, its variants newest first (if ``with_variants``, see ``has_variants``), titles
        starting with the query, titles by their relevance, the rest by relevance."""
        key = self.param["key"]
        first = {"exact": flag(Q(kind=Kind.MODEL, title_key=key))}
        if with_variants:
            variant = Q(pk__in=variants(key).values("pk"))
            first["variant"] = flag(variant)
            first["variant_released"] = Case(When(variant, then=F("released")))
        first["starts"] = flag(Q(title_key__startswith=key))
        rows = (self.filter_title if title_only else self.filter)(everything(documents))
        ranks = (self.title_hit(), self.title_rank(), self.rank())
        return order(rows, first, title_only, *ranks, tiebreak="pk")

    def exact_titles(self, documents=None):
        """The ids of the title matches that are the model named exactly as the query."""
        titles = self.filter_title(everything(documents))
        exact = titles.filter(kind=Kind.MODEL, title_key=self.param["key"]).order_by("pk")
        return exact.values_list("pk", flat=True)

    def newest_in_titles(self, exact, documents=None):
        """The ids of the title matches but ``exact`` (``exact_titles``), newest first: for a
        query whose title matches are too many to rank them all."""
        titles = self.found(documents, title=True)
        titles = titles.exclude(In(F("pk"), exact)) if exact else titles
        return titles.order_by("-pk").values_list("pk", flat=True)

    def newest_outside_titles(self, documents=None):
        """The ids of the matches whose title does not hold every word, newest first: an order
        the engine reads from an index and stops early, whatever the number of matches."""
        rows = self.filter(everything(documents)).alias(title_hit=self.title_hit())
        return rows.filter(title_hit=False).order_by("-pk").values_list("pk", flat=True)


def everything(documents):
    return SearchDocument.objects.all() if documents is None else documents


def named(key):
    """The model documents whose name is ``key`` (see ``names.name_key``)."""
    return SearchDocument.objects.filter(kind=Kind.MODEL, title_key=key)


def variants(key):
    """The model documents of the variants of the family named ``key``."""
    return SearchDocument.objects.filter(
        kind=Kind.MODEL, family_id__in=named(key).values("object_id")
    )


def has_variants(matcher):
    """Whether the query names a family with variants: most queries do not, and their ranking
    then leaves the variants' ordering out (one short look-up on an index, against compiling
    and running two more subqueries)."""
    return bool(
        statements.rows(
            ("has variants",),
            lambda: variants(Param("key")).values("pk")[:1],
            {"key": matcher.values["key"]},
        )
    )


def order(rows, first, title_only, title_hit, title_rank, rank, tiebreak):
    """``rows`` ordered by the ``first`` values, highest first (then those without one), then
    title matches by ``title_rank``, then the rest by ``rank``; as a list of ids (``tiebreak``,
    the id, breaks ties)."""
    leading = [F(name).desc(nulls_last=True) for name in first]
    if title_only:
        rows = rows.annotate(**first, title_rank=title_rank)
        rows = rows.order_by(*leading, "-title_rank", tiebreak)
    elif title_rank is rank:  # one score for both: no need to tell them apart
        rows = rows.annotate(**first, title_hit=title_hit, rank=rank)
        rows = rows.order_by(*leading, "-title_hit", "-rank", tiebreak)
    else:
        rows = rows.annotate(
            **first,
            title_hit=title_hit,
            title_rank=Case(When(title_hit, then=title_rank), default=Value(0.0)),
            rank=Case(When(title_hit, then=Value(0.0)), default=rank),
        ).order_by(*leading, "-title_hit", "-title_rank", "-rank", tiebreak)
    return rows.values_list(tiebreak, flat=True)


class Backend:
    vendor = None

    def matcher(self, query, prefix=False):
        """A :class:`Matcher` for ``query``; with ``prefix``, its last word may be unfinished."""
        raise NotImplementedError

    def searching(self):
        """A context for the queries of one search (planner settings, for one)."""
        return nullcontext()

    def documents_written(self, ids):
        """Bring the engine's index up to date after documents ``ids`` were written."""

    def begin_rebuild(self, connection):
        """Remove every document, before all are written again (in the rebuild's transaction)."""
        with connection.cursor() as cursor:
            for model in (SearchDocument.categories.through, SearchDocument):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    def finish_rebuild(self, connection):
        """After every document was written again (in the rebuild's transaction)."""

    def tidy(self, connection):
        """After a rebuild, outside any transaction: reclaim space, refresh statistics."""

    def spelling_candidates(self, word):
        """Known words likely to be spelled like ``word``, each with how often it occurs."""
        raise NotImplementedError


def backend_for(vendor):
    from .postgres import PostgresBackend
    from .sqlite import SQLiteBackend

    backends = {backend.vendor: backend for backend in (SQLiteBackend, PostgresBackend)}
    try:
        return backends[vendor]()
    except KeyError:
        raise NotImplementedError(f"No search backend for the {vendor} database.") from None


def get_backend():
    return backend_for(connection.vendor)
