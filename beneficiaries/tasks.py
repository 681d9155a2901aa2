"""Background work of an import: the dry run, then the commit. Arguments are a job id and the
language of the person who started it (JSON-safe), in which the worker writes the file of invalid rows.

Enqueue after the job row is committed, or the worker may look for a job it cannot see yet:
`transaction.on_commit(lambda: check_import.enqueue(job.pk, get_language()))`.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import translation

from beneficiaries.importing import FileRefused, build_plan, error_file, read_upload, write_plan
from beneficiaries.importing.columns import BENEFICIARY_COLUMNS
from beneficiaries.models import Beneficiary, ImportJob
from territory.models import Province

logger = logging.getLogger(__name__)


def read_job_file(job, columns=BENEFICIARY_COLUMNS):
    """The stored upload, read and checked as a whole (FileRefused), here in the worker, never in a request.

    The row count is known from now on: the progress bar showed no total until then. `job` is any
    SpreadsheetImport (the history import's too), `columns` the headers its import understands.
    """
    with job.file.open("rb") as stored:
        table = read_upload(stored.read(), job.original_name, columns)
    job.total_rows = len(table.rows)
    type(job).objects.filter(pk=job.pk).update(total_rows=job.total_rows)
    return table


def progress_of(job):
    # A plain UPDATE outside any write transaction, so the page polling the job sees it at once.
    def report(rows_done):
        type(job).objects.filter(pk=job.pk).update(processed_rows=rows_done)

    return report


def plan_for(job):
    """The file checked against the registry as it is now; None once the job has failed."""
    if not job.file:
        job.fail("file_missing")
        return None
    try:
        return build_plan(read_job_file(job), job.province, progress=progress_of(job))
    except FileNotFoundError:
        job.fail("file_missing")
    except FileRefused as refused:
        # The messages the upload form would have shown, on the job's page; the upload goes
        # (personal data that will never be imported).
        if job.fail("refused", problems=refused.problems):
            job.forget_file()
    return None


def record_preview(job, plan, language, **extra) -> None:
    """The report for the preview, and the file of invalid rows built now, from the plan in hand.

    The download only streams that file: reading or checking a file again in a web request
    would let a link to it cost a gigabyte and seconds per click. Every invalid row is in it,
    not only the problems the report keeps.
    """
    content = None
    if plan.problems:
        with translation.override(language or settings.LANGUAGE_CODE):
            content = error_file(plan.table, plan.problems)
    job.keep_errors(content)
    job.record_preview({**plan.report(), **extra})


@task
def check_import(job_id: int, language: str = "") -> None:
    """The dry run: counts, problems and probable duplicates, stored on the job for the preview."""
    job = ImportJob.objects.select_related("province").get(pk=job_id)
    if not job.start_checking():  # cancelled meanwhile, or already picked up by another worker
        return
    try:
        plan = plan_for(job)
        if plan:
            record_preview(job, plan, language)
    except Exception:
        logger.exception("Import %s: the check failed", job_id)
        job.fail("unexpected")


@task
def commit_import(job_id: int, language: str = "") -> None:
    """Check the file again (the registry may have changed since the preview), then write it at once."""
    job = ImportJob.objects.select_related("province", "confirmed_by").get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return
    try:
        with transaction.atomic():
            # Lock the province first: two commits of the same file would otherwise both see
            # its people without a CIN as new, and register them twice.
            Province.objects.select_for_update().get(pk=job.province_id)
            check_again_and_write(job, language)
    except IntegrityError:  # someone registered one of these CINs between the check and the write
        logger.warning("Import %s: conflict with a concurrent registration; nothing written", job_id)
        job.fail("conflict")
    except Exception:
        logger.exception("Import %s: the commit failed; nothing written", job_id)
        job.fail("unexpected")


def check_again_and_write(job, language) -> None:
    decisions = job.report.get("decisions", {})
    # Lock the people rows will be merged into before checking them again: changed by then, the
    # import goes back to the preview (their version differs); locked, nobody changes them meanwhile.
    merged_into = [d["person"] for d in job.report.get("duplicates", []) if decisions.get(str(d["row"])) == "merge"]
    list(Beneficiary.objects.select_for_update().filter(pk__in=merged_into).values_list("pk", flat=True))
    plan = plan_for(job)
    if plan is None:
        return
    report = plan.report()
    if differs_from_preview(report, job.report) or (report["counts"]["invalid"] and not job.skip_invalid):
        record_preview(job, plan, language, notice="changed_since_preview")
        return
    done = write_plan(
        plan, by=job.confirmed_by, skip_invalid=job.skip_invalid, reason=f"import #{job.pk}", decisions=decisions
    )
    if not job.finish({**report, "counts": done, "decisions": decisions}):
        # Failed or cancelled meanwhile (clean_imports): its page says nothing was written, so roll back.
        raise RuntimeError(f"Import {job.pk} stopped while it was writing")


def differs_from_preview(report: dict, preview: dict) -> bool:
    """The user confirmed what the preview showed: other counts, invalid rows or duplicates (or a person
    they resemble changed since: `duplicates` holds each one's version) need a new look."""
    return any(report[key] != preview.get(key) for key in ("counts", "invalid_rows", "duplicate_rows", "duplicates"))
