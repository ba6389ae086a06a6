"""The tallies (kb.catalogue.models.Tally): the published entries counted by the values the
directory filters and counts them by, so its counts read a few hundred or thousand rows, not
every entry.

The database keeps them in step: triggers on the entries and their modalities (migration
0024) add one to the row of an entry's values when it is published or takes them, and take one
from it when it leaves them, whatever wrote the entry. The charts' groups (ChartTier, ChartDay,
ChartMaker; migration 0025) are kept with them, counted again by their triggers. Here: what a
tally's columns mean for an entry, as query expressions (the same the triggers compute, kept
equal by tests), the rows the tallies and groups should hold (``counted``) and ``rebuild``,
which sets them to those.
"""

from collections import Counter

from django.db import transaction
from django.db.models import BigIntegerField, Case, Count, F, Max, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from kb.catalogue.charts import SIDES, ChartOptions, chart_entries
from kb.catalogue.costs import BITS, WEIGHTS_ACCESS, most_parameters_fitting
from kb.catalogue.filters import MEMORY_STEPS, OPENNESS_STEPS
from kb.catalogue.models import (
    ChartDay,
    ChartMaker,
    ChartTier,
    EntryTally,
    GradeTally,
    ModalityTally,
    ModelEntry,
    OpennessGrade,
    OrganizationTally,
    ScoreTally,
    Status,
)

Dimension = OpennessGrade.Dimension

# The parameter counts of the directory's memory steps: a tally says which of them an entry's
# weights are within, so "fits in 16 GB at 8 bits" is a comparison with one of these.
PARAMETER_STEPS = tuple(
    sorted({most_parameters_fitting(gb, bits) for gb in MEMORY_STEPS for bits in BITS})
)
# The tiers of each of frontier-gap's sides.
SIDE_TIERS = {
    side: [tier.value for tier, its_side in SIDES.items() if its_side == side]
    for side in ("open", "closed")
}
# The charts' groups, kept with the tallies but counted again rather than added to (0025).
CHART_GROUPS = (ChartTier, ChartDay, ChartMaker)
# The counts the database keeps.
TALLIES = (EntryTally, OrganizationTally, ModalityTally, GradeTally, ScoreTally, *CHART_GROUPS)


def values(prefix=""):
    """``{tally column: expression}`` of an entry's values (``prefix``: the path to the entry)."""

    def field(name):
        return f"{prefix}{name}"

    weights = Q(**{f"{field('access')}__in": WEIGHTS_ACCESS})
    return {
        "organization": F(field("organization")),
        "category": F(field("category")),
        "access": F(field("access")),
        "openness_tier": F(field("openness_tier")),
        "lifecycle": F(field("lifecycle")),
        "licence": Case(
            When(Q(**{field("licence_osi_approved"): True}), then=Value("osi")),
            When(Q(**{field("licence_osi_approved"): False}), then=Value("not-osi")),
            default=Value("unknown"),
        ),
        "openness_step": Case(
            *[
                When(Q(**{f"{field('openness_score')}__gte": step}), then=Value(step))
                for step in reversed(OPENNESS_STEPS)
            ],
            default=Value(0),
        ),
        "weights_within": Case(
            *[
                When(weights & Q(**{f"{field('parameter_count')}__lte": count}), then=Value(count))
                for count in PARAMETER_STEPS
            ],
            When(
                weights & Q(**{f"{field('parameter_count')}__isnull": False}),
                then=F(field("parameter_count")),
            ),
            default=Value(0),
            output_field=BigIntegerField(),
        ),
    }


def counted(tally):
    """The rows ``tally`` (a tally model) should hold, counted from the entries: a list of
    dicts of its columns (foreign keys by id, as ``category_id``) and ``n``, in its key's order."""
    if tally in CHART_GROUPS:
        return chart_groups(tally)
    published = ModelEntry.objects.filter(status=Status.PUBLISHED).order_by()
    if tally is GradeTally:
        grades = Counter()
        rows = published.values_list("category", "openness_grades").annotate(Count("pk"))
        for category, letters, n in rows:
            for position in range(1, len(Dimension) + 1):  # "" past the end, as in SQL
                grades[category, position, letters[position - 1 : position]] += n
        return [
            {"category_id": category, "position": position, "letter": letter, "n": n}
            for (category, position, letter), n in sorted(grades.items())
        ]
    if tally is ScoreTally:
        score = Coalesce("openness_score", -1)
        rows = (
            published.values_list("category", score)
            .annotate(Count("pk"))
            .order_by("category", score)
        )
        return [{"category_id": c, "score": value, "n": n} for c, value, n in rows]
    if tally is ModalityTally:
        rows = ModelEntry.modalities.through.objects.filter(modelentry__status=Status.PUBLISHED)
        expressions = values("modelentry__")
        expressions["modality"] = F("modality")
    else:
        rows = ModelEntry.objects.filter(status=Status.PUBLISHED)
        expressions = values()
    key = [tally._meta.get_field(name).attname for name in tally.KEY]
    # Named apart from the entries' own fields (which the annotations may not shadow).
    picked = {f"tally_{name}": expressions[name] for name in tally.KEY}
    rows = rows.order_by().values(**picked).annotate(n=Count("pk")).order_by(*picked)
    return [
        {
            **{attname: row[f"tally_{name}"] for name, attname in zip(tally.KEY, key, strict=True)},
            "n": row["n"],
        }
        for row in rows
    ]


def chart_groups(group):
    """The rows ``group`` (ChartTier, ChartDay or ChartMaker) should hold: the charts' entries
    grouped by its key."""
    entries = chart_entries(ChartOptions("open-share"))
    if group is ChartDay:
        side = Case(
            *[When(openness_tier__in=tiers, then=Value(s)) for s, tiers in SIDE_TIERS.items()]
        )
        entries = entries.alias(side=side).filter(side__isnull=False)
        aggregates = {
            "parameters": Max("parameter_count"),
            "compute": Max("training_compute_flop"),
        }
        key = {"release_date": F("release_date"), "side": side}
    elif group is ChartTier:
        aggregates = {"year": ExtractYear("release_date")}
        key = {"openness_tier": F("openness_tier"), "release_date": F("release_date")}
    else:
        aggregates = {}
        key = {
            "organization_id": F("organization"),
            "country": F("country"),
            "openness_tier": F("openness_tier"),
            "year": ExtractYear("release_date"),
        }
    # Named apart from the entries' own fields (which the annotations may not shadow).
    rows = (
        entries.values(**{f"group_{name}": value for name, value in key.items()})
        .annotate(n=Count("pk"), **aggregates)
        .order_by(*(f"group_{name}" for name in key))
    )
    return [{name.removeprefix("group_"): value for name, value in row.items()} for row in rows]


def held(tally):
    """The rows ``tally`` holds, as ``counted`` gives them, leaving out counts fallen to 0."""
    key = [tally._meta.get_field(name).attname for name in tally.KEY]
    columns = [field.attname for field in tally._meta.concrete_fields if not field.primary_key]
    return list(tally.objects.filter(n__gt=0).values(*columns).order_by(*key))


@transaction.atomic
def rebuild():
    """Set every tally to what the entries count (and drop the counts fallen to 0): a repair,
    should a tally ever disagree with the entries (``manage.py rebuild_tallies``)."""
    for tally in TALLIES:
        tally.objects.all().delete()
        tally.objects.bulk_create(tally(**row) for row in counted(tally))
