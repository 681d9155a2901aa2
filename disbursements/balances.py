"""Where a funding line stands: what its ledger has delivered, what its planned handovers hold, and
what is left to plan. Read by the planning form, the project page's panel and the handover page."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from disbursements.models import Handover, LedgerEntry

ZERO = Decimal("0")


@dataclass(frozen=True)
class LineBalance:
    line: object
    delivered: Decimal
    planned: Decimal

    @property
    def left_to_plan(self) -> Decimal:
        return max(self.line.amount - self.delivered - self.planned, ZERO)


def line_balances(lines, *, excluding=None) -> dict[int, LineBalance]:
    """{line id: LineBalance} in two queries, whatever the number of lines. `excluding`: a planned
    handover whose value is being changed, not counted as planned."""
    lines = list(lines)
    ids = [line.pk for line in lines]
    delivered = LedgerEntry.objects.delivered_by_line(ids)
    planned_handovers = Handover.objects.filter(line__in=ids, status=Handover.Status.PLANNED)
    if excluding is not None:
        planned_handovers = planned_handovers.exclude(pk=excluding.pk)
    planned = {
        row["line"]: row["total"] for row in planned_handovers.values("line").annotate(total=Sum("amount")).order_by()
    }
    return {
        line.pk: LineBalance(line, delivered.get(line.pk, ZERO), planned.get(line.pk, ZERO) or ZERO) for line in lines
    }
