"""Background work of a history import: the dry run, then the commit, as the beneficiary import's
tasks (beneficiaries.tasks) do it, with their helpers: the file read in the worker, the progress,
the preview and its file of invalid rows.

Enqueue after the job row is committed:
`transaction.on_commit(lambda: check_history.enqueue(job.pk, get_language()))`.
"""

import logging

from django.db import IntegrityError, transaction
from django.tasks import task

from beneficiaries.tasks import progress_of, read_job_file, record_preview
from disbursements.history import COLUMN_TABLE, FileRefused, SpendingChanged, build_history_plan, write_history
from disbursements.models import HistoryImport
from territory.models import Province

logger = logging.getLogger(__name__)
# What the confirmation saw and the commit must find again: otherwise the user looks again.
COMPARED = ("counts", "invalid_rows")


def plan_for(job):
    """The file checked against the registry and the conventions as they are now; None once failed."""
    if not job.file:
        job.fail("file_missing")
        return None
    try:
        return build_history_plan(read_job_file(job, COLUMN_TABLE), job.province, progress=progress_of(job))
    except FileNotFoundError:
        job.fail("file_missing")
    except FileRefused as refused:
        if job.fail("refused", problems=refused.problems):
            job.forget_file()
    return None


@task
def check_history(job_id: int, language: str = "") -> None:
    """The dry run: counts and problems, stored on the job for the preview."""
    job = HistoryImport.objects.select_related("province").get(pk=job_id)
    if not job.start_checking():
        return
    try:
        plan = plan_for(job)
        if plan:
            record_preview(job, plan, language)
    except Exception:
        logger.exception("History import %s: the check failed", job_id)
        job.fail("unexpected")


@task
def commit_history(job_id: int, language: str = "") -> None:
    """Check the file again under the province's lock (the registry or a contribution may have
    changed since the preview), then write it at once: all of it, or nothing."""
    job = HistoryImport.objects.select_related("province", "confirmed_by").get(pk=job_id)
    if job.status != HistoryImport.Status.IMPORTING:
        return
    try:
        with transaction.atomic():
            Province.objects.select_for_update().get(pk=job.province_id)
            check_again_and_write(job, language)
    except (IntegrityError, SpendingChanged):
        logger.warning("History import %s: conflict with a concurrent change; nothing written", job_id)
        job.fail("conflict")
    except Exception:
        logger.exception("History import %s: the commit failed; nothing written", job_id)
        job.fail("unexpected")


def check_again_and_write(job, language) -> None:
    plan = plan_for(job)
    if plan is None:
        return
    report = plan.report()
    changed = any(report[key] != job.report.get(key) for key in COMPARED)
    if changed or (report["counts"]["invalid"] and not job.skip_invalid):
        record_preview(job, plan, language, notice="changed_since_preview")
        return
    done = write_history(plan, by=job.confirmed_by, source=job.original_name, skip_invalid=job.skip_invalid)
    if not job.finish({**report, "counts": {k: v for k, v in done.items() if k != "projects"}}):
        raise RuntimeError(f"History import {job.pk} stopped while it was writing")
