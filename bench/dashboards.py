"""The dashboards of a province (Khémisset), a region (Rabat-Salé-Kénitra) and the nation, as their
officials open them: cold (Django's cache empty, so the figures are read from the summaries) and warm
(the figures from the cache); median server time, queries, SQL time and the ratio of the two. Two
more for the record, without target: the nation just after a write in Khémisset (its summary stale,
recomputed by the reader) and the nation filtered (figures read from the rows, not the summaries)."""

from django.core.cache import cache

from accounts.models import User
from bench.measure import Result, time_call
from bench.registry import logged_in
from dashboards.summaries import mark_stale
from territory.models import Province, Region

KHEMISSET, RABAT_SALE_KENITRA = "04.291", "04"
TARGETS = {"province": 80.0, "region": 150.0, "national": 150.0}  # cold median, ms
TARGET_WARM_MS = 10.0
TARGET_RATIO = 1.5


def officials() -> dict:
    khemisset, region = Province.objects.get(code=KHEMISSET), Region.objects.get(code=RABAT_SALE_KENITRA)
    scopes = {
        "province": {"province": khemisset, "region": None, "national": False},
        "region": {"province": None, "region": region, "national": False},
        "national": {"province": None, "region": None, "national": True},
    }
    users = {}
    for scope, fields in scopes.items():
        users[scope], _ = User.objects.update_or_create(
            username=f"bench.official.{scope}", defaults={"role": User.Role.OFFICIAL, "is_active": True, **fields}
        )
    return users


def run(*, repeat: int, log=print) -> list[Result]:
    users = officials()
    urls = {
        "province": f"/dashboards/province/{KHEMISSET}/",
        "region": f"/dashboards/region/{RABAT_SALE_KENITRA}/",
        "national": "/dashboards/national/",
    }
    results = []
    for scope, url in urls.items():
        client = logged_in(users[scope])
        results.append(
            measure(f"dashboard {scope} · cold", scope, lambda c=client, u=url: cold(c, u), repeat, TARGETS[scope])
        )
        results.append(
            measure(f"dashboard {scope} · warm", scope, lambda c=client, u=url: get(c, u), repeat, TARGET_WARM_MS)
        )
    national = logged_in(users["national"])
    khemisset = Province.objects.get(code=KHEMISSET).pk
    results.append(
        measure(
            "dashboard national · after a write", "national", lambda: after_write(national, khemisset), repeat, None
        )
    )
    results.append(
        measure(
            "dashboard national · filtered",
            "national",
            lambda: cold(national, urls["national"] + "?indh_phase=III"),
            max(3, repeat // 10),
            None,
        )
    )
    return results


def get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")


def cold(client, url: str) -> None:
    cache.clear()
    get(client, url)


def after_write(client, province_id: int) -> None:
    mark_stale([province_id])
    cold(client, "/dashboards/national/")


def measure(name: str, scope: str, call, repeat: int, target_ms: float | None) -> Result:
    measured = time_call(call, repeat=repeat)
    ratio = measured["median_ms"] / measured["sql_ms"] if measured["sql_ms"] else None
    result = Result(
        scenario=name,
        group="dashboard",
        scope=scope,
        median_ms=round(measured["median_ms"], 1),
        p95_ms=round(measured["p95_ms"], 1),
        sql_ms=round(measured["sql_ms"], 1),
        queries=max(measured["query_counts"]),
        query_counts=measured["query_counts"],
        slowest_sql=measured["slowest_sql"],
        note=f"server/SQL ratio {ratio:.1f}" if ratio else "",
    )
    if target_ms is not None:
        result.target = f"≤ {target_ms:.0f} ms"
        result.ok = result.median_ms <= target_ms
    return result
