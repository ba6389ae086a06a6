"""Dates and lifecycle (announced, status with its date and source), the openness tier (stored,
filled here for the rows there are), modalities in and out, the terms that govern use, and a
note on each openness grade."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

import kb.catalogue.models


def tier(access, weights_use, grades):
    """kb.catalogue.openness.tier_of as it was when this migration was made."""
    if access == "unreleased":
        return "unreleased"
    weights = grades.get("weights")
    if access in ("weights", "both") or weights in ("open", "partial"):
        if weights_use in ("restricted", "non_commercial") or (
            weights == "partial" or grades.get("weights_licence") in ("partial", "closed")
        ):
            return "restricted_weights"
        if grades.get("training_code") == "open" and grades.get("training_data") == "open":
            return "fully_open"
        return "open_weights"
    if access == "hosted" or grades.get("api") == "open":
        return "hosted"
    return "unknown"


def fill_tiers(apps, schema_editor):
    ModelEntry = apps.get_model("kb", "ModelEntry")
    OpennessGrade = apps.get_model("kb", "OpennessGrade")
    grades = defaultdict(dict)
    for entry_id, dimension, grade in OpennessGrade.objects.values_list(
        "entry_id", "dimension", "grade"
    ):
        grades[entry_id][dimension] = grade
    entries = list(ModelEntry.objects.only("pk", "access", "weights_use"))
    for entry in entries:
        entry.openness_tier = tier(entry.access, entry.weights_use, grades[entry.pk])
    ModelEntry.objects.bulk_update(entries, ["openness_tier"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0019_timeline_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="modelentry",
            name="announced_date",
            field=models.DateField(
                blank=True,
                help_text="When the maker first announced or published it (a blog post, a paper); the release may come later. Leave empty if not known.",
                null=True,
                validators=[kb.catalogue.models.validate_not_far_future],
                verbose_name="announced",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="input_modalities",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What it reads (GPT-4: text and images).",
                verbose_name="reads",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="lifecycle",
            field=models.CharField(
                blank=True,
                choices=[
                    ("available", "Available"),
                    ("deprecated", "Deprecated"),
                    ("retired", "Retired"),
                    ("discontinued", "Discontinued"),
                ],
                help_text="Whether it can still be used. Empty if not known.",
                max_length=12,
                verbose_name="lifecycle status",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="lifecycle_date",
            field=models.DateField(
                blank=True,
                help_text="The day the status began (deprecated on, retired on...).",
                null=True,
                validators=[kb.catalogue.models.validate_not_far_future],
                verbose_name="status since",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="lifecycle_source_url",
            field=kb.catalogue.models.URIField(
                blank=True,
                help_text="The maker's page that says so.",
                max_length=500,
                verbose_name="status source URL",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="openness_tier",
            field=models.CharField(
                choices=[
                    ("fully_open", "Fully open (weights, code and data)"),
                    ("open_weights", "Open weights"),
                    ("restricted_weights", "Restricted weights"),
                    ("hosted", "API or product only"),
                    ("unreleased", "Not released"),
                    ("unknown", "Not known"),
                ],
                default="unknown",
                editable=False,
                max_length=20,
            ),
        ),
        migrations.RunPython(fill_tiers, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="modelentry",
            name="output_modalities",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What it writes (GPT-4: text).",
                verbose_name="writes",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="terms_url",
            field=kb.catalogue.models.URIField(
                blank=True,
                help_text="The document that governs use where the licence does not say it all, or where there is no licence (a hosted model's service agreement or usage policy).",
                max_length=500,
                verbose_name="terms of use URL",
            ),
        ),
        migrations.AddField(
            model_name="opennessgrade",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="Why this grade: what the source says (weights on request, say).",
            ),
        ),
        migrations.AlterField(
            model_name="factprovenance",
            name="fact",
            field=models.CharField(
                choices=[
                    ("name", "Name"),
                    ("organizations", "Organizations"),
                    ("announced_date", "Announced"),
                    ("release_date", "Release date"),
                    ("modalities", "Modalities"),
                    ("parameters", "Parameters"),
                    ("training_compute", "Training compute"),
                    ("training_dataset_size", "Training dataset size"),
                    ("access", "Access"),
                    ("licence", "Licence"),
                    ("country", "Country"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="modelentry",
            name="modalities",
            field=models.ManyToManyField(
                blank=True,
                help_text="Every modality it works with, read or written: the directory filters by these. The input and output ones are added on save in the admin.",
                related_name="entries",
                to="kb.modality",
            ),
        ),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(fields=["openness_tier"], name="entry_openness_tier"),
        ),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(fields=["lifecycle"], name="entry_lifecycle"),
        ),
        # The timeline's counts by year and tier, read from the index alone.
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(
                fields=["status", "release_date", "openness_tier"], name="entry_timeline_counts"
            ),
        ),
    ]
