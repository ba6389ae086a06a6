"""SQLite: FTS5 tables over the documents, kept in step by triggers.

Three external-content tables index ``kb_search_document``:

- ``kb_search_fts``: title, summary, facts and body, Porter-stemmed over the ``unicode61``
  tokenizer, which folds case and accents (``remove_diacritics 2``). Whole-word searches.
- ``kb_search_words``: the same columns without stemming, with prefix indexes for two and three
  characters. Searches whose last word may be unfinished: FTS5 stems a prefix before expanding
  it, so the stemmed table cannot answer them (``generat*`` finds nothing there, as
  "generation" is indexed as ``gener``; ``mis*`` turns into ``mi*``).
- ``kb_search_title_trigram``: the folded titles by trigrams, to find names spelled like a
  misspelled word (the folded title, as the trigram tokenizer removes accents only from
  SQLite 3.45).

The text lives once, in ``kb_search_document``, and triggers on that table update the three
indexes in the same transaction as any write to a document. A table rebuild by a later
migration drops the triggers: ``install`` (run by the migration and by
``rebuild_search_index``) creates everything again.

Every word reaches ``MATCH`` inside double quotes (inner quotes doubled), so FTS5 operators,
column filters and syntax errors cannot come from visitor text.
"""

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
)

from ..models import SearchDocument, StemmedIndex, TitleTrigramIndex, WordIndex
from . import ELLIPSIS, MARK_END, MARK_START, SNIPPET_WORDS, Backend, Matcher

DOCUMENTS = SearchDocument._meta.db_table
COLUMNS = ("title", "summary", "facts", "body")
# bm25 weights of the columns above: a word in the title counts ten times one in the body.
WEIGHTS = (10.0, 5.0, 3.0, 1.0)
FOLD = "unicode61 remove_diacritics 2"

# Each index: its model, the document columns it reads, its FTS5 options.
INDEXES = [
    (StemmedIndex, COLUMNS, f"tokenize='porter {FOLD}'"),
    (WordIndex, COLUMNS, f"tokenize='{FOLD}', prefix='2 3'"),
    (TitleTrigramIndex, ("title_key",), "tokenize='trigram'"),
]
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


def phrase(words):
    return " + ".join(quote(w) for w in words)


def fts_expression(positive, negative=(), prefix=False):
    """Every positive phrase must match, no negative one may; all of it quoted.

    With ``prefix``, the last positive phrase (a single word) matches as a prefix.
    """
    parts = [phrase(p.words) for p in positive]
    if prefix:
        parts[-1] += "*"
    expression = "(" + " AND ".join(parts) + ")"
    if negative:
        expression += " NOT (" + " OR ".join(phrase(p.words) for p in negative) + ")"
    return expression


class SQLiteMatcher(Matcher):
    def __init__(self, query, prefix):
        prefix = prefix and query.prefix_word is not None
        self.index = WordIndex if prefix else StemmedIndex
        self.relation = self.index._meta.model_name  # the reverse relation's name
        self.expression = fts_expression(query.positive, query.negative, prefix)
        self.title_expression = "{title} : " + fts_expression(query.positive, prefix=prefix)

    def function(self, name, *arguments, output_field):
        table = F(f"{self.relation}__table")
        return Func(table, *map(Value, arguments), function=name, output_field=output_field)

    def filter(self, queryset):
        return queryset.filter(**{f"{self.relation}__table__match": self.expression})

    def rank(self):
        # bm25 is lower for better matches; negate it so that higher is better.
        return -self.function("bm25", *WEIGHTS, output_field=FloatField())

    def title_hit(self):
        in_title = self.index.objects.filter(table__match=self.title_expression)
        return ExpressionWrapper(
            Q(pk__in=in_title.values("document_id")), output_field=BooleanField()
        )

    def snippet(self, field):
        return self.function(
            "snippet",
            COLUMNS.index(field),
            MARK_START,
            MARK_END,
            ELLIPSIS,
            SNIPPET_WORDS,
            output_field=TextField(),
        )


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
            for statement in trigger_sql():
                cursor.execute(statement)

    def uninstall(self, connection):
        with connection.cursor() as cursor:
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            for model, _, _ in INDEXES:
                cursor.execute(f"DROP TABLE IF EXISTS {model._meta.db_table}")

    def begin_rebuild(self, connection):
        # Indexing everything once at the end is faster than through the triggers row by row.
        self.uninstall(connection)

    def finish_rebuild(self, connection):
        self.install(connection)

    def matcher(self, query, prefix=False):
        return SQLiteMatcher(query, prefix)

    def title_candidates(self, word, limit):
        trigrams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        if not trigrams:
            return []
        rank = Func(F("titletrigramindex__table"), function="bm25", output_field=FloatField())
        return list(
            SearchDocument.objects.filter(
                titletrigramindex__table__match=" OR ".join(quote(t) for t in trigrams)
            )
            .order_by(rank)
            .values_list("title_key", flat=True)[:limit]
        )
