"""A handover: equipment or cash from one funding line, planned, then delivered (or cancelled),
numbered per province and year without gaps (KHE-2020-0007)."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from beneficiaries.identity import EASTERN_DIGITS
from disbursements.models.workflow import HandoverWorkflow
from disbursements.permissions import can_read_handovers
from partners.models import Partner
from projects.models import FundingLine, MicroProject
from reintegration.lib.documents import validate_document
from reintegration.lib.money import format_mad
from territory.models import Province
from territory.scoping import province_q

# Crockford's base 32: no I, L, O or U, so that a code typed from paper is read back as printed.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as typed or scanned: spaces and dashes dropped, upper case, O read as 0 and I, L as 1,
    Arabic-Indic digits (an Arabic keyboard's) read as the digits printed."""
    code = "".join(typed.split()).replace("-", "").upper().translate(EASTERN_DIGITS)
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class HandoverQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and admins: the handovers of their scope. A funder's coordinator: its own lines'
        handovers in its scope; a technical partner's: those of the projects it studies (it follows
        the businesses up). Officials and everyone else: none. A handover exists only for an
        approved line, so its project is one partners have seen (SHOWN_TO_PARTNERS)."""
        if not can_read_handovers(user):
            return self.none()
        handovers = self.filter(province_q(user))
        if user.role in (user.Role.STAFF, user.Role.ADMIN):
            return handovers
        # The handover's own partners and province, never a join to the projects: INDH's national
        # coordinators count 100,000 handovers from one index, ANAPEC's regional ones 17,000 (make bench).
        if user.partner.is_technical:
            return handovers.filter(technical_partner=user.acting_partner_id)
        return handovers.filter(partner=user.acting_partner_id)

    def with_list_relations(self):
        return self.select_related("project__lead", "line__partner", "line__convention", "ceremony", "province")


class Handover(HandoverWorkflow, models.Model):
    class Status(models.TextChoices):
        # A context of their own: a handover is feminine in French (la remise: « annulée », where an
        # import job is « annulé »), and "Delivered" alone is already the convention page's column
        # of amounts handed over (« المبلغ المسلَّم », not a status).
        PLANNED = "planned", pgettext_lazy("handover status", "Planned")
        DELIVERED = "delivered", pgettext_lazy("handover status", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("handover status", "Cancelled")
        REVERSED = "reversed", pgettext_lazy("handover status", "Reversed")

    class CashMethod(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        POSTAL_ORDER = "postal_order", _("Postal order")
        CASH = "cash", _("Cash in hand")

    Kind = FundingLine.Kind

    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    province = models.ForeignKey(Province, models.PROTECT, related_name="+", verbose_name=_("province"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    project = models.ForeignKey(MicroProject, models.PROTECT, related_name="handovers", verbose_name=_("project"))
    line = models.ForeignKey(FundingLine, models.PROTECT, related_name="handovers", verbose_name=_("funding line"))
    # The line's partner, copied when the handover is planned (an approved line's partner never
    # changes): the coordinators' scope and the lists' partner filter read it without a join.
    partner = models.ForeignKey(Partner, models.PROTECT, related_name="+", verbose_name=_("partner"))
    # The project's technical partner, copied the same way (it is chosen before the approval, never
    # after): its coordinators follow these businesses up, and see their handovers from one index.
    technical_partner = models.ForeignKey(
        Partner, models.PROTECT, null=True, blank=True, related_name="+", editable=False, verbose_name=_("studied by")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FundingLine.Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("planned for"))
    ceremony = models.ForeignKey(
        "disbursements.Ceremony",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("ceremony"),
    )
    # Cash: the amount handed over. Equipment: the sum of the items, kept by set_items.
    amount = models.DecimalField(_("value (MAD)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    cash_method = models.CharField(_("payment method"), max_length=12, choices=CashMethod.choices, blank=True)
    cash_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True, help_text=_("Transfer, cheque or order number.")
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    receipt_scan = models.FileField(
        _("signed receipt"), upload_to="receipts/%Y/", blank=True, validators=[validate_document]
    )
    verification_code = models.CharField(
        _("verification code"), max_length=CODE_LENGTH, unique=True, default=new_verification_code, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "sequence"], name="disbursements_handover_number"),
            models.CheckConstraint(name="disbursements_handover_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="disbursements_handover_delivered_has_date",
                condition=Q(status__in=["planned", "cancelled"]) | Q(delivered_on__isnull=False, amount__gt=0),
            ),
            models.CheckConstraint(
                name="disbursements_handover_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status", "-created_at"], name="handover_province_status_idx"),
            models.Index(fields=["-created_at", "-id"], name="handover_created_idx"),
            models.Index(fields=["partner", "province", "-created_at", "-id"], name="handover_partner_created_idx"),
            models.Index(
                fields=["technical_partner", "province", "-created_at", "-id"], name="handover_studied_created_idx"
            ),
            models.Index(fields=["line", "status"], name="handover_line_status_idx"),
            models.Index(fields=["status", "planned_on"], name="handover_status_planned_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("disbursements:handover_detail", args=[self.pk])

    @property
    def is_cash(self) -> bool:
        return self.kind == FundingLine.Kind.CASH

    @property
    def display_code(self) -> str:
        """The verification code as printed: two groups of five."""
        return f"{self.verification_code[:5]}-{self.verification_code[5:]}"

    def code_matches(self, typed: str) -> bool:
        return secrets.compare_digest(normalise_code(typed).encode(), self.verification_code.encode())

    @property
    def value_label(self) -> str:
        return format_mad(self.amount)


class HandoverItem(models.Model):
    """One kind of thing handed over: a sewing machine, ten sheep, a set of tools."""

    class Category(models.TextChoices):
        MACHINERY = "machinery", _("Machines")
        TOOLS = "tools", _("Tools")
        LIVESTOCK = "livestock", _("Livestock")
        VEHICLE = "vehicle", _("Vehicles")
        FURNITURE = "furniture", _("Furniture and fittings")
        COMPUTING = "computing", _("Computers and telephones")
        STOCK = "stock", _("Goods and raw materials")
        OTHER = "other", _("Other")

    handover = models.ForeignKey(Handover, models.CASCADE, related_name="items", verbose_name=_("handover"))
    designation = models.CharField(_("designation"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price (MAD)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["handover", "pk"]
        constraints = [
            models.CheckConstraint(name="disbursements_item_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="disbursements_item_price_positive", condition=Q(unit_price__gt=0)),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.designation}"

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price


class HandoverSequence(models.Model):
    """The last number given in a province in a year. Taken under a row lock in the transaction that
    creates the handover, so that a rollback gives the number back: numbers have no gaps."""

    province = models.ForeignKey(Province, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="disbursements_sequence_unique")]

    def __str__(self):
        return f"{self.province_id}/{self.year}: {self.last}"

    @classmethod
    def take_next(cls, province, year: int) -> int:
        """The next number of `province` in `year`, inside the caller's transaction."""
        return cls.take_block(province, year, 1)[0]

    @classmethod
    def take_block(cls, province, year: int, count: int) -> range:
        """`count` consecutive numbers of `province` in `year` (the history import takes a year's at
        once), inside the caller's transaction: the row stays locked until it ends, and a rollback
        gives the numbers back."""
        # The row may not exist yet: twenty first handovers of a year at once must create it once.
        # ON CONFLICT DO NOTHING waits for a concurrent insert and then leaves it be.
        cls.objects.bulk_create([cls(province=province, year=year)], ignore_conflicts=True)
        cls.objects.filter(province=province, year=year).update(last=F("last") + count)
        last = cls.objects.get(province=province, year=year).last
        return range(last - count + 1, last + 1)
