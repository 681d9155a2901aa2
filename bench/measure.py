"""Timing helpers and the result record shared by every benchmark."""

import math
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

TARGET_MS = 50.0
TARGET_APPROVAL_MS = 30.0
TARGET_ROWS_PER_SECOND = 1000.0


@dataclass
class Result:
    scenario: str
    group: str  # "list", "search", "import", "projects", "projects-qs", "approval" or "seed"
    scope: str = ""  # whose view: "national", "region" or "province"
    median_ms: float | None = None
    p95_ms: float | None = None
    sql_ms: float | None = None  # median time spent in SQL per request, as Django saw it
    queries: int | None = None
    query_counts: list[int] = field(default_factory=list)  # every distinct count seen over the runs
    rows: int | None = None
    rows_per_second: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""
    slowest_sql: list[dict] = field(default_factory=list)  # for EXPLAIN: [{"sql":..., "ms":...}]
    explain: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in (None, "", [])}


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 30 samples, p95 is the 29th smallest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_get(client, url: str, *, repeat: int, warmup: int = 3) -> dict:
    """GET `url` `repeat` times: server time per request, SQL time, query counts, slowest queries."""
    # Warm-up requests compile the templates, load the catalogs and warm PostgreSQL's buffers.
    return time_call(lambda: check(client.get(url), url), repeat=repeat, warmup=warmup)


def time_call(call, *, repeat: int, warmup: int = 3) -> dict:
    """Run `call()` `repeat` times (after `warmup` untimed runs): median and p95 time, SQL time per
    run, the distinct query counts seen, and the slowest queries of the last run."""
    for _ in range(warmup):
        call()
    timings, sql_times, counts = [], [], []
    for _ in range(repeat):
        reset_queries()  # the log keeps 9,000 queries at most: a full log would capture nothing
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured))
        sql_times.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
    slowest = sorted(captured.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 0.95),
        "sql_ms": statistics.median(sql_times),
        "query_counts": sorted(set(counts)),
        "slowest_sql": [{"sql": query["sql"], "ms": round(float(query["time"]) * 1000, 2)} for query in slowest[:3]],
    }


def check(response, url: str) -> None:
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}, not 200.")


class BenchError(Exception):
    pass
