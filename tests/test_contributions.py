"""Apps contribute menu entries, home-page cards and timeline events; the project names none of them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from reintegration.lib import contributions
from tests.factories import BeneficiaryFactory
from tests.need_to_know import submitted_project


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


REGISTRY = ("Beneficiaries", "/beneficiaries/")
PROJECTS = ("Projects", "/projects/")
VISITS_DUE = ("Visits due", "/projects/visits-due/")
CONVENTIONS = ("Conventions", "/partners/conventions/")
HANDOVERS = ("Handovers", "/disbursements/handovers/")
CEREMONIES = ("Ceremonies", "/disbursements/ceremonies/")
DASHBOARD = ("Dashboard", "/dashboards/")


def labels(user):
    return [(str(entry["label"]), entry["url"]) for entry in contributions.navigation(user)]


@pytest.mark.parametrize(
    ("persona", "entries"),
    [
        ("khemisset_staff", [REGISTRY, PROJECTS, VISITS_DUE, HANDOVERS, CEREMONIES, DASHBOARD, CONVENTIONS]),
        # ANAPEC studies the projects: its coordinator has the worklist of studies to make.
        (
            "rsk_coordinator",
            [
                REGISTRY,
                PROJECTS,
                ("Awaiting my study", "/projects/awaiting-study/"),
                VISITS_DUE,
                HANDOVERS,
                CEREMONIES,
                DASHBOARD,
                CONVENTIONS,
            ],
        ),
        # INDH funds them: its coordinator has the worklist of lines to decide.
        (
            "khemisset_indh",
            [
                REGISTRY,
                PROJECTS,
                ("Awaiting my approval", "/projects/awaiting-approval/"),
                VISITS_DUE,
                HANDOVERS,
                CEREMONIES,
                DASHBOARD,
                CONVENTIONS,
            ],
        ),
        ("admin_user", [REGISTRY, PROJECTS, VISITS_DUE, HANDOVERS, CEREMONIES, DASHBOARD, CONVENTIONS]),
        ("khemisset_official", [DASHBOARD, CONVENTIONS]),  # conventions hold no personal data
        ("unscoped_coordinator", [REGISTRY]),  # acting for no partner: no project page to go to
    ],
)
def test_each_persona_gets_the_menu_entries_of_the_apps_that_let_them_in(persona, entries, request, db):
    assert labels(request.getfixturevalue(persona)) == entries


@pytest.mark.parametrize(
    ("persona", "can_register", "can_read", "in_scope"),
    [
        ("khemisset_staff", True, True, 1),
        # A coordinator counts only the people they need to know: none without a project.
        ("rsk_coordinator", False, True, 0),
        ("admin_user", True, True, 1),
        ("khemisset_official", False, False, 1),
    ],
)
def test_each_persona_gets_the_registry_home_card_for_their_role(
    persona, can_register, can_read, in_scope, request, db
):
    user = request.getfixturevalue(persona)
    # In Khémisset, in every one of these scopes; studied by ANAPEC, so its coordinator knows them.
    submitted_project(BeneficiaryFactory())
    [card] = [card for card in contributions.home_cards(user) if card["template"] == "beneficiaries/home_cards.html"]
    assert card["card"] == {
        "can_register": can_register,
        "can_read": can_read,
        "in_scope": 1,
        "need_to_know": persona == "rsk_coordinator",
        "partner": "ANAPEC" if persona == "rsk_coordinator" else "",
        "dashboards_coming": False,  # the dashboards app is installed
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
    assert "Micro-projects" not in [label for label, _ in labels(rsk_coordinator)]


def test_a_new_app_adds_its_home_card(contributing_app, client_for, khemisset_staff):
    assert "Projects of khemisset.staff" in client_for(khemisset_staff).get(reverse("home")).text


def test_a_new_app_events_join_the_timeline_newest_first(contributing_app, client_for, khemisset_staff):
    person = BeneficiaryFactory()
    response = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk]))
    timeline = [str(label) for _, label, _ in response.context["timeline"]]
    assert timeline == ["Project submitted", "Registered", "Referred by the Foundation"]
    assert "Project submitted" in response.text


def test_a_new_app_adds_its_panel_to_the_record_page_with_its_links_and_actions(
    contributing_app, client_for, khemisset_staff
):
    person = BeneficiaryFactory(date_of_birth=date(1990, 5, 17))
    html = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk])).text
    assert '<h2 class="h5 card-title" id="record-panel-2-heading">Trainings</h2>' in html  # after the projects'
    assert '<a href="/trainings/7/"><bdi>Couture, 2025</bdi></a>' in html
    assert "Completed" in html
    assert f'href="/trainings/new/?person={person.pk}">Enrol in a training</a>' in html
    assert "No training yet." not in html


def test_a_new_app_panel_without_rows_says_what_its_empty_text_says(contributing_app, client_for, khemisset_staff):
    person = BeneficiaryFactory(date_of_birth=date(1960, 1, 2))
    html = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk])).text
    assert "No training yet." in html
    assert "/trainings/7/" not in html


def test_a_new_app_panel_is_hidden_from_who_its_context_refuses(contributing_app, client_for, admin_user):
    person = BeneficiaryFactory()
    response = client_for(admin_user).get(reverse("beneficiaries:detail", args=[person.pk]))
    assert response.status_code == 200
    assert "Trainings" not in response.text


def test_without_the_new_app_its_contributions_are_gone(client_for, khemisset_staff):
    person = BeneficiaryFactory()
    response = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk]))
    assert [str(label) for _, label, _ in response.context["timeline"]] == ["Registered"]
    assert "Micro-projects" not in response.text
    assert "Trainings" not in response.text
