"""Migrations are history: they create what they create with SQL frozen in the file, never by
calling today's code. A freshly migrated database holds what each search engine needs."""

import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection, models

import kb
from kb.search.backends import SAMPLE_MODULUS, SAMPLE_SHARES
from kb.search.backends.sqlite import SQLiteBackend

MIGRATIONS = sorted(
    path for path in Path(kb.__file__).parent.rglob("migrations/*.py") if path.stem != "__init__"
)
# Django's migration writer imports the project's modules only to name fields and validators
# (``import kb.catalogue.models``, then ``kb.catalogue.models.URIField(...)``).
MODEL_MODULES = {"kb.catalogue.models", "kb.search.models"}


def project_references(source):
    """What ``source`` (a migration) takes from the project beyond fields and validators."""
    problems = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module or "").split(".")[0] == "kb":
                problems.append(f"from {'.' * node.level}{node.module or ''} import ...")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kb" and alias.name not in MODEL_MODULES:
                    problems.append(f"import {alias.name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            module = ast.unparse(node.value)
            if module in MODEL_MODULES and not field_or_validator(module, node.attr):
                problems.append(f"{module}.{node.attr}")
    return problems


def field_or_validator(module, name):
    thing = getattr(importlib.import_module(module), name, None)
    if isinstance(thing, type):
        return issubclass(thing, models.Field)
    return callable(thing) and name.startswith("validate_")


@pytest.mark.parametrize(
    "path", MIGRATIONS, ids=lambda path: f"{path.parent.parent.name}/{path.stem}"
)
def test_migrations_take_only_fields_and_validators_from_the_project(path):
    assert project_references(path.read_text()) == []


def test_a_migration_calling_a_backend_is_refused():
    source = """
from django.db import migrations
from kb.search.backends import backend_for
import kb.search.indexing
import kb.catalogue.models

def install(apps, schema_editor):
    backend_for(schema_editor.connection.vendor).install(schema_editor.connection)
    kb.search.indexing.rebuild()
    kb.catalogue.models.load_something()
"""
    assert project_references(source) == [
        "from kb.search.backends import ...",
        "import kb.search.indexing",
        "kb.catalogue.models.load_something",
    ]


def test_field_and_validator_references_are_allowed():
    source = """
import kb.catalogue.models
import kb.search.models
field = kb.catalogue.models.URIField(validators=[kb.catalogue.models.validate_markdown_length])
fts = kb.search.models.FtsField(db_column="kb_search_fts")
"""
    assert project_references(source) == []


def schema(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_the_migrated_sqlite_database_has_the_fts_tables_and_triggers():
    def search_objects():
        return schema(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type IN ('table', 'trigger') AND name IN (%s, %s, %s, %s, %s, %s, %s)",
            "kb_search_fts",
            "kb_search_words",
            "kb_search_titles",
            "kb_search_vocabulary",
            "kb_search_document_ai",
            "kb_search_document_ad",
            "kb_search_document_au",
        )

    migrated = search_objects()
    assert migrated["kb_search_fts"] == (
        "CREATE VIRTUAL TABLE kb_search_fts USING fts5(title, summary, facts, body, names, "
        "content='kb_search_document', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    assert migrated["kb_search_words"] == (
        "CREATE VIRTUAL TABLE kb_search_words USING fts5(title, summary, facts, names, "
        "content='kb_search_document', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    assert migrated["kb_search_titles"] == (
        "CREATE VIRTUAL TABLE kb_search_titles USING fts5(title, names, "
        "content='kb_search_document', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    assert migrated["kb_search_vocabulary"] == (
        "CREATE VIRTUAL TABLE kb_search_vocabulary USING fts5vocab(kb_search_words, 'row')"
    )
    for trigger, event in [("ai", "INSERT"), ("ad", "DELETE"), ("au", "UPDATE")]:
        assert migrated[f"kb_search_document_{trigger}"].startswith(
            f"CREATE TRIGGER kb_search_document_{trigger} AFTER {event} ON kb_search_document"
        )
        assert "INTO kb_search_titles(" in migrated[f"kb_search_document_{trigger}"]
    # The rebuild command creates them again from the backend's own SQL: the same.
    SQLiteBackend().install(connection)
    assert search_objects() == migrated


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_the_migrated_postgresql_database_has_the_search_indexes():
    indexes = schema(
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE tablename IN ('kb_search_document', 'kb_search_word')"
    )
    sample = f"(id % ({SAMPLE_MODULUS})::bigint)"
    expected = {
        "kb_search_document_vector": "kb_search_document USING gin (search_vector)",
        "kb_search_document_title_vector": "kb_search_document USING gin (title_vector)",
        "kb_search_document_sample": f"kb_search_document USING btree (({sample}))",
        "kb_search_document_sample_vector": (
            f"kb_search_document USING gin (search_vector) WHERE ({sample} < {SAMPLE_SHARES[0]})"
        ),
        "kb_search_word_trigram": "kb_search_word USING gist (word gist_trgm_ops)",
    }
    for name, definition in expected.items():
        assert indexes[name] == f"CREATE INDEX {name} ON public.{definition}"
    assert "kb_search_word_pkey" in indexes
    configurations = schema(
        "SELECT cfgname, cfgname FROM pg_ts_config WHERE cfgname IN ('kb_english', 'kb_simple')"
    )
    assert set(configurations) == {"kb_english", "kb_simple"}
    extensions = schema(
        "SELECT extname, extname FROM pg_extension WHERE extname IN ('pg_trgm', 'unaccent')"
    )
    assert set(extensions) == {"pg_trgm", "unaccent"}
