"""Need to know (Law 09-08, purpose limitation): a coordinator sees a person of the registry — list,
record, export, search — only when that person has a project submitted to the coordinator's partner
(a funding line of it, or its study), in the coordinator's scope. Everyone else answers 404."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from beneficiaries.models import AccessLog
from projects.models import MicroProject
from tests.conftest import RABAT
from tests.factories import (
    BeneficiaryFactory,
    ConventionFactory,
    ProjectFactory,
    UserFactory,
    consent,
    contribute,
    fund,
    partner,
    province,
    region,
)
from tests.need_to_know import submitted_project

pytestmark = pytest.mark.django_db

LIST = reverse("beneficiaries:list")
FIND = reverse("beneficiaries:find_by_cin")


@pytest.fixture
def convention():
    """Khémisset's 2020 convention: INDH and FM6RD fund, ANAPEC studies (in kind)."""
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH")
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    contribute(convention, "ANAPEC", "0", in_kind="technical and financial study, coaching and follow-up")
    return convention


@pytest.fixture
def known(convention, khemisset_staff):
    """A Khémisset person whose project (an INDH line, studied by ANAPEC) was submitted."""
    person = BeneficiaryFactory(cin="KZ123456", first_name="Khadija", last_name="Zemmouri")
    submitted_project(person, convention=convention, by=khemisset_staff)
    return person


@pytest.fixture
def stranger():
    """A Khémisset person with no project: in every coordinator's scope, known to none."""
    return BeneficiaryFactory(cin="KB654321", first_name="Karim", last_name="Bennani")


@pytest.fixture
def partnerless_coordinator():
    """A coordinator of the region whose account names no partner: they act for no one."""
    return UserFactory(username="rsk.nobody", role=User.Role.COORDINATOR, province=None, region=region("04"))


def english(client):
    client.cookies["idmaj_language"] = "en"
    return client


@pytest.fixture
def as_user(client_for):
    return lambda user: english(client_for(user))


def record_status(client, person) -> int:
    return client.get(reverse("beneficiaries:detail", args=[person.pk])).status_code


def listed(client, **params) -> set[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {person.last_name for person in response.context["page"].object_list}


def draft(person, convention, staff, acronym="INDH"):
    project = ProjectFactory(lead=consent(person), created_by=staff)
    fund(project, convention, acronym, project.total_cost)
    return project


# --- list, record, export, search ----------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx fragment"])
def test_the_list_shows_a_coordinator_only_the_people_they_need_to_know(
    as_user, rsk_coordinator, known, stranger, htmx
):
    response = as_user(rsk_coordinator).get(LIST, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200
    assert "Zemmouri" in response.text
    assert "Bennani" not in response.text
    assert "1 beneficiary found" in response.text  # the count does not give the others away


def test_staff_of_the_province_still_see_everyone(as_user, khemisset_staff, known, stranger):
    assert listed(as_user(khemisset_staff)) == {"Zemmouri", "Bennani"}


def test_the_record_opens_for_a_person_with_a_project_submitted_to_the_partner(as_user, rsk_coordinator, known):
    response = as_user(rsk_coordinator).get(reverse("beneficiaries:detail", args=[known.pk]))
    assert response.status_code == 200
    assert "Khadija Zemmouri" in response.text
    assert "KZ****56" in response.text
    assert AccessLog.objects.get(action="view").beneficiary == known


def test_the_record_of_someone_else_in_scope_answers_404_and_is_not_logged(as_user, rsk_coordinator, stranger):
    assert record_status(as_user(rsk_coordinator), stranger) == 404
    assert not AccessLog.objects.exists()


def exported_names(response, file_format) -> list[str]:
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(response.content)).active.rows]
    column = rows[0].index("Last name (Latin script)")
    return [row[column] for row in rows[1:]]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_holds_only_the_people_the_coordinator_needs_to_know(
    as_user, rsk_coordinator, known, stranger, file_format
):
    response = as_user(rsk_coordinator).get(reverse("beneficiaries:export", args=[file_format]))
    assert exported_names(response, file_format) == ["Zemmouri"]
    assert AccessLog.objects.get(action="export").row_count == 1


def test_the_search_fragment_finds_only_the_people_known(as_user, rsk_coordinator, known, stranger):
    client = as_user(rsk_coordinator)
    headers = {"HX-Request": "true"}
    found = client.get(LIST, {"q": "zemmouri"}, headers=headers)
    assert "<html" not in found.text
    assert [person.last_name for person in found.context["page"].object_list] == ["Zemmouri"]
    hidden = client.get(LIST, {"q": "bennani"}, headers=headers)
    assert list(hidden.context["page"].object_list) == []
    assert "Bennani" not in hidden.text


def test_a_coordinator_may_not_look_anyone_up_by_cin_not_even_someone_known(as_user, rsk_coordinator, known, stranger):
    client = as_user(rsk_coordinator)
    assert f'action="{FIND}"' not in client.get(LIST).text  # the form is not offered
    for person in (known, stranger):
        assert client.post(FIND, {"cin": person.cin}).status_code == 403
    assert not AccessLog.objects.exists()


# --- which projects open a record ----------------------------------------------------------


def test_a_draft_project_opens_no_record(
    as_user, rsk_coordinator, khemisset_indh, convention, khemisset_staff, stranger
):
    draft(stranger, convention, khemisset_staff)
    for coordinator in (rsk_coordinator, khemisset_indh):
        client = as_user(coordinator)
        assert record_status(client, stranger) == 404
        assert listed(client) == set()


def test_a_withdrawn_project_closes_the_record_again(as_user, rsk_coordinator, khemisset_staff, known):
    client = as_user(rsk_coordinator)
    assert record_status(client, known) == 200
    MicroProject.objects.get(lead=known).withdraw(by=khemisset_staff, reason="Le bénéficiaire a déménagé")
    assert record_status(client, known) == 404
    assert listed(client) == set()


def test_a_project_reopened_for_revision_closes_the_record_until_it_is_submitted_again(
    as_user, rsk_coordinator, khemisset_staff, known
):
    project = MicroProject.objects.get(lead=known)
    project.record_study(by=rsk_coordinator, feasible=False, expected_monthly_revenue=0, recommended_amount=0)
    client = as_user(rsk_coordinator)
    assert record_status(client, known) == 200  # rejected: the partner that studied it still finds it
    project.reopen(by=khemisset_staff)
    assert record_status(client, known) == 404  # a draft again: not the partners' business yet
    project.submit(by=khemisset_staff)
    assert record_status(client, known) == 200


def test_a_co_beneficiary_of_a_collective_project_is_known_too(as_user, rsk_coordinator, khemisset_staff, convention):
    lead, partner_in_it = BeneficiaryFactory(last_name="Zemmouri"), BeneficiaryFactory(last_name="Alaoui")
    submitted_project(lead, partner_in_it, convention=convention, by=khemisset_staff)
    client = as_user(rsk_coordinator)
    assert listed(client) == {"Zemmouri", "Alaoui"}
    assert record_status(client, partner_in_it) == 200


@pytest.fixture
def rabat_person(rabat_staff):
    """A Rabat person whose project (an INDH line of a Rabat convention, studied by ANAPEC) was submitted."""
    rabat = ConventionFactory(reference="RAB-2021-INDH", province=province(RABAT))
    contribute(rabat, "INDH", "500000")
    person = BeneficiaryFactory(last_name="Tazi", province=province(RABAT))
    submitted_project(person, convention=rabat, by=rabat_staff)
    return person


def test_a_regional_coordinator_knows_a_person_of_another_province_of_the_region(
    as_user, rsk_coordinator, rabat_person, known
):
    client = as_user(rsk_coordinator)
    assert record_status(client, rabat_person) == 200
    assert listed(client) == {"Zemmouri", "Tazi"}


def test_a_provincial_coordinator_does_not_know_the_person_of_a_project_outside_their_province(
    as_user, khemisset_indh, rabat_person, known
):
    """The Rabat project has an INDH line, and this is INDH's coordinator: but of Khémisset."""
    client = as_user(khemisset_indh)
    assert record_status(client, rabat_person) == 404
    assert listed(client) == {"Zemmouri"}


@pytest.mark.parametrize("persona", ["partnerless_coordinator", "unscoped_coordinator"])
def test_a_coordinator_acting_for_no_partner_sees_nobody(request, as_user, persona, known, stranger):
    client = as_user(request.getfixturevalue(persona))
    assert listed(client) == set()
    assert record_status(client, known) == 404
    assert exported_names(client.get(reverse("beneficiaries:export", args=["csv"])), "csv") == []


def test_the_foundations_coordinator_knows_a_person_only_through_a_line_of_the_foundation(
    as_user, rsk_fm6rd, khemisset_staff, convention, known, stranger
):
    client = as_user(rsk_fm6rd)
    assert record_status(client, known) == 404  # INDH funds Khadija's project, not the Foundation
    submitted_project(stranger, funder="FM6RD", convention=convention, by=khemisset_staff)
    assert record_status(client, stranger) == 200
    assert listed(client) == {"Bennani"}


def test_the_technical_partner_knows_the_person_through_the_study_alone(as_user, rsk_coordinator, known):
    project = MicroProject.objects.get(lead=known)
    assert project.technical_partner == partner("ANAPEC")
    assert not project.lines.filter(partner__acronym="ANAPEC").exists()  # no ANAPEC money in it
    assert record_status(as_user(rsk_coordinator), known) == 200


def test_another_technical_partner_does_not_know_the_person_anapec_studies(
    as_user, rsk_coordinator, khemisset_staff, convention, stranger
):
    """A second technical partner's coordinator sees the projects it studies, not ANAPEC's."""
    from partners.models import Partner

    other = Partner.objects.create(acronym="OFPPT", name_fr="OFPPT", name_ar="مكتب التكوين المهني", kind="technical")
    coordinator = UserFactory(
        username="rsk.ofppt", role=User.Role.COORDINATOR, province=None, region=region("04"), partner=other
    )
    submitted_project(stranger, convention=convention, by=khemisset_staff)  # studied by ANAPEC
    assert record_status(as_user(coordinator), stranger) == 404
    assert record_status(as_user(rsk_coordinator), stranger) == 200


# --- the home page ---------------------------------------------------------------------------


def test_the_home_card_counts_only_the_people_the_coordinator_knows(
    as_user, rsk_coordinator, khemisset_staff, convention, known, stranger
):
    second = BeneficiaryFactory(last_name="Alaoui")
    submitted_project(second, convention=convention, by=khemisset_staff, total_cost=Decimal("15000"))
    page = as_user(rsk_coordinator).get(reverse("home")).text
    assert "2 people of your scope have a project submitted to ANAPEC" in page
    assert "registered in your scope" not in page  # 3 are: that count is not theirs to know


def test_the_home_card_tells_a_coordinator_without_a_partner_why_they_see_no_one(
    as_user, partnerless_coordinator, known
):
    page = as_user(partnerless_coordinator).get(reverse("home")).text
    assert "Your account acts for no partner, so you see no one." in page


def test_staff_still_count_everyone_registered_in_their_scope(as_user, khemisset_staff, known, stranger):
    assert "2 people registered in your scope." in as_user(khemisset_staff).get(reverse("home")).text
