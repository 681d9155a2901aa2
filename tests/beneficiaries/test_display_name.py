"""One name per person on screen, in the page's script first: the list, the record's heading, the CIN lookup."""

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory

LIST = reverse("beneficiaries:list")


@pytest.fixture
def zakaria(db):
    """The issue's case: the Arabic first name only, the Latin name whole."""
    return BeneficiaryFactory(first_name="Zakaria", last_name="Bennani", first_name_ar="زكرياء", last_name_ar="")


@pytest.fixture
def amina(db):
    return BeneficiaryFactory(first_name="Amina", last_name="Tazi", first_name_ar="أمينة", last_name_ar="التازي")


@pytest.fixture
def arabic_only(db):
    return BeneficiaryFactory(first_name="", last_name="", first_name_ar="سعيد", last_name_ar="الفاسي")


def page_in(client, language, path):
    client.cookies["idmaj_language"] = language
    return client.get(path).text


@pytest.mark.parametrize(
    ("language", "shown", "under"),
    [("ar", "أمينة التازي", "Amina Tazi"), ("fr", "Amina Tazi", "أمينة التازي"), ("en", "Amina Tazi", "أمينة التازي")],
)
def test_the_name_in_the_pages_script_comes_first_and_the_other_under_it(amina, language, shown, under):
    assert (amina.display_name(language), amina.other_script_name(language)) == (shown, under)


def test_an_arabic_first_name_alone_never_hides_the_family_name(zakaria):
    assert zakaria.display_name("ar") == "Zakaria Bennani"  # not "زكرياء " without the family
    assert zakaria.other_script_name("ar") == "زكرياء"
    assert zakaria.display_name("fr") == "Zakaria Bennani"


def test_a_person_named_in_one_script_is_shown_in_it_in_every_language(arabic_only):
    assert arabic_only.display_name("fr") == arabic_only.display_name("ar") == "سعيد الفاسي"
    assert arabic_only.other_script_name("fr") == ""


def test_the_arabic_list_shows_the_whole_name_of_someone_with_only_an_arabic_first_name(
    client_for, khemisset_staff, zakaria
):
    page = page_in(client_for(khemisset_staff), "ar", LIST)
    assert f'<a href="{zakaria.get_absolute_url()}"><bdi>Zakaria Bennani</bdi></a>' in page
    assert '<div class="small text-body-secondary"><bdi>زكرياء</bdi></div>' in page


def test_the_list_shows_the_arabic_name_first_in_arabic_and_the_latin_first_in_french(
    client_for, khemisset_staff, amina
):
    client = client_for(khemisset_staff)
    link = f'<a href="{amina.get_absolute_url()}"><bdi>'
    assert f"{link}أمينة التازي</bdi></a>" in page_in(client, "ar", LIST)
    assert f"{link}Amina Tazi</bdi></a>" in page_in(client, "fr", LIST)


def test_the_record_heading_in_arabic_shows_the_arabic_name_first_like_the_list(client_for, khemisset_staff, amina):
    client = client_for(khemisset_staff)
    assert '<h1 class="h2 me-auto mb-0"><bdi>أمينة التازي</bdi></h1>' in page_in(client, "ar", amina.get_absolute_url())
    assert '<h1 class="h2 me-auto mb-0"><bdi>Amina Tazi</bdi></h1>' in page_in(client, "fr", amina.get_absolute_url())


def test_the_cin_lookup_lists_its_matches_by_the_same_name(client_for, khemisset_staff, amina):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "ar"
    response = client.post(reverse("beneficiaries:find_by_cin"), {"cin": amina.cin[:5]})
    assert "<bdi>أمينة التازي</bdi>" in response.text
