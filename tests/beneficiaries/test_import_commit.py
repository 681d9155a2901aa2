"""From preview to registry: nothing before confirmation, everything or nothing after it."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from beneficiaries import tasks
from beneficiaries.importing import ImportRefused, build_plan, error_file, read_upload, render_all, write_plan
from beneficiaries.models import AccessLog, Beneficiary, ImportJob
from tests.beneficiaries.spreadsheets import confirm_import, csv_bytes, people, person, start_import, xlsx_bytes
from tests.conftest import KHEMISSET, RABAT
from tests.factories import BeneficiaryFactory, province

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


def test_the_check_shows_counts_and_writes_nothing(importing):
    job = importing(csv_bytes(people(3)))
    assert job.status == Status.VALIDATED
    assert job.counts == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 0}
    assert (job.total_rows, job.processed_rows) == (3, 3)
    assert Beneficiary.objects.count() == 0
    assert Beneficiary.history.count() == 0


def test_confirming_registers_every_row_in_the_province_with_the_importer_and_a_history(importing, khemisset_staff):
    job = importing(xlsx_bytes(people(3)), "people.xlsx", confirm=True)
    assert job.status == Status.DONE
    assert (job.confirmed_by, job.finished_at is not None) == (khemisset_staff, True)
    registered = Beneficiary.objects.order_by("cin")
    assert [b.cin for b in registered] == ["KA100001", "KA100002", "KA100003"]
    assert {(b.province.code, b.created_by) for b in registered} == {(KHEMISSET, khemisset_staff)}
    history = Beneficiary.history.all()
    assert history.count() == 3
    assert {(h.history_type, h.history_user) for h in history} == {("+", khemisset_staff)}
    # The name keys that bulk writes would skip are there: the people can be found by name.
    assert Beneficiary.objects.search("Karim").count() == 3
    assert registered[0].person_key


def test_importing_the_same_file_again_changes_nothing(importing):
    data = csv_bytes(people(3))
    importing(data, confirm=True)
    before = list(Beneficiary.objects.order_by("pk").values())
    again = importing(data)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "invalid": 0}
    again = importing(data, confirm=True)
    assert again.status == Status.DONE
    assert list(Beneficiary.objects.order_by("pk").values()) == before
    assert Beneficiary.history.count() == 3


def test_a_changed_cell_updates_that_person_only_and_records_the_change(importing, khemisset_staff):
    importing(csv_bytes(people(3)), confirm=True)
    rows = people(3)
    rows[1]["phone"] = "0612345678"
    job = importing(csv_bytes(rows), confirm=True)
    assert job.counts == {"new": 0, "updated": 1, "unchanged": 2, "invalid": 0}
    changed = Beneficiary.objects.get(cin="KA100002")
    assert changed.phone == "+212612345678"
    assert [h.history_type for h in changed.history.order_by("history_date", "history_id")] == ["+", "~"]
    assert changed.history.latest("history_date").history_user == khemisset_staff
    assert Beneficiary.objects.get(cin="KA100001").history.count() == 1


def test_an_empty_cell_never_erases_what_is_recorded(importing):
    importing(csv_bytes(people(2)), confirm=True)
    rows = [person(1, commune="", release_date=""), person(2)]
    assert importing(csv_bytes(rows)).counts["unchanged"] == 2
    assert Beneficiary.objects.get(cin="KA100001").commune == "Tiflet"


def test_people_without_cin_are_recognised_by_name_and_birth_date_on_the_next_import(importing):
    rows = [{**person(n, cin=""), "no_cin_reason": "CIN perdue"} for n in (1, 2)]
    importing(csv_bytes(rows), confirm=True)
    assert Beneficiary.objects.filter(cin=None).count() == 2
    rows[0]["commune"] = "Rommani"
    job = importing(csv_bytes(rows), confirm=True)
    assert job.counts == {"new": 0, "updated": 1, "unchanged": 1, "invalid": 0}
    assert Beneficiary.objects.count() == 2
    assert Beneficiary.objects.get(last_name=rows[0]["last_name"]).commune == "Rommani"


def test_a_file_with_an_invalid_row_cannot_be_imported_as_a_whole(importing, staff_client):
    rows = [person(1), person(2, sex="X"), person(3)]
    job = importing(csv_bytes(rows), confirm=True)
    assert job.status == Status.VALIDATED
    assert Beneficiary.objects.count() == 0
    page = staff_client.get(job.get_absolute_url()).text
    assert "The file has invalid rows: correct them, or choose to import only the valid rows." in page
    assert "Import only the 2 valid rows" in page


def test_importing_only_the_valid_rows_writes_them_and_offers_the_invalid_ones_as_a_file(
    importing, staff_client, khemisset_staff
):
    rows = [person(1), person(2, sex="X", first_name="محمد", last_name="العلوي"), person(3, date_of_birth="1990/01/01")]
    job = importing(csv_bytes(rows), confirm=True, skip_invalid=True)
    assert job.status == Status.DONE
    assert job.counts == {"new": 1, "updated": 0, "unchanged": 0, "invalid": 2}
    assert list(Beneficiary.objects.values_list("cin", flat=True)) == ["KA100001"]
    page = staff_client.get(job.get_absolute_url()).text
    errors_url = reverse("beneficiaries:import_errors", args=[job.pk])
    assert errors_url in page

    response = staff_client.get(errors_url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue().decode("utf-8")
    assert content.startswith("\ufeff")  # Excel then shows the Arabic
    lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == [*rows[0], "row in the uploaded file", "error"]
    assert [line[0] for line in lines[1:]] == ["KA100002", "KA100003"]
    assert [line[-2] for line in lines[1:]] == ["3", "4"]  # as the uploaded sheet numbers them
    assert lines[1][1] == "محمد"
    assert lines[1][-1].startswith("sex: Write M for a man")
    assert lines[2][-1] == "date_of_birth: “1990/01/01” is not a date: write it as dd/mm/yyyy or yyyy-mm-dd."
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (log.user, log.row_count) == (khemisset_staff, 2)


def test_the_error_file_speaks_the_language_of_the_person_who_uploaded_the_file(importing, staff_client):
    # The worker writes it when it checks the file: the download only streams it.
    staff_client.cookies["idmaj_language"] = "fr"
    job = importing(csv_bytes([person(1), person(2, sex="")]), confirm=True, skip_invalid=True)
    staff_client.cookies["idmaj_language"] = "en"
    content = staff_client.get(reverse("beneficiaries:import_errors", args=[job.pk])).getvalue().decode()
    header, row = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    assert header[-1] == "erreur"
    assert row[-1] == "sex: Ce champ est obligatoire."


def test_the_error_file_quotes_a_formula_in_the_header_and_in_the_cells(khemisset_staff):
    formula = '=HYPERLINK("http://evil.example","Click")'
    data = csv_bytes([{**person(1, sex="X", commune="@SUM(A1)"), formula: "x"}])
    table = read_upload(data, "people.csv")
    with translation.override("en"):
        content = error_file(table, build_plan(table, province(KHEMISSET)).problems).decode()
    header, row = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    assert header[-3:] == ["'" + formula, "row in the uploaded file", "error"]
    assert row[header.index("commune")] == "'@SUM(A1)"


def test_an_invalid_row_5000_means_not_one_row_is_written(khemisset_staff):
    rows = people(5000)
    rows[4999]["date_of_birth"] = "99/99/1999"
    plan = build_plan(read_upload(csv_bytes(rows), "big.csv"), province(KHEMISSET))
    assert plan.counts["invalid"] == 1
    assert plan.problems[0]["row"] == 5001  # the 5,000th person, under the header row
    with pytest.raises(ImportRefused):
        write_plan(plan, by=khemisset_staff)
    assert Beneficiary.objects.count() == 0
    assert Beneficiary.history.count() == 0


def test_a_database_failure_at_row_5000_rolls_back_every_row_and_its_history(khemisset_staff):
    plan = build_plan(read_upload(csv_bytes(people(5000)), "big.csv"), province(KHEMISSET))
    assert plan.counts["new"] == 5000
    # Between the check and the write, someone registers the 5,000th person in another province.
    BeneficiaryFactory(cin="KA105000", province=province(RABAT))
    with pytest.raises(IntegrityError):
        write_plan(plan, by=khemisset_staff)
    assert list(Beneficiary.objects.values_list("cin", flat=True)) == ["KA105000"]
    assert Beneficiary.history.count() == 1  # the concurrent registration's own


def test_a_cin_registered_elsewhere_after_the_preview_sends_the_import_back_to_the_preview(
    importing, staff_client, django_capture_on_commit_callbacks
):
    job = importing(csv_bytes(people(3)))
    BeneficiaryFactory(cin="KA100002", province=province(RABAT))
    job = confirm_import(staff_client, django_capture_on_commit_callbacks, job)
    assert job.status == Status.VALIDATED
    assert job.counts["invalid"] == 1
    assert Beneficiary.objects.count() == 1
    page = staff_client.get(job.get_absolute_url()).text
    assert "The registry changed since the check" in page
    assert "This CIN is already registered in Rabat." in page


def test_confirming_the_import_confirms_the_probable_duplicates_it_listed(importing, khemisset_staff):
    BeneficiaryFactory(cin="ZZ1", first_name="Karim", last_name="Bennani", date_of_birth=date(1960, 1, 2))
    rows = [person(1, last_name="Bennani"), person(2)]
    job = importing(csv_bytes(rows))
    assert job.report["duplicate_rows"] == [2]
    importing(csv_bytes(rows), confirm=True, decisions={2: "new"})
    confirmed = Beneficiary.objects.get(cin="KA100001")
    assert (confirmed.duplicate_confirmed_by, confirmed.duplicate_confirmed_at is not None) == (khemisset_staff, True)
    assert Beneficiary.objects.get(cin="KA100002").duplicate_confirmed_by is None


def test_cancelling_writes_nothing_and_deletes_the_uploaded_file(importing, staff_client):
    job = importing(csv_bytes(people(2)))
    stored = job.file.path
    response = staff_client.post(reverse("beneficiaries:import_cancel", args=[job.pk]), follow=True)
    assert "The import was cancelled: nothing was written." in response.text
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not job.file
    assert not Path(stored).exists()
    response = staff_client.post(reverse("beneficiaries:import_confirm", args=[job.pk]), follow=True)
    assert "This import is not waiting for confirmation." in response.text
    assert Beneficiary.objects.count() == 0


def test_the_stored_report_reads_in_the_language_of_each_reader(importing):
    job = importing(csv_bytes([person(1, sex="")]))
    name = f"Karim {person(1)['last_name']}"
    assert job.report["problems"] == [
        {"row": 2, "column": "sex", "field": "sex", "code": "required", "params": {}, "name": name}
    ]
    with translation.override("fr"):
        assert render_all(job.report["problems"])[0]["message"] == "Ce champ est obligatoire."
    with translation.override("ar"):
        assert render_all(job.report["problems"])[0]["message"] == "هذا الحقل مطلوب."


def test_a_registration_racing_the_write_fails_the_import_with_a_clear_message_and_writes_nothing(
    importing, staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    job = importing(csv_bytes(people(3)))
    real_build_plan = tasks.build_plan

    def check_then_someone_registers_row_3(*args, **kwargs):
        plan = real_build_plan(*args, **kwargs)
        BeneficiaryFactory(cin="KA100002", province=province(RABAT))
        return plan

    monkeypatch.setattr(tasks, "build_plan", check_then_someone_registers_row_3)
    job = confirm_import(staff_client, django_capture_on_commit_callbacks, job)
    assert job.status == Status.FAILED
    # The racing registration ran inside the commit's transaction here, so it is rolled back with it:
    # neither the file's three people nor the racer are in the registry.
    assert Beneficiary.objects.count() == 0
    page = staff_client.get(job.get_absolute_url()).text
    assert "Someone registered one of these people while the import was running. Nothing was written" in page


def test_an_unexpected_error_during_the_check_fails_the_job_with_a_message(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "build_plan", broken)
    job = start_import(staff_client, django_capture_on_commit_callbacks, csv_bytes(people(2)))
    assert job.status == Status.FAILED
    page = staff_client.get(job.get_absolute_url()).text
    assert "The import stopped because of an unexpected error. Nothing was written." in page
    assert "disk on fire" not in page
