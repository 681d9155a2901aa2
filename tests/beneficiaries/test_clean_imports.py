from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from beneficiaries.models import ImportJob
from tests.factories import province

Status = ImportJob.Status


def job(user, status, *, age, finished=None):
    created = ImportJob.objects.create(
        created_by=user,
        province=province("04.291"),
        original_name="liste.csv",
        file=ContentFile(b"cin\nAB1\n", name="liste.csv"),
        status=status,
        finished_at=finished,
    )
    ImportJob.objects.filter(pk=created.pk).update(created_at=timezone.now() - age)
    created.refresh_from_db()
    return created


def test_a_job_whose_worker_died_is_failed_with_a_message_and_nothing_else_moves(khemisset_staff, client_for):
    stuck = job(khemisset_staff, Status.IMPORTING, age=timedelta(hours=8))
    ImportJob.objects.filter(pk=stuck.pk).update(confirmed_at=timezone.now() - timedelta(hours=7))
    running = job(khemisset_staff, Status.VALIDATING, age=timedelta(minutes=5))
    call_command("clean_imports", stdout=StringIO())
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert (stuck.status, running.status) == (Status.FAILED, Status.VALIDATING)
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    assert "the background worker was interrupted" in client.get(stuck.get_absolute_url()).text


def test_uploads_of_jobs_finished_long_ago_are_deleted(khemisset_staff):
    old = job(khemisset_staff, Status.DONE, age=timedelta(days=40), finished=timezone.now() - timedelta(days=31))
    recent = job(khemisset_staff, Status.DONE, age=timedelta(days=2), finished=timezone.now() - timedelta(days=1))
    old_path = old.file.path
    call_command("clean_imports", stdout=StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file
    assert recent.file
    assert not Path(old_path).exists()


def test_a_commit_confirmed_a_minute_ago_is_not_taken_for_stalled(khemisset_staff):
    confirmed = job(khemisset_staff, Status.IMPORTING, age=timedelta(hours=7))
    ImportJob.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now() - timedelta(minutes=1))
    call_command("clean_imports", stdout=StringIO())
    confirmed.refresh_from_db()
    assert confirmed.status == Status.IMPORTING


def test_a_preview_nobody_confirmed_is_cancelled_and_its_upload_deleted(khemisset_staff):
    abandoned = job(khemisset_staff, Status.VALIDATED, age=timedelta(days=40))
    call_command("clean_imports", stdout=StringIO())
    abandoned.refresh_from_db()
    assert abandoned.status == Status.CANCELLED
    assert not abandoned.file
