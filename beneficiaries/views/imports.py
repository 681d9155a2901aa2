"""The import screens: upload a file, follow the check, read the preview, confirm or cancel.

The heavy work runs in tasks (beneficiaries.tasks); these views only start it and show the job.
"""

from collections import defaultdict
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from beneficiaries.access import log_access
from beneficiaries.importing import (
    COLUMNS,
    MAX_MEGABYTES,
    MAX_ROWS,
    FileRefused,
    render_all,
    render_message,
)
from beneficiaries.importing.checking import IMPORT_AS_NEW, MERGE, SKIP
from beneficiaries.importing.messages import MAX_COLUMNS, column_label, province_names, render_failure
from beneficiaries.importing.reading import SNIFF_BYTES, clean_name, sniff
from beneficiaries.models import AccessLog, Beneficiary, ImportJob
from beneficiaries.permissions import can_edit_registry, can_handle_import
from beneficiaries.tasks import check_import, commit_import
from reintegration.lib.personal_data import role_required
from reintegration.lib.spreadsheets import CONTENT_TYPES, download, xlsx_bytes
from territory.scoping import visible_provinces

SHOWN_PROBLEMS = 200  # the rest are in the error file
FIRST_PROBLEMS = 3  # quoted at the top when no row can be imported


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=capfirst(_("spreadsheet")),
        allow_empty_file=True,  # an empty file gets the import's own, clearer message
        help_text=_("CSV (UTF-8, columns separated by ; or ,) or Excel .xlsx with one sheet."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    province = forms.ModelChoiceField(queryset=None, label=capfirst(_("province")))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.province_id:  # provincial staff import into their own province only
            del self.fields["province"]
            self.province = user.province
        else:
            self.fields["province"].queryset = visible_provinces(user)

    def clean_file(self):
        """Size, extension and first bytes only: reading a hostile file may take long, so the worker does it."""
        upload = self.cleaned_data["file"]
        upload.name = clean_name(upload.name)  # before its extension is read, and before it is stored
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        try:
            sniff(head, upload.size, upload.name)
        except FileRefused as refused:
            raise ValidationError([item["message"] for item in render_all(refused.problems)]) from None
        return upload

    def clean(self):
        data = super().clean()
        if "province" in data:
            self.province = data["province"]
        return data


DECISION_LABELS = {
    IMPORT_AS_NEW: _("Import as a new person"),
    SKIP: _("Skip this row"),
    MERGE: _("Merge into the registered person"),
}


DECIDED_LABELS = {  # on the result, what was done
    IMPORT_AS_NEW: _("Imported as a new person"),
    SKIP: _("Skipped"),
    MERGE: _("Merged into the registered person"),
}


class DuplicateDecisionsForm(forms.Form):
    """One required choice per probable duplicate the preview lists: nothing is decided by default,
    so no duplicate is registered by a click meant for the rest of the file.

    Only those rows have a field (a decision posted for another row is not read), and merging is
    offered only into a person of the import's province whom the user may see.
    """

    def __init__(self, *args, duplicates: list[dict], people: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = {str(duplicate["row"]): duplicate for duplicate in duplicates}
        for row, duplicate in self.duplicates.items():
            choices = [IMPORT_AS_NEW, SKIP] + ([MERGE] if may_merge(duplicate, people) else [])
            self.fields[f"decision-{row}"] = forms.ChoiceField(
                choices=[(choice, DECISION_LABELS[choice]) for choice in choices],
                error_messages={
                    "required": _("Choose what to do with the probable duplicate on row %(row)s.") % {"row": row},
                    "invalid_choice": (
                        _("Row %(row)s: import it as a new person, skip it or merge it.")
                        if MERGE in choices
                        else _("Row %(row)s cannot be merged: import it as a new person or skip it.")
                    )
                    % {"row": row},
                },
            )

    def clean(self):
        data = super().clean()
        merged = [self.duplicates[row]["person"] for row in self.decisions(data) if data[f"decision-{row}"] == MERGE]
        if len(merged) != len(set(merged)):
            raise ValidationError(_("Two rows cannot both be merged into the same person: skip one of them."))
        return data

    def decisions(self, data=None) -> dict[str, str]:
        data = self.cleaned_data if data is None else data
        return {row: data[f"decision-{row}"] for row in self.duplicates if f"decision-{row}" in data}


def may_merge(duplicate: dict, people: dict) -> bool:
    """`people`: the registered people of the duplicates whom the user may see, by pk."""
    return duplicate["mergeable"] and duplicate["person"] in people


def duplicate_people(request, job) -> dict:
    """The registered people the preview's duplicates resemble, those the user may see, by pk."""
    pks = [d["person"] for d in job.report.get("duplicates", []) if d["person"]]
    return Beneficiary.objects.visible_to(request.user).in_bulk(pks) if pks else {}


def visible_jobs(request):
    return ImportJob.objects.visible_to(request.user)


def _get_job_for_handling(request, pk):
    """The import, when in the user's scope (else 404), and when they may handle it (else 403)."""
    job = get_object_or_404(visible_jobs(request).select_related("province", "created_by", "confirmed_by"), pk=pk)
    if not can_handle_import(request.user, job):
        raise PermissionDenied
    return job


@role_required(can_edit_registry)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_import(upload, province=form.province, by=request.user)
        return redirect(job)
    return render(
        request,
        "beneficiaries/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "max_megabytes": MAX_MEGABYTES,
            "max_rows": MAX_ROWS,
            "max_columns": MAX_COLUMNS,
            # Without their reports: a report may be large, and this list shows none of it.
            "jobs": visible_jobs(request).select_related("province", "created_by").defer("report")[:10],
        },
    )


# How the blank template formats its columns, so that what staff type is read as meant.
TEMPLATE_FORMATS = {"cin": "@", "phone": "@", "date_of_birth": "DD/MM/YYYY", "release_date": "DD/MM/YYYY"}


@role_required(can_edit_registry)
def import_template(request):
    """A blank workbook to fill in: the column names in the reader's language, which the import reads.

    Only the header row: a note or an example row would be imported as a person, and a second
    sheet (instructions) would make the import refuse the workbook.
    """
    header = [column_label(column.field) for column in COLUMNS]
    formats = {
        i: TEMPLATE_FORMATS[column.field] for i, column in enumerate(COLUMNS) if column.field in TEMPLATE_FORMATS
    }
    content = xlsx_bytes(header, [], title=str(_("Beneficiaries")), column_formats=formats)
    return download(content, f"{_('beneficiaries-import-template')}.xlsx", ascii_filename="import-template.xlsx")


def start_import(upload, *, province, by) -> ImportJob:
    """Store the upload and queue its check; the worker reads it and counts its rows."""
    with transaction.atomic():
        job = ImportJob(created_by=by, province=province, original_name=upload.name[:255])
        # A neutral stored name: the original may carry personal data or odd characters.
        job.file.save("import" + PurePath(upload.name).suffix.lower(), upload, save=False)
        job.save()
        language = get_language()  # the worker writes the file of invalid rows in it
        transaction.on_commit(lambda: check_import.enqueue(job.pk, language))
    return job


WORKER_NOTICES = {
    ImportJob.Status.QUEUED: _(
        "The check has not started: the background task worker may not be running — ask your "
        "administrator (manage.py db_worker)."
    ),
    ImportJob.Status.IMPORTING: _(
        "The import has not started: the background task worker may not be running — ask your "
        "administrator (manage.py db_worker)."
    ),
}


def worker_notice(job) -> str:
    """Said on the page (and in its status, which the page polls) when no worker took the job up."""
    return str(WORKER_NOTICES[job.status]) if job.waits_for_a_worker() else ""


def progress_response(job) -> JsonResponse:
    """What the progress bar of any spreadsheet import needs, polled every second while its job runs
    (static/js/import-progress.js): the beneficiary and the history imports."""
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "processed": job.processed_rows,
            "total": job.total_rows,
            "running": job.is_running,
            "worker_notice": worker_notice(job),
        }
    )


def import_detail(request, pk):
    job = _get_job_for_handling(request, pk)
    report = job.report
    problems = report.get("problems", [])
    warnings = report.get("warnings", [])
    unknown_columns = report.get("unknown_columns", [])
    waiting = job.status == ImportJob.Status.VALIDATED
    rendered_problems = render_all(problems[:SHOWN_PROBLEMS])
    rendered_warnings = render_all(warnings[:SHOWN_PROBLEMS])
    return render(
        request,
        "beneficiaries/import_detail.html",
        {
            "job": job,
            "counts": job.counts,
            "problems": rendered_problems,
            # Not a preview with nothing to confirm: the page says plainly that no row can go in.
            "nothing_importable": waiting and not job.valid_rows and job.invalid_rows,
            "first_problems": rendered_problems[:FIRST_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0) + report.get("more_problems", 0),
            "warnings": rendered_warnings,
            "duplicates": duplicate_rows(request, job, rendered_warnings),
            "more_warnings": max(len(warnings) - SHOWN_PROBLEMS, 0) + report.get("more_warnings", 0),
            "unknown_columns": unknown_columns,
            "header_row": report.get("header_row"),
            "worker_notice": worker_notice(job),
            "more_unknown_columns": report.get("more_unknown_columns", 0),
            "notice": render_message(report["notice"]) if report.get("notice") else "",
            "failures": render_failure(report["failure"]) if report.get("failure") else [],
            "can_import_all": waiting and job.valid_rows and not job.invalid_rows,
            "can_import_valid": waiting and job.valid_rows and job.invalid_rows,
            "can_cancel": job.status in ImportJob.CANCELLABLE,
            "can_download_errors": bool(job.errors_file),
        },
    )


def duplicate_rows(request, job, warnings: list[dict]) -> list[dict]:
    """Each probable duplicate as the preview shows it: the row, why, the registered person (a link
    when the user may see them, else their province only) and the choices, or the decision taken."""
    reasons = defaultdict(list)
    for warning in warnings:
        reasons[warning["row"]].append(warning)
    people = duplicate_people(request, job)
    provinces = province_names()
    decisions = job.report.get("decisions", {})
    choices = DuplicateDecisionsForm(duplicates=job.report.get("duplicates", []), people=people).fields
    return [
        {
            "row": duplicate["row"],
            "name": next((w["params"].get("name", "") for w in reasons[duplicate["row"]]), ""),
            "reasons": [w["message"] for w in reasons[duplicate["row"]]],
            "person": people.get(duplicate["person"]),
            "province": provinces.get(duplicate["province"], ""),
            "choices": choices[f"decision-{duplicate['row']}"].choices,
            "decision": DECIDED_LABELS.get(decisions.get(str(duplicate["row"])), ""),
        }
        for duplicate in job.report.get("duplicates", [])
    ]


@never_cache
def import_status(request, pk):
    """What the progress bar needs, polled every second while the job runs."""
    return progress_response(_get_job_for_handling(request, pk))


@require_POST
def import_confirm(request, pk):
    job = _get_job_for_handling(request, pk)
    duplicates = job.report.get("duplicates", []) if job.status == ImportJob.Status.VALIDATED else []
    form = DuplicateDecisionsForm(request.POST, duplicates=duplicates, people=duplicate_people(request, job))
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(job)
    try:
        with transaction.atomic():
            skip_invalid = request.POST.get("skip_invalid") == "1"
            job.confirm(by=request.user, skip_invalid=skip_invalid, decisions=form.decisions())
            language = get_language()
            transaction.on_commit(lambda: commit_import.enqueue(job.pk, language))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(job)


@require_POST
def import_cancel(request, pk):
    job = _get_job_for_handling(request, pk)
    try:
        job.cancel()
        messages.success(request, _("The import was cancelled: nothing was written."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(job)


def import_errors(request, pk):
    """The invalid rows, as uploaded, with an `error` column: to correct and import again.

    The worker wrote the file when it checked the upload; this only streams it. Reading the
    upload here would let one GET (a link is enough) cost what checking a hostile file costs.
    """
    job = _get_job_for_handling(request, pk)
    if not job.errors_file:
        raise Http404
    try:
        stored = job.errors_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    query = f"import #{job.pk}: invalid rows"
    log_access(request.user, AccessLog.Action.EXPORT, query=query, row_count=job.invalid_rows)
    return FileResponse(
        stored, as_attachment=True, filename=f"import-{job.pk}-errors.csv", content_type=CONTENT_TYPES["csv"]
    )
