"""Search over everything visitors may see: articles, model entries, pros and cons.

``search()`` answers the search page and ``suggest()`` the suggestions under the header box;
both work the same on SQLite (FTS5) and PostgreSQL (full-text search), through the backend
that matches the database (``kb.search.backends``).
"""
