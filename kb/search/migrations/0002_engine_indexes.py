"""What each database engine needs beyond the document table.

SQLite: the FTS5 tables over the documents, the vocabulary and the triggers that keep them in
step. PostgreSQL: the pg_trgm and unaccent extensions, the kb_english and kb_simple text search
configurations, the GIN and sample indexes and the table of words. The SQL is written out here
as it was when this migration was made: later changes to kb.search.backends do not reach it.
"""

from django.db import migrations


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


SQLITE = [
    "CREATE VIRTUAL TABLE kb_search_fts USING fts5(title, summary, facts, body, "
    "content='kb_search_document', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE kb_search_words USING fts5(title, summary, facts, "
    "content='kb_search_document', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    # Index whatever documents exist (none, on a database migrated in order).
    "INSERT INTO kb_search_fts(kb_search_fts) VALUES ('rebuild')",
    "INSERT INTO kb_search_words(kb_search_words) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE kb_search_vocabulary USING fts5vocab(kb_search_words, 'row')",
    "CREATE TRIGGER kb_search_document_ai AFTER INSERT ON kb_search_document BEGIN "
    "INSERT INTO kb_search_fts(rowid, title, summary, facts, body) "
    "VALUES (new.id, new.title, new.summary, new.facts, new.body); "
    "INSERT INTO kb_search_words(rowid, title, summary, facts) "
    "VALUES (new.id, new.title, new.summary, new.facts); END",
    "CREATE TRIGGER kb_search_document_ad AFTER DELETE ON kb_search_document BEGIN "
    "INSERT INTO kb_search_fts(kb_search_fts, rowid, title, summary, facts, body) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts, old.body); "
    "INSERT INTO kb_search_words(kb_search_words, rowid, title, summary, facts) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts); END",
    "CREATE TRIGGER kb_search_document_au AFTER UPDATE ON kb_search_document BEGIN "
    "INSERT INTO kb_search_fts(kb_search_fts, rowid, title, summary, facts, body) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts, old.body); "
    "INSERT INTO kb_search_words(kb_search_words, rowid, title, summary, facts) "
    "VALUES ('delete', old.id, old.title, old.summary, old.facts); "
    "INSERT INTO kb_search_fts(rowid, title, summary, facts, body) "
    "VALUES (new.id, new.title, new.summary, new.facts, new.body); "
    "INSERT INTO kb_search_words(rowid, title, summary, facts) "
    "VALUES (new.id, new.title, new.summary, new.facts); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS kb_search_document_ai",
    "DROP TRIGGER IF EXISTS kb_search_document_ad",
    "DROP TRIGGER IF EXISTS kb_search_document_au",
    "DROP TABLE IF EXISTS kb_search_vocabulary",
    "DROP TABLE IF EXISTS kb_search_fts",
    "DROP TABLE IF EXISTS kb_search_words",
]

POSTGRESQL = [
    # What django.contrib.postgres's TrigramExtension and UnaccentExtension do, whose reverse
    # also runs on SQLite (and fails there).
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kb_english') THEN
            CREATE TEXT SEARCH CONFIGURATION kb_english (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION kb_english
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$""",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kb_simple') THEN
            CREATE TEXT SEARCH CONFIGURATION kb_simple (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION kb_simple
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    "CREATE INDEX IF NOT EXISTS kb_search_document_vector "
    "ON kb_search_document USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS kb_search_document_title_vector "
    "ON kb_search_document USING gin (title_vector)",
    # Samples the documents without visiting the others (see Matcher.sample).
    "CREATE INDEX IF NOT EXISTS kb_search_document_sample ON kb_search_document ((id % 64))",
    # The words of titles, summaries and facts, for spelling suggestions. GiST, not GIN: it
    # returns the nearest words by trigram distance without a threshold.
    "CREATE TABLE IF NOT EXISTS kb_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS kb_search_word_trigram "
    "ON kb_search_word USING gist (word gist_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS kb_search_word",
    "DROP INDEX IF EXISTS kb_search_document_sample",
    "DROP INDEX IF EXISTS kb_search_document_title_vector",
    "DROP INDEX IF EXISTS kb_search_document_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_simple",
    "DROP EXTENSION IF EXISTS unaccent",
    "DROP EXTENSION IF EXISTS pg_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_document")]

    operations = [
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
        RunSQLOn("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
