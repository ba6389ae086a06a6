"""The release timeline's index of each year's featured entries, a small partial one (its
counts by year and tier read from the index migration 0020 adds with the stored tier)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0018_entry_openness_score"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                condition=models.Q(("featured", True)),
                fields=["status", "release_date"],
                name="entry_featured_release",
            ),
        ),
    ]
