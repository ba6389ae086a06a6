"""The release timeline's indexes: its counts by year and openness tier read from one index
alone, and each year's featured entries from a small partial one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0018_entry_openness_score"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                fields=["status", "release_date", "access", "weights_use", "licence_osi_approved"],
                name="entry_timeline_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                condition=models.Q(("featured", True)),
                fields=["status", "release_date"],
                name="entry_featured_release",
            ),
        ),
    ]
