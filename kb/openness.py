"""The openness summary score: one number from 0 to 100 for an entry's scorecard.

    score = round(100 × (open + ½ × partial) / 9)

where ``open`` and ``partial`` count the entry's dimensions with that grade and 9 is the number of
dimensions (``OpennessGrade.Dimension``). Closed and unknown count 0; a dimension nobody graded
counts as unknown. Halves round up. The number of unknown dimensions is reported beside the score,
so "closed" and "not known" stay apart. An entry with no known grade at all has no score (None,
``null``, "not graded"): it is not known to be closed.

The arithmetic is done in integers (half-points: open 2, partial 1), so the score computed here in
Python and the one the database computes for sorting and filtering are always the same number.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from .models import OpennessGrade

Dimension = OpennessGrade.Dimension
Grade = OpennessGrade.Grade

DIMENSION_COUNT = len(Dimension)
HALF_POINTS = {Grade.OPEN: 2, Grade.PARTIAL: 1, Grade.CLOSED: 0, Grade.UNKNOWN: 0}
MAX_HALF_POINTS = 2 * DIMENSION_COUNT

# Shown beside each grade's label, so the grade never depends on telling colours apart.
MARKERS = {Grade.OPEN: "●", Grade.PARTIAL: "◐", Grade.CLOSED: "○", Grade.UNKNOWN: "?"}

EXPLANATION = (
    f"The openness score averages the {DIMENSION_COUNT} dimensions of the scorecard, counting "
    "open as 1, partial as ½, closed as 0 and unknown as 0, times 100 and rounded: 100 means "
    "every dimension is open. What has not been published or checked counts as unknown, and the "
    "number of unknown dimensions is shown beside the score. A model with no dimension graded "
    "yet has no score."
)


# The same, for the database: a grade's half-points, and whether a grade is known.
HALF_POINTS_SQL = Case(
    *[When(grade=grade, then=Value(value)) for grade, value in HALF_POINTS.items() if value],
    default=Value(0),
)
KNOWN = ~Q(grade=Grade.UNKNOWN)


def score_from_half_points(half_points):
    """Round half up, in integers: the same result in Python, SQLite and PostgreSQL."""
    return (100 * half_points + DIMENSION_COUNT) // MAX_HALF_POINTS


def score(grades):
    """The score of an entry's grades (an iterable of grade values; missing ones are unknown),
    or None when none of them is known."""
    grades = list(grades)
    if all(grade == Grade.UNKNOWN for grade in grades):
        return None
    return score_from_half_points(sum(HALF_POINTS[grade] for grade in grades))


@dataclass(frozen=True)
class ScorecardRow:
    dimension: str
    label: str
    grade: str
    grade_label: str
    marker: str
    source_url: str
    checked_on: datetime.date | None


@dataclass(frozen=True)
class Scorecard:
    rows: list[ScorecardRow]
    score: int | None  # None: not graded
    unknown: int
    explanation: str = EXPLANATION

    @property
    def dimension_count(self):
        return len(self.rows)


def scorecard(entry):
    """Every dimension in order, graded or not, from ``entry.openness`` (prefetch it for lists)."""
    graded = {grade.dimension: grade for grade in entry.openness.all()}
    rows = []
    for dimension in Dimension:
        grade = graded.get(dimension) or OpennessGrade(dimension=dimension)
        rows.append(
            ScorecardRow(
                dimension=dimension.value,
                label=dimension.label,
                grade=grade.grade,
                grade_label=Grade(grade.grade).label,
                marker=MARKERS[grade.grade],
                source_url=grade.source_url,
                checked_on=grade.checked_on,
            )
        )
    grades = [row.grade for row in rows]
    return Scorecard(rows=rows, score=score(grades), unknown=grades.count(Grade.UNKNOWN))


@dataclass(frozen=True)
class GradeCount:
    grade: str
    label: str
    marker: str
    count: int


@dataclass(frozen=True)
class DimensionSummary:
    label: str
    counts: tuple  # GradeCount for each grade some entry has, open first


@dataclass(frozen=True)
class OpennessSummary:
    """The openness of a group of entries (a category's, in the category comparison)."""

    average: int | None  # of the graded entries' scores, rounded; None when none is graded
    lowest: int | None
    highest: int | None
    graded: int
    not_graded: int
    dimensions: tuple  # a DimensionSummary per dimension, in the dimensions' order


def summarise(entries, by, sizes=None):
    """How open each group of ``entries`` (a queryset of model entries) is, overall and
    dimension by dimension: ``{value of the field by: OpennessSummary}``, for the groups that
    have entries. ``sizes``, the number of entries in each group, when the caller has it.

    The database sums each graded entry's grades and counts the grades by dimension, whatever
    the number of entries; the scores follow from the sums as ``score`` computes them. A
    dimension an entry has no grade for counts as unknown, as in its scorecard.
    """
    entries = entries.order_by()
    if sizes is None:
        sizes = dict(entries.values_list(by).annotate(Count("pk")))
    grades = OpennessGrade.objects.filter(entry__in=entries.values("pk")).order_by()
    scores = defaultdict(list)
    for group, _entry, half_points, known in grades.values_list(f"entry__{by}", "entry").annotate(
        half_points=Sum(HALF_POINTS_SQL), known=Count("pk", filter=KNOWN)
    ):
        if known:
            scores[group].append(score_from_half_points(half_points))
    counts = defaultdict(Counter)  # {group: {(dimension, grade): number of known grades}}
    for group, dimension, grade, count in (
        grades.filter(KNOWN).values_list(f"entry__{by}", "dimension", "grade").annotate(Count("pk"))
    ):
        counts[group][dimension, grade] = count
    return {
        group: summary(size, scores[group], counts[group]) for group, size in sizes.items() if size
    }


def summary(size, scores, counts):
    """The OpennessSummary of a group of ``size`` entries: ``scores`` of the graded ones,
    ``counts`` of their known grades by (dimension, grade)."""
    dimensions = []
    for dimension in Dimension:
        known = {grade: counts[dimension, grade] for grade in Grade}
        known[Grade.UNKNOWN] = size - sum(known.values())
        dimensions.append(
            DimensionSummary(
                dimension.label,
                tuple(
                    GradeCount(grade.value, grade.label, MARKERS[grade], known[grade])
                    for grade in Grade
                    if known[grade]
                ),
            )
        )
    graded = len(scores)
    return OpennessSummary(
        # Round half up in integers, as the score itself does.
        average=(2 * sum(scores) + graded) // (2 * graded) if graded else None,
        lowest=min(scores, default=None),
        highest=max(scores, default=None),
        graded=graded,
        not_graded=size - graded,
        dimensions=tuple(dimensions),
    )


def annotate_score(queryset):
    """Add ``openness_score`` (0-100, as ``score``; NULL when not graded) and
    ``openness_unknown`` to model entries.

    Subqueries rather than joins, so other joins (modalities, say) cannot multiply the sums.
    """
    grades = OpennessGrade.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
    half_points = grades.annotate(total=Sum(HALF_POINTS_SQL)).values("total")
    known = grades.filter(KNOWN).annotate(total=Count("pk")).values("total")
    return queryset.annotate(
        openness_unknown=DIMENSION_COUNT
        - Coalesce(Subquery(known, output_field=IntegerField()), 0),
    ).annotate(
        openness_score=Case(
            When(
                openness_unknown__lt=DIMENSION_COUNT,
                then=(Subquery(half_points, output_field=IntegerField()) * 100 + DIMENSION_COUNT)
                / MAX_HALF_POINTS,
            ),
            default=None,
            output_field=IntegerField(),
        ),
    )
