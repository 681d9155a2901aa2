"""`generate_synthetic`: the dataset is national, in every state, consistent with the money and
workflow invariants, the same for the same seed, and never written over someone else's data.

PostgreSQL only: the generator writes with COPY. Each run happens inside the test's transaction
(TRUNCATE and CREATE INDEX are transactional there); only the final VACUUM is skipped.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Min, Sum

from beneficiaries.models import Beneficiary
from disbursements.models import Handover, HandoverItem, LedgerEntry
from partners.models import Contribution, Convention
from projects.models import FollowUpVisit, FundingLine, MicroProject
from synthetic.command import Command
from synthetic.generate import generate, tables
from territory.models import Province
from tests.factories import BeneficiaryFactory

Status = MicroProject.Status
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY"),
]


@pytest.fixture
def dataset():
    return generate(1000, seed=1, quiet=True, vacuum=False)


def totals() -> dict:
    return {
        "ledger": LedgerEntry.objects.aggregate(total=Sum("amount"))["total"],
        "projects": dict(MicroProject.objects.values_list("status").annotate(n=Count("pk")).order_by("status")),
        "handovers": dict(Handover.objects.values_list("status").annotate(n=Count("pk")).order_by("status")),
        "people": dict(Beneficiary.objects.values_list("status").annotate(n=Count("pk")).order_by("status")),
        "numbers": list(Handover.objects.order_by("pk").values_list("number", "verification_code")[:50]),
        "visits": FollowUpVisit.objects.count(),
    }


def test_every_province_has_people_and_projects_in_every_state(dataset):
    assert Province.objects.count() == 75
    assert Beneficiary.objects.values("province").distinct().count() == 75
    assert MicroProject.objects.values("province").distinct().count() == 75
    assert set(MicroProject.objects.values_list("status", flat=True)) == set(Status)
    assert Convention.objects.count() > 100
    assert set(Convention.objects.values_list("scope", flat=True)) == set(Convention.Scope)
    assert set(Convention.objects.values_list("indh_phase", flat=True)) == set(Convention.IndhPhase)


def test_handovers_have_items_cash_and_reversals(dataset):
    handovers = Handover.objects.count()
    cash = Handover.objects.filter(kind=FundingLine.Kind.CASH).count()
    assert 0.1 < cash / handovers < 0.3
    equipment = Handover.objects.exclude(kind=FundingLine.Kind.CASH)
    assert not equipment.filter(items__isnull=True).exists()
    for handover in equipment.annotate(total=Sum(F("items__unit_price") * F("items__quantity")))[:200]:
        assert handover.total == handover.amount
    reversals = LedgerEntry.objects.filter(reverses__isnull=False).select_related("reverses", "handover")
    assert reversals.exists()
    for reversal in reversals:
        assert reversal.amount == -reversal.reverses.amount
        assert reversal.handover_id == reversal.reverses.handover_id
        assert reversal.handover.status == Handover.Status.REVERSED
    assert HandoverItem.objects.exists()


def test_no_contribution_is_exceeded_and_no_envelope_overspent(dataset):
    for contribution in Contribution.objects.all():
        assert FundingLine.objects.committed(contribution.convention_id, contribution.partner_id) <= contribution.amount
    for convention in Convention.objects.all():
        assert convention.contributed() == convention.envelope


def test_every_line_is_funded_by_a_convention_covering_its_project(dataset):
    for line in FundingLine.objects.select_related("convention", "project__province"):
        assert line.coverage_problems(line.project.province) == []


def test_deliveries_add_up_to_the_line_as_the_status_says(dataset):
    lines = FundingLine.objects.filter(decision=FundingLine.Decision.APPROVED).annotate(
        delivered=Sum("ledger_entries__amount", default=Decimal("0"))
    )
    assert not lines.filter(delivered__gt=F("amount")).exists()
    delivered = [Status.FUNDED, Status.OPERATING, Status.CLOSED]
    assert not lines.filter(project__status__in=delivered).exclude(delivered=F("amount")).exists()
    assert not lines.filter(project__status=Status.APPROVED).exclude(delivered=0).exists()
    approved = MicroProject.objects.filter(status=Status.APPROVED)
    assert not approved.exclude(handovers__status=Handover.Status.PLANNED).exists()
    in_handover = MicroProject.objects.filter(status=Status.IN_HANDOVER)
    assert not in_handover.exclude(handovers__status=Handover.Status.PLANNED).exists()
    assert not in_handover.exclude(handovers__status=Handover.Status.DELIVERED).exists()


def test_the_follow_up_calendar_starts_at_the_first_delivery(dataset):
    projects = MicroProject.objects.annotate(first=Min("handovers__delivered_on"))
    assert not projects.exclude(first_delivery_on=F("first")).filter(first__isnull=False).exists()
    assert not projects.filter(first__isnull=True, first_delivery_on__isnull=False).exists()
    due = [Status.APPROVED, Status.IN_HANDOVER, Status.FUNDED]
    assert not MicroProject.objects.filter(status__in=due, next_visit_due__isnull=True).exists()
    assert not MicroProject.objects.filter(status=Status.CLOSED, next_visit_due__isnull=False).exists()
    assert not FollowUpVisit.objects.filter(visited_on__lt=F("project__first_delivery_on")).exists()
    statuses = set(FollowUpVisit.objects.values_list("business_status", flat=True))
    assert {FollowUpVisit.BusinessStatus.CLOSED, FollowUpVisit.BusinessStatus.OPERATING} <= statuses
    years = MicroProject.objects.filter(first_delivery_on__isnull=False).values_list("first_delivery_on__year")
    assert {2016, 2020, 2024} <= {year for (year,) in years.distinct()}


def test_each_project_s_last_event_leads_to_its_status(dataset):
    for project in MicroProject.objects.exclude(status=Status.DRAFT).prefetch_related("events")[:400]:
        events = sorted(project.events.all(), key=lambda event: (event.at, event.pk))
        assert events[-1].to_status == project.status, project.pk


def test_people_are_where_their_project_is(dataset):
    leads = Beneficiary.objects.filter(led_projects__status__in=[Status.FUNDED, Status.IN_HANDOVER])
    assert set(leads.values_list("status", flat=True)) == {Beneficiary.Status.FUNDED}
    leads = Beneficiary.objects.filter(led_projects__status=Status.OPERATING)
    assert set(leads.values_list("status", flat=True)) == {Beneficiary.Status.FOLLOWED_UP}


def test_no_reference_dangles(dataset):
    """The load runs with foreign keys suspended: every one of them is checked here."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, b.attname
               FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
               JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
               WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""",
            [tables()],
        )
        keys = cursor.fetchall()
        assert len(keys) > 30
        for table, column, target, target_column in keys:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                f'(SELECT 1 FROM "{target}" r WHERE r."{target_column}" = t."{column}")'
            )
            assert cursor.fetchone()[0] == 0, (table, column)


def test_rows_added_afterwards_take_the_next_ids(dataset):
    """The generator gives the ids: every table's identity must have moved past the last one."""
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f'SELECT max(id) FROM "{table}"')  # noqa: S608 (names from Meta)
            highest = cursor.fetchone()[0]
            if highest is None:
                continue
            cursor.execute("SELECT last_value FROM pg_sequences WHERE sequencename = %s", [f"{table}_id_seq"])
            assert cursor.fetchone()[0] >= highest, table
    assert (
        Convention.objects.create(
            reference="LATER",
            title="Later",
            scope="national",
            year=2026,
            starts_on="2026-01-01",
            ends_on="2026-12-31",
            envelope=Decimal("0"),
        ).pk
        > Convention.objects.filter(reference__startswith="SYN-").count()
    )


def test_the_same_seed_gives_the_same_data():
    generate(600, seed=7, quiet=True, vacuum=False)
    first = totals()
    generate(600, seed=7, quiet=True, vacuum=False)  # over the previous synthetic dataset: replaced
    assert totals() == first
    generate(600, seed=8, quiet=True, vacuum=False)
    assert totals() != first


def test_it_refuses_a_database_holding_other_data_and_writes_nothing():
    BeneficiaryFactory()
    with pytest.raises(CommandError, match="1 beneficiaries"):
        call_command(Command(), beneficiaries=200, seed=1, verbosity=0)
    assert Beneficiary.objects.count() == 1
    assert not MicroProject.objects.exists() and not Convention.objects.exists()


def test_it_refuses_the_demo():
    call_command("load_demo", force=True, verbosity=0)
    counts = (Beneficiary.objects.count(), MicroProject.objects.count(), Handover.objects.count())
    with pytest.raises(CommandError, match="data the generator did not write"):
        call_command(Command(), beneficiaries=200, seed=1, verbosity=0)
    assert (Beneficiary.objects.count(), MicroProject.objects.count(), Handover.objects.count()) == counts
