"""The model directory's queries: facet filters, facet counts, sort orders and pagination.

Within one facet the ticked choices are alternatives (text OR image); across facets they all
apply (open-source AND text). Each facet counts its choices under the *other* facets' filters,
so a count says how many entries ticking that choice would add or leave, the way faceted
catalogues do. The number of queries is fixed: one per facet, the count, the page and its
modalities.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.db.models.functions import Lower

from .models import Access, Category, Modality, ModelEntry, Organization

PAGE_SIZES = (20, 50, 100)
UNKNOWN = "unknown"


ACCESS_QUERIES = {
    **{value: Q(access=value) for value in Access.values},
    UNKNOWN: Q(access=""),
}
LICENCE_QUERIES = {
    "osi": Q(licence_osi_approved=True),
    "not-osi": Q(licence_osi_approved=False),
    UNKNOWN: Q(licence_osi_approved__isnull=True),
}


def any_of(queries):
    """A facet filter matching any of the ticked values, each with its own query."""
    return lambda values: reduce(operator.or_, (queries[value] for value in values))


def _modality_filter(values):
    # A subquery rather than a join, so an entry with two ticked modalities is listed once.
    through = ModelEntry.modalities.through.objects.filter(modality__slug__in=values)
    return Q(pk__in=through.values("modelentry_id"))


@dataclass(frozen=True)
class FacetSpec:
    name: str
    label: str
    group_by: str  # the column the counts are grouped by
    filter: object  # ticked values -> Q
    to_value: object = None  # a grouped column's value -> the choice value, if they differ
    choices: tuple = ()  # fixed choices; the others come from the database

    def value(self, raw):
        return self.to_value(raw) if self.to_value else raw


FACETS = (
    FacetSpec("category", "Category", "category__slug", lambda v: Q(category__slug__in=v)),
    FacetSpec(
        "organization", "Organization", "organization__slug", lambda v: Q(organization__slug__in=v)
    ),
    FacetSpec("modality", "Modality", "modalities__slug", _modality_filter),
    FacetSpec(
        "access",
        "Access",
        "access",
        any_of(ACCESS_QUERIES),
        to_value=lambda raw: raw or UNKNOWN,
        choices=(*Access.choices, (UNKNOWN, "Not published")),
    ),
    FacetSpec(
        "licence",
        "Licence",
        "licence_osi_approved",
        any_of(LICENCE_QUERIES),
        to_value=lambda raw: {True: "osi", False: "not-osi", None: UNKNOWN}[raw],
        choices=(("osi", "OSI-approved"), ("not-osi", "Not OSI-approved"), (UNKNOWN, "Unknown")),
    ),
)


def facet_choices():
    """The choices of every facet: (value, label) pairs in display order (three queries)."""
    from_database = {
        "category": [
            (slug, f"{icon} {name}".strip())
            for slug, name, icon in Category.objects.values_list("slug", "name", "icon")
        ],
        "organization": list(Organization.objects.values_list("slug", "name")),
        "modality": list(Modality.objects.values_list("slug", "name")),
    }
    return {spec.name: list(spec.choices) or from_database[spec.name] for spec in FACETS}


SORTS = {
    "name": ("Name (A–Z)", [Lower("name")]),
    "newest": ("Release date, newest first", [F("release_date").desc(nulls_last=True)]),
    "oldest": ("Release date, oldest first", [F("release_date").asc(nulls_last=True)]),
    "largest": ("Parameters, largest first", [F("parameter_count").desc(nulls_last=True)]),
    "smallest": ("Parameters, smallest first", [F("parameter_count").asc(nulls_last=True)]),
}
DEFAULT_SORT = "name"
SORT_CHOICES = [(key, label) for key, (label, _) in SORTS.items()]


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list = field(default_factory=list)


def _filters(selected):
    return {spec.name: spec.filter(selected[spec.name]) for spec in FACETS if selected[spec.name]}


def filtered_entries(selected):
    """Published entries matching every ticked facet. ``selected``: facet name -> values."""
    return ModelEntry.objects.published().filter(*_filters(selected).values())


def sorted_entries(queryset, sort):
    ordering = SORTS[sort][1]
    return queryset.order_by(*ordering, Lower("name"), "pk")


def facets(selected, choices):
    """Each facet's choices with how many entries match them and the other facets' filters.

    A choice that matches nothing is left out unless it is ticked (then it shows 0, so it can
    be unticked).
    """
    filters = _filters(selected)
    result = []
    for spec in FACETS:
        others = [query for name, query in filters.items() if name != spec.name]
        rows = (
            ModelEntry.objects.published()
            .filter(*others)
            .order_by()
            .values(spec.group_by)
            .annotate(count=Count("pk", distinct=True))
        )
        counts = {spec.value(row[spec.group_by]): row["count"] for row in rows}
        facet = Facet(spec.name, spec.label)
        for value, label in choices[spec.name]:
            count = counts.get(value, 0)
            ticked = value in selected[spec.name]
            if count or ticked:
                facet.options.append(Option(value, label, count, ticked))
        result.append(facet)
    return result


@dataclass
class Listing:
    page: object
    page_range: list  # page numbers with gaps, for the page links
    notices: list


def paginate(queryset, number, per_page):
    """The requested page; past the end, the last page with a notice."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(number)
    notices = []
    if number and number > paginator.num_pages:
        notices.append(
            f"There is no page {number}; showing page {page.number} of {paginator.num_pages}."
        )
    return Listing(page, list(paginator.get_elided_page_range(page.number)), notices)
