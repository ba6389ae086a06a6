"""Generated blocks: what the placeholders editors write on a line of their own expand to.

    [[comparison]]      the category comparison table, the same one /compare/ shows
    [[examples SLUG]]   the published entries of a category (or that one published entry)
    [[pros SLUG]]       the pros of a category or of a published model entry
    [[cons SLUG]]       its cons

SLUG names a category, else a published model entry. Blocks are rendered from autoescaped
templates. Whatever a document's blocks and however much data there is, the data they need is
read in a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.template.loader import render_to_string

from .comparison import Changed, category_comparison, first_published, published_totals
from .models import Category, ModelEntry, ProCon

OWNER_KINDS = ("examples", "pros", "cons")
POINT_KINDS = {"pros": ProCon.Kind.PRO, "cons": ProCon.Kind.CON}
USAGE = "[[comparison]], [[examples SLUG]], [[pros SLUG]] or [[cons SLUG]]"


@dataclass(frozen=True)
class Placeholder:
    written: str  # as the editor wrote it, for warnings
    kind: str = ""
    slug: str = ""
    problem: str = ""  # why it can never be expanded, whatever the data


def parse_placeholder(content):
    """A placeholder from the text between ``[[`` and ``]]``."""
    words = content.split()
    written = f"[[{' '.join(words)}]]"
    kind = words[0].lower() if words else ""
    if kind == "comparison":
        if len(words) == 1:
            return Placeholder(written, kind)
        return Placeholder(written, kind, problem="[[comparison]] takes nothing after its name.")
    if kind in OWNER_KINDS:
        if len(words) == 2:
            return Placeholder(written, kind, words[1])
        problem = f"[[{kind} SLUG]] needs one slug, of a category or a model entry (e.g. [[{kind} open-source]])."
        return Placeholder(written, kind, problem=problem)
    return Placeholder(written, kind, problem=f"There is no such block. Write {USAGE}.")


class NotShown(Exception):
    """A placeholder the data cannot fill; the message tells the editor why."""


def _owner_key(owner):
    return (owner._meta.model_name, owner.pk)


def _point_owner_key(point):
    if point.category_id:
        return ("category", point.category_id)
    return ("modelentry", point.entry_id)


class BlockData:
    """Everything one document's placeholders can show, read at once."""

    def __init__(self, placeholders):
        wanted = [p for p in placeholders if not p.problem]
        slugs = {p.slug for p in wanted if p.slug}
        self.categories = {}
        self.entries = {}
        if slugs:
            self.categories = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
        if entry_slugs := slugs - self.categories.keys():
            entries = ModelEntry.objects.published().filter(slug__in=entry_slugs)
            self.entries = {e.slug: e for e in entries.select_related("organization")}

        self.examples, self.totals = defaultdict(list), {}
        if example_categories := self._owners(wanted, ("examples",), self.categories):
            self.examples = first_published(example_categories, with_organization=True)
            self.totals = published_totals(example_categories)

        self.points = defaultdict(list)
        categories = self._owners(wanted, ("pros", "cons"), self.categories)
        entries = self._owners(wanted, ("pros", "cons"), self.entries)
        if categories or entries:
            for point in ProCon.objects.filter(Q(category__in=categories) | Q(entry__in=entries)):
                self.points[(*_point_owner_key(point), point.kind)].append(point)

        self.comparison = None
        if any(p.kind == "comparison" for p in wanted):
            self.comparison = category_comparison()

    def examples_block(self, owner):
        if isinstance(owner, ModelEntry):
            context = {"entries": [owner]}
            return "blocks/examples.html", context, [owner, owner.organization]
        entries = self.examples[owner.pk]
        if not entries:
            raise NotShown(f"{owner} has no published model entries yet.")
        total = self.totals[owner.pk]
        context = {"entries": entries, "category": owner, "more": total.count - len(entries)}
        # The entries not named count too: "and N more" changes with them.
        return (
            "blocks/examples.html",
            context,
            [owner, Changed(total.latest), *(e.organization for e in entries)],
        )

    @staticmethod
    def _owners(placeholders, kinds, found):
        return {found[p.slug] for p in placeholders if p.kind in kinds and p.slug in found}

    def block(self, placeholder):
        """(template, context, rows shown) for one placeholder, or NotShown."""
        if placeholder.problem:
            raise NotShown(placeholder.problem)
        if placeholder.kind == "comparison":
            context = {"comparison": self.comparison}
            return "includes/comparison_table.html", context, self.comparison.shown
        slug = placeholder.slug
        owner = self.categories.get(slug) or self.entries.get(slug)
        if owner is None:
            raise NotShown(f'No category or published model entry has the slug "{slug}".')
        if placeholder.kind == "examples":
            return self.examples_block(owner)
        points = self.points[(*_owner_key(owner), POINT_KINDS[placeholder.kind])]
        if not points:
            raise NotShown(f"{owner} has no {placeholder.kind} yet.")
        context = {"points": points, "kind": placeholder.kind}
        return "blocks/points.html", context, [owner, *points]


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
