import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import AccessLog, Beneficiary, Consent
from tests.factories import BeneficiaryFactory, province
from tests.need_to_know import submitted_project


@pytest.fixture
def khemisset_person(db):
    return BeneficiaryFactory(
        cin="AB123467",
        first_name="Mohammed",
        last_name="El Idrissi",
        first_name_ar="مُحَمَّد",
        last_name_ar="الإدريسي",
        date_of_birth=date(1990, 5, 17),
    )


@pytest.fixture
def rabat_person(db):
    return BeneficiaryFactory(cin="RB765432", first_name="Karim", last_name="Tazi", province=province("04.421"))


def url(name, *args):
    return reverse(f"beneficiaries:{name}", args=args)


def valid_registration(**overrides):
    data = {
        "cin": "gk 456 789",
        "first_name": "Fatima",
        "last_name": "Zemmouri",
        "first_name_ar": "فاطمة",
        "last_name_ar": "الزموري",
        "sex": "F",
        "date_of_birth": "1992-03-04",
        "phone": "06 61 22 33 44",
        "commune": "Tiflet",
        "release_date": "2025-02-01",
        "dependants": "2",
        "consent_given_on": "2025-03-01",
    }
    return {**data, **overrides}


# --- who may see what ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "create"])
def test_anonymous_users_are_sent_to_login(client, db, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_see_people_of_their_province_only(client_for, khemisset_staff, khemisset_person, rabat_person):
    client = client_for(khemisset_staff)
    page = client.get(url("list")).text
    assert "El Idrissi" in page
    assert "Tazi" not in page
    assert client.get(url("detail", khemisset_person.pk)).status_code == 200
    assert client.get(url("detail", rabat_person.pk)).status_code == 404
    assert client.get(url("edit", rabat_person.pk)).status_code == 404
    assert client.post(url("reveal_cin", rabat_person.pk)).status_code == 404


def test_regional_coordinator_reads_but_cannot_write(client_for, rsk_coordinator, khemisset_person, rabat_person):
    submitted_project(khemisset_person)  # both studied by ANAPEC, which the coordinator acts for
    submitted_project(rabat_person)
    client = client_for(rsk_coordinator)
    page = client.get(url("list")).text
    assert "El Idrissi" in page and "Tazi" in page
    detail = client.get(url("detail", khemisset_person.pk))
    assert detail.status_code == 200
    assert url("edit", khemisset_person.pk) not in detail.text
    assert client.get(url("create")).status_code == 403
    assert client.get(url("edit", khemisset_person.pk)).status_code == 403
    assert client.post(url("reveal_cin", khemisset_person.pk)).status_code == 403
    assert client.post(url("change_status", khemisset_person.pk), {"status": "accompanied"}).status_code == 403


def test_officials_never_see_a_page_with_personal_data(client_for, khemisset_official, khemisset_person):
    client = client_for(khemisset_official)
    assert client.get(url("list")).status_code == 403
    assert client.get(url("detail", khemisset_person.pk)).status_code == 403
    assert client.get(url("export", "csv")).status_code == 403


def test_admins_see_every_province(client_for, admin_user, khemisset_person, rabat_person):
    page = client_for(admin_user).get(url("list")).text
    assert "El Idrissi" in page and "Tazi" in page


def test_a_user_with_no_scope_sees_nobody(client_for, unscoped_coordinator, khemisset_person):
    client = client_for(unscoped_coordinator)
    assert names_listed(client) == set()
    assert client.get(url("detail", khemisset_person.pk)).status_code == 404


@pytest.mark.parametrize("name", ["reveal_cin", "change_status", "step_back_status", "record_consent"])
def test_actions_refuse_get(client_for, khemisset_staff, khemisset_person, name):
    assert client_for(khemisset_staff).get(url(name, khemisset_person.pk)).status_code == 405


# --- list, search, filters ----------------------------------------------------------------


def names_listed(client, **params):
    response = client.get(url("list"), params)
    assert response.status_code == 200
    return {b.last_name or b.last_name_ar for b in response.context["page"].object_list}


def test_cin_is_masked_on_the_list(client_for, khemisset_staff, khemisset_person):
    page = client_for(khemisset_staff).get(url("list")).text
    assert "AB****67" in page
    assert "AB123467" not in page


def test_search_finds_arabic_names_without_diacritics_and_latin_without_accents(
    client_for, khemisset_staff, khemisset_person
):
    BeneficiaryFactory(first_name="Hélène", last_name="Bénani", date_of_birth=date(1985, 1, 1))
    client = client_for(khemisset_staff)
    assert names_listed(client, q="محمد") == {"El Idrissi"}
    assert names_listed(client, q="الادريسي") == {"El Idrissi"}
    assert names_listed(client, q="helene BENANI") == {"Bénani"}
    assert names_listed(client, q="mohamed") == {"El Idrissi"}


def test_filters_narrow_the_list_and_the_count_says_so(client_for, khemisset_staff, khemisset_person):
    BeneficiaryFactory(last_name="Amrani", sex="F", status=Beneficiary.Status.ACCOMPANIED, commune="Tiflet")
    client = client_for(khemisset_staff)
    assert names_listed(client, sex="F") == {"Amrani"}
    assert names_listed(client, status="accompanied", commune="tiflet") == {"Amrani"}
    response = client.get(url("list"), {"sex": "F"})
    assert response.context["page"].paginator.count == 1


def test_age_band_and_release_year_filters(client_for, khemisset_staff):
    BeneficiaryFactory(last_name="Young", date_of_birth=date(2004, 1, 1), release_date=date(2023, 3, 1))
    BeneficiaryFactory(last_name="Older", date_of_birth=date(1970, 1, 1), release_date=date(2021, 3, 1))
    client = client_for(khemisset_staff)
    assert names_listed(client, age_band="16-24") == {"Young"}
    assert names_listed(client, age_band="45+") == {"Older"}
    assert names_listed(client, release_year="2021") == {"Older"}


def test_columns_sort_both_ways(client_for, khemisset_staff):
    for name in ["Berrada", "Alaoui", "Chraibi"]:
        BeneficiaryFactory(last_name=name)
    client = client_for(khemisset_staff)
    order = [b.last_name for b in client.get(url("list"), {"sort": "-name"}).context["page"].object_list]
    assert order == ["Chraibi", "Berrada", "Alaoui"]
    order = [b.last_name for b in client.get(url("list"), {"sort": "name"}).context["page"].object_list]
    assert order == ["Alaoui", "Berrada", "Chraibi"]


def test_a_bad_filter_value_is_explained_and_lists_nobody(client_for, khemisset_staff, khemisset_person):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    response = client.get(url("list"), {"release_year": "soon", "sort": "salary"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Nobody is listed until the filters are corrected:" in response.text
    assert "Release year: Enter a whole number." in response.text


@pytest.mark.parametrize(
    "bad_filter",
    [{"release_year": "abc"}, {"province": "__RABAT__"}, {"sort": "salary"}, {"status": "vip"}],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_an_invalid_filter_exports_nothing_and_says_why(
    client_for, khemisset_staff, khemisset_person, bad_filter, file_format
):
    """A typo in one filter, or a province outside the scope, never exports everyone instead."""
    BeneficiaryFactory.create_batch(3)
    rabat = province("04.421")
    params = {"commune": "", **{k: rabat.pk if v == "__RABAT__" else v for k, v in bad_filter.items()}}
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    response = client.get(url("export", file_format), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing was exported: correct the filters below first." in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_the_search_box_answers_htmx_with_the_results_only(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).get(url("list"), {"q": "idrissi"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="results">')
    assert "El Idrissi" in response.text
    assert "<html" not in response.text


# --- register and edit --------------------------------------------------------------------


def test_staff_register_a_beneficiary_in_their_province_with_consent(client_for, khemisset_staff):
    response = client_for(khemisset_staff).post(url("create"), valid_registration())
    beneficiary = Beneficiary.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", beneficiary.pk)
    assert beneficiary.cin == "GK456789"
    assert beneficiary.phone == "+212661223344"
    assert beneficiary.province.code == "04.291"
    assert beneficiary.created_by == khemisset_staff
    assert beneficiary.has_consent()
    assert beneficiary.history.get().history_user == khemisset_staff


def test_a_cin_registered_in_another_province_is_refused_naming_that_province_only(
    client_for, khemisset_staff, rabat_person
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    response = client.post(url("create"), valid_registration(cin=rabat_person.cin.lower()))
    assert response.status_code == 200
    assert "Cette CIN est déjà enregistrée à Rabat" in response.text
    assert "Tazi" not in response.text
    assert Beneficiary.objects.count() == 1


def test_a_probable_duplicate_asks_for_confirmation_which_is_recorded(client_for, khemisset_staff, khemisset_person):
    client = client_for(khemisset_staff)
    data = valid_registration(
        cin="", no_cin_reason="Carte perdue", first_name="Mohamed", last_name="Elidrissi", date_of_birth="1990-05-17"
    )
    response = client.post(url("create"), data)
    assert response.status_code == 200
    assert "Mohammed El Idrissi" in response.text
    assert Beneficiary.objects.count() == 1

    response = client.post(url("create"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    created = Beneficiary.objects.get(cin__isnull=True)
    assert created.duplicate_confirmed_by == khemisset_staff
    assert created.duplicate_confirmed_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cin": "123"}, "cin"),
        ({"cin": "", "no_cin_reason": ""}, "no_cin_reason"),
        ({"first_name": "", "last_name_ar": ""}, "first_name"),
        ({"phone": "12345"}, "phone"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth"),
        ({"date_of_birth": "2015-01-01"}, "date_of_birth"),
        ({"release_date": "2099-01-01"}, "release_date"),
        ({"sex": "X"}, "sex"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_writes_nothing(client_for, khemisset_staff, change, field):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "ar"
    response = client.post(url("create"), valid_registration(**change))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback"' in response.text
    assert Beneficiary.objects.count() == 0


def test_staff_edit_a_record_and_the_history_shows_old_and_new(client_for, khemisset_staff, khemisset_person):
    data = valid_registration(cin="AB123467", first_name="Mohammed", last_name="El Idrissi", phone="0700112233")
    data.pop("consent_given_on")
    response = client_for(khemisset_staff).post(url("edit", khemisset_person.pk), data)
    assert response.status_code == 302
    khemisset_person.refresh_from_db()
    assert khemisset_person.phone == "+212700112233"
    assert khemisset_person.history.first().history_user == khemisset_staff


# --- detail, reveal, status, consent, access log ------------------------------------------


def test_viewing_a_record_is_logged(client_for, khemisset_staff, khemisset_person):
    page = client_for(khemisset_staff).get(url("detail", khemisset_person.pk)).text
    assert "AB****67" in page and "AB123467" not in page
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.beneficiary) == (khemisset_staff, "view", khemisset_person)


def test_revealing_the_cin_shows_it_and_is_logged(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).post(url("reveal_cin", khemisset_person.pk), HTTP_HX_REQUEST="true")
    assert "AB123467" in response.text
    assert AccessLog.objects.filter(action="reveal_cin", beneficiary=khemisset_person).count() == 1


def test_status_change_from_the_detail_page(client_for, khemisset_staff, khemisset_person):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    response = client.post(
        url("change_status", khemisset_person.pk), {"status": "accompanied", "confirm": "1"}, follow=True
    )
    assert response.redirect_chain == [(url("detail", khemisset_person.pk), 302)]
    assert "The status is now: Accompanied." in response.text
    khemisset_person.refresh_from_db()
    assert khemisset_person.status == Beneficiary.Status.ACCOMPANIED
    # The timeline's entry, which only a status change writes.
    assert "Status: Accompanied" in client.get(url("detail", khemisset_person.pk)).text


def test_exit_without_a_reason_is_refused_with_a_message(client_for, khemisset_staff, khemisset_person):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    response = client.post(url("change_status", khemisset_person.pk), {"status": "exited", "confirm": "1"})
    khemisset_person.refresh_from_db()
    assert khemisset_person.status == Beneficiary.Status.REGISTERED
    assert response.status_code == 400
    assert "Choose why the person leaves the programme." in response.text


def test_recording_a_consent(client_for, khemisset_staff, khemisset_person):
    client = client_for(khemisset_staff)
    client.post(url("record_consent", khemisset_person.pk), {"purpose": "programme", "given_on": "2025-01-10"})
    consent = Consent.objects.get()
    assert consent.recorded_by == khemisset_staff
    assert khemisset_person.has_consent()
    client.post(url("record_consent", khemisset_person.pk), {"purpose": "programme", "given_on": "2099-01-10"})
    assert Consent.objects.count() == 1


# --- export -------------------------------------------------------------------------------


def test_csv_export_keeps_arabic_masks_cin_for_coordinators_and_is_logged(
    client_for, rsk_coordinator, khemisset_person, rabat_person
):
    submitted_project(khemisset_person)
    submitted_project(rabat_person)
    response = client_for(rsk_coordinator).get(url("export", "csv"), {"q": "idrissi"})
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    assert "الإدريسي" in rows[1]
    assert "AB****67" in rows[1]
    log = AccessLog.objects.get(action="export")
    assert log.row_count == 1
    assert "q=idrissi" in log.query


def test_xlsx_export_shows_the_full_cin_to_staff(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).get(url("export", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert sheet["H2"].number_format == "DD/MM/YYYY"  # date of birth
    assert "AB123467" in values
    assert "مُحَمَّد" in values
    assert sheet.sheet_view.rightToLeft  # Arabic is the default language


def test_export_never_includes_people_outside_the_scope(client_for, khemisset_staff, khemisset_person, rabat_person):
    content = client_for(khemisset_staff).get(url("export", "csv")).content.decode()
    assert "El Idrissi" in content
    assert "Tazi" not in content
    assert client_for(khemisset_staff).get(url("export", "pdf")).status_code == 404


def test_exports_never_turn_a_typed_name_into_a_live_formula(client_for, khemisset_staff):
    BeneficiaryFactory(last_name='=HYPERLINK("http://x","clic")', first_name="Ali")
    client = client_for(khemisset_staff)
    content = client.get(url("export", "csv")).content.decode("utf-8")
    assert "'=HYPERLINK" in content
    sheet = load_workbook(io.BytesIO(client.get(url("export", "xlsx")).content)).active
    assert sheet["C2"].data_type == "s"  # last name
    assert sheet["C2"].value.startswith("'=")


def test_people_named_only_in_arabic_are_sorted_by_their_arabic_name(client_for, khemisset_staff):
    BeneficiaryFactory(last_name="Zemmouri", first_name="Ali")
    BeneficiaryFactory(last_name="", first_name="", last_name_ar="العلوي", first_name_ar="كريم")
    BeneficiaryFactory(last_name="Amrani", first_name="Sara")
    order = [b.full_name for b in client_for(khemisset_staff).get(url("list")).context["page"].object_list]
    assert order == ["Sara Amrani", "Ali Zemmouri", "كريم العلوي"]


def test_a_withdrawn_consent_no_longer_counts_and_stays_in_the_record(client_for, khemisset_staff, khemisset_person):
    consent = Consent.objects.create(
        beneficiary=khemisset_person, purpose="programme", given_on=date(2025, 1, 1), recorded_by=khemisset_staff
    )
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    assert client.get(url("withdraw_consent", khemisset_person.pk, consent.pk)).status_code == 405
    client.post(url("withdraw_consent", khemisset_person.pk, consent.pk), {"withdrawn_on": "2099-01-01"})
    consent.refresh_from_db()
    assert consent.withdrawn_on is None  # a future date is refused
    client.post(url("withdraw_consent", khemisset_person.pk, consent.pk), {"withdrawn_on": "2025-06-30"})
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2025, 6, 30)
    timeline = [label for _, label, _ in client.get(url("detail", khemisset_person.pk)).context["timeline"]]
    assert timeline[0] == "Consent withdrawn: Registration and support in the programme"
    assert not khemisset_person.has_consent()
    assert consent.history.first().history_user == khemisset_staff


def test_only_writers_in_scope_may_withdraw_a_consent(client_for, rsk_coordinator, rabat_staff, khemisset_person):
    consent = Consent.objects.create(
        beneficiary=khemisset_person, purpose="programme", given_on=date(2025, 1, 1), recorded_by=rabat_staff
    )
    submitted_project(khemisset_person)  # the ANAPEC coordinator knows the person: refused on the role
    withdraw = url("withdraw_consent", khemisset_person.pk, consent.pk)
    assert client_for(rsk_coordinator).post(withdraw, {"withdrawn_on": "2025-06-30"}).status_code == 403
    assert client_for(rabat_staff).post(withdraw, {"withdrawn_on": "2025-06-30"}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_editing_the_phone_of_a_confirmed_duplicate_does_not_ask_again(client_for, khemisset_staff, khemisset_person):
    twin = BeneficiaryFactory(
        cin=None, no_cin_reason="Carte perdue", first_name="Mohamed", last_name="Idrissi",
        date_of_birth=date(1990, 5, 17), duplicate_confirmed_by=khemisset_staff,
    )  # fmt: skip
    data = valid_registration(
        cin="", no_cin_reason="Carte perdue", first_name="Mohamed", last_name="Idrissi", first_name_ar="",
        last_name_ar="", date_of_birth="1990-05-17", phone="0700112233",
    )  # fmt: skip
    data.pop("consent_given_on")
    response = client_for(khemisset_staff).post(url("edit", twin.pk), data)
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.phone == "+212700112233"


def test_a_cin_already_registered_in_ones_own_province_links_to_that_record(
    client_for, khemisset_staff, khemisset_person
):
    response = client_for(khemisset_staff).post(url("create"), valid_registration(cin="AB 123 467"))
    assert response.status_code == 200
    assert url("detail", khemisset_person.pk) in response.text
    assert Beneficiary.objects.count() == 1


def test_a_name_with_digits_is_refused_on_the_form_and_in_an_import(client_for, khemisset_staff):
    from beneficiaries.importing import build_plan, read_upload
    from tests.beneficiaries.spreadsheets import csv_bytes, person

    response = client_for(khemisset_staff).post(url("create"), valid_registration(last_name="Fikri1607"))
    assert "last_name" in response.context["form"].errors
    plan = build_plan(read_upload(csv_bytes([person(1, last_name="Fikri1607")]), "a.csv"), province("04.291"))
    assert plan.report()["counts"]["invalid"] == 1


def test_the_list_is_in_alphabetical_order_of_the_script_it_shows(client_for, khemisset_staff):
    BeneficiaryFactory(last_name="Alaoui", first_name="Yacoub", last_name_ar="يعقوب", first_name_ar="العلوي")
    BeneficiaryFactory(last_name="Zemmouri", first_name="Baraka", last_name_ar="بركة", first_name_ar="الزموري")
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    assert [b.last_name for b in client.get(url("list")).context["page"].object_list] == ["Alaoui", "Zemmouri"]
    client.cookies["idmaj_language"] = "ar"
    assert [b.last_name for b in client.get(url("list")).context["page"].object_list] == ["Zemmouri", "Alaoui"]


def test_withdrawing_twice_says_it_was_already_withdrawn(client_for, khemisset_staff, khemisset_person):
    consent = Consent.objects.create(
        beneficiary=khemisset_person, purpose="programme", given_on=date(2025, 1, 1), recorded_by=khemisset_staff
    )
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    withdraw = url("withdraw_consent", khemisset_person.pk, consent.pk)
    client.post(withdraw, {"withdrawn_on": "2025-06-30"})
    response = client.post(withdraw, {"withdrawn_on": "2025-07-01"}, follow=True)
    assert "already withdrawn" in response.text
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2025, 6, 30)
