"""The registry screens: list, detail, register, edit, reveal the CIN, status and consent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.access import log_access
from beneficiaries.forms import (
    BeneficiaryFilterForm,
    BeneficiaryForm,
    ConsentForm,
    ExportForm,
    FindByCinForm,
    StatusForm,
    StepBackForm,
    WithdrawalForm,
)
from beneficiaries.identity import CIN_PREFIX_DIGITS, mask_cin
from beneficiaries.models import AccessLog, Beneficiary, Consent
from beneficiaries.permissions import (
    can_edit_beneficiary,
    can_edit_registry,
    can_export,
    can_read_registry,
    can_reveal_beneficiary_cin,
    can_reveal_cin,
    can_view_beneficiary,
)
from reintegration.lib import contributions
from reintegration.lib.listing import KeysFirstPaginator, page_or_fragment
from reintegration.lib.personal_data import refusal, role_required

PAGE_SIZE = 25
CIN_MATCHES_SHOWN = 20


def _get_beneficiary(request, pk, may):
    """The person, when in the user's scope (else 404: never say they exist elsewhere), and when
    `may(user, person)` holds (else 403). Each action has its own helper below."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user).with_province(), pk=pk)
    if not may(request.user, beneficiary):
        raise refusal(may)
    return beneficiary


def _get_beneficiary_for_view(request, pk):
    return _get_beneficiary(request, pk, can_view_beneficiary)


def _get_beneficiary_for_edit(request, pk):
    return _get_beneficiary(request, pk, can_edit_beneficiary)


def _get_beneficiary_for_reveal(request, pk):
    return _get_beneficiary(request, pk, can_reveal_beneficiary_cin)


@role_required(can_read_registry)
def beneficiary_list(request):
    return list_page(request, BeneficiaryFilterForm(request.GET, user=request.user))


def list_page(request, filters, *, find_form=None, cin_matches=None, status=200):
    """The list (or its results fragment for htmx) narrowed by `filters`; also the answer of a
    refused export or a CIN lookup, so their messages appear where the user was."""
    paginator = KeysFirstPaginator(
        filters.filter(Beneficiary.objects.visible_to(request.user)),
        PAGE_SIZE,
        rows=Beneficiary.objects.with_province(),
    )
    if find_form is None and can_reveal_cin(request.user):
        find_form = FindByCinForm()
    response = page_or_fragment(
        request,
        "beneficiaries/list.html",
        "results",
        {
            "filters": filters,
            "find_form": find_form,
            "cin_matches": cin_matches[:CIN_MATCHES_SHOWN] if cin_matches else [],
            "more_cin_matches": bool(cin_matches) and len(cin_matches) > CIN_MATCHES_SHOWN,
            "page": paginator.get_page(request.GET.get("page")),
            "can_edit": can_edit_registry(request.user),
            "can_export": can_export(request.user),
            "export_form": ExportForm(request.GET),
        },
    )
    response.status_code = status
    return response


@require_POST
@role_required(can_reveal_cin)
def find_by_cin(request):
    """Open the record of the person with this CIN, in the user's scope, or list those whose CIN
    starts with it. Every lookup is logged, with the CIN masked and the number of people found."""
    form = FindByCinForm(request.POST)
    filters = BeneficiaryFilterForm({}, user=request.user)
    if not form.is_valid():
        return list_page(request, filters, find_form=form, status=400)
    cin = form.cleaned_data["cin"]
    visible = Beneficiary.objects.visible_to(request.user)
    person = visible.filter(cin=cin).first()
    if person or sum(c.isdigit() for c in cin) < CIN_PREFIX_DIGITS:
        log_access(
            request.user,
            AccessLog.Action.SEARCH_CIN,
            beneficiary=person,
            query=f"cin={mask_cin(cin)}",
            row_count=int(person is not None),
        )
        if person:
            return redirect(person)  # its URL holds the record's number, never the CIN
        form.add_error(
            "cin",
            _(
                "No one with this CIN is registered in your scope. To list the people whose CIN starts "
                "with what you typed, type its letters and at least %(digits)s digits."
            )
            % {"digits": CIN_PREFIX_DIGITS},
        )
        return list_page(request, filters, find_form=form)
    return cin_prefix_matches(request, form, filters, visible)


def cin_prefix_matches(request, form, filters, visible):
    """The people in scope whose CIN starts with the form's, listed with their CIN masked."""
    prefix = form.cleaned_data["cin"]
    matches = list(visible.filter(cin__startswith=prefix).with_province().order_by("cin")[: CIN_MATCHES_SHOWN + 1])
    shown = matches[:CIN_MATCHES_SHOWN]
    log_access(
        request.user,
        AccessLog.Action.SEARCH_CIN,
        beneficiary=shown[0] if len(shown) == 1 else None,  # one person found is named, as by an exact CIN
        query=f"cin_prefix={mask_cin(prefix)}",
        row_count=len(shown),
    )
    if not matches:
        form.add_error("cin", _("No one with this CIN is registered in your scope."))
    return list_page(request, filters, find_form=form, cin_matches=matches)


def beneficiary_detail(request, pk):
    beneficiary = _get_beneficiary_for_view(request, pk)
    log_access(request.user, AccessLog.Action.VIEW, beneficiary=beneficiary)
    return render(request, "beneficiaries/detail.html", detail_context(request, beneficiary))


def detail_context(request, beneficiary, **overrides):
    can_edit = can_edit_beneficiary(request.user, beneficiary)
    # The status this user may correct the current one back to (staff: their own moves only).
    step_back_to = beneficiary.step_back_target(request.user) if can_edit else None
    return {
        "beneficiary": beneficiary,
        "consents": beneficiary.consents.select_related("recorded_by"),
        "timeline": contributions.timeline(beneficiary, request.user),
        "record_panels": contributions.record_panels(beneficiary, request.user),
        "can_edit": can_edit,
        "can_reveal": can_reveal_beneficiary_cin(request.user, beneficiary),
        "status_form": StatusForm(beneficiary=beneficiary) if can_edit and beneficiary.allowed_statuses() else None,
        "step_back_to": Beneficiary.Status(step_back_to).label if step_back_to else "",
        "step_back_form": StepBackForm(initial={"from_status": beneficiary.status}) if step_back_to else None,
        "consent_form": ConsentForm() if can_edit else None,
        **overrides,
    }


def record_page_with_errors(request, beneficiary, **bound_forms):
    """The record page again, the refused form with its errors on its fields and what was typed,
    instead of a redirect that would lose both. Shows the record as a view does, so it is logged."""
    log_access(request.user, AccessLog.Action.VIEW, beneficiary=beneficiary)
    beneficiary.refresh_from_db(fields=["status", "exit_reason"])  # someone may have changed it meanwhile
    return render(request, "beneficiaries/detail.html", detail_context(request, beneficiary, **bound_forms), status=400)


@require_POST
def reveal_cin(request, pk):
    beneficiary = _get_beneficiary_for_reveal(request, pk)
    log_access(request.user, AccessLog.Action.REVEAL_CIN, beneficiary=beneficiary)
    if request.htmx:
        return render(request, "beneficiaries/detail.html#cin", {"beneficiary": beneficiary, "revealed": True})
    return render(request, "beneficiaries/detail.html", detail_context(request, beneficiary, revealed=True))


@role_required(can_edit_registry)
def beneficiary_create(request):
    form = BeneficiaryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and (beneficiary := save_beneficiary(form, request.user)):
        messages.success(request, _("%(name)s is registered.") % {"name": beneficiary.full_name})
        return redirect(beneficiary)
    return render(request, "beneficiaries/form.html", {"form": form})


def beneficiary_edit(request, pk):
    beneficiary = _get_beneficiary_for_edit(request, pk)
    if request.method == "GET":
        # The form shows the full CIN and every personal field: as much as a detail view.
        log_access(request.user, AccessLog.Action.VIEW, beneficiary=beneficiary)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary, user=request.user)
    if request.method == "POST" and form.is_valid() and save_beneficiary(form, request.user):
        messages.success(request, _("The changes are saved."))
        return redirect(beneficiary)
    return render(request, "beneficiaries/form.html", {"form": form, "beneficiary": beneficiary})


def save_beneficiary(form, user):
    """Save the form's beneficiary, with who did it, the duplicate confirmation and the first consent.

    Returns None, with the error on the form, when someone registered the same CIN meanwhile.
    """
    beneficiary = form.save(commit=False)
    if beneficiary.pk is None:
        beneficiary.created_by = user
    if "province" not in form.fields and not beneficiary.province_id:
        beneficiary.province_id = user.province_id
    if form.probable_duplicates:
        beneficiary.duplicate_confirmed_by = user
        beneficiary.duplicate_confirmed_at = timezone.now()
    beneficiary._history_user = user
    try:
        with transaction.atomic():
            beneficiary.save()
            consent_on = form.cleaned_data.get("consent_given_on")
            if consent_on:
                Consent.objects.create(
                    beneficiary=beneficiary, purpose=Consent.Purpose.PROGRAMME, given_on=consent_on, recorded_by=user
                )
    except IntegrityError:  # the CIN was registered between the form's check and this save
        taken = Beneficiary.objects.exclude(pk=beneficiary.pk).with_province().get(cin=beneficiary.cin)
        form.add_error("cin", form.cin_taken_error(taken))
        if form.instance.pk is None:
            beneficiary.pk = None
        return None
    return beneficiary


@require_POST
def change_status(request, pk):
    """Two steps: the choice, answered by a page saying what will happen; then the same choice
    with confirm=1, which changes the status. A wrong one is corrected by step_back_status."""
    beneficiary = _get_beneficiary_for_edit(request, pk)
    form = StatusForm(request.POST, beneficiary=beneficiary)
    if not form.is_valid():
        return record_page_with_errors(request, beneficiary, status_form=form)
    status, exit_reason = form.cleaned_data["status"], form.cleaned_data["exit_reason"]
    if request.POST.get("confirm") != "1":
        new_status = Beneficiary.Status(status).label
        if exit_reason:
            new_status = f"{new_status} ({Beneficiary.ExitReason(exit_reason).label})"
        context = {"beneficiary": beneficiary, "status": status, "exit_reason": exit_reason, "new_status": new_status}
        return render(request, "beneficiaries/status_confirm.html", context)
    try:
        beneficiary.move_to(status, by=request.user, exit_reason=exit_reason)
    except ValidationError as error:
        form.add_error(None, error)
        return record_page_with_errors(request, beneficiary, status_form=form)
    messages.success(request, _("The status is now: %(status)s.") % {"status": beneficiary.get_status_display()})
    return redirect(beneficiary)


@require_POST
def step_back_status(request, pk):
    beneficiary = _get_beneficiary_for_edit(request, pk)
    form = StepBackForm(request.POST)
    if form.is_valid():
        try:
            beneficiary.step_back(
                by=request.user, reason=form.cleaned_data["reason"], from_status=form.cleaned_data["from_status"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The status is corrected: it is now %(status)s.") % {"status": beneficiary.get_status_display()},
            )
            return redirect(beneficiary)
    return record_page_with_errors(request, beneficiary, step_back_form=form)


@require_POST
def record_consent(request, pk):
    beneficiary = _get_beneficiary_for_edit(request, pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return record_page_with_errors(request, beneficiary, consent_form=form)
    consent = form.save(commit=False)
    consent.beneficiary = beneficiary
    consent.recorded_by = request.user
    consent._history_user = request.user
    consent.save()
    messages.success(request, _("The consent is recorded."))
    return redirect(beneficiary)


@require_POST
def withdraw_consent(request, pk, consent_pk):
    """The person takes their consent back (Law 09-08): the day is recorded, the consent kept in history."""
    beneficiary = _get_beneficiary_for_edit(request, pk)
    consent = get_object_or_404(beneficiary.consents, pk=consent_pk)
    form = WithdrawalForm(request.POST, consent=consent)
    try:
        if not form.is_valid():
            raise ValidationError(next(iter(form.errors.values()))[0])
        consent.withdraw(form.cleaned_data["withdrawn_on"], by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The withdrawal of the consent is recorded."))
    return redirect(beneficiary)
