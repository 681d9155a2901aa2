"""The handover screens that write: plan a handover from an approved funding line, change its plan,
record its delivery, cancel it, reverse a delivery, attach the signed receipt.

Each view looks the line or the handover up through the access roots (404 outside the user's
scope), asks the permission (403: a coordinator reads its partner's handovers but never records
one), lets a form normalise what was typed, then calls the handover's transition method, which
locks, checks the state and the money and writes. What it refuses comes back as a message, and
nothing has changed.
"""

from contextlib import suppress

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from disbursements.balances import line_balances
from disbursements.forms import CancelForm, DeliverForm, ItemFormSet, PlanForm, ReceiptScanForm, ReverseForm
from disbursements.models import Handover
from disbursements.permissions import can_manage_handovers, can_read_handovers, can_reverse_handover
from disbursements.views.handovers import _get_handover_for_view, detail_context
from projects.models import FundingLine, MicroProject
from reintegration.lib.money import format_mad
from reintegration.lib.personal_data import role_required

ITEMS_PREFIX = "items"


def lines_visible_to(user):
    """The funding lines of the projects the user may see; a funder's coordinator sees its own
    partner's lines only, as on the project's page (the others are one sum there)."""
    lines = FundingLine.objects.filter(project__in=MicroProject.objects.visible_to(user).values("pk"))
    if user.role == user.Role.COORDINATOR and not user.partner.is_technical:
        lines = lines.filter(partner=user.acting_partner_id)
    return lines


def _get_line_for_planning(request, line_pk):
    line = get_object_or_404(
        lines_visible_to(request.user).select_related("project__province", "partner", "convention"), pk=line_pk
    )
    if not can_manage_handovers(request.user):
        raise PermissionDenied
    return line


def _get_handover(request, pk, may=None):
    """The handover (404 outside scope), when `may(user, handover)` holds (else 403)."""
    handover = _get_handover_for_view(request, pk)
    allowed = may(request.user, handover) if may else can_manage_handovers(request.user)
    if not allowed:
        raise PermissionDenied
    return handover


def _get_handover_for_reversal(request, pk):
    return _get_handover(request, pk, can_reverse_handover)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_refused(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _still_in_status(request, handover, status=Handover.Status.PLANNED) -> bool:
    """Whether the handover is still in `status` (planned, unless said): a page opened from an old one, or
    after someone else acted. If not, says so, in the handover's terms (the transition would name
    the project's status first, which is not what changed)."""
    if handover.status == status:
        return True
    messages.error(
        request,
        _("This handover is %(status)s: this action is not possible any more.")
        % {"status": handover.get_status_display().lower()},
    )
    return False


# --- planning ------------------------------------------------------------------------------


def first_item(line, left):
    """The row a new equipment plan starts with: the study's recommendation where it gives one (never
    more than the line has left to plan), else what the line has left."""
    project = line.project
    study = project.studies.first()
    price = left
    if study is not None and study.recommended_amount:
        price = min(study.recommended_amount, left)
    return {"designation": project.activity or project.title, "quantity": 1, "unit_price": price}


def item_rows(handover):
    fields = ["designation", "category", "quantity", "unit_price", "supplier", "serial_number"]
    return [{name: getattr(item, name) for name in fields} for item in handover.items.all()]


def items_formset(request, *, initial):
    """The items formset: as posted, one row longer when "Add a row" was pressed (nothing is saved
    then), or unbound with `initial`."""
    if request.method != "POST":
        return ItemFormSet(prefix=ITEMS_PREFIX, initial=initial)
    data = request.POST
    if "add_row" in data:
        data = data.copy()
        total = f"{ITEMS_PREFIX}-TOTAL_FORMS"
        # A tampered count is left as it is: the formset then says the form is damaged.
        with suppress(ValueError):
            data[total] = str(int(data.get(total, "0")) + 1)
    return ItemFormSet(data, prefix=ITEMS_PREFIX)


@role_required(can_read_handovers)
def plan_handover(request, line_pk):
    """Plan a handover of an approved line: its items (equipment) or its amount (cash)."""
    line = _get_line_for_planning(request, line_pk)
    project = line.project
    if line.decision != FundingLine.Decision.APPROVED or "hand_over" not in project.allowed_actions():
        messages.error(request, _("Only an approved funding line of an approved project can be handed over."))
        return redirect(project)
    left = line_balances([line])[line.pk].left_to_plan
    if left <= 0:
        messages.error(
            request, _("This funding line has nothing left to plan: its whole amount is planned or delivered.")
        )
        return redirect(project)
    initial = {"amount": left, "planned_on": timezone.localdate()}
    form = PlanForm(request.POST or None, user=request.user, line=line, initial=initial)
    formset = None if line.kind == Handover.Kind.CASH else items_formset(request, initial=[first_item(line, left)])

    def plan(arguments, items):
        return Handover.plan(line, by=request.user, items=items, **arguments)

    handover = _submit(request, form, formset, plan)
    if handover is not None:
        messages.success(
            request,
            _("Handover %(number)s is planned: %(value)s.")
            % {"number": handover.number, "value": handover.value_label},
        )
        return redirect(handover)
    return _plan_page(request, line, form, formset, left=left)


@role_required(can_read_handovers)
def edit_plan(request, pk):
    handover = _get_handover(request, pk)
    if not _still_in_status(request, handover):
        return redirect(handover)
    line = handover.line
    line.project = handover.project
    initial = {
        "planned_on": handover.planned_on,
        "ceremony": handover.ceremony_id,
        "notes": handover.notes,
        "amount": handover.amount,
        "cash_method": handover.cash_method,
        "cash_reference": handover.cash_reference,
    }
    form = PlanForm(request.POST or None, user=request.user, line=line, handover=handover, initial=initial)
    formset = None if handover.is_cash else items_formset(request, initial=item_rows(handover))

    def change(arguments, items):
        handover.change_plan(by=request.user, items=items, **arguments)
        return handover

    if _submit(request, form, formset, change) is not None:
        messages.success(request, _("The plan of handover %(number)s is changed.") % {"number": handover.number})
        return redirect(handover)
    left = line_balances([line], excluding=handover)[line.pk].left_to_plan
    return _plan_page(request, line, form, formset, left=left, handover=handover)


def _submit(request, form, formset, move):
    """`move(plan arguments, items)` when the form and its items are valid and "Add a row" was not
    pressed; what the handover refuses goes onto the form. The handover, or None."""
    if request.method != "POST" or "add_row" in request.POST:
        return None
    valid = form.is_valid()
    if formset is not None:
        valid = formset.is_valid() and valid
    if not valid:
        return None
    try:
        return move(form.plan_arguments(), formset.items() if formset is not None else [])
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
    return None


def _plan_page(request, line, form, formset, *, left, handover=None):
    balance = line_balances([line], excluding=handover)[line.pk]
    return render(
        request,
        "disbursements/handover_plan.html",
        {
            "line": line,
            "project": line.project,
            "form": form,
            "formset": formset,
            "balance": balance,
            "left": left,
            "handover": handover,
            "adding_row": request.method == "POST" and "add_row" in request.POST,
        },
    )


# --- transitions ---------------------------------------------------------------------------


@role_required(can_read_handovers)
def deliver(request, pk):
    """The confirmation page (the delivery date, for cash the payment's reference), then the delivery."""
    handover = _get_handover(request, pk)
    if not _still_in_status(request, handover):
        return redirect(handover)
    form = DeliverForm(request.POST or None, handover=handover)
    if request.method == "POST" and form.is_valid():
        try:
            handover.deliver(by=request.user, **form.deliver_arguments())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Handover %(number)s is delivered: %(value)s posted to the ledger.")
                % {"number": handover.number, "value": format_mad(handover.amount)},
            )
            return redirect(handover)
    context = {"handover": handover, "form": form, "items": list(handover.items.all())}
    return render(request, "disbursements/handover_deliver.html", context)


@require_POST
@role_required(can_read_handovers)
def cancel(request, pk):
    handover = _get_handover(request, pk)
    if not _still_in_status(request, handover):
        return redirect(handover)
    form = CancelForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return redirect(handover)
    try:
        handover.cancel(by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("Handover %(number)s is cancelled. Its number stays taken.") % {"number": handover.number}
        )
    return redirect(handover)


@require_POST
@role_required(can_read_handovers)
def reverse(request, pk):
    handover = _get_handover_for_reversal(request, pk)
    if not _still_in_status(request, handover, Handover.Status.DELIVERED):
        return redirect(handover)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return redirect(handover)
    try:
        handover.reverse(by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "The delivery of %(number)s is reversed: %(value)s taken back in the ledger. "
                "Plan a new handover if needed."
            )
            % {"number": handover.number, "value": format_mad(handover.amount)},
        )
    return redirect(handover)


@require_POST
@role_required(can_read_handovers)
def upload_receipt_scan(request, pk):
    """The signed receipt, scanned, attached to a delivered handover (checked by content)."""
    handover = _get_handover(request, pk)
    if handover.status != Handover.Status.DELIVERED:
        messages.error(request, _("A signed receipt is attached to a delivered handover."))
        return redirect(handover)
    form = ReceiptScanForm(request.POST, request.FILES)
    if not form.is_valid():
        for person in handover.project.beneficiaries():  # the page is shown again, with its people
            log_access(request.user, AccessLog.Action.VIEW, beneficiary=person)
        context = detail_context(request, handover, scan_form=form)
        return render(request, "disbursements/handover_detail.html", context, status=400)
    with transaction.atomic():
        # Locked: a reversal at the same moment must not be written over by this save.
        current = Handover.objects.select_for_update().get(pk=handover.pk)
        current.receipt_scan = form.cleaned_data["receipt_scan"]
        current._history_user = request.user
        current.save(update_fields=["receipt_scan", "updated_at"])
    messages.success(request, _("The signed receipt is attached."))
    return redirect(handover)
