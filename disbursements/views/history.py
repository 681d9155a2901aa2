"""The history import's screens: upload a file of past projects, follow the check, read the preview,
confirm or cancel, follow the commit, download the invalid rows. As the beneficiary import's
(beneficiaries.views.imports), whose upload form and worker notices serve here too; the heavy work
runs in disbursements.tasks.
"""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from beneficiaries.access import log_access
from beneficiaries.importing import MAX_MEGABYTES, MAX_ROWS, render_all, render_message
from beneficiaries.importing.messages import MAX_COLUMNS, column_label, render_failure
from beneficiaries.models import AccessLog
from beneficiaries.views.imports import ImportUploadForm, progress_response, worker_notice
from disbursements.history.columns import HISTORY_COLUMNS, PERSON_COLUMNS
from disbursements.models import HistoryImport
from disbursements.permissions import can_manage_handovers
from disbursements.tasks import check_history, commit_history
from projects.models import FundingLine, MicroProject
from reintegration.lib.personal_data import role_required
from reintegration.lib.spreadsheets import CONTENT_TYPES, download, xlsx_bytes

SHOWN_PROBLEMS = 200  # the rest are in the error file
FIRST_PROBLEMS = 3
TEMPLATE_FORMATS = {"cin": "@", "phone": "@", "date_of_birth": "DD/MM/YYYY", "release_date": "DD/MM/YYYY"}
TEMPLATE_FORMATS |= {"delivered_on": "DD/MM/YYYY", "ceremony_on": "DD/MM/YYYY"}


def visible_jobs(request):
    return HistoryImport.objects.visible_to(request.user)


def _get_job_for_handling(request, pk):
    """The import, when in the user's scope (else 404), and when they may import history (else 403)."""
    job = get_object_or_404(visible_jobs(request).select_related("province", "created_by", "confirmed_by"), pk=pk)
    if not can_manage_handovers(request.user):
        raise PermissionDenied
    return job


@role_required(can_manage_handovers)
def history_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    form.fields["file"].label = capfirst(_("spreadsheet of past projects"))
    if request.method == "POST" and form.is_valid():
        job = start_history_import(form.cleaned_data["file"], province=form.province, by=request.user)
        return redirect(job)
    return render(
        request,
        "disbursements/history_upload.html",
        {
            "form": form,
            "columns": HISTORY_COLUMNS,
            "person_columns": PERSON_COLUMNS,
            "sectors": MicroProject.Sector.labels,
            "kinds": FundingLine.Kind.labels,
            "max_megabytes": MAX_MEGABYTES,
            "max_rows": MAX_ROWS,
            "max_columns": MAX_COLUMNS,
            "jobs": visible_jobs(request).select_related("province", "created_by").defer("report")[:10],
        },
    )


@role_required(can_manage_handovers)
def history_template(request):
    """A blank workbook whose first row names the columns in the reader's language (the import reads
    them in any of the three): the project's, then the beneficiary columns for people not yet registered."""
    columns = [*HISTORY_COLUMNS, *PERSON_COLUMNS]
    header = [column_label(column.field) for column in columns]
    formats = {i: TEMPLATE_FORMATS[c.field] for i, c in enumerate(columns) if c.field in TEMPLATE_FORMATS}
    content = xlsx_bytes(header, [], title=str(_("Past projects")), column_formats=formats)
    return download(content, f"{_('history-import-template')}.xlsx", ascii_filename="history-template.xlsx")


def start_history_import(upload, *, province, by) -> HistoryImport:
    with transaction.atomic():
        job = HistoryImport(created_by=by, province=province, original_name=upload.name[:255])
        job.file.save("history" + PurePath(upload.name).suffix.lower(), upload, save=False)
        job.save()
        language = get_language()
        transaction.on_commit(lambda: check_history.enqueue(job.pk, language))
    return job


def history_detail(request, pk):
    job = _get_job_for_handling(request, pk)
    report, counts = job.report, job.counts
    problems = report.get("problems", [])
    rendered = render_all(problems[:SHOWN_PROBLEMS])
    waiting = job.status == HistoryImport.Status.VALIDATED
    importable = waiting and counts.get("projects_new", 0) > 0
    return render(
        request,
        "disbursements/history_detail.html",
        {
            "job": job,
            "counts": counts,
            "problems": rendered,
            "first_problems": rendered[:FIRST_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0) + report.get("more_problems", 0),
            "warnings": render_all(report.get("warnings", [])[:SHOWN_PROBLEMS]),
            "nothing_importable": waiting and not job.valid_rows and job.invalid_rows,
            "nothing_new": waiting and job.valid_rows and not counts.get("projects_new"),
            "unknown_columns": report.get("unknown_columns", []),
            "more_unknown_columns": report.get("more_unknown_columns", 0),
            "header_row": report.get("header_row"),
            "worker_notice": worker_notice(job),
            "notice": render_message(report["notice"]) if report.get("notice") else "",
            "failures": render_failure(report["failure"]) if report.get("failure") else [],
            "can_import_all": importable and not job.invalid_rows,
            "can_import_valid": importable and job.invalid_rows,
            "can_cancel": job.status in HistoryImport.CANCELLABLE,
            "can_download_errors": bool(job.errors_file),
        },
    )


@never_cache
def history_status(request, pk):
    """What the progress bar needs (static/js/import-progress.js polls it every second)."""
    return progress_response(_get_job_for_handling(request, pk))


@require_POST
def history_confirm(request, pk):
    job = _get_job_for_handling(request, pk)
    try:
        if job.status == HistoryImport.Status.VALIDATED and not job.counts.get("projects_new"):
            raise ValidationError(_("Every project of this file is already imported: there is nothing to write."))
        with transaction.atomic():
            job.confirm(by=request.user, skip_invalid=request.POST.get("skip_invalid") == "1")
            language = get_language()
            transaction.on_commit(lambda: commit_history.enqueue(job.pk, language))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(job)


@require_POST
def history_cancel(request, pk):
    job = _get_job_for_handling(request, pk)
    try:
        job.cancel()
        messages.success(request, _("The import was cancelled: nothing was written."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(job)


def history_errors(request, pk):
    """The invalid rows as uploaded, with an `error` column, written by the worker when it checked the file."""
    job = _get_job_for_handling(request, pk)
    if not job.errors_file:
        raise Http404
    try:
        stored = job.errors_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        query=f"history import #{job.pk}: invalid rows",
        row_count=job.invalid_rows,
    )
    return FileResponse(
        stored, as_attachment=True, filename=f"history-{job.pk}-errors.csv", content_type=CONTENT_TYPES["csv"]
    )
