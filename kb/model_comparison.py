"""Model-vs-model comparison: chosen entries side by side, a row per fact and per openness
dimension, rows whose values differ marked. (The category comparison is kb.comparison.)"""

from dataclasses import dataclass

from .facts import entry_facts, openness_grades, pros_and_cons
from .models import ModelEntry

# Every fact but the homepage: each model has its own, so that row would always "differ".
COMPARED_FACTS = (
    "organization",
    "category",
    "modalities",
    "release_date",
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


@dataclass(frozen=True)
class Comparison:
    entries: list
    fact_rows: list
    openness_rows: list
    pros_cons: list  # a facts.ProsCons per entry, in the entries' order


def picker_entries():
    """Published entries for the pickers, grouped by category (one query)."""
    return list(
        ModelEntry.objects.published()
        .select_related("category")
        .only("slug", "name", "category__name", "category__position")
        .order_by("category__position", "category__name", "name")
    )


def _row(label, cells, key):
    return Row(label, cells, differs=len({key(cell) for cell in cells}) > 1)


def compare(slugs):
    """The comparison of the published entries named by ``slugs``, in that order."""
    found = ModelEntry.objects.published().with_details().in_bulk(slugs, field_name="slug")
    entries = [found[slug] for slug in slugs if slug in found]
    facts = [entry_facts(entry) for entry in entries]
    grades = [openness_grades(entry) for entry in entries]
    fact_rows = [
        _row(facts[0][key].label, [entry[key] for entry in facts], key=lambda fact: fact.text)
        for key in COMPARED_FACTS
    ]
    openness_rows = [
        _row(dimension[0].label, list(dimension), key=lambda grade: grade.grade)
        for dimension in zip(*grades, strict=True)
    ]
    return Comparison(
        entries=entries,
        fact_rows=fact_rows,
        openness_rows=openness_rows,
        pros_cons=[pros_and_cons(entry) for entry in entries],
    )
