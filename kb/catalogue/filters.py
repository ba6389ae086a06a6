"""Filtering and sorting model entries from query parameters: the one definition behind the
model directory page, the JSON API and the downloads, so a parameter means the same everywhere.

Several values of one parameter widen it (``access=weights&access=both`` means either);
different parameters narrow each other. The directory reads parameters leniently (a shared link
outlives what it names: what it cannot use it drops, and says so in ``notices``); the API and the
downloads read them strictly (``strict=True``: anything wrong is a 400 saying what).
"""

import datetime
import operator
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import cache, reduce

from django import forms
from django.db.models import Case, F, Q, When
from django.utils.text import Truncator

from kb.catalogue.costs import BITS, WEIGHTS_ACCESS, fits_in
from kb.catalogue.models import (
    OPENNESS_TIERS,
    Access,
    ApiPrice,
    Category,
    Lifecycle,
    Modality,
    ModelEntry,
    Organization,
)

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
UNKNOWN = "unknown"
PAGE_SIZES = (20, 50, 100)


def quoted(value):
    """A visitor's value, shortened, for a message (templates escape it)."""
    return f"“{Truncator(value).chars(40)}”"


class QueryForm(forms.Form):
    """A form over query parameters (``request.GET``).

    ``strict=True`` (the API and the downloads) also refuses parameters the form does not know and
    single-valued parameters given more than once, so a typo is reported instead of ignored.
    """

    def __init__(self, data=None, *, strict=False, **kwargs):
        super().__init__(data, **kwargs)
        self.strict = strict

    def full_clean(self):
        super().full_clean()
        if self.strict and self.is_bound:
            self.check_parameter_names()

    def check_parameter_names(self):
        allowed = ", ".join(self.fields) or "none"
        for name in self.data:
            if name not in self.fields:
                self.errors[name] = self.error_class([f"Unknown parameter. Allowed: {allowed}."])
            elif len(self.data.getlist(name)) > 1 and not isinstance(
                self.fields[name], forms.MultipleChoiceField
            ):
                self.add_error(name, "Give this parameter once.")

    def error_detail(self):
        """``{parameter: [messages]}``, what the API's 400 responses carry."""
        return {name: list(messages) for name, messages in self.errors.items()}


class PageForm(QueryForm):
    page = forms.IntegerField(min_value=1, required=False, help_text="From 1.")


# The facets: filters by a fixed set of values, counted per value on the directory page.

ACCESS_QUERIES = {
    **{value: Q(access=value) for value in Access.values},
    UNKNOWN: Q(access=""),
}
LIFECYCLE_QUERIES = {
    **{value: Q(lifecycle=value) for value in Lifecycle.values},
    UNKNOWN: Q(lifecycle=""),
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


class ChoiceLabel(str):
    """A choice's label that also carries the row it names (``pk``), so counts grouped by the
    row's id are matched to the choice without a join, and a category's emoji (``icon``), for
    the page to draw as the site's own icon (``{% category_icon %}``) beside the words."""

    def __new__(cls, text, pk=None, icon=""):
        label = super().__new__(cls, text)
        label.pk = pk
        label.icon = icon
        return label


def category_choices():
    return [
        (slug, ChoiceLabel(name, pk, icon))
        for pk, slug, name, icon in Category.objects.values_list("pk", "slug", "name", "icon")
    ]


def organization_choices():
    return [
        (slug, ChoiceLabel(name, pk))
        for pk, slug, name in Organization.objects.values_list("pk", "slug", "name")
    ]


def modality_choices():
    return [
        (slug, ChoiceLabel(name, pk))
        for pk, slug, name in Modality.objects.values_list("pk", "slug", "name")
    ]


@dataclass(frozen=True)
class FacetSpec:
    name: str
    label: str
    group_by: str  # the column the directory's counts are grouped by (a row's id: see ChoiceLabel)
    filter: object  # ticked values -> Q
    choices: object  # (value, label) pairs, or a function reading them from the database
    to_value: object = None  # a grouped column's value -> the choice value, if they differ
    help_text: str = ""
    # Ticked values -> Q over the tallies (kb.catalogue.tallies), where it differs from filter.
    tally_filter: object = None

    def value(self, raw):
        return self.to_value(raw) if self.to_value else raw

    def filter_tally(self, values):
        return (self.tally_filter or self.filter)(values)

    def load_choices(self):
        return self.choices() if callable(self.choices) else list(self.choices)


FACETS = (
    FacetSpec(
        "category",
        "Category",
        "category",
        lambda v: Q(category__in=Category.objects.filter(slug__in=v)),
        category_choices,
        help_text="Category slugs.",
    ),
    FacetSpec(
        "organization",
        "Organization",
        "organization",
        lambda v: Q(organization__in=Organization.objects.filter(slug__in=v)),
        organization_choices,
        help_text="Organization slugs.",
    ),
    FacetSpec(
        "modality",
        "Modality",
        "modalities",
        _modality_filter,
        modality_choices,
        help_text="Modality slugs.",
    ),
    FacetSpec(
        "access",
        "Access",
        "access",
        any_of(ACCESS_QUERIES),
        (*Access.choices, (UNKNOWN, "Not published")),
        to_value=lambda raw: raw or UNKNOWN,
        help_text="How the model can be used; unknown: not published.",
    ),
    FacetSpec(
        "openness",
        "Openness tier",
        "openness_tier",
        lambda v: Q(openness_tier__in=v),
        OPENNESS_TIERS,
        help_text="How open: fully_open, open_weights, restricted_weights, hosted (API or "
        "product only), unreleased, unknown.",
    ),
    FacetSpec(
        "status",
        "Status",
        "lifecycle",
        any_of(LIFECYCLE_QUERIES),
        (*Lifecycle.choices, (UNKNOWN, "Not recorded")),
        to_value=lambda raw: raw or UNKNOWN,
        help_text="Whether it can still be used; unknown: not recorded.",
    ),
    FacetSpec(
        "licence",
        "Licence",
        "licence_osi_approved",
        any_of(LICENCE_QUERIES),
        (("osi", "OSI-approved"), ("not-osi", "Not OSI-approved"), (UNKNOWN, "Unknown")),
        to_value=lambda raw: {True: "osi", False: "not-osi", None: UNKNOWN}[raw],
        tally_filter=lambda v: Q(licence__in=v),
        help_text="osi: the licence is OSI-approved; not-osi: it is known not to be; "
        "unknown: nobody knows yet.",
    ),
)


def facet_choices():
    """The choices of every facet, in display order (three queries: the database's facets)."""
    return {spec.name: spec.load_choices() for spec in FACETS}


# Release years the year filter takes; a year outside them is a clear error, not a database one.
YEARS = (1900, 2100)


def year_filter(year):
    """Entries first released in ``year``, as a range over the indexed release date."""
    return Q(
        release_date__gte=datetime.date(year, 1, 1), release_date__lt=datetime.date(year + 1, 1, 1)
    )


# The openness score (kb.catalogue.openness): at least a given score; the directory offers these steps.
OPENNESS_STEPS = (25, 50, 75)

# What it costs (kb.catalogue.costs): the weights fit in this many gigabytes at the chosen
# width; the published API price per million input tokens is at most this many dollars.
MEMORY_STEPS = (8, 16, 24, 48, 80)
DEFAULT_BITS = 4
PRICE_STEPS = (1, 5, 15)
# Prices are stored to a hundredth of a cent; a limit is read to the same precision, rounded down.
MAX_PRICE = 1_000_000
PRICE_PRECISION = Decimal("0.0001")


def priced_at_most(limit):
    """The entries with a published API price per million input tokens of at most ``limit``
    (any of their prices, as listed with their dates): a subquery, so an entry with several
    prices is still one entry when counted."""
    prices = ApiPrice.objects.filter(input_per_million__lte=limit)
    return Q(pk__in=prices.values("entry"))


# Memory only means something for downloadable weights: other entries sort with the unknown.
WEIGHTS_PARAMETERS = Case(When(access__in=WEIGHTS_ACCESS, then=F("parameter_count")))

SORTS = {
    # sort_name: the name folded, leading punctuation ignored (kb.catalogue.text.sort_key).
    "name": ("Name (A–Z)", ["sort_name"]),
    "newest": ("Release date, newest first", [F("release_date").desc(nulls_last=True)]),
    "oldest": ("Release date, oldest first", [F("release_date").asc(nulls_last=True)]),
    "largest": ("Parameters, largest first", [F("parameter_count").desc(nulls_last=True)]),
    "smallest": ("Parameters, smallest first", [F("parameter_count").asc(nulls_last=True)]),
    "openness": ("Openness score, most open first", [F("openness_score").desc(nulls_last=True)]),
    "cheapest": (
        "API price, cheapest first",
        [
            F("api_prices__input_per_million").asc(nulls_last=True),
            F("api_prices__output_per_million").asc(nulls_last=True),
        ],
    ),
    "least_memory": (
        "Memory for the weights, least first",
        [WEIGHTS_PARAMETERS.asc(nulls_last=True)],
    ),
}
DEFAULT_SORT = "name"
SORT_CHOICES = [(key, label) for key, (label, _) in SORTS.items()]


class FacetField(forms.MultipleChoiceField):
    """Any number of a facet's values. An empty value is no value, as a plain form sends it.

    The choices are read from the database only when a value needs checking, and once.
    """

    def __init__(self, spec, choices=None):
        super().__init__(
            label=spec.label,
            choices=choices if choices is not None else cache(spec.load_choices),
            required=False,
            help_text=spec.help_text,
        )

    def to_python(self, value):
        return list(dict.fromkeys(item for item in super().to_python(value) if item))

    def valid_value(self, value):
        # A value that cannot be a slug never reaches the database (PostgreSQL refuses NUL bytes).
        return bool(SLUG.fullmatch(value)) and super().valid_value(value)


@dataclass(frozen=True)
class ModelQuery:
    """What to list: the ticked values per facet, a release year, a least openness score, order,
    page, size."""

    selected: dict = field(default_factory=lambda: {spec.name: [] for spec in FACETS})
    year: int | None = None
    min_openness: int | None = None
    memory_gb: int | None = None
    memory_bits: int = DEFAULT_BITS
    max_input_price: object = None  # a Decimal
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = PAGE_SIZES[0]

    @property
    def filtered(self):
        limits = (self.year, self.min_openness, self.memory_gb, self.max_input_price)
        return any(self.selected.values()) or any(limit is not None for limit in limits)

    @property
    def openness_steps(self):
        """The least scores the directory offers, with the one asked for, in order."""
        return sorted({*OPENNESS_STEPS, self.min_openness} - {None})

    @property
    def memory_steps(self):
        """The memory sizes (GB) the directory offers, with the one asked for, in order."""
        return sorted({*MEMORY_STEPS, self.memory_gb} - {None})

    @property
    def keeps_memory_bits(self):
        """Whether the directory's links and forms keep ``memory_bits``: it is the width of
        the memory limit, and the one the memory column shows (the default needs no saying)."""
        return self.memory_gb is not None or self.memory_bits != DEFAULT_BITS

    def fixed_filters(self):
        """The filters every facet count shares: the release year."""
        return [] if self.year is None else [year_filter(self.year)]

    def facet_filters(self):
        """``{facet name: Q}`` of the facets with ticked values."""
        selected = self.selected
        return {
            spec.name: spec.filter(selected[spec.name]) for spec in FACETS if selected[spec.name]
        }

    def openness_filter(self):
        """The least score as a Q over ``openness_score`` (annotate it first), or None."""
        if self.min_openness is None:
            return None
        return Q(openness_score__gte=self.min_openness)

    def memory_filter(self):
        """The entries whose weights fit in ``memory_gb`` at ``memory_bits``, or None."""
        return None if self.memory_gb is None else fits_in(self.memory_gb, self.memory_bits)

    def price_filter(self):
        """The entries whose published input price is at most ``max_input_price``, or None."""
        if self.max_input_price is None:
            return None
        limit = self.max_input_price.quantize(PRICE_PRECISION, rounding=ROUND_DOWN)
        return priced_at_most(limit)

    def cost_filters(self):
        """``{"memory_gb": Q, "max_input_price": Q}`` of the cost filters given."""
        filters = {"memory_gb": self.memory_filter(), "max_input_price": self.price_filter()}
        return {name: q for name, q in filters.items() if q is not None}

    def apply(self, queryset):
        """``queryset`` with ``openness_score``, filtered and sorted as asked."""
        queryset = queryset.with_openness_score().filter(
            *self.fixed_filters(), *self.facet_filters().values(), *self.cost_filters().values()
        )
        if self.min_openness is not None:
            queryset = queryset.filter(self.openness_filter())
        return queryset.order_by(*SORTS[self.sort][1], "sort_name", "pk")


class ModelFilterForm(PageForm):
    """The filters, sort order and page of a list of model entries.

    ``choices`` (``facet_choices()``), when the caller has read them already, saves reading them
    again to check the values given.
    """

    year = forms.IntegerField(
        label="Released in",
        min_value=YEARS[0],
        max_value=YEARS[1],
        required=False,
        help_text="Only entries first released in this year (e.g. 2023); entries without a "
        "published release date have none.",
    )
    min_openness = forms.IntegerField(
        label="Openness score at least",
        min_value=0,
        max_value=100,
        required=False,
        help_text="Only entries whose openness score is at least this; entries with too few dimensions graded have none.",
    )
    memory_gb = forms.IntegerField(
        label="Weights fit in (GB)",
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="Only models with downloadable weights that fit in this many gigabytes "
        "(10⁹ bytes) at memory_bits bits per parameter, computed from the parameter count; "
        "weights only, running needs more.",
    )
    memory_bits = forms.TypedChoiceField(
        label="Bits per parameter",
        coerce=int,
        choices=[(bits, f"{bits} bits") for bits in BITS],
        required=False,
        help_text=f"16, 8 or 4: the width memory_gb counts the weights at; {DEFAULT_BITS} unless given.",
    )
    max_input_price = forms.DecimalField(
        label="API price at most (US dollars per million input tokens)",
        min_value=0,
        max_value=MAX_PRICE,
        required=False,
        help_text="Only models with a published API price per million input tokens of at most "
        "this many US dollars.",
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    per_page = forms.TypedChoiceField(
        coerce=int, choices=[(size, size) for size in PAGE_SIZES], required=False
    )

    field_order = [spec.name for spec in FACETS] + [
        "year",
        "min_openness",
        "memory_gb",
        "memory_bits",
        "max_input_price",
        "sort",
        "page",
        "per_page",
    ]

    # What the directory does with a value it cannot use: (notice, fallback).
    FALLBACKS = {
        "year": ("No release year {value}; that filter was left out.", None),
        "min_openness": ("No openness score {value}; that filter was left out.", None),
        "memory_gb": (
            "No memory size {value} (a whole number of gigabytes, from 1); that filter was left out.",
            None,
        ),
        "memory_bits": (
            "Weights are counted at 16, 8 or 4 bits, not {value}; counted at {default} bits.",
            DEFAULT_BITS,
        ),
        "max_input_price": (
            "No price {value} (US dollars, such as 2.50); that filter was left out.",
            None,
        ),
        "sort": ("No sort order {value}; sorted by name instead.", DEFAULT_SORT),
        "page": ("No page {value}; showing the first page.", 1),
        "per_page": ("Page size {value} is not offered; showing {default} a page.", PAGE_SIZES[0]),
    }

    def __init__(self, data=None, *, strict=False, choices=None):
        super().__init__(data, strict=strict)
        facet_fields = {
            spec.name: FacetField(spec, choices[spec.name] if choices else None) for spec in FACETS
        }
        self.fields.update(facet_fields)
        self.order_fields(self.field_order)
        self.notices = []

    def query(self):
        """The ``ModelQuery`` asked for.

        Strict forms: call after ``is_valid()`` returned True. Lenient ones: any time; unusable
        values are left out, each with a notice.
        """
        self.is_valid()
        selected = {}
        for spec in FACETS:
            field = self.fields[spec.name]
            given = field.to_python(field.widget.value_from_datadict(self.data, None, spec.name))
            selected[spec.name] = [value for value in given if field.valid_value(value)]
            for value in given:
                if value not in selected[spec.name]:
                    self.notices.append(
                        f"No {spec.label.lower()} {quoted(value)}; that filter was left out."
                    )
        values = {}
        for name, (notice, default) in self.FALLBACKS.items():
            if name not in self.fields:
                values[name] = default
            elif name in self.errors:
                value = quoted(self.data.get(name, ""))
                self.notices.append(notice.format(value=value, default=default))
                values[name] = default
            else:
                value = self.cleaned_data.get(name)
                values[name] = default if value in (None, "") else value
        return ModelQuery(selected=selected, **values)


class ModelExportForm(ModelFilterForm):
    """The downloads hold every matching entry: the same filters, no pages."""

    page = None
    per_page = None
