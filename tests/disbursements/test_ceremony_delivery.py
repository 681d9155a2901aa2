""" "Mark all delivered" at the end of a ceremony: a confirmation, then every planned handover
delivered in one transaction, or none, with every reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from disbursements.ceremony_planning import add_projects
from disbursements.models import Handover, LedgerEntry
from projects.models import MicroProject
from tests.disbursements.ceremony_scenes import approved_project, ceremony, in_english  # noqa: F401 (fixture)
from tests.projects.workflow_stages import khemisset_convention


@pytest.fixture
def people(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    return khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd


@pytest.fixture
def planned(people):
    """A ceremony today with two projects added: 4 handovers, 56,000 MAD."""
    convention = khemisset_convention()
    projects = [approved_project(convention, *people) for _ in range(2)]
    held = ceremony(people[0])
    add_projects(held, projects, by=people[0])
    return held, projects


def deliver_url(held):
    return reverse("disbursements:ceremony_deliver", args=[held.pk])


def test_the_confirmation_gives_the_count_and_the_value(client_for, khemisset_staff, planned):
    held, _ = planned
    page = client_for(khemisset_staff).get(deliver_url(held)).text
    assert "4 planned handovers, worth 56,000.00 MAD, will be recorded as delivered" in page.replace("\xa0", " ")
    assert not LedgerEntry.objects.exists()


def test_confirming_delivers_every_handover_and_funds_the_projects(client_for, khemisset_staff, planned):
    held, projects = planned
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    response = client.post(deliver_url(held), follow=True)
    assert "4 remises effectuées, d’une valeur de 56\xa0000,00\xa0MAD." in response.text
    assert set(held.handovers.values_list("status", flat=True)) == {"delivered"}
    assert LedgerEntry.objects.total() == Decimal("56000.00")
    assert {p.status for p in MicroProject.objects.filter(pk__in=[p.pk for p in projects])} == {"funded"}
    assert set(held.handovers.values_list("delivered_on", flat=True)) == {held.held_on}


def test_one_handover_that_would_over_deliver_stops_them_all_and_is_named(client_for, khemisset_staff, planned):
    held, projects = planned
    # Written past the planning checks (as a stale page or a bad import might): worth more than its line.
    greedy = held.handovers.get(project=projects[1], kind="cash")
    Handover.objects.filter(pk=greedy.pk).update(amount=Decimal("9000"))
    response = client_for(khemisset_staff).post(deliver_url(held), follow=True)
    page = response.text.replace("\xa0", " ")
    assert "Nothing was recorded" in page
    assert f"{greedy.number} ({projects[1].title}): Over-delivery" in page
    assert set(held.handovers.values_list("status", flat=True)) == {"planned"}
    assert not LedgerEntry.objects.exists()
    assert {p.status for p in MicroProject.objects.filter(pk__in=[p.pk for p in projects])} == {"approved"}


def test_a_ceremony_still_to_come_cannot_be_delivered(client_for, khemisset_staff, people):
    convention = khemisset_convention()
    project = approved_project(convention, *people)
    coming = ceremony(khemisset_staff, held_on=held_tomorrow())
    add_projects(coming, [project], by=khemisset_staff)
    response = client_for(khemisset_staff).post(deliver_url(coming), follow=True)
    assert "A delivery cannot be recorded before it happens." in response.text
    assert not LedgerEntry.objects.exists()


def test_a_ceremony_with_nothing_planned_says_so(client_for, khemisset_staff, db):
    held = ceremony(khemisset_staff)
    assert "no planned handover left to deliver" in client_for(khemisset_staff).get(deliver_url(held)).text
    response = client_for(khemisset_staff).post(deliver_url(held), follow=True)
    assert "There is no planned handover to deliver." in response.text


def held_tomorrow():
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=1)
