"""PostgreSQL: a GIN index over the vectors of the sampled documents (see the backend)."""

from django.db import migrations

from kb.search.backends import backend_for


def install(apps, schema_editor):
    # The backend's install creates only what is missing; SQLite has nothing new.
    if schema_editor.connection.vendor == "postgresql":
        backend_for("postgresql").install(schema_editor.connection)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_search_document_sample_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine_indexes")]

    operations = [migrations.RunPython(install, drop)]
