"""The workflow's action views: each works and writes its event; outsiders get 404, the wrong role
403, a wrong state or bad input a message on the project's page with nothing changed."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from projects.models import FollowUpVisit, FundingLine, MicroProject, ProjectEvent, Study
from projects.models.project import add_months
from tests.factories import BeneficiaryFactory, consent, partner
from tests.projects.workflow_stages import approved, draft, khemisset_convention, line_of, studied, submitted

pytestmark = pytest.mark.django_db
Status = MicroProject.Status


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["idmaj_language"] = "en"


@pytest.fixture
def convention():
    return khemisset_convention()


@pytest.fixture
def as_user(client_for):
    return client_for


@pytest.fixture
def stage(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """stage("studied") → a two-line project brought there by the personas."""

    def make(name, **kwargs):
        if name == "draft":
            return draft(convention, khemisset_staff, **kwargs)
        if name == "submitted":
            return submitted(convention, khemisset_staff, **kwargs)
        if name == "studied":
            return studied(convention, khemisset_staff, rsk_coordinator, **kwargs)
        if name == "approved":
            return approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, **kwargs)
        if name == "rejected":
            project = studied(convention, khemisset_staff, rsk_coordinator, **kwargs)
            project.reject_line(line_of(project, "INDH"), by=khemisset_indh, reason="Budget prévu ailleurs")
            return project
        if name == "funded":  # the disbursements app's arrow, not built yet: set as it will
            project = approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, **kwargs)
            MicroProject.objects.filter(pk=project.pk).update(status=Status.FUNDED)
            project.refresh_from_db()
            return project
        raise ValueError(name)

    return make


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.pk, *args])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events(project, action=None):
    events = ProjectEvent.objects.filter(project=project)
    return list((events.filter(action=action) if action else events).values_list("action", flat=True))


def status_of(project):
    return MicroProject.objects.get(pk=project.pk).status


def decision_of(line):
    return FundingLine.objects.get(pk=line.pk).decision


def person_status(project):
    return Beneficiary.objects.get(pk=project.lead_id).status


def assert_back_on_the_project(response, project):
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()


# Every action, with the stage it applies to and what it posts. The line actions decide INDH's line.
ACTIONS = {
    "submit": ("draft", {}),
    "record_study": ("submitted", {"feasible": "yes", "expected_monthly_revenue": "4000", "recommended_amount": "1"}),
    "approve_line": ("studied", {}),
    "reject_line": ("studied", {"reason": "Pas de budget"}),
    "reopen": ("rejected", {}),
    "withdraw": ("submitted", {"reason": "Le bénéficiaire a trouvé un emploi"}),
    "close": ("funded", {"outcome": "thriving"}),
    "record_visit": ("approved", {"visited_on": "2025-01-01", "business_status": "operating"}),
}
POST_ONLY = ["submit", "approve_line", "reject_line", "reopen", "withdraw", "close"]


def action_url(name, project):
    if name in ("approve_line", "reject_line"):
        return url(name, project, line_of(project, "INDH").pk)
    return url(name, project)


# --- who may: the matrix -------------------------------------------------------------------


@pytest.mark.parametrize("name", POST_ONLY)
def test_the_actions_answer_get_with_405(as_user, khemisset_staff, stage, name):
    project = stage(ACTIONS[name][0])
    assert as_user(khemisset_staff).get(action_url(name, project)).status_code == 405


@pytest.mark.parametrize("name", ACTIONS)
def test_staff_of_another_province_gets_404(as_user, rabat_staff, stage, name):
    project = stage(ACTIONS[name][0])
    events_before = events(project)
    assert as_user(rabat_staff).post(action_url(name, project), ACTIONS[name][1]).status_code == 404
    assert events(project) == events_before


@pytest.mark.parametrize("name", ACTIONS)
def test_a_coordinator_of_a_partner_not_in_the_project_gets_404(as_user, rsk_fm6rd, stage, name):
    # Need to know: FM6RD funds nothing here, so the Foundation's coordinator does not see it.
    project = stage(ACTIONS[name][0], fm6rd=None)
    assert as_user(rsk_fm6rd).post(action_url(name, project), ACTIONS[name][1]).status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_an_official_gets_403_on_every_action(as_user, khemisset_official, stage, name):
    project = stage(ACTIONS[name][0])
    assert as_user(khemisset_official).post(action_url(name, project), ACTIONS[name][1]).status_code == 403
    assert status_of(project) == ACTIONS[name][0]


@pytest.mark.parametrize("name", ACTIONS)
def test_a_coordinator_acting_for_no_partner_gets_403(as_user, unscoped_coordinator, stage, name):
    project = stage(ACTIONS[name][0])
    assert as_user(unscoped_coordinator).post(action_url(name, project), ACTIONS[name][1]).status_code == 403


WRONG_ROLES = [
    ("submit", "khemisset_indh", "submitted"),  # a coordinator never submits (drafts are not shown to them)
    ("record_study", "khemisset_indh", "submitted"),  # INDH funds; ANAPEC studies
    ("record_study", "khemisset_staff", "submitted"),
    ("approve_line", "khemisset_staff", "studied"),
    ("approve_line", "rsk_coordinator", "studied"),  # the technical partner has no line to decide
    ("reject_line", "khemisset_staff", "studied"),
    ("reopen", "khemisset_indh", "rejected"),
    ("withdraw", "khemisset_indh", "submitted"),
    ("close", "khemisset_indh", "funded"),
]


@pytest.mark.parametrize(("name", "persona", "at"), WRONG_ROLES)
def test_the_wrong_role_gets_403_and_nothing_changes(request, as_user, stage, name, persona, at):
    project = stage(at)
    events_before = events(project)
    response = as_user(request.getfixturevalue(persona)).post(action_url(name, project), ACTIONS[name][1])
    assert response.status_code == 403
    assert status_of(project) == at
    assert events(project) == events_before


def test_the_fm6rd_coordinator_cannot_decide_indhs_line_even_with_a_line_in_the_project(as_user, rsk_fm6rd, stage):
    project = stage("studied")
    indh_line = line_of(project, "INDH")
    response = as_user(rsk_fm6rd).post(url("approve_line", project, indh_line.pk))
    assert response.status_code == 403
    assert decision_of(indh_line) == FundingLine.Decision.PENDING


def test_a_line_of_another_project_answers_404(as_user, khemisset_indh, stage):
    project, other = stage("studied"), stage("studied")
    response = as_user(khemisset_indh).post(url("approve_line", project, line_of(other, "INDH").pk))
    assert response.status_code == 404
    assert decision_of(line_of(other, "INDH")) == FundingLine.Decision.PENDING


@pytest.mark.parametrize("name", ["approve_line", "reject_line"])
def test_whoever_submitted_the_project_gets_403_with_the_reason_and_nothing_changes(
    as_user, khemisset_staff, stage, name
):
    project = stage("studied")
    # The staff member who submitted it later becomes INDH's coordinator in the province.
    khemisset_staff.role, khemisset_staff.partner = "coordinator", partner("INDH")
    khemisset_staff.save()
    response = as_user(khemisset_staff).post(action_url(name, project), ACTIONS[name][1])
    assert response.status_code == 403
    assert "You submitted this project: someone else must decide on its funding." in response.content.decode()
    assert decision_of(line_of(project, "INDH")) == FundingLine.Decision.PENDING
    assert status_of(project) == Status.STUDIED


# --- submit --------------------------------------------------------------------------------


def test_staff_submit_a_complete_draft(as_user, khemisset_staff, stage):
    project = stage("draft")
    response = as_user(khemisset_staff).post(url("submit", project))
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["The project is submitted: ANAPEC studies it next."]
    assert status_of(project) == Status.SUBMITTED
    assert events(project) == [ProjectEvent.Action.SUBMIT]
    assert person_status(project) == Beneficiary.Status.PROJECT_IN_PREPARATION


def test_a_draft_without_the_persons_consent_to_share_is_not_submitted_and_says_why(
    as_user, khemisset_staff, convention
):
    lead = consent(BeneficiaryFactory(first_name="Karim", last_name="Tazi"), "programme")
    project = draft(convention, khemisset_staff, lead=lead)
    response = as_user(khemisset_staff).post(url("submit", project))
    assert_back_on_the_project(response, project)
    said = messages_of(response)
    assert said[0] == "The project cannot be submitted yet:"
    assert len(said) == 2 and "Karim" in said[1] and "no valid consent" in said[1]
    assert status_of(project) == Status.DRAFT
    assert events(project) == []
    assert person_status(project) == Beneficiary.Status.REGISTERED


def test_submitting_twice_says_the_project_is_already_submitted(as_user, khemisset_staff, stage):
    project = stage("submitted")
    response = as_user(khemisset_staff).post(url("submit", project))
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["This project is submitted: this action is not possible any more."]
    assert events(project) == [ProjectEvent.Action.SUBMIT]


# --- study ---------------------------------------------------------------------------------

STUDY = {"feasible": "yes", "expected_monthly_revenue": "4500.50", "recommended_amount": "28000", "notes": "Bon local"}


def test_the_study_form_recommends_what_the_partners_are_asked_for(as_user, rsk_coordinator, stage):
    project = stage("submitted")
    response = as_user(rsk_coordinator).get(url("record_study", project))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["recommended_amount"].value() == Decimal("28000.00")
    assert 'value="28000.00"' in response.content.decode()


def test_anapec_records_a_feasible_study(as_user, rsk_coordinator, stage):
    project = stage("submitted")
    response = as_user(rsk_coordinator).post(url("record_study", project), STUDY)
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["The study is recorded: each funding partner now decides on its line."]
    assert status_of(project) == Status.STUDIED
    assert events(project) == ["submit", "study"]
    study = Study.objects.get(project=project)
    assert (study.feasible, study.expected_monthly_revenue, study.recommended_amount) == (
        True,
        Decimal("4500.50"),
        Decimal("28000.00"),
    )
    assert study.partner == partner("ANAPEC") and study.recorded_by == rsk_coordinator and not study.document


def test_a_study_that_finds_the_project_not_feasible_rejects_it(as_user, rsk_coordinator, stage):
    project = stage("submitted")
    response = as_user(rsk_coordinator).post(url("record_study", project), {**STUDY, "feasible": "no"})
    assert messages_of(response) == ["The study is recorded: the project is not feasible, so it is rejected."]
    assert status_of(project) == Status.REJECTED
    assert events(project, "study") == ["study"]


def test_amounts_typed_with_a_decimal_comma_are_read_in_french(client, as_user, rsk_coordinator, stage):
    client.cookies["idmaj_language"] = "fr"
    project = stage("submitted")
    as_user(rsk_coordinator).post(url("record_study", project), {**STUDY, "expected_monthly_revenue": "4500,50"})
    assert Study.objects.get(project=project).expected_monthly_revenue == Decimal("4500.50")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("feasible", "", "Say whether the project is feasible."),
        ("expected_monthly_revenue", "-1", "Ensure this value is greater than or equal to 0."),
        ("recommended_amount", "12.345", "Ensure that there are no more than 2 decimal places."),
        ("notes", "Bon\x01local", "invisible or control character (U+0001)"),
    ],
)
def test_a_refused_study_form_says_why_and_records_nothing(as_user, rsk_coordinator, stage, field, value, error):
    project = stage("submitted")
    response = as_user(rsk_coordinator).post(url("record_study", project), {**STUDY, field: value})
    assert response.status_code == 200
    assert any(error in message for message in response.context["form"].errors[field])
    assert status_of(project) == Status.SUBMITTED
    assert not Study.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_study_of_a_project_already_studied_is_refused_with_a_message(as_user, rsk_coordinator, stage, method):
    project = stage("studied")
    response = getattr(as_user(rsk_coordinator), method)(url("record_study", project), STUDY)
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["This project is studied: this action is not possible any more."]
    assert Study.objects.filter(project=project).count() == 1


# --- approve and reject a line -------------------------------------------------------------


def test_the_indh_coordinator_approves_indhs_line_and_the_project_waits_for_fm6rd(as_user, khemisset_indh, stage):
    project = stage("studied")
    line = line_of(project, "INDH")
    response = as_user(khemisset_indh).post(url("approve_line", project, line.pk), {"comment": "Conforme"})
    assert_back_on_the_project(response, project)
    assert messages_of(response) == [
        "The line of INDH (20,000.00\u00a0MAD) is approved; the other partners decide on theirs."
    ]
    assert decision_of(line) == FundingLine.Decision.APPROVED
    assert status_of(project) == Status.STUDIED
    assert events(project, "approve_line") == ["approve_line"]
    assert events(project, "approve") == []
    assert ProjectEvent.objects.get(action="approve_line").comment == "Conforme"


def test_approving_the_last_line_approves_the_project_with_two_events(as_user, khemisset_indh, rsk_fm6rd, stage):
    project = stage("studied")
    project.approve_line(line_of(project, "INDH"), by=khemisset_indh)
    response = as_user(rsk_fm6rd).post(url("approve_line", project, line_of(project, "FM6RD").pk))
    assert messages_of(response) == [
        "The line of FM6RD (8,000.00\u00a0MAD) is approved: every line is, so the project is approved."
    ]
    assert status_of(project) == Status.APPROVED
    assert events(project)[-2:] == ["approve_line", "approve"]
    assert len(events(project)) == 5  # submit, study, two lines, the approval


def test_an_approval_beyond_what_is_left_names_the_remaining_amount(as_user, khemisset_staff, khemisset_indh, stage):
    project = stage("studied", indh="20000")
    earlier = stage("studied", indh="1190000", fm6rd=None, own="0")
    earlier.approve_line(line_of(earlier, "INDH"), by=khemisset_indh)  # 10,000 of INDH's 1,200,000 left
    response = as_user(khemisset_indh).post(url("approve_line", project, line_of(project, "INDH").pk))
    assert_back_on_the_project(response, project)
    assert messages_of(response) == [
        "Not enough left: INDH has 10,000.00\u00a0MAD left in convention KHE-2020-FM6RD-CPDH, "
        "and this line asks for 20,000.00\u00a0MAD."
    ]
    assert decision_of(line_of(project, "INDH")) == FundingLine.Decision.PENDING
    assert events(project, "approve_line") == []


def test_a_line_already_approved_is_not_approved_twice(as_user, khemisset_indh, stage):
    project = stage("studied")
    project.approve_line(line_of(project, "INDH"), by=khemisset_indh)  # in another tab, say
    response = as_user(khemisset_indh).post(url("approve_line", project, line_of(project, "INDH").pk))
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["This line was already decided: approved."]
    assert events(project, "approve_line") == ["approve_line"]


def test_a_line_of_a_project_not_yet_studied_cannot_be_decided(as_user, khemisset_indh, stage):
    project = stage("submitted")
    response = as_user(khemisset_indh).post(url("approve_line", project, line_of(project, "INDH").pk))
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["This project is submitted: this action is not possible any more."]
    assert decision_of(line_of(project, "INDH")) == FundingLine.Decision.PENDING


def test_an_approval_comment_with_a_control_character_is_refused(as_user, khemisset_indh, stage):
    project = stage("studied")
    response = as_user(khemisset_indh).post(
        url("approve_line", project, line_of(project, "INDH").pk), {"comment": "a\x1bb"}
    )
    assert_back_on_the_project(response, project)
    assert "U+001B" in messages_of(response)[0]
    assert decision_of(line_of(project, "INDH")) == FundingLine.Decision.PENDING


def test_the_indh_coordinator_rejects_indhs_line_and_the_project_with_it(as_user, khemisset_indh, stage):
    project = stage("studied")
    line = line_of(project, "INDH")
    response = as_user(khemisset_indh).post(url("reject_line", project, line.pk), {"reason": "Activité déjà financée"})
    assert_back_on_the_project(response, project)
    assert messages_of(response) == [
        "The line of INDH is rejected, and with it the project: the provincial staff may revise it."
    ]
    assert status_of(project) == Status.REJECTED
    assert FundingLine.objects.get(pk=line.pk).decision_reason == "Activité déjà financée"
    assert events(project, "reject_line") == ["reject_line"]


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_rejection_without_a_reason_is_refused(as_user, khemisset_indh, stage, reason):
    project = stage("studied")
    response = as_user(khemisset_indh).post(
        url("reject_line", project, line_of(project, "INDH").pk), {"reason": reason}
    )
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["Say why the line is rejected."]
    assert status_of(project) == Status.STUDIED
    assert decision_of(line_of(project, "INDH")) == FundingLine.Decision.PENDING


# --- reopen, withdraw, close ---------------------------------------------------------------


def test_staff_reopen_a_rejected_project_as_a_new_revision(as_user, khemisset_staff, stage):
    project = stage("rejected")
    response = as_user(khemisset_staff).post(url("reopen", project), {"comment": "Devis revu"})
    assert messages_of(response) == ["The project is a draft again (revision 2): revise it, then submit it again."]
    project.refresh_from_db()
    assert (project.status, project.revision) == (Status.DRAFT, 2)
    assert set(project.lines.values_list("decision", flat=True)) == {FundingLine.Decision.PENDING}
    assert events(project, "reopen") == ["reopen"]


def test_reopening_a_project_that_is_not_rejected_is_refused(as_user, khemisset_staff, stage):
    project = stage("studied")
    response = as_user(khemisset_staff).post(url("reopen", project))
    assert messages_of(response) == ["This project is studied: this action is not possible any more."]
    assert status_of(project) == Status.STUDIED


def test_staff_withdraw_a_submitted_project_and_the_person_is_accompanied_again(as_user, khemisset_staff, stage):
    project = stage("submitted")
    assert person_status(project) == Beneficiary.Status.PROJECT_IN_PREPARATION
    response = as_user(khemisset_staff).post(url("withdraw", project), {"reason": "A trouvé un emploi salarié"})
    assert messages_of(response) == ["The project is withdrawn."]
    assert status_of(project) == Status.WITHDRAWN
    assert events(project, "withdraw") == ["withdraw"]
    assert person_status(project) == Beneficiary.Status.ACCOMPANIED


def test_a_person_with_another_project_stays_in_preparation_when_one_is_withdrawn(
    as_user, khemisset_staff, convention, stage
):
    project = stage("submitted")
    submitted(convention, khemisset_staff, lead=project.lead)
    as_user(khemisset_staff).post(url("withdraw", project), {"reason": "Doublon"})
    assert status_of(project) == Status.WITHDRAWN
    assert person_status(project) == Beneficiary.Status.PROJECT_IN_PREPARATION


def test_a_withdrawal_without_a_reason_is_refused(as_user, khemisset_staff, stage):
    project = stage("submitted")
    response = as_user(khemisset_staff).post(url("withdraw", project), {"reason": ""})
    assert messages_of(response) == ["Say why the project is withdrawn."]
    assert status_of(project) == Status.SUBMITTED
    assert person_status(project) == Beneficiary.Status.PROJECT_IN_PREPARATION


def test_a_studied_project_cannot_be_withdrawn(as_user, khemisset_staff, stage):
    project = stage("studied")
    response = as_user(khemisset_staff).post(url("withdraw", project), {"reason": "Doublon"})
    assert messages_of(response) == ["This project is studied: this action is not possible any more."]
    assert status_of(project) == Status.STUDIED


def test_staff_close_a_funded_project_with_its_outcome(as_user, khemisset_staff, stage):
    project = stage("funded")
    response = as_user(khemisset_staff).post(url("close", project), {"outcome": "thriving", "comment": "Deux ans"})
    assert messages_of(response) == ["The project is closed: thriving."]
    project.refresh_from_db()
    assert (project.status, project.outcome, project.next_visit_due) == (Status.CLOSED, "thriving", None)
    assert events(project, "close") == ["close"]


@pytest.mark.parametrize("outcome", ["", "exploded"])
def test_closing_without_a_valid_outcome_is_refused(as_user, khemisset_staff, stage, outcome):
    project = stage("funded")
    response = as_user(khemisset_staff).post(url("close", project), {"outcome": outcome})
    assert_back_on_the_project(response, project)
    assert len(messages_of(response)) == 1
    assert status_of(project) == Status.FUNDED


def test_a_project_not_yet_funded_cannot_be_closed(as_user, khemisset_staff, stage):
    project = stage("approved")
    response = as_user(khemisset_staff).post(url("close", project), {"outcome": "thriving"})
    assert messages_of(response) == ["This project is approved: this action is not possible any more."]
    assert status_of(project) == Status.APPROVED


# --- follow-up visits ----------------------------------------------------------------------


def visit(**overrides):
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "business_status": "operating",
        "equipment_in_use": "yes",
        "monthly_revenue": "3000",
        "jobs": "2",
        "notes": "Atelier ouvert",
        "next_visit_due": add_months(timezone.localdate(), 3).isoformat(),
    }
    return {**data, **overrides}


def test_the_first_visit_form_proposes_today_and_the_next_milestone(as_user, rsk_coordinator, stage):
    project = stage("approved")
    response = as_user(rsk_coordinator).get(url("record_visit", project))
    assert response.status_code == 200
    form = response.context["form"]
    today = timezone.localdate()
    assert form["visited_on"].value() == today
    # Approved today: the first visit is due three months later.
    assert form["next_visit_due"].value() == add_months(today, 3) == project.milestone_after(today)
    assert form["business_status"].value() is None


def test_the_visit_form_is_prefilled_from_the_previous_visit(as_user, khemisset_staff, rsk_coordinator, stage):
    project = stage("approved")
    project.record_visit(
        by=rsk_coordinator,
        visited_on=timezone.localdate(),  # approved today: no visit can come before it
        business_status=FollowUpVisit.BusinessStatus.STRUGGLING,
        equipment_in_use=False,
        monthly_revenue=Decimal("1500"),
        jobs=3,
        notes="Peu de clients",
        next_visit_due=add_months(timezone.localdate(), 3),
    )
    response = as_user(khemisset_staff).get(url("record_visit", project))
    form = response.context["form"]
    prefilled = {
        name: form[name].value() for name in ("business_status", "equipment_in_use", "monthly_revenue", "jobs")
    }
    assert prefilled == {
        "business_status": "struggling",
        "equipment_in_use": "no",
        "monthly_revenue": Decimal("1500.00"),
        "jobs": 3,
    }
    assert form["notes"].value() is None  # what was seen last time is not this visit's notes
    assert "pre-filled from the previous visit" in response.content.decode()


def test_four_months_after_the_approval_the_next_visit_proposed_is_the_six_month_one(as_user, khemisset_staff, stage):
    project = stage("approved")
    approved_on = add_months(timezone.localdate(), -4)
    MicroProject.objects.filter(pk=project.pk).update(approved_on=approved_on)
    response = as_user(khemisset_staff).get(url("record_visit", project))
    assert response.context["form"]["next_visit_due"].value() == add_months(approved_on, 6)


def test_after_the_24_month_visit_no_next_visit_is_proposed(as_user, khemisset_staff, stage):
    project = stage("approved")
    MicroProject.objects.filter(pk=project.pk).update(approved_on=add_months(timezone.localdate(), -25))
    response = as_user(khemisset_staff).get(url("record_visit", project))
    assert response.context["form"]["next_visit_due"].value() is None


def test_the_first_visit_is_recorded_and_the_person_is_followed_up(as_user, rsk_coordinator, stage):
    project = stage("approved")
    response = as_user(rsk_coordinator).post(url("record_visit", project), visit())
    assert_back_on_the_project(response, project)
    due = add_months(timezone.localdate(), 3)
    assert messages_of(response) == [f"The visit is recorded. The next one is due on {due:%d/%m/%Y}."]
    recorded = FollowUpVisit.objects.get(project=project)
    assert (recorded.visitor, recorded.equipment_in_use, recorded.monthly_revenue) == (
        rsk_coordinator,
        True,
        Decimal("3000.00"),
    )
    project.refresh_from_db()
    assert project.next_visit_due == due
    assert events(project, "visit") == ["visit"]
    assert person_status(project) == Beneficiary.Status.FOLLOWED_UP


def test_a_last_visit_plans_no_other(as_user, khemisset_staff, stage):
    project = stage("approved")
    response = as_user(khemisset_staff).post(url("record_visit", project), visit(next_visit_due=""))
    assert messages_of(response) == ["The visit is recorded. No further visit is planned."]
    assert MicroProject.objects.get(pk=project.pk).next_visit_due is None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("visited_on", "2999-01-01", "A visit cannot be recorded before it happens."),
        ("next_visit_due", "2020-01-01", "The next visit must fall after this one."),
        ("monthly_revenue", "-5", "Ensure this value is greater than or equal to 0."),
        ("equipment_in_use", "", "Say whether the equipment is still in use."),
        ("notes", "ok\x00", "U+0000"),
    ],
)
def test_a_refused_visit_says_why_and_records_nothing(as_user, khemisset_staff, stage, field, value, error):
    project = stage("approved")
    response = as_user(khemisset_staff).post(url("record_visit", project), visit(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(error in message for message in [*form.errors.get(field, []), *form.non_field_errors()])
    assert not FollowUpVisit.objects.exists()
    assert person_status(project) == Beneficiary.Status.PROJECT_IN_PREPARATION


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_project_not_yet_approved_gets_no_visit(as_user, khemisset_staff, stage, method):
    project = stage("studied")
    response = getattr(as_user(khemisset_staff), method)(url("record_visit", project), visit())
    assert_back_on_the_project(response, project)
    assert messages_of(response) == ["This project is studied: this action is not possible any more."]
    assert not FollowUpVisit.objects.exists()
