"""Category.compared: whether the category comparison has a column for it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0012_families_provenance"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="compared",
            field=models.BooleanField(
                default=True,
                help_text="Whether the category comparison (/compare/, [[comparison]]) has a column for it.",
                verbose_name="in the comparison",
            ),
        ),
    ]
