"""Finding someone by CIN: for the roles that may reveal one, logged, never through a URL.

A coordinator once recovered a masked CIN in 55 exact-CIN searches (`?q=XB<nnnn>50`): the list's
search box no longer matches a CIN for anyone, and the CIN lookup is a logged POST.
"""

import pytest
from django.urls import reverse

from beneficiaries.models import AccessLog, Beneficiary
from tests.factories import BeneficiaryFactory, province
from tests.need_to_know import submitted_project

FIND = reverse("beneficiaries:find_by_cin")
LIST = reverse("beneficiaries:list")


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["idmaj_language"] = "en"


@pytest.fixture
def khemisset_person(db):
    return BeneficiaryFactory(cin="XB123450", first_name="Mohamed", last_name="El Idrissi")


def listed_names(response) -> set[str]:
    return {person.last_name for person in response.context["page"].object_list}


def test_staff_open_a_record_by_cin_typed_in_any_form_and_the_lookup_is_logged(
    client_for, khemisset_staff, khemisset_person
):
    response = client_for(khemisset_staff).post(FIND, {"cin": "xb 123-450"})
    assert response.status_code == 302
    assert response.url == khemisset_person.get_absolute_url()
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH_CIN)
    assert (log.user, log.beneficiary, log.row_count) == (khemisset_staff, khemisset_person, 1)
    assert log.query == "cin=XB****50"  # the log says what was looked for, masked


def test_a_cin_nobody_has_in_the_scope_says_so_and_is_logged_too(client_for, khemisset_staff, khemisset_person):
    rabat_person = BeneficiaryFactory(cin="XB999999", province=province("04.421"))
    client = client_for(khemisset_staff)
    for cin in ("XB123460", rabat_person.cin):  # a wrong digit; registered in another province
        response = client.post(FIND, {"cin": cin})
        assert response.status_code == 200
        assert "No one with this CIN is registered in your scope." in response.text
        assert rabat_person.last_name not in response.text
    assert list(AccessLog.objects.filter(action=AccessLog.Action.SEARCH_CIN).values_list("row_count", flat=True)) == [
        0,
        0,
    ]


def test_a_malformed_cin_is_refused_with_the_rule(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).post(FIND, {"cin": "12"})
    assert response.status_code == 400
    assert "A CIN is one or two letters followed by 1 to 7 digits" in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.SEARCH_CIN).exists()


def test_the_lookup_is_a_post(client_for, khemisset_staff):
    assert client_for(khemisset_staff).get(FIND, {"cin": "XB123450"}).status_code == 405


@pytest.mark.parametrize("persona", ["rsk_coordinator", "khemisset_official"])
def test_roles_that_may_not_reveal_a_cin_may_not_look_one_up(request, client_for, persona, khemisset_person):
    response = client_for(request.getfixturevalue(persona)).post(FIND, {"cin": khemisset_person.cin})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_a_coordinator_guessing_cins_in_the_search_box_learns_nothing(client_for, rsk_coordinator, khemisset_person):
    submitted_project(khemisset_person)  # studied by ANAPEC: its coordinator needs to know the person
    client = client_for(rsk_coordinator)
    assert "El Idrissi" in client.get(LIST).text  # the coordinator sees the person by name...
    for guess in ("XB123350", "XB123450", "XB123550"):  # ...and one of these guesses is right
        response = client.get(LIST, {"q": guess})
        assert listed_names(response) == set()
        assert "Your role may not search by CIN: search by name." in response.text


def test_staff_typing_a_cin_in_the_search_box_are_sent_to_the_cin_lookup(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).get(LIST, {"q": "XB123450"}, HTTP_HX_REQUEST="true")
    assert listed_names(response) == set()
    assert "use “Find by CIN”" in response.text  # in the live search's fragment, where the user looks


def test_the_cin_lookup_form_posts_so_the_number_never_reaches_a_url(client_for, khemisset_staff, khemisset_person):
    client = client_for(khemisset_staff)
    page = client.get(LIST).text
    assert f'<form class="row g-2 align-items-start mb-3" method="post" action="{FIND}" id="find-by-cin">' in page
    response = client.post(FIND, {"cin": khemisset_person.cin}, follow=True)
    urls = [url for url, _status in response.redirect_chain]
    assert urls == [khemisset_person.get_absolute_url()]
    assert all(khemisset_person.cin not in url for url in urls)


def test_names_are_still_found_by_the_search_box(client_for, rsk_coordinator, khemisset_person):
    submitted_project(khemisset_person)
    response = client_for(rsk_coordinator).get(LIST, {"q": "idrissi"})
    assert listed_names(response) == {"El Idrissi"}
    assert Beneficiary.objects.search("XB123450").count() == 0  # no CIN branch left to abuse


# --- the start of a CIN -----------------------------------------------------------------------


def cin_matches(response) -> list[str]:
    return [person.masked_cin for person in response.context["cin_matches"]]


def test_staff_list_the_people_of_their_scope_whose_cin_starts_with_what_they_typed(
    client_for, khemisset_staff, khemisset_person
):
    other = BeneficiaryFactory(cin="XB123999", first_name="Karima", last_name="Bennani")
    BeneficiaryFactory(cin="XB124000")  # starts otherwise
    BeneficiaryFactory(cin="XB123777", province=province("04.421"))  # Rabat: outside the scope
    response = client_for(khemisset_staff).post(FIND, {"cin": "xb 123"})
    assert response.status_code == 200
    assert cin_matches(response) == ["XB****50", "XB****99"]
    page = response.text
    assert "2 people in your scope have a CIN starting with what you typed" in page
    assert f'href="{khemisset_person.get_absolute_url()}"' in page
    assert f'href="{other.get_absolute_url()}"' in page
    assert "XB123450" not in page and "XB123777" not in page  # masked, and nobody from Rabat
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH_CIN)
    assert (log.query, log.row_count, log.beneficiary) == ("cin_prefix=XB*23", 2, None)


def test_a_cin_a_digit_short_lists_the_person_it_may_be(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).post(FIND, {"cin": "XB12345"})
    assert cin_matches(response) == ["XB****50"]
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH_CIN)
    assert (log.row_count, log.beneficiary) == (1, khemisset_person)  # one person found is named in the log


def test_an_exact_cin_still_opens_the_record_even_when_it_starts_another(client_for, khemisset_staff):
    short = BeneficiaryFactory(cin="XB1234")
    BeneficiaryFactory(cin="XB123456")
    response = client_for(khemisset_staff).post(FIND, {"cin": "XB1234"})
    assert response.status_code == 302
    assert response.url == short.get_absolute_url()


def test_too_short_a_start_lists_nobody_and_says_how_many_digits_to_type(client_for, khemisset_staff, khemisset_person):
    response = client_for(khemisset_staff).post(FIND, {"cin": "XB12"})
    assert response.status_code == 200
    assert cin_matches(response) == []
    assert "type its letters and at least 3 digits" in response.text
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH_CIN)
    assert (log.query, log.row_count) == ("cin=X***", 0)  # an exact lookup, found nobody


def test_more_matches_than_listed_are_cut_and_the_user_told_to_type_more(client_for, khemisset_staff):
    for n in range(21):
        BeneficiaryFactory(cin=f"XB1{n:05}")
    response = client_for(khemisset_staff).post(FIND, {"cin": "XB100"})
    assert len(cin_matches(response)) == 20
    assert "type more digits to narrow the list" in response.text
    assert AccessLog.objects.get(action=AccessLog.Action.SEARCH_CIN).row_count == 20  # the people shown


def test_a_coordinator_may_not_list_cins_by_their_start(client_for, rsk_coordinator, khemisset_person):
    response = client_for(rsk_coordinator).post(FIND, {"cin": "XB123"})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()
