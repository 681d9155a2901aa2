"""Bad input on the handover screens: a clear message, never a 500, and nothing changed."""

from datetime import date

import pytest

from disbursements.models import Handover, HandoverItem, LedgerEntry
from tests.disbursements.screens import (
    cash_data,
    in_english,
    item_data,
    machine,
    messages_of,
    plan_url,
    today,
    url,
)
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment
from tests.projects.workflow_stages import khemisset_convention, line_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    yield from in_english(settings)


@pytest.fixture
def project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """20,000 MAD of equipment from INDH and 8,000 MAD in cash from FM6RD, approved in Khémisset."""
    return approved_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)


def nothing_planned():
    return not Handover.objects.exists() and not HandoverItem.objects.exists()


def refused_plan(client, path, data, message):
    response = client.post(path, data)
    assert response.status_code == 200
    assert message in response.text, response.text[:0]
    assert nothing_planned()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (machine(designation="Sewing\x07machine"), "invisible or control character"),
        (machine(designation="Sewing \u202emachine"), "invisible or control character"),
        (machine(quantity="0"), "Ensure this value is greater than or equal to 1."),
        (machine(quantity="-3"), "Ensure this value is greater than or equal to"),
        (machine(quantity="two"), "Enter a whole number."),
        (machine(unit_price="0"), "Ensure this value is greater than or equal to 0.01."),
        (machine(unit_price="-10000"), "Ensure this value is greater than or equal to 0"),
        (machine(unit_price="99999999999999999"), "no more than"),
        (machine(unit_price="12abc"), "Enter a number."),
        (machine(category="weapons"), "Select a valid choice."),
        (machine(designation=""), "This field is required."),
        (machine(serial_number="x" * 101), "at most 100 characters"),
    ],
)
def test_a_bad_item_is_refused_on_the_form(client_for, khemisset_staff, project, row, message):
    refused_plan(client_for(khemisset_staff), plan_url(project), item_data(row), message)


def test_a_huge_quantity_is_refused_as_an_over_delivery(client_for, khemisset_staff, project):
    refused_plan(
        client_for(khemisset_staff), plan_url(project), item_data(machine(quantity="1000000")), "Over-delivery"
    )


def test_a_value_past_what_an_amount_can_hold_is_refused(client_for, khemisset_staff, project):
    row = machine(quantity="2000000000", unit_price="9999999999.99")
    response = client_for(khemisset_staff).post(plan_url(project), item_data(row))
    assert response.status_code == 200 and "Nothing is saved yet" in response.text
    assert nothing_planned()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"notes": "n" * 10_000}, "at most 2000 characters"),
        ({"notes": "Livraison\x00demain"}, "invisible or control character"),
        ({"planned_on": "0001-01-01"}, "A handover cannot be planned before the project was approved"),
        ({"planned_on": "9999-12-31"}, "Plan the handover within the next two years."),
        ({"planned_on": "31/02/2026"}, "Enter a valid date."),
        ({"ceremony": "999999"}, "Select a valid choice."),
    ],
)
def test_a_bad_plan_is_refused_on_the_form(client_for, khemisset_staff, project, fields, message):
    refused_plan(client_for(khemisset_staff), plan_url(project), item_data(machine(), **fields), message)


def test_a_plan_with_no_item_is_refused(client_for, khemisset_staff, project):
    data = item_data(machine()) | {"items-0-DELETE": "on"}
    refused_plan(client_for(khemisset_staff), plan_url(project), data, "List at least one item handed over.")


@pytest.mark.parametrize("total", ["abc", "100000", "-1"])
def test_a_tampered_formset_count_is_refused_without_a_500(client_for, khemisset_staff, project, total):
    data = item_data(machine()) | {"items-TOTAL_FORMS": total}
    for extra in ({}, {"add_row": "1"}):
        response = client_for(khemisset_staff).post(plan_url(project), data | extra)
        assert response.status_code == 200
    assert nothing_planned()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be more than zero."),
        ("-8000", "The amount must be more than zero."),
        ("", "Give the amount handed over."),
        ("123456789012345678", "no more than"),
        ("8000.001", "no more than 2 decimal places"),
        ("900000000", "Over-delivery"),
    ],
)
def test_a_bad_cash_amount_is_refused(client_for, khemisset_staff, project, amount, message):
    refused_plan(client_for(khemisset_staff), plan_url(project, "FM6RD"), cash_data(amount=amount), message)


def test_a_cash_plan_without_its_method_or_with_a_strange_one_is_refused(client_for, khemisset_staff, project):
    client = client_for(khemisset_staff)
    refused_plan(client, plan_url(project, "FM6RD"), cash_data(cash_method=""), "Say how the cash is paid.")
    refused_plan(client, plan_url(project, "FM6RD"), cash_data(cash_method="bitcoin"), "Select a valid choice.")
    refused_plan(
        client, plan_url(project, "FM6RD"), cash_data(cash_reference="VIR\x1b[31m"), "invisible or control character"
    )


def test_someone_elses_line_is_404_and_nothing_planned(client_for, khemisset_staff, rabat_staff, project):
    assert client_for(rabat_staff).post(plan_url(project), item_data(machine())).status_code == 404
    assert client_for(khemisset_staff).get("/disbursements/lines/999999/plan/").status_code == 404
    assert nothing_planned()


def test_a_line_not_approved_cannot_be_planned(client_for, khemisset_staff):
    from tests.projects.workflow_stages import submitted

    project = submitted(khemisset_convention(), khemisset_staff)
    response = client_for(khemisset_staff).post(plan_url(project), item_data(machine()), follow=True)
    assert "Only an approved funding line of an approved project can be handed over." in messages_of(response)
    assert nothing_planned()


def test_a_line_of_another_project_of_the_same_person_is_its_own(
    client_for, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, project
):
    other = approved_project(
        khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, convention=project.lines.first().convention
    )
    client_for(khemisset_staff).post(plan_url(other), item_data(machine()))
    assert Handover.objects.get().project == other and Handover.objects.get().line == line_of(other, "INDH")


# --- a handover that moved on --------------------------------------------------------------


def test_a_cancelled_handovers_deliver_url_says_so_and_posts_nothing(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.cancel(by=khemisset_staff, reason="Supplier failed")
    client = client_for(khemisset_staff)
    for response in (
        client.get(url("deliver", handover), follow=True),
        client.post(url("deliver", handover), {"delivered_on": today()}, follow=True),
    ):
        assert response.redirect_chain[-1][0] == handover.get_absolute_url()
        assert "This handover is cancelled: this action is not possible any more." in messages_of(response)
    assert not LedgerEntry.objects.exists()
    handover.refresh_from_db()
    assert handover.status == Handover.Status.CANCELLED


def test_a_delivered_handover_can_be_neither_replanned_cancelled_nor_delivered_again(
    client_for, khemisset_staff, project
):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    client = client_for(khemisset_staff)
    edit = client.post(url("edit_plan", handover), item_data(machine(quantity="1")), follow=True)
    assert "This handover is delivered: this action is not possible any more." in messages_of(edit)
    cancel = client.post(url("cancel", handover), {"reason": "Changed my mind"}, follow=True)
    assert "This handover is delivered: this action is not possible any more." in messages_of(cancel)
    client.post(url("deliver", handover), {"delivered_on": today()})
    assert LedgerEntry.objects.count() == 1 and LedgerEntry.objects.total() == 20000
    handover.refresh_from_db()
    assert (handover.status, handover.amount) == (Handover.Status.DELIVERED, 20000)


def test_a_reversed_handover_is_not_reversed_twice(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    client = client_for(khemisset_staff)
    client.post(url("reverse", handover), {"reason": "Wrong machine"})
    again = client.post(url("reverse", handover), {"reason": "Again"}, follow=True)
    assert "This handover is reversed: this action is not possible any more." in messages_of(again)
    assert LedgerEntry.objects.count() == 2 and LedgerEntry.objects.total() == 0


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0001-01-01", "it cannot be delivered before the project was approved."),
        ("9999-12-31", "A delivery cannot be recorded before it happens."),
        ("", "This field is required."),
        ("2026-13-01", "Enter a valid date."),
    ],
)
def test_a_bad_delivery_date_is_refused_and_nothing_posted(client_for, khemisset_staff, project, day, message):
    handover = plan_equipment(project, khemisset_staff)
    response = client_for(khemisset_staff).post(url("deliver", handover), {"delivered_on": day})
    assert response.status_code == 200
    assert message in response.text
    assert not LedgerEntry.objects.exists()
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PLANNED


def test_over_delivery_reaches_the_user_and_nothing_is_posted(client_for, khemisset_staff, project):
    first = plan_cash(project, khemisset_staff, amount="5000")
    second = plan_cash(project, khemisset_staff, amount="3000")
    # The line grows smaller after the plans (an administrator's correction): the second delivery
    # no longer fits in what is left.
    first.deliver(by=khemisset_staff, on=date.today())
    line = line_of(project, "FM6RD")
    type(line).objects.filter(pk=line.pk).update(amount="6000")
    response = client_for(khemisset_staff).post(url("deliver", second), {"delivered_on": today()})
    assert "Over-delivery: the FM6RD line of 6,000.00\xa0MAD has 1,000.00\xa0MAD left to hand over" in response.text
    assert LedgerEntry.objects.count() == 1
    second.refresh_from_db()
    assert second.status == Handover.Status.PLANNED


@pytest.mark.parametrize("reason", ["\x00", "Because\x1b[2J", "r" * 1001, "\u202egnorw"])
def test_a_bad_reason_is_refused(client_for, khemisset_staff, project, reason):
    handover = plan_equipment(project, khemisset_staff)
    response = client_for(khemisset_staff).post(url("cancel", handover), {"reason": reason}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert "is cancelled" not in " ".join(messages_of(response))
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PLANNED


def test_a_receipt_for_a_planned_handover_is_refused(client_for, khemisset_staff, project, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    handover = plan_equipment(project, khemisset_staff)
    response = client_for(khemisset_staff).post(
        url("upload_receipt_scan", handover), {"receipt_scan": SimpleUploadedFile("r.pdf", b"%PDF-1.4")}, follow=True
    )
    assert "A signed receipt is attached to a delivered handover." in messages_of(response)
    handover.refresh_from_db()
    assert not handover.receipt_scan


def test_a_missing_receipt_file_is_refused(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    response = client_for(khemisset_staff).post(url("upload_receipt_scan", handover), {})
    assert response.status_code == 400 and "This field is required." in response.text
