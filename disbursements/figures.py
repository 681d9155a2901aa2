"""The figures of a ceremony, computed by the database: its page's summary and its press summary.

"Delivered" figures count delivered handovers only (a cancelled or reversed one was not handed
over); what is still planned is counted apart. Every figure is one aggregate query: no loop over
handovers in Python.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from beneficiaries.models import Beneficiary
from disbursements.models import Handover, HandoverItem, LedgerEntry
from projects.models import FundingLine, MicroProject

ZERO = Decimal("0")
PLANNED, DELIVERED = Handover.Status.PLANNED, Handover.Status.DELIVERED
# Approved projects that may still receive something: the candidates of a ceremony.
OPEN_STATUSES = [MicroProject.Status.APPROVED, MicroProject.Status.IN_HANDOVER]


@dataclass
class CeremonySummary:
    delivered_count: int = 0
    delivered_value: Decimal = ZERO
    beneficiaries: int = 0
    by_sex: dict = field(default_factory=dict)  # {"M": n, "F": n}
    by_partner: list = field(default_factory=list)  # [{"partner": Partner, "value": Decimal, "percent": int}]
    equipment_value: Decimal = ZERO
    equipment_count: int = 0
    cash_value: Decimal = ZERO
    cash_count: int = 0
    by_category: list = field(default_factory=list)  # [{"category": code, "label": str, "units", "value"}]
    planned_count: int = 0
    planned_value: Decimal = ZERO
    planned_beneficiaries: int = 0
    conventions: list = field(default_factory=list)  # the conventions of the lines delivered or planned

    @property
    def men(self) -> int:
        return self.by_sex.get(Beneficiary.Sex.MALE, 0)

    @property
    def women(self) -> int:
        return self.by_sex.get(Beneficiary.Sex.FEMALE, 0)


def people_of(projects):
    """The leads and co-beneficiaries of `projects` (a queryset), each person once."""
    shared = MicroProject.co_beneficiaries.through.objects.filter(microproject__in=projects)
    return Beneficiary.objects.filter(Q(pk__in=projects.values("lead")) | Q(pk__in=shared.values("beneficiary")))


def ceremony_summary(ceremony, handovers) -> CeremonySummary:
    """The figures of `ceremony`, over `handovers` (a queryset of its handovers)."""
    from partners.models import Convention, Partner

    handovers = handovers.filter(ceremony=ceremony)
    delivered = handovers.filter(status=DELIVERED)
    planned = handovers.filter(status=PLANNED)
    summary = CeremonySummary()

    by_status = handovers.values("status").annotate(count=Count("pk"), value=Sum("amount")).order_by()
    for row in by_status:
        if row["status"] == DELIVERED:
            summary.delivered_count, summary.delivered_value = row["count"], row["value"]
        elif row["status"] == PLANNED:
            summary.planned_count, summary.planned_value = row["count"], row["value"]

    delivered_projects = MicroProject.objects.filter(pk__in=delivered.values("project"))
    by_sex = people_of(delivered_projects).values("sex").annotate(count=Count("pk")).order_by()
    summary.by_sex = {row["sex"]: row["count"] for row in by_sex}
    summary.beneficiaries = sum(summary.by_sex.values())
    summary.planned_beneficiaries = people_of(MicroProject.objects.filter(pk__in=planned.values("project"))).count()

    by_kind = delivered.values("kind").annotate(count=Count("pk"), value=Sum("amount")).order_by()
    for row in by_kind:
        if row["kind"] == FundingLine.Kind.CASH:
            summary.cash_count, summary.cash_value = row["count"], row["value"]
        else:
            summary.equipment_count, summary.equipment_value = row["count"], row["value"]

    by_partner = delivered.values("line__partner").annotate(value=Sum("amount")).order_by("-value")
    partners = Partner.objects.in_bulk([row["line__partner"] for row in by_partner])
    summary.by_partner = [
        {
            "partner": partners[row["line__partner"]],
            "value": row["value"],
            "percent": round(100 * row["value"] / summary.delivered_value) if summary.delivered_value else 0,
        }
        for row in by_partner
    ]

    by_category = (
        HandoverItem.objects.filter(handover__in=delivered)
        .values("category")
        .annotate(units=Sum("quantity"), value=Sum(F("quantity") * F("unit_price")))
        .order_by("-value", "category")
    )
    labels = dict(HandoverItem.Category.choices)
    summary.by_category = [row | {"label": labels.get(row["category"], row["category"])} for row in by_category]

    summary.conventions = list(
        Convention.objects.filter(pk__in=handovers.filter(status__in=[DELIVERED, PLANNED]).values("line__convention"))
        .prefetch_related("contributions__partner")
        .order_by("reference")
    )
    return summary


def waiting_people(province) -> int:
    """People of the province's approved projects that have received nothing yet (a first delivery
    moves a project on): "N more will benefit in the coming days"."""
    return people_of(MicroProject.objects.filter(province=province, status=MicroProject.Status.APPROVED)).count()


def lines_with_left():
    """Approved funding lines annotated with `left`: their amount less what the ledger has delivered
    and what planned handovers hold."""
    delivered = LedgerEntry.objects.filter(line=OuterRef("pk")).order_by().values("line").annotate(total=Sum("amount"))
    planned = (
        Handover.objects.filter(line=OuterRef("pk"), status=PLANNED)
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
    )
    return FundingLine.objects.filter(decision=FundingLine.Decision.APPROVED).annotate(
        left=F("amount")
        - Coalesce(Subquery(delivered.values("total")), ZERO)
        - Coalesce(Subquery(planned.values("total")), ZERO)
    )


def ceremony_candidates(ceremony, user):
    """The province's approved projects, visible to `user`, with something still to hand over: a
    line with an amount left to plan, or a planned handover not attached to a ceremony. Annotated
    with `to_plan` (what new handovers would hold) and `unattached` (what is planned elsewhere)."""
    open_lines = lines_with_left().filter(project=OuterRef("pk"), left__gt=0)
    to_plan = open_lines.order_by().values("project").annotate(total=Sum("left"))
    unattached = (
        Handover.objects.filter(project=OuterRef("pk"), status=PLANNED, ceremony__isnull=True)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
    )
    return (
        MicroProject.objects.visible_to(user)
        .filter(province=ceremony.province_id, status__in=OPEN_STATUSES)
        .annotate(
            to_plan=Coalesce(Subquery(to_plan.values("total")), ZERO),
            unattached=Coalesce(Subquery(unattached.values("total")), ZERO),
        )
        .filter(Q(to_plan__gt=0) | Q(unattached__gt=0))
        .select_related("lead")
        .order_by("lead__sort_name", "pk")
    )
