"""Signals for writes that bypass ``save()``.

``written_in_bulk`` is sent after rows of a content model were created or changed with
``bulk_create()`` or ``update()`` (an import of a thousand entries), with ``pks``: what keeps
something in step with every save (the search index) listens to it too. The content version
is moved by the writer (``freshness.bump_content_version`` or ``freshness.one_bump``).
"""

from django.dispatch import Signal

written_in_bulk = Signal()
