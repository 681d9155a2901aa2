"""The ledger: what each funding line has really handed over, append-only.

A delivery posts one positive entry; a correction posts a reversal, the same amount negated and
pointing at the entry it cancels, so the pair nets to zero and both stay. What a line has
delivered is the sum of its entries, read under a lock on the line (disbursements.models.workflow).
Rows are never updated or deleted: refused here, in the admin, and by the database (migration 0002,
reintegration.lib.append_only).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

REFUSAL = "Ledger entries are append-only: post a reversal instead."


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(REFUSAL)

    def delete(self):
        raise PermissionError(REFUSAL)

    def total(self) -> Decimal:
        return self.aggregate(total=Coalesce(Sum("amount"), Decimal("0")))["total"]

    def delivered_by_line(self, line_ids) -> dict[int, Decimal]:
        """{funding line id: what it has delivered, reversals netted}."""
        rows = self.filter(line__in=line_ids).values("line").annotate(total=Sum("amount")).order_by()
        return {row["line"]: row["total"] for row in rows}


class LedgerEntry(models.Model):
    line = models.ForeignKey(
        "projects.FundingLine", models.PROTECT, related_name="ledger_entries", verbose_name=_("funding line")
    )
    handover = models.ForeignKey(
        "disbursements.Handover", models.PROTECT, related_name="ledger_entries", verbose_name=_("handover")
    )
    # Positive for a delivery, negative for a reversal.
    amount = models.DecimalField(_("amount (MAD)"), max_digits=14, decimal_places=2)
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversal", verbose_name=_("reverses")
    )
    # The day the money or the goods changed hands (or the reversal's day); `at` is when it was posted.
    value_date = models.DateField(_("date"))
    at = models.DateTimeField(_("posted at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("posted by"))
    reason = models.TextField(_("reason"), blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="disbursements_ledger_delivery_positive_reversal_negative",
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
            ),
            models.CheckConstraint(
                name="disbursements_ledger_reversal_has_reason", condition=Q(reverses__isnull=True) | ~Q(reason="")
            ),
            # A handover is delivered once: one delivery entry each (and one reversal, by the OneToOne).
            models.UniqueConstraint(
                fields=["handover"], condition=Q(reverses__isnull=True), name="disbursements_ledger_one_delivery"
            ),
        ]
        indexes = [
            # The sum a delivery checks, from the index alone.
            models.Index(fields=["line", "amount"], name="ledger_line_amount_idx"),
            models.Index(fields=["value_date"], name="ledger_value_date_idx"),
        ]

    def __str__(self):
        return f"{self.value_date:%Y-%m-%d} {self.amount} MAD"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(REFUSAL)
