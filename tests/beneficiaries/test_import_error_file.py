"""The file of invalid rows: written by the worker when it checks the upload, only streamed by the download,
and deleted with the upload."""

import csv
import io
from datetime import timedelta
from io import StringIO
from pathlib import Path, PurePath
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beneficiaries.importing import FileRefused
from beneficiaries.importing.messages import problem
from beneficiaries.models import ImportJob
from tests.beneficiaries.spreadsheets import confirm_import, csv_bytes, people, person
from tests.conftest import RABAT
from tests.factories import BeneficiaryFactory, province

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


def download(client, job):
    return client.get(reverse("beneficiaries:import_errors", args=[job.pk]))


def error_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def with_invalid_rows(count: int) -> bytes:
    """One valid person, then `count` people whose sex is unreadable."""
    return csv_bytes([person(1), *(person(n, sex="?") for n in range(2, count + 2))])


def test_downloading_the_error_file_reads_and_checks_nothing_in_the_request(importing, staff_client):
    job = importing(with_invalid_rows(250))
    assert job.report["more_problems"] == 50  # the report kept 200: the file still has every row
    with (
        mock.patch("beneficiaries.importing.reading.build_table", side_effect=AssertionError("read in the request")),
        mock.patch("beneficiaries.importing.checking.RowChecker", side_effect=AssertionError("checked")),
    ):
        response = download(staff_client, job)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-errors.csv"'
    rows = error_rows(response.getvalue())
    assert len(rows) == 1 + 250
    assert rows[-1][-1].startswith("sex: Write M for a man")


def test_the_error_file_is_written_by_the_check_and_stored_beside_the_upload(importing):
    job = importing(with_invalid_rows(2))
    assert PurePath(job.errors_file.name).parent == PurePath(job.file.name).parent
    assert job.errors_file.name.startswith("imports/")
    with job.errors_file.open("rb") as stored:
        assert len(error_rows(stored.read())) == 1 + 2


def test_an_import_without_invalid_rows_has_no_error_file_and_its_download_answers_404(importing, staff_client):
    job = importing(csv_bytes(people(2)))
    assert not job.errors_file
    assert "Download the invalid rows" not in staff_client.get(job.get_absolute_url()).text
    assert download(staff_client, job).status_code == 404


def test_cancelling_deletes_the_error_file_with_the_upload(importing, staff_client):
    job = importing(with_invalid_rows(1))
    errors = Path(job.errors_file.path)
    assert errors.exists()
    staff_client.post(reverse("beneficiaries:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, bool(job.file), bool(job.errors_file)) == (Status.CANCELLED, False, False)
    assert not errors.exists()
    assert download(staff_client, job).status_code == 404


def test_a_file_refused_when_the_commit_reads_it_again_loses_its_error_file_too(
    importing, staff_client, django_capture_on_commit_callbacks
):
    job = importing(with_invalid_rows(1))
    errors = Path(job.errors_file.path)
    refused = FileRefused([problem("bad_csv", number=3)])
    with mock.patch("beneficiaries.tasks.read_upload", side_effect=refused):
        job = confirm_import(staff_client, django_capture_on_commit_callbacks, job, skip_invalid=True)
    assert job.status == Status.FAILED
    assert not job.errors_file
    assert not errors.exists()
    assert download(staff_client, job).status_code == 404


def test_a_check_finishing_after_a_cancel_leaves_no_error_file_behind(importing):
    job = importing(csv_bytes(people(1)))
    stale = ImportJob.objects.get(pk=job.pk)  # the worker's copy, read before the cancel
    job.cancel()
    stale.keep_errors(b"\xef\xbb\xbfcin;error\r\n")
    assert not ImportJob.objects.get(pk=job.pk).errors_file
    assert not any(Path(job.file.storage.path("imports")).rglob("*errors*"))


def test_a_commit_that_finds_the_registry_changed_replaces_the_error_file(
    importing, staff_client, django_capture_on_commit_callbacks
):
    job = importing(with_invalid_rows(1))
    first = Path(job.errors_file.path)
    BeneficiaryFactory(cin="KA100001", province=province(RABAT))  # the valid row's CIN, now taken
    job = confirm_import(staff_client, django_capture_on_commit_callbacks, job, skip_invalid=True)
    assert job.status == Status.VALIDATED
    assert job.report["notice"] == "changed_since_preview"
    assert [row[0] for row in error_rows(download(staff_client, job).getvalue())[1:]] == ["KA100001", "KA100002"]
    assert not first.exists()


def test_clean_imports_deletes_the_error_files_of_imports_finished_long_ago(importing):
    job = importing(with_invalid_rows(1), confirm=True, skip_invalid=True)
    assert job.status == Status.DONE
    upload, errors = Path(job.file.path), Path(job.errors_file.path)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=31))
    call_command("clean_imports", stdout=StringIO())
    job.refresh_from_db()
    assert (bool(job.file), bool(job.errors_file)) == (False, False)
    assert not upload.exists()
    assert not errors.exists()
