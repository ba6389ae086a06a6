"""The search index: one row per searchable thing that visitors may see.

``SearchDocument`` holds the text of each page visitors may find: published article (with what
its generated blocks show), published model entry and category (each with its pros and cons),
and written comparison row, flattened into four weighted fields (title, summary, facts, body),
with what the results page shows (link, context line) and what it filters on (type, categories, organization).
It is derived data: :mod:`kb.search.indexing` writes it, receivers keep it in step, and
``manage.py rebuild_search_index`` rebuilds it from the content tables.

Each database engine indexes these rows its own way (see :mod:`kb.search.backends`):

- SQLite: FTS5 virtual tables over this table (external content), kept in step by triggers,
  so every write to a document reaches the index in the same transaction. The ``FtsIndex``
  models let the ORM join them.
- PostgreSQL: the ``search_vector`` column, a weighted ``tsvector`` of everything, and
  ``title_vector``, of the title alone, each with a GIN index. They are ordinary columns that
  the indexer fills with one ``UPDATE`` after writing documents, rather than
  ``GeneratedField``: the same model runs on SQLite, where a generated ``tsvector`` does not
  exist, and one column definition keeps one migration history for both. On SQLite the
  columns stay empty.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Kind(models.TextChoices):
    ARTICLE = "article", "Articles"
    MODEL = "model", "Models"
    CATEGORY = "category", "Categories"
    COMPARISON = "comparison", "Comparisons"


class SearchDocument(models.Model):
    # The short columns come first: SQLite stores a row's columns in this order, and reading a
    # column that follows a long body means walking the body's overflow pages.
    kind = models.CharField(max_length=10, choices=Kind)
    object_id = models.BigIntegerField()
    organization = models.ForeignKey(
        "kb.Organization", null=True, on_delete=models.CASCADE, related_name="+"
    )
    title_key = models.TextField(
        help_text="The title as names are compared: its runs of letters and digits, folded to "
        "lower case without accents, joined by spaces (kb.search.names.name_key)."
    )
    title = models.TextField()
    label = models.CharField(max_length=40, help_text="What it is: Article, Model, Pro, Con.")
    context = models.CharField(max_length=300, blank=True, help_text="Shown beside the label.")
    url = models.CharField(max_length=300)
    facets = models.JSONField(
        default=dict,
        editable=False,
        help_text='What the facets count: {"organization": [slug, name], "categories": [[slug, '
        "name], ...]}. Read with the type in one query, without joins.",
    )
    summary = models.TextField(blank=True)
    facts = models.TextField(blank=True)
    body = models.TextField(blank=True)
    names = models.TextField(
        blank=True,
        help_text="A model's names as runs of letters and digits: searched with the title, never "
        "shown in a snippet.",
    )
    # Nullable, as the two below: SQLite adds a nullable column in place, where any other would
    # rebuild the table and drop the triggers of its FTS5 indexes (search migration 0006).
    points = models.TextField(  # noqa: DJ001
        null=True,
        blank=True,
        help_text="The pros and cons of a model or category, one a line: also in the summary, "
        "which is searched; kept apart to quote the matching point in a snippet.",
    )
    family_id = models.BigIntegerField(
        null=True,
        help_text="A model's family (the entry's id): a query naming the family lists its "
        "variants right after it.",
    )
    released = models.DateField(
        null=True, help_text="A model's release date: variants newest first."
    )
    categories = models.ManyToManyField("kb.Category", related_name="+")
    search_vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "kb_search_document"
        # No default ordering: searches order by relevance, and a default ORDER BY would make
        # every capped count sort all the matches first.
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique"),
        ]
        indexes = [
            models.Index(fields=["title_key"], name="search_document_title_key"),
            # The variants of a family, for a query naming it: few documents have a family.
            models.Index(
                fields=["family_id"],
                name="search_document_family",
                condition=models.Q(family_id__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class Synonym(models.Model):
    """Words that mean the same to a searcher: a query holding one term also finds the others."""

    terms = models.TextField(
        help_text="The words or phrases that mean the same, separated by commas or one a line, "
        "e.g. “open weights, open-weights, open source”.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other editors.")

    class Meta:
        db_table = "kb_search_synonym"
        ordering = ["terms"]

    def __str__(self):
        return self.terms.replace("\n", ", ")


class FtsField(models.TextField):
    """The hidden column named after an FTS5 table: the left side of ``MATCH``."""


@FtsField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FtsIndex(models.Model):
    """A row of an SQLite FTS5 table over ``SearchDocument`` (created by a migration).

    Unmanaged, and present only on SQLite: the subclasses let the ORM join an index to the
    documents by rowid (``SearchDocument.objects.filter(stemmedindex__table__match=...)``) and
    call its functions on ``table``, the hidden column named after the table.
    """

    document = models.OneToOneField(
        SearchDocument,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="%(class)s",
    )

    class Meta:
        abstract = True
        managed = False

    def __str__(self):
        return f"{self._meta.db_table} row {self.pk}"


class StemmedIndex(FtsIndex):
    """Whole words, stemmed (Porter), case and accents folded."""

    table = FtsField(db_column="kb_search_fts")

    class Meta(FtsIndex.Meta):
        db_table = "kb_search_fts"


class TitleIndex(FtsIndex):
    """The titles and names alone, as StemmedIndex has them: a word's rows here are the few
    documents with it in a title, not the thousands with it anywhere."""

    table = FtsField(db_column="kb_search_titles")

    class Meta(FtsIndex.Meta):
        db_table = "kb_search_titles"


class WordIndex(FtsIndex):
    """Words as written, case and accents folded, with prefix indexes: for unfinished words."""

    table = FtsField(db_column="kb_search_words")

    class Meta(FtsIndex.Meta):
        db_table = "kb_search_words"
