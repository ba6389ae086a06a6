"""The content version: one number that every save or delete of content moves forward.

Cached pages are keyed by it, so a change makes every cached page unreachable at once, on every
worker and every host.

Why a database row and not a key in the shared cache:

- It is bumped *inside the transaction* that changes the content, so the new number and the new
  content become visible together (and a rolled-back change bumps nothing). A request reads the
  version first and the content after it: if it saw the new number, it sees the new content; if
  it saw the old one, whatever it renders is stored under a number nobody asks for any more.
  A number in Redis is written after the commit, leaving a window in which a page rendered from
  the old rows can be stored under the new number and then served until the next edit.
- Read from the same database as the content, it stays consistent with a lagging read replica.
- It cannot be evicted or culled the way cache keys can (the database cache culls a third of
  its rows when full, and Redis may evict under memory pressure).
- Reading it is one primary-key lookup on a persistent connection, done with a raw cursor
  (tens of microseconds on SQLite, one round trip on PostgreSQL): cheap enough to do on every
  request, which is what "the next request on every worker shows the change" asks for.

The value is ``max(previous + 1, now in microseconds)``: strictly increasing within a database,
and after a restore from an old backup the next change jumps past every number used before. It
also tells when content last changed, for ``Last-Modified``.
"""

import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from django.db import connections, router
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import models as kb_models

ROW_ID = 1


def now_us():
    return time.time_ns() // 1000


def bump_content_version(using=None):
    """Move the content version forward, inside the caller's transaction if there is one.

    Call it after changing content without ``save()``/``delete()`` (``QuerySet.update()``,
    ``bulk_create()``, raw SQL); the signal receivers below cover everything else.
    """
    Version = kb_models.ContentVersion
    using = using or router.db_for_write(Version)
    rows = Version.objects.using(using).filter(pk=ROW_ID)
    if not rows.update(value=Greatest(F("value") + 1, Value(now_us()))):
        Version.objects.using(using).bulk_create(
            [Version(pk=ROW_ID, value=now_us())], ignore_conflicts=True
        )


def read_content_version(using):
    """The current version on the ``using`` database, or None when it has no version row.

    A raw cursor: this runs on every page request, before any other query.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT value FROM {kb_models.ContentVersion._meta.db_table} WHERE id = %s", [ROW_ID]
        )
        row = cursor.fetchone()
    return row[0] if row else None


class PerVersion:
    """Values this process built from the content, kept for the current content version only.

    For what is costly to build and the same for every request until content changes (the
    category comparison, a document's generated blocks). The version is read on every lookup,
    as page requests read it, so a value is never served once content has changed; the newest
    ``maxsize`` keys are kept. Without a version row nothing is kept.
    """

    def __init__(self, maxsize):
        self.maxsize = maxsize
        self.version = None
        self.values = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, build):
        version = read_content_version(router.db_for_read(kb_models.ContentVersion))
        if version is None:
            return build()
        with self.lock:
            if version == self.version and key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = build()
        with self.lock:
            if version != self.version:
                if self.version is not None and version < self.version:
                    return value  # built from older content than what is kept
                self.version = version
                self.values.clear()
            self.values[key] = value
            while len(self.values) > self.maxsize:
                self.values.popitem(last=False)
        return value


# Databases whose bumps this thread holds back (``one_bump``), and whether content changed.
_held = threading.local()


@contextmanager
def one_bump(using="default"):
    """Inside the block, content saved on ``using`` does not move the version save by save; it
    moves once when the block ends, if anything changed. For bulk changes (an import of a
    thousand rows), so the version moves once, as it would for one edit. Use it inside the
    transaction that makes the changes, so the bump commits or rolls back with them."""
    held = _held.__dict__.setdefault("databases", {})
    if using in held:  # already held by an outer block, which bumps at its end
        yield
        return
    held[using] = False
    try:
        yield
    finally:
        changed = held.pop(using)
    if changed:
        bump_content_version(using)


def changed_in_bulk(using="default"):
    """Content was written without signals (``bulk_create``): bump, or tell ``one_bump``."""
    _bump_or_hold(using)


def _bump_or_hold(using):
    held = _held.__dict__.get("databases", {})
    if using in held:
        held[using] = True
    else:
        bump_content_version(using)


def content_changed(sender, using, **kwargs):
    _bump_or_hold(using)


def m2m_content_changed(sender, action, using, **kwargs):
    if action.startswith("post_"):
        _bump_or_hold(using)


def connect_signals():
    """Every save, delete and many-to-many change of a content model bumps the version."""
    for model in kb_models.content_models():
        uid = f"kb.catalogue.freshness.{model.__name__}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}.delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                m2m_content_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}.{field.name}",
            )
