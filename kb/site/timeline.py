"""The release timeline: how many models were released each year, by openness tier, with the
notable ones named and the rest a link away in the directory.

Years are the axis, so the page grows with the number of years, never with the number of
entries: two queries (the counts grouped by release day and tier, and the featured entries, a
few a year) whether the catalogue holds ten entries or a hundred thousand. Each year is a row with a
stacked bar drawn on the server (templates/includes/timeline.html): SVG rectangles sized here,
no script and no style attribute, colours from classes in static/css. The bars carry no text
(a phone never shrinks a label), and a table carries every count as text.
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from kb.catalogue import openness
from kb.catalogue.models import TIER_UNKNOWN, ModelEntry, ReleaseYear

from .charts import tier_class

# Named entries per year at most: the featured ones, earliest first.
NOTABLE_PER_YEAR = 8
BAR_WIDTH = 1000  # the bars' viewBox width; CSS stretches them to the row


@dataclass(frozen=True)
class Tier:
    # ModelEntry.openness_tier's value: the tier's one name, in the counts and the directory's
    # filter alike.
    value: str
    label: str

    @property
    def directory_filter(self):
        """The directory's filter that lists exactly this tier."""
        return (("openness", self.value),)

    @property
    def css_class(self):
        """Its colour, the charts' for the same tier."""
        return tier_class(self.value)


# The stored tiers, most open first, then the entries whose tier is not known.
TIERS = (
    *(Tier(tier.value, tier.label) for tier in openness.Tier),
    Tier(TIER_UNKNOWN, "Access not published"),
)


def directory_url(year, tier=None):
    """The directory listing a year's entries, or a tier's of them where it can filter by it."""
    return (
        reverse("kb:model_list")
        + "?"
        + urlencode([("year", year), *(tier.directory_filter if tier else ())])
    )


@dataclass(frozen=True)
class Cell:
    tier: Tier
    count: int
    url: str  # "" when the directory cannot list exactly these


@dataclass(frozen=True)
class Segment:
    tier: Tier
    count: int
    x: int
    width: int


@dataclass(frozen=True)
class Year:
    year: int
    total: int
    cells: list[Cell]
    segments: list[Segment]
    notable: list[ModelEntry]
    url: str


@dataclass(frozen=True)
class Timeline:
    years: list[Year]
    tiers: tuple
    totals: list[int]  # per tier, over every year
    total: int  # published entries with a release date
    undated: int  # published entries without one
    bar_width: int = BAR_WIDTH

    @property
    def published(self):
        return self.total + self.undated

    @property
    def first(self):
        return self.years[0].year

    @property
    def last(self):
        return self.years[-1].year

    @property
    def busiest(self):
        return max(self.years, key=lambda year: year.total)


def counts():
    """``{(year or None, stored tier): count}`` of the published entries: one query, grouped
    by the tier each entry stores (``ModelEntry.openness_tier``, kept by
    kb.catalogue.openness.tier_of) and release day, the order of the ``entry_charts_by_tier``
    index, which it reads alone and without sorting; the days are added up into years here.
    (Grouped by year, the database would sort every entry first.)"""
    rows = (
        ModelEntry.objects.published()
        .values_list("openness_tier", "release_date")
        .annotate(count=Count("*"))
        .order_by("openness_tier", "release_date")
    )
    by_year = Counter()
    for tier, day, count in rows:
        by_year[day.year if day else None, tier] += count
    return by_year


def notable():
    """``{year: [entry]}``: the featured published entries, at most ``NOTABLE_PER_YEAR`` a year,
    earliest first: one query."""
    entries = (
        ModelEntry.objects.published()
        .filter(featured=True, release_date__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=ReleaseYear("release_date"),
                order_by=["release_date", "name", "pk"],
            )
        )
        .filter(rank__lte=NOTABLE_PER_YEAR)
        .order_by("release_date", "name", "pk")
        .only("name", "slug", "release_date")
    )
    by_year = {}
    for entry in entries:
        by_year.setdefault(entry.release_date.year, []).append(entry)
    return by_year


def segments(cells, scale):
    """The stacked bar of a year's cells, tiers in order, ``scale`` the largest year's total."""
    result, x = [], 0
    for cell in cells:
        if cell.count:
            # At least a sliver, so a tier with few entries still shows it has some.
            width = max(round(BAR_WIDTH * cell.count / scale), 2)
            result.append(Segment(cell.tier, cell.count, x, width))
            x += width
    return result


def build():
    """The timeline, or ``None`` when no published entry has a release date."""
    by_year_tier = counts()
    dated = sorted({year for year, _ in by_year_tier if year is not None})
    if not dated:
        return None
    names = notable()
    rows = []
    for year in range(dated[0], dated[-1] + 1):  # every year on the axis, empty ones too
        cells = [
            Cell(tier, count, directory_url(year, tier) if count else "")
            for tier in TIERS
            for count in [by_year_tier.get((year, tier.value), 0)]
        ]
        rows.append((year, cells))
    scale = max(sum(cell.count for cell in cells) for _, cells in rows)
    years = [
        Year(
            year=year,
            total=sum(cell.count for cell in cells),
            cells=cells,
            segments=segments(cells, scale),
            notable=names.get(year, []),
            url=directory_url(year),
        )
        for year, cells in rows
    ]
    totals = [sum(year.cells[index].count for year in years) for index in range(len(TIERS))]
    return Timeline(
        years=years,
        tiers=TIERS,
        totals=totals,
        total=sum(totals),
        undated=sum(count for (year, _), count in by_year_tier.items() if year is None),
    )
