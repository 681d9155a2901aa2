"""Adding approved projects to a ceremony in bulk: one planned handover per line with an amount
left, those already planned attached rather than duplicated, all of them or none."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disbursements.ceremony_planning import add_projects
from disbursements.models import Handover, HandoverSequence
from tests.disbursements.ceremony_scenes import approved_project, ceremony, in_english  # noqa: F401 (fixture)
from tests.disbursements.stages import plan_equipment, sewing_machines
from tests.projects.workflow_stages import khemisset_convention, line_of


@pytest.fixture
def people(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    return khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd


@pytest.fixture
def convention(db):
    return khemisset_convention()


def add_url(held):
    return reverse("disbursements:ceremony_add_projects", args=[held.pk])


def test_each_approved_line_gets_a_handover_for_the_ceremony_day(client_for, people, convention):
    staff = people[0]
    first = approved_project(convention, *people, activity="Atelier de couture\nQuatre machines")
    second = approved_project(convention, *people, fm6rd=None, indh="15000")
    held = ceremony(staff)
    response = client_for(staff).post(add_url(held), {"projects": [first.pk, second.pk], "cash_method": "cheque"})
    assert response.status_code == 302
    handovers = {(h.project_id, h.kind): h for h in held.handovers.prefetch_related("items")}
    assert set(handovers) == {(first.pk, "equipment"), (first.pk, "cash"), (second.pk, "equipment")}
    assert {h.planned_on for h in handovers.values()} == {held.held_on}
    cash = handovers[(first.pk, "cash")]
    assert (cash.amount, cash.cash_method) == (Decimal("8000.00"), "cheque")
    [item] = handovers[(first.pk, "equipment")].items.all()
    # Named after the activity's first line; a crafts project hands over tools; one item worth the rest.
    assert (item.designation, item.category, item.quantity, item.unit_price) == (
        "Atelier de couture",
        "tools",
        1,
        Decimal("20000.00"),
    )
    assert handovers[(second.pk, "equipment")].amount == Decimal("15000.00")
    page = client_for(staff).get(held.get_absolute_url()).text
    assert "2 projects added; handovers planned for the ceremony: 3." in page


def test_a_handover_already_planned_outside_a_ceremony_is_attached_not_duplicated(people, convention):
    staff = people[0]
    project = approved_project(convention, *people)
    elsewhere = plan_equipment(project, staff, items=[sewing_machines(quantity=1)])  # 10,000 of 20,000
    held = ceremony(staff)
    added = add_projects(held, [project], by=staff)
    elsewhere.refresh_from_db()
    assert (elsewhere.ceremony, elsewhere.planned_on) == (held, held.held_on)
    assert elsewhere.items.get().designation == "Industrial sewing machine"
    assert added["attached"] == [elsewhere]
    # What the line still had (10,000 MAD) and the cash line are planned anew.
    new = {h.kind: h.amount for h in added["planned"]}
    assert new == {"equipment": Decimal("10000.00"), "cash": Decimal("8000.00")}
    assert Handover.objects.filter(project=project).count() == 3


def test_a_project_with_nothing_left_is_not_offered_and_is_refused_if_posted(client_for, people, convention):
    staff = people[0]
    project = approved_project(convention, *people)
    other = ceremony(staff, place="Tiflet")
    add_projects(other, [project], by=staff)
    held = ceremony(staff)
    page = client_for(staff).get(held.get_absolute_url()).text
    assert f'value="{project.pk}"' not in page
    response = client_for(staff).post(add_url(held), {"projects": [project.pk]}, follow=True)
    assert "cannot be added to this ceremony any more" in response.text
    assert not held.handovers.exists()


def test_one_refusal_adds_none_and_names_the_project_and_why(people, convention, khemisset_staff):
    staff = people[0]
    fine = approved_project(convention, *people)
    broken = approved_project(convention, *people)
    # The broken one's cash line can only be paid one way: the method posted is not one of them.
    held = ceremony(staff)
    with pytest.raises(ValidationError) as refused:
        add_projects(held, [fine, broken], by=staff, cash_method="bitcoin")
    messages = refused.value.messages
    assert any(fine.title in message for message in messages)
    assert any(broken.title in message for message in messages)
    assert not Handover.objects.exists()
    # No number was used up: the next handover of the year is still the first.
    assert not HandoverSequence.objects.filter(last__gt=0).exists()


def test_a_refused_bulk_add_shows_every_reason_and_writes_nothing(client_for, people, convention, monkeypatch):
    staff = people[0]
    first = approved_project(convention, *people)
    second = approved_project(convention, *people)
    held = ceremony(staff)
    plan = Handover.plan.__func__

    def refusing_the_second(cls, line, **kwargs):
        if line.project_id == second.pk:
            raise ValidationError(f"line {line.partner.acronym} refused")
        return plan(cls, line, **kwargs)

    monkeypatch.setattr(Handover, "plan", classmethod(refusing_the_second))
    response = client_for(staff).post(add_url(held), {"projects": [first.pk, second.pk]}, follow=True)
    page = response.text
    assert "No project was added" in page
    assert f"{second.title}: line INDH refused" in page
    # The first project's handovers, planned before the refusal, were rolled back with it.
    assert not Handover.objects.exists()


def test_removing_a_planned_handover_keeps_it_planned_without_the_ceremony(client_for, people, convention):
    staff = people[0]
    project = approved_project(convention, *people, fm6rd=None)
    held = ceremony(staff)
    [handover] = add_projects(held, [project], by=staff)["planned"]
    url = reverse("disbursements:ceremony_remove_handover", args=[held.pk, handover.pk])
    assert client_for(staff).get(url).status_code == 405
    response = client_for(staff).post(url, follow=True)
    assert f"Handover {handover.number} is no longer part of the ceremony" in response.text
    handover.refresh_from_db()
    assert (handover.status, handover.ceremony) == ("planned", None)
    assert handover.items.get().unit_price == Decimal("20000.00")
    # Now it can be added back: attached, not duplicated.
    add_projects(held, [project], by=staff)
    assert list(held.handovers.all()) == [handover]


def test_a_line_fully_delivered_gets_no_new_handover(people, convention):
    staff = people[0]
    project = approved_project(convention, *people)
    held = ceremony(staff)
    equipment = plan_equipment(project, staff, planned_on=held.held_on)
    equipment.deliver(by=staff, on=held.held_on)
    added = add_projects(held, [project], by=staff)
    assert [h.line for h in added["planned"]] == [line_of(project, "FM6RD")]
