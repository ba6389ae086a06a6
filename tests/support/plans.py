"""How SQLite plans the queries a page runs (``EXPLAIN QUERY PLAN``), for the tests that pin a
page's counts to an index read in its own order: at 100,000 entries, a count that sorts its
rows first, or reads the table's, costs many times more."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

only_on_sqlite = {
    "condition": connection.vendor != "sqlite",
    "reason": "the query plans of SQLite",
}


def grouped_entry_plans(run):
    """The plan of each query grouping model entries that ``run()`` makes, as one line each."""
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "GROUP BY" in sql and 'FROM "kb_modelentry"' in sql:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plans.append(" / ".join(row[-1] for row in cursor.fetchall()))
    return plans


def read_from_an_index_unsorted(plan, index_prefix):
    return f"COVERING INDEX {index_prefix}" in plan and "TEMP B-TREE" not in plan
