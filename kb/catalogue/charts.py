"""The numbers behind the charts: three series computed from the published model entries.

- ``open-share``: how many models were released each year in each openness tier
  (kb.catalogue.openness.Tier);
- ``frontier-gap``: the largest open-weights and the largest closed model each year, by
  parameters or by training compute, and how many months after a closed model set a record an
  open-weights one matched it;
- ``by-organization``: organizations (or countries) by number of models, open vs closed.

Each takes the same few options, written ``key=value`` in a placeholder (``[[chart open-share
from=2018 to=2025]]``) and as query parameters in the API and the CSV downloads; ``ChartOptions``
reads them once for both, and refuses what it cannot read with a message naming the option.
Entries without a release date are left out of every chart, as are unknown sizes from
``frontier-gap``: unknown is never counted as zero. The charts are drawn in kb/site/charts.py.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db.models import Count, Exists, Max, OuterRef, Sum

from .models import (
    TIER_UNKNOWN,
    ChartDay,
    ChartMaker,
    ChartTier,
    Dataset,
    ImportRecord,
    Modality,
    ModelEntry,
    Organization,
)
from .openness import WEIGHTS_TIERS, Tier

FIRST_YEAR = 1950
LAST_YEAR = 2100
MAX_TOP = 30
DEFAULT_TOP = 10
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class OptionError(ValueError):
    """Options that cannot be read: ``errors`` maps each option to its message."""

    def __init__(self, errors):
        super().__init__(" ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    # option -> (values it takes, the default) for the choice options this chart has
    choices: dict = field(default_factory=dict)
    top: bool = False

    @property
    def options(self):
        return ["from", "to", "modality", *self.choices, *(["top"] if self.top else [])]


CHARTS = {
    chart.name: chart
    for chart in (
        Chart("open-share", "Models released each year, by openness"),
        Chart(
            "frontier-gap",
            "The largest open-weights and closed models, year by year",
            choices={"measure": (("parameters", "compute"), "parameters")},
        ),
        Chart(
            "by-organization",
            "Who releases models, open and closed",
            choices={"by": (("organization", "country"), "organization")},
            top=True,
        ),
    )
}


@dataclass(frozen=True)
class ChartOptions:
    chart: str
    start: int | None = None  # the first year shown ("from"), None: the first with data
    end: int | None = None  # the last ("to")
    modality: str = ""  # a modality's slug: only the models with it
    measure: str = "parameters"  # frontier-gap: parameters or compute
    by: str = "organization"  # by-organization: organization or country
    top: int = DEFAULT_TOP  # by-organization: how many rows

    @classmethod
    def read(cls, chart, values):
        """The options of ``chart`` from ``values`` (option name -> text); OptionError names
        every option it cannot read."""
        if chart not in CHARTS:
            raise OptionError(
                {"chart": f"There is no chart “{chart}”. Charts: {', '.join(CHARTS)}."}
            )
        spec = CHARTS[chart]
        errors, read = {}, {"chart": chart}
        for name in values.keys() - set(spec.options):
            errors[name] = f"{chart} takes no option “{name}”; it takes {', '.join(spec.options)}."
        for name, attribute in (("from", "start"), ("to", "end")):
            if name in values:
                try:
                    read[attribute] = year(values[name])
                except ValueError as problem:
                    errors[name] = str(problem)
        if "modality" in values:
            if SLUG.fullmatch(values["modality"]):
                read["modality"] = values["modality"]
            else:
                errors["modality"] = "A modality's slug, such as text or image."
        for name, (allowed, _default) in spec.choices.items():
            if name in values:
                if values[name] in allowed:
                    read[name] = values[name]
                else:
                    errors[name] = f"One of {', '.join(allowed)}."
        if spec.top and "top" in values:
            text = values["top"]
            if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_TOP:
                read["top"] = int(text)
            else:
                errors["top"] = f"A whole number from 1 to {MAX_TOP}."
        if errors:
            raise OptionError(dict(sorted(errors.items())))
        return cls(**read)

    def has_year(self, year):
        """Whether the chart counts ``year``."""
        return (not self.start or year >= self.start) and (not self.end or year <= self.end)

    @property
    def no_years(self):
        """Whether ``from`` comes after ``to``: no year can be counted."""
        return bool(self.start and self.end and self.start > self.end)

    @property
    def title(self):
        """The chart's title with what the options chose: "..., by country, from 2015"."""
        said = [CHARTS[self.chart].title]
        if self.chart == "frontier-gap":
            said.append("by training compute" if self.measure == "compute" else "by parameters")
        if self.chart == "by-organization" and self.by == "country":
            said.append("by country")
        if self.modality:
            said.append(f"{self.modality} models")
        if self.start and self.end:
            said.append(
                f"{self.start} to {self.end}" if self.start != self.end else str(self.start)
            )
        elif self.start or self.end:
            said.append(f"from {self.start}" if self.start else f"to {self.end}")
        return ", ".join(said)

    def written(self):
        """The options as written, defaults left out: ``from=2018 measure=compute``."""
        spec = CHARTS[self.chart]
        pairs = [("from", self.start), ("to", self.end), ("modality", self.modality)]
        pairs += [
            (name, getattr(self, name))
            for name, (_, d) in spec.choices.items()
            if getattr(self, name) != d
        ]
        if spec.top and self.top != DEFAULT_TOP:
            pairs.append(("top", self.top))
        return {name: str(value) for name, value in pairs if value}


def year(text):
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise ValueError("A year, such as 2020.")
    value = int(text)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValueError(f"A year from {FIRST_YEAR} to {LAST_YEAR}.")
    return value


class UnknownModality(Exception):
    pass


def every_year(options):
    return replace(options, start=None, end=None)


def chart_entries(options):
    """The published entries with a release date that the options select.

    A family with published variants is counted through them, each once, unless a dataset
    lists the family as a model of its own (Epoch AI's "Sora", beside "Sora Turbo"): a family
    written by editors gathers its variants' facts (the largest size, the first release), and
    counting it too would count its models twice."""
    variants = ModelEntry.objects.published().filter(family=OuterRef("pk"))
    listed = ImportRecord.objects.filter(entry=OuterRef("pk"))
    # The families counted through their variants, found once (a subquery over the few
    # families), and looked for among the families only: the test of ``is_family``, read from
    # the index that the charts count from, spares the entries that are none.
    counted_through_variants = (
        ModelEntry.objects.filter(is_family=True)
        .filter(Exists(variants))
        .exclude(Exists(listed))
        .values("pk")
    )
    entries = (
        ModelEntry.objects.published()
        .filter(release_date__isnull=False)
        .exclude(is_family=True, pk__in=counted_through_variants)
    )
    if options.start:
        entries = entries.filter(release_date__year__gte=options.start)
    if options.end:
        entries = entries.filter(release_date__year__lte=options.end)
    if options.modality:
        entries = entries.filter(modalities__slug=options.modality)
    return entries.order_by()


# The Tier of each stored ``openness_tier``, None when unknown (as ``with_tier`` says it).
TIER_OF = {TIER_UNKNOWN: None, **{tier.value: tier for tier in Tier}}


class Reading:
    """What the charts of one page read, each once: the datasets to credit, and the entries
    a chart's options select, grouped. The charts of every modality read the groups the
    database keeps (kb.catalogue.models.ChartTier, ChartDay, ChartMaker: a few hundred or
    thousand rows, whatever the number of entries); a modality's charts group its entries, read
    from an index in its own order without sorting (the ``entry_charts_*`` indexes). Read for
    every year, once for charts of any years, which keep theirs:

    - ``by_year``: (tier, year, models): open-share's counts;
    - ``by_side``: (release date, side, largest parameters, largest compute): the largest
      model of each day with downloadable weights (side "open") and API or product only
      ("closed"), for frontier-gap's two measures;
    - ``by_maker``: (organization id, country, tier, models): by-organization's counts, by
      organization and by country alike (read for the chart's years);
    - ``credit``: the datasets and the latest change to the entries (a query that stops at the
      first entry of the ``entry_status_updated`` index the options select)."""

    def __init__(self):
        self._read = {}
        self._entries = {}

    @cached_property
    def datasets(self):
        return credited()

    def entries(self, options):
        """``chart_entries(options)``, built once for the charts that select the same."""
        key = (options.start, options.end, options.modality)
        if key not in self._entries:
            self._entries[key] = chart_entries(options)
        return self._entries[key]

    def _once(self, key, read):
        if key not in self._read:
            self._read[key] = list(read())
        return self._read[key]

    def _in_years(self, options, name, read, year_of):
        """The rows ``read()`` gives for every year (read once for each modality), those of
        the options' years (picked once for charts of the same years)."""
        every_year = self._once((name, options.modality), read)
        return self._once(
            (name, options.start, options.end, options.modality),
            lambda: (row for row in every_year if options.has_year(year_of(row))),
        )

    def _days(self, options):
        """A modality's entries by tier and release day: (tier, day, models, largest parameters,
        largest compute), which ``by_year`` and ``by_side`` group as the kept groups are."""

        def read():
            return (
                self.entries(every_year(options))
                .values_list("openness_tier", "release_date")
                .annotate(
                    n=Count("*"),
                    parameters=Max("parameter_count"),
                    compute=Max("training_compute_flop"),
                )
                .order_by("openness_tier", "release_date")
            )

        return self._once(("day", options.modality), read)

    def by_year(self, options):
        def read():
            if not options.modality:
                return ChartTier.objects.values_list("openness_tier", "year").annotate(n=Sum("n"))
            counts = Counter()
            for tier, released, n, _, _ in self._days(options):
                counts[tier, released.year] += n
            return [(tier, year, n) for (tier, year), n in counts.items()]

        return self._in_years(options, "year", read, lambda row: row[1])

    def by_side(self, options):
        def read():
            if not options.modality:
                return ChartDay.objects.values_list(
                    "release_date", "side", "parameters", "compute"
                ).order_by("release_date", "side")
            largest = {}
            for tier, released, _, parameters, compute in self._days(options):
                side = SIDES.get(TIER_OF[tier])
                if side:
                    best = largest.get((released, side), (None, None))
                    largest[released, side] = tuple(map(larger, best, (parameters, compute)))
            return [(*key, *values) for key, values in sorted(largest.items())]

        return self._in_years(options, "side", read, lambda row: row[0].year)

    def by_maker(self, options):
        def read():
            if not options.modality:
                groups = ChartMaker.objects.order_by()
                if options.start:
                    groups = groups.filter(year__gte=options.start)
                if options.end:
                    groups = groups.filter(year__lte=options.end)
                return groups.values_list("organization", "country", "openness_tier").annotate(
                    n=Sum("n")
                )
            return (
                self.entries(options)
                .values_list("organization", "country", "openness_tier")
                .annotate(n=Count("*"))
            )

        return self._once(("maker", options.start, options.end, options.modality), read)

    def credit(self, options):
        def read():
            return [self.entries(options).aggregate(latest=Max("updated_at"))["latest"]]

        (latest,) = self._once(("latest", options.start, options.end, options.modality), read)
        return Credit(self.datasets, latest)


def larger(a, b):
    """The larger of two sizes, either unknown (None)."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b)


@dataclass(frozen=True)
class Credit:
    """Where the numbers come from: the datasets imported (Dataset.objects.credited()) and
    the latest change to the entries counted."""

    datasets: tuple
    updated_at: datetime.datetime | None


@dataclass(frozen=True)
class Table:
    """A chart's numbers as rows, for the API and the CSV downloads (one table per CSV)."""

    name: str
    caption: str
    columns: tuple
    rows: tuple


def iso(day):
    return day.isoformat() if day else None


@dataclass(frozen=True)
class YearShare:
    year: int
    counts: tuple  # the number of models in each tier, in TIERS' order
    total: int

    @property
    def weights(self):
        """How many had downloadable weights."""
        return sum(n for tier, n in zip(TIERS, self.counts, strict=True) if tier in WEIGHTS_TIERS)

    @property
    def shares(self):
        """(count, percent of the year) of each tier."""
        return tuple((count, self.percent(count)) for count in self.counts)

    def percent(self, count):
        return round(100 * count / self.total) if self.total else 0


# The tiers in the charts' order, unknown access last (None).
TIERS = (*Tier, None)
TIER_LABELS = {**{tier: tier.label for tier in Tier}, None: "Access unknown"}


@dataclass(frozen=True)
class OpenShare:
    options: ChartOptions
    years: tuple  # YearShare, oldest first
    credit: Credit

    chart = CHARTS["open-share"]

    def tables(self):
        tiers = [tier.value if tier else "unknown" for tier in TIERS]
        return (
            Table(
                "years",
                "Published models released each year in each openness tier (unknown: access "
                "not published)",
                ("year", *tiers, "total"),
                tuple((y.year, *y.counts, y.total) for y in self.years),
            ),
        )

    @property
    def summary(self):
        counted = [year for year in self.years if year.total]
        if not counted:
            return "No published model with a release date matches this chart."
        first, last = counted[0], counted[-1]
        # A year the data stops partway through says less than the whole year before it.
        if len(counted) > 2 and year_label(last.year, self.credit) != str(last.year):
            last = counted[-2]
        said = (
            f"In {year_label(last.year, self.credit)}, {last.percent(last.weights)} % of the "
            f"{last.total} models released had downloadable weights"
        )
        if first is last:
            return f"{said}."
        then, now = first.percent(first.weights), last.percent(last.weights)
        change = "up from" if now > then else "down from" if now < then else "as"
        return f"{said}, {change} {then} % of {first.total} in {first.year}."


def open_share(options, reading):
    counts = defaultdict(Counter)
    for tier, year, n in reading.by_year(options):
        counts[year][TIER_OF[tier]] += n
    years = ()
    if counts:
        first = options.start or min(counts)
        last = options.end or max(counts)
        years = tuple(
            YearShare(y, tuple(counts[y][t] for t in TIERS), sum(counts[y].values()))
            for y in range(first, last + 1)
        )
    return OpenShare(options, years, reading.credit(options))


@dataclass(frozen=True)
class Largest:
    """The largest model of one side in one year."""

    name: str
    slug: str
    value: float
    released: datetime.date


@dataclass(frozen=True)
class FrontierYear:
    year: int
    open: Largest | None  # None: no open-weights model that year with the measure known
    closed: Largest | None


@dataclass(frozen=True)
class Record:
    """A closed model larger than every closed one before it, and the first open-weights model
    at least as large (released on the same day or later), if any yet."""

    closed: Largest
    matched_by: Largest | None

    @property
    def months(self):
        if self.matched_by is None:
            return None
        start, end = self.closed.released, self.matched_by.released
        return (end.year - start.year) * 12 + end.month - start.month


@dataclass(frozen=True)
class FrontierGap:
    options: ChartOptions
    years: tuple  # FrontierYear, oldest first
    records: tuple  # Record, oldest first
    credit: Credit

    chart = CHARTS["frontier-gap"]

    def tables(self):
        def model(m):
            return (m.name, m.slug, m.value, iso(m.released)) if m else (None,) * 4

        side = ("name", "slug", self.options.measure, "released")
        return (
            Table(
                "years",
                f"The largest open-weights and closed (API or product only) models of each "
                f"year, by {self.measure_name}",
                ("year", *(f"open_{c}" for c in side), *(f"closed_{c}" for c in side)),
                tuple((y.year, *model(y.open), *model(y.closed)) for y in self.years),
            ),
            Table(
                "records",
                "Each closed model larger than every closed one before it, and the first "
                "open-weights model at least as large, released on the same day or later",
                (*(f"closed_{c}" for c in side), *(f"matched_by_{c}" for c in side), "months"),
                tuple((*model(r.closed), *model(r.matched_by), r.months) for r in self.records),
            ),
        )

    @property
    def summary(self):
        both = [year for year in self.years if year.open and year.closed]
        if not both:
            return (
                f"No year has both an open-weights and a closed model of known {self.measure_name}."
            )
        year = both[-1]
        big, small = ("open-weights", year.open), ("closed", year.closed)
        if small[1].value > big[1].value:
            big, small = small, big
        said = (
            f"In {year_label(year.year, self.credit)}, the largest {big[0]} model by "
            f"{self.measure_name}, {big[1].name} ({short_number(big[1].value, self.unit)}), "
            f"{times(big[1].value, small[1].value, self.options.measure)} the largest {small[0]} one, "
            f"{small[1].name} ({short_number(small[1].value, self.unit)})"
        )
        months = sorted(r.months for r in self.records if r.months is not None)
        if not self.records:
            return f"{said}."
        waited = (
            f"; {len(months)} of the {len(self.records)} records set by closed models were "
            f"matched by an open-weights model"
        )
        if months:
            waited += f", after a median of {median(months)} months"
        return f"{said}{waited}."

    @property
    def measure_name(self):
        return "parameters" if self.options.measure == "parameters" else "training compute"

    @property
    def unit(self):
        return "parameters" if self.options.measure == "parameters" else "FLOP"


MEASURES = {"parameters": "parameter_count", "compute": "training_compute_flop"}
# Closed, for the frontier: released, but only as an API or product.
CLOSED_TIERS = (Tier.HOSTED,)
SIDES = {**dict.fromkeys(WEIGHTS_TIERS, "open"), **dict.fromkeys(CLOSED_TIERS, "closed")}


def frontier_gap(options, reading):
    """In the chart's order (by release date, the largest first, then by name), only the first
    model of each day and side can be a year's largest, a record (larger than every closed one
    before it) or the first open-weights model to match one: they are found from each day's
    largest (Reading.by_side, in date order), then named with one query for the few chosen."""
    stored_of = {}  # (day, side) -> the largest value as stored
    largest = defaultdict(dict)  # year -> side -> (day, side, value)
    records, open_days = [], []  # the closed records; the open-weights days, in date order
    closed_best = 0
    for released, side, parameters, compute in reading.by_side(options):
        stored = parameters if options.measure == "parameters" else compute
        if stored is None:
            continue
        stored_of[released, side] = stored
        value = float(stored)
        model = (released, side, value)
        best = largest[released.year].get(side)
        if best is None or value > best[2]:
            largest[released.year][side] = model
        if side == "open":
            open_days.append(model)
        elif value > closed_best:
            closed_best = value
            records.append(model)
    # Each record is later and larger than the one before, so its first match is no earlier
    # than the one before's: one pass over the open-weights days finds them all.
    matched, position = [], 0
    for released, _, value in records:
        while position < len(open_days) and not (
            open_days[position][0] >= released and open_days[position][2] >= value
        ):
            position += 1
        matched.append(open_days[position] if position < len(open_days) else None)
    chosen = {*records, *filter(None, matched), *(m for y in largest.values() for m in y.values())}
    named = name_largest(reading.entries(options), options, {m: stored_of[m[:2]] for m in chosen})
    years = ()
    if largest:
        first = options.start or min(largest)
        last = options.end or max(largest)
        years = tuple(
            FrontierYear(y, named.get(largest[y].get("open")), named.get(largest[y].get("closed")))
            for y in range(first, last + 1)
        )
    records = tuple(
        Record(named[record], named.get(match))
        for record, match in zip(records, matched, strict=True)
    )
    return FrontierGap(options, years, records, reading.credit(options))


def name_largest(entries, options, chosen):
    """``{(day, side, value): Largest}`` for the ``chosen`` ones (each with its value as
    stored): of the models of that side released that day with that value, the first by
    name, as the chart has always ordered them."""
    if not chosen:
        return {}
    measure = MEASURES[options.measure]
    rows = (
        entries.filter(
            release_date__in={day for day, _, _ in chosen},
            openness_tier__in=list(SIDES),
            **{f"{measure}__in": set(chosen.values())},
        )
        .values_list("name", "slug", measure, "release_date", "openness_tier")
        .order_by("release_date", f"-{measure}", "name")
    )
    named = {}
    for name, slug, stored, released, tier in rows:
        key = (released, SIDES[Tier(tier)], float(stored))
        if key in chosen and key not in named:
            named[key] = Largest(name, slug, float(stored), released)
    return named


@dataclass(frozen=True)
class Maker:
    """One organization or country: its models with downloadable weights, closed, unknown."""

    name: str
    url: str
    open: int
    closed: int
    unknown: int

    @property
    def total(self):
        return self.open + self.closed + self.unknown


@dataclass(frozen=True)
class ByOrganization:
    options: ChartOptions
    makers: tuple  # Maker, most models first
    others: Maker | None  # the models of the makers not shown, together
    total: int
    credit: Credit

    chart = CHARTS["by-organization"]

    def tables(self):
        makers = [*self.makers, *([self.others] if self.others else [])]
        return (
            Table(
                "counts",
                f"Published models by {self.kind}: with downloadable weights, closed (API or "
                "product only, or unreleased), access unknown",
                (self.kind, "open", "closed", "unknown", "total"),
                tuple((m.name, m.open, m.closed, m.unknown, m.total) for m in makers),
            ),
        )

    @property
    def kind(self):
        return "organization" if self.options.by == "organization" else "country"

    @property
    def summary(self):
        if not self.makers:
            return "No published model with a release date matches this chart."
        top = self.makers[0]
        return (
            f"Of the {self.kind == 'organization' and 'organizations' or 'countries'} here, "
            f"{top.name} has the most models ({top.total}): {top.open} with downloadable "
            f"weights, {top.closed} closed and {top.unknown} of unknown access."
        )


def side_of(tier):
    if tier in WEIGHTS_TIERS:
        return "open"
    return "closed" if tier else "unknown"


def by_organization(options, reading):
    rows = reading.by_maker(options)
    counts = defaultdict(Counter)
    slugs = {}
    if options.by == "organization":
        # Grouped by the organization's id and named here: a join in the grouped query would
        # look up the organization of every entry counted.
        organizations = Organization.objects.filter(pk__in={row[0] for row in rows})
        named = {
            pk: (name, slug) for pk, name, slug in organizations.values_list("pk", "name", "slug")
        }
        for pk, _, tier, n in rows:
            name, slugs[name] = named[pk]
            counts[name][side_of(TIER_OF[tier])] += n
    else:
        # One entry of several countries counts once for each.
        for _, countries, tier, n in rows:
            for country in {c.strip() for c in countries.split(",") if c.strip()} or {""}:
                counts[country or "Country not published"][side_of(TIER_OF[tier])] += n
    makers = sorted(
        (Maker(name, "", c["open"], c["closed"], c["unknown"]) for name, c in counts.items()),
        key=lambda m: (-m.total, m.name),
    )
    # Linked to their organization's page, the makers shown only.
    shown = tuple(
        replace(m, url=Organization(slug=slugs[m.name]).get_absolute_url())
        if m.name in slugs
        else m
        for m in makers[: options.top]
    )
    rest = makers[options.top :]
    others = None
    if rest:
        others = Maker(
            f"{len(rest)} others",
            "",
            *(sum(getattr(m, side) for m in rest) for side in ("open", "closed", "unknown")),
        )
    return ByOrganization(
        options, shown, others, sum(m.total for m in makers), reading.credit(options)
    )


def year_label(year, credit):
    """The year, said to be partial when it is the year the data was last retrieved."""
    retrieved = max((d.last_retrieved for d in credit.datasets), default=None)
    if retrieved and retrieved.year == year:
        return f"{year} (to {retrieved:%-d %B}, when the data was retrieved)"
    return str(year)


def times(larger, smaller, measure):
    """How much larger: "was 3 times the size of", "took about the compute of"."""
    ratio = larger / smaller
    said = "about" if ratio < 1.05 else f"{ratio:.2g} times"
    if measure == "compute":
        return f"took {said} the training compute of"
    return f"was {said} the size of"


def median(values):
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return round((values[middle - 1] + values[middle]) / 2)


def short_number(value, unit):
    """1.8e12 parameters -> "1.8T"; FLOP as a power of ten, "2.1e25"."""
    if unit == "FLOP":
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa.removesuffix('.0')}e{int(exponent)}"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


# The names of each chart's tables (``tables()``), the first the one its CSV gives by default.
TABLES = {
    "open-share": ("years",),
    "frontier-gap": ("years", "records"),
    "by-organization": ("counts",),
}

BUILDERS = {
    "open-share": open_share,
    "frontier-gap": frontier_gap,
    "by-organization": by_organization,
}


def credited():
    """The datasets to credit under every chart (read once for all of a page's charts)."""
    return tuple(Dataset.objects.credited())


def chart_series(options, reading=None):
    """The numbers of the chart ``options`` names; UnknownModality if its modality is none.
    ``reading``: the page's ``Reading``, shared by its charts."""
    if options.modality and not Modality.objects.filter(slug=options.modality).exists():
        raise UnknownModality(options.modality)
    return BUILDERS[options.chart](options, reading or Reading())
