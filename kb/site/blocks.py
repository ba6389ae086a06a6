"""Generated blocks: what the placeholders editors write on a line of their own expand to.

Each block registers itself with ``@block``: its name, whether it takes a slug, its template,
the function that reads at once the data all of a document's placeholders of it need, and the
function that builds one placeholder's context from that data. Parsing, warnings and the list
of blocks an editor is told about all read the registry, ``BLOCKS``. The site's blocks close
this module; the README's table says what each shows.

SLUG names a category, else a published model entry; a chart's OPTIONS are its name and
``key=value`` pairs (kb.catalogue.charts). Blocks are rendered from autoescaped
templates. Whatever a document's blocks and however much data there is, the data they need is
read in a fixed number of queries: each loader once.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from kb.catalogue import charts
from kb.catalogue.models import Category, ModelEntry, ProCon

from .charts import drawn
from .comparison import Changed, category_comparison, first_published, published_totals


@dataclass(frozen=True)
class Block:
    name: str
    takes_slug: bool
    template: str
    # (owners) -> the data; owners are the categories and entries its placeholders name, or
    # the options they were written with.
    load: Callable
    # (data, owner) -> (context, rows shown), or NotShown; owner is None without a slug or
    # options.
    build: Callable
    # What it shows, for the editors' cheat sheet.
    shows: str = ""
    # For a block written with words after its name: (words) -> its options, a hashable value,
    # or ValueError saying what is wrong with them; and how an editor writes them.
    read_options: Callable | None = None
    options_usage: str = ""

    @property
    def usage(self):
        if self.read_options:
            return f"[[{self.name} {self.options_usage}]]"
        return f"[[{self.name} SLUG]]" if self.takes_slug else f"[[{self.name}]]"


# Every block, by name, in the order they are registered (the order an editor is told them).
BLOCKS = {}


def block(name, *, template, load, slug=False, shows="", options=None, options_usage=""):
    """Register the decorated function as the builder of the block ``[[name]]`` (or
    ``[[name SLUG]]`` with ``slug``, ``[[name OPTIONS]]`` with ``options``, the function that
    reads them), rendered with ``template`` from data read by ``load``."""

    def register(build):
        BLOCKS[name] = Block(name, slug, template, load, build, shows, options, options_usage)
        return build

    return register


def usage():
    """Every block as an editor writes it: "[[a]], [[b SLUG]] or [[c SLUG]]"."""
    *others, last = [b.usage for b in BLOCKS.values()]
    return f"{', '.join(others)} or {last}" if others else last


@dataclass(frozen=True)
class Placeholder:
    written: str  # as the editor wrote it, for warnings
    kind: str = ""
    slug: str = ""
    problem: str = ""  # why it can never be expanded, whatever the data
    options: object = None  # what the block's read_options made of the words after its name


def parse_placeholder(content):
    """A placeholder from the text between ``[[`` and ``]]``."""
    words = content.split()
    written = f"[[{' '.join(words)}]]"
    kind = words[0].lower() if words else ""
    found = BLOCKS.get(kind)
    if found is None:
        return Placeholder(written, kind, problem=f"There is no such block. Write {usage()}.")
    if found.read_options:
        try:
            return Placeholder(written, kind, options=found.read_options(words[1:]))
        except ValueError as problem:
            return Placeholder(written, kind, problem=f"{problem} Write {found.usage}.")
    if found.takes_slug:
        if len(words) == 2:
            return Placeholder(written, kind, words[1])
        problem = f"[[{kind} SLUG]] needs one slug, of a category or a model entry (e.g. [[{kind} open-source]])."
        return Placeholder(written, kind, problem=problem)
    if len(words) == 1:
        return Placeholder(written, kind)
    return Placeholder(written, kind, problem=f"[[{kind}]] takes nothing after its name.")


class NotShown(Exception):
    """A placeholder the data cannot fill; the message tells the editor why."""


def find_owners(slugs):
    """The categories, else the published entries, with these slugs, by slug."""
    if not slugs:
        return {}
    owners = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
    if entry_slugs := slugs - owners.keys():
        entries = ModelEntry.objects.published().filter(slug__in=entry_slugs)
        owners.update((e.slug, e) for e in entries.select_related("organization"))
    return owners


class BlockData:
    """Everything one document's placeholders can show, read at once: each loader is called
    once, with the owners of all the placeholders of the blocks that share it."""

    def __init__(self, placeholders):
        wanted = [p for p in placeholders if not p.problem]
        self.owners = find_owners({p.slug for p in wanted if p.slug})
        owners_by_loader = defaultdict(set)
        for placeholder in wanted:
            named = owners_by_loader[BLOCKS[placeholder.kind].load]
            if placeholder.options is not None:
                named.add(placeholder.options)
            elif placeholder.slug in self.owners:
                named.add(self.owners[placeholder.slug])
        self.loaded = {load: load(owners) for load, owners in owners_by_loader.items()}

    def block(self, placeholder):
        """(template, context, rows shown) for one placeholder, or NotShown."""
        if placeholder.problem:
            raise NotShown(placeholder.problem)
        found = BLOCKS[placeholder.kind]
        owner = placeholder.options
        if found.takes_slug:
            owner = self.owners.get(placeholder.slug)
            if owner is None:
                raise NotShown(
                    f'No category or published model entry has the slug "{placeholder.slug}".'
                )
        context, rows = found.build(self.loaded[found.load], owner)
        return found.template, context, rows


def expand_placeholders(placeholders, *, preview):
    """The HTML for each placeholder, and the rows the blocks show.

    A placeholder that cannot be expanded gives a warning in the preview and nothing on the
    public page.
    """
    if not placeholders:
        return [], []
    data = BlockData(placeholders)
    blocks, shown = [], []
    for placeholder in placeholders:
        try:
            template, context, rows = data.block(placeholder)
        except NotShown as reason:
            html = ""
            if preview:
                context = {"placeholder": placeholder, "reason": str(reason)}
                html = render_to_string("blocks/warning.html", context)
        else:
            html = render_to_string(template, context)
            shown += rows
        blocks.append(html.strip())
    return blocks, shown


# The blocks.


def load_comparison(owners):
    return category_comparison()


@block(
    "comparison",
    template="includes/comparison_table.html",
    load=load_comparison,
    shows="The category comparison table, as on /compare/",
)
def comparison(table, owner):
    return {"comparison": table}, table.shown


@dataclass(frozen=True)
class Examples:
    first: dict  # category id -> its first published entries
    totals: dict  # category id -> their count and latest change


def load_examples(owners):
    categories = {owner for owner in owners if isinstance(owner, Category)}
    if not categories:
        return Examples({}, {})
    return Examples(
        first_published(categories, with_organization=True), published_totals(categories)
    )


@block(
    "examples",
    slug=True,
    template="blocks/examples.html",
    load=load_examples,
    shows="The published models of a category (featured first), or that one model",
)
def examples(data, owner):
    if isinstance(owner, ModelEntry):
        return {"entries": [owner]}, [owner, owner.organization]
    entries = data.first[owner.pk]
    if not entries:
        raise NotShown(f"{owner} has no published model entries yet.")
    total = data.totals[owner.pk]
    context = {"entries": entries, "category": owner, "more": total.count - len(entries)}
    # The entries not named count too: "and N more" changes with them.
    return context, [owner, Changed(total.latest), *(e.organization for e in entries)]


def load_points(owners):
    """The pros and cons of the owners, by (owner's model, owner's id, kind)."""
    points = defaultdict(list)
    categories = {owner for owner in owners if isinstance(owner, Category)}
    entries = {owner for owner in owners if isinstance(owner, ModelEntry)}
    if categories or entries:
        for point in ProCon.objects.filter(Q(category__in=categories) | Q(entry__in=entries)):
            if point.category_id:
                points[(Category, point.category_id, point.kind)].append(point)
            else:
                points[(ModelEntry, point.entry_id, point.kind)].append(point)
    return points


def points_block(points, owner, kind, name):
    listed = points[(type(owner), owner.pk, kind)]
    if not listed:
        raise NotShown(f"{owner} has no {name} yet.")
    return {"points": listed, "kind": name}, [owner, *listed]


@block(
    "pros",
    slug=True,
    template="blocks/points.html",
    load=load_points,
    shows="The pros of a category or a published model",
)
def pros(points, owner):
    return points_block(points, owner, ProCon.Kind.PRO, "pros")


@block(
    "cons",
    slug=True,
    template="blocks/points.html",
    load=load_points,
    shows="The cons of a category or a published model",
)
def cons(points, owner):
    return points_block(points, owner, ProCon.Kind.CON, "cons")


def read_chart_options(words):
    """``open-share from=2018 to=2025`` -> ChartOptions; ValueError says what is wrong."""
    if not words:
        raise ValueError(f"Name the chart: {', '.join(charts.CHARTS)}.")
    name, *pairs = words
    values = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key or not value:
            raise ValueError(f"“{pair}” is not an option: write name=value, such as from=2018.")
        if key in values:
            raise ValueError(f"The option “{key}” is written twice.")
        values[key] = value
    options = charts.ChartOptions.read(name.lower(), values)
    if options.no_years:
        raise ValueError("to: “to” must be the same year as “from” or later.")
    return options


def load_charts(all_options):
    """Each chart's numbers, read together (charts.Reading): the datasets to credit once, and
    each grouping of the entries once for the charts that count from it."""
    series, reading = {}, charts.Reading()
    for options in all_options:
        try:
            series[options] = charts.chart_series(options, reading)
        except charts.UnknownModality as unknown:
            series[options] = unknown
    return series


@block(
    "chart",
    template="blocks/chart.html",
    load=load_charts,
    options=read_chart_options,
    options_usage="NAME OPTIONS",
    shows=(
        "A chart drawn from the catalogue (open-share, frontier-gap or by-organization), with "
        "its numbers as a table; options such as from=2018 to=2025 or modality=image"
    ),
)
def chart(series, options):
    found = series[options]
    if isinstance(found, charts.UnknownModality):
        raise NotShown(f"No modality has the slug “{found}” (text, image, video, audio, code…).")
    drawing, legend = drawn(found)
    query = urlencode(options.written())
    csv_url = reverse("kb:chart_csv", args=[options.chart])
    api_url = reverse("kb:api_chart", args=[options.chart])
    context = {
        "series": found,
        "drawing": drawing,
        "legend": legend,
        "csv_url": f"{csv_url}?{query}" if query else csv_url,
        "api_url": f"{api_url}?{query}" if query else api_url,
    }
    shown = [Changed(found.credit.updated_at)] if found.credit.updated_at else []
    return context, shown
