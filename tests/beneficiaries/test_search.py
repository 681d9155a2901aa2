"""The list's search box and commune filter: spelling variants, phones, accents and dashes."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from tests.beneficiaries.spreadsheets import confirm_import, csv_bytes, person, start_import
from tests.factories import BeneficiaryFactory, province
from tests.need_to_know import submitted_project

LIST = reverse("beneficiaries:list")


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["idmaj_language"] = "en"


def listed(client, **params) -> set[str]:
    """The first names (Latin, else Arabic) the list shows for these filters."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {person.first_name or person.first_name_ar for person in response.context["page"].object_list}


def people(*first_names):
    for first_name in first_names:
        if first_name.isascii():
            BeneficiaryFactory(first_name=first_name, last_name="Bennani")
        else:
            BeneficiaryFactory(first_name="", last_name="", first_name_ar=first_name, last_name_ar="بناني")


# --- spelling variants ----------------------------------------------------------------------


def test_youssef_finds_youssouf_yousef_and_the_arabic_spelling_but_not_youssra(client_for, khemisset_staff):
    people("Youssouf", "Yousef", "Yusuf", "يوسف", "Youssra", "Sofia", "Saif")
    client = client_for(khemisset_staff)
    assert listed(client, q="Youssef") == {"Youssouf", "Yousef", "Yusuf", "يوسف"}
    assert listed(client, q="يوسف") == {"Youssouf", "Yousef", "Yusuf", "يوسف"}


@pytest.mark.parametrize(
    ("typed", "other"),
    [
        ("Said", "Saad"),  # سعيد and سعد: two names, one outline "sd"
        ("Youssef", "Sofia"),  # "sf" both, but one starts with y
        ("Youssef", "Saif"),
        ("Youssef", "Youssra"),
        ("Younes", "Yassine"),
    ],
)
def test_names_that_share_consonants_but_not_their_start_do_not_find_each_other(
    client_for, khemisset_staff, typed, other
):
    people(other)
    assert listed(client_for(khemisset_staff), q=typed) == set()


def test_oussama_is_found_in_arabic_script_and_the_other_way_round(client_for, khemisset_staff):
    people("Oussama", "أسامة")
    client = client_for(khemisset_staff)
    assert listed(client, q="Ousama") == {"Oussama", "أسامة"}
    assert listed(client, q="اسامه") == {"Oussama", "أسامة"}


def test_long_names_still_match_on_their_outline_alone(client_for, khemisset_staff):
    people("Mohammed", "محمد", "Ahmed")
    assert listed(client_for(khemisset_staff), q="Mohamed") == {"Mohammed", "محمد"}


def test_a_saved_name_keeps_its_search_outline_up_to_date(khemisset_staff):
    person = BeneficiaryFactory(first_name="Youssra", last_name="Bennani")
    person.first_name = "Youssouf"
    person.save(update_fields=["first_name"])
    assert list(Beneficiary.objects.search("Yousef")) == [person]


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0661 23 45 67", "+212661234567", "661234567", "00212 661-23-45-67", "٠٦٦١٢٣٤٥٦٧"])
def test_a_phone_typed_in_any_form_finds_the_person(client_for, khemisset_staff, typed):
    BeneficiaryFactory(first_name="Nadia", phone="+212661234567")
    BeneficiaryFactory(first_name="Karima", phone="+212661234568")
    assert listed(client_for(khemisset_staff), q=typed) == {"Nadia"}


def test_a_coordinator_finds_by_phone_the_people_of_their_region_only(client_for, rsk_coordinator):
    nadia = BeneficiaryFactory(first_name="Nadia", phone="+212661234567")
    hind = BeneficiaryFactory(first_name="Hind", phone="+212661234567", province=province("06.141"))  # another region
    submitted_project(nadia)  # both studied by ANAPEC: only the region keeps Hind out
    submitted_project(hind)
    assert listed(client_for(rsk_coordinator), q="0661234567") == {"Nadia"}


def test_a_fragment_of_a_phone_lists_nobody_and_asks_for_the_whole_number(client_for, khemisset_staff):
    BeneficiaryFactory(first_name="Nadia", phone="+212661234567")
    response = client_for(khemisset_staff).get(LIST, {"q": "0661 23"}, HTTP_HX_REQUEST="true")
    assert list(response.context["page"].object_list) == []
    assert "To find someone by phone, type the whole number" in response.text


# --- commune --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ait ourir", "AIT-OURIR", "Aït Ourir", "ourir", "ايت اورير"])
def test_the_commune_filter_ignores_case_accents_dashes_and_arabic_variants(client_for, khemisset_staff, typed):
    BeneficiaryFactory(first_name="Nadia", commune="Aït-Ourir")
    BeneficiaryFactory(first_name="Hind", commune="أيت أورير")
    BeneficiaryFactory(first_name="Karima", commune="Tiflet")
    expected = {"Hind"} if typed == "ايت اورير" else {"Nadia"}
    assert listed(client_for(khemisset_staff), commune=typed) == expected


def test_a_commune_of_punctuation_only_lists_nobody(client_for, khemisset_staff):
    BeneficiaryFactory(first_name="Nadia", commune="Aït-Ourir")
    assert listed(client_for(khemisset_staff), commune="--") == set()


def test_a_commune_corrected_on_the_record_is_found_under_its_new_name(khemisset_staff):
    person = BeneficiaryFactory(commune="Tiflet")
    person.commune = "Sidi Allal El Bahraoui"
    person.save(update_fields=["commune"])
    assert Beneficiary.objects.get(commune_key="sidi allal el bahraoui") == person


def test_communes_written_by_an_import_are_found_by_the_filter(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    rows = [person(1, commune="Aït-Ourir"), person(2, commune="Tiflet")]
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    confirm_import(client, django_capture_on_commit_callbacks, job)
    assert [p.cin for p in client.get(LIST, {"commune": "ait ourir"}).context["page"].object_list] == ["KA100001"]


def test_the_search_box_shows_a_typed_phone_left_to_right_on_the_arabic_page(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "ar"
    page = client.get(LIST, {"q": "0661 23 45 67"}).text
    assert (
        'name="q" value="0661 23 45 67" maxlength="100" class="form-control" dir="auto"' in page
    )  # no strong letter: left to right
