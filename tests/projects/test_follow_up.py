"""Follow-up: visits fall due 3, 6, 12 and 24 months after the first handover (after the approval
until there is one); a visit moves the people and the project on; the worklist lists the visits due
within two weeks or overdue, in the user's scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from beneficiaries.models import Beneficiary
from projects.models import FollowUpVisit, MicroProject
from projects.models.project import add_months
from reintegration.lib.contributions import navigation
from tests.conftest import RABAT
from tests.factories import (
    BeneficiaryFactory,
    ConventionFactory,
    ProjectFactory,
    consent,
    contribute,
    fund,
    province,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def convention():
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH")
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    return convention


@pytest.fixture
def approve(convention, khemisset_staff, rsk_coordinator, khemisset_indh):
    """approve(**fields) → a Khémisset project funded by INDH, submitted, studied and approved today."""

    def approved(**fields):
        project = ProjectFactory(total_cost=Decimal("30000"), created_by=khemisset_staff, **fields)
        fund(project, convention, "INDH", "30000")
        project.submit(by=khemisset_staff)
        project.record_study(by=rsk_coordinator, feasible=True, expected_monthly_revenue=1, recommended_amount=1)
        project.approve_line(project.lines.get(), by=khemisset_indh)
        return project

    return approved


@pytest.fixture
def approved(approve):
    return approve()


def delivered(project, on):
    """What the disbursements app does at the first delivery (not written yet): the project is funded,
    and its visits fall due from the delivery."""
    project.first_delivery_on = on
    MicroProject.objects.filter(pk=project.pk).update(
        status=MicroProject.Status.FUNDED, first_delivery_on=on, next_visit_due=project.visit_milestones()[0]
    )
    project.refresh_from_db()
    return project


def visit(project, by, *, on=None, status="operating", next_due=None, **fields):
    on = on or timezone.localdate()
    return project.record_visit(
        by=by,
        visited_on=on,
        business_status=status,
        next_visit_due=next_due if next_due is not None else on + timedelta(days=90),
        **fields,
    )


# --- the calendar --------------------------------------------------------------------------------


def test_the_first_visit_falls_due_three_months_after_the_approval(approved):
    today = timezone.localdate()
    assert approved.approved_on == today
    assert approved.next_visit_due == add_months(today, 3)
    assert approved.next_visit_due == approved.visit_milestones()[0]


def test_an_approval_on_the_31st_of_august_falls_due_at_each_month_end(monkeypatch, approve):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2025, 8, 31))
    project = approve()
    assert project.approved_on == date(2025, 8, 31)
    assert project.next_visit_due == date(2025, 11, 30)
    assert project.visit_milestones() == [date(2025, 11, 30), date(2026, 2, 28), date(2026, 8, 31), date(2027, 8, 31)]


@pytest.mark.parametrize(
    ("start", "milestones"),
    [
        (date(2025, 1, 15), [date(2025, 4, 15), date(2025, 7, 15), date(2026, 1, 15), date(2027, 1, 15)]),
        # Month ends: the visit falls on the last day of a shorter month, 29 February in a leap year.
        (date(2027, 8, 31), [date(2027, 11, 30), date(2028, 2, 29), date(2028, 8, 31), date(2029, 8, 31)]),
        (date(2025, 11, 30), [date(2026, 2, 28), date(2026, 5, 30), date(2026, 11, 30), date(2027, 11, 30)]),
        (date(2025, 12, 31), [date(2026, 3, 31), date(2026, 6, 30), date(2026, 12, 31), date(2027, 12, 31)]),
    ],
)
def test_visits_fall_due_3_6_12_and_24_months_after_the_approval(start, milestones):
    assert MicroProject(approved_on=start).visit_milestones() == milestones


def test_once_delivered_the_visits_fall_due_after_the_first_delivery_instead():
    project = MicroProject(approved_on=date(2025, 1, 15), first_delivery_on=date(2025, 3, 10))
    assert project.follow_up_from == date(2025, 3, 10)
    assert project.visit_milestones() == [date(2025, 6, 10), date(2025, 9, 10), date(2026, 3, 10), date(2027, 3, 10)]


def test_a_project_not_approved_has_no_visit_due():
    project = MicroProject()
    assert project.visit_milestones() == []
    assert project.milestone_after(date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2025, 1, 1), date(2025, 6, 10)),  # before the delivery: the first visit
        (date(2025, 6, 9), date(2025, 6, 10)),
        (date(2025, 6, 10), date(2025, 9, 10)),  # visited on the day: the next one
        (date(2026, 3, 11), date(2027, 3, 10)),
        (date(2027, 3, 10), None),  # the 24-month visit made: the calendar ends
    ],
)
def test_the_next_milestone_after_a_visit(day, following):
    project = MicroProject(approved_on=date(2025, 1, 15), first_delivery_on=date(2025, 3, 10))
    assert project.milestone_after(day) == following


def test_delivery_moves_the_first_visit(approved):
    project = delivered(approved, on=date(2026, 1, 20))
    assert project.next_visit_due == date(2026, 4, 20)


# --- what a visit does -----------------------------------------------------------------------------


def test_a_visit_is_recorded_with_what_the_visitor_found(approved, rsk_coordinator):
    today = timezone.localdate()
    recorded = visit(
        approved,
        rsk_coordinator,
        status="struggling",
        equipment_in_use=False,
        monthly_revenue=Decimal("1500"),
        jobs=2,
        notes="Machine en panne",
        next_due=today + timedelta(days=30),
    )
    saved = FollowUpVisit.objects.get(pk=recorded.pk)
    assert (saved.visitor, saved.business_status, saved.equipment_in_use) == (rsk_coordinator, "struggling", False)
    assert (saved.monthly_revenue, saved.jobs, saved.notes) == (Decimal("1500"), 2, "Machine en panne")
    assert MicroProject.objects.get(pk=approved.pk).next_visit_due == today + timedelta(days=30)


def test_the_first_visit_makes_the_people_followed_up(approved, khemisset_staff):
    co_beneficiary = consent(BeneficiaryFactory())
    approved.co_beneficiaries.add(co_beneficiary)
    visit(approved, khemisset_staff)
    people = Beneficiary.objects.filter(pk__in=[approved.lead_id, co_beneficiary.pk])
    assert set(people.values_list("status", flat=True)) == {Beneficiary.Status.FOLLOWED_UP}


def test_a_visit_does_not_bring_back_someone_who_left_the_programme(approved, khemisset_staff):
    approved.lead.move_to(Beneficiary.Status.EXITED, by=khemisset_staff, exit_reason="moved_away")
    visit(approved, khemisset_staff)
    assert Beneficiary.objects.get(pk=approved.lead_id).status == Beneficiary.Status.EXITED


def test_a_visit_before_any_delivery_leaves_the_project_approved(approved, khemisset_staff):
    visit(approved, khemisset_staff, notes="Local en préparation")
    event = approved.events.order_by("pk").last()
    assert MicroProject.objects.get(pk=approved.pk).status == MicroProject.Status.APPROVED
    assert (event.action, event.from_status, event.to_status, event.by, event.comment) == (
        "visit",
        "approved",
        "approved",
        khemisset_staff,
        "Local en préparation",
    )


def test_a_visit_of_a_funded_business_finds_it_operating(approved, rsk_coordinator):
    project = delivered(approved, on=date(2025, 3, 1))
    visit(project, rsk_coordinator, notes="Clientèle fidèle")
    event = project.events.order_by("pk").last()
    assert MicroProject.objects.get(pk=project.pk).status == MicroProject.Status.OPERATING
    assert (event.action, event.from_status, event.to_status, event.by) == (
        "visit",
        "funded",
        "operating",
        rsk_coordinator,
    )


@pytest.mark.parametrize("state", ["funded", "operating"])
def test_a_visit_finding_the_business_closed_closes_the_project(approved, khemisset_staff, state):
    project = delivered(approved, on=date(2025, 3, 1))
    if state == "operating":
        visit(project, khemisset_staff)
    visit(project, khemisset_staff, status="closed", notes="Local fermé depuis deux mois")
    project = MicroProject.objects.get(pk=project.pk)
    assert (project.status, project.outcome, project.next_visit_due) == ("closed", "closed_down", None)
    event = project.events.order_by("pk").last()
    assert (event.action, event.from_status, event.to_status) == ("visit", state, "closed")


@pytest.mark.parametrize("persona", ["khemisset_staff", "admin_user", "rsk_coordinator", "khemisset_indh"])
def test_staff_admins_and_the_projects_partners_record_visits(request, approved, persona):
    visit(approved, request.getfixturevalue(persona))
    assert approved.visits.count() == 1


@pytest.mark.parametrize("persona", ["rsk_fm6rd", "rabat_staff", "khemisset_official", "unscoped_coordinator"])
def test_who_may_not_see_the_project_records_no_visit(request, approved, persona):
    """FM6RD has no line in this project; Rabat is another province; officials see figures."""
    with pytest.raises(PermissionDenied):
        visit(approved, request.getfixturevalue(persona))
    assert not approved.visits.exists()


@pytest.mark.parametrize("state", ["draft", "submitted", "studied", "rejected"])
def test_a_project_not_approved_gets_no_visit(convention, khemisset_staff, rsk_coordinator, khemisset_indh, state):
    project = ProjectFactory(total_cost=Decimal("30000"), created_by=khemisset_staff)
    fund(project, convention, "INDH", "30000")
    if state != "draft":
        project.submit(by=khemisset_staff)
    if state in ("studied", "rejected"):
        project.record_study(
            by=rsk_coordinator, feasible=state == "studied", expected_monthly_revenue=1, recommended_amount=1
        )
    with pytest.raises(ValidationError) as refused:
        visit(project, khemisset_staff)
    assert refused.value.code == "bad_transition"
    assert not project.visits.exists()


def test_a_closed_project_gets_no_more_visits(approved, khemisset_staff):
    project = delivered(approved, on=date(2025, 3, 1))
    project.close(by=khemisset_staff, outcome="thriving")
    with pytest.raises(ValidationError):
        visit(project, khemisset_staff)
    assert not project.visits.exists()


def test_a_visit_dated_tomorrow_is_refused(approved, khemisset_staff):
    with pytest.raises(ValidationError) as refused:
        visit(approved, khemisset_staff, on=timezone.localdate() + timedelta(days=1))
    assert refused.value.message_dict == {"visited_on": ["A visit cannot be recorded before it happens."]}
    assert not approved.visits.exists()


def test_a_next_visit_before_this_one_is_refused_and_changes_nothing(approved, khemisset_staff):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        visit(approved, khemisset_staff, on=today, next_due=today - timedelta(days=1))
    assert refused.value.messages == ["The next visit must fall after this one."]
    project = MicroProject.objects.get(pk=approved.pk)
    assert project.next_visit_due == add_months(today, 3)
    assert not project.visits.exists()
    assert Beneficiary.objects.get(pk=project.lead_id).status == Beneficiary.Status.PROJECT_IN_PREPARATION


# --- the worklist of visits due ----------------------------------------------------------------------


def due(user, today) -> set[str]:
    return set(MicroProject.objects.visits_due(user, today=today).values_list("title", flat=True))


def test_a_visit_shows_from_two_weeks_before_it_falls_due_and_stays_while_overdue(approved, khemisset_staff):
    falls_due = approved.next_visit_due
    title = approved.title
    assert due(khemisset_staff, falls_due - timedelta(days=15)) == set()
    assert due(khemisset_staff, falls_due - timedelta(days=14)) == {title}
    assert due(khemisset_staff, falls_due) == {title}
    assert due(khemisset_staff, falls_due + timedelta(days=60)) == {title}  # overdue


def test_a_recorded_visit_takes_the_project_off_the_worklist_until_the_next_one(approved, khemisset_staff):
    today = timezone.localdate()
    visit(approved, khemisset_staff, on=today, next_due=today + timedelta(days=90))
    assert due(khemisset_staff, today) == set()
    assert due(khemisset_staff, today + timedelta(days=80)) == {approved.title}


def test_a_closed_project_leaves_the_worklist(approved, khemisset_staff):
    project = delivered(approved, on=date(2025, 3, 1))
    project.close(by=khemisset_staff, outcome="thriving")
    assert due(khemisset_staff, date(2030, 1, 1)) == set()


def test_projects_not_yet_approved_are_never_due(convention, khemisset_staff):
    project = ProjectFactory(total_cost=Decimal("30000"), created_by=khemisset_staff)
    fund(project, convention, "INDH", "30000")
    project.submit(by=khemisset_staff)
    assert due(khemisset_staff, date(2030, 1, 1)) == set()


@pytest.fixture
def rabat_approved(rabat_staff, rsk_coordinator, rsk_fm6rd):
    """A Rabat project funded by FM6RD under a regional convention, approved by the regional centre."""
    regional = ConventionFactory(reference="RSK-2021", scope="region", province=None, region=region("04"))
    contribute(regional, "FM6RD", "500000")
    lead = consent(BeneficiaryFactory(province=province(RABAT)))
    project = ProjectFactory(
        lead=lead, title="Boulangerie de Rabat", total_cost=Decimal("20000"), created_by=rabat_staff
    )
    fund(project, regional, "FM6RD", "20000")
    project.submit(by=rabat_staff)
    project.record_study(by=rsk_coordinator, feasible=True, expected_monthly_revenue=1, recommended_amount=1)
    project.approve_line(project.lines.get(), by=rsk_fm6rd)
    return project


TITLES = {"Khémisset": "Atelier de Khémisset", "Rabat": "Boulangerie de Rabat"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("khemisset_staff", {"Khémisset"}),
        ("rabat_staff", {"Rabat"}),
        ("admin_user", {"Khémisset", "Rabat"}),
        ("rsk_coordinator", {"Khémisset", "Rabat"}),  # ANAPEC studied both, in its region
        ("khemisset_indh", {"Khémisset"}),  # INDH funds the Khémisset one only
        ("rsk_fm6rd", {"Rabat"}),  # the Foundation, the Rabat one only
        ("khemisset_official", set()),
        ("unscoped_coordinator", set()),
    ],
)
def test_each_persona_is_due_the_visits_of_the_projects_they_see(request, approve, rabat_approved, persona, expected):
    approve(title="Atelier de Khémisset")
    titles = due(request.getfixturevalue(persona), timezone.localdate() + timedelta(days=100))
    assert titles == {TITLES[place] for place in expected}


def test_the_menu_counts_the_visits_due(approve, khemisset_staff, khemisset_indh):
    today = timezone.localdate()
    for next_due in (today + timedelta(days=7), today + timedelta(days=1), today + timedelta(days=60)):
        visit(approve(), khemisset_staff, next_due=next_due)
    counts = {entry["label"]: entry["count"] for entry in navigation(khemisset_indh)}
    assert counts["Visits due"] == 2  # within two weeks; the third falls due in two months
