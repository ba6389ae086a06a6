"""ModelEntry.name_key: the name folded, so an entry is found by its name as typed without the
search index (the catalogue no longer reads the search app's tables)."""

import unicodedata

from django.db import migrations, models


def fold(text):
    """kb.catalogue.text.fold as it was when this migration was made."""
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def fill_name_keys(apps, schema_editor):
    ModelEntry = apps.get_model("kb", "ModelEntry")
    entries = list(ModelEntry.objects.only("pk", "name"))
    for entry in entries:
        entry.name_key = fold(entry.name)
    ModelEntry.objects.bulk_update(entries, ["name_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0010_markdown_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelentry",
            name="name_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(fields=["name_key"], name="entry_name_key"),
        ),
    ]
