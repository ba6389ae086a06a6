"""Rows an action adds to the database, taken once and put back in a moment.

The bundled content is what many tests start from, and loading it (``load_bundled_content``)
saves every row through the ORM, with its revision and its search document: seconds per test.
So each test process loads it once, in a transaction it rolls back, keeping the rows the load
added to each table as the database returns them; a test that asks for the content gets those
rows inserted again with plain SQL, inside its own transaction (rolled back after it, as
always), or committed in a transactional test (flushed after it, as always).

A transactional test starts from a flushed database, whose content types, permissions and
Editors group post_migrate has made again under new ids: the rows taken before do not fit it.
The seed fixture then takes the rows once more, in that state, and keeps them under the
state's shape (``shape``: its rows with ids replaced by their rank, references followed). The
next flushed database has the same shape: its rows are swapped for the ones the rows were taken
on (``put_back``), then the content goes in as above. Same rows as after a load of its own; only
the ids post_migrate handed out differ, as they do from one flush to the next.

The database does what it does on any insert: SQLite's triggers fill the full-text index from
the search documents, and the tallies' triggers count the entries (so the tallies are not
copied: their rows would be counted twice). PostgreSQL's sequences are moved past the inserted ids. The content
version row is the one row a load changes rather than adds: it is not copied, and a restore
moves it forward (``bump_content_version``) as the load did.
"""

import json
from collections import Counter

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from kb.catalogue.freshness import bump_content_version
from kb.catalogue.models import ContentVersion
from kb.catalogue.tallies import TALLIES

NOT_COPIED = {ContentVersion._meta.db_table, *(tally._meta.db_table for tally in TALLIES)}


def ordinary_tables():
    """Every table holding rows of its own: not SQLite's internal, virtual (full-text) or
    shadow tables, which its triggers keep."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM pragma_table_list "
                "WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return sorted(row[0] for row in cursor.fetchall())


def model_tables():
    """{table: (primary key column, {column: table it refers to by primary key})}."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        references = {
            field.column: field.related_model._meta.db_table
            for field in meta.concrete_fields
            if field.many_to_one or field.one_to_one
            if field.target_field == field.related_model._meta.pk
        }
        tables[meta.db_table] = (meta.pk.column, references)
    return tables


def row_dicts(table):
    columns, rows = read_rows(table)
    if columns is None:
        return [json.loads(row) for row in rows]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def shape():
    """What the models' tables hold, whatever ids they were given: each table's rows with the primary
    key replaced by its rank in the table, and each reference to a primary key by the rank of
    the row it points at. Two databases of one shape differ only by a renumbering that keeps
    the ids' order (as post_migrate's after every flush); the primary key of a table no other
    one refers to is left out (many-to-many rows are added in set order, not the ids' order).
    Columns holding ids some other way
    (a generic relation's object_id) stay as they are: databases differing there differ."""
    keys = model_tables()
    contents = {
        table: row_dicts(table)
        for table in ordinary_tables()
        if table in keys and table not in NOT_COPIED
    }
    ranks = {}
    for table, rows in contents.items():
        if table in keys:
            pk = keys[table][0]
            ranks[table] = {value: rank for rank, value in enumerate(sorted(r[pk] for r in rows))}

    referred_to = {target for _, references in keys.values() for target in references.values()}

    def canonical(table, row):
        pk, references = keys.get(table, (None, {}))
        values = []
        for column, value in sorted(row.items()):
            if column == pk and table not in referred_to:
                continue  # a label nothing points at (a many-to-many row's, given in set order)
            if column == pk:
                value = ("#", ranks[table][value])
            elif column in references and value is not None:
                target = ranks.get(references[column], {})
                value = ("#", target[value]) if value in target else ("?", value)
            values.append((column, repr(value)))
        return tuple(values)

    return tuple(
        (table, tuple(sorted(canonical(table, row) for row in rows)))
        for table, rows in sorted(contents.items())
        if rows
    )


def read_rows(table):
    """(column names, rows): rows as plain values on SQLite, as JSON texts on PostgreSQL, which
    turns them back into values of the columns' own types."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT row_to_json(t)::text FROM {quoted} AS t")
            return None, [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT * FROM {quoted}")
        return [column[0] for column in cursor.description], cursor.fetchall()


class RowSnapshot:
    def __init__(self, added, held):
        self.added = added  # {table: (columns, rows)}
        self.held = held  # {table: (columns, rows)}: what it held before, where not empty
        self.before = {table: Counter(rows) for table, (_, rows) in held.items()}

    @classmethod
    def of(cls, action, models_only=False):
        """Run ``action`` in a transaction that is rolled back, and keep the rows it added.
        ``models_only``: only the models' tables (those a flush empties), the action leaving
        the others (the database cache's, the migrations') as they were."""
        with transaction.atomic():
            tables = [table for table in ordinary_tables() if table not in NOT_COPIED]
            others = []
            if models_only:
                others = [table for table in tables if table not in model_tables()]
                tables = [table for table in tables if table not in others]
            left = {table: Counter(read_rows(table)[1]) for table in others}
            held = {table: read_rows(table) for table in tables}
            before = {table: Counter(rows) for table, (_, rows) in held.items()}
            action()
            added = {}
            for table in tables:
                columns, rows = read_rows(table)
                remaining = Counter(before[table])
                new = []
                for row in rows:
                    if remaining[row]:
                        remaining[row] -= 1
                    else:
                        new.append(row)
                assert len(rows) - len(new) == sum(before[table].values()), (
                    f"{table}: the action changed or removed rows; only added ones can be copied"
                )
                if new:
                    added[table] = (columns, new)
            for table in others:
                assert Counter(read_rows(table)[1]) == left[table], (
                    f"{table}: the action wrote to a table the copy leaves out"
                )
            transaction.set_rollback(True)
        return cls(added, {table: held[table] for table in tables if held[table][1]})

    def put_back(self):
        """Replace every row of the models' tables (but the content version) with those they
        held when the rows were taken: for a database of the same ``shape``, whose ids differ."""
        tables = model_tables().keys() - NOT_COPIED
        with transaction.atomic(), connection.cursor() as cursor:
            for table in sorted(set(ordinary_tables()) & tables):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            self.insert(cursor, {t: rows for t, rows in self.held.items() if t in tables})
        ContentType.objects.clear_cache()

    def fits(self):
        """Whether the rows can go in: the tables they go to hold what they held when the rows
        were taken (the test has added nothing there yet, so their ids are free), and the rows
        they may point at are still there (a transactional test's flush recreates content
        types and permissions under new ids)."""
        for table in self.added.keys() | self.before.keys():
            now, before = Counter(read_rows(table)[1]), self.before.get(table, Counter())
            if now != before if table in self.added else now & before != before:
                return False
        return True

    def restore(self):
        with transaction.atomic(), connection.cursor() as cursor:
            self.insert(cursor, self.added)
            if connection.vendor == "postgresql":
                models = apps.get_models(include_auto_created=True)
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            bump_content_version()

    @staticmethod
    def insert(cursor, tables):
        for table, (columns, rows) in tables.items():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {quoted} SELECT * FROM json_populate_recordset(NULL::{quoted}, %s)",
                    ["[" + ",".join(rows) + "]"],
                )
                continue
            names = ", ".join(connection.ops.quote_name(name) for name in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({marks})", rows)
