"""`load_demo` tells the Khémisset story with the programme's own figures, and loads only once."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from beneficiaries.models import Beneficiary, Consent
from disbursements import demo_ceremony
from disbursements.models import Ceremony, Handover, LedgerEntry
from partners.figures import convention_figures
from partners.models import Contribution, Convention, Partner
from partners.reference import load_programme_partners
from projects.demo import CEREMONY_AMOUNTS, WAITING_COUNT, ceremony_projects
from projects.models import FundingLine, MicroProject, ProjectEvent
from territory.models import Province, Region
from territory.reference import load_reference

Status = MicroProject.Status
HISTORIC, CURRENT = "KHE-2015-INDH-II", "KHE-2020-FM6RD-CPDH"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, in a transaction rolled back at its end (each test
    runs in a savepoint inside it)."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        # A transactional test run before this module (the browser journeys) flushed the tables
        # the migrations fill: put the reference data back, as those tests do.
        load_reference(Region, Province)
        load_programme_partners(Partner)
        output = StringIO()
        call_command("load_demo", force=True, stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo")


def projects_under(reference):
    return MicroProject.objects.filter(lines__convention__reference=reference).distinct()


def user(username):
    return User.objects.get(username=username)


@pytest.mark.django_db
def test_78_people_were_funded_under_the_earlier_convention_for_1_832_227_mad():
    funded = projects_under(HISTORIC)
    assert funded.count() == 78
    assert set(funded.values_list("status", flat=True)) <= {Status.FUNDED, Status.OPERATING, Status.CLOSED}
    assert {day.year for day in funded.values_list("first_delivery_on", flat=True)} <= {2016, 2017, 2018, 2019}
    total = FundingLine.objects.committing().filter(convention__reference=HISTORIC).values_list("amount", flat=True)
    assert sum(total) == Decimal("1832227.00")
    convention = Convention.objects.get(reference=HISTORIC)
    assert convention.indh_phase == Convention.IndhPhase.PHASE_II
    assert (convention.starts_on.year, convention.ends_on.year) == (2015, 2019)


@pytest.mark.django_db
def test_the_funded_projects_came_in_through_the_history_import_of_the_provinces_sheet():
    projects = projects_under(HISTORIC)
    trail = ProjectEvent.objects.filter(project__in=projects, action=ProjectEvent.Action.HANDOVER)
    assert trail.count() == 78
    assert all(
        comment.startswith("imported from khemisset-2016-2019.xlsx, row")
        for comment in trail.values_list("comment", flat=True)
    )
    handovers = Handover.objects.filter(line__convention__reference=HISTORIC)
    assert set(handovers.values_list("status", flat=True)) == {Handover.Status.DELIVERED}
    assert {number[:8] for number in handovers.values_list("number", flat=True)} <= {
        "KHE-2016",
        "KHE-2017",
        "KHE-2018",
        "KHE-2019",
    }
    assert handovers.filter(number="KHE-2016-0001").exists()
    assert LedgerEntry.objects.filter(line__convention__reference=HISTORIC).total() == Decimal("1832227.00")


@pytest.mark.django_db
def test_11_projects_of_the_ceremony_are_worth_more_than_322_000_mad_financed_by_indh():
    ceremony = ceremony_projects()
    assert ceremony.count() == len(CEREMONY_AMOUNTS) == 11
    # Handed over at the governor's ceremony: their one line each is fully delivered.
    assert set(ceremony.values_list("status", flat=True)) == {Status.FUNDED}
    financed = FundingLine.objects.filter(project__in=ceremony).values_list("partner__acronym", "amount")
    assert {acronym for acronym, _ in financed} == {"INDH"}
    assert sum(amount for _, amount in financed) > Decimal("322000")


@pytest.mark.django_db
def test_51_more_projects_are_approved_and_waiting_under_the_2020_convention():
    approved = projects_under(CURRENT).filter(status__in=[Status.APPROVED, Status.FUNDED])
    assert approved.count() == 11 + WAITING_COUNT == 62
    waiting = projects_under(CURRENT).filter(status=Status.APPROVED)
    assert waiting.exclude(pk__in=ceremony_projects()).count() == waiting.count() == 51


@pytest.mark.django_db
def test_the_governor_s_ceremony_delivered_322_650_mad_to_the_11_and_the_51_wait_for_the_next():
    held = Ceremony.objects.get(notes=demo_ceremony.HELD_NOTES)
    assert (held.province.code, held.presided_by) == ("04.291", "le Gouverneur de la province de Khémisset")
    delivered = held.handovers.filter(status=Handover.Status.DELIVERED)
    assert delivered.count() == 11 and not held.handovers.exclude(status=Handover.Status.DELIVERED).exists()
    assert set(delivered.values_list("project", flat=True)) == set(ceremony_projects().values_list("pk", flat=True))
    assert LedgerEntry.objects.filter(handover__ceremony=held).total() == Decimal("322650.00")
    upcoming = Ceremony.objects.get(notes=demo_ceremony.UPCOMING_NOTES)
    today = timezone.localdate()
    assert today + timedelta(days=7) <= upcoming.held_on <= today + timedelta(days=21)
    waiting = projects_under(CURRENT).filter(status=Status.APPROVED)
    planned = Handover.objects.filter(status=Handover.Status.PLANNED)
    assert set(planned.values_list("project", flat=True)) == set(waiting.values_list("pk", flat=True))
    assert len(set(planned.values_list("project", flat=True))) == 51
    assert set(planned.values_list("ceremony", flat=True)) == {upcoming.pk}
    assert set(planned.values_list("planned_on", flat=True)) == {upcoming.held_on}


@pytest.mark.django_db
def test_the_2020_projects_went_through_staff_anapec_and_the_funders_coordinators():
    for project in projects_under(CURRENT).filter(status=Status.APPROVED):
        actors = list(project.events.values_list("action", "by__username"))
        assert actors[:2] == [("submit", "khemisset.staff"), ("study", "rsk.coordinator")]
        approvals = {(action, by) for action, by in actors[2:]}
        assert approvals <= {
            ("approve_line", "khemisset.indh"),
            ("approve_line", "rsk.fm6rd"),
            ("approve", "khemisset.indh"),
            ("approve", "rsk.fm6rd"),
        }


@pytest.mark.django_db
def test_the_2020_convention_gives_2_2_million_for_80_beneficiaries_with_anapec_in_kind():
    convention = Convention.objects.get(reference=CURRENT)
    assert (convention.envelope, convention.target_beneficiaries) == (Decimal("2200000.00"), 80)
    assert (convention.province.code, convention.indh_phase) == ("04.291", Convention.IndhPhase.PHASE_III)
    parties = {c.partner.acronym: c for c in convention.contributions.select_related("partner")}
    assert parties["INDH"].amount + parties["FM6RD"].amount <= convention.envelope
    assert parties["ANAPEC"].amount == 0
    assert "accompagnement et suivi" in parties["ANAPEC"].in_kind


@pytest.mark.django_db
def test_no_partner_committed_more_than_its_contribution():
    for contribution in Contribution.objects.all():
        committed = FundingLine.objects.committed(contribution.convention_id, contribution.partner_id)
        assert committed <= contribution.amount, contribution


@pytest.mark.django_db
def test_the_convention_pages_figures_tell_the_story():
    figures = {f.convention.reference: f for f in convention_figures(Convention.objects.all())}
    assert figures[HISTORIC].committed == Decimal("1832227.00")
    assert figures[HISTORIC].beneficiaries_funded == 78
    # 62 approved projects, one of them a cooperative of three people.
    assert figures[CURRENT].beneficiaries_funded == 64
    assert figures[CURRENT].delivered == Decimal("322650.00")


@pytest.mark.django_db
def test_every_step_of_the_workflow_has_a_project():
    present = set(MicroProject.objects.values_list("status", flat=True))
    # "In handover" begins with a first delivery: the disbursements app's.
    assert present == set(Status) - {Status.IN_HANDOVER}
    assert MicroProject.objects.filter(status=Status.CLOSED).exclude(outcome="").count() == 2
    assert MicroProject.objects.filter(status=Status.DRAFT, revision=2).exists()  # reopened after a rejection
    rejected = FundingLine.objects.filter(decision=FundingLine.Decision.REJECTED)
    assert rejected.exists() and not rejected.filter(decision_reason="").exists()


@pytest.mark.django_db
def test_each_coordinator_acts_for_their_partner_in_their_scope():
    coordinators = User.objects.filter(role=User.Role.COORDINATOR).select_related("partner", "province", "region")
    scopes = {
        u.username: (u.partner.acronym, u.province and u.province.code, u.region and u.region.code)
        for u in coordinators
    }
    assert scopes == {
        "rsk.coordinator": ("ANAPEC", None, "04"),
        "khemisset.indh": ("INDH", "04.291", None),
        "rsk.fm6rd": ("FM6RD", None, "04"),
    }


@pytest.mark.django_db
def test_every_worklist_has_work_waiting():
    projects = MicroProject.objects
    assert projects.awaiting_study(user("rsk.coordinator")).count() == 3
    assert projects.awaiting_approval(user("khemisset.indh")).count() == 3
    assert projects.awaiting_approval(user("rsk.fm6rd")).count() == 1
    due = projects.visits_due(user("khemisset.staff"))
    today = timezone.localdate()
    assert due.filter(next_visit_due__lt=today).exists()
    assert due.filter(next_visit_due__gte=today).exists()


@pytest.mark.django_db
def test_every_person_with_a_project_has_the_status_and_consents_it_implies():
    expected = {
        Status.DRAFT: Beneficiary.Status.ACCOMPANIED,
        Status.WITHDRAWN: Beneficiary.Status.ACCOMPANIED,
        Status.SUBMITTED: Beneficiary.Status.PROJECT_IN_PREPARATION,
        Status.STUDIED: Beneficiary.Status.PROJECT_IN_PREPARATION,
        Status.APPROVED: Beneficiary.Status.PROJECT_IN_PREPARATION,
        Status.REJECTED: Beneficiary.Status.PROJECT_IN_PREPARATION,
        Status.FUNDED: Beneficiary.Status.FUNDED,
        Status.OPERATING: Beneficiary.Status.FOLLOWED_UP,
        Status.CLOSED: Beneficiary.Status.FOLLOWED_UP,
    }
    for project in MicroProject.objects.select_related("lead"):
        # A draft reopened after a rejection was submitted once: its person stays "in preparation".
        reopened = project.status == Status.DRAFT and project.revision > 1
        wanted = Beneficiary.Status.PROJECT_IN_PREPARATION if reopened else expected[project.status]
        assert project.lead.status == wanted, project
    shown = MicroProject.objects.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
    for project in shown.prefetch_related("co_beneficiaries"):
        for person in project.beneficiaries():
            purposes = set(person.consents.values_list("purpose", flat=True))
            assert {Consent.Purpose.PROGRAMME, Consent.Purpose.PARTNERS} <= purposes, person
    # Nobody reaches a status after "accompanied" without a project.
    later = [Beneficiary.Status.PROJECT_IN_PREPARATION, Beneficiary.Status.FUNDED, Beneficiary.Status.FOLLOWED_UP]
    without = Beneficiary.objects.filter(status__in=later, led_projects=None, shared_projects=None)
    assert not without.exists()


def row_counts() -> dict[str, int]:
    """Every table of the project's apps, history tables included."""
    mine = {"territory", "partners", "accounts", "beneficiaries", "projects", "disbursements"}
    return {
        model._meta.label: model._base_manager.count() for model in apps.get_models() if model._meta.app_label in mine
    }


@pytest.mark.django_db
def test_loading_the_demo_again_changes_nothing():
    before = row_counts()
    output = StringIO()
    call_command("load_demo", force=True, stdout=output)
    assert row_counts() == before
    assert "Demo projects: 0 added" in output.getvalue()
    assert "Demo ceremonies: 0 handovers planned, 0 delivered" in output.getvalue()
    assert "0 projects imported, 78 unchanged" in output.getvalue()


@pytest.mark.django_db
def test_the_demo_is_refused_without_debug_and_writes_nothing(settings):
    settings.DEBUG = False
    before = row_counts()
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("load_demo", stdout=StringIO())
    assert row_counts() == before


def test_the_summary_gives_the_story_figures(demo):
    assert "KHE-2015-INDH-II: 78 funded for 1,832,227.00 MAD" in demo
    assert "KHE-2020-FM6RD-CPDH: 62 approved, 11 of them for the ceremony" in demo
