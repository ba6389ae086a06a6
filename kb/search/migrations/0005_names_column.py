"""Names and synonyms: a names column in the documents, searched with the title and never
shown in a snippet; the synonyms editors keep, with a first few.

SQLite: the FTS5 tables gain the column, so they, their vocabulary and their triggers are made
again (adding a column with a default remakes ``kb_search_document``, which drops its triggers
anyway). The SQL is written out here as it was when this migration was made: later changes to
kb.search.backends do not reach it. PostgreSQL builds its vectors in code: nothing new here.

Documents indexed before this migration lack their names, and their ``title_key`` is the old
folded title: ``manage.py rebuild_search_index`` once after it.
"""

from django.db import migrations, models


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database engine; nothing on the others."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


DROP = [
    "DROP TRIGGER IF EXISTS kb_search_document_ai",
    "DROP TRIGGER IF EXISTS kb_search_document_ad",
    "DROP TRIGGER IF EXISTS kb_search_document_au",
    "DROP TABLE IF EXISTS kb_search_vocabulary",
    "DROP TABLE IF EXISTS kb_search_fts",
    "DROP TABLE IF EXISTS kb_search_words",
]
SQLITE = [
    *DROP,
    "CREATE VIRTUAL TABLE kb_search_fts USING fts5(title, summary, facts, body, names, "
    "content='kb_search_document', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO kb_search_fts(kb_search_fts) VALUES ('rebuild')",
    "INSERT INTO kb_search_fts(kb_search_fts) VALUES ('optimize')",
    "CREATE VIRTUAL TABLE kb_search_words USING fts5(title, summary, facts, names, "
    "content='kb_search_document', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "INSERT INTO kb_search_words(kb_search_words) VALUES ('rebuild')",
    "INSERT INTO kb_search_words(kb_search_words) VALUES ('optimize')",
    "CREATE VIRTUAL TABLE kb_search_vocabulary USING fts5vocab(kb_search_words, 'row')",
    "CREATE TRIGGER kb_search_document_ai AFTER INSERT ON kb_search_document BEGIN "
    "INSERT INTO kb_search_fts(rowid, title, summary, facts, body, names) "
    "VALUES (new.id, new.title, new.summary, new.facts, new.body, new.names); "
    "INSERT INTO kb_search_words(rowid, title, summary, facts, names) "
    "VALUES (new.id, new.title, new.summary, new.facts, new.names); END",
    "CREATE TRIGGER kb_search_document_ad AFTER DELETE ON kb_search_document BEGIN "
    "INSERT INTO kb_search_fts(kb_search_fts, rowid, title, summary, facts, body, names) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts, old.body, old.names); "
    "INSERT INTO kb_search_words(kb_search_words, rowid, title, summary, facts, names) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts, old.names); END",
    "CREATE TRIGGER kb_search_document_au AFTER UPDATE ON kb_search_document BEGIN "
    "INSERT INTO kb_search_fts(kb_search_fts, rowid, title, summary, facts, body, names) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts, old.body, old.names); "
    "INSERT INTO kb_search_words(kb_search_words, rowid, title, summary, facts, names) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts, old.names); "
    "INSERT INTO kb_search_fts(rowid, title, summary, facts, body, names) "
    "VALUES (new.id, new.title, new.summary, new.facts, new.body, new.names); "
    "INSERT INTO kb_search_words(rowid, title, summary, facts, names) "
    "VALUES (new.id, new.title, new.summary, new.facts, new.names); END",
]
# Back to 0002's tables, which the reversed AddField leaves without triggers: rebuild the index.
SQLITE_REVERSE = DROP

FIRST_SYNONYMS = [
    ("open weights, open-weights, open source, open-source", "What visitors call open models."),
    ("proprietary, closed, closed-source, closed source", "What visitors call closed models."),
    ("LLM, language model, large language model", ""),
]


def add_first_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(Synonym(terms=terms, note=note) for terms, note in FIRST_SYNONYMS)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_comparison_documents")]

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "terms",
                    models.TextField(
                        help_text="The words or phrases that mean the same, separated by commas "
                        "or one a line, e.g. “open weights, open-weights, open source”."
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="Why, for other editors.", max_length=200
                    ),
                ),
            ],
            options={"db_table": "kb_search_synonym", "ordering": ["terms"]},
        ),
        migrations.RunPython(add_first_synonyms, migrations.RunPython.noop),
        migrations.AddField(
            model_name="searchdocument",
            name="names",
            field=models.TextField(
                blank=True,
                help_text="A model's names as runs of letters and digits: searched with the "
                "title, never shown in a snippet.",
            ),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="title_key",
            field=models.TextField(
                help_text="The title as names are compared: its runs of letters and digits, "
                "folded to lower case without accents, joined by spaces "
                "(kb.search.names.name_key)."
            ),
        ),
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
    ]
