"""The release timeline: published entries with a release date, laid out for an SVG chart.

The chart is drawn on the server from the geometry computed here (templates/includes/timeline.html),
with no script and no style attribute: colours come from classes in static/css. Each category has
a colour and a marker shape, so the chart reads without telling colours apart, and a data table
carries the same facts as text. Built per request (one query), so it is never stale.
"""

import datetime
from dataclasses import dataclass

from kb.catalogue.models import ModelEntry

WIDTH = 800
PADDING_X = 24
TOP = 8
LANE_HEIGHT = 26
AXIS_GAP = 12
AXIS_LABEL_HEIGHT = 30
MARKER_RADIUS = 6
LABEL_GAP = 5
LABEL_SPACING = 8
# Average width of one character at the chart's 12px label size, to keep labels apart.
CHAR_WIDTH = 7.0
MAX_YEAR_LABELS = 12

PALETTE_SIZE = 6  # .tl-cat-0 ... .tl-cat-5 in static/css/site.css
SHAPES = ["circle", "square", "diamond", "triangle"]


def marker_path(shape, x, y, r=MARKER_RADIUS):
    """An SVG path for one marker, centred on (x, y)."""
    if shape == "circle":
        return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if shape == "square":
        s = r * 0.85
        return f"M{x - s:.1f},{y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}Z"
    if shape == "diamond":
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}L{x - r:.1f},{y:.1f}Z"
    return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y + r * 0.8:.1f}L{x - r:.1f},{y + r * 0.8:.1f}Z"


@dataclass(frozen=True)
class Series:
    """One category in the legend: its colour class and marker shape."""

    category: object
    css_class: str
    shape: str
    swatch: str  # a marker path in a 16 × 16 box


@dataclass(frozen=True)
class Point:
    entry: ModelEntry
    series: Series
    x: float
    y: float
    marker: str
    label_x: float
    label_y: float
    label_at_end: bool  # the label sits left of the marker, anchored at its end


@dataclass(frozen=True)
class Tick:
    x: float
    label_x: float
    year: int
    labelled: bool


@dataclass(frozen=True)
class Timeline:
    points: list[Point]
    series: list[Series]
    ticks: list[Tick]
    width: int
    height: float
    axis_y: float
    axis_start: float = PADDING_X
    axis_end: float = WIDTH - PADDING_X

    @property
    def tick_end(self):
        return self.axis_y + 6

    @property
    def year_y(self):
        return self.axis_y + 22

    @property
    def first(self):
        return self.points[0].entry

    @property
    def last(self):
        return self.points[-1].entry


def releases():
    """Published entries with a release date, oldest first."""
    return (
        ModelEntry.objects.published()
        .filter(release_date__isnull=False)
        .select_related("organization", "category")
        .order_by("release_date", "name")
    )


def series_for(entries):
    categories = sorted(
        {entry.category for entry in entries}, key=lambda c: (c.position, c.name, c.pk)
    )
    return {
        category.pk: Series(
            category=category,
            css_class=f"tl-cat-{index % PALETTE_SIZE}",
            shape=SHAPES[index % len(SHAPES)],
            swatch=marker_path(SHAPES[index % len(SHAPES)], 8, 8),
        )
        for index, category in enumerate(categories)
    }


class Lanes:
    """Rows of the chart; a label goes in the first row where it overlaps nothing."""

    def __init__(self):
        self.rows = []

    def place(self, start, end):
        for index, spans in enumerate(self.rows):
            if all(end + LABEL_SPACING <= a or start >= b + LABEL_SPACING for a, b in spans):
                spans.append((start, end))
                return index
        self.rows.append([(start, end)])
        return len(self.rows) - 1


def build(entries=None):
    """The chart's geometry, or ``None`` when no published entry has a release date."""
    entries = list(releases() if entries is None else entries)
    if not entries:
        return None
    start = datetime.date(entries[0].release_date.year, 1, 1)
    end = datetime.date(entries[-1].release_date.year + 1, 1, 1)
    plot_width = WIDTH - 2 * PADDING_X

    def x_of(day):
        return PADDING_X + plot_width * (day - start).days / (end - start).days

    series = series_for(entries)
    lanes = Lanes()
    placed = []
    for entry in entries:
        x = x_of(entry.release_date)
        label_width = len(entry.name) * CHAR_WIDTH
        reach = MARKER_RADIUS + LABEL_GAP + label_width
        at_end = x + reach > WIDTH - PADDING_X / 2
        span = (x - reach, x + MARKER_RADIUS) if at_end else (x - MARKER_RADIUS, x + reach)
        placed.append((entry, x, at_end, lanes.place(*span)))

    points = []
    for entry, x, at_end, lane in placed:
        y = TOP + lane * LANE_HEIGHT + LANE_HEIGHT / 2
        entry_series = series[entry.category_id]
        offset = MARKER_RADIUS + LABEL_GAP
        points.append(
            Point(
                entry=entry,
                series=entry_series,
                x=round(x, 1),
                y=y,
                marker=marker_path(entry_series.shape, x, y),
                label_x=round(x - offset if at_end else x + offset, 1),
                label_y=y + 4,
                label_at_end=at_end,
            )
        )

    axis_y = TOP + len(lanes.rows) * LANE_HEIGHT + AXIS_GAP
    years = list(range(start.year, end.year))
    step = -(-len(years) // MAX_YEAR_LABELS)  # label every step-th year when there are many
    ticks = [
        Tick(
            x=round(x_of(datetime.date(year, 1, 1)), 1),
            label_x=round(
                (x_of(datetime.date(year, 1, 1)) + x_of(datetime.date(year + 1, 1, 1))) / 2, 1
            ),  # fmt: skip
            year=year,
            labelled=(year - start.year) % step == 0,
        )
        for year in years
    ]
    return Timeline(
        points=points,
        series=list(series.values()),
        ticks=ticks,
        width=WIDTH,
        height=axis_y + AXIS_LABEL_HEIGHT,
        axis_y=axis_y,
    )
