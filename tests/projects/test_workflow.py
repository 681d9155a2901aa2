"""Every arrow of the project workflow: allowed, refused, and the event it writes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from beneficiaries.models import Beneficiary
from projects.models import FundingLine, MicroProject, ProjectEvent
from tests.factories import ConventionFactory, ProjectFactory, contribute, fund, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH")
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    contribute(convention, "ANAPEC", "0", in_kind="technical and financial study, coaching and follow-up")
    return convention


@pytest.fixture
def project(convention, khemisset_staff):
    project = ProjectFactory(total_cost=Decimal("30000"), own_contribution=Decimal("2000"), created_by=khemisset_staff)
    fund(project, convention, "INDH", "20000")
    fund(project, convention, "FM6RD", "8000", kind="cash")
    return project


def actions(project):
    return list(project.events.values_list("action", "from_status", "to_status"))


def test_the_whole_cycle_from_draft_to_approved(project, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    project.submit(by=khemisset_staff)
    assert project.status == MicroProject.Status.SUBMITTED
    project.lead.refresh_from_db()
    assert project.lead.status == Beneficiary.Status.PROJECT_IN_PREPARATION

    project.record_study(
        by=rsk_coordinator, feasible=True, expected_monthly_revenue=Decimal("4000"), recommended_amount=Decimal("28000")
    )
    assert project.status == MicroProject.Status.STUDIED
    indh_line, fm6rd_line = project.lines.order_by("pk")
    project.approve_line(indh_line, by=khemisset_indh)
    assert project.status == MicroProject.Status.STUDIED  # one line still waits
    project.approve_line(fm6rd_line, by=rsk_fm6rd)
    assert project.status == MicroProject.Status.APPROVED
    assert project.next_visit_due is not None
    assert actions(project) == [
        ("submit", "draft", "submitted"),
        ("study", "submitted", "studied"),
        ("approve_line", "studied", "studied"),
        ("approve_line", "studied", "studied"),
        ("approve", "studied", "approved"),
    ]


def test_the_submitter_can_never_approve_a_line(project, khemisset_staff, rsk_coordinator):
    project.submit(by=khemisset_staff)
    project.record_study(by=rsk_coordinator, feasible=True, expected_monthly_revenue=1, recommended_amount=1)
    # The staff member who submitted it later becomes INDH's coordinator in the province.
    khemisset_staff.role, khemisset_staff.partner = "coordinator", partner("INDH")
    khemisset_staff.save()
    with pytest.raises(PermissionDenied):
        project.approve_line(project.lines.get(partner__acronym="INDH"), by=khemisset_staff)
    assert project.lines.get(partner__acronym="INDH").decision == FundingLine.Decision.PENDING


def test_an_approval_beyond_the_contribution_names_what_is_left(
    convention, khemisset_staff, rsk_coordinator, khemisset_indh
):
    big = ProjectFactory(total_cost=Decimal("1300000"), created_by=khemisset_staff)
    fund(big, convention, "INDH", "1300000")
    big.submit(by=khemisset_staff)
    big.record_study(by=rsk_coordinator, feasible=True, expected_monthly_revenue=1, recommended_amount=1)
    with translation.override("en"), pytest.raises(ValidationError, match=r"INDH has 1,200,000\.00"):
        big.approve_line(big.lines.get(), by=khemisset_indh)
    assert not ProjectEvent.objects.filter(project=big, action="approve_line").exists()


def test_a_project_of_someone_who_left_the_programme_cannot_be_submitted(project, khemisset_staff):
    project.lead.move_to(Beneficiary.Status.EXITED, by=khemisset_staff, exit_reason="moved_away")
    with translation.override("en"), pytest.raises(ValidationError, match="has left the programme"):
        project.submit(by=khemisset_staff)
    project.refresh_from_db()
    assert project.status == MicroProject.Status.DRAFT
    assert not project.events.exists()
