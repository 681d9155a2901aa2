"""Apps contribute menu entries, home-page cards and timeline events; the project names none of them."""

import pytest
from django.urls import reverse
from django.utils import translation

from reintegration.lib import contributions
from tests.factories import BeneficiaryFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


CONVENTIONS = ("Conventions", "/partners/conventions/")  # partners, the lowest floor, comes first


def labels(user):
    return [(str(entry["label"]), entry["url"]) for entry in contributions.navigation(user)]


@pytest.mark.parametrize(
    ("persona", "entries"),
    [
        ("khemisset_staff", [CONVENTIONS, ("Beneficiaries", "/beneficiaries/")]),
        ("rsk_coordinator", [CONVENTIONS, ("Beneficiaries", "/beneficiaries/")]),
        ("admin_user", [CONVENTIONS, ("Beneficiaries", "/beneficiaries/")]),
        ("khemisset_official", [CONVENTIONS]),  # conventions hold no personal data
    ],
)
def test_each_persona_gets_the_menu_entries_of_the_apps_that_let_them_in(persona, entries, request, db):
    assert labels(request.getfixturevalue(persona)) == entries


@pytest.mark.parametrize(
    ("persona", "can_register", "can_read"),
    [
        ("khemisset_staff", True, True),
        ("rsk_coordinator", False, True),
        ("admin_user", True, True),
        ("khemisset_official", False, False),
    ],
)
def test_each_persona_gets_the_registry_home_card_for_their_role(persona, can_register, can_read, request, db):
    user = request.getfixturevalue(persona)
    BeneficiaryFactory()  # in Khémisset, in every one of these scopes
    [card] = contributions.home_cards(user)
    assert card["template"] == "beneficiaries/home_cards.html"
    assert card["card"] == {
        "can_register": can_register,
        "can_read": can_read,
        "in_scope": 1,
        "dashboards_coming": True,
    }


def test_an_official_sees_the_count_but_no_link_to_the_registry(client_for, khemisset_official):
    page = client_for(khemisset_official).get(reverse("home")).text
    assert "Figures, not people" in page
    assert reverse("beneficiaries:list") not in page


@pytest.fixture
def contributing_app(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.contributing_app"]


def test_a_new_app_adds_its_menu_entry_with_its_worklist_count(contributing_app, client_for, khemisset_staff):
    page = client_for(khemisset_staff).get(reverse("home")).text
    assert 'href="/">Micro-projects <span class="badge rounded-pill text-bg-light">4<' in page


def test_a_new_app_menu_entry_is_hidden_from_who_its_predicate_refuses(contributing_app, rsk_coordinator):
    assert [label for label, _ in labels(rsk_coordinator)] == ["Beneficiaries"]


def test_a_new_app_adds_its_home_card(contributing_app, client_for, khemisset_staff):
    assert "Projects of khemisset.staff" in client_for(khemisset_staff).get(reverse("home")).text


def test_a_new_app_events_join_the_timeline_newest_first(contributing_app, client_for, khemisset_staff):
    person = BeneficiaryFactory()
    response = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk]))
    timeline = [str(label) for _, label, _ in response.context["timeline"]]
    assert timeline == ["Project submitted", "Registered", "Referred by the Foundation"]
    assert "Project submitted" in response.text


def test_without_the_new_app_its_contributions_are_gone(client_for, khemisset_staff):
    person = BeneficiaryFactory()
    response = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk]))
    assert [str(label) for _, label, _ in response.context["timeline"]] == ["Registered"]
    assert "Micro-projects" not in response.text
