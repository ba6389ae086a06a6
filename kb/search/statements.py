"""The search's SQL, compiled once per shape of query and run with each query's values.

Building a search's querysets and compiling them took most of a search's time (at 100,000
documents, about three quarters of it; the SQL itself about a millisecond for most queries).
The statements of two searches differ in few ways: the engine's query text, the name compared
with titles, the facet values, the ids of a page; and in their shape: a prefix search or not,
which facet filters, which window of results, how many forms a term has (PostgreSQL). So each
statement is built from the ORM once per shape, with a :class:`Param` where a value goes, and
its SQL kept; a search then only fills in its values.

A statement's ``shape`` must name everything its SQL depends on except its :class:`Param`
values: two statements that compile to different SQL must have different shapes (the engine's
vendor is added to it). ``VERIFY`` (the tests set it) compiles every statement again at every
run and fails if the kept SQL differs. Statements run through Django's cursor, so query counts
and logging see them as any other query.
"""

import threading

from django.db import connection
from django.db.models import Expression, TextField

MAX_KEPT = 512  # statements kept per process; the oldest goes first
VERIFY = False
TEXT = TextField()  # what a parameter holds, for the ORM (one instance for all)

_kept = {}
_keeping = threading.Lock()


class Param(Expression):
    """Where a value of the search goes in a statement, filled in at each run by its name."""

    def __init__(self, name, output_field=None):
        super().__init__(output_field=output_field or TEXT)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):
        return f"Param({self.name!r})"


def params(names):
    """A :class:`Param` for each of ``names``, by name."""
    return {name: Param(name) for name in names}


def compiled(queryset):
    """The SQL of ``queryset`` and its parameters, :class:`Param` placeholders among them."""
    sql, arguments = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(arguments)


def statement(shape, build):
    """The SQL and parameters of the queryset ``build()`` makes, compiled once per ``shape``."""
    key = (connection.vendor, shape)
    kept = _kept.get(key)
    if kept is None or VERIFY:
        fresh = compiled(build())
        if kept is not None and fresh != kept:
            raise AssertionError(f"Two statements share the shape {shape!r}: {kept} and {fresh}")
        kept = fresh
        with _keeping:  # threads of one process share what is kept
            while key not in _kept and len(_kept) >= MAX_KEPT:
                del _kept[next(iter(_kept))]
            _kept[key] = kept
    return kept


def run(sql, arguments, values, named=False):
    """The rows of ``sql`` with ``values`` in place of its :class:`Param` arguments (as
    dictionaries by column name if ``named``)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[a.name] if isinstance(a, Param) else a for a in arguments])
        found = cursor.fetchall()
        if named:
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in found]
        return found


def rows(shape, build, values):
    """The rows of the statement (see ``statement``), with ``values`` in its parameters."""
    return run(*statement(shape, build), values)


def records(shape, build, values):
    """The rows as dictionaries, by the names of their columns."""
    return run(*statement(shape, build), values, named=True)


def count(shape, build, values):
    """How many rows the statement gives (a sliced statement counts up to its limit)."""
    sql, arguments = statement(shape, build)
    return run(f"SELECT COUNT(*) FROM ({sql}) counted", arguments, values)[0][0]


def counted_by(*columns):
    """A reader (as ``rows``) of the distinct values of ``columns`` in the statement's rows,
    each with how many rows hold it (a sliced statement counts its first rows only)."""
    grouped = ", ".join(connection.ops.quote_name(column) for column in columns)

    def read(shape, build, values):
        sql, arguments = statement(shape, build)
        sql = f"SELECT {grouped}, COUNT(*) FROM ({sql}) counted GROUP BY {grouped}"
        return run(sql, arguments, values)

    return read


def flat(shape, build, values):
    """The first column of each row."""
    return [row[0] for row in rows(shape, build, values)]


def forget():
    """Compile every statement again (after the code that builds them changed, in tests)."""
    _kept.clear()
