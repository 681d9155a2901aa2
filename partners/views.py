"""The convention screens: list and detail for everyone in scope, create and edit for administrators,
and the signed document."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from partners.figures import asked_of, committed_by, convention_figures
from partners.forms import ConventionForm, contribution_formset
from partners.models import Contribution, Convention
from partners.permissions import (
    can_edit_convention,
    can_manage_conventions,
    can_open,
    can_read_conventions,
    can_view_convention,
)
from reintegration.lib.documents import serve_document
from reintegration.lib.money import format_mad
from reintegration.lib.personal_data import refusal, role_required

PAGE_SIZE = 50
# Blank contribution lines under the existing ones: a new convention usually has two or three parties.
BLANK_PARTIES = {"create": 3, "edit": 1}
documents_log = logging.getLogger("idmaj.documents")


def with_parties(conventions):
    """The conventions with their places and their parties' contributions, for the figures."""
    parties = Prefetch("contributions", queryset=Contribution.objects.select_related("partner"))
    return conventions.with_places().prefetch_related(parties)


def _get_convention(request, pk, may):
    """The convention, when in the user's scope (else 404), and when `may(user, convention)` holds
    (else 403). Each action has its own helper below."""
    convention = get_object_or_404(with_parties(Convention.objects.visible_to(request.user)), pk=pk)
    if not may(request.user, convention):
        raise refusal(may)
    return convention


def _get_convention_for_view(request, pk):
    return _get_convention(request, pk, can_view_convention)


def _get_convention_for_edit(request, pk):
    return _get_convention(request, pk, can_edit_convention)


@role_required(can_read_conventions)
def convention_list(request):
    conventions = with_parties(Convention.objects.visible_to(request.user))
    page = Paginator(conventions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "figures": convention_figures(page.object_list),
        "can_create": can_manage_conventions(request.user),
    }
    return render(request, "partners/convention_list.html", context)


def convention_detail(request, pk):
    convention = _get_convention_for_view(request, pk)
    [figures] = convention_figures([convention])
    context = {
        "convention": convention,
        "figures": figures,
        "can_edit": can_edit_convention(request.user, convention),
        # The projects app decides who reads projects; asked by URL name, it is above this one.
        "can_list_projects": can_open(request.user, "projects:list"),
    }
    return render(request, "partners/convention_detail.html", context)


def all_valid(*forms) -> bool:
    """Every form checked (each shows its errors), not only up to the first invalid one."""
    results = [form.is_valid() for form in forms]  # a list, not a generator: all() would stop early
    return all(results)


@role_required(can_manage_conventions)
def convention_create(request):
    form = ConventionForm(request.POST or None, request.FILES or None)
    parties = contribution_formset(extra=BLANK_PARTIES["create"])(
        request.POST or None, instance=form.instance, prefix="parties"
    )
    if (
        request.method == "POST"
        and all_valid(form, parties)
        and (convention := save_convention(form, parties, by=request.user))
    ):
        messages.success(request, _("Convention %(reference)s is saved.") % {"reference": convention.reference})
        return redirect(convention)
    return render(request, "partners/convention_form.html", {"form": form, "parties": parties})


def convention_edit(request, pk):
    convention = _get_convention_for_edit(request, pk)
    form = ConventionForm(request.POST or None, request.FILES or None, instance=convention)
    parties = contribution_formset(extra=BLANK_PARTIES["edit"])(
        request.POST or None, instance=convention, prefix="parties"
    )
    if request.method == "POST" and all_valid(form, parties) and save_convention(form, parties, by=request.user):
        messages.success(request, _("The changes are saved."))
        return redirect(convention)
    context = {"form": form, "parties": parties, "convention": convention}
    return render(request, "partners/convention_form.html", context)


def convention_document(request, pk):
    convention = _get_convention_for_view(request, pk)
    response = serve_document(convention.document, f"convention-{slugify(convention.reference) or convention.pk}")
    # The access log is the registry's (a floor above) and is about people; a convention holds
    # none, so the server log says who downloaded which signed convention.
    documents_log.info("convention document served: user=%s convention=%s", request.user.pk, convention.pk)
    return response


# ----- saving ---------------------------------------------------------------------------------


class Refused(Exception):
    """A step of the save was refused; its message is already on the form."""


def save_convention(form, parties, *, by) -> Convention | None:
    """Save the convention and its parties' contributions in one transaction, the amounts through
    `Convention.set_envelope` and `set_contribution` (which lock the convention row). Returns None,
    with the reason on the form, when anything is refused: then nothing is written."""
    adding = form.instance.pk is None
    uploaded = isinstance(form.cleaned_data.get("document"), UploadedFile)
    try:
        with transaction.atomic():
            convention = save_fields(form, by=by)
            save_parties(convention, form, parties, by=by, envelope_saved=adding)
    except (Refused, IntegrityError) as failure:
        if isinstance(failure, IntegrityError):  # the reference was taken between the check and the save
            form.add_error("reference", _("Another convention already has this reference."))
        forget_upload(form, uploaded)
        if adding:
            form.instance.pk = None
            form.instance._state.adding = True
        return None
    return convention


def forget_upload(form, uploaded: bool) -> None:
    """After a refusal: remove the document stored before it (nothing refers to it), and show the
    convention's document as it still is."""
    document = form.instance.document
    if uploaded and document and getattr(document, "_committed", False):  # stored, not only received
        document.delete(save=False)
    form.instance.document = form.initial.get("document") or ""


def save_fields(form, *, by) -> Convention:
    """Everything but the amounts (and, for a new convention, its envelope: it has no party yet,
    so there is nothing for the envelope to be checked against)."""
    convention = form.save(commit=False)
    convention._history_user = by
    if convention.pk is None:
        convention.save()
        return convention
    # Lock first: a contribution raised meanwhile must see this envelope, and this save must not
    # write back an envelope that set_envelope alone changes (the history would show it changed).
    convention.envelope = (
        Convention.objects.select_for_update().values_list("envelope", flat=True).get(pk=convention.pk)
    )
    convention.save(update_fields=[name for name in form._meta.fields if name != "envelope"])
    return convention


def save_parties(convention, form, parties, *, by, envelope_saved: bool) -> None:
    """Remove, lower, set the envelope, raise, add: in this order each step is checked against a
    state that the next steps only bring closer to the one asked for, so what fits is saved."""
    # Lock the parties' rows after the convention's: an approval in flight (it locks its
    # contribution) ends first, and the committed amounts read below hold until this commits.
    current = {c.partner_id: c for c in Contribution.objects.select_for_update().filter(convention=convention)}
    for party in parties.deleted_forms:
        if party.instance.pk:
            step(party, None, remove_contribution, convention, party.instance, by=by)
            current.pop(party.instance.partner_id, None)
    changed = [
        party
        for party in parties.forms
        if party not in parties.deleted_forms and party.has_changed() and party.cleaned_data.get("partner")
    ]
    for party in changed:
        partner = party.cleaned_data["partner"]
        if party.instance.pk is None and partner.pk in current:
            meanwhile = _("%(partner)s was added to this convention meanwhile: reload the page to change it.")
            party.add_error("partner", meanwhile % {"partner": partner.acronym})
            raise Refused

    def raised(party) -> bool:
        before = current.get(party.cleaned_data["partner"].pk)
        return before is None or party.cleaned_data["amount"] > before.amount

    for party in [party for party in changed if not raised(party)]:
        step(party, "amount", set_contribution, convention, party.cleaned_data, by=by)
    if "envelope" in form.changed_data and not envelope_saved:
        step(form, "envelope", convention.set_envelope, form.cleaned_data["envelope"], by=by)
    for party in [party for party in changed if raised(party)]:
        step(party, "amount", set_contribution, convention, party.cleaned_data, by=by)


def step(form, field, action, *args, **kwargs):
    """Run one write; a refusal goes on `field` of `form` and stops the save."""
    try:
        action(*args, **kwargs)
    except ValidationError as refused:
        form.add_error(field, refused)
        raise Refused from refused


def set_contribution(convention, cleaned, *, by):
    partner = cleaned["partner"]
    convention.set_contribution(partner, cleaned["amount"], cleaned["in_kind"], by=by)


def remove_contribution(convention, contribution, *, by):
    committed = committed_by(convention, contribution.partner)
    if committed:
        raise ValidationError(
            _(
                "%(partner)s has already committed %(committed)s from this convention: "
                "its contribution cannot be removed."
            ),
            code="committed",
            params={"partner": contribution.partner.acronym, "committed": format_mad(committed)},
        )
    asked = asked_of(convention, contribution.partner)
    if asked:
        raise ValidationError(
            _(
                "Projects under way ask %(asked)s of %(partner)s under this convention: "
                "its contribution cannot be removed."
            ),
            code="asked",
            params={"partner": contribution.partner.acronym, "asked": format_mad(asked)},
        )
    contribution._history_user = by
    contribution.delete()
