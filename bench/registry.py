"""The registry list page and its search box, timed in-process with Django's test client."""

from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.urls import reverse

from bench.measure import TARGET_MS, Result, time_get
from bench.seed import IMPORT_CIN_PREFIX, KHEMISSET
from beneficiaries.forms import BeneficiaryFilterForm
from beneficiaries.models import Beneficiary

PAGE_SIZE = 25  # beneficiaries.views.registry.PAGE_SIZE, repeated so a change there shows here


def run(users: dict, *, repeat: int, explain_all: bool = False, log=print) -> list[Result]:
    clients = {scope: logged_in(user) for scope, user in users.items()}
    results = []
    for name, group, scope, params in scenarios(users):
        url = reverse("beneficiaries:list") + (f"?{urlencode(params)}" if params else "")
        measured = time_get(clients[scope], url, repeat=repeat)
        counts = measured["query_counts"]
        result = Result(
            scenario=name,
            group=group,
            scope=scope,
            median_ms=round(measured["median_ms"], 1),
            p95_ms=round(measured["p95_ms"], 1),
            sql_ms=round(measured["sql_ms"], 1),
            queries=counts[0] if len(counts) == 1 else max(counts),
            query_counts=counts,
            rows=matching_rows(users[scope], params),
            target=f"≤ {TARGET_MS:.0f} ms, constant queries",
            slowest_sql=measured["slowest_sql"],
        )
        result.ok = result.median_ms <= TARGET_MS and len(counts) == 1
        if len(counts) > 1:
            result.note = f"query count varies between runs: {counts}"
        if explain_all or not result.ok:
            # Right away, with the statistics the timed requests ran under: plans can change after ANALYZE.
            result.explain = [explain(query["sql"]) for query in result.slowest_sql[:2]]
        log(f"  {name}: median {result.median_ms} ms, {result.queries} queries, {result.rows} rows")
        results.append(result)
    compare_pages(results)
    return results


def scenarios(users: dict) -> list[tuple[str, str, str, dict]]:
    """(name, group, user scope, query parameters). Names say who asks and how much they see."""
    national_rows = Beneficiary.objects.visible_to(users["national"]).count()
    province_rows = Beneficiary.objects.visible_to(users["province"]).count()
    national_last = max(1, -(-national_rows // PAGE_SIZE))
    province_last = max(1, -(-province_rows // PAGE_SIZE))
    phone_elsewhere = middle_phone(Beneficiary.objects.exclude(province__code=KHEMISSET))
    phone_khemisset = middle_phone(Beneficiary.objects.filter(province__code=KHEMISSET))
    listed = [
        ("list · national · page 1", "list", "national", {}),
        ("list · national · page 2", "list", "national", {"page": 2}),
        (f"list · national · last page ({national_last})", "list", "national", {"page": national_last}),
        ("list · region 04 (coordinator) · page 1", "list", "region", {}),
        ("list · Khémisset staff · page 1", "list", "province", {}),
        (f"list · Khémisset staff · last page ({province_last})", "list", "province", {"page": province_last}),
    ]
    searched = []
    for scope, who in (("national", "national"), ("province", "Khémisset staff")):
        phone = phone_elsewhere if scope == "national" else phone_khemisset
        searched += [
            (f"search 'Mohamed' · {who}", "search", scope, {"q": "Mohamed"}),
            (f"search 'Karim Bennani' · {who}", "search", scope, {"q": "Karim Bennani"}),
            (f"search 'Kettani' · {who}", "search", scope, {"q": "Kettani"}),
            (f"search 'محمد' · {who}", "search", scope, {"q": "محمد"}),
            (f"search 'العلوي' · {who}", "search", scope, {"q": "العلوي"}),
            # The search box never matches a CIN (it would sit in the URL); staff search by phone daily.
            (f"search phone · {who}", "search", scope, {"q": phone}),
        ]
    return listed + searched


def middle_phone(queryset) -> str:
    """A seeded person's phone from the middle of the table, typed as people do: 06 12 34 56 78."""
    seeded = queryset.exclude(cin__startswith=IMPORT_CIN_PREFIX).exclude(phone="").order_by("pk")
    phone = "0" + seeded.values_list("phone", flat=True)[seeded.count() // 2].removeprefix("+212")
    return " ".join([phone[:2], phone[2:4], phone[4:6], phone[6:8], phone[8:]])


def compare_pages(results: list[Result]) -> None:
    """Page 1 and a later page of the same list must cost the same number of queries."""
    by_scope: dict[str, list[Result]] = {}
    for result in results:
        if result.group == "list":
            by_scope.setdefault(result.scope, []).append(result)
    for first, *later in by_scope.values():
        for result in later:
            same = result.query_counts == first.query_counts
            note = f"page 1: {first.queries} queries, this page: {result.queries} ({'same' if same else 'DIFFERENT'})"
            result.note = f"{result.note}; {note}" if result.note else note
            result.ok = bool(result.ok) and same


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def matching_rows(user, params: dict) -> int:
    """How many people the page says it found, computed as the view does (outside the timing)."""
    filters = BeneficiaryFilterForm(params, user=user)
    return filters.filter(Beneficiary.objects.visible_to(user)).count()


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured SELECT, as PostgreSQL prints it."""
    if sql.startswith("DECLARE") and " FOR SELECT " in sql:  # a server-side cursor (ModelChoiceField)
        sql = sql[sql.index(" FOR SELECT ") + len(" FOR ") :]
    if not sql.lstrip().upper().startswith("SELECT"):
        return f"(not explained: not a SELECT) {sql[:200]}"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"{sql}\n{plan}"
