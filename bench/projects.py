"""The project list, the three worklists and the approval of a line, on the project seed.

Two measures of each list: the QuerySets behind it (`visible_to`, `awaiting_study`,
`awaiting_approval`, `visits_due`: the count and a page of 25, read as the list pages read them), and
the page itself through the test client once its view answers (`projects:list`, ...; until then the
scenario says the view is not there yet). The approval is `approve_line` on fresh studied projects,
with its locks held until the end of a transaction that is then rolled back: the seed stays as it was,
and a run can be repeated.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

from bench.measure import TARGET_APPROVAL_MS, TARGET_MS, Result, time_call, time_get
from bench.registry import explain, logged_in
from partners.models import Convention
from projects.models import FundingLine, MicroProject

PAGE_SIZE = 25
WHO = {
    "national": "national administrator",
    "province": "Khémisset staff",
    "region": "ANAPEC region 04",
    "anapec_national": "ANAPEC national",
    "indh_province": "INDH Khémisset",
    "indh_national": "INDH national",
}
# (url name, QuerySet method, order of the page, the users who use it)
LISTS = [
    ("projects:list", "visible_to", ("-created_at", "-pk"), ["national", "province", "region", "indh_national"]),
    ("projects:awaiting_study", "awaiting_study", ("submitted_at", "pk"), ["region", "anapec_national"]),
    ("projects:awaiting_approval", "awaiting_approval", ("submitted_at", "pk"), ["indh_province", "indh_national"]),
    ("projects:visits_due", "visits_due", ("next_visit_due", "pk"), ["province", "national", "region"]),
]


def run(users: dict, *, repeat: int, explain_all: bool = False, log=print) -> list[Result]:
    results = []
    for url_name, method, order, scopes in LISTS:
        for scope in scopes:
            results.append(measure_queryset(url_name, method, order, users, scope, repeat, explain_all, log))
    results += later_page(users, repeat, explain_all, log)
    results += measure_pages(users, repeat, explain_all, log)
    results += measure_approvals(users, repeat, log)
    return results


def scenario_name(url_name: str, scope: str, suffix: str = "") -> str:
    return f"{url_name.split(':')[1].replace('_', ' ')} · {WHO[scope]}{suffix}"


def queryset(method: str, user):
    return getattr(MicroProject.objects, method)(user)


def measure_queryset(url_name, method, order, users, scope, repeat, explain_all, log, page=1) -> Result:
    user = users[scope]

    def count_and_page():
        # As a list page reads them (reintegration.lib.listing.KeysFirstPaginator): the count, the
        # page's keys in the list's order, then its rows by key with what the list shows.
        found = queryset(method, user)
        found.count()
        start = (page - 1) * PAGE_SIZE
        keys = list(found.order_by(*order).values_list("pk", flat=True)[start : start + PAGE_SIZE])
        found.with_list_relations().in_bulk(keys)

    measured = time_call(count_and_page, repeat=repeat)
    suffix = f" · page {page}" if page > 1 else ""
    result = as_result(f"{scenario_name(url_name, scope, suffix)} (QuerySet)", "projects-qs", scope, measured)
    result.rows = queryset(method, user).count()
    finish(result, explain_all, log)
    return result


def later_page(users, repeat, explain_all, log) -> list[Result]:
    """The national list's last page: OFFSET must not make it slower than the first."""
    rows = MicroProject.objects.visible_to(users["national"]).count()
    last = max(1, -(-rows // PAGE_SIZE))
    url_name, method, order, _ = LISTS[0]
    return [measure_queryset(url_name, method, order, users, "national", repeat, explain_all, log, page=last)]


def measure_pages(users, repeat, explain_all, log) -> list[Result]:
    """Each list page through the test client, once its view is written."""
    results = []
    clients = {}
    for url_name, method, _order, scopes in LISTS:
        for scope in scopes:
            client = clients.setdefault(scope, logged_in(users[scope]))
            url = reverse(url_name)
            name = f"{scenario_name(url_name, scope)} (page)"
            status = client.get(url).status_code
            if status != 200:
                note = "view not written yet" if status == 404 else f"answered {status}"
                log(f"  {name}: {note}, not measured")
                results.append(Result(scenario=name, group="projects", scope=scope, note=f"{url}: {note}"))
                continue
            result = as_result(name, "projects", scope, time_get(client, url, repeat=repeat))
            result.rows = queryset(method, users[scope]).count()
            finish(result, explain_all, log)
            results.append(result)
        if url_name == "projects:list" and "national" in clients:
            results += later_page_of_view(clients["national"], users, repeat, explain_all, log)
    return results


def later_page_of_view(client, users, repeat, explain_all, log) -> list[Result]:
    rows = MicroProject.objects.visible_to(users["national"]).count()
    last = max(1, -(-rows // PAGE_SIZE))
    url = reverse("projects:list") + "?" + urlencode({"page": last})
    if client.get(url).status_code != 200:
        return []
    name = f"{scenario_name('projects:list', 'national')} · last page ({last}) (page)"
    result = as_result(name, "projects", "national", time_get(client, url, repeat=repeat))
    result.rows = rows
    finish(result, explain_all, log)
    return [result]


def as_result(name: str, group: str, scope: str, measured: dict, target_ms: float = TARGET_MS) -> Result:
    counts = measured["query_counts"]
    result = Result(
        scenario=name,
        group=group,
        scope=scope,
        median_ms=round(measured["median_ms"], 1),
        p95_ms=round(measured["p95_ms"], 1),
        sql_ms=round(measured["sql_ms"], 1),
        queries=max(counts),
        query_counts=counts,
        target=f"≤ {target_ms:.0f} ms" + (", constant queries" if group != "approval" else ""),
        slowest_sql=measured["slowest_sql"],
    )
    result.ok = result.median_ms <= target_ms and len(counts) == 1
    if len(counts) > 1:
        result.note = f"query count varies between runs: {counts}"
    return result


def finish(result: Result, explain_all: bool, log) -> None:
    if explain_all or not result.ok:
        result.explain = [explain(query["sql"]) for query in result.slowest_sql[:2]]
    log(f"  {result.scenario}: median {result.median_ms} ms, {result.queries} queries, {result.rows} rows")


# ----- approving a line, its locks held -----------------------------------------------------------


def measure_approvals(users, repeat, log) -> list[Result]:
    """A provincial coordinator under a regional convention, a national one under a national convention
    (whose contribution sums the most approved lines)."""
    cases = [
        ("approve_line · INDH Khémisset · regional convention", "indh_province", Convention.Scope.REGION),
        ("approve_line · INDH national · national convention", "indh_national", Convention.Scope.NATIONAL),
    ]
    results = []
    for name, scope, convention_scope in cases:
        user = users[scope]
        pending = FundingLine.objects.filter(
            partner=user.acting_partner_id, decision=FundingLine.Decision.PENDING, convention__scope=convention_scope
        )
        projects = list(
            MicroProject.objects.awaiting_approval(user)
            .filter(pk__in=pending.values("project"))
            .order_by("pk")[: repeat + 3]
        )
        if len(projects) < 4:
            results.append(Result(scenario=name, group="approval", scope=scope, note="not enough studied projects"))
            continue
        lines = iter([(project, pending.get(project=project)) for project in projects])

        def approve_one(user=user, lines=lines):
            project, line = next(lines)
            with transaction.atomic():
                project.approve_line(line, by=user)
                transaction.set_rollback(True)  # the seed stays as it was; the locks were held to here

        measured = time_call(approve_one, repeat=len(projects) - 3)
        result = as_result(name, "approval", scope, measured, target_ms=TARGET_APPROVAL_MS)
        result.ok = result.median_ms <= TARGET_APPROVAL_MS
        result.rows = pending.filter(project__in=projects).count()
        result.note = "each on a fresh studied project, rolled back after the approval"
        log(f"  {name}: median {result.median_ms} ms, {result.queries} queries")
        results.append(result)
    return results
