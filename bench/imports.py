"""The spreadsheet import: a generated CSV checked (dry run) then written into one province.

Calls `beneficiaries.importing` directly, as the `check_import` and `commit_import` tasks do:
read the file, build the plan (the dry run), and for the commit read and check again (the
registry may have changed since the preview) before `write_plan`. The imported rows carry CINs
starting with "ZZ" and are deleted afterwards, so the seeded registry stays as it was.
"""

import csv
import importlib
import io
import random
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from bench.measure import TARGET_ROWS_PER_SECOND, BenchError, Result
from bench.seed import IMPORT_CIN_PREFIX, KHEMISSET, person_fields, vacuum_analyze
from beneficiaries.models import Beneficiary
from territory.models import Province

UNAVAILABLE = "import module not available"
# French headers, as a provincial division's spreadsheet would have them: exercises the aliases too.
HEADER = [
    "CIN",
    "Prénom",
    "Nom",
    "prenom_ar",
    "nom_ar",
    "Sexe",
    "Date de naissance",
    "Téléphone",
    "Commune",
    "Date de libération",
    "Prison",
    "source_orientation",
]


def importing_api():
    """The import functions, or None while the module is missing or lacks them."""
    try:
        module = importlib.import_module("beneficiaries.importing")
    except ImportError:
        return None
    if all(hasattr(module, name) for name in ("read_upload", "build_plan", "write_plan")):
        return module
    return None


def run(user, *, rows: int, log=print) -> list[Result]:
    api = importing_api()
    if api is None:
        log(f"Import: {UNAVAILABLE} (beneficiaries.importing with read_upload, build_plan, write_plan).")
        return [Result(scenario=f"import {rows:,} rows", group="import", note=UNAVAILABLE, ok=None)]
    province = Province.objects.get(code=KHEMISSET)
    remove_imported_rows()
    data = generate_csv(rows, province)
    try:
        plan, dry = measured(lambda: api.build_plan(api.read_upload(data, "bench.csv"), province))
        counts = plan.counts
        log(f"Import: dry run of {rows:,} rows in {dry['seconds']:.2f} s, counts {counts}")
        if counts.get("invalid"):
            raise BenchError(f"the generated file has invalid rows: {counts}; first problems: {plan.problems[:3]}")
        # The commit as `commit_import` does it: read and check again, then write everything at once.
        plan, recheck = measured(lambda: api.build_plan(api.read_upload(data, "bench.csv"), province))
        _, write = measured(lambda: api.write_plan(plan, by=user, skip_invalid=False, reason="bench import"))
        written = Beneficiary.objects.filter(cin__startswith=IMPORT_CIN_PREFIX).count()
        log(f"Import: commit = re-check {recheck['seconds']:.2f} s + write {write['seconds']:.2f} s, {written:,} rows")
    finally:
        remove_imported_rows()
        vacuum_analyze()
    if written != rows:
        raise BenchError(f"the import wrote {written} rows, not {rows}")
    commit = {key: recheck[key] + write[key] for key in ("seconds", "sql_seconds", "queries")}
    duplicates = len(plan.report().get("duplicate_rows", []))
    return [
        import_result(f"import dry run · {rows:,} rows CSV", dry, rows, f"{duplicates} probable duplicates warned"),
        import_result(f"import commit · {rows:,} rows", commit, rows, "as commit_import: check again, then write"),
        import_result(f"import write_plan alone · {rows:,} rows", write, rows, "bulk_create_with_history"),
    ]


def measured(work):
    """(result of work(), {"seconds", "sql_seconds", "queries"}), read before the query log moves on."""
    reset_queries()  # the log keeps 9,000 queries at most: a full log would capture nothing
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    sql_seconds = sum(float(query["time"]) for query in captured.captured_queries)
    return result, {"seconds": seconds, "sql_seconds": sql_seconds, "queries": len(captured)}


def import_result(name, figures, rows, note) -> Result:
    """One run of the whole file: its total time goes in the median column (there is one sample)."""
    rate = rows / figures["seconds"]
    return Result(
        scenario=name,
        group="import",
        median_ms=round(figures["seconds"] * 1000, 1),
        sql_ms=round(figures["sql_seconds"] * 1000, 1),
        queries=figures["queries"],
        query_counts=[figures["queries"]],
        rows=rows,
        rows_per_second=round(rate),
        target=f"≥ {TARGET_ROWS_PER_SECOND:,.0f} rows/s",
        ok=rate >= TARGET_ROWS_PER_SECOND,
        note=note,
    )


def generate_csv(rows: int, province: Province) -> bytes:
    """`rows` new people for `province`, in the shape a provincial division would upload (UTF-8, BOM)."""
    rng = random.Random(1302)  # noqa: S311 - test data, not secrets
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for index in range(rows):
        person = person_fields(index, rng, cin_prefix=IMPORT_CIN_PREFIX)
        phone = person["phone"]
        writer.writerow(
            [
                person["cin"],
                person["first_name"],
                person["last_name"],
                person["first_name_ar"],
                person["last_name_ar"],
                person["sex"],
                person["date_of_birth"].strftime("%d/%m/%Y"),
                f"0{phone[4:5]} {phone[5:7]} {phone[7:9]} {phone[9:11]} {phone[11:13]}" if phone else "",
                rng.choice(["Khémisset", "Tiflet", "Rommani", "Maaziz"]),
                person["release_date"].strftime("%d/%m/%Y") if person["release_date"] else "",
                person["prison"],
                person["referral_source"],
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def remove_imported_rows() -> None:
    """Forget what an import bench wrote (this run's or a crashed run's), history included."""
    Beneficiary.history.model.objects.filter(cin__startswith=IMPORT_CIN_PREFIX).delete()
    Beneficiary.objects.filter(cin__startswith=IMPORT_CIN_PREFIX).delete()
