"""Reads that may come from a streaming replica: the dashboards and their exports, nothing else.

`replica_reads()` marks a block (or, as a decorator, a function) whose reads may trail the primary
by the replication lag. Outside such a block every query goes to the primary, and so does every
write anywhere: permission checks, locks and money checks never read a replica. Without a
"replica" alias in DATABASES (no `DATABASE_REPLICA_URL`) the router changes nothing.
"""

from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# A depth rather than a flag so blocks nest; a ContextVar rather than a global or an attribute of
# the decorator (one instance shared by every call of a decorated view) so each thread and each
# asyncio task sees only its own blocks.
_depth: ContextVar[int] = ContextVar("idmaj_replica_reads", default=0)


class replica_reads(ContextDecorator):  # lower case: used as contextlib's helpers are
    """While active, reads go to the replica when one is configured."""

    def __enter__(self):
        _depth.set(_depth.get() + 1)
        return self

    def __exit__(self, *exc):
        _depth.set(_depth.get() - 1)
        return False


def reading_from_replica() -> bool:
    """True inside replica_reads(), when a replica is configured."""
    return _depth.get() > 0 and REPLICA in settings.DATABASES


class ReplicaRouter:
    """DATABASE_ROUTERS entry; installed always, a no-op without the "replica" alias."""

    def db_for_read(self, model, **hints):
        if not reading_from_replica():
            return None
        # A read inside a transaction on the primary stays there: it must see the transaction's own
        # uncommitted writes, and a select_for_update() (which Django routes as a read) must take
        # its locks on the primary, the only server that can hold them.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        # A replica is read-only; an object read from it is saved to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: an object read from the replica may point at one from the primary.
        both = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in both and obj2._state.db in both:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the primary's schema by replication; migrating it would fail (read-only).
        return db == DEFAULT_DB_ALIAS
