"""The model directory's facet counts and pagination (the filters and sort orders themselves are
kb.catalogue.filters, shared with the API and the downloads).

Within one facet the ticked choices are alternatives (text OR image); across facets they all
apply (open-source AND text). Each facet counts its choices under the *other* facets' filters,
so a count says how many entries ticking that choice would add or leave, the way faceted
catalogues do; the openness score, one choice at a time, counts how many entries reach each
step; the cost filters (the weights fit in so many gigabytes, the API price is at most so much)
count their steps too.

The counts come from the tallies the database keeps (``Tallied``, kb.catalogue.tallies: a few
hundred or thousand rows, whatever the number of entries) wherever they count by what the query
filters by; the rest is counted from the entries (``facets``). Either way the number of queries
is fixed: at most one for the facets of few values together (``CUBE``), one each for
organizations and modalities, the openness steps, the memory steps, the count; one for the price
steps (over the few entries with a price); the page's ids with its rows, its modalities and its
prices.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, Sum

from kb.catalogue.costs import BITS, fits_in, money, most_parameters_fitting, plain
from kb.catalogue.filters import (
    FACETS,
    MEMORY_STEPS,
    OPENNESS_STEPS,
    PAGE_SIZES,
    PRICE_STEPS,
    ModelFilterForm,
    PageForm,
    quoted,
)
from kb.catalogue.models import (
    ApiPrice,
    EntryTally,
    ModalityTally,
    ModelEntry,
    OrganizationTally,
)


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


SPECS = {spec.name: spec for spec in FACETS}


def choice_ids(choices):
    """``{facet name: {row id: choice value}}`` of the facets whose choices are rows: counts are
    grouped by a row's id (see kb.catalogue.filters.ChoiceLabel)."""
    return {
        spec.name: {label.pk: value for value, label in choices[spec.name]}
        for spec in FACETS
        if callable(spec.choices)
    }


def facet_value(spec, raw, ids):
    """The choice value of a grouped column's value ``raw`` for the facet ``spec``."""
    return ids[spec.name].get(raw) if spec.name in ids else spec.value(raw)


@dataclass
class Tallied:
    """The directory's counts the tallies (kb.catalogue.tallies) give for a query, as the
    counting from the entries would give them: ``facets`` ``{facet name: Counter of values}``,
    ``openness`` and ``memory`` as ``openness_facet`` and ``cost_facets`` take them, ``total``
    the number of matching entries. What a tally does not count by (a release year, a price
    limit, a modality for the other facets, a least score or memory off the steps) leaves the
    parts it would change out (empty or None), to be counted from the entries."""

    facets: dict = field(default_factory=dict)
    openness: dict | None = None
    memory: dict | None = None
    total: int | None = None

    @classmethod
    def of(cls, query, choices):
        tallied = cls()
        selected = query.selected
        if query.year is not None or query.max_input_price is not None:
            return tallied
        on_steps = (query.min_openness in (None, *OPENNESS_STEPS)) and (
            query.memory_gb in (None, *MEMORY_STEPS)
        )
        ids = choice_ids(choices)
        bits = query.memory_bits

        def fits(values, gb):
            return 0 < values["weights_within"] <= most_parameters_fitting(gb, bits)

        def steps_pass(values):
            return (
                query.min_openness is None or values["openness_step"] >= query.min_openness
            ) and (query.memory_gb is None or fits(values, query.memory_gb))

        def tally_filters():
            """The filters but the organization's and the modality's, over the tallies."""
            filters = [SPECS[name].filter_tally(selected[name]) for name in CUBE if selected[name]]
            if query.min_openness is not None:
                filters.append(Q(openness_step__gte=query.min_openness))
            if query.memory_gb is not None:
                limit = most_parameters_fitting(query.memory_gb, bits)
                filters.append(Q(weights_within__gt=0, weights_within__lte=limit))
            return filters

        def counted_by(tally, name, filters):
            rows = tally.objects.filter(*filters).values_list(name).annotate(Sum("n"))
            return Counter({ids[name].get(pk): n for pk, n in rows})

        if on_steps and not selected["organization"]:
            if not selected["modality"]:
                rows = []
                for *raw, n in EntryTally.objects.filter(n__gt=0).values_list(*EntryTally.KEY, "n"):
                    category, access, tier, lifecycle, licence, step, within = raw
                    grouped = {
                        "category": category,
                        "access": access,
                        "openness": tier,
                        "status": lifecycle,
                    }
                    values = {
                        **{name: facet_value(SPECS[name], v, ids) for name, v in grouped.items()},
                        "licence": licence,  # the tally holds the facet's own value
                        "openness_step": step,
                        "weights_within": within,
                    }
                    rows.append((values, n))
                tallied.count_entries(query, rows, fits, steps_pass)
            tallied.facets["modality"] = counted_by(ModalityTally, "modality", tally_filters())
        if on_steps and not selected["modality"]:
            tallied.facets["organization"] = counted_by(
                OrganizationTally, "organization", tally_filters()
            )
        return tallied

    def count_entries(self, query, rows, fits, steps_pass):
        """The facets of ``CUBE``, the openness and memory steps and the total from the rows
        of EntryTally (``(values, n)``)."""
        selected = query.selected
        for name in CUBE:
            self.facets[name] = count_by(name, rows, selected, steps_pass)
        matching = [(values, n) for values, n in rows if kept_by_cube(values, selected)]
        memory_kept = [
            (values, n)
            for values, n in matching
            if query.memory_gb is None or fits(values, query.memory_gb)
        ]
        self.openness = {
            "any": sum(n for _, n in memory_kept),
            **{
                str(step): sum(n for values, n in memory_kept if values["openness_step"] >= step)
                for step in query.openness_steps
            },
        }
        openness_kept = [
            (values, n)
            for values, n in matching
            if query.min_openness is None or values["openness_step"] >= query.min_openness
        ]
        self.total = sum(n for values, n in matching if steps_pass(values))
        self.memory = {
            "memory_any": sum(n for _, n in openness_kept),
            "price_any": self.total,
            **{
                f"memory_{gb}": sum(n for values, n in openness_kept if fits(values, gb))
                for gb in query.memory_steps
            },
        }


def facets(query, choices, tallied=None):
    """Each facet's choices with how many entries match them and the other filters, then the
    openness steps with how many entries reach each.

    ``tallied`` (``Tallied.of(query, choices)``): the counts the tallies gave; what they could
    not count is counted from the entries.

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
    ids = choice_ids(choices)

    def value(spec, raw):
        return facet_value(spec, raw, ids)

    def others(name):
        return [q for other, q in filters.items() if other != name]

    tallied = tallied or Tallied()
    counts = dict(tallied.facets)
    cube = [SPECS[name] for name in CUBE]
    if not counts.keys() >= set(CUBE):
        columns = [spec.group_by for spec in cube]
        rows = (
            published.filter(*[q for name, q in filters.items() if name not in CUBE])
            .order_by()
            .values_list(*columns)
            .annotate(n=Count("pk"))
        )
        groups = [
            (
                {spec.name: value(spec, raw) for spec, raw in zip(cube, row[:-1], strict=True)},
                row[-1],
            )
            for row in rows
        ]
        for spec in cube:
            counts[spec.name] = count_by(spec.name, groups, query.selected)
    for spec in FACETS:
        if spec.name not in counts:
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
    result.append(
        openness_facet(query, [*filters.values(), *cost_filters.values()], tallied.openness)
    )
    result.extend(cost_facets(query, filters.values(), tallied.memory))
    return result


def count_by(name, groups, selected, passes=lambda values: True):
    """How many entries ``groups`` (``(values, n)`` pairs: the values of ``CUBE`` and any
    others, and a number of entries) hold for each value of facet ``name``, under the
    other ticked values of ``CUBE`` and ``passes`` (the other filters, on a group's values)."""
    counted = Counter()
    for values, n in groups:
        if kept_by_cube(values, selected, name) and passes(values):
            counted[values[name]] += n
    return counted


def kept_by_cube(values, selected, but=None):
    """Whether a group's ``values`` are among the ticked ones of every facet of ``CUBE`` (but
    the facet named ``but``)."""
    return all(values[name] in selected[name] for name in CUBE if name != but and selected[name])


def openness_facet(query, filters, counts=None):
    """ "Any score" and each step of the least openness score, counted in one query (or given:
    ``counts``, ``{"any": n, "25": n, ...}``).

    A score given in the URL that is not one of the steps is offered too, so it shows ticked.
    """
    steps = query.openness_steps
    if counts is None:
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


def cost_facets(query, filters, memory_counts=None):
    """The memory the weights fit in and the most the API costs, each step counted under the
    other filters (the cost filter of the other kind included): the memory in one query (or
    given: ``memory_counts``, ``{"memory_any": n, "memory_8": n, ..., "price_any": n}``), the
    prices among the few entries that have one, in two."""
    published = ModelEntry.objects.published().filter(*query.fixed_filters(), *filters)
    if query.min_openness is not None:
        published = published.with_openness_score().filter(query.openness_filter())
    memory_gbs = query.memory_steps
    prices = sorted({*PRICE_STEPS, query.max_input_price} - {None})
    memory_filter, price_filter = query.memory_filter(), query.price_filter()
    # Each kind's steps are counted under the other kind's filter (Q() when it has none).
    under_price = price_filter if price_filter is not None else Q()
    under_memory = memory_filter if memory_filter is not None else Q()
    counts = memory_counts or published.aggregate(
        memory_any=Count("pk", filter=under_price),
        price_any=Count("pk", filter=under_memory),
        **{
            f"memory_{gb}": Count("pk", filter=fits_in(gb, query.memory_bits) & under_price)
            for gb in memory_gbs
        },
    )
    counts.update(price_counts(published.filter(under_memory), prices))
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


def price_counts(entries, limits):
    """``{"price_0": n, ...}``: how many of ``entries`` have a published input price of at most
    each of ``limits``, in one query that starts from the entries that have a price low enough
    (a few, whatever the size of the catalogue) rather than testing every entry."""
    priced = ApiPrice.objects.filter(input_per_million__lte=max(limits)).values("entry")
    lowest = (
        entries.filter(pk__in=priced)
        .order_by()
        .values_list("pk")
        .annotate(lowest=Min("api_prices__input_per_million"))
        .values_list("lowest", flat=True)
    )
    lowest = list(lowest)
    return {
        f"price_{index}": sum(price <= limit for price in lowest)
        for index, limit in enumerate(limits)
    }


@dataclass
class Listing:
    page: object
    page_range: list  # page numbers with gaps, for the page links
    notices: list

    def context(self):
        """What includes/pagination.html and includes/notices.html read."""
        return {"page": self.page, "page_range": self.page_range, "notices": self.notices}


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (counted already), so it does not count them."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


def paginate(queryset, number, per_page, count=None):
    """The requested page of ``queryset`` (entries); past the end, the last page with a notice.
    The page's rows are chosen before they are joined (ModelEntryQuerySet.chosen)."""
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CountedPaginator(queryset, per_page, count)
    page = paginator.get_page(number)
    page.object_list = queryset.chosen(page.object_list)
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
