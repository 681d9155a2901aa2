"""The admin of partners, conventions and projects: read-mostly, with history, and never a way
around the application's checks (amounts, workflow, revert)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from beneficiaries.models import AccessLog
from partners.models import Convention
from projects.models import MicroProject
from tests.factories import BeneficiaryFactory, UserFactory, consent, partner
from tests.partners.conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(in_english, admin_user):
    return in_english(admin_user)


@pytest.fixture
def approved(convention, decide, rsk_coordinator, khemisset_staff):
    """An approved project with a co-beneficiary, its study and a follow-up visit."""
    project = decide(
        convention,
        {"INDH": ("20000", "approve"), "FM6RD": ("8000", "approve")},
        co=[consent(BeneficiaryFactory(first_name="Samir"))],
    )
    project.record_visit(by=khemisset_staff, visited_on=project.approved_on, business_status="operating")
    return project


def admin_pages(convention, project):
    study, visit, event = project.studies.get(), project.visits.get(), project.events.first()
    contribution = convention.contributions.first()
    pages = []
    for name, pk in [
        ("partners_partner", partner("INDH").pk),
        ("partners_convention", convention.pk),
        ("partners_contribution", contribution.pk),
        ("projects_microproject", project.pk),
        ("projects_study", study.pk),
        ("projects_followupvisit", visit.pk),
    ]:
        pages += [reverse(f"admin:{name}_changelist"), reverse(f"admin:{name}_change", args=[pk])]
        pages.append(reverse(f"admin:{name}_history", args=[pk]))
    pages += [
        reverse("admin:projects_projectevent_changelist"),
        reverse("admin:projects_projectevent_change", args=[event.pk]),
    ]
    return pages


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_admin_page_of_partners_and_projects_opens(client_for, admin_user, convention, approved, language):
    client = client_for(admin_user)
    client.cookies["idmaj_language"] = language
    answers = {page: client.get(page).status_code for page in admin_pages(convention, approved)}
    assert {page: status for page, status in answers.items() if status != 200} == {}


def test_no_convention_project_or_line_is_added_or_deleted_in_the_admin(admin_client, convention, approved):
    for name, pk in [("partners_convention", convention.pk), ("projects_microproject", approved.pk)]:
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
        assert admin_client.get(reverse(f"admin:{name}_delete", args=[pk])).status_code == 403
    for name in ("partners_contribution", "projects_study", "projects_followupvisit", "projects_projectevent"):
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_the_amounts_of_a_convention_are_read_only_in_the_admin(admin_client, convention):
    url = reverse("admin:partners_convention_change", args=[convention.pk])
    page = admin_client.get(url)
    data = form_data(page)
    assert "envelope" not in data
    assert not [name for name in data if name.endswith("-amount")]
    assert "The envelope, the parties and their contributions change on the convention's page" in page.text
    data.update({"envelope": "1", "contributions-0-amount": "1", "title": "Titre corrigé"})
    assert admin_client.post(url, data).status_code == 302
    convention.refresh_from_db()
    assert (convention.title, convention.envelope) == ("Titre corrigé", Decimal("2200000"))
    assert sorted(convention.contributions.values_list("amount", flat=True)) == [0, 1000000, 1200000]


def test_a_title_saved_in_the_admin_keeps_an_envelope_changed_meanwhile(admin_client, admin_user, convention):
    url = reverse("admin:partners_convention_change", args=[convention.pk])
    data = form_data(admin_client.get(url))
    convention.set_envelope(Decimal("2500000"), by=admin_user)  # on the application's page, meanwhile
    data["title"] = "Titre corrigé"
    assert admin_client.post(url, data).status_code == 302
    convention.refresh_from_db()
    assert (convention.title, convention.envelope) == ("Titre corrigé", Decimal("2500000"))
    assert convention.history.first().envelope == Decimal("2500000")


def test_a_project_title_saved_in_the_admin_keeps_the_workflow_as_it_now_is(
    admin_client, convention, decide, khemisset_indh
):
    project = decide(convention, {"INDH": ("20000", "wait")})
    url = reverse("admin:projects_microproject_change", args=[project.pk])
    data = form_data(admin_client.get(url))
    project.approve_line(project.lines.get(), by=khemisset_indh)  # meanwhile
    data["title"] = "Atelier de couture Tiflet"
    assert admin_client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.status) == ("Atelier de couture Tiflet", MicroProject.Status.APPROVED)


def test_the_workflow_fields_of_a_project_are_read_only_in_the_admin(admin_client, approved):
    data = form_data(admin_client.get(reverse("admin:projects_microproject_change", args=[approved.pk])))
    assert {"title", "sector", "activity", "commune", "expected_jobs"} <= set(data)
    assert not {"status", "total_cost", "lead", "technical_partner"} & set(data)
    assert not [name for name in data if name.startswith("lines-") and name.endswith(("-amount", "-decision"))]


def test_an_old_version_of_a_convention_cannot_be_posted_back(admin_client, admin_user, convention):
    convention.set_envelope(Decimal("2500000"), by=admin_user)
    first = convention.history.earliest()
    url = reverse("admin:partners_convention_simple_history", args=[convention.pk, first.history_id])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"envelope": "1", "reference": "X", "title": "X"}).status_code == 405
    convention.refresh_from_db()
    assert convention.envelope == Decimal("2500000")


def test_a_project_page_in_the_admin_is_a_logged_look_at_its_people(admin_client, admin_user, approved):
    admin_client.get(reverse("admin:projects_microproject_change", args=[approved.pk]))
    looked_at = AccessLog.objects.filter(user=admin_user, action=AccessLog.Action.VIEW)
    assert set(looked_at.values_list("beneficiary", flat=True)) == {person.pk for person in approved.beneficiaries()}


def test_a_project_event_cannot_be_changed_in_the_admin(admin_client, approved):
    event = approved.events.first()
    url = reverse("admin:projects_projectevent_change", args=[event.pk])
    assert 'name="_save"' not in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"comment": "rewritten"}).status_code == 403
    event.refresh_from_db()
    assert event.comment != "rewritten"


# ----- users and their partner -----------------------------------------------------------------


def user_data(admin_client, user, **changes):
    data = form_data(admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])))
    data.update(changes)
    return data


def test_an_administrator_chooses_the_partner_a_coordinator_acts_for(admin_client, unscoped_coordinator):
    url = reverse("admin:accounts_user_change", args=[unscoped_coordinator.pk])
    page = admin_client.get(url).content.decode()
    assert "A coordinator without one can do nothing." in page
    data = user_data(admin_client, unscoped_coordinator, partner=str(partner("ANAPEC").pk))
    assert admin_client.post(url, data).status_code == 302
    unscoped_coordinator.refresh_from_db()
    assert unscoped_coordinator.acting_partner_id == partner("ANAPEC").pk


def test_a_partner_on_another_role_is_refused(admin_client, khemisset_staff):
    url = reverse("admin:accounts_user_change", args=[khemisset_staff.pk])
    response = admin_client.post(url, user_data(admin_client, khemisset_staff, partner=str(partner("INDH").pk)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "partner": ["Only a partner coordinator acts for a partner: leave it empty for this role."]
    }
    khemisset_staff.refresh_from_db()
    assert khemisset_staff.partner is None


def test_saving_a_coordinator_without_a_partner_warns_that_they_can_do_nothing(admin_client):
    coordinator = UserFactory(username="new.coordinator", role=User.Role.COORDINATOR, province=None, partner=None)
    url = reverse("admin:accounts_user_change", args=[coordinator.pk])
    response = admin_client.post(url, user_data(admin_client, coordinator, first_name="Nadia"), follow=True)
    assert "new.coordinator is a coordinator acting for no partner: they can do nothing until you choose one." in [
        str(message) for message in response.context["messages"]
    ]


def test_conventions_are_listed_with_their_envelope_in_the_admin(admin_client, convention):
    page = admin_client.get(reverse("admin:partners_convention_changelist")).content.decode()
    assert convention.reference in page
    assert "2,200,000.00\u00a0MAD" in page
    assert Convention.objects.count() == 1
