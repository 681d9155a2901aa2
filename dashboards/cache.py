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


def figures_for(selection) -> dict:
    key = f"idmaj:dashboard:{figures_generation()}:{selection.cache_key()}"
    figures = cache.get(key)
    if figures is None:
        with replica_reads():
            # Unfiltered, a dashboard adds up its provinces' summaries; filtered, it reads the rows.
            figures = compute(selection) if selection.is_filtered else scope_figures(selection)
        cache.set(key, figures, TIMEOUT)
    return figures
