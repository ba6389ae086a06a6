"""ModelEntry.featured: the entries a category's generated examples list first; the index those
lists walk puts them first."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0013_category_compared"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelentry",
            name="featured",
            field=models.BooleanField(
                default=False,
                help_text="Listed first where a block names a category's examples ([[examples SLUG]], the comparison's Examples row).",
            ),
        ),
        migrations.RemoveIndex(
            model_name="modelentry",
            name="entry_category_by_name",
        ),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                models.F("category"),
                models.F("status"),
                models.OrderBy(models.F("featured"), descending=True),
                django.db.models.functions.text.Lower("name"),
                models.F("id"),
                name="entry_category_featured_name",
            ),
        ),
    ]
