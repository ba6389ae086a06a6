"""What each database engine needs beyond the document table.

SQLite: the FTS5 tables and the triggers that keep them in step. PostgreSQL: the pg_trgm and
unaccent extensions, the kb_english text search configuration and the GIN indexes. Each step
checks the connection's vendor (the extension operations do so themselves), so the migration
runs on both.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from kb.search.backends import backend_for


def install(apps, schema_editor):
    backend_for(schema_editor.connection.vendor).install(schema_editor.connection)


def uninstall(apps, schema_editor):
    backend_for(schema_editor.connection.vendor).uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_document")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(install, uninstall),
    ]
