"""A person's record shows their projects: in the timeline, each transition; in the projects panel,
each project with its status. A coordinator sees what concerns their partner, not other funders'."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory, ConventionFactory, ProjectFactory, consent, contribute, fund

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def convention():
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH")
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    contribute(convention, "ANAPEC", "0", in_kind="technical and financial study, coaching and follow-up")
    return convention


@pytest.fixture
def person():
    return consent(BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri"))


@pytest.fixture
def workshop(convention, person, khemisset_staff):
    """Co-financed by INDH and FM6RD, studied by ANAPEC."""
    project = ProjectFactory(
        lead=person,
        title="Atelier de couture",
        total_cost=Decimal("30000"),
        own_contribution=Decimal("2000"),
        created_by=khemisset_staff,
    )
    fund(project, convention, "INDH", "20000")
    fund(project, convention, "FM6RD", "8000", kind="cash")
    return project


@pytest.fixture
def decided(workshop, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """Submitted, studied, INDH's line approved, FM6RD's line rejected: the project is rejected."""
    workshop.submit(by=khemisset_staff)
    workshop.record_study(
        by=rsk_coordinator, feasible=True, expected_monthly_revenue=Decimal("4000"), recommended_amount=Decimal("28000")
    )
    workshop.approve_line(workshop.lines.get(partner__acronym="INDH"), by=khemisset_indh)
    workshop.reject_line(workshop.lines.get(partner__acronym="FM6RD"), by=rsk_fm6rd, reason="Hors de nos priorités")
    return workshop


def record(client_for, user, person):
    client = client_for(user)
    client.cookies["idmaj_language"] = "en"
    response = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert response.status_code == 200
    return response


def timeline(client_for, user, person) -> list[str]:
    """The timeline's labels, newest first."""
    return [str(label) for _at, label, _by in record(client_for, user, person).context["timeline"]]


INDH_APPROVED = f"Project Atelier de couture: Funding line approved (INDH, 20,000.00{NBSP}MAD)"
FM6RD_REJECTED = f"Project Atelier de couture: Funding line rejected (FM6RD, 8,000.00{NBSP}MAD) · Studied → Rejected"
STUDIED = "Project Atelier de couture: Study recorded · Submitted → Studied"
SUBMITTED = "Project Atelier de couture: Submitted · Draft → Submitted"
DRAFTED = "Project drafted: Atelier de couture"


def test_staff_see_every_transition_of_the_persons_project_newest_first(client_for, khemisset_staff, person, decided):
    events = timeline(client_for, khemisset_staff, person)
    projects = [label for label in events if "Atelier de couture" in label]
    assert projects == [FM6RD_REJECTED, INDH_APPROVED, STUDIED, SUBMITTED, DRAFTED]
    # The registry's own events are still there: the submission moved the person on.
    assert "Status: Project in preparation" in events
    assert events.index("Status: Project in preparation") < events.index(DRAFTED)


@pytest.mark.parametrize(
    ("coordinator", "own_decision", "other_decision"),
    [
        ("khemisset_indh", INDH_APPROVED, FM6RD_REJECTED),
        ("rsk_fm6rd", FM6RD_REJECTED, INDH_APPROVED),
    ],
)
def test_a_funders_coordinator_sees_their_own_lines_decision_not_the_other_funders(
    request, client_for, person, decided, coordinator, own_decision, other_decision
):
    events = timeline(client_for, request.getfixturevalue(coordinator), person)
    assert own_decision in events
    assert other_decision not in events
    assert {STUDIED, SUBMITTED, DRAFTED} <= set(events)  # the project's own steps concern every partner


def test_the_technical_partners_coordinator_sees_the_study_and_no_funders_decision(
    client_for, rsk_coordinator, person, decided
):
    events = timeline(client_for, rsk_coordinator, person)
    assert STUDIED in events
    assert INDH_APPROVED not in events
    assert FM6RD_REJECTED not in events


def test_the_other_funders_rejection_reason_is_nowhere_on_a_coordinators_page(
    client_for, khemisset_indh, person, decided
):
    assert "Hors de nos priorités" not in record(client_for, khemisset_indh, person).text


def test_the_approval_of_the_last_line_shows_the_project_approved(
    client_for, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, person, workshop
):
    workshop.submit(by=khemisset_staff)
    workshop.record_study(by=rsk_coordinator, feasible=True, expected_monthly_revenue=1, recommended_amount=1)
    workshop.approve_line(workshop.lines.get(partner__acronym="INDH"), by=khemisset_indh)
    workshop.approve_line(workshop.lines.get(partner__acronym="FM6RD"), by=rsk_fm6rd)
    events = timeline(client_for, khemisset_indh, person)
    assert events[0] == "Project Atelier de couture: Approved · Studied → Approved"
    assert INDH_APPROVED in events
    assert f"Project Atelier de couture: Funding line approved (FM6RD, 8,000.00{NBSP}MAD)" not in events


def test_a_draft_already_shows_on_the_staff_timeline(client_for, khemisset_staff, person, workshop):
    assert DRAFTED in timeline(client_for, khemisset_staff, person)


def test_a_co_beneficiary_sees_the_collective_project_on_their_timeline_too(
    client_for, khemisset_staff, workshop, decided
):
    partner_in_it = consent(BeneficiaryFactory(first_name="Samira", last_name="Bennani"))
    workshop.co_beneficiaries.add(partner_in_it)
    assert FM6RD_REJECTED in timeline(client_for, khemisset_staff, partner_in_it)


def test_another_persons_project_is_not_on_this_timeline(client_for, khemisset_staff, person, decided):
    other = BeneficiaryFactory(first_name="Karim", last_name="Tazi")
    assert not [label for label in timeline(client_for, khemisset_staff, other) if "Atelier" in label]


# --- the projects panel ------------------------------------------------------------------------


def panel_rows(response) -> list[tuple[str, str, str]]:
    [panel] = [entry["panel"] for entry in response.context["record_panels"] if entry["panel"]["heading"] == "Projects"]
    return [(row["label"], row["url"], str(row["status"])) for row in panel["rows"]]


def test_staff_see_the_persons_projects_and_may_draft_one_for_them(client_for, khemisset_staff, person, decided):
    draft = ProjectFactory(lead=person, title="Épicerie de quartier", created_by=khemisset_staff)
    response = record(client_for, khemisset_staff, person)
    assert panel_rows(response) == [
        ("Épicerie de quartier", reverse("projects:detail", args=[draft.pk]), "Draft"),
        ("Atelier de couture", reverse("projects:detail", args=[decided.pk]), "Rejected"),
    ]
    assert f'href="{reverse("projects:detail", args=[decided.pk])}"' in response.text
    draft_url = f"{reverse('projects:create')}?lead={person.pk}"
    assert f'href="{draft_url}">Draft a project</a>' in response.text


def test_a_person_without_a_project_is_said_to_have_none(client_for, khemisset_staff, person):
    response = record(client_for, khemisset_staff, person)
    assert panel_rows(response) == []
    assert "No project yet." in response.text
    assert "Draft a project" in response.text


def test_no_project_is_drafted_for_someone_who_left_the_programme(client_for, khemisset_staff, person):
    person.move_to("exited", by=khemisset_staff, exit_reason="moved_away")
    assert "Draft a project" not in record(client_for, khemisset_staff, person).text


def test_a_coordinator_sees_the_projects_submitted_to_their_partner_and_drafts_none(
    client_for, khemisset_staff, khemisset_indh, convention, person, decided
):
    ProjectFactory(lead=person, title="Épicerie de quartier", created_by=khemisset_staff)  # a draft: not theirs yet
    fm6rd_only = ProjectFactory(lead=person, title="Élevage ovin", created_by=khemisset_staff)
    fund(fm6rd_only, convention, "FM6RD", "30000")
    fm6rd_only.submit(by=khemisset_staff)  # submitted to FM6RD (and ANAPEC), not to INDH
    response = record(client_for, khemisset_indh, person)
    assert panel_rows(response) == [("Atelier de couture", reverse("projects:detail", args=[decided.pk]), "Rejected")]
    assert "Draft a project" not in response.text
    assert "Épicerie" not in response.text and "Élevage" not in response.text
