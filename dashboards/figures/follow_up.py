"""What comes next and what became of the businesses: the pipeline, the follow-up visits, survival
at 6, 12 and 24 months after the first handover, and the latest ceremonies."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DateField, Exists, Func, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncMonth

from dashboards.figures.counting import people_per
from disbursements.models import Ceremony, Handover
from projects.models import FollowUpVisit, MicroProject
from projects.models.states import FOLLOWED_UP
from projects.models.workflow import VISIT_DUE_SOON_DAYS, add_months

Status = MicroProject.Status
Business = FollowUpVisit.BusinessStatus
ZERO = Decimal("0")
SURVIVAL_MONTHS = (6, 12, 24)
RUNNING = [Business.OPERATING, Business.STRUGGLING]
STOPPED = [Business.SUSPENDED, Business.CLOSED]
RECENT_VISIT_DAYS = 183  # "visited in the last 6 months"
HANDED_OVER = [Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING]
LATEST_CEREMONIES = 5


def empty_planned() -> dict:
    return {"months": {}, "beneficiaries": 0}


def planned(selection) -> dict:
    """{province id: the handovers planned there, by month, and the people they are for}."""
    planned = selection.handovers().filter(status=Handover.Status.PLANNED)
    by_month = (
        planned.annotate(month=TruncMonth("planned_on"))
        .order_by()
        .values("province", "month")
        .annotate(handovers=Count("pk"), amount=Sum("amount"))
    )
    provinces = defaultdict(empty_planned)
    for row in by_month:
        month = row["month"].strftime("%Y-%m")
        provinces[row["province"]]["months"][month] = {"handovers": row["handovers"], "amount": row["amount"]}
    for province, people in people_per(planned, "province").items():
        provinces[province]["beneficiaries"] = people
    return dict(provinces)


def pipeline(sums: dict, overview: dict) -> dict:
    """Approved projects not handed anything yet (counted by the projects' figures, their lines by
    the money's), and the handovers planned, by month."""
    months = [{"month": month, **values} for month, values in sorted(sums["planned"]["months"].items())]
    return {
        "approved_not_delivered": {
            "projects": overview["by_status"][Status.APPROVED],
            "amount": sum((line["waiting"] for line in sums["money"]["lines"].values()), ZERO),
        },
        "planned": {
            "handovers": sum(month["handovers"] for month in months),
            "amount": sum((month["amount"] for month in months), ZERO),
            "beneficiaries": sums["planned"]["beneficiaries"],
        },
        "planned_by_month": months,
    }


def empty_visits() -> dict:
    return dict.fromkeys(
        ("visits_due", "visits_overdue", "funded_projects", "visited_last_6_months", "reported_jobs"), 0
    )


def visits(selection, today: date) -> dict:
    """Visits due (within the worklist's window) and overdue; the share of the businesses handed
    over that someone visited in the last 6 months; the jobs the latest visits reported."""
    recent = FollowUpVisit.objects.filter(project=OuterRef("pk"), visited_on__gte=today - timedelta(RECENT_VISIT_DAYS))
    latest_jobs = FollowUpVisit.objects.filter(project=OuterRef("pk")).order_by("-visited_on", "-pk").values("jobs")[:1]
    followed = Q(status__in=FOLLOWED_UP)
    handed_over = Q(status__in=HANDED_OVER, first_delivery_on__isnull=False)
    rows = (
        selection.projects()
        .annotate(latest_jobs=Subquery(latest_jobs, output_field=IntegerField()), visited_recently=Exists(recent))
        .order_by()
        .values("province")
        .annotate(
            due=Count(
                "pk",
                filter=followed
                & Q(next_visit_due__gte=today, next_visit_due__lte=today + timedelta(VISIT_DUE_SOON_DAYS)),
            ),
            overdue=Count("pk", filter=followed & Q(next_visit_due__lt=today)),
            handed_over=Count("pk", filter=handed_over),
            visited=Count("pk", filter=handed_over & Q(visited_recently=True)),
            reported_jobs=Coalesce(Sum("latest_jobs", filter=followed), 0),
        )
    )
    return {
        row["province"]: {
            "visits_due": row["due"],
            "visits_overdue": row["overdue"],
            "funded_projects": row["handed_over"],
            "visited_last_6_months": row["visited"],
            "reported_jobs": row["reported_jobs"],
        }
        for row in rows
    }


def follow_up(counts: dict) -> dict:
    return {**counts, "visited_share": share(counts["visited_last_6_months"], counts["funded_projects"])}


class AddMonths(Func):
    """A date `months` later, as add_months does (PostgreSQL clamps 31 August + 6 months to 28 February)."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        self.months = int(months)
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+{self.months} months')", params  # SQLite

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql} + INTERVAL '{self.months} months') AS date)", params


def survival_counts(selection, today: date) -> dict:
    """Of the businesses handed over at least N months ago, how many still ran N months after their
    first handover: what the first visit on or after that day found (operating or struggling: still
    running; suspended or closed: stopped). Without such a visit, a business a visit found closed
    before that day stopped; any other is not observed, and left out of the share."""
    projects = selection.projects().filter(first_delivery_on__isnull=False)
    counts = {}
    for months in SURVIVAL_MONTHS:
        milestone = AddMonths(OuterRef("first_delivery_on"), months)
        after = FollowUpVisit.objects.filter(project=OuterRef("pk"), visited_on__gte=milestone)
        found = after.order_by("visited_on", "pk").values("business_status")[:1]
        closed_before = FollowUpVisit.objects.filter(
            project=OuterRef("pk"), visited_on__lt=milestone, business_status=Business.CLOSED
        )
        projects = projects.annotate(**{f"found_{months}": Subquery(found), f"closed_{months}": Exists(closed_before)})
        eligible = Q(first_delivery_on__lte=add_months(today, -months))
        running = Q(**{f"found_{months}__in": RUNNING})
        stopped = Q(**{f"found_{months}__in": STOPPED}) | Q(
            **{f"found_{months}__isnull": True, f"closed_{months}": True}
        )
        counts[f"running_{months}"] = Count("pk", filter=eligible & running)
        counts[f"stopped_{months}"] = Count("pk", filter=eligible & stopped)
        counts[f"eligible_{months}"] = Count("pk", filter=eligible)
    groups = (
        projects.annotate(year=ExtractYear("first_delivery_on"), month=ExtractMonth("first_delivery_on"))
        .annotate(half=Case(When(month__lte=6, then=Value(1)), default=Value(2)))
        .order_by()
        .values("province", "year", "half", "sector")
        .annotate(**counts)
    )
    provinces = defaultdict(empty_survival_counts)
    for group in groups:  # provinces × cohorts × sectors
        counts = provinces[group["province"]]
        cohort = f"{group['year']}-H{group['half']}"
        buckets = (
            counts["by_cohort"].setdefault(cohort, empty_survival()),
            counts["by_sector"].setdefault(group["sector"], empty_survival()),
            counts["overall"],
        )
        for bucket in buckets:
            for months in SURVIVAL_MONTHS:
                cell = bucket[str(months)]
                cell["eligible"] += group[f"eligible_{months}"]
                cell["running"] += group[f"running_{months}"]
                cell["observed"] += group[f"running_{months}"] + group[f"stopped_{months}"]
    return dict(provinces)


def survival(counts: dict) -> dict:
    """Shares from the counts: the share of the businesses observed that were still running."""

    def with_shares(bucket: dict) -> dict:
        return {months: {**cell, "share": share(cell["running"], cell["observed"])} for months, cell in bucket.items()}

    return {
        "overall": with_shares(counts["overall"]),
        "by_cohort": [{"cohort": c, **with_shares(counts["by_cohort"][c])} for c in sorted(counts["by_cohort"])],
        "by_sector": [{"sector": s, **with_shares(counts["by_sector"][s])} for s in sorted(counts["by_sector"])],
    }


def empty_survival_counts() -> dict:
    return {"overall": empty_survival(), "by_cohort": {}, "by_sector": {}}


def empty_survival() -> dict:
    return {str(months): {"eligible": 0, "observed": 0, "running": 0} for months in SURVIVAL_MONTHS}


def share(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1")) if whole else None


def latest_ceremonies(selection) -> list:
    """The latest ceremonies of the scope (those to come first), with what they handed over: the five
    are chosen first (from the index on the date), then only their handovers are added up."""
    handovers = selection.handovers()
    ceremonies = Ceremony.objects.filter(selection.scope.province_q())
    if selection.is_filtered:
        ceremonies = ceremonies.filter(Exists(handovers.filter(ceremony=OuterRef("pk"))))
    latest = ceremonies.order_by("-held_on", "-pk").values_list("pk", flat=True)[:LATEST_CEREMONIES]
    delivered = Q(handovers__status=Handover.Status.DELIVERED)
    planned = Q(handovers__status=Handover.Status.PLANNED)
    if selection.is_filtered:  # only the handovers of the lines chosen
        delivered &= Q(handovers__in=handovers.values("pk"))
        planned &= Q(handovers__in=handovers.values("pk"))
    rows = list(
        Ceremony.objects.filter(pk__in=latest)
        .order_by("-held_on", "-pk")
        .annotate(
            delivered=Count("handovers", filter=delivered),
            delivered_value=Coalesce(Sum("handovers__amount", filter=delivered), ZERO),
            planned=Count("handovers", filter=planned),
            planned_value=Coalesce(Sum("handovers__amount", filter=planned), ZERO),
        )
        .values(
            "pk",
            "held_on",
            "place",
            "presided_by",
            "province__name_fr",
            "province__name_ar",
            "delivered",
            "delivered_value",
            "planned",
            "planned_value",
        )
    )
    shown = [Handover.Status.DELIVERED, Handover.Status.PLANNED]
    people = people_per(handovers.filter(ceremony__in=[row["pk"] for row in rows], status__in=shown), "ceremony")
    return [{**row, "beneficiaries": people.get(row["pk"], 0)} for row in rows]
