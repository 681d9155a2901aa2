"""Ceremonies: the list, creating and editing one, its page (its handovers, its figures, the
projects that may join it), adding projects in bulk, delivering everything at once, and the press
summary.

Every lookup goes through `Ceremony.objects.visible_to(user)` (404 outside the scope), then the
role (403): coordinators read, provincial staff and admins act. The ceremony's handovers are the
ones `Handover.objects.visible_to(user)` shows. What the models refuse comes back as messages and
nothing has changed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from disbursements import ceremony_planning
from disbursements.figures import ZERO, ceremony_candidates, ceremony_summary
from disbursements.forms_ceremonies import AddProjectsForm, CeremonyForm
from disbursements.models import Ceremony, Handover
from disbursements.permissions import can_manage_handovers, can_read_handovers
from disbursements.press import LANGUAGES, press_text
from reintegration.lib.money import format_mad
from reintegration.lib.personal_data import role_required

PER_PAGE = 25


def _get_ceremony(request, pk):
    """The ceremony, when in the user's scope (else 404)."""
    return get_object_or_404(Ceremony.objects.visible_to(request.user).select_related("province"), pk=pk)


def _get_ceremony_for_management(request, pk):
    """Edit, add, remove, deliver: the provincial staff's and admins' (403 for a coordinator)."""
    ceremony = _get_ceremony(request, pk)
    if not can_manage_handovers(request.user):
        raise PermissionDenied
    return ceremony


def _handovers(request):
    return Handover.objects.visible_to(request.user)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(can_read_handovers)
def ceremony_list(request):
    planned, delivered = Q(handovers__status=Handover.Status.PLANNED), Q(handovers__status=Handover.Status.DELIVERED)
    if not can_manage_handovers(request.user):
        # A coordinator counts the handovers it may see (its partner's), as on the ceremony's page:
        # the list must not tell one funder what another handed over.
        visible = Q(handovers__in=_handovers(request).values("pk"))
        planned, delivered = planned & visible, delivered & visible
    ceremonies = (
        Ceremony.objects.visible_to(request.user)
        .select_related("province")
        .annotate(
            planned_count=Count("handovers", filter=planned),
            delivered_count=Count("handovers", filter=delivered),
            delivered_value=Coalesce(Sum("handovers__amount", filter=delivered), ZERO),
        )
        .order_by("-held_on", "-pk")
    )
    page = Paginator(ceremonies, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "disbursements/ceremony_list.html",
        {"page": page, "can_manage": can_manage_handovers(request.user)},
    )


@role_required(can_manage_handovers)
def ceremony_create(request):
    ceremony = Ceremony(created_by=request.user)
    form = CeremonyForm(request.POST or None, instance=ceremony, user=request.user)
    if request.method == "POST" and form.is_valid():
        ceremony._history_user = request.user
        form.save()
        messages.success(request, _("The ceremony is created: add the projects whose handovers it will hold."))
        return redirect(ceremony)
    return render(request, "disbursements/ceremony_form.html", {"form": form})


@role_required(can_manage_handovers)
def ceremony_edit(request, pk):
    ceremony = _get_ceremony_for_management(request, pk)
    held_on = ceremony.held_on
    form = CeremonyForm(request.POST or None, instance=ceremony, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                ceremony._history_user = request.user
                form.save()
                if ceremony.held_on != held_on:
                    _move_planned_handovers(ceremony, request.user)
        except ValidationError as error:
            form.add_error(None, error)
            ceremony.held_on = held_on
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(ceremony)
    return render(request, "disbursements/ceremony_form.html", {"form": form, "ceremony": ceremony})


def _move_planned_handovers(ceremony, user) -> None:
    """The ceremony moved to another day: its planned handovers follow it."""
    for handover in ceremony.handovers.filter(status=Handover.Status.PLANNED).order_by("pk"):
        handover.change_plan(
            by=user,
            planned_on=ceremony.held_on,
            items=list(handover.items.all()),
            amount=handover.amount if handover.is_cash else None,
            ceremony=ceremony,
            cash_method=handover.cash_method,
            cash_reference=handover.cash_reference,
            notes=handover.notes,
        )


@role_required(can_read_handovers)
def ceremony_detail(request, pk):
    ceremony = _get_ceremony(request, pk)
    handovers = (
        _handovers(request)
        .filter(ceremony=ceremony)
        .select_related("project__lead", "line__partner")
        .prefetch_related("items")
        .order_by("status", "number")
    )
    can_manage = can_manage_handovers(request.user)
    context = {
        "ceremony": ceremony,
        "partners_present": ceremony.partners_present.order_by("acronym"),
        "handovers": handovers,
        "summary": ceremony_summary(ceremony, _handovers(request)),
        "can_manage": can_manage,
        "press_languages": LANGUAGES,
    }
    if can_manage:
        candidates = ceremony_candidates(ceremony, request.user)
        context["candidates"] = candidates
        context["add_form"] = AddProjectsForm(candidates=candidates)
    return render(request, "disbursements/ceremony_detail.html", context)


@require_POST
@role_required(can_manage_handovers)
def ceremony_add_projects(request, pk):
    """The projects ticked, added in one transaction: every one, or none with every reason."""
    ceremony = _get_ceremony_for_management(request, pk)
    form = AddProjectsForm(request.POST, candidates=ceremony_candidates(ceremony, request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(ceremony)
    projects = form.cleaned_data["projects"]
    try:
        added = ceremony_planning.add_projects(
            ceremony, projects, by=request.user, cash_method=form.cleaned_data["cash_method"]
        )
    except ValidationError as error:
        messages.error(request, _("No project was added: every one must be possible, and these are not:"))
        _refused(request, error)
    else:
        count = len(added["attached"]) + len(added["planned"])
        messages.success(
            request,
            ngettext(
                "%(projects)d project added; handovers planned for the ceremony: %(count)d.",
                "%(projects)d projects added; handovers planned for the ceremony: %(count)d.",
                len(projects),
            )
            % {"projects": len(projects), "count": count},
        )
    return redirect(ceremony)


@require_POST
@role_required(can_manage_handovers)
def ceremony_remove_handover(request, pk, handover_pk):
    ceremony = _get_ceremony_for_management(request, pk)
    handover = get_object_or_404(_handovers(request).filter(ceremony=ceremony), pk=handover_pk)
    try:
        ceremony_planning.remove_handover(ceremony, handover, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Handover %(number)s is no longer part of the ceremony; it stays planned.") % {"number": handover.number},
        )
    return redirect(ceremony)


@role_required(can_manage_handovers)
def ceremony_deliver(request, pk):
    """GET: what "Mark all delivered" will record. POST: every planned handover delivered at once."""
    ceremony = _get_ceremony_for_management(request, pk)
    if request.method == "POST":
        try:
            delivered = ceremony.deliver_all(by=request.user)
        except ValidationError as error:
            messages.error(request, _("Nothing was recorded: every handover must be deliverable, and these are not:"))
            _refused(request, error)
        else:
            value = sum((handover.amount for handover in delivered), ZERO)
            messages.success(
                request,
                ngettext(
                    "%(count)d handover delivered, worth %(value)s.",
                    "%(count)d handovers delivered, worth %(value)s.",
                    len(delivered),
                )
                % {"count": len(delivered), "value": format_mad(value)},
            )
        return redirect(ceremony)
    planned = ceremony.handovers.filter(status=Handover.Status.PLANNED).aggregate(
        count=Count("pk"), value=Coalesce(Sum("amount"), ZERO)
    )
    return render(request, "disbursements/ceremony_deliver.html", {"ceremony": ceremony, "planned": planned})


@role_required(can_read_handovers)
def ceremony_press(request, pk):
    """The press summary in Arabic or French (`?language=`), whatever the page's language."""
    ceremony = _get_ceremony(request, pk)
    language = request.GET.get("language", "")
    if language not in LANGUAGES:
        language = "fr" if translation.get_language().startswith("fr") else "ar"
    text = press_text(ceremony, _handovers(request), language)
    return render(
        request,
        "disbursements/ceremony_press.html",
        {"ceremony": ceremony, "text": text, "text_language": language, "press_languages": LANGUAGES},
    )
