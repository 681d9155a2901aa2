"""`python -m bench [--reseed] [--rows N] [--projects N] [--repeat N] [--import-rows N] [--explain] [--only ...]`.

The database comes from BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/idmaj_bench),
never from DATABASE_URL: the bench must not touch development data. It is created when missing.
"""

import argparse
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/idmaj_bench"
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
SECTIONS = ("registry", "import", "projects", "handovers", "dashboards")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Idmaj benchmarks on PostgreSQL: seed, registry list and search, spreadsheet import, "
        "project lists, worklists and approvals, handover list, deliveries, receipts and the history import.",
        epilog="Database: BENCH_DATABASE_URL, default " + DEFAULT_URL + " (created when missing).",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even when the rows are already there")
    parser.add_argument("--rows", type=int, default=100_000, help="beneficiaries to seed (default 100000)")
    parser.add_argument("--projects", type=int, default=80_000, help="micro-projects to seed (default 80000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario (default 30)")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the imported CSV (default 10000)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every scenario, not only slow ones")
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only this part (repeatable)")
    args = parser.parse_args(argv)
    if args.rows < 1000 or args.repeat < 1 or args.import_rows < 1:
        parser.error("--rows must be at least 1000, --repeat and --import-rows at least 1")
    if not 1000 <= args.projects <= args.rows:
        parser.error("--projects must be at least 1000 and at most --rows (one lead each)")
    return args


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_URL


def create_database_if_missing(url: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"The bench measures PostgreSQL; {url!r} is not a PostgreSQL URL.")
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        server = psycopg2.connect(dbname="postgres", **params)
    except psycopg2.OperationalError as error:
        sys.exit(f"Cannot reach PostgreSQL for the bench ({config.get('HOST')}:{config.get('PORT')}): {error}")
    server.autocommit = True  # CREATE DATABASE refuses to run inside a transaction
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                print(f"Creating the bench database {config['NAME']}…")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    finally:
        server.close()


def setup_django(url: str) -> None:
    # Settings read DATABASE_URL when they are imported: set it before django.setup().
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "reintegration.settings"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")  # no "Not Found" noise between the figures
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # What setup_test_environment() would do for the test client, without its instrumented template
    # rendering: that copies the context at every template and include (75 times for the province
    # menu of a national user), which would be timed too and inflate the figures by several ms.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sections = args.only or list(SECTIONS)
    url = database_url()
    create_database_if_missing(url)
    setup_django(url)

    # Models can be imported only once Django is set up.
    from bench import dashboards, disbursements, imports, projects, registry, report, seed

    started = time.perf_counter()
    users = seed.bench_users()
    # One dataset for every section: the synthetic national one (people, projects, handovers).
    seeding = seed.ensure_seeded(args.rows, args.projects, reseed=args.reseed)
    results, failures = [], []
    if "registry" in sections:
        print(f"Registry list and search: {args.repeat} timed requests per scenario…")
        try:
            results += registry.run(users, repeat=args.repeat, explain_all=args.explain)
        except Exception as error:
            failures.append(("registry", error, traceback.format_exc()))
    if "import" in sections:
        print(f"Import of a {args.import_rows:,}-row CSV into Khémisset…")
        try:
            results += imports.run(users["province"], rows=args.import_rows)
        except Exception as error:
            failures.append(("import", error, traceback.format_exc()))

    if "projects" in sections:
        print(f"Project lists, worklists and approvals: {args.repeat} timed runs per scenario…")
        try:
            results += projects.run(users, repeat=args.repeat, explain_all=args.explain)
        except Exception as error:
            failures.append(("projects", error, traceback.format_exc()))

    if "handovers" in sections:
        print(f"Handover list, deliveries, receipts, history import: {args.repeat} timed runs per scenario…")
        try:
            results += disbursements.run(users, repeat=args.repeat, explain_all=args.explain)
        except Exception as error:
            failures.append(("handovers", error, traceback.format_exc()))

    if "dashboards" in sections:
        print(f"Dashboards of a province, a region and the nation, cold and warm: {args.repeat} timed runs each…")
        try:
            results += dashboards.run(repeat=args.repeat)
        except Exception as error:
            failures.append(("dashboards", error, traceback.format_exc()))

    checks = report.checks(results)
    print()
    print(report.table(results, checks))
    report.print_explains(results)
    for section, error, trace in failures:
        print(f"\n{section} bench FAILED: {error}\n{trace}", file=sys.stderr)
    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": report.describe_database(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "options": {
            "rows": args.rows,
            "projects": args.projects,
            "repeat": args.repeat,
            "import_rows": args.import_rows,
            "only": sections,
        },
        "seed": seeding,
        "targets": {
            "list_search_median_ms": 50,
            "constant_queries": True,
            "import_rows_per_second": 1000,
            "approval_median_ms": 30,
            "handover_list_median_ms": 50,
            "delivery_median_ms": 30,
            "receipt_median_ms": 500,
            "history_import_rows_per_second": 500,
            "dashboard_cold_median_ms": {"province": 80, "region": 150, "national": 150},
            "dashboard_warm_median_ms": 10,
            "dashboard_server_to_sql_ratio": 1.5,
        },
        "checks": checks,
        "results": [result.as_json() for result in results],
        "failures": [{"section": section, "error": str(error)} for section, error, _ in failures],
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nFigures written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    print(f"Total bench time: {payload['total_seconds']} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
