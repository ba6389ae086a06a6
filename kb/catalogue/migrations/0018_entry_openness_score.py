"""ModelEntry.openness_score and openness_graded: the openness score and its coverage stored
(kb.catalogue.openness), computed here for the entries there are, with the index the directory's
"most open first" and least-score filter walk.

The arithmetic is frozen here as it was written (open 2 half-points, partial 1; a score from 5 of
9 graded dimensions; halves rounded up), not imported from today's code.
"""

from django.db import migrations, models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

MINIMUM_GRADED = 5


def store_scores(apps, schema_editor):
    ModelEntry = apps.get_model("kb", "ModelEntry")
    OpennessGrade = apps.get_model("kb", "OpennessGrade")
    grades = OpennessGrade.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
    half_points = grades.annotate(
        total=Sum(
            Case(
                When(grade="open", then=Value(2)),
                When(grade="partial", then=Value(1)),
                default=Value(0),
            )
        )
    ).values("total")
    known = Coalesce(
        Subquery(grades.filter(~Q(grade="unknown")).annotate(total=Count("pk")).values("total")),
        0,
        output_field=IntegerField(),
    )
    ModelEntry.objects.using(schema_editor.connection.alias).update(
        openness_graded=known,
        openness_score=Case(
            When(
                GreaterThanOrEqual(known, MINIMUM_GRADED),
                then=(Subquery(half_points, output_field=IntegerField()) * 100 + known)
                / (known * 2),
            ),
            default=None,
            output_field=IntegerField(),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0017_api_price"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelentry",
            name="openness_graded",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, help_text="How many dimensions have a known grade."
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="openness_score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                editable=False,
                help_text="0-100 over the graded dimensions; empty under the minimum graded.",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                models.F("status"),
                models.OrderBy(models.F("openness_score"), descending=True),
                models.F("sort_name"),
                models.F("id"),
                name="entry_status_openness",
            ),
        ),
        migrations.RunPython(store_scores, migrations.RunPython.noop, elidable=True),
    ]
