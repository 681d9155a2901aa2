"""One generation number for every cached figure: a write the figures depend on moves it on.

The dashboards put the generation in their cache keys (with the scope and the filters), so a
figure computed before a delivery is never read after it: the next request finds no entry under
the new generation and asks the database. Old entries are left to expire.

Model signals call `figures_changed()` for ordinary saves and deletes; the bulk writes that send
no signals (imports, conditional UPDATEs) call it themselves, inside their transaction.
"""

import time
from functools import partial

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import Signal

GENERATION_KEY = "idmaj:figures:generation"


def figures_generation() -> int:
    """The current generation, created when the cache has none (first use, eviction, a restart)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Started from the clock, not from 1: after an eviction a restart at 1 could meet again a
        # generation of the key's earlier life and serve the figures cached under it. The clock in
        # nanoseconds has moved on further than that life could have counted.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # evicted at once, or a cache that keeps nothing (DummyCache)
            return time.time_ns()
    return generation


# Sent when a write commits, before the generation moves on, with `provinces`: the ids of the
# provinces whose figures changed, or None for all. The dashboards mark their summaries stale here.
figures_stale = Signal()


def figures_changed(provinces=None) -> None:
    """The figures (of `provinces`, ids; of every province for None) are stale once the current
    transaction commits (at once outside a transaction).

    After the commit, not now: a rolled-back write leaves the figures as they were, and a reader
    computing figures meanwhile, who cannot see the uncommitted rows, must not cache its result
    under a generation that claims to include them. `robust`: a cache that is down must not turn
    a committed delivery into an error page.
    """
    provinces = None if provinces is None else list(provinces)
    transaction.on_commit(partial(_changed, provinces), using=DEFAULT_DB_ALIAS, robust=True)


def _changed(provinces) -> None:
    # Summaries marked stale first: a reader who finds the new generation must find them stale.
    figures_stale.send(sender=None, provinces=provinces)
    _bump()


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # No key (evicted, never read): a new one from the clock is already a new generation.
        figures_generation()
