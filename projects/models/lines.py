"""A project's funding plan: what each partner puts in under which convention, and its decision."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from partners.models import Contribution, Convention, Partner
from projects.models.states import COMMITTING
from reintegration.lib.money import format_mad

ZERO = Decimal("0")


class FundingLineQuerySet(models.QuerySet):
    def committed(self, convention_id, partner_id) -> Decimal:
        """What a partner has committed from a convention: its approved lines, in projects that
        still hold them (a rejected or withdrawn project commits nothing)."""
        return self.filter(
            convention=convention_id,
            partner=partner_id,
            decision=FundingLine.Decision.APPROVED,
            project__status__in=COMMITTING,
        ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]

    def left_in(self, contribution) -> Decimal:
        """What `contribution` still has for new approvals: its amount less what is committed from it."""
        return contribution.amount - self.committed(contribution.convention_id, contribution.partner_id)

    def committing(self):
        return self.filter(decision=FundingLine.Decision.APPROVED, project__status__in=COMMITTING)


class FundingLine(models.Model):
    """What one partner puts into the project under one convention, in equipment or in cash."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        CASH = "cash", _("Cash")

    class Decision(models.TextChoices):
        # Contexts: a line's decision is feminine in French (la ligne), a project's status masculine.
        PENDING = "pending", pgettext_lazy("decision on a funding line", "Awaiting decision")
        APPROVED = "approved", pgettext_lazy("decision on a funding line", "Approved")
        REJECTED = "rejected", pgettext_lazy("decision on a funding line", "Rejected")

    project = models.ForeignKey(
        "projects.MicroProject", models.PROTECT, related_name="lines", verbose_name=_("project")
    )
    partner = models.ForeignKey(Partner, models.PROTECT, related_name="+", verbose_name=_("partner"))
    convention = models.ForeignKey(
        Convention, models.PROTECT, related_name="funding_lines", verbose_name=_("convention")
    )
    amount = models.DecimalField(
        _("amount (MAD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()
    objects = FundingLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(name="projects_fundingline_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="projects_fundingline_rejection_has_reason",
                condition=~Q(decision="rejected") | ~Q(decision_reason=""),
            ),
            models.UniqueConstraint(
                fields=["project", "partner", "convention", "kind"],
                name="projects_fundingline_one_per_source",
                violation_error_message=_("This project already has a line of this partner, convention and kind."),
            ),
        ]
        indexes = [
            # Covering: the sum an approval checks, and a partner's lines by decision (the need to
            # know, the lines awaiting approval), read from the index alone (migration 0003).
            models.Index(
                fields=["convention", "partner", "decision", "project", "amount"], name="fundingline_commit_cover_idx"
            ),
            models.Index(fields=["partner", "decision", "project"], name="fundingline_partner_proj_idx"),
        ]

    def __str__(self):
        return f"{self.partner} · {self.convention.reference} · {format_mad(self.amount)}"

    def coverage_problems(self, province, contributing: set | None = None) -> list[str]:
        """Why this line's convention cannot fund it: outside the project's province, or without
        a contribution of the line's partner."""
        problems = []
        if not self.convention.covers(province):
            problems.append(
                _("Convention %(convention)s does not cover %(province)s.")
                % {"convention": self.convention.reference, "province": province.name}
            )
        if contributing is None:
            contributing = set(
                Contribution.objects.filter(convention=self.convention_id).values_list("convention", "partner")
            )
        if (self.convention_id, self.partner_id) not in contributing:
            problems.append(
                _("%(partner)s has no contribution in convention %(convention)s.")
                % {"partner": self.partner.acronym, "convention": self.convention.reference}
            )
        return problems

    def decide(self, decision: str, *, by, reason: str, at=timezone.now) -> None:
        """Record the decision on this (locked) line, or clear it (a reopened project): the
        MicroProject transitions only. The history keeps every decision."""
        self.decision, self.decision_reason = decision, reason
        self.decided_by = by if decision != self.Decision.PENDING else None
        self.decided_at = at() if at else None
        self._history_user = by
        self.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
