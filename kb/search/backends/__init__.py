"""One search backend per database engine, chosen from the connection's vendor.

A backend knows how its engine indexes ``SearchDocument`` rows and how to ask it; everything
else (what is searched, facets, pages, spelling help) is shared in :mod:`kb.search.engine`.

A backend answers with a :class:`Matcher` for a parsed query: a filter for the matching
documents, a relevance score (higher is better), whether all the words are in the title, and a
highlighted extract of a field. Both engines mark highlights with the same private-use
characters, which the shared code escapes and turns into ``<mark>``.
"""

from django.db import connection

# Highlight markers: private-use characters, stripped from indexed text and from queries, so
# only the engine can put them in a snippet.
MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"
SNIPPET_WORDS = 24


class Matcher:
    """How one engine finds a query. Subclasses set the four members below."""

    def filter(self, queryset):
        """The documents of ``queryset`` that match."""
        raise NotImplementedError

    def rank(self):
        """An expression: relevance of a matching document, higher is better."""
        raise NotImplementedError

    def title_hit(self):
        """An expression: true when the title alone matches every word."""
        raise NotImplementedError

    def snippet(self, field):
        """An expression: an extract of ``field`` with matches between the markers."""
        raise NotImplementedError


class Backend:
    vendor = None

    def install(self, connection):
        """Create what the engine needs beyond the model's tables (migrations and rebuilds)."""

    def uninstall(self, connection):
        pass

    def matcher(self, query, prefix=False):
        """A :class:`Matcher` for ``query``; with ``prefix``, its last word may be unfinished."""
        raise NotImplementedError

    def documents_written(self, ids):
        """Bring the engine's index up to date after documents ``ids`` were written."""

    def begin_rebuild(self, connection):
        """Before every document is deleted and written again."""

    def finish_rebuild(self, connection):
        """After every document was written again."""

    def title_candidates(self, word, limit):
        """Folded titles likely to contain a word spelled like ``word``."""
        raise NotImplementedError


def backend_for(vendor):
    from .postgres import PostgresBackend
    from .sqlite import SQLiteBackend

    backends = {backend.vendor: backend for backend in (SQLiteBackend, PostgresBackend)}
    try:
        return backends[vendor]()
    except KeyError:
        raise NotImplementedError(f"No search backend for the {vendor} database.") from None


def get_backend():
    return backend_for(connection.vendor)
