"""Daily upkeep of imports: stop jobs whose worker died, and delete old uploaded files.

Run it once a day (cron or a systemd timer): `manage.py clean_imports`.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
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
        # A 20,000-row file takes seconds: a job still running after hours lost its worker.
        stalled = ImportJob.objects.filter(
            status__in=ImportJob.RUNNING, created_at__lt=now - timedelta(hours=stalled_hours)
        )
        failed = sum(job.fail("stalled") for job in stalled)
        # The error file is built from the upload, so it stays downloadable until then (Law 09-08:
        # personal data is not kept longer than its purpose needs).
        old = ImportJob.objects.filter(status__in=FINISHED, finished_at__lt=now - timedelta(days=keep_days)).exclude(
            file=""
        )
        forgotten = 0
        for job in old:
            job.forget_file()
            forgotten += 1
        self.stdout.write(f"{failed} stalled import(s) failed, {forgotten} old upload(s) deleted.")
