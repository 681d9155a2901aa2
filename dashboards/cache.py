"""Figures are computed once per scope and filters, then served from Django's cache (Redis when
REDIS_URL is set) until a write they depend on commits: the key holds the figures' generation,
which every such write moves on (reintegration.lib.freshness), so a stale entry is never read
again and simply expires."""

from django.core.cache import cache

from dashboards.figures import compute
from dashboards.summaries import scope_figures
from reintegration.lib.freshness import figures_generation
from reintegration.lib.replica import replica_reads

# An entry outlives no write, but a replica lagging at the moment of the write could have served
# it the figures of just before: they are recomputed at the latest after this long.
TIMEOUT = 10 * 60


def cached(kind: str, key: str, make):
    """What `make()` returns, kept under `kind` and `key` until the figures' generation moves on."""
    full_key = f"idmaj:{kind}:{figures_generation()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = make()
        cache.set(full_key, value, TIMEOUT)
    return value


def figures_for(selection) -> dict:
    return cached("dashboard", selection.cache_key(), lambda: read_figures(selection))


def read_figures(selection) -> dict:
    with replica_reads():
        # Unfiltered, a dashboard adds up its provinces' summaries; filtered, it reads the rows.
        return compute(selection) if selection.is_filtered else scope_figures(selection)
