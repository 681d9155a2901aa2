"""What the disbursements app adds to the shared pages. Found by reintegration.lib.contributions."""

from django.db.models import Sum
from django.utils.translation import gettext_lazy

from disbursements.models import LedgerEntry
from disbursements.permissions import can_read_handovers
from reintegration.lib.contributions import NavEntry


def convention_amounts(convention_ids) -> dict:
    """{"delivered": {(convention id, partner id): what the ledger says was handed over, reversals
    netted}} for the convention pages."""
    delivered = (
        LedgerEntry.objects.filter(line__convention__in=convention_ids)
        .values("line__convention", "line__partner")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {"delivered": {(row["line__convention"], row["line__partner"]): row["total"] for row in delivered}}


NAVIGATION = [
    NavEntry(gettext_lazy("Ceremonies"), "disbursements:ceremony_list", visible=can_read_handovers),
]
