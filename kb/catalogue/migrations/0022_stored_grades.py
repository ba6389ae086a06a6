"""ModelEntry.openness_grades: each dimension's grade stored on the entry, a letter each in the
dimensions' order (kb.catalogue.openness), filled here for the entries there are, with the
indexes the category comparison's openness summary and licences are read from.

The dimensions and letters are frozen here as they were written, not imported from today's code.
"""

from django.db import migrations, models
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Left

DIMENSIONS = (
    "weights",
    "training_code",
    "training_data",
    "weights_licence",
    "paper",
    "model_card",
    "datasheet",
    "package",
    "api",
)


def store_grades(apps, schema_editor):
    ModelEntry = apps.get_model("kb", "ModelEntry")
    OpennessGrade = apps.get_model("kb", "OpennessGrade")
    grades = OpennessGrade.objects.filter(entry=OuterRef("pk")).order_by()
    letters = [
        Coalesce(
            Subquery(grades.filter(dimension=dimension).values(letter=Left("grade", 1))),
            Value("u"),
            output_field=CharField(),
        )
        for dimension in DIMENSIONS
    ]
    ModelEntry.objects.using(schema_editor.connection.alias).update(
        openness_grades=Concat(*letters, output_field=CharField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0021_facet_and_family_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelentry",
            name="openness_grades",
            field=models.CharField(blank=True, default="", editable=False, max_length=16),
        ),
        migrations.RunPython(store_grades, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                fields=["status", "category", "openness_grades", "openness_score"],
                name="entry_openness_summary",
            ),
        ),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                fields=["status", "category", "licence_name", "licence_osi_approved"],
                name="entry_category_licences",
            ),
        ),
    ]
