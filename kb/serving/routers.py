"""An optional read replica (``DATABASE_REPLICA_URL``).

Only anonymous page reads go to the replica; writes, the admin and everything a logged-in
editor sees read the primary, so editors never look at their own change through replication
lag. The content version is read from the same database as the content it versions, so a
lagging replica serves consistent (if slightly late) pages and never caches old rows under a
new version.
"""

from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"
_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads inside this block may go to the replica (when one is configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _replica_reads.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
