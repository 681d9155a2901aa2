"""A micro-project, its funding plan, and its workflow: one method per arrow of DESIGN.md §3.

Every transition locks the project row, re-reads it, checks the role (projects.permissions) and
the state, saves with update_fields and writes its ProjectEvent on the next line. A refusal is a
PermissionDenied (the role or the person may not: 403) or a ValidationError (the state or the money
does not allow it: a message); either leaves everything as it was.
"""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from beneficiaries.models import Beneficiary, Consent
from partners.models import Contribution, Convention, Partner
from projects import permissions
from projects.models.events import ProjectEvent
from projects.models.states import COMMITTING, FOLLOWED_UP, SHOWN_TO_PARTNERS, Outcome, ProjectStatus
from projects.models.study import Study
from projects.models.visits import FollowUpVisit
from reintegration.lib.money import format_mad
from reintegration.lib.text import MULTILINE, clean_text, validate_line, validate_multiline
from territory.models import Province
from territory.scoping import province_q

ZERO = Decimal("0")
# Follow-up visits fall due this many months after the first handover (after approval until then).
FOLLOW_UP_MONTHS = (3, 6, 12, 24)
# A visit shows in the worklist this many days before it falls due.
VISIT_DUE_SOON_DAYS = 14


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


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


class MicroProject(models.Model):
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

    def allowed_actions(self) -> set[str]:
        """The transitions the current status allows (who may make them is projects.permissions')."""
        return TRANSITIONS_FROM.get(self.status, set())

    # ----- transitions ---------------------------------------------------------------------

    def _locked(self, by) -> "MicroProject":
        """This project re-read under a row lock, when `by` may see it (PermissionDenied otherwise:
        the views have already answered 404 to someone outside the scope)."""
        try:
            return MicroProject.objects.visible_to(by).select_for_update(of=("self",)).get(pk=self.pk)
        except MicroProject.DoesNotExist:
            raise PermissionDenied from None

    def _require(self, action: str) -> None:
        if action not in self.allowed_actions():
            raise ValidationError(
                _("This project is %(status)s: this action is not possible any more."),
                code="bad_transition",
                params={"status": self.get_status_display().lower()},
            )

    def _move(self, status: str, *, by, action: str, comment: str = "", line=None, fields=()) -> None:
        """Save the new status (and `fields`) and write the event: the tail of every transition."""
        previous, self.status = self.status, status
        self._history_user = by
        self.save(update_fields=["status", "updated_at", *fields])
        ProjectEvent.objects.create(
            project=self,
            by=by,
            action=action,
            from_status=previous,
            to_status=status,
            line=line,
            revision=self.revision,
            comment=comment,
        )

    def _event(self, *, by, action: str, comment: str = "", line=None) -> None:
        """An event that does not change the status (a line decided, a visit recorded)."""
        ProjectEvent.objects.create(
            project=self,
            by=by,
            action=action,
            from_status=self.status,
            to_status=self.status,
            line=line,
            revision=self.revision,
            comment=comment,
        )

    def _refresh_from(self, current: "MicroProject") -> None:
        for field in (
            "status",
            "outcome",
            "revision",
            "submitted_by_id",
            "submitted_at",
            "approved_on",
            "next_visit_due",
        ):
            setattr(self, field, getattr(current, field))

    def submit(self, *, by) -> None:
        """draft → submitted, by provincial staff, once the plan is complete and every person consents."""
        with transaction.atomic():
            project = self._locked(by)
            if not permissions.can_submit_project(by, project):
                raise PermissionDenied
            project._require("submit")
            problems = project.plan_problems() + project.consent_problems()
            if problems:
                raise ValidationError(problems, code="incomplete")
            project.submitted_by, project.submitted_at = by, timezone.now()
            project._move(
                self.Status.SUBMITTED, by=by, action=ProjectEvent.Action.SUBMIT, fields=["submitted_by", "submitted_at"]
            )
            for person in project.beneficiaries():
                person.advance_with_project(Beneficiary.Status.PROJECT_IN_PREPARATION, by=by)
        self._refresh_from(project)

    def record_study(
        self, *, by, feasible: bool, expected_monthly_revenue, recommended_amount, notes="", document=None
    ):
        """submitted → studied (or → rejected when not feasible), by the technical partner's coordinator."""
        with transaction.atomic():
            project = self._locked(by)
            if not permissions.can_study_project(by, project):
                raise PermissionDenied
            project._require("record_study")
            study = Study(
                project=project,
                revision=project.revision,
                partner_id=by.acting_partner_id,
                feasible=feasible,
                expected_monthly_revenue=expected_monthly_revenue,
                recommended_amount=recommended_amount,
                notes=clean_text(notes, MULTILINE),
                recorded_by=by,
            )
            if document:
                study.document = document
            study.full_clean(exclude=["project"])
            study.save()
            status = self.Status.STUDIED if feasible else self.Status.REJECTED
            project._move(status, by=by, action=ProjectEvent.Action.STUDY, comment=study.notes)
        self._refresh_from(project)
        return study

    def approve_line(self, line, *, by, comment: str = "") -> None:
        """One funding line approved by its partner's coordinator, its amount committed against the
        partner's contribution to the convention. The last line approved approves the project."""
        with transaction.atomic():
            project = self._locked(by)
            line = project._line_for_decision(line, by)
            # Lock the contribution: twenty approvals at once against its last 100,000 MAD must
            # each see the others' commitments. Checked against the sum of approved lines.
            contribution = (
                Contribution.objects.select_for_update()
                .filter(convention=line.convention_id, partner=line.partner_id)
                .first()
            )
            if contribution is None:
                raise ValidationError(
                    _("%(partner)s contributes nothing to convention %(convention)s."),
                    code="no_contribution",
                    params={"partner": line.partner.acronym, "convention": line.convention.reference},
                )
            remaining = contribution.amount - FundingLine.objects.committed(line.convention_id, line.partner_id)
            if line.amount > remaining:
                raise ValidationError(
                    _(
                        "Not enough left: %(partner)s has %(remaining)s left in convention %(convention)s, "
                        "and this line asks for %(amount)s."
                    ),
                    code="not_enough_left",
                    params={
                        "partner": line.partner.acronym,
                        "remaining": format_mad(remaining),
                        "convention": line.convention.reference,
                        "amount": format_mad(line.amount),
                    },
                )
            line.decide(FundingLine.Decision.APPROVED, by=by, reason=clean_text(comment, MULTILINE))
            project._event(by=by, action=ProjectEvent.Action.APPROVE_LINE, comment=line.decision_reason, line=line)
            if not project.lines.exclude(decision=FundingLine.Decision.APPROVED).exists():
                project.approved_on = timezone.localdate()
                project.next_visit_due = add_months(project.approved_on, FOLLOW_UP_MONTHS[0])
                project._move(
                    self.Status.APPROVED,
                    by=by,
                    action=ProjectEvent.Action.APPROVE,
                    fields=["approved_on", "next_visit_due"],
                )
        self._refresh_from(project)

    def reject_line(self, line, *, by, reason: str) -> None:
        """One funding line refused by its partner's coordinator, with the reason: the project is rejected."""
        reason = clean_text(reason, MULTILINE)
        if not reason:
            raise ValidationError(_("Say why the line is rejected."), code="reason_required")
        with transaction.atomic():
            project = self._locked(by)
            line = project._line_for_decision(line, by)
            line.decide(FundingLine.Decision.REJECTED, by=by, reason=reason)
            project._move(
                self.Status.REJECTED, by=by, action=ProjectEvent.Action.REJECT_LINE, comment=reason, line=line
            )
        self._refresh_from(project)

    def _line_for_decision(self, line, by) -> "FundingLine":
        """The line, locked, when `by` acts for its partner, did not submit the project, and the
        line still waits for a decision."""
        locked = self.lines.select_for_update(of=("self",)).select_related("partner", "convention")
        line = locked.filter(pk=line.pk).first()
        if line is None or not permissions.can_decide_line(by, line):  # None: a line of another project
            raise PermissionDenied
        if permissions.is_maker(by, self):
            # Maker ≠ checker, on the server: whoever submitted the project never approves a line of it.
            raise PermissionDenied(_("You submitted this project: someone else must decide on its funding."))
        self._require("decide_line")
        if line.decision != FundingLine.Decision.PENDING:
            raise ValidationError(
                _("This line was already decided: %(decision)s."),
                code="already_decided",
                params={"decision": line.get_decision_display().lower()},
            )
        return line

    def reopen(self, *, by, comment: str = "") -> None:
        """rejected → draft: a new revision of the plan; the lines wait for new decisions, the
        earlier study and decisions stay in the history."""
        with transaction.atomic():
            project = self._locked(by)
            if not permissions.can_edit_project(by, project):
                raise PermissionDenied
            project._require("reopen")
            project.revision += 1
            for line in project.lines.select_for_update():
                line.decide(FundingLine.Decision.PENDING, by=by, reason="", at=None)
            project._move(
                self.Status.DRAFT,
                by=by,
                action=ProjectEvent.Action.REOPEN,
                comment=clean_text(comment, MULTILINE),
                fields=["revision"],
            )
        self._refresh_from(project)

    def withdraw(self, *, by, reason: str) -> None:
        """draft or submitted → withdrawn, with the reason. A person whose only project this was
        goes back to "accompanied"."""
        reason = clean_text(reason, MULTILINE)
        if not reason:
            raise ValidationError(_("Say why the project is withdrawn."), code="reason_required")
        with transaction.atomic():
            project = self._locked(by)
            if not permissions.can_edit_project(by, project):
                raise PermissionDenied
            project._require("withdraw")
            project._move(self.Status.WITHDRAWN, by=by, action=ProjectEvent.Action.WITHDRAW, comment=reason)
            for person in project.beneficiaries():
                others = MicroProject.objects.of_beneficiary(person).exclude(pk=project.pk)
                if not others.exclude(status__in=[self.Status.WITHDRAWN, self.Status.DRAFT]).exists():
                    person.step_back_with_project(by=by, reason=_("Project withdrawn: %(reason)s") % {"reason": reason})
        self._refresh_from(project)

    def record_visit(self, *, by, **fields):
        """A follow-up visit: the next one falls due when the visitor said; the first visit makes the
        people "followed up"; a visit of a funded business moves it to "operating", or to "closed"
        when the visitor found it closed."""
        with transaction.atomic():
            project = self._locked(by)
            if not permissions.can_record_visit(by, project):
                raise PermissionDenied
            project._require("record_visit")
            visit = FollowUpVisit(project=project, visitor=by, **fields)
            visit.full_clean(exclude=["project", "visitor"])
            visit.save()
            first = not project.visits.exclude(pk=visit.pk).exists()
            project.next_visit_due = visit.next_visit_due
            closed = visit.business_status == FollowUpVisit.BusinessStatus.CLOSED
            if closed and project.status in (self.Status.FUNDED, self.Status.OPERATING):
                project.outcome = Outcome.CLOSED_DOWN
                project.next_visit_due = None
                project._move(
                    self.Status.CLOSED,
                    by=by,
                    action=ProjectEvent.Action.VISIT,
                    comment=visit.notes,
                    fields=["next_visit_due", "outcome"],
                )
            elif project.status == self.Status.FUNDED:
                project._move(
                    self.Status.OPERATING,
                    by=by,
                    action=ProjectEvent.Action.VISIT,
                    comment=visit.notes,
                    fields=["next_visit_due"],
                )
            else:
                project.save(update_fields=["next_visit_due", "updated_at"])
                project._event(by=by, action=ProjectEvent.Action.VISIT, comment=visit.notes)
            if first:
                for person in project.beneficiaries():
                    person.advance_with_project(Beneficiary.Status.FOLLOWED_UP, by=by)
        self._refresh_from(project)
        return visit

    def close(self, *, by, outcome: str, comment: str = "") -> None:
        """funded or operating → closed, with the outcome, when the follow-up ends."""
        if outcome not in Outcome.values:
            raise ValidationError(_("Choose the outcome of the project."), code="outcome_required")
        with transaction.atomic():
            project = self._locked(by)
            if not permissions.can_edit_project(by, project):
                raise PermissionDenied
            project._require("close")
            project.outcome, project.next_visit_due = outcome, None
            project._move(
                self.Status.CLOSED,
                by=by,
                action=ProjectEvent.Action.CLOSE,
                comment=clean_text(comment, MULTILINE),
                fields=["outcome", "next_visit_due"],
            )
        self._refresh_from(project)


# What each status allows; who may do it is projects.permissions'. The disbursements app adds the
# arrows it owns (approved → in_handover → funded).
TRANSITIONS_FROM = {
    ProjectStatus.DRAFT: {"edit", "submit", "withdraw"},
    ProjectStatus.SUBMITTED: {"record_study", "withdraw"},
    ProjectStatus.STUDIED: {"decide_line"},
    ProjectStatus.REJECTED: {"reopen"},
    ProjectStatus.APPROVED: {"record_visit"},
    ProjectStatus.IN_HANDOVER: {"record_visit"},
    ProjectStatus.FUNDED: {"record_visit", "close"},
    ProjectStatus.OPERATING: {"record_visit", "close"},
}


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

    project = models.ForeignKey(MicroProject, models.PROTECT, related_name="lines", verbose_name=_("project"))
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
