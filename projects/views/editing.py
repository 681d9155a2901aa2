"""Drafting a project and correcting the draft: provincial staff and admins, while it is a draft.

The draft and its funding plan are saved together or not at all. A plan still incomplete may be
saved (the project's page says what is missing); submitting it is an action of its own.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from projects.forms import FundingLineFormSet, ProjectForm
from projects.models import MicroProject
from projects.permissions import can_draft_projects, can_edit_project
from reintegration.lib.personal_data import refusal, role_required

LINES_PREFIX = "lines"


def _get_lead(request):
    """The lead chosen on the registry's record (`?lead=<pk>`), when in the user's scope (else 404),
    or None when the page asks for a CIN instead."""
    pk = request.GET.get("lead", "")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(Beneficiary.objects.visible_to(request.user).with_province(), pk=pk)


def _get_project_for_edit(request, pk):
    project = get_object_or_404(
        MicroProject.objects.visible_to(request.user).select_related("lead__province", "province"), pk=pk
    )
    if not can_edit_project(request.user, project):
        raise refusal(can_edit_project)
    return project


@role_required(can_draft_projects)
def project_create(request):
    lead = _get_lead(request)
    # Staff draft for people of their own province; an admin's lead, typed as a CIN, may be anywhere.
    province = lead.province if lead else request.user.province
    project = MicroProject()
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data, instance=project, user=request.user, lead=lead)
    lines = FundingLineFormSet(data, instance=project, user=request.user, province=province, prefix=LINES_PREFIX)
    if data is not None and save_draft(form, lines, request.user):
        messages.success(request, _("The draft is saved. Its page says what it still needs before it is submitted."))
        return redirect(project)
    return render(request, "projects/form.html", {"form": form, "lines": lines})


@role_required(can_draft_projects)
def project_edit(request, pk):
    project = _get_project_for_edit(request, pk)
    if "edit" not in project.allowed_actions():
        messages.error(request, not_editable(project))
        return redirect(project)
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data, instance=project, user=request.user)
    lines = FundingLineFormSet(
        data, instance=project, user=request.user, province=project.province, prefix=LINES_PREFIX
    )
    if data is not None and save_draft(form, lines, request.user):
        messages.success(request, _("The changes are saved."))
        return redirect(project)
    return render(request, "projects/form.html", {"form": form, "lines": lines, "project": project})


def not_editable(project) -> str:
    return _("This project is %(status)s: only a draft can be changed.") % {
        "status": project.get_status_display().lower()
    }


def save_draft(form, lines, user) -> MicroProject | None:
    """Save the draft, its people and its funding lines in one transaction; None, with the
    errors on the forms, when anything is wrong (and then nothing is written)."""
    project_valid = form.is_valid()
    if form.province is not None:
        lines.province = form.province  # the lead typed as a CIN: now the lines can be checked
    if not (lines.is_valid() and project_valid):
        return None
    project = form.instance
    new_lines = [line_form.instance for line_form in lines.forms if line_form.instance.pk is None]
    created = project.pk is None
    try:
        with transaction.atomic():
            write_draft(form, lines, user)
    except ValidationError as error:
        form.add_error(None, error)
    except IntegrityError:  # a line added twice by two people at once: the constraint refused it
        form.add_error(None, _("Someone changed this funding plan meanwhile: check it and save again."))
    else:
        return project
    # Rolled back: what the page shows again was not saved.
    for instance in [project, *new_lines] if created else new_lines:
        instance.pk = None
    return None


def write_draft(form, lines, user) -> None:
    project = form.save(commit=False)
    if project.pk is None:
        project.lead, project.province, project.created_by = form.lead, form.lead.province, user
        project.save()
    else:
        # Lock and re-read: the draft may have been submitted since the page was opened.
        current = MicroProject.objects.select_for_update().get(pk=project.pk)
        if "edit" not in current.allowed_actions():
            raise ValidationError(not_editable(current))
        project.save(update_fields=[*ProjectForm.Meta.fields, "updated_at"])
    project.co_beneficiaries.set(form.co_beneficiaries)
    lines.save()
