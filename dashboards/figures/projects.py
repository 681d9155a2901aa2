"""Projects: by status (and the funnel from submission to a running business), by sector, cost, jobs."""

from decimal import Decimal

from django.db.models import Count, Sum

from projects.models import MicroProject
from projects.models.states import APPROVED_OR_LATER

Status = MicroProject.Status
ZERO = Decimal("0")

# Each stage counts the projects that reached it and are still in the programme's path: a rejected
# or withdrawn project leaves the funnel after submission. Closed businesses were funded.
FUNNEL = [
    ("submitted", [s for s in Status.values if s not in (Status.DRAFT, Status.WITHDRAWN)]),
    ("studied", [Status.STUDIED, *APPROVED_OR_LATER]),
    ("approved", list(APPROVED_OR_LATER)),
    ("in_handover", [Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING, Status.CLOSED]),
    ("funded", [Status.FUNDED, Status.OPERATING, Status.CLOSED]),
    ("operating", [Status.OPERATING]),
]


def empty() -> dict:
    return {
        "by_status": dict.fromkeys(Status.values, 0),
        "by_sector": dict.fromkeys(MicroProject.Sector.values, 0),
        "approved": 0,
        "approved_cost": ZERO,
        "expected_jobs": 0,
    }


def counts(selection) -> dict:
    """{province id: its projects by status and sector, and the cost and jobs of those approved}."""
    groups = (
        selection.projects()
        .order_by()
        .values("province", "status", "sector")
        .annotate(count=Count("pk"), cost=Sum("total_cost"), jobs=Sum("expected_jobs"))
    )
    provinces = {}
    for group in groups:  # at most provinces × statuses × sectors rows
        sums = provinces.setdefault(group["province"], empty())
        sums["by_status"][group["status"]] += group["count"]
        sums["by_sector"][group["sector"]] += group["count"]
        if group["status"] in APPROVED_OR_LATER:
            sums["approved"] += group["count"]
            sums["approved_cost"] += group["cost"]
            sums["expected_jobs"] += group["jobs"]
    return provinces


def overview(sums: dict) -> dict:
    by_status, approved = sums["by_status"], sums["approved"]
    average = (sums["approved_cost"] / approved).quantize(Decimal("0.01")) if approved else ZERO
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "funnel": {stage: sum(by_status[s] for s in statuses) for stage, statuses in FUNNEL},
        "by_sector": sums["by_sector"],
        "approved": approved,
        "average_cost": average,
        "expected_jobs": sums["expected_jobs"],
    }
