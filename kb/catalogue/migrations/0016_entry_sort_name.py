"""ModelEntry.sort_name: the name as the directory sorts it, leading punctuation ignored, so the
Epoch catalogue's "(ensemble): AWD-LSTM-DOC ..." no longer opens the A-Z list; indexed, since
the directory orders every page by it."""

import unicodedata

from django.db import migrations, models


def sort_key(text):
    """kb.catalogue.text.sort_key as it was when this migration was made."""
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())
    start = next((i for i, ch in enumerate(folded) if ch.isalnum()), 0)
    return folded[start:]


def fill_sort_names(apps, schema_editor):
    ModelEntry = apps.get_model("kb", "ModelEntry")
    entries = list(ModelEntry.objects.only("pk", "name"))
    for entry in entries:
        entry.sort_name = sort_key(entry.name)
    ModelEntry.objects.bulk_update(entries, ["sort_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0015_procon_source_rests_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelentry",
            name="sort_name",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="modelentry",
            index=models.Index(fields=["status", "sort_name", "id"], name="entry_status_sort_name"),
        ),
    ]
