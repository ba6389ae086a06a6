"""The openness summary score: one number from 0 to 100 for an entry's scorecard.

    score = round(100 × (open + ½ × partial) / graded)

where ``open`` and ``partial`` count the entry's dimensions with that grade and ``graded`` counts
the dimensions with a known grade (open, partial or closed) of the 9 (``OpennessGrade.Dimension``).
Halves round up. A dimension nobody graded, or graded unknown, is left out rather than counted as
closed: not knowing is not the same as closed, and counting it so put a model with open weights
under an open licence below a hosted-only one.

The score is shown with its coverage, "from 7 of 9 dimensions graded", and only when at least
``MINIMUM_GRADED`` (5 of 9) dimensions are graded. Five is the smallest majority of nine: a score
then speaks for more of the scorecard than it leaves out, so two or three open facts (weights and
their licence, say) cannot make a model look fully open before anyone has checked its training
data, code or paper. Under the minimum the entry has no score (None, ``null``, "too few graded"),
and it is left out of averages.

The arithmetic is done in integers (half-points: open 2, partial 1), so the score computed here in
Python and the one the database computes for sorting and filtering are always the same number.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Left
from django.db.models.lookups import GreaterThanOrEqual
from django.db.models.signals import post_delete, post_save

from .models import (
    OPENNESS_TIERS,
    TIER_FULLY_OPEN,
    TIER_HOSTED,
    TIER_OPEN_WEIGHTS,
    TIER_RESTRICTED_WEIGHTS,
    TIER_UNKNOWN,
    TIER_UNRELEASED,
    Access,
    GradeTally,
    ModelEntry,
    OpennessGrade,
    ScoreTally,
    WeightsUse,
)

Dimension = OpennessGrade.Dimension
Grade = OpennessGrade.Grade

DIMENSION_COUNT = len(Dimension)
HALF_POINTS = {Grade.OPEN: 2, Grade.PARTIAL: 1, Grade.CLOSED: 0, Grade.UNKNOWN: 0}
# The fewest graded dimensions a score is computed from: a majority of them (see above).
MINIMUM_GRADED = DIMENSION_COUNT // 2 + 1

# Shown beside each grade's label, so the grade never depends on telling colours apart.
MARKERS = {Grade.OPEN: "●", Grade.PARTIAL: "◐", Grade.CLOSED: "○", Grade.UNKNOWN: "?"}

EXPLANATION = (
    "The openness score averages the graded dimensions of the scorecard, counting open as 1, "
    "partial as ½ and closed as 0, times 100 and rounded: 100 means every graded dimension is "
    "open. A dimension not yet published or checked is unknown and left out of the average, not "
    "counted as closed, and the score says how many of the "
    f"{DIMENSION_COUNT} dimensions it is from. A model needs at least {MINIMUM_GRADED} of "
    f"{DIMENSION_COUNT} dimensions graded, a majority, for a score; with fewer it has none, and "
    "it is left out of averages."
)

# Why an entry has no score, wherever it is shown without one.
TOO_FEW_GRADED = f"fewer than {MINIMUM_GRADED} of {DIMENSION_COUNT} dimensions graded"


def coverage(graded):
    """How many dimensions a score is from: "7 of 9 graded"."""
    return f"{graded} of {DIMENSION_COUNT} graded"


# The same, for the database: a grade's half-points, and whether a grade is known.
HALF_POINTS_SQL = Case(
    *[When(grade=grade, then=Value(value)) for grade, value in HALF_POINTS.items() if value],
    default=Value(0),
)
KNOWN = ~Q(grade=Grade.UNKNOWN)


def score_from_half_points(half_points, graded):
    """The score of ``graded`` known grades worth ``half_points``, or None under the minimum.

    Round half up, in integers: the same result in Python, SQLite and PostgreSQL.
    """
    if graded < MINIMUM_GRADED:
        return None
    return (100 * half_points + graded) // (2 * graded)


def score(grades):
    """The score of an entry's grades (an iterable of grade values; missing ones are unknown),
    or None when fewer than ``MINIMUM_GRADED`` of them are known."""
    grades = list(grades)
    graded = sum(grade != Grade.UNKNOWN for grade in grades)
    return score_from_half_points(sum(HALF_POINTS[grade] for grade in grades), graded)


@dataclass(frozen=True)
class ScorecardRow:
    dimension: str
    label: str
    grade: str
    grade_label: str
    marker: str
    source_url: str
    checked_on: datetime.date | None
    note: str = ""


@dataclass(frozen=True)
class Scorecard:
    rows: list[ScorecardRow]
    score: int | None  # None: fewer than MINIMUM_GRADED dimensions graded
    graded: int
    explanation: str = EXPLANATION
    minimum_graded: int = MINIMUM_GRADED

    @property
    def dimension_count(self):
        return len(self.rows)

    @property
    def unknown(self):
        return self.dimension_count - self.graded


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
                note=grade.note,
            )
        )
    grades = [row.grade for row in rows]
    graded = len(grades) - grades.count(Grade.UNKNOWN)
    return Scorecard(rows=rows, score=score(grades), graded=graded)


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

    average: int | None  # of the scored entries' scores, rounded; None when none has a score
    lowest: int | None
    highest: int | None
    scored: int
    not_scored: int  # fewer than MINIMUM_GRADED dimensions graded, none perhaps
    dimensions: tuple  # a DimensionSummary per dimension, in the dimensions' order


# An entry's stored grades (``ModelEntry.openness_grades``): a letter per dimension.
GRADE_LETTERS = {grade: grade.value[0] for grade in Grade}
GRADES_BY_LETTER = {letter: grade for grade, letter in GRADE_LETTERS.items()}
OPEN_LETTER, PARTIAL_LETTER, UNKNOWN_LETTER = (
    GRADE_LETTERS[grade] for grade in (Grade.OPEN, Grade.PARTIAL, Grade.UNKNOWN)
)


def letters_of(grades):
    """The stored grades (``ModelEntry.openness_grades``) of ``{dimension: grade}``, as
    ``refresh_scores`` stores them from the grades table."""
    return "".join(GRADE_LETTERS[Grade(grades.get(d, Grade.UNKNOWN))] for d in Dimension)


def summarise(entries, by, sizes=None):
    """How open each group of ``entries`` (a queryset of model entries) is, overall and
    dimension by dimension: ``{value of the field by: OpennessSummary}``, for the groups that
    have entries. ``sizes``, the number of entries in each group, when the caller has it.

    One query counts the entries of each group by their stored grades (``openness_grades``,
    read from an index), whatever the number of entries; the scores follow from the grades as
    the stored ones do. Only entries with a score count in the average. A dimension an entry
    has no grade for counts as unknown, as in its scorecard.
    """
    rows = entries.order_by().values_list(by, "openness_grades").annotate(Count("pk"))
    # Counted letter by letter: a large catalogue has thousands of different stored grades.
    letters_at = defaultdict(lambda: [Counter() for _ in Dimension])
    scored = defaultdict(Counter)  # {group: {score: number of entries}}
    group_sizes = Counter()
    for group, letters, count in rows:
        group_sizes[group] += count
        for counter, letter in zip(letters_at[group], letters, strict=False):
            counter[letter] += count
        # The stored score is this one: both are stored from the same grades.
        half_points = 2 * letters.count(OPEN_LETTER) + letters.count(PARTIAL_LETTER)
        graded = len(letters) - letters.count(UNKNOWN_LETTER)
        value = score_from_half_points(half_points, graded)
        if value is not None:
            scored[group][value] += count
    return summaries(letters_at, scored, dict(group_sizes) if sizes is None else sizes)


def summarise_published_categories():
    """``summarise(published entries, by="category")``, from the tallies the database keeps
    (kb.catalogue.tallies): a few rows per category, whatever the number of entries."""
    letters_at = defaultdict(lambda: [Counter() for _ in Dimension])
    for category, position, letter, count in GradeTally.objects.filter(n__gt=0).values_list(
        "category", "position", "letter", "n"
    ):
        letters_at[category][position - 1][letter] += count
    scored = defaultdict(Counter)
    sizes = Counter()
    for category, value, count in ScoreTally.objects.filter(n__gt=0).values_list(
        "category", "score", "n"
    ):
        sizes[category] += count
        if value >= 0:  # -1: no score
            scored[category][value] += count
    return summaries(letters_at, scored, sizes)


def summaries(letters_at, scored, sizes):
    """``{group: OpennessSummary}`` of the groups ``sizes`` (``{group: number of entries}``)
    has entries in, from ``letters_at`` (``{group: [Counter of letters] per dimension}``) and
    ``scored`` (``{group: Counter of scores}``, the entries with one)."""
    counts = {
        group: Counter(
            {
                (dimension, GRADES_BY_LETTER[letter]): number
                for dimension, counter in zip(Dimension, counters, strict=True)
                for letter, number in counter.items()
                if letter in GRADES_BY_LETTER and letter != UNKNOWN_LETTER
            }
        )
        for group, counters in letters_at.items()
    }
    scores = {
        group: Scores(
            count=sum(values.values()),
            total=sum(value * count for value, count in values.items()),
            lowest=min(values),
            highest=max(values),
        )
        for group, values in scored.items()
        if values
    }
    return {
        group: summary(size, scores.get(group, NO_SCORES), counts.get(group, Counter()))
        for group, size in sizes.items()
        if size
    }


@dataclass(frozen=True)
class Scores:
    """The scores of a group's entries that have one: how many, their sum, lowest, highest."""

    count: int
    total: int | None
    lowest: int | None
    highest: int | None


NO_SCORES = Scores(0, None, None, None)


def summary(size, scores, counts):
    """The OpennessSummary of a group of ``size`` entries: ``scores`` (``Scores``) of the ones
    with a score, ``counts`` of all their known grades by (dimension, grade)."""
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
    scored = scores.count
    return OpennessSummary(
        # Round half up in integers, as the score itself does.
        average=(2 * scores.total + scored) // (2 * scored) if scored else None,
        lowest=scores.lowest,
        highest=scores.highest,
        scored=scored,
        not_scored=size - scored,
        dimensions=tuple(dimensions),
    )


def annotate_score(queryset):
    """Add ``openness_unknown`` to model entries, beside their stored ``openness_score`` (0-100,
    as ``score``; NULL under ``MINIMUM_GRADED``) and ``openness_graded``."""
    return queryset.annotate(openness_unknown=DIMENSION_COUNT - F("openness_graded"))


def stored_score_values():
    """``{"openness_grades": ..., "openness_graded": ..., "openness_score": ...}`` as expressions
    over an entry's grades, for an ``update()`` of model entries.

    Subqueries rather than joins, so the update touches each entry once. Both are computed from
    the grades (not one from the other): an UPDATE reads the row as it was.
    """
    grades = OpennessGrade.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
    half_points = grades.annotate(total=Sum(HALF_POINTS_SQL)).values("total")
    known = Coalesce(
        Subquery(grades.filter(KNOWN).annotate(total=Count("pk")).values("total")),
        0,
        output_field=IntegerField(),
    )
    letters = [
        Coalesce(
            Subquery(grades.filter(dimension=dimension).values(letter=Left("grade", 1))),
            Value(GRADE_LETTERS[Grade.UNKNOWN]),
            output_field=CharField(),
        )
        for dimension in Dimension
    ]
    return {
        "openness_grades": Concat(*letters, output_field=CharField()),
        "openness_graded": known,
        "openness_score": Case(
            When(
                GreaterThanOrEqual(known, MINIMUM_GRADED),
                then=(Subquery(half_points, output_field=IntegerField()) * 100 + known)
                / (known * 2),
            ),
            default=None,
            output_field=IntegerField(),
        ),
    }


class Tier(models.TextChoices):
    """How openly a model is released, from most to least open: the stored tier's values
    (``ModelEntry.openness_tier``, from ``tier_of`` below) that the charts count
    (kb/catalogue/charts.py); an unknown tier is none of them."""

    FULLY_OPEN = TIER_FULLY_OPEN, "Fully open"
    OPEN_WEIGHTS = TIER_OPEN_WEIGHTS, "Open weights"
    RESTRICTED_WEIGHTS = TIER_RESTRICTED_WEIGHTS, "Restricted weights"
    HOSTED = TIER_HOSTED, "API or product only"
    UNRELEASED = TIER_UNRELEASED, "Unreleased"


# The tiers whose weights anyone can download, under whatever terms.
WEIGHTS_TIERS = (Tier.FULLY_OPEN, Tier.OPEN_WEIGHTS, Tier.RESTRICTED_WEIGHTS)


def annotate_tier(queryset):
    """Add ``tier``, the entry's stored openness tier (a ``Tier`` value), NULL when not known."""
    return queryset.annotate(
        tier=Case(
            When(openness_tier=TIER_UNKNOWN, then=Value(None)),
            default=F("openness_tier"),
            output_field=CharField(),
        )
    )


def refresh_scores(entries):
    """Store the score, coverage and tier of ``entries`` (a queryset of model entries, or their
    pks) from their grades, in one UPDATE; the number of entries updated.

    Called on every save and delete of a grade (``connect_signals``) and by writers that create
    or change grades in bulk. Not a content change of its own: the grade's write is. (An entry's
    own save stores its tier when the fields ``tier_of`` reads of it change: ``ModelEntry.save``.)
    """
    if not isinstance(entries, models.QuerySet):
        entries = ModelEntry.objects.filter(pk__in=list(entries))
    return entries.order_by().update(**stored_score_values(), openness_tier=stored_tier_value())


def grade_written(sender, instance, **kwargs):
    refresh_scores([instance.entry_id])


def entry_restored(sender, instance, raw=False, **kwargs):
    # A revision reverted or a fixture loaded writes the entry's stored score and tier as they
    # were then, perhaps after its grades: compute them again from the grades there are now.
    if raw:
        refresh_scores([instance.pk])


def connect_signals():
    """Keep the stored score and tier in step with every grade saved or deleted one by one (the
    admin's inlines, imports, ``load_content``, a revision reverted)."""
    for signal in (post_save, post_delete):
        signal.connect(grade_written, sender=OpennessGrade, dispatch_uid="kb.openness.grade")
    post_save.connect(entry_restored, sender=ModelEntry, dispatch_uid="kb.openness.entry")


# The openness tier: a few words for how open an entry is, beside the categories' two worlds.

TIERS = OPENNESS_TIERS
WEIGHTS_OUT = (Access.WEIGHTS, Access.BOTH)
RESTRICTED_USE = (WeightsUse.RESTRICTED, WeightsUse.NON_COMMERCIAL)


def tier_of(entry):
    """The openness tier of ``entry``, from its access, the terms of its weights and its grades
    (``entry.openness``, prefetched for lists; an entry not saved yet has none):

    - unreleased: its access says it was never released;
    - restricted weights: downloadable weights whose terms restrict their use (use restrictions,
      non-commercial only), or whose weights or their licence are graded partial or closed
      (weights on request, a custom licence);
    - fully open: unrestricted weights whose training code and training data are graded open
      (OLMo, Pythia);
    - open weights: other unrestricted weights;
    - API or product only: no weights, used through an API or a product;
    - not known: nothing says.

    Of the entry itself it reads only ``ModelEntry.TIER_INPUTS``: its save computes the tier
    again when they change; ``refresh_scores`` (``stored_tier_value``) when its grades do.
    """
    grades = {grade.dimension: grade.grade for grade in entry.openness.all()} if entry.pk else {}
    return tier_from(entry.access, entry.weights_use, grades)


def tier_from(access, weights_use, grades):
    """The tier ``tier_of`` gives an entry of this access, use of its weights and grades
    (``{dimension: grade}``), for writers that have them at hand (synthetic data)."""
    if access == Access.UNRELEASED:
        return TIER_UNRELEASED
    weights = grades.get(Dimension.WEIGHTS)
    has_weights = access in WEIGHTS_OUT or weights in (
        Grade.OPEN,
        Grade.PARTIAL,
    )
    if has_weights:
        restricted = weights_use in RESTRICTED_USE or (
            weights == Grade.PARTIAL
            or grades.get(Dimension.WEIGHTS_LICENCE) in (Grade.PARTIAL, Grade.CLOSED)
        )
        if restricted:
            return TIER_RESTRICTED_WEIGHTS
        code, data = grades.get(Dimension.TRAINING_CODE), grades.get(Dimension.TRAINING_DATA)
        if code == Grade.OPEN and data == Grade.OPEN:
            return TIER_FULLY_OPEN
        return TIER_OPEN_WEIGHTS
    if access == Access.HOSTED or grades.get(Dimension.API) == Grade.OPEN:
        return TIER_HOSTED
    return TIER_UNKNOWN


def graded(dimension, *grades):
    """Whether the entry (of an UPDATE or a query of entries) grades ``dimension`` one of
    ``grades``."""
    return Exists(
        OpennessGrade.objects.filter(entry=OuterRef("pk"), dimension=dimension, grade__in=grades)
    )


def stored_tier_value():
    """``tier_of`` as an expression over an entry's fields and grades, for ``refresh_scores``'
    UPDATE: the same rules in the same order (a test holds the two to the same answers)."""
    has_weights = Q(access__in=WEIGHTS_OUT) | graded(Dimension.WEIGHTS, Grade.OPEN, Grade.PARTIAL)
    restricted = (
        Q(weights_use__in=RESTRICTED_USE)
        | graded(Dimension.WEIGHTS, Grade.PARTIAL)
        | graded(Dimension.WEIGHTS_LICENCE, Grade.PARTIAL, Grade.CLOSED)
    )
    fully_open = graded(Dimension.TRAINING_CODE, Grade.OPEN) & graded(
        Dimension.TRAINING_DATA, Grade.OPEN
    )
    return Case(
        When(access=Access.UNRELEASED, then=Value(TIER_UNRELEASED)),
        When(has_weights & restricted, then=Value(TIER_RESTRICTED_WEIGHTS)),
        When(has_weights & fully_open, then=Value(TIER_FULLY_OPEN)),
        When(has_weights, then=Value(TIER_OPEN_WEIGHTS)),
        When(Q(access=Access.HOSTED) | graded(Dimension.API, Grade.OPEN), then=Value(TIER_HOSTED)),
        default=Value(TIER_UNKNOWN),
        output_field=CharField(),
    )
