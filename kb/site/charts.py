"""The charts drawn: SVG shapes for the series of kb.catalogue.charts, laid out on the server.

A chart is a ``Drawing``: rectangles, lines, polylines and text in the SVG's own units, each
with a class (the colours are in static/css/site.css, light and dark, and print), rendered by
templates/blocks/chart_svg.html. No script and no style attribute. The SVG scales to its box's
width; its numbers are also in a table beside it, which is what a screen reader or a phone
reads best.
"""

import math
from dataclasses import dataclass, field

from kb.catalogue.charts import TIER_LABELS, TIERS, short_number
from kb.catalogue.models import TIER_UNKNOWN

WIDTH = 640
LEFT = 68  # room for the value axis' labels
RIGHT = 12
TOP = 12
BOTTOM = 28  # room for the years
# Year labels are thinned out past this many.
MAX_YEAR_LABELS = 12


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css_class: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css_class: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    css_class: str


@dataclass(frozen=True)
class Polyline:
    points: str
    css_class: str


@dataclass
class Drawing:
    width: int
    height: int
    rects: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    polylines: list = field(default_factory=list)
    texts: list = field(default_factory=list)


def tier_class(tier):
    """The CSS class of an openness tier, given by its stored value (``ModelEntry.openness_tier``;
    None or ``TIER_UNKNOWN`` for unknown), for the charts and the timeline alike: the value as
    class names are written, with hyphens. The only other spelling of a tier, made here alone."""
    return f"chart-tier-{(tier or TIER_UNKNOWN).replace('_', '-')}"


@dataclass(frozen=True)
class LegendItem:
    label: str
    css_class: str


TIER_LEGEND = tuple(LegendItem(TIER_LABELS[tier], tier_class(tier)) for tier in TIERS)


# On a phone, where the letters are larger, every other year label is left out past this many.
MAX_PHONE_YEAR_LABELS = 6


def year_axis(drawing, years, x_of, bottom):
    step = max(1, math.ceil(len(years) / MAX_YEAR_LABELS))
    labelled = [index for index in range(len(years)) if index % step == 0]
    for position, index in enumerate(labelled):
        css_class = "chart-label chart-middle"
        if len(labelled) > MAX_PHONE_YEAR_LABELS and position % 2:
            css_class += " chart-minor"
        drawing.texts.append(Text(x_of(index), bottom + 20, str(years[index]), css_class))
    drawing.lines.append(Line(LEFT, bottom, drawing.width - RIGHT, bottom, "chart-axis"))


def draw_open_share(series):
    """100 % stacked bars, one per year, a segment per tier."""
    drawing = Drawing(WIDTH, 300)
    bottom = drawing.height - BOTTOM
    plot_height = bottom - TOP
    years = series.years
    slot = (WIDTH - LEFT - RIGHT) / max(len(years), 1)
    bar = slot * 0.7

    def x_of(index):
        return round(LEFT + slot * (index + 0.5), 1)

    for percent in (0, 25, 50, 75, 100):
        y = round(bottom - plot_height * percent / 100, 1)
        drawing.lines.append(Line(LEFT, y, WIDTH - RIGHT, y, "chart-grid"))
        drawing.texts.append(Text(LEFT - 6, y + 4, f"{percent} %", "chart-label chart-end"))
    for index, year in enumerate(years):
        y = bottom
        for tier, count in zip(TIERS, year.counts, strict=True):
            if not count:
                continue
            height = plot_height * count / year.total
            y -= height
            drawing.rects.append(
                Rect(
                    round(x_of(index) - bar / 2, 1),
                    round(y, 1),
                    round(bar, 1),
                    round(height, 1),
                    tier_class(tier),
                )
            )
    year_axis(drawing, [y.year for y in years], x_of, bottom)
    return drawing


def powers_between(low, high):
    return list(range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1))


def draw_frontier_gap(series):
    """The largest model of each side per year, on a logarithmic scale: open-weights as
    circles on a solid line, closed as squares on a dashed one."""
    drawing = Drawing(WIDTH, 300)
    bottom = drawing.height - BOTTOM
    plot_height = bottom - TOP
    years = series.years
    values = [m.value for y in years for m in (y.open, y.closed) if m]
    if not values:
        return drawing
    powers = powers_between(min(values), max(values))
    low, high = powers[0], max(powers[-1], powers[0] + 1)
    slot = (WIDTH - LEFT - RIGHT) / max(len(years), 1)

    def x_of(index):
        return round(LEFT + slot * (index + 0.5), 1)

    def y_of(value):
        return round(bottom - plot_height * (math.log10(value) - low) / (high - low), 1)

    label_every = max(1, math.ceil(len(powers) / 6))
    for power in powers[::label_every]:
        y = y_of(10**power)
        drawing.lines.append(Line(LEFT, y, WIDTH - RIGHT, y, "chart-grid"))
        drawing.texts.append(
            Text(LEFT - 6, y + 4, short_number(10**power, series.unit), "chart-label chart-end")
        )
    for side, css_class in (("closed", "chart-closed"), ("open", "chart-open")):
        points = []
        for index, year in enumerate(years):
            model = getattr(year, side)
            if model is None:
                continue
            x, y = x_of(index), y_of(model.value)
            points.append(f"{x},{y}")
            if side == "open":
                drawing.rects.append(Rect(x - 4, y - 4, 8, 8, f"{css_class} chart-dot"))
            else:
                drawing.rects.append(Rect(x - 4, y - 4, 8, 8, f"{css_class} chart-square"))
        if len(points) > 1:
            drawing.polylines.append(Polyline(" ".join(points), f"{css_class} chart-line"))
    year_axis(drawing, [y.year for y in years], x_of, bottom)
    return drawing


FRONTIER_LEGEND = (
    LegendItem("Largest open-weights model (circles, solid line)", "chart-open chart-dot"),
    LegendItem(
        "Largest closed model, API or product only (squares, dashed line)",
        "chart-closed chart-square",
    ),
)

ROW_HEIGHT = 44  # a name, and its bar under it
BAR_HEIGHT = 16


def draw_by_organization(series):
    """A horizontal bar per organization or country, its name above it: models with
    downloadable weights, closed ones, those of unknown access."""
    drawing = Drawing(WIDTH, TOP + ROW_HEIGHT * max(len(series.makers), 1))
    most = max((m.total for m in series.makers), default=1)
    plot_width = WIDTH - RIGHT - 56  # room for the count after the longest bar
    for index, maker in enumerate(series.makers):
        y = TOP + ROW_HEIGHT * index
        drawing.texts.append(Text(0, y + 14, maker.name, "chart-label"))
        x = 0
        for count, css_class in (
            (maker.open, "chart-open"),
            (maker.closed, "chart-closed"),
            (maker.unknown, tier_class(None)),
        ):
            if count:
                width = plot_width * count / most
                drawing.rects.append(
                    Rect(round(x, 1), y + 20, round(width, 1), BAR_HEIGHT, css_class)
                )
                x += width
        drawing.texts.append(Text(round(x + 6, 1), y + 33, str(maker.total), "chart-label"))
    return drawing


BY_ORGANIZATION_LEGEND = (
    LegendItem("Downloadable weights", "chart-open"),
    LegendItem("Closed: API or product only, or unreleased", "chart-closed"),
    LegendItem("Access unknown", tier_class(None)),
)

DRAWINGS = {
    "open-share": (draw_open_share, TIER_LEGEND),
    "frontier-gap": (draw_frontier_gap, FRONTIER_LEGEND),
    "by-organization": (draw_by_organization, BY_ORGANIZATION_LEGEND),
}


def drawn(series):
    """(drawing, legend) of a chart's series."""
    draw, legend = DRAWINGS[series.options.chart]
    return draw(series), legend
