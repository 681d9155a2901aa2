"""Deliveries and plans racing, in real threads with real commits (PostgreSQL's row locks).

A delivery locks its projects, then their lines, then the handovers, and checks the sum of the
line's ledger entries under the lock: twenty deliveries at once against a line's last 100,000 MAD
never hand over more. A plan takes its province's next number under a row lock: twenty at once
get twenty numbers in a row, and one that fails gives its number back.
"""

import importlib
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone, translation

from beneficiaries.models import Beneficiary
from disbursements.models import Ceremony, Handover, LedgerEntry
from disbursements.models import workflow as handover_workflow
from disbursements.models.handover import new_verification_code
from projects.models import FollowUpVisit, FundingLine, MicroProject
from territory.models import Province, Region
from territory.reference import load_reference
from tests.disbursements.stages import (
    approve_draft,
    approved_project,
    one_line_project,
    plan_cash,
    plan_equipment,
    sewing_machines,
)
from tests.factories import BeneficiaryFactory, consent, province
from tests.projects.workflow_stages import draft, khemisset_convention, line_of, studied

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"),
]
TEN_THOUSAND = Decimal("10000.00")


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """An earlier test with real commits ended with a flush of every table: the regions, provinces
    (with their abbreviations) and programme partners the migrations added are loaded again."""
    load_reference(Region, Province)
    importlib.import_module("partners.migrations.0002_programme_partners").add_partners(apps, None)


@pytest.fixture
def people(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    return khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd


@pytest.fixture
def today():
    return timezone.localdate()


def run_at_once(*actions) -> list:
    """Each action in its own thread and database connection, all released at the same instant, in
    English (the assertions read the messages); what each returned, or the exception it raised."""
    start = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            with translation.override("en"):
                connection.ensure_connection()  # connected before the start: the race is the actions'
                start.wait()
                results[index] = action()
        except Exception as failure:  # a 500 (a deadlock, an integrity error) surfaces here
            results[index] = failure
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=[index, action]) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def outcome(result) -> str:
    """What an action came to: "done", a ValidationError's code ("refused" for a list of messages),
    or the exception's class (a deadlock would be a 500)."""
    if isinstance(result, ValidationError):
        return getattr(result, "code", None) or "refused"
    if isinstance(result, Exception):
        return type(result).__name__
    return "done"


def problems(result: ValidationError) -> list[str]:
    """A refusal's messages without the handover each names first ("KHE-2026-0011 (title): ...")."""
    with translation.override("en"):
        return [message.split("): ", 1)[1] for message in result.messages]


def unchecked_copies(handover, count, after=None) -> list:
    """`count` more planned handovers like `handover`, on its line, numbered after it (or after the
    sequence `after`), written past
    the planning guard (which refuses to plan more than the line holds). On purpose: what is
    tested is the delivery's own lock, the last guard if plans ever went stale."""
    copies = []
    for offset in range(1, count + 1):
        copy = Handover.objects.get(pk=handover.pk)
        copy.pk, copy.verification_code = None, new_verification_code()
        copy.sequence = (after or handover.sequence) + offset
        copy.number = f"{handover.number[:-4]}{copy.sequence:04d}"
        copy.save(force_insert=True)
        copies.append(copy)
    return copies


def delivering(handover, by, on):
    return lambda: handover.deliver(by=by, on=on)


# --- never more than the line -------------------------------------------------------------------------


def test_twenty_deliveries_of_ten_thousand_against_a_line_of_a_hundred_thousand_deliver_exactly_ten(
    people, khemisset_staff, today
):
    project = one_line_project(*people, amount="100000")
    line = line_of(project, "INDH")
    planned = [plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")]) for _ in range(10)]
    handovers = planned + unchecked_copies(planned[-1], 10)
    assert Handover.objects.filter(line=line, status="planned").count() == 20

    results = run_at_once(*(delivering(handover, khemisset_staff, today) for handover in handovers))

    assert sorted(map(outcome, results)) == ["done"] * 10 + ["refused"] * 10
    refusals = {problem for result in results if isinstance(result, ValidationError) for problem in problems(result)}
    assert refusals == {
        "Over-delivery: the INDH line of 100,000.00\u00a0MAD has 0.00\u00a0MAD left to hand over, "
        "and this handover is worth 10,000.00\u00a0MAD."
    }
    assert line.ledger_entries.total() == Decimal("100000.00")
    assert line.ledger_entries.count() == 10
    assert Handover.objects.filter(line=line, status="delivered").count() == 10
    project.refresh_from_db()
    assert project.status == MicroProject.Status.FUNDED


def test_one_handover_delivered_by_two_people_at_once_is_delivered_once(people, khemisset_staff, admin_user, today):
    project = approved_project(*people)
    cash = plan_cash(project, khemisset_staff)
    twin = Handover.objects.get(pk=cash.pk)  # each person's page loaded the handover

    results = run_at_once(delivering(cash, khemisset_staff, today), delivering(twin, admin_user, today))

    assert sorted(map(outcome, results)) == ["done", "refused"]
    refused = next(result for result in results if isinstance(result, ValidationError))
    assert problems(refused) == ["this handover is delivered."]
    assert LedgerEntry.objects.get().amount == Decimal("8000.00")


def test_a_reversal_racing_a_replacement_delivery_never_hands_the_line_over_twice(people, khemisset_staff, today):
    project = one_line_project(*people, amount="10000")
    first = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "10000")])
    first.deliver(by=khemisset_staff, on=today)
    (replacement,) = unchecked_copies(first, 1)  # planned while the first was delivered: stale
    Handover.objects.filter(pk=replacement.pk).update(status="planned", delivered_on=None, delivered_by=None)
    replacement.refresh_from_db()

    results = run_at_once(
        lambda: first.reverse(by=khemisset_staff, reason="Wrong machine"),
        delivering(replacement, khemisset_staff, today),
    )

    # Whichever goes first, the line never holds more than its 10,000 MAD.
    assert outcome(results[0]) == "done"
    assert outcome(results[1]) in ("done", "refused")
    assert line_of(project, "INDH").ledger_entries.total() <= TEN_THOUSAND


def test_a_plan_changed_while_it_is_delivered_posts_what_was_really_handed_over(people, khemisset_staff, today):
    project = approved_project(*people)
    handover = plan_equipment(project, khemisset_staff, items=[sewing_machines(2, "10000")])
    stale = Handover.objects.get(pk=handover.pk)  # the delivery page, loaded before the change

    results = run_at_once(
        lambda: handover.change_plan(by=khemisset_staff, planned_on=today, items=[sewing_machines(1, "10000")]),
        delivering(stale, khemisset_staff, today),
    )

    handover.refresh_from_db()
    assert outcome(results[1]) == "done"
    # Either the change came first (one machine delivered) or the delivery did (the change refused).
    assert (outcome(results[0]), handover.amount) in [("done", TEN_THOUSAND), ("bad_transition", 2 * TEN_THOUSAND)]
    assert LedgerEntry.objects.get().amount == handover.amount == sum(item.total for item in handover.items.all())


def test_two_overlapping_ceremonies_delivered_at_once_never_over_deliver_nor_deadlock(people, khemisset_staff, today):
    convention = khemisset_convention()
    projects = [approved_project(*people, convention=convention) for _ in range(4)]
    ceremonies = [
        Ceremony.objects.create(
            province=province("04.291"),
            held_on=today,
            place=place,
            presided_by="The Governor",
            created_by=khemisset_staff,
        )
        for place in ("Khémisset", "Tiflet")
    ]
    # Ceremony 1 hands over projects 0, 1, 2; ceremony 2 projects 3, 2, 1 (in the opposite order),
    # the same lines' whole amounts for 1 and 2: only one ceremony can give them.
    for project in projects[:3]:
        plan_equipment(project, khemisset_staff, ceremony=ceremonies[0])
    for project in (projects[3], projects[2], projects[1]):
        if project is projects[3]:
            plan_equipment(project, khemisset_staff, ceremony=ceremonies[1])
            continue
        (copy,) = unchecked_copies(Handover.objects.filter(project=project).get(), 1, after=100 + project.pk)
        Handover.objects.filter(pk=copy.pk).update(ceremony=ceremonies[1])

    results = run_at_once(
        *(lambda ceremony=ceremony: ceremony.deliver_all(by=khemisset_staff) for ceremony in ceremonies)
    )

    assert sorted(map(outcome, results)) == ["done", "refused"]
    winner = next(ceremony for ceremony, result in zip(ceremonies, results, strict=True) if outcome(result) == "done")
    refused = next(result for result in results if isinstance(result, ValidationError))
    assert (
        problems(refused)
        == [
            "Over-delivery: the INDH line of 20,000.00\u00a0MAD has 0.00\u00a0MAD left to hand over, "
            "and this handover is worth 20,000.00\u00a0MAD."
        ]
        * 2
    )  # the two lines the other ceremony took, each named
    for line in FundingLine.objects.filter(project__in=projects, partner__acronym="INDH"):
        assert line.ledger_entries.total() <= line.amount
    assert LedgerEntry.objects.total() == Decimal("60000.00")
    assert set(LedgerEntry.objects.values_list("handover__ceremony", flat=True)) == {winner.pk}


def test_deliveries_and_approvals_of_one_convention_at_once_all_go_through(people, khemisset_staff, today):
    staff, anapec, indh, _ = people
    convention = khemisset_convention()
    delivered = [approved_project(*people, convention=convention) for _ in range(5)]
    handovers = [plan_equipment(project, staff) for project in delivered]
    waiting = [studied(convention, staff, anapec, fm6rd=None, own="0") for _ in range(5)]

    results = run_at_once(
        *(delivering(handover, staff, today) for handover in handovers),
        *(lambda project=project: project.approve_line(line_of(project, "INDH"), by=indh) for project in waiting),
    )

    assert list(map(outcome, results)) == ["done"] * 10
    assert LedgerEntry.objects.total() == Decimal("100000.00")
    assert MicroProject.objects.filter(status=MicroProject.Status.APPROVED).count() == 5


# --- gap-free numbers ---------------------------------------------------------------------------------


def test_twenty_plans_at_once_in_one_province_get_the_numbers_one_to_twenty(people, khemisset_staff):
    convention = khemisset_convention()
    projects = [approved_project(*people, convention=convention) for _ in range(20)]

    results = run_at_once(*(lambda project=project: plan_cash(project, khemisset_staff) for project in projects))

    assert [outcome(result) for result in results] == ["done"] * 20
    numbers = sorted(Handover.objects.values_list("number", flat=True))
    assert numbers == [f"KHE-2026-{sequence:04d}" for sequence in range(1, 21)]


def test_plans_that_fail_while_others_plan_leave_no_gap(people, khemisset_staff):
    convention = khemisset_convention()
    projects = [approved_project(*people, convention=convention) for _ in range(16)]

    class Abandoned(Exception):
        pass

    def plan_then_fail(project):
        with transaction.atomic():
            plan_cash(project, khemisset_staff)  # took a number...
            raise Abandoned  # ...and the transaction around it fails

    def refused(project):
        plan_cash(project, khemisset_staff, amount="8000.01")  # more than the line: no number taken

    actions = [lambda project=project: plan_cash(project, khemisset_staff) for project in projects[:10]]
    actions += [lambda project=project: plan_then_fail(project) for project in projects[10:14]]
    actions += [lambda project=project: refused(project) for project in projects[14:]]

    results = run_at_once(*actions)

    assert sorted(map(outcome, results)) == ["Abandoned"] * 4 + ["done"] * 10 + ["over_delivery"] * 2
    numbers = sorted(Handover.objects.values_list("number", flat=True))
    assert numbers == [f"KHE-2026-{sequence:04d}" for sequence in range(1, 11)]
    assert plan_cash(projects[15], khemisset_staff).number == "KHE-2026-0011"


# --- no deadlock --------------------------------------------------------------------------------------


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int) -> None:
    """Until the session `pid` waits for a lock (pg_blocking_pids reads the lock table live)."""
    for _ in range(3000):
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError(f"session {pid} never waited for a lock")


def test_a_cash_delivery_with_its_reference_racing_the_ceremony_never_deadlocks(
    people, khemisset_staff, monkeypatch, today
):
    project = approved_project(*people)
    ceremony = Ceremony.objects.create(
        province=province("04.291"),
        held_on=today,
        place="Khémisset",
        presided_by="The Governor",
        created_by=khemisset_staff,
    )
    cash = plan_cash(project, khemisset_staff, ceremony=ceremony)
    plan_equipment(project, khemisset_staff, ceremony=ceremony)
    ceremony_holds_the_project, single_pid = threading.Event(), []
    lock_lines = handover_workflow._lock_lines

    def lines_locked_then_wait(line_ids):
        # The ceremony's delivery holds its projects and lines; it goes on to the handovers only
        # once the single delivery is waiting for a lock, the moment the two could cross.
        locked = lock_lines(line_ids)
        if threading.current_thread().name == "ceremony":
            ceremony_holds_the_project.set()
            wait_until_blocked(single_pid[0])
        return locked

    monkeypatch.setattr(handover_workflow, "_lock_lines", lines_locked_then_wait)
    results = {}

    def ceremony_delivery():
        try:
            with translation.override("en"):
                results["ceremony"] = ceremony.deliver_all(by=khemisset_staff)
        except Exception as failure:
            results["ceremony"] = failure
        finally:
            connections.close_all()

    def single_delivery():
        try:
            with translation.override("en"):
                single_pid.append(backend_pid())
                ceremony_holds_the_project.wait(timeout=30)
                cash.deliver(by=khemisset_staff, on=today, cash_reference="VIR-2026-0042")
                results["single"] = "done"
        except Exception as failure:
            results["single"] = failure
        finally:
            connections.close_all()

    single = threading.Thread(target=single_delivery)
    single.start()
    while not single_pid:
        time.sleep(0.01)
    threads = [single, threading.Thread(target=ceremony_delivery, name="ceremony")]
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)

    assert not isinstance(results["ceremony"], DatabaseError), results["ceremony"]
    assert not isinstance(results["single"], DatabaseError), results["single"]
    assert outcome(results["ceremony"]) == "done"
    assert outcome(results["single"]) == "refused"
    assert LedgerEntry.objects.total() == Decimal("28000.00")


def test_a_delivery_and_a_visit_of_two_projects_sharing_their_people_never_deadlock(
    people, khemisset_staff, monkeypatch, today
):
    # Two collective businesses with the same two people, each leading one of them: the delivery
    # of one makes them funded while the first visit of the other makes them followed up.
    staff = people[0]
    convention = khemisset_convention()
    first, second = consent(BeneficiaryFactory()), consent(BeneficiaryFactory())
    delivered = draft(convention, staff, lead=first)
    delivered.co_beneficiaries.add(second)
    visited = draft(convention, staff, lead=second)
    visited.co_beneficiaries.add(first)
    approve_draft(delivered, *people)
    approve_draft(visited, *people)
    handover = plan_cash(delivered, staff)
    pids, reached = {}, set()
    advance = Beneficiary.advance_with_project

    def advance_then_wait(person, status, *, by):
        # Each holds its first person; neither goes on to the second before the other holds its own
        # first person too (or waits for a lock): the moment the two orders could cross.
        moved = advance(person, status, by=by)
        name = threading.current_thread().name
        if name in pids and name not in reached:
            reached.add(name)
            other = next(other for other in pids if other != name)
            for _ in range(3000):
                if other in reached or blocked(pids[other]):
                    break
                time.sleep(0.01)
        return moved

    def blocked(pid) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
            return cursor.fetchone()[0]

    monkeypatch.setattr(Beneficiary, "advance_with_project", advance_then_wait)
    start, results = threading.Barrier(2), {}

    def run(name, action):
        try:
            with translation.override("en"):
                pids[name] = backend_pid()
                start.wait()
                action()
                results[name] = "done"
        except Exception as failure:
            results[name] = failure
        finally:
            connections.close_all()

    visit = {
        "visited_on": today,
        "business_status": FollowUpVisit.BusinessStatus.OPERATING,
        "equipment_in_use": True,
        "monthly_revenue": Decimal("2000"),
        "jobs": 2,
        "next_visit_due": today + timedelta(days=60),
    }
    threads = [
        threading.Thread(target=run, name="delivery", args=["delivery", lambda: handover.deliver(by=staff, on=today)]),
        threading.Thread(target=run, name="visit", args=["visit", lambda: visited.record_visit(by=staff, **visit)]),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == {"delivery": "done", "visit": "done"}
    statuses = set(Beneficiary.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == {Beneficiary.Status.FOLLOWED_UP}
