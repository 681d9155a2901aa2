"""The history import's screens: upload → dry run → preview → confirm → done, the error file, the
template, and who may use them (staff of their province, admins; officials and coordinators 403)."""

import io
import os

import openpyxl
import pytest
from django.urls import reverse

from disbursements.history import read_history
from disbursements.models import HistoryImport, LedgerEntry
from projects.models import MicroProject
from tests.disbursements.history_fixtures import history_convention, registered_person, tasks_at_once  # noqa: F401
from tests.disbursements.history_sheets import confirm_history, history_csv, line, start_history
from tests.test_html_validity import checker_missing, nu_errors

FIXTURES = ("tasks_at_once", "history_convention", "registered_person")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*FIXTURES)]
Status = HistoryImport.Status
JOB_PAGES = ["history_detail", "history_status", "history_errors"]
JOB_ACTIONS = ["history_confirm", "history_cancel"]


def url(name, job=None):
    return reverse(f"disbursements:{name}", args=[job.pk] if job else [])


@pytest.fixture
def staff_client(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    return client


@pytest.fixture
def checked(staff_client, django_capture_on_commit_callbacks):
    """A checked import of Khémisset: one valid project, one invalid row (so that the error file exists)."""
    rows = [line(), line(title="Épicerie", partner="XYZ")]
    job = start_history(staff_client, django_capture_on_commit_callbacks, history_csv(rows))
    assert job.status == Status.VALIDATED
    return job


def test_upload_preview_confirm_done(staff_client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    rows = [line(total_cost="30000"), line(total_cost="30000", partner="FM6RD", amount="8000", kind="cash")]
    job = start_history(staff_client, capture, history_csv(rows))
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert 'id="count-projects-new">1<' in page and 'id="count-handovers">2<' in page
    assert "history-confirm" in page and not MicroProject.objects.exists()  # the preview wrote nothing
    job = confirm_history(staff_client, capture, job)
    assert job.status == Status.DONE
    assert MicroProject.objects.get().status == MicroProject.Status.FUNDED
    assert LedgerEntry.objects.count() == 2
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "Projects imported" in page and 'id="count-projects-new">1<' in page


def test_the_preview_lists_the_problems_and_the_valid_projects_can_go_alone(
    staff_client, checked, django_capture_on_commit_callbacks
):
    page = staff_client.get(checked.get_absolute_url()).content.decode()
    assert "No partner has the acronym “XYZ”." in page
    assert "Import only the valid project" in page
    errors = b"".join(staff_client.get(url("history_errors", checked)).streaming_content).decode()
    assert "XYZ" in errors and "Atelier de couture" not in errors
    response = staff_client.post(url("history_confirm", checked))  # the whole file: refused
    checked.refresh_from_db()
    assert checked.status == Status.VALIDATED
    job = confirm_history(staff_client, django_capture_on_commit_callbacks, checked, skip_invalid=True)
    assert job.status == Status.DONE and response.status_code == 302
    assert list(MicroProject.objects.values_list("title", flat=True)) == ["Atelier de couture"]


def test_a_file_already_imported_has_nothing_to_confirm(staff_client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    data = history_csv([line()])
    confirm_history(staff_client, capture, start_history(staff_client, capture, data))
    again = start_history(staff_client, capture, data)
    page = staff_client.get(again.get_absolute_url()).content.decode()
    assert 'id="count-projects-unchanged">1<' in page and 'id="nothing-new"' in page
    assert "history-confirm" not in page
    staff_client.post(url("history_confirm", again))
    again.refresh_from_db()
    assert again.status == Status.VALIDATED and MicroProject.objects.count() == 1


def test_a_refused_file_fails_with_the_reason(staff_client, django_capture_on_commit_callbacks):
    job = start_history(staff_client, django_capture_on_commit_callbacks, b"cin,title\nXR700001,Atelier\n")
    assert job.status == Status.FAILED
    assert "Required columns are missing" in staff_client.get(job.get_absolute_url()).content.decode()


def test_cancel_forgets_the_file(staff_client, checked):
    staff_client.post(url("history_cancel", checked))
    checked.refresh_from_db()
    assert checked.status == Status.CANCELLED and not checked.file


def test_the_status_answers_the_progress_bar(staff_client, checked):
    status = staff_client.get(url("history_status", checked)).json()
    assert (status["status"], status["running"], status["total"]) == ("validated", False, 2)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_template_names_the_columns_in_the_readers_language_and_reads_back(client_for, khemisset_staff, language):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = language
    response = client.get(url("history_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    table = read_history(b",".join(f'"{title}"'.encode() for title in header) + b"\n" + b"x" * 3 + b"\n", "t.csv")
    assert {"cin", "title", "amount", "delivered_on", "first_name", "sex"} <= set(table.header.fields)
    assert table.header.unknown == []


def test_the_upload_page_lists_the_columns(staff_client):
    page = staff_client.get(url("history_upload")).content.decode()
    assert "<code>convention</code>" in page and "Download a blank template" in page


def test_an_admin_chooses_the_province(client_for, admin_user, django_capture_on_commit_callbacks):
    from tests.factories import province

    client = client_for(admin_user)
    job = start_history(
        client, django_capture_on_commit_callbacks, history_csv([line()]), province=province("04.291").pk
    )
    assert job.province.code == "04.291" and job.status == Status.VALIDATED


# The role matrix


@pytest.mark.parametrize("persona", ["khemisset_official", "rsk_coordinator", "khemisset_indh"])
@pytest.mark.parametrize("name", ["history_upload", "history_template", *JOB_PAGES, *JOB_ACTIONS])
def test_officials_and_coordinators_get_403_on_every_history_screen(request, client_for, checked, persona, name):
    client = client_for(request.getfixturevalue(persona))
    target = url(name) if name in ("history_upload", "history_template") else url(name, checked)
    response = client.post(target) if name in JOB_ACTIONS else client.get(target)
    assert response.status_code == 403
    checked.refresh_from_db()
    assert checked.status == Status.VALIDATED


@pytest.mark.parametrize("name", [*JOB_PAGES, *JOB_ACTIONS])
def test_staff_of_another_province_get_404(client_for, rabat_staff, checked, name):
    client = client_for(rabat_staff)
    response = client.post(url(name, checked)) if name in JOB_ACTIONS else client.get(url(name, checked))
    assert response.status_code == 404


@pytest.mark.parametrize("name", JOB_PAGES)
def test_staff_and_admins_open_every_page(client_for, khemisset_staff, admin_user, checked, name):
    for user in (khemisset_staff, admin_user):
        assert client_for(user).get(url(name, checked)).status_code == 200


def test_the_handover_list_offers_import_history_to_staff_not_to_coordinators(
    client_for, khemisset_staff, khemisset_indh
):
    handovers = reverse("disbursements:handover_list")
    assert url("history_upload") in client_for(khemisset_staff).get(handovers).content.decode()
    assert url("history_upload") not in client_for(khemisset_indh).get(handovers).content.decode()


@pytest.mark.skipif(bool(checker_missing()) and not os.environ.get("CI"), reason=checker_missing() or "checker found")
def test_the_history_pages_are_valid_html_in_arabic_and_french(
    client_for, khemisset_staff, checked, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    pages = {}
    for language in ("ar", "fr"):
        client.cookies["idmaj_language"] = language
        pages[f"upload-{language}"] = client.get(url("history_upload")).text
        pages[f"preview-{language}"] = client.get(checked.get_absolute_url()).text
    done = confirm_history(client, django_capture_on_commit_callbacks, checked, skip_invalid=True)
    pages["done-fr"] = client.get(done.get_absolute_url()).text
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


def test_a_contribution_spent_after_the_preview_sends_the_import_back_to_it(
    staff_client, django_capture_on_commit_callbacks, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd
):
    from partners.models import Convention
    from tests.disbursements.history_sheets import REFERENCE
    from tests.projects.workflow_stages import approved

    capture = django_capture_on_commit_callbacks
    job = start_history(staff_client, capture, history_csv([line()]))
    assert job.counts["projects_new"] == 1
    # 85,000 of INDH's 100,000 approved in Idmaj meanwhile: the file's 20,000 no longer fit.
    convention = Convention.objects.get(reference=REFERENCE)
    approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, indh="85000")
    job = confirm_history(staff_client, capture, job)
    assert job.status == Status.VALIDATED and job.report["notice"] == "changed_since_preview"
    assert job.counts["invalid"] == 1 and not MicroProject.objects.filter(status="funded").exists()
    assert "The registry changed since the check" in staff_client.get(job.get_absolute_url()).content.decode()
