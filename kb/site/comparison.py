"""The category comparison, built from the data in a fixed number of queries.

Columns are the categories in order, rows the comparison rows in order. Written rows hold the
editors' Markdown (the template renders it); generated rows are computed from the published
entries of each category, so they change as soon as the directory does.

Generated rows are database aggregates (counts, distinct licences, openness scores) and the
first few entries of each category (those editors mark featured first), so the table costs the
same with ten entries or a hundred thousand; and each process keeps the latest table under the content version it was built for,
so it is built once per change, not once per request (``kb.catalogue.freshness`` says why a version can
never serve stale content).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Lower

from kb.catalogue.freshness import PerVersion
from kb.catalogue.models import Category, ComparisonRow, ModelEntry, ScoreTally
from kb.catalogue.openness import OpennessSummary, summarise_published_categories

Kind = ComparisonRow.Kind

# The Examples row names this many entries of each category (featured ones first, then by name),
# then links to the rest.
EXAMPLES_SHOWN = 12
NOTHING_TO_SUMMARISE = OpennessSummary(None, None, None, scored=0, not_scored=0, dimensions=())


@dataclass(frozen=True, order=True)
class Licence:
    name: str
    osi_approved: bool


@dataclass(frozen=True)
class Cell:
    category: Category
    text: str = ""  # written rows
    # Generated rows: the category's published entries, their number, the first of them
    # (featured, then by name), their licences, their openness.
    count: int = 0
    examples: tuple = ()
    licences: tuple = ()
    openness: OpennessSummary | None = None

    @property
    def more(self):
        """How many published entries the Examples row does not name."""
        return self.count - len(self.examples)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    cells: tuple

    @property
    def is_the_articles(self):
        """Whether the row is one of the seed article's: its written rows, and its Examples row
        (the article's own row, whose cells the directory fills, featured entries first)."""
        return self.kind in (Kind.WRITTEN, Kind.EXAMPLES)


@dataclass(frozen=True)
class Group:
    title: str
    key: str
    rows: list


@dataclass(frozen=True)
class Changed:
    """When the newest of many rows changed, for "Last updated" (which reads ``updated_at``)."""

    updated_at: datetime.datetime


@dataclass(frozen=True)
class Comparison:
    categories: tuple
    rows: tuple
    # Everything the table shows, or when it last changed, for its "Last updated" date.
    shown: tuple = field(repr=False)

    @property
    def groups(self):
        """The rows in two groups, each in order: the seed article's rows in the seed's order
        (its written rows and its Examples), then the rows computed from the directory. Empty
        groups are left out."""
        article = [row for row in self.rows if row.is_the_articles]
        computed = [row for row in self.rows if not row.is_the_articles]
        groups = (
            Group("From the seed article", "written", article),
            Group("From the model directory", "computed", computed),
        )
        return [group for group in groups if group.rows]


def published_as_listed():
    """Published entries in the order the generated lists show them: those editors mark
    featured first, then by name (the ``entry_category_featured_name`` index's order)."""
    return ModelEntry.objects.published().order_by("-featured", Lower("name"), "pk")


@dataclass(frozen=True)
class Total:
    count: int
    latest: datetime.datetime  # when the newest change to one of them was made


def published_totals(categories=None):
    """``{category id: Total}`` of the published entries of ``categories`` (default: all), for
    the categories that have some, in one query: how many from their tally
    (kb.catalogue.tallies), the latest change of each from the ``entry_status_category_updated``
    index (one step each)."""
    counted = (
        ScoreTally.objects.filter(category=OuterRef("pk"))
        .order_by()
        .values("category")
        .annotate(total=Sum("n"))
        .values("total")
    )
    latest = ModelEntry.objects.published().filter(category=OuterRef("pk")).order_by("-updated_at")
    totals = Category.objects.annotate(
        n=Subquery(counted), latest=Subquery(latest.values("updated_at")[:1])
    ).filter(n__gt=0)
    if categories is not None:
        totals = totals.filter(pk__in=[category.pk for category in categories])
    return {pk: Total(n, when) for pk, n, when in totals.values_list("pk", "n", "latest")}


def first_published(categories, *, with_organization=False):
    """``{category id: [entries]}``: the first EXAMPLES_SHOWN published entries of each of
    ``categories``, featured first, then by name. One query per category, each a short walk
    along the ``entry_category_featured_name`` index, whatever the number of entries (one query
    over all the categories, ranking every entry with a window function, took 230 ms at 100,000
    entries)."""
    fields = ["name", "slug", "category"]
    if with_organization:
        fields += ["organization__name", "organization__updated_at"]
    first = defaultdict(list)
    for category in categories:
        entries = published_as_listed().filter(category=category).only(*fields)
        if with_organization:
            entries = entries.select_related("organization")
        first[category.pk] = list(entries[:EXAMPLES_SHOWN])
    return first


class Published:
    """What the generated rows show of each category's published entries."""

    def __init__(self, categories, kinds):
        entries = ModelEntry.objects.published()
        self.totals = published_totals()
        self.latest = max((total.latest for total in self.totals.values()), default=None)
        self.examples = defaultdict(list)
        if Kind.EXAMPLES in kinds:
            self.examples = first_published(categories)

        self.licences = defaultdict(set)
        if Kind.LICENCES in kinds:
            licences = entries.exclude(licence_name="").order_by()
            for category, name, osi in licences.values_list(
                "category", "licence_name", "licence_osi_approved"
            ).distinct():
                self.licences[category].add(Licence(name, bool(osi)))

        self.openness = {}
        if Kind.OPENNESS in kinds:
            self.openness = summarise_published_categories()

    def cell(self, category):
        return Cell(
            category,
            count=self.totals[category.pk].count if category.pk in self.totals else 0,
            examples=tuple(self.examples[category.pk]),
            licences=tuple(sorted(self.licences[category.pk])),
            openness=self.openness.get(category.pk, NOTHING_TO_SUMMARISE),
        )


def build_category_comparison():
    categories = tuple(Category.objects.compared())
    rows = list(ComparisonRow.objects.prefetch_related("cells"))
    shown = [*categories]
    kinds = {row.kind for row in rows if row.is_generated}
    published = Published(categories, kinds) if kinds else None
    if published and published.latest:
        shown.append(Changed(published.latest))

    table_rows = []
    for row in rows:
        cells = row.cells.all()
        if row.is_generated:
            values = [published.cell(c) for c in categories]
        else:
            texts = {cell.category_id: cell.text for cell in cells}
            values = [Cell(c, text=texts.get(c.pk, "")) for c in categories]
        table_rows.append(Row(row.label, row.kind, tuple(values)))
        shown += [row, *cells]
    return Comparison(categories, tuple(table_rows), tuple(shown))


_built = PerVersion(maxsize=1)


def category_comparison():
    """The table for the current content version, built when this process has not yet."""
    return _built.get("comparison", build_category_comparison)
