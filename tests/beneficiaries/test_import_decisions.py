"""Probable duplicates in an import: each one imported as a new person, skipped, or merged, row by row."""

import re
from datetime import date

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, ImportJob
from tests.beneficiaries.spreadsheets import confirm_import, csv_bytes, person, start_import
from tests.conftest import KHEMISSET, RABAT
from tests.factories import BeneficiaryFactory, province

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


@pytest.fixture
def registered(khemisset_staff):
    """Two people of Khémisset whom rows 2 and 3 of FILE resemble (same birth date, same name outline)."""
    return [
        BeneficiaryFactory(cin=None, no_cin_reason="perdue", first_name="Karim", last_name="Bennani",
                           date_of_birth=date(1960, 1, 2), phone="", province=province(KHEMISSET)),
        BeneficiaryFactory(cin=None, no_cin_reason="perdue", first_name="Karim", last_name="Tazi",
                           date_of_birth=date(1960, 1, 3), phone="", province=province(KHEMISSET)),
    ]  # fmt: skip


FILE = [
    person(1, last_name="Bennani"),  # row 2: like the Bennani without a CIN
    person(2, last_name="Tazi", phone="0612345678"),  # row 3: like the Tazi without a CIN
    person(3),  # row 4: nobody like them
]


@pytest.fixture
def checked(staff_client, django_capture_on_commit_callbacks, registered):
    return start_import(staff_client, django_capture_on_commit_callbacks, csv_bytes(FILE))


def confirm(client, capture, job, decisions, **extra):
    return confirm_import(client, capture, job, decisions=decisions, **extra)


def test_each_probable_duplicate_offers_three_choices_and_a_link_to_the_person_in_a_new_tab(
    staff_client, checked, registered
):
    page = staff_client.get(checked.get_absolute_url()).text
    for row, existing in zip((2, 3), registered, strict=True):
        cells = re.search(rf'<li class="list-group-item" id="duplicate-{row}">(.*?)</li>', page, re.S).group(1)
        assert f'<a href="{existing.get_absolute_url()}" target="_blank" rel="noopener">{existing}</a>' in cells
        assert re.findall(r'value="(\w+)" required', cells) == ["new", "skip", "merge"]
        assert "Merge into the registered person" in cells
    assert 'id="duplicate-4"' not in page


def test_one_duplicate_skipped_and_one_merged_give_what_the_result_page_says(
    staff_client, django_capture_on_commit_callbacks, checked, registered, khemisset_staff
):
    job = confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: "skip", 3: "merge"})
    assert job.status == Status.DONE
    # The skipped row created nobody; the merged one updated the registered Tazi; row 4 is new.
    assert not Beneficiary.objects.filter(cin="KA100001").exists()
    tazi = Beneficiary.objects.get(pk=registered[1].pk)
    assert (tazi.phone, tazi.cin, tazi.no_cin_reason) == ("+212612345678", "KA100002", "")
    assert Beneficiary.objects.count() == 3
    assert Beneficiary.objects.filter(cin="KA100003").exists()

    page = staff_client.get(job.get_absolute_url()).text
    assert re.search(r'id="count-new">\s*1<', page)
    assert re.search(r'id="count-skipped">\s*1<', page)
    assert re.search(r'id="count-merged">\s*1<', page)
    assert re.search(r'id="decisions-summary">1 skipped, 1 merged.</p>', page)
    assert re.search(r'id="duplicate-2">.*?<span class="badge text-bg-secondary">Skipped</span>', page, re.S)

    record = staff_client.get(tazi.get_absolute_url())
    timeline = [str(label) for _, label, _ in record.context["timeline"]]
    assert "Updated from a spreadsheet import: row 3 was merged into this record" in timeline
    latest = tazi.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (khemisset_staff, f"import #{job.pk}: merged row 3")


def test_importing_a_duplicate_as_a_new_person_records_it_as_checked(
    staff_client, django_capture_on_commit_callbacks, checked, khemisset_staff
):
    confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: "new", 3: "new"})
    created = Beneficiary.objects.get(cin="KA100001")
    assert created.duplicate_confirmed_by == khemisset_staff
    assert Beneficiary.objects.count() == 5


def test_confirming_without_a_choice_for_each_duplicate_is_refused_and_writes_nothing(
    staff_client, django_capture_on_commit_callbacks, checked
):
    job = confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: "skip"})
    assert job.status == Status.VALIDATED
    assert Beneficiary.objects.count() == 2
    page = staff_client.get(job.get_absolute_url()).text
    assert "Choose what to do with the probable duplicate on row 3." in page


@pytest.mark.parametrize("choice", ["delete", "MERGE", ""])
def test_a_choice_other_than_the_three_is_refused(staff_client, django_capture_on_commit_callbacks, checked, choice):
    job = confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: choice, 3: "skip"})
    assert job.status == Status.VALIDATED
    assert Beneficiary.objects.count() == 2


def test_a_decision_about_a_row_that_is_no_probable_duplicate_is_not_read_nor_stored(
    staff_client, django_capture_on_commit_callbacks, checked
):
    job = confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: "new", 3: "new", 4: "skip"})
    assert job.status == Status.DONE
    assert job.report["decisions"] == {"2": "new", "3": "new"}
    assert Beneficiary.objects.filter(cin="KA100003").exists()  # row 4 imported all the same


def test_two_rows_cannot_be_merged_into_the_same_person(staff_client, django_capture_on_commit_callbacks, registered):
    rows = [person(1, last_name="Bennani"), person(2, last_name="Benani", date_of_birth="02/01/1960")]
    job = start_import(staff_client, django_capture_on_commit_callbacks, csv_bytes(rows))
    assert [d["person"] for d in job.report["duplicates"]] == [registered[0].pk, registered[0].pk]
    job = confirm(staff_client, django_capture_on_commit_callbacks, job, {2: "merge", 3: "merge"})
    assert job.status == Status.VALIDATED
    page = staff_client.get(job.get_absolute_url()).text
    assert "Two rows cannot both be merged into the same person: skip one of them." in page


def test_a_duplicate_outside_the_users_scope_shows_its_province_only_and_cannot_be_merged(
    staff_client, django_capture_on_commit_callbacks
):
    hidden = BeneficiaryFactory(cin="RB1", first_name="Karim", last_name="Hidden", date_of_birth=date(1960, 1, 2),
                                province=province(RABAT))  # fmt: skip
    job = start_import(staff_client, django_capture_on_commit_callbacks, csv_bytes([person(1, last_name="Hidden")]))
    page = staff_client.get(job.get_absolute_url()).text
    cells = re.search(r'<li class="list-group-item" id="duplicate-2">(.*?)</li>', page, re.S).group(1)
    assert "Registered in Rabat" in cells
    assert hidden.get_absolute_url() not in page
    assert re.findall(r'value="(\w+)" required', cells) == ["new", "skip"]
    job = confirm(staff_client, django_capture_on_commit_callbacks, job, {2: "merge"})
    assert job.status == Status.VALIDATED
    assert (
        "Row 2 cannot be merged: import it as a new person or skip it." in staff_client.get(job.get_absolute_url()).text
    )
    assert Beneficiary.objects.get(pk=hidden.pk).cin == "RB1"
    job = confirm(staff_client, django_capture_on_commit_callbacks, job, {2: "skip"})
    assert (job.status, Beneficiary.objects.count()) == (Status.DONE, 1)


def test_a_national_admin_sees_the_link_but_may_not_merge_into_another_province(
    client_for, admin_user, django_capture_on_commit_callbacks
):
    other = BeneficiaryFactory(cin="RB1", first_name="Karim", last_name="Alami", date_of_birth=date(1960, 1, 2),
                               province=province(RABAT))  # fmt: skip
    client = client_for(admin_user)
    client.cookies["idmaj_language"] = "en"
    data = csv_bytes([person(1, last_name="Alami")])
    job = start_import(client, django_capture_on_commit_callbacks, data, province=province(KHEMISSET).pk)
    cells = re.search(
        r'<li class="list-group-item" id="duplicate-2">(.*?)</li>', client.get(job.get_absolute_url()).text, re.S
    ).group(1)
    assert other.get_absolute_url() in cells
    assert re.findall(r'value="(\w+)" required', cells) == ["new", "skip"]


def test_a_person_changed_after_the_preview_sends_the_import_back_to_it_and_nothing_is_written(
    staff_client, django_capture_on_commit_callbacks, checked, registered
):
    tazi = Beneficiary.objects.get(pk=registered[1].pk)
    tazi.commune = "Rommani"
    tazi.save()  # someone edits the person the user chose to merge into
    job = confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: "skip", 3: "merge"})
    assert job.status == Status.VALIDATED
    assert "decisions" not in job.report  # asked again, on the registry as it is now
    assert Beneficiary.objects.count() == 2
    assert Beneficiary.objects.get(pk=tazi.pk).phone == ""
    assert "The registry changed since the check" in staff_client.get(job.get_absolute_url()).text


def test_a_row_with_another_cin_than_the_registered_person_cannot_be_merged(
    staff_client, django_capture_on_commit_callbacks
):
    BeneficiaryFactory(cin="ZZ1", first_name="Karim", last_name="Fassi", date_of_birth=date(1960, 1, 2),
                       province=province(KHEMISSET))  # fmt: skip
    job = start_import(staff_client, django_capture_on_commit_callbacks, csv_bytes([person(1, last_name="Fassi")]))
    assert job.report["duplicates"][0]["mergeable"] is False  # KA100001 in the file, ZZ1 in the registry
    response = staff_client.get(reverse("beneficiaries:import_detail", args=[job.pk])).text
    cells = re.search(r'<li class="list-group-item" id="duplicate-2">(.*?)</li>', response, re.S).group(1)
    assert re.findall(r'value="(\w+)" required', cells) == ["new", "skip"]


def test_skipping_only_says_how_many_were_skipped_and_none_merged(
    staff_client, django_capture_on_commit_callbacks, checked
):
    job = confirm(staff_client, django_capture_on_commit_callbacks, checked, {2: "skip", 3: "skip"})
    page = staff_client.get(job.get_absolute_url()).text
    assert re.search(r'id="decisions-summary">2 skipped.</p>', page)
    assert 'id="count-merged"' not in page
