"""A project's workflow: one method per arrow of DESIGN.md §3, mixed into MicroProject.

Every transition locks the project row, re-reads it, checks the role (projects.permissions) and
the state, saves with update_fields and writes its ProjectEvent on the next line. A refusal is a
PermissionDenied (the role or the person may not: 403) or a ValidationError (the state or the money
does not allow it: a message); either leaves everything as it was.
"""

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from partners.models import Contribution
from projects import permissions
from projects.models.events import ProjectEvent
from projects.models.lines import FundingLine
from projects.models.states import Outcome, ProjectStatus
from projects.models.study import Study
from projects.models.visits import FollowUpVisit
from reintegration.lib.money import format_mad
from reintegration.lib.text import MULTILINE, clean_text

# Follow-up visits fall due this many months after the first handover (after approval until then).
FOLLOW_UP_MONTHS = (3, 6, 12, 24)
# A visit shows in the worklist this many days before it falls due.
VISIT_DUE_SOON_DAYS = 14


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# What each status allows; who may do it is projects.permissions' (and disbursements.permissions'
# for "hand_over" and "reverse", the arrows approved → in_handover → funded that app drives).
# A funded or operating business can still receive a handover: one that replaces a reversed one.
TRANSITIONS_FROM = {
    ProjectStatus.DRAFT: {"edit", "submit", "withdraw"},
    ProjectStatus.SUBMITTED: {"record_study", "withdraw"},
    ProjectStatus.STUDIED: {"decide_line"},
    ProjectStatus.REJECTED: {"reopen"},
    ProjectStatus.APPROVED: {"record_visit", "hand_over"},
    ProjectStatus.IN_HANDOVER: {"record_visit", "hand_over", "reverse"},
    ProjectStatus.FUNDED: {"record_visit", "close", "hand_over", "reverse"},
    ProjectStatus.OPERATING: {"record_visit", "close", "hand_over", "reverse"},
    ProjectStatus.CLOSED: {"reverse"},
}


class ProjectWorkflow:
    """The transitions of MicroProject (see the module's docstring)."""

    def allowed_actions(self) -> set[str]:
        """The transitions the current status allows (who may make them is projects.permissions')."""
        return TRANSITIONS_FROM.get(self.status, set())

    def _locked(self, by):
        """This project re-read under a row lock, when `by` may see it (PermissionDenied otherwise:
        the views have already answered 404 to someone outside the scope)."""
        try:
            return type(self).objects.visible_to(by).select_for_update(of=("self",)).get(pk=self.pk)
        except type(self).DoesNotExist:
            raise PermissionDenied from None

    def people_locked(self) -> list:
        """The project's people (lead first), their rows locked in one order, by id, as every
        transition that moves them takes them: two projects sharing two people, one delivered
        while the other is visited, would otherwise lock them in opposite orders (a deadlock)."""
        people = self.beneficiaries()
        list(Beneficiary.objects.select_for_update().filter(pk__in=[person.pk for person in people]).order_by("pk"))
        return people

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

    def _refresh_from(self, current) -> None:
        for field in (
            "status",
            "outcome",
            "revision",
            "submitted_by_id",
            "submitted_at",
            "approved_on",
            "first_delivery_on",
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
            problems = project.submission_problems()
            if problems:
                raise ValidationError(problems, code="incomplete")
            project.submitted_by, project.submitted_at = by, timezone.now()
            project._move(
                self.Status.SUBMITTED, by=by, action=ProjectEvent.Action.SUBMIT, fields=["submitted_by", "submitted_at"]
            )
            for person in project.people_locked():
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
            remaining = FundingLine.objects.left_in(contribution)
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

    def _line_for_decision(self, line, by) -> FundingLine:
        """The line, locked, when `by` acts for its partner, did not submit the project, and the
        line still waits for a decision."""
        locked = self.lines.select_for_update(of=("self",)).select_related("partner", "convention")
        line = locked.filter(pk=line.pk).first()
        if line is None or not permissions.can_decide_line(by, line):  # None: a line of another project
            raise PermissionDenied
        if permissions.is_maker(by, self):
            # Maker ≠ checker, on the server: whoever submitted the project never approves a line of it.
            raise PermissionDenied(permissions.SUBMITTER_MAY_NOT_DECIDE)
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
            for person in project.people_locked():
                others = type(self).objects.of_beneficiary(person).exclude(pk=project.pk)
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
                for person in project.people_locked():
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

    # The two arrows of the disbursements app. It calls them inside its own transaction, on the
    # project it has locked (locked_for_handover), after posting to the ledger: it knows what the
    # lines have received, the project knows what that means for its status and its calendar.

    def locked_for_handover(self, by, action: str = "hand_over"):
        """This project under a row lock, when its status allows `action` ("hand_over", "reverse")."""
        project = self._locked(by)
        project._require(action)
        return project

    def record_delivery(self, *, by, on: date, complete: bool, comment: str) -> None:
        """A handover delivered. The first one starts the follow-up calendar (unless a visit already
        set the next date) and makes the people funded: approved → in_handover, → funded once every
        line has received its whole amount (`complete`)."""
        fields = []
        if self.first_delivery_on is None:
            self.first_delivery_on = on
            fields.append("first_delivery_on")
            if not self.visits.exists():
                self.next_visit_due = add_months(on, FOLLOW_UP_MONTHS[0])
                fields.append("next_visit_due")
            for person in self.people_locked():
                person.advance_with_project(Beneficiary.Status.FUNDED, by=by)
        status = self.status
        if self.status in (self.Status.APPROVED, self.Status.IN_HANDOVER):
            status = self.Status.FUNDED if complete else self.Status.IN_HANDOVER
        self._move(status, by=by, action=ProjectEvent.Action.HANDOVER, comment=comment, fields=fields)

    def record_reversal(self, *, by, delivered_any: bool, complete: bool, comment: str) -> None:
        """A delivered handover reversed (a correction). A project still being handed over goes back
        to what its lines have received: funded, in handover, or approved when nothing is left, which
        also takes back the follow-up calendar's start. A business already operating or closed keeps
        its status: the correction is followed by a new handover."""
        fields = []
        status = self.status
        if self.status in (self.Status.IN_HANDOVER, self.Status.FUNDED):
            if complete:
                status = self.Status.FUNDED
            elif delivered_any:
                status = self.Status.IN_HANDOVER
            else:
                status = self.Status.APPROVED
        if not delivered_any and status == self.Status.APPROVED:
            self.first_delivery_on = None
            fields.append("first_delivery_on")
            if not self.visits.exists():
                self.next_visit_due = add_months(self.approved_on, FOLLOW_UP_MONTHS[0]) if self.approved_on else None
                fields.append("next_visit_due")
        self._move(status, by=by, action=ProjectEvent.Action.REVERSAL, comment=comment, fields=fields)
