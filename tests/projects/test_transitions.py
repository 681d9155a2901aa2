"""Every transition of a micro-project at the model level: who may make it, from which status, what
the funding plan and the consents must hold, the event it writes, and what a refusal leaves (nothing
changed). The views answer 404 before a model refusal for what is out of scope; here the model
refuses on its own (PermissionDenied), so a forgotten check in a view cannot open a door."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import translation

from accounts.models import User
from beneficiaries.models import Beneficiary, Consent
from projects.models import FundingLine, MicroProject, ProjectEvent, Study
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

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def convention():
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH")
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    contribute(convention, "ANAPEC", "0", in_kind="technical and financial study, coaching and follow-up")
    return convention


@pytest.fixture
def project(convention, khemisset_staff):
    """A draft: 20,000 MAD from INDH, 8,000 from FM6RD, 2,000 of the person's own, 30,000 in all."""
    project = ProjectFactory(
        title="Atelier de couture",
        total_cost=Decimal("30000"),
        own_contribution=Decimal("2000"),
        created_by=khemisset_staff,
    )
    fund(project, convention, "INDH", "20000")
    fund(project, convention, "FM6RD", "8000", kind="cash")
    return project


def line_of(project, acronym) -> FundingLine:
    return project.lines.get(partner__acronym=acronym)


def study(project, by, *, feasible=True, notes=""):
    return project.record_study(
        by=by,
        feasible=feasible,
        expected_monthly_revenue=Decimal("4000"),
        recommended_amount=Decimal("28000"),
        notes=notes,
    )


@pytest.fixture
def submitted(project, khemisset_staff):
    project.submit(by=khemisset_staff)
    return project


@pytest.fixture
def studied(submitted, rsk_coordinator):
    study(submitted, rsk_coordinator)
    return submitted


@pytest.fixture
def rejected(studied, rsk_fm6rd):
    studied.reject_line(line_of(studied, "FM6RD"), by=rsk_fm6rd, reason="Hors de nos priorités")
    return studied


@pytest.fixture
def approved(studied, khemisset_indh, rsk_fm6rd):
    studied.approve_line(line_of(studied, "INDH"), by=khemisset_indh)
    studied.approve_line(line_of(studied, "FM6RD"), by=rsk_fm6rd)
    return studied


def delivered(project, on=date(2026, 3, 1)):
    """What the disbursements app does at the first delivery (not written yet): the project is funded."""
    MicroProject.objects.filter(pk=project.pk).update(status=MicroProject.Status.FUNDED, first_delivery_on=on)
    project.refresh_from_db()
    return project


# --- what a refusal must leave -----------------------------------------------------------------


def snapshot(project):
    """Everything a transition writes, read again from the database."""
    current = MicroProject.objects.get(pk=project.pk)
    lines = list(current.lines.order_by("pk").values_list("decision", "decided_by", "decision_reason"))
    people = [person.status for person in Beneficiary.objects.filter(pk__in=[p.pk for p in current.beneficiaries()])]
    return {
        "project": (current.status, current.revision, current.submitted_by_id, current.outcome, current.approved_on),
        "lines": lines,
        "events": current.events.count(),
        "studies": Study.objects.filter(project=current).count(),
        "people": people,
    }


def refused(project, error, attempt, *, code=None):
    """`attempt` raises `error` (with `code`) and leaves the project, its lines and people as they were."""
    before = snapshot(project)
    with pytest.raises(error) as caught:
        attempt()
    if code:
        assert caught.value.code == code
    assert snapshot(project) == before
    return caught.value


# --- submit: draft → submitted -----------------------------------------------------------------


def test_staff_of_the_province_submit_a_complete_draft(project, khemisset_staff):
    project.submit(by=khemisset_staff)
    project.refresh_from_db()
    assert project.status == MicroProject.Status.SUBMITTED
    assert project.submitted_by == khemisset_staff and project.submitted_at is not None
    assert Beneficiary.objects.get(pk=project.lead_id).status == Beneficiary.Status.PROJECT_IN_PREPARATION


def test_an_administrator_may_submit_too(project, admin_user):
    project.submit(by=admin_user)
    assert project.status == MicroProject.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["rsk_coordinator", "khemisset_indh", "khemisset_official"])
def test_other_roles_may_not_submit(request, project, persona):
    refused(project, PermissionDenied, lambda: project.submit(by=request.getfixturevalue(persona)))


def test_staff_of_another_province_may_not_submit(project, rabat_staff):
    refused(project, PermissionDenied, lambda: project.submit(by=rabat_staff))


def test_an_inactive_member_of_staff_may_not_submit(project, khemisset_staff):
    khemisset_staff.is_active = False
    khemisset_staff.save()
    refused(project, PermissionDenied, lambda: project.submit(by=khemisset_staff))


def test_a_submitted_project_is_not_submitted_twice(submitted, khemisset_staff):
    error = refused(submitted, ValidationError, lambda: submitted.submit(by=khemisset_staff), code="bad_transition")
    assert error.messages == ["This project is submitted: this action is not possible any more."]


# --- the funding plan ----------------------------------------------------------------------------


def submit_refused(project, staff) -> list[str]:
    return refused(project, ValidationError, lambda: project.submit(by=staff)).messages


def test_a_plan_without_a_funding_line_is_refused(khemisset_staff):
    project = ProjectFactory(created_by=khemisset_staff)
    assert submit_refused(project, khemisset_staff) == ["Add at least one funding line."]


def test_lines_and_own_contribution_must_add_up_to_the_total_cost(project, khemisset_staff):
    FundingLine.objects.filter(pk=line_of(project, "FM6RD").pk).update(amount=Decimal("7000"))
    assert submit_refused(project, khemisset_staff) == [
        f"The funding lines and the own contribution add up to 29,000.00{NBSP}MAD, "
        f"not the total cost of 30,000.00{NBSP}MAD."
    ]


def one_line_project(staff, convention, acronym="INDH"):
    project = ProjectFactory(total_cost=Decimal("30000"), created_by=staff)
    fund(project, convention, acronym, "30000")
    return project


def convention_with(acronym="INDH", **place):
    convention = ConventionFactory(**place)
    contribute(convention, acronym, "500000")
    return convention


def test_a_convention_of_another_province_does_not_fund_a_khemisset_project(khemisset_staff):
    rabat = convention_with(reference="RAB-2021-INDH", province=province(RABAT))
    project = one_line_project(khemisset_staff, rabat)
    assert submit_refused(project, khemisset_staff) == ["Convention RAB-2021-INDH does not cover Khémisset."]


def test_a_regional_convention_of_the_region_funds_a_khemisset_project(khemisset_staff):
    regional = convention_with(reference="RSK-2021", scope="region", province=None, region=region("04"))
    project = one_line_project(khemisset_staff, regional)
    project.submit(by=khemisset_staff)
    assert project.status == MicroProject.Status.SUBMITTED


def test_a_regional_convention_of_another_region_does_not(khemisset_staff):
    casablanca = convention_with(reference="CS-2021", scope="region", province=None, region=region("06"))
    project = one_line_project(khemisset_staff, casablanca)
    assert submit_refused(project, khemisset_staff) == ["Convention CS-2021 does not cover Khémisset."]


def test_a_national_convention_funds_a_project_of_any_province(rabat_staff):
    national = convention_with(reference="NAT-2022", scope="national", province=None)
    project = ProjectFactory(
        lead=consent(BeneficiaryFactory(province=province(RABAT))), total_cost=Decimal("30000"), created_by=rabat_staff
    )
    fund(project, national, "INDH", "30000")
    project.submit(by=rabat_staff)
    assert project.status == MicroProject.Status.SUBMITTED


def test_a_line_of_a_partner_without_a_contribution_in_its_convention_is_refused(khemisset_staff):
    indh_only = convention_with(reference="KHE-2021-INDH")
    project = one_line_project(khemisset_staff, indh_only, acronym="FM6RD")
    assert submit_refused(project, khemisset_staff) == ["FM6RD has no contribution in convention KHE-2021-INDH."]


def test_a_project_nobody_studies_is_refused(project, khemisset_staff):
    MicroProject.objects.filter(pk=project.pk).update(technical_partner=None)
    project.refresh_from_db()
    assert submit_refused(project, khemisset_staff) == ["Choose the technical partner that studies the project."]


def test_every_problem_of_the_plan_is_said_at_once(khemisset_staff):
    rabat = ConventionFactory(reference="RAB-2021", province=province(RABAT))  # no contribution at all
    project = ProjectFactory(total_cost=Decimal("30000"), technical_partner=None, created_by=khemisset_staff)
    fund(project, rabat, "INDH", "10000")
    assert submit_refused(project, khemisset_staff) == [
        f"The funding lines and the own contribution add up to 10,000.00{NBSP}MAD, "
        f"not the total cost of 30,000.00{NBSP}MAD.",
        "Convention RAB-2021 does not cover Khémisset.",
        "INDH has no contribution in convention RAB-2021.",
        "Choose the technical partner that studies the project.",
    ]


# --- consents --------------------------------------------------------------------------------------

PROGRAMME = "Registration and support in the programme"
PARTNERS = "Sharing with partners for study, funding and follow-up"


def project_of(lead, convention, staff, *co_beneficiaries):
    project = ProjectFactory(lead=lead, total_cost=Decimal("30000"), created_by=staff)
    project.co_beneficiaries.add(*co_beneficiaries)
    fund(project, convention, "INDH", "30000")
    return project


def test_a_lead_without_a_programme_consent_is_refused(convention, khemisset_staff):
    lead = consent(BeneficiaryFactory(), Consent.Purpose.PARTNERS)
    project = project_of(lead, convention, khemisset_staff)
    assert submit_refused(project, khemisset_staff) == [f"{lead.display_name()} has no valid consent: {PROGRAMME}."]


def test_a_withdrawn_programme_consent_no_longer_counts(convention, khemisset_staff):
    lead = consent(BeneficiaryFactory())
    lead.consents.get(purpose=Consent.Purpose.PROGRAMME).withdraw(date(2025, 2, 1), by=khemisset_staff)
    project = project_of(lead, convention, khemisset_staff)
    assert submit_refused(project, khemisset_staff) == [f"{lead.display_name()} has no valid consent: {PROGRAMME}."]


def test_a_lead_who_did_not_agree_to_sharing_with_partners_is_refused(convention, khemisset_staff):
    lead = consent(BeneficiaryFactory(), Consent.Purpose.PROGRAMME)
    project = project_of(lead, convention, khemisset_staff)
    assert submit_refused(project, khemisset_staff) == [f"{lead.display_name()} has no valid consent: {PARTNERS}."]


def test_a_consent_dated_after_today_does_not_count_yet(convention, khemisset_staff):
    lead = consent(BeneficiaryFactory(), Consent.Purpose.PROGRAMME)
    consent(lead, Consent.Purpose.PARTNERS, given_on=date(2099, 1, 1))
    project = project_of(lead, convention, khemisset_staff)
    assert submit_refused(project, khemisset_staff) == [f"{lead.display_name()} has no valid consent: {PARTNERS}."]


def test_each_co_beneficiary_needs_both_consents_too(convention, khemisset_staff):
    lead = consent(BeneficiaryFactory())
    ready = consent(BeneficiaryFactory())
    missing = consent(BeneficiaryFactory(first_name="Samira", last_name="Bennani"), Consent.Purpose.PROGRAMME)
    project = project_of(lead, convention, khemisset_staff, ready, missing)
    assert submit_refused(project, khemisset_staff) == [f"Samira Bennani has no valid consent: {PARTNERS}."]
    missing.consents.create(purpose=Consent.Purpose.PARTNERS, given_on=date(2025, 1, 1), recorded_by=khemisset_staff)
    project.submit(by=khemisset_staff)
    statuses = set(Beneficiary.objects.filter(pk__in=[lead.pk, ready.pk, missing.pk]).values_list("status", flat=True))
    assert statuses == {Beneficiary.Status.PROJECT_IN_PREPARATION}  # everyone in it moves on


# --- record_study: submitted → studied, or rejected -------------------------------------------------


def test_the_technical_partners_coordinator_records_the_study(submitted, rsk_coordinator):
    recorded = study(submitted, rsk_coordinator, notes="Marché local porteur")
    assert submitted.status == MicroProject.Status.STUDIED
    assert (recorded.revision, recorded.partner, recorded.feasible) == (1, partner("ANAPEC"), True)
    assert recorded.recorded_by == rsk_coordinator


def test_a_study_that_finds_the_project_not_feasible_rejects_it(submitted, rsk_coordinator):
    study(submitted, rsk_coordinator, feasible=False, notes="Local inadapté")
    assert MicroProject.objects.get(pk=submitted.pk).status == MicroProject.Status.REJECTED
    assert Study.objects.get(project=submitted).feasible is False


@pytest.mark.parametrize("persona", ["khemisset_staff", "admin_user", "khemisset_indh", "rsk_fm6rd"])
def test_only_the_technical_partner_studies(request, submitted, persona):
    """Staff and admins have no partner; INDH and FM6RD fund this project but do not study it."""
    refused(submitted, PermissionDenied, lambda: study(submitted, request.getfixturevalue(persona)))


def test_the_technical_partners_coordinator_of_another_region_may_not_study(submitted):
    casablanca = UserFactory(
        username="cs.anapec", role=User.Role.COORDINATOR, province=None, region=region("06"), partner=partner("ANAPEC")
    )
    refused(submitted, PermissionDenied, lambda: study(submitted, casablanca))


def test_a_draft_is_not_the_technical_partners_to_study(project, rsk_coordinator):
    """Not submitted: the coordinator does not even see it (the view answers 404)."""
    refused(project, PermissionDenied, lambda: study(project, rsk_coordinator))


def test_a_studied_project_is_not_studied_twice(studied, rsk_coordinator):
    refused(studied, ValidationError, lambda: study(studied, rsk_coordinator), code="bad_transition")


def test_a_study_with_a_negative_amount_is_refused_and_changes_nothing(submitted, rsk_coordinator):
    attempt = lambda: submitted.record_study(  # noqa: E731
        by=rsk_coordinator, feasible=True, expected_monthly_revenue=Decimal("-1"), recommended_amount=Decimal("1")
    )
    error = refused(submitted, ValidationError, attempt)
    assert "expected_monthly_revenue" in error.message_dict


# --- approve_line and reject_line ----------------------------------------------------------------


def committed(convention, acronym) -> Decimal:
    return FundingLine.objects.committed(convention.pk, partner(acronym).pk)


def test_each_funder_approves_its_own_line_and_the_last_approval_approves_the_project(
    studied, convention, khemisset_indh, rsk_fm6rd
):
    studied.approve_line(line_of(studied, "INDH"), by=khemisset_indh, comment="Conforme")
    assert studied.status == MicroProject.Status.STUDIED
    assert committed(convention, "INDH") == Decimal("20000")
    indh = line_of(studied, "INDH")
    assert (indh.decision, indh.decided_by, indh.decision_reason) == ("approved", khemisset_indh, "Conforme")
    studied.approve_line(line_of(studied, "FM6RD"), by=rsk_fm6rd)
    assert studied.status == MicroProject.Status.APPROVED
    assert studied.approved_on is not None
    assert committed(convention, "FM6RD") == Decimal("8000")


@pytest.mark.parametrize(
    ("persona", "acronym"),
    [
        ("rsk_fm6rd", "INDH"),  # another funder's line
        ("khemisset_indh", "FM6RD"),
        ("rsk_coordinator", "INDH"),  # the technical partner funds nothing here
        ("khemisset_staff", "INDH"),  # staff and admins act for no partner
        ("admin_user", "INDH"),
    ],
)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_only_the_lines_partner_decides_on_it(request, studied, persona, acronym, decision):
    user, line = request.getfixturevalue(persona), line_of(studied, acronym)
    if decision == "approve":
        attempt = lambda: studied.approve_line(line, by=user)  # noqa: E731
    else:
        attempt = lambda: studied.reject_line(line, by=user, reason="Non")  # noqa: E731
    refused(studied, PermissionDenied, attempt)


def test_the_funders_coordinator_of_another_province_may_not_decide(studied):
    rabat_indh = UserFactory(
        username="rabat.indh", role=User.Role.COORDINATOR, province=province(RABAT), partner=partner("INDH")
    )
    refused(studied, PermissionDenied, lambda: studied.approve_line(line_of(studied, "INDH"), by=rabat_indh))


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_whoever_submitted_the_project_never_decides_on_its_funding(studied, khemisset_staff, decision):
    """The staff member who submitted it later becomes INDH's coordinator in the province."""
    khemisset_staff.role, khemisset_staff.partner = User.Role.COORDINATOR, partner("INDH")
    khemisset_staff.save()
    line = line_of(studied, "INDH")
    if decision == "approve":
        attempt = lambda: studied.approve_line(line, by=khemisset_staff)  # noqa: E731
    else:
        attempt = lambda: studied.reject_line(line, by=khemisset_staff, reason="Non")  # noqa: E731
    error = refused(studied, PermissionDenied, attempt)
    assert str(error) == "You submitted this project: someone else must decide on its funding."


def test_no_line_is_decided_before_the_study(submitted, khemisset_indh):
    attempt = lambda: submitted.approve_line(line_of(submitted, "INDH"), by=khemisset_indh)  # noqa: E731
    refused(submitted, ValidationError, attempt, code="bad_transition")


def test_a_line_is_decided_once(studied, khemisset_indh):
    studied.approve_line(line_of(studied, "INDH"), by=khemisset_indh)
    attempt = lambda: studied.approve_line(line_of(studied, "INDH"), by=khemisset_indh)  # noqa: E731
    error = refused(studied, ValidationError, attempt, code="already_decided")
    assert error.messages == ["This line was already decided: approved."]


def test_a_line_of_another_project_is_refused(studied, convention, khemisset_staff, rsk_coordinator, khemisset_indh):
    other = ProjectFactory(total_cost=Decimal("5000"), created_by=khemisset_staff)
    fund(other, convention, "INDH", "5000")
    other.submit(by=khemisset_staff)
    study(other, rsk_coordinator)
    refused(studied, PermissionDenied, lambda: studied.approve_line(line_of(other, "INDH"), by=khemisset_indh))
    assert line_of(other, "INDH").decision == FundingLine.Decision.PENDING


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_rejection_needs_a_reason(studied, rsk_fm6rd, reason):
    attempt = lambda: studied.reject_line(line_of(studied, "FM6RD"), by=rsk_fm6rd, reason=reason)  # noqa: E731
    refused(studied, ValidationError, attempt, code="reason_required")


def test_any_rejection_rejects_the_project_and_releases_the_lines_already_approved(
    studied, convention, khemisset_indh, rsk_fm6rd
):
    studied.approve_line(line_of(studied, "INDH"), by=khemisset_indh)
    assert committed(convention, "INDH") == Decimal("20000")
    studied.reject_line(line_of(studied, "FM6RD"), by=rsk_fm6rd, reason="Hors de nos priorités")
    assert studied.status == MicroProject.Status.REJECTED
    assert committed(convention, "INDH") == Decimal("0")  # INDH's 20,000 MAD are free again
    fm6rd = line_of(studied, "FM6RD")
    assert (fm6rd.decision, fm6rd.decision_reason) == ("rejected", "Hors de nos priorités")


def test_a_rejected_project_takes_no_more_decisions(rejected, khemisset_indh):
    attempt = lambda: rejected.approve_line(line_of(rejected, "INDH"), by=khemisset_indh)  # noqa: E731
    refused(rejected, ValidationError, attempt, code="bad_transition")


# --- reopen: rejected → draft ------------------------------------------------------------------


def test_reopening_starts_a_revision_with_every_line_waiting_again(rejected, khemisset_staff):
    rejected.reopen(by=khemisset_staff, comment="Nouveau local trouvé")
    project = MicroProject.objects.get(pk=rejected.pk)
    assert (project.status, project.revision) == (MicroProject.Status.DRAFT, 2)
    assert list(project.lines.values_list("decision", "decided_by", "decided_at", "decision_reason")) == [
        ("pending", None, None, ""),
        ("pending", None, None, ""),
    ]
    assert list(Study.objects.filter(project=project).values_list("revision", flat=True)) == [1]  # kept
    assert line_of(project, "FM6RD").history.filter(decision="rejected").exists()  # and the decision, in history


def test_the_revision_is_studied_again_next_to_the_first_study(rejected, khemisset_staff, rsk_coordinator):
    rejected.reopen(by=khemisset_staff)
    rejected.submit(by=khemisset_staff)
    study(rejected, rsk_coordinator)
    assert list(Study.objects.filter(project=rejected).values_list("revision", flat=True)) == [2, 1]


@pytest.mark.parametrize("state", ["project", "submitted", "studied", "approved"])
def test_only_a_rejected_project_is_reopened(request, khemisset_staff, state):
    project = request.getfixturevalue(state)
    refused(project, ValidationError, lambda: project.reopen(by=khemisset_staff), code="bad_transition")


@pytest.mark.parametrize("persona", ["rsk_coordinator", "rsk_fm6rd", "rabat_staff"])
def test_only_staff_in_scope_reopen(request, rejected, persona):
    refused(rejected, PermissionDenied, lambda: rejected.reopen(by=request.getfixturevalue(persona)))


# --- withdraw: draft or submitted → withdrawn ------------------------------------------------------


@pytest.mark.parametrize("state", ["project", "submitted"])
def test_a_draft_or_a_submitted_project_is_withdrawn(request, khemisset_staff, state):
    project = request.getfixturevalue(state)
    project.withdraw(by=khemisset_staff, reason="Le bénéficiaire a trouvé un emploi")
    assert MicroProject.objects.get(pk=project.pk).status == MicroProject.Status.WITHDRAWN


def test_withdrawing_the_only_submitted_project_brings_the_person_back_to_accompanied(submitted, khemisset_staff):
    submitted.withdraw(by=khemisset_staff, reason="Le bénéficiaire a trouvé un emploi")
    lead = Beneficiary.objects.get(pk=submitted.lead_id)
    assert lead.status == Beneficiary.Status.ACCOMPANIED
    assert lead.history.first().history_change_reason == "Project withdrawn: Le bénéficiaire a trouvé un emploi"


def test_a_person_with_another_submitted_project_stays_in_preparation(submitted, convention, khemisset_staff):
    other = ProjectFactory(lead=submitted.lead, total_cost=Decimal("5000"), created_by=khemisset_staff)
    fund(other, convention, "INDH", "5000")
    other.submit(by=khemisset_staff)
    submitted.withdraw(by=khemisset_staff, reason="Doublon")
    assert Beneficiary.objects.get(pk=submitted.lead_id).status == Beneficiary.Status.PROJECT_IN_PREPARATION


@pytest.mark.parametrize("state", ["studied", "approved", "rejected"])
def test_a_studied_project_is_no_longer_withdrawn(request, khemisset_staff, state):
    project = request.getfixturevalue(state)
    attempt = lambda: project.withdraw(by=khemisset_staff, reason="Trop tard")  # noqa: E731
    refused(project, ValidationError, attempt, code="bad_transition")


def test_a_withdrawal_needs_a_reason(project, khemisset_staff):
    refused(project, ValidationError, lambda: project.withdraw(by=khemisset_staff, reason=" "), code="reason_required")


@pytest.mark.parametrize("persona", ["rsk_coordinator", "rabat_staff", "khemisset_official"])
def test_only_staff_in_scope_withdraw(request, submitted, persona):
    attempt = lambda: submitted.withdraw(by=request.getfixturevalue(persona), reason="Non")  # noqa: E731
    refused(submitted, PermissionDenied, attempt)


# --- close: funded or operating → closed -----------------------------------------------------------


def test_a_funded_project_is_closed_with_its_outcome(approved, khemisset_staff):
    project = delivered(approved)
    project.close(by=khemisset_staff, outcome=MicroProject.Outcome.THRIVING, comment="Suivi terminé")
    project = MicroProject.objects.get(pk=project.pk)
    assert (project.status, project.outcome, project.next_visit_due) == ("closed", "thriving", None)


def test_a_project_is_closed_only_once_funded(approved, khemisset_staff):
    attempt = lambda: approved.close(by=khemisset_staff, outcome="thriving")  # noqa: E731
    refused(approved, ValidationError, attempt, code="bad_transition")


@pytest.mark.parametrize("outcome", ["", "bankrupt"])
def test_closing_needs_one_of_the_outcomes(approved, khemisset_staff, outcome):
    project = delivered(approved)
    attempt = lambda: project.close(by=khemisset_staff, outcome=outcome)  # noqa: E731
    refused(project, ValidationError, attempt, code="outcome_required")


def test_only_staff_close(approved, rsk_coordinator):
    project = delivered(approved)
    refused(project, PermissionDenied, lambda: project.close(by=rsk_coordinator, outcome="thriving"))


# --- the events ------------------------------------------------------------------------------------


def last_event(project):
    event = project.events.order_by("pk").last()
    return (event.action, event.from_status, event.to_status, event.by, event.comment, event.line, event.revision)


def test_submitting_writes_its_event(project, khemisset_staff):
    project.submit(by=khemisset_staff)
    assert last_event(project) == ("submit", "draft", "submitted", khemisset_staff, "", None, 1)


@pytest.mark.parametrize(("feasible", "to_status"), [(True, "studied"), (False, "rejected")])
def test_a_study_writes_its_event_with_its_notes(submitted, rsk_coordinator, feasible, to_status):
    study(submitted, rsk_coordinator, feasible=feasible, notes="Marché local porteur")
    assert last_event(submitted) == ("study", "submitted", to_status, rsk_coordinator, "Marché local porteur", None, 1)


def test_each_approval_writes_an_event_about_its_line_then_the_project_is_approved(studied, khemisset_indh, rsk_fm6rd):
    indh, fm6rd = line_of(studied, "INDH"), line_of(studied, "FM6RD")
    studied.approve_line(indh, by=khemisset_indh, comment="Conforme")
    assert last_event(studied) == ("approve_line", "studied", "studied", khemisset_indh, "Conforme", indh, 1)
    studied.approve_line(fm6rd, by=rsk_fm6rd)
    events = list(studied.events.order_by("pk"))[-2:]
    assert [(e.action, e.from_status, e.to_status, e.by, e.line) for e in events] == [
        ("approve_line", "studied", "studied", rsk_fm6rd, fm6rd),
        ("approve", "studied", "approved", rsk_fm6rd, None),
    ]


def test_a_rejection_writes_its_event_with_the_reason_and_the_line(studied, rsk_fm6rd):
    fm6rd = line_of(studied, "FM6RD")
    studied.reject_line(fm6rd, by=rsk_fm6rd, reason="Hors de nos priorités")
    assert last_event(studied) == ("reject_line", "studied", "rejected", rsk_fm6rd, "Hors de nos priorités", fm6rd, 1)


def test_reopening_writes_its_event_in_the_new_revision(rejected, khemisset_staff):
    rejected.reopen(by=khemisset_staff, comment="Nouveau local trouvé")
    assert last_event(rejected) == ("reopen", "rejected", "draft", khemisset_staff, "Nouveau local trouvé", None, 2)


def test_withdrawing_writes_its_event_with_the_reason(submitted, khemisset_staff):
    submitted.withdraw(by=khemisset_staff, reason="Doublon")
    assert last_event(submitted) == ("withdraw", "submitted", "withdrawn", khemisset_staff, "Doublon", None, 1)


def test_closing_writes_its_event(approved, khemisset_staff):
    project = delivered(approved)
    project.close(by=khemisset_staff, outcome="struggling", comment="Fin du suivi")
    assert last_event(project) == ("close", "funded", "closed", khemisset_staff, "Fin du suivi", None, 1)


def test_the_whole_history_of_a_revised_project_reads_in_order(rejected, khemisset_staff, rsk_coordinator):
    rejected.reopen(by=khemisset_staff)
    rejected.submit(by=khemisset_staff)
    study(rejected, rsk_coordinator)
    assert list(rejected.events.values_list("action", "revision")) == [
        ("submit", 1),
        ("study", 1),
        ("reject_line", 1),
        ("reopen", 2),
        ("submit", 2),
        ("study", 2),
    ]


# --- events are append-only --------------------------------------------------------------------------


@pytest.fixture
def event(submitted):
    return submitted.events.get()


def db_refused(change) -> bool:
    """Run `change` in its own savepoint; True when the database refused it for being append-only
    (not for a mistake in the statement)."""
    try:
        with transaction.atomic():
            change()
    except DatabaseError as error:
        assert "append-only table" in str(error)
        return True
    return False


def raw(sql, params=()):
    def execute():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return execute


def test_an_event_once_written_is_never_saved_again(event):
    event.comment = "Réécrit"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert ProjectEvent.objects.get(pk=event.pk).comment == ""


def test_events_are_neither_updated_nor_deleted_in_bulk(event):
    with pytest.raises(PermissionError):
        ProjectEvent.objects.filter(pk=event.pk).update(comment="Réécrit")
    with pytest.raises(PermissionError):
        ProjectEvent.objects.all().delete()
    assert ProjectEvent.objects.filter(pk=event.pk, comment="").exists()


def test_the_database_refuses_what_steps_around_the_python_guards(event):
    assert db_refused(lambda: ProjectEvent._base_manager.update(comment="Réécrit"))
    assert db_refused(lambda: QuerySet(ProjectEvent).update(to_status="approved"))
    assert db_refused(lambda: QuerySet(ProjectEvent)._raw_delete(connection.alias))
    assert db_refused(raw("UPDATE projects_projectevent SET comment = 'Réécrit'"))
    assert db_refused(raw("DELETE FROM projects_projectevent"))
    assert ProjectEvent.objects.filter(pk=event.pk, comment="", to_status="submitted").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_events_is_refused(event):
    # The foreign-key checks of this test's inserts run first: PostgreSQL refuses to TRUNCATE a
    # table with checks pending, which would hide whether the trigger refuses it.
    assert db_refused(raw("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE projects_projectevent"))
    assert ProjectEvent.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")
def test_replacing_an_event_through_its_id_is_refused(event):
    replace = (
        "REPLACE INTO projects_projectevent (id, project_id, at, by_id, action, from_status, to_status, revision, "
        "comment) VALUES (%s, %s, '2020-01-01', %s, 'withdraw', 'draft', 'withdrawn', 1, '')"
    )
    assert db_refused(raw(replace, [event.pk, event.project_id, event.by_id]))
    assert not db_refused(raw(replace, [event.pk + 1, event.project_id, event.by_id]))  # a new row: written
    assert ProjectEvent.objects.get(pk=event.pk).action == "submit"


def test_new_events_are_still_written(event, rsk_coordinator, submitted):
    study(submitted, rsk_coordinator)
    assert ProjectEvent.objects.count() == 2
