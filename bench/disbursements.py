"""The handover list, a delivery with its locks, receipts and the history import, on the handover seed.

The list is measured as its QuerySet (the count and a page of 25, as KeysFirstPaginator reads it)
and as its page through the test client. A delivery is `Handover.deliver` on a planned handover of
an approved project, its locks held to the end of a transaction then rolled back: the seed stays as
it was. Receipts and the history import are measured by bench/receipts.py and bench/history.py.
"""

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.measure import Result, time_call, time_get
from bench.projects import PAGE_SIZE, WHO, as_result, finish
from bench.registry import logged_in
from disbursements.models import Handover
from projects.models import MicroProject

TARGET_DELIVERY_MS = 30.0
TARGET_RECEIPT_MS = 500.0
TARGET_HISTORY_ROWS_PER_SECOND = 500.0
LIST_SCOPES = ["national", "province", "indh_national", "region"]


def run(users: dict, *, repeat: int, explain_all: bool = False, log=print) -> list[Result]:
    results = [measure_list_queryset(users, scope, repeat, explain_all, log) for scope in LIST_SCOPES]
    results += measure_list_pages(users, repeat, explain_all, log)
    results.append(measure_deliveries(users, repeat, log))
    results += optional("bench.receipts", "bench_receipts", users, repeat=min(repeat, 20), log=log)
    results += history_import(users, log)
    return results


def history_import(users, log) -> list[Result]:
    """The history import's dry run and commit (bench/history.py), against its own target."""
    from bench import history

    results = history.run(users["province"], log=log)
    for result in results:
        result.group, result.target = "history", f"≥ {TARGET_HISTORY_ROWS_PER_SECOND:.0f} rows/s"
        result.ok = result.rows_per_second >= TARGET_HISTORY_ROWS_PER_SECOND
    return results


def optional(module_name: str, function: str, *args, **kwargs) -> list[Result]:
    """A part of the bench that lands with its feature (receipts, history import)."""
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return [Result(scenario=module_name, group="handovers", note="not written yet")]
    return getattr(module, function)(*args, **kwargs)


def measure_list_queryset(users, scope, repeat, explain_all, log) -> Result:
    user = users[scope]

    def count_and_page():
        found = Handover.objects.visible_to(user)
        found.count()
        keys = list(found.order_by("-created_at", "-pk").values_list("pk", flat=True)[:PAGE_SIZE])
        found.with_list_relations().in_bulk(keys)

    result = as_result(
        f"handover list · {WHO[scope]} (QuerySet)", "handovers", scope, time_call(count_and_page, repeat=repeat)
    )
    result.rows = Handover.objects.visible_to(user).count()
    finish(result, explain_all, log)
    return result


def measure_list_pages(users, repeat, explain_all, log) -> list[Result]:
    try:
        url = reverse("disbursements:handover_list")
    except NoReverseMatch:
        return [Result(scenario="handover list (page)", group="handovers", note="view not written yet")]
    results = []
    for scope in LIST_SCOPES:
        client = logged_in(users[scope])
        name = f"handover list · {WHO[scope]} (page)"
        status = client.get(url).status_code
        if status != 200:
            results.append(Result(scenario=name, group="handovers", scope=scope, note=f"{url}: answered {status}"))
            continue
        result = as_result(name, "handovers", scope, time_get(client, url, repeat=repeat))
        result.rows = Handover.objects.visible_to(users[scope]).count()
        finish(result, explain_all, log)
        results.append(result)
    return results


def measure_deliveries(users, repeat, log) -> Result:
    """Deliveries in Khémisset by its staff: the project, its lines and the handover locked, the
    line's ledger summed, the entry posted, the project moved; rolled back each time."""
    staff = users["province"]
    planned = list(
        Handover.objects.visible_to(staff)
        .filter(status=Handover.Status.PLANNED, project__status=MicroProject.Status.APPROVED, amount__gt=0)
        .order_by("pk")[: repeat + 3]
    )
    name = "deliver a handover · Khémisset staff (locks, ledger, project)"
    if len(planned) < 4:
        return Result(scenario=name, group="delivery", scope="province", note="not enough planned handovers")
    handovers = iter(planned)
    today = timezone.localdate()

    def deliver_one():
        handover = next(handovers)
        with transaction.atomic():
            handover.deliver(by=staff, on=today)
            transaction.set_rollback(True)

    result = as_result(
        name, "delivery", "province", time_call(deliver_one, repeat=len(planned) - 3), TARGET_DELIVERY_MS
    )
    result.ok = result.median_ms <= TARGET_DELIVERY_MS
    result.note = "each on a fresh planned handover, rolled back after the delivery"
    log(f"  {name}: median {result.median_ms} ms, {result.queries} queries")
    return result
