"""Approvals racing for the same money, in real threads with real commits (PostgreSQL's row locks).

Each approval locks its partner's contribution and checks the sum of approved lines under the lock:
twenty coordinators approving at the same second never commit more than the contribution holds.
"""

import importlib
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from projects.models import FundingLine, MicroProject, ProjectEvent
from territory.models import Province, Region
from territory.reference import load_reference
from tests.factories import UserFactory, partner, province
from tests.projects.workflow_stages import khemisset_convention, line_of, studied

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"),
]
TEN_THOUSAND = Decimal("10000.00")


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """An earlier test with real commits ended with a flush of every table: the regions, provinces
    and programme partners the migrations added are loaded again."""
    load_reference(Region, Province)
    importlib.import_module("partners.migrations.0002_programme_partners").add_partners(apps, None)


@pytest.fixture
def second_indh(reference_data):
    """Another INDH coordinator in Khémisset: two people may decide on INDH's lines there."""
    return UserFactory(
        username="khemisset.indh2", role=User.Role.COORDINATOR, province=province("04.291"), partner=partner("INDH")
    )


def run_at_once(target, arguments) -> None:
    """`target(*args)` for each args in `arguments`, each in its own thread and database connection,
    all released at the same instant; in English, as the assertions read the messages."""
    start = threading.Barrier(len(arguments))

    def run(*args):
        try:
            with translation.override("en"):
                connection.ensure_connection()  # connected before the start: the race is the approvals'
                start.wait()
                target(*args)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)


def single_line_projects(count, convention, staff, anapec):
    return [studied(convention, staff, anapec, indh="10000", fm6rd=None, own="0") for _ in range(count)]


def test_twenty_approvals_against_room_for_ten_approve_exactly_ten(khemisset_staff, rsk_coordinator, khemisset_indh):
    convention = khemisset_convention(indh="100000")
    projects = single_line_projects(20, convention, khemisset_staff, rsk_coordinator)
    outcomes, refusals = [], []

    def approve(project, line):
        try:
            project.approve_line(line, by=khemisset_indh)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.code)
            refusals.append(error.messages[0])

    run_at_once(approve, [(project, line_of(project, "INDH")) for project in projects])

    assert sorted(outcomes) == ["approved"] * 10 + ["not_enough_left"] * 10
    # Every refused approver saw the ten others' commitments: nothing left.
    assert set(refusals) == {
        "Not enough left: INDH has 0.00\u00a0MAD left in convention KHE-2020-FM6RD-CPDH, "
        "and this line asks for 10,000.00\u00a0MAD."
    }
    approved_lines = FundingLine.objects.filter(decision=FundingLine.Decision.APPROVED)
    assert approved_lines.count() == 10
    committed = FundingLine.objects.committed(convention.pk, partner("INDH").pk)
    assert committed == Decimal("100000.00") == sum(line.amount for line in approved_lines)
    assert MicroProject.objects.filter(status=MicroProject.Status.APPROVED).count() == 10
    assert ProjectEvent.objects.filter(action=ProjectEvent.Action.APPROVE_LINE).count() == 10


def test_two_coordinators_approving_the_same_line_at_once_commit_it_once(
    khemisset_staff, rsk_coordinator, khemisset_indh, second_indh
):
    convention = khemisset_convention()
    # Two lines: the project stays studied after INDH's, so the second approver meets the decided line.
    project = studied(convention, khemisset_staff, rsk_coordinator)
    line = line_of(project, "INDH")
    outcomes = []

    def approve(coordinator):
        stale = MicroProject.objects.get(pk=project.pk)
        try:
            stale.approve_line(line, by=coordinator)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.code)

    run_at_once(approve, [(khemisset_indh,), (second_indh,)])

    assert sorted(outcomes) == ["already_decided", "approved"]
    assert ProjectEvent.objects.filter(project=project, action=ProjectEvent.Action.APPROVE_LINE).count() == 1
    assert FundingLine.objects.committed(convention.pk, partner("INDH").pk) == Decimal("20000.00")


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["idmaj_language"] = "en"
    return client


def first_words(message: str) -> str:
    return message.split(":")[0]


def test_approvals_racing_through_the_pages_each_end_with_a_message_never_a_500(
    khemisset_staff, rsk_coordinator, khemisset_indh, second_indh
):
    convention = khemisset_convention(indh="20000")  # room for two of the four projects
    projects = single_line_projects(4, convention, khemisset_staff, rsk_coordinator)
    # One browser per coordinator and project: a test client is not shared between threads.
    clicks = [(logged_in_client(user), project) for project in projects for user in (khemisset_indh, second_indh)]
    answers = []

    def approve(client, project):
        try:
            response = client.post(reverse("projects:approve_line", args=[project.pk, line_of(project, "INDH").pk]))
        except Exception as error:  # the test client re-raises what would have been a 500
            answers.append((500, repr(error)))
        else:
            said = [str(message) for message in get_messages(response.wsgi_request)]
            answers.append((response.status_code, first_words(said[0])))

    # Both coordinators click "approve" on each of the four projects at the same second.
    run_at_once(approve, clicks)

    assert sorted(answers) == sorted(
        [(302, "The line of INDH (10,000.00\u00a0MAD) is approved")] * 2
        # The other coordinator of an approved project finds it approved already.
        + [(302, "This project is approved")] * 2
        # Both coordinators of the two other projects find no room left.
        + [(302, "Not enough left")] * 4
    )
    assert FundingLine.objects.committed(convention.pk, partner("INDH").pk) == Decimal("20000.00")
