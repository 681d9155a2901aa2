"""A micro-project: who, what, how much, and where it stands. Its funding plan is in lines.py, its
transitions in workflow.py."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models import Beneficiary, Consent
from partners.models import Contribution, Partner
from projects.models.lines import FundingLine
from projects.models.states import FOLLOWED_UP, SHOWN_TO_PARTNERS, Outcome, ProjectStatus
from projects.models.workflow import FOLLOW_UP_MONTHS, VISIT_DUE_SOON_DAYS, ProjectWorkflow, add_months
from reintegration.lib.money import format_mad
from reintegration.lib.text import validate_line, validate_multiline
from territory.models import Province
from territory.scoping import province_q

ZERO = Decimal("0")


class MicroProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and admins: the projects of their scope. Coordinators: those submitted to the
        partner they act for (a funding line of it, or its study), in their scope. Nobody else."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (user.Role.STAFF, user.Role.ADMIN):
            return self.filter(province_q(user))
        partner = user.acting_partner_id
        if partner is None:
            return self.none()  # a coordinator acting for no partner: fail closed
        # A technical partner knows the projects it studies, a funder those it has a line in. One
        # condition each, never both ORed: PostgreSQL then reads every line of a national funder
        # to answer any of its coordinators' pages (measured by make bench).
        if user.partner.is_technical:
            concerned = Q(technical_partner=partner)
        else:
            concerned = Q(pk__in=FundingLine.objects.filter(partner=partner).values("project"))
        return self.filter(province_q(user), concerned, status__in=SHOWN_TO_PARTNERS)

    def with_list_relations(self):
        return self.select_related("lead", "province", "technical_partner")

    def awaiting_study(self, user):
        """Submitted projects the technical partner this user acts for has to study."""
        return self.visible_to(user).filter(status=ProjectStatus.SUBMITTED, technical_partner=user.acting_partner_id)

    def awaiting_approval(self, user):
        """Studied projects with a line of this user's partner still to decide, that they did not submit."""
        pending = FundingLine.objects.filter(partner=user.acting_partner_id, decision=FundingLine.Decision.PENDING)
        return (
            self.visible_to(user)
            .filter(status=ProjectStatus.STUDIED, pk__in=pending.values("project"))
            .exclude(submitted_by=user.pk)
        )

    def visits_due(self, user, today: date | None = None):
        """Projects followed up whose next visit falls due within VISIT_DUE_SOON_DAYS, or is overdue."""
        today = today or timezone.localdate()
        return self.visible_to(user).filter(
            status__in=FOLLOWED_UP, next_visit_due__lte=today + timedelta(days=VISIT_DUE_SOON_DAYS)
        )

    def of_beneficiary(self, beneficiary):
        return self.filter(Q(lead=beneficiary) | Q(co_beneficiaries=beneficiary)).distinct()


class MicroProject(ProjectWorkflow, models.Model):
    """An income-generating activity of one beneficiary (or several: a collective project)."""

    Status = ProjectStatus
    Outcome = Outcome

    class Sector(models.TextChoices):
        AGRICULTURE = "agriculture", _("Agriculture")
        LIVESTOCK = "livestock", _("Livestock")
        FISHING = "fishing", _("Fishing")
        CRAFTS = "crafts", _("Crafts")
        TRADE = "trade", _("Trade")
        CATERING = "catering", _("Catering and food")
        PERSONAL_SERVICES = "personal_services", _("Personal services")
        REPAIR = "repair", _("Repair and maintenance")
        BUILDING = "building", _("Building trades")
        TRANSPORT = "transport", _("Transport")
        FOOD_PROCESSING = "food_processing", _("Food processing")
        DIGITAL = "digital", _("Digital services")
        OTHER = "other", _("Other")

    lead = models.ForeignKey(
        Beneficiary, models.PROTECT, related_name="led_projects", verbose_name=_("lead beneficiary")
    )
    co_beneficiaries = models.ManyToManyField(
        Beneficiary, blank=True, related_name="shared_projects", verbose_name=_("co-beneficiaries")
    )
    # The lead's province when the project was drafted: the project's scope.
    province = models.ForeignKey(Province, models.PROTECT, related_name="+", verbose_name=_("province"))
    title = models.CharField(_("title"), max_length=200, validators=[validate_line])
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    activity = models.TextField(_("activity"), blank=True, validators=[validate_multiline])
    commune = models.CharField(_("commune"), max_length=100, blank=True, validators=[validate_line])
    total_cost = models.DecimalField(
        _("total cost (MAD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    own_contribution = models.DecimalField(
        _("own contribution (MAD)"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    expected_jobs = models.PositiveSmallIntegerField(_("expected jobs"), default=1)
    technical_partner = models.ForeignKey(
        Partner,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="studied_projects",
        limit_choices_to={"kind": Partner.Kind.TECHNICAL},
        verbose_name=_("studied by"),
        help_text=_("The technical partner that makes the technical and financial study (ANAPEC)."),
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    # Each reopening after a rejection starts a revision: a new study, new decisions on the lines.
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    # Written by the disbursements app: the follow-up calendar starts from it.
    first_delivery_on = models.DateField(_("first delivered on"), null=True, blank=True)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = MicroProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-project")
        verbose_name_plural = _("micro-projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="projects_microproject_cost_positive", condition=Q(total_cost__gt=0)),
            models.CheckConstraint(
                name="projects_microproject_own_contribution_within_cost",
                condition=Q(own_contribution__gte=0, own_contribution__lte=models.F("total_cost")),
                violation_error_message=_("The own contribution cannot exceed the total cost."),
            ),
            models.CheckConstraint(
                name="projects_microproject_closed_has_outcome",
                condition=Q(status="closed", outcome__gt="") | (~Q(status="closed") & Q(outcome="")),
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status", "-created_at"], name="project_province_status_idx"),
            models.Index(fields=["status", "-created_at"], name="project_status_created_idx"),
            models.Index(fields=["status", "next_visit_due"], name="project_visit_due_idx"),
            # A technical partner's coordinator sees the projects it studies, in scope, and the people
            # leading them (need to know): read from this index alone (82 → 33 ms, region 04 on the bench).
            models.Index(fields=["technical_partner", "province", "status", "lead"], name="project_studied_scope_idx"),
            # The list's whole order, nationally and per province: a page of 25 read from the index
            # (measured by make bench, migration 0003).
            models.Index(fields=["-created_at", "-id"], name="project_created_idx"),
            models.Index(fields=["province", "-created_at", "-id"], name="project_province_created_idx"),
            # The visits due, soonest first, among the projects followed up (FOLLOWED_UP).
            models.Index(
                fields=["next_visit_due", "id"],
                condition=Q(status__in=["approved", "in_handover", "funded", "operating"]),
                name="project_followed_up_due_idx",
            ),
            # The projects whose approved lines commit money (COMMITTING): the sum an approval checks
            # joins them from this index alone, instead of reading every project.
            models.Index(
                fields=["id"],
                condition=Q(status__in=["studied", "approved", "in_handover", "funded", "operating", "closed"]),
                name="project_committing_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    # ----- reading -------------------------------------------------------------------------

    def beneficiaries(self) -> list[Beneficiary]:
        return [self.lead, *self.co_beneficiaries.all()]

    @property
    def funded_by_partners(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), ZERO)

    def plan_problems(self) -> list[str]:
        """What keeps the funding plan from being submitted, in words for the person drafting it."""
        lines = list(self.lines.select_related("convention", "partner"))
        problems = []
        if not lines:
            problems.append(_("Add at least one funding line."))
        planned = sum((line.amount for line in lines), ZERO) + self.own_contribution
        if lines and planned != self.total_cost:
            problems.append(
                _("The funding lines and the own contribution add up to %(planned)s, not the total cost of %(total)s.")
                % {"planned": format_mad(planned), "total": format_mad(self.total_cost)}
            )
        contributing = set(
            Contribution.objects.filter(convention__in=[line.convention_id for line in lines]).values_list(
                "convention", "partner"
            )
        )
        for line in lines:
            problems += line.coverage_problems(self.province, contributing)
        if self.technical_partner_id is None:
            problems.append(_("Choose the technical partner that studies the project."))
        return problems

    def submission_problems(self) -> list[str]:
        """Everything that keeps this project from being submitted: the plan, then the people."""
        return self.plan_problems() + self.consent_problems()

    def consent_problems(self) -> list[str]:
        """Who cannot be submitted: someone who left the programme, or who lacks a consent the
        submission needs (being registered, and being shared with partners)."""
        problems = []
        for person in self.beneficiaries():
            if person.status == Beneficiary.Status.EXITED:
                problems.append(
                    _("%(person)s has left the programme: bring them back before submitting.")
                    % {"person": person.display_name()}
                )
            for purpose in (Consent.Purpose.PROGRAMME, Consent.Purpose.PARTNERS):
                if not person.has_valid_consent(purpose):
                    problems.append(
                        _("%(person)s has no valid consent: %(purpose)s.")
                        % {"person": person.display_name(), "purpose": Consent.Purpose(purpose).label}
                    )
        return problems

    @property
    def follow_up_from(self) -> date | None:
        """The first handover, or the approval until a project has one."""
        return self.first_delivery_on or self.approved_on

    def visit_milestones(self) -> list[date]:
        start = self.follow_up_from
        return [add_months(start, months) for months in FOLLOW_UP_MONTHS] if start else []

    def milestone_after(self, day: date) -> date | None:
        """The first follow-up date after `day`, or None once the 24-month visit is past."""
        return next((milestone for milestone in self.visit_milestones() if milestone > day), None)
