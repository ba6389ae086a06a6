"""Families and variants, several organizations, organization and entry aliases, the provenance
and confidence of imported facts (Dataset, FactProvenance), what imports last wrote
(ImportRecord), total and active parameters, training compute and data, country."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import kb.catalogue.models


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0011_name_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Dataset",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("publisher", models.CharField(help_text="E.g. Epoch AI.", max_length=100)),
                ("name", models.CharField(help_text="E.g. Notable AI Models.", max_length=150)),
                ("slug", models.SlugField(max_length=100, unique=True)),
                (
                    "url",
                    kb.catalogue.models.URIField(
                        help_text="Where the dataset and its documentation are published.",
                        verbose_name="URL",
                    ),
                ),
                (
                    "licence_name",
                    models.CharField(
                        help_text="E.g. CC BY 4.0.", max_length=100, verbose_name="licence"
                    ),
                ),
                ("licence_url", kb.catalogue.models.URIField(verbose_name="licence URL")),
            ],
            options={
                "ordering": ["publisher", "name"],
            },
        ),
        migrations.CreateModel(
            name="EntryAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150)),
                ("name_key", models.TextField(editable=False, unique=True)),
            ],
            options={
                "verbose_name": "model entry alias",
                "verbose_name_plural": "model entry aliases",
                "ordering": ["name"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="FactProvenance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "fact",
                    models.CharField(
                        choices=[
                            ("name", "Name"),
                            ("organizations", "Organizations"),
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
                ("retrieved_on", models.DateField(help_text="The day the dataset was downloaded.")),
                (
                    "confidence",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("confident", "Confident"),
                            ("likely", "Likely"),
                            ("speculative", "Speculative"),
                            ("unknown", "Unknown"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "note",
                    models.TextField(blank=True, help_text="The dataset's own note on the value."),
                ),
            ],
            options={
                "verbose_name_plural": "fact provenance",
                "ordering": ["entry", "fact"],
            },
        ),
        migrations.CreateModel(
            name="ImportRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.TextField(
                        help_text="The row's name in the dataset, folded (text.fold)."
                    ),
                ),
                (
                    "values",
                    models.JSONField(
                        default=dict, help_text="Each field as the import last wrote it."
                    ),
                ),
            ],
            options={
                "ordering": ["dataset", "key"],
            },
        ),
        migrations.CreateModel(
            name="OrganizationAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150)),
                ("name_key", models.TextField(editable=False, unique=True)),
            ],
            options={
                "verbose_name": "organization alias",
                "verbose_name_plural": "organization aliases",
                "ordering": ["name"],
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="modelentry",
            name="active_parameter_count",
            field=models.PositiveBigIntegerField(
                blank=True,
                help_text="For a mixture of experts: the parameters used per token. Empty otherwise.",
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="country",
            field=models.CharField(
                blank=True, help_text="Of the organizations, comma-separated.", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="family",
            field=models.ForeignKey(
                blank=True,
                help_text="The family this model is a size or version of.",
                limit_choices_to={"is_family": True},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="variants",
                to="kb.modelentry",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="is_family",
            field=models.BooleanField(
                default=False,
                help_text="A family of models (sizes, dated versions): its page lists its variants.",
                verbose_name="family",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="other_organizations",
            field=models.ManyToManyField(
                blank=True,
                help_text="Organizations that made it together with the lead one.",
                related_name="co_entries",
                to="kb.organization",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="training_compute_flop",
            field=models.FloatField(
                blank=True,
                help_text="Floating-point operations spent training it. Empty if unknown.",
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="training compute (FLOP)",
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="training_dataset_size",
            field=models.FloatField(
                blank=True,
                help_text="Datapoints it was trained on, as Epoch AI counts them (tokens or words for language, images for vision). Empty if unknown.",
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="modelentry",
            name="weights_use",
            field=models.CharField(
                blank=True,
                choices=[
                    ("unrestricted", "Unrestricted"),
                    ("restricted", "Restricted use"),
                    ("non_commercial", "Non-commercial use only"),
                ],
                help_text="What the terms of downloadable weights allow. Empty if unknown or no weights.",
                max_length=20,
                verbose_name="use of the weights",
            ),
        ),
        migrations.AlterField(
            model_name="modelentry",
            name="access",
            field=models.CharField(
                blank=True,
                choices=[
                    ("weights", "Downloadable weights"),
                    ("hosted", "API or product only"),
                    ("both", "Weights and hosted API"),
                    ("unreleased", "Not released"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="modelentry",
            name="organization",
            field=models.ForeignKey(
                help_text="The lead (or only) organization.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="kb.organization",
            ),
        ),
        migrations.AlterField(
            model_name="modelentry",
            name="parameter_count",
            field=models.PositiveBigIntegerField(
                blank=True,
                help_text="The largest size as a plain number of parameters (all of them, for a mixture of experts), for sorting.",
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AddConstraint(
            model_name="modelentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("active_parameter_count__isnull", True),
                    ("active_parameter_count__gt", 0),
                    _connector="OR",
                ),
                name="entry_active_parameters_positive",
                violation_error_message="An active parameter count must be positive; leave it empty if unknown.",
            ),
        ),
        migrations.AddConstraint(
            model_name="modelentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("training_compute_flop__isnull", True),
                    ("training_compute_flop__gte", 0),
                    _connector="OR",
                ),
                name="entry_training_compute_not_negative",
                violation_error_message="Training compute cannot be negative; leave it empty if unknown.",
            ),
        ),
        migrations.AddConstraint(
            model_name="modelentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("training_dataset_size__isnull", True),
                    ("training_dataset_size__gte", 0),
                    _connector="OR",
                ),
                name="entry_dataset_size_not_negative",
                violation_error_message="A dataset size cannot be negative; leave it empty if unknown.",
            ),
        ),
        migrations.AddConstraint(
            model_name="modelentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("family__isnull", True), ("is_family", False), _connector="OR"),
                name="entry_family_one_level",
                violation_error_message="A family cannot itself belong to a family.",
            ),
        ),
        migrations.AddField(
            model_name="entryalias",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="aliases",
                to="kb.modelentry",
            ),
        ),
        migrations.AddField(
            model_name="factprovenance",
            name="dataset",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="facts", to="kb.dataset"
            ),
        ),
        migrations.AddField(
            model_name="factprovenance",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="provenance",
                to="kb.modelentry",
            ),
        ),
        migrations.AddField(
            model_name="importrecord",
            name="dataset",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="records", to="kb.dataset"
            ),
        ),
        migrations.AddField(
            model_name="importrecord",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="import_records",
                to="kb.modelentry",
            ),
        ),
        migrations.AddField(
            model_name="organizationalias",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="aliases",
                to="kb.organization",
            ),
        ),
        migrations.AddConstraint(
            model_name="factprovenance",
            constraint=models.UniqueConstraint(
                fields=("entry", "fact", "dataset"), name="provenance_one_per_fact_and_dataset"
            ),
        ),
        migrations.AddConstraint(
            model_name="importrecord",
            constraint=models.UniqueConstraint(
                fields=("dataset", "key"), name="import_record_one_per_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="importrecord",
            constraint=models.UniqueConstraint(
                fields=("dataset", "entry"), name="import_record_one_per_entry"
            ),
        ),
    ]
