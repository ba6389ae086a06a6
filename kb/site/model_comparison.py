"""Model-vs-model comparison: chosen entries side by side, a row per fact and per openness
dimension, rows whose values differ marked. (The category comparison is kb.site.comparison.)"""

from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Q

from kb.catalogue.costs import cost_facts, cost_values
from kb.catalogue.facts import (
    entry_facts,
    lifecycle_fact,
    pros_and_cons,
    read_and_written_facts,
)
from kb.catalogue.models import ModelEntry
from kb.catalogue.openness import scorecard
from kb.catalogue.text import fold

# Up to this many published entries, the pickers are <select> lists of them all; beyond, a list
# would make each page as large as the catalogue, so they are text inputs taking a name or slug.
PICKER_CHOICES_LIMIT = 200

# Every fact but the homepage (each model has its own, so that row would always "differ"), and
# what it reads and writes and its lifecycle status.
COMPARED_FACTS = (
    "organization",
    "category",
    "modalities",
    "input_modalities",
    "output_modalities",
    "release_date",
    "lifecycle",
    "parameters",
    "context_window",
    "licence",
    "osi_approved",
    "access",
)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list
    differs: bool
    kind: str = ""  # how its cells are shown, when not as the rest of its group ("score")
    best: frozenset = frozenset()  # the columns holding the best value, where "best" is clear
    best_label: str = ""  # what makes it best ("Newest"), said beside it


# Rows where one value is plainly the best: the fact's key, what makes a value best, its label
# (see ``best_columns``).
BEST = {
    "release_date": (lambda entry: entry.release_date, "Newest"),
    "context_window": (lambda entry: entry.context_window, "Largest"),
}


@dataclass(frozen=True)
class Comparison:
    entries: list
    fact_rows: list
    openness_rows: list
    cost_rows: list
    pros_cons: list  # a facts.ProsCons per entry, in the entries' order

    @property
    def differing(self):
        """How many fact, openness and cost rows differ."""
        rows = (*self.fact_rows, *self.openness_rows, *self.cost_rows)
        return sum(row.differs for row in rows)

    def only_differences(self):
        """The same comparison with the rows whose values are all the same left out."""
        return replace(
            self,
            fact_rows=[row for row in self.fact_rows if row.differs],
            openness_rows=[row for row in self.openness_rows if row.differs],
            cost_rows=[row for row in self.cost_rows if row.differs],
        )


def picker_choices():
    """Published entries for ``<select>`` pickers, grouped by category, or None when there are
    more than ``PICKER_CHOICES_LIMIT`` (then the pickers are text inputs).

    Counting stops past the limit, so it costs the same at any size: one query, and one more to
    list the entries when they are few enough.
    """
    published = ModelEntry.objects.published()
    if published.order_by()[: PICKER_CHOICES_LIMIT + 1].count() > PICKER_CHOICES_LIMIT:
        return None
    return list(
        published.select_related("category")
        .only("slug", "name", "category__name", "category__position")
        .order_by("category__position", "category__name", "name")
    )


def resolve(values):
    """The published entries each of ``values`` names, in one query at any catalogue size.

    A value is a published entry's slug, or else its name compared as people type it (``fold``:
    case, accents and spacing ignored, through the indexed ``name_key``). Returns a dict from each
    value to its entries: one for a slug or a name only one entry has, several for a shared name
    (by organization, then slug), none for an unknown value.
    """
    if not values:
        return {}
    # A NUL byte makes PostgreSQL's driver raise; no slug holds one (fold drops it from names).
    slugs = [value for value in values if "\x00" not in value]
    found = (
        ModelEntry.objects.published()
        .filter(Q(slug__in=slugs) | Q(name_key__in={fold(value) for value in values}))
        .select_related("organization")
        .only("slug", "name", "name_key", "organization__name")
        .order_by("organization__name", "slug")
    )
    by_slug, by_name = {}, defaultdict(list)
    for entry in found:
        by_slug[entry.slug] = entry
        by_name[entry.name_key].append(entry)
    return {
        value: [by_slug[value]] if value in by_slug else by_name.get(fold(value), [])
        for value in values
    }


def best_columns(values):
    """The columns holding the largest of ``values``: none unless every value is known (an
    unknown one might be larger) and they differ."""
    if None in values or len(set(values)) < 2:
        return frozenset()
    top = max(values)
    return frozenset(column for column, value in enumerate(values) if value == top)


def least_columns(values):
    """The columns holding the least of ``values``, on the same terms as ``best_columns``."""
    if None in values or len(set(values)) < 2:
        return frozenset()
    bottom = min(values)
    return frozenset(column for column, value in enumerate(values) if value == bottom)


# What makes a cost best: the least of it.
LEAST_COST_LABELS = {"price_input": "Cheapest", "price_output": "Cheapest"}


def _row(label, cells, key, kind="", best=frozenset(), best_label=""):
    differs = len({key(cell) for cell in cells}) > 1
    return Row(label, cells, differs, kind, best, best_label if best else "")


def best_of(entries, key):
    if key not in BEST:
        return {}
    value, label = BEST[key]
    return {"best": best_columns([value(entry) for entry in entries]), "best_label": label}


def compared_facts(entry):
    """``entry``'s facts that the comparison shows, by key (``COMPARED_FACTS``)."""
    facts = entry_facts(entry)
    for fact in (lifecycle_fact(entry), *read_and_written_facts(entry)):
        facts[fact.key] = fact
    return facts


def compare(slugs):
    """The comparison of the published entries named by ``slugs``, in that order."""
    found = ModelEntry.objects.published().with_details().in_bulk(slugs, field_name="slug")
    entries = [found[slug] for slug in slugs if slug in found]
    facts = [compared_facts(entry) for entry in entries]
    cards = [scorecard(entry) for entry in entries]
    fact_rows = [
        _row(
            facts[0][key].label,
            [entry[key] for entry in facts],
            key=lambda fact: fact.text,
            **best_of(entries, key),
        )
        for key in COMPARED_FACTS
    ]
    # The score first, with how many dimensions it is from, then each dimension's grade.
    scores = [card.score for card in cards]
    openness_rows = [
        _row(
            "Openness score",
            cards,
            key=lambda card: (card.score, card.graded),
            kind="score",
            best=best_columns(scores),
            best_label="Most open",
        ),
        *(
            _row(dimension[0].label, list(dimension), key=lambda grade: grade.grade)
            for dimension in zip(*(card.rows for card in cards), strict=True)
        ),
    ]
    costs = [cost_facts(entry) for entry in entries]
    values = [cost_values(entry) for entry in entries]
    cost_rows = [
        _row(
            costs[0][key].label,
            [entry[key] for entry in costs],
            key=lambda fact: fact.text,
            best=least_columns([entry[key] for entry in values]),
            best_label=LEAST_COST_LABELS.get(key, "Least"),
        )
        for key in costs[0]
    ]
    return Comparison(
        entries=entries,
        fact_rows=fact_rows,
        openness_rows=openness_rows,
        cost_rows=cost_rows,
        pros_cons=[pros_and_cons(entry) for entry in entries],
    )
