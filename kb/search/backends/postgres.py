"""PostgreSQL: ``django.contrib.postgres.search`` over a weighted ``tsvector`` column.

``SearchDocument.search_vector`` holds title (weight A), summary and facts (B) and body (C)
stemmed in the ``kb_english`` configuration (English stemming after ``unaccent``) for whole-word
searches, and title, summary and facts as written in ``kb_simple`` (``unaccent`` only) for
searches whose last word may be unfinished (a prefix of a stem misses: "generati" is no prefix
of ``generat``); a model's names as runs of letters and digits (``names``, see
``kb.search.names``) count as title. ``title_vector`` holds the title and names alone, both ways. Case and accents fold as on
SQLite. The indexer fills both with one ``UPDATE`` after it writes documents
(``documents_written``); GIN indexes serve ``@@``. The words of titles, summaries and facts go
to the ``kb_search_word`` table, whose trigram GiST index gives the words nearest a misspelled
one by ``pg_trgm`` distance (looking for them among the 135,000 titles of the benchmark took
26-60 ms; among the words, about a millisecond). The migrations create the configurations, the
indexes and the table of words; nothing here does.

Common words match most documents, and PostgreSQL's planner then prefers reading the whole
table to the GIN index, not counting the cost of unpacking every vector (several times slower
here, measured). Searches run with sequential scans (and JIT compilation) switched off for their
transaction (``searching``). Storing vectors out of line (a low ``toast_tuple_target``) made
the rows narrower but ranking slower (each rank fetches its vector back): measured, and left
at PostgreSQL's default.

Visitor text reaches PostgreSQL only through ``websearch_to_tsquery``, one form of a term inside
double quotes at a time, so its operators (``or``, ``-``) are words there; the forms of a term
are joined with ``||``, the terms with ``&&`` (``SearchQuery`` combinations). The words of a term
whose last word is unfinished go to ``to_tsquery`` as parsed words (letters and digits only)
inside single quotes, the last with ``:*``.
"""

from contextlib import contextmanager
from functools import cached_property, reduce
from itertools import count
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connection, transaction
from django.db.models import BooleanField, F

from ..models import SearchDocument
from ..statements import Param
from . import ELLIPSIS, MARK_END, MARK_START, SAMPLE_MODULUS, SNIPPET_WORDS, Backend, Matcher

CONFIG = "kb_english"
WORDS = "kb_search_word"
SPELLING_CANDIDATES = 30  # the nearest words to a misspelled one, compared by edit distance
PLAIN_CONFIG = "kb_simple"


VECTOR = (
    SearchVector("title", "names", weight="A", config=CONFIG)
    + SearchVector("summary", "facts", weight="B", config=CONFIG)
    + SearchVector("body", weight="C", config=CONFIG)
    + SearchVector("title", "names", weight="A", config=PLAIN_CONFIG)
    + SearchVector("summary", "facts", weight="B", config=PLAIN_CONFIG)
)
TITLE_VECTOR = SearchVector("title", "names", config=CONFIG) + SearchVector(
    "title", "names", config=PLAIN_CONFIG
)
# ts_rank weights for D, C, B, A.
RANK_WEIGHTS = [0.05, 0.2, 0.5, 1.0]
# Divide the rank by 1 + log(length): a long article that names a word once in passing does not
# outrank a short entry about it.
RANK_NORMALIZATION = 1


def websearch_text(phrases):
    """``websearch_to_tsquery`` text: each phrase as typed, in double quotes.

    PostgreSQL's own parser cuts the typed text the way it cut the documents ("GPT-4" is
    ``gpt`` and ``-4`` to it). A phrase holds no double quote and no control character.
    """
    return " ".join(("-" if p.exclude else "") + f'"{p.text}"' for p in phrases)


def form_text(form, prefix=False):
    """The text of one form of a term, and the function that reads it (``SEARCH_TYPES``)."""
    if not prefix:
        return f'"{form.text}"', "websearch"
    # Parsed words hold letters and digits only: quoted, each is one lexeme.
    quoted = [f"'{word}'" for word in form.words]
    quoted[-1] += ":*"
    return " <-> ".join(quoted), "raw"


def query_texts(query, prefix):
    """The texts of ``query``'s ``tsquery`` (see ``search_query``) and its shape: each term's
    forms as the functions reading them, and whether phrases are excluded. With ``prefix``,
    the last term's last word is the start of a word."""
    texts, terms = [], []
    last = len(query.terms) - 1
    for n, term in enumerate(query.terms):
        forms = [form_text(form, prefix and n == last) for form in term.forms]
        texts += [text for text, _ in forms]
        terms.append(tuple(search_type for _, search_type in forms))
    if query.negative:  # each as ``-"phrase"``: websearch_to_tsquery negates it
        texts.append(websearch_text(query.negative))
    return texts, (tuple(terms), bool(query.negative))


def search_query(shape, prefix):
    """Every term in one of its forms, none of the excluded phrases: a ``tsquery`` of the shape
    ``query_texts`` gives, its texts the parameters ``text0``, ``text1``, ..., in order. A prefix
    is looked for unstemmed, as are all the other words then."""
    terms, negated = shape
    config = PLAIN_CONFIG if prefix else CONFIG
    texts = (Param(f"text{n}") for n in count())

    def form(search_type):
        kind_config = PLAIN_CONFIG if search_type == "raw" else config
        return SearchQuery(next(texts), search_type=search_type, config=kind_config)

    queries = [reduce(or_, (form(search_type) for search_type in forms)) for forms in terms]
    if negated:
        queries.append(form("websearch"))
    return reduce(and_, queries)


class PostgresMatcher(Matcher):
    def __init__(self, query, prefix):
        super().__init__(query, prefix)
        self.snippet_fields = () if self.prefix else Matcher.snippet_fields
        texts, shape = query_texts(query, self.prefix)
        self.values |= {f"text{n}": text for n, text in enumerate(texts)}
        self.shape += shape
        self.negated = bool(query.negative)

    @cached_property
    def query(self):
        return search_query(self.shape[1:], self.prefix)

    def filter(self, queryset):
        return queryset.filter(search_vector=self.query)

    def filter_title(self, queryset):
        in_title = queryset.filter(title_vector=self.query)
        # Excluded words are looked for everywhere, not only in the title.
        return in_title.filter(search_vector=self.query) if self.negated else in_title

    def title_hit(self):
        hit = SearchVectorExact(F("title_vector"), self.query)
        hit.output_field = BooleanField()
        return hit

    def rank(self):
        return SearchRank(
            F("search_vector"),
            self.query,
            weights=RANK_WEIGHTS,
            normalization=RANK_NORMALIZATION,
        )

    def title_rank(self):
        return SearchRank(F("title_vector"), self.query, normalization=RANK_NORMALIZATION)

    def snippet(self, field):
        return SearchHeadline(
            field,
            self.query,
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=f" {ELLIPSIS} ",
        )

    def sample(self, queryset, share):
        # The same expression as the kb_search_document_sample index, which serves it.
        return queryset.alias(sample=F("pk") % SAMPLE_MODULUS).filter(sample__lt=share)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def matcher(self, query, prefix=False):
        return PostgresMatcher(query, prefix)

    @contextmanager
    def searching(self):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
            )
            yield

    def documents_written(self, ids):
        SearchDocument.objects.filter(pk__in=ids).update(
            search_vector=VECTOR, title_vector=TITLE_VECTOR
        )
        # Words are added, never removed: a word whose documents are gone may be suggested,
        # and the engine, finding nothing for it, then offers no suggestion.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {WORDS} (word)
                SELECT DISTINCT word FROM {SearchDocument._meta.db_table},
                    unnest(tsvector_to_array(to_tsvector(%s, concat_ws(' ', title, summary, facts))))
                        AS word
                WHERE id = ANY(%s) AND word ~ '^[[:alnum:]]+$'
                ON CONFLICT (word) DO NOTHING""",
                [PLAIN_CONFIG, list(ids)],
            )

    def begin_rebuild(self, connection):
        # TRUNCATE, not DELETE: no dead rows left behind (it is transactional in PostgreSQL).
        tables = [SearchDocument._meta.db_table, SearchDocument.categories.through._meta.db_table]
        with connection.cursor() as cursor:
            # Deferred foreign key checks of rows written earlier in the transaction would
            # refuse a TRUNCATE: check them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join([*tables, WORDS])}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys, as they were

    def tidy(self, connection):
        # Writing a document, then its vectors, leaves a dead row version each; the GIN indexes
        # hold new entries in a pending list that every search reads until vacuumed.
        with connection.cursor() as cursor:
            for table in (SearchDocument._meta.db_table, WORDS):
                cursor.execute(f"VACUUM ANALYZE {table}")

    def spelling_candidates(self, word):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {WORDS} ORDER BY word <-> %s LIMIT %s",
                [word, SPELLING_CANDIDATES],
            )
            return dict.fromkeys((w for (w,) in cursor.fetchall()), 1)
