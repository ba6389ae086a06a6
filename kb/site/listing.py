"""The model directory's facet counts and pagination (the filters and sort orders themselves are
kb.catalogue.filters, shared with the API and the downloads).

Within one facet the ticked choices are alternatives (text OR image); across facets they all
apply (open-source AND text). Each facet counts its choices under the *other* facets' filters,
so a count says how many entries ticking that choice would add or leave, the way faceted
catalogues do; the openness score, one choice at a time, counts how many entries reach each
step; the cost filters (the weights fit in so many gigabytes, the API price is at most so much)
count their steps in one more query. The number of queries is fixed: one for the facets of few
values together (``CUBE``), one each for organizations and modalities, the openness steps, the
cost steps, the count, the page's ids with its rows, its modalities and its prices.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q

from kb.catalogue.costs import BITS, fits_in, money, plain
from kb.catalogue.filters import (
    FACETS,
    MEMORY_STEPS,
    OPENNESS_STEPS,
    PAGE_SIZES,
    PRICE_STEPS,
    ModelFilterForm,
    PageForm,
    priced_at_most,
    quoted,
)
from kb.catalogue.models import ModelEntry


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
    input_type: str = "checkbox"  # several choices, or one ("radio")
    # The width the memory facet counts at, and the widths to choose from.
    bits: int | None = None
    bit_choices: tuple = ()


# The facets counted together from one grouped query (each has few values, so the groups are
# at most a few hundred whatever the number of entries); the others (organizations, modalities)
# are counted in a query each.
CUBE = ("category", "access", "openness", "status", "licence")


def facets(query, choices):
    """Each facet's choices with how many entries match them and the other filters, then the
    openness steps with how many entries reach each.

    ``query`` is a ``kb.catalogue.filters.ModelQuery``, ``choices`` what ``kb.catalogue.filters.facet_choices()``
    read. A choice that matches nothing is left out unless it is ticked (then it shows 0, so it
    can be unticked). The facets of ``CUBE`` are counted from one query grouped by all their
    columns under the other facets' filters: a facet's count for a value sums the groups with
    that value that the other ticked values of ``CUBE`` keep. Organizations and modalities are
    counted in a query each.
    """
    filters = query.facet_filters()
    cost_filters = query.cost_filters()
    published = ModelEntry.objects.published().filter(
        *query.fixed_filters(), *cost_filters.values()
    )
    if query.min_openness is not None:
        published = published.filter(query.openness_filter())
    specs = {spec.name: spec for spec in FACETS}
    # Counts are grouped by a row's id where the choices come from the database.
    ids = {
        spec.name: {label.pk: value for value, label in choices[spec.name]}
        for spec in FACETS
        if callable(spec.choices)
    }

    def value(spec, raw):
        return ids[spec.name].get(raw) if spec.name in ids else spec.value(raw)

    def others(name):
        return [q for other, q in filters.items() if other != name]

    cube = [specs[name] for name in CUBE]
    columns = [spec.group_by for spec in cube]
    rows = (
        published.filter(*[q for name, q in filters.items() if name not in CUBE])
        .order_by()
        .values_list(*columns)
        .annotate(n=Count("pk"))
    )
    groups = [
        ({spec.name: value(spec, raw) for spec, raw in zip(cube, row[:-1], strict=True)}, row[-1])
        for row in rows
    ]
    counts = {}
    for spec in cube:
        kept = [other for other in cube if other is not spec and query.selected[other.name]]
        counted = Counter()
        for values, n in groups:
            if all(values[other.name] in query.selected[other.name] for other in kept):
                counted[values[spec.name]] += n
        counts[spec.name] = counted
    for spec in FACETS:
        if spec.name not in CUBE:
            rows = (
                published.filter(*others(spec.name))
                .order_by()
                .values_list(spec.group_by)
                .annotate(n=Count("pk"))
            )
            counts[spec.name] = {value(spec, raw): n for raw, n in rows}

    result = []
    for spec in FACETS:
        facet = Facet(spec.name, spec.label)
        for value, label in choices[spec.name]:
            count = counts[spec.name].get(value, 0)
            ticked = value in query.selected[spec.name]
            if count or ticked:
                facet.options.append(Option(value, label, count, ticked))
        result.append(facet)
    result.append(openness_facet(query, [*filters.values(), *cost_filters.values()]))
    result.extend(cost_facets(query, filters.values()))
    return result


def openness_facet(query, filters):
    """ "Any score" and each step of the least openness score, counted in one query.

    A score given in the URL that is not one of the steps is offered too, so it shows ticked.
    """
    steps = sorted({*OPENNESS_STEPS, query.min_openness} - {None})
    counts = (
        ModelEntry.objects.published()
        .filter(*query.fixed_filters(), *filters)
        .with_openness_score()
        .aggregate(
            any=Count("pk"),
            **{str(step): Count("pk", filter=Q(openness_score__gte=step)) for step in steps},
        )
    )
    facet = Facet("min_openness", "Openness score", input_type="radio")
    facet.options.append(Option("", "Any score", counts["any"], query.min_openness is None))
    for step in steps:
        selected = step == query.min_openness
        if counts[str(step)] or selected:
            facet.options.append(Option(str(step), f"At least {step}", counts[str(step)], selected))
    return facet


def cost_facets(query, filters):
    """The memory the weights fit in and the most the API costs, each step counted under the
    other filters (the cost filter of the other kind included), in one query."""
    published = ModelEntry.objects.published().filter(*query.fixed_filters(), *filters)
    if query.min_openness is not None:
        published = published.with_openness_score().filter(query.openness_filter())
    memory_gbs = sorted({*MEMORY_STEPS, query.memory_gb} - {None})
    prices = sorted({*PRICE_STEPS, query.max_input_price} - {None})
    memory_filter, price_filter = query.memory_filter(), query.price_filter()
    # Each kind's steps are counted under the other kind's filter (Q() when it has none).
    under_price = price_filter if price_filter is not None else Q()
    under_memory = memory_filter if memory_filter is not None else Q()
    counts = published.aggregate(
        memory_any=Count("pk", filter=under_price),
        price_any=Count("pk", filter=under_memory),
        **{
            f"memory_{gb}": Count("pk", filter=fits_in(gb, query.memory_bits) & under_price)
            for gb in memory_gbs
        },
        **{
            f"price_{index}": Count("pk", filter=priced_at_most(price) & under_memory)
            for index, price in enumerate(prices)
        },
    )
    memory = Facet(
        "memory_gb",
        "Weights fit in",
        input_type="radio",
        bits=query.memory_bits,
        bit_choices=BITS,
    )
    memory.options.append(Option("", "Any size", counts["memory_any"], query.memory_gb is None))
    for gb in memory_gbs:
        selected = gb == query.memory_gb
        count = counts[f"memory_{gb}"]
        if count or selected:
            memory.options.append(Option(str(gb), f"{gb} GB", count, selected))
    price = Facet("max_input_price", "API price per million input tokens", input_type="radio")
    price.options.append(
        Option("", "Any price, or none", counts["price_any"], query.max_input_price is None)
    )
    for index, limit in enumerate(prices):
        selected = limit == query.max_input_price
        count = counts[f"price_{index}"]
        if count or selected:
            price.options.append(Option(plain(limit), f"At most {money(limit)}", count, selected))
    return [memory, price]


@dataclass
class Listing:
    page: object
    page_range: list  # page numbers with gaps, for the page links
    notices: list

    def context(self):
        """What includes/pagination.html and includes/notices.html read."""
        return {"page": self.page, "page_range": self.page_range, "notices": self.notices}


def paginate(queryset, number, per_page):
    """The requested page; past the end, the last page with a notice.

    The page's rows are chosen by id first (the filters and the order over the entries alone,
    along their indexes) and only those rows are then read with their joins: at 100,000 entries
    the database otherwise weighed joining every entry to its organization and category before
    sorting, and sometimes chose to."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(number)
    page.object_list = queryset.filter(pk__in=page.object_list.values("pk"))
    notices = []
    if number and number > paginator.num_pages:
        notices.append(
            f"There is no page {number}; showing page {page.number} of {paginator.num_pages}."
        )
    return Listing(page, list(paginator.get_elided_page_range(page.number)), notices)


def entries_page(request, entries):
    """A page of ``entries`` (ordered) for a category's or an organization's page, chosen by the
    ``page`` parameter: a page that is not a number gives the first, one past the end the last,
    each with a notice."""
    form = PageForm(request.GET)
    notices = []
    if form.is_valid():
        number = form.cleaned_data["page"]
    else:
        notice, number = ModelFilterForm.FALLBACKS["page"]
        notices.append(notice.format(value=quoted(request.GET.get("page", ""))))
    listing = paginate(entries, number, PAGE_SIZES[0])
    return Listing(listing.page, listing.page_range, notices + listing.notices)
