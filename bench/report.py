"""The figures as a table for people and a few yes/no checks against the targets."""

from django.db import connection

from bench.measure import TARGET_APPROVAL_MS, TARGET_MS, TARGET_ROWS_PER_SECOND, Result

COLUMNS = [
    ("scenario", "<", 52),
    ("median ms", ">", 9),
    ("p95 ms", ">", 8),
    ("SQL ms", ">", 7),
    ("queries", ">", 7),
    ("rows", ">", 7),
    ("rows/s", ">", 7),
    ("target", "<", 28),
    ("", "<", 4),
]


def cell(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(results: list[Result], checks: dict) -> str:
    header = " ".join(f"{title:{align}{width}}" for title, align, width in COLUMNS)
    lines = [header, "-" * len(header)]
    group = None
    for result in results:
        if group is not None and result.group != group:
            lines.append("")
        group = result.group
        verdict = {True: "ok", False: "MISS", None: "—"}[result.ok]
        values = [
            result.scenario,
            cell(result.median_ms),
            cell(result.p95_ms),
            cell(result.sql_ms),
            cell(result.queries) + ("*" if len(result.query_counts) > 1 else ""),
            cell(result.rows),
            cell(result.rows_per_second),
            result.target,
            verdict,
        ]
        cells = zip(values, COLUMNS, strict=True)
        lines.append(" ".join(f"{value:{align}{width}}" for value, (_, align, width) in cells))
    notes = [f"  {r.scenario}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "Notes:", *notes]
    lines += ["", "Checks:"]
    lines += [f"  {'ok  ' if passed else 'MISS'} {name}: {detail}" for name, (passed, detail) in checks.items()]
    lines.append(
        "  (list/search/page: server time of client.get in-process over the timed requests, SQL ms = database time"
        " per request; QuerySet: its count and first page of 25; approval: approve_line with its locks, rolled"
        " back; import: one run of the whole file, total ms and SQL ms)"
    )
    return "\n".join(lines)


def checks(results: list[Result]) -> dict[str, tuple[bool, str]]:
    found = {}
    pages = [r for r in results if r.group in ("list", "search")]
    if pages:
        # The count may differ by user (a provincial user's scope label loads their province) and
        # drops by one when nothing matches (no page of rows to fetch); it must never grow with rows.
        per_scope: dict[str, set[int]] = {}
        for r in pages:
            if r.rows:
                per_scope.setdefault(r.scope, set()).update(r.query_counts)
        found["constant queries"] = (
            all(len(counts) == 1 for counts in per_scope.values()),
            "per user, whatever the rows matched: "
            + ", ".join(f"{scope} {'/'.join(map(str, sorted(c)))}" for scope, c in per_scope.items())
            + " (one query less when nothing matches)",
        )
        later = [r for r in pages if r.group == "list" and "page 1" not in r.scenario]
        found["page 1 = later page"] = (
            bool(later) and all("DIFFERENT" not in r.note for r in later),
            "; ".join(f"{r.scenario}: {r.note}" for r in later) or "no later page measured",
        )
        slow = [r for r in pages if r.median_ms is not None and r.median_ms > TARGET_MS]
        found[f"list/search median ≤ {TARGET_MS:.0f} ms"] = (
            not slow,
            f"{len(pages) - len(slow)} of {len(pages)} scenarios within target"
            + (f"; slowest: {max(slow, key=lambda r: r.median_ms).scenario}" if slow else ""),
        )
    found.update(project_checks(results))
    found.update(handover_checks(results))
    found.update(dashboard_checks(results))
    imported = [r for r in results if r.group == "import" and r.rows_per_second is not None]
    if imported:
        found[f"import ≥ {TARGET_ROWS_PER_SECOND:,.0f} rows/s"] = (
            all(r.ok for r in imported),
            ", ".join(f"{r.scenario.split(' · ')[0]}: {r.rows_per_second:,.0f} rows/s" for r in imported),
        )
    elif any(r.group == "import" for r in results):
        found["import"] = (False, next(r.note for r in results if r.group == "import"))
    return found


def project_checks(results: list[Result]) -> dict[str, tuple[bool, str]]:
    found = {}
    lists = [r for r in results if r.group in ("projects", "projects-qs") and r.median_ms is not None]
    if lists:
        slow = [r for r in lists if r.median_ms > TARGET_MS]
        found[f"project lists and worklists median ≤ {TARGET_MS:.0f} ms"] = (
            not slow,
            f"{len(lists) - len(slow)} of {len(lists)} scenarios within target"
            + (f"; slowest: {max(slow, key=lambda r: r.median_ms).scenario}" if slow else ""),
        )
        per_group: dict[str, set[int]] = {}
        for r in lists:
            per_group.setdefault(r.group, set()).update(r.query_counts)
        found["project lists constant queries"] = (
            all(len(r.query_counts) == 1 for r in lists) and len(per_group.get("projects-qs", {0})) == 1,
            ", ".join(f"{group}: {'/'.join(map(str, sorted(c)))}" for group, c in per_group.items())
            + " queries per list, whatever its rows",
        )
    unwritten = [r for r in results if r.group == "projects" and r.median_ms is None]
    if unwritten:
        found["project pages measured"] = (False, f"{len(unwritten)} pages not measured: {unwritten[0].note}")
    approvals = [r for r in results if r.group == "approval"]
    if approvals:
        found[f"approval median ≤ {TARGET_APPROVAL_MS:.0f} ms"] = (
            all(r.ok for r in approvals),
            ", ".join(
                f"{r.scenario}: {r.median_ms} ms" if r.median_ms else f"{r.scenario}: {r.note}" for r in approvals
            ),
        )
    return found


def handover_checks(results: list[Result]) -> dict[str, tuple[bool, str]]:
    """Lists ≤ 50 ms with constant queries, a delivery ≤ 30 ms, a receipt ≤ 500 ms, the history
    import ≥ 500 rows/s: each scenario carries its own target and verdict (`ok`)."""
    found = {}
    for group, label in (
        ("handovers", "handover list ≤ 50 ms, constant queries"),
        ("delivery", "delivery with its locks ≤ 30 ms"),
        ("receipt", "receipt ≤ 500 ms"),
        ("history", "history import ≥ 500 rows/s"),
    ):
        measured = [r for r in results if r.group == group and r.ok is not None]
        missing = [r for r in results if r.group == group and r.ok is None]
        if measured or missing:
            found[label] = (
                bool(measured) and all(r.ok for r in measured) and not missing,
                "; ".join(
                    f"{r.scenario}: {r.median_ms} ms"
                    if r.rows_per_second is None
                    else f"{r.scenario}: {r.rows_per_second:,.0f} rows/s"
                    for r in measured
                )
                + "".join(f"; {r.scenario}: {r.note}" for r in missing),
            )
    return found


def dashboard_checks(results: list[Result]) -> dict[str, tuple[bool, str]]:
    """Cold ≤ 80 ms (province) and ≤ 150 ms (region, nation), warm ≤ 10 ms, server/SQL ≤ 1.5 cold."""
    measured = [r for r in results if r.group == "dashboard" and r.ok is not None]
    if not measured:
        return {}
    cold = [r for r in measured if "cold" in r.scenario]
    ratios = [(r, r.median_ms / r.sql_ms) for r in cold if r.sql_ms]
    return {
        "dashboards cold and warm within target": (
            all(r.ok for r in measured),
            "; ".join(f"{r.scenario}: {r.median_ms} ms" for r in measured),
        ),
        "dashboards server/SQL ratio ≤ 1.5 (cold)": (
            all(ratio <= 1.5 for _, ratio in ratios),
            "; ".join(f"{r.scenario}: {ratio:.1f}" for r, ratio in ratios),
        ),
    }


def print_explains(results: list[Result]) -> None:
    explained = [r for r in results if r.explain]
    if not explained:
        return
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the slowest queries of each scenario over target (or --explain):")
    for result in explained:
        print(f"\n=== {result.scenario} (median {result.median_ms} ms, SQL {result.sql_ms} ms)")
        for plan in result.explain:
            print(plan)
            print()


def describe_database() -> dict:
    """Which database was measured, without credentials."""
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {
        "host": settings.get("HOST"),
        "port": settings.get("PORT"),
        "name": settings.get("NAME"),
        "version": version,
    }
