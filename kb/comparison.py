"""The category comparison, built from the data in a fixed number of queries.

Columns are the categories in order, rows the comparison rows in order. Written rows hold the
editors' Markdown (the template renders it); generated rows are computed from the published
entries of each category, so they change as soon as the directory does.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models.functions import Lower

from .models import Category, ComparisonRow, ModelEntry
from .openness import summarise


@dataclass(frozen=True)
class Licence:
    name: str
    osi_approved: bool


@dataclass(frozen=True)
class Cell:
    category: Category
    text: str = ""  # written rows
    entries: tuple = ()  # generated rows: the category's published entries

    @property
    def count(self):
        return len(self.entries)

    @property
    def licences(self):
        distinct = {(e.licence_name, bool(e.licence_osi_approved)) for e in self.entries}
        return tuple(Licence(name, osi) for name, osi in sorted(distinct) if name)

    @cached_property
    def openness(self):
        """The entries' openness (``kb.openness.summarise``); their grades come prefetched."""
        return summarise(self.entries)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    cells: tuple


@dataclass(frozen=True)
class Comparison:
    categories: tuple
    rows: tuple
    # Every row of data the table shows, for its "Last updated" date.
    shown: tuple = field(repr=False)


def published_by_name():
    """Published entries in the order the generated lists show them."""
    return ModelEntry.objects.published().order_by(Lower("name"), "pk")


def category_comparison():
    categories = tuple(Category.objects.all())
    rows = list(ComparisonRow.objects.prefetch_related("cells"))
    entries = []
    if any(row.is_generated for row in rows):
        entries = published_by_name()
        if any(row.kind == ComparisonRow.Kind.OPENNESS for row in rows):
            entries = entries.prefetch_related("openness")
        entries = list(entries)
    published = {category.pk: [] for category in categories}
    for entry in entries:
        published[entry.category_id].append(entry)

    table_rows = []
    shown = [*categories, *entries]
    for row in rows:
        cells = row.cells.all()
        if row.is_generated:
            values = [Cell(c, entries=tuple(published[c.pk])) for c in categories]
        else:
            texts = {cell.category_id: cell.text for cell in cells}
            values = [Cell(c, text=texts.get(c.pk, "")) for c in categories]
        table_rows.append(Row(row.label, row.kind, tuple(values)))
        shown += [row, *cells]
    return Comparison(categories, tuple(table_rows), tuple(shown))
