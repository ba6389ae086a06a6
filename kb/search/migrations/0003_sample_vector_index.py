"""PostgreSQL: a GIN index over the vectors of the sampled documents (see the backend).

The vectors of the smallest sample alone, the one a broad query is counted in: a common word's
or a short prefix's matches there are found without reading its long list of matches in the
whole index (10 to 15 ms of about 20 at 100,000 documents, measured). The SQL is written out
here as it was when this migration was made; SQLite has nothing new.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_search_document_sample_vector "
            "ON kb_search_document USING gin (search_vector) WHERE (id % 64) < 1",
            params=None,  # no placeholders: the % is the modulo operator
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_search_document_sample_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine_indexes")]

    operations = [migrations.RunPython(create, drop)]
