"""A region's dashboard lists its provinces, the nation's its regions and all 75 provinces: one row
each, linking down to that place's dashboard. One query: each column is a correlated subquery per
province, read from the province indexes."""

from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from beneficiaries.models import Beneficiary
from projects.models import FundingLine
from projects.models.states import APPROVED_OR_LATER, COMMITTING

ZERO = Decimal("0")
COUNTS = ("beneficiaries", "projects", "approved")
AMOUNTS = ("committed", "delivered")
PLACE = ("code", "name_fr", "name_ar")


def per_province(queryset, field: str, aggregate, default):
    """`aggregate` over the rows of `queryset` whose `field` is the province of the outer row."""
    rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(value=aggregate)
    return Coalesce(Subquery(rows.values("value")), default)


def tables(selection) -> dict:
    scope = selection.scope
    if scope.level == "province":
        return {}
    projects = selection.projects()
    committing = selection.lines().filter(decision=FundingLine.Decision.APPROVED, project__status__in=COMMITTING)
    rows = list(
        scope.provinces()
        .annotate(
            beneficiaries=per_province(Beneficiary.objects.all(), "province", Count("pk"), 0),
            projects=per_province(projects, "province", Count("pk"), 0),
            approved=per_province(projects.filter(status__in=APPROVED_OR_LATER), "province", Count("pk"), 0),
            committed=per_province(committing, "project__province", Sum("amount"), ZERO),
            delivered=per_province(selection.ledger(), "handover__province", Sum("amount"), ZERO),
        )
        .values(*PLACE, "region__code", "region__name_fr", "region__name_ar", *COUNTS, *AMOUNTS)
    )
    provinces = [
        {**{key: row[key] for key in (*PLACE, *COUNTS, *AMOUNTS)}, "region": row["region__code"]} for row in rows
    ]
    if scope.level == "region":
        return {"provinces": provinces}
    return {"provinces": provinces, "regions": regions_of(rows)}


def regions_of(rows) -> list:
    """The provinces' rows added up by region (12 regions, from 75 rows)."""
    regions = {}
    for row in rows:
        region = regions.setdefault(
            row["region__code"],
            {
                "code": row["region__code"],
                "name_fr": row["region__name_fr"],
                "name_ar": row["region__name_ar"],
                **dict.fromkeys(COUNTS, 0),
                **dict.fromkeys(AMOUNTS, ZERO),
            },
        )
        for column in (*COUNTS, *AMOUNTS):
            region[column] += row[column]
    return list(regions.values())
