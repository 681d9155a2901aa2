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


def overview(selection) -> dict:
    groups = (
        selection.projects()
        .order_by()
        .values("status", "sector")
        .annotate(count=Count("pk"), cost=Sum("total_cost"), jobs=Sum("expected_jobs"))
    )
    by_status = dict.fromkeys(Status.values, 0)
    by_sector = dict.fromkeys(MicroProject.Sector.values, 0)
    approved = {"count": 0, "cost": ZERO, "jobs": 0}
    for group in groups:  # at most statuses × sectors rows
        by_status[group["status"]] += group["count"]
        by_sector[group["sector"]] += group["count"]
        if group["status"] in APPROVED_OR_LATER:
            approved["count"] += group["count"]
            approved["cost"] += group["cost"]
            approved["jobs"] += group["jobs"]
    average = (approved["cost"] / approved["count"]).quantize(Decimal("0.01")) if approved["count"] else ZERO
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "funnel": {stage: sum(by_status[s] for s in statuses) for stage, statuses in FUNNEL},
        "by_sector": by_sector,
        "approved": approved["count"],
        "average_cost": average,
        "expected_jobs": approved["jobs"],
    }
