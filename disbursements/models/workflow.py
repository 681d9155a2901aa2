"""A handover's workflow: plan, change the plan, deliver (one or a ceremony's at once), cancel, reverse.

Every transition locks in one order, the same everywhere, so that two of them never wait on each
other: the projects (by id), then their funding lines (by id), then the handovers. A delivery is
checked against the sum of the line's ledger entries, read under the line's lock: twenty deliveries
at once against a line's last 100,000 MAD each see the others' entries. Everything is checked
before anything is written; a refusal is a PermissionDenied (403) or a ValidationError (a message)
and leaves everything as it was.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from disbursements.models.ledger import LedgerEntry
from disbursements.permissions import can_manage_handovers, can_reverse_handover
from projects.models import FundingLine, MicroProject
from reintegration.lib.freshness import figures_changed
from reintegration.lib.money import format_mad
from reintegration.lib.text import MULTILINE, clean_text

ZERO = Decimal("0")


def _require_manager(by) -> None:
    if not can_manage_handovers(by):
        raise PermissionDenied


def _lock_projects(project_ids, by) -> dict:
    """The projects locked, by id (PermissionDenied for one `by` may not see: the views answered 404
    to someone outside the scope before)."""
    ids = set(project_ids)
    locked = MicroProject.objects.visible_to(by).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    projects = {project.pk: project for project in locked}
    if len(projects) != len(ids):
        raise PermissionDenied
    return projects


def _lock_lines(line_ids) -> dict:
    return {line.pk: line for line in FundingLine.objects.select_for_update().filter(pk__in=line_ids).order_by("pk")}


def _value_problem(line, delivered: Decimal, planned: Decimal, value: Decimal):
    """Why `value` more cannot go out of `line` (None when it can): never more than the line's amount."""
    left = line.amount - delivered - planned
    if value > left:
        return _(
            "Over-delivery: the %(partner)s line of %(amount)s has %(left)s left to hand over, "
            "and this handover is worth %(value)s."
        ) % {
            "partner": line.partner.acronym,
            "amount": format_mad(line.amount),
            "left": format_mad(max(left, ZERO)),
            "value": format_mad(value),
        }
    return None


def _named(handover, message) -> str:
    return _("%(number)s (%(title)s): %(problem)s") % {
        "number": handover.number,
        "title": handover.project.title,
        "problem": message,
    }


class HandoverWorkflow:
    """The transitions of Handover (see the module's docstring)."""

    @classmethod
    def plan(cls, line, *, by, planned_on, items=(), amount=None, ceremony=None, **details):
        """A handover of `line` planned for `planned_on`: the equipment's `items` (unsaved
        HandoverItems) or the cash `amount`, within what the line has not yet delivered or planned.
        `details`: cash_method, cash_reference, notes. It takes the province's next number."""
        from disbursements.models.handover import HandoverSequence

        _require_manager(by)
        with transaction.atomic():
            project = line.project.locked_for_handover(by, "hand_over")
            line = _lock_lines([line.pk]).get(line.pk)
            if line is None or line.project_id != project.pk or line.decision != FundingLine.Decision.APPROVED:
                raise ValidationError(_("Only an approved funding line can be handed over."), code="line_not_approved")
            handover = cls(
                province=project.province,
                project=project,
                line=line,
                partner_id=line.partner_id,
                technical_partner_id=project.technical_partner_id,
                kind=line.kind,
                planned_on=planned_on,
                planned_by=by,
            )
            handover._fill(items=items, amount=amount, ceremony=ceremony, by=by, **details)
            # The year from the date as checked by _fill (a missing date is a message there, not a 500).
            handover.year = handover.planned_on.year
            handover.sequence = HandoverSequence.take_next(project.province, handover.year)
            handover.number = f"{project.province.abbreviation}-{handover.year}-{handover.sequence:04d}"
            handover.save()
            handover._save_items(items, by)
        return handover

    def change_plan(self, *, by, planned_on, items=(), amount=None, ceremony=None, **details) -> None:
        """A planned handover's date, ceremony, items or amount changed (its number stays)."""
        _require_manager(by)
        with transaction.atomic():
            self.project.locked_for_handover(by, "hand_over")
            _lock_lines([self.line_id])
            current = self._locked(by)
            current._require_status(self.Status.PLANNED)
            current.planned_on = planned_on
            current._fill(items=items, amount=amount, ceremony=ceremony, by=by, **details)
            current._history_user = by
            current.save()
            current.items.all().delete()
            current._save_items(items, by)
        self.refresh_from_db()

    def _fill(self, *, items, amount, ceremony, by, cash_method="", cash_reference="", notes="") -> None:
        """Set what the plan says, checked: the value within the line, the ceremony of the province."""
        self.notes = clean_text(notes, MULTILINE)
        self.ceremony = ceremony
        if ceremony is not None and ceremony.province_id != self.province_id:
            raise ValidationError(_("The ceremony is in another province."), code="ceremony_province")
        if self.is_cash:
            if items:
                raise ValidationError(_("A cash handover has an amount, not items."), code="cash_items")
            # Decimal (or a whole number), finite: NaN has no order, "NaN <= 0" raises (a 500).
            if not isinstance(amount, Decimal | int) or not Decimal(amount).is_finite() or amount <= 0:
                raise ValidationError(_("Give the amount handed over."), code="amount_required")
            if not cash_method:
                raise ValidationError(_("Say how the cash is paid."), code="method_required")
            self.amount, self.cash_method, self.cash_reference = amount, cash_method, clean_text(cash_reference)
        else:
            if not items:
                raise ValidationError(_("List at least one item handed over."), code="items_required")
            for item in items:
                # The items' words go through the one text rule, as the handover's own do: a
                # control character would break the exports (and the receipts) later.
                for field in ("designation", "supplier", "serial_number"):
                    setattr(item, field, clean_text(getattr(item, field)))
                item.full_clean(exclude=["handover"])
            self.amount, self.cash_method, self.cash_reference = sum(item.total for item in items), "", ""
        self.full_clean(
            exclude=["number", "year", "sequence", "verification_code", "project", "line", "partner", "ceremony"]
        )
        delivered = self.line.ledger_entries.total()
        planned = (
            self.line.handovers.filter(status=self.Status.PLANNED)
            .exclude(pk=self.pk)
            .aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        problem = _value_problem(self.line, delivered, planned, self.amount)
        if problem:
            raise ValidationError(problem, code="over_delivery")

    def _save_items(self, items, by) -> None:
        for item in items:
            item.pk, item.handover = None, self
            item._history_user = by
            item.save()

    def _delivery_problems(self, line, delivered: dict, on) -> list[str]:
        """Why this (locked) handover cannot be delivered on `on`, given what each line has delivered."""
        if self.status != self.Status.PLANNED:
            return [_("this handover is %(status)s.") % {"status": self.get_status_display().lower()}]
        problems = []
        if "hand_over" not in self.project.allowed_actions():
            problems.append(_("its project is %(status)s.") % {"status": self.project.get_status_display().lower()})
        if line.decision != FundingLine.Decision.APPROVED:
            problems.append(_("its funding line is not approved."))
        if self.amount <= 0:
            problems.append(_("it has no value: list its items or its amount."))
        if self.project.approved_on and on < self.project.approved_on:
            problems.append(_("it cannot be delivered before the project was approved."))
        problem = _value_problem(line, delivered.get(line.pk, ZERO), ZERO, self.amount)
        if problem:
            problems.append(problem)
        return problems

    def _post_delivery(self, *, by, on) -> None:
        self.status, self.delivered_on, self.delivered_by = self.Status.DELIVERED, on, by
        self._history_user = by
        self.save(update_fields=["status", "delivered_on", "delivered_by", "updated_at"])
        LedgerEntry.objects.create(line_id=self.line_id, handover=self, amount=self.amount, value_date=on, by=by)

    def _locked(self, by):
        try:
            return type(self).objects.visible_to(by).select_for_update(of=("self",)).get(pk=self.pk)
        except type(self).DoesNotExist:
            raise PermissionDenied from None

    def _require_status(self, status: str) -> None:
        if self.status != status:
            raise ValidationError(
                _("This handover is %(status)s: this action is not possible any more."),
                code="bad_transition",
                params={"status": self.get_status_display().lower()},
            )

    def deliver(self, *, by, on, cash_reference=None) -> None:
        """This planned handover delivered on `on` (see deliver_together)."""
        _require_manager(by)
        with transaction.atomic():
            # The project and its lines first, as every transition locks them: the UPDATE below
            # locks the handover's row, and a ceremony's delivery holding the project and waiting
            # for this handover would otherwise deadlock with us.
            project = _lock_projects([self.project_id], by)[self.project_id]
            _lock_lines(_line_ids(project))
            if cash_reference is not None and self.is_cash:
                type(self).objects.filter(pk=self.pk, status=self.Status.PLANNED).update(
                    cash_reference=clean_text(cash_reference)
                )
                figures_changed([self.province_id])  # an UPDATE sends no post_save: the dashboards are told here
            deliver_together([self], by=by, on=on)
        self.refresh_from_db()

    def cancel(self, *, by, reason: str) -> None:
        """planned → cancelled, with the reason. The number stays taken: numbers have no gaps."""
        reason = clean_text(reason, MULTILINE)
        if not reason:
            raise ValidationError(_("Say why the handover is cancelled."), code="reason_required")
        _require_manager(by)
        with transaction.atomic():
            current = self._locked(by)
            current._require_status(self.Status.PLANNED)
            current.status, current.cancellation_reason = self.Status.CANCELLED, reason
            current._history_user = by
            current.save(update_fields=["status", "cancellation_reason", "updated_at"])
        self.refresh_from_db()

    def reverse(self, *, by, reason: str, on=None) -> LedgerEntry:
        """delivered → reversed: a reversal entry cancels the delivery's (the pair nets to zero), and
        the project goes back to what its lines have really received. By an admin or the member of
        staff who recorded the delivery, with the reason. A new handover can then replace it."""
        reason = clean_text(reason, MULTILINE)
        if not reason:
            raise ValidationError(_("Say why the delivery is reversed."), code="reason_required")
        on = on or timezone.localdate()
        with transaction.atomic():
            project = _lock_projects([self.project_id], by)[self.project_id]
            lines = _lock_lines(_line_ids(project))
            current = self._locked(by)
            if not can_reverse_handover(by, current):
                raise PermissionDenied
            # The handover's status before the project's: a second click on "reverse" finds the
            # handover reversed (its project, back to approved, would only say "approved").
            current._require_status(self.Status.DELIVERED)
            project = project.locked_for_handover(by, "reverse")
            delivery = current.ledger_entries.get(reverses__isnull=True)
            # Dated after the delivery it cancels (a line's ledger read by date is never below
            # zero) and not ahead of today.
            if not delivery.value_date <= on <= timezone.localdate():
                raise ValidationError(_("A reversal is dated between the delivery and today."), code="reversal_date")
            reversal = LedgerEntry.objects.create(
                line_id=current.line_id,
                handover=current,
                amount=-delivery.amount,
                reverses=delivery,
                value_date=on,
                by=by,
                reason=reason,
            )
            current.status = self.Status.REVERSED
            current._history_user = by
            current._change_reason = reason
            current.save(update_fields=["status", "updated_at"])
            delivered = LedgerEntry.objects.delivered_by_line(list(lines))
            project.record_reversal(
                by=by,
                delivered_any=any(total > 0 for total in delivered.values()),
                complete=all(delivered.get(pk, ZERO) >= line.amount for pk, line in lines.items()),
                comment=f"{current.number} · {format_mad(delivery.amount)} · {reason}",
            )
        self.refresh_from_db()
        return reversal


def deliver_together(handovers, *, by, on) -> list:
    """Planned handovers delivered on `on`, in one transaction: every one, or none. Each posts one
    ledger entry; each project moves (approved → in handover → funded) and, at its first delivery,
    starts its follow-up calendar and makes its people funded. A refusal lists every handover that
    cannot go, with why."""
    from disbursements.models.handover import Handover

    _require_manager(by)
    if not handovers:
        raise ValidationError(_("There is no planned handover to deliver."), code="nothing_planned")
    if not isinstance(on, date):
        raise ValidationError(_("Give the delivery date."), code="date_required")
    if on > timezone.localdate():
        raise ValidationError(_("A delivery cannot be recorded before it happens."), code="future_delivery")
    with transaction.atomic():
        projects = _lock_projects([handover.project_id for handover in handovers], by)
        lines = _lock_lines([pk for project in projects.values() for pk in _line_ids(project)])
        locked = list(
            Handover.objects.visible_to(by)
            .select_for_update(of=("self",))
            .select_related("line__partner")
            .filter(pk__in=[handover.pk for handover in handovers])
            .order_by("pk")
        )
        if len(locked) != len({handover.pk for handover in handovers}):
            raise PermissionDenied
        delivered = LedgerEntry.objects.delivered_by_line(list(lines))
        problems = []
        for handover in locked:
            handover.project = projects[handover.project_id]
            for problem in handover._delivery_problems(lines[handover.line_id], delivered, on):
                problems.append(_named(handover, problem))
            if handover.status == Handover.Status.PLANNED:
                # One no longer planned (cancelled, delivered meanwhile) takes nothing from the line:
                # counted, it would make up an over-delivery for the next one.
                delivered[handover.line_id] = delivered.get(handover.line_id, ZERO) + handover.amount
        if problems:
            raise ValidationError(problems, code="not_deliverable")
        for handover in locked:
            handover._post_delivery(by=by, on=on)
        _lock_people(projects.values())
        for project in projects.values():
            delivered_now = [handover for handover in locked if handover.project_id == project.pk]
            project.record_delivery(
                by=by,
                on=on,
                complete=all(delivered.get(pk, ZERO) >= lines[pk].amount for pk in _line_ids(project)),
                comment=" · ".join(f"{handover.number} {format_mad(handover.amount)}" for handover in delivered_now),
            )
    return locked


def _lock_people(projects) -> None:
    """Every person of `projects` locked at once, by id: a first delivery makes them funded, and a
    ceremony's projects may share people with a project moved at the same time (one order for all)."""
    people = {person.pk for project in projects for person in project.beneficiaries()}
    list(Beneficiary.objects.select_for_update().filter(pk__in=people).order_by("pk"))


def _line_ids(project) -> list[int]:
    # Ordered by id alone: the lines' default order (project, pk) joins the projects table to sort
    # by the project's own order, 8 ms of a 25 ms delivery on the bench.
    return list(project.lines.order_by("pk").values_list("pk", flat=True))
