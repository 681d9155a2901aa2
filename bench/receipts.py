"""Receipt PDFs: the median time to build one, in Arabic and in French, and the receipt page itself.

Two measures, on handovers already seeded (planned or delivered, in the user's scope), a different
one each run so that nothing is served from a cache: `receipt_pdf` alone (HTML rendering, WeasyPrint's
layout, the QR code), and `disbursements:receipt` through the test client (the scoped lookup, the PDF
and its access-log rows: the page writes one row per beneficiary, so the bench database's access log
grows by a few hundred rows per run). Target: a receipt ≤ 500 ms (issue #9).

    from bench.receipts import bench_receipts
    results += bench_receipts(users, repeat=args.repeat)
"""

import itertools

from django.urls import reverse

from bench.measure import Result, check, time_call
from bench.registry import logged_in
from disbursements.models import Handover
from disbursements.receipts import LANGUAGES, receipt_handover, receipt_pdf

TARGET_RECEIPT_MS = 500.0
VERIFY_URL = "https://idmaj.example.org/disbursements/verify/?number={number}&code={code}"


def bench_receipts(users: dict, *, repeat: int, scope: str = "province", log=print) -> list[Result]:
    """`repeat` receipts built per language and per measure, by `users[scope]` (Khémisset staff by
    default). Returns one Result per (measure, language); a note when no handover is seeded yet."""
    user = users[scope]
    handover_ids = list(
        Handover.objects.visible_to(user)
        .filter(status__in=[Handover.Status.PLANNED, Handover.Status.DELIVERED])
        .order_by("-pk")
        .values_list("pk", flat=True)[: repeat + 3]  # + the warm-up runs
    )
    if not handover_ids:
        log("  receipts: no planned or delivered handover in scope, not measured")
        return [Result(scenario="receipt PDF", group="receipt", scope=scope, note="no handover seeded in scope")]
    results = []
    for language in LANGUAGES:
        results.append(_measure_rendering(handover_ids, language, scope, repeat, log))
    client = logged_in(user)
    for language in LANGUAGES:
        results.append(_measure_page(client, handover_ids, language, scope, repeat, log))
    return results


def _measure_rendering(handover_ids, language, scope, repeat, log) -> Result:
    ids = itertools.cycle(handover_ids)

    def build_one():
        handover = receipt_handover(Handover.objects.all(), next(ids))
        url = VERIFY_URL.format(number=handover.number, code=handover.display_code)
        receipt_pdf(handover, language=language, verify_url=url)

    return _result(f"receipt PDF ({language}) · receipt_pdf", scope, time_call(build_one, repeat=repeat), log)


def _measure_page(client, handover_ids, language, scope, repeat, log) -> Result:
    urls = itertools.cycle(reverse("disbursements:receipt", args=[pk]) + f"?language={language}" for pk in handover_ids)

    def get_one():
        url = next(urls)
        check(client.get(url), url)

    return _result(f"receipt PDF ({language}) · page", scope, time_call(get_one, repeat=repeat), log)


def _result(name, scope, measured, log) -> Result:
    counts = measured["query_counts"]
    result = Result(
        scenario=name,
        group="receipt",
        scope=scope,
        median_ms=round(measured["median_ms"], 1),
        p95_ms=round(measured["p95_ms"], 1),
        sql_ms=round(measured["sql_ms"], 1),
        queries=max(counts),
        query_counts=counts,
        target=f"≤ {TARGET_RECEIPT_MS:.0f} ms",
        slowest_sql=measured["slowest_sql"],
    )
    result.ok = result.median_ms <= TARGET_RECEIPT_MS
    if len(counts) > 1:
        # One access-log row per beneficiary: a cooperative's receipt writes more than a single person's.
        result.note = f"query counts seen: {counts}"
    log(f"  {name}: median {result.median_ms} ms, p95 {result.p95_ms} ms, {result.queries} queries")
    return result
