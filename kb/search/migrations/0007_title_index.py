"""SQLite: an FTS5 table of the titles and names alone (``kb_search_titles``), tokenized as
``kb_search_fts``, where the search looks for a query in the title: a word's rows there are the
documents with it in a title, not every document holding it. The triggers on the documents are
made again to keep it with the others. The SQL is written out here as it was when this migration
was made (later changes to kb.search.backends do not reach it). PostgreSQL: nothing new.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

import kb.search.models

RunSQLOn = importlib.import_module("kb.search.migrations.0005_names_column").RunSQLOn
TRIGGERS = [
    "DROP TRIGGER IF EXISTS kb_search_document_ai",
    "DROP TRIGGER IF EXISTS kb_search_document_ad",
    "DROP TRIGGER IF EXISTS kb_search_document_au",
]
FTS = "INSERT INTO kb_search_fts(rowid, title, summary, facts, body, names) VALUES ({0}.id, {0}.title, {0}.summary, {0}.facts, {0}.body, {0}.names);"
FTS_DELETE = "INSERT INTO kb_search_fts(kb_search_fts, rowid, title, summary, facts, body, names) VALUES ('delete', {0}.id, {0}.title, {0}.summary, {0}.facts, {0}.body, {0}.names);"
WORDS = "INSERT INTO kb_search_words(rowid, title, summary, facts, names) VALUES ({0}.id, {0}.title, {0}.summary, {0}.facts, {0}.names);"
WORDS_DELETE = "INSERT INTO kb_search_words(kb_search_words, rowid, title, summary, facts, names) VALUES ('delete', {0}.id, {0}.title, {0}.summary, {0}.facts, {0}.names);"
TITLES = "INSERT INTO kb_search_titles(rowid, title, names) VALUES ({0}.id, {0}.title, {0}.names);"
TITLES_DELETE = "INSERT INTO kb_search_titles(kb_search_titles, rowid, title, names) VALUES ('delete', {0}.id, {0}.title, {0}.names);"


def triggers(inserts, deletes):
    """The documents' triggers, each keeping the tables of ``inserts`` and ``deletes``."""
    inserted = " ".join(statement.format("new") for statement in inserts)
    deleted = " ".join(statement.format("old") for statement in deletes)
    return [
        "CREATE TRIGGER kb_search_document_ai AFTER INSERT ON kb_search_document "
        f"BEGIN {inserted} END",
        "CREATE TRIGGER kb_search_document_ad AFTER DELETE ON kb_search_document "
        f"BEGIN {deleted} END",
        "CREATE TRIGGER kb_search_document_au AFTER UPDATE ON kb_search_document "
        f"BEGIN {deleted} {inserted} END",
    ]


SQLITE = [
    *TRIGGERS,
    "CREATE VIRTUAL TABLE kb_search_titles USING fts5(title, names, "
    "content='kb_search_document', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO kb_search_titles(kb_search_titles) VALUES ('rebuild')",
    "INSERT INTO kb_search_titles(kb_search_titles) VALUES ('optimize')",
    *triggers([FTS, WORDS, TITLES], [FTS_DELETE, WORDS_DELETE, TITLES_DELETE]),
]
SQLITE_REVERSE = [
    *TRIGGERS,
    "DROP TABLE IF EXISTS kb_search_titles",
    *triggers([FTS, WORDS], [FTS_DELETE, WORDS_DELETE]),
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_pages_as_documents")]

    operations = [
        migrations.CreateModel(
            name="TitleIndex",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="%(class)s",
                        serialize=False,
                        to="search.searchdocument",
                    ),
                ),
                ("table", kb.search.models.FtsField(db_column="kb_search_titles")),
            ],
            options={"db_table": "kb_search_titles", "abstract": False, "managed": False},
        ),
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
    ]
