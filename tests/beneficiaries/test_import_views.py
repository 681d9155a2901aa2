"""Who may use the import screens, and what each screen shows."""

import importlib
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import ImportJob
from beneficiaries.views.imports import ImportUploadForm
from tests.beneficiaries.spreadsheets import csv_bytes, people, person, start_import, upload
from tests.conftest import KHEMISSET, RABAT
from tests.factories import BeneficiaryFactory, province

pytestmark = pytest.mark.django_db

JOB_PAGES = ["import_detail", "import_status", "import_errors"]
JOB_ACTIONS = ["import_confirm", "import_cancel"]


@pytest.fixture
def khemisset_job(client_for, khemisset_staff, django_capture_on_commit_callbacks):
    """A checked import of Khémisset with one invalid row (so that the error file exists)."""
    rows = [person(1), person(2, sex="?"), person(3)]
    job = start_import(client_for(khemisset_staff), django_capture_on_commit_callbacks, csv_bytes(rows))
    assert job.status == ImportJob.Status.VALIDATED
    return job


def url(name, job=None):
    return reverse(f"beneficiaries:{name}", args=[job.pk] if job else [])


# The role matrix


@pytest.mark.parametrize("name", JOB_PAGES)
def test_staff_of_the_province_open_every_page_of_their_import(client_for, khemisset_staff, khemisset_job, name):
    assert client_for(khemisset_staff).get(url(name, khemisset_job)).status_code == 200


def test_staff_open_the_upload_page(client_for, khemisset_staff):
    assert client_for(khemisset_staff).get(url("import_upload")).status_code == 200


@pytest.mark.parametrize("persona", ["rsk_coordinator", "khemisset_official"])
@pytest.mark.parametrize("name", ["import_upload", *JOB_PAGES, *JOB_ACTIONS])
def test_coordinators_and_officials_get_403_on_every_import_screen(request, client_for, khemisset_job, persona, name):
    client = client_for(request.getfixturevalue(persona))
    target = url(name) if name == "import_upload" else url(name, khemisset_job)
    response = client.post(target) if name in JOB_ACTIONS else client.get(target)
    assert response.status_code == 403
    khemisset_job.refresh_from_db()
    assert khemisset_job.status == ImportJob.Status.VALIDATED


@pytest.mark.parametrize("name", ["import_upload", *JOB_PAGES, *JOB_ACTIONS])
def test_anonymous_visitors_are_sent_to_the_login_page(client, khemisset_job, name):
    client.logout()  # the fixture uploaded the job with this client
    target = url(name) if name == "import_upload" else url(name, khemisset_job)
    response = client.post(target) if name in JOB_ACTIONS else client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", [*JOB_PAGES, *JOB_ACTIONS])
def test_staff_of_another_province_get_404_on_an_import_that_is_not_theirs(
    client_for, rabat_staff, khemisset_job, name
):
    client = client_for(rabat_staff)
    response = client.post(url(name, khemisset_job)) if name in JOB_ACTIONS else client.get(url(name, khemisset_job))
    assert response.status_code == 404
    khemisset_job.refresh_from_db()
    assert khemisset_job.status == ImportJob.Status.VALIDATED


def test_another_province_does_not_see_the_import_in_its_recent_imports(
    client_for, rabat_staff, khemisset_job, django_capture_on_commit_callbacks
):
    client = client_for(rabat_staff)
    start_import(client, django_capture_on_commit_callbacks, csv_bytes(people(1)), "rabat.csv")
    page = client.get(url("import_upload")).text
    assert "rabat.csv" in page  # the list is there, with Rabat's own import
    assert khemisset_job.original_name not in page


@pytest.mark.parametrize("name", JOB_PAGES)
def test_a_national_admin_opens_any_province_import(client_for, admin_user, khemisset_job, name):
    assert client_for(admin_user).get(url(name, khemisset_job)).status_code == 200


@pytest.mark.parametrize("name", JOB_ACTIONS)
def test_actions_refuse_get_with_405(client_for, khemisset_staff, khemisset_job, name):
    assert client_for(khemisset_staff).get(url(name, khemisset_job)).status_code == 405


# What the screens show


def test_the_upload_page_documents_the_columns_in_english_french_and_arabic(client_for, khemisset_staff):
    page = client_for(khemisset_staff).get(url("import_upload")).text
    for name in ("date_of_birth", "date_naissance", "تاريخ الازدياد", "no_cin_reason", "motif_sans_cin"):
        assert name in page
    assert 'name="province"' not in page  # staff import into their own province only


def test_staff_cannot_import_into_another_province_even_by_posting_one(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(people(1)), province=province(RABAT).pk)
    assert job.province.code == KHEMISSET


def test_a_national_admin_chooses_the_province_among_those_visible(
    client_for, admin_user, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    assert 'name="province"' in client.get(url("import_upload")).text
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(people(1)), province=province(RABAT).pk)
    assert job.province.code == RABAT
    response = client.post(url("import_upload"), {"file": ""})
    assert response.status_code == 200 and ImportJob.objects.count() == 1


def test_the_preview_in_french_shows_the_counts_and_each_problem_with_its_row(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    rows = [person(1), person(2), person(3, sex=""), person(4)]
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    page = client.get(job.get_absolute_url()).text
    assert '<html lang="fr"' in page
    assert re.search(r'id="count-new">\s*3<', page)
    assert re.search(r'id="count-invalid">\s*1<', page)
    # Row 4 of the spreadsheet (the header is row 1), the person's name, the column as titled, the message in French.
    name = f"Karim {person(3)['last_name']}"
    assert re.search(rf"<tr><td>4</td><td>{name}</td><td>sex</td><td>Ce champ est obligatoire.</td></tr>", page)


def test_the_preview_lists_unknown_columns_and_probable_duplicates(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    BeneficiaryFactory(cin="ZZ1", first_name="Karim", last_name="Bennani", date_of_birth=date(1960, 1, 2))
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    rows = [{**person(1, last_name="Bennani"), "Remarks": "none"}, person(2)]
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    page = client.get(job.get_absolute_url()).text
    assert "These columns are not recognised and will be ignored:" in page
    assert "column I: “Remarks”" in page
    assert "Probable duplicates" in page
    assert "Someone born the same day with a similar name is already registered in Khémisset." in page
    assert "Karim Bennani" in page
    assert ">Import<" in page  # no invalid row: the whole file can go in


def test_a_running_import_shows_a_progress_bar_that_follows_the_job(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    # Without running the on-commit callbacks the check never starts: the job stays queued.
    response = client.post(url("import_upload"), {"file": upload(csv_bytes(people(3)))})
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).text
    assert f'data-status-url="{url("import_status", job)}"' in page
    # The file is read by the worker, so no total yet: an indeterminate bar, no "0 / 0".
    assert re.search(r'<progress class="[^"]*" aria-label="Progress">\s*</progress>', page)
    assert re.search(r'<span data-role="count" class="ltr-value"></span>', page)
    nonce = re.search(r'<script src="/static/js/import-progress.js" nonce="([^"]+)"', page)
    assert nonce and nonce.group(1)
    status = client.get(url("import_status", job)).json()
    assert status == {
        "status": "queued",
        "label": job.get_status_display(),
        "processed": 0,
        "total": 0,
        "running": True,
        "worker_notice": "",
    }


NO_WORKER = (
    "The check has not started: the background task worker may not be running — ask your administrator "
    "(manage.py db_worker)."
)


def test_a_check_still_queued_a_minute_after_the_upload_says_the_worker_may_not_be_running(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    client.post(url("import_upload"), {"file": upload(csv_bytes(people(3)))})  # no worker: it stays queued
    job = ImportJob.objects.get()
    assert client.get(url("import_status", job)).json()["worker_notice"] == ""
    assert re.search(r'data-role="worker-notice" role="alert" hidden></p>', client.get(job.get_absolute_url()).text)

    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    assert client.get(url("import_status", job)).json()["worker_notice"] == NO_WORKER
    page = client.get(job.get_absolute_url()).text
    assert f'data-role="worker-notice" role="alert">{NO_WORKER}</p>' in page


def test_a_confirmed_import_not_started_after_a_minute_says_so_too(client_for, khemisset_staff, khemisset_job):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    client.post(url("import_confirm", khemisset_job), {"skip_invalid": "1"})  # no worker runs the commit
    assert client.get(url("import_status", khemisset_job)).json()["worker_notice"] == ""
    ImportJob.objects.filter(pk=khemisset_job.pk).update(confirmed_at=timezone.now() - timedelta(seconds=61))
    notice = client.get(url("import_status", khemisset_job)).json()["worker_notice"]
    assert notice.startswith("The import has not started: the background task worker may not be running")


def test_the_status_says_when_the_job_has_stopped_running(client_for, khemisset_staff, khemisset_job):
    status = client_for(khemisset_staff).get(url("import_status", khemisset_job)).json()
    assert (status["status"], status["running"], status["processed"], status["total"]) == ("validated", False, 3, 3)


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("report\u202egpj.csv", "reportgpj.csv"),  # a right-to-left override would show "reportvsc.jpg"
        ("liste\u200b.cs\u200bv", "liste.csv"),  # a zero-width space hidden in the extension
        ("ｌｉｓｔｅ．ｃｓｖ", "liste.csv"),  # fullwidth letters and full stop
    ],
)
def test_the_file_name_is_stored_and_shown_without_invisible_characters_and_its_extension_read_from_that(
    client_for, khemisset_staff, django_capture_on_commit_callbacks, uploaded, shown
):
    client = client_for(khemisset_staff)
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(people(1)), uploaded)
    assert (job.original_name, job.status) == (shown, ImportJob.Status.VALIDATED)
    assert job.file.name.endswith(".csv")
    assert f'<h1 class="h2 me-auto mb-0 text-break">{shown}</h1>' in client.get(job.get_absolute_url()).text
    assert shown in client.get(url("import_upload")).text


def test_the_upload_form_cleans_the_name_itself_whatever_parsed_the_request(khemisset_staff):
    # Django's multipart parser drops non-printable characters from a posted file name; the form does not
    # rely on it (a file handed over by other code, a parser that changes).
    form = ImportUploadForm(files={"file": upload(csv_bytes(people(1)), "report\u202egpj.csv")}, user=khemisset_staff)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].name == "reportgpj.csv"


def test_names_stored_before_the_cleaning_are_cleaned_by_the_migration(khemisset_staff):
    migration = importlib.import_module("beneficiaries.migrations.0013_clean_import_file_names")
    job = ImportJob.objects.create(
        created_by=khemisset_staff, province=province(KHEMISSET), original_name="a\u202ev.csv"
    )
    migration.clean_names(apps, None)
    job.refresh_from_db()
    assert job.original_name == "av.csv"


def test_a_file_where_no_row_can_be_imported_says_so_plainly_with_the_first_problems_and_the_error_file(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    rows = [person(n, sex="?") for n in (1, 2, 3, 4)]
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    page = client.get(job.get_absolute_url()).text
    assert "No row of this file can be imported: each of its 4 rows has a problem." in page
    first = f"Row 2 (Karim {person(1)['last_name']}) · sex: Write M for a man"
    assert first in page
    assert "Row 5 (" not in page.split('id="problems"')[0]  # three quoted at the top, the rest in the table
    assert url("import_errors", job) in page
    assert 'id="count-new"' not in page  # no preview of zeros
    assert url("import_confirm", job) not in page
    assert ">Discard this file<" in page
    assert ">Nothing to import<" in page


def test_a_file_with_one_valid_row_is_a_preview_not_a_refusal(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes([person(1), person(2, sex="?")]))
    page = client.get(job.get_absolute_url()).text
    assert "No row of this file can be imported" not in page
    assert "Import only the valid row" in page
