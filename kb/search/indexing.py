"""What is searched: the documents built from the content, and writing them to the index.

Only what visitors may see is indexed, one document per page: published articles, published
model entries and categories, and the category comparison's written rows (/compare/, one
document). What a page shows is what finds it: an article's document holds the text of the
generated blocks it places (``[[comparison]]``, ``[[examples open-source]]``: see
``kb.catalogue.shown``), and a pro or con is part of its model's or category's document, so a
page is one result however many of its points match, its snippet quoting the point. A draft
has no document, so no search can show it. ``index`` brings the documents of some rows in step with the tables (creating,
replacing or removing them); ``rebuild`` does it for everything.
"""

import html
import re
from itertools import islice

from django.db import connection, transaction
from django.db.models import Prefetch
from django.urls import reverse

from kb.catalogue.freshness import bump_content_version
from kb.catalogue.models import Article, Category, ComparisonCell, ComparisonRow, ModelEntry
from kb.catalogue.shown import blocks_html
from kb.catalogue.text import clean

from .backends import get_backend
from .models import Kind, SearchDocument
from .names import indexed_names, name_key, name_prefetches

CategoryLink = SearchDocument.categories.through

# Markdown syntax to remove, in order, leaving the words a reader sees. Rendering through
# the Markdown pipeline would be exact but costs about 10 µs a word: minutes for a large catalogue.
# Each pattern stops where another match could start (no character class spans the character
# that opens one), so the stripping takes time in proportion to the text, whatever the text.
MARKDOWN_SYNTAX = [
    # Generated-block placeholders ([[comparison]] and the like) and raw HTML that shows nothing.
    (re.compile(r"^[ \t]*\[\[[^\]\n]*\]\][ \t]*$", re.MULTILINE), " "),
    (
        re.compile(
            r"<(script|style)\b(?:(?!<(?:script|style)\b).)*?</\1\s*>", re.IGNORECASE | re.DOTALL
        ),
        " ",
    ),
    (re.compile(r"<[^<>]*>"), " "),
    # Link reference definitions; links and images keep their text.
    (re.compile(r"^ {0,3}\[[^\[\]\n]+\]:[ \t]+\S.*$", re.MULTILINE), " "),
    (re.compile(r"!?\[([^\[\]]*)\](?:\([^)\[]*\)|\[[^\[\]]*\])"), r"\1"),
    # Headings, quotes, list markers, table rules and code fences at the start of a line.
    (re.compile(r"^[ \t]*(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+", re.MULTILINE), " "),
    (re.compile(r"^(?=[^\n]*---)[ \t|:-]+$", re.MULTILINE), " "),
    (re.compile(r"^[ \t]*(?:`{3,}|~{3,}).*$", re.MULTILINE), " "),
    # Emphasis, inline code, table pipes.
    (re.compile(r"[*_~`|]+"), " "),
]


def squash(text):
    """Text on one line, without control or private-use characters (the highlight markers)."""
    return " ".join(clean(" ".join(text.split())).split())


def plain_text(markdown_text):
    """The words of a Markdown text as a reader sees them: no syntax, no markup."""
    text = markdown_text or ""
    for pattern, replacement in MARKDOWN_SYNTAX:
        text = pattern.sub(replacement, text)
    return squash(html.unescape(text))


def shown_text(markdown_text):
    """The words of a Markdown text and of the generated blocks it places, as a reader sees
    them."""
    return join(plain_text(markdown_text), plain_text(blocks_html(markdown_text)))


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def facets(organization, categories):
    return {
        "organization": [organization.slug, organization.name] if organization else None,
        "categories": [[category.slug, category.name] for category in categories],
    }


def join(*parts):
    return " · ".join(part for part in parts if part)


def points(owner):
    """The owner's pros and cons as its page lists them (prefetched ``pros_cons``), one a line."""
    return "\n".join(squash(point.text) for point in owner.pros_cons.all())


class Source:
    """How one kind of content becomes documents."""

    kind = None
    model = None

    def visible(self):
        """The rows that get a document, with what ``document`` reads loaded."""
        raise NotImplementedError

    def fields(self, obj):
        """The document's fields, its category ids."""
        raise NotImplementedError

    def document(self, obj):
        fields, category_ids = self.fields(obj)
        fields = {
            k: squash(v) if isinstance(v, str) and k != "points" else v for k, v in fields.items()
        }
        document = SearchDocument(
            kind=self.kind, object_id=obj.pk, title_key=name_key(fields["title"]), **fields
        )
        return document, category_ids


class ArticleSource(Source):
    kind = Kind.ARTICLE
    model = Article

    def visible(self):
        return Article.objects.published().prefetch_related("categories")

    def fields(self, article):
        categories = list(article.categories.all())
        fields = {
            "title": article.title,
            "summary": article.lede,
            "facts": join(*(c.name for c in categories)),
            "body": shown_text(article.body),
            "url": article.get_absolute_url(),
            "label": "Article",
            "context": join(*(c.name for c in categories)),
            "facets": facets(None, categories),
        }
        return fields, [c.pk for c in categories]


class EntrySource(Source):
    kind = Kind.MODEL
    model = ModelEntry

    def visible(self):
        return (
            ModelEntry.objects.published()
            .with_related()
            .prefetch_related("pros_cons", *name_prefetches())
        )

    def fields(self, entry):
        facts = join(
            entry.organization.name,
            entry.category.name,
            *(m.name for m in entry.modalities.all()),
            entry.licence_name,
            entry.get_access_display() if entry.access else "",
            entry.parameters,
        )
        fields = {
            "title": entry.name,
            "summary": join(entry.summary, *points(entry).splitlines()),
            "points": points(entry),
            "facts": facts,
            "body": shown_text(entry.description),
            "names": indexed_names(entry),
            "url": entry.get_absolute_url(),
            "label": "Model",
            "context": join(entry.organization.name, entry.category.name),
            "organization_id": entry.organization_id,
            "family_id": entry.family_id,
            "released": entry.release_date,
            "facets": facets(entry.organization, [entry.category]),
        }
        return fields, [entry.category_id]


class CategorySource(Source):
    kind = Kind.CATEGORY
    model = Category

    def visible(self):
        return Category.objects.prefetch_related("pros_cons")

    def fields(self, category):
        fields = {
            "title": category.name,
            "summary": join(category.summary, *points(category).splitlines()),
            "points": points(category),
            "facts": category.short_name,
            "body": shown_text(category.description),
            "url": category.get_absolute_url(),
            "label": "Category",
            "facets": facets(None, [category]),
        }
        return fields, [category.pk]


class ComparisonSource(Source):
    """The category comparison (/compare/) is one page, so one document: its written rows, each
    with its cells, carried by the first of them (its object id); the other rows have none.
    Whatever changes a row or a cell indexes every row again (``comparison_ids``), so the
    document follows, and moves to the next row when its carrier goes."""

    kind = Kind.COMPARISON
    model = ComparisonRow
    title = "Compare the categories"
    order = ("position", "label", "pk")  # the rows as /compare/ shows them

    def written(self):
        return ComparisonRow.objects.filter(kind=ComparisonRow.Kind.WRITTEN)

    def visible(self):
        # The carrier only: what its document holds is read by ``fields``.
        return self.written().filter(pk__in=self.written().order_by(*self.order).values("pk")[:1])

    def fields(self, carrier):
        cells = ComparisonCell.objects.select_related("category").order_by(
            "category__position", "category__name"
        )
        rows = list(
            self.written().order_by(*self.order).prefetch_related(Prefetch("cells", queryset=cells))
        )
        categories = {}
        lines = []
        for row in rows:
            cells = list(row.cells.all())
            categories.update((cell.category.pk, cell.category) for cell in cells)
            said = "; ".join(f"{c.category.short_name}: {plain_text(c.text)}" for c in cells)
            lines.append(f"{row.label}: {said}")
        ordered = sorted(categories.values(), key=lambda c: (c.position, c.name))
        fields = {
            "title": self.title,
            # The rows in the body: a hit's snippet quotes the row that matches.
            "summary": "",
            "body": "\n".join(lines),
            "facts": join(*(category.name for category in ordered)),
            "url": reverse("kb:compare"),
            "label": "Comparison",
            "context": " vs ".join(category.short_name for category in ordered),
            "facets": facets(None, ordered),
        }
        return fields, [category.pk for category in ordered]


def comparison_ids(*also):
    """The object ids whose comparison document ``index`` must bring in step: every row's (the
    one document is carried by whichever written row comes first), with ``also``, rows just
    changed or gone."""
    return {*ComparisonRow.objects.values_list("pk", flat=True), *also}


SOURCES = {
    source.kind: source
    for source in (ArticleSource(), EntrySource(), CategorySource(), ComparisonSource())
}


def write(documents, backend=None):
    """Insert built documents and their category links; let the engine index them."""
    backend = backend or get_backend()
    created = SearchDocument.objects.bulk_create([document for document, _ in documents])
    CategoryLink.objects.bulk_create(
        CategoryLink(searchdocument_id=document.pk, category_id=category_id)
        for document, (_, category_ids) in zip(created, documents, strict=True)
        for category_id in category_ids
    )
    backend.documents_written([document.pk for document in created])
    return created


@transaction.atomic
def index(kind, ids):
    """Bring the documents of rows ``ids`` of ``kind`` in step with the content tables."""
    ids = set(ids)
    if not ids:
        return
    source = SOURCES[kind]
    documents = [source.document(obj) for obj in source.visible().filter(pk__in=ids)]
    SearchDocument.objects.filter(kind=kind, object_id__in=ids).delete()
    write(documents)


def remove(kind, ids):
    SearchDocument.objects.filter(kind=kind, object_id__in=set(ids)).delete()


class NoProgress:
    def update(self, n):
        pass

    def close(self):
        pass


def rebuild(batch_size=2000, progress=lambda kind, total: NoProgress()):
    """Write every document again from the tables; returns the number written per kind.

    ``progress(kind, total)`` returns something with ``update(n)`` and ``close()``, such as a
    progress bar.
    """
    backend = get_backend()
    counts = {}
    with transaction.atomic():
        backend.begin_rebuild(connection)
        for kind, source in SOURCES.items():
            rows = source.visible().order_by("pk")
            bar = progress(kind, rows.count())
            counts[kind] = 0
            for batch in batched(rows.iterator(chunk_size=batch_size), batch_size):
                counts[kind] += len(write([source.document(obj) for obj in batch], backend))
                bar.update(len(batch))
            bar.close()
        backend.finish_rebuild(connection)
        # What search pages show may have changed, and what is kept per content version from the
        # index (SQLite's spelling candidates): the version moves with the rebuilt index.
        bump_content_version(connection.alias)
    if not connection.in_atomic_block:  # a caller's transaction leaves tidying to the database
        backend.tidy(connection)
    return counts
