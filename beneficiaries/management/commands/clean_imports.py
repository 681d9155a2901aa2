"""Daily upkeep of imports: stop jobs whose worker died, and delete old uploaded files.

Run it once a day (cron or a systemd timer): `manage.py clean_imports`.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from beneficiaries.models import ImportJob

FINISHED = (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED)


class Command(BaseCommand):
    help = "Fail imports stuck for hours and delete the files of imports finished long ago."

    def add_arguments(self, parser):
        parser.add_argument("--stalled-hours", type=int, default=6, help="a running job older than this failed")
        parser.add_argument("--keep-days", type=int, default=30, help="keep finished uploads this many days")

    def handle(self, *args, stalled_hours, keep_days, **options):
        now = timezone.now()
        failed = sum(job.fail("stalled") for job in stalled_jobs(now - timedelta(hours=stalled_hours)))
        # The upload and its file of invalid rows go together; a preview nobody confirmed is
        # cancelled (Law 09-08: personal data is kept no longer than needed).
        cutoff = now - timedelta(days=keep_days)
        abandoned = ImportJob.objects.filter(status=ImportJob.Status.VALIDATED, created_at__lt=cutoff)
        for job in abandoned:
            job.cancel()
        kept = ~Q(file="") | ~Q(errors_file="")
        old = ImportJob.objects.filter(kept, status__in=FINISHED, finished_at__lt=cutoff)
        for job in old:
            job.forget_file()
        self.stdout.write(
            f"{failed} stalled import(s) failed, {len(abandoned)} abandoned preview(s) cancelled, "
            f"{len(old)} old upload(s) deleted."
        )


def stalled_jobs(before):
    """Running since before `before`: a 20,000-row file takes seconds, so the worker died.

    A commit is timed from its confirmation, not from the upload (the preview may wait for hours).
    """
    checking = Q(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING], created_at__lt=before)
    importing = Q(status=ImportJob.Status.IMPORTING, confirmed_at__lt=before)
    return ImportJob.objects.filter(checking | importing)
