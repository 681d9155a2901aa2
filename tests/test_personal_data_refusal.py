"""A refusal on personal data says why (Law 09-08, the role) and where to go; other refusals stay plain.
The official's home page says what they will find, and when."""

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory
from tests.need_to_know import submitted_project

LAW = "09-08"


@pytest.fixture
def person(db):
    return BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri")


def english(client):
    client.cookies["idmaj_language"] = "en"
    return client


@pytest.mark.parametrize("screen", ["detail", "list", "export"])
def test_an_official_refused_personal_data_is_told_why_and_sent_home(client_for, khemisset_official, person, screen):
    url = {
        "detail": reverse("beneficiaries:detail", args=[person.pk]),
        "list": reverse("beneficiaries:list"),
        "export": reverse("beneficiaries:export", args=["csv"]),
    }[screen]
    response = english(client_for(khemisset_official)).get(url)
    html = response.content.decode()
    assert response.status_code == 403
    assert f"Law {LAW}" in html
    assert "Your role (Official) sees figures, not people." in html
    assert f'href="{reverse("home")}"' in html


def test_the_personal_data_refusal_tells_nothing_about_the_record(client_for, khemisset_official, person):
    html = english(client_for(khemisset_official)).get(reverse("beneficiaries:detail", args=[person.pk])).content
    assert b"Khadija" not in html
    assert b"Zemmouri" not in html
    assert person.cin.encode() not in html


def test_a_refusal_about_an_action_stays_generic(client_for, rsk_coordinator, person):
    """A coordinator may read the record but not edit it: that 403 is about the role, not the law."""
    submitted_project(person)  # studied by ANAPEC: its coordinator needs to know the person
    response = english(client_for(rsk_coordinator)).get(reverse("beneficiaries:edit", args=[person.pk]))
    assert response.status_code == 403
    assert LAW not in response.content.decode()
    assert "Your role does not allow this page or this action." in response.content.decode()


def test_the_official_home_says_what_they_will_find_and_when(client_for, khemisset_official, person):
    html = english(client_for(khemisset_official)).get(reverse("home")).content.decode()
    assert "Figures, not people" in html
    assert "1 person registered in your scope." in html
    assert f"Law {LAW}" in html
    # The dashboards are installed: the headline of the official's dashboard, not an announcement.
    assert "Coming with the next versions" not in html
    assert "The programme in Khémisset" in html and "Open the dashboard" in html


def test_the_dashboards_announcement_goes_once_a_dashboards_app_is_installed(
    client_for, khemisset_official, person, monkeypatch
):
    from beneficiaries import contributions

    monkeypatch.setattr(contributions.apps, "is_installed", lambda name: name == "dashboards")
    html = english(client_for(khemisset_official)).get(reverse("home")).content.decode()
    assert "Figures, not people" in html
    assert "Coming with the next versions" not in html


def test_staff_home_has_no_figures_only_card(client_for, khemisset_staff, person):
    html = english(client_for(khemisset_staff)).get(reverse("home")).content.decode()
    assert "Find a beneficiary" in html
    assert "Figures, not people" not in html
