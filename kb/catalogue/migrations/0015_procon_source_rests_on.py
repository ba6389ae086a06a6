"""ProCon.source_url (where a model's own point comes from) and ProCon.rests_on (the openness
dimensions a category's point needs)."""

from django.db import migrations, models

import kb.catalogue.models


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0014_entry_featured"),
    ]

    operations = [
        migrations.AddField(
            model_name="procon",
            name="source_url",
            field=kb.catalogue.models.URIField(
                blank=True, max_length=500, verbose_name="source URL"
            ),
        ),
        migrations.AddField(
            model_name="procon",
            name="rests_on",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The openness dimensions this point needs (a category's points): a model that grades one of them closed does not show it as typical of its category.",
                validators=[kb.catalogue.models.validate_dimensions],
                verbose_name="rests on",
            ),
        ),
    ]
