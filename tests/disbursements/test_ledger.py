"""The ledger: one entry per delivery, a reversal that nets it to zero, never an edit or a deletion
(refused by the model and by the database), never more out of a line than the line holds."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from disbursements.models import Handover, LedgerEntry
from projects.models import MicroProject
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment, sewing_machines
from tests.projects.workflow_stages import line_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    return approved_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)


@pytest.fixture
def delivered(project, khemisset_staff):
    """The 20,000 MAD of sewing machines handed over today."""
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=timezone.localdate())
    return handover


# --- a delivery posts one entry ----------------------------------------------------------------------


def test_a_delivery_posts_exactly_one_entry_of_the_handover_value_on_its_line(project, khemisset_staff):
    handover = plan_equipment(project, khemisset_staff, items=[sewing_machines(2, "7500"), sewing_machines(1, "5000")])
    assert LedgerEntry.objects.count() == 0
    handover.deliver(by=khemisset_staff, on=timezone.localdate())
    entry = LedgerEntry.objects.get()
    assert (entry.line, entry.handover, entry.amount) == (line_of(project, "INDH"), handover, Decimal("20000.00"))
    assert (entry.value_date, entry.by, entry.reverses) == (handover.delivered_on, khemisset_staff, None)
    assert handover.status == Handover.Status.DELIVERED
    assert handover.delivered_by == khemisset_staff


def test_a_cash_delivery_posts_its_amount(project, khemisset_staff):
    handover = plan_cash(project, khemisset_staff, amount="8000")
    handover.deliver(by=khemisset_staff, on=timezone.localdate(), cash_reference="VIR-2026-118")
    entry = LedgerEntry.objects.get()
    assert (entry.line, entry.amount) == (line_of(project, "FM6RD"), Decimal("8000.00"))
    assert Handover.objects.get(pk=handover.pk).cash_reference == "VIR-2026-118"


def test_a_handover_delivered_twice_posts_one_entry(delivered, khemisset_staff):
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        delivered.deliver(by=khemisset_staff, on=timezone.localdate())
    assert refusal.value.messages == [f"{delivered.number} ({delivered.project.title}): this handover is delivered."]
    assert LedgerEntry.objects.count() == 1


def test_the_database_refuses_a_second_delivery_entry_for_a_handover(delivered, khemisset_staff):
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.create(
            line=delivered.line,
            handover=delivered,
            amount=Decimal("1"),
            value_date=date(2026, 1, 1),
            by=khemisset_staff,
        )
    assert LedgerEntry.objects.total() == Decimal("20000.00")


# --- a reversal nets to zero -------------------------------------------------------------------------


def test_a_reversal_nets_the_delivery_to_zero_and_both_entries_stay(delivered, khemisset_staff):
    reversal = delivered.reverse(by=khemisset_staff, reason="Wrong beneficiary")
    delivery = LedgerEntry.objects.get(reverses__isnull=True)
    assert reversal.reverses == delivery
    assert (reversal.amount, reversal.reason) == (Decimal("-20000.00"), "Wrong beneficiary")
    assert reversal.by == khemisset_staff
    assert LedgerEntry.objects.filter(handover=delivered).count() == 2
    assert LedgerEntry.objects.filter(handover=delivered).total() == Decimal("0.00")
    assert delivered.status == Handover.Status.REVERSED
    assert delivered.line.ledger_entries.total() == Decimal("0.00")


def test_a_reversal_needs_a_reason_and_is_made_once(delivered, khemisset_staff):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refusal:
            delivered.reverse(by=khemisset_staff, reason="  ")
        assert refusal.value.messages == ["Say why the delivery is reversed."]
        delivered.reverse(by=khemisset_staff, reason="Wrong beneficiary")
        with pytest.raises(ValidationError) as refusal:
            delivered.reverse(by=khemisset_staff, reason="Again")
        assert refusal.value.messages == ["This handover is reversed: this action is not possible any more."]
    assert LedgerEntry.objects.count() == 2


def test_after_a_reversal_a_new_handover_can_replace_it_but_not_on_top(project, delivered, khemisset_staff):
    with pytest.raises(ValidationError):
        plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "0.01")])  # the line is used up
    delivered.reverse(by=khemisset_staff, reason="Machines returned: wrong model")
    replacement = plan_equipment(project, khemisset_staff)
    replacement.deliver(by=khemisset_staff, on=timezone.localdate())
    assert line_of(project, "INDH").ledger_entries.total() == Decimal("20000.00")
    assert LedgerEntry.objects.count() == 3


# --- entries never change: the model -----------------------------------------------------------------


def test_an_entry_once_posted_is_never_saved_again_nor_deleted(delivered):
    entry = LedgerEntry.objects.get()
    entry.amount = Decimal("1")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert LedgerEntry.objects.get().amount == Decimal("20000.00")


def test_entries_are_neither_updated_nor_deleted_in_bulk(delivered):
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk__gt=0).update(amount=Decimal("1"))
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().delete()
    entry = LedgerEntry.objects.get()
    entry.amount = Decimal("1")
    with pytest.raises(PermissionError), transaction.atomic():  # bulk_update opens its own atomic block
        LedgerEntry.objects.bulk_update([entry], ["amount"])
    assert LedgerEntry.objects.get().amount == Decimal("20000.00")


# --- entries never change: the database --------------------------------------------------------------


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


def test_raw_sql_update_of_an_entry_is_refused(delivered):
    assert db_refused(raw("UPDATE disbursements_ledgerentry SET amount = 1"))
    assert db_refused(raw("UPDATE disbursements_ledgerentry SET value_date = %s", [date(2020, 1, 1)]))
    assert LedgerEntry.objects.get().amount == Decimal("20000.00")


def test_raw_sql_delete_of_an_entry_is_refused(delivered):
    assert db_refused(raw("DELETE FROM disbursements_ledgerentry"))
    assert LedgerEntry.objects.count() == 1


def test_the_orm_paths_around_the_python_guards_are_refused(delivered):
    assert db_refused(lambda: LedgerEntry._base_manager.update(amount=Decimal("1")))
    assert db_refused(lambda: QuerySet(LedgerEntry).update(amount=Decimal("1")))
    assert db_refused(lambda: QuerySet(LedgerEntry)._raw_delete(connection.alias))
    assert LedgerEntry.objects.get().amount == Decimal("20000.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_ledger_is_refused(delivered):
    # The foreign-key checks of the entry's insert run first: PostgreSQL refuses to TRUNCATE a table
    # with checks pending ("pending trigger events"), which would pass without the trigger.
    assert db_refused(raw("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE disbursements_ledgerentry"))
    assert db_refused(raw("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE disbursements_ledgerentry CASCADE"))
    assert LedgerEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")
def test_replacing_an_entry_through_its_id_is_refused(delivered):
    entry = LedgerEntry.objects.get()
    replace = (
        "REPLACE INTO disbursements_ledgerentry (id, line_id, handover_id, amount, value_date, at, by_id, reason) "
        "VALUES (%s, %s, %s, 1, '2020-01-01', '2020-01-01', %s, '')"
    )
    assert db_refused(raw(replace, [entry.pk, entry.line_id, entry.handover_id, entry.by_id]))
    assert LedgerEntry.objects.get().amount == Decimal("20000.00")


# --- never more than the line ------------------------------------------------------------------------


def test_over_delivery_is_refused_with_the_partner_what_is_left_and_the_value(project, khemisset_staff):
    first = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "15000")])
    second = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "5000")])
    first.deliver(by=khemisset_staff, on=timezone.localdate())
    # Planned within the line, the second then grew past it: the planning guard is stepped around
    # on purpose (as a stale plan would be), so that the delivery's own check is what refuses.
    Handover.objects.filter(pk=second.pk).update(amount=Decimal("6000.00"))
    second.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        second.deliver(by=khemisset_staff, on=timezone.localdate())
    with translation.override("en"):
        assert refusal.value.messages == [
            f"{second.number} ({project.title}): Over-delivery: the INDH line of 20,000.00\u00a0MAD has "
            "5,000.00\u00a0MAD left to hand over, and this handover is worth 6,000.00\u00a0MAD."
        ]
    assert LedgerEntry.objects.total() == Decimal("15000.00")
    second.refresh_from_db()
    assert second.status == Handover.Status.PLANNED
    project.refresh_from_db()
    assert project.status == MicroProject.Status.IN_HANDOVER


def test_planning_more_than_the_line_has_left_is_refused_and_writes_nothing(project, khemisset_staff):
    plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "15000")])
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "5000.01")])
    with translation.override("en"):
        assert refusal.value.messages == [
            "Over-delivery: the INDH line of 20,000.00\u00a0MAD has 5,000.00\u00a0MAD left to hand over, "
            "and this handover is worth 5,000.01\u00a0MAD."
        ]
    assert Handover.objects.count() == 1
    assert LedgerEntry.objects.count() == 0


def test_the_ledger_total_of_a_line_counts_deliveries_and_reversals(project, khemisset_staff):
    equipment = plan_equipment(project, khemisset_staff)
    cash = plan_cash(project, khemisset_staff)
    equipment.deliver(by=khemisset_staff, on=timezone.localdate())
    cash.deliver(by=khemisset_staff, on=timezone.localdate())
    cash.reverse(by=khemisset_staff, reason="Cheque bounced")
    lines = [line_of(project, "INDH").pk, line_of(project, "FM6RD").pk]
    assert LedgerEntry.objects.delivered_by_line(lines) == {lines[0]: Decimal("20000.00"), lines[1]: Decimal("0.00")}
    assert LedgerEntry.objects.total() == Decimal("20000.00")


def test_a_reversal_is_dated_neither_before_its_delivery_nor_after_today(delivered, khemisset_staff):
    today = timezone.localdate()
    for day in (today - timedelta(days=1), today + timedelta(days=1)):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            delivered.reverse(by=khemisset_staff, reason="Wrong person", on=day)
        with translation.override("en"):
            assert refusal.value.messages == ["A reversal is dated between the delivery and today."]
    assert LedgerEntry.objects.count() == 1
    assert delivered.reverse(by=khemisset_staff, reason="Wrong person", on=today).value_date == today
