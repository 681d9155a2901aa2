"""Planning, delivering, cancelling and reversing handovers: what the project and its people become,
who may do it, and bad values refused with a message and nothing written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from beneficiaries.models import Beneficiary
from disbursements.models import Ceremony, Handover, HandoverItem, HandoverSequence, LedgerEntry
from disbursements.models.workflow import deliver_together
from projects.models import FollowUpVisit, MicroProject, ProjectEvent
from projects.models.workflow import add_months
from tests.disbursements.stages import (
    approve_draft,
    approved_back_on,
    approved_project,
    item,
    one_line_project,
    plan_cash,
    plan_equipment,
    sewing_machines,
)
from tests.factories import BeneficiaryFactory, UserFactory, consent, province
from tests.projects.workflow_stages import draft, khemisset_convention, line_of

pytestmark = pytest.mark.django_db
Status = MicroProject.Status


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def people(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """Arguments that take a draft to approval."""
    return khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd


@pytest.fixture
def convention(db):
    return khemisset_convention()


@pytest.fixture
def project(people, convention):
    return approved_project(*people, convention=convention)


@pytest.fixture
def collective(people, convention):
    """A project of two people: a lead and a co-beneficiary."""
    project = draft(convention, people[0])
    project.co_beneficiaries.add(consent(BeneficiaryFactory()))
    return approve_draft(project, *people)


def refusal_messages(action) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        action()
    with translation.override("en"):
        return refusal.value.messages


def statuses(*people) -> list[str]:
    return [Beneficiary.objects.get(pk=person.pk).status for person in people]


# --- the project and its people move -----------------------------------------------------------------


def test_the_first_delivery_moves_the_project_into_handover_and_starts_its_follow_up(
    collective, khemisset_staff, today
):
    plan_equipment(collective, khemisset_staff).deliver(by=khemisset_staff, on=today)
    collective.refresh_from_db()
    assert collective.status == Status.IN_HANDOVER
    assert collective.first_delivery_on == today
    assert collective.next_visit_due == add_months(today, 3)  # month ends: see the test below
    person, partner_in_business = collective.lead, collective.co_beneficiaries.get()
    assert statuses(person, partner_in_business) == [Beneficiary.Status.FUNDED] * 2
    event = collective.events.get(action=ProjectEvent.Action.HANDOVER)
    assert (event.from_status, event.to_status) == (Status.APPROVED, Status.IN_HANDOVER)


def test_the_project_is_funded_once_every_line_has_received_its_whole_amount(project, khemisset_staff, today):
    equipment = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "12000")])
    plan_cash(project, khemisset_staff).deliver(by=khemisset_staff, on=today)
    equipment.deliver(by=khemisset_staff, on=today)
    project.refresh_from_db()
    assert project.status == Status.IN_HANDOVER  # 8,000 of the INDH line still to hand over
    plan_equipment(project, khemisset_staff, items=[sewing_machines(2, "4000")]).deliver(by=khemisset_staff, on=today)
    project.refresh_from_db()
    assert project.status == Status.FUNDED
    assert project.first_delivery_on == today  # the first delivery's date stays
    assert list(project.events.filter(action=ProjectEvent.Action.HANDOVER).values_list("to_status", flat=True)) == [
        Status.IN_HANDOVER,
        Status.IN_HANDOVER,
        Status.FUNDED,
    ]


@pytest.mark.parametrize(
    ("delivered_on", "first_visit_due"),
    [
        (date(2026, 3, 31), date(2026, 6, 30)),
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2023, 11, 30), date(2024, 2, 29)),
        (date(2024, 5, 31), date(2024, 8, 31)),
    ],
)
def test_the_first_visit_falls_due_three_months_after_the_first_delivery_at_month_ends(
    project, khemisset_staff, delivered_on, first_visit_due
):
    approved_back_on(project, date(2023, 1, 2))
    plan_cash(project, khemisset_staff).deliver(by=khemisset_staff, on=delivered_on)
    project.refresh_from_db()
    assert (project.first_delivery_on, project.next_visit_due) == (delivered_on, first_visit_due)


def test_a_visit_made_before_the_first_delivery_keeps_the_date_it_set(project, khemisset_staff, today):
    visit_due = today + timedelta(days=40)
    project.record_visit(
        by=khemisset_staff,
        visited_on=today,
        business_status=FollowUpVisit.BusinessStatus.STRUGGLING,
        equipment_in_use=False,
        monthly_revenue=Decimal("0"),
        jobs=1,
        next_visit_due=visit_due,
    )
    plan_cash(project, khemisset_staff).deliver(by=khemisset_staff, on=today)
    project.refresh_from_db()
    assert (project.first_delivery_on, project.next_visit_due) == (today, visit_due)


def test_a_delivery_cannot_be_dated_before_the_approval_nor_after_today(project, khemisset_staff, today):
    cash = plan_cash(project, khemisset_staff)
    approved_back_on(project, today - timedelta(days=10))
    assert refusal_messages(lambda: cash.deliver(by=khemisset_staff, on=today - timedelta(days=11))) == [
        f"{cash.number} ({project.title}): it cannot be delivered before the project was approved."
    ]
    assert refusal_messages(lambda: cash.deliver(by=khemisset_staff, on=today + timedelta(days=1))) == [
        "A delivery cannot be recorded before it happens."
    ]
    assert LedgerEntry.objects.count() == 0


def test_people_never_go_backwards_and_someone_who_exited_stays_exited(collective, khemisset_staff, today):
    lead, other = collective.lead, collective.co_beneficiaries.get()
    # The lead left the programme; the other is already followed up in an earlier business.
    lead.move_to(Beneficiary.Status.EXITED, by=khemisset_staff, exit_reason=Beneficiary.ExitReason.MOVED_AWAY)
    Beneficiary.objects.filter(pk=other.pk).update(status=Beneficiary.Status.FOLLOWED_UP)
    plan_equipment(collective, khemisset_staff).deliver(by=khemisset_staff, on=today)
    assert statuses(lead, other) == [Beneficiary.Status.EXITED, Beneficiary.Status.FOLLOWED_UP]


def test_reversals_take_the_project_back_to_what_its_lines_have_received(project, khemisset_staff, today):
    equipment, cash = plan_equipment(project, khemisset_staff), plan_cash(project, khemisset_staff)
    equipment.deliver(by=khemisset_staff, on=today)
    cash.deliver(by=khemisset_staff, on=today)
    project.refresh_from_db()
    assert project.status == Status.FUNDED
    cash.reverse(by=khemisset_staff, reason="Transfer returned by the bank")
    project.refresh_from_db()
    assert (project.status, project.first_delivery_on) == (Status.IN_HANDOVER, today)
    equipment.reverse(by=khemisset_staff, reason="Machines returned: wrong model")
    project.refresh_from_db()
    assert project.status == Status.APPROVED
    assert project.first_delivery_on is None
    assert project.next_visit_due == add_months(project.approved_on, 3)
    assert statuses(project.lead) == [Beneficiary.Status.FUNDED]  # people never go backwards
    assert LedgerEntry.objects.total() == Decimal("0.00")
    event = project.events.filter(action=ProjectEvent.Action.REVERSAL).last()
    assert (event.from_status, event.to_status) == (Status.IN_HANDOVER, Status.APPROVED)
    assert "Machines returned: wrong model" in event.comment


def test_a_reversal_back_to_approved_restores_the_approval_calendar(project, khemisset_staff, today):
    approved_back_on(project, date(2026, 1, 31))
    cash = plan_cash(project, khemisset_staff)
    cash.deliver(by=khemisset_staff, on=today)
    cash.reverse(by=khemisset_staff, reason="Wrong person")
    project.refresh_from_db()
    assert (project.status, project.first_delivery_on, project.next_visit_due) == (
        Status.APPROVED,
        None,
        date(2026, 4, 30),
    )


def test_an_operating_business_stays_operating_after_a_reversal(khemisset_staff, people, convention, today):
    project = one_line_project(*people, convention=convention)
    handover = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")])
    handover.deliver(by=khemisset_staff, on=today)
    project.record_visit(
        by=khemisset_staff,
        visited_on=today,
        business_status=FollowUpVisit.BusinessStatus.OPERATING,
        equipment_in_use=True,
        monthly_revenue=Decimal("3000"),
        jobs=2,
        next_visit_due=today + timedelta(days=90),
    )
    project.refresh_from_db()
    assert project.status == Status.OPERATING
    handover.reverse(by=khemisset_staff, reason="Invoice for another machine")
    project.refresh_from_db()
    assert (project.status, project.first_delivery_on) == (Status.OPERATING, today)
    # The correction is followed by a new handover, which an operating business may still receive.
    plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")]).deliver(by=khemisset_staff, on=today)
    project.refresh_from_db()
    assert project.status == Status.OPERATING
    assert line_of(project, "INDH").ledger_entries.total() == Decimal("10000.00")


# --- who may ------------------------------------------------------------------------------------------


@pytest.fixture
def outsiders(rsk_coordinator, khemisset_indh, khemisset_official, rabat_staff, unscoped_coordinator):
    return [rsk_coordinator, khemisset_indh, khemisset_official, rabat_staff, unscoped_coordinator]


def test_only_staff_of_the_province_and_admins_plan(project, outsiders, admin_user):
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            plan_cash(project, outsider)
    assert Handover.objects.count() == 0
    assert not HandoverSequence.objects.filter(last__gt=0).exists()
    assert plan_cash(project, admin_user).number == "KHE-2026-0001"


def test_only_staff_of_the_province_and_admins_deliver_and_cancel(project, khemisset_staff, outsiders, today):
    cash = plan_cash(project, khemisset_staff)
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            cash.deliver(by=outsider, on=today, cash_reference="forged")
        with pytest.raises(PermissionDenied):
            cash.cancel(by=outsider, reason="Not mine to cancel")
        with pytest.raises(PermissionDenied):
            cash.change_plan(by=outsider, planned_on=today, amount=Decimal("1"), cash_method="cash")
    cash.refresh_from_db()
    assert (cash.status, cash.cash_reference, cash.amount) == (Handover.Status.PLANNED, "", Decimal("8000.00"))
    assert LedgerEntry.objects.count() == 0


def test_a_delivery_is_reversed_only_by_an_admin_or_the_staff_who_recorded_it(
    project, khemisset_staff, outsiders, admin_user, today
):
    colleague = UserFactory(username="khemisset.staff2", role="staff", province=province("04.291"))
    equipment, cash = plan_equipment(project, khemisset_staff), plan_cash(project, khemisset_staff)
    equipment.deliver(by=khemisset_staff, on=today)
    cash.deliver(by=khemisset_staff, on=today)
    for someone in [colleague, *outsiders]:
        with pytest.raises(PermissionDenied):
            cash.reverse(by=someone, reason="Not theirs")
    assert LedgerEntry.objects.count() == 2
    cash.reverse(by=khemisset_staff, reason="Wrong amount")
    equipment.reverse(by=admin_user, reason="Wrong model")
    assert LedgerEntry.objects.total() == Decimal("0.00")


# --- cancellation -------------------------------------------------------------------------------------


def test_a_cancellation_needs_a_reason_keeps_the_number_and_cannot_be_delivered(project, khemisset_staff, today):
    cash = plan_cash(project, khemisset_staff)
    assert refusal_messages(lambda: cash.cancel(by=khemisset_staff, reason=" \n ")) == [
        "Say why the handover is cancelled."
    ]
    cash.cancel(by=khemisset_staff, reason="The beneficiary moved to Rabat")
    assert (cash.status, cash.number, cash.cancellation_reason) == (
        Handover.Status.CANCELLED,
        "KHE-2026-0001",
        "The beneficiary moved to Rabat",
    )
    assert refusal_messages(lambda: cash.deliver(by=khemisset_staff, on=today)) == [
        f"KHE-2026-0001 ({project.title}): this handover is cancelled."
    ]
    assert refusal_messages(lambda: cash.cancel(by=khemisset_staff, reason="Twice")) == [
        "This handover is cancelled: this action is not possible any more."
    ]
    # Its value is free again; the next number follows, the cancelled one stays taken.
    assert plan_cash(project, khemisset_staff).number == "KHE-2026-0002"
    assert LedgerEntry.objects.count() == 0


def test_a_delivered_handover_cannot_be_cancelled(project, khemisset_staff, today):
    cash = plan_cash(project, khemisset_staff)
    cash.deliver(by=khemisset_staff, on=today)
    assert refusal_messages(lambda: cash.cancel(by=khemisset_staff, reason="Oops")) == [
        "This handover is delivered: this action is not possible any more."
    ]


# --- changing the plan --------------------------------------------------------------------------------


def test_a_changed_plan_replaces_the_items_and_recomputes_the_value(project, khemisset_staff, today):
    handover = plan_equipment(project, khemisset_staff)
    handover.change_plan(
        by=khemisset_staff,
        planned_on=date(2026, 7, 1),
        items=[sewing_machines(1, "9000"), item("Overlocker", 3, "1500")],
    )
    assert handover.amount == Decimal("13500.00")
    assert handover.number == "KHE-2026-0001"
    assert handover.planned_on == date(2026, 7, 1)
    assert [(item.designation, item.quantity) for item in handover.items.all()] == [
        ("Industrial sewing machine", 1),
        ("Overlocker", 3),
    ]
    assert HandoverItem.objects.count() == 2


def test_a_changed_plan_cannot_take_more_than_the_line_has_left(project, khemisset_staff, today):
    first = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "12000")])
    second = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "8000")])
    assert refusal_messages(
        lambda: second.change_plan(by=khemisset_staff, planned_on=today, items=[sewing_machines(1, "8000.01")])
    ) == [
        "Over-delivery: the INDH line of 20,000.00\u00a0MAD has 8,000.00\u00a0MAD left to hand over, "
        "and this handover is worth 8,000.01\u00a0MAD."
    ]
    second.refresh_from_db()
    assert (second.amount, second.items.get().unit_price) == (Decimal("8000.00"), Decimal("8000.00"))
    # Its own value does not count against it: it may shrink or stay.
    first.change_plan(by=khemisset_staff, planned_on=today, items=[sewing_machines(1, "12000")])
    assert first.amount == Decimal("12000.00")


def test_a_delivered_plan_cannot_be_changed(project, khemisset_staff, today):
    cash = plan_cash(project, khemisset_staff)
    cash.deliver(by=khemisset_staff, on=today)
    assert refusal_messages(
        lambda: cash.change_plan(by=khemisset_staff, planned_on=today, amount=Decimal("100"), cash_method="cash")
    ) == ["This handover is delivered: this action is not possible any more."]
    cash.refresh_from_db()
    assert cash.amount == Decimal("8000.00")
    assert LedgerEntry.objects.total() == Decimal("8000.00")


# --- what a plan may hold -----------------------------------------------------------------------------


def test_a_handover_belongs_to_its_lines_project_and_only_an_approved_line_is_handed_over(
    project, people, khemisset_staff
):
    other = approved_project(*people, convention=khemisset_convention("KHE-2021-INDH"))
    handover = plan_cash(other, khemisset_staff)
    assert (handover.project, handover.line.project) == (other, other)
    studied_draft = draft(khemisset_convention("KHE-2022-INDH"), khemisset_staff)
    assert refusal_messages(lambda: plan_cash(studied_draft, khemisset_staff)) == [
        "This project is draft: this action is not possible any more."
    ]


def test_a_ceremony_of_another_province_is_refused(project, khemisset_staff, rabat_staff, today):
    elsewhere = Ceremony.objects.create(
        province=province("04.421"), held_on=today, place="Rabat", presided_by="The Wali", created_by=rabat_staff
    )
    assert refusal_messages(lambda: plan_cash(project, khemisset_staff, ceremony=elsewhere)) == [
        "The ceremony is in another province."
    ]
    assert Handover.objects.count() == 0


@pytest.mark.parametrize(
    "amount",
    ["8000.001", "100000000000000", "-5", "0", "NaN", "sNaN", "Infinity", "-Infinity", None],
)
def test_a_bad_cash_amount_is_refused_with_a_message_and_nothing_written(project, khemisset_staff, amount):
    line = line_of(project, "FM6RD")
    value = None if amount is None else Decimal(amount)
    with pytest.raises(ValidationError):
        Handover.plan(line, by=khemisset_staff, planned_on=date(2026, 6, 1), amount=value, cash_method="transfer")
    assert Handover.objects.count() == 0
    assert not HandoverSequence.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize(
    ("quantity", "unit_price"),
    [(-1, "100"), (0, "100"), (1, "0"), (1, "-3"), (1, "99.999"), (1, "NaN"), (1, "Infinity"), (2**40, "1")],
)
def test_a_bad_item_is_refused_with_a_message_and_nothing_written(project, khemisset_staff, quantity, unit_price):
    with pytest.raises(ValidationError):
        plan_equipment(project, khemisset_staff, items=[sewing_machines(quantity, unit_price)])
    assert Handover.objects.count() == HandoverItem.objects.count() == 0


def test_items_worth_more_than_an_amount_can_hold_are_refused(project, khemisset_staff):
    huge = sewing_machines(2_000_000_000, "9999999999.99")
    with pytest.raises(ValidationError):
        plan_equipment(project, khemisset_staff, items=[huge])
    assert Handover.objects.count() == 0


def test_an_item_with_a_control_character_is_refused(project, khemisset_staff):
    # A spreadsheet export of it would fail (openpyxl refuses control characters in cells).
    with pytest.raises(ValidationError):
        plan_equipment(project, khemisset_staff, items=[item("Machine\x01")])
    assert Handover.objects.count() == 0


# --- a ceremony: all or none --------------------------------------------------------------------------


@pytest.fixture
def ceremony(khemisset_staff, today):
    return Ceremony.objects.create(
        province=province("04.291"),
        held_on=today,
        place="Province headquarters, Khémisset",
        presided_by="The Governor of Khémisset province",
        created_by=khemisset_staff,
    )


def test_a_ceremony_delivers_every_planned_handover_at_once(people, convention, khemisset_staff, ceremony, today):
    projects = [approved_project(*people, convention=convention) for _ in range(3)]
    for project in projects:
        plan_equipment(project, khemisset_staff, ceremony=ceremony)
        plan_cash(project, khemisset_staff, ceremony=ceremony)
    plan_cash(approved_project(*people, convention=convention), khemisset_staff)  # not in the ceremony
    delivered = ceremony.deliver_all(by=khemisset_staff)
    assert len(delivered) == 6
    assert LedgerEntry.objects.total() == Decimal("84000.00")
    assert set(MicroProject.objects.filter(pk__in=[p.pk for p in projects]).values_list("status", flat=True)) == {
        Status.FUNDED
    }
    assert Handover.objects.filter(status=Handover.Status.PLANNED).count() == 1
    assert set(Handover.objects.filter(ceremony=ceremony).values_list("delivered_on", flat=True)) == {today}


def test_one_bad_handover_stops_the_whole_ceremony_and_every_problem_is_named(
    people, convention, khemisset_staff, ceremony, today
):
    good, grown, empty = (approved_project(*people, convention=convention) for _ in range(3))
    plan_equipment(good, khemisset_staff, ceremony=ceremony)
    too_much = plan_cash(grown, khemisset_staff, ceremony=ceremony)
    nothing = plan_cash(empty, khemisset_staff, ceremony=ceremony)
    # Stale values past the planning guard, so that the delivery's checks are what refuse.
    Handover.objects.filter(pk=too_much.pk).update(amount=Decimal("9000"))
    Handover.objects.filter(pk=nothing.pk).update(amount=Decimal("0"))
    messages = refusal_messages(lambda: ceremony.deliver_all(by=khemisset_staff))
    assert messages == [
        f"{too_much.number} ({grown.title}): Over-delivery: the FM6RD line of 8,000.00\u00a0MAD has "
        "8,000.00\u00a0MAD left to hand over, and this handover is worth 9,000.00\u00a0MAD.",
        f"{nothing.number} ({empty.title}): it has no value: list its items or its amount.",
    ]
    assert LedgerEntry.objects.count() == 0
    assert Handover.objects.filter(status=Handover.Status.DELIVERED).count() == 0
    assert set(MicroProject.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert not ProjectEvent.objects.filter(action=ProjectEvent.Action.HANDOVER).exists()


def test_a_ceremony_with_nothing_planned_says_so(ceremony, khemisset_staff):
    assert refusal_messages(lambda: ceremony.deliver_all(by=khemisset_staff)) == [
        "There is no planned handover to deliver."
    ]


def test_two_handovers_of_one_line_in_a_ceremony_are_checked_together(project, khemisset_staff, ceremony):
    first = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")], ceremony=ceremony)
    second = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")], ceremony=ceremony)
    Handover.objects.filter(pk=second.pk).update(amount=Decimal("10000.01"))  # stale, past the planning guard
    assert refusal_messages(lambda: ceremony.deliver_all(by=khemisset_staff)) == [
        f"{second.number} ({project.title}): Over-delivery: the INDH line of 20,000.00\u00a0MAD has "
        "10,000.00\u00a0MAD left to hand over, and this handover is worth 10,000.01\u00a0MAD."
    ]
    assert first.ledger_entries.count() == 0


def test_a_refusal_names_only_real_problems_when_a_listed_handover_is_no_longer_planned(project, khemisset_staff):
    # A ceremony's list read a moment before someone cancelled one of them: the cancelled one is
    # named, and its value does not count against the line (no made-up over-delivery for the other).
    cancelled = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")])
    cancelled.cancel(by=khemisset_staff, reason="Supplier out of stock")
    whole = plan_equipment(project, khemisset_staff, items=[sewing_machines(2, "10000")])
    messages = refusal_messages(
        lambda: deliver_together([cancelled, whole], by=khemisset_staff, on=timezone.localdate())
    )
    assert messages == [f"{cancelled.number} ({project.title}): this handover is cancelled."]
    assert LedgerEntry.objects.count() == 0


def test_a_plan_or_a_delivery_without_a_date_is_refused_with_a_message(project, khemisset_staff):
    with pytest.raises(ValidationError):
        plan_cash(project, khemisset_staff, planned_on=None)
    cash = plan_cash(project, khemisset_staff)
    assert refusal_messages(lambda: cash.deliver(by=khemisset_staff, on=None)) == ["Give the delivery date."]
    assert cash.number == "KHE-2026-0001"  # the refused plan took no number
    assert LedgerEntry.objects.count() == 0
