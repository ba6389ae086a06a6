"""SQLite: FTS5 tables over the documents, kept in step by triggers.

Two external-content FTS5 tables index ``kb_search_document``, and a vocabulary reads one:

- ``kb_search_fts``: title, summary, facts, body and names, Porter-stemmed over the ``unicode61``
  tokenizer, which folds case and accents (``remove_diacritics 2``). Whole-word searches. The
  names column (a model's names as runs of letters and digits, see ``kb.search.names``) is
  searched with the title and never quoted in a snippet.
- ``kb_search_words``: title, summary, facts and names without stemming, with prefix indexes for two
  and three characters. Searches whose last word may be unfinished: FTS5 stems a prefix before
  expanding it, so the stemmed table cannot answer them (``generat*`` finds nothing there, as
  "generation" is indexed as ``gener``; ``mis*`` turns into ``mi*``). Bodies are left out: an
  unfinished word is looked for where names and short descriptions are.
- ``kb_search_titles``: title and names alone, tokenized as ``kb_search_fts``. Where the query
  must be in the title, a word's rows there are the documents with it in a title (a few
  hundred), where ``kb_search_fts`` reads every document holding it (tens of thousands for
  "open"): 0.15 ms instead of 16 for "open weights" at 100,000 documents.
- ``kb_search_vocabulary``: an ``fts5vocab`` table listing the words of ``kb_search_words``,
  for spelling suggestions: the words starting with the same letter as a misspelled one are
  compared by edit distance.

Spelling help was measured both ways on 100,000 generated entries (60 names, one typo each): a
trigram FTS5 index of titles, its 30 best titles by bm25 compared by edit distance, corrected
24 of 60 at 8.7 ms median and 36 ms p95 (a trigram such as "ion" matches thousands of titles);
the vocabulary corrected 44 of 60 at 2.2 ms median and 6 ms p95. The vocabulary stays.

The text lives once, in ``kb_search_document``, and triggers on that table update the indexes
in the same transaction as any write to a document. Search migration 0005 (0002 before the
names column; 0007 the titles' table) created these tables and triggers with its own copy of the
SQL (migrations do not call this module); ``install``, run
by ``rebuild_search_index``, drops and creates them again, the same (a test holds the two
equal), and so also restores triggers that a table rebuild by a later migration dropped.

Every word reaches ``MATCH`` inside double quotes (inner quotes doubled), so FTS5 operators,
column filters and syntax errors cannot come from visitor text.
"""

from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.lookups import In

from kb.catalogue.freshness import PerVersion

from ..models import SearchDocument, StemmedIndex, TitleIndex, WordIndex
from ..spelling import allowed_edits
from . import (
    ELLIPSIS,
    MARK_END,
    MARK_START,
    SAMPLE_MODULUS,
    SNIPPET_WORDS,
    Backend,
    Matcher,
    flag,
    named,
    order,
    variants,
)

DOCUMENTS = SearchDocument._meta.db_table
LAST = "\U0010ffff"  # sorts after any character a folded title holds
COLUMNS = ("title", "summary", "facts", "body", "names")
# bm25 weights of the columns above: a word in the title or a name counts ten times one in the
# body.
WEIGHTS = (10.0, 5.0, 3.0, 1.0, 10.0)
PREFIX_COLUMNS = ("title", "summary", "facts", "names")
# Where a query is found "in the title": the title, or another form of a model's name.
TITLE_COLUMNS = "title names"
FOLD = "unicode61 remove_diacritics 2"
STEMMED = f"tokenize='porter {FOLD}'"

# Each index: its model, the document columns it reads, its FTS5 options.
INDEXES = [
    (StemmedIndex, COLUMNS, STEMMED),
    (WordIndex, PREFIX_COLUMNS, f"tokenize='{FOLD}', prefix='2 3'"),
    (TitleIndex, tuple(TITLE_COLUMNS.split()), STEMMED),
]
VOCABULARY = "kb_search_vocabulary"
TRIGGERS = ("kb_search_document_ai", "kb_search_document_ad", "kb_search_document_au")


def trigger_sql():
    inserts, deletes = [], []
    for model, columns, _ in INDEXES:
        table = model._meta.db_table
        names = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        inserts.append(f"INSERT INTO {table}(rowid, {names}) VALUES (new.id, {new});")
        deletes.append(
            f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.id, {old});"
        )
    inserts, deletes = " ".join(inserts), " ".join(deletes)
    return [
        f"CREATE TRIGGER {TRIGGERS[0]} AFTER INSERT ON {DOCUMENTS} BEGIN {inserts} END",
        f"CREATE TRIGGER {TRIGGERS[1]} AFTER DELETE ON {DOCUMENTS} BEGIN {deletes} END",
        f"CREATE TRIGGER {TRIGGERS[2]} AFTER UPDATE ON {DOCUMENTS} BEGIN {deletes} {inserts} END",
    ]


def quote(word):
    """One FTS5 string: NUL removed, inner double quotes doubled."""
    return '"{}"'.format(word.replace("\x00", "").replace('"', '""'))


def phrase(words, prefix=False):
    return " + ".join(quote(w) for w in words) + ("*" if prefix else "")


def either(term, prefix=False):
    """Any form of a term; with ``prefix``, the last word of each a prefix."""
    forms = list(dict.fromkeys(phrase(form.words, prefix) for form in term.forms))
    return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


def fts_expression(terms, negative=(), prefix=False, column=None):
    """Every term must match in one of its forms (in ``column``, if given), no negative phrase
    anywhere; all of it quoted. With ``prefix``, the last term's last word is a prefix."""
    last = len(terms) - 1
    parts = [either(term, prefix and n == last) for n, term in enumerate(terms)]
    expression = "(" + " AND ".join(parts) + ")"
    if column:
        expression = f"{{{column}}} : {expression}"
    if negative:
        expression += " NOT (" + " OR ".join(phrase(p.words) for p in negative) + ")"
    return expression


class SQLiteMatcher(Matcher):
    def __init__(self, query, prefix):
        super().__init__(query, prefix)
        prefix = self.prefix
        self.index = WordIndex if prefix else StemmedIndex
        self.columns = PREFIX_COLUMNS if prefix else COLUMNS
        # FTS5 expands a prefix again for each row it extracts from: slow for a short prefix.
        self.snippet_fields = () if prefix else Matcher.snippet_fields
        self.relation = self.index._meta.model_name  # the reverse relation's name
        # A phrase left out is left out of every column: the titles' index cannot tell.
        self.negative = bool(query.negative)
        self.shape = (*self.shape, self.negative)
        self.values |= {
            "key_end": query.key + LAST,
            "expression": fts_expression(query.terms, query.negative, prefix),
            "title_expression": fts_expression(query.terms, query.negative, prefix, TITLE_COLUMNS),
            "in_title": fts_expression(query.terms, prefix=prefix, column=TITLE_COLUMNS),
        }

    def function(self, name, *arguments, output_field, table=None):
        table = F(table or f"{self.relation}__table")
        return Func(table, *map(Value, arguments), function=name, output_field=output_field)

    def match(self, expression):
        return {f"{self.relation}__table__match": self.param[expression]}

    def filter(self, queryset):
        return queryset.filter(**self.match("expression"))

    def filter_ids(self, ids):
        # On the index's rowid: FTS5 then reads those rows only, not every match.
        rows = In(F(f"{self.relation}__document_id"), ids)
        return self.filter(SearchDocument.objects.filter(rows))

    def filter_title(self, queryset):
        return queryset.filter(**self.match("title_expression"))

    def matching(self, expression):
        """The rows of the index that match, without their documents."""
        return self.index.objects.filter(table__match=self.param[expression])

    def in_titles(self):
        """The rows whose title or names hold every term: read from the titles' own index for
        whole words (the same rows, found among far fewer)."""
        if self.prefix:
            return self.matching("in_title")
        return TitleIndex.objects.filter(table__match=self.param["in_title"])

    def title_hit(self):
        return flag(Q(pk__in=self.in_titles().values("document_id")))

    def rank(self, table=None):
        # bm25 is lower for better matches; negate it so that higher is better.
        weights = [w for c, w in zip(COLUMNS, WEIGHTS, strict=True) if c in self.columns]
        return -self.function("bm25", *weights, output_field=FloatField(), table=table)

    title_rank = rank

    # Without facet filters, counting, listing and ranking read the index alone: joining every
    # match to its document first would cost about a microsecond a match, most of a common
    # word's time.

    def found(self, documents=None, title=False):
        if documents is not None:
            return super().found(documents, title)
        if title and not self.negative:
            return self.in_titles()
        return self.matching("title_expression" if title else "expression")

    def newest_outside_titles(self, documents=None):
        if documents is not None:
            return super().newest_outside_titles(documents)
        in_title = self.in_titles().values("document_id")
        rows = self.matching("expression").exclude(document_id__in=in_title)
        return rows.order_by("-document_id").values_list("document_id", flat=True)

    def ordered(self, title_only, with_variants, documents=None):
        if documents is not None:
            return super().ordered(title_only, with_variants, documents)
        key = self.param["key"]
        # A range on the title_key index (titles are folded to lower case already).
        starts = SearchDocument.objects.filter(
            title_key__gte=key, title_key__lt=self.param["key_end"]
        )
        first = {"exact": flag(Q(document_id__in=named(key).values("pk")))}
        if with_variants:
            family = variants(key)
            variant = Q(document_id__in=family.values("pk"))
            # The date is read for the variants only (SQLite evaluates CASE lazily).
            released = Subquery(family.filter(pk=OuterRef("document_id")).values("released")[:1])
            first["variant"] = flag(variant)
            first["variant_released"] = Case(When(variant, then=released))
        first["starts"] = flag(Q(document_id__in=starts.values("pk")))
        title_hit = flag(Q(document_id__in=self.in_titles().values("document_id")))
        rank = self.rank(table="table")
        rows = self.matching("title_expression" if title_only else "expression")
        return order(rows, first, title_only, title_hit, rank, rank, tiebreak="document_id")

    def snippet(self, field):
        return self.function(
            "snippet",
            self.columns.index(field),
            MARK_START,
            MARK_END,
            ELLIPSIS,
            SNIPPET_WORDS,
            output_field=TextField(),
        )

    def sample(self, queryset, share):
        # On the index's rowid, so that SQLite skips the other rows before reading documents.
        rowid = F(f"{self.relation}__document_id")
        return queryset.alias(sample=rowid % SAMPLE_MODULUS).filter(sample__lt=share)


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def install(self, connection):
        self.uninstall(connection)
        with connection.cursor() as cursor:
            for model, columns, options in INDEXES:
                table = model._meta.db_table
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, "
                    f"content='{DOCUMENTS}', content_rowid='id', {options})"
                )
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
            cursor.execute(
                f"CREATE VIRTUAL TABLE {VOCABULARY} "
                f"USING fts5vocab({WordIndex._meta.db_table}, 'row')"
            )
            for statement in trigger_sql():
                cursor.execute(statement)

    def uninstall(self, connection):
        with connection.cursor() as cursor:
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {VOCABULARY}")
            for model, _, _ in INDEXES:
                cursor.execute(f"DROP TABLE IF EXISTS {model._meta.db_table}")

    def begin_rebuild(self, connection):
        # Indexing everything once at the end is faster than through the triggers row by row.
        self.uninstall(connection)
        super().begin_rebuild(connection)

    def finish_rebuild(self, connection):
        self.install(connection)

    def tidy(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")

    def matcher(self, query, prefix=False):
        return SQLiteMatcher(query, prefix)

    def spelling_candidates(self, word):
        # Only words whose length is within the allowed edits can be close enough: leaving the
        # others in SQLite spares comparing thousands of them in Python at scale.
        edits = allowed_edits(word)
        bounds = (word[0], len(word) - edits, len(word) + edits)
        return _candidates.get(bounds, lambda: vocabulary(*bounds))


# Listing the words of a first letter walks the documents of each to count them (3 to 10 ms at
# 100,000 documents): this process keeps each list for the current content version.
_candidates = PerVersion(maxsize=256)


def vocabulary(first, shortest, longest):
    """The indexed words starting with ``first``, of ``shortest`` to ``longest`` characters,
    with the number of documents holding each."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, doc FROM {VOCABULARY} WHERE term >= %s AND term < %s "
            "AND length(term) BETWEEN %s AND %s",
            [first, chr(ord(first) + 1), shortest, longest],
        )
        return dict(cursor.fetchall())
