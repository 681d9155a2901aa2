"""What the disbursements app adds to the shared pages. Found by reintegration.lib.contributions."""

from django.db.models import Sum

from disbursements.models import LedgerEntry


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


# --- the history import's menu entry (staff and admins); merged with the other entries of this app ---
from django.utils.translation import gettext_lazy  # noqa: E402

from disbursements.permissions import can_manage_handovers  # noqa: E402
from reintegration.lib.contributions import NavEntry  # noqa: E402

NAVIGATION = [
    *globals().get("NAVIGATION", []),
    NavEntry(gettext_lazy("Import history"), "disbursements:history_upload", visible=can_manage_handovers, order=80),
]
# --- end of the history import's menu entry ---
