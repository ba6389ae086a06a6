"""Rows an action adds to the database, taken once and put back in a moment.

The bundled content is what many tests start from, and loading it (``load_bundled_content``)
saves every row through the ORM, with its revision and its search document: seconds per test.
So each test process loads it once, in a transaction it rolls back, keeping the rows the load
added to each table as the database returns them; a test that asks for the content gets those
rows inserted again with plain SQL, inside its own transaction (rolled back after it, as
always), or committed in a transactional test (flushed after it, as always).

The database does what it does on any insert: SQLite's triggers fill the full-text index from
the search documents, and the tallies' triggers count the entries (so the tallies are not
copied: their rows would be counted twice). PostgreSQL's sequences are moved past the inserted ids. The content
version row is the one row a load changes rather than adds: it is not copied, and a restore
moves it forward (``bump_content_version``) as the load did.
"""

from collections import Counter

from django.apps import apps
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
    def __init__(self, added, before):
        self.added = added  # {table: (columns, rows)}
        self.before = before  # {table: Counter of the rows it held}

    @classmethod
    def of(cls, action):
        """Run ``action`` in a transaction that is rolled back, and keep the rows it added."""
        with transaction.atomic():
            tables = [table for table in ordinary_tables() if table not in NOT_COPIED]
            before = {table: Counter(read_rows(table)[1]) for table in tables}
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
            transaction.set_rollback(True)
        return cls(added, {table: rows for table, rows in before.items() if rows})

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
            for table, (columns, rows) in self.added.items():
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
            if connection.vendor == "postgresql":
                models = apps.get_models(include_auto_created=True)
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            bump_content_version()
