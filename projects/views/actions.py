"""The workflow's actions: submit, study, decide on a funding line, reopen, withdraw, visit, close.

Each view looks the project up through `visible_to` (404 outside the user's scope, or outside a
coordinator's need to know), asks the role predicate (403), lets a form normalise what was typed,
then calls the project's transition method, which locks, checks the state and the money, saves and
writes the event. What the state or the money refuses comes back as a message on the project's
page, and nothing has changed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.forms_actions import (
    ApproveLineForm,
    CloseForm,
    RejectLineForm,
    ReopenForm,
    StudyForm,
    VisitForm,
    WithdrawForm,
)
from projects.models import MicroProject
from projects.permissions import (
    SUBMITTER_MAY_NOT_DECIDE,
    can_decide_line,
    can_edit_project,
    can_read_projects,
    can_record_visit,
    can_study_project,
    can_submit_project,
    is_maker,
)
from reintegration.lib.money import format_mad
from reintegration.lib.personal_data import role_required


def _get_project(request, pk, may):
    """The project, when the user may see it (else 404: never say it exists elsewhere), and when
    `may(user, project)` holds (else 403). Each action has its own helper below."""
    project = get_object_or_404(MicroProject.objects.visible_to(request.user), pk=pk)
    if not may(request.user, project):
        raise PermissionDenied
    return project


def _get_project_for_submit(request, pk):
    return _get_project(request, pk, can_submit_project)


def _get_project_for_study(request, pk):
    return _get_project(request, pk, can_study_project)


def _get_project_for_edit(request, pk):
    """Reopen, withdraw and close: the provincial staff's (and admins')."""
    return _get_project(request, pk, can_edit_project)


def _get_project_for_visit(request, pk):
    return _get_project(request, pk, can_record_visit)


def _get_line_for_decision(request, pk, line_pk):
    """(project, line): the line looked up among this project's lines only (another project's is a
    404), decided by its own partner's coordinator (403), never by whoever submitted the project."""
    project = get_object_or_404(MicroProject.objects.visible_to(request.user), pk=pk)
    line = get_object_or_404(project.lines.select_related("partner", "convention"), pk=line_pk)
    if not can_decide_line(request.user, line):
        raise PermissionDenied
    if is_maker(request.user, project):
        raise PermissionDenied(SUBMITTER_MAY_NOT_DECIDE)
    return project, line


def _refused(request, error: ValidationError) -> None:
    """What the project refused (its state, the money, a missing consent), one message each."""
    for message in error.messages:
        messages.error(request, message)


def _form_refused(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _still_possible(request, project, action: str) -> bool:
    """Whether the project's status still allows `action` (a form page opened from an old page, or
    after someone else acted); if not, says so."""
    if action in project.allowed_actions():
        return True
    messages.error(
        request,
        _("This project is %(status)s: this action is not possible any more.")
        % {"status": project.get_status_display().lower()},
    )
    return False


@require_POST
@role_required(can_read_projects)
def submit(request, pk):
    project = _get_project_for_submit(request, pk)
    try:
        project.submit(by=request.user)
    except ValidationError as error:
        if "submit" in project.allowed_actions():  # still a draft: the plan or a consent is missing
            messages.error(request, _("The project cannot be submitted yet:"))
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The project is submitted: %(partner)s studies it next.") % {"partner": project.technical_partner},
        )
    return redirect(project)


@role_required(can_read_projects)
def record_study(request, pk):
    """The study page: the technical partner's verdict, the revenue expected, the amount recommended."""
    project = _get_project_for_study(request, pk)
    if not _still_possible(request, project, "record_study"):
        return redirect(project)
    form = StudyForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            study = project.record_study(by=request.user, **form.transition_arguments())
        except ValidationError as error:
            _refused(request, error)
        else:
            if study.feasible:
                messages.success(request, _("The study is recorded: each funding partner now decides on its line."))
            else:
                messages.success(request, _("The study is recorded: the project is not feasible, so it is rejected."))
        return redirect(project)
    lines = project.lines.select_related("partner", "convention")
    return render(request, "projects/study_form.html", {"project": project, "form": form, "lines": lines})


def _transition(request, project, form, move, success) -> HttpResponseRedirect:
    """The tail of every small action: the form checked, `move(cleaned_data)` made, and what was
    refused or done said as a message (`success()` is asked after the move, which it may describe);
    back to the project's page either way."""
    if not form.is_valid():
        _form_refused(request, form)
        return redirect(project)
    try:
        move(form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, success())
    return redirect(project)


@require_POST
@role_required(can_read_projects)
def approve_line(request, pk, line_pk):
    project, line = _get_line_for_decision(request, pk, line_pk)

    def approved():
        named = {"partner": line.partner.acronym, "amount": format_mad(line.amount)}
        if project.status == MicroProject.Status.APPROVED:
            return (
                _("The line of %(partner)s (%(amount)s) is approved: every line is, so the project is approved.")
                % named
            )
        return _("The line of %(partner)s (%(amount)s) is approved; the other partners decide on theirs.") % named

    return _transition(
        request,
        project,
        ApproveLineForm(request.POST),
        lambda data: project.approve_line(line, by=request.user, comment=data["comment"]),
        approved,
    )


@require_POST
@role_required(can_read_projects)
def reject_line(request, pk, line_pk):
    project, line = _get_line_for_decision(request, pk, line_pk)
    return _transition(
        request,
        project,
        RejectLineForm(request.POST),
        lambda data: project.reject_line(line, by=request.user, reason=data["reason"]),
        lambda: (
            _("The line of %(partner)s is rejected, and with it the project: the provincial staff may revise it.")
            % {"partner": line.partner.acronym}
        ),
    )


@require_POST
@role_required(can_read_projects)
def reopen(request, pk):
    project = _get_project_for_edit(request, pk)
    return _transition(
        request,
        project,
        ReopenForm(request.POST),
        lambda data: project.reopen(by=request.user, comment=data["comment"]),
        lambda: (
            _("The project is a draft again (revision %(revision)s): revise it, then submit it again.")
            % {"revision": project.revision}
        ),
    )


@require_POST
@role_required(can_read_projects)
def withdraw(request, pk):
    project = _get_project_for_edit(request, pk)
    return _transition(
        request,
        project,
        WithdrawForm(request.POST),
        lambda data: project.withdraw(by=request.user, reason=data["reason"]),
        lambda: _("The project is withdrawn."),
    )


@require_POST
@role_required(can_read_projects)
def close(request, pk):
    project = _get_project_for_edit(request, pk)
    return _transition(
        request,
        project,
        CloseForm(request.POST),
        lambda data: project.close(by=request.user, outcome=data["outcome"], comment=data["comment"]),
        lambda: _("The project is closed: %(outcome)s.") % {"outcome": project.get_outcome_display().lower()},
    )


@role_required(can_read_projects)
def record_visit(request, pk):
    """The follow-up visit page, pre-filled from the previous visit."""
    project = _get_project_for_visit(request, pk)
    if not _still_possible(request, project, "record_visit"):
        return redirect(project)
    form = VisitForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            visit = project.record_visit(by=request.user, **form.transition_arguments())
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, visit_recorded_message(visit))
        return redirect(project)
    return render(request, "projects/visit_form.html", {"project": project, "form": form, "previous": form.previous})


def visit_recorded_message(visit) -> str:
    if visit.next_visit_due:
        return _("The visit is recorded. The next one is due on %(day)s.") % {
            "day": date_format(visit.next_visit_due, "d/m/Y")
        }
    return _("The visit is recorded. No further visit is planned.")
